"""Microphone input through sounddevice (PortAudio), written to disk as it is recorded."""

from __future__ import annotations

import math
import queue
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

import numpy as np

from starcoach.core.errors import DeviceError
from starcoach.core.models import SAMPLE_RATE, AudioClip

SILENCE_DBFS = -120.0
"""Level reported for digital silence (instead of minus infinity)."""
BLOCK_S = 0.1
"""Seconds of audio per block handed to ``on_block``."""
STALL_S = 5.0
"""A running stream that delivers nothing for this long has lost its device."""
STARTUP_S = 10.0
"""Grace for the first block (a PulseAudio source can take ~2 s to deliver it)."""
_WHAT_TO_DO = "pick one with --input-device, answer from an audio file, or type the answer"


def level_dbfs(block: np.ndarray) -> float:
    """RMS level of float samples in dBFS (a full-scale sine is about -3 dBFS).

    Args:
        block: float samples in -1..1 (any shape).

    Returns:
        The level, at least ``SILENCE_DBFS``.
    """
    if block.size == 0:
        return SILENCE_DBFS
    rms = float(np.sqrt(np.mean(np.square(block, dtype=np.float64))))
    return max(SILENCE_DBFS, 20.0 * math.log10(rms)) if rms > 0 else SILENCE_DBFS


def peak_dbfs(block: np.ndarray) -> float:
    """Peak level of float samples in dBFS (full scale is 0 dBFS).

    Args:
        block: float samples in -1..1 (any shape).

    Returns:
        The level, at least ``SILENCE_DBFS``.
    """
    peak = float(np.max(np.abs(block))) if block.size else 0.0
    return max(SILENCE_DBFS, 20.0 * math.log10(peak)) if peak > 0 else SILENCE_DBFS


class WavAppender:
    """A 16-bit mono WAV file that is valid on disk after every :meth:`append`.

    The ``wave`` module writes the sizes in the header only on close; this writes the
    header first and patches the two sizes after each append, so a crash or Ctrl-C
    leaves a playable file with everything recorded so far.
    """

    def __init__(self, path: Path, sample_rate: int = SAMPLE_RATE) -> None:
        """Create (or truncate) ``path`` as a private (0600) file in a 0700 folder and write an
        empty WAV header."""
        from starcoach.storage.files import open_private, private_dir

        private_dir(path.parent)
        self.path = path
        self.frames = 0
        self._file: BinaryIO = open_private(path)
        self._file.write(_wav_header(sample_rate, 0))
        self._file.flush()

    def append(self, block: np.ndarray) -> None:
        """Append float samples in -1..1 and make the header match."""
        pcm = (np.clip(block.reshape(-1), -1.0, 1.0) * 32767.0).astype("<i2")
        self._file.seek(0, 2)
        self._file.write(pcm.tobytes())
        self.frames += len(pcm)
        data_bytes = self.frames * 2
        self._file.seek(4)
        self._file.write(struct.pack("<I", 36 + data_bytes))
        self._file.seek(40)
        self._file.write(struct.pack("<I", data_bytes))
        self._file.flush()

    def close(self) -> None:
        """Close the file (it is already complete)."""
        self._file.close()


def _wav_header(sample_rate: int, data_bytes: int) -> bytes:
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


def import_sounddevice() -> ModuleType:
    """Import sounddevice, turning a missing PortAudio library into a DeviceError."""
    try:
        import sounddevice as module
    except (ImportError, OSError) as exc:
        raise DeviceError(
            f"Audio is unavailable (PortAudio could not be loaded: {exc}); "
            "answer from an audio file or type the answer.",
            title="No audio",
        ) from exc
    sounddevice: ModuleType = module
    return sounddevice


def describe_input_devices(sd: ModuleType) -> str:
    """A short list of input devices like ``0 'pulse', 1 'default'``, or ``none``."""
    try:
        devices = list(sd.query_devices())
    except Exception:  # PortAudio can fail in many ways here  # noqa: BLE001
        return "none"
    names = [
        f"{index} {device['name']!r}"
        for index, device in enumerate(devices)
        if device["max_input_channels"] > 0
    ]
    return ", ".join(names) if names else "none"


