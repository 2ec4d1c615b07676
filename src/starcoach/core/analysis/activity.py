"""Where the audio is audible: frame energy with an adaptive threshold (numpy only).

Whisper's word times can be off by a second around silences, so pauses are confirmed here,
in the signal itself. A frame counts as silent only when its energy is close to the noise
floor around it and far below the speech level; a pause is never reported over audible sound.

The noise floor and the speech level are measured over the answer (its words' span) when the
caller knows it, so a second of a quieter (or louder) room before the answer does not set the
floor for the whole recording (and hide the pauses in it). When the voice is too close to the
noise to tell pauses from speech, ``Activity.measurable`` is False and the pause analysis says
so instead of reporting none.

Frames between the noise floor and the audible threshold count as sound only when joined to
clearly audible sound (hysteresis), from the signal alone; voice-activity regions are kept for
the answer's span but decide no frame (they move with small shifts of noisy audio).
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
FLOOR_PERCENTILE = 5.0
"""Percentile of the frame levels taken as the noise floor."""
SPAN_PAD_S = 0.3
"""Audio either side of the answer's words that still sets the floor."""
MIN_SPAN_FRAMES = 50
"""A span shorter than this many frames is too short to measure on: use the whole clip."""
MIN_SNR_DB = 10.0
"""Speech less than this above the noise floor: pauses cannot be told from speech (the
margin that marks a frame audible is ``SILENCE_MARGIN_DB``, 8 dB)."""
LEVEL_BLOCK_S = 30.0
"""Frame levels are computed over blocks of this many seconds (bounded memory)."""


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
    snr_db: float = float("inf")
    """Speech level (95th percentile) above the noise floor (dB); inf when not measured."""
    quiet_db: float = float("-inf")
    """Level above which a frame holds quiet sound (floor + half ``SILENCE_MARGIN_DB``): audible
    when joined to louder sound, and heard at the edge of a voice-activity region."""

    @property
    def measurable(self) -> bool:
        """True when the voice stands far enough above the noise to find pauses."""
        return self.snr_db >= MIN_SNR_DB

    def heard(self, t: float) -> bool:
        """True when the frame at ``t`` seconds is audible or holds quiet sound."""
        i = int(t / self.frame_s)
        if not 0 <= i < len(self.audible):
            return False
        return bool(self.audible[i]) or bool(self.level_db[i] > self.quiet_db)

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
    """RMS level in dBFS of overlapping frames (hop ``FRAME_S``, length ``WINDOW_S``).

    Computed over blocks of ``LEVEL_BLOCK_S`` so that memory stays bounded on long files.
    """
    hop = int(round(FRAME_S * sample_rate))
    win = int(round(WINDOW_S * sample_rate))
    n = max(0, 1 + (len(samples) - win) // hop) if len(samples) >= win else 0
    if n == 0:
        return np.zeros(0)
    per_block = max(1, int(LEVEL_BLOCK_S * sample_rate) // hop)
    out = np.empty(n)
    for first in range(0, n, per_block):
        count = min(per_block, n - first)
        part = samples[first * hop : (first + count - 1) * hop + win].astype(np.float64)
        squares = np.concatenate(([0.0], np.cumsum(part**2)))
        starts = np.arange(count) * hop
        mean_sq = (squares[starts + win] - squares[starts]) / win
        with np.errstate(divide="ignore"):
            out[first : first + count] = 10.0 * np.log10(mean_sq)
    return np.maximum(out, DIGITAL_SILENCE_DBFS)


def detect_activity(
    clip: AudioClip,
    speech_regions: Sequence[tuple[float, float]] | None = None,
    span: tuple[float, float] | None = None,
) -> Activity:
    """Decide, frame by frame, where the clip is audible.

    Args:
        clip: The audio.
        speech_regions: Optional voice-activity regions (seconds) from a VAD model, kept
            for finding the answer's span (``pauses``). They do not decide single frames:
            on noisy speech the VAD's regions move when the audio is shifted by 8 ms or has
            a second of room noise before it (measured on real recordings), and pause counts
            moved with them (10 -> 7).
        span: Where the answer is (first and last word, seconds). The noise floor and the
            speech level are measured there (widened by ``SPAN_PAD_S``), so a different
            noise before or after the answer does not set them; None = the whole clip.

    Returns:
        The frame-level activity.
    """
    level = frame_levels(clip.samples, clip.sample_rate)
    if level.size == 0:
        return Activity(np.zeros(0, dtype=bool), level)
    measured = _span_levels(level, span)
    floor = float(np.percentile(measured, FLOOR_PERCENTILE))
    speech = float(np.percentile(measured, 95))
    threshold = max(floor + SILENCE_MARGIN_DB, speech - SPEECH_RANGE_DB)
    if speech - floor < SILENCE_MARGIN_DB:  # one level throughout: all noise or all speech
        threshold = speech + 1.0 if speech < -50.0 else floor - 1.0
    # Quieter frames joined to audible sound (soft consonants, a quiet word run on from a
    # louder one) stay audible; quiet sound standing alone in a pause does not.
    quiet = floor + SILENCE_MARGIN_DB / 2
    audible = _joined(level > threshold, level > quiet)
    audible = _drop_blips(audible, int(round(MIN_BLIP_S / FRAME_S)))
    regions = tuple(speech_regions or ())
    return Activity(audible, level, FRAME_S, threshold, regions, speech - floor, quiet)


def _span_levels(level: np.ndarray, span: tuple[float, float] | None) -> np.ndarray:
    """Frame levels inside the answer span (all of them without one, or when too few)."""
    if span is None:
        return level
    lo = max(0, int((span[0] - SPAN_PAD_S) / FRAME_S))
    hi = min(level.size, int(np.ceil((span[1] + SPAN_PAD_S) / FRAME_S)))
    return level[lo:hi] if hi - lo >= MIN_SPAN_FRAMES else level


def _joined(loud: np.ndarray, quiet: np.ndarray) -> np.ndarray:
    """Frames of ``quiet`` (a superset of ``loud``) in runs that hold a ``loud`` frame."""
    out = np.zeros_like(loud)
    for a, b in _runs(quiet):
        if loud[a:b].any():
            out[a:b] = True
    return out


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


def merge_regions(
    regions: list[tuple[float, float]], gap_s: float = 0.02
) -> list[tuple[float, float]]:
    """Join regions that touch (a region cut in two at a chunk boundary becomes one)."""
    merged: list[tuple[float, float]] = []
    for a, b in sorted(regions):
        if merged and a - merged[-1][1] <= gap_s:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
