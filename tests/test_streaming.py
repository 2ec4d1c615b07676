"""Incremental transcription cuts at pauses and gives the same words as one batch."""

from __future__ import annotations

import numpy as np

from starcoach.core.analysis.activity import detect_activity
from starcoach.core.models import SAMPLE_RATE, AudioClip, Transcript, Word
from starcoach.core.session import SilenceMonitor, block_level_dbfs
from starcoach.streaming import IncrementalTranscriber


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


def test_streamed_words_match_batch_words() -> None:
    audio = bursts(40)  # 34 s
    fake = BurstTranscriber()
    batch = fake.transcribe(AudioClip(audio))
    streaming_fake = BurstTranscriber()
    inc = IncrementalTranscriber(streaming_fake)
    block = SAMPLE_RATE // 10
    for i in range(0, len(audio), block):
        inc.feed(audio[i : i + block])
    result = inc.finish()
    assert len(streaming_fake.chunks) > 2, "it should have cut the answer into chunks"
    assert len(result.words) == len(batch.words)
    for a, b in zip(result.words, batch.words, strict=True):
        assert abs(a.start - b.start) < 0.03 and abs(a.end - b.end) < 0.03
    cuts = [end for _, end in streaming_fake.chunks[:-1]]
    for cut in cuts:  # every cut lies in a silent gap, not inside a burst
        assert all(not (w.start < cut < w.end) for w in batch.words)


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
