"""The recorded fixtures in ``audio_fixtures/`` agree with their ground-truth JSON.

Checks the files themselves (format, timings, labels), not any analyzer. The last tests
regenerate one fixture with ``tools/make_fixtures.py`` when espeak-ng and sox are present.
"""

from __future__ import annotations

import ctypes.util
import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "audio_fixtures"
SAMPLE_RATE = 16_000
STAR = ("situation", "task", "action", "result")
LABELS = (*STAR, "other")
KEYS = {
    "name", "text", "voice", "rate_wpm", "question", "kind", "duration_s", "speech_start_s",
    "speech_end_s", "words_count", "phrases", "pauses", "fillers", "sentences",
    "expected_missing", "words",
}
MIN_PAUSE_S = 0.25
EPS = 2e-4
"""Times are rounded to 10 microseconds; one sample is 62.5 microseconds."""

NAMES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def load(name: str) -> dict[str, Any]:
    """Ground truth of fixture ``name``."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def samples(name: str) -> np.ndarray:
    """int16 samples of ``<name>.wav`` (asserts 16 kHz mono 16-bit)."""
    with wave.open(str(FIXTURES / f"{name}.wav"), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (SAMPLE_RATE, 1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")


def spoken(truth: dict[str, Any]) -> bool:
    """True for clips that contain speech."""
    return bool(truth["phrases"])


def at(seconds: float) -> int:
    """Sample index of a time."""
    return round(seconds * SAMPLE_RATE)


SPEECH = [n for n in NAMES if spoken(load(n))]
SILENT = [n for n in NAMES if not spoken(load(n))]


def test_every_wav_has_its_json_and_back() -> None:
    wavs = {p.stem for p in FIXTURES.glob("*.wav")}
    assert wavs == set(NAMES)
    assert len(SPEECH) >= 8 and len(SILENT) >= 2


def test_total_size_stays_small() -> None:
    total = sum(p.stat().st_size for p in FIXTURES.glob("*.wav"))
    assert total < 10_000_000


@pytest.mark.parametrize("name", NAMES)
def test_schema_and_wav_format(name: str) -> None:
    truth = load(name)
    assert truth.keys() >= KEYS
    assert truth["name"] == name
    assert truth["kind"] in ("behavioral", "open")
    assert set(truth["expected_missing"]) <= set(STAR)
    audio = samples(name)
    assert len(audio) / SAMPLE_RATE == pytest.approx(truth["duration_s"], abs=EPS)


@pytest.mark.parametrize("name", SPEECH)
def test_duration_limits(name: str) -> None:
    duration = load(name)["duration_s"]
    assert 10.0 <= duration <= 60.0 or 100.0 <= duration <= 130.0


@pytest.mark.parametrize("name", SPEECH)
def test_phrases_are_ordered_and_inside_the_clip(name: str) -> None:
    truth = load(name)
    phrases = truth["phrases"]
    assert truth["speech_start_s"] == phrases[0]["start"] > 0.0
    assert truth["speech_end_s"] == phrases[-1]["end"] < truth["duration_s"]
    for phrase in phrases:
        assert phrase["end"] > phrase["start"]
    for before, after in zip(phrases, phrases[1:], strict=False):
        assert after["start"] - before["end"] >= MIN_PAUSE_S


@pytest.mark.parametrize("name", SPEECH)
def test_pauses_are_the_gaps_between_phrases(name: str) -> None:
    truth = load(name)
    phrases = truth["phrases"]
    gaps = [(a["end"], b["start"]) for a, b in zip(phrases, phrases[1:], strict=False)]
    assert [(p["start"], p["end"]) for p in truth["pauses"]] == gaps
    for pause in truth["pauses"]:
        assert truth["speech_start_s"] < pause["start"] < pause["end"] < truth["speech_end_s"]


@pytest.mark.parametrize("name", SPEECH)
def test_audio_is_silent_exactly_outside_phrases(name: str) -> None:
    truth, audio = load(name), samples(name)
    assert not audio[: at(truth["speech_start_s"])].any()
    assert not audio[at(truth["speech_end_s"]) :].any()
    for pause in truth["pauses"]:
        assert not audio[at(pause["start"]) : at(pause["end"])].any()


@pytest.mark.parametrize("name", SPEECH)
def test_phrases_start_and_end_with_sound(name: str) -> None:
    truth, audio = load(name), samples(name).astype(np.float64)
    peak = np.abs(audio).max()
    edge = at(0.03)
    for phrase in truth["phrases"]:
        body = audio[at(phrase["start"]) : at(phrase["end"])]
        assert np.abs(body[:edge]).max() > peak * 0.003
        assert np.abs(body[-edge:]).max() > peak * 0.003


@pytest.mark.parametrize("name", SPEECH)
def test_words_match_text_and_lie_in_their_phrase(name: str) -> None:
    truth = load(name)
    words = truth["words"]
    assert [w["text"] for w in words] == truth["text"].split()
    assert truth["words_count"] == len(words)
    assert " ".join(p["text"] for p in truth["phrases"]) == truth["text"]
    texts = iter(truth["text"].split())
    for phrase in truth["phrases"]:
        inside = [w for w in words if phrase["start"] - EPS <= w["start"] < phrase["end"]]
        assert [w["text"] for w in inside] == [next(texts) for _ in phrase["text"].split()]
        assert inside[0]["start"] == pytest.approx(phrase["start"], abs=EPS)
        assert inside[-1]["end"] == pytest.approx(phrase["end"], abs=EPS)
        for before, after in zip(inside, inside[1:], strict=False):
            assert before["start"] < before["end"] <= after["start"]
            assert after["start"] - before["end"] < MIN_PAUSE_S


@pytest.mark.parametrize("name", SPEECH)
def test_fillers_point_at_their_words(name: str) -> None:
    truth = load(name)
    for filler in truth["fillers"]:
        phrase = truth["phrases"][filler["phrase_index"]]
        first = truth["words"][filler["word_index"]]
        assert phrase["start"] - EPS <= first["start"] < phrase["end"]
        said = [w["text"].strip(".,!?").lower() for w in truth["words"]]
        length = len(filler["text"].split())
        assert said[filler["word_index"] : filler["word_index"] + length] == filler["text"].split()


@pytest.mark.parametrize("name", SPEECH)
def test_sentences_and_star_labels(name: str) -> None:
    truth = load(name)
    sentences = truth["sentences"]
    assert " ".join(s["text"] for s in sentences) == truth["text"]
    labels = {s["label"] for s in sentences}
    assert labels <= set(LABELS)
    if truth["kind"] == "open":
        assert labels == {"other"} and truth["expected_missing"] == []
    else:
        assert sorted(set(STAR) - labels) == sorted(truth["expected_missing"])


@pytest.mark.parametrize("name", SILENT)
def test_clips_without_speech(name: str) -> None:
    truth, audio = load(name), samples(name).astype(np.float64) / 32768.0
    assert truth["speech_start_s"] is None and truth["words_count"] == 0
    assert truth["text"] == "" and truth["fillers"] == [] and truth["pauses"] == []
    if truth["noise_dbfs"] is None:
        assert not audio.any()
    else:
        rms_db = 20 * np.log10(np.sqrt(np.mean(audio**2)))
        assert rms_db == pytest.approx(truth["noise_dbfs"], abs=1.0)


def all_truths() -> list[dict[str, Any]]:
    """Every fixture's ground truth."""
    return [load(n) for n in NAMES]


