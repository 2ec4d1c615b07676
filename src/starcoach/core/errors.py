"""One error base for everything a user can cause (bad file, no microphone, ...)."""

from __future__ import annotations


class AppError(Exception):
    """An expected failure with a one-line message for the user.

    The CLI prints ``message`` to stderr and exits with code 2; the UI shows it.
    """

    def __init__(self, message: str, title: str = "Error") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class AudioInputError(AppError):
    """Audio that cannot be read, is empty, or holds no speech."""


class ModelError(AppError):
    """A Whisper model that is missing or cannot be loaded."""


class QuestionSetError(AppError):
    """A question set file that does not follow the schema."""


class DeviceError(AppError):
    """No usable microphone or speaker."""
