"""Keep C libraries' messages off the screen while the app draws on the terminal.

PortAudio, ALSA and the sound server write straight to file descriptor 2 from C, around
Python's ``sys.stderr``; on a full-screen app those lines are painted over the screen. While
the app runs, fd 2 goes to a log file and the app draws on a duplicate of the terminal.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

LOG_NAME = "audio.log"
"""File (in the data folder's ``logs``) that receives what C libraries print."""


@contextlib.contextmanager
def native_stderr_to(log_path: Path) -> Iterator[Path | None]:
    """Send fd 2 to ``log_path`` inside the block; the app keeps drawing on the terminal.

    Textual draws on ``sys.__stderr__``, so that is pointed at a duplicate of the original
    fd 2 for the duration. Nothing changes when the log cannot be opened.

    Yields:
        The log file, or None when fd 2 was left alone.
    """
    from starcoach.screen_access import open_private_log

    try:
        log_fd = open_private_log(log_path)  # logs/ 0700, audio.log 0600
    except OSError:
        yield None
        return
    sys.stderr.flush()
    saved_fd = os.dup(2)
    terminal = os.fdopen(os.dup(saved_fd), "w", encoding="utf-8", errors="replace", closefd=True)
    original = sys.__stderr__
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = terminal  # type: ignore[misc]
    try:
        yield log_path
    finally:
        terminal.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        sys.__stderr__ = original  # type: ignore[misc]
        terminal.close()


def audio_log_path(data_dir: Path | None) -> Path:
    """The log file for C-level audio messages, in the user data folder's ``logs``."""
    from starcoach.screen_access import history_folder

    return history_folder(data_dir) / "logs" / LOG_NAME
