"""Word-level text helpers: tokenizing plain text, normalizing words, punctuation around words.

Whisper writes words with attached punctuation and a leading space (" Well,", "um...",
"okay."). These helpers look at that punctuation without ever changing the words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from starcoach.core.models import Word

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
_EDGE_PUNCT = re.compile(r"^[^\w']+|[^\w']+$")
_SENTENCE_END = re.compile(r"[.?!][\"')\]]*$")
MAX_SENTENCE_WORDS = 40
"""Unpunctuated runs longer than this are split at "and then", "so", "but" or long pauses."""
LONG_PAUSE_S = 1.2
"""A gap this long between words may end a run-on sentence."""
_FIRST_PERSON = {
    "i": ("i", "me", "my", "mine", "myself", "i'm", "i'd", "i've", "i'll"),
    "we": ("we", "us", "our", "ours", "ourselves", "we're", "we'd", "we've", "we'll"),
}
_ABBREVIATIONS = frozenset("mr. mrs. ms. dr. st. vs. e.g. i.e. jr. sr.".split())


def words_from_text(text: str) -> list[Word]:
    """Split a plain-text transcript into untimed words.

    Args:
        text: The transcript; any whitespace separates words.

    Returns:
        One ``Word`` per whitespace-separated token, punctuation kept, times None.
    """
    return [Word(token) for token in text.split()]


def normalize(token: str) -> str:
    """Lower-case a word and strip punctuation at its edges (inner ' and - are kept).

    Args:
        token: A word as written, e.g. " Umm...," or "customer's".

    Returns:
        The bare word, e.g. "umm" or "customer's"; "" for pure punctuation.
    """
    bare = _EDGE_PUNCT.sub("", token.strip().translate(_APOSTROPHES).lower())
    return bare.strip("'")


def ends_sentence(token: str) -> bool:
    """True when a word closes a sentence (". ? !"), abbreviations and "..." excluded.

    Args:
        token: A word as written.

    Returns:
        Whether a sentence ends after this word.
    """
    text = token.strip()
    if not _SENTENCE_END.search(text) or text.lower() in _ABBREVIATIONS:
        return False
    return not text.rstrip("\"')]").endswith("..")


def comma_after(token: str) -> bool:
    """True when a word is followed by a soft break: , ; : ... or a dash."""
    text = token.strip().rstrip("\"')]")
    return text.endswith((",", ";", ":", "..", "-", "\u2014", "\u2013"))


def boundary_after(token: str) -> bool:
    """True when a word is followed by any punctuation break (comma or sentence end)."""
    return comma_after(token) or ends_sentence(token)


def match_phrase(
    words: Sequence[Word],
    norms: Sequence[str],
    i: int,
    phrases: Sequence[tuple[str, ...]],
) -> tuple[str, ...] | None:
    """The first of ``phrases`` (longest first) that starts at word ``i`` unbroken.

    Args:
        words: The words (their punctuation marks breaks).
        norms: The normalized words.
        i: Where the phrase must start.
        phrases: Candidate phrases as normalized word tuples, longest first.

    Returns:
        The matched phrase, or None when none starts there without a punctuation break inside.
    """
    for phrase in phrases:
        n = len(phrase)
        if tuple(norms[i : i + n]) != phrase:
            continue
        if any(boundary_after(words[j].text) for j in range(i, i + n - 1)):
            continue
        return phrase
    return None


def boundary_before(words: Sequence[Word], index: int) -> bool:
    """True when word ``index`` starts the text or follows punctuation.

    Args:
        words: The word list.
        index: Position of the word.

    Returns:
        Whether a break (start, comma, sentence end) precedes the word.
    """
    if index == 0:
        return True
    if words[index].text.strip()[:1] in {"-", "\u2014", "(", '"'}:
        return True
    return boundary_after(words[index - 1].text)


@dataclass(frozen=True)
class SpanContext:
    """A candidate span of words (a filler or a hedge) and what surrounds it."""

    words: Sequence[Word]
    """The word list."""
    norms: Sequence[str]
    """The words normalized (lower case, punctuation stripped)."""
    i: int
    """Index of the span's first word."""
    n: int
    """Number of words in the span."""

    def prev(self) -> str:
        """The normalized word before the span ("" at the start)."""
        return self.norms[self.i - 1] if self.i > 0 else ""

    def next(self, k: int = 0) -> str:
        """The ``k``-th normalized word after the span ("" past the end)."""
        j = self.i + self.n + k
        return self.norms[j] if j < len(self.norms) else ""

    @property
    def last(self) -> str:
        """The span's last word as written."""
        return self.words[self.i + self.n - 1].text.strip()

    def before(self) -> bool:
        """A break (start, comma, sentence end) right before the span."""
        return boundary_before(self.words, self.i)

    def after(self) -> bool:
        """Punctuation right after the span, or the end of the text."""
        return boundary_after(self.last) or self.i + self.n >= len(self.words)


def sentence_initial(words: Sequence[Word], index: int) -> bool:
    """True when word ``index`` starts the text or follows a sentence end."""
    return index == 0 or ends_sentence(words[index - 1].text)


def normalized(words: Sequence[Word]) -> list[str]:
    """``normalize`` applied to every word."""
    return [normalize(w.text) for w in words]


def join_words(words: Sequence[Word]) -> str:
    """The words as one line of text, single-spaced."""
    return " ".join(t for t in (w.text.strip() for w in words) if t)


@dataclass(frozen=True)
class Sentence:
    """One sentence of an answer."""

    text: str
    """The sentence as spoken (fillers kept)."""
    first_word: int
    """Index of its first word."""
    last_word: int
    """Index of its last word (inclusive)."""
    start: float | None
    """Start time of its first word; None when untimed."""
    end: float | None
    """End time of its last word; None when untimed."""


def split_sentences(words: Sequence[Word]) -> list[Sentence]:
    """Split words into sentences at . ? ! and split long unpunctuated runs.

    Args:
        words: The answer's words.

    Returns:
        Sentences covering every word in order.
    """
    spans: list[tuple[int, int]] = []
    first = 0
    for i, w in enumerate(words):
        if ends_sentence(w.text) or i == len(words) - 1:
            spans += _split_run(words, first, i)
            first = i + 1
    return [
        Sentence(join_words(words[a : b + 1]), a, b, words[a].start, words[b].end) for a, b in spans
    ]


def _split_run(words: Sequence[Word], a: int, b: int) -> list[tuple[int, int]]:
    """Split words[a..b] recursively at the best break while it is too long."""
    if b - a + 1 <= MAX_SENTENCE_WORDS:
        return [(a, b)]
    best, best_score = None, 0.0
    for i in range(a + 8, b - 6):
        score = _break_score(words, i) - abs(i - (a + b) / 2) / (b - a)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return [(a, b)]
    return _split_run(words, a, best - 1) + _split_run(words, best, b)


def _break_score(words: Sequence[Word], i: int) -> float:
    """How good a sentence break is before word ``i`` (0 = none)."""
    prev, cur = words[i - 1], words[i]
    nxt = normalize(words[i + 1].text) if i + 1 < len(words) else ""
    word = normalize(cur.text)
    if prev.end is not None and cur.start is not None and cur.start - prev.end > LONG_PAUSE_S:
        return 3.0
    if word == "and" and nxt == "then":
        return 2.0
    if word == "so" and nxt not in {"that", "much", "many", "far"} or word == "but":
        return 1.5 + (0.5 if prev.text.strip().endswith(",") else 0.0)
    return 1.0 if prev.text.strip().endswith(",") and word in {"and", "then"} else 0.0


def count_pronouns(words: Sequence[Word]) -> dict[str, Any]:
    """Count "I" words against "we" words.

    Args:
        words: The answer's words.

    Returns:
        {"i": n, "we": n, "verdict": "balanced" | "too much we" | "no first person"}.
    """
    norms = [normalize(w.text) for w in words]
    i_count = sum(n in _FIRST_PERSON["i"] for n in norms)
    we_count = sum(n in _FIRST_PERSON["we"] for n in norms)
    if i_count + we_count == 0:
        verdict = "no first person"
    elif we_count >= 3 and we_count > i_count:
        verdict = "too much we"
    else:
        verdict = "balanced"
    return {"i": i_count, "we": we_count, "verdict": verdict}
