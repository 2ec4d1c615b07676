"""Fit the text models (STAR labeller, sentence flags, content judgements) from labeled answers.

Input answers follow ``../shared/corpus`` (v2/GUIDE.md): ``question``, ``kind``, optional
``competency``, ``sentences`` [{``text``, ``label``, optional ``flags``}], optional ``content``.
``prepare`` embeds them once; ``train`` fits every weight from prepared answers, so a benchmark
can train on some authors and test on another without embedding twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from starcoach.core.analysis.answer_features import flag_matrix
from starcoach.core.analysis.features import clean_sentence, sentence_matrix, strip_marks
from starcoach.core.analysis.flag_training import choose_threshold, fit_flags
from starcoach.core.analysis.reading import (
    Embedded,
    answer_vector,
    competency_text,
    content_sentence_matrix,
)
from starcoach.core.analysis.text_model import (
    CONTENT_FIELDS,
    STAR_LABELS,
    TextModel,
    count_transitions,
    fit_softmax,
)
from starcoach.core.ports import Embedder

__all__ = [
    "Hyper",
    "Prepared",
    "choose_threshold",
    "content_targets",
    "cut_before_result",
    "fit_flags",
    "prepare",
    "star_labeled",
    "train",
]


@dataclass(frozen=True)
class Hyper:
    """Training settings."""

    star_l2: float = 30.0
    """L2 penalty of the STAR classifier."""
    star_balanced: bool = False
    """Weight STAR training sentences inversely to their label's frequency."""
    flag_l2: tuple[float, ...] = (1000.0, 1000.0, 100.0)
    """Per ``FLAGS`` flag: L2 penalty of its classifier."""
    content_l2: float = 10.0
    """L2 penalty of the answer-level content classifiers (x10 for the sentence-level ones)."""
    iters: int = 300
    """Gradient steps per classifier."""
    flag_beta: tuple[float, ...] = (1.5, 0.7, 1.0)
    """Per ``FLAGS`` flag: its threshold maximises F-beta of out-of-fold predictions on the
    training answers (beta > 1 favours recall, < 1 precision)."""
    flag_fixed_threshold: tuple[float | None, ...] = (None, None, 0.7)
    """Per ``FLAGS`` flag: a fixed threshold instead of the F-beta choice (None: choose)."""
    flag_embedding: tuple[str, ...] = ("off_topic", "hypothetical")
    """Flags whose classifier also reads the sentence embedding (projected on one direction)."""
    flag_balanced: bool = True
    """Weight flagged sentences up to balance the classes."""
    missing_threshold: float = 0.4
    """A part is missing when unlabeled and no sentence is this likely to be it."""
    folds: int = 3
    """Flags and content learn from STAR probabilities predicted out of fold (as at run time)."""
    content_mix: tuple[float, ...] = (1.0, 1.0, 0.0, 0.5)
    """Per ``CONTENT_FIELDS`` field: answer-level weight against pooled sentence classifier."""
    prior_weight: float = 0.5
    """Share of the log label prior divided out of the STAR probabilities before decoding."""
    transition_weight: float = 0.3
    """Scale of the counted transition log-weights in decoding."""
    transition_smooth: float = 5.0
    """Add-k smoothing of the transition counts."""
    end_weight: float = 0.5
    """Extra scale of the end log-weights (a last action is not pushed towards result)."""
    cut_results: float = 0.0
    """Weight of the cut copies (``cut_before_result``) added to the STAR training sentences and
    transition counts: stories that stop before their result. 0 (the default) adds none; 0.3
    with end weight 1.0 and transition weight 0.25 found more missing results in short
    hand-written stories but also missed a plain "As a result, ..." ending (see git log)."""


@dataclass(frozen=True)
class Prepared:
    """One labeled answer with its embeddings."""

    answer: dict[str, Any]
    """The answer as in the corpus."""
    cleaned: tuple[str, ...]
    """Sentences, lower-case, fillers removed."""
    emb: Embedded
    """Its vectors."""
    kind: str
    """Question kind."""

    @property
    def labels(self) -> list[int]:
        """Gold STAR label indices."""
        return [STAR_LABELS.index(s["label"]) for s in self.answer["sentences"]]


