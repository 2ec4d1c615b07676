"""``starcoach calls [SCENARIO] [--dir DIR] [--json] [--evaluate FILE]``: call-center scenarios.

Without SCENARIO, list the scenarios; with SCENARIO, show its turns and what each answer
should contain. ``--evaluate FILE`` scores a written call instead: FILE holds the trainee's
answers, one paragraph (separated by blank lines) per turn.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import Any

from starcoach.core.calls import Scenario, find_scenario, load_rubric, load_scenarios
from starcoach.core.errors import AppError
from starcoach.core.rubric import CallResult, evaluate_call
from starcoach.storage.paths import calls_dir, rubric_file

WIDTH = 80
"""Text output is wrapped to this many columns."""


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``calls`` subcommand."""
    parser = subparsers.add_parser(
        "calls",
        help="list call-center practice scenarios, or show one",
        description="Without SCENARIO, list the call scenarios; with SCENARIO, show its turns.",
    )
    parser.add_argument("scenario_id", nargs="?", metavar="SCENARIO", help="e.g. late-delivery")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="read scenarios (and rubric.toml, if present) from DIR",
    )
    parser.add_argument(
        "--evaluate",
        type=Path,
        default=None,
        metavar="FILE",
        help="score written answers (one paragraph per turn) against SCENARIO's rubric",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List, show or evaluate.

    Raises:
        QuestionSetError: the scenarios or rubric cannot be loaded, or SCENARIO is unknown.
        AppError: ``--evaluate`` without SCENARIO, or FILE cannot be read or has too many
            answers.
    """
    folder = calls_dir() if args.dir is None else Path(args.dir)
    rubric = load_rubric(rubric_file(folder))
    scenarios = load_scenarios(folder, rubric)
    if args.scenario_id is None:
        if args.evaluate is not None:
            raise AppError("--evaluate needs a SCENARIO")
        data: object = [_scenario_json(s) for s in scenarios]
        text = format_scenarios(scenarios)
    elif args.evaluate is None:
        chosen = find_scenario(scenarios, args.scenario_id)
        data, text = _scenario_json(chosen, full=True), format_scenario(chosen)
    else:
        chosen = find_scenario(scenarios, args.scenario_id)
        result = evaluate_call(_read_answers(args.evaluate, chosen), chosen, rubric)
        data, text = result.to_dict(), format_result(result)
    print(json.dumps(data, indent=2) if args.json else text)
    return 0


def format_scenarios(scenarios: list[Scenario]) -> str:
    """A table of scenarios: id, turn count, then name and wrapped description."""
    id_width = max([len("SCENARIO"), *(len(s.id) for s in scenarios)])
    indent = " " * (id_width + 9)
    lines = [f"{'SCENARIO':<{id_width}}  TURNS  NAME / DESCRIPTION"]
    for scenario in scenarios:
        lines.append(f"{scenario.id:<{id_width}}  {len(scenario.turns):>5}  {scenario.name}")
        if scenario.description:
            lines.extend(_wrap(scenario.description, indent))
    lines += ["", "Show one scenario with: starcoach calls SCENARIO"]
    return "\n".join(lines)


def format_scenario(scenario: Scenario) -> str:
    """A scenario's header, then each customer line with the rubric items expected."""
    lines = [f"{scenario.name} ({scenario.id}, {len(scenario.turns)} turns)"]
    if scenario.company:
        lines.append(f"You answer for: {scenario.company}")
    if scenario.description:
        lines.extend(_wrap(scenario.description, ""))
    for number, turn in enumerate(scenario.turns, start=1):
        lines += ["", f"Turn {number}:"]
        lines.extend(_wrap(f'Customer: "{turn.customer}"', "    "))
        if turn.expect:
            lines.append(f"    Expected: {', '.join(turn.expect)}")
        if turn.note:
            lines.extend(_wrap(f"Hint: {turn.note}", "    "))
    return "\n".join(lines)


def format_result(result: CallResult) -> str:
    """A call's score, item checklist, banned phrases and tips."""
    lines = [f"Call score: {round(result.score * 100)}% ({result.scenario_id})", ""]
    for item in result.items:
        mark = "x" if item.met else " "
        said = "; ".join(f'"{e.text}" (answer {(e.turn or 0) + 1})' for e in item.evidence)
        lines.append(f"[{mark}] {item.title}" + (f": {said}" if said else ""))
    for hit in result.banned:
        lines.append(f'[!] Banned: "{hit.evidence.text}" (answer {(hit.evidence.turn or 0) + 1})')
    if result.tips:
        lines += ["", "Tips:"]
        for tip in result.tips:
            lines.extend(textwrap.wrap(tip, WIDTH, initial_indent="  - ", subsequent_indent="    "))
    return "\n".join(lines)


def _read_answers(path: Path, scenario: Scenario) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AppError(f"cannot read answers from {path}: {exc}") from exc
    answers = [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]
    if len(answers) > len(scenario.turns):
        raise AppError(
            f"{path}: {len(answers)} answers, but '{scenario.id}' has {len(scenario.turns)} turns "
            "(separate answers with one blank line)"
        )
    return answers


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=indent, subsequent_indent=indent)


def _scenario_json(scenario: Scenario, full: bool = False) -> dict[str, Any]:
    voice = scenario.customer_voice
    data: dict[str, Any] = {
        "id": scenario.id,
        "name": scenario.name,
        "description": scenario.description,
        "company": scenario.company,
        "path": str(scenario.path),
        "turns": len(scenario.turns),
        "customer_voice": {"rate": voice.rate, "pitch": voice.pitch, "voice": voice.voice},
    }
    if full:
        data["turns"] = [
            {"customer": t.customer, "expect": list(t.expect), "note": t.note}
            for t in scenario.turns
        ]
    return data
