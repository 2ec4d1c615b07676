"""Follow-up questions: gap finding, choice, limits, and judging the follow-up answer."""

from __future__ import annotations

from typing import Any

import pytest

from starcoach.core.analysis.contract import from_json, to_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.followup_answers import combine_answers, combined_analysis
from starcoach.core.followups import (
    PROBE,
    FollowUp,
    FollowUpSettings,
    choose_follow_up,
    find_gaps,
)
from starcoach.core.questions import Question
from starcoach.recording.pipeline import label_story

CUSTOMER_Q = Question("angry-customer-t", "Tell me about a time you calmed an upset customer.",
                      "patience", "behavioral",
                      follow_ups=("What would you do if the customer became abusive?",))
TEAM_Q = Question("team-t", "Describe a time you helped a teammate.", "teamwork", "behavioral")
OPEN_Q = Question("why-t", "Why do you want this job?", "empathy", "open")


def answer(*sentences: tuple[str, str], behavioral: bool = True, concrete: bool | None = None,
           content: dict[str, Any] | None = None, tips: list[str] | None = None) -> Analysis:
    """An analysis with the given (label, text) sentences (read from its JSON form)."""
    present = {label for label, _ in sentences}
    star = {part: (0.8 if part in present else 0.0)
            for part in ("situation", "task", "action", "result")}
    star.update(
        missing=[p for p in ("situation", "task", "action", "result")
                 if behavioral and p not in present],
        sentences=[{"text": text, "label": label, "start": None, "end": None}
                   for label, text in sentences],
        behavioral=behavioral, result_concrete=concrete)
    out: dict[str, Any] = {"star": star, "transcript": " ".join(t for _, t in sentences),
                           "tips": tips or []}
    if content is not None:
        out["content"] = content
    return from_json(out)


SIT = ("situation", "At the bakery last spring a regular came in upset about a wrong cake.")
TASK = ("task", "My job was to fix the order before her party that evening.")
ACT = ("action", "I apologised, rang the kitchen and had a new cake iced within the hour.")
RES = ("result", "She picked it up at five and ordered her next three cakes from us.")
VAGUE = ("result", "In the end it all worked out fine.")


@pytest.mark.parametrize(("analysis", "expected"), [
    pytest.param(answer(SIT, TASK, ACT, RES, concrete=True), (), id="complete"),
    pytest.param(answer(SIT, TASK, ACT), ("missing_result",), id="no-result"),
    pytest.param(answer(SIT, TASK, RES, concrete=True), ("missing_action",), id="no-action"),
    pytest.param(answer(SIT, TASK, ACT, VAGUE, concrete=False), ("vague_result",), id="vague"),
    pytest.param(answer(TASK, ACT, RES, concrete=True), ("missing_situation",), id="no-scene"),
    pytest.param(answer(("other", "I am always patient with people.")),
                 ("generic", "missing_action", "missing_result", "missing_situation"),
                 id="generic-no-content"),
    pytest.param(answer(SIT, ACT, RES, concrete=True), (), id="implied-task-is-no-gap"),
    pytest.param(answer(SIT, TASK, ACT, RES, concrete=True,
                        content={"specific": False, "on_topic": False, "result_concrete": True}),
                 ("off_topic", "generic"), id="content-flags"),
    pytest.param(answer(("other", "I love helping people."), behavioral=False), (),
                 id="open-question"),
    pytest.param(answer(("other", "I love helping people."), behavioral=False,
                        content={"on_topic": False}), ("off_topic",), id="open-off-topic"),
    pytest.param(answer(), (), id="no-words"),
])
def test_find_gaps(analysis: Analysis, expected: tuple[str, ...]) -> None:
    assert find_gaps(analysis) == expected


def test_missing_result_asks_how_it_turned_out_for_the_customer() -> None:
    follow = choose_follow_up(answer(SIT, TASK, ACT), CUSTOMER_Q)
    assert follow == FollowUp("missing_result", "And how did that turn out for the customer?",
                              "template")


def test_template_leaves_out_the_customer_when_the_question_has_none() -> None:
    follow = choose_follow_up(answer(SIT, TASK, ACT), TEAM_Q)
    assert follow is not None and follow.text == "And how did that turn out?"


def test_generic_answer_asks_for_one_specific_time() -> None:
    follow = choose_follow_up(answer(("other", "I always stay calm with customers.")), CUSTOMER_Q)
    assert follow is not None
    assert (follow.gap, follow.text) == ("generic", "Can you give me one specific time that "
                                                    "happened?")


def test_question_follow_up_is_used_when_it_fits_the_gap() -> None:
    question = Question("q-t", "Tell me about a time you fixed a billing error.", "empathy",
                        "behavioral", follow_ups=("What would you change next time?",
                                                  "What was the outcome for the account?"))
    follow = choose_follow_up(answer(SIT, TASK, ACT), question)
    assert follow == FollowUp("missing_result", "What was the outcome for the account?",
                              "question")


def test_no_follow_up_for_a_complete_answer_or_when_turned_off() -> None:
    complete = answer(SIT, TASK, ACT, RES, concrete=True)
    assert choose_follow_up(complete, TEAM_Q) is None  # no gap, no follow-up of its own
    assert choose_follow_up(complete, None) is None
    off = FollowUpSettings(enabled=False)
    assert choose_follow_up(answer(SIT, TASK, ACT), CUSTOMER_Q, settings=off) is None


