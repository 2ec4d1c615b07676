"""Filler and STAR-label accuracy on ../shared/corpus/answers.json.

Run: ``.venv/bin/python benchmarks/text_accuracy.py [path/to/answers.json]``.
The lead's ``benchmarks/accuracy.py`` may import ``load_answers``, ``filler_scores`` and
``label_scores`` from here.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starcoach.core.analysis.fillers import find_fillers, parse_marked, precision_recall
from starcoach.core.analysis.star import LABELS, PARTS, analyze_star, label_sentences
from starcoach.core.analysis.text import words_from_text

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "answers.json"


def load_answers(path: Path = DEFAULT_CORPUS) -> list[dict[str, Any]]:
    """The corpus answers (each with question, kind, sentences[text,label], expected_missing)."""
    return list(json.loads(path.read_text())["answers"])


def filler_scores(
    answers: Sequence[dict[str, Any]], transform: Callable[[str], str] = lambda t: t
) -> dict[str, float]:
    """Precision/recall of filler detection, whole answers at once, matched by word position.

    Args:
        answers: Corpus answers.
        transform: Applied to each marked answer text first (e.g. drop commas, lower-case).

    Returns:
        {"tp", "fp", "fn", "precision", "recall"}.
    """
    tp = fp = fn = 0
    for answer in answers:
        words, gold = parse_marked(transform(" ".join(s["text"] for s in answer["sentences"])))
        t, f, n = precision_recall(find_fillers(words), gold)
        tp, fp, fn = tp + t, fp + f, fn + n
    return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / max(1, tp + fp),
            "recall": tp / max(1, tp + fn)}


def label_scores(answers: Sequence[dict[str, Any]], use_question: bool = True) -> dict[str, Any]:
    """Sentence-label accuracy and confusion matrix (braces stripped from the text).

    Args:
        answers: Corpus answers.
        use_question: Pass the question text; False makes the labeler infer it from the answer.

    Returns:
        {"accuracy", "correct", "total", "confusion": {gold: {predicted: n}}}.
    """
    confusion: Counter[tuple[str, str]] = Counter()
    for answer in answers:
        texts = [re.sub(r"[{}]", "", s["text"]) for s in answer["sentences"]]
        predicted = label_sentences(texts, answer["question"] if use_question else None)
        gold = [s["label"] for s in answer["sentences"]]
        confusion.update(zip(gold, predicted, strict=True))
    correct = sum(n for (g, p), n in confusion.items() if g == p)
    total = sum(confusion.values())
    return {"accuracy": correct / max(1, total), "correct": correct, "total": total,
            "confusion": {g: {p: confusion[(g, p)] for p in LABELS} for g in LABELS}}


def missing_agreement(answers: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """How many answers get exactly the corpus's ``expected_missing`` parts, out of how many."""
    hits = 0
    for answer in answers:
        text = re.sub(r"[{}]", "", " ".join(s["text"] for s in answer["sentences"]))
        missing = analyze_star(words_from_text(text), answer["question"]).missing
        hits += sorted(missing) == sorted(answer["expected_missing"])
    return hits, len(answers)


def _no_commas(text: str) -> str:
    return text.replace(",", "")


def _print_confusion(confusion: dict[str, dict[str, int]]) -> None:
    print("  gold \\ predicted " + " ".join(f"{p[:5]:>6}" for p in LABELS))
    for g in LABELS:
        print(f"  {g:<17} " + " ".join(f"{confusion[g][p]:>6}" for p in LABELS))


def main(argv: Sequence[str]) -> int:
    """Print every number; returns 0."""
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    if not path.exists():
        print(f"corpus not found: {path}")
        return 0
    answers = load_answers(path)
    for name, fn in (("as written", lambda t: t), ("no commas", _no_commas),
                     ("no commas, lower-case", lambda t: _no_commas(t).lower())):
        s = filler_scores(answers, fn)
        print(f"fillers ({name}): P={s['precision']:.3f} R={s['recall']:.3f} "
              f"(tp={s['tp']} fp={s['fp']} fn={s['fn']})")
    half = len(answers) // 2
    for name, subset, use_q in (("all, with question", answers, True),
                                (f"first {half}", answers[:half], True),
                                (f"last {len(answers) - half}", answers[half:], True),
                                ("all, question withheld", answers, False)):
        s = label_scores(subset, use_q)
        print(f"STAR labels ({name}): {s['accuracy']:.3f} ({s['correct']}/{s['total']})")
    print("confusion (all, with question):")
    _print_confusion(label_scores(answers)["confusion"])
    hits, n = missing_agreement(answers)
    print(f"expected_missing matched exactly: {hits}/{n}  (parts: {', '.join(PARTS)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
