"""Call-center rubric evaluation: scores answer transcripts against a rubric.

A rubric is data (``question_sets/calls/rubric.toml``; its dataclasses and parser live in
:mod:`starcoach.core.rubric_spec` and are re-exported here). Each item (greeting, empathy,
ownership, ...) has one or more checks; a check is met when one of its phrase patterns
(:mod:`starcoach.core.phrases`: word-boundary, case-insensitive, filler- and
punctuation-tolerant, negation-aware) occurs in an answer. Banned phrases are found even when
negated. :func:`evaluate_turn` scores one answer against the items its turn expects;
:func:`evaluate_call` scores a whole call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from starcoach.core.analysis.result import (
    RubricBanned,
    RubricCheckResult,
    RubricEvidence,
    RubricItemResult,
    RubricResult,
)
from starcoach.core.calls import Scenario
from starcoach.core.phrases import Phrase, Token, find_phrase, tokenize
from starcoach.core.rubric_spec import (
    BannedPhrase,
    Check,
    Rubric,
    RubricExtension,
    RubricItem,
    extend_rubric,
)

__all__ = [
    "BANNED_PENALTY",
    "BannedHit",
    "BannedPhrase",
    "CallResult",
    "Check",
    "CheckResult",
    "Evidence",
    "ItemResult",
    "Rubric",
    "RubricExtension",
    "RubricItem",
    "TurnResult",
    "evaluate_call",
    "evaluate_turn",
    "extend_rubric",
    "rubric_result",
]

BANNED_PENALTY = 0.1
"""Score deducted for each banned phrase said in a call or answer."""


@dataclass(frozen=True)
class Evidence:
    """Where a pattern matched."""

    phrase: str
    """The pattern that matched."""
    text: str
    """The matched words as they appear in the transcript."""
    start: int
    """Character offset of the match in the answer's text."""
    end: int
    """End offset (exclusive)."""
    turn: int | None = None
    """0-based answer index, in call results."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        data: dict[str, object] = {"phrase": self.phrase, "text": self.text}
        data |= {"start": self.start, "end": self.end}
        if self.turn is not None:
            data["turn"] = self.turn
        return data


@dataclass(frozen=True)
class CheckResult:
    """Whether one check was met."""

    id: str
    """Check id."""
    title: str
    """Check label."""
    met: bool
    """True when a phrase matched."""
    evidence: Evidence | None = None
    """The first match, when met."""
    tip: str = ""
    """Advice, when not met."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        evidence = None if self.evidence is None else self.evidence.to_dict()
        return {
            "id": self.id,
            "title": self.title,
            "met": self.met,
            "evidence": evidence,
            "tip": self.tip,
        }


@dataclass(frozen=True)
class ItemResult:
    """Whether one rubric item (or one ``item.check``) was met."""

    id: str
    """The ref evaluated: ``item`` or ``item.check``."""
    title: str
    """Item label."""
    met: bool
    """True when the item's required checks were met."""
    checks: tuple[CheckResult, ...]
    """Per-check results."""
    tip: str = ""
    """Advice, when not met."""

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Matches of the met checks."""
        return tuple(c.evidence for c in self.checks if c.evidence is not None)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "met": self.met,
            "evidence": [e.to_dict() for e in self.evidence],
            "checks": [c.to_dict() for c in self.checks],
            "tip": self.tip,
        }


@dataclass(frozen=True)
class BannedHit:
    """A banned phrase found in an answer."""

    evidence: Evidence
    """Where it was said."""
    instead: str = ""
    """What to say instead."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return self.evidence.to_dict() | {"instead": self.instead}


