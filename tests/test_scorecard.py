"""Hiring-manager scorecard: competencies, strongest answer, work-on list, delivery."""

from __future__ import annotations

import json
from typing import Any

import pytest

from starcoach.core.analysis.contract import from_json, to_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.mock_interview import CLOSING_ID, OPENING_ID
from starcoach.core.questions import Question
from starcoach.core.scorecard import answer_strength, build_scorecard
from starcoach.core.scorecard_delivery import summarize_delivery

OPENING = Question(OPENING_ID, "Tell me about yourself.", "communication", "open")
CLOSING = Question(CLOSING_ID, "Any questions for us?", "communication", "open")
EMPATHY = Question("emp-t", "Tell me about a time you helped a worried customer.", "empathy",
                   "behavioral")
PATIENCE = Question("pat-t", "Tell me about a slow, difficult caller.", "patience", "behavioral")
TEAM = Question("team-t", "Tell me about helping a teammate.", "teamwork", "behavioral")


def analysis(sentences: list[tuple[str, str]], *, behavioral: bool = True,
             concrete: bool | None = None, wpm_words: tuple[int, float] | None = None,
             fillers: int = 0, tone: dict[str, Any] | None = None,
             content: dict[str, Any] | None = None, length: str = "good") -> Analysis:
    """An analysis with the given sentences and delivery figures (read from its JSON form)."""
    labels = {label for label, _ in sentences}
    parts = ("situation", "task", "action", "result")
    out: dict[str, Any] = {
        "transcript": " ".join(t for _, t in sentences),
        "star": {**{p: 0.8 if p in labels else 0.0 for p in parts},
                 "missing": [p for p in parts if behavioral and p not in labels],
                 "sentences": [{"text": t, "label": lab} for lab, t in sentences],
                 "behavioral": behavioral, "result_concrete": concrete},
        "pace": {"wpm": None, "words": 0, "span_s": None, "target_wpm": [120.0, 160.0]},
        "fillers": {"count": fillers, "by_text": {"um": fillers} if fillers else {}},
        "pauses": {"long_count": 0},
        "length": {"verdict": length},
    }
    if wpm_words:
        words, span = wpm_words
        out["pace"].update(words=words, span_s=span, wpm=60.0 * words / span)
    if tone is not None:
        out["tone"] = tone
    if content is not None:
        out["content"] = content
    return from_json(out)


STRONG = analysis([("situation", "A regular called in a panic about a lost parcel ."),
                   ("task", "I had to find it before her flight."),
                   ("action", "I traced it to the depot and had a driver bring it over."),
                   ("result", "It reached her two hours before she left, and she wrote in "
                              "to thank us.")], concrete=True, wpm_words=(200, 80.0))
NO_RESULT = analysis([("situation", "A caller could not log in for a week."),
                      ("task", "My job was to get him back in."),
                      ("action", "I walked him through a reset, one step at a time.")],
                     wpm_words=(150, 60.0))
GENERIC = analysis([("other", "I am a good team player and I always help out.")],
                   content={"specific": False, "on_topic": True}, length="too short")
OPEN = analysis([("other", "I have three years on a busy support desk and I love fixing "
                           "problems for people.")], behavioral=False, wpm_words=(60, 25.0))


def card_answers(closing_text: str = "How are new starters trained? How is success measured?"
                 ) -> list[tuple[Question, Analysis]]:
    return [(OPENING, OPEN), (EMPATHY, STRONG), (PATIENCE, NO_RESULT), (TEAM, GENERIC),
            (CLOSING, analysis([("other", closing_text)], behavioral=False))]


def test_answer_strength_orders_answers() -> None:
    assert answer_strength(EMPATHY, STRONG) == pytest.approx(1.0)
    assert answer_strength(PATIENCE, NO_RESULT) == pytest.approx(0.65)
    assert answer_strength(TEAM, GENERIC) == 0.0
    assert answer_strength(EMPATHY, analysis([])) == 0.0
    assert answer_strength(OPENING, OPEN) == pytest.approx(0.7)
    unshown = from_json({**to_json(STRONG),
                         "content": {"specific": True, "on_topic": True, "result_concrete": True,
                                     "competency": {"asked": "empathy", "shown": False}}})
    assert answer_strength(EMPATHY, unshown) == pytest.approx(0.95)  # 1.1 - 0.15


def test_competencies_are_rated_with_quoted_evidence() -> None:
    card = build_scorecard(card_answers())
    by_name = {c.competency: c for c in card.competencies}
    assert by_name["empathy"].rating == "strong"
    assert by_name["empathy"].evidence == (
        "I traced it to the depot and had a driver bring it over.",
        "It reached her two hours before she left, and she wrote in to thank us.")
    assert by_name["patience"].rating == "solid"
    assert by_name["teamwork"].rating == "needs work"
    assert by_name["adaptability"].rating == "not assessed"
    assert by_name["communication"].question_ids == (OPENING_ID,)
    assert [c.competency for c in card.competencies][:3] == ["empathy", "communication",
                                                             "problem-solving"]


def test_strongest_answer_and_closing() -> None:
    card = build_scorecard(card_answers())
    assert card.strongest is not None and card.strongest.question_id == "emp-t"
    assert "concrete result" in card.strongest.why
    assert card.closing is not None and card.closing.rating == "strong"
    assert card.answers == 5


