"""One take of the recording flow, on its worker thread: speak, think, record, analyse, report.

A :class:`Take` posts its events only while it is the flow's current take (a retake, skip or
next abandons it); :class:`starcoach.recording.controller.RecordingFlow` starts takes and
decides what happens between their steps.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starcoach.core.analysis.result import Analysis
from starcoach.core.errors import AppError, DeviceError
from starcoach.core.models import AudioClip, Transcript
from starcoach.core.ports import Speaker
from starcoach.core.session import SilenceMonitor
from starcoach.recording.events import (
    AnswerFailed,
    AnswerReady,
    FlowEvent,
    LevelMeasured,
    PromptSpoken,
    RecordingEnded,
    RecordingStarted,
    SaveFailed,
    ThinkTick,
    WordsHeard,
)
from starcoach.recording.input_checks import DeadInput, partial_clip

if TYPE_CHECKING:
    from starcoach.recording.controller import Prompt, RecordingFlow


class Take:
    """One take's worker-side state: its events go out only while it is current."""

    def __init__(
        self,
        flow: RecordingFlow,
        take_id: int,
        stop: threading.Event,
        cancel: threading.Event,
        skip: threading.Event,
    ) -> None:
        self.flow = flow
        self.id = take_id
        self.stop = stop
        self.cancel = cancel
        self.skip = skip
        """Set when the candidate skips the follow-up under way."""
        self.ended_at = time.monotonic()

    @property
    def cancelled(self) -> bool:
        """True once a newer take has started."""
        return self.cancel.is_set()

    def post(self, event: FlowEvent) -> None:
        """Emit ``event`` unless this take was abandoned."""
        if not self.cancelled:
            self.flow.emit(event)

    def speak(self, text: str, speaker: Speaker | None) -> bool:
        """Read ``text`` aloud; a failing speaker is dropped for the rest of the flow.

        Returns:
            False when the take was abandoned meanwhile.
        """
        spoken, problem = False, None
        if speaker is not None and self.flow.speech_problem is None:
            with self.flow.audio_out:  # never over a replay
                if self.cancelled:
                    return False
                try:
                    speaker.speak(text)
                    spoken = True
                except AppError as exc:
                    problem = self.flow.speech_problem = exc.message
        self.post(PromptSpoken(self.id, spoken, problem))
        return not self.cancelled

    def think(self, seconds: int) -> bool:
        """Count down the think time (cut short by stop); False when abandoned."""
        for left in range(seconds, 0, -1):
            self.post(ThinkTick(self.id, left))
            if self.cancel.wait(1.0) or self.stop.is_set():
                break
        return not self.cancelled

    def record(self, prompt: Prompt, follow_up: bool) -> tuple[Analysis, Path, str | None] | None:
        """Record and analyse one answer; None when abandoned or failed (reported)."""
        from starcoach.recording.live_recorder import TakeCancelled, record_answer

        services = self.flow.services
        self.stop.clear()
        self.post(RecordingStarted(self.id, follow_up))
        monitor = SilenceMonitor(prompt.silence_stop_s, prompt.max_answer_s)
        dead = DeadInput()

        def level(dbfs: float, elapsed: float) -> None:
            dead.update(dbfs, elapsed)
            self.post(LevelMeasured(self.id, dbfs, elapsed))

        path = prompt.audio_path
        try:
            live = record_answer(
                services.make_recorder(path),
                services.transcriber,
                path,
                self.stop,
                monitor,
                on_level=level,
                on_words=lambda t: self.post(WordsHeard(self.id, t.words)),
                on_stopped=lambda why: self.post(RecordingEnded(self.id, why)),
                cancel=lambda: self.cancelled or (follow_up and self.skip.is_set()),
            )
        except TakeCancelled:  # abandoned, or the follow-up skipped: not judged
            return None
        except AppError as exc:
            return None if self.cancelled else self._lost(exc, prompt, monitor.elapsed_s)
        if self.cancelled:
            return None
        self.ended_at = live.ended_at
        notice = dead.notice() if live.reason == "silence" else None
        analysis = self.analyse(
            live.clip, live.transcript, prompt, live.speech_regions, live.tone_tracks, path
        )
        return None if analysis is None else (analysis, path, notice)

    def _lost(
        self, exc: AppError, prompt: Prompt, elapsed: float
    ) -> tuple[Analysis, Path, str | None] | None:
        """The microphone failed mid-answer: analyse what reached the disk, say so."""
        path = prompt.audio_path
        device = isinstance(exc, DeviceError)
        clip = partial_clip(path) if device and elapsed > 0 else None
        if clip is None:
            self.post(AnswerFailed(self.id, exc.message, path if path.exists() else None, device))
            return None
        self.post(RecordingEnded(self.id, "lost"))
        self.ended_at = time.monotonic()
        minutes, seconds = divmod(int(elapsed), 60)
        notice = (
            f"The microphone stopped at {minutes}:{seconds:02d}; the feedback covers "
            f"what was recorded (kept in {path})."
        )
        analysis = self.analyse(clip, None, prompt, None, None, path)
        return None if analysis is None else (analysis, path, notice)

    def analyse(
        self,
        clip: AudioClip,
        transcript: Transcript | None,
        prompt: Prompt,
        regions: list[tuple[float, float]] | None,
        tracks: Any,
        path: Path | None,
    ) -> Analysis | None:
        """Analyse the clip; a failure is reported and gives None."""
        from starcoach.recording.pipeline import analyze_clip

        try:
            return analyze_clip(
                clip,
                self.flow.services.transcriber,
                prompt.question,
                prompt.settings,
                transcript,
                source="your answer",
                regions=regions,
                tone_tracks=tracks,
            )
        except AppError as exc:
            self.post(AnswerFailed(self.id, exc.message, path, False))
            return None

    def finish(
        self, analysis: Analysis, prompt: Prompt, path: Path | None, notice: str | None
    ) -> None:
        """Report the analysis, then save it to the history (off the feedback's path)."""
        if self.cancelled:
            return
        self.post(AnswerReady(self.id, analysis, path, time.monotonic() - self.ended_at, notice))
        save = self.flow.services.save_attempt
        if save is not None:
            try:
                save(self.flow.hooks.to_store(analysis, prompt), path, self.flow.hooks.kind)
            except AppError as exc:
                self.post(SaveFailed(self.id, exc.message))
