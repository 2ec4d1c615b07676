"""Progress over time as terminal charts: a sparkline per metric and bars per session."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Static

from starcoach.core.trends import METRICS, Trend
from starcoach.reports.charts import sparkline, text_bars
from starcoach.reports.common import fmt_metric

MAX_POINTS = 32
"""Most recent answers drawn in a sparkline (older ones still count for the direction)."""

MAX_SESSIONS = 6
"""Most recent sessions drawn as bars."""

DIRECTION_STYLES = {"improving": "bold green", "worse": "bold red", "flat": "yellow"}
LABEL_W = 19


def _display(metric: str, value: float | None) -> float | None:
    """STAR coverage is shown in percent; the rest as stored."""
    return value * 100 if value is not None and metric == "star_coverage" else value


def trend_line(trend: Trend, max_points: int = MAX_POINTS) -> Text:
    """``Label  ▁▃▆█  first -> latest  direction`` for one metric."""
    values = list(trend.values)
    known = [v for v in values if v is not None]
    t = Text()
    t.append(f"{trend.label:<{LABEL_W}}  ", style="bold")
    shown = values[-max_points:]
    t.append(f"{sparkline(shown):<{min(max_points, max(len(shown), 1))}}", style="cyan")
    if not known:
        t.append("  not measured yet", style="dim")
        return t
    t.append(f"  {fmt_metric(trend.metric, known[0])} -> {fmt_metric(trend.metric, known[-1])}  ")
    t.append(trend.direction, style=DIRECTION_STYLES.get(trend.direction, ""))
    if len(known) < 2:
        t.append("  (one answer so far)", style="dim")
    return t


def session_bars(
    sessions: Sequence[tuple[str, Mapping[str, float | None]]], metric: str, width: int = 30
) -> list[str]:
    """One bar row per session (label, means) for ``metric``, oldest first."""
    rows = [(label, _display(metric, means.get(metric))) for label, means in sessions]
    return text_bars(rows, width)


def trends_text(
    trends: Sequence[Trend], sessions: Sequence[tuple[str, Mapping[str, float | None]]] = ()
) -> Text:
    """The whole progress view: one trend line per metric, then per-session bars."""
    t = Text()
    count = max((len(tr.values) for tr in trends), default=0)
    t.append(
        f"Over your last {min(count, MAX_POINTS)} of {count} answer(s), oldest first\n\n",
        style="dim",
    )
    for trend in trends:
        t.append_text(trend_line(trend))
        t.append("\n")
    recent = list(sessions)[-MAX_SESSIONS:]
    if len(recent) < 2:
        return t
    for spec in METRICS:
        unit = " (%)" if spec.key == "star_coverage" else f" ({spec.unit})" if spec.unit else ""
        t.append(f"\n{spec.label}{unit} by session\n", style="bold")
        for line in session_bars(recent, spec.key):
            t.append(f"  {line}\n", style="")
    return t


class TrendsView(Static):
    """Trends of pace, fillers, long pauses and STAR coverage, each with its direction word.

    Args:
        trends: ``core.trends.trends(...)`` over the answers, oldest first.
        sessions: (label, mean metrics) per session, oldest first, for the bar rows.
    """

    DEFAULT_CSS = """
    TrendsView { height: auto; padding: 0 1; }
    """

    def __init__(
        self,
        trends: Sequence[Trend] = (),
        sessions: Sequence[tuple[str, Mapping[str, float | None]]] = (),
        **kwargs: Any,
    ) -> None:
        self.trends = list(trends)
        self.text = trends_text(self.trends, sessions)
        super().__init__(self.text, **kwargs)

    def show(
        self,
        trends: Sequence[Trend],
        sessions: Sequence[tuple[str, Mapping[str, float | None]]] = (),
    ) -> None:
        """Redraw with new trends (after the history changed)."""
        self.trends = list(trends)
        self.text = trends_text(self.trends, sessions)
        self.update(self.text)

    def direction(self, metric: str) -> str | None:
        """The direction word of ``metric`` (a ``MetricSpec.key``), or None if not tracked."""
        return next((t.direction for t in self.trends if t.metric == metric), None)
