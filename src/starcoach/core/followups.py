"""Follow-up questions: what an interviewer who listens asks after an answer with a gap.

Pure functions over the typed analysis of an answer:

- :func:`find_gaps` lists what the answer lacks, most important first: off the question, no
  specific example, no action, no result, a vague result, no situation;
- :func:`choose_follow_up` picks at most one follow-up for the most important gap, from the
  question's own ``follow_ups`` when one fits the gap, else from :data:`TEMPLATES`; after an
  answer with no gap it asks the question's own follow-up as a probe (:data:`PROBE`); it returns
  None when there is nothing to ask, follow-ups are off, or the question had its share already;
- :mod:`starcoach.core.followup_answers` judges the answer to a follow-up.

The ``content`` part (``specific``, ``on_topic``, ``result_concrete``) is optional: without
it the gaps come from ``star`` alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Content, Star

PARTS = ("situation", "task", "action", "result")
"""STAR parts in story order."""

GAPS = (
    "off_topic",
    "generic",
    "missing_action",
    "missing_result",
    "vague_result",
    "missing_situation",
)
"""Every gap a follow-up can target, most important first. A missing task is not one: it is
usually implied by the situation, so an interviewer does not stop the candidate for it."""

TEMPLATES: dict[str, str] = {
    "off_topic": "Let's come back to the question I asked. Can you tell me about a time that "
    "fits it directly?",
    "generic": "Can you give me one specific time that happened?",
    "missing_action": "What did you do yourself, step by step?",
    "missing_result": "And how did that turn out{for_whom}?",
    "vague_result": "How did you know it had worked? What changed afterwards?",
    "missing_situation": "Can you set the scene for me? Where were you, and what was going on?",
}
"""The interviewer's line per gap (``{for_whom}`` is filled from the question)."""

PROBE = "probe"
"""The ``gap`` of a follow-up asked after a complete answer: the question set's own follow-up,
probing further rather than filling a gap."""

GAP_WORDS: dict[str, str] = {
    "off_topic": "an answer to the question asked",
    "generic": "a specific example",
    "missing_action": "what you did",
    "missing_result": "how it ended",
    "vague_result": "a concrete result",
    "missing_situation": "the situation",
    PROBE: "more depth",
}
"""How the feedback names each gap."""

_FITS: dict[str, re.Pattern[str]] = {
    "off_topic": re.compile(r"\b(specific|example|exactly)\b"),
    "generic": re.compile(r"\b(specific|example|one time|particular|instance)\b"),
    "missing_action": re.compile(r"\b(what did you do|steps?|how did you (handle|approach))\b"),
    "missing_result": re.compile(r"\b(turn out|outcome|result|in the end|end up|afterwards)\b"),
    "vague_result": re.compile(r"\b(measure|know it worked|number|impact|outcome)\b"),
    "missing_situation": re.compile(r"\b(scene|context|background|where were you)\b"),
}
"""A question's own follow-up is used for a gap when it matches the gap's pattern."""

CONCRETE = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty"
    r"|thirty|forty|fifty|hundred|thousand|half|twice|percent)\b"
)
"""Numbers: what makes a result concrete when the analysis does not say."""
_CUSTOMER = re.compile(r"\b(customer|client|caller|guest|patient|user)s?\b")


class QuestionLike(Protocol):
    """What follow-ups need from a question (``core.questions.Question`` fits)."""

    @property
    def text(self) -> str:
        """The question as asked."""
        ...

    @property
    def follow_ups(self) -> tuple[str, ...]:
        """The question set's follow-ups."""
        ...


@dataclass(frozen=True)
class FollowUpSettings:
    """Whether and how often the interviewer follows up."""

    enabled: bool = True
    """False turns follow-ups off (``--no-follow-ups``)."""
    max_per_question: int = 1
    """Most follow-ups asked about one question (1 or 2)."""
    probe: bool = True
    """After an answer with no gap, ask the question set's own follow-up (if it has one)."""

    def __post_init__(self) -> None:
        """Keep the limit within 0..2 (a real interviewer rarely asks more)."""
        if not 0 <= self.max_per_question <= 2:
            raise ValueError("max_per_question must be 0, 1 or 2")


