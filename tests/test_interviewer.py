"""The interviewer's session memory: the follow-up hook, combined answers, the scorecard."""

from __future__ import annotations

import pytest

from starcoach.core.analysis.result import CombinedFollowUp
from starcoach.core.followups import FollowUpSettings
from starcoach.core.interviewer import Interviewer
from tests.test_followups import ACT, CUSTOMER_Q, RES, SIT, TASK, TEAM_Q, answer


def test_gap_is_followed_up_once_then_feedback() -> None:
    interviewer = Interviewer()
    first = answer(SIT, TASK, ACT)
    follow = interviewer.after_analysis(CUSTOMER_Q, first)
    assert follow is not None and follow.text == "And how did that turn out for the customer?"
    merged = interviewer.follow_up_answered(CUSTOMER_Q, first, answer(RES, concrete=True))
    assert isinstance(merged.follow_up, CombinedFollowUp) and merged.follow_up.filled is True
    assert interviewer.after_analysis(CUSTOMER_Q, merged) is None
    assert interviewer.answers == ((CUSTOMER_Q, merged),)


def test_two_follow_ups_when_allowed_and_a_retake_starts_over() -> None:
    interviewer = Interviewer(FollowUpSettings(max_per_question=2))
    weak = answer(SIT, TASK)
    assert interviewer.after_analysis(TEAM_Q, weak).gap == "missing_action"  # type: ignore[union-attr]
    merged = interviewer.follow_up_answered(TEAM_Q, weak, answer(("other", "Not sure.")))
    second = interviewer.after_analysis(TEAM_Q, merged)
    assert second is not None and second.gap == "missing_result"
    assert interviewer.after_analysis(TEAM_Q, merged) is None  # limit reached
    interviewer.retake(TEAM_Q.id)
    assert interviewer.asked(TEAM_Q.id) == ()
    assert interviewer.after_analysis(TEAM_Q, weak) is not None


def test_follow_ups_off_means_straight_to_feedback() -> None:
    interviewer = Interviewer(FollowUpSettings(enabled=False))
    assert interviewer.after_analysis(CUSTOMER_Q, answer(SIT)) is None


def test_follow_up_answer_without_a_follow_up_is_refused() -> None:
    with pytest.raises(ValueError, match="no follow-up"):
        Interviewer().follow_up_answered(CUSTOMER_Q, answer(SIT), answer(RES))


def test_scorecard_uses_the_latest_answer_per_question() -> None:
    interviewer = Interviewer(FollowUpSettings(enabled=False))
    interviewer.after_analysis(CUSTOMER_Q, answer(SIT, TASK))
    interviewer.after_analysis(TEAM_Q, answer(SIT, TASK, ACT, RES, concrete=True))
    interviewer.after_analysis(CUSTOMER_Q, answer(SIT, TASK, ACT, RES, concrete=True))
    card = interviewer.scorecard()
    ratings = {c.competency: c.rating for c in card.competencies}
    assert ratings["patience"] == "strong" and ratings["teamwork"] == "strong"
    assert [q.id for q, _ in interviewer.answers] == [CUSTOMER_Q.id, TEAM_Q.id]
