"""What the interview and call screens share: showing the recording flow and routing keys.

The flow itself (speak, record, transcribe, analyse, save) lives in
``starcoach.recording.controller``; this base class turns its events into status lines, the
level meter and captions, and gives every key an answer in every state: a key that does not
apply right now says why in one line instead of doing nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import on, work
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from starcoach.core.errors import AppError
from starcoach.recording.controller import FlowHooks, Prompt, RecordingFlow
from starcoach.recording.events import (
    AnswerFailed,
    AnswerReady,
    FlowEvent,
    FollowUpAsked,
    LevelMeasured,
    PromptSpoken,
    RecordingEnded,
    RecordingStarted,
    SaveFailed,
    ThinkTick,
    WordsHeard,
)
from starcoach.ui.messages import FlowUpdated
from starcoach.ui.widgets.level_meter import LevelMeter

BUSY = ("asking", "thinking", "recording", "analyzing")
"""States in which a take is under way."""
STOPPED_BECAUSE = {
    "silence": "Stopped after silence.",
    "max_length": "Reached the maximum length.",
    "lost": "The microphone stopped.",
}


def live_wpm(words: tuple[Any, ...]) -> str:
    """Pace so far, over the words' own time span (not the clock, which runs on in silence)."""
    timed = [w for w in words if w.start is not None and w.end is not None]
    if len(timed) < 2:
        return ""
    span = timed[-1].end - timed[0].start
    return f"~{len(timed) / span * 60:.0f} wpm" if span > 5 else ""


