"""What every report format shares: reading exports, formatting metrics, group summaries."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from starcoach.core.errors import AppError
from starcoach.core.trends import METRICS, STAR_PARTS, Trend, compare_attempts, metrics_of, trends
from starcoach.storage.history import EXPORT_FORMAT


@dataclass(frozen=True)
class TraineeSummary:
    """One trainee's row in a group report."""

    name: str
    """Trainee name (export ``trainee`` field, else the file stem)."""
    attempts: int
    """Answers in the export."""
    means: Mapping[str, float | None]
    """Mean of each tracked metric (``MetricSpec.key``)."""
    export: Mapping[str, Any]
    """The export itself."""


def load_export(path: Path) -> dict[str, Any]:
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
    if (
        not isinstance(data, dict)
        or data.get("format") != EXPORT_FORMAT
        or not isinstance(data.get("attempts"), list)
    ):
        raise AppError(
            f"{path} is not a starcoach session export "
            "(make one with `starcoach report SESSION --format json`)"
        )
    return data


def trainee_name(export: Mapping[str, Any], path: Path | None = None) -> str:
    """The export's ``trainee`` field, else the file stem, else the session id."""
    name = export.get("trainee")
    if isinstance(name, str) and name.strip():
        return name.strip()
    if path is not None:
        return Path(path).stem
    return str((export.get("session") or {}).get("id") or "trainee")


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


def analyses(export: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The analysis dicts of an export's attempts, oldest first."""
    return [a.get("analysis") or {} for a in export.get("attempts", [])]


def session_trends(export: Mapping[str, Any]) -> list[Trend]:
    """Trends of every tracked metric over the export's attempts."""
    return trends(analyses(export))


def metric_rows(analysis: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of one answer's headline metrics."""
    m = metrics_of(analysis)
    rows = [(spec.label, fmt_metric(spec.key, m.value(spec.key))) for spec in METRICS]
    rows.insert(2, ("Fillers per 100 words", fmt_metric("x", m.fillers_per_100_words)))
    hedges = ((analysis.get("content") or {}).get("hedges")) or {}
    if isinstance(hedges.get("count"), int):
        rows.insert(3, ("Hedges", str(hedges["count"])))
    rows.append(("Length", fmt_metric("duration_s", m.duration_s)))
    verdict = (analysis.get("length") or {}).get("verdict")
    if verdict:
        rows[-1] = ("Length", f"{rows[-1][1]} ({verdict})")
    return rows


def star_checklist(analysis: Mapping[str, Any]) -> list[tuple[str, float | None, bool]]:
    """(part, score, present) for each STAR part; present unless listed in ``missing``."""
    star = analysis.get("star") or {}
    missing = {str(m).lower() for m in star.get("missing") or []}
    out = []
    for part in STAR_PARTS:
        score = star.get(part)
        score = float(score) if isinstance(score, int | float) else None
        out.append((part, score, part not in missing and (score is None or score > 0)))
    return out


def marked_words(analysis: Mapping[str, Any]) -> list[tuple[str, bool]]:
    """(word, is_filler) in order; the plain transcript as one non-filler chunk if no words."""
    words = analysis.get("words") or []
    if words:
        return [(str(w.get("text", "")), bool(w.get("filler"))) for w in words]
    text = str(analysis.get("transcript") or "")
    return [(text, False)] if text else []


def question_text(attempt: Mapping[str, Any]) -> str:
    """The attempt's question text, or a placeholder."""
    q = attempt.get("question") or (attempt.get("analysis") or {}).get("question") or {}
    return str(q.get("text") or q.get("id") or "(no question)")


def retake_changes(export: Mapping[str, Any]) -> dict[int, list[Any]]:
    """For each attempt index that retakes an earlier question, its ``Change`` list."""
    last_by_question: dict[str, Mapping[str, Any]] = {}
    out: dict[int, list[Any]] = {}
    for i, attempt in enumerate(export.get("attempts", [])):
        key = question_text(attempt)
        if key in last_by_question:
            out[i] = compare_attempts(last_by_question[key], attempt.get("analysis") or {})
        last_by_question[key] = attempt.get("analysis") or {}
    return out


def group_summary(exports: Sequence[tuple[Mapping[str, Any], Path | None]]) -> list[TraineeSummary]:
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
