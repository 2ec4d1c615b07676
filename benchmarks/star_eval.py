"""Leave-one-source-out evaluation of the learned text models (STAR, flags, content).

Four sources: ``answers.json`` (v1) and ``v2/author-a|b|c.json``. For each source the models
are trained on the other three and scored on it; nothing is scored on data it was fitted to.
Used by ``benchmarks/accuracy.py``; run alone with
``python benchmarks/star_eval.py [--cache FILE]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = {"v1": "answers.json", "author-a": "v2/author-a.json", "author-b": "v2/author-b.json",
           "author-c": "v2/author-c.json"}
SAR = ("situation", "action", "result")

from starcoach.core.analysis.model_training import (  # noqa: E402
    Hyper,
    Prepared,
    content_targets,
    prepare,
    star_labeled,
    train,
)
from starcoach.core.analysis.reading import read_embedded  # noqa: E402
from starcoach.core.analysis.star import missing_parts  # noqa: E402
from starcoach.core.analysis.text_model import STAR_LABELS, TextModel  # noqa: E402


def load_sources(corpus: Path = CORPUS) -> dict[str, list[dict[str, Any]]]:
    """The four labeled sources; raises FileNotFoundError when the corpus is missing."""
    return {name: json.loads((corpus / rel).read_text())["answers"]
            for name, rel in SOURCES.items()}


class CachedEmbedder:
    """Wraps an embedder with an on-disk cache keyed by text (development speed-up only)."""

    def __init__(self, inner: Any, path: Path | None) -> None:
        self.inner, self.path = inner, path
        self.cache: dict[str, np.ndarray] = {}
        if path and path.exists():
            data = np.load(path)
            self.cache = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        new = {k: t for k, t in zip(keys, texts, strict=True) if k not in self.cache}
        todo = sorted(new.items())
        if todo:
            vecs = self.inner.embed([t for _, t in todo])
            self.cache.update({k: v for (k, _), v in zip(todo, vecs, strict=True)})
            if self.path:
                np.savez(self.path, keys=np.array(list(self.cache)),
                         vecs=np.vstack(list(self.cache.values())))
        return np.vstack([self.cache[k] for k in keys]) if keys else np.zeros((0, 384))


def score(model: TextModel, test: Sequence[Prepared]) -> dict[str, Any]:
    """Counts for every measured field on held-out answers."""
    c: dict[str, Any] = {"ok": 0, "n": 0, "conf": np.zeros((5, 5), int), "miss_ok": 0,
                         "miss_n": 0, "flags": {}, "content": {}}
    for p in test:
        r = read_embedded(p.cleaned, p.emb, p.kind, p.answer.get("competency"), model)
        gold = [s["label"] for s in p.answer["sentences"]]
        for g, lab in zip(gold, r.labels, strict=True) if star_labeled(p.answer) else ():
            c["conf"][STAR_LABELS.index(g), STAR_LABELS.index(lab)] += 1
        if p.kind == "behavioral":
            want = set(p.answer["expected_missing"]) & set(SAR)
            got = set(missing_parts(r.labels, r.star_proba, model.missing_threshold)) & set(SAR)
            c["miss_ok"] += want == got
            c["miss_n"] += 1
        for i, s in enumerate(p.answer["sentences"]):
            if "flags" not in s:
                continue
            for f in ("negative", "off_topic", "hypothetical"):
                t = c["flags"].setdefault(f, [0, 0, 0])
                gold_f, pred_f = f in s["flags"], f in r.flags[i]
                t[0] += gold_f and pred_f
                t[1] += pred_f and not gold_f
                t[2] += gold_f and not pred_f
        if "content" in p.answer:
            from starcoach.core.analysis.content import judge_content

            judged = judge_content(r, p.kind == "behavioral")
            for field, want in content_targets(p.answer).items():
                got = judged.competency_shown if field == "competency_shown" else getattr(
                    judged, field)
                t = c["content"].setdefault(field, [0, 0])
                t[0] += got == want
                t[1] += 1
    return c


def summarize(c: dict[str, Any]) -> dict[str, Any]:
    """Accuracy, F1s, missing exactness, flag P/R and content accuracy from counts."""
    conf = c["conf"]
    f1 = {}
    for i, lab in enumerate(STAR_LABELS):
        tp, fp, fn = conf[i, i], conf[:, i].sum() - conf[i, i], conf[i, :].sum() - conf[i, i]
        f1[lab] = 2 * tp / max(1, 2 * tp + fp + fn)
    out = {"acc": np.trace(conf) / max(1, conf.sum()),
           "macro_f1": float(np.mean(list(f1.values()))), "f1": f1,
           "missing": c["miss_ok"] / max(1, c["miss_n"]), "flags": {}, "content": {}}
    for f, (tp, fp, fn) in c["flags"].items():
        out["flags"][f] = (tp / (tp + fp) if tp + fp else None, tp / max(1, tp + fn), tp + fn)
    for f, (ok, n) in c["content"].items():
        out["content"][f] = ok / max(1, n)
    return out


def merge(total: dict[str, Any], c: dict[str, Any]) -> None:
    """Add counts ``c`` into ``total``."""
    total["conf"] = total.get("conf", np.zeros((5, 5), int)) + c["conf"]
    total["miss_ok"] = total.get("miss_ok", 0) + c["miss_ok"]
    total["miss_n"] = total.get("miss_n", 0) + c["miss_n"]
    for key in ("flags", "content"):
        dst = total.setdefault(key, {})
        for f, v in c[key].items():
            dst[f] = [a + b for a, b in zip(dst.get(f, [0] * len(v)), v, strict=True)]


def loao(prepared: dict[str, list[Prepared]], hyper: Hyper | None = None
         ) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Per held-out source figures and the pooled figures over all four folds."""
    per, pooled = {}, {}
    for held in prepared:
        train_set = [p for name, ps in prepared.items() if name != held for p in ps]
        c = score(train(train_set, hyper), prepared[held])
        per[held] = summarize(c)
        merge(pooled, c)
    return per, summarize(pooled)


