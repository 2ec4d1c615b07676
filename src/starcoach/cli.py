"""Command-line entry point: argument parsing and error reporting, nothing else."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence
from types import ModuleType

from starcoach import __version__
from starcoach.commands import COMMAND_MODULES
from starcoach.core.errors import AppError


def _command_modules() -> list[ModuleType]:
    modules = []
    for name in COMMAND_MODULES:
        try:
            modules.append(importlib.import_module(f"starcoach.commands.{name}"))
        except ModuleNotFoundError as exc:  # a command not written yet
            if exc.name != f"starcoach.commands.{name}":
                raise
    return modules


def build_parser() -> argparse.ArgumentParser:
    """The full ``starcoach`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="starcoach",
        description="Offline mock-interview coach: practise answers out loud and get feedback "
        "on pace, pauses, filler words and STAR structure. With no command, starts the "
        "interview app.",
        epilog="Run `starcoach COMMAND --help` for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"starcoach {__version__}")
    from starcoach.commands.interview import add_app_arguments

    add_app_arguments(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        from starcoach.commands import interview

        handler = interview.run
    else:
        handler = args.handler
    try:
        return int(handler(args))
    except AppError as exc:
        print(f"starcoach: {exc.message}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # e.g. the history locked by another process for too long
        print(f"starcoach: history database error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("starcoach: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