@dataclass(frozen=True)
class TurnResult:
    """Feedback on one answer."""

    text: str
    """The answer's transcript."""
    items: tuple[ItemResult, ...]
    """One result per expected ref, in order."""
    banned: tuple[BannedHit, ...]
    """Banned phrases said."""
    score: float
    """Share of expected items met, less :data:`BANNED_PENALTY` per banned phrase; 0..1."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "text": self.text,
            "score": round(self.score, 3),
            "items": [i.to_dict() for i in self.items],
            "banned": [b.to_dict() for b in self.banned],
        }


@dataclass(frozen=True)
class CallResult:
    """Feedback on a whole call."""

    scenario_id: str
    """The scenario played."""
    turns: tuple[TurnResult, ...]
    """Per-answer feedback."""
    items: tuple[ItemResult, ...]
    """Every item the scenario expects, met anywhere it is allowed in the call."""
    banned: tuple[BannedHit, ...]
    """Banned phrases, with their answer index in ``evidence.turn``."""
    score: float
    """Share of items met, less :data:`BANNED_PENALTY` per banned phrase; 0..1."""
    tips: tuple[str, ...]
    """Advice for the missing items and banned phrases."""

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "scenario": self.scenario_id,
            "score": round(self.score, 3),
            "items": [i.to_dict() for i in self.items],
            "banned": [b.to_dict() for b in self.banned],
            "tips": list(self.tips),
            "turns": [t.to_dict() for t in self.turns],
        }


def evaluate_turn(text: str, expected: Sequence[str], rubric: Rubric) -> TurnResult:
    """Check one answer against the rubric refs its turn expects.

    Args:
        text: The answer's transcript.
        expected: Rubric refs (``item`` or ``item.check``).
        rubric: The rubric (for a scenario, ``extend_rubric(rubric, scenario.rubric)``).

    Returns:
        Per-ref results, banned phrases and a score.

    Raises:
        KeyError: a ref names no item or check of ``rubric``.
    """
    tokens = tokenize(text)
    items = []
    for ref in expected:
        item, checks = rubric.resolve(ref)
        results = tuple(_check(check, text, tokens) for check in checks)
        items.append(_item_result(ref, item, results))
    banned = _banned(text, tokens, rubric)
    met = sum(r.met for r in items) / len(items) if items else 1.0
    return TurnResult(text, tuple(items), banned, _clip(met - BANNED_PENALTY * len(banned)))


def evaluate_call(turn_texts: Sequence[str], scenario: Scenario, rubric: Rubric) -> CallResult:
    """Check a whole call: items met anywhere allowed, banned phrases, score and tips.

    An item with ``where = "first"`` (greeting) counts only in the first answer, one with
    ``where = "last"`` (closing) only in the last answer given. The checks of one item may be
    met in different answers (ask to hold in one, thank for holding in the next).

    Args:
        turn_texts: The answers' transcripts, in order; fewer than the scenario's turns
            when the call ended early.
        scenario: The scenario played; its rubric extension is applied here.
        rubric: The base rubric.

    Returns:
        The call's feedback.

    Raises:
        ValueError: more answers than the scenario has turns.
    """
    if len(turn_texts) > len(scenario.turns):
        raise ValueError(f"{len(turn_texts)} answers for {len(scenario.turns)} turns")
    merged = extend_rubric(rubric, scenario.rubric)
    turns = tuple(
        evaluate_turn(text, turn.expect, merged)
        for text, turn in zip(turn_texts, scenario.turns, strict=False)
    )
    tokens = [tokenize(text) for text in turn_texts]
    item_ids = dict.fromkeys(
        ref.partition(".")[0] for turn in scenario.turns for ref in turn.expect
    )
    items = tuple(_call_item(merged.resolve(i)[0], turn_texts, tokens) for i in item_ids)
    banned = tuple(
        replace(hit, evidence=replace(hit.evidence, turn=index))
        for index, turn in enumerate(turns)
        for hit in turn.banned
    )
    met = sum(r.met for r in items) / len(items) if items else 1.0
    tips = [r.tip for r in items if not r.met] + [_banned_tip(hit, merged) for hit in banned]
    score = _clip(met - BANNED_PENALTY * len(banned))
    return CallResult(scenario.id, turns, items, banned, score, tuple(tips))


def _check(
    check: Check, text: str, tokens: Sequence[Token], turn: int | None = None
) -> CheckResult:
    """The check's earliest match in the answer."""
    found = [(find_phrase(p, tokens, exclude=check.exclude), p) for p in check.phrases]
    spans = [(span, phrase) for span, phrase in found if span is not None]
    if not spans:
        return CheckResult(check.id, check.title, False, tip=check.tip)
    span, phrase = min(spans, key=lambda pair: (pair[0][0], -pair[0][1]))
    evidence = _evidence(phrase, text, tokens, span, turn)
    return CheckResult(check.id, check.title, True, evidence)


