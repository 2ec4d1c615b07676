"""Read one answer with the learned models: STAR labels, sentence flags, content judgements.

``read_answer`` embeds the sentences and the question once (through the ``Embedder`` port),
builds the features of ``features``, and applies the weights of a ``TextModel``. Training
(``model_training``) calls the same feature functions, so what is learned is what is applied.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from starcoach.core.analysis.features import GRAMMAR_NAMES, clean_sentence, sentence_matrix
from starcoach.core.analysis.stance import STANCE_NAMES, stance_features
from starcoach.core.analysis.text_model import CONTENT_FIELDS, FLAGS, STAR_LABELS, TextModel
from starcoach.core.ports import Embedder

_G = {name: i for i, name in enumerate(GRAMMAR_NAMES)}
CONTENT_NAMES = (
    "share_situation",
    "share_task",
    "share_action",
    "share_result",
    "share_other",
    "max_task",
    "max_action",
    "max_result",
    "numbers_all",
    "numbers_result",
    "time_result",
    "third_result",
    "i_past_mean",
    "we_past_mean",
    "past_mean",
    "habit_mean",
    "would_mean",
    "you_mean",
    "hyp_mean",
    "hyp_max",
    "off_mean",
    "off_max",
    "neg_max",
    "q_sim_answer",
    "q_sim_mean",
    "q_sim_min",
    "comp_sim",
    "comp_sim_max",
    "kind_behavioral",
    "kind_open",
    "kind_situational",
    "log_n",
)
"""Answer-level features of the content classifiers, in vector order."""


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


FLAG_FEATURE_NAMES = (
    *GRAMMAR_NAMES,
    *(f"prev.{n}" for n in GRAMMAR_NAMES),
    *(f"next.{n}" for n in GRAMMAR_NAMES),
    *STANCE_NAMES,
    *(f"answer.{n}" for n in STANCE_NAMES),
    *(f"p.{lab}" for lab in STAR_LABELS),
    "cohesion",
    "cohesion_rel",
    "q_sim_rel",
    "near_judged",
    "near_contempt",
)
"""Columns of ``flag_matrix``, in order."""
_OFF_TOPIC_GRAMMAR = (
    "subj_i",
    "subj_third",
    "subj_det_noun",
    "i_any",
    "we_any",
    "third_any",
    "past_ratio",
    "present_ratio",
    "numbers",
    "log_words",
    "pos",
    "is_first",
    "is_last",
    "q_sim",
    "kind_behavioral",
    "kind_open",
    "kind_situational",
)
FLAG_INPUTS: dict[str, tuple[str, ...]] = {
    "negative": (
        *STANCE_NAMES,
        "near_judged",
        "near_contempt",
        "answer.judged_target",
        "answer.contempt",
        "answer.sweep",
        "answer.aside",
        *(f"p.{lab}" for lab in STAR_LABELS),
    ),
    "off_topic": (
        *_OFF_TOPIC_GRAMMAR,
        "life",
        "digress",
        "aside",
        "target",
        "self_subject",
        "answer.life",
        "answer.digress",
        *(f"p.{lab}" for lab in STAR_LABELS),
        "cohesion",
        "cohesion_rel",
        "q_sim_rel",
    ),
    "hypothetical": tuple(
        n
        for n in FLAG_FEATURE_NAMES
        if not n.startswith(("answer.", "near_")) and n not in STANCE_NAMES
    ),
}
"""Which ``flag_matrix`` columns each flag classifier reads (few, general signals for the rare
flags, so that 30-odd examples are enough to weigh them)."""


def flag_columns(flag: str) -> np.ndarray:
    """Indices into ``flag_matrix`` columns of the inputs of one flag's classifier."""
    index = {n: i for i, n in enumerate(FLAG_FEATURE_NAMES)}
    return np.array([index[n] for n in FLAG_INPUTS[flag]], dtype=np.int64)


