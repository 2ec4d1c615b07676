"""Follow-up questions: what an interviewer who listens asks after an answer with a gap.

Pure functions over the analysis dict of an answer (``starcoach analyze --json``):

- :func:`find_gaps` lists what the answer lacks, most important first: off the question, no
  specific example, no action, no result, a vague result, no situation;
- :func:`choose_follow_up` picks at most one follow-up for the most important gap, from the
  question's own ``follow_ups`` when one fits the gap, else from :data:`TEMPLATES`; after an
  answer with no gap it asks the question's own follow-up as a probe (:data:`PROBE`); it returns
  None when there is nothing to ask, follow-ups are off, or the question had its share already;
- :func:`combine_answers` judges whether the follow-up answer filled the gap, merges STAR
  coverage of both answers and writes one sentence for the feedback;
  :func:`combined_analysis` folds that into the first answer's analysis dict for display.

The ``content`` object (``specific``, ``on_topic``, ``result_concrete``) is optional: without
it the gaps come from ``star`` alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

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

_CONCRETE = re.compile(
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


@dataclass(frozen=True)
class CombinedAnswer:
    """The answer and its follow-up answer judged together."""

    follow_up: FollowUp
    """What was asked."""
    filled: bool | None
    """True when the follow-up answer supplied what was missing; None when it cannot be told."""
    feedback: str
    """One sentence for the feedback screen."""
    coverage: dict[str, float] = field(default_factory=dict)
    """STAR part -> strength 0..1, the larger of the two answers."""
    missing: tuple[str, ...] = ()
    """STAR parts neither answer gave (empty for a non-STAR question)."""
    evidence: str | None = None
    """The follow-up sentence that filled the gap, when there is one."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (stored under ``follow_up`` in a combined analysis)."""
        return {
            **self.follow_up.to_dict(),
            "filled": self.filled,
            "feedback": self.feedback,
            "coverage": dict(self.coverage),
            "missing": list(self.missing),
            "evidence": self.evidence,
        }


def find_gaps(analysis: Mapping[str, Any]) -> tuple[str, ...]:
    """What an answer lacks, most important first (a subset of :data:`GAPS`).

    Args:
        analysis: An answer's analysis dict (``star`` required, ``content`` optional).

    Returns:
        The gaps; empty for a complete answer or an answer with no words.
    """
    star = analysis.get("star") or {}
    if not star.get("sentences"):
        return ()
    content = analysis.get("content") or {}
    gaps: list[str] = []
    if content.get("on_topic") is False:
        gaps.append("off_topic")
    if not star.get("behavioral"):
        return tuple(gaps)
    missing = set(star.get("missing") or ())
    no_story = "situation" in missing and bool(missing & {"action", "result"})
    if content.get("specific") is False or ("specific" not in content and no_story):
        gaps.append("generic")
    gaps.extend(f"missing_{part}" for part in ("action", "result") if part in missing)
    if "result" not in missing and _result_concrete(star, content) is False:
        gaps.append("vague_result")
    if "situation" in missing:
        gaps.append("missing_situation")
    return tuple(g for g in GAPS if g in gaps)


