"""Practice history: sessions, each question's first/best/latest attempt, progress charts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    DataTable,
    Footer,
    Header,
    Markdown,
    Static,
    TabbedContent,
    TabPane,
)

from starcoach.core.errors import AppError
from starcoach.core.trends import trends
from starcoach.reports.common import fmt_metric, local_time
from starcoach.reports.session import write_session_html
from starcoach.screen_access import (
    Attempt,
    QuestionHistory,
    SessionInfo,
    forget_session,
    history_folder,
    previous_attempt,
    read_history,
)
from starcoach.services import Services
from starcoach.ui.screens.history_dialogs import ConfirmScreen, InfoScreen
from starcoach.ui.widgets.compare import ComparisonView
from starcoach.ui.widgets.feedback import (
    FeedbackView,
)
from starcoach.ui.widgets.trends import TrendsView

EMPTY_MESSAGE = (
    "No practice saved yet in {folder}.\n\n"
    "Answers are saved automatically: start an interview from the setup screen, or run "
    "`starcoach analyze ANSWER.wav --save` (or `starcoach --demo` to try it with recorded "
    "answers). Then come back here to see your sessions and progress."
)

HELP = """\
| key | what it does |
| --- | --- |
| **1** / **2** / **3** | sessions / questions (first, best, latest) / progress charts |
| **Enter** | open the selected answer's full feedback |
| **c** | compare the selected answer with your previous attempt at that question |
| **d** | forget (delete) the highlighted session, audio included, after a confirmation |
| **r** | write an HTML report of the highlighted session (open it in a browser) |
| **Escape** | back |
| **?** | this help |

Progress words: *improving* / *worse* / *flat* follow the trend over all your answers;
pace improves when it moves into 120-160 words per minute.
"""

TABLE_COLUMNS = {
    "sessions": ("Session", "Date", "Kind", "Ans", "wpm", "Fill/min", "Pauses", "STAR"),
    "attempts": ("#", "Time", "Question", "wpm", "Fill/min", "Pauses", "STAR"),
    "questions": ("Question", "Which", "Time", "wpm", "Fill/min", "Pauses", "STAR"),
}
QUESTION_W = 30


def metric_cells(metrics: Mapping[str, float | None]) -> tuple[str, ...]:
    """wpm, fillers/min, long pauses and STAR coverage as table cells."""
    return tuple(
        fmt_metric(k, metrics.get(k)).removesuffix(" wpm")
        for k in ("wpm", "fillers_per_min", "long_pauses", "star_coverage")
    )


def short(text: str | None, width: int = QUESTION_W) -> str:
    """Text cut to ``width`` characters with an ellipsis."""
    text = " ".join((text or "(no question)").split())
    return text if len(text) <= width else text[: width - 1] + "…"


class AttemptScreen(Screen[None]):
    """One saved answer's full feedback."""

    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back")]

    def __init__(self, attempt: Attempt) -> None:
        super().__init__()
        self.attempt = attempt

    def compose(self) -> ComposeResult:
        a = self.attempt
        yield Header()
        yield Static(
            f"{a.question_text or a.question_id or '(no question)'}\n"
            f"Session {a.session_id}  ·  {local_time(a.created_at)}",
            id="attempt-title",
        )
        yield FeedbackView(a.analysis, id="attempt-feedback")  # old saves read with defaults
        yield Footer()


