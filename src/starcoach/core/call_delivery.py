"""Phone delivery of call answers: dead air, pace against the phone band, voice notes and
the averages over a call (pure: reads typed analyses)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from starcoach.core.analysis.result import Analysis, Tone

DEAD_AIR_S = 4.0
"""Silence this long or longer, on a call, is dead air (the caller wonders if you are there)."""
PHONE_WPM = (120.0, 150.0)
"""Pace band for the phone (words per minute): slower than face to face."""


@dataclass(frozen=True)
class CallAverages:
    """Phone delivery across the spoken answers of a call."""

    spoken: int
    """Answers with timing (spoken, not typed)."""
    wpm: float | None
    """Mean pace of the spoken answers."""
    dead_air_count: int
    """Dead-air silences in all answers."""
    dead_air_s: float
    """Their total length."""
    toned: int
    """Answers with a voice analysis."""
    monotone: int
    """Answers flagged monotone."""
    pitch_variation_st: float | None
    """Mean pitch variation (semitones)."""
    level_dbfs: float | None
    """Mean speech level."""
    too_quiet: int
    """Answers flagged too quiet."""
    too_loud: int
    """Answers flagged too loud or clipping."""


@dataclass(frozen=True)
class DeadAir:
    """One silence long enough to count as dead air on a call."""

    start: float
    """Seconds from the start of the answer."""
    end: float
    """Seconds from the start of the answer."""
    duration_s: float
    """Its length."""
    where: str
    """"before you spoke" or "at 12.3 s"."""


def dead_air(analysis: Analysis, threshold_s: float = DEAD_AIR_S) -> list[DeadAir]:
    """Silences of ``threshold_s`` or more: before the first word, and between words.

    Args:
        analysis: An answer's analysis.
        threshold_s: Shortest silence that counts.

    Returns:
        The silences, in time order.
    """
    pauses = analysis.pauses
    found = []
    delay = pauses.first_word_delay_s
    if delay is not None and delay >= threshold_s:
        found.append(DeadAir(0.0, delay, delay, "before you spoke"))
    for p in pauses.items:
        length = p.duration_s
        if length >= threshold_s:
            found.append(DeadAir(p.start, p.end, length, f"at {p.start:.1f} s"))
    return found


def pace_verdict(wpm: float | None, band: tuple[float, float] = PHONE_WPM) -> str | None:
    """``slow``, ``good`` or ``fast`` against the phone band; None without timing."""
    if wpm is None:
        return None
    low, high = band
    return "slow" if wpm < low else "fast" if wpm > high else "good"


def voice_notes(tone: Tone | None) -> list[tuple[str, bool]]:
    """Pitch and volume findings as ``(text, ok)``; empty without a voice analysis."""
    if tone is None:
        return []
    notes = []
    variation = tone.pitch_variation_st
    if tone.monotone:
        notes.append(
            (
                f"monotone: pitch varies {variation or 0:.1f} st "
                f"(lively is {tone.monotone_threshold_st} st or more)",
                False,
            )
        )
    elif variation is not None:
        notes.append((f"pitch varies {variation:.1f} st", True))
    level = tone.level_dbfs
    level_text = f" ({level:.0f} dBFS)" if level is not None else ""
    if tone.too_quiet:
        notes.append((f"too quiet{level_text}: move closer or speak up", False))
    elif tone.too_loud:
        notes.append((f"too loud{level_text}: ease off or move back", False))
    elif level is not None:
        notes.append((f"volume fine{level_text}", True))
    if tone.clipping:
        notes.append(("clipping: the sound distorts, lower the microphone gain", False))
    rises = tone.uptalk.count
    notes.append(
        (f"rising pitch at the end of {rises} statement(s): let them fall", False)
        if rises
        else ("statements end firmly (no uptalk)", True)
    )
    return notes


def call_averages(analyses: Sequence[Analysis]) -> CallAverages:
    """Averages of pace, dead air and tone across a call's answers."""
    wpms = [a.pace.wpm for a in analyses if a.pace.wpm is not None]
    silences = [s for a in analyses for s in dead_air(a)]
    tones = [a.tone for a in analyses if a.tone is not None]
    variations = [t.pitch_variation_st for t in tones if t.pitch_variation_st is not None]
    levels = [t.level_dbfs for t in tones if t.level_dbfs is not None]
    return CallAverages(
        spoken=len(wpms),
        wpm=_mean(wpms),
        dead_air_count=len(silences),
        dead_air_s=round(sum(s.duration_s for s in silences), 2),
        toned=len(tones),
        monotone=sum(t.monotone for t in tones),
        pitch_variation_st=_mean(variations),
        level_dbfs=_mean(levels),
        too_quiet=sum(t.too_quiet for t in tones),
        too_loud=sum(t.too_loud or t.clipping for t in tones),
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None
