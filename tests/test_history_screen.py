"""Pilot tests of the history screen, the comparison widget and the trends widget.

The history lives in ``tmp_path`` and is filled through ``storage.history.History`` with
synthetic analyses from ``tests/test_history_factory.make_analysis``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question
from starcoach.core.trends import trends
from starcoach.services import InterviewOptions, Services, fixture_services
from starcoach.storage.history import History
from starcoach.ui.screens.history import (
    AttemptScreen,
    ConfirmScreen,
    HistoryScreen,
    InfoScreen,
    previous_attempt,
)
from starcoach.ui.widgets.compare import ComparisonView, fmt_delta, star_changes
from starcoach.ui.widgets.feedback import FeedbackView
from starcoach.ui.widgets.trends import TrendsView
from tests.fakes import ScriptTranscriber
from tests.test_history_factory import make_analysis, make_analysis_json

CSS = Path(__file__).resolve().parents[1] / "src/starcoach/ui/app.tcss"
CONFLICT = {"id": "conflict", "text": "Tell me about a time you disagreed with a teammate."}
FAILURE = {"id": "failure", "text": "Tell me about a time you failed."}
SIZE = (80, 24)


def analysis(question: dict[str, str], **kw: Any) -> Analysis:
    """A factory analysis that the feedback panel can draw (adds display-only fields)."""
    a = make_analysis_json(question=question, **kw)
    a["fillers"]["by_text"] = {"um": a["fillers"]["count"]}
    a["length"]["target_s"] = [60, 120]
    return from_json(a)


# Fillers fall and STAR grows (improving); long pauses rise (worse); pace stays in band (flat).
ATTEMPTS = [  # (session, question, wpm, fillers/min, long pauses, STAR scores)
    (0, CONFLICT, 140.0, 6.0, 0, (1.0, 0.0, 0.0, 0.0)),
    (0, FAILURE, 140.0, 5.0, 0, (1.0, 1.0, 0.0, 0.0)),
    (1, CONFLICT, 140.0, 3.0, 1, (1.0, 1.0, 1.0, 0.0)),
    (1, CONFLICT, 140.0, 1.0, 2, (1.0, 1.0, 1.0, 1.0)),
]


class HistoryTestApp(App[None]):
    """Just the history screen over a blank screen."""

    CSS_PATH = str(CSS)

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        yield Static("home", id="home")

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.services))


def fill(folder: Path) -> list[str]:
    """Save ATTEMPTS into two sessions; returns the session ids, oldest first."""
    with History.open(folder) as history:
        ids = [history.start_session("interview", "behavioral") for _ in range(2)]
        for session, question, wpm, fpm, pauses, star in ATTEMPTS:
            history.save_attempt(ids[session], Question(**question), analysis(
                question, wpm=wpm, fillers_per_min=fpm, long_pauses=pauses, star=star))
    return ids


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data: Path) -> Services:
    return fixture_services(InterviewOptions(), answers=[], realtime=False, data_dir=data,
                            transcriber=ScriptTranscriber("unused"))


def session_ids(folder: Path) -> set[str]:
    with History.open(folder) as history:
        return {s.id for s in history.sessions()}


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_sessions_listed_newest_first_with_their_answers(services, data) -> None:
    ids = fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        sessions = rows(screen.query_one("#sessions-table", DataTable))
        assert [r[0] for r in sessions] == ids[::-1]
        assert [r[2:4] for r in sessions] == [["interview", "2"], ["interview", "2"]]
        assert sessions[0][5] == "2.0" and sessions[0][7] == "88%"  # means of 3.0/1.0, 75/100 %
        answers = rows(screen.query_one("#attempts-table", DataTable))
        assert [r[5] for r in answers] == ["1", "2"]  # long pauses of the newest session
        await pilot.press("down")  # highlight the older session: its answers follow
        answers = rows(screen.query_one("#attempts-table", DataTable))
        assert [r[4] for r in answers] == ["6.0", "5.0"]
        assert answers[1][2].startswith("Tell me about a time you fail")


async def test_questions_view_shows_first_best_latest(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        table = app.screen.query_one("#questions-table", DataTable)
        got = rows(table)
        assert [r[1] for r in got] == ["first", "best", "latest", "only"]
        assert got[0][0].startswith("Tell me about a time") and got[0][0].endswith("(3)")
        full = app.screen.query_one("#question-full", Static)
        assert str(full.render()) == CONFLICT["text"]  # the whole text of the highlighted row
        await pilot.press("down", "down", "down")
        assert str(full.render()) == FAILURE["text"]
        assert [r[4] for r in got[:3]] == ["6.0", "1.0", "1.0"]  # best is the latest here


async def test_progress_view_shows_direction_words(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        view = app.screen.query_one(TrendsView)
        lines = {line.split("  ")[0].strip(): line for line in view.text.plain.splitlines()}
        assert "improving" in lines["Fillers per minute"]
        assert "improving" in lines["STAR coverage"]
        assert "worse" in lines["Long pauses"]
        assert "flat" in lines["Pace"]
        await pilot.press("enter")  # no answer is selected in the charts
        assert isinstance(app.screen, HistoryScreen)
        assert "6.0 -> 1.0" in lines["Fillers per minute"]
        assert any(ch in lines["Fillers per minute"] for ch in "▁█")  # a sparkline is drawn


async def test_compare_shows_deltas_against_the_previous_attempt(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # sessions table -> its answers
        await pilot.press("down", "c")  # the last conflict retake
        assert isinstance(app.screen, InfoScreen)
        view = app.screen.query_one(ComparisonView)
        text = view.text.plain
        assert "3.0 -> 1.0" in text and "-2.0/min" in text
        assert "+25 pts" in text
        assert view.improved == ["Fillers per minute", "STAR coverage"]
        assert view.worsened == ["Long pauses"]
        assert "STAR parts gained: Result" in text
        await pilot.press("escape")
        await pilot.press("up", "c")  # previous attempt was in the older session
        assert "6.0 -> 3.0" in app.screen.query_one(ComparisonView).text.plain


async def test_compare_first_attempt_says_nothing_to_compare(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter", "c")  # older session, first answer
        assert isinstance(app.screen, HistoryScreen)
        assert any("first attempt" in str(n.message) for n in app._notifications)


async def test_enter_opens_the_answer_feedback(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, AttemptScreen)
        feedback = app.screen.query_one(FeedbackView)
        assert feedback.analysis.fillers.per_minute == 3.0
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


@pytest.mark.parametrize(("answer", "kept"), [("y", False), ("n", True), ("escape", True)],
                         ids=["confirm", "cancel", "escape"])
async def test_forget_asks_first(services, data, answer: str, kept: bool) -> None:
    ids = fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        assert ids[1] in str(app.screen.query_one("#prompt", Static).render())
        assert session_ids(data) == set(ids)  # nothing deleted before the answer
        await pilot.press(answer)
        assert isinstance(app.screen, HistoryScreen)
        assert (ids[1] in session_ids(data)) is kept
        listed = [r[0] for r in rows(app.screen.query_one("#sessions-table", DataTable))]
        assert listed == (ids[::-1] if kept else [ids[0]])


async def test_forget_last_session_shows_the_empty_message(services, data) -> None:
    with History.open(data) as history:
        only = history.start_session("analyze")
        history.save_attempt(only, Question(**CONFLICT), analysis(CONFLICT))
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        await pilot.click("#confirm")
        assert session_ids(data) == set()
        assert app.screen.query_one("#history-empty").display


async def test_empty_history_says_how_to_make_some(services) -> None:
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        empty = app.screen.query_one("#history-empty", Static)
        assert empty.display and not app.screen.query_one("#history-tabs").display
        text = str(empty.render())
        assert "No practice saved yet" in text and "analyze" in text
        await pilot.press("d", "c", "r")  # disabled: nothing happens, nothing crashes
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HistoryScreen)


async def test_report_key_writes_html_into_the_data_folder(services, data) -> None:
    ids = fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        report = app.screen.last_report
        assert report is not None and report.parent.parent == data.resolve()
        html = report.read_text(encoding="utf-8")
        assert ids[1] in report.name and "<svg" in html and "<script" not in html
        assert any(str(report) in str(n.message) for n in app._notifications)


async def test_damaged_history_is_a_notice_not_a_crash(services, data) -> None:
    import sqlite3

    fill(data)
    db = data / "history.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master "
                           "WHERE name = 'attempts_by_session'").fetchone()
    conn.close()
    with db.open("r+b") as f:  # real damage: the index's root page overwritten
        f.seek((root - 1) * 4096)
        f.write(b"\x42" * 4096)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.query_one("#history-empty").display
        (note,) = [str(n.message) for n in app._notifications]
        assert "is corrupt" in note and "move it away" in note


async def test_locked_history_is_a_notice_and_forget_deletes_nothing(
        services, data, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from starcoach.storage import history as history_module

    ids = fill(data)
    monkeypatch.setattr(history_module, "BUSY_TIMEOUT_S", 0.05)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        other = sqlite3.connect(data / "history.sqlite3", isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process is saving
        await pilot.press("d")
        await pilot.click("#confirm")
        notes = [str(n.message) for n in app._notifications]
        assert any("is locked by another program" in n for n in notes)
        assert "move it away" not in " ".join(notes)
        other.execute("ROLLBACK")
        other.close()
    assert session_ids(data) == set(ids)


async def test_help_lists_the_keys(services, data) -> None:
    fill(data)
    app = HistoryTestApp(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, InfoScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


# -- widgets and helpers ---------------------------------------------------------------
@pytest.mark.parametrize(("key", "delta", "shown"), [
    ("wpm", 12.4, "+12 wpm"), ("wpm", -30.0, "-30 wpm"), ("fillers_per_min", -1.25, "-1.2/min"),
    ("long_pauses", 2.0, "+2"), ("long_pauses", -0.5, "-0.5"), ("star_coverage", 0.25, "+25 pts"),
    ("wpm", 0.0, "±0 wpm"), ("wpm", None, "-"),
], ids=["wpm-up", "wpm-down", "fillers", "pauses", "pauses-mean", "star", "zero", "unknown"])
def test_fmt_delta(key: str, delta: float | None, shown: str) -> None:
    assert fmt_delta(key, delta) == shown


@pytest.mark.parametrize(("before", "after", "expected"), [
    ((1, 0, 0, 0), (1, 1, 1, 0), (["task", "action"], [])),
    ((1, 1, 1, 1), (1, 0, 1, 0), ([], ["task", "result"])),
    ((1, 1, 0, 0), (1, 1, 0, 0), ([], [])),
], ids=["gained", "lost", "same"])
def test_star_changes(before, after, expected) -> None:
    assert star_changes(make_analysis(star=before), make_analysis(star=after)) == expected


def test_star_changes_not_scored_for_non_behavioral() -> None:
    prev = make_analysis_json()
    prev["star"]["behavioral"] = False
    assert star_changes(from_json(prev), make_analysis()) is None


async def test_comparison_view_mounts_standalone_and_colours_verdicts() -> None:
    prev = make_analysis(wpm=200.0, fillers_per_min=1.0, long_pauses=0)
    cur = make_analysis(wpm=150.0, fillers_per_min=4.0, long_pauses=0)

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ComparisonView(prev, cur)

    async with One().run_test(size=SIZE) as pilot:
        view = pilot.app.query_one(ComparisonView)
        assert view.improved == ["Pace"] and view.worsened == ["Fillers per minute"]
        styles = {str(span.style) for span in view.text.spans}
        assert {"bold green", "bold red"} <= styles
        assert "200 wpm -> 150 wpm" in view.text.plain and "-50 wpm" in view.text.plain
        assert view.region.height >= len(view.changes) + 1  # drawn, not collapsed


def test_previous_attempt_matches_question_by_id_then_text(data) -> None:
    with History.open(data) as history:
        sid = history.start_session("analyze")
        for q in (CONFLICT, None, FAILURE, CONFLICT, None):
            history.save_attempt(sid, Question(**q) if q else None, make_analysis(question=q))
        a = history.all_attempts()
    assert previous_attempt(a, a[3]) == a[0]
    assert previous_attempt(a, a[4]) == a[1]  # both have no question
    assert previous_attempt(a, a[2]) is None


def test_trends_view_handles_a_single_answer() -> None:
    view = TrendsView(trends([make_analysis()]))
    assert view.direction("wpm") == "flat"
    assert "one answer so far" in view.text.plain
