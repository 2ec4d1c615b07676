"""Saving one analysed answer into the history: the entry point the app, the CLI and the tests
share (a new session is created with its first answer, in one transaction)."""

from __future__ import annotations

from pathlib import Path

from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question


def save_analysis(
    analysis: Analysis,
    audio: Path | None,
    question: Question | None,
    data_dir: Path | None,
    *,
    session_id: str | None = None,
    kind: str = "analyze",
    question_set: str | None = None,
) -> tuple[str, int]:
    """Save one analysed answer; returns (session id, attempt id).

    With no ``session_id`` a new session of ``kind`` is created in the same transaction as
    the answer and its audio (``analyze --save``, the app's first answer of a run), so an
    interrupted save never leaves an empty session.

    Args:
        analysis: The analysis.
        audio: The answer's audio file (copied into the history), or None for text.
        question: The question answered, or None.
        data_dir: ``--data-dir`` or None for the default folder.
        session_id: Add to this existing session instead of starting a new one.
        kind: Kind of the new session ("analyze", "interview" or "call").
        question_set: Question set id stored with a new session.

    Raises:
        AppError: the audio cannot be read or the history cannot be written (``StorageError``
            says whether it is read-only, locked, full or corrupt); nothing is saved then.
    """
    from starcoach.storage.history import History
    from starcoach.storage.paths import data_dir as resolve

    with History.open(resolve(data_dir)) as history:
        if session_id is not None:
            return session_id, history.save_attempt(session_id, question, analysis, audio)
        q = question or Question()
        label = (q.text or q.id) if kind == "analyze" else None
        return history.save_new_session(
            kind, question, analysis, audio, question_set=question_set, label=label
        )
