"""Storage failures said as they are, nothing half saved: read-only, locked, full, corrupt, kill.

Tests run as root (here and in CI), where ``chmod`` does not stop writes. The cases here use
fakes that always run (an SQLite ``mode=ro`` connection, an ``OSError`` at the write,
``max_page_count``) plus real damage for corruption; ``test_history_processes.py`` repeats
them on a real read-only mount and a tiny tmpfs, and kills real processes mid-save.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from starcoach import cli
from starcoach.commands import analyze
from starcoach.core.analysis.result_parts import Question
from starcoach.storage import files, history, paths
from starcoach.storage.errors import CORRUPT, from_sqlite_error
from starcoach.storage.history import History
from starcoach.storage.saving import save_analysis
from tests.test_history import make_wav
from tests.test_history_factory import make_analysis

Q = Question("storage-q", "Tell me about a time a deadline slipped.")


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """``starcoach ARGS`` in-process, audio "transcribed" by a fake; returns (rc, out, err)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("analyze", "history", "report", "forget"))
    monkeypatch.setattr(analyze, "_analyze_audio", lambda path, *a: make_analysis(
        "I moved the launch and told the client first",
        input={"path": str(path), "kind": "audio"}))

    def run(*args: str) -> tuple[int, str, str]:
        rc = cli.main(list(args))
        out, err = capsys.readouterr()
        return rc, out, err
    return run


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, str, Path]:
    """(data folder holding one saved answer with audio, its session id, a fresh answer WAV)."""
    return seed(tmp_path)


def seed(tmp_path: Path) -> tuple[Path, str, Path]:
    """What the ``seeded`` fixture returns (other test modules call it)."""
    folder = tmp_path / "data"
    sid, _ = save_analysis(make_analysis(), make_wav(tmp_path / "first.wav"), Q, folder)
    return folder, sid, make_wav(tmp_path / "next.wav", seconds=0.5)


def _state(folder: Path) -> tuple[list[str], list[str]]:
    """(session ids with answers, every file under audio/) as the history sees them."""
    with History.open(folder, read_only=True) as h:
        sessions = [s.id for s in h.sessions()]
    audio = paths.audio_root(folder)
    return sessions, sorted(p.relative_to(folder).as_posix() for p in audio.rglob("*")
                            if p.is_file())


def _one_line(err: str) -> str:
    assert err.startswith("starcoach: ") and "\n" not in err.strip() and "Traceback" not in err
    return err.strip()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- permissions -----------------------------------------------------------------------------