class HistoryScreen(Screen[None]):
    """Saved sessions, per-question first/best/latest attempts and progress over time."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "open", "Details", priority=True),
        Binding("c", "compare", "Compare"),
        Binding("d", "forget", "Forget"),
        Binding("r", "report", "Report"),
        Binding("1", "tab('sessions')", "Sessions", show=False),
        Binding("2", "tab('questions')", "Questions", show=False),
        Binding("3", "tab('progress')", "Progress", show=False),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services
        self.sessions: list[SessionInfo] = []
        self.attempts: list[Attempt] = []
        self.questions: list[QuestionHistory] = []
        self.last_report: Path | None = None
        self._question_rows: dict[str, int] = {}

    @property
    def folder(self) -> Path:
        """The history folder in use."""
        return history_folder(self.services.data_dir)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="history-empty")
        with TabbedContent(id="history-tabs"):
            with TabPane("1 Sessions", id="sessions"):
                yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="attempts-title", classes="section-title")
                yield DataTable(id="attempts-table", cursor_type="row", zebra_stripes=True)
            with TabPane("2 Questions", id="questions"):
                yield DataTable(id="questions-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="question-full")
            with TabPane("3 Progress", id="progress"), VerticalScroll(id="progress-box"):
                yield TrendsView(id="trends")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "practice history"
        for name, columns in TABLE_COLUMNS.items():
            self.query_one(f"#{name}-table", DataTable).add_columns(*columns)
        self.reload()

    # -- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the history again and redraw every view."""
        try:
            snapshot = read_history(self.folder)
        except AppError as exc:
            self.sessions, self.attempts, self.questions = [], [], []
            self.notify(exc.message, severity="error", timeout=10)
            self._show_empty(f"The history cannot be read: {exc.message}")
            return
        self.sessions, self.attempts = snapshot.sessions, snapshot.attempts
        self.questions = snapshot.questions
        if not self.sessions:
            self._show_empty(EMPTY_MESSAGE.format(folder=self.folder))
            return
        self.query_one("#history-empty").display = False
        self.query_one("#history-tabs").display = True
        self._fill_sessions()
        self._fill_questions()
        self._fill_progress()
        self.query_one("#sessions-table").focus()

    def _show_empty(self, message: str) -> None:
        self.query_one("#history-empty", Static).update(message)
        self.query_one("#history-empty").display = True
        self.query_one("#history-tabs").display = False

    def _fill_sessions(self) -> None:
        table = self.query_one("#sessions-table", DataTable)
        table.clear()
        for s in self.sessions:
            table.add_row(
                s.id,
                local_time(s.started_at),
                s.shown_kind,
                str(s.attempt_count),
                *metric_cells(s.means),
                key=s.id,
            )
        self._fill_attempts(self.sessions[0].id)

    def _fill_attempts(self, session_id: str) -> None:
        table = self.query_one("#attempts-table", DataTable)
        table.clear()
        rows = [a for a in self.attempts if a.session_id == session_id]
        for n, a in enumerate(rows, 1):
            table.add_row(
                str(n),
                local_time(a.created_at, "%H:%M"),
                short(a.question_text or a.question_id),
                *metric_cells(a.metrics),
                key=str(a.id),
            )
        self.query_one("#attempts-title", Static).update(
            f"Answers in session {session_id}" if rows else f"Session {session_id} has no answers"
        )

    def _fill_questions(self) -> None:
        table = self.query_one("#questions-table", DataTable)
        table.clear()
        self._question_rows = {}
        for n, q in enumerate(self.questions):
            picks = [("first", q.first), ("best", q.best), ("latest", q.latest)]
            if q.count == 1:
                picks = [("only", q.first)]
            for i, (which, a) in enumerate(picks):
                key = f"q{n}-{which}"
                self._question_rows[key] = a.id
                text = short(q.question_text or q.question_id, 22)
                label = f"{text} ({q.count})" if i == 0 else ""
                table.add_row(
                    label,
                    which,
                    local_time(a.created_at, "%m-%d %H:%M"),
                    *metric_cells(a.metrics),
                    key=key,
                )

    def _fill_progress(self) -> None:
        by_session = [(s.id, s.means) for s in reversed(self.sessions) if s.attempt_count]
        self.query_one(TrendsView).show(trends([a.analysis for a in self.attempts]), by_session)

    @on(DataTable.RowHighlighted, "#sessions-table")
    def _session_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._fill_attempts(event.row_key.value)

    @on(DataTable.RowHighlighted, "#questions-table")
    def _question_highlighted(self, event: DataTable.RowHighlighted) -> None:
        attempt_id = self._question_rows.get(str(event.row_key.value))
        a = next((x for x in self.attempts if x.id == attempt_id), None)
        self.query_one("#question-full", Static).update(
            "" if a is None else f"{a.question_text or a.question_id or '(no question)'}"
        )

    @on(DataTable.RowSelected)
    def _row_clicked(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    # -- selection ----------------------------------------------------------------------
    def _row_key(self, table_id: str) -> str | None:
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        value = table.ordered_rows[row].key.value
        return None if value is None else str(value)

    def selected_session(self) -> SessionInfo | None:
        """The session highlighted in the sessions table."""
        key = self._row_key("sessions-table")
        return next((s for s in self.sessions if s.id == key), None)

    def selected_attempt(self) -> Attempt | None:
        """The answer selected in the current view (answers table or questions table)."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "progress":
            return None
        if tabs.active == "questions":
            key = self._row_key("questions-table")
            attempt_id = self._question_rows.get(key or "")
        else:
            key = self._row_key("attempts-table")
            attempt_id = int(key) if key is not None else None
        return next((a for a in self.attempts if a.id == attempt_id), None)

    # -- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("open", "compare", "forget", "report", "tab"):
            return bool(self.sessions)
        return True

    def action_tab(self, pane: str) -> None:
        """Switch to the sessions, questions or progress view."""
        self.query_one(TabbedContent).active = pane
        target = {
            "sessions": "#sessions-table",
            "questions": "#questions-table",
            "progress": "#progress-box",
        }[pane]
        self.query_one(target).focus()

    def action_back(self) -> None:
        """Leave the history."""
        self.app.pop_screen()

    def action_help(self) -> None:
        """Show the history keys."""
        self.app.push_screen(InfoScreen("History keys", lambda: iter([Markdown(HELP)])))

    def action_open(self) -> None:
        """Enter: from the sessions table go to its answers, else open the answer."""
        if self.focused is self.query_one("#sessions-table"):
            self.query_one("#attempts-table").focus()
            return
        attempt = self.selected_attempt()
        if attempt is None:
            self.notify("No answer selected.", severity="warning")
            return
        self.app.push_screen(AttemptScreen(attempt))

    def action_compare(self) -> None:
        """Compare the selected answer with the previous attempt at the same question."""
        current = self.selected_attempt()
        if current is None:
            self.notify("Select an answer to compare.", severity="warning")
            return
        previous = self.previous_of(current)
        if previous is None:
            self.notify(
                "This is your first attempt at this question: nothing to compare yet.",
                severity="warning",
            )
            return
        title = (
            f"{short(current.question_text or current.question_id, 60)}\n"
            f"{local_time(previous.created_at)} -> {local_time(current.created_at)}"
        )
        self.app.push_screen(
            InfoScreen(
                title,
                lambda: iter(
                    [ComparisonView(previous.analysis, current.analysis, id="comparison")]
                ),
            )
        )

    def previous_of(self, attempt: Attempt) -> Attempt | None:
        """The previous attempt at ``attempt``'s question, or None."""
        return previous_attempt(self.attempts, attempt)

    def action_forget(self) -> None:
        """Delete the highlighted session after a confirmation."""
        info = self.selected_session()
        if info is None:
            return
        prompt = (
            f"Forget session {info.id} ({info.kind}, {local_time(info.started_at)})?\n"
            f"Its {info.attempt_count} answer(s), analyses and audio are deleted for good."
        )

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.forget(info.id)

        self.app.push_screen(ConfirmScreen(prompt), done)

    def forget(self, session_id: str) -> None:
        """Delete a session now and redraw."""
        try:
            count = forget_session(self.folder, session_id)
        except AppError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Forgot session {session_id} ({count} answer(s)).")
        self.reload()

    def action_report(self) -> None:
        """Write an HTML report of the highlighted session into the data folder."""
        info = self.selected_session()
        if info is None:
            return
        try:
            self.last_report = write_session_html(self.folder, info.id)
        except AppError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Report written: {self.last_report}", timeout=10)
