"""History storage failures said as they are: read-only, locked, full, corrupt (or other).

Only real corruption gets the "move it away" advice, and only after ``PRAGMA quick_check`` on
a separate read-only connection confirms it (or SQLite says the file is not a database).
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

from starcoach.core.errors import AppError

READ_ONLY = "read-only"
LOCKED = "locked"
FULL = "full"
CORRUPT = "corrupt"
OTHER = "other"

TITLE = "History database"
"""``AppError.title`` of every storage error."""

INTEGRITY_TIMEOUT_S = 2.0
"""How long the integrity check waits for a lock before giving up (then nothing is claimed)."""

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 11, 13, 14, 26
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_UNCHANGED = "your history is unchanged"


class StorageError(AppError):
    """A history folder or database that cannot be used; ``kind`` says why."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message, title=TITLE)
        self.kind = kind
        """One of READ_ONLY, LOCKED, FULL, CORRUPT, OTHER."""


def read_only(where: Path, detail: str) -> StorageError:
    """The folder or a file in it cannot be written."""
    return StorageError(
        f"cannot write to {where}: it is read-only ({detail}); make it writable "
        f"or choose another folder with --data-dir; {_UNCHANGED}",
        READ_ONLY,
    )


def locked(db: Path) -> StorageError:
    """Another connection holds the lock for longer than the busy timeout."""
    return StorageError(
        f"{db} is locked by another program (a starcoach still saving, or a "
        f"database tool); close it and try again; {_UNCHANGED}",
        LOCKED,
    )


def full(folder: Path, detail: str) -> StorageError:
    """No space left (or quota exceeded) where the history lives."""
    return StorageError(
        f"the disk holding {folder} is full ({detail}); free some space and "
        f"try again; {_UNCHANGED}",
        FULL,
    )


def corrupt(db: Path, detail: str) -> StorageError:
    """Damage confirmed by an integrity check (or a file that is not a database)."""
    return StorageError(
        f"{db} is corrupt ({detail}); move it away (starcoach will then start a "
        "new history) or restore it from a backup",
        CORRUPT,
    )


def other(where: Path, detail: str) -> StorageError:
    """Anything else; no advice that could make a user discard an intact history."""
    return StorageError(f"cannot use {where}: {detail}", OTHER)


def writable(folder: Path) -> bool:
    """True when this process may create files in ``folder`` (False on a read-only mount)."""
    return os.access(folder, os.W_OK | os.X_OK)


def from_os_error(exc: OSError, folder: Path) -> StorageError:
    """Classify a file-system error raised while writing into the history folder."""
    where = Path(exc.filename) if isinstance(exc.filename, str) else folder
    if where.name.startswith(".") and where.name.endswith(".tmp"):
        where = where.parent  # name the folder, not a staged copy's temporary name
    detail = exc.strerror or str(exc)
    if exc.errno in _FULL_ERRNOS:
        return full(folder, detail)
    if exc.errno in _READ_ONLY_ERRNOS:
        return read_only(where, detail)
    return other(where, detail)


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``exc`` (None when SQLite gave none)."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def from_sqlite_error(exc: sqlite3.Error, db: Path) -> StorageError:
    """Classify an SQLite error on ``db``; corruption is confirmed before it is claimed."""
    code, detail = primary_code(exc), str(exc)
    if code == _READONLY:
        return read_only(db if writable(db.parent) else db.parent, detail)
    if code in (_BUSY, _LOCKED):
        return locked(db)
    if code == _FULL:
        return full(db.parent, detail)
    if code == _CANTOPEN and db.parent.is_dir() and not writable(db.parent):
        return read_only(db.parent, f"SQLite cannot create its files there: {detail}")
    if code in (_CORRUPT, _NOTADB):
        problem = integrity_problem(db)
        if problem is not None:
            return corrupt(db, problem)
        return other(db, f"{detail} (an integrity check found no damage)")
    return other(db, detail)


def connect_read_only(db: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``) that writes nothing into the database.

    In a folder that cannot be written, a WAL database whose ``-shm`` file is gone cannot be
    opened ``mode=ro``; then ``immutable=1`` is used (nobody can write there either).

    Raises:
        sqlite3.Error: the file cannot be opened or read.
    """
    uri = db.resolve().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if primary_code(exc) != _CANTOPEN or writable(db.parent):
            raise
        conn = sqlite3.connect(
            f"{uri}?mode=ro&immutable=1",
            uri=True,
            timeout=timeout,
            isolation_level=None,
            check_same_thread=False,
        )
    return conn


def integrity_problem(db: Path) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong with ``db`` on a read-only connection.

    Returns:
        A short description of the damage, or None when the check passes or cannot run
        (locked, unreadable): nothing is claimed without evidence.
    """
    try:
        conn = connect_read_only(db, INTEGRITY_TIMEOUT_S)
    except sqlite3.DatabaseError as exc:
        return str(exc) if primary_code(exc) in (_CORRUPT, _NOTADB) else None
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check(3)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return str(exc) if primary_code(exc) in (_CORRUPT, _NOTADB) else None
    finally:
        conn.close()
    return None if rows == ["ok"] else " ".join("; ".join(rows).split())[:200]
