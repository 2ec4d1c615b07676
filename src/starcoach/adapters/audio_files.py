"""Reading and writing audio files as 16 kHz mono float32 ``AudioClip`` values.

``load_audio`` decodes anything PyAV/FFmpeg reads (WAV, FLAC, MP3, OGG, M4A, ...), frame by
frame through PyAV's resampler into one float32 buffer; plain 16-bit PCM WAV files already at
16 kHz take a fast path through the standard ``wave`` module, block by block. Either way the
only large allocation is the result (64 KB per second of audio): a 60-minute file needs
about 230 MB, not the several copies a whole-file decode makes (audio past the length the
container announces waits as int16, 32 KB a second, until it is joined at the end).
``load_audio_pcm16`` reads the same way but keeps the 16-bit samples (``Pcm16Audio``, 32 KB a
second, 115 MB an hour), whose slices are exactly ``load_audio``'s float32 samples: ``analyze``
uses it. ``save_wav`` writes 16-bit PCM WAV.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from starcoach.core.errors import AudioInputError
from starcoach.core.models import PCM16_SCALE, SAMPLE_RATE, AudioClip, Pcm16Audio

MIN_DURATION_S = 0.1
"""Clips shorter than this are rejected as empty."""

SILENCE_RMS = 0.003
"""RMS level (full scale = 1.0) under which a clip counts as silent (about -50 dBFS)."""

SILENCE_PEAK = 0.02
"""Peak level under which a clip counts as silent whatever its RMS (about -34 dBFS)."""

READ_BLOCK_FRAMES = 1 << 18
"""WAV frames read at a time (16 s at 16 kHz)."""


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


def load_audio_pcm16(path: str | Path) -> Pcm16Audio | AudioClip:
    """Load an audio file as 16 kHz mono 16-bit PCM (half the memory of ``load_audio``).

    Slices of the result are the float32 samples ``load_audio`` gives for the same file. A
    16 kHz WAV file with several channels is returned as ``load_audio``'s float32 clip (its
    downmix is not a 16-bit value).

    Raises:
        AudioInputError: as ``load_audio``.
    """
    file = _existing_file(path)
    if _fast_path_downmixes(file):
        return load_audio(file)
    pcm = _try_wav_fast_path(file, np.int16)
    if pcm is None:
        pcm = _decode_with_av(file, np.int16)
    _check_length(pcm.size, file)
    return Pcm16Audio(pcm, SAMPLE_RATE)


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
    """Write a clip as mono 16-bit PCM WAV (samples are clipped to -1..1), private (0600).

    Args:
        path: Destination file; its parent folder must exist.
        clip: The audio to write.

    Returns:
        The path written.
    """
    from starcoach.storage.files import open_private

    file = Path(path)
    pcm = np.clip(np.asarray(clip.samples, dtype=np.float32), -1.0, 1.0)
    data = np.round(pcm * 32767.0).astype("<i2").tobytes()
    with open_private(file) as handle, wave.open(handle, "wb") as out:
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
    _check_length(len(samples), file)
    return AudioClip(np.ascontiguousarray(samples, dtype=np.float32), SAMPLE_RATE)


def _check_length(size: int, file: Path) -> None:
    duration_s = size / SAMPLE_RATE
    if duration_s < MIN_DURATION_S:
        raise AudioInputError(
            f"{file}: audio is empty ({duration_s:.2f} s; need at least {MIN_DURATION_S} s)"
        )


def _fast_path_downmixes(file: Path) -> bool:
    """Whether ``load_audio`` reads the file by the WAV fast path and averages its channels."""
    if file.suffix.lower() != ".wav":
        return False
    try:
        with wave.open(str(file), "rb") as wav:
            pcm16 = wav.getsampwidth() == 2 and wav.getcomptype() == "NONE"
            return pcm16 and wav.getframerate() == SAMPLE_RATE and wav.getnchannels() > 1
    except (wave.Error, EOFError, OSError, ValueError, RuntimeError):
        return False


def _try_wav_fast_path(file: Path, dtype: type = np.float32) -> np.ndarray | None:
    """Samples of a 16 kHz 16-bit PCM WAV file, or None to fall back to FFmpeg.

    ``dtype`` int16 keeps the samples as read (mono files only), float32 scales them to -1..1.

    The rate is checked in the header before anything is read: a 44.1 kHz file is not read
    whole (635 MB of float32 for an hour of stereo) only to be decoded again by FFmpeg.
    """
    if file.suffix.lower() != ".wav":
        return None
    try:
        samples, _rate = _read_pcm16_wav(file, only_rate=SAMPLE_RATE, dtype=dtype)
    except (wave.Error, EOFError, OSError, ValueError, RuntimeError):
        return None
    return samples


def _read_pcm16_wav(
    file: Path, only_rate: int | None = None, dtype: type = np.float32
) -> tuple[np.ndarray, int]:
    """Mono samples (float32 in -1..1, or int16 as read) and the rate of a 16-bit PCM WAV
    file, read block by block.

    Raises:
        ValueError: not 16-bit PCM, its rate is not ``only_rate`` (when given), or int16 was
            asked of a file with several channels.
    """
    with wave.open(str(file), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getcomptype() != "NONE":
            raise ValueError("only 16-bit PCM is supported")
        channels = wav.getnchannels()
        rate = wav.getframerate()
        if only_rate is not None and rate != only_rate:
            raise ValueError(f"{rate} Hz, not {only_rate} Hz")
        if dtype is np.int16 and channels != 1:
            raise ValueError("int16 samples need a mono file")
        out: np.ndarray = np.empty(wav.getnframes(), dtype=dtype)
        filled = 0
        while filled < out.size:
            raw = wav.readframes(min(READ_BLOCK_FRAMES, out.size - filled))
            pcm = np.frombuffer(raw, dtype="<i2")
            pcm = pcm[: pcm.size - pcm.size % channels].reshape(-1, channels)
            if pcm.shape[0] == 0:
                break  # the header promised more than the file holds
            block = pcm[:, 0] if channels == 1 else pcm.mean(axis=1, dtype=np.float32)
            out[filled : filled + block.size] = block
            filled += block.size
    out = out[:filled]
    if dtype is not np.int16:
        out *= PCM16_SCALE
    return out, rate


def _resample_linear(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or samples.size == 0:
        return samples
    count = int(round(samples.size * target / rate))
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    resampled: np.ndarray = np.interp(positions, np.arange(samples.size), samples)
    return resampled.astype(np.float32)


def _decode_with_av(file: Path, dtype: type = np.float32) -> np.ndarray:
    import av

    try:
        return _stream_decode(file, dtype)
    except (av.error.FFmpegError, OSError, ValueError, IndexError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0] or type(exc).__name__
        raise AudioInputError(f"{file}: cannot decode audio ({reason})") from exc


def _stream_decode(file: Path, dtype: type = np.float32) -> np.ndarray:
    """Decode, downmix and resample to 16 kHz mono (float32 in -1..1, or int16), one frame at
    a time.

    The buffer is sized from the container's duration and grows when that was short.
    """
    import av

    with av.open(str(file), metadata_errors="ignore") as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        seconds = float(container.duration or 0) / av.time_base
        buffer = _Buffer(int(seconds * SAMPLE_RATE) + SAMPLE_RATE, dtype)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                buffer.append(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            buffer.append(out.to_ndarray().reshape(-1))
    return buffer.samples()


class _Buffer:
    """Decoded int16 blocks gathered into one float32 array (scaled to -1..1), or one int16
    array when ``dtype`` is int16.

    The float32 array is allocated once, at the length the container announces. Blocks past
    it (a container without a duration, or a short one) are kept as int16 and joined at the
    end: 6 bytes a sample at the peak instead of the 9 that growing a float32 array by a
    quarter at a time needs, and the result is exactly as long as the audio.
    """

    def __init__(self, capacity: int, dtype: type = np.float32) -> None:
        self._scale = dtype is not np.int16
        self._data: np.ndarray = np.empty(max(capacity, SAMPLE_RATE), dtype=dtype)
        self._size = 0
        self._extra: list[np.ndarray] = []
        self._extra_size = 0

    def append(self, pcm: np.ndarray) -> None:
        """Add int16 samples."""
        room = min(self._data.size - self._size, pcm.size)
        if room > 0 and not self._extra:
            end = self._size + room
            self._data[self._size : end] = pcm[:room]
            if self._scale:
                self._data[self._size : end] *= PCM16_SCALE
            self._size = end
        if room < pcm.size:
            self._extra.append(np.array(pcm[max(room, 0) :], dtype=np.int16))
            self._extra_size += self._extra[-1].size

    def samples(self) -> np.ndarray:
        """The samples appended so far."""
        if not self._extra:
            return self._data[: self._size]
        out = np.empty(self._size + self._extra_size, dtype=self._data.dtype)
        out[: self._size] = self._data[: self._size]
        self._data = out  # the first array is freed here
        for block in self._extra:
            end = self._size + block.size
            out[self._size : end] = block
            if self._scale:
                out[self._size : end] *= PCM16_SCALE
            self._size = end
        self._extra, self._extra_size = [], 0
        return out
