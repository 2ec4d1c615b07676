"""Judging the answer to a follow-up question together with the answer before it.

:func:`combine_answers` says whether the follow-up answer filled the gap, merges the STAR
coverage of both answers and writes one sentence for the feedback; :func:`combined_analysis`
folds that into the first answer's analysis for display and storage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from starcoach.core.analysis.result import Analysis, CombinedFollowUp
from starcoach.core.analysis.result_parts import Star
from starcoach.core.followups import (
    CONCRETE,
    GAP_WORDS,
    PARTS,
    PROBE,
    FollowUp,
    part_strength,
    result_concrete,
)

Relabel = Callable[[Sequence[str]], list[str]]
"""Labels the sentences of one behavioral story in order (the learned STAR labeller)."""


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


def combine_answers(
    first: Analysis,
    second: Analysis,
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
    star1, star2 = first.star, second.star
    coverage = {p: max(part_strength(star1, p), part_strength(star2, p)) for p in PARTS}
    labels = _labels_in_context(star1, star2, relabel)
    given = set(labels) | {s.label for s in star2.sentences}
    missing = tuple(p for p in PARTS if star1.behavioral and p in star1.missing and p not in given)
    filled, evidence = _filled(follow_up.gap, second, labels)
    return CombinedAnswer(
        follow_up, filled, _feedback(follow_up.gap, filled, evidence), coverage, missing, evidence
    )


def combined_analysis(
    first: Analysis,
    second: Analysis,
    follow_up: FollowUp,
    relabel: Relabel | None = None,
) -> Analysis:
    """The first answer's analysis with the follow-up answer folded in, for the feedback view.

    STAR part strengths, ``missing`` and ``sentences`` are merged (follow-up sentences come
    last), the transcript is both answers joined, the feedback sentence leads the tips and tips
    about a gap the follow-up filled are dropped. Delivery (pace, pauses, tone) stays the first
    answer's; the follow-up answer's own analysis is kept under ``follow_up.analysis``.
    """
    combined = combine_answers(first, second, follow_up, relabel)
    star = replace(
        first.star,
        situation=combined.coverage["situation"],
        task=combined.coverage["task"],
        action=combined.coverage["action"],
        result=combined.coverage["result"],
        missing=combined.missing,
        sentences=(*first.star.sentences, *second.star.sentences),
    )
    if combined.filled and follow_up.gap == "vague_result":
        star = replace(star, result_concrete=True)
    part = follow_up.gap.removeprefix("missing_")
    tips = [t for t in first.tips if not (combined.filled and _about(t, part))]
    transcript = " ".join(x for x in (first.transcript, second.transcript) if x)
    asked = CombinedFollowUp(
        gap=follow_up.gap,
        text=follow_up.text,
        source=follow_up.source,
        filled=combined.filled,
        feedback=combined.feedback,
        coverage=tuple(combined.coverage.items()),
        missing=combined.missing,
        evidence=combined.evidence,
        analysis=second,
    )
    return replace(
        first,
        star=star,
        transcript=transcript,
        tips=(combined.feedback, *tips),
        follow_up=asked,
    )


def _labels_in_context(first: Star, second: Star, relabel: Relabel | None) -> list[str]:
    """STAR labels of the follow-up's sentences read as the end of the first answer's story.

    A follow-up answer continues the story ("In the end..."), so its sentences are labelled
    after the first answer's; on its own the labeller would read its first sentence as a
    situation. Falls back to the follow-up's own labels without a labeller.
    """
    texts1 = [s.text for s in first.sentences]
    texts2 = [s.text for s in second.sentences]
    own = [s.label or "other" for s in second.sentences]
    if not texts2 or not first.behavioral or relabel is None:
        return own
    labels = relabel([*texts1, *texts2])[len(texts1) :]
    return labels if len(labels) == len(texts2) else own


def _filled(gap: str, second: Analysis, labels: Sequence[str]) -> tuple[bool | None, str | None]:
    """Whether the follow-up answer gives what ``gap`` lacked, with the sentence that shows it.

    ``labels`` are the follow-up sentences' STAR labels read in context; a part counts as
    given when either they or the follow-up's own analysis find it.
    """
    star, content = second.star, second.content
    sentences = [s for s in star.sentences if s.text]
    if not sentences:
        return False, None
    texts = [s.text for s in star.sentences]

    def sentence_for(part: str) -> str | None:
        hits = [t for t, lab in zip(texts, labels, strict=False) if lab == part and t]
        own = [s.text for s in sentences if s.label == part]
        found = hits or own
        return found[0] if found else None

    if gap == PROBE:
        return None, sentences[0].text
    if gap.startswith("missing_"):
        part = gap.removeprefix("missing_")
        hit = sentence_for(part)
        return (hit is not None or part_strength(star, part) > 0.0), hit
    if gap == "vague_result":
        hit = sentence_for("result")
        concrete = result_concrete(star, content)
        if concrete is None or (concrete is False and content is None):
            concrete = hit is not None and bool(CONCRETE.search(hit.lower()))
        return bool(concrete), hit
    if content is not None:
        judged = content.on_topic if gap == "off_topic" else content.specific
        return bool(judged), sentences[0].text
    story = sum(part_strength(star, p) > 0.0 for p in ("situation", "action", "result"))
    return (story >= 2 if star.behavioral else None), sentences[0].text


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
