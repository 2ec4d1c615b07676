"""Read one answer with the learned models: STAR labels, sentence flags, content judgements.

``read_answer`` embeds the sentences and the question once (through the ``Embedder`` port),
builds the features of ``features`` and ``answer_features``, and applies the weights of a
``TextModel``. Training (``model_training``) calls the same feature functions, so what is
learned is what is applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from starcoach.core.analysis.answer_features import (
    CONTENT_NAMES,
    FLAG_FEATURE_NAMES,
    FLAG_INPUTS,
    content_vector,
    flag_columns,
    flag_matrix,
)
from starcoach.core.analysis.features import clean_sentence, sentence_matrix
from starcoach.core.analysis.text_model import CONTENT_FIELDS, FLAGS, STAR_LABELS, TextModel
from starcoach.core.ports import Embedder

__all__ = [
    "CONTENT_NAMES",
    "FLAG_FEATURE_NAMES",
    "FLAG_INPUTS",
    "Embedded",
    "Reading",
    "answer_vector",
    "competency_text",
    "content_sentence_matrix",
    "content_vector",
    "embed_answer",
    "flag_columns",
    "flag_matrix",
    "infer_competency",
    "pooled_content",
    "read_answer",
    "read_embedded",
]


@dataclass(frozen=True)
class Reading:
    """What the models read in one answer."""

    cleaned: tuple[str, ...]
    """Sentences, lower-case, fillers removed."""
    star_proba: np.ndarray
    """(n, 5) STAR label probabilities (``STAR_LABELS`` order)."""
    labels: tuple[str, ...]
    """Decoded label per sentence."""
    flag_proba: dict[str, np.ndarray]
    """Per flag, (n,) probabilities."""
    flags: tuple[tuple[str, ...], ...]
    """Flags set per sentence."""
    content_proba: dict[str, float]
    """Per content field, probability of true."""
    competency_asked: str | None
    """The competency the question probes (given or inferred), or None."""
    q_sim: np.ndarray
    """(n,) similarity of each sentence to the question (0 without one)."""
    competency_sim: np.ndarray | None = None
    """(n,) similarity of each sentence to the asked competency (None without one)."""


def competency_text(name: str) -> str:
    """The phrase embedded to stand for a competency."""
    return f"{name}: an example that shows {name}"


def infer_competency(q_emb: np.ndarray | None, model: TextModel) -> str | None:
    """Nearest competency to a question embedding (None without a question)."""
    if q_emb is None or not model.competencies:
        return None
    return model.competencies[int(np.argmax(model.competency_centroids @ q_emb))]


@dataclass(frozen=True)
class Embedded:
    """The vectors of one answer."""

    sentences: np.ndarray
    """(n, d) unit sentence embeddings."""
    question: np.ndarray | None
    """(d,) unit question embedding, or None."""
    competency: np.ndarray | None
    """(d,) unit embedding of the competency phrase, or None."""


def embed_answer(
    embedder: Embedder, cleaned: Sequence[str], question: str | None, competency: str | None
) -> Embedded:
    """Embed sentences, question and competency phrase in one call."""
    extra = [t for t in (question, competency_text(competency) if competency else None) if t]
    vecs = np.asarray(embedder.embed([*cleaned, *extra]), dtype=np.float32)
    n = len(cleaned)
    q = vecs[n] if question else None
    c = vecs[-1] if competency else None
    return Embedded(vecs[:n], q, c)


def read_answer(
    texts: Sequence[str],
    question: str | None,
    kind: str | None,
    competency: str | None,
    embedder: Embedder,
    model: TextModel,
    fillers_removed: bool = False,
) -> Reading:
    """Apply the learned models to one answer.

    Args:
        texts: The answer's sentences (fillers may be present).
        question: The question text, or None.
        kind: "behavioral" | "open" | "situational", or None when unknown.
        competency: The competency the question probes; None to infer it from the question.
        embedder: Sentence embedder.
        model: Learned weights.
        fillers_removed: The texts are already free of fillers.

    Returns:
        Labels, flags and content probabilities.
    """
    cleaned = [clean_sentence(t, not fillers_removed) for t in texts]
    q = question.strip() if question and question.strip() else None
    known = competency in model.competencies
    emb = embed_answer(embedder, cleaned, q, None if known else competency)
    if competency is None:
        competency = infer_competency(emb.question, model)
        known = competency is not None
    if known:
        phrase = model.competency_phrases[model.competencies.index(competency)]
        emb = Embedded(emb.sentences, emb.question, phrase)
    return read_embedded(cleaned, emb, kind, competency, model)


def read_embedded(
    cleaned: Sequence[str],
    emb: Embedded,
    kind: str | None,
    competency: str | None,
    model: TextModel,
) -> Reading:
    """``read_answer`` once the embeddings are known (used by training and evaluation)."""
    n = len(cleaned)
    if n == 0:
        empty = np.zeros(0, dtype=np.float32)
        return Reading(
            (),
            np.zeros((0, 5), np.float32),
            (),
            {f: empty for f in FLAGS},
            ((),) * 0,
            dict.fromkeys(CONTENT_FIELDS, 0.5),
            competency,
            empty,
        )
    x = sentence_matrix(cleaned, kind, emb.sentences, emb.question)
    proba = model.star.proba(x)
    labels = tuple(STAR_LABELS[i] for i in model.decode(proba))
    fx = flag_matrix(x, proba, cleaned, emb.sentences, emb.question)
    flag_proba = model.flag_proba(fx, emb.sentences)
    flags = tuple(
        tuple(f for f in FLAGS if flag_proba[f][i] >= model.flag_thresholds[f]) for i in range(n)
    )
    cv = answer_vector(x, emb, proba, flag_proba, kind)
    pooled = pooled_content(content_sentence_matrix(x, emb), proba, model)
    mix = model.content_mix
    content = {
        c: mix[c] * float(model.content[c].proba(cv[None, :])[0, 1]) + (1 - mix[c]) * pooled[c]
        for c in CONTENT_FIELDS
    }
    q_sim = emb.sentences @ emb.question if emb.question is not None else np.zeros(n)
    c_sim = emb.sentences @ emb.competency if emb.competency is not None else None
    return Reading(
        tuple(cleaned),
        proba,
        labels,
        flag_proba,
        flags,
        content,
        competency,
        q_sim.astype(np.float32),
        c_sim,
    )


def content_sentence_matrix(x: np.ndarray, emb: Embedded) -> np.ndarray:
    """Sentence features of the pooled content classifiers: ``x`` + similarity to competency."""
    n = len(x)
    c = emb.sentences @ emb.competency if emb.competency is not None else np.zeros(n)
    return np.hstack([x, c.reshape(n, 1)]).astype(np.float32)


def pooled_content(sx: np.ndarray, star_proba: np.ndarray, model: TextModel) -> dict[str, float]:
    """Per content field, the sentence probabilities pooled over the answer.

    result_concrete is weighted by each sentence's result probability; the others are means.
    """
    res = star_proba[:, 3]
    w = res / res.sum() if res.sum() > 1e-6 else np.full(len(res), 1.0 / max(1, len(res)))
    out = {}
    for c in CONTENT_FIELDS:
        p = model.content_sentence[c].proba(sx)[:, 1]
        out[c] = float(w @ p) if c == "result_concrete" else float(p.mean())
    return out


def answer_vector(
    x: np.ndarray,
    emb: Embedded,
    proba: np.ndarray,
    flag_proba: dict[str, np.ndarray],
    kind: str | None,
) -> np.ndarray:
    """``content_vector`` computed from an answer's embeddings."""
    n = len(x)
    mean = emb.sentences.mean(axis=0)
    mean = mean / max(float(np.linalg.norm(mean)), 1e-9)
    a_sim = float(mean @ emb.question) if emb.question is not None else 0.0
    c_sims = emb.sentences @ emb.competency if emb.competency is not None else np.zeros(n)
    return content_vector(x, emb.sentences.shape[1], proba, flag_proba, a_sim, c_sims, kind)
