"""Voice tone from the audio: pitch variation (monotone), loudness, clipping and uptalk.

Pure numpy. The pitch and level tracks come from :mod:`starcoach.core.analysis.pitch`
(re-exported here); this module judges them. ``tone_signal`` keeps what the judging needs from
the audio (the tracks, the length and the share of clipped samples: about 0.15 MB a minute,
against 3.8 MB of float32 audio), so a long recording can be freed before the rest of
the analysis runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from starcoach.core.analysis.pitch import (
    F0_MAX_HZ,
    F0_MIN_HZ,
    FRAME_S,
    HOP_S,
    LevelTrack,
    PitchTrack,
    level_track,
    pitch_track,
    tone_tracks,
)
from starcoach.core.models import AudioClip

__all__ = [
    "F0_MAX_HZ",
    "F0_MIN_HZ",
    "FRAME_S",
    "HOP_S",
    "LevelTrack",
    "PitchTrack",
    "ToneResult",
    "ToneSignal",
    "Uptalk",
    "analyze_tone",
    "find_uptalk",
    "level_track",
    "pitch_track",
    "clipping_ratio",
    "speech_phrases",
    "tone_signal",
    "tone_tracks",
]

MONOTONE_THRESHOLD_ST = 1.5
"""Pitch variation (std dev, semitones) below which speech is called monotone.

Measured with this tracker (``benchmarks/pitch_check.py``): espeak-ng flat (range 0%) 0.13 st,
espeak-ng default 1.7 st, wide range 2.9 st; 28 of 29 real speech clips in
``../shared/real_speech`` 1.5-4.9 st (the 29th, a hoarse "cold" voice, 0.5 st).
"""
MONOTONE_MIN_VOICED_S = 1.0
"""Below this much voiced speech the monotone flag stays False (too little to judge)."""
OCTAVE_OUTLIER_ST = 12.0
"""Voiced frames more than this far from the median (octave errors) are left out of stats."""
TOO_QUIET_DBFS = -35.0
"""Median speech level (RMS dBFS, full-scale square wave = 0) below this is too quiet."""
TOO_LOUD_DBFS = -8.0
"""Median speech level above this is too loud (good close-mic speech sits near -25..-12)."""
CLIP_LEVEL = 0.99
"""A sample at or above this magnitude counts as clipped."""
CLIPPING_RATIO_THRESHOLD = 0.001
"""More than this share of clipped samples (0.1%) sets the clipping flag."""
WINDOW_S = 5.0
"""Length of the pitch and level windows (s)."""
UPTALK_TAIL_S = 0.4
"""How much of the end of each phrase's voiced pitch is examined for a rise (s)."""
UPTALK_MIN_RISE_ST = 3.5
"""A phrase whose pitch rises at least this much (semitones) at its end counts as uptalk.

Measured: espeak-ng statements ending in "." rise at most 2.4 st, the same ending in "?" 4.5-6.9.
"""
UPTALK_MAX_GAP_S = 0.25
"""Unvoiced gaps up to this long (consonants) stay inside the final voiced stretch (s)."""
UPTALK_MAX_STEP_ST = 4.0
"""A jump larger than this between voiced frames (semitones) starts a new stretch."""
UPTALK_MIN_FRAMES = 8
"""The final voiced stretch needs at least this many frames (80 ms) to be judged."""
PHRASE_GAP_S = 0.25
"""Silences at least this long split derived phrases."""
MIN_PHRASE_S = 0.4
"""Derived phrases shorter than this are dropped."""


TIPS = (
    ("monotone", "Your pitch stayed flat: vary your voice to stress key words."),
    ("too_quiet", "You sound quiet: speak up or move closer to the microphone."),
    ("too_loud", "You sound very loud: lower your voice or move back from the microphone."),
    ("clipping", "The recording clips (distorts): reduce the microphone gain."),
    ("uptalk", "Some statements ended with a rising pitch: let them fall to sound sure."),
)
"""(ToneResult field, tip shown when that field is truthy)."""


@dataclass(frozen=True)
class Uptalk:
    """One phrase that ends with rising pitch."""

    start: float
    """Phrase start (s)."""
    end: float
    """Phrase end (s)."""
    rise_st: float
    """Pitch rise over the end of the phrase (semitones)."""


