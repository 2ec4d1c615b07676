"""``starcoach report SESSION``: a shareable report (HTML, Markdown or JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from starcoach.core.errors import AppError

FORMATS = ("html", "md", "json")
"""Report formats (``reports.session.FORMATS``)."""
_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".json": "json"}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommand."""
    p = sub.add_parser(
        "report",
        help="write a session report (html, md or json), or merge trainees' exports",
        description="Write a report of a saved session: HTML (one self-contained file with "
        "charts; open it in a browser), Markdown (for pasting) or JSON (for tools, and for "
        "`--merge`). With --merge, build one group comparison from several trainees' JSON "
        "exports.",
    )
    p.add_argument("session", nargs="?", metavar="SESSION", help="session id (see `history`)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: from the -o suffix, else md)",
    )
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write here, not stdout")
    p.add_argument("--name", metavar="TRAINEE", help="trainee name stored in the export")
    p.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        metavar="EXPORT.json",
        help="trainees' JSON exports to compare (instead of SESSION)",
    )
    p.add_argument("--data-dir", type=Path, metavar="DIR", help="history folder")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Render the report and write it to ``-o`` or stdout."""
    fmt = args.format or _SUFFIXES.get(args.output.suffix.lower() if args.output else "", "md")
    if fmt == "html" and args.output is None and sys.stdout.isatty():
        raise AppError("an HTML report goes to a file: add -o FILE.html")
    if args.merge:
        if args.session:
            raise AppError("give either SESSION or --merge FILES, not both")
        text = _merged(args.merge, fmt)
    elif args.session:
        text = _single(args.session, fmt, args.name, args.data_dir)
    else:
        raise AppError("name a session (ids: `starcoach history`) or use --merge FILES")
    _write(text, args.output)
    return 0


def _single(ref: str, fmt: str, name: str | None, folder: Path | None) -> str:
    from starcoach.reports.session import session_report
    from starcoach.storage.paths import data_dir

    return session_report(data_dir(folder), ref, fmt, name)


def _merged(paths: list[Path], fmt: str) -> str:
    from starcoach.reports.common import load_export

    if fmt == "json":
        raise AppError("--merge writes html or md, not json")
    exports = [(load_export(p), p) for p in paths]
    if fmt == "html":
        from starcoach.reports.html import render_group_html

        return render_group_html(exports)
    from starcoach.reports.markdown import render_group_markdown

    return render_group_markdown(exports)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    from starcoach.reports.session import write_report

    print(f"Wrote {write_report(text, output)}", file=sys.stderr)
