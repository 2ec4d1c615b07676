"""Test doubles: a transcriber that puts a script's words on the audible bursts of a clip."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from starcoach.adapters.audio_files import save_wav
from starcoach.core.analysis.activity import detect_activity
from starcoach.core.errors import DeviceError
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word


class ScriptTranscriber:
    """Each audible burst of the audio becomes the next word of ``script``."""

    def __init__(self, script: str) -> None:
        self.script = script.split()
        self.calls = 0

    def load(self) -> None:
        """Nothing to load."""

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        self.calls += 1
        activity = detect_activity(clip)
        spans, start = [], None
        for i, on in enumerate([*activity.audible, False]):
            t = i * activity.frame_s
            if on and start is None:
                start = t
            elif not on and start is not None:
                spans.append((offset_s + start, offset_s + t))
                start = None
        # The n-th burst of the file (wherever the chunk starts) is the n-th word.
        words = tuple(
            Word(self.script[int(round((a - LEAD_S) / BURST_PERIOD_S)) % len(self.script)], a, b)
            for a, b in spans
        )
        return Transcript(words, clip.duration_s, " ".join(w.text for w in words))

    def speech_regions(self, clip: AudioClip) -> list[tuple[float, float]]:
        return []


BURST_PERIOD_S = 0.5
LEAD_S = 0.5


def burst_wav(path: Path, n_words: int, lead_s: float = LEAD_S) -> Path:
    """A WAV with one 0.3 s tone burst per word, every 0.5 s, after ``lead_s`` of silence."""
    t = np.arange(int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE
    burst = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    gap = np.zeros(int((BURST_PERIOD_S - 0.3) * SAMPLE_RATE), np.float32)
    body = np.concatenate([np.concatenate([burst, gap]) for _ in range(n_words)])
    lead = np.zeros(int(lead_s * SAMPLE_RATE), np.float32)
    tail = np.zeros(SAMPLE_RATE, np.float32)
    return save_wav(path, AudioClip(np.concatenate([lead, body, tail])))


class BrokenMicrophone:
    """A recorder whose device is missing."""

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        raise DeviceError("no microphone found (input devices: none); plug one in or type "
                          "the answer")


async def wait_for_screen_state(app: Any, pilot: Any, screen_type: type, state: str,
                                tries: int = 300) -> Any:
    """Wait until the top screen is a ``screen_type`` in ``state``, then let its widgets
    compose; fail with the state it is in otherwise."""
    for _ in range(tries):
        screen = app.screen
        if isinstance(screen, screen_type) and screen.state == state:
            await pilot.pause(0.1)
            return screen
        await pilot.pause(0.05)
    raise AssertionError(f"never reached {state!r}; now {getattr(app.screen, 'state', app.screen)}")
