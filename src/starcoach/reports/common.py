"""What every report format shares: reading exports, formatting metrics, group summaries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from starcoach.core.analysis.result import Analysis
from starcoach.core.errors import AppError
from starcoach.core.session_export import SessionExport, export_from_json
from starcoach.core.trends import (
    METRICS,
    STAR_PARTS,
    Change,
    Trend,
    compare_attempts,
    metrics_of,
    trends,
)


@dataclass(frozen=True)
class TraineeSummary:
    """One trainee's row in a group report."""

    name: str
    """Trainee name (export ``trainee`` field, else the file stem)."""
    attempts: int
    """Answers in the export."""
    means: Mapping[str, float | None]
    """Mean of each tracked metric (``MetricSpec.key``)."""
    export: SessionExport
    """The export itself."""


def load_export(path: Path) -> SessionExport:
    """Read a session export written by ``starcoach report --format json``.

    Raises:
        AppError: unreadable, not JSON, or not a starcoach session export.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AppError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AppError(f"{path} is not JSON ({exc})") from exc
    try:
        return export_from_json(data)
    except ValueError as exc:
        raise AppError(
            f"{path} is not a starcoach session export "
            "(make one with `starcoach report SESSION --format json`)"
        ) from exc


def trainee_name(export: SessionExport, path: Path | None = None) -> str:
    """The export's ``trainee`` field, else the file stem, else the session id."""
    name = export.trainee
    if name is not None and name.strip():
        return name.strip()
    if path is not None:
        return Path(path).stem
    return export.session.id or "trainee"


def local_time(iso: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An ISO timestamp in local time (the input unchanged if it does not parse)."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime(fmt)
    except ValueError:
        return iso


def fmt_metric(key: str, value: float | None) -> str:
    """A metric value for display ("-" when not measured)."""
    if value is None:
        return "-"
    if key == "star_coverage":
        return f"{value * 100:.0f}%"
    if key == "wpm":
        return f"{value:.0f} wpm"
    if key == "duration_s":
        return f"{value:.0f} s"
    if key == "long_pauses":
        return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    return f"{value:.1f}"


def analyses(export: SessionExport) -> list[Analysis]:
    """The analyses of an export's attempts, oldest first."""
    return [a.analysis for a in export.attempts]


def session_trends(export: SessionExport) -> list[Trend]:
    """Trends of every tracked metric over the export's attempts."""
    return trends(analyses(export))


def metric_rows(analysis: Analysis) -> list[tuple[str, str]]:
    """(label, value) rows of one answer's headline metrics."""
    m = metrics_of(analysis)
    rows = [(spec.label, fmt_metric(spec.key, m.value(spec.key))) for spec in METRICS]
    rows.insert(2, ("Fillers per 100 words", fmt_metric("x", m.fillers_per_100_words)))
    hedges = analysis.content.hedges if analysis.content else None
    if hedges is not None:
        rows.insert(3, ("Hedges", str(hedges.count)))
    rows.append(("Length", fmt_metric("duration_s", m.duration_s)))
    verdict = analysis.length.verdict
    if verdict:
        rows[-1] = ("Length", f"{rows[-1][1]} ({verdict})")
    return rows


def star_checklist(analysis: Analysis) -> list[tuple[str, float | None, bool]]:
    """(part, score, present) for each STAR part; present unless listed in ``missing``."""
    star = analysis.star
    missing = {m.lower() for m in star.missing}
    out: list[tuple[str, float | None, bool]] = []
    for part in STAR_PARTS:
        score = star.part(part)
        out.append((part, score, part not in missing and score > 0))
    return out


def marked_words(analysis: Analysis) -> list[tuple[str, bool]]:
    """(word, is_filler) in order; the plain transcript as one non-filler chunk if no words."""
    if analysis.words:
        return [(w.text, w.filler) for w in analysis.words]
    text = analysis.transcript
    return [(text, False)] if text else []


def tips_of(analysis: Analysis) -> tuple[str, ...]:
    """The answer's tips (the STAR tips for an old save that kept no top-level list)."""
    return analysis.tips or analysis.star.tips


def retake_changes(export: SessionExport) -> dict[int, list[Change]]:
    """For each attempt index that retakes an earlier question, its ``Change`` list."""
    last_by_question: dict[str, Analysis] = {}
    out: dict[int, list[Change]] = {}
    for i, attempt in enumerate(export.attempts):
        key = attempt.question_text
        if key in last_by_question:
            out[i] = compare_attempts(last_by_question[key], attempt.analysis)
        last_by_question[key] = attempt.analysis
    return out


def group_summary(exports: Sequence[tuple[SessionExport, Path | None]]) -> list[TraineeSummary]:
    """One summary row per export (mean of each tracked metric over its attempts)."""
    rows = []
    for export, path in exports:
        metrics = [metrics_of(a) for a in analyses(export)]
        means: dict[str, float | None] = {}
        for spec in METRICS:
            known = [v for m in metrics if (v := m.value(spec.key)) is not None]
            means[spec.key] = sum(known) / len(known) if known else None
        rows.append(TraineeSummary(trainee_name(export, path), len(metrics), means, export))
    return rows
