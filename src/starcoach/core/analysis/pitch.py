"""Pitch and level tracks of a clip: F0 by YIN every 10 ms, frame level and a speech gate.

Pure numpy. The pitch tracker follows YIN (de Cheveigné & Kawahara 2002): difference
function, cumulative mean normalized difference (CMND), absolute threshold, parabolic
interpolation. It is checked against Praat (praat-parselmouth) in ``benchmarks/pitch_check.py``.
:mod:`starcoach.core.analysis.tone` turns the tracks into tone feedback.
"""

from __future__ import annotations

from dataclasses import dataclass

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
BLOCK_FRAMES = 500
"""Frames whose YIN difference functions are computed together. The FFTs of one block take
about 37 KB a frame (float64 and complex128 rows of 1024 points): 18 MB for 500 frames, where
2000 frames took 74 MB on top of the audio. Each frame is computed on its own, so the block
size does not change the track."""


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
    cleaned: np.ndarray = np.nan_to_num(cmnd, nan=1.0, posinf=1.0)
    return cleaned


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
    refined: np.ndarray = lag + np.clip(shift, -1.0, 1.0)
    return refined


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
    for start in range(0, len(frames), BLOCK_FRAMES):  # bounded memory
        block = slice(start, start + BLOCK_FRAMES)
        cmnd = _cmnd(frames[block], window, max_lag)
        lag, voiced = _pick_lags(cmnd, min_lag)
        hz = sr / _parabolic(cmnd, lag)
        ok = voiced & speech[block] & (hz >= F0_MIN_HZ * 0.95) & (hz <= F0_MAX_HZ * 1.05)
        f0[block] = np.where(ok, hz, np.nan)
    return PitchTrack(times=times, f0_hz=drop_short_runs(f0))


def drop_short_runs(f0: np.ndarray) -> np.ndarray:
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


def tone_tracks(clip: AudioClip) -> tuple[LevelTrack, PitchTrack]:
    """The level and pitch tracks (the slow part), e.g. to compute them in parallel."""
    levels = level_track(clip)
    return levels, pitch_track(clip, levels)
