"""Little is left to do when an answer ends: chunks are committed at sentence pauses and grow
with the load, the text analysis is prepared on each committed chunk, and the embedder keeps
the sentence vectors it has computed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters import embedding
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word
from starcoach.core.session import SilenceMonitor
from starcoach.recording.incremental_transcriber import (
    CATCH_UP_CHUNK_S,
    MIN_CHUNK_S,
    MIN_COMMIT_S,
    IncrementalTranscriber,
)
from starcoach.recording.live_recorder import LiveReading, record_answer
from tests.test_streaming import BurstTranscriber, assert_same_words, bursts, feed


def test_chunks_end_at_sentence_pauses_not_at_short_ones() -> None:
    """Short pauses (between words) are cut at only past MIN_CHUNK_S; a longer one (between
    sentences) after MIN_COMMIT_S."""
    phrase = bursts(6, off_s=0.28)  # 4.1 s of words with short pauses
    sentence_gap = np.zeros(int(0.6 * SAMPLE_RATE), np.float32)
    audio = np.concatenate([phrase, sentence_gap, phrase, phrase, phrase, phrase])
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    feed(inc, audio, step_s=0.5)
    result = inc.finish()
    assert_same_words(result, BurstTranscriber().transcribe(AudioClip(audio)))
    first_end = fake.chunks[0][1]
    assert len(phrase) / SAMPLE_RATE < first_end < len(phrase) / SAMPLE_RATE + 0.6
    lengths = [end - start for start, end in fake.chunks[1:-1]]
    assert lengths and all(MIN_CHUNK_S <= n < MIN_CHUNK_S + 1.0 for n in lengths), lengths


def test_a_busy_worker_takes_all_the_audio_that_waited_in_one_chunk() -> None:
    """Audio that arrived during a slow decode goes in one chunk up to its last pause (fewer
    Whisper calls when the machine is slow), not in several of MIN_COMMIT_S."""
    audio = bursts(60)  # 51 s
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    step_s = 2.5 * MIN_COMMIT_S  # what waits while each decode runs
    feed(inc, audio, step_s=step_s)
    result = inc.finish()
    assert_same_words(result, BurstTranscriber().transcribe(AudioClip(audio)))
    lengths = [end - start for start, end in fake.chunks[1:-1]]
    # One chunk per step (its last pause), each far longer than MIN_COMMIT_S.
    assert all(step_s - 1.0 <= n <= CATCH_UP_CHUNK_S for n in lengths), lengths
    assert len(fake.chunks) <= len(audio) / SAMPLE_RATE / step_s + 2


def test_finish_reports_the_wait_and_the_tail_decode() -> None:
    audio = bursts(9)  # 7.6 s, no pause long enough to end a sentence
    fake = BurstTranscriber()
    inc = IncrementalTranscriber(fake)
    feed(inc, audio, step_s=0.5)
    result = inc.finish()
    stats = inc.stats
    assert len(result.words) == 9 and stats.busy_at_finish == ""
    assert stats.tail_s > 0 and stats.tail_decode_s >= 0 and stats.wait_s >= 0
    assert stats.finish_s >= stats.tail_decode_s


def test_live_reading_prepares_each_committed_transcript() -> None:
    seen: list[int] = []

    def prepare(t: Transcript, clip: AudioClip, regions: list[tuple[float, float]]) -> None:
        assert t.words[-1].end is not None and clip.duration_s >= t.words[-1].end  # audio so far
        seen.append(len(t.words))

    reading = LiveReading(prepare)
    inc = IncrementalTranscriber(BurstTranscriber(), on_commit=reading.feed)
    reading.source = inc
    audio = bursts(30)[: -int(0.45 * SAMPLE_RATE)]  # ends on a word
    block = SAMPLE_RATE // 10
    for i in range(0, len(audio), block):
        inc.feed(audio[i : i + block])
        if (i // block) % 5 == 4:
            assert inc.settle(timeout=60) and reading.wait_idle(timeout=60)
    assert reading.wait_idle(timeout=60)
    reading.close()
    inc.finish()
    assert len(seen) >= 4 and seen == sorted(seen) and reading.prepared == len(seen)
    assert seen[-1] < 30  # the tail decoded at finish is not prepared: the analysis does it


def test_live_reading_sheds_work_while_the_transcriber_is_behind_and_ignores_errors() -> None:
    calls: list[int] = []

    def failing(t: Transcript, clip: AudioClip, regions: list[tuple[float, float]]) -> None:
        calls.append(len(t.words))
        raise RuntimeError("the analysis failed")

    class Behind:
        behind = True

        def wait_not_decoding(self, timeout: float | None = None) -> bool:
            return True

    reading = LiveReading(failing)
    reading.source = Behind()  # type: ignore[assignment]
    words = Transcript((Word("alpha", 0.0, 0.4),), 1.0)
    reading.feed(words)
    assert reading.wait_idle(timeout=10)
    assert calls == [] and reading.shed == 1
    inc = IncrementalTranscriber(BurstTranscriber())
    reading.source = inc
    reading.feed(words)
    assert reading.wait_idle(timeout=10)
    assert calls == [1] and reading.prepared == 1  # the error did not stop the worker
    reading.feed(words)
    assert reading.wait_idle(timeout=10) and calls == [1, 1]
    reading.close()
    reading.feed(words)  # after close: ignored
    assert reading.wait_idle(timeout=10) and calls == [1, 1]
    inc.finish()


def test_live_reading_waits_while_the_transcriber_decodes() -> None:
    """The transcript comes first: nothing is prepared during a decode; the newest
    transcript is prepared once it ends."""
    calls: list[int] = []

    class Decoding:
        behind = False
        decoding = threading.Event()  # set: a decode runs
        asked = threading.Event()

        def wait_not_decoding(self, timeout: float | None = None) -> bool:
            self.asked.set()
            return not self.decoding.is_set()

        def audio(self) -> AudioClip:
            return AudioClip(np.zeros(SAMPLE_RATE, np.float32))

        speech_regions: list[tuple[float, float]] = []

    source = Decoding()
    source.decoding.set()
    reading = LiveReading(lambda t, clip, regions: calls.append(len(t.words)))
    reading.source = source  # type: ignore[assignment]
    one = Transcript((Word("alpha", 0.0, 0.4),), 1.0)
    two = Transcript((*one.words, Word("beta", 0.5, 0.9)), 1.0)
    reading.feed(one)
    assert source.asked.wait(timeout=10)
    reading.feed(two)  # replaces the one waiting
    assert not reading.wait_idle(timeout=0.3) and calls == []
    source.decoding.clear()
    assert reading.wait_idle(timeout=10)
    assert calls == [2] and reading.shed == 1
    reading.close()


def test_record_answer_prepares_the_analysis_while_recording(tmp_path: Path) -> None:
    audio = bursts(24)  # 20 s of words with sentence pauses
    prepared: list[int] = []
    first = threading.Event()

    def prepare(t: Transcript, clip: AudioClip, regions: list[tuple[float, float]]) -> None:
        prepared.append(len(t.words))
        first.set()

    class HalfThenWait:
        """Delivers half the answer, waits until the analysis was prepared, then the rest."""

        def record(self, stop: threading.Event, on_block: Callable[[AudioClip], None]) -> AudioClip:
            block, half = SAMPLE_RATE // 10, len(audio) // 2
            for i in range(0, len(audio), block):
                if i == half - half % block:
                    assert first.wait(timeout=60)
                on_block(AudioClip(audio[i : i + block]))
            return AudioClip(audio)

    monitor = SilenceMonitor(silence_stop_s=60.0, max_s=600.0)
    result = record_answer(
        HalfThenWait(),
        BurstTranscriber(),
        tmp_path / "a.wav",
        threading.Event(),
        monitor,
        prepare=prepare,
    )
    assert len(result.transcript.words) == 24
    assert prepared and 0 < prepared[0] < 24  # prepared on the first half, before the end


class CountingEmbedder(embedding.MiniLMEmbedder):
    """The cache logic of ``MiniLMEmbedder`` over a fake model: a vector per text length."""

    def __init__(self) -> None:
        super().__init__(batch_size=2)
        self.embedded: list[str] = []

    def load(self) -> None:
        """Nothing to load."""

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        self.embedded.extend(texts)
        out = np.zeros((len(texts), embedding.DIM), np.float32)
        for row, text in zip(out, texts, strict=True):
            row[len(text) % embedding.DIM] = 1.0
        return out


def test_embedder_reuses_the_vectors_of_sentences_it_has_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(embedding, "CACHE_SIZE", 3)
    model = CountingEmbedder()
    first = model.embed(["We fixed it.", "The queue was long."])
    again = model.embed(["The queue was long.", "A new one.", "We fixed it."])
    assert model.embedded.count("We fixed it.") == 1
    assert model.embedded.count("The queue was long.") == 1
    np.testing.assert_array_equal(again[2], first[0])
    np.testing.assert_array_equal(again[0], first[1])
    model.embed(["Four.", "Fifth one."])  # the cache keeps the 3 most recent texts
    model.embed(["We fixed it."])
    assert model.embedded.count("We fixed it.") == 2


def test_prepared_sentences_are_not_embedded_again_by_the_analysis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starcoach.recording.live_recorder import prepare_reading
    from starcoach.recording.pipeline import analyze_clip

    model = CountingEmbedder()
    monkeypatch.setattr(embedding, "_DEFAULT", model)
    text = (
        "Our printer jammed before the board meeting. I had to print the slides. "
        "I borrowed the laptop of a colleague downstairs. The slides were ready on time."
    )
    words = tuple(Word(w, 0.5 * i + 0.2, 0.5 * i + 0.5) for i, w in enumerate(text.split()))
    clip = AudioClip(np.zeros(int(0.5 * len(words) + 1) * SAMPLE_RATE, np.float32))
    spoken = Transcript(words[:21], 11.0)  # the first three sentences, committed
    prepare_reading(spoken, clip, [(0.2, 10.5)])
    assert len(model.embedded) == 3
    before = list(model.embedded)
    analysis = analyze_clip(
        clip,
        BurstTranscriber(),
        None,
        None,
        Transcript(words, clip.duration_s),
        tone=False,
        regions=[(0.2, 0.5 * len(words))],
    )
    assert len(analysis.star.sentences) == 4
    assert model.embedded[len(before) :] == ["the slides were ready on time"]
