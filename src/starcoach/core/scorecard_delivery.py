"""Delivery across a whole mock interview: pace, fillers, hedges, pauses and voice, in words.

Totals are pooled over the answers (words over speaking time, fillers over minutes), not
averaged per answer, so one short answer does not swing the figure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starcoach.core.analysis.result import Analysis

TARGET_WPM = (120.0, 160.0)
"""Pace band used when the analyses do not carry their own."""
FILLERS_PER_MIN_OK = 3.0
"""Fillers a minute at or below which filler use is fine (same as the per-answer feedback)."""
HEDGES_PER_MIN_OK = 2.0
"""Hedges a minute at or below which they do not weaken the answers."""


@dataclass(frozen=True)
class Delivery:
    """How the candidate sounded over the interview."""

    wpm: float | None
    """Words per minute over all timed answers; None for typed answers only."""
    target_wpm: tuple[float, float]
    """The pace band."""
    pace: str
    """``in the target band``, ``too fast``, ``too slow`` or ``unknown``."""
    fillers: int
    """Filler words in all answers."""
    fillers_per_minute: float | None
    """Fillers per minute of speech; None without timing."""
    top_fillers: tuple[str, ...]
    """The most used fillers, most first (at most three)."""
    hedges: int | None
    """Hedges ("I think", "kind of") in all answers; None when the analyses have none."""
    hedges_per_minute: float | None
    """Hedges per minute of speech; None without timing or hedges."""
    long_pauses: int
    """Long pauses in all answers."""
    timed_answers: int
    """Answers with audio (the voice figures come from these)."""
    monotone_answers: int
    """Answers whose pitch hardly moved."""
    pitch_variation_st: float | None
    """Median pitch variation in semitones; None without audio."""
    level_dbfs: float | None
    """Median loudness; None without audio."""
    uptalk: int
    """Statements that ended with a rising pitch."""
    lines: tuple[str, ...]
    """The figures in words, one line each (pace, fillers, hedges, voice)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        return {
            **out,
            "target_wpm": list(self.target_wpm),
            "top_fillers": list(self.top_fillers),
            "lines": list(self.lines),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Delivery:
        """The delivery from its :meth:`to_dict` form (a key it does not know is ignored).

        Raises:
            TypeError: a field without a default is missing.
        """
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for k in ("target_wpm", "top_fillers", "lines"):
            if k in known:
                known[k] = tuple(known[k])
        return cls(**known)


def summarize_delivery(analyses: Sequence[Analysis]) -> Delivery:
    """Pool the delivery figures of every answer.

    Args:
        analyses: The answers' analyses.

    Returns:
        The interview's delivery.
    """
    totals = _pool(analyses)
    minutes = totals.minutes
    band = totals.band
    wpm = round(totals.words / minutes, 1) if minutes >= 0.25 else None
    tones = [a.tone for a in analyses if a.tone is not None]
    hedges = totals.hedges
    delivery = Delivery(
        wpm=wpm,
        target_wpm=(float(band[0]), float(band[1])),
        pace=_pace_words(wpm, band),
        fillers=totals.fillers,
        fillers_per_minute=_per_minute(totals.fillers, minutes),
        top_fillers=tuple(t for t, _ in totals.by_text.most_common(3)),
        hedges=hedges,
        hedges_per_minute=None if hedges is None else _per_minute(hedges, minutes),
        long_pauses=totals.long_pauses,
        timed_answers=len(tones),
        monotone_answers=sum(t.monotone for t in tones),
        pitch_variation_st=_median([t.pitch_variation_st for t in tones]),
        level_dbfs=_median([t.level_dbfs for t in tones]),
        uptalk=totals.uptalk,
        lines=(),
    )
    return _with_lines(delivery)


@dataclass
class _Totals:
    """Sums over the answers of an interview."""

    words: float = 0.0
    minutes: float = 0.0
    fillers: int = 0
    hedges: int | None = None
    long_pauses: int = 0
    uptalk: int = 0
    by_text: Counter[str] = field(default_factory=Counter)
    band: tuple[float, ...] = TARGET_WPM


def _pool(analyses: Sequence[Analysis]) -> _Totals:
    """Sums over the answers: timed words and minutes, fillers, hedges, long pauses, uptalk."""
    totals = _Totals()
    for a in analyses:
        pace, span = a.pace, _span_s(a)
        totals.band = tuple(float(x) for x in pace.target_wpm) or totals.band
        if span:
            totals.words += float(pace.words or 0)
            totals.minutes += span / 60.0
        totals.fillers += a.fillers.count
        totals.by_text.update(dict(a.fillers.by_text))
        hedges = a.content.hedges if a.content else None
        if hedges is not None:
            totals.hedges = (totals.hedges or 0) + hedges.count
        totals.long_pauses += a.pauses.long_count or 0
        totals.uptalk += a.tone.uptalk.count if a.tone else 0
    return totals


def _per_minute(count: int, minutes: float) -> float | None:
    return round(count / minutes, 2) if minutes >= 0.25 else None


def delivery_issues(d: Delivery) -> list[tuple[float, str]]:
    """Delivery problems weighted for the "work on" list (about 1 for a clear problem)."""
    issues: list[tuple[float, str]] = []
    low, high = d.target_wpm
    if d.wpm is not None and d.wpm > high:
        issues.append(
            (
                (d.wpm - high) / 20.0,
                f"Slow down: you averaged {d.wpm:.0f} words a "
                f"minute, above the {low:.0f}-{high:.0f} band.",
            )
        )
    elif d.wpm is not None and d.wpm < low:
        issues.append(
            (
                (low - d.wpm) / 20.0,
                f"Pick up the pace: you averaged {d.wpm:.0f} words"
                f" a minute, under the {low:.0f}-{high:.0f} band.",
            )
        )
    if d.fillers_per_minute is not None and d.fillers_per_minute > FILLERS_PER_MIN_OK:
        top = f', mostly "{d.top_fillers[0]}"' if d.top_fillers else ""
        issues.append(
            (
                (d.fillers_per_minute - FILLERS_PER_MIN_OK) / 3.0,
                "Pause silently "
                f"instead of filling: {d.fillers_per_minute:.1f} fillers a minute{top}.",
            )
        )
    if d.hedges_per_minute is not None and d.hedges_per_minute > HEDGES_PER_MIN_OK:
        issues.append(
            (
                (d.hedges_per_minute - HEDGES_PER_MIN_OK) / 2.0,
                "Say it with "
                f'confidence: {d.hedges_per_minute:.1f} hedges a minute ("I think", '
                '"kind of") weaken good stories.',
            )
        )
    if d.timed_answers and d.monotone_answers * 2 >= d.timed_answers:
        issues.append(
            (
                1.2,
                f"Vary your pitch: {d.monotone_answers} of {d.timed_answers} answers "
                "sounded flat; stress the words that matter.",
            )
        )
    if d.uptalk >= 3:
        issues.append(
            (0.8, f"End statements on a falling pitch: {d.uptalk} sounded like questions.")
        )
    if d.long_pauses >= 3:
        issues.append(
            (
                0.5 + 0.1 * d.long_pauses,
                f"Bridge long silences with a signpost: "
                f"{d.long_pauses} long pauses in the interview.",
            )
        )
    return issues


def _span_s(analysis: Analysis) -> float | None:
    span = analysis.pace.span_s
    return float(span) if span is not None and span > 0 else None


def _median(values: Sequence[float | None]) -> float | None:
    numbers = sorted(float(v) for v in values if v is not None)
    if not numbers:
        return None
    mid = len(numbers) // 2
    value = numbers[mid] if len(numbers) % 2 else (numbers[mid - 1] + numbers[mid]) / 2
    return round(value, 2)


def _pace_words(wpm: float | None, band: Sequence[float]) -> str:
    if wpm is None:
        return "unknown"
    return "too fast" if wpm > band[1] else "too slow" if wpm < band[0] else "in the target band"


def _with_lines(d: Delivery) -> Delivery:
    lines = []
    if d.wpm is not None:
        lines.append(
            f"Pace: {d.wpm:.0f} words a minute, {d.pace} "
            f"({d.target_wpm[0]:.0f}-{d.target_wpm[1]:.0f})."
        )
    else:
        lines.append("Pace: not measured (no spoken answer).")
    if d.fillers_per_minute is not None:
        level = "fine" if d.fillers_per_minute <= FILLERS_PER_MIN_OK else "too many"
        lines.append(
            f"Fillers: {d.fillers} in all, {d.fillers_per_minute:.1f} a minute, "
            f"{level}" + (f' (mostly "{d.top_fillers[0]}").' if d.top_fillers else ".")
        )
    else:
        lines.append(f"Fillers: {d.fillers} in all.")
    if d.hedges is not None:
        rate = f", {d.hedges_per_minute:.1f} a minute" if d.hedges_per_minute is not None else ""
        lines.append(f"Hedges: {d.hedges}{rate}.")
    lines.append(_voice_line(d))
    return Delivery(**{**{k: getattr(d, k) for k in d.__dataclass_fields__}, "lines": tuple(lines)})


def _voice_line(d: Delivery) -> str:
    if not d.timed_answers:
        return "Voice: not measured (no audio)."
    if d.monotone_answers * 2 >= d.timed_answers:
        pitch = f"flat in {d.monotone_answers} of {d.timed_answers} answers"
    else:
        pitch = "lively pitch"
    loud = "" if d.level_dbfs is None else (", quiet" if d.level_dbfs < -35 else ", loud enough")
    up = f", {d.uptalk} rising endings" if d.uptalk else ""
    return f"Voice: {pitch}{loud}{up}."
