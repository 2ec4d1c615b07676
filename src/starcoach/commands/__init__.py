"""CLI subcommands. Each module has ``add_parser(subparsers)`` and ``run(args) -> int``.

A module registers itself by being listed in ``COMMAND_MODULES``; heavy imports stay inside
``run`` so that ``starcoach --help`` is instant.
"""

from __future__ import annotations

COMMAND_MODULES: tuple[str, ...] = (
    "analyze",
    "questions",
    "devices",
    "check",
    "history",
    "report",
    "forget",
    "calls",
)
