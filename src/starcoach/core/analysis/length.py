"""Answer length against a target range."""

from __future__ import annotations

from dataclasses import dataclass

BEHAVIORAL_TARGET_S = (60.0, 120.0)
"""Behavioral (STAR) answers: 1 to 2 minutes."""
OPEN_TARGET_S = (30.0, 120.0)
"""Open questions: half a minute to 2 minutes."""


@dataclass(frozen=True)
class LengthReport:
    """How long the answer ran."""

    duration_s: float | None
    """Speaking time from the first to the last word; None for text input."""
    target: tuple[float, float]
    """Target range in seconds."""

    @property
    def verdict(self) -> str:
        """ "too short", "good", "too long" or "unknown"."""
        if self.duration_s is None:
            return "unknown"
        low, high = self.target
        if self.duration_s < low:
            return "too short"
        return "too long" if self.duration_s > high else "good"


def measure_length(duration_s: float | None, behavioral: bool) -> LengthReport:
    """Judge the answer's length against the target for its kind of question."""
    return LengthReport(duration_s, BEHAVIORAL_TARGET_S if behavioral else OPEN_TARGET_S)
