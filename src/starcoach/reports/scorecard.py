"""A mock interview's scorecard as report sections: Markdown and an HTML fragment.

Both take a :class:`~starcoach.core.scorecard.Scorecard` (the history reads a stored one back
with ``Scorecard.from_dict``), so a report can be written long after the interview. The HTML is a
``<section>`` to place inside ``reports.html``'s page; it uses the page's existing styles.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from starcoach.core.mock_interview import ClosingVerdict
from starcoach.core.scorecard import Scorecard

SECTIONS = (
    "Things to work on",
    "Strongest answer",
    "Competencies",
    "Delivery",
    "Your questions at the close",
)
"""Section titles, in order (the same as the scorecard screen)."""


def _md(text: object) -> str:
    """Markdown-escape ``text``."""
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in str(text))


def scorecard_markdown(card: Scorecard) -> str:
    """The scorecard as Markdown (a level-2 heading, then one level-3 heading per section)."""
    out = [
        "## Mock interview scorecard",
        "",
        f"**{_md(card.verdict)}** ({card.answers} answers)",
        "",
        f"### {SECTIONS[0]}",
        "",
    ]
    out += [f"{i}. {_md(item)}" for i, item in enumerate(card.work_on, start=1)] or [
        "Nothing stood out: keep practising the same way."
    ]
    out += ["", f"### {SECTIONS[1]}", ""]
    best = card.strongest
    if best:
        out += [f"**{_md(best.question)}**", "", _md(best.why)]
        out += ["", f"> {_md(best.quote)}"] if best.quote else []
    else:
        out.append("No answer stood out yet.")
    out += [
        "",
        f"### {SECTIONS[2]}",
        "",
        "| competency | rating | evidence |",
        "| --- | --- | --- |",
    ]
    for c in card.competencies:
        evidence = " / ".join(f"“{_md(q)}”" for q in c.evidence) or "-"
        out.append(f"| {_md(c.competency)} | {_md(c.rating)} | {evidence} |")
    out += ["", f"### {SECTIONS[3]}", ""]
    out += [f"- {_md(line)}" for line in card.delivery.lines]
    out += ["", f"### {SECTIONS[4]}", "", _closing_line(card.closing, _md), ""]
    return "\n".join(out)


def scorecard_html(card: Scorecard) -> str:
    """The scorecard as an HTML ``<section class="scorecard">`` (text escaped)."""
    work = "".join(f"<li>{escape(item)}</li>" for item in card.work_on)
    best = card.strongest
    strongest = (
        "<p>No answer stood out yet.</p>"
        if not best
        else f"<p><strong>{escape(best.question)}</strong></p><p>{escape(best.why)}"
        f"</p>" + (f"<blockquote>{escape(best.quote)}</blockquote>" if best.quote else "")
    )
    rows = "".join(
        f"<tr><th>{escape(c.competency)}</th><td>{escape(c.rating)}</td><td>"
        + "<br>".join(f"“{escape(q)}”" for q in c.evidence)
        + "</td></tr>"
        for c in card.competencies
    )
    delivery = "".join(f"<li>{escape(line)}</li>" for line in card.delivery.lines)
    parts = [
        '<section class="scorecard"><h2>Mock interview scorecard</h2>',
        f"<p><strong>{escape(card.verdict)}</strong> ({int(card.answers)} answers)</p>",
        f"<h3>{SECTIONS[0]}</h3>"
        + (f"<ol>{work}</ol>" if work else "<p>Nothing stood out: keep practising.</p>"),
        f"<h3>{SECTIONS[1]}</h3>{strongest}",
        f"<h3>{SECTIONS[2]}</h3><table>{rows}</table>",
        f"<h3>{SECTIONS[3]}</h3><ul>{delivery}</ul>",
        f"<h3>{SECTIONS[4]}</h3><p>{_closing_line(card.closing, escape)}</p>",
        "</section>",
    ]
    return "\n".join(parts)


def _closing_line(closing: ClosingVerdict | None, clean: Callable[[str], str]) -> str:
    if closing is None:
        return clean("The interview ended before the closing question.")
    return f"{clean(closing.rating)}: {clean(closing.feedback)}"
