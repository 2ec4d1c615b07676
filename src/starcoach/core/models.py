"""Plain values shared by the core, the adapters and the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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


PCM16_SCALE = 1.0 / 32768.0
"""Full scale of 16-bit PCM: a sample ``s`` is ``s * PCM16_SCALE`` as float32 (exact)."""


@dataclass(frozen=True)
class Pcm16Audio:
    """Mono audio held as 16-bit PCM, half the memory of float32, read as float32 by slices.

    Slicing (``audio[a:b]``) gives float32 samples equal to what the float32 clip of the same
    audio holds (``int16 * 2**-15`` is exact in float32), so a long file is converted only
    one window at a time. ``len`` is the sample count; ``numpy.asarray`` converts it whole.
    """

    pcm: np.ndarray = field(repr=False)
    """int16 samples."""
    sample_rate: int = SAMPLE_RATE
    """Samples per second."""

    @property
    def duration_s(self) -> float:
        """Length in seconds."""
        return float(len(self.pcm)) / float(self.sample_rate)

    @property
    def size(self) -> int:
        """Number of samples."""
        return int(self.pcm.size)

    def __len__(self) -> int:
        return int(self.pcm.size)

    def __getitem__(self, key: slice) -> np.ndarray:
        """float32 samples of a slice (a new array)."""
        out = np.asarray(self.pcm[key], dtype=np.float32)
        out *= PCM16_SCALE
        return out

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """The whole audio as float32 (``numpy.asarray``)."""
        out = self[:]
        return out if dtype is None else out.astype(dtype, copy=False)

    def to_clip(self) -> AudioClip:
        """The audio as a float32 ``AudioClip`` (allocates all of it)."""
        return AudioClip(self[:], self.sample_rate)

    def as_clip(self) -> AudioClip:
        """A clip whose ``samples`` is this object, for code that only takes ``len`` and slices.

        ``activity.detect_activity`` (``frame_levels``) and ``long_audio`` read a clip this
        way, so they measure a long file window by window without a float32 copy of it.
        """
        view: Any = self
        return AudioClip(view, self.sample_rate)
