""" "Hear yourself as the customer does": band-limit a clip to telephone quality.

A narrow-band phone line passes roughly 300 to 3400 Hz and carries 8,000 samples per
second, companded with G.711 mu-law. :func:`telephone_band` reproduces that chain with
numpy alone and returns the result at the clip's original sample rate, so the normal
playback path can play it:

1. band-pass 300-3400 Hz in the frequency domain, with short raised-cosine edges so the
   filter does not ring;
2. resample to 8 kHz (exact band-limited FFT resampling; nothing above 3400 Hz is left
   to alias);
3. mu-law compand to 8-bit codes and back (the quantisation noise of a phone codec);
4. resample back to the original rate, keeping the original number of samples.
"""

from __future__ import annotations

import numpy as np

from starcoach.core.models import AudioClip

LOW_HZ = 300.0
"""Lower edge of the telephone pass band."""
HIGH_HZ = 3400.0
"""Upper edge of the telephone pass band."""
PHONE_RATE = 8000
"""Sample rate of a narrow-band telephone line."""
EDGE_HZ = 60.0
"""Width of the raised-cosine transition at each band edge."""
MU = 255.0
"""G.711 mu-law compression parameter."""


def telephone_band(
    samples: np.ndarray,
    sample_rate: int,
    *,
    low_hz: float = LOW_HZ,
    high_hz: float = HIGH_HZ,
    phone_rate: int = PHONE_RATE,
    companding: bool = True,
) -> np.ndarray:
    """Make mono audio sound as it would over a phone line.

    Args:
        samples: Mono float samples in -1..1.
        sample_rate: Their sample rate in Hz.
        low_hz: Lower band edge in Hz.
        high_hz: Upper band edge in Hz; capped just below half of ``phone_rate``.
        phone_rate: The line's sample rate in Hz.
        companding: Apply 8-bit mu-law quantisation on the line.

    Returns:
        float32 samples at ``sample_rate`` with the same length as ``samples``.

    Raises:
        ValueError: ``samples`` is not one-dimensional, or a rate or band edge is not positive
            and ordered.
    """
    audio = np.asarray(samples, dtype=np.float64)
    if audio.ndim != 1:
        raise ValueError("telephone_band expects mono (1-D) samples")
    if sample_rate <= 0 or phone_rate <= 0 or not 0 <= low_hz < high_hz:
        raise ValueError("sample rates must be positive and 0 <= low_hz < high_hz")
    if audio.size == 0:
        return np.zeros(0, dtype=np.float32)
    line_rate = min(phone_rate, sample_rate)
    high_hz = min(high_hz, 0.5 * line_rate - EDGE_HZ)
    line = _resample(_band_pass(audio, sample_rate, low_hz, high_hz), sample_rate, line_rate)
    if companding:
        line = mu_law_roundtrip(line)
    out = _resample(line, line_rate, sample_rate, length=audio.size)
    result: np.ndarray = np.clip(out, -1.0, 1.0).astype(np.float32)
    return result


def telephone_clip(clip: AudioClip) -> AudioClip:
    """:func:`telephone_band` applied to a clip; same rate and duration."""
    return AudioClip(telephone_band(clip.samples, clip.sample_rate), clip.sample_rate)


def mu_law_roundtrip(samples: np.ndarray) -> np.ndarray:
    """Encode to 8-bit G.711-style mu-law codes and decode again.

    Args:
        samples: Float samples; values outside -1..1 are clipped.

    Returns:
        The decoded float64 samples, carrying the codec's quantisation noise.
    """
    clipped = np.clip(samples, -1.0, 1.0)
    compressed = np.sign(clipped) * np.log1p(MU * np.abs(clipped)) / np.log1p(MU)
    codes = np.round((compressed + 1.0) * 127.5)  # 0..255: one byte per sample
    decoded = codes / 127.5 - 1.0
    expanded: np.ndarray = np.sign(decoded) * np.expm1(np.abs(decoded) * np.log1p(MU)) / MU
    return expanded


def band_gain(freqs_hz: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    """Gain of the band-pass at each frequency: 1 inside, 0 outside, cosine edges.

    Args:
        freqs_hz: Frequencies in Hz.
        low_hz: Lower edge; the gain is 0.5 here.
        high_hz: Upper edge; the gain is 0.5 here.

    Returns:
        Gains in 0..1, shaped like ``freqs_hz``.
    """
    half = EDGE_HZ / 2.0
    rise = np.clip((freqs_hz - (low_hz - half)) / EDGE_HZ, 0.0, 1.0)
    fall = np.clip(((high_hz + half) - freqs_hz) / EDGE_HZ, 0.0, 1.0)
    ramp = np.minimum(rise, fall)
    gain: np.ndarray = 0.5 - 0.5 * np.cos(np.pi * ramp)
    return gain


def _band_pass(audio: np.ndarray, rate: int, low_hz: float, high_hz: float) -> np.ndarray:
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(audio.size, d=1.0 / rate)
    filtered: np.ndarray = np.fft.irfft(spectrum * band_gain(freqs, low_hz, high_hz), audio.size)
    return filtered


def _resample(audio: np.ndarray, rate: int, new_rate: int, length: int | None = None) -> np.ndarray:
    """Band-limited FFT resampling; ``length`` defaults to the same duration at ``new_rate``."""
    size = round(audio.size * new_rate / rate) if length is None else length
    if size == audio.size:
        return audio
    spectrum = np.fft.rfft(audio)
    bins = size // 2 + 1
    if bins <= spectrum.size:
        spectrum = spectrum[:bins]
    else:
        spectrum = np.concatenate([spectrum, np.zeros(bins - spectrum.size, dtype=complex)])
    resampled: np.ndarray = np.fft.irfft(spectrum, size) * (size / audio.size)
    return resampled
