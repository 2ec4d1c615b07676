"""Fit the sentence-flag classifiers (negative, off-topic, hypothetical) of a ``TextModel``.

Called by ``model_training.train``: one binary classifier per flag on the answers whose
sentences carry flags, with its threshold chosen on out-of-fold probabilities
(``choose_threshold``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from starcoach.core.analysis.answer_features import flag_columns, flag_matrix
from starcoach.core.analysis.text_model import FLAGS, Linear, discriminant, fit_softmax

if TYPE_CHECKING:
    from starcoach.core.analysis.model_training import Hyper, Prepared


def fit_flags(
    prepared: Sequence[Prepared],
    feats: Sequence[np.ndarray],
    probas: Sequence[np.ndarray],
    h: Hyper,
) -> tuple[dict[str, Linear], dict[str, float], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """One binary classifier per flag, its threshold, embedding direction and input columns.

    Fitted on the answers whose sentences carry flags. The threshold is chosen on these training
    answers alone: classifiers fitted on two thirds of them score the last third, and the
    threshold is set from those out-of-fold probabilities (``choose_threshold``).
    """
    flagged = [
        i for i, p in enumerate(prepared) if all("flags" in s for s in p.answer["sentences"])
    ]
    fx = np.vstack(
        [
            flag_matrix(
                feats[i],
                probas[i],
                prepared[i].cleaned,
                prepared[i].emb.sentences,
                prepared[i].emb.question,
            )
            for i in flagged
        ]
    )
    fe = np.vstack([prepared[i].emb.sentences for i in flagged])
    answer_of = np.concatenate([[k] * len(prepared[i].cleaned) for k, i in enumerate(flagged)])
    fold = answer_of % h.folds
    flags, thresholds, directions, columns = {}, {}, {}, {}
    for j, f in enumerate(FLAGS):
        fy = np.array(
            [f in s["flags"] for i in flagged for s in prepared[i].answer["sentences"]],
            dtype=np.int64,
        )
        cols = flag_columns(f)
        use = f in h.flag_embedding
        directions[f] = discriminant(fe, fy) if use else np.zeros(fe.shape[1], np.float32)
        proj = np.zeros(len(fy), dtype=np.float32)
        for k in range(h.folds if use else 0):  # out of fold: its weight is not over-trusted
            held = fold == k
            proj[held] = fe[held] @ discriminant(fe[~held], fy[~held])
        xf = np.hstack([fx[:, cols], proj[:, None]])
        oof = np.zeros(len(fy))
        for k in range(h.folds):
            held = fold == k
            inner = fit_softmax(
                xf[~held], fy[~held], 2, h.flag_l2[j], h.iters, balanced=h.flag_balanced
            )
            oof[held] = inner.proba(xf[held])[:, 1]
        flags[f] = fit_softmax(xf, fy, 2, h.flag_l2[j], h.iters, balanced=h.flag_balanced)
        fixed = h.flag_fixed_threshold[j]
        thresholds[f] = choose_threshold(oof, fy, h.flag_beta[j]) if fixed is None else fixed
        columns[f] = cols
    return flags, thresholds, directions, columns


def choose_threshold(proba: np.ndarray, y: np.ndarray, beta: float = 1.0) -> float:
    """The probability threshold with the best F-beta score of ``proba`` against ``y``.

    Thresholds run from 0.30 to 0.95 in steps of 0.025; when several score the best, the middle
    one is taken (the widest margin on both sides). 0.5 when nothing is positive.
    """
    if not y.any():
        return 0.5
    grid = np.round(np.arange(0.30, 0.951, 0.025), 3)
    scores = []
    for t in grid:
        pred = proba >= t
        tp = float((pred & (y == 1)).sum())
        scores.append(
            (1 + beta**2)
            * tp
            / max(1e-9, (1 + beta**2) * tp + beta**2 * (y.sum() - tp) + (pred.sum() - tp))
        )
    best = np.flatnonzero(np.array(scores) >= max(scores) - 1e-9)
    return float(grid[best[len(best) // 2]])
