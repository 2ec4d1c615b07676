"""The pure core imports only the standard library, numpy and itself, and knows no locations.

Every module under ``src/starcoach/core`` is checked, found by walking the folder, so a new
module is covered without editing this file.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

CORE_DIR = Path(__file__).resolve().parents[1] / "src" / "starcoach" / "core"
HEAVY = ("textual", "sounddevice", "pyttsx3", "faster_whisper", "ctranslate2", "onnxruntime")
ALLOWED_THIRD_PARTY = frozenset({"numpy"})
LOCATION_NAMES = frozenset({"environ", "getenv", "putenv", "__file__", "platformdirs"})
"""Names that betray a module locating files or reading settings from the environment."""


def core_modules() -> list[str]:
    """Dotted names of every module in ``starcoach.core`` (packages included)."""
    names = []
    for path in sorted(CORE_DIR.rglob("*.py")):
        parts = path.relative_to(CORE_DIR.parents[1]).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def imported_modules(path: Path, module: str) -> set[str]:
    """Absolute names of everything ``path`` imports, anywhere in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if not node.level:
                found.add(str(node.module))
                continue
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1])
            if node.module:
                found.add(f"{base}.{node.module}")
            else:  # from . import a, b: each name is a module of the package
                found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_allowed(name: str) -> bool:
    top = name.partition(".")[0]
    if top == "starcoach":
        return name == "starcoach" or name.startswith("starcoach.core")
    return top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY or top == "__future__"


def test_walk_finds_the_core_modules() -> None:
    modules = core_modules()
    assert {"starcoach.core", "starcoach.core.analysis", "starcoach.core.calls"} <= set(modules)
    assert "starcoach.core.analysis.tone" in modules
    assert len(modules) == len(list(CORE_DIR.rglob("*.py")))


@pytest.mark.parametrize("module", core_modules())
def test_core_module_imports_only_stdlib_numpy_and_core(module: str) -> None:
    path = CORE_DIR.parents[1].joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    bad = sorted(name for name in imported_modules(path, module) if not is_allowed(name))
    assert bad == [], f"{module} imports {bad}"


@pytest.mark.parametrize("module", core_modules())
def test_core_module_knows_no_locations(module: str) -> None:
    path = CORE_DIR.parents[1].joinpath(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not used & LOCATION_NAMES, f"{module} uses {sorted(used & LOCATION_NAMES)}"


def test_importing_all_of_core_loads_only_stdlib_numpy_and_core() -> None:
    code = (
        "import importlib, sys\n"
        "before = set(sys.modules)\n"
        f"for m in {core_modules()!r}: importlib.import_module(m)\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = out.stdout.split()
    assert "starcoach.core.analysis.tone" in loaded
    starcoach = [name for name in loaded if name.partition(".")[0] == "starcoach"]
    assert [name for name in starcoach if not is_allowed(name)] == []
    tops = {name.partition(".")[0] for name in loaded} - {"starcoach"}
    assert [top for top in sorted(tops) if top in HEAVY] == []
    third_party = {top for top in tops if top not in sys.stdlib_module_names}
    assert third_party <= ALLOWED_THIRD_PARTY, third_party


def test_import_checker_rejects_a_heavy_or_outer_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import numpy as np\nfrom . import models\nfrom ..storage import paths\n"
        "def later():\n    import textual\n",
        encoding="utf-8",
    )
    names = imported_modules(sample, "starcoach.core.sample")
    assert names == {"numpy", "starcoach.core.models", "starcoach.storage", "textual"}
    assert [n for n in sorted(names) if not is_allowed(n)] == ["starcoach.storage", "textual"]


def test_cli_help_is_light() -> None:
    code = (
        "import sys\nfrom starcoach.cli import build_parser\nbuild_parser()\n"
        f"print([h for h in {HEAVY!r} if h in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


UI_DIR = CORE_DIR.parent / "ui"
UI_FORBIDDEN = ("starcoach.storage", "starcoach.adapters")
"""Screens and widgets reach storage and audio files only through ``starcoach.services`` and
``starcoach.screen_access`` (the app's wiring)."""
UI_EXCEPTIONS: dict[str, frozenset[str]] = {}
"""Justified direct imports, per UI module (none today)."""


def ui_modules() -> list[tuple[str, Path]]:
    """(dotted name, path) of every module under ``starcoach.ui``, found by walking it."""
    found = []
    for path in sorted(UI_DIR.rglob("*.py")):
        parts = path.relative_to(CORE_DIR.parents[1]).with_suffix("").parts
        found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def test_walk_finds_the_ui_modules() -> None:
    names = {name for name, _ in ui_modules()}
    assert {"starcoach.ui.app", "starcoach.ui.screens.history", "starcoach.ui.terminal"} <= names
    assert len(names) == len(list(UI_DIR.rglob("*.py")))


@pytest.mark.parametrize(("module", "path"), ui_modules(), ids=[m for m, _ in ui_modules()])
def test_ui_reaches_storage_and_audio_files_only_through_the_wiring(
    module: str, path: Path
) -> None:
    direct = {
        name
        for name in imported_modules(path, module)
        if any(name == f or name.startswith(f + ".") for f in UI_FORBIDDEN)
    }
    assert sorted(direct - UI_EXCEPTIONS.get(module, frozenset())) == [], module
