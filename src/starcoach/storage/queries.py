"""The read side of the practice history: sessions, answers, per-question progress, exports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.errors import AppError
from starcoach.core.scorecard import Scorecard
from starcoach.core.session_export import (
    ExportAttempt,
    ExportQuestion,
    ExportSession,
    SessionExport,
)
from starcoach.storage.records import Attempt, QuestionHistory, SessionInfo
from starcoach.storage.schema import METRIC_COLUMNS


class HistoryQueries:
    """Queries shared by read-only and read-write histories (``History`` adds the rest)."""

    folder: Path
    """The data folder."""

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        """Run one query; ``History`` turns SQLite errors into ``StorageError``."""
        raise NotImplementedError

    def sessions(self) -> list[SessionInfo]:
        """All sessions with at least one answer, oldest first, with counts and mean metrics."""
        means = ", ".join(f"AVG({_column('a.' + c, 's.kind')})" for c in METRIC_COLUMNS)
        rows = self._query(
            f"SELECT s.id, s.started_at, s.kind, s.question_set, s.label, COUNT(a.id), {means} "
            "FROM sessions s JOIN attempts a ON a.session_id = s.id "
            "GROUP BY s.id ORDER BY s.started_at, s.rowid"
        )
        return [
            SessionInfo(
                r[0], r[1], r[2], r[3], r[4], r[5], dict(zip(METRIC_COLUMNS, r[6:], strict=True))
            )
            for r in rows
        ]

    def session(self, ref: str) -> SessionInfo:
        """The session whose id is ``ref`` or starts with it.

        Raises:
            AppError: no session, or the prefix is ambiguous.
        """
        ref = ref.strip()
        matches = [s for s in self.sessions() if s.id == ref] or [
            s for s in self.sessions() if ref and s.id.startswith(ref)
        ]
        if not matches:
            raise AppError(f"no session {ref!r} in {self.folder}; `starcoach history` lists them")
        if len(matches) > 1:
            raise AppError(f"session id {ref!r} is ambiguous: " + ", ".join(s.id for s in matches))
        return matches[0]

    def _attempts(self, where: str, params: tuple[Any, ...]) -> list[Attempt]:
        kind = "(SELECT kind FROM sessions WHERE sessions.id = attempts.session_id)"
        cols = ", ".join(_column(c, kind) for c in METRIC_COLUMNS)
        rows = self._query(
            "SELECT id, session_id, question_id, question_text, created_at, audio_path, "
            f"analysis_json, {cols} FROM attempts WHERE {where} ORDER BY id",
            params,
        )
        return [
            Attempt(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                self.folder / r[5] if r[5] else None,
                dict(zip(METRIC_COLUMNS, r[7:], strict=True)),
                _analysis(r[6]),
            )
            for r in rows
        ]

    def attempts(self, session_id: str) -> list[Attempt]:
        """A session's answers, oldest first."""
        return self._attempts("session_id = ?", (session_id,))

    def all_attempts(self) -> list[Attempt]:
        """Every saved answer, oldest first."""
        return self._attempts("1", ())

    def question_history(
        self, question_id: str | None, question_text: str | None = None
    ) -> QuestionHistory | None:
        """First, best and latest attempt at a question (by id, else by exact text)."""
        if question_id is not None:
            found = self._attempts("question_id = ?", (question_id,))
        else:
            found = self._attempts("question_id IS NULL AND question_text IS ?", (question_text,))
        if not found:
            return None
        best = max(reversed(found), key=lambda a: a.metrics["score"] or 0.0)
        return QuestionHistory(
            question_id, found[-1].question_text, len(found), found[0], best, found[-1]
        )

    def questions(self) -> list[QuestionHistory]:
        """``question_history`` for every question answered, in order of first attempt."""
        keys = self._query(
            "SELECT question_id, question_text FROM attempts GROUP BY question_id, "
            "CASE WHEN question_id IS NULL THEN question_text END ORDER BY MIN(id)"
        )
        found = (self.question_history(qid, None if qid else text) for qid, text in keys)
        return [h for h in found if h is not None]

    def scorecard(self, session_id: str) -> Scorecard | None:
        """The mock-interview scorecard saved with a session, or None (also for a history
        from before scorecards were kept).

        Raises:
            AppError: the stored scorecard is not one (a damaged row).
        """
        if not self._query(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", ("scorecards",)
        ):
            return None
        rows = self._query("SELECT card_json FROM scorecards WHERE session_id = ?", (session_id,))
        if not rows:
            return None
        try:
            return Scorecard.from_dict(json.loads(rows[0][0]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise AppError(
                f"the scorecard of session {session_id} in {self.folder} cannot be read ({exc!r})"
            ) from exc

    def export_session(self, session_id: str, trainee: str | None = None) -> SessionExport:
        """The session as one typed export (``export_to_json`` gives ``report --format json``)."""
        info = self.session(session_id)
        return SessionExport(
            session=ExportSession(
                info.id, info.started_at, info.kind, info.question_set, info.label
            ),
            attempts=tuple(
                ExportAttempt(
                    id=a.id,
                    created_at=a.created_at,
                    question=ExportQuestion(a.question_id, a.question_text),
                    audio_path=str(a.audio_path) if a.audio_path else None,
                    metrics=dict(a.metrics),
                    analysis=a.analysis,
                )
                for a in self.attempts(info.id)
            ),
            trainee=trainee,
            scorecard=self.scorecard(info.id),
        )


def _analysis(stored: str) -> Analysis:
    """A saved analysis, typed (an analysis saved by an older version reads with defaults)."""
    data = json.loads(stored)
    return from_json(data) if isinstance(data, dict) else Analysis()


def _column(column: str, kind: str) -> str:
    """``column`` as read: call turns have no STAR coverage (rows saved before schema 2 hold 0;
    a read-only history is not migrated)."""
    if column.endswith("star_coverage"):
        return f"CASE WHEN {kind} = 'call' THEN NULL ELSE {column} END"
    return column
