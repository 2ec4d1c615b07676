"""STAR structure with the real learned labeller, on sentences written for these tests."""

from __future__ import annotations

import pytest

from starcoach.adapters.embedding import MiniLMEmbedder, default_embedder, load_text_model
from starcoach.core.analysis.build import star_part
from starcoach.core.analysis.contract import part_json
from starcoach.core.analysis.star import (
    PARTS,
    StarResult,
    analyze_star,
    count_pronouns,
    is_behavioral_question,
    label_sentences,
    split_sentences,
)
from starcoach.core.analysis.text import words_from_text
from starcoach.core.analysis.text_model import TextModel
from starcoach.core.models import Word

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


@pytest.fixture(scope="module")
def models() -> tuple[MiniLMEmbedder, TextModel]:
    """The real bundled sentence model and learned weights."""
    return default_embedder(), load_text_model()


def star_json(star: StarResult) -> dict:
    """The ``star`` object of ``analyze --json`` for a STAR result."""
    return part_json(star_part(star, False, ()))  # type: ignore[no-any-return]


def labels_of(texts: list[str], question: str, models: tuple[MiniLMEmbedder, TextModel]
              ) -> list[str]:
    return label_sentences(texts, question, None, *models)


def star_of(text: str, question: str | None, models: tuple[MiniLMEmbedder, TextModel],
            **kw: object) -> dict:
    return star_json(analyze_star(words_from_text(text), question, None, *models, **kw))


def test_labels_follow_a_clear_story(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    texts = [t for _, t in STORY]
    assert labels_of(texts, "Tell me about a time you handled an upset patient.", models) == [
        label for label, _ in STORY
    ]


def test_fillers_do_not_change_labels(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    texts = [t for _, t in STORY]
    noisy = [f"Um, so, {t[0].lower()}{t[1:-1]}, you know, basically." for t in texts]
    question = "Tell me about a time you handled an upset patient."
    assert labels_of(noisy, question, models) == labels_of(texts, question, models)


OUTCOMES = {
    # Outcome sentences with no cue word ("as a result", "in the end", a number).
    "customer_stayed": "He kept his subscription and ordered two more boxes that month.",
    "state_changed": "The refund finally showed up on her statement that Friday.",
    "praise": "Her husband wrote to the clinic owner to thank the whole front desk team.",
}


@pytest.mark.parametrize("sentence", OUTCOMES.values(), ids=OUTCOMES.keys())
def test_outcome_without_cue_words_is_result(
    sentence: str, models: tuple[MiniLMEmbedder, TextModel]
) -> None:
    texts = [t for label, t in STORY if label != "result"] + [sentence]
    labels = labels_of(texts, "Tell me about a time you helped a customer.", models)
    assert labels[-1] == "result"


def test_non_native_present_tense_actions(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    texts = [
        "Last year I work in a small hotel at the front desk.",
        "One guest is very angry because his room is not clean when he arrives.",
        "I call to my manager and I ask for a new room for him.",
        "Then I bring him a coffee and I carry his bags myself.",
        "He was happy and he gave us a good review online.",
    ]
    labels = labels_of(texts, "Tell me about a time you dealt with an angry guest.", models)
    assert labels[2] == "action" and labels[3] == "action"
    assert labels[-1] == "result"


def test_result_first_opener(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    texts = [
        "We cut our callback backlog from three hundred to zero in one week.",
        "At the time I was a team lead at a cable company's call centre.",
        "A storm had knocked out service for half the town and calls were piling up.",
        "I split the team into two queues and took the hardest calls myself.",
        "I also wrote a short script so everyone gave the same answer about the repairs.",
    ]
    labels = labels_of(texts, "Tell me about a time you led your team under pressure.", models)
    assert labels[0] == "result"
    assert labels[1] == "situation" and labels[3] == "action"


def test_meta_opening_is_other(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    texts = ["Oh, that's a good question, give me a second.", *[t for _, t in STORY]]
    assert labels_of(texts, "Tell me about a time you helped a customer.", models)[0] == "other"


def test_complete_story_has_full_coverage(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    d = star_of(" ".join(t for _, t in STORY), "Tell me about a time.", models)
    assert d["missing"] == [] and d["hints"] == [] and d["behavioral"] is True
    assert all(d[p] >= 0.5 for p in PARTS)
    assert d["evidence"]["action"] == [3, 4]
    assert all(s["flags"] == [] for s in d["sentences"])
    assert d["time_share"] == dict.fromkeys(PARTS)


def test_missing_result_is_reported_with_the_last_sentence_quoted(
    models: tuple[MiniLMEmbedder, TextModel]
) -> None:
    story = [t for label, t in STORY if label != "result"]
    text = " ".join([*story, "So yeah, that's pretty much what I did that day."])
    d = star_of(text, "Tell me about a time you helped a patient.", models)
    assert d["missing"] == ["result"]
    tip = next(t for t in d["tips"] if "how it ended" in t)
    assert "asked her to take him during her lunch break" in tip


def test_implied_task_is_a_hint_not_missing(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    text = " ".join(t for label, t in STORY if label != "task")
    d = star_of(text, "Tell me about a time you helped a patient.", models)
    assert "task" not in d["missing"]
    assert d["hints"] == ["task"]
    hint = next(t for t in d["tips"] if t.startswith("Hint:"))
    assert "\"I apologized and checked the schedule for any open slots\"" in hint


def test_non_behavioral_answer_reports_no_missing_parts_or_tips(
    models: tuple[MiniLMEmbedder, TextModel]
) -> None:
    text = "I think they'd say I'm dependable. I stay calm and I know the policies well."
    d = star_of(text, "How would your coworkers describe you?", models)
    assert d["behavioral"] is False and d["missing"] == [] and d["tips"] == []


def test_without_a_model_nothing_is_claimed() -> None:
    d = analyze_star(words_from_text("I called the customer back."), "Tell me about a time.")
    d = star_json(d)
    assert d["missing"] == [] and [s["label"] for s in d["sentences"]] == ["other"]


def test_time_share_from_word_times(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    words: list[Word] = []
    t = 0.0
    for _, sentence in STORY:
        for token in sentence.split():
            words.append(Word(token, t, t + 0.3))
            t += 0.4
    d = star_json(analyze_star(words, None, True, *models))
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


def test_empty_answer(models: tuple[MiniLMEmbedder, TextModel]) -> None:
    d = star_json(analyze_star([], "Tell me about a time.", None, *models))
    assert d["sentences"] == [] and d["missing"] == []
