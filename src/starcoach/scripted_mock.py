"""A mock interview played end to end with recorded answers, no screen: the demo's script.

For each planned question the demo answer is transcribed and analysed as the app does; when
the interviewer follows up and the demo has an answer to the follow-up, that answer is analysed
too and judged with the first; the closing is judged; the session ends in the scorecard. Each
step is reported to ``on_step`` so a tool can print the session and a test can check it.
``tools/demo_mock_interview.py`` runs it from the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starcoach.adapters.audio_files import load_audio
from starcoach.adapters.fixtures import DemoClips
from starcoach.core.analysis.result import Analysis
from starcoach.core.interviewer import Interviewer
from starcoach.core.mock_interview import MockPlan, judge_closing
from starcoach.core.ports import Transcriber
from starcoach.core.questions import Question
from starcoach.core.scorecard import Scorecard
from starcoach.recording.pipeline import analyze_clip, label_story


@dataclass(frozen=True)
class Step:
    """One thing that happened in the scripted session."""

    kind: str
    """``question``, ``answer``, ``follow_up``, ``follow_up_answer``, ``feedback`` or
    ``no_answer`` (the demo has no clip for the question)."""
    question_id: str
    """The question it is about."""
    text: str
    """What was said (or, for ``feedback``, the first tip)."""
    analysis: Analysis | None = None
    """The analysis, for answers and feedback."""


def run_scripted_mock(
    plan: MockPlan,
    clips: DemoClips,
    transcriber: Transcriber,
    interviewer: Interviewer | None = None,
    on_step: Callable[[Step], None] | None = None,
) -> Scorecard:
    """Play a mock interview with the demo answers and return its scorecard.

    Args:
        plan: The questions to ask (plan with ``available=clips.keys("interview")``).
        clips: The demo answers.
        transcriber: Speech to words (the real Whisper one for the demo).
        interviewer: Follow-up settings and session memory; a default one when None.
        on_step: Called with every step, in order.

    Raises:
        AudioInputError: a clip cannot be decoded or holds no speech.
    """
    interviewer = interviewer or Interviewer(relabel=label_story)
    report = on_step or (lambda step: None)
    for question in plan.questions:
        report(Step("question", question.id, question.text))
        clip = clips.get("interview", question.id)
        if clip is None:
            report(Step("no_answer", question.id, ""))
            continue
        analysis = _answer(clip.path, question, transcriber)
        report(Step("answer", question.id, analysis.transcript, analysis))
        follow_up = interviewer.after_analysis(question, analysis)
        while follow_up is not None:
            reply = clips.follow_up_for(question.id)
            report(Step("follow_up", question.id, follow_up.text))
            if reply is None:
                break
            second = _answer(reply.path, question, transcriber)
            report(Step("follow_up_answer", question.id, second.transcript, second))
            analysis = interviewer.follow_up_answered(question, analysis, second)
            follow_up = interviewer.after_analysis(question, analysis)
        report(Step("feedback", question.id, _first_tip(question, plan, analysis), analysis))
    return interviewer.scorecard()


def _first_tip(question: Question, plan: MockPlan, analysis: Analysis) -> str:
    """The closing's verdict for the closing question, else the answer's first tip."""
    if question.id == plan.closing.id:
        return judge_closing(analysis.transcript).feedback
    tips = analysis.tips
    return str(tips[0]) if tips else ""


def _answer(path: Any, question: Question, transcriber: Transcriber) -> Analysis:
    return analyze_clip(load_audio(path), transcriber, question.ref(), source=str(path))
