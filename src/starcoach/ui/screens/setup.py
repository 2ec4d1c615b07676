"""Pick a question set, how many questions, order, think time and follow-ups; or start a full
mock interview."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, Static, Switch
from textual.widgets.option_list import Option

from starcoach.services import InterviewOptions, Services

DEFAULT_SET = "behavioral"
"""The set highlighted when none was asked for."""


class SetupScreen(Screen[None]):
    """The first screen: choose what to practise."""

    BINDINGS = [
        Binding("enter", "start", "Start", priority=False),
        Binding("s", "toggle_shuffle", "Shuffle"),
        Binding("m", "mock", "Mock"),
        Binding("c", "calls", "Call practice"),
        Binding("h", "history", "History"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def compose(self) -> ComposeResult:
        opts = self.services.options
        yield Header()
        with Vertical(id="setup"):
            yield Static("Pick a question set", classes="section-title")
            yield OptionList(
                *(
                    Option(f"{s.name}  ({len(s.questions)})", id=s.id)
                    for s in self.services.question_sets
                ),
                id="sets",
            )
            with Horizontal(classes="form-row"):
                yield Label("Questions")
                yield Input(str(opts.count or 3), id="count", type="integer", max_length=3)
                yield Label("Think time (s)")
                yield Input(str(opts.think_s), id="think", type="integer", max_length=3)
                yield Label("Shuffle")
                yield Switch(opts.shuffle, id="shuffle")
            yield Static(self._mode_line(), id="mode")
            with Horizontal(classes="button-row"):
                yield Button("Start interview", id="start", variant="primary")
                yield Button("Mock interview", id="mock")
                yield Label("Follow-ups")
                yield Switch(opts.follow_ups.enabled, id="follow-ups")
        yield Footer()

    def on_mount(self) -> None:
        sets = self.query_one("#sets", OptionList)
        ids = [s.id for s in self.services.question_sets]
        wanted = self.services.options.question_set or DEFAULT_SET
        sets.highlighted = ids.index(wanted) if wanted in ids else 0
        sets.focus()

    def _mode_line(self) -> str:
        s = self.services
        parts = ["Demo: recorded answers play the candidate." if s.demo else "Microphone answers."]
        parts.append("Questions read aloud." if s.speaker else "Questions shown only (no voice).")
        return "  ".join(parts)

    @on(OptionList.OptionSelected, "#sets")
    def _picked(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        """Start the interview with the chosen options."""
        from starcoach.ui.screens.interview import InterviewScreen

        sets = self.query_one("#sets", OptionList)
        index = sets.highlighted or 0
        chosen = self.services.question_sets[index]
        options = replace(
            self._options(),
            question_set=chosen.id,
            count=_int(self.query_one("#count", Input).value, 3, 1, len(chosen.questions)),
            shuffle=self.query_one("#shuffle", Switch).value,
        )
        self.app.push_screen(InterviewScreen(self.services, chosen, options))

    @on(Button.Pressed, "#mock")
    def action_mock(self) -> None:
        """A full mock interview: opening, behavioral questions, one situational, closing;
        it ends in the hiring manager's scorecard."""
        from starcoach.ui.screens.mock import start_mock

        start_mock(self, self.services, self._options())

    def _options(self) -> InterviewOptions:
        """The session options with the think time and follow-up switch chosen here."""
        follow_ups = replace(
            self.services.options.follow_ups, enabled=self.query_one("#follow-ups", Switch).value
        )
        return replace(
            self.services.options,
            follow_ups=follow_ups,
            think_s=_int(self.query_one("#think", Input).value, 0, 0, 120),
        )

    def action_calls(self) -> None:
        """Practise phone calls with spoken customer role-plays."""
        from starcoach.ui.screens.call import CallSetupScreen

        self.app.push_screen(CallSetupScreen(self.services))

    def action_history(self) -> None:
        """Past sessions, progress and reports."""
        from starcoach.ui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.services))

    def action_toggle_shuffle(self) -> None:
        """Flip the shuffle switch."""
        switch = self.query_one("#shuffle", Switch)
        switch.value = not switch.value


def _int(text: str, default: int, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return min(max(value, low), high)


__all__ = ["SetupScreen", "InterviewOptions"]
