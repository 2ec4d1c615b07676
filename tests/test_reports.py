"""Report content (md, json, html, group merge) and the history/report/forget commands."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import starcoach.cli as cli
from starcoach.core.analysis.contract import from_json
from starcoach.core.analysis.result_parts import Question
from starcoach.core.session_export import SessionExport, export_from_json
from starcoach.reports.charts import CHART_COLOR, sparkline, svg_line_chart, text_bars
from starcoach.reports.html import render_html
from starcoach.reports.json_report import render_json
from starcoach.reports.markdown import render_markdown
from starcoach.storage.history import History
from starcoach.storage.saving import save_analysis
from tests.test_history import make_wav
from tests.test_history_factory import make_analysis, make_analysis_json

Q = Question("conflict", "Tell me about a conflict.")
RunCli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> RunCli:
    """Run ``starcoach ARGS`` with only this feature's commands; returns (rc, out, err)."""
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("history", "report", "forget"))

    def run(*args: str) -> tuple[int, str, str]:
        rc = cli.main(list(args))
        out, err = capsys.readouterr()
        return rc, out, err
    return run


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, str]:
    """A data folder with one session: a question answered three times, then a text answer."""
    folder = tmp_path / "data"
    wav = make_wav(tmp_path / "a.wav")
    sid, _ = save_analysis(make_analysis("Um so I uh led it", wpm=190, fillers_per_min=6.0,
                                         star=(1, 0, 0, 0)), wav, Q, folder)
    for wpm, fillers, star in [(165, 3.0, (1, 1, 0, 0)), (145, 1.0, (1, 1, 1, 1))]:
        save_analysis(make_analysis(wpm=wpm, fillers_per_min=fillers, star=star), wav, Q,
                      folder, session_id=sid)
    save_analysis(make_analysis("I like planning", timed=False), None,
                  Question(None, "Typed?"), folder, session_id=sid)
    return folder, sid


def _export(folder: Path, sid: str, trainee: str | None = None) -> SessionExport:
    with History.open(folder) as h:
        return h.export_session(sid, trainee=trainee)


def test_markdown_report_content(saved: tuple[Path, str]) -> None:
    md = render_markdown(_export(*saved))
    assert "> **Um** so I **uh** led it" in md
    assert md.count("## ") == 5  # four answers + trends
    assert "| Pace | 190 wpm |" in md and "| Fillers per minute | 6.0 |" in md
    assert "- [x] Situation (100%)" in md and "- [ ] Result (0%)" in md
    assert "Compared with the previous attempt" in md and "Pace: 190 wpm -> 165 wpm (better)" in md
    assert re.search(r"\| Fillers per minute \| `[^`]+` 6\.0, 3\.0, 1\.0, - \| improving \|", md)


def test_json_report_is_the_export_plus_trends(saved: tuple[Path, str]) -> None:
    data = json.loads(render_json(_export(*saved, trainee="Ada")))
    assert data["format"] == "starcoach-session" and data["trainee"] == "Ada"
    assert [a["analysis"]["transcript"] for a in data["attempts"]][0] == "Um so I uh led it"
    assert data["attempts"][0]["audio_path"].endswith(".wav")
    trends = {t["metric"]: t for t in data["trends"]}
    assert trends["wpm"]["values"] == [190, 165, 145, None]
    assert trends["star_coverage"]["direction"] == "improving"


def test_html_report_is_self_contained(saved: tuple[Path, str]) -> None:
    html = render_html(_export(*saved))
    assert '<mark class="filler">Um</mark> so I <mark class="filler">uh</mark> led it' in html
    assert html.count("<svg") == 4 and CHART_COLOR in html
    assert "<script" not in html.lower() and not re.search(r"(src|href)\s*=", html)
    assert "http://" not in html and "https://" not in html
    assert "190 wpm" in html and "Situation (100%)" in html


def test_html_escapes_user_text() -> None:
    export = export_from_json({"format": "starcoach-session", "session": {"id": "x"}, "attempts": [
        {"question": {"text": "<b>bold</b>?"},
         "analysis": make_analysis_json("<script>alert(1)</script> um")}]})
    html = render_html(export)
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;bold" in html


def test_charts_helpers() -> None:
    assert sparkline([1, 2, None, 3]) == "▁▅ █"
    assert sparkline([5, 5]) == "▄▄" and sparkline([None]) == " "
    bars = text_bars([("Ada", 4.0), ("Bob", 2.0), ("Cy", None)], width=10)
    assert bars == ["Ada  ██████████ 4", "Bob  █████ 2", "Cy   -"]
    svg = svg_line_chart([100, None, 150], "Pace", band=(120, 160))
    assert svg.count("<circle") == 2 and "<rect" in svg


