"""Hedges: words that weaken a claim ("I think", "maybe", "I guess", "kind of").

A hedge is told apart from the same words used plainly by position and neighbours: "I think
about it" and "the kind of product" are not hedges, "what kind of" names a kind, and a "kind of"
set off by commas ("I, kind of, went") is a meaningless filler (``fillers.py``). A span is a
filler or a hedge, never both: fillers win, so ``find_hedges`` skips words already taken by
``find_fillers``. Rules are hand-written; nothing is learned from data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starcoach.core.analysis.fillers import FillerHit, filler_word_mask, find_fillers
from starcoach.core.analysis.result_parts import HedgeItem, Hedges
from starcoach.core.analysis.text import SpanContext, match_phrase, normalized
from starcoach.core.models import Word

HEDGES_PER_MIN_HIGH = 2.0
"""Hedges a minute at or above which the answer sounds unsure (timed answers)."""
HEDGES_PER_100_WORDS_HIGH = 1.5
"""The same for untimed (typed) answers, per 100 words."""
MIN_HEDGES_FOR_TIP = 3
"""Fewer hedges than this never make a tip, whatever the rate."""
MIN_RATE_SPAN_S = 1.0
"""A per-minute rate is given only for answers at least this long."""

_NOUN_DETERMINERS = frozenset(
    """a an the this that these those what which every any some each no another same whatever
    my your his her our their its one different other right wrong only first last best""".split()
)
_NOUNS_AFTER_KIND = frozenset("thing things stuff person people place".split())
_THINK_NOT_BEFORE = frozenset("about of through back up".split())
_INTRO_WORDS = frozenset("what how why when where that which who".split())
_SUBJECTS = frozenset(
    "i you we they he she it i'm we're they're he's she's it's that's there this".split()
)
_NOT_SURE_NOT_AFTER = frozenset("if when because was wasn't were as whether until".split())


@dataclass(frozen=True)
class HedgeHit:
    """One hedge in a word list."""

    text: str
    """The hedge, lower-case except "I" ("I think", "maybe", "I'm not sure but")."""
    first_word: int
    """Index of its first word in the word list."""
    n_words: int
    """How many words it spans."""
    start: float | None
    """Start time of its first word; None when untimed."""
    end: float | None
    """End time of its last word; None when untimed."""


_Ctx = SpanContext


def _always(c: _Ctx) -> bool:
    return True


def _opinion(c: _Ctx) -> bool:
    """ "I think it was Monday" hedges; "I think about", "what I think is" do not."""
    if not c.after() and c.next() in _THINK_NOT_BEFORE:
        return False
    return c.before() or c.prev() not in _INTRO_WORDS


def _believe(c: _Ctx) -> bool:
    return c.after() or c.next() != "in" and _opinion(c)


def _kind_of(c: _Ctx) -> bool:
    """ "it was kind of my fault" hedges; "the kind of product", "kind of thing" name a kind."""
    if not c.before() and c.prev() in _NOUN_DETERMINERS:
        return False
    return c.after() or c.next() not in _NOUNS_AFTER_KIND


def _feel_like(c: _Ctx) -> bool:
    """ "I feel like I rushed it" hedges; "I feel like a new person" does not."""
    return c.next() in _SUBJECTS


def _not_sure(c: _Ctx) -> bool:
    """ "I'm not sure, but..." opening a claim; "if I'm not sure, I ask" is literal."""
    return c.before() or c.prev() not in _NOT_SURE_NOT_AFTER


_PHRASES: dict[tuple[str, ...], Callable[[_Ctx], bool]] = {
    ("i", "think"): _opinion,
    ("i", "guess"): _always,
    ("i", "suppose"): _opinion,
    ("i", "believe"): _believe,
    ("i", "feel", "like"): _feel_like,
    ("maybe",): _always,
    ("perhaps",): _always,
    ("probably",): _always,
    ("possibly",): _always,
    ("hopefully",): _always,
    ("kind", "of"): _kind_of,
    ("sort", "of"): _kind_of,
    ("kinda",): _kind_of,
    ("sorta",): _kind_of,
    ("pretty", "much"): _always,
    ("more", "or", "less"): _always,
    ("i'm", "not", "sure"): _not_sure,
    ("i", "am", "not", "sure"): _not_sure,
}
_BY_LENGTH = sorted(_PHRASES, key=len, reverse=True)


def _display(norms: Sequence[str]) -> str:
    return " ".join(("I" + t[1:]) if t == "i" or t.startswith("i'") else t for t in norms)


def find_hedges(
    words: Sequence[Word], fillers: Sequence[FillerHit] | None = None
) -> list[HedgeHit]:
    """Find hedges in an answer.

    Args:
        words: The answer's words in order (Whisper text with punctuation, or plain text),
            the same list given to ``find_fillers``.
        fillers: Fillers already found in ``words``; None finds them here. Words inside a
            filler are never part of a hedge.

    Returns:
        The hedges in order. "I'm not sure" takes a directly following "but" into its span.
    """
    norms = normalized(words)
    taken = filler_word_mask(words, find_fillers(words) if fillers is None else fillers)
    hits: list[HedgeHit] = []
    i = 0
    while i < len(words):
        phrase = None if taken[i] else match_phrase(words, norms, i, _BY_LENGTH)
        n = len(phrase) if phrase else 0
        if not phrase or any(taken[i : i + n]) or not _PHRASES[phrase](_Ctx(words, norms, i, n)):
            i += 1
            continue
        if phrase[-1] == "sure" and i + n < len(words) and norms[i + n] == "but":
            n += 1
        hits.append(
            HedgeHit(_display(norms[i : i + n]), i, n, words[i].start, words[i + n - 1].end)
        )
        i += n
    return hits


def hedges_part(hits: Sequence[HedgeHit], span_s: float | None) -> Hedges:
    """The hedges as the ``content.hedges`` result part.

    Args:
        hits: Hedges from ``find_hedges``.
        span_s: Seconds from the first to the last spoken word; None for untimed text.

    Returns:
        Count, rate (None when untimed or under ``MIN_RATE_SPAN_S``) and the items.
    """
    return Hedges(
        count=len(hits),
        per_minute=_per_minute(len(hits), span_s),
        items=tuple(
            HedgeItem(h.text, None if h.start is None else round(float(h.start), 3)) for h in hits
        ),
    )


def hedge_tip(hits: Sequence[HedgeHit], span_s: float | None, n_words: int) -> str | None:
    """A tip quoting the hedges when there are many of them, else None.

    Args:
        hits: Hedges from ``find_hedges``.
        span_s: Seconds of speech; None for untimed text (the rate is then per 100 words).
        n_words: Words in the answer (fillers excluded), for the untimed rate.

    Returns:
        One sentence naming the most frequent hedges, or None when the rate is fine.
    """
    if len(hits) < MIN_HEDGES_FOR_TIP:
        return None
    per_min = _per_minute(len(hits), span_s)
    if per_min is not None:
        if per_min < HEDGES_PER_MIN_HIGH:
            return None
        rate = f"{per_min:.1f} a minute"
    else:
        if not n_words or 100.0 * len(hits) / n_words < HEDGES_PER_100_WORDS_HIGH:
            return None
        rate = f"{len(hits)} times"
    quoted = ", ".join(f'"{t}"' for t, _ in Counter(h.text for h in hits).most_common(3))
    return (
        f"You hedged {rate} ({quoted}): say what you did plainly, "
        '"I fixed it" rather than "I think I kind of fixed it".'
    )


def hedges_summary(hedges: Hedges) -> str:
    """One line for a text report from ``content.hedges``: "3 (1.5/min): I think x2".

    Returns:
        The count, the rate when known and the most frequent hedges.
    """
    counts = Counter(item.text for item in hedges.items)
    top = ", ".join(f"{t} x{n}" for t, n in counts.most_common(4))
    rate = hedges.per_minute
    head = f"{hedges.count}" + (f" ({rate:.1f}/min)" if rate is not None else "")
    return head + (f": {top}" if top else "")


def _per_minute(count: int, span_s: float | None) -> float | None:
    if span_s is None or span_s < MIN_RATE_SPAN_S:
        return None
    return round(count / (span_s / 60.0), 2)
