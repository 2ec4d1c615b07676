"""Rows of the practice history as frozen values (what ``History`` returns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from starcoach.core.analysis.result import Analysis


@dataclass(frozen=True)
class SessionInfo:
    """One practice session with its answer count and mean metrics."""

    id: str
    """Short random id (what ``report`` and ``forget`` take)."""
    started_at: str
    """ISO 8601 UTC timestamp."""
    kind: str
    """"interview", "analyze" or "call"."""
    question_set: str | None
    """Question set id, if the session used one."""
    label: str | None
    """Free label."""
    attempt_count: int
    """Number of saved answers."""
    means: Mapping[str, float | None]
    """Mean of each metric column over the answers (None when never measured)."""

    @property
    def shown_kind(self) -> str:
        """The kind as lists show it: ``mock`` for a mock interview's session."""
        from starcoach.storage.schema import MOCK_SESSION_SET

        mock = self.kind == "interview" and self.question_set == MOCK_SESSION_SET
        return "mock" if mock else self.kind


@dataclass(frozen=True)
class Attempt:
    """One saved answer."""

    id: int
    """Row id (increasing, never reused)."""
    session_id: str
    """Owning session."""
    question_id: str | None
    """Question set id of the question, if any."""
    question_text: str | None
    """Question text, if any."""
    created_at: str
    """ISO 8601 UTC timestamp."""
    audio_path: Path | None
    """Absolute path of the saved audio, or None for typed answers."""
    metrics: Mapping[str, float | None]
    """The metric columns (``duration_s``, ``wpm``, ... ``score``)."""
    analysis: Analysis
    """The full analysis as saved."""


@dataclass(frozen=True)
class QuestionHistory:
    """First, best (highest ``attempt_score``) and latest attempt at one question."""

    question_id: str | None
    """Question id (None for free-text questions)."""
    question_text: str | None
    """Question text of the latest attempt."""
    count: int
    """Number of attempts."""
    first: Attempt
    """Oldest attempt."""
    best: Attempt
    """Highest-scoring attempt (latest wins ties)."""
    latest: Attempt
    """Newest attempt."""


def question_key(attempt: Attempt) -> tuple[str, str | None]:
    """What makes two attempts the same question: its id, else its exact text."""
    if attempt.question_id is not None:
        return ("id", attempt.question_id)
    return ("text", attempt.question_text)


def previous_attempt(attempts: Sequence[Attempt], current: Attempt) -> Attempt | None:
    """The latest attempt at ``current``'s question saved before it, or None."""
    key = question_key(current)
    earlier = [a for a in attempts if a.id < current.id and question_key(a) == key]
    return earlier[-1] if earlier else None
