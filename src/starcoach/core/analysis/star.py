"""STAR structure: split an answer into sentences, label each Situation/Task/Action/Result/other.

Labels come from a classifier learned from labeled answers (``tools/train_star.py``): sentence
embeddings plus grammatical signals (``features``), softmax regression, then a Viterbi pass over
transition weights counted in the same data (``text_model``). Fillers are removed before
labeling. A part is reported missing only when no sentence is labeled with it and no sentence
is even moderately likely to be it; a missing task is a hint (tasks are often implied), never a
failure. Every verdict quotes the sentence it rests on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from starcoach.core.analysis.content import quote
from starcoach.core.analysis.features import question_kind
from starcoach.core.analysis.fillers import filler_word_mask, find_fillers
from starcoach.core.analysis.reading import Reading, read_answer
from starcoach.core.analysis.text import (  # noqa: F401  (re-exported)
    Sentence,
    count_pronouns,
    normalize,
    split_sentences,
    words_from_text,
)
from starcoach.core.analysis.text_model import STAR_LABELS, TextModel
from starcoach.core.models import Word
from starcoach.core.ports import Embedder

PARTS = ("situation", "task", "action", "result")
"""STAR parts in story order."""
LABELS = (*PARTS, "other")
"""Every sentence label."""
MISSABLE = ("situation", "action", "result")
"""Parts whose absence is a failure; a missing task is only a hint."""


@dataclass(frozen=True)
class StarResult:
    """STAR structure of one answer."""

    coverage: dict[str, float]
    """Per part, 0..1: the highest probability any sentence has of being that part."""
    sentences: tuple[Sentence, ...]
    """The answer's sentences."""
    labels: tuple[str, ...]
    """One label per sentence."""
    strengths: tuple[float, ...]
    """Per sentence, the probability of its label (0..1)."""
    behavioral: bool
    """Whether the question calls for a STAR story."""
    missing: tuple[str, ...]
    """Situation/action/result judged absent (empty for non-behavioral answers)."""
    hints: tuple[str, ...]
    """Parts that are only implied (a task never stated)."""
    time_share: dict[str, float] | None
    """Per part, share of speaking time; None when untimed."""
    pronouns: dict[str, Any]
    """Counts of "I" and "we" words and a verdict."""
    flags: tuple[tuple[str, ...], ...] = ()
    """Per sentence: "negative", "off_topic", "hypothetical" when set."""
    texts: tuple[str, ...] = ()
    """Per sentence, the words without fillers (what was labeled and is quoted)."""
    reading: Reading | None = None
    """What the models read (None when no model was available)."""
    kind: str | None = None
    """Question kind: "behavioral", "open", "situational", or None."""
    tips: tuple[str, ...] = field(default=())
    """One specific tip per weakness, quoting its evidence."""


def is_behavioral_question(question: str | None) -> bool | None:
    """Whether a question asks for a past example ("Tell me about a time...").

    Args:
        question: The question text, or None.

    Returns:
        True or False from the wording; None when there is no question.
    """
    kind = question_kind(question)
    return None if kind is None else kind == "behavioral"


def missing_parts(labels: Sequence[str], proba: np.ndarray, threshold: float) -> list[str]:
    """STAR parts with no evidence: no sentence labeled so and none at least ``threshold`` likely.

    Args:
        labels: Decoded labels.
        proba: (n, 5) label probabilities.
        threshold: Probability that counts as evidence.

    Returns:
        The absent parts among ``PARTS``, in story order.
    """
    out = []
    for p in PARTS:
        col = STAR_LABELS.index(p)
        if p not in labels and (proba.shape[0] == 0 or float(proba[:, col].max()) < threshold):
            out.append(p)
    return out


