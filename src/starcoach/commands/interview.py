"""``starcoach`` with no subcommand: the interview app."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from starcoach.core.errors import AppError


def build_parser() -> argparse.ArgumentParser:
    """Options of the interview app."""
    p = argparse.ArgumentParser(prog="starcoach", description="Start the interview app.")
    p.add_argument("--set", dest="question_set", metavar="SET", help="question set id to start with")
    p.add_argument("-n", "--count", type=int, default=3, help="questions per session (default 3)")
    p.add_argument("--shuffle", action="store_true", help="shuffle the questions")
    p.add_argument("--think", type=int, default=0, metavar="S", help="think time before recording")
    p.add_argument("--silence-stop", type=float, default=4.0, metavar="S",
                   help="stop after this much silence once you have spoken (default 4)")
    p.add_argument("--max-length", type=float, default=180.0, metavar="S",
                   help="longest answer in seconds (default 180)")
    p.add_argument("--no-voice", action="store_true", help="show questions without reading them")
    p.add_argument("--rate", type=int, help="speech rate of the question voice (words/min)")
    p.add_argument("--input-device", metavar="NAME|INDEX", help="microphone to record from")
    p.add_argument("--model", metavar="DIR|NAME", help="Whisper model (default: bundled tiny.en)")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="where history and recordings go")
    p.add_argument("--demo", action="store_true",
                   help="recorded answers play the candidate (no microphone needed)")
    return p


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse the app's options (what is left after the subcommand parser)."""
    return build_parser().parse_args(list(argv))


def run(args: argparse.Namespace) -> int:
    """Build the services and run the app."""
    import sys

    from starcoach.services import InterviewOptions, build_services, fixture_services

    if args.count < 1:
        raise AppError("--count must be at least 1")
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise AppError("the interview app needs a terminal; for scripts use `starcoach analyze`")
    options = InterviewOptions(question_set=args.question_set, count=args.count,
                               shuffle=args.shuffle, think_s=args.think,
                               silence_stop_s=args.silence_stop, max_answer_s=args.max_length)
    if args.demo:
        services = fixture_services(options, model=args.model, voice=not args.no_voice,
                                    data_dir=args.data_dir)
    else:
        services = build_services(options, model=args.model, input_device=args.input_device,
                                  voice=not args.no_voice, rate=args.rate, data_dir=args.data_dir)
    from starcoach.ui.app import InterviewApp

    InterviewApp(services).run()
    return 0
