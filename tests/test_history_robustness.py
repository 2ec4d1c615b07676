"""History under stress: SIGKILL in the middle of saves, and two writer processes at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from starcoach.storage import paths
from starcoach.storage.history import History

WRITER = r"""
import sys, wave
from pathlib import Path
from starcoach.storage.history import History

folder, rounds, kind = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
wav = folder.parent / f"src-{kind}.wav"
with wave.open(str(wav), "wb") as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframes(b"\x10\x00" * 32000)
analysis = {"schema": 1, "transcript": "um I did it", "pace": {"wpm": 150.0},
            "fillers": {"per_minute": 2.0}, "pauses": {"long_count": 1},
            "star": {"situation": 1, "task": 1, "action": 1, "result": 0}}
with History.open(folder) as h:
    print("ready", flush=True)
    sessions = []
    for i in range(rounds):
        if i % 3 == 0:
            sessions.append(h.start_session(kind))
        h.save_attempt(sessions[-1], {"id": f"q{i % 4}", "text": "Q"}, analysis, wav)
        if len(sessions) > 3 and i % 5 == 0:
            h.delete_session(sessions.pop(0))
print("done", flush=True)
"""


def _spawn(folder: Path, rounds: int, kind: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(folder), str(rounds), kind],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _check_consistent(folder: Path) -> int:
    """Open (which cleans orphans), then check integrity and that rows and files match."""
    with History.open(folder) as h:
        attempts = [a for s in h.sessions() for a in h.attempts(s.id)]
    conn = sqlite3.connect(folder / paths.DB_NAME)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
    referenced = {a.audio_path for a in attempts}
    assert all(p is not None and p.is_file() and p.stat().st_size > 64000 for p in referenced)
    on_disk = {p for p in (folder / paths.AUDIO_DIR).rglob("*") if p.is_file()}
    assert on_disk == referenced, "orphan audio files left behind"
    return len(attempts)


def test_sigkill_during_saves_leaves_consistent_history(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    rng = random.Random(4)
    kills = 0
    for _ in range(5):
        proc = _spawn(folder, 10_000, "interview")
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
        time.sleep(rng.uniform(0.02, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        kills += proc.returncode == -signal.SIGKILL
        _check_consistent(folder)
    assert kills == 5
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
