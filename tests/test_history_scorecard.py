"""Schema 2 of the history: a mock interview's scorecard kept with its session, and call turns
saved before the fix (star_coverage 0) read with no STAR coverage, migrated or read-only."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result import Analysis
from starcoach.core.analysis.result_parts import Question
from starcoach.core.errors import AppError
from starcoach.core.scorecard import Scorecard, build_scorecard
from starcoach.core.session_export import export_from_json, export_to_json
from starcoach.storage.history import History
from starcoach.storage.paths import db_path
from starcoach.storage.schema import MIGRATIONS, SCHEMA_VERSION
from tests.test_scorecard import card_answers

CARD = build_scorecard(card_answers())
"""A whole mock interview's scorecard (the answers of ``tests.test_scorecard``)."""
STORED = json.loads(json.dumps(CARD.to_dict()))
"""The scorecard as the history keeps it."""


def analysis_json(text: str, behavioral: bool) -> dict[str, Any]:
    star = {"situation": 0.0, "task": 0.0, "action": 0.0, "result": 0.0,
            "behavioral": behavioral, "missing": [], "sentences": []}
    return {"transcript": text, "duration_s": 20.0, "words": [], "star": star,
            "pace": {"wpm": 130.0}, "fillers": {"count": 0, "per_minute": 0.0},
            "pauses": {"count": 0, "long_count": 0}}


def analysis(text: str, behavioral: bool) -> Analysis:
    return from_json(analysis_json(text, behavioral))


def v1_history(folder: Path) -> None:
    """A history written by schema 1: an interview answer and a call turn with STAR 0."""
    folder.mkdir(parents=True)
    conn = sqlite3.connect(db_path(folder), isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO sessions VALUES ('call0001', '2026-01-01T10:00:00+00:00', 'call',"
                 " 'late-delivery', NULL)")
    conn.execute("INSERT INTO sessions VALUES ('intv0001', '2026-01-01T11:00:00+00:00', "
                 "'interview', 'behavioral', NULL)")
    for n, (session, behavioral) in enumerate((("call0001", False), ("intv0001", True)), 1):
        conn.execute("INSERT INTO attempts (id, session_id, question_id, question_text, "
                     "created_at, analysis_json, wpm, star_coverage, score) VALUES "
                     "(?, ?, 'q', 'A question', '2026-01-01T10:00:00+00:00', ?, 130, 0, 0.5)",
                     (n, session, json.dumps(analysis_json("Hello there.", behavioral))))
    conn.close()


def star_by_kind(history: History) -> dict[str, object]:
    return {s.kind: s.means["star_coverage"] for s in history.sessions()}


def test_read_only_schema_1_history_is_read_not_emptied(tmp_path: Path) -> None:
    v1_history(tmp_path / "data")
    with History.open(tmp_path / "data", read_only=True) as history:
        assert star_by_kind(history) == {"call": None, "interview": 0.0}
        (turn,) = history.attempts("call0001")
        assert turn.metrics["star_coverage"] is None and turn.metrics["wpm"] == 130
        assert history.scorecard("intv0001") is None  # no scorecards table yet
        assert history.export_session("intv0001").scorecard is None
    conn = sqlite3.connect(db_path(tmp_path / "data"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # nothing written


def test_migration_to_schema_2_clears_call_star_and_keeps_scorecards(tmp_path: Path) -> None:
    v1_history(tmp_path / "data")
    with History.open(tmp_path / "data") as history:
        raw = history._query("SELECT star_coverage FROM attempts ORDER BY id")
        assert raw == [(None,), (0.0,)]  # the call turn's 0 is gone from the table itself
        history.save_scorecard("intv0001", CARD)
        history.save_scorecard("intv0001", replace(CARD, answers=3))  # replaced, not added
        assert history.scorecard("intv0001") == replace(CARD, answers=3)
        assert Scorecard.from_dict(STORED) == CARD  # the stored form reads back whole
        export = history.export_session("intv0001")
        assert export.scorecard is not None and export.scorecard.answers == 3
        assert export_to_json(export)["scorecard"] == {**STORED, "answers": 3}
        with pytest.raises(AppError, match="no session"):
            history.save_scorecard("nope", CARD)
        with history._write() as conn:
            conn.execute("UPDATE scorecards SET card_json = ?", ('{"verdict": "x"}',))
        with pytest.raises(AppError, match="scorecard of session intv0001 .* cannot be read"):
            history.export_session("intv0001")
        history.delete_session("intv0001")
        assert history._query("SELECT COUNT(*) FROM scorecards") == [(0,)]
    conn = sqlite3.connect(db_path(tmp_path / "data"))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2


def test_scorecard_report_sections(tmp_path: Path) -> None:
    from starcoach.reports.session import session_report

    with History.open(tmp_path / "data") as history:
        session, _ = history.save_new_session("interview", Question("calm", "Calm?"),
                                              analysis("I listened first.", True),
                                              question_set="mock-interview")
        history.save_scorecard(session, CARD)
    markdown = session_report(tmp_path / "data", session, "md")
    assert "## Mock interview scorecard" in markdown and CARD.work_on[0] in markdown
    html = session_report(tmp_path / "data", session, "html")
    assert "<h3>Competencies</h3>" in html and "I listened first." in html
    written = json.loads(session_report(tmp_path / "data", session, "json"))
    assert written["scorecard"] == STORED
    with History.open(tmp_path / "data", read_only=True) as history:
        assert export_from_json(written) == history.export_session(session)  # read back whole


def test_each_mock_interview_of_a_run_is_a_session_with_its_scorecard(tmp_path: Path) -> None:
    from starcoach.services import InterviewOptions, fixture_services

    services = fixture_services(InterviewOptions(), answers=[tmp_path / "unused.wav"],
                                data_dir=tmp_path / "data", transcriber=object())  # type: ignore[arg-type]
    assert services.save_attempt is not None and services.save_scorecard is not None
    answer = from_json({**analysis_json("I listened first.", True),
                        "question": {"id": "calm", "text": "C?"}})
    for kind in ("mock-1", "interview", "mock-2", "mock-1"):
        services.save_attempt(answer, None, kind)
    services.save_scorecard(CARD, "mock-1")
    services.save_scorecard(replace(CARD, answers=1), "mock-2")
    with History.open(tmp_path / "data", read_only=True) as history:
        found = {s.id: (s.shown_kind, s.attempt_count, history.scorecard(s.id))
                 for s in history.sessions()}
    assert sorted(found.values(), key=str) == sorted([
        ("mock", 2, CARD), ("interview", 1, None), ("mock", 1, replace(CARD, answers=1))],
        key=str)