@dataclass(frozen=True)
class FollowUp:
    """One follow-up question, and the gap it probes."""

    gap: str
    """One of :data:`GAPS`."""
    text: str
    """What the interviewer says."""
    source: str
    """``question`` (from the question set's ``follow_ups``) or ``template``."""

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"gap": self.gap, "text": self.text, "source": self.source}


def find_gaps(analysis: Analysis) -> tuple[str, ...]:
    """What an answer lacks, most important first (a subset of :data:`GAPS`).

    Args:
        analysis: An answer's analysis (without ``content`` the gaps come from ``star``).

    Returns:
        The gaps; empty for a complete answer or an answer with no words.
    """
    star = analysis.star
    if not star.sentences:
        return ()
    content = analysis.content
    gaps: list[str] = []
    if content is not None and content.on_topic is False:
        gaps.append("off_topic")
    if not star.behavioral:
        return tuple(gaps)
    missing = set(star.missing)
    no_story = "situation" in missing and bool(missing & {"action", "result"})
    if (content.specific is False) if content is not None else no_story:
        gaps.append("generic")
    gaps.extend(f"missing_{part}" for part in ("action", "result") if part in missing)
    if "result" not in missing and result_concrete(star, content) is False:
        gaps.append("vague_result")
    if "situation" in missing:
        gaps.append("missing_situation")
    return tuple(g for g in GAPS if g in gaps)


def choose_follow_up(
    analysis: Analysis,
    question: QuestionLike | None = None,
    asked: Sequence[FollowUp] = (),
    settings: FollowUpSettings | None = None,
) -> FollowUp | None:
    """Pick the follow-up for the most important gap not probed yet.

    Args:
        analysis: The latest analysis of the answer (the combined one after a follow-up).
        question: The question answered; its ``follow_ups`` are preferred when they fit the gap.
        asked: Follow-ups already asked about this question.
        settings: Switch and limit; defaults when None.

    Returns:
        The follow-up, or None: follow-ups off, limit reached, or no gap left to probe.
    """
    settings = settings or FollowUpSettings()
    if not settings.enabled or len(asked) >= settings.max_per_question:
        return None
    probed = {f.gap for f in asked}
    said = {f.text for f in asked}
    for gap in find_gaps(analysis):
        if gap in probed:
            continue
        own = _own_follow_up(question, gap, said)
        if own is not None:
            return FollowUp(gap, own, "question")
        return FollowUp(gap, _template(gap, question), "template")
    if settings.probe and question is not None and analysis.star.sentences:
        unused = [text for text in question.follow_ups if text not in said]
        if unused and PROBE not in probed:
            return FollowUp(PROBE, unused[0], "question")
    return None


def result_concrete(star: Star, content: Content | None) -> bool | None:
    """Whether the result is concrete: the content judgement when there is one, else STAR's."""
    return content.result_concrete if content is not None else star.result_concrete


def part_strength(star: Star, part: str) -> float:
    """A STAR part's strength, at least 0.5 when a sentence is labelled with it."""
    labelled = any(s.label == part for s in star.sentences)
    return max(star.part(part), 0.5 if labelled else 0.0)


def _own_follow_up(question: QuestionLike | None, gap: str, said: set[str]) -> str | None:
    own: tuple[str, ...] = question.follow_ups if question is not None else ()
    for text in own:
        if text not in said and _FITS[gap].search(text.lower()):
            return text
    return None


def _template(gap: str, question: QuestionLike | None) -> str:
    about_customer = question is not None and _CUSTOMER.search(question.text.lower())
    return TEMPLATES[gap].format(for_whom=" for the customer" if about_customer else "")
