"""Long recordings in bounded memory: the windowed computations equal the whole-clip ones."""

from __future__ import annotations

import numpy as np
import pytest

from starcoach.core.analysis import activity
from starcoach.core.analysis.long_audio import windowed_tone_tracks
from starcoach.core.analysis.tone import tone_tracks
from starcoach.core.models import SAMPLE_RATE, AudioClip


def voice_like(seconds: float) -> AudioClip:
    """Gliding harmonic tones in bursts with pauses and a little noise (deterministic)."""
    rng = np.random.default_rng(5)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    f0 = 140 + 40 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(f0) / SAMPLE_RATE
    voice = 0.2 * np.sin(phase) + 0.1 * np.sin(2 * phase) + 0.05 * np.sin(3 * phase)
    gate = (np.sin(2 * np.pi * 0.45 * t) > -0.3).astype(np.float64)
    return AudioClip((voice * gate + rng.normal(0, 1e-3, t.size)).astype(np.float32))


@pytest.mark.parametrize("window_s", [1.3, 7.0, 100.0])
def test_windowed_tone_tracks_equal_the_whole_clip(window_s: float) -> None:
    clip = voice_like(23.456)
    levels, pitch = tone_tracks(clip)
    w_levels, w_pitch = windowed_tone_tracks(clip, window_s)
    np.testing.assert_allclose(w_levels.level_dbfs, levels.level_dbfs, atol=1e-9)
    np.testing.assert_array_equal(w_levels.speech, levels.speech)
    np.testing.assert_allclose(w_levels.times, levels.times)
    np.testing.assert_array_equal(np.isnan(w_pitch.f0_hz), np.isnan(pitch.f0_hz))
    voiced = ~np.isnan(pitch.f0_hz)
    assert voiced.mean() > 0.3
    np.testing.assert_allclose(w_pitch.f0_hz[voiced], pitch.f0_hz[voiced], rtol=1e-9)


def test_windowed_tone_tracks_of_an_empty_clip() -> None:
    levels, pitch = windowed_tone_tracks(AudioClip(np.zeros(0, np.float32)))
    assert levels.level_dbfs.size == 0 and pitch.f0_hz.size == 0


def test_frame_levels_in_blocks_equal_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = voice_like(9.0).samples
    whole = activity.frame_levels(samples, SAMPLE_RATE)
    monkeypatch.setattr(activity, "LEVEL_BLOCK_S", 0.37)
    blocked = activity.frame_levels(samples, SAMPLE_RATE)
    assert blocked.shape == whole.shape
    np.testing.assert_allclose(blocked, whole, atol=1e-6)


def test_heap_growth_limit_applies_on_linux() -> None:
    import sys

    from starcoach.adapters.vad import limit_heap_growth

    assert limit_heap_growth() is sys.platform.startswith("linux")
