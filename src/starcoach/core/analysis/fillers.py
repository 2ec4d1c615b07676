"""Filler words: filled pauses ("um", "uh") and discourse markers used as fillers.

Filled pauses always count. Discourse markers ("like", "you know", "so", ...) count only
where context says they carry no meaning: punctuation around them, their position in the
sentence and the words next to them ("I'd like to", "so that", "kind of product",
"right away" do not count; "So I refunded it" mid-answer means "therefore"). A "kind of" that
softens a claim is a hedge (``hedges.py``), not a filler. Rules are hand-written; nothing is
learned from data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starcoach.core.analysis.marks import parse_marked as parse_marked
from starcoach.core.analysis.marks import precision_recall as precision_recall
from starcoach.core.analysis.text import (
    SpanContext,
    boundary_after,
    ends_sentence,
    match_phrase,
    normalized,
    sentence_initial,
    words_from_text,
)
from starcoach.core.models import Word

FILLED_PAUSE = "filled_pause"
"""Kind of a hesitation sound."""
DISCOURSE = "discourse"
"""Kind of a word or phrase used as a filler."""

_PAUSE_SPELLINGS = (
    (re.compile(r"^u+h*m+$"), "um"),
    (re.compile(r"^u+h+$"), "uh"),
    (re.compile(r"^e+r+m+$"), "erm"),
    (re.compile(r"^e+r+$"), "er"),
    (re.compile(r"^a+h+$"), "ah"),
    (re.compile(r"^h+m+$"), "hmm"),
    (re.compile(r"^m+h+m+$"), "mhm"),
    (re.compile(r"^m{2,}$"), "mm"),
    (re.compile(r"^e+h+$"), "eh"),
    (re.compile(r"^mm-hmm$"), "mhm"),
)
_SUBJECTS = frozenset(
    "i you we they he she it i'm we're they're he's she's it's that's there".split()
)
_QUANTITIES = frozenset(
    """one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty sixty seventy eighty ninety hundred thousand half couple few dozen maybe about around
    almost nearly over under every""".split()
)
_NUMBERS = frozenset(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty
    sixty seventy eighty ninety hundred""".split()
)
_INTENSIFIERS = frozenset(
    "really totally super so just literally basically completely very um uh even right not"
    " maybe".split()
)
_PREPOSITIONS = frozenset("with for at by of from about in on into after before".split())
_COPULAS = frozenset("it is was are were be been it's that's he's she's they're".split())
_CONJUNCTIONS = frozenset("and but or because so um uh then".split())
_LIKE_VERB_BEFORE = frozenset(
    """i you we they he she i'd you'd we'd they'd he'd she'd would i'll we'll really also don't
    didn't do does did to not feel feels felt feeling look looks looked looking sound sounds
    sounded seem seems seemed act acted acting treat treated treating something anything nothing
    everything things stuff just more much exactly nobody everybody someone anyone""".split()
)
_YOU_KNOW_NOT_AFTER = frozenset(
    """do did don't didn't does doesn't if whether as would will can could might should let
    what how that where when who""".split()
)
_WH_WORDS = frozenset("what how why where who whom which whether".split())
_OBJECTS = frozenset(
    """it him her them me us that this these those the a an my your his their our its about anyone
    anybody anything everyone everybody everything someone something nothing exactly better
    enough all each""".split()
)
_DETERMINERS = frozenset(
    """a an the this that these those what which every any some each one no another same whatever
    my your his her our their its different other new right wrong only first last best""".split()
)
_SO_NOT_AFTER = frozenset("think hope guess said say believe do did not or even and just".split())
_SO_NOT_BEFORE = frozenset("that far much many few little long called on forth".split())
_RIGHT_NOT_BEFORE = frozenset(
    """away off after before there here now then back into in at on next when where up down
    behind through side hand thing things people person answer time way one track call decision
    choice to of move""".split()
)
_RIGHT_TAG_NOT_AFTER = frozenset(
    "that is it it's that's am i you're he's she's was were are i'm all the".split()
)
_WELL_NOT_AFTER = frozenset(
    """as very pretty really so too quite went go goes going gone worked works done do did does
    doing fairly extremely reasonably""".split()
)
_WELL_NOT_BEFORE = frozenset(
    """before after over under above below into enough done known ahead beyond past worth aware as
    off within received liked paid""".split()
)
_OPENERS = frozenset("yeah yes oh okay ok well alright anyway right sure".split())
_OBJECT_PRONOUNS = frozenset("me him her them us it".split())
_QUOTE_VERBS = frozenset("it's was is were are i'm he's she's they're we're".split())
_NOT_CLAUSE = frozenset(("", "is", "was", "are", "were"))
_I_MEAN_NOT_BEFORE = frozenset("it to by what well that".split())
_SO_LINKS = frozenset(("and", "but"))