def test_complete_answer_gets_the_question_sets_own_follow_up_as_a_probe() -> None:
    complete = answer(SIT, TASK, ACT, RES, concrete=True)
    probe = choose_follow_up(complete, CUSTOMER_Q)
    assert probe == FollowUp(PROBE, "What would you do if the customer became abusive?",
                             "question")
    assert choose_follow_up(complete, CUSTOMER_Q, settings=FollowUpSettings(probe=False)) is None
    assert choose_follow_up(answer(), CUSTOMER_Q) is None  # nothing said: nothing to probe
    two = FollowUpSettings(max_per_question=2)
    assert choose_follow_up(complete, CUSTOMER_Q, asked=[probe], settings=two) is None


def test_answered_probe_is_acknowledged_not_judged() -> None:
    probe = FollowUp(PROBE, "What would you do if the customer became abusive?", "question")
    reply = answer(("other", "I would stay calm, warn them once, and then end the call."))
    combined = combine_answers(answer(SIT, TASK, ACT, RES, concrete=True), reply, probe)
    assert combined.filled is None
    assert combined.feedback == ("You answered the follow-up: \"I would stay calm, warn them "
                                 "once, and then end the call.\"")
    silent = combine_answers(answer(SIT, TASK, ACT, RES, concrete=True), answer(), probe)
    assert silent.feedback.startswith("The follow-up went unanswered")


def test_limit_per_question_and_no_repeated_gap() -> None:
    weak = answer(SIT, TASK)  # no action, no result
    first = choose_follow_up(weak, CUSTOMER_Q)
    assert first is not None and first.gap == "missing_action"
    assert choose_follow_up(weak, CUSTOMER_Q, asked=[first]) is None
    two = FollowUpSettings(max_per_question=2)
    second = choose_follow_up(weak, CUSTOMER_Q, asked=[first], settings=two)
    assert second is not None and second.gap == "missing_result"
    assert choose_follow_up(weak, CUSTOMER_Q, asked=[first, second], settings=two) is None


def test_limit_outside_one_or_two_is_refused() -> None:
    with pytest.raises(ValueError):
        FollowUpSettings(max_per_question=3)


def test_follow_up_that_gives_the_result_fills_the_gap() -> None:
    follow = FollowUp("missing_result", "And how did that turn out?", "template")
    combined = combine_answers(answer(SIT, TASK, ACT), answer(RES, concrete=True), follow)
    assert combined.filled is True
    assert combined.missing == ()
    assert combined.coverage["result"] == pytest.approx(0.8)
    assert combined.evidence == RES[1]
    assert combined.feedback.startswith("The follow-up filled the gap (how it ended)")
    assert "next three cakes" in combined.feedback


def test_follow_up_that_misses_the_result_says_so() -> None:
    follow = FollowUp("missing_result", "And how did that turn out?", "template")
    second = answer(("action", "I also phoned the manager to tell her about it."))
    combined = combine_answers(answer(SIT, TASK, ACT), second, follow)
    assert combined.filled is False
    assert combined.missing == ("result",)
    assert "still did not give it" in combined.feedback


def test_vague_result_filled_by_a_concrete_one() -> None:
    follow = FollowUp("vague_result", "How did you know it had worked?", "template")
    good = combine_answers(answer(SIT, TASK, ACT, VAGUE, concrete=False),
                           answer(RES, concrete=True), follow)
    still = combine_answers(answer(SIT, TASK, ACT, VAGUE, concrete=False),
                            answer(VAGUE, concrete=False), follow)
    assert (good.filled, still.filled) == (True, False)


def test_generic_gap_judged_by_content_when_present() -> None:
    follow = FollowUp("generic", "Can you give me one specific time that happened?", "template")
    second = answer(SIT, ACT, RES, concrete=True, content={"specific": True, "on_topic": True})
    assert combine_answers(answer(("other", "I am patient.")), second, follow).filled is True
    vague = answer(("other", "Usually I just listen."), content={"specific": False})
    assert combine_answers(answer(("other", "I am patient.")), vague, follow).filled is False


def test_empty_follow_up_answer_does_not_fill() -> None:
    follow = FollowUp("missing_result", "And how did that turn out?", "template")
    assert combine_answers(answer(SIT, TASK, ACT), answer(), follow).filled is False


def test_combined_analysis_merges_star_and_leads_with_the_verdict() -> None:
    first = answer(SIT, TASK, ACT,
                   tips=["You never said how it ended: add the result.", "Slow down a little."])
    follow = FollowUp("missing_result", "And how did that turn out?", "template")
    merged = to_json(combined_analysis(first, answer(RES, concrete=True), follow))
    assert merged["star"]["missing"] == []
    assert [s["label"] for s in merged["star"]["sentences"]] == [
        "situation", "task", "action", "result"]
    assert merged["tips"][0].startswith("The follow-up filled the gap")
    assert merged["tips"][1:] == ["Slow down a little."]
    assert merged["follow_up"]["filled"] is True
    assert merged["follow_up"]["text"] == "And how did that turn out?"
    assert merged["transcript"].endswith(RES[1])
    assert first.star.missing == ("result",)  # input untouched


def test_follow_up_sentences_are_read_as_the_end_of_the_story() -> None:
    """On its own a follow-up's first sentence reads as a scene; after the story, as its end."""
    follow = FollowUp("missing_result", "And how did that turn out?", "template")
    ending = ("situation", "In the end, the complaints stopped and she renewed her contract.")
    combined = combine_answers(answer(SIT, TASK, ACT), answer(ending), follow, label_story)
    assert combined.filled is True
    assert combined.evidence == ending[1]


def test_vague_result_without_analysis_flag_is_judged_by_numbers() -> None:
    follow = FollowUp("vague_result", "How did you know it had worked?", "template")
    numbers = ("other", "As a result, our wait times fell from ten minutes to four.")
    combined = combine_answers(answer(SIT, TASK, ACT, VAGUE, concrete=False),
                               answer(numbers), follow, label_story)
    assert combined.filled is True
