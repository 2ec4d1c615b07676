"""The learned text models: softmax regression, Viterbi decoding, and the weights container.

Everything here is numpy only. ``fit_softmax`` trains a multinomial logistic regression by
full-batch gradient descent (Adam steps, L2 penalty) on standardised features; ``viterbi`` picks
the best STAR label sequence from per-sentence log-probabilities and transition log-weights that
were counted in the training data. ``TextModel`` holds every weight and converts to and from a
flat dict of arrays (the ``.npz`` file shipped in ``starcoach/data/models``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STAR_LABELS = ("situation", "task", "action", "result", "other")
"""Sentence labels, in the order of the STAR classifier's outputs."""
FLAGS = ("negative", "off_topic", "hypothetical")
"""Sentence flags, one binary classifier each."""
CONTENT_FIELDS = ("specific", "on_topic", "result_concrete", "competency_shown")
"""Answer-level judgements, one binary classifier each."""
MODEL_VERSION = 2
"""Bumped when the feature layout changes (a file of another version is refused)."""


@dataclass(frozen=True)
class Linear:
    """A standardised linear softmax classifier: softmax(((x - mean) / scale) @ w.T + b)."""

    mean: np.ndarray
    """(d,) feature means."""
    scale: np.ndarray
    """(d,) feature scales (never 0)."""
    w: np.ndarray
    """(k, d) weights."""
    b: np.ndarray
    """(k,) biases."""

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, (n, k), for a (n, d) feature matrix."""
        z = ((x - self.mean) / self.scale) @ self.w.T + self.b
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return out


def fit_softmax(
    x: np.ndarray,
    y: np.ndarray,
    k: int,
    l2: float = 1.0,
    iters: int = 300,
    balanced: bool = False,
    lr: float = 0.05,
    sample_weight: np.ndarray | None = None,
) -> Linear:
    """Fit a multinomial logistic regression.

    Args:
        x: (n, d) features.
        y: (n,) integer classes in 0..k-1.
        k: Number of classes.
        l2: L2 penalty on the weights (sum over weights, divided by n).
        iters: Gradient steps.
        balanced: Weight samples inversely to their class frequency.
        lr: Adam step size.
        sample_weight: (n,) per-sample weights (times the balancing ones); None: all 1.

    Returns:
        The fitted classifier.
    """
    x = np.asarray(x, dtype=np.float64)
    n, d = x.shape
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    xs = (x - mean) / scale
    onehot = np.eye(k)[y]
    counts = np.bincount(y, minlength=k).astype(np.float64)
    sw = (n / (k * np.maximum(counts, 1.0)))[y] if balanced else np.ones(n)
    if sample_weight is not None:
        sw = sw * np.asarray(sample_weight, dtype=np.float64)
    sw = sw / sw.sum()
    w = np.zeros((k, d))
    b = np.log((counts + 1.0) / (n + k))
    params = [w, b]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    for t in range(1, iters + 1):
        z = xs @ w.T + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sw[:, None]
        grads = [g.T @ xs + (l2 / n) * w, g.sum(axis=0)]
        for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m1[i] = 0.9 * m1[i] + 0.1 * grad
            m2[i] = 0.999 * m2[i] + 0.001 * grad * grad
            step = (m1[i] / (1 - 0.9**t)) / (np.sqrt(m2[i] / (1 - 0.999**t)) + 1e-8)
            param -= lr * step
    return Linear(
        mean.astype(np.float32),
        scale.astype(np.float32),
        w.astype(np.float32),
        b.astype(np.float32),
    )


def discriminant(e: np.ndarray, y: np.ndarray, shrink: float = 0.1) -> np.ndarray:
    """Unit direction separating embeddings of class 1 from class 0 (shrunk LDA).

    Args:
        e: (n, d) embeddings.
        y: (n,) 0/1 labels.
        shrink: Added to the covariance diagonal.
    """
    if y.min() == y.max():
        return np.zeros(e.shape[1], dtype=np.float32)
    cov = np.cov(e.T) + shrink * np.eye(e.shape[1])
    w = np.linalg.solve(cov, e[y == 1].mean(axis=0) - e[y == 0].mean(axis=0))
    return (w / max(float(np.linalg.norm(w)), 1e-12)).astype(np.float32)


def count_transitions(
    sequences: Sequence[Sequence[int]],
    k: int,
    smooth: float = 1.0,
    weights: Sequence[float] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log start, transition and end probabilities counted from label sequences.

    Args:
        sequences: Label index sequences (one per answer).
        k: Number of labels.
        smooth: Add-``smooth`` counts.
        weights: What each sequence counts for (None: 1 each).

    Returns:
        (log_start (k,), log_trans (k, k) from row to column, log_end (k,)).
    """
    start = np.full(k, smooth)
    trans = np.full((k, k), smooth)
    end = np.full(k, smooth)
    for seq, wt in zip(sequences, weights or [1.0] * len(sequences), strict=True):
        if not len(seq):
            continue
        start[seq[0]] += wt
        end[seq[-1]] += wt
        for a, b in zip(seq[:-1], seq[1:], strict=True):
            trans[a, b] += wt
    outs = trans.sum(axis=1) + end
    return (
        np.log(start / start.sum()).astype(np.float32),
        np.log(trans / outs[:, None]).astype(np.float32),
        np.log(end / outs).astype(np.float32),
    )


