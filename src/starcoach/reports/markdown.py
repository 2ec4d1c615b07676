"""Markdown reports, for pasting into a chat, a ticket or notes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from starcoach.core.analysis.result import Analysis
from starcoach.core.session_export import ExportAttempt, SessionExport
from starcoach.core.trends import METRICS, Change
from starcoach.reports.charts import sparkline
from starcoach.reports.common import (
    fmt_metric,
    group_summary,
    marked_words,
    metric_rows,
    retake_changes,
    session_trends,
    star_checklist,
    tips_of,
    trainee_name,
)


def _escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in text)


def marked_transcript(analysis: Analysis) -> str:
    """The transcript with filler words in bold, e.g. ``**um** so I led the team``."""
    return " ".join(
        f"**{_escape(w)}**" if filler else _escape(w) for w, filler in marked_words(analysis)
    )


def _changes(changes: Sequence[Change]) -> list[str]:
    lines = ["", "Compared with the previous attempt:", ""]
    for c in changes:
        if c.delta is None:
            continue
        verdict = "better" if c.better else "worse" if c.worse else "about the same"
        lines.append(
            f"- {c.label}: {fmt_metric(c.metric, c.before)} -> "
            f"{fmt_metric(c.metric, c.after)} ({verdict})"
        )
    return lines


def _attempt(n: int, attempt: ExportAttempt, changes: Sequence[Change] | None) -> list[str]:
    analysis = attempt.analysis
    lines = [
        f"## {n}. {_escape(attempt.question_text)}",
        "",
        f"*{attempt.created_at}*",
        "",
        "| Metric | Value |",
        "|---|---|",
    ]
    lines += [f"| {label} | {value} |" for label, value in metric_rows(analysis)]
    lines += ["", "**Transcript** (fillers in bold):", "", "> " + marked_transcript(analysis)]
    lines += ["", "**STAR checklist:**", ""]
    for part, score, present in star_checklist(analysis):
        shown = "" if score is None else f" ({score * 100:.0f}%)"
        lines.append(f"- [{'x' if present else ' '}] {part.capitalize()}{shown}")
    tips = tips_of(analysis)
    if tips:
        lines += ["", "**Tips:**", ""] + [f"- {_escape(str(t))}" for t in tips]
    if changes:
        lines += _changes(changes)
    return lines + [""]


def render_markdown(export: SessionExport) -> str:
    """A session report: per answer metrics, transcript, STAR checklist; then trends."""
    session = export.session
    title = f"# starcoach session {session.id}"
    if export.trainee:
        title += f" ({_escape(export.trainee)})"
    lines = [
        title,
        "",
        f"{session.kind} session started {session.started_at}, {len(export.attempts)} answer(s).",
        "",
    ]
    retakes = retake_changes(export)
    for i, attempt in enumerate(export.attempts):
        lines += _attempt(i + 1, attempt, retakes.get(i))
    lines += ["## Trends", "", "| Metric | Per answer | Trend |", "|---|---|---|"]
    for t in session_trends(export):
        values = ", ".join(fmt_metric(t.metric, v) for v in t.values)
        lines.append(f"| {t.label} | `{sparkline(t.values)}` {values} | {t.direction} |")
    if export.scorecard is not None:
        from starcoach.reports.scorecard import scorecard_markdown

        lines += ["", scorecard_markdown(export.scorecard)]
    return "\n".join(lines) + "\n"


def render_group_markdown(exports: Sequence[tuple[SessionExport, Path | None]]) -> str:
    """A group comparison: one row per trainee with mean metrics, then their questions."""
    rows = group_summary(exports)
    header = "| Trainee | Answers | " + " | ".join(s.label for s in METRICS) + " |"
    lines = [
        "# starcoach group report",
        "",
        f"{len(rows)} trainee(s).",
        "",
        header,
        "|---" * (len(METRICS) + 2) + "|",
    ]
    for row in rows:
        cells = [fmt_metric(s.key, row.means[s.key]) for s in METRICS]
        lines.append(f"| {_escape(row.name)} | {row.attempts} | " + " | ".join(cells) + " |")
    for export, path in exports:
        lines += ["", f"## {_escape(trainee_name(export, path))}", ""]
        for attempt in export.attempts:
            m = dict(metric_rows(attempt.analysis))
            lines.append(
                f"- {_escape(attempt.question_text)}: pace {m['Pace']}, "
                f"fillers/min {m['Fillers per minute']}, STAR {m['STAR coverage']}"
            )
    return "\n".join(lines) + "\n"
