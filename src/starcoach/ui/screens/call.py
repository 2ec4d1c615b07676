"""Call-center practice: answer the customer turn by turn.

Per turn the customer's line is shown and spoken (in the customer's voice), then the
trainee's answer is recorded (never while audio plays) and scored against the rubric items
the turn expects, with phone delivery (pace, dead air, tone). After the last turn the whole
call is scored. Recording runs through the shared ``RecordingFlow``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from starcoach.core.analysis.engine import QuestionRef
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question
from starcoach.core.call_delivery import PHONE_WPM, call_averages
from starcoach.core.calls import Scenario, Turn
from starcoach.core.ports import Speaker
from starcoach.core.rubric import (
    CallResult,
    Rubric,
    evaluate_call,
    evaluate_turn,
    extend_rubric,
    rubric_result,
)
from starcoach.recording.controller import FlowHooks, Prompt
from starcoach.recording.events import AnswerReady
from starcoach.services import Services
from starcoach.ui.screens.answering import AnswerScreen
from starcoach.ui.screens.call_setup import (
    CALL_HELP,
    STOP_S,
    CallHelpScreen,
    CallSetupScreen,
    back,
    rubric_for,
)
from starcoach.ui.widgets.call_feedback import CallSummaryView, TurnFeedback, TurnFeedbackView
from starcoach.ui.widgets.level_meter import LevelMeter

__all__ = ["CALL_HELP", "CallHelpScreen", "CallScreen", "CallSetupScreen"]


class CallScreen(AnswerScreen):
    """One role-play call, a customer turn at a time."""

    feedback_box = "#call-feedback"
    BINDINGS = [
        Binding("space,enter", "stop", "Stop"),
        Binding("n", "next", "Next"),
        Binding("t", "retake", "Retake"),
        Binding("p", "replay", "Replay"),
        Binding("h", "phone_replay", "Phone"),
        Binding("y", "type_answer", "Type"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("q,escape", "back", "Back"),
    ]

    def __init__(
        self, services: Services, scenario: Scenario, rubric: Rubric | None = None
    ) -> None:
        super().__init__(services, FlowHooks(to_store=self._stored, kind="call"))
        self.scenario = scenario
        self.base_rubric = rubric if rubric is not None else rubric_for(scenario)
        self.rubric = extend_rubric(self.base_rubric, scenario.rubric)
        self.index = 0
        self.answers: list[TurnFeedback | None] = [None] * len(scenario.turns)
        self.call_result: CallResult | None = None
        self._customer: Speaker | None = None
        self._customer_made = False

    @property
    def turn(self) -> Turn:
        """The current customer turn."""
        return self.scenario.turns[self.index]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="call"):
            yield Static(id="progress")
            yield Static(id="customer")
            yield Static(id="call-note")
            yield Static(id="status")
            yield LevelMeter(id="meter")
            yield Static(id="captions")
            yield Vertical(id="call-feedback")
        yield Footer()

    def on_mount(self) -> None:
        self.play_turn()

    def on_unmount(self) -> None:
        super().on_unmount()
        close = getattr(self._customer, "close", None)
        if close is not None:
            close()

    # -- flow -----------------------------------------------------------------------------
    def play_turn(self) -> None:
        """Show the customer's line and speak it; recording starts once it has been said."""
        total = len(self.scenario.turns)
        self.query_one("#progress", Static).update(
            f"{self.scenario.name}  ·  turn {self.index + 1} of {total}"
        )
        customer = self.query_one("#customer", Static)
        customer.update(f"Customer: “{self.turn.customer}”")
        customer.display = True
        self._note(f"Hint: {self.turn.note}" if self.turn.note else "")
        self.begin()

    def prompt(self) -> Prompt:
        s = self.services
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = s.answers_dir / f"{stamp}-call-{self.scenario.id}-{self.index + 1}.wav"
        return Prompt(
            self.turn.customer,
            self._question_ref(self.index),
            path,
            replace(s.options.analysis, target_wpm=PHONE_WPM),
            max(s.options.silence_stop_s, STOP_S),
            s.options.max_answer_s,
            0,
            self._customer_speaker(),
        )

    def _customer_speaker(self) -> Speaker | None:
        if not self._customer_made:
            self._customer_made = True
            make = self.services.make_customer_speaker
            self._customer = make(self.scenario.customer_voice) if make is not None else None
        return self._customer

    def _question_ref(self, index: int) -> QuestionRef:
        turn = self.scenario.turns[index]
        return QuestionRef(
            text=turn.customer,
            id=f"{self.scenario.id}-{index + 1}",
            behavioral=False,
            kind="call",
            set_id=self.scenario.id,
        )

    def _stored(self, analysis: Analysis, prompt: Prompt) -> Analysis:
        """What the history keeps for a turn: the analysis, the turn and its rubric result."""
        index = int((prompt.question.id or "0").rsplit("-", 1)[-1]) - 1
        turn = self.scenario.turns[index]
        result = evaluate_turn(analysis.transcript, turn.expect, self.rubric)
        question = Question(
            id=f"{self.scenario.id}-turn-{index + 1}", text=turn.customer, set=self.scenario.id
        )
        return replace(analysis, question=question, rubric=rubric_result(result))

    def recording_status(self, elapsed_s: float) -> str:
        minutes, seconds = divmod(int(elapsed_s), 60)
        return f"● Your turn {minutes}:{seconds:02d}  ·  Space/Enter: stop"

    def show_answer(self, event: AnswerReady) -> VerticalScroll:
        """Score the answer against the turn's rubric items and show it (a retake replaces it)."""
        analysis = event.analysis
        text = analysis.transcript
        feedback = TurnFeedback(
            self.index,
            self.turn.customer,
            evaluate_turn(text, self.turn.expect, self.rubric),
            analysis,
            event.audio_path,
        )
        self.answers[self.index] = feedback
        box = self.query_one("#call-feedback")
        box.remove_children()
        view = TurnFeedbackView(feedback, notice=event.notice)
        box.mount(view)
        last = self.index == len(self.scenario.turns) - 1
        hear = "p replay · h hear as the caller · " if event.audio_path else ""
        self._status(f"{hear}t retake · n {'call feedback' if last else 'next turn'} · q back")
        return view

    def finish_call(self) -> None:
        """Score the whole call over the turns that were answered, and show it."""
        self.flow.abandon()
        answered = [
            (turn, a)
            for turn, a in zip(self.scenario.turns, self.answers, strict=True)
            if a is not None and a.text.strip()
        ]
        played = replace(self.scenario, turns=tuple(turn for turn, _ in answered))
        result = evaluate_call([a.text for _, a in answered], played, self.base_rubric)
        self.call_result = result
        averages = call_averages([a.analysis for _, a in answered])
        self._set_state("done")
        self.query_one("#progress", Static).update(f"{self.scenario.name}  ·  call feedback")
        self.query_one("#customer", Static).display = False
        self._note("")
        self._status("↑↓ scroll · q: back to the scenarios")
        box = self.query_one("#call-feedback")
        box.remove_children()
        numbers = [a.turn + 1 for _, a in answered]
        view = CallSummaryView(
            result,
            averages,
            turn_numbers=numbers,
            unanswered=len(self.scenario.turns) - len(answered),
        )
        box.mount(view)
        self.call_after_refresh(view.focus)

    # -- keys -----------------------------------------------------------------------------
    def action_next(self) -> None:
        """Next customer turn, or the call feedback after the last."""
        if self.state == "done":
            self.notify("The call is over: q goes back to the scenarios.")
        elif self.index + 1 < len(self.scenario.turns):
            self.flow.abandon()
            self.index += 1
            self.play_turn()
        else:
            self.finish_call()

    def action_retake(self) -> None:
        """Hear the customer again and answer again."""
        if self.state == "done":
            self.notify("The call is over: q goes back, then start it again.")
            return
        super().action_retake()

    def action_phone_replay(self) -> None:
        """Play my answer back as the caller hears it (telephone band)."""
        self.start_playback(phone=True)

    def action_type_answer(self) -> None:
        """Type the answer instead of speaking it."""
        if self.state == "done":
            self.notify("The call is over: q goes back to the scenarios.")
            return
        super().action_type_answer()

    def action_help(self) -> None:
        """Show the call keys."""
        self.app.push_screen(CallHelpScreen())

    def action_back(self) -> None:
        """Leave the call (recordings stay on disk)."""
        self.flow.close()
        back(self)

    def _set_state(self, state: str) -> None:
        super()._set_state(state)
        self.query_one("#captions").display = state in ("recording", "analyzing")

    def _note(self, text: str) -> None:
        note = self.query_one("#call-note", Static)
        note.update(text)
        note.display = bool(text)
