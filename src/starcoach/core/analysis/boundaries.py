"""Sentence boundaries for transcripts with little punctuation, from the pauses in the audio.

Whisper's verbatim style (which keeps filled pauses) writes lower case with few full stops.
STAR labeling needs sentences, and speakers pause between them, so a confirmed pause marks a
boundary where the transcript gives none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from starcoach.core.analysis.pauses import PauseReport
from starcoach.core.analysis.text import ends_sentence
from starcoach.core.models import Word

WORDS_PER_STOP = 25
"""Fewer full stops than one per this many words: the transcript is under-punctuated."""
BOUNDARY_PAUSE_S = 0.3
"""A pause at least this long can end a sentence."""
MIN_SENTENCE_WORDS = 5
"""No sentence shorter than this is made from a pause."""
CONTINUATIONS = frozenset(
    {
        "the",
        "a",
        "an",
        "to",
        "of",
        "and",
        "or",
        "but",
        "with",
        "my",
        "his",
        "her",
        "their",
        "our",
        "i",
        "we",
        "that",
        "for",
        "in",
        "on",
        "at",
    }
)
"""A word after which a sentence cannot end (the speaker paused mid-phrase)."""


def under_punctuated(words: Sequence[Word]) -> bool:
    """True when the words carry too few sentence ends to split on."""
    stops = sum(ends_sentence(w.text) for w in words)
    return len(words) >= 2 * MIN_SENTENCE_WORDS and stops * WORDS_PER_STOP < len(words)


def restore_boundaries(words: Sequence[Word], pauses: PauseReport | None) -> list[Word]:
    """Words with a full stop added before pauses that end a sentence.

    Only under-punctuated, timed transcripts change; the words' times stay as they were.
    """
    out = list(words)
    if pauses is None or not under_punctuated(words):
        return out
    since = 0
    for pause in pauses.items:
        if pause.duration_s < BOUNDARY_PAUSE_S:
            continue
        cursor = _word_before(out, (pause.start + pause.end) / 2.0)
        # Whisper stretches words over silences, so compare word middles with the pause's.
        if cursor is None or cursor + 1 - since < MIN_SENTENCE_WORDS:
            continue
        word = out[cursor]
        if cursor + 1 >= len(out) or _bare(word.text) in CONTINUATIONS:
            continue
        if not ends_sentence(word.text):
            out[cursor] = replace(word, text=word.text.rstrip(",;:") + ".")
        since = cursor + 1
    return out


def _word_before(words: Sequence[Word], t: float) -> int | None:
    """Index of the last word whose middle lies before ``t``."""
    found = None
    for i, w in enumerate(words):
        if w.start is None or w.end is None:
            continue
        if (w.start + w.end) / 2.0 >= t:
            break
        found = i
    return found


def _bare(text: str) -> str:
    return text.strip().strip(".,;:!?\"'").lower()
