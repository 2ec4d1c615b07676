"""Snapshots of the main screens (pytest-textual-snapshot), deterministic: scripted
transcriber, fixture recorder, fixed terminal size, user folders in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from starcoach.adapters.fixtures import SilentSpeaker
from starcoach.services import InterviewOptions, fixture_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from tests.fakes import ScriptTranscriber, burst_wav

SCRIPT = ("Last year I worked at a help desk . a customer was um angry about a double charge . "
          "I had to fix it that day . I refunded the charge and called him back . "
          "He renewed his contract for two years .")
SIZE = (100, 34)


def build_app(tmp_path: Path) -> InterviewApp:
    wav = burst_wav(tmp_path / "answer.wav", len(SCRIPT.split()))
    services = fixture_services(InterviewOptions(question_set="behavioral", count=1),
                                answers=[wav], realtime=False, data_dir=tmp_path / "data",
                                transcriber=ScriptTranscriber(SCRIPT))
    services.speaker = SilentSpeaker()
    return InterviewApp(services)


async def until_feedback(pilot) -> None:
    await pilot.press("enter")
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, InterviewScreen) and screen.state == "feedback":
            break
        await pilot.pause(0.05)
    await pilot.pause(0.2)


@pytest.fixture(autouse=True)
def _tmp_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STARCOACH_DATA_DIR", str(tmp_path / "data"))


def test_setup_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=SIZE)


def test_feedback_screen(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(build_app(tmp_path), run_before=until_feedback, terminal_size=SIZE)


def test_summary_screen(snap_compare, tmp_path: Path) -> None:
    async def to_summary(pilot) -> None:
        await until_feedback(pilot)
        await pilot.press("n")
        await pilot.pause(0.2)

    assert snap_compare(build_app(tmp_path), run_before=to_summary, terminal_size=SIZE)


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    async def to_help(pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause(0.2)

    assert snap_compare(build_app(tmp_path), run_before=to_help, terminal_size=(80, 24))
