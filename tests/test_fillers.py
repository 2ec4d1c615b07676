"""Filler detection: filled pauses always, discourse markers only where used as fillers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from starcoach.core.analysis.fillers import (
    DISCOURSE,
    FILLED_PAUSE,
    filler_word_mask,
    find_fillers,
    parse_marked,
    precision_recall,
    strip_fillers,
)
from starcoach.core.analysis.hedges import find_hedges
from starcoach.core.analysis.marks import match_counts, parse_marks
from starcoach.core.analysis.text import words_from_text
from starcoach.core.models import Word

SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = SHARED / "corpus" / "answers.json"

# Fillers are marked in braces; every unmarked occurrence must NOT be detected.
CASES = {
    "filled_pauses": "{Um}, I think {uh} we were {er}, {erm} late, {hmm}.",
    "whisper_spellings": "{Umm...} I was {Uh,} fine {mm} and {Mhm}.",
    "like_verb": "I'd like to grow, and I really like troubleshooting.",
    "like_feel": "It feels like a next step, and I didn't want him to feel like he'd failed.",
    "like_preposition": "Customers like her want it, and my bill went up like that.",
    "like_such_as": "Flag anyone with equipment, {you know}, like oxygen machines.",
    "like_treat": "I try to treat it like it's new for them.",
    "like_commas": "She was yelling, {like}, she didn't even let me talk.",
    "like_initial": "{Like}, they're yelling at the situation.",
    "like_number_no_commas": "we had {like} four hundred chats waiting",
    "like_such_as_after_comma": "I kept odd cases apart, like gift returns, and small goals, "
    "like ten fewer transfers, and habits, like labelling boxes.",
    "like_clause_after_comma": "The room was loud, {like} you could barely hear the phone.",
    "like_quotative": "And he's like, why is this so slow? And I was like, fair point.",
    "like_as_if": "She looked at me like I had two heads.",
    "like_gerund_no_commas": "the best part was the regulars {like} knowing their orders",
    "you_know_tag": "It's a communication gap, {you know}?",
    "you_know_what": "You know what I did? I called her.",
    "you_know_if": "Ask if you know the answer, and do you know him?",
    "you_know_midclause": "I made a, {you know}, a cheat sheet.",
    "you_know_no_commas": "my manager asked me to {you know} help train the staff",
    "i_mean_initial": "{I mean}, it taught me a lot.",
    "i_mean_what": "That is what I mean by service, and I mean it.",
    "i_mean_that": "I mean that as a compliment.",
    "kind_of_set_off": "I, {kind of}, froze, and then, {sort of}, laughed.",
    "kind_of_softener_is_a_hedge": "I kind of enjoy it and was sort of at the end of my rope.",
    "kind_of_noun": "It is the kind of product every kind of shop sells, what sort of thing.",
    "so_opening": "{Um}, {so}, I was a server. {So}, I asked her to talk.",
    "so_first_sentence": "{So} I was running the front desk at a gym. The scanner broke.",
    "so_therefore_mid_answer": "I ran a gym desk. The scanner broke. So I logged members by hand.",
    "so_led_in_by_opener": "I ran a gym desk. {Okay}, {so} the scanner broke one morning.",
    "so_after_sure": "Sure, {so} right now I run the front desk at a gym.",
    "so_yeah_closing": "The scanner got fixed. {So} yeah, that was the week.",
    "and_so_comma": "The bus never came, and {so}, {um}, we walked.",
    "so_purpose": "I asked my coworker to cover, so I could focus, so that nobody waited.",
    "so_causal": "He'd been to two stores, so he was tired, so we went to the host.",
    "so_trailing": "I'd like to grow into a lead role eventually, {so}.",
    "so_much": "So much happened, and I think so.",
    "right_tag": "It's not personal, {right}?",
    "right_content": "I called right away, right after the rush, and found the right people.",
    "is_that_right": "Is that right?",
    "actually_initial": "{Actually}, I think check-in got faster.",
    "actually_contrast": "My handle time actually went down.",
    "basically": "I {basically} had to fix it fast.",
    "literally": "Don't take it literally, he literally ran, and, {literally}, nobody saw.",
    "okay_opening": "{Okay}, {so} this was at a bank.",
    "okay_content": "My manager okayed it, and it was okay with her.",
    "well_opening": "{Well}, it was a busy night.",
    "well_content": "It went well, and I knew the policies well.",
}


@pytest.mark.parametrize("marked", CASES.values(), ids=CASES.keys())
def test_detects_exactly_the_marked_fillers(marked: str) -> None:
    words, gold = parse_marked(marked)
    hits = find_fillers(words)
    assert [(h.first_word, h.n_words) for h in hits] == gold


KINDS = [
    ("Um, well, like, you know, I mean it.", [("um", FILLED_PAUSE), ("well", DISCOURSE),
                                             ("like", DISCOURSE), ("you know", DISCOURSE)]),
    ("Uhh... okay.", [("uh", FILLED_PAUSE), ("okay", DISCOURSE)]),
    ("OK, erm, sort of.", [("okay", DISCOURSE), ("erm", FILLED_PAUSE), ("sort of", DISCOURSE)]),
]


@pytest.mark.parametrize(("text", "expected"), KINDS, ids=["mixed", "ellipsis", "ok"])
def test_normalized_text_and_kind(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(h.text, h.kind) for h in find_fillers(words_from_text(text))] == expected


def test_times_and_mask_cover_multiword_fillers() -> None:
    words = [Word(" Well,", 0.0, 0.3), Word(" you", 0.4, 0.5), Word(" know,", 0.5, 0.7),
             Word(" I", 0.9, 1.0), Word(" called.", 1.0, 1.4)]
    hits = find_fillers(words)
    assert [(h.text, h.start, h.end) for h in hits] == [("well", 0.0, 0.3), ("you know", 0.4, 0.7)]
    assert filler_word_mask(words, hits) == [True, True, True, False, False]


def test_strip_fillers_keeps_content_words() -> None:
    assert strip_fillers("Um, so, I'd like to, you know, help.") == "I'd like to, help."


def test_parse_marked_and_scoring() -> None:
    words, gold = parse_marked("I was, {uh}, {you know}, late.")
    assert [w.text for w in words] == ["I", "was,", "uh,", "you", "know,", "late."]
    assert gold == [(2, 1), (3, 2)]
    assert precision_recall(find_fillers(words), gold) == (2, 0, 0)


def test_empty_input() -> None:
    assert find_fillers([]) == []
    assert filler_word_mask([], []) == []


def _corpus_scores(path: Path, softeners_as_hedges: bool = False) -> tuple[float, float]:
    """Filler precision and recall over a labeled corpus file, whole answers at once."""
    assert path.exists(), f"shared corpus missing: {path}"
    tp = fp = fn = 0
    for answer in json.loads(path.read_text())["answers"]:
        words, gold, _ = parse_marks(" ".join(s["text"] for s in answer["sentences"]))
        hits = find_fillers(words)
        found = {h.first_word for h in hits}
        if softeners_as_hedges:  # v1 marked "kind of" softeners as fillers: it had no hedges
            found |= {h.first_word for h in find_hedges(words, hits)
                      if h.text in {"kind of", "sort of"}}
        t, f, n = match_counts(found, gold)
        tp, fp, fn = tp + t, fp + f, fn + n
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


@pytest.mark.parametrize("author", ["a", "b", "c"])
def test_v2_corpus_precision_and_recall(author: str) -> None:
    precision, recall = _corpus_scores(SHARED / "corpus" / "v2" / f"author-{author}.json")
    assert precision >= 0.90 and recall >= 0.85, (precision, recall)


def test_v1_corpus_keeps_its_scores() -> None:
    precision, recall = _corpus_scores(CORPUS, softeners_as_hedges=True)
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)
