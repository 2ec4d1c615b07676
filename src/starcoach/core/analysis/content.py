"""The content coach: is the answer specific, on topic, concrete, and does it show the competency?

The judgements come from the learned classifiers (``TextModel.content``, sentence flags) applied
in ``reading``; this module turns them into the JSON fields and into tips that quote the
sentence each rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from starcoach.core.analysis.reading import Reading

_QUOTE_CHARS = 90
"""Quoted evidence is cut to about this many characters."""


@dataclass(frozen=True)
class ContentResult:
    """Answer-level content judgements."""

    specific: bool
    """Tells one concrete episode (or concrete facts) rather than generic claims."""
    on_topic: bool | None
    """Answers the question asked; None when the question is not known."""
    result_concrete: bool | None
    """The result is observable or measurable; None without a result or for a non-STAR answer."""
    competency_asked: str | None
    """The competency the question probes (given or inferred)."""
    competency_shown: bool | None
    """The answer gives evidence of that competency; None when no competency is known."""
    tips: tuple[str, ...] = field(default=())
    """Content tips, most important first, each quoting its evidence."""


def judge_content(reading: Reading, behavioral: bool, has_question: bool = True) -> ContentResult:
    """The content fields from a reading (no tips).

    Args:
        reading: What the models read in the answer.
        behavioral: Whether a STAR story is expected; result_concrete is judged only then.
        has_question: Whether the question is known; without it on_topic and competency shown
            cannot be judged and are None.
    """
    p = reading.content_proba
    has_result = "result" in reading.labels
    concrete = p["result_concrete"] >= 0.5 if behavioral and has_result else None
    return ContentResult(
        specific=p["specific"] >= 0.5,
        on_topic=p["on_topic"] >= 0.5 if has_question else None,
        result_concrete=concrete,
        competency_asked=reading.competency_asked,
        competency_shown=(
            p["competency_shown"] >= 0.5 if has_question or reading.competency_asked else None
        ),
    )


_RED_FLAGS = ("Negative about", "This may not answer")


def is_red_flag(tip: str) -> bool:
    """Whether a content tip is a red flag for interviewers (negativity, not answering)."""
    return tip.startswith(_RED_FLAGS)


def quote(text: str) -> str:
    """A sentence as quoted evidence: "...", cut at a word near ``_QUOTE_CHARS``."""
    t = " ".join(text.split()).rstrip(".!?,;: ")
    if len(t) > _QUOTE_CHARS:
        t = t[:_QUOTE_CHARS].rsplit(" ", 1)[0] + "..."
    return f'"{t}"'


def _most(values: np.ndarray, mask: Sequence[bool] | None = None) -> int | None:
    """Index of the largest value (among ``mask``), or None when nothing qualifies."""
    idx = [i for i in range(len(values)) if mask is None or mask[i]]
    return max(idx, key=lambda i: float(values[i])) if idx else None


def _more(found: Sequence[int]) -> str:
    """The note after a quote when more sentences were found, e.g. " (and 2 more like it)"."""
    return f" (and {len(found) - 1} more like it)" if len(found) > 1 else ""


def content_tips(
    result: ContentResult, reading: Reading, texts: Sequence[str], kind: str | None
) -> tuple[str, ...]:
    """Content tips, most important first, each quoting the sentence it rests on.

    Args:
        result: The judgements.
        reading: The reading they came from (flags and similarities per sentence).
        texts: The sentences as spoken, for quoting.
        kind: Question kind.
    """
    tips: list[str] = []
    flags = reading.flags
    negative = [i for i, f in enumerate(flags) if "negative" in f]
    if negative:
        tips.append(
            f"Negative about a past employer, coworker or customer: "
            f"{quote(texts[negative[0]])}{_more(negative)}. Interviewers hear blame; "
            "describe the problem neutrally and focus on what you did."
        )
    if result.on_topic is False and texts:
        i = _most(-reading.q_sim) if reading.q_sim.size else 0
        tips.append(
            f"This may not answer the question asked: {quote(texts[i or 0])} drifts from "
            "it. Restate the question to yourself and answer it directly."
        )
    off = [i for i, f in enumerate(flags) if "off_topic" in f]
    if off:
        keep = {"behavioral": "the story", None: "the point"}.get(kind, "the question")
        tips.append(
            f"Digression: {quote(texts[off[0]])}{_more(off)} does not help your answer; "
            f"leave it out and keep to {keep}."
        )
    if not result.specific and texts:
        i = _most(reading.flag_proba["hypothetical"]) or 0
        fix = (
            "Tell one particular time it happened."
            if kind == "behavioral"
            else "Back it with a concrete fact: where, what you did, how many, how long."
        )
        tips.append(f"Generic: {quote(texts[i])} is a claim about yourself, not an example. " + fix)
    hyp = [i for i, f in enumerate(flags) if "hypothetical" in f]
    if hyp and kind == "behavioral" and result.specific:
        tips.append(
            f"{quote(texts[hyp[0]])} says what you would or always do; the question "
            "asks what you did. Keep to the story."
        )
    if result.result_concrete is False:
        res = [lab == "result" for lab in reading.labels]
        i = _most(reading.star_proba[:, 3], res)
        if i is not None:
            tips.append(
                f"Your result {quote(texts[i])} is not concrete: say what changed, "
                "with a number, or what the customer did next."
            )
    if result.competency_shown is False and result.competency_asked and texts:
        sims = reading.competency_sim
        i = (_most(sims) if sims is not None else None) or 0
        tips.append(
            f"The question probes {result.competency_asked}, and little in the answer "
            f"shows it (the closest is {quote(texts[i])}). Add one moment where you "
            f"showed {result.competency_asked}."
        )
    return tuple(tips)
