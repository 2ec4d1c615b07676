"""Call-center practice: pick a scenario, then answer the customer turn by turn.

Per turn the customer's line is shown and spoken (in the customer's voice), then the
trainee's answer is recorded (never while audio plays) and scored against the rubric items
the turn expects, with phone delivery (pace, dead air, tone). After the last turn the whole
call is scored.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from starcoach.core.analysis.engine import QuestionRef, Settings
from starcoach.core.calls import Scenario, Turn, load_rubric, load_scenarios
from starcoach.core.errors import AppError, DeviceError
from starcoach.core.models import AudioClip
from starcoach.core.ports import Speaker
from starcoach.core.rubric import CallResult, Rubric, evaluate_call, evaluate_turn, extend_rubric
from starcoach.core.session import SilenceMonitor
from starcoach.live import record_answer
from starcoach.services import Services
from starcoach.storage.paths import calls_dir, rubric_file
from starcoach.ui.messages import (
    AnswerAnalyzed,
    AnswerFailed,
    CaptionsUpdated,
    LevelChanged,
    QuestionSpoken,
    RecordingStopped,
)
from starcoach.ui.screens.modals import HelpScreen
from starcoach.ui.widgets.call_feedback import (
    DEAD_AIR_S,
    PHONE_WPM,
    CallSummaryView,
    TurnFeedback,
    TurnFeedbackView,
    call_averages,
)
from starcoach.ui.widgets.level_meter import LevelMeter

SILENCE_MARGIN_S = 2.0
"""The auto-stop waits this much longer than dead air, so dead air can be measured."""
_STOP_S = DEAD_AIR_S + SILENCE_MARGIN_S
CALL_HELP = f"""\
# Call practice keys

| key | what it does |
| --- | --- |
| **Space** / **Enter** | stop recording (it stops by itself after {_STOP_S:.0f} s of silence) |
| **n** | next customer turn (after the last: the call feedback) |
| **t** | retake the turn: hear the customer again and answer again |
| **p** | play your answer back |
| **h** | hear yourself as the customer does (telephone band, 300-3400 Hz) |
| **y** | type the answer instead of speaking |
| **q** | back to the scenarios |

