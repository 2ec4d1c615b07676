"""What the recording flow reports, step by step (plain frozen dataclasses, no UI).

Every event carries the ``take`` it belongs to: a retake, skip or next starts a new take, and
the flow drops events of older takes (a skipped answer never reaches the next question).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starcoach.core.analysis.result import Analysis
from starcoach.core.models import Word


@dataclass(frozen=True)
class FlowEvent:
    """Base of all flow events."""

    take: int
    """The take (attempt) this event belongs to."""


@dataclass(frozen=True)
class PromptSpoken(FlowEvent):
    """The prompt was read aloud, or could not be (then ``problem`` says why)."""

    spoken: bool
    """True when it was heard through the speaker."""
    problem: str | None = None
    """Why the speaker failed (one line), the first time it fails; None otherwise."""


@dataclass(frozen=True)
class ThinkTick(FlowEvent):
    """Think time before recording: seconds left."""

    seconds_left: int
    """Whole seconds until the microphone opens."""


@dataclass(frozen=True)
class RecordingStarted(FlowEvent):
    """The microphone is being opened for the answer."""

    follow_up: bool = False
    """True when this records the answer to a follow-up question."""


@dataclass(frozen=True)
class LevelMeasured(FlowEvent):
    """Microphone level of the latest block."""

    level_dbfs: float
    """RMS level of the block."""
    elapsed_s: float
    """Audio recorded so far."""


@dataclass(frozen=True)
class WordsHeard(FlowEvent):
    """More of the answer has been transcribed while recording."""

    words: tuple[Word, ...]
    """The words so far."""


@dataclass(frozen=True)
class RecordingEnded(FlowEvent):
    """The microphone closed; the tail is being transcribed."""

    reason: str
    """"stopped", "silence", "max_length" or "lost" (the microphone failed)."""


@dataclass(frozen=True)
class FollowUpAsked(FlowEvent):
    """After analysing the answer the interviewer asks a follow-up (read aloud, then recorded)."""

    text: str
    """The follow-up question."""


@dataclass(frozen=True)
class AnswerReady(FlowEvent):
    """Feedback is ready (it is saved to the history right after)."""

    analysis: Analysis
    """The analysis of the answer."""
    audio_path: Path | None
    """The recording; None for a typed answer."""
    latency_s: float
    """Seconds from the end of the answer to this event."""
    notice: str | None = None
    """Something the candidate must know (e.g. the microphone stopped mid-answer)."""


@dataclass(frozen=True)
class SaveFailed(FlowEvent):
    """The answer could not be saved to the practice history."""

    message: str
    """Why, in one line."""


@dataclass(frozen=True)
class AnswerFailed(FlowEvent):
    """No feedback: recording or analysis failed."""

    message: str
    """One line for the user."""
    audio_path: Path | None
    """What was recorded, kept on disk; None when nothing was."""
    device_problem: bool
    """True when the microphone is the problem (offer typing instead)."""
