"""The interview room: ask aloud, record, show feedback, retake or move on.

The recording flow (speak, record, transcribe, analyse, save) is the shared
``RecordingFlow``; this screen shows the question and the feedback and routes the keys. Its
``Interviewer`` listens: after an answer with a gap the flow asks a follow-up aloud, records the
second answer and the feedback covers both. In a mock interview (``mock`` plan) the last answer
leads to the hiring manager's scorecard instead of the summary.
"""

from __future__ import annotations

import itertools
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from starcoach.core.analysis.result import Analysis
from starcoach.core.interviewer import Interviewer
from starcoach.core.mock_interview import MockPlan
from starcoach.core.questions import Question, QuestionSet
from starcoach.core.session import AnswerRecord, plan_questions
from starcoach.recording.controller import FlowHooks, Prompt
from starcoach.recording.events import AnswerReady
from starcoach.recording.pipeline import label_story
from starcoach.services import InterviewOptions, Services
from starcoach.ui.screens.answering import AnswerScreen, live_wpm
from starcoach.ui.widgets.feedback import FeedbackView
from starcoach.ui.widgets.level_meter import LevelMeter

_MOCK_RUNS = itertools.count(1)
"""Numbers the mock interviews of an app run: each is a history session of its own."""


class InterviewScreen(AnswerScreen):
    """One session: a question at a time."""

    BINDINGS = [
        Binding("space,enter", "stop", "Stop", show=False),  # said in the status line
        Binding("p", "replay", "Replay"),
        Binding("t", "retake", "Retake"),
        Binding("n", "next", "Next"),
        Binding("k", "skip", "Skip"),
        Binding("y", "type_answer", "Type"),
        Binding("f", "file_answer", "File", show=False),
        Binding("h", "history", "History", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        services: Services,
        question_set: QuestionSet,
        options: InterviewOptions,
        hooks: FlowHooks | None = None,
        mock: MockPlan | None = None,
    ) -> None:
        interviewer = Interviewer(options.follow_ups, relabel=label_story)
        questions = plan_questions(
            mock.as_question_set() if mock else question_set,
            None if mock else options.count,
            options.shuffle and not mock,
        )
        by_id = {q.id: q for q in questions}

        def follow_up(analysis: Analysis, prompt: Prompt) -> str | None:
            question = by_id.get(prompt.question.id or "")
            asked = question and interviewer.after_analysis(question, analysis)
            return asked.text if asked else None

        def combine(first: Analysis, text: str, second: Analysis) -> Analysis:
            asked = first.question.id if first.question else None
            return interviewer.follow_up_answered(by_id[asked or ""], first, second)

        super().__init__(
            services,
            hooks
            or FlowHooks(
                follow_up=follow_up,
                combine=combine,
                kind=f"mock-{next(_MOCK_RUNS)}" if mock else "interview",
                max_follow_ups=options.follow_ups.max_per_question,
            ),
        )
        self.options = options
        self.interviewer = interviewer
        """Follow-ups asked per question (reset on a retake)."""
        self.mock = mock
        """The mock interview's plan; None for a practice session."""
        self.questions: list[Question] = questions
        self.index = 0
        self.records: list[AnswerRecord] = []
        self.analysis: Analysis | None = None
        self._follow_up_text = ""
        """The follow-up last asked (shown as skipped when ``k`` skips it)."""

    @property
    def question(self) -> Question:
        """The current question."""
        return self.questions[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="room"):
            yield Static(id="progress")
            yield Static(id="question")
            yield Static(id="status")
            yield LevelMeter(id="meter")
            yield Static(id="captions")
            yield Vertical(id="feedback")
        yield Footer()

    def on_mount(self) -> None:
        self.ask()

    def ask(self) -> None:
        """Show the current question and start a take (read aloud, then record)."""
        self.analysis = None
        what = self.mock.stage(self.question.id) if self.mock else self.question.kind
        self.query_one("#progress", Static).update(
            f"{'Mock interview: q' if self.mock else 'Q'}uestion {self.index + 1} of "
            f"{len(self.questions)}  ·  {self.question.competency}  ·  {what}"
        )
        self.begin()

    def begin(self) -> None:
        """Show the question (without an earlier follow-up) and start a take: a fresh attempt,
        so the follow-ups count from zero again."""
        self.flow.abandon()  # no late follow-up of the take under way after the reset
        self.interviewer.retake(self.question.id)
        self.query_one("#question", Static).update(self.question.text)
        super().begin()

    def prompt(self) -> Prompt:
        q, o = self.question, self.options
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        ref = q.ref()
        return Prompt(
            q.text,
            ref,
            self.services.answers_dir / f"{stamp}-{q.id}.wav",
            o.analysis,
            o.silence_stop_s,
            o.max_answer_s,
            o.think_s,
            self.services.speaker,
        )

    def show_follow_up(self, text: str) -> None:
        """The interviewer's follow-up, under the question."""
        super().show_follow_up(text)
        self._follow_up_text = text
        self.query_one("#question", Static).update(f"{self.question.text}\n\nFollow-up: {text}")

    def recording_status(self, elapsed_s: float) -> str:
        minutes, seconds = divmod(int(elapsed_s), 60)
        if self.flow.follow_up:  # a short answer: no length target
            return (
                f"● Answering the follow-up {minutes}:{seconds:02d}  {live_wpm(self._words)}"
                "  Space/Enter: stop · k: skip it"
            )
        target = "1:00-2:00" if self.question.expects_star else "0:30-2:00"
        return (
            f"● Recording {minutes}:{seconds:02d}  (target {target})  "
            f"{live_wpm(self._words)}  Space/Enter: stop"
        )

    def failure_advice(self, device_problem: bool) -> str:
        if device_problem:
            return (
                "  y: type the answer · f: answer from an audio file · t: try the microphone "
                "again · n: next"
            )
        return "  t: retake · y: type · n: next"

    def show_answer(self, event: AnswerReady) -> VerticalScroll:
        """Show the analysis and keep it for the summary."""
        analysis = event.analysis
        self.analysis = analysis
        previous = next(
            (r for r in reversed(self.records) if r.question.id == self.question.id), None
        )
        self.records.append(
            AnswerRecord(
                self.question, analysis, str(event.audio_path) if event.audio_path else None
            )
        )
        box = self.query_one("#feedback")
        box.remove_children()
        view = FeedbackView(analysis, notice=event.notice)
        box.mount(view)
        if previous is not None:
            from starcoach.ui.widgets.compare import ComparisonView

            view.mount(
                Static("Compared with your previous attempt", classes="section-title"), before=0
            )
            view.mount(ComparisonView(previous.analysis, analysis), after=0)
        last = self.index == len(self.questions) - 1
        end = "scorecard" if self.mock else "summary"
        self._status(
            f"p replay · t retake · n {end if last else 'next question'} · ↑↓ scroll · q quit"
        )
        return view

    # -- keys -----------------------------------------------------------------------------
    def action_next(self) -> None:
        """Next question, or the summary after the last (whatever is under way is dropped)."""
        self.flow.abandon()
        if self.index + 1 < len(self.questions):
            self.index += 1
            self.ask()
        elif self.mock is not None:
            from starcoach.ui.screens.mock import finish_mock

            finish_mock(self)
        else:
            from starcoach.ui.screens.summary import SummaryScreen

            self.app.switch_screen(SummaryScreen(self.records))

    def action_history(self) -> None:
        """Past sessions and progress (an answer under way is dropped, and asked again after)."""
        from starcoach.ui.screens.history import HistoryScreen

        self._pause_take()
        self.resume_on_return = self._resume_after_modal
        self.app.push_screen(HistoryScreen(self.services))

    def action_skip(self) -> None:
        """Skip the follow-up under way (the feedback covers the answer before it), else skip
        this question without feedback (the microphone closes at once)."""
        if self.flow.skip_follow_up():
            self._status("Follow-up skipped: feedback on your answer...")
            self.query_one("#question", Static).update(
                f"{self.question.text}\n\nFollow-up (skipped): {self._follow_up_text}"
            )
            return
        self.action_next()
