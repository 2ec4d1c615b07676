"""Practice history: sessions and answers in SQLite (WAL), audio files beside the database.

One transaction per saved answer: under the write lock (``BEGIN IMMEDIATE``) the session row
(for a new session) and the attempt row are inserted, the audio is copied to a hidden temporary
name in its final folder and fsynced, renamed into place, and the transaction commits. A failure
rolls back and removes the copy; a kill before COMMIT leaves at most an unreferenced file, which
the next write-mode ``History.open`` removes (it never deletes when ``quick_check`` fails).

Read-only commands use ``History.open(folder, read_only=True)``: an SQLite ``mode=ro``
connection, no schema change, no sweep, no permission change.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

from starcoach.core.errors import AppError
from starcoach.storage import errors, files
from starcoach.storage.paths import audio_root, db_path
from starcoach.storage.schema import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    MIGRATIONS,
    SCHEMA_VERSION,
    SESSION_KINDS,
    check_header,
    empty_schema,
    not_ours,
)
from starcoach.storage.writes import HistoryWrites

BUSY_TIMEOUT_S = 15.0
"""How long a writer waits for another process's write to finish."""

__all__ = [
    "BUSY_TIMEOUT_S",
    "EXPORT_FORMAT",
    "EXPORT_VERSION",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SESSION_KINDS",
    "History",
]


def _connect(path: Path) -> sqlite3.Connection:
    """The read-write connection (tests replace it to simulate a read-only or full disk)."""
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )


class History(HistoryWrites):
    """The practice history in one data folder. Use ``History.open`` as a context manager.

    One instance may move between threads but must be used by one thread at a time; each
    process (or app instance) opens its own. Every method raises ``StorageError`` (an
    ``AppError``) when the database cannot be used: read-only, locked, full or corrupt.
    """

    def __init__(self, folder: Path, conn: sqlite3.Connection, read_only: bool = False) -> None:
        self.folder = folder
        self.read_only = read_only
        """True for a ``mode=ro`` connection (or an empty in-memory one)."""
        self._conn = conn

    @property
    def path(self) -> Path:
        """The database file."""
        return db_path(self.folder)

    @classmethod
    def open(cls, folder: Path, *, read_only: bool = False) -> History:
        """Open the history in data folder ``folder``.

        Args:
            folder: The data folder.
            read_only: Open ``mode=ro`` and write nothing (a missing or empty database reads
                as an empty history); else create or migrate it, make the folder 0700 and the
                files 0600, and sweep audio files left by an interrupted save.

        Raises:
            StorageError: read-only, locked, full, corrupt (confirmed), not ours, or from a
                newer starcoach; the database file is left untouched.
        """
        folder = Path(folder)
        path = db_path(folder)
        if read_only:
            return cls._open_read_only(folder, path)
        try:
            files.private_dir(folder)
            files.private_db(path)
        except OSError as exc:
            raise errors.from_os_error(exc, folder) from exc
        check_header(path)
        try:
            conn = _connect(path)
        except sqlite3.Error as exc:
            raise errors.from_sqlite_error(exc, path) from exc
        return cls._prepared(cls(folder, conn))

    @classmethod
    def _open_read_only(cls, folder: Path, path: Path) -> History:
        if not path.exists() or path.stat().st_size == 0:
            return cls._prepared(cls(folder, empty_schema(), read_only=True))
        check_header(path)
        try:
            conn = errors.connect_read_only(path, BUSY_TIMEOUT_S)
        except sqlite3.Error as exc:
            raise errors.from_sqlite_error(exc, path) from exc
        return cls._prepared(cls(folder, conn, read_only=True))

    @classmethod
    def _prepared(cls, history: History) -> History:
        try:
            history._prepare()
        except BaseException:
            history.close()
            raise
        return history

    def _prepare(self) -> None:
        with self._guard():
            # One read transaction: another process may create the schema between two reads.
            self._conn.execute("BEGIN")
            try:
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                tables = {
                    r[0]
                    for r in self._conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                    )
                }
            finally:
                if self._conn.in_transaction:  # a failed read may have ended it already
                    with suppress(sqlite3.Error):
                        self._conn.execute("COMMIT")
        path = self.path
        if version > SCHEMA_VERSION:
            raise errors.StorageError(
                f"{path} was written by a newer starcoach (schema {version}, this version knows "
                f"{SCHEMA_VERSION}); upgrade starcoach or move it away",
                errors.OTHER,
            )
        if version == 0 and tables - {"sqlite_sequence"}:
            raise not_ours(path, "is not a starcoach database (unknown tables, no version)")
        if version >= 1 and not {"sessions", "attempts"} <= tables:
            raise not_ours(path, "is corrupt (tables missing)")
        if self.read_only:
            if version == 0:  # empty file: read it as an empty history (an older one as is)
                self._conn.close()
                self._conn = empty_schema()
            return
        with self._guard():
            _retry_locked(self._set_pragmas)
        if version < SCHEMA_VERSION:
            self._migrate()
        self._remove_orphans()

    def _set_pragmas(self) -> None:
        if self._conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn SQLite errors into a ``StorageError`` that says what is wrong."""
        try:
            yield
        except sqlite3.Error as exc:
            raise errors.from_sqlite_error(exc, self.path) from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the write lock up front."""
        if self.read_only:
            raise AppError("the history was opened read-only", title=errors.TITLE)
        with self._guard():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):  # closing the connection rolls back too
                        self._conn.execute("ROLLBACK")
                raise

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self._guard():
            return self._conn.execute(sql, params).fetchall()

    def _migrate(self) -> None:
        with self._write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for statements in MIGRATIONS[version:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _remove_orphans(self) -> None:
        """Delete audio files no attempt refers to (left by a kill mid-save or mid-delete).

        Runs under the write lock, so a save in progress elsewhere (which holds it from the
        copy to the commit) is never mistaken for an orphan. Unreferenced final files are only
        deleted after ``PRAGMA quick_check`` passes: a damaged database may hide rows.
        """
        root = audio_root(self.folder)
        if not root.is_dir():
            return
        try:
            with self._write() as conn:
                known = [
                    r[0]
                    for r in conn.execute(
                        "SELECT audio_path FROM attempts WHERE audio_path IS NOT NULL"
                    )
                ]
                staged, unreferenced = files.orphans(root, self.folder, known)
                if unreferenced and conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok":
                    unreferenced = []
                files.remove_files([*staged, *unreferenced], root)
        except OSError as exc:
            raise errors.from_os_error(exc, self.folder) from exc

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __enter__(self) -> History:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _retry_locked(step: Callable[[], None], limit_s: float = BUSY_TIMEOUT_S) -> None:
    """Run ``step``, again while SQLite says "locked" without waiting (the journal-mode
    switch and WAL recovery can return SQLITE_BUSY at once, bypassing the busy timeout)."""
    deadline = time.monotonic() + limit_s
    delay = 0.01
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.2)
