"""The pure core never imports the UI, audio or model libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("textual", "sounddevice", "pyttsx3", "faster_whisper", "ctranslate2")
CORE_MODULES = (
    "starcoach.core.analysis.engine",
    "starcoach.core.analysis.tone",
    "starcoach.core.report",
    "starcoach.core.session",
    "starcoach.core.questions",
    "starcoach.core.calls",
    "starcoach.core.rubric",
    "starcoach.core.phrases",
    "starcoach.core.telephone",
    "starcoach.core.trends",
)


def test_core_imports_no_heavy_library() -> None:
    code = (
        "import importlib, sys\n"
        f"for m in {CORE_MODULES!r}: importlib.import_module(m)\n"
        f"print([h for h in {HEAVY!r} if h in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_help_is_light() -> None:
    code = (
        "import sys\nfrom starcoach.cli import build_parser\nbuild_parser()\n"
        f"print([h for h in {HEAVY!r} if h in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
