"""Progress over time: per-metric trends and retake comparison (pure: stdlib only).

Every function takes typed analyses. Null fields count as "not measured" and are skipped,
never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starcoach.core.analysis.result import Analysis

DEFAULT_BAND = (120.0, 160.0)
"""Pace target band (words per minute) when an analysis does not carry its own."""

STAR_PARTS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class MetricSpec:
    """How to read and judge one tracked metric."""

    key: str
    """Attribute name on ``Metrics`` and column name in the history database."""
    label: str
    """Human name for tables and charts."""
    unit: str
    """Unit shown after values ("" for none)."""
    good: str
    """"down" (less is better), "up" (more is better) or "band" (inside the pace band)."""
    tolerance: float
    """Per-attempt slope (or delta) of badness below which a change counts as flat."""


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("wpm", "Pace", "wpm", "band", 1.0),
    MetricSpec("fillers_per_min", "Fillers per minute", "/min", "down", 0.1),
    MetricSpec("long_pauses", "Long pauses", "", "down", 0.1),
    MetricSpec("star_coverage", "STAR coverage", "", "up", 0.02),
)
"""The metrics tracked over time, in display order."""


@dataclass(frozen=True)
class Metrics:
    """The headline numbers of one answer (None = not measured)."""

    wpm: float | None
    """Words per minute over the answer."""
    fillers_per_min: float | None
    """Filler words per minute (None for text input)."""
    fillers_per_100_words: float | None
    """Filler words per 100 words (also for text input)."""
    long_pauses: float | None
    """Number of long pauses."""
    star_coverage: float | None
    """Mean of the four STAR part scores, 0..1."""
    duration_s: float | None
    """Answer length in seconds."""
    band: tuple[float, float] = DEFAULT_BAND
    """Pace target band the answer was judged against."""

    def value(self, key: str) -> float | None:
        """The metric named ``key`` (a ``MetricSpec.key``)."""
        value = getattr(self, key)
        return None if value is None else float(value)


@dataclass(frozen=True)
class Trend:
    """One metric over a series of attempts, oldest first."""

    metric: str
    """``MetricSpec.key``."""
    label: str
    """Human name."""
    values: tuple[float | None, ...]
    """The metric per attempt (None where not measured)."""
    slope: float | None
    """Least-squares slope of the badness per attempt (negative = improving); None if < 2."""
    direction: str
    """"improving", "worse" or "flat"."""


@dataclass(frozen=True)
class Change:
    """One metric of a retake compared with the previous attempt."""

    metric: str
    """``MetricSpec.key``."""
    label: str
    """Human name."""
    before: float | None
    """Value in the previous attempt."""
    after: float | None
    """Value in this attempt."""
    delta: float | None
    """``after - before`` (None when either is missing)."""
    better: bool
    """True when the retake is better on this metric by more than the tolerance."""
    worse: bool
    """True when the retake is worse by more than the tolerance."""


def star_coverage(analysis: Analysis) -> float | None:
    """Mean of the four STAR part scores, or None when STAR does not apply (not a behavioral
    question: call turns, open questions)."""
    star = analysis.star
    if not star.behavioral or not star.scored:
        return None
    known = [float(s) for p in STAR_PARTS if (s := getattr(star, p)) is not None]
    return sum(known) / len(known)


def metrics_of(analysis: Analysis) -> Metrics:
    """Extract the tracked metrics from an analysis."""
    pace = analysis.pace
    band = DEFAULT_BAND
    if len(pace.target_wpm) == 2:
        band = (float(pace.target_wpm[0]), float(pace.target_wpm[1]))
    fillers = analysis.fillers
    duration = analysis.duration_s
    if duration is None:
        duration = analysis.length.duration_s
    return Metrics(
        wpm=_num(pace.wpm),
        fillers_per_min=_num(fillers.per_minute),
        fillers_per_100_words=_num(fillers.per_100_words),
        long_pauses=_num(analysis.pauses.long_count),
        star_coverage=star_coverage(analysis),
        duration_s=_num(duration),
        band=band,
    )


def _num(value: float | None) -> float | None:
    return None if value is None else float(value)


def badness(spec: MetricSpec, value: float, band: tuple[float, float] = DEFAULT_BAND) -> float:
    """How far a value is from good (lower is better; 0 is ideal for "band").

    For pace this is the distance in wpm to the target band; for "up" metrics the negated value.
    """
    if spec.good == "band":
        low, high = band
        return max(low - value, 0.0, value - high)
    return -value if spec.good == "up" else value


def _slope(points: Sequence[tuple[float, float]]) -> float | None:
    if len(points) < 2:
        return None
    n = float(len(points))
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    var = sum((x - mean_x) ** 2 for x, _ in points)
    cov = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return cov / var if var else None


def _direction(badness_change: float | None, tolerance: float) -> str:
    if badness_change is None or abs(badness_change) <= tolerance:
        return "flat"
    return "improving" if badness_change < 0 else "worse"


def metric_trend(
    spec: MetricSpec, values: Sequence[float | None], band: tuple[float, float] = DEFAULT_BAND
) -> Trend:
    """Trend of one metric over attempts (oldest first); None values are skipped."""
    points = [(float(i), badness(spec, v, band)) for i, v in enumerate(values) if v is not None]
    slope = _slope(points)
    return Trend(spec.key, spec.label, tuple(values), slope, _direction(slope, spec.tolerance))


def trends(analyses: Sequence[Analysis]) -> list[Trend]:
    """Trends of every tracked metric over ``analyses`` (oldest first).

    The pace band is the latest attempt's (they normally all share the default).
    """
    metrics = [metrics_of(a) for a in analyses]
    band = metrics[-1].band if metrics else DEFAULT_BAND
    return [metric_trend(spec, [m.value(spec.key) for m in metrics], band) for spec in METRICS]


def compare_attempts(prev: Analysis, cur: Analysis) -> list[Change]:
    """Compare a retake (``cur``) with the previous attempt (``prev``), metric by metric."""
    before_m, after_m = metrics_of(prev), metrics_of(cur)
    changes = []
    for spec in METRICS:
        before, after = before_m.value(spec.key), after_m.value(spec.key)
        if before is None or after is None:
            changes.append(Change(spec.key, spec.label, before, after, None, False, False))
            continue
        gain = badness(spec, after, after_m.band) - badness(spec, before, before_m.band)
        direction = _direction(gain, spec.tolerance / 2)
        changes.append(
            Change(
                spec.key,
                spec.label,
                before,
                after,
                after - before,
                direction == "improving",
                direction == "worse",
            )
        )
    return changes


def attempt_score(analysis: Analysis) -> float:
    """A 0..1 overall score used to pick a question's best attempt (higher is better).

    The mean of the available parts: pace (1 inside the band, minus 1/40 per wpm outside),
    fillers (1 at none, 0 at 8 or more a minute), long pauses (1/(1+n)) and STAR coverage.
    """
    m = metrics_of(analysis)
    parts: list[float] = []
    if m.wpm is not None:
        parts.append(max(0.0, 1.0 - badness(METRICS[0], m.wpm, m.band) / 40.0))
    if m.fillers_per_min is not None:
        parts.append(max(0.0, 1.0 - m.fillers_per_min / 8.0))
    elif m.fillers_per_100_words is not None:
        parts.append(max(0.0, 1.0 - m.fillers_per_100_words / 6.0))
    if m.long_pauses is not None:
        parts.append(1.0 / (1.0 + m.long_pauses))
    if m.star_coverage is not None:
        parts.append(m.star_coverage)
    return sum(parts) / len(parts) if parts else 0.0
