"""Where starcoach keeps its files: the only module that knows locations."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "starcoach"
"""Folder name under the platform's user data directory."""

DATA_DIR_ENV = "STARCOACH_DATA_DIR"
"""Environment variable that moves the data folder (tests, portable installs)."""

DB_NAME = "history.sqlite3"
"""File name of the practice history database inside the data folder."""

AUDIO_DIR = "audio"
"""Folder (inside the data folder) holding saved answers' audio, one subfolder per session."""


def data_dir(override: Path | None = None) -> Path:
    """The data folder, created on demand.

    Precedence: ``override`` (``--data-dir``), then ``$STARCOACH_DATA_DIR``, then the platform
    user data folder (``platformdirs.user_data_path("starcoach")``).

    Args:
        override: An explicit folder, e.g. from ``--data-dir``.

    Returns:
        The absolute folder path; it exists when this returns.

    Raises:
        AppError: the folder cannot be created.
    """
    if override is not None:
        path = Path(override).expanduser()
    elif os.environ.get(DATA_DIR_ENV):
        path = Path(os.environ[DATA_DIR_ENV]).expanduser()
    else:
        import platformdirs

        path = platformdirs.user_data_path(APP_NAME)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from starcoach.core.errors import AppError

        raise AppError(f"cannot create data folder {path}: {exc.strerror or exc}") from exc
    return path.resolve()


def db_path(folder: Path) -> Path:
    """The history database file inside ``folder`` (a data folder)."""
    return folder / DB_NAME


def audio_root(folder: Path) -> Path:
    """The audio folder inside ``folder`` (a data folder); not created here."""
    return folder / AUDIO_DIR