def print_table(per: dict[str, dict[str, Any]], pooled: dict[str, Any]) -> None:
    """The leave-one-source-out table."""
    cols = [*per, "mean", "pooled"]
    mean = {k: float(np.mean([per[s][k] for s in per])) for k in ("acc", "macro_f1", "missing")}
    print("  held-out source:       " + " ".join(f"{c:>9}" for c in cols))

    def row(name: str, get: Any) -> None:
        vals = [get(per[s]) for s in per]
        good = [v for v in vals if v is not None]
        m = float(np.mean(good)) if good else None
        cells = [*vals, m, get(pooled)]
        print(f"  {name:<22} " + " ".join("      n/a" if v is None else f"{v:9.3f}"
                                           for v in cells))

    row("STAR accuracy", lambda r: r["acc"])
    row("STAR macro-F1", lambda r: r["macro_f1"])
    for lab in STAR_LABELS:
        row(f"  F1 {lab}", lambda r, lab=lab: r["f1"][lab])
    row("missing S/A/R exact", lambda r: r["missing"])
    for f in ("negative", "off_topic", "hypothetical"):
        row(f"{f} precision", lambda r, f=f: r["flags"][f][0] if f in r["flags"] else None)
        # precision n/a: no sentence was flagged
        row(f"{f} recall", lambda r, f=f: r["flags"][f][1] if f in r["flags"] else None)
    for f in ("specific", "on_topic", "result_concrete", "competency_shown"):
        row(f"{f} accuracy", lambda r, f=f: r["content"].get(f))
    del mean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, help="embedding cache file (development)")
    args = parser.parse_args(argv)
    from starcoach.adapters.embedding import default_embedder

    t0 = time.perf_counter()
    emb = CachedEmbedder(default_embedder(), args.cache)
    sources = load_sources()
    prepared = {name: prepare(ans, emb) for name, ans in sources.items()}
    print(f"embedded {sum(len(p) for p in prepared.values())} answers in "
          f"{time.perf_counter() - t0:.1f} s")
    per, pooled = loao(prepared)
    print("leave-one-source-out (train on 3 sources, test on the 4th):")
    print_table(per, pooled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
