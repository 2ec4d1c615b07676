"""Reading and writing audio files as 16 kHz mono float32 ``AudioClip`` values.

``load_audio`` decodes anything PyAV/FFmpeg reads (WAV, FLAC, MP3, OGG, M4A, ...) through
``faster_whisper.decode_audio``; plain 16-bit PCM WAV files already at 16 kHz take a fast
path through the standard ``wave`` module. ``save_wav`` writes 16-bit PCM WAV.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from starcoach.core.errors import AudioInputError
from starcoach.core.models import SAMPLE_RATE, AudioClip

MIN_DURATION_S = 0.1
"""Clips shorter than this are rejected as empty."""

SILENCE_RMS = 0.003
"""RMS level (full scale = 1.0) under which a clip counts as silent (about -50 dBFS)."""

SILENCE_PEAK = 0.02
"""Peak level under which a clip counts as silent whatever its RMS (about -34 dBFS)."""


def load_audio(path: str | Path) -> AudioClip:
    """Load an audio file as a 16 kHz mono float32 clip.

    Args:
        path: Any audio file FFmpeg can decode.

    Returns:
        The clip, resampled and downmixed as needed.

    Raises:
        AudioInputError: the file is missing, is a directory, cannot be decoded, or holds
            less than ``MIN_DURATION_S`` seconds of audio.
    """
    file = _existing_file(path)
    samples = _try_wav_fast_path(file)
    if samples is None:
        samples = _decode_with_av(file)
    return _checked_clip(samples, file)


def load_wav(path: str | Path) -> AudioClip:
    """Load a 16-bit PCM WAV file with the standard library only (any rate, any channels).

    Args:
        path: A PCM WAV file.

    Returns:
        The clip as 16 kHz mono float32 (linear-interpolation resampling when needed).

    Raises:
        AudioInputError: the file is missing, is not 16-bit PCM WAV, or is empty.
    """
    file = _existing_file(path)
    try:
        samples, rate = _read_pcm16_wav(file)
    except (wave.Error, EOFError, OSError, ValueError, RuntimeError) as exc:
        raise AudioInputError(f"{file}: not a readable 16-bit PCM WAV file ({exc})") from exc
    return _checked_clip(_resample_linear(samples, rate, SAMPLE_RATE), file)


def save_wav(path: str | Path, clip: AudioClip) -> Path:
    """Write a clip as mono 16-bit PCM WAV (samples are clipped to -1..1).

    Args:
        path: Destination file; its parent folder must exist.
        clip: The audio to write.

    Returns:
        The path written.
    """
    file = Path(path)
    pcm = np.clip(np.asarray(clip.samples, dtype=np.float32), -1.0, 1.0)
    data = np.round(pcm * 32767.0).astype("<i2").tobytes()
    with wave.open(str(file), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(int(clip.sample_rate))
        out.writeframes(data)
    return file


def is_silent(clip: AudioClip) -> bool:
    """Whether a clip holds no audible signal (a muted or disconnected microphone).

    Args:
        clip: The audio to check.

    Returns:
        True when the RMS is below ``SILENCE_RMS`` or the peak is below ``SILENCE_PEAK``.
    """
    samples = np.asarray(clip.samples, dtype=np.float32)
    if samples.size == 0:
        return True
    peak = float(np.max(np.abs(samples)))
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return rms < SILENCE_RMS or peak < SILENCE_PEAK


def _existing_file(path: str | Path) -> Path:
    file = Path(path).expanduser()
    if file.is_dir():
        raise AudioInputError(f"{file}: is a directory, not an audio file")
    if not file.exists():
        raise AudioInputError(f"{file}: no such audio file")
    if file.stat().st_size == 0:
        raise AudioInputError(f"{file}: audio file is empty (0 bytes)")
    return file


def _checked_clip(samples: np.ndarray, file: Path) -> AudioClip:
    duration_s = len(samples) / SAMPLE_RATE
    if duration_s < MIN_DURATION_S:
        raise AudioInputError(
            f"{file}: audio is empty ({duration_s:.2f} s; need at least {MIN_DURATION_S} s)"
        )
    return AudioClip(np.ascontiguousarray(samples, dtype=np.float32), SAMPLE_RATE)


def _try_wav_fast_path(file: Path) -> np.ndarray | None:
    """Samples of a 16 kHz 16-bit PCM WAV file, or None to fall back to FFmpeg."""
    if file.suffix.lower() != ".wav":
        return None
    try:
        samples, rate = _read_pcm16_wav(file)
    except (wave.Error, EOFError, OSError, ValueError, RuntimeError):
        return None
    return samples if rate == SAMPLE_RATE else None


def _read_pcm16_wav(file: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(file), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getcomptype() != "NONE":
            raise ValueError("only 16-bit PCM is supported")
        channels = wav.getnchannels()
        rate = wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    pcm = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        pcm = pcm[: len(pcm) - len(pcm) % channels].reshape(-1, channels).mean(axis=1)
    return pcm, rate


def _resample_linear(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or samples.size == 0:
        return samples
    count = int(round(samples.size * target / rate))
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(samples.size), samples).astype(np.float32)


def _decode_with_av(file: Path) -> np.ndarray:
    import av
    from faster_whisper import decode_audio

    try:
        samples = decode_audio(str(file), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0] or type(exc).__name__
        raise AudioInputError(f"{file}: cannot decode audio ({reason})") from exc
    return np.asarray(samples, dtype=np.float32)
