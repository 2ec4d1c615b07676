"""The hiring manager's scorecard at the end of a mock interview.

:func:`build_scorecard` reads every answer's analysis with
the question it answered and writes, in words: each competency with evidence quoted from the
answers, the strongest answer, the three things to work on (the issues that cost the most across
the interview, each with how often it happened) and delivery across the interview (pace,
fillers, hedges when the analysis has them, voice). The closing answer is judged by
:func:`starcoach.core.mock_interview.judge_closing`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starcoach.core.analysis.result import Analysis, CombinedFollowUp
from starcoach.core.followups import result_concrete
from starcoach.core.mock_interview import (
    CLOSING_ID,
    MOCK_COMPETENCIES,
    ClosingVerdict,
    judge_closing,
)
from starcoach.core.questions import Question
from starcoach.core.scorecard_delivery import Delivery, delivery_issues, summarize_delivery

Answer = tuple[Question, Analysis]
"""A question and the analysis of its answer."""

STRONG, SOLID = 0.75, 0.5
"""Answer strength (0..1) from which an answer is strong, or solid."""
_WEIGHTS = {"situation": 0.2, "task": 0.1, "action": 0.35, "result": 0.35}
"""Share of a behavioral answer's strength each STAR part carries (action and result count most:
they are what a hiring manager scores)."""


@dataclass(frozen=True)
class CompetencyRating:
    """One competency of the job and what the answers showed of it."""

    competency: str
    """One of :data:`MOCK_COMPETENCIES` (or another competency a question probed)."""
    rating: str
    """``strong``, ``solid``, ``needs work`` or ``not assessed``."""
    evidence: tuple[str, ...]
    """Sentences quoted from the best answer for it (at most two)."""
    question_ids: tuple[str, ...]
    """The questions that probed it."""


@dataclass(frozen=True)
class StrongestAnswer:
    """The answer a hiring manager would remember."""

    question_id: str
    """The question's id."""
    question: str
    """The question's text."""
    why: str
    """Why it stood out, in words."""
    quote: str
    """A sentence from it."""


