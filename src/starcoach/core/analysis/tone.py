"""Voice tone from the audio: pitch (YIN), pitch variation, loudness, clipping and uptalk.

Pure numpy. The pitch tracker follows YIN (de Cheveigné & Kawahara 2002): difference
function, cumulative mean normalized difference (CMND), absolute threshold, parabolic
interpolation. It is checked against Praat (praat-parselmouth) in ``benchmarks/pitch_check.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from starcoach.core.models import AudioClip

HOP_S = 0.010
"""Time between pitch/level frames (s)."""
FRAME_S = 0.040
"""YIN integration window and level frame length (s)."""
F0_MIN_HZ = 65.0
"""Lowest pitch searched (Hz)."""
F0_MAX_HZ = 400.0
"""Highest pitch searched (Hz)."""
YIN_THRESHOLD = 0.15
"""CMND absolute threshold: the period is the first dip below this (else the global minimum)."""
VOICING_THRESHOLD = 0.40
"""A frame is voiced when the CMND at the chosen period is below this (and it is speech)."""
MIN_VOICED_RUN = 5
"""Voiced runs shorter than this many frames (50 ms) are dropped as spurious."""
SPEECH_GATE_DB = 30.0
"""Frames quieter than the loud (95th percentile) frames by more than this are not speech."""
SILENCE_FLOOR_DBFS = -70.0
"""Frames below this level are never speech (digital silence, hiss)."""
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
class PitchTrack:
    """Fundamental frequency over time."""

    times: np.ndarray
    """Frame centre times (s), every ``HOP_S``."""
    f0_hz: np.ndarray
    """F0 per frame in Hz; nan where unvoiced."""


@dataclass(frozen=True)
class LevelTrack:
    """Frame level over time."""

    times: np.ndarray
    """Frame centre times (s), every ``HOP_S``."""
    level_dbfs: np.ndarray
    """RMS level per frame in dBFS."""
    speech: np.ndarray
    """True for frames loud enough to be speech."""


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the ``tone`` key of ``starcoach analyze``)."""
        return {
            "pitch_median_hz": _round(self.pitch_median_hz, 1),
            "pitch_variation_st": _round(self.pitch_variation_st, 2),
            "monotone": self.monotone,
            "monotone_threshold_st": MONOTONE_THRESHOLD_ST,
            "pitch_windows": _windows(self.pitch_windows, "variation_st", 2),
            "level_dbfs": _round(self.level_dbfs, 1),
            "level_variation_db": _round(self.level_variation_db, 1),
            "level_windows": _windows(self.level_windows, "level_dbfs", 1),
            "too_quiet": self.too_quiet,
            "too_loud": self.too_loud,
            "clipping": self.clipping,
            "clipping_ratio": round(self.clipping_ratio, 5),
            "uptalk": {
                "count": len(self.uptalk),
                "items": [
                    dict(start=round(u.start, 2), end=round(u.end, 2), rise_st=round(u.rise_st, 1))
                    for u in self.uptalk
                ],
            },
            "tips": self.tips(),
        }


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _windows(
    rows: Sequence[tuple[float, float, float | None]], key: str, digits: int
) -> list[dict[str, Any]]:
    return [{"start": round(s, 2), "end": round(e, 2), key: _round(v, digits)} for s, e, v in rows]


