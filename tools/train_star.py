"""Reproduce ``src/starcoach/data/models/text_model.npz`` from ``../shared/corpus``.

Trains the STAR labeller, the sentence flags and the content judgements on all four labeled
sources (v1 ``answers.json`` and ``v2/author-a|b|c.json``) and writes the weights:

    PYTHONPATH=src .venv/bin/python tools/train_star.py [--out FILE] [--limit N] [--cache FILE]

``--limit N`` keeps the first N answers of each source (a quick run for tests).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SOURCES = ("answers.json", "v2/author-a.json", "v2/author-b.json", "v2/author-c.json")
OUT = ROOT / "src" / "starcoach" / "data" / "models" / "text_model.npz"


def load_answers(corpus: Path, limit: int | None) -> list[dict]:
    """Every labeled answer of the four sources (the first ``limit`` of each when given)."""
    answers: list[dict] = []
    for rel in SOURCES:
        path = corpus / rel
        if not path.is_file():
            raise SystemExit(f"train_star: {path} not found (the shared corpus is required)")
        answers += json.loads(path.read_text())["answers"][:limit]
    return answers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--limit", type=int, default=None, help="answers per source")
    parser.add_argument("--cache", type=Path, default=None, help="embedding cache (development)")
    args = parser.parse_args(argv)

    from starcoach.adapters.embedding import default_embedder
    from starcoach.core.analysis.model_training import prepare, train

    embedder = default_embedder()
    if args.cache is not None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from star_eval import CachedEmbedder

        embedder = CachedEmbedder(embedder, args.cache)
    t0 = time.perf_counter()
    answers = load_answers(args.corpus, args.limit)
    model = train(prepare(answers, embedder))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **model.to_arrays())
    n = sum(len(a["sentences"]) for a in answers)
    print(f"trained on {len(answers)} answers ({n} sentences) in "
          f"{time.perf_counter() - t0:.1f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
