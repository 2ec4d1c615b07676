"""Is the answer in English? Whisper's language probabilities, asked only when needed.

The bundled tiny model is English-only (``tiny.en``: CTranslate2 refuses ``detect_language``
on it), so the probabilities come from a multilingual model: the transcriber's own when it is
multilingual, else the optional ``base`` extra when installed. Asking costs one encoder pass
of the larger model (1-3 s on 2 busy cores), so the adapter asks only when the English
transcript looks wrong: speech the words do not cover, or words Whisper is unsure of.
Without any multilingual model the check still says that the speech was not understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from starcoach.core.analysis.fillers import filled_pause
from starcoach.core.errors import ModelError
from starcoach.core.models import SAMPLE_RATE, Word

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

SUSPICIOUS_WORDS_PER_S = 1.0
"""Fewer words a second of speech than this: the transcript may not be English."""
SUSPICIOUS_MEAN_PROBABILITY = 0.5
"""A mean word confidence below this: the transcript may not be English."""
MIN_SPEECH_S = 2.0
"""Less speech than this is not checked (a live chunk of a word or two)."""
MIN_LANGUAGE_PROBABILITY = 0.5
"""A language other than English is reported when Whisper gives it at least this."""
DETECT_S = 30.0
"""Seconds of speech the language is detected on (one Whisper window)."""

LANGUAGE_NAMES = {
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "hi": "Hindi",
    "tr": "Turkish",
    "sv": "Swedish",
}
"""Display names of common languages (others are shown by their code)."""


@dataclass(frozen=True)
class LanguageGuess:
    """What Whisper thinks the spoken language is."""

    code: str
    """ISO 639-1 code ("fr")."""
    probability: float
    """Probability of that language, 0..1."""
    english: float
    """Probability of English, 0..1."""

    @property
    def name(self) -> str:
        """Display name of the language."""
        return LANGUAGE_NAMES.get(self.code, f"language '{self.code}'")


def suspicious(words: Sequence[Word], speech_s: float) -> bool:
    """Whether an English transcript of ``speech_s`` seconds of speech looks wrong.

    Filled pauses are left out of the mean confidence: Whisper is unsure of every "uh"
    (p 0.01-0.4 on real speech), which says nothing about the language.
    """
    if speech_s < MIN_SPEECH_S:
        return False
    if len(words) < SUSPICIOUS_WORDS_PER_S * speech_s:
        return True
    lexical = [w.probability for w in words if not filled_pause(w.text.strip(".,!?;:").lower())]
    return bool(lexical) and float(np.mean(lexical)) < SUSPICIOUS_MEAN_PROBABILITY


def speech_excerpt(samples: np.ndarray, regions: Sequence[tuple[float, float]]) -> np.ndarray:
    """Up to ``DETECT_S`` seconds of the speech regions, joined."""
    parts, total = [], 0
    limit = int(DETECT_S * SAMPLE_RATE)
    for a, b in regions:
        piece = samples[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)][: limit - total]
        parts.append(piece)
        total += piece.size
        if total >= limit:
            break
    return np.concatenate(parts) if parts else samples[:limit]


def detect(model: WhisperModel, samples: np.ndarray) -> LanguageGuess:
    """Whisper's language probabilities for ``samples`` (16 kHz mono).

    Raises:
        ModelError: the model is English-only.
    """
    if not model.model.is_multilingual:
        raise ModelError("language detection needs a multilingual Whisper model")
    code, probability, ranked = model.detect_language(samples)
    english = dict(ranked).get("en", 0.0)
    return LanguageGuess(str(code), float(probability), float(english))


def multilingual_model(own: WhisperModel, cpu_threads: int) -> WhisperModel | None:
    """A multilingual model to detect the language with: ``own`` if it is one, else the
    ``base`` extra when installed, else None (never downloads)."""
    if own.model.is_multilingual:
        return own
    from starcoach.adapters.models import resolve_model
    from starcoach.adapters.whisper_transcriber import load_whisper_model

    try:
        return load_whisper_model(resolve_model("base"), cpu_threads)
    except ModelError:
        return None


def warning_for(guess: LanguageGuess | None) -> str | None:
    """The one-line warning for a language guess; None when the speech is English.

    ``None`` as the guess means no multilingual model could tell the language.
    """
    if guess is None:
        return (
            "Most of the speech could not be understood as English: starcoach coaches "
            "English answers, so the words, fillers and STAR feedback may be wrong."
        )
    if guess.code == "en" or guess.probability < MIN_LANGUAGE_PROBABILITY:
        return None
    return (
        f"The answer sounds like {guess.name} ({guess.probability:.0%} likely), not "
        "English: starcoach coaches English answers, so fillers and STAR feedback "
        "do not apply."
    )


def transcribe_as(model: WhisperModel, samples: np.ndarray, code: str) -> list[Any]:
    """faster-whisper segments of ``samples`` decoded in language ``code`` (deterministic)."""
    segments, _info = model.transcribe(
        samples, language=code, word_timestamps=True, temperature=0.0, beam_size=5
    )
    return list(segments)
