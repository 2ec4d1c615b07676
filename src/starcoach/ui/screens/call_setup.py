"""Call-center practice: the scenario list, the call keys and the way back."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from starcoach.core.call_delivery import DEAD_AIR_S, PHONE_WPM
from starcoach.core.calls import Scenario
from starcoach.core.errors import AppError
from starcoach.core.rubric import Rubric
from starcoach.screen_access import call_rubric, call_scenarios
from starcoach.services import Services
from starcoach.ui.screens.modals import HelpScreen

SILENCE_MARGIN_S = 2.0
"""The auto-stop waits this much longer than dead air, so dead air can be measured."""
STOP_S = DEAD_AIR_S + SILENCE_MARGIN_S
CALL_HELP = f"""\
# Call practice keys

- **Space** / **Enter**: stop recording (it stops by itself after {STOP_S:.0f} s of silence)
- **n**: next customer turn (after the last: the call feedback)
- **t**: retake the turn: hear the customer again and answer again
- **p**: play your answer back
- **h**: hear yourself as the customer does (telephone band, 300-3400 Hz)
- **y**: type the answer instead of speaking
- **↑ ↓ PgUp PgDn**: scroll the feedback
- **?**: this help
- **q** / **Esc**: back to the scenarios

Per answer: the rubric items this turn expects (met, with what you said, or missed
with a tip), banned phrases, pace (phone target {PHONE_WPM[0]:.0f}-{PHONE_WPM[1]:.0f} wpm),
dead air (silence of {DEAD_AIR_S:.0f} s or more), monotone and volume.
"""


class CallSetupScreen(Screen[None]):
    """Lists the call scenarios; Enter starts the highlighted one."""

    BINDINGS = [
        Binding("q,escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, services: Services, scenarios: list[Scenario] | None = None) -> None:
        super().__init__()
        self.services = services
        self.error = ""
        if scenarios is None:
            try:
                scenarios = call_scenarios()
            except AppError as exc:
                scenarios, self.error = [], exc.message
        self.scenarios = scenarios

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="call-setup"):
            yield Static("Pick a call to practise", classes="section-title")
            yield OptionList(
                *(Option(f"{s.name}  ({len(s.turns)} turns)", id=s.id) for s in self.scenarios),
                id="scenarios",
            )
            yield Static(self.error, id="scenario-info")
            yield Button("Start call", id="start-call", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#scenarios", OptionList)
        if self.scenarios:
            options.highlighted = 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        s = self.scenarios[event.option_index]
        company = f"You answer for {s.company}. " if s.company else ""
        self.query_one("#scenario-info", Static).update(
            f"{company}{s.description}\nThe customer speaks first; answer aloud. "
            f"Pace target {PHONE_WPM[0]:.0f}-{PHONE_WPM[1]:.0f} wpm, no dead air "
            f"({DEAD_AIR_S:.0f} s+)."
        )

    @on(OptionList.OptionSelected, "#scenarios")
    @on(Button.Pressed, "#start-call")
    def action_start(self) -> None:
        """Start the highlighted call."""
        from starcoach.ui.screens.call import CallScreen

        index = self.query_one("#scenarios", OptionList).highlighted
        if index is None or not self.scenarios:
            self.notify(self.error or "No call scenarios to practise.", severity="error")
            return
        self.app.push_screen(CallScreen(self.services, self.scenarios[index]))

    def action_back(self) -> None:
        """Back to the previous screen, or quit when this is the first."""
        back(self)


class CallHelpScreen(HelpScreen):
    """The call-practice keys and what the feedback means."""

    TEXT = CALL_HELP


def rubric_for(scenario: Scenario) -> Rubric:
    """The ``rubric.toml`` beside the scenario file, or the default rubric."""
    return call_rubric(scenario)


def back(screen: Screen[Any]) -> None:
    """Pop ``screen``, or quit when nothing but the app's default screen is below it."""
    if len(screen.app.screen_stack) > 2:
        screen.app.pop_screen()
    else:
        screen.app.exit()
