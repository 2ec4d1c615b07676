"""Phrase patterns for the call-center rubric, matched on transcripts.

Patterns are word sequences, matched case-insensitively on word boundaries, ignoring punctuation and
hesitation fillers ("I, um, understand" matches ``i understand``), with contractions
expanded on both sides ("I'll" and "I will" are the same). Pattern syntax:

* ``word`` -- that word; ``word*`` -- any word starting with ``word``;
* ``a|b|c`` -- one of these words; ``*`` -- any one word;
* ``...`` -- up to :data:`GAP_MAX` words in between.

A match never crosses a sentence end. A rubric phrase does not count when it is negated:
a negation inside the match, "not"/"never" right after it ("I will not be able to"), or
a negation earlier in the same clause ("I can't tell you when it will arrive"); idioms
such as "no problem" and "don't worry" do not negate. Banned phrases count even when
negated, and any phrase can list ``exclude`` patterns whose matches cancel it ("if you
need to" is not the banned "you need to").

The word lists (fillers, negations, negation idioms, clause words, contractions) are data:
``starcoach/data/phrase_rules.toml``, read once at import.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources

GAP_MAX = 4
"""Most words a ``...`` in a pattern skips."""
NEGATION_WINDOW = 6
"""How many words before a match, within its clause, are searched for a negation."""
RULES_RESOURCE = ("data", "phrase_rules.toml")
"""Package data file (inside ``starcoach``) holding the word lists below."""


def _load_rules() -> dict[str, object]:
    """The parsed word-list file shipped with the package."""
    resource = resources.files("starcoach")
    for part in RULES_RESOURCE:
        resource = resource / part
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def _table(table: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = table[key]
    if not isinstance(value, dict):
        raise ValueError(f"phrase_rules.toml: key '{key}' must be a table")
    return value


def _words_of(table: Mapping[str, object], key: str) -> tuple[str, ...]:
    value = table[key]
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise ValueError(f"phrase_rules.toml: key '{key}' must be an array of strings")
    return tuple(value)


def _rows_of(table: Mapping[str, object], key: str) -> tuple[tuple[str, ...], ...]:
    value = table[key]
    if not isinstance(value, list):
        raise ValueError(f"phrase_rules.toml: key '{key}' must be an array of arrays")
    return tuple(_words_of({key: row}, key) for row in value)


_RULES = _load_rules()
_CONTRACTIONS = _table(_RULES, "contractions")
_IRREGULAR_TABLE = _table(_CONTRACTIONS, "irregular")

FILLERS = frozenset(_words_of(_RULES, "fillers"))
"""Hesitation sounds dropped before matching."""
NEGATIONS = frozenset(_words_of(_RULES, "negations"))
"""Words that negate a phrase found after them (or inside it)."""
NEGATIONS_AFTER = frozenset(_words_of(_RULES, "negations_after"))
"""Words that negate a phrase when they follow it ("I will not...")."""
NEGATION_IDIOMS = _rows_of(_RULES, "negation_idioms")
"""Negation words in these idioms negate nothing."""
CLAUSE_WORDS = frozenset(_words_of(_RULES, "clause_words"))
"""Words that start a new clause (negation does not carry across them)."""

_WORD = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)*")
_IRREGULAR = {word: _words_of(_IRREGULAR_TABLE, word) for word in _IRREGULAR_TABLE}
_SUFFIXES = tuple((ending, full) for ending, full in _rows_of(_CONTRACTIONS, "suffixes"))
_IS_WORDS = frozenset(_words_of(_CONTRACTIONS, "is_after"))
_WOULD_WORDS = frozenset(_words_of(_CONTRACTIONS, "would_after"))


@dataclass(frozen=True)
class Token:
    """One normalised word of a transcript."""

    text: str
    """Lower-case word; a contraction yields several tokens with the same span."""
    start: int
    """Offset of the source word in the original text."""
    end: int
    """End offset (exclusive) of the source word."""
    sentence: int
    """Index of the sentence the word is in."""
    clause: int
    """Index of the clause (split at punctuation and at 'but', 'however', ...)."""


@dataclass(frozen=True)
class Phrase:
    """A compiled phrase pattern."""

    source: str
    """The pattern as written in the rubric."""
    elements: tuple[tuple[str, tuple[str, ...]], ...] = field(repr=False)
    """``("word", alternatives)`` (a trailing ``*`` marks a prefix), ``("any", ())`` or
    ``("gap", ())``."""

    @property
    def literals(self) -> frozenset[str]:
        """Every literal word the pattern names."""
        return frozenset(w.rstrip("*") for kind, alts in self.elements for w in alts)


def tokenize(text: str) -> tuple[Token, ...]:
    """Split a transcript into normalised tokens with sentence and clause numbers.

    Args:
        text: Any text, e.g. a Whisper transcript.

    Returns:
        Lower-case tokens, fillers removed, contractions expanded.
    """
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    tokens: list[Token] = []
    sentence = clause = 0
    boundary, after_filler, previous_end = 0, False, 0
    for match in _WORD.finditer(text):
        level = _gap_level(text[previous_end : match.start()])
        previous_end = match.end()
        word = match.group().lower()
        if word in FILLERS or (level == 1 and after_filler):
            level = 2 if level == 2 else 0  # commas around a filler are not clause breaks
        boundary = max(boundary, level)
        if word in FILLERS:
            after_filler = True
            continue
        if tokens:
            starts_clause = boundary > 0 or tokens[-1].text in CLAUSE_WORDS
            sentence += boundary == 2
            clause += starts_clause
        for part in expand(word):
            tokens.append(Token(part, match.start(), match.end(), sentence, clause))
        boundary, after_filler = 0, False
    return tuple(tokens)


def expand(word: str) -> tuple[str, ...]:
    """Expand a lower-case contraction: ``i'll`` -> ``("i", "will")``.

    Args:
        word: One lower-case word.

    Returns:
        The words it stands for (just ``(word,)`` when it is no contraction).
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, full in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return (word[: -len(suffix)], full)
    base, _, rest = word.partition("'")
    if rest == "s" and base in _IS_WORDS:
        return (base, "is")
    if rest == "d" and base in _WOULD_WORDS:
        return (base, "would")
    return (word,)