def viterbi(
    log_emit: np.ndarray, log_start: np.ndarray, log_trans: np.ndarray, log_end: np.ndarray
) -> list[int]:
    """Most likely label sequence.

    Args:
        log_emit: (n, k) per-sentence label scores (log domain).
        log_start: (k,) log start weights.
        log_trans: (k, k) log transition weights (row: from, column: to).
        log_end: (k,) log end weights.

    Returns:
        n label indices.
    """
    n = log_emit.shape[0]
    if n == 0:
        return []
    best = log_start + log_emit[0]
    back = np.zeros((n, log_emit.shape[1]), dtype=np.int64)
    for i in range(1, n):
        cand = best[:, None] + log_trans
        back[i] = cand.argmax(axis=0)
        best = cand.max(axis=0) + log_emit[i]
    path = [int(np.argmax(best + log_end))]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    return path[::-1]


@dataclass(frozen=True)
class TextModel:
    """Every learned weight the text analysis uses."""

    star: Linear
    """Sentence -> STAR label (``STAR_LABELS``) probabilities."""
    log_prior: np.ndarray
    """(5,) log label frequencies, divided out of the probabilities before decoding."""
    log_start: np.ndarray
    """(5,) log start weights of the label sequence."""
    log_trans: np.ndarray
    """(5, 5) log transition weights."""
    log_end: np.ndarray
    """(5,) log end weights."""
    flags: dict[str, Linear]
    """Per flag (``FLAGS``): sentence features + STAR probabilities -> no/yes."""
    flag_thresholds: dict[str, float]
    """Probability at or above which a flag is set."""
    flag_directions: dict[str, np.ndarray]
    """Per flag, a (d,) embedding direction (shrunk linear discriminant); the projection of a
    sentence's embedding on it is one more feature of that flag's classifier."""
    flag_columns: dict[str, np.ndarray]
    """Per flag, the indices of the flag-feature columns its classifier reads."""
    content: dict[str, Linear]
    """Per content field: answer features -> false/true."""
    content_sentence: dict[str, Linear]
    """Per content field: sentence features -> false/true (pooled over the answer's sentences)."""
    content_mix: dict[str, float]
    """Per content field, weight of the answer-level classifier against the pooled sentence one."""
    competencies: tuple[str, ...]
    """Competency names."""
    competency_centroids: np.ndarray
    """(c, d) unit mean question embedding per competency."""
    competency_phrases: np.ndarray
    """(c, d) embedding of each competency's phrase (``reading.competency_text``)."""
    missing_threshold: float
    """A part is missing when no sentence's probability for it reaches this."""
    prior_weight: float = 1.0
    """How much of the label prior is divided out of the probabilities before decoding."""
    transition_weight: float = 1.0
    """Scale of the start/transition/end log-weights against the sentence probabilities."""
    end_weight: float = 1.0
    """Extra scale of the end log-weights (how much "stories end with a result" counts)."""

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat dict of arrays for ``numpy.savez``."""
        out: dict[str, np.ndarray] = {"version": np.array(MODEL_VERSION)}
        for name, lin in [
            ("star", self.star),
            *[(f"flag.{k}", v) for k, v in self.flags.items()],
            *[(f"content.{k}", v) for k, v in self.content.items()],
            *[(f"content_sentence.{k}", v) for k, v in self.content_sentence.items()],
        ]:
            for part in ("mean", "scale", "w", "b"):
                out[f"{name}.{part}"] = getattr(lin, part)
        out.update(
            log_prior=self.log_prior,
            log_start=self.log_start,
            log_trans=self.log_trans,
            log_end=self.log_end,
            competencies=np.array(self.competencies),
            competency_centroids=self.competency_centroids,
            competency_phrases=self.competency_phrases,
            missing_threshold=np.array(self.missing_threshold),
            content_mix=np.array([self.content_mix[c] for c in CONTENT_FIELDS]),
            prior_weight=np.array(self.prior_weight),
            transition_weight=np.array(self.transition_weight),
            end_weight=np.array(self.end_weight),
        )
        for k, v in self.flag_thresholds.items():
            out[f"flag_threshold.{k}"] = np.array(v)
            out[f"flag_direction.{k}"] = self.flag_directions[k]
            out[f"flag_columns.{k}"] = self.flag_columns[k]
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> TextModel:
        """Rebuild from ``to_arrays`` output.

        Raises:
            ValueError: the arrays are from another model version or incomplete.
        """
        if int(arrays.get("version", -1)) != MODEL_VERSION:
            raise ValueError(f"text model version {arrays.get('version')} != {MODEL_VERSION}")

        def lin(name: str) -> Linear:
            return Linear(
                *(
                    np.asarray(arrays[f"{name}.{p}"], dtype=np.float32)
                    for p in ("mean", "scale", "w", "b")
                )
            )

        try:
            return cls(
                star=lin("star"),
                log_prior=arrays["log_prior"],
                log_start=arrays["log_start"],
                log_trans=arrays["log_trans"],
                log_end=arrays["log_end"],
                flags={f: lin(f"flag.{f}") for f in FLAGS},
                flag_thresholds={f: float(arrays[f"flag_threshold.{f}"]) for f in FLAGS},
                flag_directions={
                    f: np.asarray(arrays[f"flag_direction.{f}"], np.float32) for f in FLAGS
                },
                flag_columns={f: np.asarray(arrays[f"flag_columns.{f}"], np.int64) for f in FLAGS},
                content={c: lin(f"content.{c}") for c in CONTENT_FIELDS},
                content_sentence={c: lin(f"content_sentence.{c}") for c in CONTENT_FIELDS},
                content_mix=dict(
                    zip(CONTENT_FIELDS, map(float, arrays["content_mix"]), strict=True)
                ),
                competencies=tuple(str(c) for c in arrays["competencies"]),
                competency_centroids=np.asarray(arrays["competency_centroids"], np.float32),
                competency_phrases=np.asarray(arrays["competency_phrases"], np.float32),
                missing_threshold=float(arrays["missing_threshold"]),
                prior_weight=float(arrays["prior_weight"]),
                transition_weight=float(arrays["transition_weight"]),
                end_weight=float(arrays["end_weight"]),
            )
        except KeyError as exc:
            raise ValueError(f"text model lacks {exc.args[0]}") from None

    def flag_proba(self, fx: np.ndarray, sent_emb: np.ndarray) -> dict[str, np.ndarray]:
        """Per flag, (n,) probabilities from flag features and the sentence embeddings."""
        return {
            f: self.flags[f].proba(
                np.hstack(
                    [fx[:, self.flag_columns[f]], (sent_emb @ self.flag_directions[f])[:, None]]
                )
            )[:, 1]
            for f in FLAGS
        }

    def decode(self, proba: np.ndarray) -> list[int]:
        """STAR label indices for an answer from its (n, 5) sentence probabilities."""
        emit = np.log(np.maximum(proba, 1e-9)) - self.prior_weight * self.log_prior
        tw = self.transition_weight
        ew = tw * self.end_weight
        return viterbi(emit, tw * self.log_start, tw * self.log_trans, ew * self.log_end)