@dataclass(frozen=True)
class ToneResult:
    """Everything the tone analysis finds in one answer."""

    pitch_median_hz: float | None
    """Median F0 over voiced frames; None without voiced speech."""
    pitch_variation_st: float | None
    """Std dev of F0 in semitones re the median; None without voiced speech."""
    monotone: bool
    """True when ``pitch_variation_st < MONOTONE_THRESHOLD_ST`` (with enough voiced speech)."""
    pitch_windows: tuple[tuple[float, float, float | None], ...]
    """(start, end, variation_st) per ``WINDOW_S`` window."""
    level_dbfs: float | None
    """Median speech frame level; None without speech."""
    level_variation_db: float | None
    """Std dev of speech frame levels (dB)."""
    level_windows: tuple[tuple[float, float, float | None], ...]
    """(start, end, median level dBFS) per window."""
    too_quiet: bool
    """Median speech level below ``TOO_QUIET_DBFS``."""
    too_loud: bool
    """Median speech level above ``TOO_LOUD_DBFS``."""
    clipping_ratio: float
    """Share of samples at or above ``CLIP_LEVEL``."""
    clipping: bool
    """``clipping_ratio > CLIPPING_RATIO_THRESHOLD``."""
    uptalk: tuple[Uptalk, ...]
    """Phrases ending with rising pitch."""

    def tips(self) -> list[str]:
        """One plain-English tip per problem found (see ``TIPS``)."""
        return [tip for flag, tip in TIPS if getattr(self, flag)]


def _semitones(f0: np.ndarray, ref_hz: float) -> np.ndarray:
    return 12.0 * np.log2(f0 / ref_hz)


def _voiced_st(f0: np.ndarray) -> tuple[float | None, np.ndarray]:
    """Median F0 and the voiced frames in semitones re it (octave errors dropped)."""
    voiced = f0[np.isfinite(f0)]
    if len(voiced) == 0:
        return None, np.zeros(0)
    median = float(np.median(voiced))
    st = _semitones(voiced, median)
    return median, st[np.abs(st) <= OCTAVE_OUTLIER_ST]


def _window_stats(
    times: np.ndarray, values: np.ndarray, duration: float, stat: Any, min_frames: int
) -> tuple[tuple[float, float, float | None], ...]:
    """``stat`` of finite ``values`` in consecutive ``WINDOW_S`` windows."""
    rows = []
    for start in np.arange(0.0, max(duration, 1e-9), WINDOW_S):
        end = min(float(start) + WINDOW_S, duration)
        lo, hi = np.searchsorted(times, [start, end])  # times ascend: the frames in [start, end)
        inside = values[lo:hi]
        inside = inside[np.isfinite(inside)]
        rows.append((float(start), end, float(stat(inside)) if len(inside) >= min_frames else None))
    return tuple(rows)


def speech_phrases(levels: LevelTrack) -> list[tuple[float, float]]:
    """Phrases from the speech gate: runs of speech split by silences >= ``PHRASE_GAP_S``."""
    idx = np.flatnonzero(levels.speech)
    if len(idx) == 0:
        return []
    gap_frames = round(PHRASE_GAP_S / HOP_S)
    breaks = np.flatnonzero(np.diff(idx) > gap_frames)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    spans = [(s * HOP_S, (e + 1) * HOP_S) for s, e in zip(starts, ends, strict=True)]
    return [(float(s), float(e)) for s, e in spans if e - s >= MIN_PHRASE_S]


