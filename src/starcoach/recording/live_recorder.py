"""Recording an answer live: microphone blocks feed the level meter, the auto-stop, the
incremental transcriber and the pitch tracker, and each decoded chunk feeds the text analysis
(its sentence embeddings are ready at the end); when recording ends only the tail remains.

Used by the interview and call screens from a worker thread (no UI imports here).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from starcoach.core.analysis.pitch import (
    HOP_S,
    LevelTrack,
    PitchTrack,
    drop_short_runs,
    level_track,
    pitch_track,
    tone_tracks,
)
from starcoach.core.errors import AppError
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.ports import Recorder, Transcriber
from starcoach.core.session import SilenceMonitor, block_level_dbfs
from starcoach.recording.incremental_transcriber import IncrementalTranscriber
from starcoach.recording.stream_stats import StreamStats


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
    """Pitch and level tracks, computed while recording (as ``tone_tracks(clip)``)."""
    stream_stats: StreamStats | None = None
    """How the live transcriber kept up (backlog, previews shed)."""


class TakeCancelled(Exception):
    """The answer was thrown away while it was recorded (its WAV stays on disk)."""


def record_answer(
    recorder: Recorder,
    transcriber: Transcriber,
    path: Path,
    stop: threading.Event,
    monitor: SilenceMonitor,
    on_level: Callable[[float, float], None] | None = None,
    on_words: Callable[[Transcript], None] | None = None,
    on_stopped: Callable[[str], None] | None = None,
    prepare: Callable[[Transcript, AudioClip, list[tuple[float, float]]], None] | None = None,
    cancel: Callable[[], bool] | None = None,
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
        prepare: Run in the background on the words decoded so far (with the audio and
            speech regions so far) after each chunk; default ``prepare_reading``.
        cancel: True once the answer is thrown away (asked when recording ends, which
            ``stop`` does): what is left is then not transcribed.

    Raises:
        AppError: the microphone failed (what was recorded stays in ``path``).
        TakeCancelled: ``cancel`` said so when recording ended (``path`` is kept).
    """
    reading = LiveReading(prepare or prepare_reading)
    incremental = IncrementalTranscriber(transcriber, on_update=on_words, on_commit=reading.feed)
    reading.source = incremental
    tone = LiveTone()
    reason = ["stopped"]

    def on_block(block: AudioClip) -> None:
        incremental.feed(block.samples)
        tone.feed(block.samples, block.sample_rate)
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
        reading.close()
        _finish_quietly(incremental)
        reading.join()
        tone.close()
        raise
    ended = time.monotonic()
    reading.close()
    if cancel is not None and cancel():
        incremental.abort()
        reading.join()
        tone.close()
        raise TakeCancelled(path)
    if on_stopped is not None:
        on_stopped(reason[0])
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tone") as pool:
        tracks = pool.submit(tone.finish, clip)  # the last seconds of pitch, meanwhile
        try:
            transcript = incremental.finish()
        finally:
            reading.join()  # what it was preparing, the analysis needs next
        return LiveResult(
            clip,
            transcript,
            reason[0],
            path,
            ended,
            incremental.speech_regions,
            tracks.result(),
            incremental.stats,
        )


def _finish_quietly(incremental: IncrementalTranscriber) -> None:
    with contextlib.suppress(Exception):  # the recorder's error is the one to report
        incremental.finish()


def prepare_reading(
    transcript: Transcript, clip: AudioClip, regions: list[tuple[float, float]]
) -> None:
    """Analyse the words so far as ``pipeline.analyze_clip`` will at the end (no question, no
    tone): the bundled embedder keeps the sentence vectors, so the final analysis only embeds
    the sentences that came after (and the question)."""
    from starcoach.adapters.embedding import default_embedder, load_text_model
    from starcoach.core.analysis.activity import detect_activity
    from starcoach.core.analysis.engine import analyze

    starts = [w.start for w in transcript.words if w.start is not None]
    ends = [w.end for w in transcript.words if w.end is not None]
    activity = detect_activity(clip, regions, (min(starts), max(ends)) if starts and ends else None)
    analyze(transcript, None, activity, None, default_embedder(), load_text_model())


GIVE_WAY_S = 0.1
"""How often the live reading, waiting for the transcriber to stop decoding, checks it is
still wanted."""


