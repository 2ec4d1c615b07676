"""One recording flow, shared by the interview and call screens.

A take is one attempt at answering a prompt: read the prompt aloud (optionally think), record
the answer while transcribing it, analyse it, maybe ask a follow-up and record that too, save
it, and report every step as an event (``recording.events``) through ``emit``. Screens show
the events and route keys; they never run the steps themselves.

Work runs on daemon threads; ``emit`` must be thread-safe (Textual's ``post_message`` is).
Starting a new take (retake, skip, next) invalidates the old one: its microphone is stopped
and its late events are dropped by :meth:`RecordingFlow.accept`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from starcoach.core.analysis.engine import QuestionRef, Settings
from starcoach.core.analysis.result import Analysis, AttachedFollowUp
from starcoach.core.errors import AppError
from starcoach.core.ports import Speaker
from starcoach.recording.events import (
    AnswerFailed,
    AnswerReady,
    FlowEvent,
    FollowUpAsked,
    LevelMeasured,
    PromptSpoken,
    RecordingEnded,
    RecordingStarted,
    ThinkTick,
    WordsHeard,
)
from starcoach.recording.take import Take

STATE_AFTER: dict[type[FlowEvent], str] = {
    PromptSpoken: "asking",
    ThinkTick: "thinking",
    RecordingStarted: "recording",
    LevelMeasured: "recording",
    WordsHeard: "recording",
    RecordingEnded: "analyzing",
    FollowUpAsked: "asking",
    AnswerReady: "feedback",
    AnswerFailed: "failed",
}
"""The flow's state once an event of each type has been accepted."""


@dataclass(frozen=True)
class Prompt:
    """What a take answers and how it is recorded."""

    text: str
    """What is read aloud (the question, or the customer's line)."""
    question: QuestionRef
    """The question the analysis scores against."""
    audio_path: Path
    """Where the answer is recorded."""
    settings: Settings = field(default_factory=Settings)
    """Analysis thresholds."""
    silence_stop_s: float = 4.0
    """Auto-stop after this much silence once the candidate has spoken."""
    max_answer_s: float = 180.0
    """Longest answer."""
    think_s: int = 0
    """Think time between the prompt and the microphone."""
    speaker: Speaker | None = None
    """Who reads the prompt aloud; None shows it only."""


def _no_follow_up(analysis: Analysis, prompt: Prompt) -> str | None:
    return None


def _attach_follow_up(first: Analysis, question: str, second: Analysis) -> Analysis:
    return replace(first, follow_up=AttachedFollowUp(question, second))


def _as_is(analysis: Analysis, prompt: Prompt) -> Analysis:
    return analysis


@dataclass(frozen=True)
class FlowHooks:
    """The places a screen (or a future mode) plugs into the flow."""

    follow_up: Callable[[Analysis, Prompt], str | None] = _no_follow_up
    """After the analysis: a follow-up question to ask aloud and record, or None. Called
    again after each follow-up answer (with the combined analysis), up to ``max_follow_ups``."""
    combine: Callable[[Analysis, str, Analysis], Analysis] = _attach_follow_up
    """Merges (answer analysis, follow-up question, follow-up analysis) into one analysis."""
    max_follow_ups: int = 2
    """Most follow-ups per take."""
    to_store: Callable[[Analysis, Prompt], Analysis] = _as_is
    """What is saved to the history for an analysis (e.g. with the call rubric added)."""
    kind: str = "interview"
    """History session kind ("interview", "call", ...)."""


