"""History under stress: SIGKILL in the middle of saves, and two writer processes at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from starcoach.storage import paths
from starcoach.storage.history import History

WRITER = r"""
import shutil, sys, wave
from pathlib import Path
from starcoach.storage import files
from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result_parts import Question
from starcoach.storage.history import History

folder, rounds, kind = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
point, kill_round = (sys.argv[4].split(":") + ["-1"])[:2] if len(sys.argv) > 4 else ("", "-1")
wav = folder.parent / f"src-{kind}.wav"
with wave.open(str(wav), "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"\x10\x00" * 32000)
analysis = {"schema": 1, "transcript": "um I did it", "pace": {"wpm": 150.0},
            "fillers": {"per_minute": 2.0}, "pauses": {"long_count": 1},
            "star": {"situation": 1, "task": 1, "action": 1, "result": 0}}

def hold():
    print(point, flush=True)  # the parent SIGKILLs this process once it reads the line
    sys.stdin.read()

def arm():
    if point == "copy":
        def copy(src, dst, length=0):
            dst.write(src.read(20000)); dst.flush(); hold()
        files.shutil.copyfileobj = copy
    elif point == "publish":
        real = files.publish
        files.publish = lambda staged: (real(staged), hold())
    elif point == "delete":  # rows deleted and committed, audio folder not yet removed
        shutil.rmtree = lambda *a, **k: hold()

with History.open(folder) as h:
    print("ready", flush=True)
    sessions = []
    for i in range(rounds):
        if i == int(kill_round):
            arm()
        q = Question(f"q{i % 4}", "Q")
        if i % 3 == 0:
            sessions.append(h.save_new_session(kind, q, from_json(analysis), wav)[0])
        else:
            h.save_attempt(sessions[-1], q, from_json(analysis), wav)
        if len(sessions) > 3 and i % 5 == 0:
            h.delete_session(sessions.pop(0))
print("done", flush=True)
"""


def _spawn(folder: Path, rounds: int, kind: str, kill_at: str = "") -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(rounds), kind,
                             kill_at], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _check_consistent(folder: Path) -> int:
    """Open (which cleans orphans), then check integrity and that rows and files match."""
    with History.open(folder) as h:
        attempts = [a for s in h.sessions() for a in h.attempts(s.id)]
    conn = sqlite3.connect(folder / paths.DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT COUNT(*) FROM sessions WHERE id NOT IN "
                        "(SELECT session_id FROM attempts)").fetchone()[0] == 0
    conn.close()
    referenced = {a.audio_path for a in attempts}
    assert all(p is not None and p.is_file() and p.stat().st_size > 64000 for p in referenced)
    on_disk = {p for p in (folder / paths.AUDIO_DIR).rglob("*") if p.is_file()}
    assert on_disk == referenced, "orphan audio files left behind"
    return len(attempts)


def test_sigkill_during_saves_leaves_consistent_history(tmp_path: Path) -> None:
    """SIGKILL mid-copy, after the rename before COMMIT, and between a delete and its rmtree.

    The writer prints the point it reached and blocks; the test kills it on reading the line
    (a handshake, no timing). Kill rounds are drawn once from a seeded generator.
    """
    folder = tmp_path / "data"
    rng = random.Random(4)
    plan = [("copy", rng.randrange(1, 30)), ("publish", rng.randrange(1, 30)), ("delete", 20),
            ("copy", 0), ("publish", 3)]
    for point, kill_round in plan:
        proc = _spawn(folder, 40, "interview", f"{point}:{kill_round}")
        assert proc.stdout is not None
        lines = [proc.stdout.readline().strip() for _ in range(2)]
        assert lines == ["ready", point], proc.stderr.read() if proc.stderr else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=60)
        assert proc.returncode == -signal.SIGKILL
        _check_consistent(folder)
    assert _check_consistent(folder) > 0


def test_two_writer_processes_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    procs = [_spawn(folder, 24, kind) for kind in ("interview", "call")]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.split() == ["ready", "done"]
    with History.open(folder) as h:
        kinds = [s.kind for s in h.sessions()]
    assert sorted(set(kinds)) == ["call", "interview"]
    assert kinds.count("call") == kinds.count("interview")
    assert _check_consistent(folder) == 2 * _saved_left(24)


def _saved_left(rounds: int) -> int:
    """How many attempts one writer leaves after ``rounds`` (replays its delete rule)."""
    sessions: list[list[int]] = []
    for i in range(rounds):
        if i % 3 == 0:
            sessions.append([])
        sessions[-1].append(i)
        if len(sessions) > 3 and i % 5 == 0:
            sessions.pop(0)
    return sum(len(s) for s in sessions)