@dataclass(frozen=True)
class FillerHit:
    """One filler in a word list."""

    text: str
    """Normalized filler, e.g. "um", "you know", "like"."""
    kind: str
    """``FILLED_PAUSE`` or ``DISCOURSE``."""
    first_word: int
    """Index of its first word in the word list."""
    n_words: int
    """How many words it spans (2 for "you know")."""
    start: float | None
    """Start time of its first word; None when untimed."""
    end: float | None
    """End time of its last word; None when untimed."""


@dataclass(frozen=True)
class _Ctx(SpanContext):
    """A candidate filler and its surroundings, with the fillers already found."""

    mask: Sequence[bool]
    """Words already taken by a filler."""

    def final(self) -> bool:
        """The span ends its sentence or the text."""
        return ends_sentence(self.last) or self.i + self.n >= len(self.words)

    def first_sentence(self) -> bool:
        """No sentence ends before the span: it is in the text's first sentence."""
        return not any(ends_sentence(w.text) for w in self.words[: self.i])

    def opening(self) -> bool:
        """Only fillers or openers ("yeah", "okay") come before the span in its sentence."""
        j = self.i - 1
        while j >= 0 and not sentence_initial(self.words, j + 1):
            if not (self.mask[j] or self.norms[j] in _OPENERS):
                return False
            j -= 1
        return True


def filled_pause(norm: str) -> str | None:
    """The canonical spelling of a filled pause ("Umm" -> "um"), or None for other words."""
    for pattern, canonical in _PAUSE_SPELLINGS:
        if pattern.match(norm):
            return canonical
    return None


def _like(c: _Ctx) -> bool:
    p, nx = c.prev(), c.next()
    if c.before() and not c.after() and not c.opening():
        # ", like X": an example ("such as X") unless a clause follows (", like I said")
        return nx in _SUBJECTS and c.next(1) not in _NOT_CLAUSE
    if p in _QUOTE_VERBS and boundary_after(c.last) and not c.before() and not c.final():
        return False  # quotative: "it's like, come on"
    if nx in _NUMBERS and not boundary_after(c.last):
        return True
    if p in _LIKE_VERB_BEFORE and not (c.before() and c.after()):
        return False
    if c.before() and c.after() or c.opening() and not (nx == "i" and c.next(1) in {"said", "say"}):
        return True
    if c.final() or boundary_after(c.last):
        return c.before() or not c.final()
    quantity = nx in _QUANTITIES or nx == "a" and c.next(1) in _QUANTITIES
    if quantity or nx in _INTENSIFIERS or nx.endswith("ing") and len(nx) > 5:
        return True
    if c.before():
        return False
    if p in _CONJUNCTIONS or p in _PREPOSITIONS:
        return nx in _SUBJECTS or nx in _DETERMINERS
    verb_follows = c.next(1) not in _NOT_CLAUSE
    as_if = p in _OBJECT_PRONOUNS  # "looking at me like she's lost": "as if"
    return nx in _SUBJECTS and verb_follows and p not in _COPULAS and not as_if


def _you_know(c: _Ctx) -> bool:
    p, nx = c.prev(), c.next()
    if not c.before() and p in _YOU_KNOW_NOT_AFTER:
        return False
    if c.after():
        return True
    if nx in _WH_WORDS:
        return False
    if p in {"a", "an", "the", "to"} or p in _PREPOSITIONS:
        return True
    return c.before() if nx in _OBJECTS else True


def _i_mean(c: _Ctx) -> bool:
    if not c.before() and c.prev() in {"what", "which", "that", "how"}:
        return False
    if c.after():
        return True
    if c.next() == "it" and c.next(1) and not boundary_after(c.words[c.i + 2].text):
        return True
    return c.next() not in _I_MEAN_NOT_BEFORE


def _set_off(c: _Ctx) -> bool:
    """Punctuation on both sides ("I, kind of, went"): the words carry no meaning there.

    Unset "kind of" / "sort of" soften a claim (hedges, see ``hedges.py``) or name a kind
    ("the kind of product"); an unset "literally" intensifies.
    """
    return c.before() and c.after()


