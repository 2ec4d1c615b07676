"""Hedge detection: words that weaken a claim, told apart from the same words used plainly."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from starcoach.core.analysis.fillers import filler_word_mask, find_fillers
from starcoach.core.analysis.hedges import (
    HedgeHit,
    find_hedges,
    hedge_tip,
    hedges_part,
    hedges_summary,
)
from starcoach.core.analysis.marks import match_counts, parse_marks
from starcoach.core.analysis.result_parts import HedgeItem, Hedges
from starcoach.core.analysis.text import words_from_text
from starcoach.core.models import Word

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Hedges in [[...]], fillers in {...}; every unmarked occurrence must NOT be a hedge.
CASES = {
    "i_think_opening": "[[I think]] the delay was on our side.",
    "i_think_trailing": "It was a Tuesday, [[I think]].",
    "i_think_approximate": "He had waited [[I think]] over an hour.",
    "i_think_plain": "I think about that call a lot, and what I think is simple.",
    "i_thought_past": "I thought the store was closed.",
    "i_guess": "[[I guess]] I handled it, [[I guess]].",
    "maybe_probably": "It took [[maybe]] ten minutes and [[probably]] saved the account.",
    "hopefully_perhaps_possibly": "[[Hopefully]] she got it, [[perhaps]] a day later, "
    "[[possibly]] two.",
    "kind_of_softener": "It was [[kind of]] my fault, and I [[sort of]] froze.",
    "kinda": "The fix was [[kinda]] messy.",
    "kind_of_names_a_kind": "That kind of customer is what kind of shop we are, a refund kind "
    "of thing.",
    "kind_of_set_off_is_a_filler": "I, {kind of}, panicked.",
    "not_sure_but": "[[I'm not sure, but]] the form was late.",
    "not_sure_literal": "If I'm not sure, I ask a lead.",
    "believe": "I believe in second chances, and [[I believe]] it worked.",
    "feel_like": "[[I feel like]] I rushed her, but I feel like a new person now.",
    "pretty_much": "We [[pretty much]] rebuilt the schedule, which was pretty and much better.",
    "more_or_less": "The queue was [[more or less]] empty by noon.",
    "with_fillers": "{Um}, [[I think]] we, {you know}, [[kind of]] won.",
    "no_hedges": "I refunded the fee and she renewed for a year.",
}


@pytest.mark.parametrize("marked", CASES.values(), ids=CASES.keys())
def test_detects_exactly_the_marked_hedges(marked: str) -> None:
    words, fillers, hedges = parse_marks(marked)
    assert [(h.first_word, h.n_words) for h in find_hedges(words)] == hedges
    assert [(h.first_word, h.n_words) for h in find_fillers(words)] == fillers


def test_text_is_lower_case_except_i() -> None:
    hits = find_hedges(words_from_text("I'm not sure but MAYBE, I think, it was Kind of fine."))
    assert [h.text for h in hits] == ["I'm not sure but", "maybe", "I think", "kind of"]


@pytest.mark.parametrize("text", [
    "So, like, I think, you know, it was kind of, um, sort of fine, I mean, maybe.",
    "Okay, so I kind of, like, sort of guessed, I guess, right?",
    "Well, I mean I think so, kind of, sort of, basically probably.",
])
def test_a_span_is_never_both_filler_and_hedge(text: str) -> None:
    words = words_from_text(text)
    fillers = find_fillers(words)
    hedges = find_hedges(words, fillers)
    assert hedges, "each sentence has at least one hedge"
    filler_mask = filler_word_mask(words, fillers)
    for h in hedges:
        assert not any(filler_mask[h.first_word : h.first_word + h.n_words]), h
    assert hedges == find_hedges(words)


def _timed(text: str, step: float = 0.5) -> list[Word]:
    return [Word(t, i * step, i * step + 0.4) for i, t in enumerate(text.split())]


def test_times_and_json_object_for_audio() -> None:
    words = _timed("Maybe we won. I think so.")
    hits = find_hedges(words)
    assert hits == [HedgeHit("maybe", 0, 1, 0.0, 0.4), HedgeHit("I think", 3, 2, 1.5, 2.4)]
    out = hedges_part(hits, 30.0)
    assert out == Hedges(2, 4.0, (HedgeItem("maybe", 0.0), HedgeItem("I think", 1.5)))


def test_json_object_for_typed_and_very_short_answers() -> None:
    hits = find_hedges(words_from_text("Probably, I guess."))
    assert hedges_part(hits, None) == Hedges(
        2, None, (HedgeItem("probably", None), HedgeItem("I guess", None)))
    assert hedges_part(find_hedges(_timed("Maybe.")), 0.4).per_minute is None
    assert hedges_part([], None) == Hedges(0, None, ())


def test_tip_quotes_the_hedges_when_the_rate_is_high() -> None:
    text = "I think I kind of fixed it, I think, maybe by noon. I think it held."
    hits = find_hedges(words_from_text(text))
    assert [h.text for h in hits] == ["I think", "kind of", "I think", "maybe", "I think"]
    timed_tip = hedge_tip(hits, 60.0, 15)
    assert timed_tip is not None and "5.0 a minute" in timed_tip
    assert '"I think", "kind of", "maybe"' in timed_tip
    typed_tip = hedge_tip(hits, None, 15)
    assert typed_tip is not None and "5 times" in typed_tip


def test_no_tip_for_few_or_sparse_hedges() -> None:
    hits = find_hedges(words_from_text("I think it worked. Maybe. I guess."))
    assert len(hits) == 3
    assert hedge_tip(hits[:2], 10.0, 8) is None  # too few, whatever the rate
    assert hedge_tip(hits, 240.0, 500) is None  # 0.75 a minute
    assert hedge_tip(hits, None, 400) is None  # 0.75 per 100 words
    assert hedge_tip(hits, 60.0, 8) is not None


def test_summary_line_for_text_reports() -> None:
    hits = find_hedges(words_from_text("I think so. Maybe. I think not."))
    assert hedges_summary(hedges_part(hits, 60.0)) == "3 (3.0/min): I think x2, maybe x1"
    assert hedges_summary(hedges_part([], None)) == "0"


def test_empty_input() -> None:
    assert find_hedges([]) == []


@pytest.mark.parametrize("author", ["a", "b", "c"])
def test_v2_corpus_precision_and_recall(author: str) -> None:
    path = SHARED / "corpus" / "v2" / f"author-{author}.json"
    assert path.exists(), f"shared corpus missing: {path}"
    tp = fp = fn = 0
    for answer in json.loads(path.read_text())["answers"]:
        words, _, gold = parse_marks(" ".join(s["text"] for s in answer["sentences"]))
        t, f, n = match_counts((h.first_word for h in find_hedges(words)), gold)
        tp, fp, fn = tp + t, fp + f, fn + n
    assert tp / (tp + fp) >= 0.85 and tp / (tp + fn) >= 0.80, (tp, fp, fn)


def test_text_report_shows_the_hedges_row() -> None:
    from starcoach.core.report import render_text
    from starcoach.recording.pipeline import analyze_text

    text = "I think I kind of fixed the bill. Maybe it was the fee. I think she stayed."
    analysis = analyze_text(text)
    content = analysis.content
    assert content is not None
    assert "Hedges:" not in render_text(replace(analysis, content=replace(content, hedges=None)))
    hedges = hedges_part(find_hedges(words_from_text(text)), None)
    report = render_text(replace(analysis, content=replace(content, hedges=hedges)))
    assert "Hedges:    4: I think x2, kind of x1, maybe x1" in report.splitlines()


def test_corpus_marks_are_read_with_their_punctuation() -> None:
    words, fillers, hedges = parse_marks("{Um}, [[I'm not sure, but]] it [[maybe]]. '{uh}' worked")
    assert [w.text for w in words] == ["Um,", "I'm", "not", "sure,", "but", "it", "maybe.", "'",
                                       "uh'", "worked"]
    assert fillers == [(0, 1), (8, 1)]
    assert hedges == [(1, 4), (6, 1)]
