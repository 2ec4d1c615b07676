"""The typed analysis of one answer: what the engine returns and every consumer reads.

:class:`Analysis` holds the whole ``starcoach analyze --json`` object as frozen dataclasses
(parts in :mod:`starcoach.core.analysis.result_parts`); field names and order are the JSON
keys. JSON exists only at the edges, through :func:`starcoach.core.analysis.contract.to_json`
and :func:`~starcoach.core.analysis.contract.from_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starcoach.core.analysis.result_parts import (
    OMIT,
    Content,
    Fillers,
    Length,
    Pace,
    Pauses,
    Question,
    Star,
    WordItem,
)

__all__ = [
    "Analysis",
    "AttachedFollowUp",
    "CombinedFollowUp",
    "FollowUpResult",
    "InputInfo",
    "LevelWindow",
    "PitchWindow",
    "RubricBanned",
    "RubricCheckResult",
    "RubricEvidence",
    "RubricItemResult",
    "RubricResult",
    "Saved",
    "Tone",
    "Uptalk",
    "UptalkItem",
]


@dataclass(frozen=True, slots=True)
class PitchWindow:
    """Pitch variation over one stretch."""

    start: float = 0.0
    end: float = 0.0
    variation_st: float | None = None


@dataclass(frozen=True, slots=True)
class LevelWindow:
    """Loudness over one stretch."""

    start: float = 0.0
    end: float = 0.0
    level_dbfs: float | None = None


@dataclass(frozen=True, slots=True)
class UptalkItem:
    """A statement that ends with a rise."""

    start: float = 0.0
    end: float = 0.0
    rise_st: float = 0.0


@dataclass(frozen=True, slots=True)
class Uptalk:
    """Rising intonation at sentence ends."""

    count: int = 0
    items: tuple[UptalkItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Tone:
    """Voice tone (``tone``, audio only)."""

    pitch_median_hz: float | None = None
    pitch_variation_st: float | None = None
    monotone: bool = False
    monotone_threshold_st: float = 1.5
    pitch_windows: tuple[PitchWindow, ...] = ()
    level_dbfs: float | None = None
    level_variation_db: float | None = None
    level_windows: tuple[LevelWindow, ...] = ()
    too_quiet: bool = False
    too_loud: bool = False
    clipping: bool = False
    clipping_ratio: float = 0.0
    uptalk: Uptalk = Uptalk()
    tips: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InputInfo:
    """What was analysed (``input``, added by ``starcoach analyze``)."""

    path: str = ""
    kind: str = "audio"
    """"audio" or "text"."""
    model: str | None = field(default=None, metadata=OMIT)
    """The Whisper model (audio only)."""


@dataclass(frozen=True, slots=True)
class Saved:
    """Where ``analyze --save`` kept the answer."""

    session: str = ""
    attempt: int | str = 0


@dataclass(frozen=True, slots=True)
class RubricEvidence:
    """Where a rubric phrase matched in a call answer."""

    phrase: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    turn: int | None = field(default=None, metadata=OMIT)


@dataclass(frozen=True, slots=True)
class RubricCheckResult:
    """Whether one check of a rubric item was met."""

    id: str = ""
    title: str = ""
    met: bool = False
    evidence: RubricEvidence | None = None
    tip: str = ""


@dataclass(frozen=True, slots=True)
class RubricItemResult:
    """Whether one rubric item was met."""

    id: str = ""
    title: str = ""
    met: bool = False
    evidence: tuple[RubricEvidence, ...] = ()
    checks: tuple[RubricCheckResult, ...] = ()
    tip: str = ""


@dataclass(frozen=True, slots=True)
class RubricBanned:
    """A banned phrase said in a call answer."""

    phrase: str = ""
    text: str = ""
    start: int = 0
    end: int = 0
    turn: int | None = field(default=None, metadata=OMIT)
    instead: str = ""


@dataclass(frozen=True, slots=True)
class RubricResult:
    """A call turn scored against the call rubric (``rubric``)."""

    text: str = ""
    score: float = 0.0
    items: tuple[RubricItemResult, ...] = ()
    banned: tuple[RubricBanned, ...] = ()


@dataclass(frozen=True, slots=True)
class AttachedFollowUp:
    """A follow-up question and the analysis of its answer, not judged together."""

    question: str
    analysis: Analysis


@dataclass(frozen=True, slots=True)
class CombinedFollowUp:
    """A follow-up judged with the answer before it (``follow_up`` of a combined analysis)."""

    gap: str
    """The gap it probed (see ``core.followups.GAPS``)."""
    text: str
    """What the interviewer asked."""
    source: str
    """"question" (the question set's own) or "template"."""
    filled: bool | None
    """Whether the follow-up answer gave what was missing; None when it cannot be told."""
    feedback: str
    coverage: tuple[tuple[str, float], ...]
    """(STAR part, strength) over both answers."""
    missing: tuple[str, ...]
    evidence: str | None
    analysis: Analysis
    """The follow-up answer's own analysis."""


FollowUpResult = AttachedFollowUp | CombinedFollowUp
"""The ``follow_up`` of an analysis."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """One answer's analysis: ``starcoach analyze --json`` as typed data."""

    schema: int = 1
    duration_s: float | None = None
    question: Question | None = None
    transcript: str = ""
    words: tuple[WordItem, ...] = ()
    pace: Pace = Pace()
    pauses: Pauses = Pauses()
    fillers: Fillers = Fillers()
    star: Star = Star()
    content: Content | None = field(default=None, metadata=OMIT)
    """None only in analyses saved without a content section."""
    length: Length = Length()
    tips: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    tone: Tone | None = field(default=None, metadata=OMIT)
    input: InputInfo | None = field(default=None, metadata=OMIT)
    saved: Saved | None = field(default=None, metadata=OMIT)
    rubric: RubricResult | None = field(default=None, metadata=OMIT)
    follow_up: FollowUpResult | None = field(default=None, metadata=OMIT)

    @property
    def timed(self) -> bool:
        """Whether the answer was spoken (timed words), not typed."""
        return self.pace.span_s is not None