def parse_phrase(source: str) -> Phrase:
    """Compile a phrase pattern (syntax in the module docstring).

    Args:
        source: The pattern text.

    Returns:
        The compiled phrase.

    Raises:
        ValueError: the pattern is empty, starts or ends with ``...``, or an alternative
            (``a|b``) is not a single word.
    """
    elements: list[tuple[str, tuple[str, ...]]] = []
    for raw in source.replace("\u2019", "'").lower().split():
        if raw in ("...", "\u2026"):
            elements.append(("gap", ()))
        elif raw == "*":
            elements.append(("any", ()))
        elif "|" in raw:
            elements.append(("word", tuple(_single_word(alt, source) for alt in raw.split("|"))))
        else:
            elements.extend(("word", (word,)) for word in _plain_words(raw))
    kinds = [kind for kind, _ in elements]
    if "word" not in kinds:
        raise ValueError(f"pattern '{source}' has no words")
    if kinds[0] == "gap" or kinds[-1] == "gap":
        raise ValueError(f"pattern '{source}' must not start or end with '...'")
    return Phrase(source, tuple(elements))


def find_phrase(
    phrase: Phrase,
    tokens: Sequence[Token],
    *,
    negatable: bool = True,
    exclude: Sequence[Phrase] = (),
) -> tuple[int, int] | None:
    """The first match of a phrase, as a token range ``(start, end)``.

    Args:
        phrase: The compiled pattern.
        tokens: The transcript's tokens.
        negatable: Skip matches that are negated (see the module docstring).
        exclude: Patterns whose matches cancel an overlapping match.

    Returns:
        ``(start, end)`` token indexes (end exclusive), or None.
    """
    blocked = [span for other in exclude for span in _all_matches(other, tokens)]
    for start, end in _all_matches(phrase, tokens):
        if any(start < b_end and b_start < end for b_start, b_end in blocked):
            continue
        if negatable and _negated(tokens, start, end, phrase.literals):
            continue
        return start, end
    return None


def _gap_level(gap: str) -> int:
    if any(mark in gap for mark in ".!?\u2026"):
        return 2
    return 1 if any(mark in gap for mark in ",;:\u2014") else 0


def _words(text: str) -> list[str]:
    return [part for word in _WORD.findall(text) for part in expand(word)]


def _plain_words(raw: str) -> list[str]:
    prefix = raw.endswith("*")
    words = [w for w in _words(raw.rstrip("*")) if w not in FILLERS]
    if prefix and words:
        words[-1] += "*"
    return words


def _single_word(alt: str, source: str) -> str:
    words = _plain_words(alt)
    if len(words) != 1:
        raise ValueError(f"pattern '{source}': alternative '{alt}' must be one word")
    return words[0]


def _all_matches(phrase: Phrase, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    found = []
    for start in range(len(tokens)):
        end = _match_from(phrase.elements, 0, tokens, start, tokens[start].sentence)
        if end is not None:
            found.append((start, end))
    return found


def _match_from(
    elements: Sequence[tuple[str, tuple[str, ...]]],
    index: int,
    tokens: Sequence[Token],
    pos: int,
    sentence: int,
) -> int | None:
    if index == len(elements):
        return pos
    kind, alternatives = elements[index]
    if kind == "gap":
        for skip in range(GAP_MAX + 1):
            if skip and (pos + skip > len(tokens) or tokens[pos + skip - 1].sentence != sentence):
                return None
            end = _match_from(elements, index + 1, tokens, pos + skip, sentence)
            if end is not None:
                return end
        return None
    if pos >= len(tokens) or tokens[pos].sentence != sentence:
        return None
    if kind == "word" and not any(_word_matches(alt, tokens[pos].text) for alt in alternatives):
        return None
    return _match_from(elements, index + 1, tokens, pos + 1, sentence)


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def _negated(tokens: Sequence[Token], start: int, end: int, literals: frozenset[str]) -> bool:
    inside = any(
        t.text in NEGATIONS and t.text not in literals and not _idiom_at(tokens, i)
        for i, t in enumerate(tokens[start:end], start)
    )
    clause = tokens[end - 1].clause
    after = [t.text for t in tokens[end : end + 2] if t.clause == clause]
    if inside or any(word in NEGATIONS_AFTER for word in after):
        return True
    first = max(0, start - NEGATION_WINDOW)
    return any(
        tokens[i].clause == tokens[start].clause
        and tokens[i].text in NEGATIONS
        and not _idiom_at(tokens, i)
        for i in range(first, start)
    )


def _idiom_at(tokens: Sequence[Token], index: int) -> bool:
    words = [t.text for t in tokens[index : index + 3]]
    return any(tuple(words[: len(idiom)]) == idiom for idiom in NEGATION_IDIOMS)
