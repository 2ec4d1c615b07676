"""Where the audio is audible: frame energy with an adaptive threshold (numpy only).

Whisper's word times can be off by a second around silences, so pauses are confirmed here,
in the signal itself. A frame counts as silent only when its energy is close to the
recording's noise floor and far below its speech level; a pause is never reported over
audible sound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from starcoach.core.models import AudioClip

FRAME_S = 0.01
"""Hop between energy frames (seconds)."""
WINDOW_S = 0.025
"""Length of each energy frame (seconds)."""
SILENCE_MARGIN_DB = 8.0
"""A frame this far above the noise floor (or more) is audible."""
SPEECH_RANGE_DB = 40.0
"""Frames more than this below the speech level are silent whatever the floor."""
MIN_BLIP_S = 0.06
"""Audible islands shorter than this inside silence are clicks, not speech."""
DIGITAL_SILENCE_DBFS = -90.0
"""Level given to frames of exact zeros."""


@dataclass(frozen=True)
class Activity:
    """Frame-by-frame audibility of a clip."""

    audible: np.ndarray
    """Boolean per frame: True where sound is audible."""
    level_db: np.ndarray
    """Frame level in dBFS."""
    frame_s: float = FRAME_S
    """Seconds per frame."""
    threshold_db: float = 0.0
    """Level that separated silent from audible frames."""
    speech_regions: tuple[tuple[float, float], ...] = ()
    """Voice-activity regions (seconds) from a VAD model, when one was run."""

    def silent_runs(self, start_s: float, end_s: float) -> list[tuple[float, float]]:
        """Silent stretches (start, end) in seconds lying inside ``[start_s, end_s]``."""
        lo = max(0, int(round(start_s / self.frame_s)))
        hi = min(len(self.audible), int(round(end_s / self.frame_s)))
        runs = []
        for a, b in _runs(~self.audible[lo:hi]):
            runs.append(((lo + a) * self.frame_s, (lo + b) * self.frame_s))
        return runs

    def audible_span(self) -> tuple[float, float] | None:
        """First and last audible instant, or None when nothing is audible."""
        idx = np.flatnonzero(self.audible)
        if idx.size == 0:
            return None
        return float(idx[0] * self.frame_s), float((idx[-1] + 1) * self.frame_s)

    def audible_fraction(self, start_s: float, end_s: float) -> float:
        """Share of frames in ``[start_s, end_s]`` that are audible."""
        lo = max(0, int(start_s / self.frame_s))
        hi = min(len(self.audible), int(np.ceil(end_s / self.frame_s)))
        if hi <= lo:
            return 0.0
        return float(np.mean(self.audible[lo:hi]))


def frame_levels(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """RMS level in dBFS of overlapping frames (hop ``FRAME_S``, length ``WINDOW_S``)."""
    hop = int(round(FRAME_S * sample_rate))
    win = int(round(WINDOW_S * sample_rate))
    n = max(0, 1 + (len(samples) - win) // hop) if len(samples) >= win else 0
    if n == 0:
        return np.zeros(0)
    squares = np.concatenate(([0.0], np.cumsum(samples.astype(np.float64) ** 2)))
    starts = np.arange(n) * hop
    mean_sq = (squares[starts + win] - squares[starts]) / win
    with np.errstate(divide="ignore"):
        level = 10.0 * np.log10(mean_sq)
    return np.maximum(level, DIGITAL_SILENCE_DBFS)


def detect_activity(
    clip: AudioClip, speech_regions: Sequence[tuple[float, float]] | None = None
) -> Activity:
    """Decide, frame by frame, where the clip is audible.

    Args:
        clip: The audio.
        speech_regions: Optional voice-activity regions (seconds) from a VAD model. Frames
            inside them stay audible; outside them a frame is silent only if also quiet.

    Returns:
        The frame-level activity.
    """
    level = frame_levels(clip.samples, clip.sample_rate)
    if level.size == 0:
        return Activity(np.zeros(0, dtype=bool), level)
    floor = float(np.percentile(level, 5))
    speech = float(np.percentile(level, 95))
    threshold = max(floor + SILENCE_MARGIN_DB, speech - SPEECH_RANGE_DB)
    if speech - floor < SILENCE_MARGIN_DB:  # one level throughout: all noise or all speech
        threshold = speech + 1.0 if speech < -50.0 else floor - 1.0
    audible = level > threshold
    if speech_regions:
        in_speech = np.zeros_like(audible)
        for start, end in speech_regions:
            in_speech[int(start / FRAME_S) : int(np.ceil(end / FRAME_S))] = True
        # Quiet frames the VAD calls speech (soft consonants) stay audible; never the reverse.
        audible = audible | (in_speech & (level > floor + SILENCE_MARGIN_DB / 2))
    audible = _drop_blips(audible, int(round(MIN_BLIP_S / FRAME_S)))
    return Activity(audible, level, FRAME_S, threshold, tuple(speech_regions or ()))


def _drop_blips(audible: np.ndarray, min_frames: int) -> np.ndarray:
    out = audible.copy()
    for a, b in _runs(audible):
        if b - a < min_frames:
            out[a:b] = False
    return out


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Half-open index ranges where ``mask`` is True."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
