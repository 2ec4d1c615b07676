"""The feedback panel, readable in ten seconds: verdicts in words, the most important tip
first, STAR in words, the voice, the details, then the transcript with fillers and long
pauses marked."""

from __future__ import annotations

import re
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from starcoach.core.analysis.result import Analysis, AttachedFollowUp, CombinedFollowUp
from starcoach.core.report import STAR_PARTS
from starcoach.ui.widgets.call_feedback import tidy

FILLER_STYLE = "bold black on yellow"
PAUSE_STYLE = "bold red"
FEW_FILLERS = 2
"""This many fillers or fewer is "few" whatever the rate (one "um" in 15 s is not many)."""
FILLERS_PER_MIN_OK = 3.0
"""Above this rate (and more than ``FEW_FILLERS``) fillers are "many"."""
_PUNCT_ONLY = re.compile(r"^[.,!?;:]+$")


def plural(count: int, word: str) -> str:
    """``1 pause``, ``2 pauses``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def star_word(score: float) -> str:
    """A STAR part's score in words."""
    return "clear" if score >= 0.5 else "weak" if score > 0 else "missing"


def filler_word(count: int, per_minute: float | None) -> str:
    """How many fillers, in words."""
    if count == 0:
        return "none"
    if count <= FEW_FILLERS or (per_minute is not None and per_minute <= FILLERS_PER_MIN_OK):
        return "few"
    return "many"


def ordered_tips(analysis: Analysis) -> list[str]:
    """Every tip once, the most important first: whether a follow-up filled the gap, what the
    answer says (content, then STAR), then its length, then delivery (pace, fillers, pauses),
    then the voice."""
    follow = analysis.follow_up
    feedback = follow.feedback if isinstance(follow, CombinedFollowUp) else ""
    lead = [feedback] if feedback else []
    star_tips = set(analysis.star.tips)
    content = list(analysis.content.tips) if analysis.content else []
    engine = list(analysis.tips)
    voice = list(analysis.tone.tips) if analysis.tone else []

    def rank(tip: str) -> int:
        if tip in star_tips:
            return 1
        return 2 if "answer was short" in tip or "ran over" in tip else 3

    warnings = [f"Warning: {w}" for w in analysis.warnings]
    ranked = warnings + lead + content + sorted(engine, key=rank) + voice
    return list(dict.fromkeys(ranked))


def transcript_text(analysis: Analysis) -> Text:
    """The transcript, fillers highlighted and long pauses marked in place."""
    threshold = analysis.pauses.long_threshold_s or 1.5
    pauses = sorted(
        (p for p in analysis.pauses.items if p.end - p.start >= threshold),
        key=lambda p: p.start,
    )
    text = Text()
    for word in analysis.words:
        while pauses and word.start is not None and pauses[0].start <= word.start:
            p = pauses.pop(0)
            text.append(f"⏸{p.end - p.start:.1f}s", style=PAUSE_STYLE)
            text.append(" ")
        if _PUNCT_ONLY.match(word.text.strip()):
            text.rstrip()
        text.append(word.text.strip(), style=FILLER_STYLE if word.filler else "")
        text.append(" ")
    text.rstrip()
    return text


def glance_text(analysis: Analysis) -> Text:
    """One line of verdicts: pace, fillers, pauses, length, STAR."""
    pace, fillers, pauses = analysis.pace, analysis.fillers, analysis.pauses
    parts: list[tuple[str, bool]] = []
    if pace.wpm is not None:
        parts.append((f"pace {pace.verdict}", pace.verdict == "good"))
    word = filler_word(fillers.count, fillers.per_minute)
    parts.append((f"fillers: {word}", word != "many"))
    if pauses.measured is False:
        parts.append(("pauses not measured", False))
    elif pauses.count is not None:
        parts.append(
            (
                "no long pauses"
                if not pauses.long_count
                else plural(pauses.long_count, "long pause"),
                not pauses.long_count,
            )
        )
    star = analysis.star
    if star.behavioral:
        clear = sum(star.part(p) >= 0.5 for p in STAR_PARTS)
        parts.append((f"STAR {clear} of 4 clear", clear == 4))
    t = Text()
    for i, (part, ok) in enumerate(parts):
        t.append(" · " if i else "")
        t.append(part, style="green" if ok else "yellow")
    return t


