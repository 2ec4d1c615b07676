"""The scorecard screen: every section reachable by keys at 80x24, snapshots at 80x24 and 120x40."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Static

from starcoach.core.scorecard import Scorecard, build_scorecard
from starcoach.ui.screens.scorecard import ScorecardScreen
from starcoach.ui.widgets.scorecard import ScorecardView
from tests.test_scorecard import card_answers


class ScorecardApp(App[None]):
    """A bare app that shows one scorecard (the mock interview pushes the same screen)."""

    def __init__(self, card: Scorecard) -> None:
        super().__init__()
        self.card = card
        self.closed = False

    def on_mount(self) -> None:
        def closed(_: None) -> None:
            self.closed = True

        self.push_screen(ScorecardScreen(self.card), closed)


def make_app() -> ScorecardApp:
    return ScorecardApp(build_scorecard(card_answers("No, I think you covered it all.")))


async def test_keys_scroll_to_every_section_at_80x24() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ScorecardView)
        assert app.focused is view
        assert view.max_scroll_y > 0, "at 80x24 the scorecard is taller than the screen"
        await pilot.press("down", "j")
        await pilot.pause()
        assert view.scroll_y > 0
        await pilot.press("end")
        await pilot.pause()
        assert view.scroll_y == view.max_scroll_y
        closing = app.screen.query_one("#scorecard-closing", Static)
        assert closing.region.bottom <= view.region.bottom
        assert "You had no questions" in str(closing.render())
        await pilot.press("home")
        await pilot.pause()
        assert view.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_y > 0


async def test_sections_show_the_scorecard() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen

        def shown(widget_id: str) -> str:
            return str(screen.query_one(widget_id, Static).render())

        assert "1. Finish every story" in shown("#scorecard-work-on")
        assert "Tell me about a time you helped a worried customer." in shown(
            "#scorecard-strongest")
        competencies = shown("#scorecard-competencies")
        assert "Empathy" in competencies and "strong" in competencies
        assert "“I traced it to the depot" in competencies
        assert shown("#scorecard-delivery").startswith("Pace:")


async def test_escape_closes_the_scorecard() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.closed and not isinstance(app.screen, ScorecardScreen)


def test_scorecard_snapshot_80x24(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_scorecard_snapshot_120x40(snap_compare) -> None:
    assert snap_compare(make_app(), terminal_size=(120, 40))


async def test_empty_interview_shows_a_scorecard_without_answers() -> None:
    app = ScorecardApp(build_scorecard([]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert str(screen.query_one("#scorecard-verdict", Static).render()) == (
            "No answers to judge yet.")
        assert "No answer stood out yet." in str(
            screen.query_one("#scorecard-strongest", Static).render())
        assert "ended before the closing" in str(
            screen.query_one("#scorecard-closing", Static).render())


def test_a_scorecard_with_every_question_skipped_says_so() -> None:
    from starcoach.core.scorecard import build_scorecard
    from starcoach.ui.widgets.scorecard import work_on_text

    card = build_scorecard([])
    assert card.answers == 0
    shown = str(work_on_text(card))
    assert "skipped" in shown and "Nothing stood out" not in shown
