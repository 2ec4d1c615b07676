"""Typed parts of an answer's analysis (see :mod:`starcoach.core.analysis.result`).

Every part is a frozen dataclass whose field names and order are those of its object in the
``starcoach analyze --json`` contract, with values already rounded as that contract prints
them; :mod:`starcoach.core.analysis.contract` turns them into JSON and back. Field metadata
``OMIT`` leaves a field out of the JSON while it is None; ``when(name)`` leaves it out while
the sibling field ``name`` is None (a key only timed answers carry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

OMIT: MappingProxyType[str, Any] = MappingProxyType({"omit_none": True})
"""Field metadata: the key is absent from the JSON while the value is None."""
MAP: MappingProxyType[str, Any] = MappingProxyType({"map": True})
"""Field metadata: a tuple of (key, value) pairs written as a JSON object."""

Number = int | float
"""A JSON number as stored (an int stays an int)."""


def when(sibling: str) -> MappingProxyType[str, Any]:
    """Field metadata: the key is present only while ``sibling`` is not None."""
    return MappingProxyType({"when": sibling})


@dataclass(frozen=True, slots=True)
class WordItem:
    """One transcribed word."""

    text: str = ""
    start: float | None = None
    end: float | None = None
    filler: bool = False
    """Part of a filler."""
    probability: float = 1.0
    """The recogniser's confidence (1.0 for typed text)."""


@dataclass(frozen=True, slots=True)
class PaceWindow:
    """Words per minute over one stretch of the answer."""

    start: float = 0.0
    end: float = 0.0
    words: int = 0
    wpm: float = 0.0


