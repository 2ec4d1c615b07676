"""Telephone band-limiting: 300-3400 Hz pass band, 8 kHz line, original rate and length."""

from __future__ import annotations

import numpy as np
import pytest

from starcoach.core.models import AudioClip
from starcoach.core.telephone import band_gain, mu_law_roundtrip, telephone_band, telephone_clip


def tone(freq_hz: float, rate: int, seconds: float = 1.0, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(int(round(seconds * rate))) / rate
    return (amplitude * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def gain_db(before: np.ndarray, after: np.ndarray, rate: int) -> float:
    """Level change in dB, ignoring 0.1 s at each end."""
    middle = slice(rate // 10, -(rate // 10))
    rms_in = np.sqrt(np.mean(before[middle].astype(np.float64) ** 2))
    rms_out = np.sqrt(np.mean(after[middle].astype(np.float64) ** 2)) + 1e-12
    return float(20 * np.log10(rms_out / rms_in))


@pytest.mark.parametrize("rate", [16000, 44100, 48000])
@pytest.mark.parametrize(
    ("freq_hz", "low_db", "high_db"),
    [
        (100.0, -200.0, -20.0),
        (5000.0, -200.0, -20.0),
        (1000.0, -1.0, 1.0),
        (500.0, -1.0, 1.0),
        (3000.0, -1.0, 1.0),
    ],
    ids=["100Hz-cut", "5kHz-cut", "1kHz-pass", "500Hz-pass", "3kHz-pass"],
)
def test_band_limits(rate: int, freq_hz: float, low_db: float, high_db: float) -> None:
    samples = tone(freq_hz, rate)
    out = telephone_band(samples, rate)
    assert out.dtype == np.float32 and out.shape == samples.shape
    assert low_db < gain_db(samples, out, rate) < high_db


@pytest.mark.parametrize(("rate", "seconds"), [(16000, 0.5), (44100, 1.2345), (8000, 0.3)])
def test_length_and_rate_are_kept(rate: int, seconds: float) -> None:
    clip = AudioClip(tone(1000.0, rate, seconds), rate)
    out = telephone_clip(clip)
    assert out.sample_rate == rate
    assert len(out.samples) == len(clip.samples)
    assert out.duration_s == pytest.approx(clip.duration_s)


def test_speech_band_mixture_keeps_only_the_in_band_part() -> None:
    rate = 16000
    mixture = tone(100.0, rate, amplitude=0.3) + tone(1000.0, rate, amplitude=0.3)
    out = telephone_band(mixture, rate)
    spectrum = np.abs(np.fft.rfft(out))
    freqs = np.fft.rfftfreq(out.size, 1 / rate)
    at = lambda f: spectrum[np.argmin(np.abs(freqs - f))]  # noqa: E731
    assert 20 * np.log10(at(1000.0) / at(100.0)) > 40


def test_output_stays_in_range_and_empty_input() -> None:
    loud = np.clip(tone(1000.0, 16000, amplitude=1.5), -1, 1)
    assert np.max(np.abs(telephone_band(loud, 16000))) <= 1.0
    assert telephone_band(np.zeros(0, np.float32), 16000).size == 0


def test_mu_law_is_close_to_identity() -> None:
    x = np.linspace(-1.0, 1.0, 1001)
    y = mu_law_roundtrip(x)
    assert np.max(np.abs(y - x)) < 0.03  # 8-bit companding: coarse steps near full scale
    quiet = np.abs(x) < 0.01
    assert np.max(np.abs(y[quiet] - x[quiet])) < 0.001  # ...and fine steps near silence
    assert not np.array_equal(y, x)  # it does quantise


def test_band_gain_edges() -> None:
    gains = band_gain(np.array([0.0, 300.0, 1000.0, 3400.0, 4000.0]), 300.0, 3400.0)
    assert gains.tolist() == pytest.approx([0.0, 0.5, 1.0, 0.5, 0.0])


@pytest.mark.parametrize(
    ("samples", "rate"), [(np.zeros((10, 2)), 16000), (np.zeros(10), 0)], ids=["stereo", "rate0"]
)
def test_bad_input(samples: np.ndarray, rate: int) -> None:
    with pytest.raises(ValueError):
        telephone_band(samples, rate)
