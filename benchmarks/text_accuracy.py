"""Filler, hedge and STAR-label accuracy on the labeled text corpora in ../shared/corpus.

Run: ``.venv/bin/python benchmarks/text_accuracy.py [path/to/answers.json]``.
With no argument it prints fillers and hedges per author (v1 = ``answers.json``; a, b, c =
``v2/author-*.json``), then the STAR figures on v1. The lead's ``benchmarks/accuracy.py``
may import ``load_answers``, ``filler_scores`` and ``label_scores`` from here.

Honest figures: the filler rules were first written on v1 and then revised on v2 authors a, b
and c; the hedge rules were written on a and b (c was read only for the list of hedge words).
For each v2 author the "held out" line re-runs the detectors with every rule that was added
only because of that author's sentences switched back off (``HELD_OUT``), so it measures
rules developed on the other sources. Lines marked "development" are on data the rules saw.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from starcoach.core.analysis import fillers as fillers_mod
from starcoach.core.analysis import hedges as hedges_mod
from starcoach.core.analysis.fillers import find_fillers
from starcoach.core.analysis.hedges import find_hedges
from starcoach.core.analysis.marks import match_counts, parse_marks

CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus"
DEFAULT_CORPUS = CORPUS_DIR / "answers.json"
SOURCES = {"v1": DEFAULT_CORPUS, "a": CORPUS_DIR / "v2" / "author-a.json",
           "b": CORPUS_DIR / "v2" / "author-b.json", "c": CORPUS_DIR / "v2" / "author-c.json"}
"""The development sources: v1 (30 answers, fillers only) and the three v2 authors."""
V1_SOFTENERS = ("kind of", "sort of")
"""v1 predates the hedge mark: its {kind of}/{sort of} softeners are hedges under the v2 guide."""
_PHRASES = fillers_mod._PHRASES  # noqa: SLF001
_HEDGE_PHRASES = hedges_mod._PHRASES  # noqa: SLF001
HELD_OUT: dict[str, list[tuple[str, Any, str, Any]]] = {
    "a": [("rule", fillers_mod, "_I_MEAN_NOT_BEFORE",
           fillers_mod._I_MEAN_NOT_BEFORE - {"that"}),  # noqa: SLF001
          ("rule", hedges_mod, "_THINK_NOT_BEFORE",
           hedges_mod._THINK_NOT_BEFORE | {"over"}),  # noqa: SLF001
          ("dict", _HEDGE_PHRASES, ("pretty", "much"), None)],
    "b": [("rule", fillers_mod, "_QUOTE_VERBS", frozenset()),
          ("rule", fillers_mod, "_SO_LINKS", frozenset()),
          ("dict", _PHRASES, ("literally",), lambda c: not c.final())],
    "c": [("rule", fillers_mod, "_OBJECT_PRONOUNS", frozenset())],
}
"""Per v2 author, the rules added only for that author's sentences and their earlier state:
a: "I mean that" not a filler, "I think over an hour" a hedge, "pretty much" a hedge;
b: quotative "it's like,", "and so," a filler, "literally" only a filler when set off;
c: "like" after an object pronoun ("at me like she's lost") not a filler."""


@contextmanager
def held_out(author: str) -> Iterator[None]:
    """Switch off the rules that were written from ``author``'s sentences (see ``HELD_OUT``)."""
    with ExitStack() as stack:
        for kind, target, name, value in HELD_OUT.get(author, []):
            if kind == "rule":
                stack.enter_context(mock.patch.object(target, name, value))
            elif value is None:
                stack.enter_context(mock.patch.dict(target))
                del target[name]
            else:
                stack.enter_context(mock.patch.dict(target, {name: value}))
        order = sorted(_HEDGE_PHRASES, key=len, reverse=True)
        stack.enter_context(mock.patch.object(hedges_mod, "_BY_LENGTH", order))
        yield


def load_answers(path: Path = DEFAULT_CORPUS) -> list[dict[str, Any]]:
    """The corpus answers (each with question, kind, sentences[text,label], expected_missing)."""
    return list(json.loads(path.read_text())["answers"])


def _scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {"tp": tp, "fp": fp, "fn": fn, "precision": tp / max(1, tp + fp),
            "recall": tp / max(1, tp + fn)}


