"""Starting and ending a full mock interview (the interview screen runs the questions).

:func:`start_mock` plans the interview (opening, behavioral questions across the competencies,
one situational question, the closing; in the demo only questions it has answers for) and opens
the interview screen on it; :func:`finish_mock` turns the answers into the hiring manager's
scorecard, shows it instead of the session summary and keeps it in the history with the
session's answers.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from starcoach.core.errors import AppError
from starcoach.core.scorecard import Scorecard, build_scorecard
from starcoach.services import InterviewOptions, Services

if TYPE_CHECKING:
    from starcoach.ui.screens.interview import InterviewScreen


def start_mock(
    screen: Screen[Any], services: Services, options: InterviewOptions | None = None
) -> bool:
    """Plan a mock interview and push the interview screen on it; False (with a notice) when
    the mock set cannot be loaded."""
    from starcoach.core.mock_interview import load_mock_set, plan_mock_interview
    from starcoach.screen_access import demo_answer_keys, mock_set_path
    from starcoach.ui.screens.interview import InterviewScreen

    try:
        available = None
        if services.demo:
            available = demo_answer_keys()
        plan = plan_mock_interview(
            services.question_sets, load_mock_set(mock_set_path()), available=available
        )
    except AppError as exc:
        screen.notify(f"No mock interview: {exc.message}", severity="error", timeout=10)
        return False
    chosen = replace(options or services.options, count=None, shuffle=False, mock=True)
    screen.app.push_screen(InterviewScreen(services, plan.as_question_set(), chosen, mock=plan))
    return True


def finish_mock(screen: InterviewScreen) -> Scorecard:
    """Show the scorecard of the answers given (in place of the interview screen) and save it
    to the history once the answers' own saves are done; returns the scorecard."""
    from starcoach.ui.screens.scorecard import ScorecardScreen

    card = build_scorecard([(r.question, r.analysis) for r in screen.records])
    save = screen.services.save_scorecard
    if save is not None and screen.records:
        flow, app, kind = screen.flow, screen.app, screen.flow.hooks.kind

        def keep() -> None:
            flow.join()  # the last answer is saved first: the scorecard joins its session
            try:
                save(card, kind)
            except AppError as exc:
                app.call_from_thread(
                    app.notify, f"Scorecard not saved to history: {exc.message}", severity="warning"
                )

        threading.Thread(target=keep, daemon=True, name="save-scorecard").start()
    screen.app.switch_screen(ScorecardScreen(card))
    return card
