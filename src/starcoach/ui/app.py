"""The Textual application: owns the services and the screen stack, little else."""

from __future__ import annotations

from textual import work
from textual.app import App
from textual.binding import Binding

from starcoach.core.errors import AppError
from starcoach.services import Services


class InterviewApp(App[None]):
    """starcoach: practise interview answers out loud."""

    TITLE = "starcoach"
    SUB_TITLE = "offline interview coach"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services

    def on_mount(self) -> None:
        from starcoach.ui.screens.setup import SetupScreen

        if self.services.demo:
            self.sub_title = "demo: recorded answers play the candidate"
        self.push_screen(SetupScreen(self.services))
        self._load_model()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_model(self) -> None:
        load = getattr(self.services.transcriber, "load", None)
        if load is None:
            return
        self.call_from_thread(self.notify, "Loading the speech model...", timeout=2)
        try:
            load()
        except AppError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error", timeout=15)

    def action_help(self) -> None:
        """Show the keys."""
        from starcoach.ui.screens.modals import HelpScreen

        self.push_screen(HelpScreen())