def test_work_on_lists_the_three_costliest_issues_in_order() -> None:
    card = build_scorecard(card_answers("No, I think you covered it all."))
    assert card.work_on == (
        "Finish every story with how it ended, ideally with a number: 2 of 3 stories never said.",
        "You had no questions: ask two or three, about the team, the training and how success "
        "is measured, to show real interest.",
        "Say what you did yourself, step by step: 1 of 3 stories left it out.",
    )
    good_close = build_scorecard(card_answers())
    assert good_close.work_on[1] == ("Say what you did yourself, step by step: 1 of 3 stories "
                                     "left it out.")
    assert "stayed general" in good_close.work_on[2]


def test_retaken_question_counts_its_last_answer() -> None:
    card = build_scorecard([(PATIENCE, NO_RESULT), (PATIENCE, STRONG)])
    patience = next(c for c in card.competencies if c.competency == "patience")
    assert patience.rating == "strong" and card.answers == 1


def test_delivery_pools_pace_and_fillers_over_the_interview() -> None:
    fast = analysis([("other", "x")], behavioral=False, wpm_words=(300, 90.0), fillers=9,
                    tone={"monotone": True, "pitch_variation_st": 1.1, "level_dbfs": -20.0,
                          "uptalk": {"count": 1}})
    calm = analysis([("other", "y")], behavioral=False, wpm_words=(100, 60.0), fillers=0,
                    tone={"monotone": False, "pitch_variation_st": 4.0, "level_dbfs": -24.0,
                          "uptalk": {"count": 0}})
    d = summarize_delivery([fast, calm])
    assert d.wpm == pytest.approx(160.0)  # 400 words over 2.5 minutes
    assert d.pace == "in the target band"
    assert d.fillers == 9 and d.fillers_per_minute == pytest.approx(3.6)
    assert d.top_fillers == ("um",)
    assert (d.timed_answers, d.monotone_answers, d.uptalk) == (2, 1, 1)
    assert d.pitch_variation_st == pytest.approx(2.55)
    assert d.hedges is None
    assert d.lines[0] == "Pace: 160 words a minute, in the target band (120-160)."
    assert "too many" in d.lines[1] and d.lines[-1].startswith("Voice: flat in 1 of 2")


def test_delivery_reads_hedges_when_the_analysis_has_them() -> None:
    hedgy = analysis([("other", "z")], behavioral=False, wpm_words=(150, 60.0),
                     content={"hedges": {"count": 4, "per_minute": 4.0, "items": []}})
    d = summarize_delivery([hedgy])
    assert (d.hedges, d.hedges_per_minute) == (4, 4.0)
    assert any(line.startswith("Hedges: 4") for line in d.lines)
    card = build_scorecard([(OPENING, hedgy)])
    assert any("hedges a minute" in item for item in card.work_on)


def test_fast_speaker_is_told_to_slow_down() -> None:
    fast = analysis([("other", "quick")], behavioral=False, wpm_words=(400, 120.0))
    card = build_scorecard([(OPENING, fast)])
    assert card.delivery.pace == "too fast"
    assert card.work_on[0].startswith("Slow down: you averaged 200 words a minute")


def test_typed_answers_have_no_timing() -> None:
    card = build_scorecard([(EMPATHY, analysis([("action", "I fixed it.")]))])
    assert card.delivery.wpm is None
    assert card.delivery.lines[0] == "Pace: not measured (no spoken answer)."
    assert card.delivery.lines[-1] == "Voice: not measured (no audio)."


def test_empty_interview() -> None:
    card = build_scorecard([])
    assert card.strongest is None and card.closing is None and card.work_on == ()
    assert card.verdict == "No answers to judge yet."


def test_to_dict_is_json_ready() -> None:
    data = build_scorecard(card_answers()).to_dict()
    again = json.loads(json.dumps(data))
    assert again["strongest"]["question_id"] == "emp-t"
    assert again["closing"]["asked_about"] == ["training", "how success is measured"]
    assert again["competencies"][0]["competency"] == "empathy"
    assert again["delivery"]["target_wpm"] == [120.0, 160.0]


def test_work_on_falls_back_to_the_weakest_answers_tips() -> None:
    weak = from_json({**to_json(NO_RESULT),
                      "tips": ["You never said how it ended: add the result."]})
    card = build_scorecard([(EMPATHY, STRONG), (PATIENCE, weak)])
    assert card.work_on == (
        "Finish every story with how it ended, ideally with a number: 1 of 2 stories never said.",
        "Rework your answer to “Tell me about a slow, difficult caller.”: You never said how it "
        "ended: add the result.",
    )


def test_work_on_does_not_repeat_the_follow_up_verdict_as_a_tip() -> None:
    verdict = "You answered the follow-up: \"I would stay calm.\""
    opening = from_json({**to_json(OPEN), "tips": [verdict, "Open with a one-line summary."],
                         "follow_up": {"gap": "probe", "feedback": verdict}})
    card = build_scorecard([(OPENING, opening)])
    assert card.work_on == ("Rework your answer to “Tell me about yourself.”: Open with a "
                            "one-line summary.",)
