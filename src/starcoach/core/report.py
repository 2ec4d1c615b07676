"""Plain-text feedback report of one analysis (what ``starcoach analyze`` prints)."""

from __future__ import annotations

import textwrap

from starcoach.core.analysis.hedges import hedges_summary
from starcoach.core.analysis.result import Analysis

STAR_PARTS = ("situation", "task", "action", "result")


def render_text(a: Analysis, width: int = 80) -> str:
    """Render the human-readable report.

    Args:
        a: The analysis.
        width: Wrap width in columns.

    Returns:
        The report, lines joined with newlines.
    """
    lines = [f"Warning: {w}" for w in a.warnings]
    lines += [""] if lines else []
    q = a.question
    if q and q.text:
        lines += _wrap(f"Question: {q.text}", width) + [""]
    lines += _summary(a)
    lines += ["", "Transcript (fillers in [brackets], pauses as (1.8s)):"]
    lines += _wrap(marked_transcript(a), width, indent="  ")
    lines += [""] + _star(a, width)
    tips = a.tips
    if tips:
        lines += ["", "Tips:"]
        for tip in tips:
            lines += _wrap(f"- {tip}", width, indent="  ")
    return "\n".join(lines).rstrip() + "\n"


def marked_transcript(a: Analysis, min_pause_s: float = 0.9) -> str:
    """The transcript with fillers bracketed and pauses of ``min_pause_s`` or more shown."""
    pauses = sorted(
        (p for p in a.pauses.items if p.end - p.start >= min_pause_s),
        key=lambda p: p.start,
    )
    out: list[str] = []
    for w in a.words:
        while pauses and w.start is not None and pauses[0].start <= w.start:
            p = pauses.pop(0)
            out.append(f"({p.end - p.start:.1f}s)")
        out.append(f"[{w.text}]" if w.filler else w.text)
    return " ".join(out)


def _summary(a: Analysis) -> list[str]:
    pace, pauses, fillers, length = a.pace, a.pauses, a.fillers, a.length
    rows = []
    if pace.wpm is not None:
        low, high = pace.target_wpm
        rows.append(
            (
                "Pace",
                f"{pace.wpm:.0f} wpm ({pace.verdict}; target {low:.0f}-"
                f"{high:.0f}), {pace.articulation_wpm or 0:.0f} wpm without pauses",
            )
        )
        if len(pace.windows) > 1:
            rows.append(
                (
                    "Over time",
                    " > ".join(f"{w.wpm:.0f}" for w in pace.windows) + " wpm per ~15 s",
                )
            )
    if pauses.measured is False:
        rows.append(
            ("Pauses", f"could not measure (too noisy); about {pauses.count} from word timings")
        )
    elif pauses.count is not None:
        rows.append(
            (
                "Pauses",
                f"{pauses.count} pauses, {pauses.long_count} long "
                f"(>= {pauses.long_threshold_s:g} s), longest {pauses.longest_s or 0:.1f} s;"
                f" first word after {pauses.first_word_delay_s or 0:.1f} s",
            )
        )
    per_min = fillers.per_minute
    rate = f"{per_min:.1f}/min, " if per_min is not None else ""
    top = ", ".join(f"{k} x{v}" for k, v in fillers.by_text[:4])
    rows.append(
        (
            "Fillers",
            f"{fillers.count} ({rate}{fillers.per_100_words:.1f} per 100 "
            f"words){': ' + top if top else ''}",
        )
    )
    if a.content is not None and a.content.hedges is not None:
        rows.append(("Hedges", hedges_summary(a.content.hedges)))
    if length.duration_s is not None:
        low, high = length.target_s
        rows.append(
            (
                "Length",
                f"{length.duration_s:.0f} s ({length.verdict}; target {low:.0f}-{high:.0f} s)",
            )
        )
    return [f"{name + ':':<11}{value}" for name, value in rows]


def _star(a: Analysis, width: int) -> list[str]:
    star = a.star
    if not star.behavioral:
        return ["STAR: not a behavioral question; structure not scored."]
    lines = ["STAR structure:"]
    sentences = star.sentences
    hints, missing = set(star.hints), set(star.missing)
    for part in STAR_PARTS:
        score = 0.0 if part in missing else star.part(part)
        mark = "x" if score >= 0.5 else "~" if score > 0 else " "
        word = "clear" if score >= 0.5 else "weak" if score > 0 else "missing"
        if word == "missing" and part in hints:
            word = "implied"
        lines.append(f"  [{mark}] {part.capitalize():<10} {word}")
        for s in (x for x in sentences if x.label == part):
            lines += _wrap(f'"{s.text}"', width, indent="        ")[:2]
    if star.missing:
        lines.append(f"  Missing: {', '.join(star.missing)}")
    return lines


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent) or [""]