def _median_smooth(values: np.ndarray, width: int = 5) -> np.ndarray:
    if len(values) < width:
        return values
    padded = np.pad(values, width // 2, mode="edge")
    smoothed: np.ndarray = np.median(
        np.lib.stride_tricks.sliding_window_view(padded, width), axis=1
    )
    return smoothed


def _final_stretch(times: np.ndarray, st: np.ndarray) -> np.ndarray:
    """Semitones of the last ``UPTALK_TAIL_S`` of voiced pitch, cut at the last gap or jump.

    A gap longer than ``UPTALK_MAX_GAP_S`` or a frame-to-frame step above ``UPTALK_MAX_STEP_ST``
    (a tracking error or a new phrase) starts a new stretch.
    """
    breaks = (np.diff(times) > UPTALK_MAX_GAP_S + 1e-9) | (np.abs(np.diff(st)) > UPTALK_MAX_STEP_ST)
    first = int(np.flatnonzero(breaks)[-1]) + 1 if breaks.any() else 0
    times, st = times[first:], st[first:]
    tail: np.ndarray = st[times >= times[-1] - UPTALK_TAIL_S + 1e-9]
    return tail


def _end_rise(track: PitchTrack, start: float, end: float, ref_hz: float) -> float | None:
    """Rise (st) from the lowest point of the phrase's final voiced stretch to its end."""
    lo = int(np.searchsorted(track.times, start, side="left"))  # times ascend
    hi = int(np.searchsorted(track.times, end, side="right"))
    times, f0 = track.times[lo:hi], track.f0_hz[lo:hi]
    voiced = np.isfinite(f0)
    times, st = times[voiced], _semitones(f0[voiced], ref_hz)
    keep = np.abs(st) <= OCTAVE_OUTLIER_ST
    if keep.sum() < UPTALK_MIN_FRAMES:
        return None
    tail = _median_smooth(_final_stretch(times[keep], st[keep]))
    if len(tail) < UPTALK_MIN_FRAMES:
        return None
    return float(np.median(tail[-3:])) - float(np.min(tail))


def find_uptalk(
    track: PitchTrack, spans: Sequence[tuple[float, float]], ref_hz: float
) -> tuple[Uptalk, ...]:
    """Phrases whose voiced pitch rises by ``UPTALK_MIN_RISE_ST`` or more at their end.

    Args:
        track: pitch track of the clip.
        spans: (start, end) of each phrase or sentence in seconds.
        ref_hz: reference pitch for semitones (the speaker median).

    Returns:
        The phrases with uptalk, in order.
    """
    found = []
    for start, end in spans:
        rise = _end_rise(track, start, end, ref_hz)
        if rise is not None and rise >= UPTALK_MIN_RISE_ST:
            found.append(Uptalk(float(start), float(end), rise))
    return tuple(found)


@dataclass(frozen=True)
class ToneSignal:
    """What the tone analysis needs from a clip, so that the clip itself can be freed."""

    levels: LevelTrack
    """Frame levels and the speech gate (``level_track``)."""
    pitch: PitchTrack
    """F0 per frame (``pitch_track``)."""
    duration_s: float
    """Length of the clip (s)."""
    clipping_ratio: float
    """Share of samples at or above ``CLIP_LEVEL`` (``clipping_ratio``)."""


def tone_signal(clip: AudioClip, tracks: tuple[LevelTrack, PitchTrack] | None = None) -> ToneSignal:
    """The tracks, length and clipping of a clip, for ``analyze_tone``.

    Args:
        clip: Mono audio.
        tracks: ``tone_tracks(clip)`` when already computed (for example window by window).

    Returns:
        Everything ``analyze_tone`` reads from the audio.
    """
    levels, track = tracks if tracks is not None else tone_tracks(clip)
    return ToneSignal(levels, track, clip.duration_s, clipping_ratio(clip))


def clipping_ratio(clip: AudioClip) -> float:
    """Share of samples at or above ``CLIP_LEVEL`` (counted in blocks: bounded memory)."""
    samples = np.asarray(clip.samples)
    block = 1 << 20
    clipped = sum(
        int(np.count_nonzero(np.abs(samples[i : i + block]) >= CLIP_LEVEL))
        for i in range(0, len(samples), block)
    )
    return clipped / len(samples) if len(samples) else 0.0


def analyze_tone(
    clip: AudioClip | ToneSignal,
    phrase_spans: Sequence[tuple[float, float]] | None = None,
    tracks: tuple[LevelTrack, PitchTrack] | None = None,
) -> ToneResult:
    """Pitch, loudness, clipping and uptalk of one spoken answer.

    Args:
        clip: mono audio (any length; silence gives None statistics, not an error), or its
            ``tone_signal`` (the same result without the audio).
        phrase_spans: sentence or phrase (start, end) times in seconds, for example from
            the transcript; when None, phrases come from speech/silence segmentation.
        tracks: ``tone_tracks(clip)`` when already computed (ignored with a ``ToneSignal``).

    Returns:
        The tone result.
    """
    signal = clip if isinstance(clip, ToneSignal) else tone_signal(clip, tracks)
    levels, track = signal.levels, signal.pitch
    median_hz, st = _voiced_st(track.f0_hz)
    variation = float(np.std(st)) if len(st) >= 2 else None
    enough = len(st) * HOP_S >= MONOTONE_MIN_VOICED_S
    st_track = _semitones(track.f0_hz, median_hz) if median_hz else track.f0_hz
    st_track = np.where(np.abs(st_track) <= OCTAVE_OUTLIER_ST, st_track, np.nan)
    spans = speech_phrases(levels) if phrase_spans is None else phrase_spans
    return ToneResult(
        pitch_median_hz=median_hz,
        pitch_variation_st=variation,
        monotone=bool(enough and variation is not None and variation < MONOTONE_THRESHOLD_ST),
        pitch_windows=_window_stats(track.times, st_track, signal.duration_s, np.std, 50),
        uptalk=find_uptalk(track, spans, median_hz) if median_hz else (),
        **_loudness(signal),
    )


def _loudness(signal: ToneSignal) -> dict[str, Any]:
    """The level and clipping fields of ``ToneResult``."""
    levels = signal.levels
    speech_db = levels.level_dbfs[levels.speech]
    level = float(np.median(speech_db)) if len(speech_db) else None
    gated_db = np.where(levels.speech, levels.level_dbfs, np.nan)
    return {
        "level_dbfs": level,
        "level_variation_db": float(np.std(speech_db)) if len(speech_db) >= 2 else None,
        "level_windows": _window_stats(levels.times, gated_db, signal.duration_s, np.median, 10),
        "too_quiet": level is not None and level < TOO_QUIET_DBFS,
        "too_loud": level is not None and level > TOO_LOUD_DBFS,
        "clipping_ratio": signal.clipping_ratio,
        "clipping": signal.clipping_ratio > CLIPPING_RATIO_THRESHOLD,
    }
