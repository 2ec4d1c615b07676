"""The silent lead-in ``whisper_decode.decode`` puts before audio that opens with speech.

Whisper tiny drops the first words of speech that starts at the first sample ("Okay, so my
manager" came out "so my manager"); a recording that opens in silence is decoded as it is.
The VAD here is the real Silero model bundled with faster-whisper (no Whisper model needed);
the decoder is a fake that keeps what it was given.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from starcoach.adapters.audio_files import load_audio
from starcoach.adapters.whisper_decode import (
    DEFAULT_DECODE,
    LEAD_IN_S,
    _starts_with_speech,
    decode,
)
from starcoach.core.models import SAMPLE_RATE

FIXTURE = Path(__file__).resolve().parents[1] / "audio_fixtures" / "star_angry_customer.wav"


class _Word:
    def __init__(self, text: str, start: float, end: float) -> None:
        self.word, self.start, self.end, self.probability = f" {text}", start, end, 0.9


class _Segment:
    def __init__(self, words: list[_Word]) -> None:
        self.words = words
        self.compression_ratio, self.avg_logprob, self.no_speech_prob = 1.2, -0.2, 0.05


class KeepsItsInput:
    """Hears "hello" 0.1-0.5 s into whatever it is given and keeps that input."""

    def __init__(self) -> None:
        self.given: list[np.ndarray] = []

    def transcribe(self, samples: np.ndarray, **kwargs: object) -> tuple[object, None]:
        self.given.append(samples)
        return iter([_Segment([_Word("hello", 0.1, 0.5)])]), None


def opening() -> tuple[np.ndarray, float]:
    """The fixture's samples and the time of its first word (after 1.2 s of silence)."""
    truth = json.loads(FIXTURE.with_suffix(".json").read_text())
    return load_audio(FIXTURE).samples, float(truth["words"][0]["start"])


def test_speech_at_the_first_sample_is_told_from_silence_before_it() -> None:
    samples, first_word = opening()
    assert first_word > 1.0
    assert not _starts_with_speech(samples)  # 1.2 s of silence, then the answer
    assert _starts_with_speech(samples[int(first_word * SAMPLE_RATE) :])  # trimmed to it


def test_the_lead_in_goes_only_before_audio_that_opens_with_speech() -> None:
    samples, first_word = opening()
    trimmed = samples[int(first_word * SAMPLE_RATE) : int((first_word + 6.0) * SAMPLE_RATE)]
    model = KeepsItsInput()

    words = decode(model, trimmed, 10.0, DEFAULT_DECODE)  # type: ignore[arg-type]
    lead = int(LEAD_IN_S * SAMPLE_RATE)
    assert model.given[0].size == trimmed.size + lead and not model.given[0][:lead].any()
    np.testing.assert_array_equal(model.given[0][lead:], trimmed)
    # the word's time is moved back by the lead-in and clamped at the piece's start
    assert [(w.text, w.start, w.end) for w in words] == [("hello", 10.0, 10.2)]

    quiet = samples[: int(6.0 * SAMPLE_RATE)]
    decode(model, quiet, 0.0, DEFAULT_DECODE)  # type: ignore[arg-type]
    np.testing.assert_array_equal(model.given[1], quiet)
