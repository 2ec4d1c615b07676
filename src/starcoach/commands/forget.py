"""``starcoach forget SESSION``: delete a session's answers and audio for good."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from starcoach.core.errors import AppError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "forget",
        help="delete a saved session (answers and audio)",
        description="Delete a session's answers, analyses and audio files from the history. "
        "Asks for confirmation unless --yes is given.",
    )
    p.add_argument("session", metavar="SESSION", help="session id (see `starcoach history`)")
    p.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history folder")
    p.set_defaults(handler=run)


def confirm(prompt: str) -> bool:
    """Ask a yes/no question on stdin.

    Raises:
        AppError: stdin is not a terminal or is closed (use --yes).
    """
    if not sys.stdin or not sys.stdin.isatty():
        raise AppError(
            "refusing to delete without confirmation: stdin is not a terminal; add --yes"
        )
    try:
        answer = input(prompt)
    except EOFError:
        raise AppError("no confirmation given; add --yes to delete without asking") from None
    return answer.strip().lower() in ("y", "yes")


def run(args: argparse.Namespace) -> int:
    """Delete the session after confirmation."""
    from starcoach.storage.history import History
    from starcoach.storage.paths import data_dir

    with History.open(data_dir(args.data_dir)) as history:
        info = history.session(args.session)
        prompt = (
            f"Delete session {info.id} ({info.kind}, {info.started_at}, "
            f"{info.attempt_count} answer(s) and their audio)? [y/N] "
        )
        if not args.yes and not confirm(prompt):
            print("Nothing deleted.", file=sys.stderr)
            return 1
        count = history.delete_session(info.id)
    print(f"Deleted session {info.id} ({count} answer(s)).")
    return 0
