"""Pilot tests of the interview app with fixture-backed recorder and speaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.services import InterviewOptions, fixture_services
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from starcoach.ui.screens.summary import SummaryScreen
from starcoach.ui.widgets.compare import ComparisonView
from starcoach.ui.widgets.feedback import FeedbackView
from tests.fakes import BrokenMicrophone, ScriptTranscriber, burst_wav, wait_for_screen_state

SCRIPT = ("When I worked at a call center a customer was angry about a late refund . "
          "um I apologized and checked the order and issued the refund the same day . "
          "She thanked me and renewed her plan for another year .")
N_WORDS = len(SCRIPT.split())


@pytest.fixture
def services(tmp_path: Path):
    wav = burst_wav(tmp_path / "answer.wav", N_WORDS)
    options = InterviewOptions(question_set="behavioral", count=2)
    s = fixture_services(options, answers=[wav], realtime=False, data_dir=tmp_path / "data",
                         transcriber=ScriptTranscriber(SCRIPT))
    s.speaker = RecordingSpeaker()
    return s


async def wait_for_state(app: InterviewApp, pilot, state: str, tries: int = 200) -> InterviewScreen:
    return await wait_for_screen_state(app, pilot, InterviewScreen, state, tries)


async def test_answer_gets_feedback_then_retake_next_and_summary(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")  # start with the highlighted set
        screen = await wait_for_state(app, pilot, "feedback")
        assert services.speaker.spoken[0] == screen.questions[0].text  # read aloud first
        view = screen.query_one(FeedbackView)
        transcript = str(view.query_one("#transcript").render())
        assert "angry" in transcript and "refund" in transcript
        assert view.analysis["fillers"]["count"] >= 1
        assert view.analysis["pace"]["wpm"] == pytest.approx(120, rel=0.15)  # a word per 0.5 s
        assert Path(screen.audio_path).exists()
        await pilot.press("t")  # retake
        screen = await wait_for_state(app, pilot, "feedback")
        assert len(screen.records) == 2 and screen.index == 0
        await pilot.pause(0.1)
        comparison = screen.query_one(ComparisonView)  # the retake side by side with before
        assert comparison.changes and not comparison.worsened
        await pilot.press("n")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1
        await pilot.press("n")
        await pilot.pause(0.1)
        assert isinstance(app.screen, SummaryScreen)
        assert "3 answer(s)" in str(app.screen.query_one("#headline").render())
        await pilot.press("q")
    assert app.return_code == 0
    from starcoach.storage.history import History

    with History.open(services.data_dir) as history:  # every answer kept, with its audio
        (session,) = history.sessions()
        attempts = history.attempts(session.id)
        assert session.kind == "interview" and len(attempts) == 3
        assert all(a.audio_path and Path(a.audio_path).exists() for a in attempts)


async def test_skip_moves_on_without_feedback(services) -> None:
    services.speaker = RecordingSpeaker(delay_s=0.5)
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "asking")
        await pilot.press("k")
        screen = await wait_for_state(app, pilot, "feedback")
        assert screen.index == 1 and len(screen.records) == 1


async def test_no_microphone_offers_typing_the_answer(services) -> None:
    services.make_recorder = lambda path: BrokenMicrophone()
    app = InterviewApp(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("enter")
        screen = await wait_for_state(app, pilot, "failed")
        status = str(screen.query_one("#status").render())
        assert "no microphone" in status and "type the answer" in status
        await pilot.press("y")
        await pilot.pause(0.1)
        await pilot.press(*"I was working at a bank when a customer was upset. I fixed it.")
        await pilot.press("ctrl+s")
        screen = await wait_for_state(app, pilot, "feedback")
        analysis = screen.query_one(FeedbackView).analysis
        assert analysis["pace"]["wpm"] is None  # text only: no timing
        assert analysis["star"]["sentences"]


async def test_help_and_quit(services) -> None:
    app = InterviewApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause(0.1)
        assert "starcoach keys" in app.screen.query_one("Markdown").source
        await pilot.press("escape")
        await pilot.press("q")
    assert app.return_code == 0
