"""HTML reports: one self-contained file (inline CSS and SVG; no scripts, no network)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from starcoach.core.analysis.result import Analysis
from starcoach.core.session_export import ExportAttempt, SessionExport
from starcoach.core.trends import DEFAULT_BAND, METRICS, Change, metrics_of
from starcoach.reports.charts import svg_bar_chart, svg_line_chart
from starcoach.reports.common import (
    analyses,
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

CSS = """
body{font-family:system-ui,sans-serif;max-width:1100px;margin:24px auto;padding:0 16px;
color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:left}th{background:#f3f3f3}
.transcript{background:#fafafa;border-left:4px solid #ccc;padding:8px 12px}
mark.filler{background:#ffd54f;padding:0 2px;border-radius:3px}
.star li{list-style:none}.ok{color:#1b7f2a}.no{color:#b3261e}
.charts{display:flex;flex-wrap:wrap;gap:16px}.better{color:#1b7f2a}.worse{color:#b3261e}
.meta{color:#666}
"""
"""Stylesheet inlined in every report."""


def _page(title: str, body: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def marked_transcript(analysis: Analysis) -> str:
    """The transcript as HTML with each filler in ``<mark class="filler">``."""
    return " ".join(
        f'<mark class="filler">{escape(w)}</mark>' if filler else escape(w)
        for w, filler in marked_words(analysis)
    )


def _table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def _star(analysis: Analysis) -> str:
    items = []
    for part, score, present in star_checklist(analysis):
        mark = '<span class="ok">&#10003;</span>' if present else '<span class="no">&#10007;</span>'
        shown = "" if score is None else f" ({score * 100:.0f}%)"
        items.append(f"<li>{mark} {part.capitalize()}{shown}</li>")
    return '<ul class="star">' + "".join(items) + "</ul>"


def _changes(changes: Sequence[Change]) -> str:
    rows = []
    for c in changes:
        if c.delta is None:
            continue
        cls, verdict = (
            ("better", "better")
            if c.better
            else (("worse", "worse") if c.worse else ("", "about the same"))
        )
        rows.append(
            f"<tr><th>{escape(c.label)}</th><td>{fmt_metric(c.metric, c.before)}</td>"
            f"<td>{fmt_metric(c.metric, c.after)}</td>"
            f'<td class="{cls}">{verdict}</td></tr>'
        )
    if not rows:
        return ""
    return (
        "<h3>Compared with the previous attempt</h3><table><tr><th>Metric</th>"
        "<th>Before</th><th>After</th><th></th></tr>" + "".join(rows) + "</table>"
    )


def _attempt(n: int, attempt: ExportAttempt, changes: Sequence[Change] | None) -> list[str]:
    analysis = attempt.analysis
    tips = tips_of(analysis)
    out = [
        f'<section class="attempt"><h2>{n}. {escape(attempt.question_text)}</h2>',
        f'<p class="meta">{escape(attempt.created_at)}</p>',
        _table(metric_rows(analysis)),
        "<h3>Transcript</h3>",
        f'<p class="transcript">{marked_transcript(analysis)}</p>',
        "<h3>STAR checklist</h3>",
        _star(analysis),
    ]
    if tips:
        out.append(
            "<h3>Tips</h3><ul>" + "".join(f"<li>{escape(str(t))}</li>" for t in tips) + "</ul>"
        )
    if changes:
        out.append(_changes(changes))
    return out + ["</section>"]


def _trend_charts(export: SessionExport) -> list[str]:
    done = analyses(export)
    band = metrics_of(done[-1]).band if done else DEFAULT_BAND
    charts = []
    for t in session_trends(export):
        values = [v * 100 if v is not None and t.metric == "star_coverage" else v for v in t.values]
        title = f"{t.label}{' (%)' if t.metric == 'star_coverage' else ''}: {t.direction}"
        charts.append(svg_line_chart(values, title, band=band if t.metric == "wpm" else None))
    return ['<section id="trends"><h2>Trends</h2><div class="charts">', *charts, "</div></section>"]


def render_html(export: SessionExport) -> str:
    """A session report: per answer transcript, metrics, STAR checklist; trend charts."""
    session = export.session
    title = f"starcoach session {session.id}"
    if export.trainee:
        title += f" ({export.trainee})"
    attempts = export.attempts
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(session.kind)} session started '
        f"{escape(session.started_at)}, {len(attempts)} answer(s).</p>",
    ]
    if export.scorecard is not None:
        from starcoach.reports.scorecard import scorecard_html

        body.append(scorecard_html(export.scorecard))
    body += _trend_charts(export)
    retakes = retake_changes(export)
    for i, attempt in enumerate(attempts):
        body += _attempt(i + 1, attempt, retakes.get(i))
    return _page(title, body)


def render_group_html(exports: Sequence[tuple[SessionExport, Path | None]]) -> str:
    """A group comparison: a table and a bar chart per metric, then each trainee's answers."""
    rows = group_summary(exports)
    head = "".join(f"<th>{escape(s.label)}</th>" for s in METRICS)
    table = [f"<table><tr><th>Trainee</th><th>Answers</th>{head}</tr>"]
    for row in rows:
        cells = "".join(f"<td>{fmt_metric(s.key, row.means[s.key])}</td>" for s in METRICS)
        table.append(f"<tr><td>{escape(row.name)}</td><td>{row.attempts}</td>{cells}</tr>")
    charts = [
        svg_bar_chart([(r.name, r.means[s.key]) for r in rows], f"Mean {s.label}") for s in METRICS
    ]
    body = [
        "<h1>starcoach group report</h1>",
        f'<p class="meta">{len(rows)} trainee(s)</p>',
        "".join(table) + "</table>",
        '<div class="charts">',
        *charts,
        "</div>",
    ]
    for export, path in exports:
        body.append(f"<h2>{escape(trainee_name(export, path))}</h2><ul>")
        for attempt in export.attempts:
            m = dict(metric_rows(attempt.analysis))
            body.append(
                f"<li>{escape(attempt.question_text)}: pace {escape(m['Pace'])}, "
                f"fillers/min {escape(m['Fillers per minute'])}, "
                f"STAR {escape(m['STAR coverage'])}</li>"
            )
        body.append("</ul>")
    return _page("starcoach group report", body)