def prepare(
    answers: Sequence[dict[str, Any]], embedder: Embedder, batch: int = 256
) -> list[Prepared]:
    """Clean and embed labeled answers (all texts in a few large calls).

    Args:
        answers: Corpus answers.
        embedder: Sentence embedder.
        batch: Texts per embedder call.
    """
    texts: list[str] = []
    spans = []
    for a in answers:
        cleaned = [clean_sentence(strip_marks(s["text"])) for s in a["sentences"]]
        comp = a.get("competency")
        extra = [a["question"], competency_text(comp) if comp else a["question"]]
        spans.append((len(texts), cleaned))
        texts += cleaned + extra
    vecs = (
        np.vstack(
            [
                np.asarray(embedder.embed(texts[i : i + batch]), np.float32)
                for i in range(0, len(texts), batch)
            ]
        )
        if texts
        else np.zeros((0, 1))
    )
    out = []
    for a, (at, cleaned) in zip(answers, spans, strict=True):
        n = len(cleaned)
        comp = vecs[at + n + 1] if a.get("competency") else None
        out.append(
            Prepared(
                a,
                tuple(cleaned),
                Embedded(vecs[at : at + n], vecs[at + n], comp),
                a.get("kind") or "behavioral",
            )
        )
    return out


def _features(p: Prepared) -> np.ndarray:
    return sentence_matrix(p.cleaned, p.kind, p.emb.sentences, p.emb.question)


def train(prepared: Sequence[Prepared], hyper: Hyper | None = None) -> TextModel:
    """Fit every weight of a ``TextModel``.

    Args:
        prepared: Answers from ``prepare`` (flags and content are fitted on those that carry
            them).
        hyper: Training settings.

    Returns:
        The fitted model.
    """
    h = hyper or Hyper()
    prepared = [p for p in prepared if star_labeled(p.answer)]
    feats = [_features(p) for p in prepared]
    x = np.vstack(feats)
    y = np.concatenate([p.labels for p in prepared])
    cuts = [c for c in map(cut_before_result, prepared) if c is not None] if h.cut_results else []
    sx = np.vstack([x, *map(_features, cuts)])
    sy = np.concatenate([y, *[c.labels for c in cuts]]).astype(np.int64)
    sw = np.concatenate([np.ones(len(y)), np.full(len(sy) - len(y), h.cut_results)])
    star = fit_softmax(
        sx, sy, len(STAR_LABELS), h.star_l2, h.iters, balanced=h.star_balanced, sample_weight=sw
    )
    counts = np.bincount(y, minlength=len(STAR_LABELS)) + 1.0
    log_start, log_trans, log_end = count_transitions(
        [p.labels for p in prepared] + [c.labels for c in cuts],
        len(STAR_LABELS),
        h.transition_smooth,
        [1.0] * len(prepared) + [h.cut_results] * len(cuts),
    )
    probas = (
        _out_of_fold(feats, [p.labels for p in prepared], h)
        if h.folds > 1
        else [star.proba(f) for f in feats]
    )
    flags, thresholds, directions, columns = fit_flags(prepared, feats, probas, h)
    empty = np.zeros((0, 1), np.float32)
    base = TextModel(
        star,
        np.log(counts / counts.sum()).astype(np.float32),
        log_start,
        log_trans,
        log_end,
        flags,
        thresholds,
        directions,
        columns,
        {},
        {},
        {},
        (),
        empty,
        empty,
        h.missing_threshold,
        h.prior_weight,
        h.transition_weight,
        h.end_weight,
    )
    content = _fit_content(prepared, feats, probas, base, h)
    sentence_content = _fit_sentence_content(prepared, feats, h)
    names, centroids, phrases = _competency_centroids(prepared)
    return replace(
        base,
        content=content,
        content_sentence=sentence_content,
        content_mix=dict(zip(CONTENT_FIELDS, h.content_mix, strict=True)),
        competencies=names,
        competency_centroids=centroids,
        competency_phrases=phrases,
    )


def cut_before_result(p: Prepared) -> Prepared | None:
    """The answer up to its first result sentence, or None unless that ends with an action.

    The corpus stories nearly all end with a result; these cut copies teach the labeller what a
    story that stops after its actions looks like (the sentence features are recomputed, so the
    last action is last).
    """
    labels = [s["label"] for s in p.answer["sentences"]]
    if "result" not in labels:
        return None
    k = labels.index("result")
    if k == 0 or labels[k - 1] != "action":
        return None
    answer = {**p.answer, "sentences": p.answer["sentences"][:k]}
    emb = Embedded(p.emb.sentences[:k], p.emb.question, p.emb.competency)
    return Prepared(answer, p.cleaned[:k], emb, p.kind)


