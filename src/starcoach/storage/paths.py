"""Where starcoach keeps its files: the only module that knows locations."""

from __future__ import annotations

import os
from pathlib import Path

from starcoach.core.calls import RUBRIC_FILE
from starcoach.storage.files import PRIVATE_DIR

APP_NAME = "starcoach"
"""Folder name under the platform's user data directory."""

DATA_DIR_ENV = "STARCOACH_DATA_DIR"
"""Environment variable that moves the data folder (tests, portable installs)."""

DB_NAME = "history.sqlite3"
"""File name of the practice history database inside the data folder."""

AUDIO_DIR = "audio"
"""Folder (inside the data folder) holding saved answers' audio, one subfolder per session."""


def data_dir(override: Path | None = None) -> Path:
    """The data folder, created on demand private to the user (0700).

    Precedence: ``override`` (``--data-dir``), then ``$STARCOACH_DATA_DIR``, then the platform
    user data folder (``platformdirs.user_data_path("starcoach")``). Missing parent folders
    get the usual permissions; an existing data folder is left as it is here (read-only
    commands change nothing) and tightened when the history is opened for writing.

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
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
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


CACHE_DIR_ENV = "STARCOACH_CACHE_DIR"
"""Environment variable that moves the cache folder (joined models, checksum records)."""

QUESTION_DIR_ENV = "STARCOACH_QUESTION_DIR"
"""Environment variable that moves the question-set folder (a trainer's own sets)."""

CALLS_SUBDIR = "calls"
"""Folder inside the question-set folder holding call scenarios and their rubric."""


def question_dir() -> Path:
    """The question-set folder; it may not exist when none of the candidates does.

    Precedence: ``$STARCOACH_QUESTION_DIR``, then the package data folder
    ``starcoach/data/question_sets`` (a regular install), then the repository's
    ``question_sets/`` beside ``src/`` (an editable install).
    """
    override = os.environ.get(QUESTION_DIR_ENV)
    if override:
        return Path(override).expanduser()
    package_dir = Path(__file__).resolve().parents[1]
    packaged = package_dir / "data" / "question_sets"
    if packaged.is_dir():
        return packaged
    return package_dir.parents[1] / "question_sets"


MOCK_SET_FILE = Path("mock") / "mock_interview.toml"
"""The mock-interview set (opening and closing) inside a question-set folder."""


def mock_set_file(folder: Path | None = None) -> Path:
    """The mock-interview set file.

    Args:
        folder: A question-set folder; :func:`question_dir` when None. A folder without
            ``mock/`` falls back to the shipped mock set.

    Returns:
        The first existing candidate, else the path in ``folder`` (loading it names the file).
    """
    base = question_dir() if folder is None else Path(folder)
    package_dir = Path(__file__).resolve().parents[1]
    shipped = (package_dir / "data" / "question_sets", package_dir.parents[1] / "question_sets")
    for candidate in (base, *shipped):
        if (candidate / MOCK_SET_FILE).is_file():
            return candidate / MOCK_SET_FILE
    return base / MOCK_SET_FILE


def calls_dir() -> Path:
    """The call-scenario folder: ``calls/`` inside :func:`question_dir`."""
    return question_dir() / CALLS_SUBDIR


def rubric_file(scenario_dir: Path | None = None) -> Path:
    """The rubric for a scenario folder: its own ``rubric.toml``, else the default one.

    Args:
        scenario_dir: A folder of call scenarios; :func:`calls_dir` when None.

    Returns:
        ``scenario_dir / "rubric.toml"`` when that file exists, else the default rubric file
        (which may not exist either; loading it then reports the missing file).
    """
    if scenario_dir is not None:
        own = Path(scenario_dir) / RUBRIC_FILE
        if own.is_file():
            return own
    return calls_dir() / RUBRIC_FILE


def cache_dir() -> Path:
    """The cache folder (``$STARCOACH_CACHE_DIR``, else the platform user cache folder).

    Nothing in it is precious: joined models and checksum records are rebuilt when missing.
    It is not created here.
    """
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return platformdirs.user_cache_path(APP_NAME)