Per answer: the rubric items this turn expects (met, with what you said, or missed
with a tip), banned phrases, pace (phone target {PHONE_WPM[0]:.0f}-{PHONE_WPM[1]:.0f} wpm),
dead air (silence of {DEAD_AIR_S:.0f} s or more), monotone and volume.
"""

ACTIONS_BY_STATE = {
    "stop": {"recording"},
    "replay": {"feedback"},
    "phone_replay": {"feedback"},
    "retake": {"feedback", "failed"},
    "next": {"feedback", "failed"},
    "type_answer": {"feedback", "failed"},
}


class CallSetupScreen(Screen[None]):
    """Lists the call scenarios; Enter starts the highlighted one."""

    BINDINGS = [
        Binding("q,escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, services: Services, scenarios: list[Scenario] | None = None) -> None:
        super().__init__()
        self.services = services
        self.error = ""
        if scenarios is None:
            try:
                scenarios = load_scenarios(calls_dir())
            except AppError as exc:
                scenarios, self.error = [], exc.message
        self.scenarios = scenarios

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="call-setup"):
            yield Static("Pick a call to practise", classes="section-title")
            yield OptionList(
                *(Option(f"{s.name}  ({len(s.turns)} turns)", id=s.id) for s in self.scenarios),
                id="scenarios",
            )
            yield Static(self.error, id="scenario-info")
            yield Button("Start call", id="start-call", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#scenarios", OptionList)
        if self.scenarios:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        s = self.scenarios[event.option_index]
        company = f"You answer for {s.company}. " if s.company else ""
        self.query_one("#scenario-info", Static).update(
            f"{company}{s.description}\nThe customer speaks first; answer aloud. "
            f"Pace target {PHONE_WPM[0]:.0f}-{PHONE_WPM[1]:.0f} wpm, no dead air "
            f"({DEAD_AIR_S:.0f} s+).")

    @on(OptionList.OptionSelected, "#scenarios")
    @on(Button.Pressed, "#start-call")
    def action_start(self) -> None:
        """Start the highlighted call."""
        index = self.query_one("#scenarios", OptionList).highlighted
        if index is None or not self.scenarios:
            self.notify(self.error or "No call scenarios to practise.", severity="error")
            return
        self.app.push_screen(CallScreen(self.services, self.scenarios[index]))

    def action_back(self) -> None:
        """Back to the previous screen, or quit when this is the first."""
        _back(self)


class CallScreen(Screen[None]):
    """One role-play call, a customer turn at a time."""

    BINDINGS = [
        Binding("space,enter", "stop", "Stop"),
        Binding("n", "next", "Next"),
        Binding("t", "retake", "Retake"),
        Binding("p", "replay", "Replay"),
        Binding("h", "phone_replay", "Phone"),
        Binding("y", "type_answer", "Type"),
        Binding("question_mark", "help", "Help", show=False),
        Binding("q", "back", "Back"),
    ]

    def __init__(self, services: Services, scenario: Scenario,
                 rubric: Rubric | None = None) -> None:
        super().__init__()
        self.services = services
        self.scenario = scenario
        self.base_rubric = rubric if rubric is not None else _rubric_for(scenario)
        self.rubric = extend_rubric(self.base_rubric, scenario.rubric)
        self.index = 0
        self.state = "speaking"
        self.answers: list[TurnFeedback | None] = [None] * len(scenario.turns)
        self.call_result: CallResult | None = None
        self.audio_path: Path | None = None
        self._stop = threading.Event()
        self._audio_out = threading.Lock()
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
        self._stop.set()
        close = getattr(self._customer, "close", None)
        if close is not None:
            close()

    # -- flow -----------------------------------------------------------------------------
    def play_turn(self) -> None:
        """Show the customer's line and speak it; recording starts once it has been said."""
        self._set_state("speaking")
        self.audio_path = None
        self.query_one("#call-feedback").remove_children()
        self.query_one("#captions", Static).update("")
        total = len(self.scenario.turns)
        self.query_one("#progress", Static).update(
            f"{self.scenario.name}  ·  turn {self.index + 1} of {total}")
        customer = self.query_one("#customer", Static)
        customer.update(f"Customer: “{self.turn.customer}”")
        customer.display = True
        self._note(f"Hint: {self.turn.note}" if self.turn.note else "")
        self._status("🔊 The customer is speaking...")
        self._speak(self.turn.customer)

    @work(thread=True, exclusive=True, group="speak", exit_on_error=False)
    def _speak(self, text: str) -> None:
        spoken = False
        speaker = self._customer_speaker()
        with self._audio_out:  # never over a replay, and recording waits for this
            if speaker is not None:
                try:
                    speaker.speak(text)
                    spoken = True
                except AppError:
                    spoken = False
        self.post_message(QuestionSpoken(spoken))

    def _customer_speaker(self) -> Speaker | None:
        if not self._customer_made:
            self._customer_made = True
            make = self.services.make_customer_speaker
            self._customer = make(self.scenario.customer_voice) if make is not None else None
        return self._customer

    @on(QuestionSpoken)
    def _customer_spoken(self, message: QuestionSpoken) -> None:
        if self.state == "speaking":
            self.start_recording()

    def start_recording(self) -> None:
        """Open the microphone for the trainee's answer."""
        self._set_state("recording")
        self._stop = threading.Event()
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.audio_path = (self.services.answers_dir
                           / f"{stamp}-call-{self.scenario.id}-{self.index + 1}.wav")
        self._status("Opening the microphone...")
        self._record(self.audio_path, self._stop, self.index)

    @work(thread=True, exclusive=True, group="record", exit_on_error=False)
    def _record(self, path: Path, stop: threading.Event, index: int) -> None:
        s = self.services
        silence = max(s.options.silence_stop_s, DEAD_AIR_S + SILENCE_MARGIN_S)
        monitor = SilenceMonitor(silence, s.options.max_answer_s)
        try:
            live = record_answer(
                s.make_recorder(path), s.transcriber, path, stop, monitor,
                on_level=lambda level, t: self.post_message(LevelChanged(level, t)),
                on_words=lambda t: self.post_message(CaptionsUpdated(list(t.words))),
                on_stopped=lambda why: self.post_message(RecordingStopped(why)),
            )
        except AppError as exc:
            self.post_message(AnswerFailed(exc.message, path if path.exists() else None,
                                           isinstance(exc, DeviceError)))
            return
        from starcoach.pipeline import analyze_clip

        try:
            analysis = analyze_clip(live.clip, s.transcriber, self._question_ref(index),
                                    self._settings(), live.transcript, source="your answer",
                                    regions=live.speech_regions,
                                    tone_tracks=live.tone_tracks)
        except AppError as exc:
            self.post_message(AnswerFailed(exc.message, path, False))
            return
        self.post_message(AnswerAnalyzed(analysis, path, time.monotonic() - live.ended_at))

    def _question_ref(self, index: int) -> QuestionRef:
        turn = self.scenario.turns[index]
        return QuestionRef(text=turn.customer, id=f"{self.scenario.id}-{index + 1}",
                           behavioral=False, extra={"kind": "call", "set": self.scenario.id})

    def _settings(self) -> Settings:
        return replace(self.services.options.analysis, target_wpm=PHONE_WPM)

    # -- messages from workers ------------------------------------------------------------
    @on(LevelChanged)
    def _level(self, message: LevelChanged) -> None:
        if self.state != "recording":
            return
        self.query_one(LevelMeter).level_dbfs = message.level_dbfs
        minutes, seconds = divmod(int(message.elapsed_s), 60)
        self._status(f"● Your turn {minutes}:{seconds:02d}  ·  Space/Enter: stop")

    @on(CaptionsUpdated)
    def _captions(self, message: CaptionsUpdated) -> None:
        text = " ".join(w.text.strip() for w in message.words[-30:])
        self.query_one("#captions", Static).update(f"Heard: {text}" if text else "")

    @on(RecordingStopped)
    def _stopped(self, message: RecordingStopped) -> None:
        self._set_state("analyzing")
        self._status("Listening back to your answer...")

    @on(AnswerAnalyzed)
    def _analyzed(self, message: AnswerAnalyzed) -> None:
        self.show_feedback(message.analysis, message.audio_path)
        self.log(f"call feedback latency {message.latency_s:.2f} s")

    @on(AnswerFailed)
    def _failed(self, message: AnswerFailed) -> None:
        self._set_state("failed")
        kept = f" What was recorded is kept in {message.audio_path}." if message.audio_path else ""
        advice = ("  y: type the answer · t: try the microphone again · n: next turn"
                  if message.device_problem else "  t: retake · y: type the answer · n: next")
        self._status(f"⚠ {message.message}{kept}\n{advice}")
        self.notify(message.message, severity="error", timeout=8)

    def show_feedback(self, analysis: dict[str, Any], audio_path: Path | None) -> None:
        """Score the answer against the turn's rubric items and show it (a retake replaces it)."""
        text = analysis.get("transcript") or ""
        feedback = TurnFeedback(self.index, self.turn.customer,
                                evaluate_turn(text, self.turn.expect, self.rubric),
                                analysis, audio_path)
        self.answers[self.index] = feedback
        self.audio_path = audio_path
        self._set_state("feedback")
        self.query_one("#captions", Static).update("")
        box = self.query_one("#call-feedback")
        box.remove_children()
        box.mount(TurnFeedbackView(feedback))
        self._save(analysis, audio_path, feedback)
        last = self.index == len(self.scenario.turns) - 1
        hear = "p replay · h hear as the caller · " if audio_path else ""
        self._status(f"{hear}t retake · n {'call feedback' if last else 'next turn'} · q back")

    def _save(self, analysis: dict[str, Any], audio_path: Path | None,
              feedback: TurnFeedback) -> None:
        """Keep the turn in the practice history (one "call" session per app run)."""
        if self.services.save_attempt is None:
            return
        stored = {**analysis, "question": {"id": f"{self.scenario.id}-turn-{self.index + 1}",
                                           "text": self.turn.customer, "set": self.scenario.id},
                  "rubric": feedback.result.to_dict()}
        try:
            self.services.save_attempt(stored, audio_path, "call")
        except AppError as exc:
            self.notify(f"Not saved to history: {exc.message}", severity="warning")

    def finish_call(self) -> None:
        """Score the whole call and show it."""
        texts = [a.text if a else "" for a in self.answers]
        result = evaluate_call(texts, self.scenario, self.base_rubric)
        self.call_result = result
        averages = call_averages([a.analysis for a in self.answers if a is not None])
        self._set_state("done")
        self.query_one("#progress", Static).update(f"{self.scenario.name}  ·  call feedback")
        self.query_one("#customer", Static).display = False
        self._note("")
        self._status("q: back to the scenarios")
        box = self.query_one("#call-feedback")
        box.remove_children()
        box.mount(CallSummaryView(result, averages))

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        states = ACTIONS_BY_STATE.get(action)
        return True if states is None else self.state in states

    def action_stop(self) -> None:
        """Stop recording."""
        self._stop.set()

    def action_next(self) -> None:
        """Next customer turn, or the call feedback after the last."""
        if self.index + 1 < len(self.scenario.turns):
            self.index += 1
            self.play_turn()
        else:
            self.finish_call()

    def action_retake(self) -> None:
        """Hear the customer again and answer again."""
        self.play_turn()

    def action_replay(self) -> None:
        """Play my answer back."""
        self._start_playback(phone=False)

    def action_phone_replay(self) -> None:
        """Play my answer back as the caller hears it (telephone band)."""
        self._start_playback(phone=True)

    def _start_playback(self, phone: bool) -> None:
        if self.services.play is None or self.audio_path is None or not self.audio_path.exists():
            self.notify("No playback device, or no recording for this answer.", severity="warning")
            return
        self._play(self.audio_path, phone)

    @work(thread=True, exclusive=True, group="play", exit_on_error=False)
    def _play(self, path: Path, phone: bool) -> None:
        from starcoach.adapters.audio_files import load_audio
        from starcoach.core.telephone import telephone_clip

        assert self.services.play is not None
        try:
            clip: AudioClip = load_audio(path)
            with self._audio_out:
                self.services.play(telephone_clip(clip) if phone else clip)
        except AppError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")

    def action_type_answer(self) -> None:
        """Type the answer instead of speaking it."""
        from starcoach.ui.screens.modals import TypedAnswerScreen

        self.app.push_screen(TypedAnswerScreen(self.turn.customer), self._typed)

    def _typed(self, text: str | None) -> None:
        if not text:
            return
        from starcoach.pipeline import analyze_text

        try:
            analysis = analyze_text(text, self._question_ref(self.index), self._settings())
        except AppError as exc:
            self.notify(exc.message, severity="error")
            return
        self.show_feedback(analysis, None)

    def action_help(self) -> None:
        """Show the call keys."""
        self.app.push_screen(CallHelpScreen())

    def action_back(self) -> None:
        """Leave the call (recordings stay on disk)."""
        self._stop.set()
        _back(self)

    # -- helpers --------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        self.query_one(LevelMeter).display = state == "recording"
        self.query_one("#captions").display = state in ("recording", "analyzing")
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    def _note(self, text: str) -> None:
        note = self.query_one("#call-note", Static)
        note.update(text)
        note.display = bool(text)


class CallHelpScreen(HelpScreen):
    """The call-practice keys and what the feedback means."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield Markdown(CALL_HELP)
            yield Button("Close", id="close")


def _rubric_for(scenario: Scenario) -> Rubric:
    """The ``rubric.toml`` beside the scenario file, or the default rubric."""
    return load_rubric(rubric_file(scenario.path.parent))


def _back(screen: Screen[Any]) -> None:
    """Pop ``screen``, or quit when nothing but the app's default screen is below it."""
    if len(screen.app.screen_stack) > 2:
        screen.app.pop_screen()
    else:
        screen.app.exit()