class AnswerScreen(Screen[None]):
    """Base of the screens that record answers through a :class:`RecordingFlow`."""

    feedback_box = "#feedback"
    """Selector of the container the feedback is mounted in."""

    def __init__(self, services: Any, hooks: FlowHooks) -> None:
        super().__init__()
        self.services = services
        self.flow = RecordingFlow(services, self._post_event, hooks)
        self.state = "asking"
        self.audio_path: Path | None = None
        self.mic_live = False
        self._words: tuple[Any, ...] = ()
        self._resume_after_modal = False
        self.resume_on_return = False
        """Ask again when this screen is back on top (a screen was pushed mid-answer)."""

    def _post_event(self, event: FlowEvent) -> None:
        """Hand a flow event (from a worker thread) to the UI thread."""
        self.post_message(FlowUpdated(event))

    # -- what subclasses provide ----------------------------------------------------------
    def prompt(self) -> Prompt:
        """The prompt of the current question or turn."""
        raise NotImplementedError

    def show_answer(self, event: AnswerReady) -> VerticalScroll:
        """Show the feedback of an answer; returns the scrollable view (it gets the focus)."""
        raise NotImplementedError

    def recording_status(self, elapsed_s: float) -> str:
        """The status line while recording."""
        minutes, seconds = divmod(int(elapsed_s), 60)
        return f"● Recording {minutes}:{seconds:02d}  {live_wpm(self._words)}  Space/Enter: stop"

    def failure_advice(self, device_problem: bool) -> str:
        """What the user can do after a failure."""
        if device_problem:
            return "  y: type the answer · t: try the microphone again · n: next"
        return "  t: retake · y: type the answer · n: next"

    # -- lifecycle ------------------------------------------------------------------------
    def begin(self) -> None:
        """Start a take for the current prompt."""
        self.audio_path = None
        self._words = ()
        self.query_one(self.feedback_box).remove_children()
        self.query_one("#captions", Static).update("")
        self.flow.start(self.prompt())
        self._set_state("asking")
        speaking = self.prompt().speaker is not None and self.flow.speech_problem is None
        self._status("🔊 Reading aloud..." if speaking else "Opening the microphone...")

    def on_unmount(self) -> None:
        # Leaving mid-answer: stop the microphone; the WAV is already on disk.
        self.flow.close()

    def on_screen_resume(self) -> None:
        if self.resume_on_return:
            self.resume_on_return = False
            self.begin()
        # A modal may hand focus back to a widget that was replaced meanwhile.
        self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        focused = self.app.focused
        if focused is None or not focused.is_attached or focused.screen is not self:
            views = self.query(self.feedback_box + " > VerticalScroll")
            if views:
                views.first().focus()

    # -- flow events ----------------------------------------------------------------------
    @on(FlowUpdated)
    def _flow_updated(self, message: FlowUpdated) -> None:
        event = message.event
        boxes = self.query(self.feedback_box)
        if not self.is_attached or not boxes or not boxes.first().is_attached:
            return  # the screen is being taken down (the app quits mid-answer)
        if not self.flow.accept(event):
            return  # from an abandoned take (skipped, retaken, moved on)
        self._set_state(self.flow.state)
        if isinstance(event, PromptSpoken):
            if event.problem:
                self.notify(
                    f"No sound output ({_first_line(event.problem)}): text only from now on.",
                    severity="warning",
                    timeout=6,
                )
            self._status("Opening the microphone...")
        elif isinstance(event, ThinkTick):
            self._status(f"Think time: {event.seconds_left} s  (Space: start now)")
        elif isinstance(event, RecordingStarted):
            self.mic_live = False
            self._words = ()
            self._status("Opening the microphone...")
        elif isinstance(event, LevelMeasured):
            self.mic_live = True
            self.query_one(LevelMeter).level_dbfs = event.level_dbfs
            self._status(self.recording_status(event.elapsed_s))
        elif isinstance(event, WordsHeard):
            self._words = event.words
            text = " ".join(w.text.strip() for w in event.words[-40:])
            self.query_one("#captions", Static).update(f"Heard: {text}" if text else "")
        elif isinstance(event, RecordingEnded):
            self._status(
                f"{STOPPED_BECAUSE.get(event.reason, 'Stopped.')} Finishing the transcript..."
            )
        elif isinstance(event, FollowUpAsked):
            self.show_follow_up(event.text)
        elif isinstance(event, AnswerReady):
            self._answer_ready(event)
        elif isinstance(event, AnswerFailed):
            self._answer_failed(event)
        elif isinstance(event, SaveFailed):
            self.notify(f"Not saved to history: {event.message}", severity="warning")

    def show_follow_up(self, text: str) -> None:
        """Show the follow-up question that is being asked."""
        self.query_one("#captions", Static).update("")
        self._status(f"Follow-up: {text}")

    def _answer_ready(self, event: AnswerReady) -> None:
        self.audio_path = event.audio_path
        self._words = ()
        self.query_one("#captions", Static).update("")
        view = self.show_answer(event)
        self.call_after_refresh(view.focus)  # arrows and PgUp/PgDn scroll it, no Tab needed
        if event.notice:
            self.notify(event.notice, severity="warning", timeout=10)
        self.log(f"feedback latency {event.latency_s:.2f} s")

    def _answer_failed(self, event: AnswerFailed) -> None:
        self.audio_path = event.audio_path
        kept = f" What was recorded is kept in {event.audio_path}." if event.audio_path else ""
        self._status(f"⚠ {event.message}{kept}\n{self.failure_advice(event.device_problem)}")
        self.notify(event.message, severity="error", timeout=8)

    # -- keys -----------------------------------------------------------------------------
    def action_stop(self) -> None:
        """Stop recording (or end the think time)."""
        if self.state in ("recording", "thinking"):
            self.flow.stop()
        elif self.state == "asking":
            self.notify("Recording starts as soon as the question has been read.")
        elif self.state == "analyzing":
            self.notify("Already finishing your answer...")
        else:
            self.notify("Not recording: t answers again, n moves on.")

    def action_retake(self) -> None:
        """Answer the current question again (whatever is under way is dropped)."""
        if self.state == "feedback":
            self.notify("Previous attempt kept; here is the question again.")
        self.begin()

    def action_replay(self) -> None:
        """Play the answer back."""
        self.start_playback(phone=False)

    def start_playback(self, phone: bool) -> None:
        """Play the recording of this answer (as a caller hears it with ``phone``)."""
        if self.state in BUSY:
            self.notify("Nothing to play yet: the answer is still under way.")
            return
        if self.services.play is None or self.audio_path is None or not self.audio_path.exists():
            self.notify("No playback device, or no recording for this answer.", severity="warning")
            return
        self._play(self.audio_path, phone)

    @work(thread=True, exclusive=True, group="play", exit_on_error=False)
    def _play(self, path: Path, phone: bool) -> None:
        from starcoach.core.telephone import telephone_clip
        from starcoach.screen_access import load_recording

        assert self.services.play is not None
        try:
            clip = load_recording(path)
            with self.flow.audio_out:
                self.services.play(telephone_clip(clip) if phone else clip)
        except AppError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")

    def action_type_answer(self) -> None:
        """Type the answer instead of speaking it."""
        from starcoach.ui.screens.modals import TypedAnswerScreen

        self._pause_take()
        self.app.push_screen(TypedAnswerScreen(self.prompt().text), self._typed)

    def _typed(self, text: str | None) -> None:
        if text:
            self.flow.answer_text(text, self.prompt())
            self._set_state("analyzing")
            self._status("Reading your answer...")
        else:
            self._resume_take()

    def action_file_answer(self) -> None:
        """Analyse a recorded answer from a file."""
        from starcoach.ui.screens.modals import AudioFileScreen

        self._pause_take()
        self.app.push_screen(AudioFileScreen(), self._from_file)

    def _from_file(self, path: str | None) -> None:
        if path:
            self.flow.answer_file(Path(path).expanduser(), self.prompt())
            self._set_state("analyzing")
            self._status(f"Transcribing {path}...")
        else:
            self._resume_take()

    def _pause_take(self) -> None:
        """A modal replaces the spoken answer: drop the take under way (mic off)."""
        self._resume_after_modal = self.state in BUSY
        if self._resume_after_modal:
            self.flow.abandon()
            self._set_state("paused")

    def _resume_take(self) -> None:
        """The modal was cancelled: ask again if it interrupted a take."""
        if self._resume_after_modal:
            self.begin()

    # -- helpers --------------------------------------------------------------------------
    def _set_state(self, state: str) -> None:
        changed = state != self.state
        self.state = state
        self.query_one(LevelMeter).display = state == "recording"
        if changed:  # each refresh rebuilds the footer: ~20 times an answer otherwise
            self.refresh_bindings()

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"