def choose_follow_up(
    analysis: Mapping[str, Any],
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
    if settings.probe and question is not None and (analysis.get("star") or {}).get("sentences"):
        unused = [text for text in question.follow_ups if text not in said]
        if unused and PROBE not in probed:
            return FollowUp(PROBE, unused[0], "question")
    return None


Relabel = Callable[[Sequence[str]], list[str]]
"""Labels the sentences of one behavioral story in order (the learned STAR labeller)."""


def combine_answers(
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    follow_up: FollowUp,
    relabel: Relabel | None = None,
) -> CombinedAnswer:
    """Judge an answer and its follow-up answer together.

    Args:
        first: Analysis of the original answer.
        second: Analysis of the answer to the follow-up.
        follow_up: The follow-up that was asked.
        relabel: STAR labeller for both answers' sentences read as one story; without it
            the follow-up's own labels count.

    Returns:
        Whether the gap was filled, the merged STAR coverage and a feedback sentence.
    """
    star1, star2 = first.get("star") or {}, second.get("star") or {}
    coverage = {p: max(_part(star1, p), _part(star2, p)) for p in PARTS}
    behavioral = bool(star1.get("behavioral"))
    labels = _labels_in_context(star1, star2, relabel)
    given = set(labels) | {str(x.get("label")) for x in star2.get("sentences") or []}
    missing = tuple(
        p for p in PARTS if behavioral and p in (star1.get("missing") or []) and p not in given
    )
    filled, evidence = _filled(follow_up.gap, second, labels)
    return CombinedAnswer(
        follow_up, filled, _feedback(follow_up.gap, filled, evidence), coverage, missing, evidence
    )


def combined_analysis(
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    follow_up: FollowUp,
    relabel: Relabel | None = None,
) -> dict[str, Any]:
    """The first answer's analysis with the follow-up answer folded in, for the feedback view.

    STAR part strengths, ``missing`` and ``sentences`` are merged (follow-up sentences come
    last), the transcript is both answers joined, the feedback sentence leads the tips and tips
    about a gap the follow-up filled are dropped. Delivery (pace, pauses, tone) stays the first
    answer's; the follow-up answer's own analysis is kept under ``follow_up.analysis``.

    Returns:
        A new dict; the inputs are not changed.
    """
    combined = combine_answers(first, second, follow_up, relabel)
    star = dict(first.get("star") or {})
    star.update(combined.coverage)
    star["missing"] = list(combined.missing)
    star["sentences"] = [
        *(star.get("sentences") or []),
        *((second.get("star") or {}).get("sentences") or []),
    ]
    if combined.filled and follow_up.gap == "vague_result":
        star["result_concrete"] = True
    part = follow_up.gap.removeprefix("missing_")
    tips = [t for t in first.get("tips") or [] if not (combined.filled and _about(t, part))]
    transcript = " ".join(x for x in (first.get("transcript"), second.get("transcript")) if x)
    return {
        **first,
        "star": star,
        "transcript": transcript,
        "tips": [combined.feedback, *tips],
        "follow_up": {**combined.to_dict(), "analysis": dict(second)},
    }


def _result_concrete(star: Mapping[str, Any], content: Mapping[str, Any]) -> bool | None:
    value = (
        content["result_concrete"] if "result_concrete" in content else star.get("result_concrete")
    )
    return value if isinstance(value, bool) else None


def _part(star: Mapping[str, Any], part: str) -> float:
    value = star.get(part)
    score = float(value) if isinstance(value, int | float) else 0.0
    labelled = any(s.get("label") == part for s in star.get("sentences") or [])
    return max(score, 0.5 if labelled else 0.0)


def _own_follow_up(question: QuestionLike | None, gap: str, said: set[str]) -> str | None:
    own: tuple[str, ...] = question.follow_ups if question is not None else ()
    for text in own:
        if text not in said and _FITS[gap].search(text.lower()):
            return text
    return None


def _template(gap: str, question: QuestionLike | None) -> str:
    about_customer = question is not None and _CUSTOMER.search(question.text.lower())
    return TEMPLATES[gap].format(for_whom=" for the customer" if about_customer else "")


def _labels_in_context(
    first: Mapping[str, Any], second: Mapping[str, Any], relabel: Relabel | None
) -> list[str]:
    """STAR labels of the follow-up's sentences read as the end of the first answer's story.

    A follow-up answer continues the story ("In the end..."), so its sentences are labelled
    after the first answer's; on its own the labeller would read its first sentence as a
    situation. Falls back to the follow-up's own labels without a labeller.
    """
    texts1 = [s.get("text") or "" for s in first.get("sentences") or []]
    texts2 = [s.get("text") or "" for s in second.get("sentences") or []]
    own = [s.get("label") or "other" for s in second.get("sentences") or []]
    if not texts2 or not first.get("behavioral") or relabel is None:
        return own
    labels = relabel([*texts1, *texts2])[len(texts1) :]
    return labels if len(labels) == len(texts2) else own


def _filled(
    gap: str, second: Mapping[str, Any], labels: Sequence[str]
) -> tuple[bool | None, str | None]:
    """Whether the follow-up answer gives what ``gap`` lacked, with the sentence that shows it.

    ``labels`` are the follow-up sentences' STAR labels read in context; a part counts as
    given when either they or the follow-up's own analysis find it.
    """
    star = second.get("star") or {}
    content = second.get("content") or {}
    sentences = [s for s in star.get("sentences") or [] if s.get("text")]
    if not sentences:
        return False, None
    texts = [s.get("text") or "" for s in star.get("sentences") or []]

    def sentence_for(part: str) -> str | None:
        hits = [t for t, lab in zip(texts, labels, strict=False) if lab == part and t]
        own = [str(s["text"]) for s in sentences if s.get("label") == part]
        found = hits or own
        return found[0] if found else None

    if gap == PROBE:
        return None, str(sentences[0]["text"])
    if gap.startswith("missing_"):
        part = gap.removeprefix("missing_")
        hit = sentence_for(part)
        return (hit is not None or _part(star, part) > 0.0), hit
    if gap == "vague_result":
        hit = sentence_for("result")
        concrete = _result_concrete(star, content)
        if concrete is None or (concrete is False and "result_concrete" not in content):
            concrete = hit is not None and bool(_CONCRETE.search(hit.lower()))
        return bool(concrete), hit
    key = "on_topic" if gap == "off_topic" else "specific"
    if key in content:
        return bool(content[key]), sentences[0]["text"]
    story = sum(_part(star, p) > 0.0 for p in ("situation", "action", "result"))
    return (story >= 2 if star.get("behavioral") else None), sentences[0]["text"]


def _feedback(gap: str, filled: bool | None, evidence: str | None) -> str:
    if gap == PROBE:
        return (
            f'You answered the follow-up: "{_short(evidence)}"'
            if evidence
            else "The follow-up went unanswered: a short, direct answer is enough."
        )
    what = GAP_WORDS[gap]
    if filled and evidence:
        return f'The follow-up filled the gap ({what}): "{_short(evidence)}"'
    if filled:
        return f"The follow-up filled the gap ({what})."
    if filled is None:
        return f"The follow-up asked for {what}; check your answer gives it."
    return f"The follow-up asked for {what} and the answer still did not give it: lead with it."


def _about(tip: str, part: str) -> bool:
    words = {
        "result": "how it ended",
        "action": "what you did",
        "situation": "set the scene",
        "task": "had to achieve",
    }
    return part in words and words[part] in tip


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split()).replace(" .", ".")
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
