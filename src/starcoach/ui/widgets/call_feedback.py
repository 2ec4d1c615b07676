"""Call-practice feedback: one answer (rubric, banned phrases, phone delivery) and the call.

The delivery measures (dead air, phone pace, voice notes, call averages) live in
:mod:`starcoach.core.call_delivery`; this module turns them into text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from starcoach.core.analysis.result import Analysis
from starcoach.core.call_delivery import (
    DEAD_AIR_S,
    PHONE_WPM,
    CallAverages,
    dead_air,
    pace_verdict,
    voice_notes,
)
from starcoach.core.rubric import BannedHit, CallResult, ItemResult, TurnResult

OK, WARN, BAD = "green", "yellow", "red"


@dataclass(frozen=True)
class TurnFeedback:
    """The trainee's answer to one customer turn, with its evaluation."""

    turn: int
    """0-based turn index."""
    customer: str
    """What the customer said."""
    result: TurnResult
    """Rubric evaluation of the answer's transcript."""
    analysis: Analysis
    """The answer's analysis (audio: with ``pauses`` items, ``pace`` and ``tone``)."""
    audio_path: Path | None = None
    """The recording; None for a typed answer."""

    @property
    def text(self) -> str:
        """The answer's transcript."""
        return self.result.text


# -- text builders ------------------------------------------------------------------------
def items_text(
    items: Sequence[ItemResult], with_turn: bool = False, numbers: Sequence[int] | None = None
) -> Text:
    """One line per rubric item: met with its evidence, or missed with the tip.

    ``numbers`` maps the evidence's answer index to the turn number shown (when some turns
    went unanswered); None shows index + 1."""
    t = Text()
    if not items:
        t.append("Nothing in particular expected in this answer.\n", style="dim")
    for item in items:
        t.append("✔ " if item.met else "✘ ", style=OK if item.met else BAD)
        t.append(_item_label(item), style="bold")
        if item.met:
            t.append(f"  {_said(item, with_turn, numbers)}\n", style="italic")
        else:
            partial = [c.title for c in item.checks if c.met]
            if partial:
                t.append(f"  (has: {', '.join(partial).lower()})", style="dim")
            t.append(f"\n    {item.tip}\n" if item.tip else "\n", style=WARN)
    return t


def banned_text(
    hits: Sequence[BannedHit], with_turn: bool = False, numbers: Sequence[int] | None = None
) -> Text:
    """Each banned phrase said, with what to say instead."""
    t = Text()
    for hit in hits:
        turn = hit.evidence.turn
        where = f" (answer {_number(turn, numbers)})" if with_turn and turn is not None else ""
        t.append("⚠ ", style=BAD)
        t.append(f"Said “{hit.evidence.text}”{where}", style=f"bold {BAD}")
        t.append(f"\n    Instead: {hit.instead}\n" if hit.instead else "\n", style=WARN)
    return t


def phone_text(analysis: Analysis) -> Text:
    """Pace against the phone band, dead air and voice, each with a verdict."""
    t = Text()
    wpm = analysis.pace.wpm
    verdict = pace_verdict(wpm)
    if verdict is None or wpm is None:
        t.append("Typed answer: no pace, dead air or voice to measure.\n", style="dim")
        return t
    low, high = PHONE_WPM
    _row(t, "Pace", f"{wpm:.0f} wpm (phone {low:.0f}-{high:.0f})", verdict == "good", verdict)
    silences = dead_air(analysis)
    text = ", ".join(f"{s.duration_s:.1f} s {s.where}" for s in silences)
    _row(
        t,
        "Dead air",
        text or f"none (no silence of {DEAD_AIR_S:.0f} s or more)",
        not silences,
        "dead air" if silences else "ok",
    )
    for note, ok in voice_notes(analysis.tone):
        _row(t, "Voice", note, ok, "ok" if ok else "fix")
    return t


def tips_text(tips: Sequence[str]) -> Text:
    """One bullet per tip."""
    t = Text()
    for tip in tips or ["Nothing to fix: well done."]:
        t.append("• ", style="bold cyan")
        t.append(tip + "\n")
    return t


def averages_text(avg: CallAverages) -> Text:
    """The call's delivery averages."""
    t = Text()
    if avg.spoken == 0:
        t.append("No spoken answers: nothing to average.\n", style="dim")
        return t
    verdict = pace_verdict(avg.wpm) or "-"
    _row(
        t,
        "Pace",
        f"{avg.wpm:.0f} wpm on average over {avg.spoken} spoken answer(s)",
        verdict == "good",
        verdict,
    )
    _row(
        t,
        "Dead air",
        f"{avg.dead_air_count} silence(s) of {DEAD_AIR_S:.0f} s+, {avg.dead_air_s:.1f} s in all",
        avg.dead_air_count == 0,
        "ok" if avg.dead_air_count == 0 else "dead air",
    )
    if avg.toned:
        pitch = (
            f", pitch varies {avg.pitch_variation_st:.1f} st"
            if avg.pitch_variation_st is not None
            else ""
        )
        _row(
            t,
            "Voice",
            f"monotone in {avg.monotone} of {avg.toned}{pitch}",
            avg.monotone == 0,
            "ok" if avg.monotone == 0 else "monotone",
        )
        level = f"{avg.level_dbfs:.0f} dBFS average; " if avg.level_dbfs is not None else ""
        loud_ok = avg.too_quiet == 0 and avg.too_loud == 0
        _row(
            t,
            "Volume",
            f"{level}too quiet in {avg.too_quiet}, too loud in {avg.too_loud}",
            loud_ok,
            "ok" if loud_ok else "fix",
        )
    return t


