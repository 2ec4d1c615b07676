"""Test doubles for the UI flow, driven by events (never by racing the clock)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from starcoach.adapters.audio_files import load_wav, save_wav
from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.core.errors import DeviceError
from starcoach.core.models import AudioClip

WAIT_S = 60.0
"""Upper bound on any wait for the app (a safety net; tests proceed on the events)."""


class GatedSpeaker(RecordingSpeaker):
    """Blocks in ``speak`` until ``release`` is set; ``speaking`` is set while it blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.speaking = threading.Event()
        self.release = threading.Event()

    def speak(self, text: str) -> None:
        self.speaking.set()
        self.release.wait(WAIT_S)
        super().speak(text)


class FailingSpeaker(RecordingSpeaker):
    """A speaker whose sound output fails at once, counting the attempts."""

    def __init__(self) -> None:
        super().__init__()
        self.attempts = 0

    def speak(self, text: str) -> None:
        self.attempts += 1
        raise DeviceError("aplay: main:831: audio open error: Connection refused")


class HeldMicrophone:
    """Delivers the first ``blocks`` blocks of a WAV, writes them to ``path``, sets ``held``
    and then delivers nothing until stopped (an answer still under way); with ``fail`` it
    raises as a microphone that disappears instead of waiting."""

    def __init__(self, wav: Path, path: Path, blocks: int, fail: bool = False,
                 block_s: float = 0.1) -> None:
        self.wav, self.path, self.blocks, self.fail = wav, path, blocks, fail
        self.block_s = block_s
        self.held = threading.Event()

    def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        clip = load_wav(self.wav)
        size = int(self.block_s * clip.sample_rate)
        samples = clip.samples[: self.blocks * size]
        save_wav(self.path, AudioClip(samples, clip.sample_rate))
        for i in range(self.blocks):
            on_block(AudioClip(samples[i * size:(i + 1) * size], clip.sample_rate))
        self.held.set()
        if self.fail:
            raise DeviceError("Recording from the default input failed: the microphone "
                              "stopped delivering audio.")
        stop.wait(WAIT_S)
        return AudioClip(samples, clip.sample_rate)


class MicrophoneBank:
    """``make_recorder`` that hands out :class:`HeldMicrophone` s (the first ``held`` of them
    hold, the rest play the whole file) and remembers them."""

    def __init__(self, wav: Path, blocks: int, held: int = 1, fail: bool = False) -> None:
        self.wav, self.blocks, self.held, self.fail = wav, blocks, held, fail
        self.made: list[HeldMicrophone] = []

    def __call__(self, path: Path) -> HeldMicrophone:
        holding = len(self.made) < self.held
        n = self.blocks if holding else 10_000
        mic = HeldMicrophone(self.wav, path, n, fail=self.fail and holding)
        if not holding:
            mic.record = _whole_file(mic)  # type: ignore[method-assign]
        self.made.append(mic)
        return mic


def _whole_file(mic: HeldMicrophone) -> Callable[..., AudioClip]:
    def record(stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
        clip = load_wav(mic.wav)
        size = int(mic.block_s * clip.sample_rate)
        start = 0
        while start < len(clip.samples) and not stop.is_set():
            on_block(AudioClip(clip.samples[start:start + size], clip.sample_rate))
            start += size
        clip = AudioClip(clip.samples[:start], clip.sample_rate)
        save_wav(mic.path, clip)
        return clip

    return record


async def wait_until(pilot, condition: Callable[[], bool], what: str, tries: int = 400) -> None:
    """Let the app run until ``condition()`` holds; fail naming ``what`` otherwise."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


def record_notices(app) -> list[str]:
    """Every message ``app.notify`` shows from now on, kept after the toast times out."""
    seen: list[str] = []
    notify = app.notify

    def recording_notify(message, *args, **kwargs):
        seen.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = recording_notify
    return seen
