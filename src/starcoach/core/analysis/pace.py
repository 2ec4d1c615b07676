"""Speaking pace: words per minute, articulation rate, pace over time, verdict vs a band.

Pace counts spoken words only: filled pauses (um, uh, er, hmm) are left out of the count
(the caller passes ``counted``; the engine marks the filler detector's filled pauses) and
reported on their own (``filled_pauses_excluded`` here, ``fillers`` in the analysis). The
span is the answer's audible span, first to last word, with its pauses in it; the
articulation rate leaves the pauses out too. Discourse markers ("like", "you know") are
words and count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starcoach.core.models import Word

TARGET_WPM = (120.0, 160.0)
"""Default target band for interview answers (words per minute)."""
WINDOW_S = 15.0
"""Length of the windows of pace over time."""
MIN_SPAN_S = 1.0
"""Below this speaking span, a rate is not meaningful."""


@dataclass(frozen=True)
class PaceWindow:
    """Pace in one stretch of the answer."""

    start: float
    """Window start (seconds)."""
    end: float
    """Window end (seconds)."""
    words: int
    """Words whose middle falls in the window."""
    wpm: float
    """Words per minute in the window."""


@dataclass(frozen=True)
class PaceReport:
    """Pace of one answer."""

    words: int
    """Words counted (filled pauses such as um/uh excluded)."""
    excluded: int
    """Filled pauses left out of ``words``."""
    span_s: float
    """Speaking time from the first to the last word."""
    pause_s: float
    """Pause time inside that span."""
    wpm: float | None
    """Words per minute over the span; None when the span is under a second."""
    articulation_wpm: float | None
    """Words per minute over speaking time without pauses."""
    windows: tuple[PaceWindow, ...]
    """Pace over time."""
    target: tuple[float, float]
    """Target band used for the verdict."""

    @property
    def verdict(self) -> str:
        """ "too slow", "good", "too fast" or "unknown"."""
        if self.wpm is None:
            return "unknown"
        low, high = self.target
        return "too slow" if self.wpm < low else "too fast" if self.wpm > high else "good"


def measure_pace(
    words: Sequence[Word],
    counted: Sequence[bool],
    span: tuple[float, float],
    pause_s: float,
    target: tuple[float, float] = TARGET_WPM,
    window_s: float = WINDOW_S,
) -> PaceReport:
    """Measure the pace of a timed answer.

    Args:
        words: Timed words.
        counted: Per word, whether it counts as a word (False for filled pauses).
        span: Start and end of the speaking span (seconds).
        pause_s: Total pause time inside the span.
        target: Target band (low, high) in words per minute.
        window_s: Length of the pace-over-time windows.

    Returns:
        The pace report.
    """
    n = sum(bool(c) for c in counted)
    start, end = span
    length = max(end - start, 0.0)
    speaking = max(length - pause_s, 0.0)
    wpm = n / length * 60.0 if length >= MIN_SPAN_S else None
    art = n / speaking * 60.0 if speaking >= MIN_SPAN_S else None
    mids = [
        (w.start + w.end) / 2.0
        for w, c in zip(words, counted, strict=True)
        if c and w.start is not None and w.end is not None
    ]
    return PaceReport(
        n, len(counted) - n, length, pause_s, wpm, art, _windows(mids, start, end, window_s), target
    )


def _windows(
    mids: Sequence[float], start: float, end: float, size: float
) -> tuple[PaceWindow, ...]:
    length = end - start
    if length < MIN_SPAN_S:
        return ()
    count = max(1, round(length / size))
    step = length / count  # equal windows of about ``size`` seconds
    out = []
    for i in range(count):
        a, b = start + i * step, start + (i + 1) * step
        k = sum(1 for m in mids if a <= m < b or (i == count - 1 and m == b))
        out.append(PaceWindow(a, b, k, k / step * 60.0))
    return tuple(out)