@dataclass(frozen=True)
class Scorecard:
    """Everything the scorecard screen and the reports show."""

    verdict: str
    """The overall call, in a hiring manager's words."""
    answers: int
    """Questions answered."""
    competencies: tuple[CompetencyRating, ...]
    """Each competency, in :data:`MOCK_COMPETENCIES` order, then any other probed."""
    strongest: StrongestAnswer | None
    """The best answer; None when nothing was said."""
    work_on: tuple[str, ...]
    """At most three things to work on, the costliest first."""
    delivery: Delivery
    """Pace, fillers, hedges and voice across the interview."""
    closing: ClosingVerdict | None
    """The questions asked at the close; None when the closing was not reached."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for history and the JSON report)."""
        return {
            "verdict": self.verdict,
            "answers": self.answers,
            "competencies": [
                {
                    "competency": c.competency,
                    "rating": c.rating,
                    "evidence": list(c.evidence),
                    "questions": list(c.question_ids),
                }
                for c in self.competencies
            ],
            "strongest": None
            if self.strongest is None
            else {
                "question_id": self.strongest.question_id,
                "question": self.strongest.question,
                "why": self.strongest.why,
                "quote": self.strongest.quote,
            },
            "work_on": list(self.work_on),
            "delivery": self.delivery.to_dict(),
            "closing": None if self.closing is None else self.closing.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scorecard:
        """The scorecard from its :meth:`to_dict` form (as the history keeps it).

        Raises:
            KeyError, TypeError: ``data`` is not a scorecard's dict.
        """
        best = data.get("strongest")
        closing = data.get("closing")
        return cls(
            verdict=data["verdict"],
            answers=data["answers"],
            competencies=tuple(
                CompetencyRating(
                    c["competency"],
                    c["rating"],
                    tuple(c.get("evidence", ())),
                    tuple(c.get("questions", ())),
                )
                for c in data["competencies"]
            ),
            strongest=None
            if not best
            else StrongestAnswer(best["question_id"], best["question"], best["why"], best["quote"]),
            work_on=tuple(data["work_on"]),
            delivery=Delivery.from_dict(data["delivery"]),
            closing=ClosingVerdict.from_dict(closing) if closing else None,
        )


def build_scorecard(answers: Sequence[Answer], closing_id: str = CLOSING_ID) -> Scorecard:
    """Score a mock interview.

    Args:
        answers: Each question asked with the analysis of its answer, in order (a retaken
            question may appear twice: the last answer counts).
        closing_id: Id of the closing question, judged on its own.

    Returns:
        The scorecard.
    """
    latest: dict[str, Answer] = {}
    for question, analysis in answers:
        latest.pop(question.id, None)
        latest[question.id] = (question, analysis)
    closing_answer = latest.pop(closing_id, None)
    scored = list(latest.values())
    closing = judge_closing(_transcript(closing_answer[1])) if closing_answer else None
    strengths = [answer_strength(q, a) for q, a in scored]
    return Scorecard(
        verdict=_verdict(strengths, closing),
        answers=len(scored) + (1 if closing_answer else 0),
        competencies=_competencies(scored, strengths),
        strongest=_strongest(scored, strengths),
        work_on=_work_on(scored, closing, strengths),
        delivery=summarize_delivery([a for _, a in latest.values()]),
        closing=closing,
    )


def answer_strength(question: Question, analysis: Analysis) -> float:
    """How strong one answer is, 0..1: STAR parts for a story, length and focus for the rest.

    A behavioral answer earns each STAR part's weight (:data:`_WEIGHTS`), 0.1 more for a
    concrete result; any answer loses 0.3 when off the question, 0.2 when generic where a story
    was asked for, 0.15 when it does not show the competency asked about, 0.15 when too short.
    An open or situational answer starts at 0.7.
    """
    star = analysis.star
    if not star.sentences:
        return 0.0
    content = analysis.content
    if question.expects_star:
        missing = set(star.missing)
        score = sum(w for part, w in _WEIGHTS.items() if part not in missing)
        concrete = result_concrete(star, content)
        score += 0.1 if concrete and "result" not in missing else 0.0
        score -= 0.2 if content is not None and content.specific is False else 0.0
    else:
        score = 0.7
    if content is not None:
        score -= 0.3 if content.on_topic is False else 0.0
        score -= 0.15 if content.competency.shown is False else 0.0
    score -= 0.15 if analysis.length.verdict == "too short" else 0.0
    return round(min(1.0, max(0.0, score)), 3)


def rating_words(strength: float) -> str:
    """``strong``, ``solid`` or ``needs work`` for an answer strength."""
    return "strong" if strength >= STRONG else "solid" if strength >= SOLID else "needs work"


def _competencies(
    scored: Sequence[Answer], strengths: Sequence[float]
) -> tuple[CompetencyRating, ...]:
    probed = [q.competency for q, _ in scored]
    names = [*MOCK_COMPETENCIES, *dict.fromkeys(c for c in probed if c not in MOCK_COMPETENCIES)]
    out = []
    for name in names:
        mine = [
            (s, q, a) for s, (q, a) in zip(strengths, scored, strict=True) if q.competency == name
        ]
        if not mine:
            out.append(CompetencyRating(name, "not assessed", (), ()))
            continue
        best, _, analysis = max(mine, key=lambda item: item[0])
        out.append(
            CompetencyRating(
                name, rating_words(best), _evidence(analysis), tuple(q.id for _, q, _ in mine)
            )
        )
    return tuple(out)


def _evidence(analysis: Analysis, limit: int = 2) -> tuple[str, ...]:
    """The action and result sentences of an answer, else its longest sentences."""
    sentences = [s for s in analysis.star.sentences if s.text]
    picked = [
        next((s for s in sentences if s.label == part), None) for part in ("action", "result")
    ]
    chosen = [s.text for s in picked if s is not None]
    if not chosen:
        chosen = [s.text for s in sorted(sentences, key=lambda s: -len(s.text))[:limit]]
    return tuple(quote(t) for t in chosen[:limit])


def _strongest(scored: Sequence[Answer], strengths: Sequence[float]) -> StrongestAnswer | None:
    if not scored or max(strengths) <= 0.0:
        return None
    index = max(range(len(scored)), key=lambda i: (strengths[i], scored[i][0].expects_star))
    question, analysis = scored[index]
    star = analysis.star
    if question.expects_star and not star.missing:
        why = "A complete story: the situation, what you did, and how it ended."
        if star.result_concrete:
            why = "A complete story with a concrete result: exactly what a hiring manager scores."
    elif question.expects_star:
        why = "The most complete story of the interview."
    else:
        why = "A clear, focused answer to the question asked."
    evidence = _evidence(analysis, 1)
    return StrongestAnswer(question.id, question.text, why, evidence[0] if evidence else "")


_STORY_ISSUES = {
    "result": (
        3.0,
        "Finish every story with how it ended, ideally with a number: {k} of {n}"
        " stories never said.",
    ),
    "action": (3.0, "Say what you did yourself, step by step: {k} of {n} stories left it out."),
    "generic": (
        2.5,
        "Tell one specific time instead of what you usually do: {k} of {n} stories stayed general.",
    ),
    "vague": (
        1.5,
        "Make results concrete (a number, what the customer did next): {k} of {n}"
        " results were vague.",
    ),
    "situation": (
        1.0,
        "Set the scene in one sentence before the story: {k} of {n} stories started without it.",
    ),
}
"""Weight (cost when every story has it) and wording of each story problem."""


def _work_on(
    scored: Sequence[Answer], closing: ClosingVerdict | None, strengths: Sequence[float]
) -> tuple[str, ...]:
    """The three costliest issues: patterns across the interview first, then, when fewer than
    three, the first tip of the weakest answers (a hiring manager always names three)."""
    issues = [*_story_issues(scored), *_answer_issues(scored)]
    if closing is not None and closing.rating == "needs work":
        issues.append((2.0, closing.feedback))
    issues.extend(delivery_issues(summarize_delivery([a for _, a in scored])))
    issues.sort(key=lambda item: -item[0])
    picked = [text for _, text in issues[:3]]
    for strength, (question, analysis) in sorted(
        zip(strengths, scored, strict=True), key=lambda item: item[0]
    ):
        follow = analysis.follow_up
        said = follow.feedback if isinstance(follow, CombinedFollowUp) else None
        tips = [t for t in analysis.tips if t != said]
        if len(picked) >= 3 or strength >= STRONG:
            break
        if tips:
            picked.append(f"Rework your answer to “{quote(question.text, 70)}”: {tips[0]}")
    return tuple(picked)


def _story_issues(scored: Sequence[Answer]) -> list[tuple[float, str]]:
    """STAR problems of the stories, weighted by how many stories had them."""
    stories = [(q, a) for q, a in scored if q.expects_star and a.star.sentences]
    counts = _story_counts(stories)
    return [
        (weight * counts[key] / len(stories), text.format(k=counts[key], n=len(stories)))
        for key, (weight, text) in _STORY_ISSUES.items()
        if counts[key]
    ]


def _answer_issues(scored: Sequence[Answer]) -> list[tuple[float, str]]:
    """Answers off the question and answers too short, weighted by their share."""
    issues = []
    off = sum(a.content is not None and a.content.on_topic is False for _, a in scored)
    if off:
        issues.append(
            (
                3.0 * off / len(scored),
                f"Answer the question asked: {off} of {len(scored)} answers drifted away from it.",
            )
        )
    short = sum(a.length.verdict == "too short" for _, a in scored)
    if short:
        issues.append(
            (
                1.5 * short / len(scored),
                f"Give fuller answers (a minute or more for a "
                f"story): {short} of {len(scored)} were short.",
            )
        )
    return issues


def _story_counts(stories: Sequence[Answer]) -> dict[str, int]:
    counts = dict.fromkeys(("result", "action", "generic", "vague", "situation"), 0)
    for _, analysis in stories:
        star, content = analysis.star, analysis.content
        missing = set(star.missing)
        for part in ("result", "action", "situation"):
            counts[part] += part in missing
        counts["generic"] += content is not None and content.specific is False
        concrete = result_concrete(star, content)
        counts["vague"] += "result" not in missing and concrete is False
    return counts


def _verdict(strengths: Sequence[float], closing: ClosingVerdict | None) -> str:
    if not strengths:
        return "No answers to judge yet."
    mean = sum(strengths) / len(strengths)
    if closing is not None and closing.rating == "needs work":
        mean -= 0.05
    if mean >= STRONG:
        return "Strong: ready for the real interview."
    if mean >= SOLID:
        return "Promising: a few stories need a clear ending before the real thing."
    return "Not yet: practise telling complete stories, then run the mock interview again."


def _transcript(analysis: Analysis) -> str:
    return analysis.transcript


def quote(text: str, limit: int = 140) -> str:
    """A sentence tidied for quoting (no " ." artefacts), cut at ``limit`` characters."""
    text = " ".join(text.split()).replace(" .", ".").replace(" ,", ",")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
