"""Messages that workers post to the screens (events in the past tense)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message

from starcoach.core.models import Word
from starcoach.recording.events import FlowEvent, LevelMeasured


@dataclass
class QuestionSpoken(Message):
    """The speaker finished reading the question (or there is no speaker)."""

    spoken: bool


@dataclass
class LevelChanged(Message):
    """New microphone level; only the latest matters."""

    level_dbfs: float
    elapsed_s: float

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LevelChanged)


@dataclass
class CaptionsUpdated(Message):
    """More of the answer has been transcribed."""

    words: list[Word]


@dataclass
class RecordingStopped(Message):
    """Recording ended; transcription of the tail is under way."""

    reason: str


@dataclass
class AnswerAnalyzed(Message):
    """Feedback is ready."""

    analysis: dict[str, Any]
    audio_path: Path | None
    latency_s: float


@dataclass
class AnswerFailed(Message):
    """Recording or analysis failed with a message for the user."""

    message: str
    audio_path: Path | None
    device_problem: bool


@dataclass
class FlowUpdated(Message):
    """The recording flow reported a step (``starcoach.recording.events``)."""

    event: FlowEvent

    def can_replace(self, message: Message) -> bool:
        return (isinstance(message, FlowUpdated) and isinstance(self.event, LevelMeasured)
                and isinstance(message.event, LevelMeasured))
