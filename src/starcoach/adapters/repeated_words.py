"""Words Whisper wrote twice: a run that copies an earlier run word for word.

With the previous text as its prompt Whisper can write an earlier sentence in place of a new
one; ``WhisperTranscriber`` decodes such a copy again without that text.
"""

from __future__ import annotations

from collections.abc import Sequence

from starcoach.core.analysis.fillers import filled_pause
from starcoach.core.models import Word

MIN_REPEAT_WORDS = 8
"""A run of this many words written again later, word for word, is decoded again: with the
previous text as its prompt Whisper can write an earlier sentence in place of a new one."""


def repeated_runs(
    words: Sequence[Word], min_words: int = MIN_REPEAT_WORDS
) -> list[tuple[float, float]]:
    """Time spans of words that repeat an earlier run of ``min_words`` or more word for word.

    Only the later copy is returned (runs that overlap are joined); case and punctuation are
    ignored. A speaker rarely says eight words again exactly, so the span is decoded again
    without the previous text: a copy Whisper wrote comes out different, a real one again.
    """
    norm = [spelling(w) for w in words]
    first: dict[tuple[str, ...], int] = {}
    copied = [False] * len(words)
    for k in range(len(words) - min_words + 1):
        gram = tuple(norm[k : k + min_words])
        if first.setdefault(gram, k) + min_words <= k:
            copied[k : k + min_words] = [True] * min_words
    spans: list[tuple[float, float]] = []
    for k, word in enumerate(words):
        if not copied[k]:
            continue
        if k and copied[k - 1] and spans:
            spans[-1] = (spans[-1][0], word.end or 0.0)
        else:
            spans.append((word.start or 0.0, word.end or 0.0))
    return spans


def spelling(word: Word) -> str:
    """A word lower-cased without the punctuation around it."""
    return word.text.strip(".,!?;:\"'").lower()


def lexical(words: Sequence[Word]) -> list[str]:
    """The spellings of the words that are not filled pauses."""
    return [s for s in map(spelling, words) if not filled_pause(s)]
