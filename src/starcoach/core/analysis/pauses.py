"""Silent gaps: every pause of 0.25 s or more, long pauses, the delay before the first word.

With audio, pauses come from the signal (``activity.Activity``) and word times only bound the
answer; without audio, they come from gaps between word timestamps. When the voice stands too
little above the room noise to tell pauses from speech (``Activity.measurable``), the pauses
are estimated from word gaps and the report says it could not measure them
(``measured`` False, verdict "could not measure") rather than "ok".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from starcoach.core.analysis.activity import Activity
from starcoach.core.models import Word

MIN_PAUSE_S = 0.25
"""Shortest silence that counts as a pause."""
LONG_PAUSE_S = 1.5
"""Default threshold of a long pause."""
SPAN_SLACK_S = 1.5
"""How far audible sound may lie outside the first/last word times and still be the answer."""


@dataclass(frozen=True)
class Pause:
    """One silent gap inside the answer."""

    start: float
    """Seconds from the start of the audio."""
    end: float
    """Seconds from the start of the audio."""
    long: bool
    """At least the long-pause threshold."""
    after: str | None
    """The word spoken just before it (evidence), if known."""

    @property
    def duration_s(self) -> float:
        """Length of the pause."""
        return self.end - self.start


@dataclass(frozen=True)
class PauseReport:
    """Pauses of one answer."""

    items: tuple[Pause, ...]
    """Every pause of ``MIN_PAUSE_S`` or more, in order."""
    speech_start: float
    """When the answer's first sound or word begins."""
    speech_end: float
    """When it ends."""
    long_threshold_s: float
    """Threshold used for ``long``."""
    longest_run_s: float
    """Longest stretch of talk without any pause."""
    source: str
    """"audio" when confirmed in the signal, "words" when from word gaps only."""
    measured: bool = True
    """False when the audio could not tell pauses from speech (too noisy)."""
    snr_db: float | None = None
    """Speech level above the noise floor (dB), when measured on audio."""

    @property
    def long_count(self) -> int:
        """Number of long pauses."""
        return sum(p.long for p in self.items)

    @property
    def total_s(self) -> float:
        """Total pause time."""
        return sum(p.duration_s for p in self.items)

    @property
    def verdict(self) -> str:
        """ "could not measure", "long pauses" or "ok"."""
        if not self.measured:
            return "could not measure"
        return "long pauses" if self.long_count else "ok"


def find_pauses(
    words: Sequence[Word],
    activity: Activity | None = None,
    long_threshold_s: float = LONG_PAUSE_S,
) -> PauseReport:
    """Find the pauses of a timed answer.

    Args:
        words: Timed words (at least one).
        activity: Audibility of the audio; None to use word gaps only. When it cannot tell
            pauses from speech, word gaps are used and the report is marked not measured.
        long_threshold_s: Pauses this long or longer are long.

    Returns:
        The pauses, with the answer's bounds.
    """
    if not words:
        raise ValueError("find_pauses needs at least one word")
    first, last = _word_bounds(words)
    measured = activity is None or activity.measurable
    snr = activity.snr_db if activity is not None and np.isfinite(activity.snr_db) else None
    if activity is None or not activity.measurable:
        gaps = [
            (a.end, b.start)
            for a, b in zip(words, words[1:], strict=False)
            if a.end is not None and b.start is not None
        ]
        start, end, source = first, last, "words"
    else:
        start, end = _audio_span(activity, words, first, last)
        gaps = activity.silent_runs(start, end)
        source = "audio"
    pauses = tuple(
        Pause(a, b, b - a >= long_threshold_s, _word_before(words, a))
        for a, b in gaps
        if b - a >= MIN_PAUSE_S - 1e-9
    )
    return PauseReport(
        pauses,
        start,
        end,
        long_threshold_s,
        _longest_run(pauses, start, end),
        source,
        measured,
        snr,
    )


def _word_bounds(words: Sequence[Word]) -> tuple[float, float]:
    starts = [w.start for w in words if w.start is not None]
    ends = [w.end for w in words if w.end is not None]
    if not starts or not ends:
        raise ValueError("find_pauses needs timed words")
    return min(starts), max(ends)


