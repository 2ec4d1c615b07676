"""A retake compared side by side with the previous attempt at the same question."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import Static

from starcoach.core.analysis.result import Analysis
from starcoach.core.trends import STAR_PARTS, Change, compare_attempts
from starcoach.reports.common import fmt_metric

BETTER_STYLE = "bold green"
WORSE_STYLE = "bold red"
SAME_STYLE = "dim"
LABEL_W = 19
VALUE_W = 8


def fmt_delta(key: str, delta: float | None) -> str:
    """A signed change of one metric ("+12 wpm", "-1.5/min", "+25 pts"; "-" if unknown)."""
    if delta is None:
        return "-"
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    size = abs(delta)
    if key == "wpm":
        return f"{sign}{size:.0f} wpm"
    if key == "star_coverage":
        return f"{sign}{size * 100:.0f} pts"
    if key == "long_pauses":
        return f"{sign}{size:g}" if float(size).is_integer() else f"{sign}{size:.1f}"
    if key == "fillers_per_min":
        return f"{sign}{size:.1f}/min"
    return f"{sign}{size:.1f}"


def verdict(change: Change) -> tuple[str, str]:
    """(word, style) for one change: better, worse, same or not measured."""
    if change.delta is None:
        return "not measured", SAME_STYLE
    if change.better:
        return "better", BETTER_STYLE
    if change.worse:
        return "worse", WORSE_STYLE
    return "same", SAME_STYLE


def _present_parts(analysis: Analysis) -> set[str] | None:
    """STAR parts covered (score >= 0.5 and not listed missing); None if STAR is not scored."""
    star = analysis.star
    if not star.behavioral:
        return None
    missing = {m.lower() for m in star.missing}
    return {p for p in STAR_PARTS if star.part(p) >= 0.5 and p not in missing}


def star_changes(previous: Analysis, current: Analysis) -> tuple[list[str], list[str]] | None:
    """(parts gained, parts lost) from the previous attempt to this one, in STAR order.

    Returns:
        None when either attempt has no STAR scores (not a behavioral question).
    """
    before, after = _present_parts(previous), _present_parts(current)
    if before is None or after is None:
        return None
    return (
        [p for p in STAR_PARTS if p in after - before],
        [p for p in STAR_PARTS if p in before - after],
    )


def comparison_text(changes: Sequence[Change], star: tuple[list[str], list[str]] | None) -> Text:
    """The comparison as aligned text: metric, before -> after, change, verdict; STAR parts."""
    t = Text()
    t.append(
        f"{'Metric':<{LABEL_W}}{'Before':>{VALUE_W}}    {'After':<{VALUE_W}}"
        f"{'Change':>{VALUE_W + 1}}\n",
        style="bold",
    )
    for c in changes:
        word, style = verdict(c)
        t.append(f"{c.label:<{LABEL_W}}")
        t.append(
            f"{fmt_metric(c.metric, c.before):>{VALUE_W}} -> "
            f"{fmt_metric(c.metric, c.after):<{VALUE_W}}"
        )
        t.append(f"{fmt_delta(c.metric, c.delta):>{VALUE_W + 1}}  ", style=style)
        t.append(f"{word}\n", style=style)
    if star is None:
        t.append("STAR: not scored for this question.\n", style="dim")
        return t
    gained, lost = star
    t.append("STAR parts gained: ", style="bold")
    t.append(
        (", ".join(p.capitalize() for p in gained) or "none") + "\n",
        style=BETTER_STYLE if gained else SAME_STYLE,
    )
    t.append("STAR parts lost:   ", style="bold")
    t.append(
        (", ".join(p.capitalize() for p in lost) or "none") + "\n",
        style=WORSE_STYLE if lost else SAME_STYLE,
    )
    return t


class ComparisonView(Static):
    """A retake (``current``) next to the previous attempt (``previous``), metric by metric.

    Attributes:
        changes: The ``core.trends.Change`` per tracked metric.
        star: (parts gained, parts lost), or None when STAR is not scored.
    """

    DEFAULT_CSS = """
    ComparisonView { height: auto; padding: 0 1; }
    """

    def __init__(self, previous: Analysis, current: Analysis, **kwargs: Any) -> None:
        self.changes = compare_attempts(previous, current)
        self.star = star_changes(previous, current)
        self.text = comparison_text(self.changes, self.star)
        super().__init__(self.text, **kwargs)

    @property
    def improved(self) -> list[str]:
        """Labels of the metrics that got better."""
        return [c.label for c in self.changes if c.better]

    @property
    def worsened(self) -> list[str]:
        """Labels of the metrics that got worse."""
        return [c.label for c in self.changes if c.worse]
