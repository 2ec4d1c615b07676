"""The Textual application: owns the services and the screen stack, little else."""

from __future__ import annotations

import threading
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from starcoach.core.errors import AppError
from starcoach.services import Services

LOADING_NOTICE_S = 0.5
"""Say that the model is loading only when it takes longer than this."""


class InterviewApp(App[None]):
    """starcoach: practise interview answers out loud."""

    TITLE = "starcoach"
    SUB_TITLE = "offline interview coach"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(self, services: Services, start: str = "interview") -> None:
        super().__init__()
        self.services = services
        self.start = start

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run the app with C-level audio messages (fd 2) sent to a log file."""
        from starcoach.ui.terminal import audio_log_path, native_stderr_to

        try:
            log = audio_log_path(self.services.data_dir)
        except AppError:
            return super().run(*args, **kwargs)
        with native_stderr_to(log):
            return super().run(*args, **kwargs)

    def on_mount(self) -> None:
        from starcoach.ui.screens.setup import SetupScreen

        if self.services.demo:
            self.sub_title = "demo: recorded answers play the candidate"
        self.push_screen(SetupScreen(self.services))
        if self.start == "calls":
            from starcoach.ui.screens.call import CallSetupScreen

            self.push_screen(CallSetupScreen(self.services))
        elif self.start == "mock":
            from starcoach.ui.screens.mock import start_mock

            start_mock(self.screen, self.services)
        self._load_model()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_model(self) -> None:
        load = getattr(self.services.transcriber, "load", None)
        if load is None:
            return
        done = threading.Event()

        def slow() -> None:
            if not done.is_set():
                self.call_from_thread(self.notify, "Loading the speech model...", timeout=3)

        timer = threading.Timer(LOADING_NOTICE_S, slow)
        timer.start()
        try:
            load()
        except AppError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error", timeout=15)
        finally:
            done.set()
            timer.cancel()

    def action_help(self) -> None:
        """Show the keys."""
        from starcoach.ui.screens.modals import HelpScreen

        self.push_screen(HelpScreen())