@pytest.mark.parametrize(
    ("case", "found"),
    [
        ("pause 0.3 s", lambda ts: any(_has_pause(t, 0.3) for t in ts)),
        ("pause 0.8 s", lambda ts: any(_has_pause(t, 0.8) for t in ts)),
        ("pause 1.6 s", lambda ts: any(_has_pause(t, 1.6) for t in ts)),
        ("pause 2.5 s", lambda ts: any(_has_pause(t, 2.5) for t in ts)),
        ("silence over 3 s mid-answer", lambda ts: any(_longest(t) > 3.0 for t in ts)),
        ("delay 1-2 s", lambda ts: any(1.0 < t["speech_start_s"] <= 2.0 for t in _sp(ts))),
        ("um", lambda ts: _filler(ts, "um")),
        ("uh", lambda ts: _filler(ts, "uh")),
        ("you know", lambda ts: _filler(ts, "you know")),
        ("like", lambda ts: _filler(ts, "like")),
        ("non-filler like", lambda ts: any("I'd like to" in t["text"] for t in ts)),
        ("non-filler so that", lambda ts: any("so that" in t["text"] for t in ts)),
        ("open answer", lambda ts: any(t["kind"] == "open" for t in ts)),
        ("missing result", lambda ts: any(t["expected_missing"] == ["result"] for t in ts)),
        ("slow ~110 wpm", lambda ts: any(100 <= (t["measured_wpm"] or 999) <= 120 for t in ts)),
        ("fast 200+ wpm", lambda ts: any((t["measured_wpm"] or 0) >= 200 for t in ts)),
        ("two minutes", lambda ts: any(t["duration_s"] >= 100 for t in ts)),
        ("four voices", lambda ts: len({t["voice"] for t in _sp(ts)}) >= 4),
        ("noise only", lambda ts: any(t["noise_dbfs"] is not None for t in ts)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_set_covers(case: str, found: Any) -> None:
    assert found(all_truths()), case


def _sp(truths: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [t for t in truths if spoken(t)]


def _has_pause(truth: dict[str, Any], seconds: float) -> bool:
    return any(abs(p["end"] - p["start"] - seconds) < 1e-3 for p in truth["pauses"])


def _longest(truth: dict[str, Any]) -> float:
    return max((p["end"] - p["start"] for p in truth["pauses"]), default=0.0)


def _filler(truths: list[dict[str, Any]], text: str) -> bool:
    return any(f["text"] == text for t in truths for f in t["fillers"])


NEEDS_TOOLS = pytest.mark.skipif(
    shutil.which("sox") is None or ctypes.util.find_library("espeak-ng") is None,
    reason="tools/make_fixtures.py needs sox and libespeak-ng",
)


def regenerate(out: Path, name: str) -> None:
    """Run the fixture script for one clip into ``out``."""
    script = ROOT / "tools" / "make_fixtures.py"
    command = [sys.executable, str(script), "--only", name, "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@NEEDS_TOOLS
def test_script_is_deterministic_and_matches_the_stored_text(tmp_path: Path) -> None:
    name = "incomplete_no_task_action"
    regenerate(tmp_path / "a", name)
    regenerate(tmp_path / "b", name)
    for suffix in (".wav", ".json"):
        first = (tmp_path / "a" / f"{name}{suffix}").read_bytes()
        assert first == (tmp_path / "b" / f"{name}{suffix}").read_bytes()
    fresh = json.loads((tmp_path / "a" / f"{name}.json").read_text(encoding="utf-8"))
    stored = load(name)
    for key in ("text", "sentences", "fillers", "expected_missing", "voice", "rate_wpm"):
        assert fresh[key] == stored[key], key
    assert [_lengths(t) for t in (fresh, stored)] == [_lengths(stored)] * 2


def _lengths(truth: dict[str, Any]) -> list[float]:
    return [round(p["end"] - p["start"], 3) for p in truth["pauses"]]
