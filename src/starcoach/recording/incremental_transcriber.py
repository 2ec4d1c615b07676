"""Incremental transcription: transcribe an answer while it is still being spoken.

Audio arrives in blocks. A worker thread commits the stream at pauses: whenever it is free,
it cuts the pending audio at its last sentence pause (``SENTENCE_PAUSE_S``) at least
``MIN_COMMIT_S`` in, or at any pause once ``MIN_CHUNK_S`` are pending, and transcribes that
chunk for good. So when the answer ends only the words since the last pause are left to
decode (and nothing, after a silence of ``TRAILING_SILENCE_S``). A busy machine decodes
slower, more audio waits meanwhile, and the next cut takes it all: chunks grow with the load
(up to one Whisper window), as every Whisper call pays for a whole 30 s window.

The worker measures its backlog (audio not yet transcribed) and each decode's time against
its audio, and sheds optional work (greedy caption previews) when decoding is slow or behind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from starcoach.core.analysis.activity import FRAME_S, frame_levels, merge_regions
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word
from starcoach.core.ports import Transcriber
from starcoach.recording.stream_stats import StreamStats

MIN_COMMIT_S = 4.0
"""Shortest chunk cut at a sentence pause (Whisper needs some context)."""
SENTENCE_PAUSE_S = 0.35
"""A silence at least this long (likely between sentences) is a place to commit a chunk."""
MIN_CHUNK_S = 8.0
"""Past this much pending audio, any pause (``CUT_SILENCE_S``) is a place to cut."""
MAX_CHUNK_S = 20.0
"""Cut at the quietest point if no pause came for this long."""
PREVIEW_MIN_S = 2.0
"""Show provisional captions once this much audio waits for its chunk."""
PREVIEW_EVERY_S = 3.0
"""At most one provisional caption decode per this much new audio."""
PREVIEW_MAX_S = 3.0
"""Provisional captions cover at most the last this many seconds."""
MIN_SPEECH_S = 0.15
"""A chunk with less sound than this is silence."""
CUT_SILENCE_S = 0.25
"""A silence at least this long is a place to cut."""
QUIET_DB = 30.0
"""A frame this far below the loudest speech so far counts as silent for cutting."""
SILENCE_FLOOR_DBFS = -55.0
"""Frames below this level are silent whatever the speech level."""
TRAILING_SILENCE_S = 0.8
"""After this much silence at the end of the audio, transcribe what came before at once."""
CUT_MARGIN_FRAMES = 15
"""Frames of silence kept at the end of a chunk cut before a trailing silence."""
BEHIND_S = 12.0
"""A backlog above this (seconds of audio waiting) means the worker is behind the speaker."""
CATCH_UP_CHUNK_S = 28.0
"""When behind, cut chunks up to this long (one Whisper window): fewer decodes, same audio."""
PREVIEW_MAX_LOAD = 0.3
"""No caption previews when the last decode took more than this fraction of its audio's
length (the machine is busy: previews would delay the transcript itself)."""


class IncrementalTranscriber:
    """Feeds audio in, keeps a growing transcript, finishes fast.

    Thread-safe: ``feed`` from the recording thread, ``finish`` from any thread.
    """

    def __init__(
        self,
        transcriber: Transcriber,
        on_update: Callable[[Transcript], None] | None = None,
        sample_rate: int = SAMPLE_RATE,
        on_commit: Callable[[Transcript], None] | None = None,
    ) -> None:
        """Start the worker thread.

        Args:
            transcriber: Decodes each chunk.
            on_update: Called (from the worker) with the words so far, provisional captions
                included, whenever they change.
            sample_rate: Of the samples fed.
            on_commit: Called (from the worker) with the transcript so far each time a chunk
                is decoded for good (words that will not change).
        """
        self._transcriber = transcriber
        self._on_update = on_update
        self._on_commit = on_commit
        self._rate = sample_rate
        self._blocks: list[np.ndarray] = []
        self._total = 0  # samples received
        self._done_until = 0  # samples already transcribed
        self._words: list[Word] = []
        self._texts: list[str] = []
        self._warnings: dict[str, None] = {}  # each chunk's warnings, once, in order
        self._regions: list[tuple[float, float]] = []
        self._loudest = -100.0  # dBFS: 95th percentile frame level of the loudest chunk
        self._previewer = getattr(transcriber, "previewer", None) if on_update else None
        self._last_preview = 0  # samples received at the last caption preview
        self._stats = StreamStats()
        self._busy = ""  # what the worker is decoding now
        self._not_decoding = threading.Event()  # set while no decode runs
        self._not_decoding.set()
        self._looked_at = 0  # samples the worker has dealt with (cut, decoded or kept pending)
        self._settled = threading.Condition()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closing = False
        self._aborted = False  # abort(): end without decoding what is left
        self._closed_at = 0.0  # monotonic time of finish()
        self._error: BaseException | None = None
        self._worker = threading.Thread(target=self._loop, name="incremental-asr", daemon=True)
        self._worker.start()

    def feed(self, samples: np.ndarray) -> None:
        """Add recorded samples (float32 mono)."""
        with self._lock:
            self._blocks.append(np.asarray(samples, dtype=np.float32).reshape(-1))
            self._total += len(self._blocks[-1])
        self._wake.set()

    @property
    def words(self) -> list[Word]:
        """Words transcribed so far (for live captions)."""
        with self._lock:
            return list(self._words)

    def settle(self, timeout: float | None = None) -> bool:
        """Wait until the worker has dealt with all audio fed so far (chunks cut and decoded,
        captions shown): tests pace audio by the worker, not the clock. False on timeout."""
        with self._lock:
            target = self._total
        with self._settled:
            return self._settled.wait_for(
                lambda: self._looked_at >= target or not self._worker.is_alive(), timeout
            )

    def wait_not_decoding(self, timeout: float | None = None) -> bool:
        """Wait until no decode is running (optional work gives way to decoding)."""
        return self._not_decoding.wait(timeout)

    @property
    def backlog_s(self) -> float:
        """Seconds of audio received but not yet transcribed."""
        with self._lock:
            return (self._total - self._done_until) / self._rate

    @property
    def behind(self) -> bool:
        """True when the backlog is larger than a chunk the worker would normally cut."""
        return self.backlog_s > BEHIND_S

    @property
    def stats(self) -> StreamStats:
        """Counters of the work done and shed so far."""
        with self._lock:
            return self._stats

    @property
    def speech_regions(self) -> list[tuple[float, float]]:
        """Voice-activity regions found chunk by chunk (when the transcriber has a VAD)."""
        with self._lock:
            return merge_regions(self._regions)

    def audio(self) -> AudioClip:
        """All audio received so far."""
        with self._lock:
            self._blocks = [np.concatenate(self._blocks)] if self._blocks else []
            samples = self._blocks[0] if self._blocks else np.zeros(0, np.float32)
        return AudioClip(samples, self._rate)

    def finish(self) -> Transcript:
        """Transcribe what is left and return the whole transcript.

        Raises:
            Exception: whatever the transcriber raised in the worker.
        """
        began = time.monotonic()
        with self._lock:
            self._closing = True
            self._closed_at = began
            self._stats = replace(self._stats, busy_at_finish=self._busy)
        self._wake.set()
        self._worker.join()
        self._note(finish_s=time.monotonic() - began)
        if self._error is not None:
            raise self._error
        clip = self.audio()
        with self._lock:
            return Transcript(
                tuple(self._words),
                clip.duration_s,
                " ".join(self._texts).strip(),
                tuple(self._warnings),
            )

    def abort(self) -> None:
        """Stop without decoding what is left (the answer is thrown away: quit, skip). The
        worker ends after the decode under way, not mid-call (that aborts the process), so
        quitting waits for one chunk at most, not for the backlog."""
        with self._lock:
            self._closing = self._aborted = True
        self._wake.set()
        self._worker.join()

    def _loop(self) -> None:
        try:
            while True:
                self._wake.wait(0.5)
                self._wake.clear()
                with self._lock:
                    closing = self._closing
                clip = self.audio()
                backlog = (len(clip.samples) - self._done_until) / self._rate
                self._note(max_backlog_s=max(self._stats.max_backlog_s, backlog))
                if closing:
                    if not self._aborted:
                        self._finish_tail(clip.samples)
                    return
                while not self._aborted and (cut := self._find_cut(clip.samples)) is not None:
                    self._transcribe(clip.samples, cut)
                if self._previewer is not None and self._preview_due(len(clip.samples)):
                    self._preview(clip.samples)
                with self._settled:
                    self._looked_at = len(clip.samples)
                    self._settled.notify_all()
        except BaseException as exc:  # handed to finish()
            self._error = exc

    def _find_cut(self, samples: np.ndarray) -> int | None:
        """Where to cut the pending audio now (a sample index), or None to wait for more."""
        start = self._done_until
        pending = (len(samples) - start) / self._rate
        if pending < TRAILING_SILENCE_S:
            return None
        level = frame_levels(samples[start:], self._rate)
        if level.size == 0:
            return None
        self._loudest = max(self._loudest, float(np.percentile(level, 95)))
        quiet = level < max(self._loudest - QUIET_DB, SILENCE_FLOOR_DBFS)
        trailing = _trailing_run(quiet)
        if trailing * FRAME_S >= TRAILING_SILENCE_S:
            # The speaker has stopped (or paused long): transcribe what came before now, so that
            # only silence is left if this is the end.
            cut = start + int((len(quiet) - trailing + CUT_MARGIN_FRAMES) * FRAME_S * self._rate)
            return cut if cut > self._done_until else None
        if pending < MIN_COMMIT_S + CUT_SILENCE_S:
            return None
        # The last pause within one window: a sentence pause after MIN_COMMIT_S, or any pause
        # after MIN_CHUNK_S (all the audio that waited while the worker was busy goes at once).
        last = min(len(quiet), int(CATCH_UP_CHUNK_S / FRAME_S))
        found = None
        for first_frame, end_frame in _runs(quiet[:last], int(CUT_SILENCE_S / FRAME_S)):
            middle = (first_frame + end_frame) // 2
            long_enough = (end_frame - first_frame) * FRAME_S >= SENTENCE_PAUSE_S
            if middle * FRAME_S >= (MIN_COMMIT_S if long_enough else MIN_CHUNK_S):
                found = middle
        if found is not None:
            return start + int(found * FRAME_S * self._rate)
        if pending >= MAX_CHUNK_S:
            first = int(MIN_CHUNK_S / FRAME_S)
            i = first + int(np.argmin(level[first:last]))
            return start + int(i * FRAME_S * self._rate)
        return None

    def _finish_tail(self, samples: np.ndarray) -> None:
        """At the end of the answer: decode what is left (in pieces of up to one window)."""
        began = time.monotonic()
        self._note(
            tail_s=(len(samples) - self._done_until) / self._rate,
            wait_s=began - self._closed_at,
        )
        while len(samples) - self._done_until > CATCH_UP_CHUNK_S * self._rate:
            cut = self._find_cut(samples)
            if cut is None:
                break
            self._transcribe(samples, cut)
        if len(samples) > self._done_until:
            self._transcribe(samples, len(samples))
        self._note(tail_decode_s=time.monotonic() - began)

    def _preview_due(self, received: int) -> bool:
        pending = received - self._done_until
        if (
            self._on_update is None
            or pending < PREVIEW_MIN_S * self._rate
            or received - self._last_preview < PREVIEW_EVERY_S * self._rate
        ):
            return False
        # Shed the preview once a chunk may be cut at any moment (at the next sentence pause;
        # a preview running then would delay it, and the answer's last words with it) or the
        # worker is behind, and when the machine is busy (decodes slow against real time).
        if pending >= MIN_COMMIT_S * self._rate or self._stats.load > PREVIEW_MAX_LOAD:
            self._last_preview = received
            self._note(previews_shed=self._stats.previews_shed + 1)
            return False
        return True

    def _preview(self, samples: np.ndarray) -> None:
        """Live captions of audio not yet in a chunk: a quick greedy decode of its last
        seconds, shown but never kept (the chunk is decoded properly once it is cut)."""
        assert self._previewer is not None and self._on_update is not None
        self._last_preview = len(samples)
        start = max(self._done_until, len(samples) - int(PREVIEW_MAX_S * self._rate))
        self._set_busy("preview")
        part = self._previewer.transcribe(
            AudioClip(samples[start:], self._rate), offset_s=start / self._rate
        )
        self._set_busy("")
        self._note(previews=self._stats.previews + 1)
        self._on_update(Transcript(tuple(self.words) + part.words, len(samples) / self._rate))

    def _audible(self, samples: np.ndarray) -> bool:
        """False for a chunk of silence (it is skipped, not sent to Whisper)."""
        level = frame_levels(samples, self._rate)
        if level.size == 0:
            return False
        self._loudest = max(self._loudest, float(np.percentile(level, 95)))
        loud = level >= max(self._loudest - QUIET_DB, SILENCE_FLOOR_DBFS)
        return int(loud.sum()) * FRAME_S >= MIN_SPEECH_S

    def _transcribe(self, samples: np.ndarray, cut: int) -> None:
        self._set_busy("chunk")
        self._commit(*self._decode(samples, self._done_until, cut))
        self._set_busy("")

    def _set_busy(self, what: str) -> None:
        self._busy = what
        if what:
            self._not_decoding.clear()
        else:
            self._not_decoding.set()

    def _note(self, **changes: float | int | str) -> None:
        with self._lock:
            self._stats = replace(self._stats, **changes)  # type: ignore[arg-type]

    def _decode(
        self, samples: np.ndarray, start: int, end: int
    ) -> tuple[int, int, Transcript, list[tuple[float, float]], float]:
        """Transcribe ``samples[start:end]`` (nothing for silence); returns what ``_commit``
        takes."""
        chunk = AudioClip(samples[start:end], self._rate)
        offset = start / self._rate
        if chunk.duration_s < 0.1 or not self._audible(chunk.samples):
            return start, end, Transcript((), chunk.duration_s, ""), [], 0.0
        began = time.monotonic()
        part = self._transcriber.transcribe(chunk, offset_s=offset)
        took = time.monotonic() - began
        vad = getattr(self._transcriber, "speech_regions", None)
        regions = [(a + offset, b + offset) for a, b in vad(chunk)] if vad else []
        self._note(load=took / chunk.duration_s)
        return start, end, part, regions, took

    def _commit(
        self,
        start: int,
        end: int,
        part: Transcript,
        regions: list[tuple[float, float]],
        took: float,
    ) -> None:
        """Keep a decoded chunk; the transcript now reaches ``end``."""
        with self._lock:
            if took > 0:
                self._stats = replace(self._stats, chunks=self._stats.chunks + 1)
            self._words.extend(part.words)
            self._warnings.update(dict.fromkeys(part.warnings))
            self._regions.extend(regions)
            if part.text.strip():
                self._texts.append(part.text.strip())
        self._done_until = end
        if self._on_update is not None:
            self._on_update(Transcript(tuple(self.words), end / self._rate))
        if self._on_commit is not None and part.words:
            self._on_commit(Transcript(tuple(self.words), end / self._rate))


def _runs(mask: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """(first, end) of every run of at least ``min_len`` True values, in order."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, ends, strict=True) if b - a >= min_len]


def _trailing_run(mask: np.ndarray) -> int:
    """How many True values end the array."""
    falses = np.flatnonzero(~mask)
    return int(len(mask) - 1 - falses[-1]) if falses.size else len(mask)