def test_history_command(saved: tuple[Path, str], run_cli: RunCli) -> None:
    folder, sid = saved
    rc, out, _ = run_cli("history", "--data-dir", str(folder))
    assert rc == 0 and sid in out and "4 answer(s)" in out
    assert "Tell me about a conflict.  (3 attempt(s))" in out
    rc, out, _ = run_cli("history", "--data-dir", str(folder), "--json")
    data = json.loads(out)
    (question,) = [q for q in data["questions"] if q["question_id"] == "conflict"]
    assert (question["first"]["wpm"], question["best"]["wpm"], question["latest"]["wpm"]) == (
        190, 145, 145)
    rc, out, _ = run_cli("history", sid[:4], "--data-dir", str(folder))
    assert rc == 0 and "Um so I uh led it" in out and "Typed?" in out


def test_report_command_writes_files_and_merges(saved: tuple[Path, str], tmp_path: Path,
                                                run_cli: RunCli) -> None:
    folder, sid = saved
    ada, bob = tmp_path / "ada.json", tmp_path / "bob_smith.json"
    assert run_cli("report", sid, "--data-dir", str(folder), "--name", "Ada",
                   "-o", str(ada))[0] == 0
    assert run_cli("report", sid, "--data-dir", str(folder), "--format", "json",
                   "-o", str(bob))[0] == 0
    rc, out, _ = run_cli("report", "--merge", str(ada), str(bob), "--format", "md")
    assert rc == 0 and "| Ada | 4 | 167 wpm | 3.3 |" in out and "| bob\\_smith | 4 |" in out
    page = tmp_path / "group.html"
    assert run_cli("report", "--merge", str(ada), str(bob), "-o", str(page))[0] == 0
    assert page.read_text().count("<svg") == 4 and "bob_smith" in page.read_text()
    rc, out, _ = run_cli("report", sid, "--data-dir", str(folder), "--format", "html")
    assert rc == 0 and out.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "zzzz"], "no session 'zzzz'"),
        (["report"], "name a session"),
        (["report", "--merge", "{missing}"], "cannot read"),
        (["report", "--merge", "{notexport}"], "not a starcoach session export"),
        (["report", "--merge", "{badshape}"], "not a starcoach session export"),
        (["forget", "zzzz", "--yes"], "no session"),
    ],
    ids=["unknown-session", "nothing", "merge-missing", "merge-not-export", "merge-bad-shape",
         "forget-unknown"],
)
def test_command_errors(args: list[str], message: str, tmp_path: Path,
                        run_cli: RunCli) -> None:
    (tmp_path / "x.json").write_text('{"hello": 1}')
    (tmp_path / "bad.json").write_text('{"format": "starcoach-session", "attempts": [1]}')
    args = [a.format(missing=tmp_path / "nope.json", notexport=tmp_path / "x.json",
                     badshape=tmp_path / "bad.json") for a in args]
    rc, _, err = run_cli(*args, "--data-dir", str(tmp_path / "d"))
    assert rc == 2 and message in err and err.count("\n") == 1


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stdin", "rc", "kept"), [
    (io.StringIO("y\n"), 2, True),   # not a terminal: refuse, say --yes
    (_Tty(""), 2, True),              # EOF at the prompt: refuse
    (_Tty("n\n"), 1, True),           # answered no
    (_Tty("yes\n"), 0, False),        # answered yes
], ids=["no-tty", "eof", "no", "yes"])
def test_forget_confirmation(saved: tuple[Path, str], monkeypatch: pytest.MonkeyPatch,
                             stdin: io.StringIO, rc: int, kept: bool,
                             run_cli: RunCli) -> None:
    folder, sid = saved
    monkeypatch.setattr("sys.stdin", stdin)
    got_rc, _, err = run_cli("forget", sid, "--data-dir", str(folder))
    assert got_rc == rc
    if rc == 2:
        assert "--yes" in err
    with History.open(folder) as h:
        assert bool(h.sessions()) is kept
    assert (folder / "audio" / sid).exists() is kept


def test_forget_yes_deletes_rows_and_audio(saved: tuple[Path, str],
                                           run_cli: RunCli) -> None:
    folder, sid = saved
    rc, out, _ = run_cli("forget", sid, "--yes", "--data-dir", str(folder))
    assert rc == 0 and "4 answer(s)" in out
    assert not any((folder / "audio").iterdir())
    rc, out, _ = run_cli("history", "--data-dir", str(folder))
    assert "No saved sessions" in out


def test_report_rows_show_the_hedge_count_when_analysed() -> None:
    from starcoach.reports.common import metric_rows

    analysis = make_analysis_json("I think I maybe helped", wpm=140, fillers_per_min=1.0,
                                  star=(1, 1, 1, 0))
    analysis["content"] = {"hedges": {"count": 2, "per_minute": 4.0, "items": []},
                           "tips": ["Generic: say one time it happened."]}
    analysis["tips"] = ["Generic: say one time it happened."]
    assert ("Hedges", "2") in metric_rows(from_json(analysis))
    older = make_analysis("I helped", wpm=140, fillers_per_min=1.0, star=(1, 1, 1, 0))
    assert older.content is None
    assert all(label != "Hedges" for label, _ in metric_rows(older))
