"""Practice history: sessions and answers in SQLite (WAL), audio files beside the database.

Commit protocol for one answer: the audio is copied to ``audio/<session>/<attempt><ext>``
(temporary name, fsync, atomic rename, directory fsync) while this process holds the write
lock, then the attempt row is inserted and committed. The row is the commit point: a kill
before it leaves only an orphan file, which the next ``History.open`` removes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from starcoach.core.errors import AppError
from starcoach.core.trends import attempt_score, metrics_of
from starcoach.storage.paths import audio_root, db_path
from starcoach.storage.records import Attempt, QuestionHistory, SessionInfo

BUSY_TIMEOUT_S = 15.0
"""How long a writer waits for another process's write to finish."""

SESSION_KINDS = ("interview", "analyze", "call")
"""Allowed ``sessions.kind`` values."""

EXPORT_FORMAT = "starcoach-session"
"""``format`` field of a session export (``report --format json``)."""

EXPORT_VERSION = 1
"""``version`` field of a session export."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # v1
        """CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('interview', 'analyze', 'call')),
            question_set TEXT,
            label TEXT)""",
        """CREATE TABLE attempts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            question_id TEXT,
            question_text TEXT,
            created_at TEXT NOT NULL,
            audio_path TEXT,
            duration_s REAL,
            wpm REAL,
            fillers_per_min REAL,
            fillers_per_100_words REAL,
            long_pauses REAL,
            star_coverage REAL,
            score REAL,
            analysis_json TEXT NOT NULL)""",
        "CREATE INDEX attempts_by_session ON attempts(session_id, id)",
        "CREATE INDEX attempts_by_question ON attempts(question_id, question_text)",
    ),
)
"""Schema migrations; ``MIGRATIONS[i]`` takes ``PRAGMA user_version`` from i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The newest schema this code knows."""

_SQLITE_HEADER = b"SQLite format 3\x00"
_METRIC_COLUMNS = ("duration_s", "wpm", "fillers_per_min", "fillers_per_100_words",
                   "long_pauses", "star_coverage", "score")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_durably(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    with source.open("rb") as src, tmp.open("wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)


def _corrupt(path: Path, what: str) -> AppError:
    return AppError(f"{path} {what}; move it away (starcoach will then start a new history) "
                    "or restore it from a backup", title="History database")


def _check_header(path: Path) -> None:
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as f:
        if f.read(16) != _SQLITE_HEADER:
            raise _corrupt(path, "is not a starcoach database (not SQLite)")


class History:
    """The practice history in one data folder. Use ``History.open`` as a context manager.

    One instance may move between threads but must be used by one thread at a time; each
    process (or app instance) opens its own.
    """

    def __init__(self, folder: Path, conn: sqlite3.Connection) -> None:
        self.folder = folder
        self._conn = conn

    @classmethod
    def open(cls, folder: Path) -> History:
        """Open (creating or migrating) the history in data folder ``folder``.

        Raises:
            AppError: the database is corrupt, not ours, or from a newer starcoach; the file
                is left untouched.
        """
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = db_path(folder)
        _check_header(path)
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise AppError(f"cannot open {path}: {exc}", title="History database") from exc
        history = cls(folder, conn)
        try:
            history._prepare(path)
        except BaseException:
            conn.close()
            raise
        return history

    def _prepare(self, path: Path) -> None:
        try:
            # One read transaction: another process may create the schema between two reads.
            self._conn.execute("BEGIN")
            try:
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                tables = {r[0] for r in self._conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, f"is corrupt ({exc})") from exc
        if version > SCHEMA_VERSION:
            raise AppError(f"{path} was written by a newer starcoach (schema {version}, this "
                           f"version knows {SCHEMA_VERSION}); upgrade starcoach or move it away",
                           title="History database")
        if version == 0 and tables - {"sqlite_sequence"}:
            raise _corrupt(path, "is not a starcoach database (unknown tables, no version)")
        if version >= 1 and not {"sessions", "attempts"} <= tables:
            raise _corrupt(path, "is corrupt (tables missing)")
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = FULL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self._remove_orphans()
        except sqlite3.OperationalError as exc:  # locked too long, read-only folder, disk full
            raise AppError(f"cannot use {path}: {exc}", title="History database") from exc
        except sqlite3.DatabaseError as exc:
            raise _corrupt(path, f"is corrupt ({exc})") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _remove_orphans(self) -> None:
        """Delete audio files no attempt refers to (left by a kill mid-save or mid-delete).

        Runs under the write lock so a save in progress elsewhere (which holds it from file
        copy to commit) is never mistaken for an orphan.
        """
        root = audio_root(self.folder)
        if not root.is_dir():
            return
        with self._write() as conn:
            known = {r[0] for r in conn.execute(
                "SELECT audio_path FROM attempts WHERE audio_path IS NOT NULL")}
            for file in sorted(root.rglob("*"), reverse=True):
                rel = file.relative_to(self.folder).as_posix()
                if file.is_file() and rel not in known:
                    file.unlink(missing_ok=True)
                elif file.is_dir() and not any(file.iterdir()):
                    file.rmdir()

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def start_session(self, kind: str, question_set: str | None = None,
                      label: str | None = None) -> str:
        """Create a session and return its id.

        Raises:
            ValueError: ``kind`` is not one of ``SESSION_KINDS``.
        """
        if kind not in SESSION_KINDS:
            raise ValueError(f"session kind must be one of {SESSION_KINDS}, not {kind!r}")
        while True:
            session_id = secrets.token_hex(4)
            try:
                with self._write() as conn:
                    conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                                 (session_id, _now(), kind, question_set, label))
                return session_id
            except sqlite3.IntegrityError:
                continue

    def save_attempt(self, session_id: str, question: Mapping[str, Any] | None,
                     analysis: Mapping[str, Any], audio: Path | None = None) -> int:
        """Save one answer (audio copied first, then one committed row); returns its id.

        Args:
            session_id: An existing session.
            question: ``{"id", "text"}`` or None (then ``analysis["question"]`` is used).
            analysis: The analysis dict (JSON-serialisable).
            audio: The answer's audio file to copy, or None.

        Raises:
            AppError: unknown session, or the audio file cannot be read.
        """
        q = question if question is not None else analysis.get("question") or {}
        m = metrics_of(analysis)
        row = {k: getattr(m, k, None) for k in _METRIC_COLUMNS}
        row["score"] = attempt_score(analysis)
        analysis_json = json.dumps(analysis, ensure_ascii=False, allow_nan=False)
        with self._write() as conn:
            known = conn.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,))
            if known.fetchone() is None:
                raise AppError(f"no session {session_id!r} in the history")
            seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'attempts'").fetchone()
            attempt_id = (seq[0] if seq else 0) + 1
            rel = self._store_audio(session_id, attempt_id, audio)
            conn.execute(
                "INSERT INTO attempts (id, session_id, question_id, question_text, created_at, "
                "audio_path, analysis_json, " + ", ".join(_METRIC_COLUMNS) + ") VALUES "
                "(?, ?, ?, ?, ?, ?, ?" + ", ?" * len(_METRIC_COLUMNS) + ")",
                (attempt_id, session_id, q.get("id"), q.get("text"), _now(), rel,
                 analysis_json, *row.values()))
        return attempt_id

    def _store_audio(self, session_id: str, attempt_id: int, audio: Path | None) -> str | None:
        if audio is None:
            return None
        suffix = audio.suffix.lower() or ".wav"
        dest = audio_root(self.folder) / session_id / f"{attempt_id}{suffix}"
        try:
            _write_durably(Path(audio), dest)
        except OSError as exc:
            raise AppError(f"cannot save audio {audio}: {exc.strerror or exc}") from exc
        return dest.relative_to(self.folder).as_posix()

    def sessions(self) -> list[SessionInfo]:
        """All sessions, oldest first, with answer counts and mean metrics."""
        means = ", ".join(f"AVG(a.{c})" for c in _METRIC_COLUMNS)
        rows = self._conn.execute(
            f"SELECT s.id, s.started_at, s.kind, s.question_set, s.label, COUNT(a.id), {means} "
            "FROM sessions s LEFT JOIN attempts a ON a.session_id = s.id "
            "GROUP BY s.id ORDER BY s.started_at, s.rowid").fetchall()
        return [SessionInfo(*r[:5], r[5], dict(zip(_METRIC_COLUMNS, r[6:], strict=True)))
                for r in rows]

    def session(self, ref: str) -> SessionInfo:
        """The session whose id is ``ref`` or starts with it.

        Raises:
            AppError: no session, or the prefix is ambiguous.
        """
        ref = ref.strip()
        matches = [s for s in self.sessions() if s.id == ref] or [
            s for s in self.sessions() if ref and s.id.startswith(ref)]
        if not matches:
            raise AppError(f"no session {ref!r} in {self.folder}; `starcoach history` lists them")
        if len(matches) > 1:
            raise AppError(f"session id {ref!r} is ambiguous: " + ", ".join(s.id for s in matches))
        return matches[0]

    def _attempts(self, where: str, params: tuple[Any, ...]) -> list[Attempt]:
        cols = ", ".join(_METRIC_COLUMNS)
        rows = self._conn.execute(
            "SELECT id, session_id, question_id, question_text, created_at, audio_path, "
            f"analysis_json, {cols} FROM attempts WHERE {where} ORDER BY id", params).fetchall()
        return [Attempt(r[0], r[1], r[2], r[3], r[4],
                        self.folder / r[5] if r[5] else None,
                        dict(zip(_METRIC_COLUMNS, r[7:], strict=True)), json.loads(r[6]))
                for r in rows]

    def attempts(self, session_id: str) -> list[Attempt]:
        """A session's answers, oldest first."""
        return self._attempts("session_id = ?", (session_id,))

    def all_attempts(self) -> list[Attempt]:
        """Every saved answer, oldest first."""
        return self._attempts("1", ())

    def question_history(self, question_id: str | None,
                         question_text: str | None = None) -> QuestionHistory | None:
        """First, best and latest attempt at a question (by id, else by exact text)."""
        if question_id is not None:
            found = self._attempts("question_id = ?", (question_id,))
        else:
            found = self._attempts("question_id IS NULL AND question_text IS ?", (question_text,))
        if not found:
            return None
        best = max(reversed(found), key=lambda a: a.metrics["score"] or 0.0)
        return QuestionHistory(question_id, found[-1].question_text, len(found),
                               found[0], best, found[-1])

    def questions(self) -> list[QuestionHistory]:
        """``question_history`` for every question answered, in order of first attempt."""
        keys = self._conn.execute(
            "SELECT question_id, question_text FROM attempts GROUP BY question_id, "
            "CASE WHEN question_id IS NULL THEN question_text END ORDER BY MIN(id)").fetchall()
        found = (self.question_history(qid, None if qid else text) for qid, text in keys)
        return [h for h in found if h is not None]

    def delete_session(self, session_id: str) -> int:
        """Delete a session's rows (committed first) and then its audio; returns #answers."""
        with self._write() as conn:
            count = conn.execute("SELECT COUNT(*) FROM attempts WHERE session_id = ?",
                                 (session_id,)).fetchone()[0]
            conn.execute("DELETE FROM attempts WHERE session_id = ?", (session_id,))
            if conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount == 0:
                raise AppError(f"no session {session_id!r} in the history")
        shutil.rmtree(audio_root(self.folder) / session_id, ignore_errors=True)
        return int(count)

    def export_session(self, session_id: str, trainee: str | None = None) -> dict[str, Any]:
        """The session as one JSON-ready dict (what ``report --format json`` writes)."""
        info = self.session(session_id)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "trainee": trainee,
            "session": {"id": info.id, "started_at": info.started_at, "kind": info.kind,
                        "question_set": info.question_set, "label": info.label},
            "attempts": [
                {"id": a.id, "created_at": a.created_at,
                 "question": {"id": a.question_id, "text": a.question_text},
                 "audio_path": str(a.audio_path) if a.audio_path else None,
                 "metrics": dict(a.metrics), "analysis": a.analysis}
                for a in self.attempts(info.id)
            ],
        }
