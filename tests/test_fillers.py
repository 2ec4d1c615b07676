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
from starcoach.core.analysis.text import words_from_text
from starcoach.core.models import Word

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "answers.json"

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
    "like_gerund_no_commas": "the best part was the regulars {like} knowing their orders",
    "you_know_tag": "It's a communication gap, {you know}?",
    "you_know_what": "You know what I did? I called her.",
    "you_know_if": "Ask if you know the answer, and do you know him?",
    "you_know_midclause": "I made a, {you know}, a cheat sheet.",
    "you_know_no_commas": "my manager asked me to {you know} help train the staff",
    "i_mean_initial": "{I mean}, it taught me a lot.",
    "i_mean_what": "That is what I mean by service, and I mean it.",
    "kind_of_hedge": "I {kind of} enjoy it and was {sort of} at the end of my rope.",
    "kind_of_noun": "It is the kind of product every kind of shop sells, what sort of thing.",
    "so_opening": "{Um}, {so}, I was a server. {So} I asked her to talk.",
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
    "literally": "Don't take it literally.",
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


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_corpus_precision_and_recall() -> None:
    tp = fp = fn = 0
    for answer in json.loads(CORPUS.read_text())["answers"]:
        for sentence in answer["sentences"]:
            words, gold = parse_marked(sentence["text"])
            t, f, n = precision_recall(find_fillers(words), gold)
            tp, fp, fn = tp + t, fp + f, fn + n
    assert tp / (tp + fp) >= 0.90
    assert tp / (tp + fn) >= 0.85
