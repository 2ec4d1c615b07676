"""The end of a mock interview: the hiring manager's scorecard, full screen, scrollable by keys.

Push ``ScorecardScreen(build_scorecard(answers))``; Escape or q closes it (``dismiss(None)``).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from starcoach.core.scorecard import Scorecard
from starcoach.ui.widgets.scorecard import ScorecardView


class ScorecardScreen(Screen[None]):
    """Shows one scorecard; the panel has the focus so the keys scroll it at once."""

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("pagedown", "page(1)", "Page down"),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "edge(0)", "Top", show=False),
        Binding("end", "edge(1)", "End", show=False),
    ]
    TITLE = "Mock interview: the scorecard"

    def __init__(self, card: Scorecard) -> None:
        """Show ``card``."""
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield Header()
        yield ScorecardView(self.card, id="scorecard")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ScorecardView).focus()

    def action_page(self, direction: int) -> None:
        """Scroll the scorecard a page down (1) or up (-1)."""
        view = self.query_one(ScorecardView)
        if direction > 0:
            view.scroll_page_down(animate=False)
        else:
            view.scroll_page_up(animate=False)

    def action_edge(self, end: int) -> None:
        """Jump to the top (0) or the end (1) of the scorecard."""
        view = self.query_one(ScorecardView)
        if end:
            view.scroll_end(animate=False)
        else:
            view.scroll_home(animate=False)

    def action_close(self) -> None:
        """Leave the scorecard."""
        self.dismiss(None)