def _resample(block: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    if source_rate == target_rate or block.size == 0:
        return block
    count = max(1, round(len(block) * target_rate / source_rate))
    positions = np.linspace(0.0, len(block) - 1, count)
    resampled: np.ndarray = np.interp(positions, np.arange(len(block)), block)
    return resampled.astype(np.float32)


def _device_arg(device: str | int | None) -> str | int | None:
    if isinstance(device, str) and device.strip().isdigit():
        return int(device)
    return device


class SoundDeviceRecorder:
    """Records 16 kHz mono from a PortAudio input device (implements ``Recorder``)."""

    def __init__(
        self,
        device: str | int | None = None,
        samplerate: int = SAMPLE_RATE,
        wav_path: Path | None = None,
    ) -> None:
        """Set up the recorder; nothing is opened until :meth:`record`.

        Args:
            device: input device index or (part of its) name; None for the default.
            samplerate: rate of the returned clip and the WAV file.
            wav_path: where the answer is written while it is recorded; None keeps it
                in memory only.
        """
        self.device = _device_arg(device)
        self.samplerate = samplerate
        self.wav_path = wav_path

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        """Record until ``stop`` is set, calling ``on_block`` with each new block.

        Returns:
            Everything recorded.

        Raises:
            DeviceError: no usable input device, or it stopped delivering audio; what was
                recorded so far stays in ``wav_path``.
        """
        sd = import_sounddevice()
        blocks: queue.Queue[np.ndarray] = queue.Queue()
        stream, stream_rate = self._open(sd, blocks)
        writer = WavAppender(self.wav_path, self.samplerate) if self.wav_path else None
        chunks: list[np.ndarray] = []

        def take(raw: np.ndarray) -> None:
            block = _resample(raw.reshape(-1).astype(np.float32), stream_rate, self.samplerate)
            chunks.append(block)
            if writer is not None:
                writer.append(block)
            on_block(AudioClip(block, self.samplerate))

        try:
            self._run(sd, stream, blocks, stop, take)
        finally:
            if writer is not None:
                writer.close()
        return AudioClip(_join(chunks), self.samplerate)

    def _open(self, sd: ModuleType, blocks: queue.Queue[np.ndarray]) -> tuple[Any, int]:
        def callback(indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
            blocks.put(indata.copy())

        if describe_input_devices(sd) == "none":
            raise DeviceError(
                "No microphone found (PortAudio sees no input devices); "
                f"connect one, {_WHAT_TO_DO}.",
                title="No microphone",
            )
        last_error: Exception | None = None
        for rate in self._candidate_rates(sd):
            try:
                stream = sd.InputStream(
                    samplerate=rate,
                    channels=1,
                    dtype="float32",
                    device=self.device,
                    blocksize=int(rate * BLOCK_S),
                    callback=callback,
                )
                return stream, rate
            except (sd.PortAudioError, ValueError) as exc:
                last_error = exc
        raise self._error(sd, f"cannot open the microphone ({last_error})")

    def _candidate_rates(self, sd: ModuleType) -> list[int]:
        rates = [self.samplerate]
        try:
            default_rate = int(sd.query_devices(self.device, "input")["default_samplerate"])
        except (sd.PortAudioError, ValueError):
            return rates
        return rates if default_rate == self.samplerate else [*rates, default_rate]

    def _run(
        self,
        sd: ModuleType,
        stream: Any,
        blocks: queue.Queue[np.ndarray],
        stop: threading.Event,
        take: Callable[[np.ndarray], None],
    ) -> None:
        try:
            stream.start()
            deadline = time.monotonic() + STARTUP_S
            while not stop.is_set():
                try:
                    take(blocks.get(timeout=0.05))
                    deadline = time.monotonic() + STALL_S
                except queue.Empty:
                    if not stream.active or time.monotonic() > deadline:
                        raise self._lost(sd) from None
        except sd.PortAudioError as exc:
            raise self._lost(sd, str(exc)) from exc
        finally:
            _close_quietly(sd, stream)
        while not blocks.empty():
            take(blocks.get_nowait())

    def _lost(self, sd: ModuleType, detail: str = "") -> DeviceError:
        saved = f"; what was recorded so far is in {self.wav_path}" if self.wav_path else ""
        reason = f" ({detail})" if detail else ""
        return self._error(sd, f"the microphone stopped delivering audio{reason}{saved}")

    def _error(self, sd: ModuleType, problem: str) -> DeviceError:
        devices = describe_input_devices(sd)
        chosen = "the default input" if self.device is None else f"input device {self.device!r}"
        return DeviceError(
            f"Recording from {chosen} failed: {problem}. Input devices found: {devices}; "
            f"{_WHAT_TO_DO}.",
            title="Microphone problem",
        )


def _close_quietly(sd: ModuleType, stream: Any) -> None:
    try:
        stream.stop()
        stream.close()
    except sd.PortAudioError:
        pass


def _join(chunks: list[np.ndarray]) -> np.ndarray:
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)
