"""Practice history storage: round trips, migrations, corrupt and newer databases."""

from __future__ import annotations

import json
import sqlite3
import wave
from pathlib import Path

import pytest

from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question
from starcoach.core.errors import AppError
from starcoach.core.session_export import ExportQuestion, export_from_json, export_to_json
from starcoach.storage import paths
from starcoach.storage.history import MIGRATIONS, SCHEMA_VERSION, History
from tests.test_history_factory import make_analysis


def make_wav(path: Path, seconds: float = 0.2, value: int = 1000) -> Path:
    """A small mono 16 kHz WAV file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(value.to_bytes(2, "little", signed=True) * int(16000 * seconds))
    return path


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_path", lambda name: tmp_path / "platform" / name)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.data_dir() == (tmp_path / "platform" / "starcoach").resolve()
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.data_dir() == (tmp_path / "env").resolve()
    assert paths.data_dir(tmp_path / "flag") == (tmp_path / "flag").resolve()
    assert all((tmp_path / d).is_dir() for d in ("platform/starcoach", "env", "flag"))


def test_round_trip_with_audio(tmp_path: Path) -> None:
    wav = make_wav(tmp_path / "answer.wav")
    analysis = make_analysis(question={"id": "conflict", "text": "A conflict?"})
    with History.open(tmp_path / "data") as h:
        sid = h.start_session("interview", question_set="behavioral")
        aid = h.save_attempt(sid, Question("conflict", "A conflict?"), analysis, wav)
        text_id = h.save_attempt(sid, None, make_analysis(timed=False))
    with History.open(tmp_path / "data") as h:
        (info,) = h.sessions()
        first, second = h.attempts(sid)
    assert (info.id, info.kind, info.question_set, info.attempt_count) == (
        sid, "interview", "behavioral", 2)
    assert info.means["wpm"] == 140.0  # the text answer has no pace and is not averaged in
    assert (first.id, second.id) == (aid, text_id) and aid < text_id
    assert first.analysis == analysis
    assert first.question_id == "conflict" and first.metrics["star_coverage"] == 0.625
    assert first.audio_path == tmp_path / "data" / "audio" / sid / f"{aid}.wav"
    assert first.audio_path.read_bytes() == wav.read_bytes()
    assert second.audio_path is None and second.metrics["wpm"] is None


def test_question_history_first_best_latest(tmp_path: Path) -> None:
    q = Question("failure", "Tell me about a failure.")
    runs = [(190, 6.0, (1, 0, 0, 0)), (140, 0.5, (1, 1, 1, 1)), (165, 3.0, (1, 1, 0, 0))]
    with History.open(tmp_path) as h:
        ids = []
        for wpm, fillers, star in runs:
            sid = h.start_session("analyze")
            ids.append(h.save_attempt(sid, q, make_analysis(wpm=wpm, fillers_per_min=fillers,
                                                             star=star)))
        h.save_attempt(sid, Question(None, "Free text?"), make_analysis())
        qh = h.question_history("failure")
        free = h.question_history(None, "Free text?")
        listed = h.questions()
    assert qh is not None and free is not None
    assert (qh.count, qh.first.id, qh.best.id, qh.latest.id) == (3, ids[0], ids[1], ids[2])
    assert free.count == 1 and free.question_text == "Free text?"
    assert [x.question_id for x in listed] == ["failure", None]


def test_delete_and_export(tmp_path: Path) -> None:
    wav = make_wav(tmp_path / "a.wav")
    with History.open(tmp_path / "d") as h:
        keep = h.start_session("analyze")
        h.save_attempt(keep, None, make_analysis(), wav)
        gone = h.start_session("call")
        h.save_attempt(gone, Question("q1", "Q1"), make_analysis(), wav)
        export = h.export_session(gone[:5], trainee="Ada")
        assert h.delete_session(gone) == 1
        assert [s.id for s in h.sessions()] == [keep]
        assert not (tmp_path / "d" / "audio" / gone).exists()
        assert (tmp_path / "d" / "audio" / keep).is_dir()
        with pytest.raises(AppError, match="no session"):
            h.session(gone)
    assert export.format == "starcoach-session" and export.trainee == "Ada"
    assert export.session.id == gone and export.session.kind == "call"
    assert export.attempts[0].question == ExportQuestion("q1", "Q1")
    assert export.attempts[0].analysis.transcript.startswith("Um so")
    data = export_to_json(export)
    assert data["attempts"][0]["question"] == {"id": "q1", "text": "Q1"}
    assert export_from_json(json.loads(json.dumps(data))) == export


def test_unknown_session_and_bad_kind(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        with pytest.raises(AppError, match="no session"):
            h.save_attempt("nope", None, make_analysis())
        with pytest.raises(ValueError):
            h.start_session("party")


def test_migrates_empty_v0_database(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / paths.DB_NAME).close()  # a 0-byte file
    conn = sqlite3.connect(tmp_path / "v0.sqlite3")
    conn.execute("PRAGMA user_version = 0")
    conn.close()
    with History.open(tmp_path) as h:
        assert h.sessions() == []
    conn = sqlite3.connect(tmp_path / paths.DB_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_reopens_v1_database_written_by_raw_sql(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / paths.DB_NAME)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO sessions VALUES ('abcd1234', '2024-01-01T10:00:00+00:00', "
                 "'interview', NULL, NULL)")
    conn.execute("INSERT INTO attempts (session_id, created_at, analysis_json, wpm) VALUES "
                 "('abcd1234', '2024-01-01T10:01:00+00:00', '{\"schema\": 1}', 131)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with History.open(tmp_path) as h:
        (info,) = h.sessions()
        (attempt,) = h.attempts("abcd1234")
    assert info.attempt_count == 1 and attempt.metrics["wpm"] == 131
    assert attempt.analysis == Analysis(schema=1)  # an old save reads with defaults


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is a text file, not a database\n" * 20, "not a starcoach database"),
        (b"SQLite format 3\x00" + b"\xff" * 4080, "corrupt"),
    ],
    ids=["text-file", "garbage-after-header"],
)
def test_corrupt_database_is_refused_and_untouched(tmp_path: Path, content: bytes,
                                                   message: str) -> None:
    db = tmp_path / paths.DB_NAME
    db.write_bytes(content)
    with pytest.raises(AppError, match=message) as err:
        History.open(tmp_path)
    assert "move it away" in err.value.message and "\n" not in err.value.message
    assert db.read_bytes() == content


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    db = tmp_path / paths.DB_NAME
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(AppError, match="not a starcoach database"):
        History.open(tmp_path)
    assert db.read_bytes() == before


def test_newer_schema_is_refused_and_untouched(tmp_path: Path) -> None:
    with History.open(tmp_path) as h:
        h.start_session("interview")
    conn = sqlite3.connect(tmp_path / paths.DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _bytes(tmp_path / paths.DB_NAME)
    with pytest.raises(AppError, match="newer starcoach"):
        History.open(tmp_path)
    assert _bytes(tmp_path / paths.DB_NAME) == before


def test_orphan_audio_is_removed_on_open(tmp_path: Path) -> None:
    wav = make_wav(tmp_path / "a.wav")
    with History.open(tmp_path / "d") as h:
        sid = h.start_session("interview")
        aid = h.save_attempt(sid, None, make_analysis(), wav)
    orphan = tmp_path / "d" / "audio" / sid / f"{aid + 1}.wav"
    orphan.write_bytes(b"half")
    tmp_left = tmp_path / "d" / "audio" / "deadbeef" / ".7.wav.123.tmp"
    tmp_left.parent.mkdir()
    tmp_left.write_bytes(b"x")
    with History.open(tmp_path / "d") as h:
        (attempt,) = h.attempts(sid)
    assert attempt.audio_path is not None and attempt.audio_path.exists()
    assert not orphan.exists() and not tmp_left.parent.exists()
