"""The interviewer's memory across a session: which follow-ups were asked, and the mock answers.

The recording controller calls :meth:`Interviewer.after_analysis` once an answer is analysed
(the "after analysis, maybe ask a follow-up" hook). A follow-up comes back when the answer has a
gap worth probing: the controller speaks ``follow_up.text``, records the second answer, analyses
it with the same question and hands it to :meth:`Interviewer.follow_up_answered`, which returns
the combined analysis to show (and to pass to ``after_analysis`` again: a second follow-up is
possible when the settings allow two). In a mock interview :meth:`Interviewer.scorecard` turns
the answers kept so far into the hiring manager's scorecard.
"""

from __future__ import annotations

from starcoach.core.analysis.result import Analysis
from starcoach.core.followup_answers import Relabel, combined_analysis
from starcoach.core.followups import FollowUp, FollowUpSettings, choose_follow_up
from starcoach.core.questions import Question
from starcoach.core.scorecard import Scorecard, build_scorecard


class Interviewer:
    """Follow-up bookkeeping per question, and the answers of a session in order."""

    def __init__(
        self, settings: FollowUpSettings | None = None, relabel: Relabel | None = None
    ) -> None:
        """Start a session with no answers.

        Args:
            settings: Follow-ups on or off and how many per question; defaults when None.
            relabel: STAR labeller that reads a follow-up answer as the end of the story.
        """
        self.settings = settings or FollowUpSettings()
        self.relabel = relabel
        self._asked: dict[str, list[FollowUp]] = {}
        self._answers: list[tuple[Question, Analysis]] = []

    def asked(self, question_id: str) -> tuple[FollowUp, ...]:
        """The follow-ups asked about a question in its current attempt."""
        return tuple(self._asked.get(question_id, ()))

    def after_analysis(self, question: Question, analysis: Analysis) -> FollowUp | None:
        """Keep the answer; return the follow-up to ask now, or None to show the feedback.

        Args:
            question: The question answered.
            analysis: Its analysis (the combined one after a follow-up answer).
        """
        self._keep(question, analysis)
        follow_up = choose_follow_up(analysis, question, self.asked(question.id), self.settings)
        if follow_up is not None:
            self._asked.setdefault(question.id, []).append(follow_up)
        return follow_up

    def follow_up_answered(self, question: Question, first: Analysis, second: Analysis) -> Analysis:
        """The answer and the answer to the latest follow-up, judged together.

        Args:
            question: The question both answers are about.
            first: The analysis the follow-up was chosen from.
            second: The analysis of the answer to the follow-up.

        Returns:
            The combined analysis (also kept as the question's answer).

        Raises:
            ValueError: no follow-up was asked about this question.
        """
        asked = self.asked(question.id)
        if not asked:
            raise ValueError(f"no follow-up was asked about '{question.id}'")
        merged = combined_analysis(first, second, asked[-1], self.relabel)
        self._keep(question, merged)
        return merged

    def retake(self, question_id: str) -> None:
        """Forget the follow-ups of a question that is asked again (a fresh attempt)."""
        self._asked.pop(question_id, None)

    @property
    def answers(self) -> tuple[tuple[Question, Analysis], ...]:
        """Each answered question with its latest analysis, in the order first answered."""
        return tuple(self._answers)

    def scorecard(self) -> Scorecard:
        """The hiring manager's scorecard over the answers kept so far."""
        return build_scorecard(self._answers)

    def _keep(self, question: Question, analysis: Analysis) -> None:
        for index, (kept, _) in enumerate(self._answers):
            if kept.id == question.id:
                self._answers[index] = (question, analysis)
                return
        self._answers.append((question, analysis))