def _out_of_fold(
    feats: Sequence[np.ndarray], labels: Sequence[Sequence[int]], h: Hyper
) -> list[np.ndarray]:
    """STAR probabilities of each training answer from a classifier fitted without it."""
    out: list[np.ndarray] = [np.zeros((0, 5))] * len(feats)
    for k in range(h.folds):
        test = [i for i in range(len(feats)) if i % h.folds == k]
        train_idx = [i for i in range(len(feats)) if i % h.folds != k]
        model = fit_softmax(
            np.vstack([feats[i] for i in train_idx]),
            np.concatenate([labels[i] for i in train_idx]),
            len(STAR_LABELS),
            h.star_l2,
            h.iters,
            balanced=h.star_balanced,
        )
        for i in test:
            out[i] = model.proba(feats[i])
    return out


def _fit_content(
    prepared: Sequence[Prepared],
    feats: Sequence[np.ndarray],
    probas: Sequence[np.ndarray],
    base: TextModel,
    h: Hyper,
) -> dict[str, Any]:
    """One binary classifier per content field, on the answers that carry it."""
    rows: list[np.ndarray] = []
    targets: list[dict[str, Any]] = []
    for p, x, pr in zip(prepared, feats, probas, strict=True):
        if "content" not in p.answer:
            continue
        fx = flag_matrix(x, pr, p.cleaned, p.emb.sentences, p.emb.question)
        fp = base.flag_proba(fx, p.emb.sentences)
        rows.append(answer_vector(x, p.emb, pr, fp, p.kind))
        targets.append(content_targets(p.answer))
    content = {}
    for field in CONTENT_FIELDS:
        keep = [i for i, t in enumerate(targets) if t[field] is not None]
        cy = np.array([int(bool(targets[i][field])) for i in keep], dtype=np.int64)
        cx = np.vstack([rows[i] for i in keep])
        content[field] = fit_softmax(cx, cy, 2, h.content_l2, h.iters)
    return content


def _fit_sentence_content(
    prepared: Sequence[Prepared], feats: Sequence[np.ndarray], h: Hyper
) -> dict[str, Any]:
    """Per content field, a sentence classifier whose target is its answer's value.

    result_concrete learns from the result sentences only; the others from every sentence.
    """
    out = {}
    for field in CONTENT_FIELDS:
        rows, ys = [], []
        for p, x in zip(prepared, feats, strict=True):
            target = content_targets(p.answer)[field] if "content" in p.answer else None
            if target is None:
                continue
            sx = content_sentence_matrix(x, p.emb)
            keep = [
                i
                for i, s in enumerate(p.answer["sentences"])
                if field != "result_concrete" or s["label"] == "result"
            ]
            rows.append(sx[keep])
            ys += [int(bool(target))] * len(keep)
        out[field] = fit_softmax(
            np.vstack(rows), np.array(ys, dtype=np.int64), 2, h.content_l2 * 10, h.iters
        )
    return out


def star_labeled(answer: dict[str, Any]) -> bool:
    """Whether an answer's sentence labels follow v2/GUIDE.md.

    Version 1 of the corpus (answers without ``content``) labeled every sentence of a
    non-behavioral answer "other"; the guide labels them too, so those answers are left out.
    """
    return "content" in answer or answer.get("kind", "behavioral") == "behavioral"


def content_targets(answer: dict[str, Any]) -> dict[str, Any]:
    """Gold content fields of an answer (result_concrete None unless a behavioral result)."""
    c = answer["content"]
    rc = c.get("result_concrete") if answer.get("kind") == "behavioral" else None
    return {
        "specific": c["specific"],
        "on_topic": c["on_topic"],
        "result_concrete": rc,
        "competency_shown": c["competency_shown"],
    }


def _competency_centroids(
    prepared: Sequence[Prepared],
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Per competency: mean unit question embedding (with the phrase), and the phrase vector."""
    groups: dict[str, list[np.ndarray]] = {}
    phrases: dict[str, np.ndarray] = {}
    for p in prepared:
        comp = p.answer.get("competency")
        if comp and p.emb.question is not None and p.emb.competency is not None:
            groups.setdefault(comp, []).append(p.emb.question)
            phrases[comp] = p.emb.competency
    names = tuple(sorted(groups))
    if not names:
        empty = np.zeros((0, 1), np.float32)
        return (), empty, empty
    cents = np.vstack([np.mean([*groups[n], phrases[n]], axis=0) for n in names])
    cents /= np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-9)
    return names, cents.astype(np.float32), np.vstack([phrases[n] for n in names])