def _frames(samples: np.ndarray, sample_rate: int, length: int) -> np.ndarray:
    """Frames of ``length`` samples every hop, the first centred on t=0 (zero padded)."""
    hop = round(HOP_S * sample_rate)
    window = round(FRAME_S * sample_rate)
    n_frames = max(0, int(np.ceil(len(samples) / hop)))
    padded = np.zeros(n_frames * hop + length + window, dtype=np.float32)
    padded[window // 2 : window // 2 + len(samples)] = samples
    view = np.lib.stride_tricks.sliding_window_view(padded, length)
    return view[: n_frames * hop : hop]


def _cmnd(frames: np.ndarray, window: int, max_lag: int) -> np.ndarray:
    """Cumulative mean normalized difference d'(tau), tau = 0..max_lag, per frame."""
    n_fft = 1 << int(np.ceil(np.log2(window + max_lag + 1)))
    x = frames.astype(np.float64)
    spec_head = np.fft.rfft(x[:, :window], n_fft)
    spec_full = np.fft.rfft(x, n_fft)
    corr = np.fft.irfft(np.conj(spec_head) * spec_full, n_fft)[:, : max_lag + 1]
    energy = np.concatenate([np.zeros((len(x), 1)), np.cumsum(x * x, axis=1)], axis=1)
    lags = np.arange(max_lag + 1)
    e_lag = energy[:, lags + window] - energy[:, lags]
    diff = np.maximum(energy[:, [window]] + e_lag - 2.0 * corr, 0.0)
    running = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    with np.errstate(invalid="ignore", divide="ignore"):
        cmnd[:, 1:] = diff[:, 1:] * lags[1:] / running
    return np.nan_to_num(cmnd, nan=1.0, posinf=1.0)


def _pick_lags(cmnd: np.ndarray, min_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """First dip below ``YIN_THRESHOLD`` down to its local minimum, else the global minimum.

    Returns:
        (lag index per frame, True where the CMND there is below ``VOICING_THRESHOLD``).
    """
    search = cmnd[:, min_lag:]
    below = search < YIN_THRESHOLD
    first = np.where(below.any(axis=1), np.argmax(below, axis=1), np.argmin(search, axis=1))
    idx = np.arange(search.shape[1] - 1)
    rising = (search[:, 1:] >= search[:, :-1]) & (idx[None, :] >= first[:, None])
    rising[:, -1] = True
    lag = np.argmax(rising, axis=1)
    return lag + min_lag, search[np.arange(len(lag)), lag] < VOICING_THRESHOLD


def _parabolic(cmnd: np.ndarray, lag: np.ndarray) -> np.ndarray:
    """Refine integer lags by a parabola through d'(lag-1), d'(lag), d'(lag+1)."""
    lag = np.clip(lag, 1, cmnd.shape[1] - 2)
    rows = np.arange(len(lag))
    left, mid, right = cmnd[rows, lag - 1], cmnd[rows, lag], cmnd[rows, lag + 1]
    denom = left - 2.0 * mid + right
    with np.errstate(invalid="ignore", divide="ignore"):
        shift = np.where(np.abs(denom) > 1e-12, 0.5 * (left - right) / denom, 0.0)
    return lag + np.clip(shift, -1.0, 1.0)


def pitch_track(clip: AudioClip, levels: LevelTrack | None = None) -> PitchTrack:
    """F0 every 10 ms with YIN (40 ms window, 65-400 Hz).

    Frames without a CMND dip below ``YIN_THRESHOLD`` or that are not speech by level
    are unvoiced (nan).

    Args:
        clip: mono audio.
        levels: ``level_track(clip)`` when already computed.

    Returns:
        The pitch track; empty arrays for an empty clip.
    """
    sr = clip.sample_rate
    window = round(FRAME_S * sr)
    max_lag = int(np.ceil(sr / F0_MIN_HZ)) + 1
    min_lag = int(np.floor(sr / F0_MAX_HZ))
    frames = _frames(np.asarray(clip.samples, dtype=np.float32), sr, window + max_lag)
    times = np.arange(len(frames)) * HOP_S
    f0 = np.full(len(frames), np.nan)
    speech = (levels or level_track(clip)).speech
    for start in range(0, len(frames), 2000):  # bounded memory
        block = slice(start, start + 2000)
        cmnd = _cmnd(frames[block], window, max_lag)
        lag, voiced = _pick_lags(cmnd, min_lag)
        hz = sr / _parabolic(cmnd, lag)
        ok = voiced & speech[block] & (hz >= F0_MIN_HZ * 0.95) & (hz <= F0_MAX_HZ * 1.05)
        f0[block] = np.where(ok, hz, np.nan)
    return PitchTrack(times=times, f0_hz=_drop_short_runs(f0))


def _drop_short_runs(f0: np.ndarray) -> np.ndarray:
    """Unvoice runs of fewer than ``MIN_VOICED_RUN`` consecutive voiced frames."""
    voiced = np.concatenate([[False], np.isfinite(f0), [False]])
    edges = np.flatnonzero(np.diff(voiced.astype(np.int8)))
    out = f0.copy()
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start < MIN_VOICED_RUN:
            out[start:stop] = np.nan
    return out


def level_track(clip: AudioClip) -> LevelTrack:
    """RMS level (dBFS) of 40 ms frames every 10 ms, with a speech/silence gate.

    Args:
        clip: mono audio.

    Returns:
        The level track; a frame is speech when above ``SILENCE_FLOOR_DBFS`` and within
        ``SPEECH_GATE_DB`` of the 95th percentile frame level.
    """
    window = round(FRAME_S * clip.sample_rate)
    frames = _frames(np.asarray(clip.samples, dtype=np.float32), clip.sample_rate, window)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1)) if len(frames) else np.zeros(0)
    db = 20.0 * np.log10(np.maximum(rms, 1e-10))
    if len(db) == 0:
        return LevelTrack(np.zeros(0), db, np.zeros(0, dtype=bool))
    gate = max(SILENCE_FLOOR_DBFS, float(np.percentile(db, 95)) - SPEECH_GATE_DB)
    return LevelTrack(np.arange(len(db)) * HOP_S, db, db > gate)


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
        inside = values[(times >= start) & (times < end)]
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
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, width), axis=1)


