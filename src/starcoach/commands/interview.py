"""``starcoach`` with no subcommand: the interview app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from starcoach.core.errors import AppError


def add_app_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the interview app (``starcoach`` with no command)."""
    g = parser.add_argument_group("interview app (starcoach with no command)")
    g.add_argument(
        "--demo",
        dest="app_demo",
        action="store_true",
        help="recorded answers play the candidate (no microphone needed)",
    )
    g.add_argument(
        "--calls",
        dest="app_calls",
        action="store_true",
        help="start with call-center practice (spoken customer role-plays)",
    )
    g.add_argument(
        "--mock",
        dest="app_mock",
        action="store_true",
        help="start a full mock interview (opening, behavioral questions, one "
        "situational, closing) ending in a hiring manager's scorecard",
    )
    g.add_argument(
        "--no-follow-ups",
        dest="app_no_follow_ups",
        action="store_true",
        help="the interviewer never asks a follow-up question after an answer",
    )
    g.add_argument("--set", dest="app_set", metavar="SET", help="question set id to start with")
    g.add_argument(
        "-n",
        "--count",
        dest="app_count",
        type=int,
        default=3,
        metavar="N",
        help="questions per session (default 3)",
    )
    g.add_argument(
        "--shuffle", dest="app_shuffle", action="store_true", help="shuffle the questions"
    )
    g.add_argument(
        "--think",
        dest="app_think",
        type=int,
        default=0,
        metavar="S",
        help="think time before recording (default 0)",
    )
    g.add_argument(
        "--silence-stop",
        dest="app_silence_stop",
        type=float,
        default=4.0,
        metavar="S",
        help="stop after this much silence once you have spoken (default 4)",
    )
    g.add_argument(
        "--max-length",
        dest="app_max_length",
        type=float,
        default=180.0,
        metavar="S",
        help="longest answer in seconds (default 180)",
    )
    g.add_argument(
        "--no-voice",
        dest="app_no_voice",
        action="store_true",
        help="show questions without reading them aloud",
    )
    g.add_argument(
        "--rate", dest="app_rate", type=int, metavar="WPM", help="speech rate of the question voice"
    )
    g.add_argument(
        "--input-device",
        dest="app_input_device",
        metavar="NAME|INDEX",
        help="microphone to record from (see `starcoach devices`)",
    )
    g.add_argument(
        "--model",
        dest="app_model",
        metavar="DIR|NAME",
        help="Whisper model (default: the bundled tiny.en)",
    )
    g.add_argument(
        "--data-dir",
        dest="app_data_dir",
        type=Path,
        metavar="DIR",
        help="where history and recordings go",
    )


def run(args: argparse.Namespace) -> int:
    """Build the services and run the app."""
    import sys

    from starcoach.core.followups import FollowUpSettings
    from starcoach.services import InterviewOptions, build_services, fixture_services

    if args.app_count < 1:
        raise AppError("--count must be at least 1")
    if args.app_mock and args.app_calls:
        raise AppError("choose either --mock or --calls")
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise AppError("the interview app needs a terminal; for scripts use `starcoach analyze`")
    options = InterviewOptions(
        question_set=args.app_set,
        count=args.app_count,
        shuffle=args.app_shuffle,
        think_s=args.app_think,
        silence_stop_s=args.app_silence_stop,
        max_answer_s=args.app_max_length,
        mock=args.app_mock,
        follow_ups=FollowUpSettings(enabled=not args.app_no_follow_ups),
    )
    voice = not args.app_no_voice
    if args.app_demo:
        services = fixture_services(
            options, model=args.app_model, voice=voice, data_dir=args.app_data_dir
        )
    else:
        services = build_services(
            options,
            model=args.app_model,
            input_device=args.app_input_device,
            voice=voice,
            rate=args.app_rate,
            data_dir=args.app_data_dir,
        )
    _check_set(services.question_sets, args.app_set)
    from starcoach.ui.app import InterviewApp

    start = "calls" if args.app_calls else "mock" if args.app_mock else "interview"
    InterviewApp(services, start=start).run()
    _finish_workers()
    return 0


WORKER_THREADS = ("take-", "incremental-asr", "live-tone", "save-scorecard")
"""Name prefixes of the threads that record, transcribe or save (see recording/, ui/)."""
WORKERS_GRACE_S = 20.0
"""How long quitting waits for them: saves finish and no decode is cut off mid-call."""


def _finish_workers() -> None:
    """Wait for the app's worker threads before the interpreter shuts down.

    They are daemon threads; one killed inside a CTranslate2 decode aborts the process
    ("terminate called without an active exception", exit 134) when the app is quit mid-answer
    (q or Ctrl+C). A worker still busy after the grace period is cut off by leaving at once.
    """
    import os
    import threading
    import time

    deadline = time.monotonic() + WORKERS_GRACE_S
    busy = [t for t in threading.enumerate() if t.name.startswith(WORKER_THREADS)]
    for thread in busy:
        thread.join(max(0.0, deadline - time.monotonic()))
    if any(t.is_alive() for t in busy):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _check_set(sets: list[Any], wanted: str | None) -> None:
    if wanted is not None and wanted not in {s.id for s in sets}:
        from starcoach.core.errors import QuestionSetError

        names = ", ".join(s.id for s in sets)
        raise QuestionSetError(f"no question set {wanted!r}; available: {names}")
