"""The interview room: ask aloud, record, show feedback, retake or move on."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static

from starcoach.core.analysis.engine import QuestionRef
from starcoach.core.errors import AppError, DeviceError
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.questions import Question, QuestionSet
from starcoach.core.session import AnswerRecord, SilenceMonitor, plan_questions
from starcoach.live import record_answer
from starcoach.services import InterviewOptions, Services
from starcoach.ui.messages import (
    AnswerAnalyzed,
    AnswerFailed,
    CaptionsUpdated,
    LevelChanged,
    QuestionSpoken,
    RecordingStopped,
)
from starcoach.ui.widgets.feedback import FeedbackView
from starcoach.ui.widgets.level_meter import LevelMeter

ACTIONS_BY_STATE = {
    "stop": {"recording"},
    "replay": {"feedback"},
    "retake": {"feedback", "failed"},
    "next": {"feedback", "failed"},
    "skip": {"asking", "thinking", "recording", "failed"},
    "type_answer": {"feedback", "failed", "thinking"},
    "file_answer": {"feedback", "failed", "thinking"},
}


class InterviewScreen(Screen[None]):
    """One session: a question at a time."""

    BINDINGS = [
        Binding("space,enter", "stop", "Stop"),
        Binding("p", "replay", "Replay"),
        Binding("t", "retake", "Retake"),
        Binding("n", "next", "Next"),
        Binding("k", "skip", "Skip"),
        Binding("y", "type_answer", "Type"),
        Binding("f", "file_answer", "File"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, services: Services, question_set: QuestionSet,
                 options: InterviewOptions) -> None:
        super().__init__()
        self.services = services
        self.options = options
        self.questions: list[Question] = plan_questions(question_set, options.count,
                                                        options.shuffle)
        self.index = 0
        self.state = "asking"
        self.records: list[AnswerRecord] = []
        self.analysis: dict[str, Any] | None = None
        self.audio_path: Path | None = None
        self._stop = threading.Event()
        self._countdown: Timer | None = None
        self._think_left = 0
        self.mic_live = False

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

    def on_unmount(self) -> None:
        # Quitting (q, Ctrl+C) mid-answer: stop the microphone; the WAV is already on disk.
        self._stop.set()

    # -- flow ---------------------------------------------------------------------------
    def ask(self) -> None:
        """Show the current question and read it aloud."""
        self._set_state("asking")
        self.analysis = None
        self.query_one("#feedback").remove_children()
        self.query_one("#captions", Static).update("")
        self.query_one("#progress", Static).update(
            f"Question {self.index + 1} of {len(self.questions)}  ·  {self.question.competency}"
            f"  ·  {self.question.kind}")
        self.query_one("#question", Static).update(self.question.text)
        speaking = self.services.speaker is not None
        self._status("🔊 Reading the question aloud..." if speaking else "")
        self._speak(self.question.text)

    @work(thread=True, exclusive=True, group="speak", exit_on_error=False)
    def _speak(self, text: str) -> None:
        spoken = False
        if self.services.speaker is not None:
            try:
                self.services.speaker.speak(text)
                spoken = True
            except AppError:
                spoken = False
        self.post_message(QuestionSpoken(spoken))

    @on(QuestionSpoken)
    def _question_spoken(self, message: QuestionSpoken) -> None:
        if self.state != "asking":
            return
        self._think_left = self.options.think_s
        if self._think_left > 0:
            self._set_state("thinking")
            self._tick_think()
            self._countdown = self.set_interval(1.0, self._tick_think)
        else:
            self.start_recording()

    def _tick_think(self) -> None:
        if self.state != "thinking":
            return
        if self._think_left <= 0:
            if self._countdown:
                self._countdown.stop()
            self.start_recording()
            return
        self._status(f"Think time: {self._think_left} s (recording starts after)")
        self._think_left -= 1

    def start_recording(self) -> None:
        """Open the microphone and start transcribing as the candidate speaks."""
        self._set_state("recording")
        self._stop = threading.Event()
        self.mic_live = False
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.audio_path = self.services.answers_dir / f"{stamp}-{self.question.id}.wav"
        self._status("Opening the microphone...")
        self._record(self.audio_path, self._stop)

    @work(thread=True, exclusive=True, group="record", exit_on_error=False)
    def _record(self, path: Path, stop: threading.Event) -> None:
        s = self.services
        monitor = SilenceMonitor(self.options.silence_stop_s, self.options.max_answer_s)
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
        try:
            analysis = self._analyze(live.clip, live.transcript, live.speech_regions,
                                     live.tone_tracks)
        except AppError as exc:
            self.post_message(AnswerFailed(exc.message, path, False))
            return
        self.post_message(AnswerAnalyzed(analysis, path, time.monotonic() - live.ended_at))

    def _analyze(self, clip: AudioClip, transcript: Transcript,
                 regions: list[tuple[float, float]] | None = None,
                 tone_tracks: Any = None) -> dict[str, Any]:
        from starcoach.pipeline import analyze_clip

        q = self.question
        ref = QuestionRef(text=q.text, id=q.id, behavioral=q.expects_star,
                          extra={"kind": q.kind, "competency": q.competency, "set": q.set_id})
        return analyze_clip(clip, self.services.transcriber, ref,
                            self.options.analysis, transcript, source="your answer",
                            regions=regions, tone_tracks=tone_tracks)

    # -- messages from workers ----------------------------------------------------------
    @on(LevelChanged)
    def _level(self, message: LevelChanged) -> None:
        if self.state != "recording":
            return
        self.mic_live = True
        self.query_one(LevelMeter).level_dbfs = message.level_dbfs
        minutes, seconds = divmod(int(message.elapsed_s), 60)
        target = "1:00-2:00" if self.question.expects_star else "0:30-2:00"
        self._status(f"● Recording {minutes}:{seconds:02d}  (target {target})  "
                     f"{self._live_wpm(message.elapsed_s)}  Space/Enter: stop")

    @on(CaptionsUpdated)
    def _captions(self, message: CaptionsUpdated) -> None:
        self._words = message.words
        text = " ".join(w.text.strip() for w in message.words[-40:])
        self.query_one("#captions", Static).update(f"Heard: {text}" if text else "")

    def _live_wpm(self, elapsed: float) -> str:
        words = getattr(self, "_words", [])
        if not words or words[0].start is None:
            return ""
        span = elapsed - words[0].start
        return f"{len(words) / span * 60:.0f} wpm" if span > 5 else ""

    @on(RecordingStopped)
    def _stopped(self, message: RecordingStopped) -> None:
        self._set_state("analyzing")
        why = {"silence": "Stopped after silence.", "max_length": "Reached the maximum length."}
        self._status(f"{why.get(message.reason, 'Stopped.')} Finishing the transcript...")

    @on(AnswerAnalyzed)
    def _analyzed(self, message: AnswerAnalyzed) -> None:
        self._words = []
        self.show_feedback(message.analysis, message.audio_path)
        self.log(f"feedback latency {message.latency_s:.2f} s")

    def show_feedback(self, analysis: dict[str, Any], audio_path: Path | None) -> None:
        """Show the analysis and keep it for the summary and the history."""
        self.analysis = analysis
        self.audio_path = audio_path
        self._set_state("feedback")
        previous = next((r for r in reversed(self.records) if r.question.id == self.question.id),
                        None)
        self.records.append(AnswerRecord(self.question, analysis,
                                         str(audio_path) if audio_path else None))
        self.query_one("#captions", Static).update("")
        box = self.query_one("#feedback")
        box.remove_children()
        view = FeedbackView(analysis)
        box.mount(view)
        if previous is not None:
            from starcoach.ui.widgets.compare import ComparisonView

            view.mount(Static("Compared with your previous attempt", classes="section-title"),
                       before=0)
            view.mount(ComparisonView(previous.analysis, analysis), after=0)
        last = self.index == len(self.questions) - 1
        self._status(f"p replay · t retake · n {'summary' if last else 'next question'} · q quit")
        if self.services.save_attempt is not None:
            try:
                self.services.save_attempt(analysis, audio_path)
            except AppError as exc:
                self.notify(f"Not saved to history: {exc.message}", severity="warning")

    @on(AnswerFailed)
    def _failed(self, message: AnswerFailed) -> None:
        self._set_state("failed")
        kept = f" What was recorded is kept in {message.audio_path}." if message.audio_path else ""
        advice = ("  y: type the answer · f: answer from an audio file · t: try the microphone "
                  "again · n: next" if message.device_problem else "  t: retake · y: type · n: next")
        self._status(f"⚠ {message.message}{kept}\n{advice}")
        self.notify(message.message, severity="error", timeout=8)

    # -- actions --------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        states = ACTIONS_BY_STATE.get(action)
        return True if states is None else self.state in states

    def action_stop(self) -> None:
        """Stop recording."""
        self._stop.set()

    def action_replay(self) -> None:
        """Play the answer back."""
        if self.services.play is None or self.audio_path is None or not self.audio_path.exists():
            self.notify("No playback device, or no recording for this answer.", severity="warning")
            return
        self._play(self.audio_path)

    @work(thread=True, exclusive=True, group="play", exit_on_error=False)
    def _play(self, path: Path) -> None:
        from starcoach.adapters.audio_files import load_audio

        assert self.services.play is not None
        try:
            self.services.play(load_audio(path))
        except AppError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")

    def action_retake(self) -> None:
        """Ask the same question again."""
        if self.state == "feedback" and self.records:
            self.notify("Previous attempt kept; here is the question again.")
        self.ask()

    def action_next(self) -> None:
        """Next question, or the summary after the last."""
        self._stop.set()
        if self.index + 1 < len(self.questions):
            self.index += 1
            self.ask()
        else:
            from starcoach.ui.screens.summary import SummaryScreen

            self.app.switch_screen(SummaryScreen(self.records))

    def action_skip(self) -> None:
        """Skip this question without feedback."""
        self._stop.set()
        self.state = "skipped"
        self.workers.cancel_group(self, "record")
        self.action_next()

    def action_type_answer(self) -> None:
        """Type the answer instead of speaking it."""
        from starcoach.ui.screens.modals import TypedAnswerScreen

        self.app.push_screen(TypedAnswerScreen(self.question.text), self._typed)

    def _typed(self, text: str | None) -> None:
        if text:
            from starcoach.pipeline import analyze_text

            q = self.question
            ref = QuestionRef(text=q.text, id=q.id, behavioral=q.expects_star)
            self.show_feedback(analyze_text(text, ref, self.options.analysis), None)

    def action_file_answer(self) -> None:
        """Analyse a recorded answer from a file."""
        from starcoach.ui.screens.modals import AudioFileScreen

        self.app.push_screen(AudioFileScreen(), self._from_file)

    def _from_file(self, path: str | None) -> None:
        if path:
            self._set_state("analyzing")
            self._status(f"Transcribing {path}...")
            self._analyze_file(Path(path).expanduser())

    @work(thread=True, exclusive=True, group="record", exit_on_error=False)
    def _analyze_file(self, path: Path) -> None:
        from starcoach.adapters.audio_files import load_audio

        started = time.monotonic()
        try:
            clip = load_audio(path)
            transcript = self.services.transcriber.transcribe(clip)
            analysis = self._analyze(clip, transcript)
        except AppError as exc:
            self.post_message(AnswerFailed(exc.message, None, False))
            return
        self.post_message(AnswerAnalyzed(analysis, path, time.monotonic() - started))

    # -- helpers --------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        self.state = state
        self.query_one(LevelMeter).display = state == "recording"
        self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)