def _final_stretch(times: np.ndarray, st: np.ndarray) -> np.ndarray:
    """Semitones of the last ``UPTALK_TAIL_S`` of voiced pitch, cut at the last gap or jump.

    A gap longer than ``UPTALK_MAX_GAP_S`` or a frame-to-frame step above ``UPTALK_MAX_STEP_ST``
    (a tracking error or a new phrase) starts a new stretch.
    """
    breaks = (np.diff(times) > UPTALK_MAX_GAP_S + 1e-9) | (np.abs(np.diff(st)) > UPTALK_MAX_STEP_ST)
    first = int(np.flatnonzero(breaks)[-1]) + 1 if breaks.any() else 0
    times, st = times[first:], st[first:]
    return st[times >= times[-1] - UPTALK_TAIL_S + 1e-9]


def _end_rise(track: PitchTrack, start: float, end: float, ref_hz: float) -> float | None:
    """Rise (st) from the lowest point of the phrase's final voiced stretch to its end."""
    inside = (track.times >= start) & (track.times <= end) & np.isfinite(track.f0_hz)
    times, st = track.times[inside], _semitones(track.f0_hz[inside], ref_hz)
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


def tone_tracks(clip: AudioClip) -> tuple[LevelTrack, PitchTrack]:
    """The level and pitch tracks (the slow part), e.g. to compute them in parallel."""
    levels = level_track(clip)
    return levels, pitch_track(clip, levels)


def analyze_tone(
    clip: AudioClip,
    phrase_spans: Sequence[tuple[float, float]] | None = None,
    tracks: tuple[LevelTrack, PitchTrack] | None = None,
) -> ToneResult:
    """Pitch, loudness, clipping and uptalk of one spoken answer.

    Args:
        clip: mono audio (any length; silence gives None statistics, not an error).
        phrase_spans: sentence or phrase (start, end) times in seconds, for example from
            the transcript; when None, phrases come from speech/silence segmentation.
        tracks: ``tone_tracks(clip)`` when already computed.

    Returns:
        The tone result.
    """
    levels, track = tracks if tracks is not None else tone_tracks(clip)
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
        pitch_windows=_window_stats(track.times, st_track, clip.duration_s, np.std, 50),
        uptalk=find_uptalk(track, spans, median_hz) if median_hz else (),
        **_loudness(clip, levels),
    )


def _loudness(clip: AudioClip, levels: LevelTrack) -> dict[str, Any]:
    """The level and clipping fields of ``ToneResult``."""
    speech_db = levels.level_dbfs[levels.speech]
    level = float(np.median(speech_db)) if len(speech_db) else None
    samples = np.asarray(clip.samples)
    block = 1 << 20  # in blocks: bounded memory on long files
    clipped = sum(int(np.count_nonzero(np.abs(samples[i : i + block]) >= CLIP_LEVEL))
                  for i in range(0, len(samples), block))
    clip_ratio = clipped / len(samples) if len(samples) else 0.0
    gated_db = np.where(levels.speech, levels.level_dbfs, np.nan)
    return {
        "level_dbfs": level,
        "level_variation_db": float(np.std(speech_db)) if len(speech_db) >= 2 else None,
        "level_windows": _window_stats(levels.times, gated_db, clip.duration_s, np.median, 10),
        "too_quiet": level is not None and level < TOO_QUIET_DBFS,
        "too_loud": level is not None and level > TOO_LOUD_DBFS,
        "clipping_ratio": clip_ratio,
        "clipping": clip_ratio > CLIPPING_RATIO_THRESHOLD,
    }
