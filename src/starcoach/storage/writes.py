"""The write side of the practice history: sessions, answers with their audio, scorecards.

:class:`HistoryWrites` holds the saves; :class:`starcoach.storage.history.History` gives it the
connection and the write transaction (``_write``). Each answer is saved in one transaction:
session row (when new), attempt row and audio file together, or nothing.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starcoach.core.analysis.contract import to_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question
from starcoach.core.errors import AppError
from starcoach.core.scorecard import Scorecard
from starcoach.core.trends import attempt_score, metrics_of
from starcoach.storage import errors, files
from starcoach.storage.paths import audio_root
from starcoach.storage.queries import HistoryQueries
from starcoach.storage.schema import METRIC_COLUMNS, check_kind


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class HistoryWrites(HistoryQueries):
    """Saving and deleting; ``History`` supplies the write transaction."""

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        """One write transaction (``History`` takes the write lock up front)."""
        raise NotImplementedError

    def start_session(
        self, kind: str, question_set: str | None = None, label: str | None = None
    ) -> str:
        """Create an empty session and return its id (``save_new_session`` is atomic).

        Sessions without answers are never listed, so a save that fails after this leaves
        nothing visible.

        Raises:
            ValueError: ``kind`` is not one of ``SESSION_KINDS``.
        """
        check_kind(kind)
        while True:
            session_id = secrets.token_hex(4)
            with self._write() as conn:
                if conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                    continue
                conn.execute(
                    "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                    (session_id, _now(), kind, question_set, label),
                )
            return session_id

    def save_new_session(
        self,
        kind: str,
        question: Question | None,
        analysis: Analysis,
        audio: Path | None = None,
        *,
        question_set: str | None = None,
        label: str | None = None,
    ) -> tuple[str, int]:
        """Create a session with its first answer in one transaction; returns (session, attempt).

        Raises:
            ValueError: ``kind`` is not one of ``SESSION_KINDS``.
            AppError: the audio file cannot be read, or the history cannot be written.
        """
        check_kind(kind)
        while True:
            session_id = secrets.token_hex(4)
            new = (session_id, _now(), kind, question_set, label)
            attempt_id = self._save(session_id, new, question, analysis, audio)
            if attempt_id is not None:
                return session_id, attempt_id

    def save_attempt(
        self,
        session_id: str,
        question: Question | None,
        analysis: Analysis,
        audio: Path | None = None,
    ) -> int:
        """Save one answer into an existing session (row and audio together); returns its id.

        Args:
            session_id: An existing session.
            question: The question, or None (then ``analysis.question`` is used).
            analysis: The analysis.
            audio: The answer's audio file to copy, or None.

        Raises:
            AppError: unknown session, the audio file cannot be read, or the history cannot
                be written (``StorageError``); nothing is saved then.
        """
        attempt_id = self._save(session_id, None, question, analysis, audio)
        assert attempt_id is not None
        return attempt_id

    def _save(
        self,
        session_id: str,
        new: tuple[Any, ...] | None,
        question: Question | None,
        analysis: Analysis,
        audio: Path | None,
    ) -> int | None:
        """The one-transaction save; None when ``new`` names a session id already taken."""
        q = question if question is not None else analysis.question or Question()
        m = metrics_of(analysis)
        metrics = [getattr(m, k, None) for k in METRIC_COLUMNS[:-1]] + [attempt_score(analysis)]
        analysis_json = json.dumps(to_json(analysis), ensure_ascii=False, allow_nan=False)
        staged: files.StagedFile | None = None
        try:
            with self._write() as conn:
                known = (
                    conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone()
                    is not None
                )
                if known and new is not None:
                    return None
                if new is not None:
                    conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)", new)
                elif not known:
                    raise AppError(f"no session {session_id!r} in the history")
                seq = conn.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name = 'attempts'"
                ).fetchone()
                attempt_id = int(seq[0] if seq else 0) + 1
                staged = self._stage_audio(session_id, attempt_id, audio)
                rel = staged.dest.relative_to(self.folder).as_posix() if staged else None
                conn.execute(
                    "INSERT INTO attempts (id, session_id, question_id, question_text, "
                    "created_at, audio_path, analysis_json, "
                    + ", ".join(METRIC_COLUMNS)
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?"
                    + ", ?" * len(METRIC_COLUMNS)
                    + ")",
                    (
                        attempt_id,
                        session_id,
                        q.id,
                        q.text,
                        _now(),
                        rel,
                        analysis_json,
                        *metrics,
                    ),
                )
                if staged is not None:
                    files.publish(staged)
        except OSError as exc:
            files.discard(staged)
            raise errors.from_os_error(exc, self.folder) from exc
        except BaseException:
            files.discard(staged)
            raise
        return attempt_id

    def _stage_audio(
        self, session_id: str, attempt_id: int, audio: Path | None
    ) -> files.StagedFile | None:
        if audio is None:
            return None
        suffix = Path(audio).suffix.lower() or ".wav"
        dest = audio_root(self.folder) / session_id / f"{attempt_id}{suffix}"
        try:
            Path(audio).open("rb").close()
        except OSError as exc:
            raise AppError(f"cannot read audio {audio}: {exc.strerror or exc}") from exc
        files.private_dir(dest.parent.parent)
        return files.stage_copy(Path(audio), dest)

    def save_scorecard(self, session_id: str, card: Scorecard) -> None:
        """Keep a mock interview's scorecard (as ``Scorecard.to_dict()``) with its session, in
        one transaction; a later scorecard of the same session replaces it.

        Raises:
            AppError: unknown session, or the history cannot be written.
        """
        card_json = json.dumps(card.to_dict(), ensure_ascii=False, allow_nan=False)
        with self._write() as conn:
            known = conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,))
            if known.fetchone() is None:
                raise AppError(f"no session {session_id!r} in the history")
            conn.execute(
                "INSERT OR REPLACE INTO scorecards VALUES (?, ?, ?)",
                (session_id, _now(), card_json),
            )

    def delete_session(self, session_id: str) -> int:
        """Delete a session's rows (committed first) and then its audio; returns #answers."""
        with self._write() as conn:
            count = conn.execute(
                "SELECT COUNT(*) FROM attempts WHERE session_id = ?", (session_id,)
            ).fetchone()[0]
            conn.execute("DELETE FROM attempts WHERE session_id = ?", (session_id,))
            conn.execute("DELETE FROM scorecards WHERE session_id = ?", (session_id,))
            if conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount == 0:
                raise AppError(f"no session {session_id!r} in the history")
        shutil.rmtree(audio_root(self.folder) / session_id, ignore_errors=True)  # else swept
        return int(count)
