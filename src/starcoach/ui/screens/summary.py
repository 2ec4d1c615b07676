"""Session summary across the questions answered."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from starcoach.core.session import AnswerRecord, summarize


class SummaryScreen(Screen[None]):
    """Averages and one row per answer."""

    BINDINGS = [
        Binding("h", "history", "History"),
        Binding("q,escape", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, records: Sequence[AnswerRecord]) -> None:
        super().__init__()
        self.records = list(records)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="summary"):
            yield Static("Session summary", classes="section-title")
            yield Static(self._headline(), id="headline")
            yield DataTable(id="answers", zebra_stripes=True, cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Question", "wpm", "Fillers/min", "Long pauses", "STAR", "Length")
        for r in self.records:
            a = r.analysis
            star = a.star
            missing = star.missing
            table.add_row(
                r.question.id,
                _num(a.pace.wpm, "{:.0f}"),
                _num(a.fillers.per_minute, "{:.1f}"),
                _num(a.pauses.long_count, "{}"),
                ("missing " + ",".join(m[0].upper() for m in missing))
                if missing
                else ("complete" if star.behavioral else "-"),
                _num(a.length.duration_s, "{:.0f} s"),
            )

    def action_history(self) -> None:
        """Past sessions, progress and reports."""
        from starcoach.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.app.services))  # type: ignore[attr-defined]

    def _headline(self) -> str:
        if not self.records:
            return "No answers this time. Press q to quit."
        s = summarize(self.records)
        parts = [f"{s.answers} answer(s)"]
        if s.wpm is not None:
            parts.append(f"average pace {s.wpm:.0f} wpm")
        if s.fillers_per_minute is not None:
            parts.append(f"{s.fillers_per_minute:.1f} fillers/min")
        parts.append(f"{s.long_pauses} long pause(s)")
        if s.star_coverage is not None:
            parts.append(f"STAR coverage {s.star_coverage:.0%}")
        return " · ".join(parts)


def _num(value: object, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)
