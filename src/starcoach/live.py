"""Recording an answer live: microphone blocks feed the level meter, the auto-stop and the
incremental transcriber; when recording ends only the tail remains to transcribe.

Used by the interview and call screens from a worker thread (no UI imports here).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starcoach.core.analysis.tone import tone_tracks
from starcoach.core.errors import AppError
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.ports import Recorder, Transcriber
from starcoach.core.session import SilenceMonitor, block_level_dbfs
from starcoach.streaming import IncrementalTranscriber


@dataclass(frozen=True)
class LiveResult:
    """What a live recording produced."""

    clip: AudioClip
    """The whole answer."""
    transcript: Transcript
    """Its words, with times from the start of the recording."""
    reason: str
    """Why it stopped: "stopped", "silence" or "max_length"."""
    path: Path
    """Where the recording is on disk."""
    ended_at: float
    """Monotonic time when the last sample arrived."""
    speech_regions: list[tuple[float, float]]
    """Voice-activity regions found while recording."""
    tone_tracks: Any = None
    """Pitch and level tracks, computed while the tail was transcribed."""


def record_answer(
    recorder: Recorder,
    transcriber: Transcriber,
    path: Path,
    stop: threading.Event,
    monitor: SilenceMonitor,
    on_level: Callable[[float, float], None] | None = None,
    on_words: Callable[[Transcript], None] | None = None,
    on_stopped: Callable[[str], None] | None = None,
) -> LiveResult:
    """Record until stopped (by the user, silence or the maximum length) and transcribe.

    Args:
        recorder: The microphone (it writes ``path`` as it records).
        transcriber: Speech to words.
        path: The WAV file of the answer.
        stop: Set it to stop recording.
        monitor: Decides the automatic stop.
        on_level: Called with (level dBFS, elapsed seconds) per block.
        on_words: Called with the transcript so far as chunks are transcribed.
        on_stopped: Called with the reason as soon as recording ends.

    Raises:
        AppError: the microphone failed (what was recorded stays in ``path``).
    """
    incremental = IncrementalTranscriber(transcriber, on_update=on_words)
    reason = ["stopped"]

    def on_block(block: AudioClip) -> None:
        incremental.feed(block.samples)
        level = block_level_dbfs(block.samples)
        why = monitor.update(level, block.duration_s)
        if on_level is not None:
            on_level(level, monitor.elapsed_s)
        if why and not stop.is_set():
            reason[0] = why
            stop.set()

    try:
        clip = recorder.record(stop, on_block)
    except AppError:
        _finish_quietly(incremental)
        raise
    ended = time.monotonic()
    if on_stopped is not None:
        on_stopped(reason[0])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tone") as pool:
        tracks = pool.submit(tone_tracks, clip)  # numpy, in parallel with the last chunk
        transcript = incremental.finish()
        return LiveResult(clip, transcript, reason[0], path, ended,
                          incremental.speech_regions, tracks.result())


def _finish_quietly(incremental: IncrementalTranscriber) -> None:
    try:
        incremental.finish()
    except Exception:  # noqa: BLE001 - the recorder's error is the one to report
        pass
