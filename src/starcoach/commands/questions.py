"""``starcoach questions [SET] [--dir DIR] [--json]``: list question sets or one set's questions."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import Any

from starcoach.core.questions import Question, QuestionSet, find_set, load_question_sets
from starcoach.storage.paths import question_dir

WIDTH = 80
"""Text output is wrapped to this many columns."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``questions`` subcommand."""
    parser = subparsers.add_parser(
        "questions",
        help="list question sets, or the questions of one set",
        description="Without SET, list the question sets; with SET, list its questions.",
    )
    parser.add_argument("set_id", nargs="?", metavar="SET", help="a set id, e.g. behavioral")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="read question sets from DIR (default: $STARCOACH_QUESTION_DIR or the shipped sets)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the sets, or the questions of ``args.set_id``.

    Raises:
        QuestionSetError: the sets cannot be loaded, or ``args.set_id`` is unknown.
    """
    sets = load_question_sets(question_dir() if args.dir is None else args.dir)
    if args.set_id is None:
        data: object = [_set_json(s) for s in sets]
        text = format_sets(sets)
    else:
        chosen = find_set(sets, args.set_id)
        data = _set_json(chosen, full=True)
        text = format_set(chosen)
    print(json.dumps(data, indent=2) if args.json else text)
    return 0


def format_sets(sets: list[QuestionSet]) -> str:
    """A table of sets: id, question count, then name and wrapped description."""
    id_width = max([len("SET"), *(len(s.id) for s in sets)])
    indent = " " * (id_width + 9)
    lines = [f"{'SET':<{id_width}}  COUNT  NAME / DESCRIPTION"]
    for question_set in sets:
        count = len(question_set.questions)
        lines.append(f"{question_set.id:<{id_width}}  {count:>5}  {question_set.name}")
        if question_set.description:
            lines.extend(_wrap(question_set.description, indent))
    lines.append("")
    lines.append("Show one set's questions with: starcoach questions SET")
    return "\n".join(lines)


def format_set(question_set: QuestionSet) -> str:
    """One set's header, then each question's id, kind and competency above its text."""
    count = len(question_set.questions)
    lines = [f"{question_set.name} ({question_set.id}, {count} questions)"]
    if question_set.description:
        lines.extend(_wrap(question_set.description, ""))
    id_width = max(len(q.id) for q in question_set.questions)
    kind_width = max(len(q.kind) for q in question_set.questions)
    for question in question_set.questions:
        lines.append("")
        columns = f"{question.id:<{id_width}}  {question.kind:<{kind_width}}"
        lines.append(f"{columns}  {question.competency}")
        lines.extend(_wrap(question.text, "    "))
    return "\n".join(lines)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _question_json(question: Question) -> dict[str, Any]:
    return {
        "id": question.id,
        "text": question.text,
        "competency": question.competency,
        "kind": question.kind,
        "expects_star": question.expects_star,
        "tips": list(question.tips),
        "follow_ups": list(question.follow_ups),
    }


def _set_json(question_set: QuestionSet, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": question_set.id,
        "name": question_set.name,
        "description": question_set.description,
        "path": str(question_set.path),
        "count": len(question_set.questions),
    }
    if full:
        data["questions"] = [_question_json(q) for q in question_set.questions]
    return data
