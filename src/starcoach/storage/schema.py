"""The history database schema, its migrations, and checks made before SQLite opens a file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from starcoach.core.session_export import EXPORT_FORMAT, EXPORT_VERSION
from starcoach.storage import errors

SESSION_KINDS = ("interview", "analyze", "call")
"""Allowed ``sessions.kind`` values."""

MOCK_SESSION_SET = "mock-interview"
"""``sessions.question_set`` of a mock interview (an ``interview`` session with a scorecard)."""


__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION"]  # the export's fields, kept importable from here

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
    (  # v2: a mock interview's scorecard; call turns have no STAR coverage (was stored as 0)
        """CREATE TABLE scorecards (
            session_id TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
            saved_at TEXT NOT NULL,
            card_json TEXT NOT NULL)""",
        "UPDATE attempts SET star_coverage = NULL "
        "WHERE session_id IN (SELECT id FROM sessions WHERE kind = 'call')",
    ),
)
"""Schema migrations; ``MIGRATIONS[i]`` takes ``PRAGMA user_version`` from i to i + 1."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The newest schema this code knows."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The header every SQLite 3 database file starts with."""

METRIC_COLUMNS = (
    "duration_s",
    "wpm",
    "fillers_per_min",
    "fillers_per_100_words",
    "long_pauses",
    "star_coverage",
    "score",
)
"""Metric columns of ``attempts``, in table order (``score`` last)."""


def not_ours(path: Path, what: str) -> errors.StorageError:
    """A file that is not a starcoach history (the move-it-away advice is right for it)."""
    return errors.StorageError(
        f"{path} {what}; move it away (starcoach will then start a new "
        "history) or restore it from a backup",
        errors.CORRUPT,
    )


def check_kind(kind: str) -> None:
    """Raise ValueError unless ``kind`` is one of ``SESSION_KINDS``."""
    if kind not in SESSION_KINDS:
        raise ValueError(f"session kind must be one of {SESSION_KINDS}, not {kind!r}")


def empty_schema() -> sqlite3.Connection:
    """An in-memory database with the current schema: how a missing history reads."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    for statements in MIGRATIONS:
        for statement in statements:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


def check_header(path: Path) -> None:
    """Refuse a non-empty file that does not start with the SQLite header."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with path.open("rb") as f:
            header = f.read(16)
    except OSError as exc:
        raise errors.other(path, exc.strerror or str(exc)) from exc
    if header != SQLITE_HEADER:
        raise not_ours(path, "is not a starcoach database (not SQLite)")
