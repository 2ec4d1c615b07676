"""Incremental transcription cuts at pauses and gives the same words as one batch; when it
falls behind it catches up and sheds previews; live pitch tracking equals the batch one."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from starcoach.adapters.fixtures import FixtureRecorder
from starcoach.core.analysis.activity import detect_activity
from starcoach.core.analysis.tone import tone_tracks
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word
from starcoach.core.session import SilenceMonitor, block_level_dbfs
from starcoach.recording import incremental_transcriber as streaming
from starcoach.recording.incremental_transcriber import (
    BEHIND_S,
    CATCH_UP_CHUNK_S,
    MIN_COMMIT_S,
    TRAILING_SILENCE_S,
    IncrementalTranscriber,
)
from starcoach.recording.live_recorder import LiveTone, record_answer
from tests.fakes import ScriptTranscriber, burst_wav


class BurstTranscriber:
    """Calls every audible burst a word; records the chunks it was given."""

    def __init__(self) -> None:
        self.chunks: list[tuple[float, float]] = []

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        self.chunks.append((offset_s, offset_s + clip.duration_s))
        activity = detect_activity(clip)
        words, start = [], None
        for i, on in enumerate(list(activity.audible) + [False]):
            t = i * activity.frame_s
            if on and start is None:
                start = t
            elif not on and start is not None:
                words.append(Word(f"w{len(words)}", offset_s + start, offset_s + t))
                start = None
        return Transcript(tuple(words), clip.duration_s, " ".join(w.text for w in words))


def bursts(n: int, on_s: float = 0.4, off_s: float = 0.45) -> np.ndarray:
    t = np.arange(int(on_s * SAMPLE_RATE)) / SAMPLE_RATE
    tone = (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    gap = np.zeros(int(off_s * SAMPLE_RATE), np.float32)
    return np.concatenate([np.concatenate([tone, gap]) for _ in range(n)])


def feed(inc: IncrementalTranscriber, audio: np.ndarray, step_s: float | None) -> None:
    """Feed 100 ms blocks; with ``step_s``, let the worker settle after each ``step_s`` of
    audio (a worker that keeps up with the speaker), else all at once (a worker far behind)."""
    block = SAMPLE_RATE // 10
    per_step = int(step_s * SAMPLE_RATE) if step_s else len(audio)
    for i in range(0, len(audio), block):
        inc.feed(audio[i : i + block])
        if (i + block) % per_step < block:
            assert inc.settle(timeout=60)


def assert_same_words(result: Transcript, batch: Transcript) -> None:
    assert len(result.words) == len(batch.words)
    for a, b in zip(result.words, batch.words, strict=True):
        assert abs(a.start - b.start) < 0.03 and abs(a.end - b.end) < 0.03


def test_streamed_words_match_batch_words() -> None:
    audio = bursts(40)  # 34 s
    batch = BurstTranscriber().transcribe(AudioClip(audio))
    streaming_fake = BurstTranscriber()
    inc = IncrementalTranscriber(streaming_fake)
    feed(inc, audio, step_s=1.0)
    result = inc.finish()
    assert len(streaming_fake.chunks) > 2, "it should have cut the answer into chunks"
    assert_same_words(result, batch)
    cuts = [end for _, end in streaming_fake.chunks[:-1]]
    for cut in cuts:  # every cut lies in a silent gap, not inside a burst
        assert all(not (w.start < cut < w.end) for w in batch.words)
    # A worker that keeps up commits at the first sentence pause after MIN_COMMIT_S.
    lengths = [end - start for start, end in streaming_fake.chunks[:-1]]
    assert all(MIN_COMMIT_S <= n < MIN_COMMIT_S + 1.0 for n in lengths), lengths
    assert inc.stats.max_backlog_s < MIN_COMMIT_S + 2.0 and not inc.behind


def test_behind_worker_catches_up_with_whole_window_chunks() -> None:
    audio = bursts(80)  # 68 s arriving at once: the worker is far behind
    batch = BurstTranscriber().transcribe(AudioClip(audio))
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    feed(inc, audio, step_s=None)
    result = inc.finish()
    assert_same_words(result, batch)
    lengths = [end - start for start, end in fake.chunks]
    assert inc.stats.max_backlog_s > BEHIND_S
    # Long chunks while behind: 3 decodes for 68 s, not the 7 of 8-9 s chunks.
    assert all(n <= CATCH_UP_CHUNK_S for n in lengths) and len(lengths) == 3, lengths
    assert max(lengths) > CATCH_UP_CHUNK_S - 1.0
    for _, cut in fake.chunks[:-1]:
        assert all(not (w.start < cut < w.end) for w in batch.words)


class HeldTranscriber(BurstTranscriber):
    """Holds its first decode until ``release`` is set (a slow decode under way)."""

    def __init__(self) -> None:
        super().__init__()
        self.decoding, self.release = threading.Event(), threading.Event()

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        self.decoding.set()
        assert self.release.wait(timeout=60)
        return super().transcribe(clip, offset_s)


def test_abort_ends_after_the_decode_under_way_without_the_backlog() -> None:
    fake = HeldTranscriber()
    inc = IncrementalTranscriber(fake)
    audio = bursts(80)  # 68 s waiting: three decodes' worth
    for i in range(0, len(audio), SAMPLE_RATE // 10):
        inc.feed(audio[i : i + SAMPLE_RATE // 10])
    assert fake.decoding.wait(timeout=60)
    aborting = threading.Thread(target=inc.abort)
    aborting.start()
    fake.release.set()  # the decode under way ends; nothing after it starts
    aborting.join(timeout=60)
    assert not aborting.is_alive() and len(fake.chunks) == 1, fake.chunks


class TimedTranscriber(BurstTranscriber):
    """Takes ``load`` seconds of a fake clock per second of audio; has a caption previewer."""

    def __init__(self, clock: list[float], load: float) -> None:
        super().__init__()
        self.clock, self.load = clock, load
        self.previewer = BurstTranscriber()

    def transcribe(self, clip: AudioClip, offset_s: float = 0.0) -> Transcript:
        self.clock[0] += self.load * clip.duration_s
        return super().transcribe(clip, offset_s)


@pytest.mark.parametrize("load", [0.1, 0.9])
def test_provisional_captions_follow_the_machine_load(
    monkeypatch: pytest.MonkeyPatch, load: float
) -> None:
    """Greedy caption previews between commits while decoding is fast; none when it is slow."""
    clock = [0.0]
    monkeypatch.setattr(streaming, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    fake = TimedTranscriber(clock, load)
    updates: list[Transcript] = []
    inc = IncrementalTranscriber(fake, on_update=updates.append)
    # Words with short pauses only: nothing is committed before MIN_CHUNK_S, so captions of
    # the pending audio are due in between.
    feed(inc, bursts(40, off_s=0.28), step_s=1.0)
    inc.finish()
    stats = inc.stats
    assert stats.load == pytest.approx(load)
    after_first = [c for c in fake.previewer.chunks if c[0] > fake.chunks[0][1]]
    if load < 0.3:
        assert stats.previews >= 3 and after_first
        # Never once a chunk may be cut (it would delay the chunk): within MIN_COMMIT_S of
        # the last cut only.
        cuts = [0.0] + [end for _, end in fake.chunks]
        for _, end in fake.previewer.chunks:
            assert end - max(c for c in cuts if c < end) < MIN_COMMIT_S + 0.1
    else:  # after the first decode showed the machine is slow, nothing provisional
        assert after_first == [] and stats.previews_shed >= 2
    assert len(updates) > stats.chunks  # chunks, plus previews unless shed


@pytest.mark.parametrize("silence_s", [0.2, 2.0])
def test_answer_end_leaves_only_the_words_since_the_last_pause(silence_s: float) -> None:
    audio = np.concatenate([bursts(14), np.zeros(int(silence_s * SAMPLE_RATE), np.float32)])
    batch = BurstTranscriber().transcribe(AudioClip(audio))
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake, on_update=lambda t: None)
    feed(inc, audio, step_s=0.5)
    before_finish = list(fake.chunks)
    result = inc.finish()
    assert_same_words(result, batch)
    assert len(before_finish) >= 2  # committed at sentence pauses while speaking
    if silence_s > TRAILING_SILENCE_S:  # everything decoded during the trailing silence
        assert fake.chunks == before_finish and inc.stats.tail_s < silence_s
    else:  # only the words since the last commit are left
        assert len(fake.chunks) == len(before_finish) + 1
        assert inc.stats.tail_s == pytest.approx(
            len(audio) / SAMPLE_RATE - before_finish[-1][1], abs=0.01
        )
        assert inc.stats.tail_s < MIN_COMMIT_S + 1.0


def test_live_tone_tracks_equal_the_whole_clip_analysis() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(int(13.3 * SAMPLE_RATE)) / SAMPLE_RATE
    pitch = 140 + 30 * np.sin(2 * np.pi * 0.4 * t)  # a gliding voice, gated into syllables
    syllables = np.sin(2 * np.pi * 2.3 * t) > -0.2
    voice = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE) * syllables
    clip = AudioClip((voice + 0.002 * rng.standard_normal(len(t))).astype(np.float32))
    tone = LiveTone()
    i = 0
    while i < len(clip.samples):  # blocks of odd sizes, as devices deliver
        n = int(rng.integers(1, 4000))
        tone.feed(clip.samples[i : i + n])
        i += n
    levels, track = tone.finish(clip)
    whole_levels, whole_track = tone_tracks(clip)
    assert np.isfinite(whole_track.f0_hz).sum() > 500
    np.testing.assert_array_equal(track.f0_hz, whole_track.f0_hz)
    np.testing.assert_array_equal(track.times, whole_track.times)
    np.testing.assert_array_equal(levels.speech, whole_levels.speech)


def test_live_tone_falls_back_when_the_clip_is_not_what_was_fed() -> None:
    clip = AudioClip(bursts(8))
    tone = LiveTone()
    tone.feed(clip.samples[: len(clip.samples) // 2])
    _, track = tone.finish(clip)
    np.testing.assert_array_equal(track.f0_hz, tone_tracks(clip)[1].f0_hz)


def test_silence_monitor_stops_after_speech_then_silence() -> None:
    monitor = SilenceMonitor(silence_stop_s=2.0, max_s=60.0)
    quiet, loud = -80.0, -20.0
    reasons = [monitor.update(quiet, 0.1) for _ in range(50)]  # 5 s before speaking: no stop
    assert set(reasons) == {None}
    assert [monitor.update(loud, 0.1) for _ in range(20)] == [None] * 20
    reasons = [monitor.update(quiet, 0.1) for _ in range(25)]
    assert reasons.index("silence") == 19  # after 2.0 s of silence
    assert abs(monitor.speech_started_s - 5.0) < 1e-6


def test_silence_monitor_max_length() -> None:
    monitor = SilenceMonitor(silence_stop_s=4.0, max_s=3.0)
    reasons = [monitor.update(-20.0, 0.5) for _ in range(6)]
    assert reasons[-1] == "max_length" and reasons[:5] == [None] * 5


def test_block_level() -> None:
    assert block_level_dbfs(np.zeros(100, np.float32)) == -100.0
    assert abs(block_level_dbfs(np.full(100, 0.5, np.float32)) - (-6.02)) < 0.01


def test_record_answer_returns_live_tone_tracks_and_stream_stats(tmp_path: Path) -> None:
    wav = burst_wav(tmp_path / "answer.wav", n_words=30)
    fake = ScriptTranscriber("alpha beta gamma delta epsilon")
    monitor = SilenceMonitor(silence_stop_s=60.0, max_s=600.0)
    result = record_answer(FixtureRecorder(wav, block_s=0.1), fake, wav, threading.Event(),
                           monitor)
    assert result.reason == "stopped" and len(result.transcript.words) == 30
    levels, track = result.tone_tracks
    whole_levels, whole_track = tone_tracks(result.clip)
    np.testing.assert_array_equal(track.f0_hz, whole_track.f0_hz)
    np.testing.assert_array_equal(levels.level_dbfs, whole_levels.level_dbfs)
    assert result.stream_stats is not None and result.stream_stats.chunks == fake.calls >= 1
