"""A full mock interview in the app (Pilot), with the demo answers: opening, behavioral
questions, one situational, the closing, then the scorecard in place of the summary, saved
with the session and in its reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from starcoach.adapters.fixtures import RecordingSpeaker
from starcoach.core.mock_interview import CLOSING_ID, OPENING_ID
from starcoach.services import InterviewOptions, Services, fixture_services
from starcoach.storage.history import History
from starcoach.ui.app import InterviewApp
from starcoach.ui.screens.interview import InterviewScreen
from starcoach.ui.screens.scorecard import ScorecardScreen
from starcoach.ui.screens.setup import SetupScreen
from starcoach.ui.widgets.scorecard import ScorecardView
from tests.fakes import ScriptTranscriber
from tests.ui_support import wait_until

SCRIPT = ("When our store ran out of a popular phone I was on the counter . A regular customer "
          "was upset . I called two other branches and had one sent over the same afternoon . "
          "She left a five star review and came back the next month .")


def demo_services(tmp_path: Path) -> Services:
    """The demo: the packaged answers play (no answers given), a fast scripted transcriber."""
    services = fixture_services(InterviewOptions(), answers=[], realtime=False,
                                data_dir=tmp_path / "data", transcriber=ScriptTranscriber(SCRIPT))
    services.speaker = RecordingSpeaker()
    return services


async def run_mock(app: InterviewApp, pilot) -> InterviewScreen:
    """Answer every question (n after each feedback) until the scorecard shows."""
    await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen), "mock started")
    interview = app.screen
    assert isinstance(interview, InterviewScreen) and interview.mock is not None
    for _ in range(len(interview.questions)):
        index = interview.index
        await wait_until(pilot, lambda: interview.state in ("feedback", "failed"),
                         f"feedback on question {index + 1}", tries=1500)
        assert interview.state == "feedback"
        await pilot.press("n")
    await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen), "scorecard")
    return interview


@pytest.mark.slow  # a whole mock interview (eight answers) in the app
async def test_mock_interview_ends_in_the_saved_scorecard(tmp_path: Path) -> None:
    services = demo_services(tmp_path)
    app = InterviewApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("m")  # the setup screen's mock-interview key
        interview = await run_mock(app, pilot)
        plan = interview.mock
        assert plan is not None
        ids = [q.id for q in interview.questions]
        assert ids[0] == OPENING_ID and ids[-1] == CLOSING_ID
        assert plan.situational is not None and plan.situational.id in ids
        assert len({q.competency for q in plan.behavioral}) == len(plan.behavioral) >= 3
        spoken = services.speaker.spoken
        assert all(q.text in spoken for q in interview.questions)  # each asked aloud
        card = app.screen.card
        assert card.answers == len(ids) and card.closing is not None
        view = app.screen.query_one(ScorecardView)
        assert app.focused is view
        await pilot.press("q")  # leaves the scorecard, back to the first screen
        await wait_until(pilot, lambda: isinstance(app.screen, SetupScreen), "setup again")
    with History.open(services.data_dir, read_only=True) as history:
        (session,) = history.sessions()
        assert session.question_set == "mock-interview" and session.kind == "interview"
        assert session.shown_kind == "mock"
        assert session.attempt_count == len(ids)
        saved = history.scorecard(session.id)
        assert saved == card
    from starcoach.reports.session import session_report

    folder = services.data_dir
    assert folder is not None
    markdown = session_report(folder, session.id, "md")
    assert "## Mock interview scorecard" in markdown and "### Competencies" in markdown
    assert '<section class="scorecard">' in session_report(folder, session.id, "html")
    assert '"scorecard": {' in session_report(folder, session.id, "json")


async def test_mock_flag_starts_the_mock_interview(tmp_path: Path) -> None:
    services = demo_services(tmp_path)
    app = InterviewApp(services, start="mock")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, InterviewScreen), "mock")
        screen = app.screen
        assert screen.mock is not None and screen.question.id == OPENING_ID
        progress = str(screen.query_one("#progress").render())
        assert progress.startswith("Mock interview: question 1 of ")
        assert "opening" in progress
        await pilot.press("q")


@pytest.mark.slow  # a whole mock interview (eight answers) in the app
async def test_quit_on_the_scorecard_leaves_the_history_whole(tmp_path: Path) -> None:
    services = demo_services(tmp_path)
    services.options = InterviewOptions()
    app = InterviewApp(services, start="mock")
    async with app.run_test(size=(80, 24)) as pilot:
        interview = await run_mock(app, pilot)
        await pilot.press("ctrl+c")
    assert interview.flow.join()
    with History.open(services.data_dir, read_only=True) as history:
        (session,) = history.sessions()
        assert session.attempt_count == len(interview.questions)