def _item_result(ref: str, item: RubricItem, results: tuple[CheckResult, ...]) -> ItemResult:
    flags = [r.met for r in results]
    met = all(flags) if item.require == "all" else any(flags)
    missing = [r.tip for r in results if not r.met and r.tip]
    tip = "" if met else " ".join(missing) or item.tip
    return ItemResult(ref, item.title, met, results, tip)


def _call_item(
    item: RubricItem, texts: Sequence[str], tokens: Sequence[Sequence[Token]]
) -> ItemResult:
    allowed = _allowed_turns(item.where, len(texts))
    results = []
    for check in item.checks:
        found = [_check(check, texts[i], tokens[i], i) for i in allowed]
        results.append(
            next(
                (r for r in found if r.met),
                CheckResult(check.id, check.title, False, tip=check.tip),
            )
        )
    result = _item_result(item.id, item, tuple(results))
    if result.met or item.where == "any" or not texts:
        return result
    elsewhere = [
        i + 1
        for i in range(len(texts))
        if i not in allowed
        and _item_result(
            item.id, item, tuple(_check(c, texts[i], tokens[i]) for c in item.checks)
        ).met
    ]
    if elsewhere:
        late = f"{item.title} came in answer {elsewhere[0]}; it belongs in the {item.where} answer."
        result = replace(result, tip=f"{late} {result.tip}".strip())
    return result


def _allowed_turns(where: str, count: int) -> list[int]:
    if count == 0:
        return []
    return {"first": [0], "last": [count - 1]}.get(where, list(range(count)))


def _banned(text: str, tokens: Sequence[Token], rubric: Rubric) -> tuple[BannedHit, ...]:
    hits = []
    for banned in rubric.banned:
        span = find_phrase(banned.phrase, tokens, negatable=False, exclude=rubric.banned_exclude)
        if span is not None:
            hits.append(
                BannedHit(_evidence(banned.phrase, text, tokens, span, None), banned.instead)
            )
    return tuple(sorted(hits, key=lambda hit: hit.evidence.start))


def _banned_tip(hit: BannedHit, rubric: Rubric) -> str:
    tip = f'Avoid "{hit.evidence.text}" (answer {(hit.evidence.turn or 0) + 1}).'
    return f"{tip} Instead: {hit.instead}" if hit.instead else f"{tip} {rubric.banned_tip}".strip()


def _evidence(
    phrase: Phrase, text: str, tokens: Sequence[Token], span: tuple[int, int], turn: int | None
) -> Evidence:
    start, end = tokens[span[0]].start, tokens[span[1] - 1].end
    return Evidence(phrase.source, text[start:end], start, end, turn)


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def rubric_result(result: TurnResult) -> RubricResult:
    """A turn's evaluation as the ``rubric`` part of its stored analysis."""

    def evidence(e: Evidence) -> RubricEvidence:
        return RubricEvidence(e.phrase, e.text, e.start, e.end, e.turn)

    return RubricResult(
        text=result.text,
        score=round(result.score, 3),
        items=tuple(
            RubricItemResult(
                i.id,
                i.title,
                i.met,
                tuple(evidence(e) for e in i.evidence),
                tuple(
                    RubricCheckResult(
                        c.id,
                        c.title,
                        c.met,
                        None if c.evidence is None else evidence(c.evidence),
                        c.tip,
                    )
                    for c in i.checks
                ),
                i.tip,
            )
            for i in result.items
        ),
        banned=tuple(
            RubricBanned(
                b.evidence.phrase,
                b.evidence.text,
                b.evidence.start,
                b.evidence.end,
                b.evidence.turn,
                b.instead,
            )
            for b in result.banned
        ),
    )
