"""A mock interview's scorecard as report sections: Markdown and an HTML fragment.

Both take a :class:`~starcoach.core.scorecard.Scorecard` or its ``to_dict()`` form (what the
history stores), so a report can be written long after the interview. The HTML is a
``<section>`` to place inside ``reports.html``'s page; it uses the page's existing styles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from starcoach.core.scorecard import Scorecard

SECTIONS = (
    "Things to work on",
    "Strongest answer",
    "Competencies",
    "Delivery",
    "Your questions at the close",
)
"""Section titles, in order (the same as the scorecard screen)."""


def _data(card: Scorecard | Mapping[str, Any]) -> Mapping[str, Any]:
    return card.to_dict() if isinstance(card, Scorecard) else card


def _md(text: object) -> str:
    """Markdown-escape ``text``."""
    return "".join("\\" + c if c in "\\`*_[]<>|" else c for c in str(text))


def scorecard_markdown(card: Scorecard | Mapping[str, Any]) -> str:
    """The scorecard as Markdown (a level-2 heading, then one level-3 heading per section)."""
    data = _data(card)
    out = [
        "## Mock interview scorecard",
        "",
        f"**{_md(data['verdict'])}** ({data['answers']} answers)",
        "",
        f"### {SECTIONS[0]}",
        "",
    ]
    out += [f"{i}. {_md(item)}" for i, item in enumerate(data["work_on"], start=1)] or [
        "Nothing stood out: keep practising the same way."
    ]
    out += ["", f"### {SECTIONS[1]}", ""]
    best = data.get("strongest")
    if best:
        out += [f"**{_md(best['question'])}**", "", _md(best["why"])]
        out += ["", f"> {_md(best['quote'])}"] if best.get("quote") else []
    else:
        out.append("No answer stood out yet.")
    out += [
        "",
        f"### {SECTIONS[2]}",
        "",
        "| competency | rating | evidence |",
        "| --- | --- | --- |",
    ]
    for c in data["competencies"]:
        evidence = " / ".join(f"“{_md(q)}”" for q in c["evidence"]) or "-"
        out.append(f"| {_md(c['competency'])} | {_md(c['rating'])} | {evidence} |")
    out += ["", f"### {SECTIONS[3]}", ""]
    out += [f"- {_md(line)}" for line in data["delivery"]["lines"]]
    out += ["", f"### {SECTIONS[4]}", "", _closing_line(data.get("closing"), _md), ""]
    return "\n".join(out)


def scorecard_html(card: Scorecard | Mapping[str, Any]) -> str:
    """The scorecard as an HTML ``<section class="scorecard">`` (text escaped)."""
    data = _data(card)
    work = "".join(f"<li>{escape(str(item))}</li>" for item in data["work_on"])
    best = data.get("strongest")
    strongest = (
        "<p>No answer stood out yet.</p>"
        if not best
        else f"<p><strong>{escape(best['question'])}</strong></p><p>{escape(best['why'])}"
        f"</p>" + (f"<blockquote>{escape(best['quote'])}</blockquote>" if best.get("quote") else "")
    )
    rows = "".join(
        f"<tr><th>{escape(c['competency'])}</th><td>{escape(c['rating'])}</td><td>"
        + "<br>".join(f"“{escape(q)}”" for q in c["evidence"])
        + "</td></tr>"
        for c in data["competencies"]
    )
    delivery = "".join(f"<li>{escape(line)}</li>" for line in data["delivery"]["lines"])
    parts = [
        '<section class="scorecard"><h2>Mock interview scorecard</h2>',
        f"<p><strong>{escape(data['verdict'])}</strong> ({int(data['answers'])} answers)</p>",
        f"<h3>{SECTIONS[0]}</h3>"
        + (f"<ol>{work}</ol>" if work else "<p>Nothing stood out: keep practising.</p>"),
        f"<h3>{SECTIONS[1]}</h3>{strongest}",
        f"<h3>{SECTIONS[2]}</h3><table>{rows}</table>",
        f"<h3>{SECTIONS[3]}</h3><ul>{delivery}</ul>",
        f"<h3>{SECTIONS[4]}</h3><p>{_closing_line(data.get('closing'), escape)}</p>",
        "</section>",
    ]
    return "\n".join(parts)


def _closing_line(closing: Mapping[str, Any] | None, clean: Callable[[str], str]) -> str:
    if not closing:
        return clean("The interview ended before the closing question.")
    return f"{clean(str(closing['rating']))}: {clean(str(closing['feedback']))}"
