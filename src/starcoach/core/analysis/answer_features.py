"""Features of the flag and content classifiers, computed from one answer's sentence matrix.

``flag_matrix`` builds the per-sentence inputs of the flag classifiers (``FLAG_FEATURE_NAMES``;
``FLAG_INPUTS`` says which columns each flag reads) and ``content_vector`` the answer-level
inputs of the content classifiers (``CONTENT_NAMES``). ``reading`` applies them and
``model_training`` fits on them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from starcoach.core.analysis.features import GRAMMAR_NAMES
from starcoach.core.analysis.stance import STANCE_NAMES, stance_features
from starcoach.core.analysis.text_model import STAR_LABELS

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
