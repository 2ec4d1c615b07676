"""Plain values shared by the core, the adapters and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SAMPLE_RATE = 16_000
"""Sample rate of every clip the core sees (Hz, mono float32 in -1..1)."""


@dataclass(frozen=True)
class Word:
    """One transcribed word."""

    text: str
    """The word as spoken, with any attached punctuation (" Well," stays "Well,")."""
    start: float | None = None
    """Start time in seconds from the beginning of the audio; None for text input."""
    end: float | None = None
    """End time in seconds; None for text input."""
    probability: float = 1.0
    """Model confidence 0..1."""


@dataclass(frozen=True)
class Transcript:
    """What was said, word by word."""

    words: tuple[Word, ...]
    """Words in order."""
    duration_s: float | None = None
    """Length of the audio in seconds; None for a text transcript."""
    text: str = ""
    """The full text as the transcriber wrote it (punctuation kept)."""
    warnings: tuple[str, ...] = ()
    """One-line warnings about the transcript (e.g. the speech is not English)."""

    @property
    def timed(self) -> bool:
        """True when words carry timestamps."""
        return self.duration_s is not None and all(w.start is not None for w in self.words)


@dataclass(frozen=True)
class AudioClip:
    """Mono audio at ``SAMPLE_RATE``."""

    samples: np.ndarray = field(repr=False)
    """float32 samples in -1..1."""
    sample_rate: int = SAMPLE_RATE
    """Samples per second."""

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return float(len(self.samples)) / float(self.sample_rate)