def flag_matrix(
    x: np.ndarray,
    star_proba: np.ndarray,
    cleaned: Sequence[str],
    sent_emb: np.ndarray,
    q_emb: np.ndarray | None = None,
) -> np.ndarray:
    """Features of the flag classifiers (columns: ``FLAG_FEATURE_NAMES``).

    The grammatical features (of the sentence and its neighbours), the stance signals of the
    sentence and their mean over the answer, the STAR probabilities, how close the sentence is
    to the rest of the answer (and that against the answer's mean), and its similarity to the
    question against the answer's mean. The raw embedding is left out (too many dimensions for
    the few flagged sentences to learn from); ``TextModel.flag_proba`` adds its projection on
    one learned direction per flag instead.
    """
    dim = sent_emb.shape[1]
    n = len(cleaned)
    stance = (
        np.vstack([stance_features(c) for c in cleaned])
        if n
        else np.zeros((0, len(STANCE_NAMES)), np.float32)
    )
    total = sent_emb.sum(axis=0, keepdims=True)
    rest = (total - sent_emb) / max(1, n - 1)
    rest /= np.maximum(np.linalg.norm(rest, axis=1, keepdims=True), 1e-9)
    cohesion = (sent_emb * rest).sum(axis=1) if n > 1 else np.zeros(n)
    q_sim = sent_emb @ q_emb if q_emb is not None else np.zeros(n)
    context = np.repeat(stance.mean(axis=0, keepdims=True), n, axis=0) if n else stance
    near = np.zeros((n, 2), np.float32)
    cols = [STANCE_NAMES.index("judged_target"), STANCE_NAMES.index("contempt")]
    if n > 1:
        padded = np.vstack([np.zeros((1, 2)), stance[:, cols], np.zeros((1, 2))])
        near = np.maximum(padded[:-2], padded[2:])
    rel = [
        cohesion,
        cohesion - cohesion.mean() if n else cohesion,
        q_sim - q_sim.mean() if n else q_sim,
        near[:, 0],
        near[:, 1],
    ]
    return np.hstack(
        [x[:, dim:], stance, context, star_proba, np.vstack(rel).T.reshape(n, 5)]
    ).astype(np.float32)


def content_vector(
    x: np.ndarray,
    dim: int,
    star_proba: np.ndarray,
    flag_proba: dict[str, np.ndarray],
    answer_q_sim: float,
    comp_sims: np.ndarray,
    kind: str | None,
) -> np.ndarray:
    """The answer-level feature vector (order: ``CONTENT_NAMES``).

    Args:
        x: (n, dim + grammar) sentence features.
        dim: Embedding length (grammar features start there).
        star_proba: (n, 5) STAR probabilities.
        flag_proba: Per flag, (n,) probabilities.
        answer_q_sim: Similarity of the whole answer's mean embedding to the question.
        comp_sims: (n,) similarity of each sentence to the asked competency (zeros if none).
        kind: Question kind or None.
    """
    g = x[:, dim:]
    res = star_proba[:, 3]
    wres = res / res.sum() if res.sum() > 1e-6 else np.zeros_like(res)

    def col(name: str) -> np.ndarray:
        return g[:, _G[name]]

    v = [
        *star_proba.mean(axis=0),
        star_proba[:, 1].max(),
        star_proba[:, 2].max(),
        res.max(),
        col("numbers").mean(),
        float(wres @ col("numbers")),
        float(wres @ col("time_unit")),
        float(wres @ col("third_past")),
        col("i_past").mean(),
        col("we_past").mean(),
        col("past_ratio").mean(),
        col("habit").mean(),
        col("would").mean(),
        col("you_any").mean(),
        flag_proba["hypothetical"].mean(),
        flag_proba["hypothetical"].max(),
        flag_proba["off_topic"].mean(),
        flag_proba["off_topic"].max(),
        flag_proba["negative"].max(),
        answer_q_sim,
        col("q_sim").mean(),
        col("q_sim").min(),
        float(comp_sims.mean()),
        float(comp_sims.max()),
        float(kind == "behavioral"),
        float(kind == "open"),
        float(kind == "situational"),
        math.log1p(len(g)) / 3.0,
    ]
    return np.array(v, dtype=np.float32)


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
