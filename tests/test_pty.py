"""The real app in a pseudo-terminal at 80x24, driven by key presses and read back through a
terminal emulator (pyte): what a person sees, including what C libraries print."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

import starcoach

pyte = pytest.importorskip("pyte", reason="pyte (test dependency) renders the terminal")

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(starcoach.__file__).resolve().parents[1]
"""The starcoach this test process imports: the app under test runs the same code."""
COLS, ROWS = 80, 24
DEADLINE_S = 60.0
"""Upper bound on waiting for the screen to show something (a loaded machine is slow)."""


class Terminal:
    """The app in a pty; ``screen`` is what an 80x24 terminal shows."""

    def __init__(self, data_dir: Path, argv: tuple[str, ...] = ("-m", "tests.pty_app")) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLS),
               "LINES": str(ROWS), "PYTHONPATH": f"{SRC}{os.pathsep}{ROOT}",
               "STARCOACH_DATA_DIR": str(data_dir), "TEXTUAL_ANIMATIONS": "none"}
        self.process = subprocess.Popen(
            [sys.executable, *argv, str(data_dir)], cwd=ROOT, env=env,
            stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        self.master = master
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    def read(self, timeout: float = 0.1) -> None:
        """Feed whatever the app wrote to the emulator."""
        while select.select([self.master], [], [], timeout)[0]:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.stream.feed(data)
            timeout = 0.02

    def wait_for(self, *needles: str) -> str:
        """Read until every needle is on screen; fail with the screen otherwise."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            self.read()
            text = self.text()
            if all(n in text for n in needles):
                return text
            if self.process.poll() is not None:
                break
        raise AssertionError(f"{needles} never shown; screen:\n{self.text()}")

    def wait_for_gone(self, needle: str) -> None:
        """Read until ``needle`` has left the screen."""
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline and self.process.poll() is None:
            self.read()
            if needle not in self.text():
                return
        raise AssertionError(f"{needle!r} still shown; screen:\n{self.text()}")

    def press(self, keys: str) -> None:
        """Type ``keys`` (raw terminal bytes)."""
        os.write(self.master, keys.encode())

    def close(self) -> int:
        """Wait for the app to exit (killing it if it hangs); its exit status."""
        try:
            deadline = time.monotonic() + DEADLINE_S  # quitting waits for its workers
            while self.process.poll() is None and time.monotonic() < deadline:
                self.read()
            if self.process.poll() is None:
                self.process.kill()
            return self.process.wait(5)
        finally:
            os.close(self.master)


@pytest.fixture
def terminal(tmp_path: Path):
    term = Terminal(tmp_path / "data")
    yield term
    if term.process.poll() is None:
        term.process.kill()
        term.process.wait(5)


def test_real_app_at_80x24_by_keys(terminal: Terminal, tmp_path: Path) -> None:
    terminal.wait_for("Pick a question set")
    terminal.press("\r")  # start the highlighted set
    screen = terminal.wait_for("What to work on", "Question 1 of 2")
    assert "ALSA" not in screen  # C-level noise went to the log, not over the screen
    assert "No sound output" in screen  # one-line notice: the speaker failed, text from now on
    log = tmp_path / "data" / "logs" / "audio.log"
    assert "Unknown PCM default" in log.read_text()

    terminal.press("?")
    screen = terminal.wait_for("starcoach keys", "Close")
    terminal.press("\x1b[F")  # End: the help scrolls to its last row
    terminal.wait_for("quit (recordings are already on disk)", "Close")
    terminal.press("q")  # closes the help
    terminal.wait_for("What to work on")

    terminal.press("\x1b[6~")  # PgDn scrolls the feedback without Tab
    terminal.wait_for_gone("What to work on")
    terminal.press("\x1b[F")  # End: down to the transcript
    terminal.wait_for("Your answer", "At my last job")
    terminal.press("n")
    terminal.wait_for("Question 2 of 2", "What to work on")
    terminal.press("n")
    terminal.wait_for("Session summary")
    terminal.press("q")
    assert terminal.close() == 0
    assert "ALSA" not in terminal.text()


@pytest.mark.model
@pytest.mark.slow  # the demo answer plays in real time until words are heard
def test_ctrl_c_while_recording_exits_cleanly_and_keeps_the_recording(tmp_path: Path) -> None:
    """The real `starcoach --demo` quit by Ctrl+C mid-answer: exit 0 (no abort from a decode
    cut off at shutdown), the terminal restored, the recording so far on disk."""
    data = tmp_path / "data"
    term = Terminal(data, ("-m", "starcoach", "--demo", "--no-voice", "--data-dir"))
    try:
        term.wait_for("Pick a question set")
        term.press("\r")
        term.wait_for("Recording", "Heard:", "wpm")  # words transcribed while still recording
        term.press("\x03")  # Ctrl+C
        assert term.close() == 0
    finally:
        if term.process.poll() is None:
            term.process.kill()
    assert "terminate called" not in term.text()
    recordings = list((data / "recordings").glob("*.wav"))
    assert len(recordings) == 1 and recordings[0].stat().st_size > 44
