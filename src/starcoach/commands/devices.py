"""``starcoach devices``: list the audio input and output devices PortAudio can see."""

from __future__ import annotations

import argparse
from typing import Any

_NONE_FOUND = (
    "No audio devices found. Connect a microphone (or start PulseAudio/PipeWire) and run "
    "`starcoach devices` again; meanwhile you can answer from an audio file or type answers."
)


def add_parser(subparsers: Any) -> None:
    """Register ``devices``."""
    parser = subparsers.add_parser(
        "devices",
        help="list microphones and speakers",
        description="List the audio input and output devices, with the defaults marked.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the device lists; no devices is not an error."""
    from starcoach.adapters.sd_recorder import import_sounddevice

    sd = import_sounddevice()
    try:
        devices = [dict(device) for device in sd.query_devices()]
        default_in, default_out = (int(i) for i in sd.default.device)
    except sd.PortAudioError:
        devices, default_in, default_out = [], -1, -1
    if not devices:
        print(_NONE_FOUND)
        return 0
    for title, key, default in (
        ("Input devices", "max_input_channels", default_in),
        ("Output devices", "max_output_channels", default_out),
    ):
        print(f"{title}:")
        lines = format_devices(devices, key, default)
        print("\n".join(lines) if lines else "  (none)")
    print("Use `--input-device INDEX` (or part of a name) to pick a microphone.")
    return 0


def format_devices(devices: list[dict[str, Any]], channels_key: str, default: int) -> list[str]:
    """One line per device that has channels under ``channels_key``.

    Args:
        devices: PortAudio device dicts (``name``, ``max_*_channels``, ``default_samplerate``).
        channels_key: ``max_input_channels`` or ``max_output_channels``.
        default: index of the default device, -1 for none.

    Returns:
        Lines like ``* 1  default  (32 ch, 44100 Hz)  [default]``.
    """
    lines = []
    for index, device in enumerate(devices):
        channels = int(device[channels_key])
        if channels <= 0:
            continue
        mark = "*" if index == default else " "
        rate = int(device["default_samplerate"])
        tail = "  [default]" if index == default else ""
        lines.append(f"{mark} {index:>2}  {device['name']}  ({channels} ch, {rate} Hz){tail}")
    return lines
