"""``starcoach check``: record a few seconds, show the level and what was heard."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

import numpy as np

from starcoach.core.models import SAMPLE_RATE, AudioClip

CLIP_DBFS = -0.5
"""A peak at or above this is treated as clipping."""
QUIET_PEAK_DBFS = -30.0
"""Speech that never peaks above this is too quiet to transcribe well."""
SILENT_PEAK_DBFS = -60.0
"""Below this nothing was heard at all."""
_METER_WIDTH = 30


def add_parser(subparsers: Any) -> None:
    """Register ``check``."""
    parser = subparsers.add_parser(
        "check",
        help="test the microphone: level and what was heard",
        description="Record a few seconds from the microphone, then show the peak and "
        "average level, a verdict, and the transcript of what was heard.",
    )
    parser.add_argument("--input-device", default=None, help="input device index or name")
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to record")
    parser.add_argument(
        "--no-transcribe", action="store_true", help="skip transcribing what was heard"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Record, report level and verdict, then transcribe."""
    from starcoach.adapters.sd_recorder import SoundDeviceRecorder, level_dbfs, peak_dbfs

    seconds = max(0.5, float(args.seconds))
    clip = record_for(SoundDeviceRecorder(device=args.input_device), seconds, level_dbfs)
    peak, average = peak_dbfs(clip.samples), level_dbfs(clip.samples)
    print(f"Peak level:    {peak:6.1f} dBFS")
    print(f"Average level: {average:6.1f} dBFS")
    print(f"Verdict: {verdict(peak, clipped_fraction(clip.samples))}")
    if not args.no_transcribe:
        print(f"Heard: {heard(clip, peak)}")
    return 0


def record_for(recorder: Any, seconds: float, level: Any) -> AudioClip:
    """Record ``seconds`` of audio, drawing a ``\\r``-updated level meter on stderr."""
    stop = threading.Event()
    wanted = int(seconds * SAMPLE_RATE)
    received = 0

    def on_block(block: AudioClip) -> None:
        nonlocal received
        if received == 0:
            sys.stderr.write(f"Recording {seconds:g} s: say a sentence...\n")
        received += len(block.samples)
        elapsed = min(received / SAMPLE_RATE, seconds)
        sys.stderr.write("\r" + meter_line(level(block.samples), elapsed, seconds))
        sys.stderr.flush()
        if received >= wanted:
            stop.set()

    try:
        clip: AudioClip = recorder.record(stop, on_block)
    finally:
        if received:
            sys.stderr.write("\n")
    return AudioClip(clip.samples[:wanted], clip.sample_rate)


def meter_line(level_dbfs: float, elapsed_s: float, total_s: float) -> str:
    """A fixed-width meter such as ``level [#########-----] -23.4 dBFS  1.2/3.0 s``."""
    filled = round(_METER_WIDTH * min(1.0, max(0.0, (level_dbfs + 60.0) / 60.0)))
    bar = "#" * filled + "-" * (_METER_WIDTH - filled)
    return f"level [{bar}] {level_dbfs:6.1f} dBFS  {elapsed_s:4.1f}/{total_s:.1f} s"


def clipped_fraction(samples: np.ndarray) -> float:
    """Share of samples at (or within 0.5 dB of) full scale."""
    if samples.size == 0:
        return 0.0
    return float(np.mean(np.abs(samples) >= 10 ** (CLIP_DBFS / 20.0)))


def verdict(peak_dbfs: float, clipped: float) -> str:
    """Judge a recording's level.

    Args:
        peak_dbfs: the loudest sample in dBFS.
        clipped: share of samples at full scale (see :func:`clipped_fraction`).

    Returns:
        A one-line verdict that starts with ``silent``, ``too quiet``, ``clipping`` or ``good``.
    """
    if peak_dbfs < SILENT_PEAK_DBFS:
        return "silent: nothing was heard; is the microphone muted or the wrong device?"
    if peak_dbfs < QUIET_PEAK_DBFS:
        return "too quiet: move closer to the microphone or raise its input volume"
    if clipped > 0.001:
        return "clipping: the input is too loud; lower its input volume or move back"
    return "good: the level is fine for transcription"


def heard(clip: AudioClip, peak: float) -> str:
    """What the transcriber heard, or why there is nothing to show."""
    if peak < SILENT_PEAK_DBFS:
        return "(nothing)"
    try:
        from starcoach.adapters.whisper_transcriber import WhisperTranscriber
    except ImportError:
        return "(transcription is not available in this install)"
    text = WhisperTranscriber().transcribe(clip).text.strip()
    return text or "(no words recognised)"
