"""Seconds from the end of an answer to the interviewer starting to speak the follow-up.

Runs the app's own recording flow (``RecordingFlow`` with the interview screen's interviewer
hooks, no screen) on demo answers that get a follow-up: the answer plays at real speed through
the demo recorder, the real Whisper model transcribes it while it plays, the analysis runs, the
interviewer picks the follow-up and the speaker is called. The clock runs from the answer's
last audio block to that call. Also times the follow-up choice alone.

    .venv/bin/python benchmarks/follow_up_latency.py [QUESTION_ID ...] [--model NAME]
"""

from __future__ import annotations

import argparse
import queue
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from starcoach.adapters.fixtures import DemoClips, demo_recorder_factory
from starcoach.adapters.whisper_transcriber import WhisperTranscriber
from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.interviewer import Interviewer
from starcoach.core.questions import Question, load_question_sets
from starcoach.recording.controller import FlowHooks, Prompt, RecordingFlow
from starcoach.recording.events import AnswerFailed, AnswerReady, FlowEvent
from starcoach.scripted_mock import question_ref
from starcoach.services import InterviewOptions, fixture_services
from starcoach.storage.paths import question_dir

DEFAULT_QUESTIONS = ("bent-a-rule", "saying-no", "escalation")
"""Short weak demo answers (16-23 s): each gets a follow-up for its gap."""


class TimedSpeaker:
    """Says nothing; remembers when each text was to be spoken."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, float]] = []

    def speak(self, text: str) -> None:
        self.calls.append((text, time.monotonic()))


def one(question: Question, transcriber: WhisperTranscriber, folder: Path) -> float | None:
    """Seconds from the answer's last block to the follow-up's ``speak``; None: no follow-up."""
    ends: list[float] = []
    make = demo_recorder_factory(DemoClips(), realtime=True)

    def recorder(path: Path) -> Any:
        inner = make(path)
        record = inner.record

        def timed(stop: threading.Event, on_block: Any) -> Any:
            clip = record(stop, on_block)
            ends.append(time.monotonic())
            return clip

        inner.record = timed  # type: ignore[method-assign]
        return inner

    services = fixture_services(InterviewOptions(), answers=[Path("unused.wav")],
                                realtime=True, data_dir=folder, transcriber=transcriber)
    services.make_recorder = recorder
    services.save_attempt = None
    interviewer = Interviewer(InterviewOptions().follow_ups)

    def follow_up(analysis: Analysis, prompt: Prompt) -> str | None:
        asked = interviewer.after_analysis(question, analysis)
        return asked.text if asked else None

    def combine(first: Analysis, text: str, second: Analysis) -> Analysis:
        return interviewer.follow_up_answered(question, first, second)

    events: queue.Queue[FlowEvent] = queue.Queue()
    flow = RecordingFlow(services, events.put, FlowHooks(follow_up=follow_up, combine=combine))
    speaker = TimedSpeaker()
    flow.start(Prompt(question.text, question_ref(question),
                      folder / f"20260101-000000-{question.id}.wav", speaker=speaker))
    while not isinstance(events.get(timeout=300), AnswerReady | AnswerFailed):
        pass
    if len(speaker.calls) < 2:
        return None
    return speaker.calls[1][1] - ends[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", default=list(DEFAULT_QUESTIONS))
    parser.add_argument("--model", default=None)
    args = parser.parse_args()
    by_id = {q.id: q for s in load_question_sets(question_dir()) for q in s.questions}
    transcriber = WhisperTranscriber(args.model)
    transcriber.load()
    results: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for qid in args.questions:
            seconds = one(by_id[qid], transcriber, Path(tmp))
            print(f"{qid:<24} end of answer -> follow-up spoken: "
                  + ("no follow-up" if seconds is None else f"{seconds:.2f} s"), flush=True)
            if seconds is not None:
                results.append(seconds)
    if results:
        print(f"median {statistics.median(results):.2f} s, max {max(results):.2f} s "
              f"over {len(results)} answers (target <= 2 s)")
    question = by_id[args.questions[0]]
    analysis = from_json({"star": {"behavioral": True, "missing": ["result"], "sentences": [
        {"text": "A customer was upset.", "label": "situation"}]}})
    start = time.perf_counter()
    for _ in range(1000):
        Interviewer().after_analysis(question, analysis)
    print(f"follow-up choice alone: {(time.perf_counter() - start):.3f} ms per call")


if __name__ == "__main__":
    main()