def _audio_span(
    activity: Activity, words: Sequence[Word], first: float, last: float
) -> tuple[float, float]:
    """The audible span of the answer: sound near the words, noise far away ignored."""
    lo, hi = first - SPAN_SLACK_S, last + SPAN_SLACK_S
    # Voice activity ignores breaths and room noise; without it, any audible sound counts.
    candidates = activity.speech_regions or tuple(_audible_runs(activity))
    runs = [(a, b) for a, b in candidates if b > lo and a < hi]
    if not runs:
        return first, last
    first_word, last_word = _edge_words(words)
    return (
        _edge(activity, min(a for a, _ in runs), first_word, backwards=True),
        _edge(activity, max(b for _, b in runs), last_word, backwards=False),
    )


def _edge_words(words: Sequence[Word]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(start, end) of the first and of the last timed word."""
    timed = [(w.start, w.end) for w in words if w.start is not None and w.end is not None]
    return min(timed), max(timed, key=lambda t: (t[1], t[0]))


def _edge(activity: Activity, sound: float, word: tuple[float, float], backwards: bool) -> float:
    """One edge of the answer: the voice activity's edge when it lies outside the edge word
    (or when no voice activity ran, the audible sound's edge); otherwise the edge of the
    audible run that overlaps the edge word most.

    Whisper's first word often starts early (its last word ends late) over the silence or the
    breath, sniff or click before it; snapping from that time would stretch the answer over
    the whole sound it touches. The run holding most of the word is the word itself.
    """
    if (sound <= word[0]) if backwards else (sound >= word[1]):
        # The voice activity hears soft edges (a final "f") that are quiet but not silent:
        # keep its edge there; move it out over sound, in over silence.
        if activity.heard(sound) and not _audible_at(activity, sound):
            return sound
        return _snap(activity, sound, backwards)
    run = _main_run(activity, word)
    if run is None:
        return _snap(activity, word[0] if backwards else word[1], backwards)
    half = activity.frame_s / 2
    return _snap(activity, run[0] + half if backwards else run[1] - half, backwards)


def _audible_at(activity: Activity, t: float) -> bool:
    i = int(t / activity.frame_s)
    return 0 <= i < len(activity.audible) and bool(activity.audible[i])


def _main_run(activity: Activity, word: tuple[float, float]) -> tuple[float, float] | None:
    """The audible run (start, end) that overlaps ``word`` most, or None when none does."""
    overlaps = [
        (min(b, word[1]) - max(a, word[0]), (a, b))
        for a, b in _audible_runs(activity)
        if b > word[0] and a < word[1]
    ]
    return max(overlaps)[1] if overlaps else None


def _snap(activity: Activity, t: float, backwards: bool) -> float:
    """Move an answer edge onto sound: out over a soft onset the VAD missed, or in across
    silence that Whisper's early first word (or late last word) put inside the answer."""
    audible = activity.audible
    if len(audible) == 0:
        return max(t, 0.0)
    i = min(max(int(t / activity.frame_s), 0), len(audible) - 1)
    if not audible[i]:
        ahead = np.flatnonzero(audible[i:]) if backwards else np.flatnonzero(audible[: i + 1])
        if ahead.size == 0:
            return max(t, 0.0)
        i = i + int(ahead[0]) if backwards else int(ahead[-1])
    step = -1 if backwards else 1
    while 0 <= i + step < len(audible) and audible[i + step]:
        i += step
    return (i if backwards else i + 1) * activity.frame_s


def _audible_runs(activity: Activity) -> list[tuple[float, float]]:
    total = len(activity.audible) * activity.frame_s
    silent = activity.silent_runs(0.0, total)
    runs, cursor = [], 0.0
    for a, b in silent:
        if a > cursor:
            runs.append((cursor, a))
        cursor = b
    if cursor < total:
        runs.append((cursor, total))
    return runs


def _word_before(words: Sequence[Word], t: float) -> str | None:
    before = [w for w in words if w.end is not None and w.start is not None and w.start < t]
    return before[-1].text.strip() if before else None


def _longest_run(pauses: Sequence[Pause], start: float, end: float) -> float:
    edges = [start] + [x for p in pauses for x in (p.start, p.end)] + [end]
    return max((edges[i + 1] - edges[i] for i in range(0, len(edges) - 1, 2)), default=0.0)
