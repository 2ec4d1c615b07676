"""Scorecard report sections: Markdown and HTML, from the scorecard or its stored form."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from starcoach.core.questions import Question
from starcoach.core.scorecard import Scorecard, build_scorecard
from starcoach.reports.scorecard import SECTIONS, scorecard_html, scorecard_markdown
from tests.test_scorecard import analysis, card_answers

CARD = build_scorecard(card_answers())


def test_markdown_has_every_section_in_order() -> None:
    md = scorecard_markdown(CARD)
    positions = [md.index(f"### {title}") for title in SECTIONS]
    assert positions == sorted(positions)
    assert "1. Finish every story with how it ended" in md
    assert "| empathy | strong | “I traced it to the depot" in md
    assert "> It reached her two hours" not in md  # the strongest quote is the action
    assert "> I traced it to the depot" in md
    assert "strong: Good questions at the close: you asked about training" in md


def test_markdown_from_the_stored_dict_matches() -> None:
    stored = json.loads(json.dumps(CARD.to_dict()))
    assert Scorecard.from_dict(stored) == CARD
    assert scorecard_markdown(Scorecard.from_dict(stored)) == scorecard_markdown(CARD)


def test_markdown_escapes_what_the_candidate_said() -> None:
    q = Question("x-t", "Tell me about a time.", "empathy", "behavioral")
    card = build_scorecard([(q, analysis([("action", "I used *stars* and | pipes.")]))])
    md = scorecard_markdown(card)
    assert "I used \\*stars\\* and \\| pipes." in md


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_section_is_escaped_and_complete() -> None:
    q = Question("x-t", "Tell me about a time <b>.", "empathy", "behavioral")
    card = build_scorecard([(q, analysis([("action", "I wrote <script>alert(1)</script>.")]))])
    html = scorecard_html(card)
    assert "<script>" not in html and "&lt;script&gt;" in html
    parser = _Collector()
    parser.feed(html)
    assert parser.tags[0] == "section" and "table" in parser.tags
    text = "".join(parser.text)
    assert all(title in text for title in SECTIONS)
    assert "The interview ended before the closing question." in text
