"""Every module in ``src`` stays short enough to read whole: at most 400 lines once formatted.

CI runs ``ruff format --check src`` first, so the count here is of formatted code, not of
lines packed to fit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "starcoach"
MAX_LINES = 400


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_walk_finds_the_modules() -> None:
    names = {p.relative_to(SRC).as_posix() for p in modules()}
    assert {"core/analysis/engine.py", "recording/controller.py", "storage/history.py"} <= names


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_module_is_at_most_400_lines(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(SRC)} has {n} lines (at most {MAX_LINES})"
