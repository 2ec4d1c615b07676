"""The feedback panel: transcript with fillers and long pauses marked, metrics, STAR, tips."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from starcoach.core.report import STAR_PARTS

FILLER_STYLE = "bold black on yellow"
PAUSE_STYLE = "bold red"


def transcript_text(analysis: dict[str, Any]) -> Text:
    """The transcript, fillers highlighted and long pauses marked in place."""
    threshold = analysis["pauses"].get("long_threshold_s") or 1.5
    pauses = sorted(
        (p for p in analysis["pauses"].get("items", []) if p["end"] - p["start"] >= threshold),
        key=lambda p: p["start"],
    )
    text = Text()
    for word in analysis["words"]:
        while pauses and word["start"] is not None and pauses[0]["start"] <= word["start"]:
            p = pauses.pop(0)
            text.append(f"⏸{p['end'] - p['start']:.1f}s", style=PAUSE_STYLE)
            text.append(" ")
        text.append(word["text"], style=FILLER_STYLE if word["filler"] else "")
        text.append(" ")
    return text


def metrics_text(analysis: dict[str, Any]) -> Text:
    """Pace, fillers, pauses and length, each with its verdict."""
    pace, fillers, pauses, length = (analysis[k] for k in ("pace", "fillers", "pauses", "length"))
    t = Text()
    if pace["wpm"] is not None:
        low, high = pace["target_wpm"]
        _row(t, "Pace", f"{pace['wpm']:.0f} wpm  (target {low:.0f}-{high:.0f})",
             pace["verdict"] == "good", pace["verdict"])
    per_min = fillers["per_minute"]
    rate = f"{per_min:.1f}/min" if per_min is not None else f"{fillers['per_100_words']:.1f}/100 words"
    top = ", ".join(f"{k}×{v}" for k, v in list(fillers["by_text"].items())[:3])
    _row(t, "Fillers", f"{fillers['count']}  ({rate}){'  ' + top if top else ''}",
         per_min is None or per_min <= 3, "ok" if (per_min or 0) <= 3 else "many")
    if pauses["count"] is not None:
        _row(t, "Pauses", f"{pauses['count']} pauses, {pauses['long_count']} long, longest "
             f"{pauses['longest_s']:.1f} s", pauses["long_count"] == 0,
             "ok" if pauses["long_count"] == 0 else "long pauses")
    if length["duration_s"] is not None:
        low, high = length["target_s"]
        _row(t, "Length", f"{length['duration_s']:.0f} s  (target {low:.0f}-{high:.0f} s)",
             length["verdict"] == "good", length["verdict"])
    return t


def star_text(analysis: dict[str, Any]) -> Text:
    """The STAR checklist with the sentences that support each part."""
    star = analysis["star"]
    t = Text()
    if not star.get("behavioral", True):
        t.append("Not a behavioral question: STAR not scored.\n", style="dim")
        return t
    for part in STAR_PARTS:
        score = float(star.get(part) or 0.0)
        ok = score >= 0.5
        t.append("✔ " if ok else ("~ " if score > 0 else "✘ "),
                 style="green" if ok else "yellow" if score > 0 else "red")
        t.append(f"{part.capitalize():<10}", style="bold")
        t.append(f" {score:.2f}\n")
        for s in (x for x in star.get("sentences", []) if x["label"] == part):
            t.append(f"    “{s['text']}”\n", style="italic dim")
    return t


def tips_text(analysis: dict[str, Any]) -> Text:
    """One line per tip."""
    t = Text()
    for tip in analysis.get("tips") or ["Nothing to fix: well done."]:
        t.append("• ", style="bold cyan")
        t.append(tip + "\n")
    return t


def _row(t: Text, name: str, value: str, ok: bool, verdict: str) -> None:
    t.append(f"{name:<8}", style="bold")
    t.append(value)
    t.append(f"  {verdict}\n", style="green" if ok else "yellow")


class FeedbackView(VerticalScroll):
    """Scrollable feedback for one answer."""

    def __init__(self, analysis: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.analysis = analysis

    def compose(self) -> ComposeResult:
        yield Static("Your answer", classes="section-title")
        yield Static(transcript_text(self.analysis), id="transcript")
        yield Static("How it sounded", classes="section-title")
        yield Static(metrics_text(self.analysis), id="metrics")
        yield Static("STAR structure", classes="section-title")
        yield Static(star_text(self.analysis), id="star")
        yield Static("Tips", classes="section-title")
        yield Static(tips_text(self.analysis), id="tips")