class RecordingFlow:
    """Runs takes one at a time and reports them as events."""

    def __init__(
        self, services: Any, emit: Callable[[FlowEvent], None], hooks: FlowHooks | None = None
    ) -> None:
        """Set up the flow.

        Args:
            services: ``starcoach.services.Services`` (recorder, transcriber, history).
            emit: Called, from worker threads, with each event.
            hooks: Follow-up, storage and history hooks.
        """
        self.services = services
        self.emit = emit
        self.hooks = hooks or FlowHooks()
        self.state = "idle"
        self.take = 0
        self.speech_problem: str | None = None
        self.audio_out = threading.Lock()
        self.follow_up = False
        """True from a follow-up question until the take's feedback (or failure)."""
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._skip = threading.Event()
        self._threads: list[threading.Thread] = []

    # -- commands (UI thread) ----------------------------------------------------------------
    def start(self, prompt: Prompt) -> int:
        """Abandon any take in progress and start a new one: speak, think, record, analyse."""
        self.abandon()
        self.state = "asking"
        self._spawn(self._run_take, prompt)
        return self.take

    def stop(self) -> None:
        """Stop recording; the answer so far is analysed."""
        self._stop.set()

    def skip_follow_up(self) -> bool:
        """Skip the follow-up under way (its recording stops and is not judged): the feedback
        covers the answer before it. False when no follow-up is under way."""
        if not self.follow_up:
            return False
        self._skip.set()
        self._stop.set()
        return True

    def abandon(self) -> None:
        """Drop the take in progress: its microphone closes and its late events are ignored."""
        self._stop.set()
        self._cancel.set()
        self.take += 1
        self.state = "idle"
        self.follow_up = False
        self._stop = threading.Event()
        self._cancel = threading.Event()
        self._skip = threading.Event()

    def answer_text(self, text: str, prompt: Prompt) -> None:
        """Analyse a typed answer (no timing) as a new take."""
        self.abandon()
        self.state = "analyzing"
        self._spawn(self._run_typed, prompt, text)

    def answer_file(self, path: Path, prompt: Prompt) -> None:
        """Transcribe and analyse a recorded answer from a file as a new take."""
        self.abandon()
        self.state = "analyzing"
        self._spawn(self._run_file, replace(prompt, audio_path=path))

    def accept(self, event: FlowEvent) -> bool:
        """On the UI thread: True when ``event`` belongs to the current take (then the state
        follows it); False for a stale event, which the screen must ignore."""
        if event.take != self.take:
            return False
        self.state = STATE_AFTER.get(type(event), self.state)
        if isinstance(event, FollowUpAsked | AnswerReady | AnswerFailed):
            self.follow_up = isinstance(event, FollowUpAsked)
        return True

    def close(self) -> None:
        """Stop everything (the screen is going away); recordings stay on disk."""
        self.abandon()

    def join(self, timeout_s: float = 30.0) -> bool:
        """Wait for the workers of all takes to end (saving included); True when they did."""
        deadline = time.monotonic() + timeout_s
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = [t for t in self._threads if t.is_alive()]
        return not self._threads

    # -- the take (worker threads) -------------------------------------------------------------
    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        runner = Take(self, self.take, self._stop, self._cancel, self._skip)
        thread = threading.Thread(
            target=target, args=(runner, *args), daemon=True, name=f"take-{self.take}"
        )
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _run_take(self, take: Take, prompt: Prompt) -> None:
        if not take.speak(prompt.text, prompt.speaker) or not take.think(prompt.think_s):
            return
        first = take.record(prompt, follow_up=False)
        if first is None:
            return
        analysis, path, notice = first
        for n in range(1, self.hooks.max_follow_ups + 1):
            question = None if take.cancelled else self.hooks.follow_up(analysis, prompt)
            if not question or take.cancelled:
                break
            take.post(FollowUpAsked(take.id, question))
            # Same question: the follow-up answer is judged against what was asked first.
            follow = replace(
                prompt,
                text=question,
                think_s=0,
                audio_path=path.with_name(f"{path.stem}-follow-up-{n}.wav"),
            )
            if not take.speak(question, prompt.speaker):
                return
            second = None if take.skip.is_set() else take.record(follow, follow_up=True)
            if take.cancel.is_set():
                return
            if second is None or take.skip.is_set():
                break  # skipped or failed: the feedback covers the answers so far
            analysis = self.hooks.combine(analysis, question, second[0])
        take.finish(analysis, prompt, path, notice)

    def _run_typed(self, take: Take, prompt: Prompt, text: str) -> None:
        from starcoach.recording.pipeline import analyze_text

        try:
            analysis = analyze_text(text, prompt.question, prompt.settings, source="your answer")
        except AppError as exc:
            take.post(AnswerFailed(take.id, exc.message, None, False))
            return
        take.ended_at = time.monotonic()
        take.finish(analysis, prompt, None, None)

    def _run_file(self, take: Take, prompt: Prompt) -> None:
        from starcoach.adapters.audio_files import load_audio

        try:
            clip = load_audio(prompt.audio_path)
        except AppError as exc:
            take.post(AnswerFailed(take.id, exc.message, None, False))
            return
        take.ended_at = time.monotonic()
        analysis = take.analyse(clip, None, prompt, None, None, prompt.audio_path)
        if analysis is not None:
            take.finish(analysis, prompt, prompt.audio_path, None)