def metrics_text(analysis: Analysis) -> Text:
    """Pace, fillers, pauses and length, each with its verdict in words."""
    pace, fillers, pauses, length = (
        analysis.pace,
        analysis.fillers,
        analysis.pauses,
        analysis.length,
    )
    t = Text()
    if pace.wpm is not None:
        low, high = pace.target_wpm
        _row(
            t,
            "Pace",
            f"{pace.wpm:.0f} wpm  (target {low:.0f}-{high:.0f})",
            pace.verdict == "good",
            pace.verdict,
        )
    per_min = fillers.per_minute
    rate = f"{per_min:.1f}/min" if per_min is not None else f"{fillers.per_100_words:.1f}/100 words"
    top = ", ".join(f"{k}×{v}" for k, v in fillers.by_text[:3])
    word = filler_word(fillers.count, per_min)
    _row(
        t,
        "Fillers",
        f"{fillers.count}  ({rate}){'  ' + top if top else ''}",
        word != "many",
        word,
    )
    if pauses.measured is False:
        _row(
            t,
            "Pauses",
            f"about {plural(pauses.count or 0, 'pause')} (from word timings: "
            "too much background noise)",
            False,
            "could not measure",
        )
    elif pauses.count is not None:
        _row(
            t,
            "Pauses",
            f"{plural(pauses.count, 'pause')}, {pauses.long_count} long, "
            f"longest {pauses.longest_s or 0:.1f} s",
            pauses.long_count == 0,
            "ok" if pauses.long_count == 0 else "long pauses",
        )
    if length.duration_s is not None:
        low, high = length.target_s
        _row(
            t,
            "Length",
            f"{length.duration_s:.0f} s  (target {low:.0f}-{high:.0f} s)",
            length.verdict == "good",
            length.verdict,
        )
    t.rstrip()
    return t


def voice_text(analysis: Analysis) -> Text:
    """Pitch variation (monotone or not), loudness and rising endings, in words."""
    t = Text()
    tone = analysis.tone
    if tone is None:
        t.append(
            "Typed answer: no voice to hear."
            if analysis.pace.wpm is None
            else "No voice analysis for this answer.",
            style="dim",
        )
        return t
    variation = tone.pitch_variation_st
    if variation is not None:
        lively = not tone.monotone
        _row(
            t,
            "Pitch",
            f"{'lively' if lively else 'flat'}: varies {variation:.1f} semitones",
            lively,
            "ok" if lively else "monotone",
        )
    level = tone.level_dbfs
    if level is not None:
        loud = (
            "too quiet"
            if tone.too_quiet
            else ("too loud" if tone.too_loud or tone.clipping else "fine")
        )
        _row(
            t,
            "Volume",
            f"{loud} ({level:.0f} dBFS)",
            loud == "fine",
            "ok" if loud == "fine" else "fix",
        )
    rises = tone.uptalk.count
    _row(
        t,
        "Endings",
        "firm, no uptalk"
        if not rises
        else f"pitch rises at the end of {plural(rises, 'statement')}",
        not rises,
        "ok" if not rises else "uptalk",
    )
    t.rstrip()
    return t


def star_text(analysis: Analysis) -> Text:
    """The STAR checklist in words, with the sentences that support each part."""
    star = analysis.star
    t = Text()
    if not star.behavioral:
        t.append("Not a behavioral question: STAR not scored.", style="dim")
        return t
    hints, missing = set(star.hints), set(star.missing)
    for part in STAR_PARTS:
        score = 0.0 if part in missing else star.part(part)
        word = star_word(score)
        if word == "missing" and part in hints:
            word = "implied"  # not stated, but the story makes it plain: a hint, not a gap
        t.append(
            "✔ " if word == "clear" else ("✘ " if word == "missing" else "~ "),
            style="green" if word == "clear" else "red" if word == "missing" else "yellow",
        )
        t.append(f"{part.capitalize()}: ", style="bold")
        t.append(f"{word}\n")
        for s in (x for x in star.sentences if x.label == part):
            t.append(f"    “{tidy(s.text)}”\n", style="italic dim")
    t.rstrip()
    return t


def tips_text(analysis: Analysis) -> Text:
    """One line per tip, the most important first and marked."""
    t = Text()
    tips = ordered_tips(analysis)
    for i, tip in enumerate(tips or ["Nothing to fix: well done."]):
        t.append("➜ " if i == 0 and tips else "• ", style="bold cyan")
        t.append(tip + "\n", style="bold" if i == 0 and tips else "")
    t.rstrip()
    return t


def _row(t: Text, name: str, value: str, ok: bool, verdict: str) -> None:
    t.append(f"{name:<8}", style="bold")
    t.append(value)
    t.append(f"  {verdict}\n", style="green" if ok else "yellow")


class FeedbackView(VerticalScroll):
    """Scrollable feedback for one answer (focus it to scroll with the keys)."""

    def __init__(self, analysis: Analysis, notice: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.analysis = analysis
        self.notice = notice

    def compose(self) -> ComposeResult:
        if self.notice:
            yield Static(f"⚠ {self.notice}", id="notice")
        yield Static(glance_text(self.analysis), id="glance")
        yield Static("What to work on", classes="section-title")
        yield Static(tips_text(self.analysis), id="tips")
        yield Static("STAR structure", classes="section-title")
        yield Static(star_text(self.analysis), id="star")
        yield Static("Your voice", classes="section-title")
        yield Static(voice_text(self.analysis), id="voice")
        yield Static("How it sounded", classes="section-title")
        yield Static(metrics_text(self.analysis), id="metrics")
        yield Static("Your answer", classes="section-title")
        yield Static(transcript_text(self.analysis), id="transcript")
        follow = self.analysis.follow_up
        if follow is not None:
            asked = follow.question if isinstance(follow, AttachedFollowUp) else follow.text
            yield Static(f"Follow-up: {asked}", classes="section-title")
            yield Static(transcript_text(follow.analysis), id="follow-up-transcript")
