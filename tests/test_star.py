"""STAR coverage: sentence splitting, labeling, coverage scores and tips."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from starcoach.core.analysis.star import (
    PARTS,
    analyze_star,
    count_pronouns,
    is_behavioral_question,
    label_sentences,
    split_sentences,
)
from starcoach.core.analysis.text import words_from_text
from starcoach.core.models import Word

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "answers.json"

STORY = [
    ("situation", "Last spring I was working the front desk at a busy dental clinic."),
    ("situation", "One morning a patient came in furious because his visit had been cancelled."),
    ("task", "My job was to calm him down and get him seen that day."),
    ("action", "I apologized and checked the schedule for any open slots."),
    ("action", "Then I called the hygienist and asked her to take him during her lunch break."),
    ("result", "As a result he was seen within forty minutes and later left a five-star review."),
]

QUESTIONS = {
    "tell_me_about": ("Tell me about a time you disagreed with a teammate.", True),
    "describe_situation": ("Describe a situation where you had to adapt.", True),
    "give_example": ("Give me an example of a time you led a project.", True),
    "strength": ("What is your greatest strength?", False),
    "hypothetical": ("What would you do if a customer yelled at you?", False),
    "none": (None, None),
}


@pytest.mark.parametrize(("question", "expected"), QUESTIONS.values(), ids=QUESTIONS.keys())
def test_behavioral_question(question: str | None, expected: bool | None) -> None:
    assert is_behavioral_question(question) is expected


SPLITS = {
    "punctuation": ("I called. She answered? Yes! Done", ["I called.", "She answered?", "Yes!",
                                                      "Done"]),
    "abbreviation": ("I met Dr. Smith there. He helped.", ["I met Dr. Smith there.", "He helped."]),
    "ellipsis_is_not_an_end": ("I was um... late today.", ["I was um... late today."]),
}


@pytest.mark.parametrize(("text", "expected"), SPLITS.values(), ids=SPLITS.keys())
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert [s.text for s in split_sentences(words_from_text(text))] == expected


def test_long_run_on_splits_at_connectives() -> None:
    run_on = " ".join(["I checked the order and looked at the account history for a while"] * 3
                      + ["and then I called the warehouse and asked them to ship it again today"]
                      + ["so the customer got the package on time and she was really happy"])
    sentences = split_sentences(words_from_text(run_on))
    assert len(sentences) >= 2
    assert all(s.last_word - s.first_word + 1 <= 40 for s in sentences)
    assert sentences[0].first_word == 0 and sentences[-1].last_word == len(run_on.split()) - 1


def test_long_pause_splits_timed_run_on() -> None:
    words = [Word(f"w{i}", i * 0.3, i * 0.3 + 0.2) for i in range(30)]
    words += [Word(f"v{i}", 12.0 + i * 0.3, 12.2 + i * 0.3) for i in range(30)]
    sentences = split_sentences(words)
    assert [(s.first_word, s.last_word) for s in sentences] == [(0, 29), (30, 59)]
    assert sentences[1].start == 12.0


def test_labels_follow_a_clear_story() -> None:
    texts = [t for _, t in STORY]
    assert label_sentences(texts, "Tell me about a time you handled an upset patient.") == [
        label for label, _ in STORY
    ]


def test_fillers_do_not_change_labels() -> None:
    texts = [t for _, t in STORY]
    noisy = [f"Um, so, {t[0].lower()}{t[1:-1]}, you know, like, basically." for t in texts]
    question = "Tell me about a time you handled an upset patient."
    assert label_sentences(noisy, question) == label_sentences(texts, question)


NEAR_MISSES = {
    "meta_opening_is_other": ("That's a good question, let me think.", 0, "other"),
    "meta_closing_is_other": ("That's basically how I handled it.", -1, "other"),
    "lesson_is_result": ("I learned that asking early saves everyone time.", -1, "result"),
    "supposed_to_is_task": ("I was supposed to close the ticket by noon.", 2, "task"),
}


@pytest.mark.parametrize(("sentence", "position", "expected"), NEAR_MISSES.values(),
                         ids=NEAR_MISSES.keys())
def test_label_in_context(sentence: str, position: int, expected: str) -> None:
    texts = [t for _, t in STORY]
    if position == -1:
        texts.append(sentence)
    else:
        texts[position] = sentence
    labels = label_sentences(texts, "Tell me about a time you helped a customer.")
    assert labels[position] == expected


def test_open_question_sentences_are_other() -> None:
    texts = ["I'd tell them honestly that I wasn't sure.", "Then I'd check our knowledge base."]
    assert label_sentences(texts, "What would you do if you didn't know an answer?") == [
        "other", "other"]


def test_complete_story_has_full_coverage_and_concrete_result() -> None:
    r = analyze_star(words_from_text(" ".join(t for _, t in STORY)), "Tell me about a time.")
    d = r.to_dict()
    assert d["missing"] == [] and d["behavioral"] is True
    assert all(d[p] >= 0.5 for p in PARTS)
    assert d["result_concrete"] is True and "forty" in d["result_evidence"]
    assert d["evidence"]["action"] == [3, 4]
    assert [s["label"] for s in d["sentences"]] == [label for label, _ in STORY]
    assert d["time_share"] == dict.fromkeys(PARTS)


def test_missing_result_gets_a_tip_and_weak_part_scores_lower() -> None:
    text = " ".join(t for label, t in STORY if label != "result")
    d = analyze_star(words_from_text(text), "Tell me about a time.").to_dict()
    assert d["missing"] == ["result"] and d["result"] == 0.0
    assert any("how it ended" in tip for tip in d["tips"])
    assert 0.0 < d["task"] < d["action"]  # one task sentence vs two clear actions


def test_non_behavioral_answer_reports_no_missing_parts_or_tips() -> None:
    text = "I think they'd say I'm dependable. I stay calm and I know the policies well."
    d = analyze_star(words_from_text(text), "How would your coworkers describe you?").to_dict()
    assert d["behavioral"] is False and d["missing"] == [] and d["tips"] == []
    assert {s["label"] for s in d["sentences"]} == {"other"}


def test_time_share_from_word_times() -> None:
    words: list[Word] = []
    t = 0.0
    for _, sentence in STORY:
        for token in sentence.split():
            words.append(Word(token, t, t + 0.3))
            t += 0.4
    d = analyze_star(words, behavioral=True).to_dict()
    assert d["sentences"][0]["start"] == 0.0
    assert sum(d["time_share"].values()) == pytest.approx(1.0, abs=0.01)
    assert d["time_share"]["action"] > d["time_share"]["task"] > 0.0


PRONOUNS = {
    "balanced": ("I called and we fixed it and I wrote it up.", "balanced"),
    "too_much_we": ("We met, we decided, our team shipped it, and we won.", "too much we"),
    "none": ("The store was busy.", "no first person"),
}


@pytest.mark.parametrize(("text", "verdict"), PRONOUNS.values(), ids=PRONOUNS.keys())
def test_pronoun_verdict(text: str, verdict: str) -> None:
    assert count_pronouns(words_from_text(text))["verdict"] == verdict


def test_empty_answer() -> None:
    d = analyze_star([], "Tell me about a time.").to_dict()
    assert d["sentences"] == [] and d["missing"] == list(PARTS)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_corpus_label_accuracy() -> None:
    correct = total = 0
    for answer in json.loads(CORPUS.read_text())["answers"]:
        texts = [re.sub(r"[{}]", "", s["text"]) for s in answer["sentences"]]
        gold = [s["label"] for s in answer["sentences"]]
        predicted = label_sentences(texts, answer["question"])
        correct += sum(p == g for p, g in zip(predicted, gold, strict=True))
        total += len(gold)
    assert correct / total >= 0.80
