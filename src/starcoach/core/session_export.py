"""A saved session as one typed document, and its one serializer (``report --format json``).

:class:`SessionExport` is what the history gives for a session and what every report renders.
:func:`export_to_json` writes the documented JSON object (keys in the order shown there) and
:func:`export_from_json` reads it back, from this or an older version: a missing key takes the
field's default, a key it does not know is ignored, numbers keep their JSON type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starcoach.core.analysis.contract import from_json, to_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.scorecard import Scorecard

EXPORT_FORMAT = "starcoach-session"
"""``format`` field of a session export."""

EXPORT_VERSION = 1
"""``version`` field of a session export written now."""


@dataclass(frozen=True)
class ExportSession:
    """The session's own fields (``session`` object of the export)."""

    id: str = ""
    """Session id."""
    started_at: str = ""
    """ISO 8601 UTC timestamp."""
    kind: str = ""
    """``interview``, ``analyze`` or ``call``."""
    question_set: str | None = None
    """Question set id, if the session used one."""
    label: str | None = None
    """Free label."""


@dataclass(frozen=True)
class ExportQuestion:
    """The question an answer was given to (``question`` object of an attempt)."""

    id: str | None = None
    """Question set id, if any."""
    text: str | None = None
    """Question text, if any."""


@dataclass(frozen=True)
class ExportAttempt:
    """One answer of the session."""

    id: int | None = None
    """Row id in the history."""
    created_at: str = ""
    """ISO 8601 UTC timestamp."""
    question: ExportQuestion | None = None
    """The question; None when the export has no ``question`` object."""
    audio_path: str | None = None
    """Absolute path of the saved audio, or None for typed answers."""
    metrics: Mapping[str, float | None] = field(default_factory=dict)
    """The history's metric columns (``duration_s``, ``wpm``, ... ``score``), in column order."""
    analysis: Analysis = field(default_factory=Analysis)
    """The full analysis."""

    @property
    def question_text(self) -> str:
        """The question's text, else its id, else the analysis's question, or a placeholder."""
        if self.question is not None:
            return self.question.text or self.question.id or "(no question)"
        asked = self.analysis.question
        return (asked.text or asked.id or "(no question)") if asked else "(no question)"


@dataclass(frozen=True)
class SessionExport:
    """One saved session: its fields, its answers, and the mock interview's scorecard."""

    session: ExportSession = field(default_factory=ExportSession)
    """The session's own fields."""
    attempts: tuple[ExportAttempt, ...] = ()
    """The answers, oldest first."""
    trainee: str | None = None
    """Trainee name given with ``report --name``."""
    scorecard: Scorecard | None = None
    """The mock interview's scorecard, if the session has one."""
    format: str = EXPORT_FORMAT
    """Always :data:`EXPORT_FORMAT`."""
    version: int = EXPORT_VERSION
    """Version of the export that was read or written."""


def export_to_json(export: SessionExport) -> dict[str, Any]:
    """The export as the JSON-ready ``report --format json`` object (without ``trends``)."""
    s = export.session
    return {
        "format": export.format,
        "version": export.version,
        "trainee": export.trainee,
        "session": {
            "id": s.id,
            "started_at": s.started_at,
            "kind": s.kind,
            "question_set": s.question_set,
            "label": s.label,
        },
        "attempts": [
            {
                "id": a.id,
                "created_at": a.created_at,
                "question": None
                if a.question is None
                else {"id": a.question.id, "text": a.question.text},
                "audio_path": a.audio_path,
                "metrics": dict(a.metrics),
                "analysis": to_json(a.analysis),
            }
            for a in export.attempts
        ],
        "scorecard": None if export.scorecard is None else export.scorecard.to_dict(),
    }


def export_from_json(data: object) -> SessionExport:
    """A session export from its JSON object (this version's or an older one's).

    Raises:
        ValueError: ``data`` is not a starcoach session export (no ``format`` field of
            :data:`EXPORT_FORMAT`, no ``attempts`` list, or a part of the wrong shape).
    """
    if (
        not isinstance(data, Mapping)
        or data.get("format") != EXPORT_FORMAT
        or not isinstance(data.get("attempts"), list)
    ):
        raise ValueError("not a starcoach session export")
    session = data.get("session") or {}
    card = data.get("scorecard")
    trainee = data.get("trainee")
    version = data.get("version")
    try:
        return SessionExport(
            session=ExportSession(
                id=str(session.get("id") or ""),
                started_at=str(session.get("started_at") or ""),
                kind=str(session.get("kind") or ""),
                question_set=_text(session.get("question_set")),
                label=_text(session.get("label")),
            ),
            attempts=tuple(_attempt(a) for a in data["attempts"]),
            trainee=trainee if isinstance(trainee, str) else None,
            scorecard=Scorecard.from_dict(card) if isinstance(card, Mapping) and card else None,
            format=EXPORT_FORMAT,
            version=version if isinstance(version, int) else EXPORT_VERSION,
        )
    except (AttributeError, KeyError, TypeError) as exc:
        raise ValueError(f"a session export of the wrong shape ({exc})") from exc


def _attempt(data: Mapping[str, Any]) -> ExportAttempt:
    q = data.get("question")
    analysis = data.get("analysis")
    metrics = data.get("metrics")
    row = data.get("id")
    return ExportAttempt(
        id=row if isinstance(row, int) else None,
        created_at=str(data.get("created_at", "")),
        question=ExportQuestion(_text(q.get("id")), _text(q.get("text"))) if q else None,
        audio_path=_text(data.get("audio_path")),
        metrics=dict(metrics) if isinstance(metrics, Mapping) else {},
        analysis=from_json(analysis) if isinstance(analysis, Mapping) else Analysis(),
    )


def _text(value: object) -> str | None:
    """``value`` as text, None kept."""
    return None if value is None else str(value)
