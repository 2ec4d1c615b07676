"""Files of the history folder: private permissions, staged audio copies, the orphan sweep.

The data folder and every folder inside it are 0700; the database, its ``-wal``/``-shm`` files,
saved audio, recordings, logs and reports written into it are 0600 (:func:`private_dir`,
:func:`open_private`). A file the user names outside the data folder (``report -o FILE``) is
created 0600 too, but an existing one keeps the mode the user gave it. Audio is copied to a
hidden temporary name in its final folder, fsynced, and renamed into place only inside the
transaction that inserts its row.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

PRIVATE_DIR = 0o700
"""Mode of the data folder and the folders inside it."""

PRIVATE_FILE = 0o600
"""Mode of the database, its WAL files and saved audio."""

TMP_SUFFIX = ".tmp"
"""Suffix of staged copies (hidden names, ``.<random>.<pid>.tmp``)."""

SIDE_FILES = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside the database."""

_BINARY = getattr(os, "O_BINARY", 0)
"""No newline translation on Windows (0 elsewhere)."""


def tighten(path: Path, mode: int) -> None:
    """Set ``path``'s permission bits to ``mode`` when they differ (best effort)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError:
        pass  # not ours or a read-only mount: the write that follows says what is wrong


def private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) as a 0700 folder, or tighten an existing one.

    Raises:
        OSError: the folder cannot be created.
    """
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    tighten(path, PRIVATE_DIR)


def open_private(path: Path, *, keep_mode: bool = False) -> BinaryIO:
    """Open ``path`` for writing, created or truncated, as a private (0600) file.

    A new file is created 0600 whatever the umask; an existing one is tightened to 0600,
    unless ``keep_mode`` (a file the user named outside the data folder keeps its mode).

    Raises:
        OSError: the file cannot be opened for writing.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _BINARY, PRIVATE_FILE)
    try:
        if not keep_mode:
            tighten(path, PRIVATE_FILE)
        return os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise


def private_db(db: Path) -> None:
    """Create an empty 0600 database file if there is none; tighten it and its side files.

    SQLite gives ``-wal`` and ``-shm`` the database file's permissions, so creating the file
    first keeps them private too.

    Raises:
        OSError: the file cannot be created.
    """
    if not db.exists():
        os.close(os.open(db, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    for path in (db, *(db.with_name(db.name + s) for s in SIDE_FILES)):
        if path.exists():
            tighten(path, PRIVATE_FILE)


@dataclass
class StagedFile:
    """An audio copy on its way into the history: a temporary file, then its final name."""

    tmp: Path
    """The fsynced temporary copy."""
    dest: Path
    """Where ``publish`` renames it."""
    published: bool = False
    """True once renamed to ``dest``."""


def stage_copy(source: Path, dest: Path) -> StagedFile:
    """Copy ``source`` to a hidden 0600 temporary file beside ``dest`` and fsync it.

    Raises:
        FileNotFoundError, PermissionError, IsADirectoryError: ``source`` cannot be read
            (raised before anything is created).
        OSError: the copy cannot be written (full disk, read-only folder); nothing is left.
    """
    with Path(source).open("rb") as src:
        private_dir(dest.parent)
        tmp = dest.with_name(f".{secrets.token_hex(6)}.{os.getpid()}{TMP_SUFFIX}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, PRIVATE_FILE)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return StagedFile(tmp, dest)


def publish(staged: StagedFile) -> None:
    """Rename the staged copy to its final name and fsync the folder.

    Raises:
        OSError: the rename fails.
    """
    os.replace(staged.tmp, staged.dest)
    staged.published = True
    fsync_dir(staged.dest.parent)


def discard(staged: StagedFile | None) -> None:
    """Remove a staged copy (published or not) and its folder when that is left empty."""
    if staged is None:
        return
    for path in (staged.tmp, staged.dest if staged.published else None):
        if path is not None:
            with suppress(OSError):  # else the next write-mode open sweeps it
                path.unlink(missing_ok=True)
    with suppress(OSError):  # not empty (other answers of the session) or already gone
        staged.dest.parent.rmdir()


def fsync_dir(path: Path) -> None:
    """fsync a folder so a rename in it survives a power cut (no-op where unsupported)."""
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


def orphans(root: Path, folder: Path, known: Iterable[str]) -> tuple[list[Path], list[Path]]:
    """Files under ``root`` that no row refers to.

    Args:
        root: The audio folder.
        folder: The data folder (rows hold paths relative to it, POSIX style).
        known: Every ``attempts.audio_path``.

    Returns:
        (staged temporary copies, unreferenced final files).
    """
    refs = set(known)
    staged: list[Path] = []
    unreferenced: list[Path] = []
    for file in root.rglob("*"):
        if not file.is_file() or file.relative_to(folder).as_posix() in refs:
            continue
        (staged if file.name.endswith(TMP_SUFFIX) else unreferenced).append(file)
    return staged, unreferenced


def remove_files(files: Iterable[Path], root: Path) -> None:
    """Delete ``files``, then every empty folder under ``root``; tighten what is kept."""
    for file in files:
        file.unlink(missing_ok=True)
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_dir():
            if any(path.iterdir()):
                tighten(path, PRIVATE_DIR)
            else:
                path.rmdir()
        else:
            tighten(path, PRIVATE_FILE)
    tighten(root, PRIVATE_DIR)
