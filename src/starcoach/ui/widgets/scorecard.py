"""The scorecard panel: a mock interview's verdict, competencies, strongest answer, work-on list,
delivery and closing questions, one scrollable column readable at 80x24."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from starcoach.core.scorecard import Scorecard

RATING_STYLES = {
    "strong": "bold green",
    "solid": "green",
    "good": "green",
    "needs work": "bold yellow",
    "not assessed": "dim",
}
"""Colour of each rating word."""


def competencies_text(card: Scorecard) -> Text:
    """One line per competency (name, rating), its evidence quoted beneath."""
    text = Text()
    for rating in card.competencies:
        if text:
            text.append("\n")
        text.append(f"{rating.competency.capitalize():<19}", style="bold")
        text.append(rating.rating, style=RATING_STYLES.get(rating.rating, ""))
        for quote in rating.evidence:
            text.append(f"\n   “{quote}”", style="italic")
    return text


def strongest_text(card: Scorecard) -> Text:
    """The strongest answer: the question, why it stood out, a quote."""
    best = card.strongest
    if best is None:
        return Text("No answer stood out yet.", style="dim")
    text = Text()
    text.append(best.question, style="bold")
    text.append(f"\n{best.why}")
    if best.quote:
        text.append(f"\n   “{best.quote}”", style="italic")
    return text


def work_on_text(card: Scorecard) -> Text:
    """The things to work on, numbered, costliest first."""
    if not card.answers:
        return Text("Answer the questions (they were all skipped) to get a verdict.")
    if not card.work_on:
        return Text("Nothing stood out: keep practising the same way.", style="green")
    return Text("\n".join(f"{i}. {item}" for i, item in enumerate(card.work_on, start=1)))


def closing_text(card: Scorecard) -> Text:
    """The closing questions' rating and advice."""
    if card.closing is None:
        return Text("The interview ended before the closing question.", style="dim")
    text = Text()
    text.append(card.closing.rating, style=RATING_STYLES.get(card.closing.rating, ""))
    text.append(f": {card.closing.feedback}")
    return text


class ScorecardView(VerticalScroll, can_focus=True):
    """A mock interview's scorecard; arrows, j/k, Page Up/Down, Home/End scroll it."""

    DEFAULT_CSS = """
    ScorecardView { height: 1fr; padding: 0 1; }
    ScorecardView > .scorecard-heading { text-style: bold; color: $accent; margin-top: 1; }
    ScorecardView > #scorecard-verdict { text-style: bold; }
    """
    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("space", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
    ]

    def __init__(self, card: Scorecard, **kwargs: object) -> None:
        """Show ``card``."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.card = card

    def compose(self) -> ComposeResult:
        card = self.card
        yield Static(Text(card.verdict), id="scorecard-verdict")
        yield Static(
            f"{card.answers} answers  ·  ↑↓ j k scroll  ·  Space/b page  ·  Esc close",
            classes="scorecard-note",
        )
        sections = (
            ("Things to work on", work_on_text(card), "scorecard-work-on"),
            ("Strongest answer", strongest_text(card), "scorecard-strongest"),
            ("Competencies", competencies_text(card), "scorecard-competencies"),
            ("Delivery", Text("\n".join(card.delivery.lines)), "scorecard-delivery"),
            ("Your questions at the close", closing_text(card), "scorecard-closing"),
        )
        for title, body, widget_id in sections:
            yield Static(title, classes="scorecard-heading")
            yield Static(body, id=widget_id)
