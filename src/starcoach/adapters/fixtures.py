"""Fixture-backed Recorder and Speakers for tests and ``--demo`` (no audio hardware)."""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

from starcoach.core.errors import AudioInputError
from starcoach.core.models import SAMPLE_RATE, AudioClip


def read_wav(path: Path) -> AudioClip:
    """Read a 16-bit PCM WAV as a mono ``SAMPLE_RATE`` clip (channels mixed, rate converted).

    Raises:
        AudioInputError: the file is missing or not 16-bit PCM WAV.
    """
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise AudioInputError(f"{path}: only 16-bit PCM WAV is supported")
            channels, rate = wav.getnchannels(), wav.getframerate()
            pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioInputError(f"Cannot read {path}: {exc}") from exc
    samples = pcm.reshape(-1, channels).mean(axis=1).astype(np.float32) / 32768.0
    if rate != SAMPLE_RATE and samples.size:
        count = round(len(samples) * SAMPLE_RATE / rate)
        positions = np.linspace(0.0, len(samples) - 1, count)
        samples = np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    return AudioClip(samples, SAMPLE_RATE)


class FixtureRecorder:
    """Plays a WAV file's blocks through ``on_block`` as a microphone would (a ``Recorder``)."""

    def __init__(self, wav_path: Path, realtime: bool = False, block_s: float = 0.1) -> None:
        """Set up the recorder.

        Args:
            wav_path: the answer to "hear".
            realtime: deliver blocks at the speed a microphone would.
            block_s: seconds per block.
        """
        self.wav_path = wav_path
        self.realtime = realtime
        self.block_s = block_s

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        """Deliver the file block by block until it ends or ``stop`` is set.

        Returns:
            The blocks delivered, joined.

        Raises:
            AudioInputError: the file cannot be read.
        """
        clip = read_wav(self.wav_path)
        size = max(1, int(round(self.block_s * clip.sample_rate)))
        delivered = 0
        started = time.monotonic()
        while delivered < len(clip.samples) and not stop.is_set():
            block = clip.samples[delivered : delivered + size]
            delivered += len(block)
            on_block(AudioClip(block, clip.sample_rate))
            if self.realtime:
                stop.wait(max(0.0, started + delivered / clip.sample_rate - time.monotonic()))
        return AudioClip(clip.samples[:delivered], clip.sample_rate)


class SilentSpeaker:
    """A ``Speaker`` that says nothing (optionally taking ``delay_s`` to do so)."""

    def __init__(self, delay_s: float = 0.0) -> None:
        """Set how long each ``speak`` takes."""
        self.delay_s = delay_s

    def speak(self, text: str) -> None:
        """Wait ``delay_s``, say nothing."""
        if self.delay_s > 0:
            time.sleep(self.delay_s)


class RecordingSpeaker(SilentSpeaker):
    """A ``Speaker`` that remembers what it was asked to say, for tests."""

    def __init__(self, delay_s: float = 0.0) -> None:
        """Start with nothing spoken."""
        super().__init__(delay_s)
        self._lock = threading.Lock()
        self._spoken: list[str] = []

    @property
    def spoken(self) -> list[str]:
        """The texts spoken so far, in order (a copy)."""
        with self._lock:
            return list(self._spoken)

    def speak(self, text: str) -> None:
        """Remember ``text`` once it has been "spoken" (after ``delay_s``)."""
        super().speak(text)
        with self._lock:
            self._spoken.append(text)
