"""Reading the labeled-corpus text format and scoring detected spans against it.

The corpus marks fillers in braces ("I was, {um}, late.") and hedges in double brackets
("[[I think]] it worked."). These helpers turn marked text into plain words plus the marked
spans, and count matches by word position. They are used by tests and benchmarks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

from starcoach.core.models import Word

_MARK = re.compile(r"\{([^}]*)\}(\S*)|\[\[(.*?)\]\](\S*)|((?:(?!\{|\[\[)\S)+)")


def parse_marks(text: str) -> tuple[list[Word], list[tuple[int, int]], list[tuple[int, int]]]:
    """Read text with fillers in braces and hedges in double brackets.

    Punctuation written right after a closing mark ("{um},") joins the span's last word.

    Args:
        text: Marked text, e.g. "{Um}, [[I think]] it worked."

    Returns:
        The plain words, the filler spans and the hedge spans, each span (first_word, n_words).
    """
    words: list[Word] = []
    fillers: list[tuple[int, int]] = []
    hedges: list[tuple[int, int]] = []
    for m in _MARK.finditer(text):
        if m.group(5) is not None:
            words.append(Word(m.group(5)))
            continue
        is_filler = m.group(1) is not None
        inner = (m.group(1) if is_filler else m.group(3)).split()
        tail = m.group(2) if is_filler else m.group(4)
        if not inner:
            continue
        (fillers if is_filler else hedges).append((len(words), len(inner)))
        words += [Word(t) for t in inner[:-1]] + [Word(inner[-1] + tail)]
    return words, fillers, hedges


def parse_marked(text: str) -> tuple[list[Word], list[tuple[int, int]]]:
    """Read text whose fillers are marked in braces: "I was, {um}, {you know}, late.".

    Args:
        text: Marked text (the corpus format); hedge marks are dropped, their words kept.

    Returns:
        The words with marks removed, and each filler span as (first_word, n_words).
    """
    words, fillers, _ = parse_marks(text)
    return words, fillers


def match_counts(found: Iterable[int], gold: Iterable[tuple[int, int]]) -> tuple[int, int, int]:
    """Count true positives, false positives and false negatives by first word.

    Args:
        found: First-word index of each detected span.
        gold: Marked spans (first_word, n_words).

    Returns:
        (true positives, false positives, false negatives).
    """
    hit = set(found)
    truth = {first for first, _ in gold}
    return len(hit & truth), len(hit - truth), len(truth - hit)


class _Span(Protocol):
    first_word: int


def precision_recall(
    hits: Sequence[_Span], gold: Sequence[tuple[int, int]]
) -> tuple[int, int, int]:
    """Count matches between detected spans (with ``first_word``) and marked spans.

    A hit matches a marked span when they start at the same word.

    Args:
        hits: Detected fillers or hedges (anything with a ``first_word`` attribute).
        gold: Marked spans (first_word, n_words).

    Returns:
        (true positives, false positives, false negatives).
    """
    return match_counts((h.first_word for h in hits), gold)
