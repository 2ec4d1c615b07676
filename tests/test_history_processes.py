"""Real processes and real file systems: SIGKILL mid-save, a tiny tmpfs, a read-only mount.

The kill tests use a handshake (the child prints the point it reached and blocks on stdin;
the parent kills it on reading the line), never a sleep. The file-system tests mount inside a
private mount namespace (``unshare -m``) and are skipped, with a reason, where the kernel
refuses one; ``test_history_storage.py`` covers the same messages with fakes everywhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from starcoach.storage import paths
from starcoach.storage.history import History
from tests.test_history import make_wav
from tests.test_history_storage import _one_line, _state, seed

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Path, str, Path]:
    """A data folder with one saved answer, its session id, and a fresh answer WAV."""
    return seed(tmp_path)

DRIVER = r"""
import contextlib, io, json, os, sys
from pathlib import Path
from starcoach import cli
from starcoach.commands import analyze
from starcoach.storage import files
from tests.test_history_factory import make_analysis

cli.COMMAND_MODULES = ("analyze", "history")
analyze._analyze_audio = lambda path, *a: make_analysis(
    "I moved the launch and told the client first", input={"path": str(path), "kind": "audio"})
folder = Path(sys.argv[1])

def hold(point):
    print(point, file=sys.__stdout__, flush=True)  # the parent SIGKILLs us on reading it
    sys.stdin.read()

def kill_in_copy():
    real = files.shutil.copyfileobj
    def copy(src, dst, length=0):
        dst.write(src.read(4096)); dst.flush(); hold("copy")
    files.shutil.copyfileobj = copy

def kill_after_publish():
    real = files.publish
    def publish(staged):
        real(staged); hold("publish")
    files.publish = publish

def run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main([*args, "--data-dir", str(folder)])
    return rc, out.getvalue(), err.getvalue()

for step in sys.argv[2:]:
    if step == "kill-copy": kill_in_copy(); continue
    if step == "kill-publish": kill_after_publish(); continue
    if step.startswith("save:"):
        rc, out, err = run("analyze", step[5:], "--save", "--json")
        result = {"rc": rc, "err": err}
    elif step == "history":
        rc, out, err = run("history", "--json")
        listed = json.loads(out)["sessions"] if rc == 0 else None
        result = {"rc": rc, "err": err, "sessions": listed}
    elif step == "big-row":  # a typed answer whose analysis does not fit on the disk
        from starcoach.storage.saving import save_analysis
        from starcoach.core.errors import AppError
        try:
            save_analysis(make_analysis("we shipped it " * 30000), None, None, folder)
            result = {"rc": 0, "err": ""}
        except AppError as exc:
            result = {"rc": 2, "err": f"starcoach: {exc.message}\n"}
    elif step == "files":
        result = {"files": sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                                  if p.is_file())}
    print(json.dumps({"step": step, **result}), flush=True)
"""


def _driver(folder: Path, *steps: str, namespace: str | None = None) -> subprocess.Popen[str]:
    """Run DRIVER (optionally after ``namespace`` mount commands in a private mount ns)."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    argv = [sys.executable, "-c", DRIVER, str(folder), *steps]
    if namespace is not None:
        quoted = " ".join(f"'{a}'" for a in argv[3:])
        argv = ["unshare", "-m", "sh", "-ec",
                f'{namespace}\nexec "{sys.executable}" -c "$DRIVER" {quoted}']
        env["DRIVER"] = DRIVER
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _results(proc: subprocess.Popen[str]) -> dict[str, dict[str, Any]]:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return {r["step"]: r for r in map(json.loads, out.splitlines())}


def _mount_namespaces_work() -> bool:
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True,
                              timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_mount_ns = pytest.mark.skipif(
    not _mount_namespaces_work(), reason="no private mount namespace (unshare -m) here; the "
    "fake-based tests in test_history_storage.py cover the same messages")


# -- one transaction per saved answer --------------------------------------------------------
@pytest.mark.parametrize("point", ["copy", "publish"],
                         ids=["kill-during-audio-copy", "kill-after-rename-before-commit"])
def test_kill_mid_save_leaves_no_session_and_no_file(seeded: tuple[Path, str, Path],
                                                     point: str) -> None:
    folder, sid, wav = seeded
    before = _state(folder)
    proc = _driver(folder, f"kill-{point}", f"save:{wav}")
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == point  # handshake: the save is at that point
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    sessions, audio = _state(folder)
    assert sessions == before[0] == [sid]  # no "0 answer(s)" session, nothing half saved
    assert len(audio) == 2  # the kept answer and what the kill left (a temp copy or a file)
    with History.open(folder):  # a write-mode open sweeps it
        pass
    assert _state(folder) == before


@needs_mount_ns
def test_full_disk_on_a_real_tiny_file_system(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    folder.mkdir()
    small, big = make_wav(tmp_path / "s.wav"), make_wav(tmp_path / "b.wav", seconds=20)
    proc = _driver(folder, f"save:{small}", f"save:{big}", "big-row", "history", "files",
                   namespace=f"mount -t tmpfs -o size=256k tmpfs '{folder}'")
    r = _results(proc)
    assert r[f"save:{small}"]["rc"] == 0
    for step in (f"save:{big}", "big-row"):  # the audio copy, then SQLite's own write
        line = _one_line(r[step]["err"])
        assert r[step]["rc"] == 2 and "is full" in line and "move it away" not in line
    (session,) = r["history"]["sessions"]
    assert session["answers"] == 1
    audio = [f for f in r["files"]["files"] if f.startswith("audio/")]
    assert audio == [f"audio/{session['id']}/1.wav"]  # no temp copy, no second file


@needs_mount_ns
def test_read_only_folder_on_a_real_read_only_mount(seeded: tuple[Path, str, Path]) -> None:
    folder, sid, wav = seeded
    before = paths.db_path(folder).read_bytes()
    proc = _driver(folder, "history", f"save:{wav}", "files",
                   namespace=f"mount --bind -o ro '{folder}' '{folder}'")
    r = _results(proc)
    assert r["history"]["rc"] == 0 and [s["id"] for s in r["history"]["sessions"]] == [sid]
    line = _one_line(r[f"save:{wav}"]["err"])
    assert r[f"save:{wav}"]["rc"] == 2 and "it is read-only" in line
    assert "move it away" not in line
    assert paths.db_path(folder).read_bytes() == before
    assert _state(folder)[0] == [sid]


