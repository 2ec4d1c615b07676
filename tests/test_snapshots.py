"""Snapshots of the main screens (pytest-textual-snapshot) at 80x24 and 120x40,
deterministic: scripted transcriber, fixture recorder, silent speaker, user folders in
tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from starcoach.adapters.fixtures import SilentSpeaker
from starcoach.core.calls import Scenario, Turn
from starcoach.core.followups import FollowUpSettings
from starcoach.services import InterviewOptions, fixture_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.call import CallScreen
from starcoach.ui.screens.interview import InterviewScreen
from tests.fakes import ScriptTranscriber, burst_wav

SCRIPT = ("Last year I worked at a help desk . a customer was um angry about a double charge . "
          "I had to fix it that day . I refunded the charge and called him back . "
          "He renewed his contract for two years .")
CALL_SCRIPT = ("Thank you for calling Parcelly my name is Sam how can I help you today . "
               "I understand how frustrating that is . I will find your order now .")
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def build_app(tmp_path: Path, script: str = SCRIPT) -> InterviewApp:
    """One answer, follow-ups off (the follow-up snapshots below have them on)."""
    wav = burst_wav(tmp_path / "answer.wav", len(script.split()))
    options = InterviewOptions(question_set="behavioral", count=1,
                               follow_ups=FollowUpSettings(enabled=False))
    services = fixture_services(options, answers=[wav], realtime=False,
                                data_dir=tmp_path / "data", transcriber=ScriptTranscriber(script))
    services.speaker = SilentSpeaker()
    return InterviewApp(services)


async def until_state(pilot, screen_type: type, state: str) -> None:
    for _ in range(300):
        screen = pilot.app.screen
        if isinstance(screen, screen_type) and screen.state == state:
            break
        await pilot.pause(0.05)
    else:
        raise AssertionError(f"never reached {state}")
    await pilot.pause(0.3)


async def until_feedback(pilot) -> None:
    await pilot.press("enter")
    await until_state(pilot, InterviewScreen, "feedback")


@pytest.fixture(autouse=True)
def _tmp_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STARCOACH_DATA_DIR", str(tmp_path / "data"))


@pytest.mark.parametrize("size", SIZES)
def test_setup_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(tmp_path), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_feedback_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(build_app(tmp_path), run_before=until_feedback, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_follow_up_feedback_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    """An answer with no result, the spoken follow-up, the answer to it: one feedback."""
    from tests.test_follow_up_flow import make_services

    async def settled(pilot) -> None:
        await until_feedback(pilot)
        for _ in range(100):  # the feedback takes the focus after a refresh
            if type(pilot.app.focused).__name__ == "FeedbackView":
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)

    services, _ = make_services(tmp_path)
    assert snap_compare(InterviewApp(services), run_before=settled, terminal_size=size)


def test_feedback_scrolled_to_the_end_80x24(snap_compare, tmp_path: Path) -> None:
    async def to_end(pilot) -> None:
        await until_feedback(pilot)
        await pilot.press("end")
        await pilot.pause(0.3)

    assert snap_compare(build_app(tmp_path), run_before=to_end, terminal_size=(80, 24))


@pytest.mark.parametrize("size", SIZES)
def test_summary_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    async def to_summary(pilot) -> None:
        await until_feedback(pilot)
        await pilot.press("n")
        await pilot.pause(0.3)

    assert snap_compare(build_app(tmp_path), run_before=to_summary, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_help_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    async def to_help(pilot) -> None:
        await pilot.press("question_mark")
        await pilot.pause(0.3)

    assert snap_compare(build_app(tmp_path), run_before=to_help, terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
def test_call_feedback_screen(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = build_app(tmp_path, CALL_SCRIPT)
    scenario = Scenario(
        id="snap-call", name="Snapshot: late parcel", description="One turn.",
        path=tmp_path / "snap.toml", company="Parcelly",
        turns=(Turn("Where is my parcel? It is two weeks late!",
                    ("greeting", "empathy", "ownership"), "Greet, then acknowledge."),))

    async def to_call_feedback(pilot) -> None:
        pilot.app.push_screen(CallScreen(pilot.app.services, scenario))
        await until_state(pilot, CallScreen, "feedback")

    assert snap_compare(app, run_before=to_call_feedback, terminal_size=size)