@dataclass(frozen=True, slots=True)
class Pace:
    """Speaking rate (``pace``); rates are None for typed answers."""

    wpm: float | None = None
    articulation_wpm: float | None = None
    """Rate over speaking time only (pauses left out)."""
    words: int = 0
    """Words counted (filled pauses left out)."""
    filled_pauses_excluded: int | None = field(default=None, metadata=when("span_s"))
    """Filled pauses left out of ``wpm`` (timed answers only)."""
    span_s: float | None = None
    """First to last spoken word, seconds."""
    target_wpm: tuple[Number, ...] = (120.0, 160.0)
    verdict: str = "unknown"
    """"ok", "too fast", "too slow" or "unknown"."""
    windows: tuple[PaceWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class PauseItem:
    """One silence inside the answer."""

    start: float = 0.0
    end: float = 0.0
    long: bool = False
    """At least the long-pause threshold."""
    after: str | None = None
    """The word spoken just before it."""
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Pauses:
    """Silences (``pauses``); counts are None for typed answers."""

    count: int | None = None
    long_count: int | None = None
    longest_s: float | None = None
    total_s: float | None = None
    first_word_delay_s: float | None = None
    longest_run_without_pause_s: float | None = None
    long_threshold_s: Number = 1.5
    source: str | None = None
    """"audio" (confirmed in the audio), "words" (word gaps) or None (untimed)."""
    measured: bool | None = field(default=None, metadata=when("source"))
    verdict: str | None = field(default=None, metadata=when("source"))
    snr_db: float | None = field(default=None, metadata=when("source"))
    items: tuple[PauseItem, ...] = ()


@dataclass(frozen=True, slots=True)
class FillerItem:
    """One filler."""

    text: str = ""
    kind: str = ""
    """"filled_pause" or "discourse"."""
    start: float | None = None
    end: float | None = None
    word_index: int = 0
    """Index of its first word in ``words``."""


@dataclass(frozen=True, slots=True)
class Fillers:
    """Filler words (``fillers``)."""

    count: int = 0
    per_minute: float | None = None
    per_100_words: float = 0.0
    filled_pauses: int = 0
    discourse_markers: int = 0
    by_text: tuple[tuple[str, int], ...] = field(default=(), metadata=MAP)
    """(filler, count), most frequent first."""
    items: tuple[FillerItem, ...] = ()


@dataclass(frozen=True, slots=True)
class StarSentence:
    """One sentence of the answer with its STAR label."""

    text: str = ""
    label: str = "other"
    start: float | None = None
    end: float | None = None
    flags: tuple[str, ...] = ()
    """"negative", "off_topic", "hypothetical" when set."""


@dataclass(frozen=True, slots=True)
class TimeShare:
    """Per STAR part, its share of speaking time (None untimed)."""

    situation: float | None = None
    task: float | None = None
    action: float | None = None
    result: float | None = None


@dataclass(frozen=True, slots=True)
class StarEvidence:
    """Per STAR part, the indexes of the sentences labeled with it."""

    situation: tuple[int, ...] = ()
    task: tuple[int, ...] = ()
    action: tuple[int, ...] = ()
    result: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Pronouns:
    """First-person words: "I" against "we"."""

    i: int = 0
    we: int = 0
    verdict: str = "balanced"


@dataclass(frozen=True, slots=True)
class Star:
    """STAR structure (``star``): part strengths 0..1, gaps, labeled sentences."""

    situation: float | None = None
    task: float | None = None
    action: float | None = None
    result: float | None = None
    """Strength of each part, 0..1 (None only in a save that kept no scores)."""
    missing: tuple[str, ...] = ()
    hints: tuple[str, ...] = ()
    sentences: tuple[StarSentence, ...] = ()
    time_share: TimeShare = TimeShare()
    evidence: StarEvidence = StarEvidence()
    pronouns: Pronouns = Pronouns()
    tips: tuple[str, ...] = ()
    behavioral: bool = True
    """Whether STAR is scored (a missing key in an old save counts as scored)."""
    kind: str | None = None
    result_concrete: bool | None = None
    """Whether the result is concrete (None only in a save that did not judge it)."""
    result_evidence: tuple[str, ...] = ()
    """Numbers and amounts quoted from the result sentences."""

    def part(self, name: str) -> float:
        """The strength of the STAR part ``name`` (0 when not scored or not a part)."""
        value = getattr(self, name) if name in _PARTS else None
        return 0.0 if value is None else float(value)

    @property
    def scored(self) -> bool:
        """Whether any part has a strength (old saves may have none)."""
        return any(getattr(self, p) is not None for p in _PARTS)


_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True, slots=True)
class Competency:
    """The competency the question probes and whether the answer shows it."""

    asked: str | None = None
    shown: bool | None = None


@dataclass(frozen=True, slots=True)
class HedgeItem:
    """One hedge ("I think", "maybe")."""

    text: str = ""
    start: float | None = None


@dataclass(frozen=True, slots=True)
class Hedges:
    """Hedges (``content.hedges``)."""

    count: int = 0
    per_minute: float | None = None
    items: tuple[HedgeItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Content:
    """Content judgements (``content``); None where no model read the answer."""

    specific: bool | None = None
    on_topic: bool | None = None
    result_concrete: bool | None = None
    competency: Competency = Competency()
    tips: tuple[str, ...] = ()
    hedges: Hedges | None = field(default=None, metadata=OMIT)
    """None only in analyses saved before hedges were counted."""


@dataclass(frozen=True, slots=True)
class Length:
    """Answer length against its target (``length``)."""

    duration_s: float | None = None
    target_s: tuple[Number, ...] = (60.0, 120.0)
    verdict: str = "unknown"


@dataclass(frozen=True, slots=True)
class Question:
    """The question answered (``question``); absent keys stay None."""

    id: str | None = None
    text: str | None = None
    behavioral: bool | None = field(default=None, metadata=OMIT)
    kind: str | None = field(default=None, metadata=OMIT)
    competency: str | None = field(default=None, metadata=OMIT)
    set: str | None = field(default=None, metadata=OMIT)
    """The question set (or call scenario) id."""