def _actually(c: _Ctx) -> bool:
    if c.after() and (c.before() or boundary_after(c.last)) or c.opening():
        return True
    return c.before() and c.next() in _SUBJECTS


def _so(c: _Ctx) -> bool:
    p, nx = c.prev(), c.next()
    if nx in _SO_NOT_BEFORE and not boundary_after(c.last):
        return False
    if c.final():
        return c.before() or p not in _SO_NOT_AFTER
    if c.opening():
        # A run-up ("So,", "So yeah", "Okay, so", the answer's first words), not "therefore"
        # as in "...his card had expired. So I refunded it."
        led_in = not sentence_initial(c.words, c.i) or c.first_sentence()
        return led_in or boundary_after(c.last) or nx in _OPENERS or bool(filled_pause(nx))
    if boundary_after(c.last) and p in _SO_LINKS:
        return True
    return c.before() and c.after() and p not in _SO_NOT_AFTER


def _right(c: _Ctx) -> bool:
    if c.last.endswith("?"):
        return c.before() or c.prev() not in _RIGHT_TAG_NOT_AFTER
    if not c.after():
        return False
    return c.before() or c.opening()


def _okay(c: _Ctx) -> bool:
    if c.opening():
        return c.after() or c.next() in {"so", "um", "uh", "and", "i", "well", "yeah", "now"}
    return c.before() and c.after()


def _well(c: _Ctx) -> bool:
    if not c.before() and c.prev() in _WELL_NOT_AFTER:
        return False
    if c.opening():
        return boundary_after(c.last) or c.next() not in _WELL_NOT_BEFORE
    return c.before() and c.after()


_PHRASES: dict[tuple[str, ...], Callable[[_Ctx], bool]] = {
    ("you", "know"): _you_know,
    ("i", "mean"): _i_mean,
    ("kind", "of"): _set_off,
    ("sort", "of"): _set_off,
    ("like",): _like,
    ("basically",): lambda c: True,
    ("literally",): _set_off,
    ("actually",): _actually,
    ("so",): _so,
    ("right",): _right,
    ("okay",): _okay,
    ("ok",): _okay,
    ("well",): _well,
}


_BY_LENGTH = sorted(_PHRASES, key=len, reverse=True)


def _hit(words: Sequence[Word], text: str, kind: str, i: int, n: int) -> FillerHit:
    return FillerHit(text, kind, i, n, words[i].start, words[i + n - 1].end)


def find_fillers(words: Sequence[Word]) -> list[FillerHit]:
    """Find filled pauses and discourse markers used as fillers.

    Args:
        words: The answer's words in order (Whisper text with punctuation, or plain text).

    Returns:
        The fillers in order; multi-word fillers ("you know") are one hit.
    """
    norms = normalized(words)
    mask = [False] * len(words)
    hits: list[FillerHit] = []
    i = 0
    while i < len(words):
        pause = filled_pause(norms[i])
        phrase = None if pause else match_phrase(words, norms, i, _BY_LENGTH)
        if pause:
            hits.append(_hit(words, pause, FILLED_PAUSE, i, 1))
        elif phrase and _PHRASES[phrase](_Ctx(words, norms, i, len(phrase), mask)):
            name = "okay" if phrase == ("ok",) else " ".join(phrase)
            hits.append(_hit(words, name, DISCOURSE, i, len(phrase)))
        else:
            i += 1
            continue
        n = hits[-1].n_words
        mask[i : i + n] = [True] * n
        i += n
    return hits


def filler_word_mask(words: Sequence[Word], hits: Sequence[FillerHit]) -> list[bool]:
    """Per word: True when it is part of a filler.

    Args:
        words: The word list the hits refer to.
        hits: Fillers from ``find_fillers``.

    Returns:
        One flag per word.
    """
    mask = [False] * len(words)
    for h in hits:
        for j in range(h.first_word, min(h.first_word + h.n_words, len(words))):
            mask[j] = True
    return mask


def strip_fillers(text: str) -> str:
    """The text with every filler word removed (punctuation on removed words is dropped).

    Args:
        text: Plain text.

    Returns:
        The remaining words joined by single spaces.
    """
    words = words_from_text(text)
    mask = filler_word_mask(words, find_fillers(words))
    return " ".join(w.text for w, m in zip(words, mask, strict=True) if not m)
