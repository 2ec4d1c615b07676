"""Feedback in words: verdicts, plurals, punctuation, tip order, live pace, the voice."""

from __future__ import annotations

from typing import Any

import pytest

from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.call_delivery import voice_notes
from starcoach.core.models import Word
from starcoach.core.trends import star_coverage
from starcoach.ui.screens.answering import live_wpm
from starcoach.ui.widgets.call_feedback import tidy
from starcoach.ui.widgets.feedback import (
    filler_word,
    glance_text,
    metrics_text,
    ordered_tips,
    plural,
    star_text,
    star_word,
    voice_text,
)


@pytest.mark.parametrize(("count", "per_minute", "word"), [
    (0, 0.0, "none"), (1, 4.0, "few"), (2, 8.0, "few"), (3, 2.5, "few"), (5, 6.0, "many"),
    (4, None, "many"), (1, None, "few"),
], ids=["none", "one-in-a-short-answer", "two", "low-rate", "many", "typed-many", "typed-one"])
def test_filler_words(count: int, per_minute: float | None, word: str) -> None:
    assert filler_word(count, per_minute) == word


@pytest.mark.parametrize(("score", "word"), [(0.7, "clear"), (0.5, "clear"), (0.2, "weak"),
                                             (0.0, "missing")],
                         ids=["clear", "edge", "weak", "missing"])
def test_star_words(score: float, word: str) -> None:
    assert star_word(score) == word


def test_plural_and_tidy() -> None:
    assert plural(1, "pause") == "1 pause" and plural(3, "pause") == "3 pauses"
    assert tidy("I fixed the printer . Then I called her back , twice .") == \
        "I fixed the printer. Then I called her back, twice."


def analysis_json(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "pace": {"wpm": 130.0, "target_wpm": [120.0, 160.0], "verdict": "good"},
        "fillers": {"count": 1, "per_minute": 4.0, "per_100_words": 1.0, "by_text": {"um": 1}},
        "pauses": {"count": 1, "long_count": 0, "longest_s": 0.6, "items": []},
        "length": {"duration_s": 15.0, "target_s": [60.0, 120.0], "verdict": "too short"},
        "star": {"behavioral": True, "situation": 0.8, "task": 0.0, "action": 0.7,
                 "result": 0.3, "sentences": [
                     {"text": "Our printer broke before a launch .", "label": "situation"}],
                 "tips": ["Say what you had to achieve."]},
        "tips": ["You spoke at 130 wpm: fine.", "Say what you had to achieve.",
                 "The answer was short: add detail."],
        "tone": {"pitch_variation_st": 0.9, "monotone": True, "level_dbfs": -21.0,
                 "uptalk": {"count": 2, "items": []}, "tips": ["Vary your voice."]},
    }
    base.update(overrides)
    return base


def analysis(**overrides: Any) -> Analysis:
    return from_json(analysis_json(**overrides))


def test_metrics_in_words_without_artefacts() -> None:
    text = str(metrics_text(analysis()))
    assert "1 pause," in text and "1 pauses" not in text
    assert "few" in text and "many" not in text  # one "um" in 15 s is not "many"


def test_star_in_words_without_raw_scores() -> None:
    text = str(star_text(analysis()))
    assert "Situation: clear" in text and "Task: missing" in text and "Result: weak" in text
    assert "0.8" not in text and "0.30" not in text
    assert "“Our printer broke before a launch.”" in text


def test_unmeasurable_pauses_say_so_instead_of_ok() -> None:
    noisy = analysis(pauses={"count": 3, "long_count": 0, "longest_s": 0.9, "items": [],
                             "measured": False, "verdict": "could not measure"})
    text = str(metrics_text(noisy))
    assert "could not measure" in text and " ok" not in text
    assert "pauses not measured" in str(glance_text(noisy))
    assert "no long pauses" in str(glance_text(analysis()))


def test_transcript_warnings_lead_the_tips() -> None:
    tips = ordered_tips(analysis(warnings=["The speech sounds like French, not English."]))
    assert tips[0] == "Warning: The speech sounds like French, not English."
    assert tips[1] == "Say what you had to achieve."


def test_star_in_words_marks_an_implied_part() -> None:
    star = analysis_json()["star"] | {"hints": ["task"]}
    assert "Task: implied" in str(star_text(analysis(star=star)))


def test_voice_section_in_words() -> None:
    text = str(voice_text(analysis()))
    assert "flat: varies 0.9 semitones  monotone" in text
    assert "fine (-21 dBFS)" in text
    assert "pitch rises at the end of 2 statements  uptalk" in text
    assert "no voice" in str(voice_text(analysis(tone=None, pace={"wpm": None})))


def test_content_tips_first_then_star_then_length_then_delivery_then_voice() -> None:
    tips = ordered_tips(analysis(content={"tips": ["Answer the question asked: give one "
                                                   "time you helped a customer."]}))
    assert tips == ["Answer the question asked: give one time you helped a customer.",
                    "Say what you had to achieve.", "The answer was short: add detail.",
                    "You spoke at 130 wpm: fine.", "Vary your voice."]


def test_live_pace_is_measured_over_the_words_not_the_clock() -> None:
    words = tuple(Word("word", 0.5 + i * 0.5, 0.8 + i * 0.5) for i in range(60))
    # 60 words spoken over 30 s: 120 wpm, however long the silence after the last word
    assert live_wpm(words) == "~121 wpm"
    assert live_wpm(words[:3]) == ""  # too short to say


def test_call_voice_notes_include_uptalk() -> None:
    tone = {"monotone": False, "pitch_variation_st": 3.0, "level_dbfs": -20.0,
            "uptalk": {"count": 0}}
    notes = voice_notes(from_json({"tone": tone}).tone)
    assert ("statements end firmly (no uptalk)", True) in notes


def test_call_turns_have_no_star_coverage() -> None:
    call_turn = {"star": {"behavioral": False, "situation": 0.0, "task": 0.0, "action": 0.0,
                          "result": 0.0}}
    assert star_coverage(from_json(call_turn)) is None  # history showed call sessions as "STAR 0%"
    assert star_coverage(from_json({"star": {"behavioral": True, "situation": 1.0, "task": 1.0,
                                             "action": 0.0, "result": 0.0}})) == 0.5
