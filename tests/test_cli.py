"""The CLI as a user runs it: one-line errors with exit code 2, text-only analysis."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "audio_fixtures"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "starcoach", *args], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def bad_inputs(tmp: Path) -> list[tuple[str, Path, str]]:
    (tmp / "corrupt.wav").write_bytes(b"RIFF not really a wave file")
    (tmp / "empty.wav").write_bytes(b"")
    (tmp / "empty.txt").write_text("  \n")
    (tmp / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    return [
        ("missing", tmp / "nope.wav", "no such"),
        ("directory", tmp, "directory"),
        ("corrupt", tmp / "corrupt.wav", "cannot decode"),
        ("empty-audio", tmp / "empty.wav", "empty"),
        ("empty-text", tmp / "empty.txt", "empty"),
        ("not-utf8", tmp / "latin1.txt", "UTF-8"),
    ]


@pytest.mark.parametrize("case", range(6), ids=["missing", "directory", "corrupt", "empty-audio",
                                                 "empty-text", "not-utf8"])
def test_bad_input_is_one_line_exit_2(case: int, tmp_path: Path) -> None:
    _, path, needle = bad_inputs(tmp_path)[case]
    out = run("analyze", str(path))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


@pytest.mark.model
@pytest.mark.parametrize("name", ["silent_2s", "quiet_noise_3s"])
def test_silent_audio_is_one_line_exit_2(name: str) -> None:
    out = run("analyze", str(FIXTURES / f"{name}.wav"))
    assert out.returncode == 2 and "no speech" in out.stderr and out.stderr.count("\n") == 1


def test_text_answer_has_null_timing(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("Last year I worked at a bank. Um, a customer was angry about a fee. "
                      "My job was to fix it. I refunded the fee, you know, and apologised. "
                      "She stayed with us and gave us five stars.")
    out = run("analyze", str(answer), "--question", "angry-customer", "--json")
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)
    assert a["duration_s"] is None and a["pace"]["wpm"] is None
    assert a["pauses"]["count"] is None and a["fillers"]["per_minute"] is None
    assert a["fillers"]["count"] == 2
    assert all(w["start"] is None for w in a["words"])
    assert a["star"]["missing"] == []
    assert [s["label"] for s in a["star"]["sentences"]][:1] == ["situation"]


def test_text_report_is_readable(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text("I was at a store. I had to help a customer. I called the warehouse.")
    out = run("analyze", str(answer), "-q", "Tell me about a time you helped a customer.")
    assert out.returncode == 0
    assert "STAR structure" in out.stdout and "Missing: result" in out.stdout
    assert "[x] Situation  clear" in out.stdout
    assert "[ ] Result     missing" in out.stdout
    assert not re.search(r"\b0\.\d\d\b", out.stdout)  # words, not raw scores


def test_unknown_question_id_and_bad_band(tmp_path: Path) -> None:
    answer = tmp_path / "a.txt"
    answer.write_text("Hello there.")
    out = run("analyze", str(answer), "--question", "angry-custmer")
    assert out.returncode == 2 and "angry-customer" in out.stderr  # suggests the close id
    out = run("analyze", str(answer), "--target-wpm", "160-120")
    assert out.returncode == 2 and "LOW must be below HIGH" in out.stderr


def test_app_needs_a_terminal() -> None:
    out = run("--demo")
    assert out.returncode == 2 and "needs a terminal" in out.stderr


@pytest.mark.parametrize(("name", "content", "needle"), [
    ("one-over", "I called the customer back. " * 740 + "Done.", "20,000"),
    ("one-megabyte", "a" * 1_000_000, "bytes"),
    ("multibyte", "\u00e9" * 20_001, "20,001 characters"),
], ids=["one-over", "one-megabyte", "multibyte"])
def test_typed_answer_over_the_limit_is_one_line_exit_2(
    name: str, content: str, needle: str, tmp_path: Path
) -> None:
    answer = tmp_path / f"{name}.txt"
    answer.write_text(content, encoding="utf-8")
    assert len(content) > 20_000
    out = run("analyze", str(answer), "--json")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr
    assert "20,000" in out.stderr and out.stdout == ""


def test_typed_answer_at_the_limit_is_analysed(tmp_path: Path) -> None:
    answer = tmp_path / "long.txt"
    body = ("I called the customer back and, um, fixed the bill. " * 400)[:20_000]
    answer.write_text("\n  " + body + "  \n")
    out = run("analyze", str(answer), "--json")
    assert out.returncode == 0, out.stderr
    a = json.loads(out.stdout)
    assert a["fillers"]["count"] == body.count("um,")


def test_html_report_to_a_terminal_is_refused_with_one_line(tmp_path: Path) -> None:
    """`report --format html` without -o on a terminal would paint raw HTML: it says to use -o."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "starcoach", "report", "any", "--format", "html",
             "--data-dir", str(tmp_path)],
            stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            timeout=60)
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "starcoach: an HTML report goes to a file: add -o FILE.html"]
    assert b"<html" not in shown.lower()