def test_data_folder_is_0700_and_files_0600(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    wav = make_wav(tmp_path / "a.wav")
    with History.open(folder) as h:
        sid, aid = h.save_new_session("analyze", Q, make_analysis(), wav)
        db = paths.db_path(folder)
        side = [db.with_name(db.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in side)
        assert {_mode(p) for p in [db, *side]} == {0o600}
    audio = paths.audio_root(folder) / sid / f"{aid}.wav"
    assert (_mode(folder), _mode(folder / "audio"), _mode(audio.parent)) == (0o700,) * 3
    assert _mode(audio) == 0o600


def test_an_older_world_readable_layout_is_tightened(seeded: tuple[Path, str, Path]) -> None:
    folder, sid, wav = seeded
    (audio,) = (paths.audio_root(folder) / sid).iterdir()
    for path, mode in [(folder, 0o755), (audio.parent, 0o755), (audio, 0o644),
                       (paths.db_path(folder), 0o644)]:
        path.chmod(mode)
    with History.open(folder):
        pass
    assert (_mode(folder), _mode(audio.parent), _mode(audio)) == (0o700, 0o700, 0o600)
    assert _mode(paths.db_path(folder)) == 0o600


# -- read-only commands ----------------------------------------------------------------------
def test_read_only_commands_write_nothing(seeded: tuple[Path, str, Path], run_cli: Any) -> None:
    folder, sid, _ = seeded
    orphan = paths.audio_root(folder) / sid / "999.wav"  # a sweep would delete it
    orphan.write_bytes(b"not referenced")
    folder.chmod(0o755)  # a write-mode open would tighten it
    db = paths.db_path(folder)
    before = db.read_bytes()
    for args in (["history"], ["history", sid, "--json"], ["report", sid, "--format", "md"]):
        rc, out, err = run_cli(*args, "--data-dir", str(folder))
        assert rc == 0, err
        assert sid in out
    assert db.read_bytes() == before and orphan.exists() and _mode(folder) == 0o755
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION
    conn.close()


def test_history_of_a_missing_database_creates_nothing(tmp_path: Path, run_cli: Any) -> None:
    folder = tmp_path / "empty"
    rc, out, _ = run_cli("history", "--data-dir", str(folder))
    assert rc == 0 and "No saved sessions" in out
    assert list(folder.iterdir()) == []


def test_sessions_without_answers_are_never_listed(seeded: tuple[Path, str, Path],
                                                   run_cli: Any) -> None:
    folder, sid, _ = seeded
    with History.open(folder) as h:  # what an interrupted save of an older version left
        empty = h.start_session("analyze", label="interrupted")
    rc, out, _ = run_cli("history", "--json", "--data-dir", str(folder))
    assert rc == 0 and [s["id"] for s in json.loads(out)["sessions"]] == [sid]
    rc, _, err = run_cli("report", empty, "--data-dir", str(folder))
    assert rc == 2 and "no session" in _one_line(err)


def test_analyze_save_creates_session_and_answer_together(tmp_path: Path, run_cli: Any,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    folder, wav = tmp_path / "data", make_wav(tmp_path / "a.wav")
    calls: list[str] = []
    monkeypatch.setattr(History, "start_session", lambda *a, **k: calls.append("start"))
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    assert rc == 0 and "Saved to history" in err and calls == []
    (sid,), audio = _state(folder)
    assert audio == [f"audio/{sid}/1.wav"]


# -- locked ----------------------------------------------------------------------------------
def test_locked_database(seeded: tuple[Path, str, Path], run_cli: Any,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder, sid, wav = seeded
    monkeypatch.setattr(history, "BUSY_TIMEOUT_S", 0.05)
    before = _state(folder)
    other = sqlite3.connect(paths.db_path(folder), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    line = _one_line(err)
    assert rc == 2 and "is locked by another program" in line and "move it away" not in line
    rc, out, _ = run_cli("history", "--data-dir", str(folder))  # readers are not blocked
    assert rc == 0 and sid in out
    other.execute("ROLLBACK")
    other.execute("PRAGMA locking_mode = EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")  # now even readers are shut out
    rc, _, err = run_cli("history", "--data-dir", str(folder))
    assert rc == 2 and "is locked" in _one_line(err)
    other.close()
    assert _state(folder) == before


# -- full disk -------------------------------------------------------------------------------
def test_full_disk_during_the_audio_copy(seeded: tuple[Path, str, Path], run_cli: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _, wav = seeded
    before = _state(folder)

    def copy_until_full(src: Any, dst: Any, length: int = 0) -> None:
        dst.write(src.read(1000))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.shutil, "copyfileobj", copy_until_full)
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    line = _one_line(err)
    assert rc == 2 and "is full (No space left on device)" in line
    assert "move it away" not in line and _state(folder) == before


def test_full_disk_when_the_rows_are_written(seeded: tuple[Path, str, Path], run_cli: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _, wav = seeded
    before = _state(folder)
    real = history._connect

    def no_room(path: Path) -> sqlite3.Connection:  # SQLite's own SQLITE_FULL
        conn = real(path)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(history, "_connect", no_room)
    monkeypatch.setattr(analyze, "_analyze_audio", lambda path, *a: make_analysis(
        "and then we shipped " * 2000, input={"path": str(path), "kind": "audio"}))
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    line = _one_line(err)
    assert rc == 2 and "is full (database or disk is full)" in line
    assert _state(folder) == before


# -- read-only -------------------------------------------------------------------------------
def test_read_only_database_fake(seeded: tuple[Path, str, Path], run_cli: Any,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder, sid, wav = seeded
    before = _state(folder)
    monkeypatch.setattr(history, "_connect", lambda path: sqlite3.connect(
        f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False))
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    line = _one_line(err)
    assert rc == 2 and "it is read-only" in line and "move it away" not in line
    assert run_cli("history", "--data-dir", str(folder))[0] == 0
    assert _state(folder) == before


def test_read_only_audio_folder_fake(seeded: tuple[Path, str, Path], run_cli: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _, wav = seeded
    before = _state(folder)
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kw: Any) -> int:
        if str(path).endswith(files.TMP_SUFFIX):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, mode, **kw)

    monkeypatch.setattr(files.os, "open", refuse)
    rc, _, err = run_cli("analyze", str(wav), "--save", "--json", "--data-dir", str(folder))
    assert rc == 2 and "it is read-only (Read-only file system)" in _one_line(err)
    assert _state(folder) == before


# -- corrupt ---------------------------------------------------------------------------------
def _damage_index(folder: Path) -> None:
    """Overwrite the attempts_by_session index's root page: real, detectable damage."""
    db = paths.db_path(folder)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = "
                           "'attempts_by_session'").fetchone()
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * size)
        f.write(b"\x42" * size)


def test_real_corruption_is_confirmed_and_the_sweep_deletes_nothing(
        seeded: tuple[Path, str, Path], run_cli: Any) -> None:
    folder, sid, _ = seeded
    _damage_index(folder)
    rc, _, err = run_cli("history", "--data-dir", str(folder))
    line = _one_line(err)
    assert rc == 2 and "is corrupt" in line and "move it away" in line
    unreferenced = paths.audio_root(folder) / sid / "7.wav"
    unreferenced.write_bytes(b"maybe a row the damage hides")
    with History.open(folder):  # write mode: quick_check fails, so nothing is swept
        pass
    assert unreferenced.exists()


def test_corruption_error_on_an_intact_file_is_not_called_corruption(
        seeded: tuple[Path, str, Path]) -> None:
    folder, _, _ = seeded
    exc = sqlite3.DatabaseError("database disk image is malformed")
    exc.sqlite_errorcode = 11  # type: ignore[attr-defined]
    err = from_sqlite_error(exc, paths.db_path(folder))
    assert err.kind != CORRUPT and "no damage" in err.message
    assert "move it away" not in err.message


def test_the_four_messages_differ(tmp_path: Path) -> None:
    from starcoach.storage import errors

    made = [errors.read_only(tmp_path, "x"), errors.locked(tmp_path / "h"),
            errors.full(tmp_path, "x"), errors.corrupt(tmp_path / "h", "x")]
    assert len({e.kind for e in made}) == 4
    assert [("move it away" in e.message) for e in made] == [False, False, False, True]


def test_staged_copies_are_cleaned_when_the_source_vanishes(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        files.stage_copy(tmp_path / "gone.wav", tmp_path / "audio" / "s" / "1.wav")
    assert not (tmp_path / "audio").exists()