def filler_scores(
    answers: Sequence[dict[str, Any]], transform: Callable[[str], str] = lambda t: t,
    hedge_ok: Collection[str] = (),
) -> dict[str, float]:
    """Precision/recall of filler detection, whole answers at once, matched by word position.

    Args:
        answers: Corpus answers.
        transform: Applied to each marked answer text first (e.g. drop commas, lower-case).
        hedge_ok: Marked fillers with these words also count as found when a hedge starts
            there (``V1_SOFTENERS`` for v1, whose guide had no hedge mark).

    Returns:
        {"tp", "fp", "fn", "precision", "recall"}.
    """
    tp = fp = fn = 0
    for answer in answers:
        words, gold, _ = parse_marks(transform(" ".join(s["text"] for s in answer["sentences"])))
        hits = find_fillers(words)
        found = {h.first_word for h in hits}
        if hedge_ok:
            soft = {a for a, n in gold if " ".join(w.text.lower().strip(",.?!") for w in
                                                    words[a : a + n]) in hedge_ok}
            found |= soft & {h.first_word for h in find_hedges(words, hits)}
        t, f, n = match_counts(found, gold)
        tp, fp, fn = tp + t, fp + f, fn + n
    return _scores(tp, fp, fn)


def hedge_scores(answers: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Precision/recall of hedge detection ([[...]] marks), matched by first word."""
    tp = fp = fn = 0
    for answer in answers:
        words, _, gold = parse_marks(" ".join(s["text"] for s in answer["sentences"]))
        t, f, n = match_counts((h.first_word for h in find_hedges(words)), gold)
        tp, fp, fn = tp + t, fp + f, fn + n
    return _scores(tp, fp, fn)


def _unmark(text: str) -> str:
    return re.sub(r"[{}]|\[\[|\]\]", "", text)


def _no_commas(text: str) -> str:
    return text.replace(",", "")


def _pr(s: dict[str, float]) -> str:
    return f"P={s['precision']:.3f} R={s['recall']:.3f} ({s['tp']}/{s['fp']}/{s['fn']})"


def print_per_author() -> None:
    """Fillers and hedges per source: held-out figures, then development figures."""
    print("Fillers and hedges per source, P/R (tp/fp/fn), matched by first word.")
    print("Rules: fillers written on v1, revised on v2 a, b, c; hedges written on a and b.")
    print("'held out' = rules added for that author switched off (see HELD_OUT): accuracy.")
    print("'dev' = all rules, on data they were developed on: NOT accuracy.")
    totals = {"fillers": [0, 0, 0], "hedges": [0, 0, 0]}
    for name, path in SOURCES.items():
        if not path.exists():
            print(f"  {name}: {path} not found")
            continue
        answers = load_answers(path)
        f_dev = filler_scores(answers)
        print(f"  {name} ({len(answers)} answers)")
        if name == "v1":
            mapped = filler_scores(answers, hedge_ok=V1_SOFTENERS)
            print(f"    fillers dev {_pr(f_dev)}; with {{kind of}}/{{sort of}} found as hedges "
                  f"{_pr(mapped)}; hedges not marked in v1")
            continue
        with held_out(name):
            f_out, h_out = filler_scores(answers), hedge_scores(answers)
        for key, sc in (("fillers", f_out), ("hedges", h_out)):
            totals[key] = [t + int(sc[k]) for t, k in zip(totals[key], ("tp", "fp", "fn"),
                                                          strict=True)]
        print(f"    fillers held out {_pr(f_out)}   dev {_pr(f_dev)}")
        print(f"    hedges  held out {_pr(h_out)}   dev {_pr(hedge_scores(answers))}")
    for key, (tp, fp, fn) in totals.items():
        if tp + fn:
            print(f"  v2 leave-one-author-out total, {key}: {_pr(_scores(tp, fp, fn))}")


def main(argv: Sequence[str]) -> int:
    """Print every number; returns 0."""
    if len(argv) <= 1:
        print_per_author()
        print()
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    if not path.exists():
        print(f"corpus not found: {path}")
        return 0
    answers = load_answers(path)
    for name, fn in (("as written", lambda t: t), ("no commas", _no_commas),
                     ("no commas, lower-case", lambda t: _no_commas(t).lower())):
        s = filler_scores(answers, fn)
        m = filler_scores(answers, fn, hedge_ok=V1_SOFTENERS)
        print(f"fillers ({name}): P={s['precision']:.3f} R={s['recall']:.3f} "
              f"(tp={s['tp']} fp={s['fp']} fn={s['fn']}); kind of/sort of found as hedges "
              f"count: P={m['precision']:.3f} R={m['recall']:.3f}")
    print("STAR labels: leave-one-source-out figures are in benchmarks/accuracy.py --text-only")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