def turn_tips(feedback: TurnFeedback) -> list[str]:
    """Tips for one answer: banned phrases first, then voice tips."""
    tips = [
        f"Avoid “{h.evidence.text}”." + (f" {h.instead}" if h.instead else "")
        for h in feedback.result.banned
    ]
    tips += list(feedback.analysis.content.tips if feedback.analysis.content else ())
    tips += list(feedback.analysis.tone.tips if feedback.analysis.tone else ())
    return list(dict.fromkeys(tips))


def _number(index: int, numbers: Sequence[int] | None) -> int:
    """The turn number shown for answer ``index``."""
    return numbers[index] if numbers is not None and index < len(numbers) else index + 1


def _said(item: ItemResult, with_turn: bool, numbers: Sequence[int] | None = None) -> str:
    """The evidence quotes, with the answer number(s) in call results."""
    quotes = "; ".join(f"“{e.text}”" for e in item.evidence)
    turns = sorted({_number(e.turn, numbers) for e in item.evidence if e.turn is not None})
    if not with_turn or not turns:
        return quotes
    return f"{quotes} (answer {', '.join(map(str, turns))})"


def _item_label(item: ItemResult) -> str:
    """The item's title, or "Item: check" when a turn expects a single check."""
    if "." in item.id and len(item.checks) == 1:
        return f"{item.title}: {item.checks[0].title.lower()}"
    return item.title


def _row(t: Text, name: str, value: str, ok: bool, verdict: str) -> None:
    t.append(f"{name:<9}", style="bold")
    t.append(value)
    t.append(f"  {verdict}\n", style=OK if ok else WARN)


# -- widgets --------------------------------------------------------------------------------
def tidy(text: str) -> str:
    """Text without the space restored boundaries leave before punctuation (" .")."""
    return re.sub(r"\s+([.,!?;:])", r"\1", text).strip()


def _trim(text: Text) -> Text:
    text.rstrip()
    return text


class TurnFeedbackView(VerticalScroll):
    """Scrollable feedback on one answer of a call."""

    def __init__(self, feedback: TurnFeedback, notice: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.feedback = feedback
        self.notice = notice

    def compose(self) -> ComposeResult:
        f = self.feedback
        if self.notice:
            yield Static(f"⚠ {self.notice}", id="notice")
        yield Static(
            f"Answer {f.turn + 1}: score {f.result.score:.0%}",
            classes="section-title",
            id="turn-score",
        )
        yield Static(_trim(items_text(f.result.items)), id="turn-items")
        if f.result.banned:
            yield Static(_trim(banned_text(f.result.banned)), id="turn-banned")
        yield Static("On the phone", classes="section-title")
        yield Static(_trim(phone_text(f.analysis)), id="turn-phone")
        yield Static("You said", classes="section-title")
        yield Static(tidy(f.text) or "(nothing heard)", id="turn-transcript")
        tips = turn_tips(f)
        if tips:
            yield Static("Tips", classes="section-title")
            yield Static(_trim(tips_text(tips)), id="turn-tips")


class CallSummaryView(VerticalScroll):
    """Scrollable feedback on the whole call."""

    def __init__(
        self,
        result: CallResult,
        averages: CallAverages,
        turn_numbers: Sequence[int] | None = None,
        unanswered: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.result = result
        self.averages = averages
        self.turn_numbers = turn_numbers
        self.unanswered = unanswered

    def compose(self) -> ComposeResult:
        r, numbers = self.result, self.turn_numbers
        skipped = (
            f"  ·  {self.unanswered} turn(s) with no answer, not scored" if self.unanswered else ""
        )
        if not r.turns:
            yield Static(f"No answers to score{skipped}", classes="section-title", id="call-score")
            return
        yield Static(
            f"Call score {r.score:.0%}  ·  {len(r.turns)} answer(s){skipped}",
            classes="section-title",
            id="call-score",
        )
        yield Static(_trim(items_text(r.items, True, numbers)), id="call-items")
        if r.banned:
            yield Static(_trim(banned_text(r.banned, True, numbers)), id="call-banned")
        yield Static("Delivery across the call", classes="section-title")
        yield Static(_trim(averages_text(self.averages)), id="call-averages")
        yield Static("Tips", classes="section-title")
        yield Static(_trim(tips_text(r.tips)), id="call-tips")
