"""What the screens need from storage and audio files, in one place beside ``services``.

The UI reaches the practice history, the recordings, the call scenarios and the data folder
only through these functions (``tests/test_import_hygiene.py`` holds it to that), so a screen
never opens a database or decodes a file itself.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from starcoach.core.calls import Scenario
from starcoach.core.models import AudioClip
from starcoach.core.rubric import Rubric
from starcoach.storage.records import (
    Attempt,
    QuestionHistory,
    SessionInfo,
    previous_attempt,
)

__all__ = [
    "Attempt",
    "HistorySnapshot",
    "QuestionHistory",
    "SessionInfo",
    "call_rubric",
    "call_scenarios",
    "demo_answer_keys",
    "forget_session",
    "history_folder",
    "load_recording",
    "mock_set_path",
    "open_private_log",
    "previous_attempt",
    "read_history",
]


@dataclass(frozen=True)
class HistorySnapshot:
    """Everything the history screen shows, read in one go."""

    sessions: list[SessionInfo]
    """Sessions, newest first."""
    attempts: list[Attempt]
    """Every saved answer, oldest first."""
    questions: list[QuestionHistory]
    """First, best and latest attempt per question."""


def history_folder(data_dir: Path | None) -> Path:
    """The data folder in use (``--data-dir``, ``$STARCOACH_DATA_DIR`` or the default)."""
    from starcoach.storage.paths import data_dir as resolve

    return resolve(data_dir)


def open_private_log(path: Path) -> int:
    """Open ``path`` for appending, its folder 0700 and the file 0600; returns the descriptor.

    Raises:
        OSError: the folder or the file cannot be created or opened.
    """
    import os

    from starcoach.storage.files import PRIVATE_FILE, private_dir, tighten

    private_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
    tighten(path, PRIVATE_FILE)
    return fd


def read_history(folder: Path) -> HistorySnapshot:
    """Read the history in ``folder`` (read-only: nothing is written).

    Raises:
        AppError: the history cannot be read (``StorageError`` says why).
    """
    from starcoach.storage.history import History

    with History.open(folder, read_only=True) as history:
        return HistorySnapshot(
            list(reversed(history.sessions())), history.all_attempts(), history.questions()
        )


def forget_session(folder: Path, session_id: str) -> int:
    """Delete a session's answers and audio; returns how many answers it had.

    Raises:
        AppError: unknown session, or the history cannot be written.
    """
    from starcoach.storage.history import History

    with History.open(folder) as history:
        return history.delete_session(session_id)


def load_recording(path: Path) -> AudioClip:
    """A saved answer's audio, for replay.

    Raises:
        AppError: the file is missing, unreadable or not audio (one line saying why).
    """
    from starcoach.adapters.audio_files import load_audio

    return load_audio(path)


def mock_set_path() -> Path:
    """The mock interview's opening and closing questions."""
    from starcoach.storage.paths import mock_set_file

    return mock_set_file()


def demo_answer_keys() -> Collection[str]:
    """Question ids with a bundled recorded answer (the demo plans only those)."""
    from starcoach.adapters.fixtures import DemoClips

    return DemoClips().keys("interview")


def call_scenarios() -> list[Scenario]:
    """The call-center scenarios (bundled, or the trainer's folder).

    Raises:
        AppError: a scenario file is invalid.
    """
    from starcoach.core.calls import load_scenarios
    from starcoach.storage.paths import calls_dir

    return load_scenarios(calls_dir())


def call_rubric(scenario: Scenario) -> Rubric:
    """The ``rubric.toml`` beside the scenario file, or the default rubric."""
    from starcoach.core.calls import load_rubric
    from starcoach.storage.paths import rubric_file

    return load_rubric(rubric_file(scenario.path.parent))
