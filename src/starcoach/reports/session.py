"""One session's report, rendered and written: used by `starcoach report` and the history screen."""

from __future__ import annotations

from pathlib import Path

from starcoach.core.errors import AppError
from starcoach.core.session_export import SessionExport

FORMATS = ("html", "md", "json")
"""Report formats."""

REPORTS_DIR = "reports"
"""Folder inside the data folder where the history screen writes HTML reports."""


def render_export(export: SessionExport, fmt: str) -> str:
    """A session export (``History.export_session``) as HTML, Markdown or JSON text."""
    if fmt == "json":
        from starcoach.reports.json_report import render_json

        return render_json(export)
    if fmt == "html":
        from starcoach.reports.html import render_html

        return render_html(export)
    from starcoach.reports.markdown import render_markdown

    return render_markdown(export)


def session_report(folder: Path, ref: str, fmt: str, trainee: str | None = None) -> str:
    """Render session ``ref`` (id or unique prefix) of the history in ``folder``.

    The history is opened read-only: nothing in the data folder is written.

    Raises:
        AppError: no such session, or the history cannot be read (``StorageError``).
    """
    from starcoach.storage.history import History

    with History.open(folder, read_only=True) as history:
        export = history.export_session(ref, trainee=trainee)
    return render_export(export, fmt)


def write_report(text: str, path: Path, *, private: bool = False) -> Path:
    """Write report ``text`` to ``path`` (creating its folder); returns ``path``.

    A new file is 0600 (it holds transcripts). With ``private`` (a report inside the data
    folder) its folder is 0700 and an existing file is tightened too; otherwise (a file the
    user named) an existing file keeps its mode and missing folders get the usual ones.

    Raises:
        AppError: the file cannot be written (one line saying why: read-only, full, ...).
    """
    from starcoach.storage.files import open_private, private_dir

    try:
        if private:
            private_dir(path.parent)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        with open_private(path, keep_mode=not private) as out:
            out.write(text.encode("utf-8"))
    except OSError as exc:
        raise AppError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def write_session_html(folder: Path, session_id: str) -> Path:
    """Write session ``session_id`` as HTML into ``folder/reports``; returns the file.

    Raises:
        AppError: the history cannot be read or the file cannot be written.
    """
    text = session_report(folder, session_id, "html")
    return write_report(text, folder / REPORTS_DIR / f"session-{session_id}.html", private=True)
