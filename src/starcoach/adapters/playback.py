"""Play an answer back through sounddevice (PortAudio)."""

from __future__ import annotations

import contextlib

from starcoach.adapters.sd_recorder import import_sounddevice
from starcoach.core.errors import DeviceError
from starcoach.core.models import AudioClip


def play(clip: AudioClip, device: str | int | None = None, blocking: bool = True) -> None:
    """Play ``clip`` on an output device.

    Args:
        clip: the audio to play.
        device: output device index or (part of its) name; None for the default.
        blocking: wait until it has finished playing (or :func:`stop` is called).

    Raises:
        DeviceError: no usable output device.
    """
    sd = import_sounddevice()
    if isinstance(device, str) and device.strip().isdigit():
        device = int(device)
    try:
        sd.play(clip.samples, clip.sample_rate, device=device, blocking=blocking)
    except (sd.PortAudioError, ValueError) as exc:
        raise DeviceError(
            f"Cannot play the answer back ({exc}); check the speaker with `starcoach devices`.",
            title="No speaker",
        ) from exc


def stop() -> None:
    """Stop whatever :func:`play` is playing (no-op when nothing plays)."""
    sd = import_sounddevice()
    with contextlib.suppress(sd.PortAudioError):
        sd.stop()