class LiveReading:
    """Runs ``prepare`` on the latest committed transcript, in its own thread, while recording.

    Optional work: it waits while the live transcriber decodes (so it never slows the
    transcript down), a transcript that arrives meanwhile replaces the waiting one, nothing is
    prepared while the transcriber is behind or after ``close``, and errors are ignored (the
    analysis at the end does it all again).
    """

    def __init__(
        self, prepare: Callable[[Transcript, AudioClip, list[tuple[float, float]]], None]
    ) -> None:
        """Start the worker thread (it waits for transcripts)."""
        self.source: IncrementalTranscriber | None = None
        """The live transcriber (its audio, speech regions and backlog)."""
        self.prepared = 0
        """Transcripts prepared."""
        self.shed = 0
        """Transcripts skipped (replaced, or the transcriber behind)."""
        self._prepare = prepare
        self._latest: Transcript | None = None
        self._closing = False
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._worker = threading.Thread(target=self._loop, name="live-reading", daemon=True)
        self._worker.start()

    def feed(self, transcript: Transcript) -> None:
        """Hand over the transcript so far (called from the transcriber's worker)."""
        with self._lock:
            if self._closing:
                return
            self.shed += self._latest is not None
            self._latest = transcript
            self._idle.clear()
        self._wake.set()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every transcript fed is prepared or shed (tests). False on timeout."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        """Stop taking transcripts; one being prepared finishes in the background."""
        with self._lock:
            self._closing = True
        self._wake.set()

    def join(self) -> None:
        """Close and wait for the worker to end (no analysis left running at exit)."""
        self.close()
        self._worker.join()

    def _give_way(self, source: IncrementalTranscriber) -> bool:
        """Wait until the transcriber is not decoding (the transcript comes first); False
        when closed meanwhile."""
        while not source.wait_not_decoding(GIVE_WAY_S):
            with self._lock:
                if self._closing:
                    return False
        return True

    def _loop(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            source = self.source
            if source is not None and not self._give_way(source):
                self._idle.set()
                return
            with self._lock:
                latest, self._latest = self._latest, None  # the newest, after giving way
                if self._closing:
                    self._idle.set()
                    return
            if latest is not None and source is not None and not source.behind:
                with contextlib.suppress(Exception):  # optional: the final analysis redoes it
                    self._prepare(latest, source.audio(), source.speech_regions)
                self.prepared += 1
            elif latest is not None:
                self.shed += 1
            with self._lock:
                if self._latest is None:
                    self._idle.set()


SEGMENT_S = 2.0
"""The live pitch tracker works through the recording in pieces of this length."""
MARGIN_FRAMES = 10
"""Pitch frames computed on each side of a piece and thrown away, so that the voiced runs at
its edges are judged as in the whole recording (runs under 5 frames are dropped)."""
LOOKAHEAD_S = 0.15
"""Audio after a piece (and its margin) that its last frames' analysis windows reach into."""


class LiveTone:
    """Pitch tracking while the answer is recorded, so that at the end only the last seconds
    remain: ``finish(clip)`` returns exactly ``tone_tracks(clip)`` (same frames, same values).

    Each piece of ``SEGMENT_S`` is tracked as if every frame were speech (with margins so its
    frames match the whole-recording analysis); at the end the level track of the whole clip
    (cheap) says which frames are speech, and voiced runs cut short by that gate are dropped,
    as ``pitch_track`` does.
    """

    def __init__(self) -> None:
        """Start the worker thread (it waits for audio)."""
        self._blocks: list[np.ndarray] = []
        self._received = 0
        self._rate: int | None = None
        self._parts: list[np.ndarray] = []  # f0 per frame, all frames treated as speech
        self._frames_done = 0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._failed = False
        self._worker = threading.Thread(target=self._loop, name="live-tone", daemon=True)
        self._worker.start()

    def feed(self, samples: np.ndarray, sample_rate: int = 16_000) -> None:
        """Add recorded samples (float32 mono)."""
        with self._lock:
            self._rate = self._rate or sample_rate
            self._blocks.append(np.asarray(samples, dtype=np.float32).reshape(-1))
            self._received += len(self._blocks[-1])
        self._wake.set()

    def close(self) -> None:
        """Stop the worker without a result."""
        with self._lock:
            self._closing = True
        self._wake.set()
        self._worker.join()

    def finish(self, clip: AudioClip) -> tuple[LevelTrack, PitchTrack]:
        """The level and pitch tracks of ``clip`` (the audio fed), as ``tone_tracks``."""
        self.close()
        samples = self._samples()
        if (
            self._failed
            or len(samples) != len(clip.samples)
            or clip.sample_rate != (self._rate or clip.sample_rate)
        ):
            return tone_tracks(clip)  # not what was fed: do it all now
        self._track(samples, final=True)
        levels = level_track(clip)
        f0 = np.concatenate(self._parts) if self._parts else np.zeros(0)
        if len(f0) != len(levels.times):
            return tone_tracks(clip)
        f0 = drop_short_runs(np.where(levels.speech, f0, np.nan))
        return levels, PitchTrack(times=levels.times.copy(), f0_hz=f0)

    def _samples(self) -> np.ndarray:
        with self._lock:
            self._blocks = [np.concatenate(self._blocks)] if len(self._blocks) > 1 else self._blocks
            return self._blocks[0] if self._blocks else np.zeros(0, np.float32)

    def _loop(self) -> None:
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                with self._lock:
                    closing = self._closing
                if closing:
                    return
                if self._received >= self._needed():
                    self._track(self._samples(), final=False)
        except Exception:  # noqa: BLE001 - finish() then computes the tracks in one go
            self._failed = True

    def _needed(self) -> int:
        """Samples needed before the next piece can be tracked."""
        rate = self._rate or 16_000
        hop = round(HOP_S * rate)
        last = self._frames_done + round(SEGMENT_S / HOP_S)
        return last * hop + MARGIN_FRAMES * hop + round(LOOKAHEAD_S * rate)

    def _track(self, samples: np.ndarray, final: bool) -> None:
        """Track every whole piece the audio allows (``final``: everything left)."""
        rate = self._rate or 16_000
        hop = round(HOP_S * rate)
        total_frames = -(-len(samples) // hop)
        margin, lookahead = MARGIN_FRAMES * hop, round(LOOKAHEAD_S * rate)
        while self._frames_done < total_frames:
            first = self._frames_done
            last = first + round(SEGMENT_S / HOP_S)
            if final:
                last = total_frames
            elif last * hop + margin + lookahead > len(samples):
                return  # wait for more audio
            start = max(0, first * hop - margin)
            piece = samples[start : min(len(samples), last * hop + margin + lookahead)]
            every = np.ones(-(-len(piece) // hop), dtype=bool)
            speech = LevelTrack(np.zeros(len(every)), np.zeros(len(every)), every)
            f0 = pitch_track(AudioClip(piece, rate), speech).f0_hz
            skip = first - start // hop
            self._parts.append(f0[skip : skip + last - first])
            self._frames_done = last
