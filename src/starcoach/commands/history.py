"""``starcoach history [SESSION]``: saved sessions, and each question's first/best/latest."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starcoach.storage.queries import HistoryQueries
    from starcoach.storage.records import Attempt


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "history",
        help="list saved practice sessions and progress per question",
        description="List saved sessions (id, date, kind, answers, mean metrics) and, for each "
        "question, the first, best and latest attempt. With SESSION, show that session's "
        "answers. Session ids (or a unique prefix) go to `report` and `forget`.",
    )
    p.add_argument("session", nargs="?", metavar="SESSION", help="a session id to show in detail")
    p.add_argument("--json", action="store_true", help="print JSON instead of tables")
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the history overview, or one session's details."""
    from starcoach.storage.history import History
    from starcoach.storage.paths import data_dir

    with History.open(data_dir(args.data_dir), read_only=True) as history:
        if args.session:
            data = _session_data(history, args.session)
            text = _session_text(data)
        else:
            data = _overview_data(history)
            text = _overview_text(data)
    if args.json:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text)
    return 0


def _local(iso: str) -> str:
    from starcoach.reports.common import local_time

    return local_time(iso)


def _brief(attempt: Attempt) -> dict[str, Any]:
    return {
        "attempt": attempt.id,
        "session": attempt.session_id,
        "created_at": attempt.created_at,
        **attempt.metrics,
    }


def _overview_data(history: HistoryQueries) -> dict[str, Any]:
    sessions = [
        {
            "id": s.id,
            "started_at": s.started_at,
            "kind": s.kind,
            "question_set": s.question_set,
            "label": s.label,
            "answers": s.attempt_count,
            "means": dict(s.means),
        }
        for s in history.sessions()
    ]
    questions = [
        {
            "question_id": q.question_id,
            "question_text": q.question_text,
            "attempts": q.count,
            "first": _brief(q.first),
            "best": _brief(q.best),
            "latest": _brief(q.latest),
        }
        for q in history.questions()
    ]
    return {"data_dir": str(history.folder), "sessions": sessions, "questions": questions}


def _session_data(history: HistoryQueries, ref: str) -> dict[str, Any]:
    info = history.session(ref)
    return {
        "id": info.id,
        "started_at": info.started_at,
        "kind": info.kind,
        "question_set": info.question_set,
        "label": info.label,
        "answers": [
            {
                **_brief(a),
                "question_id": a.question_id,
                "question_text": a.question_text,
                "audio_path": str(a.audio_path) if a.audio_path else None,
                "transcript": a.analysis.transcript,
            }
            for a in history.attempts(info.id)
        ],
    }


def _metrics_line(m: Mapping[str, Any]) -> str:
    from starcoach.reports.common import fmt_metric

    return (
        f"{fmt_metric('wpm', m.get('wpm')):>7}  "
        f"{fmt_metric('f', m.get('fillers_per_min')):>5} fillers/min  "
        f"{fmt_metric('long_pauses', m.get('long_pauses')):>3} long pauses  "
        f"STAR {fmt_metric('star_coverage', m.get('star_coverage')):>4}"
    )


def _overview_text(data: Mapping[str, Any]) -> str:
    from starcoach.storage.schema import MOCK_SESSION_SET

    if not data["sessions"]:
        return (
            f"No saved sessions in {data['data_dir']}. Practise with `starcoach` or "
            "`starcoach analyze FILE --save`.\n"
        )
    lines = [f"Sessions ({data['data_dir']}):", ""]
    for s in data["sessions"]:
        kind = "mock" if s["question_set"] == MOCK_SESSION_SET else s["kind"]
        lines.append(
            f"  {s['id']}  {_local(s['started_at'])}  {kind:<9} "
            f"{s['answers']:>2} answer(s)  {_metrics_line(s['means'])}"
        )
    if data["questions"]:
        lines += ["", "Questions (first / best / latest):"]
    for q in data["questions"]:
        text = q["question_text"] or q["question_id"] or "(no question)"
        lines += ["", f"  {text[:90]}  ({q['attempts']} attempt(s))"]
        for which in ("first", "best", "latest"):
            b = q[which]
            lines.append(f"    {which:<6} {_local(b['created_at'])}  {_metrics_line(b)}")
    return "\n".join(lines) + "\n"


def _session_text(data: Mapping[str, Any]) -> str:
    lines = [
        f"Session {data['id']}  {_local(data['started_at'])}  {data['kind']}"
        + (f"  ({data['label']})" if data["label"] else ""),
        "",
    ]
    for n, a in enumerate(data["answers"], 1):
        lines.append(f"{n}. {a['question_text'] or a['question_id'] or '(no question)'}")
        lines.append(f"   {_local(a['created_at'])}  {_metrics_line(a)}")
        if a["audio_path"]:
            lines.append(f"   audio: {a['audio_path']}")
        if a["transcript"]:
            lines.append(f'   "{a["transcript"][:200]}"')
    if not data["answers"]:
        lines.append("(no answers saved)")
    return "\n".join(lines) + "\n"
