"""Contracts the adapters implement (the core and UI depend only on these)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np

from starcoach.core.models import AudioClip, Transcript


class Transcriber(Protocol):
    """Speech to words with timestamps, and where in a clip the speech is."""

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        """Transcribe a clip; word times are shifted by ``offset_s``.

        Raises:
            ModelError: the model cannot be loaded.
        """
        ...

    def speech_regions(self, clip: AudioClip) -> list[tuple[float, float]]:
        """Voice-activity regions of ``clip`` as (start, end) seconds."""
        ...


class Recorder(Protocol):
    """Microphone input."""

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        """Record until ``stop`` is set, calling ``on_block`` with each new block.

        Raises:
            DeviceError: no usable input device.
        """
        ...


class Speaker(Protocol):
    """Text to speech."""

    def speak(self, text: str) -> None:
        """Say ``text`` aloud; blocks until it has been spoken."""
        ...


class Embedder(Protocol):
    """Sentences to fixed-length vectors (unit length, so a dot product is a cosine)."""

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embed sentences; returns a float32 array of shape (len(texts), dim).

        Raises:
            ModelError: the embedding model cannot be loaded.
        """
        ...
