"""Small modal screens: help, typed answer, answer from a file."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Markdown, Static, TextArea

from starcoach.core.limits import typed_answer_problem

HELP = """\
# starcoach keys

- **Space** / **Enter**: stop recording (it also stops by itself after 4 s of silence)
- **p**: play your answer back
- **t**: retake the question
- **n**: next question (or the session summary)
- **k**: skip the question without answering (during a follow-up: skip the follow-up)
- **y**: type the answer instead of speaking
- **f**: analyse an answer from an audio file
- **c**: call-center practice (on the first screen)
- **m**: full mock interview, ending in a scorecard (on the first screen)
- **h**: history: past sessions, progress, reports
- **↑ ↓ PgUp PgDn**: scroll the feedback (or this help)
- **?**: this help
- **q**: quit (recordings are already on disk)

Feedback: fillers are **highlighted**, long pauses are marked **⏸ 2.1s**.
Pace target 120-160 words per minute; behavioral answers 1-2 minutes, covering
Situation, Task, Action and Result.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and what the feedback means, scrollable (arrows, PgUp/PgDn) above a Close button
    that always stays in view."""

    TEXT = HELP
    """The Markdown shown."""
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal help-modal"):
            with VerticalScroll(id="help-body"):
                yield Markdown(self.TEXT)
            yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss()


class TypedAnswerScreen(ModalScreen[str | None]):
    """Type the answer (text-only analysis: fillers and STAR)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "submit", "Analyse")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield Static(f"Type your answer to: {self.question}", classes="section-title")
            yield TextArea(id="answer")
            yield Button("Analyse (Ctrl+S)", id="submit", variant="primary")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        """Return the text."""
        text = self.query_one(TextArea).text.strip()
        if not text:
            self.notify("Type an answer first.", severity="warning")
            return
        problem = typed_answer_problem(text)
        if problem:
            self.notify(problem, severity="error")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)


class AudioFileScreen(ModalScreen[str | None]):
    """Give the path of a recorded answer."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield Static(
                "Path of a recorded answer (WAV, FLAC, MP3, OGG):", classes="section-title"
            )
            yield Input(placeholder="~/answers/angry-customer.wav", id="path")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        """Return nothing."""
        self.dismiss(None)
