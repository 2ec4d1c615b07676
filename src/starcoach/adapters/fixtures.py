"""Fixture-backed Recorder and Speakers for tests and ``--demo`` (no audio hardware)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from starcoach.adapters.audio_files import load_wav
from starcoach.core.models import AudioClip


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
        clip = load_wav(self.wav_path)
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