def _story_like(reading: Reading) -> bool:
    """Whether an answer to an unknown question reads as a past story."""
    story = sum(lab in {"situation", "action", "result"} for lab in reading.labels)
    hyp = sum("hypothetical" in f for f in reading.flags)
    return story >= max(2, len(reading.labels) // 2) and hyp * 2 < len(reading.labels)


def analyze_star(
    words: Sequence[Word],
    question: str | None = None,
    behavioral: bool | None = None,
    embedder: Embedder | None = None,
    model: TextModel | None = None,
    competency: str | None = None,
    kind: str | None = None,
) -> StarResult:
    """Find the STAR structure of an answer.

    Args:
        words: The answer's words (timed or not; fillers are ignored for labeling).
        question: The question text, used to decide whether STAR is expected.
        behavioral: True/False to force the decision; None to infer it from the question,
            or from the answer when there is no question.
        embedder: Sentence embedder; with ``model`` None, no labels are learned (all "other",
            nothing reported missing).
        model: The learned weights.
        competency: The competency the question probes, when the question set says.
        kind: The question kind when the question set says; None to infer it.

    Returns:
        Coverage per part, labeled sentences with flags, tips and the other details.
    """
    sentences = split_sentences(words)
    mask = filler_word_mask(words, find_fillers(words))
    texts = tuple(_sentence_text(words, mask, s) for s in sentences)
    kind = "behavioral" if behavioral else kind or question_kind(question, behavioral)
    reading = None
    if embedder is not None and model is not None and texts:
        reading = read_answer(texts, question, kind, competency, embedder, model, True)
    if behavioral is None:
        behavioral = kind == "behavioral" if kind else bool(reading and _story_like(reading))
    if reading is None:
        labels: tuple[str, ...] = ("other",) * len(texts)
        strengths = (0.0,) * len(texts)
        coverage = dict.fromkeys(PARTS, 0.0)
        missing: tuple[str, ...] = ()
        hints: tuple[str, ...] = ()
        flags: tuple[tuple[str, ...], ...] = ((),) * len(texts)
    else:
        labels = reading.labels
        proba = reading.star_proba
        strengths = tuple(float(proba[i, STAR_LABELS.index(lab)]) for i, lab in enumerate(labels))
        coverage = {p: float(proba[:, STAR_LABELS.index(p)].max()) for p in PARTS}
        threshold = model.missing_threshold if model is not None else 0.0
        absent = missing_parts(labels, proba, threshold) if behavioral else []
        missing = tuple(p for p in absent if p in MISSABLE)
        hints = tuple(p for p in absent if p not in MISSABLE)
        flags = reading.flags
    result = StarResult(
        coverage,
        tuple(sentences),
        labels,
        strengths,
        bool(behavioral),
        missing,
        hints,
        _time_share(sentences, labels),
        count_pronouns(words),
        flags,
        texts,
        reading,
        kind,
    )
    return StarResult(**{**result.__dict__, "tips": _tips(result) if behavioral else ()})


def label_sentences(
    texts: Sequence[str],
    question: str | None = None,
    behavioral: bool | None = None,
    embedder: Embedder | None = None,
    model: TextModel | None = None,
) -> list[str]:
    """Label each sentence "situation", "task", "action", "result" or "other".

    Args:
        texts: The answer's sentences in order (fillers may be present; they are ignored).
        question: The question.
        behavioral: Forces the question kind to behavioral when True.
        embedder: Sentence embedder.
        model: The learned weights.

    Returns:
        One label per sentence ("other" for all when no model is given).
    """
    if embedder is None or model is None or not texts:
        return ["other"] * len(texts)
    kind = "behavioral" if behavioral else question_kind(question, behavioral)
    return list(read_answer(texts, question, kind, None, embedder, model).labels)


def _sentence_text(words: Sequence[Word], mask: Sequence[bool], s: Sentence) -> str:
    """The sentence's words without the fillers found in the whole answer's context."""
    span = range(s.first_word, s.last_word + 1)
    return " ".join(words[i].text.strip() for i in span if not mask[i])


def _time_share(sentences: Sequence[Sentence], labels: Sequence[str]) -> dict[str, float] | None:
    """Share of speaking time per part; None when any sentence is untimed."""
    if not sentences or any(s.start is None or s.end is None for s in sentences):
        return None
    durations = [max(0.0, (s.end or 0.0) - (s.start or 0.0)) for s in sentences]
    total = sum(durations) or 1.0
    pairs = list(zip(durations, labels, strict=True))
    return {p: round(sum(d for d, lab in pairs if lab == p) / total, 3) for p in PARTS}


def _tips(r: StarResult) -> tuple[str, ...]:
    """One actionable tip per weakness of a behavioral answer, quoting its evidence."""
    tips: list[str] = []
    texts = r.texts
    if not texts:
        return ()
    story = [t for t, lab in zip(texts, r.labels, strict=True) if lab != "other"] or list(texts)
    last = quote(story[-1])
    first = quote(story[0])
    if "action" in r.missing:
        tips.append(
            f"You never said what you did: after {first}, describe two or three concrete "
            "steps you took yourself."
        )
    if "result" in r.missing:
        tips.append(
            f"You never said how it ended: your story stops at {last}. Add what changed, "
            "ideally with a number or what the customer did."
        )
    if "situation" in r.missing:
        tips.append(
            f"You open with {first} without setting the scene: say in one sentence "
            "where you were and what was going wrong."
        )
    if "task" in r.hints:
        acts = [t for t, lab in zip(texts, r.labels, strict=True) if lab == "action"]
        before = f"Before {quote(acts[0])}, one" if acts else "One"
        tips.append(
            f"Hint: your goal is only implied. {before} line like "
            '"I had to..." makes clear what you were responsible for.'
        )
    if r.time_share and r.time_share["situation"] + r.time_share["task"] > 0.5:
        tips.append(
            "Over half your time went to setup: cut the situation to two sentences and "
            "spend it on actions."
        )
    if r.pronouns["verdict"] == "too much we":
        tips.append(
            f'You said "we" {r.pronouns["we"]} times and "I" {r.pronouns["i"]}: '
            "say what you did yourself."
        )
    return tuple(tips)
