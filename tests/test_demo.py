"""The demo: recorded answers matched to questions and call turns, shipped as package data."""

from __future__ import annotations

import glob
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest

from starcoach.adapters.audio_files import load_audio, load_wav
from starcoach.adapters.fixtures import (
    DEMO_DIR,
    DemoClips,
    DemoRecorder,
    demo_clip_name,
    demo_recorder_factory,
)
from starcoach.core.calls import load_scenarios
from starcoach.core.mock_interview import (
    CLOSING_ID,
    OPENING_ID,
    load_mock_set,
    plan_mock_interview,
)
from starcoach.core.models import AudioClip
from starcoach.core.questions import find_set, load_question_sets
from starcoach.storage.paths import mock_set_file

ROOT = Path(__file__).resolve().parents[1]
REPO_SETS = ROOT / "question_sets"
DEFAULT_SET = "behavioral"
"""The set the app starts with (``ui/screens/setup.py``)."""


@pytest.fixture(scope="module")
def clips() -> DemoClips:
    return DemoClips()


def test_manifest_covers_the_default_set_and_the_mock_interview(clips: DemoClips) -> None:
    default = find_set(load_question_sets(REPO_SETS), DEFAULT_SET)
    answered = clips.keys("interview")
    assert {q.id for q in default.questions} <= answered
    assert {OPENING_ID, CLOSING_ID} <= answered
    all_ids = {q.id for s in load_question_sets(REPO_SETS) for q in s.questions}
    assert answered - {OPENING_ID, CLOSING_ID} <= all_ids, "a clip for a question that is gone"


def test_manifest_covers_every_turn_of_every_call(clips: DemoClips) -> None:
    from starcoach.storage.paths import calls_dir

    scenarios = load_scenarios(calls_dir())
    turns = {f"{s.id}-{i}" for s in scenarios for i in range(1, len(s.turns) + 1)}
    assert turns and turns == clips.keys("call")


def test_demo_can_run_a_full_mock_interview(clips: DemoClips) -> None:
    mock = load_mock_set(mock_set_file(REPO_SETS))
    plan = plan_mock_interview(load_question_sets(REPO_SETS), mock, behavioral_count=8, seed=4,
                               available=clips.keys("interview"))
    assert len(plan.behavioral) == 8 and plan.situational is not None
    assert all(clips.get("interview", q.id) is not None for q in plan.questions)


def test_every_clip_exists_is_small_and_decodes_to_speech(clips: DemoClips) -> None:
    files = [clip.path for clip in clips.clips.values()]
    assert len(files) == len(set(files))
    assert all(path.is_file() for path in files)
    on_disk = {p for p in DEMO_DIR.iterdir() if p.suffix == ".ogg"}
    assert on_disk == set(files), "a clip not in the manifest, or a missing one"
    assert sum(p.stat().st_size for p in files) < 4_000_000
    for path in files[:: max(1, len(files) // 8)]:
        clip = load_audio(path)
        assert clip.sample_rate == 16_000 and clip.duration_s > 2.0
        assert float(np.max(np.abs(clip.samples))) > 0.3


def test_strong_and_weak_answers_for_both_kinds(clips: DemoClips) -> None:
    for kind in ("interview", "call"):
        qualities = {c.quality for c in clips.clips.values() if c.kind == kind}
        assert qualities == {"strong", "weak"}, kind
    weak = [c for c in clips.clips.values() if c.kind == "interview" and c.quality == "weak"]
    assert any(clips.get("follow_up", c.key) for c in weak)


@pytest.mark.parametrize(("name", "kind", "key"), [
    pytest.param("20260101-093000-angry-customer.wav", "interview", "angry-customer",
                 id="interview"),
    pytest.param("20260101-093000-call-late-delivery-3.wav", "call", "late-delivery-3",
                 id="call-turn"),
    pytest.param("20260101-093000-escalation-follow-up-1.wav", "follow_up", "escalation",
                 id="follow-up"),
    pytest.param("20260101-093000-escalation-follow-up.wav", "follow_up", "escalation",
                 id="follow-up-no-number"),
    pytest.param("mock-closing.wav", "interview", "mock-closing", id="no-stamp"),
    pytest.param("20260101-093000-high-pressure-follow-up-1.wav", "follow_up", "any",
                 id="follow-up-without-its-own-answer"),
])
def test_recording_name_picks_the_matching_clip(clips: DemoClips, name: str, kind: str,
                                                key: str) -> None:
    clip = clips.for_recording(Path("/answers") / name)
    assert (clip.kind, clip.key) == (kind, key)
    assert clip.path.name == demo_clip_name(kind, key)


def test_unknown_question_gets_interview_answers_in_turn(tmp_path: Path) -> None:
    clips = DemoClips()
    picked = [clips.for_recording(tmp_path / f"20260101-093000-unknown-{i}.wav")
              for i in range(3)]
    assert all(c.kind == "interview" for c in picked)
    assert len({c.key for c in picked}) == 3


def test_missing_manifest_is_one_clear_error(tmp_path: Path) -> None:
    from starcoach.core.errors import AudioInputError

    with pytest.raises(AudioInputError, match="demo answers unreadable"):
        DemoClips(tmp_path)


def test_demo_recorder_plays_the_matched_clip_and_keeps_it(clips: DemoClips,
                                                           tmp_path: Path) -> None:
    make = demo_recorder_factory(clips, realtime=False)
    target = tmp_path / "20260101-093000-call-cancellation-1.wav"
    recorder = make(target)
    assert isinstance(recorder, DemoRecorder)
    assert recorder.clip.key == "cancellation-1"
    blocks: list[AudioClip] = []
    clip = recorder.record(threading.Event(), blocks.append)
    assert len(blocks) > 10
    assert sum(len(b.samples) for b in blocks) == len(clip.samples)
    saved = load_wav(target)
    assert abs(saved.duration_s - clip.duration_s) < 0.01


def test_demo_recorder_stops_when_asked(clips: DemoClips, tmp_path: Path) -> None:
    stop = threading.Event()
    recorder = DemoRecorder(clips.clips[("interview", "angry-customer")],
                            tmp_path / "a.wav", realtime=False)
    seen: list[AudioClip] = []

    def on_block(block: AudioClip) -> None:
        seen.append(block)
        if len(seen) == 5:
            stop.set()

    clip = recorder.record(stop, on_block)
    assert len(seen) == 5 and clip.duration_s == pytest.approx(0.5, abs=0.01)


def test_wheel_package_data_includes_the_demo_and_the_mock_set() -> None:
    """setuptools ships what ``[tool.setuptools.package-data]`` globs match."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        globs = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["starcoach"]
    package = ROOT / "src" / "starcoach"
    shipped = {Path(p).resolve() for pattern in globs  # glob.glob follows the symlinked sets
               for p in glob.glob(str(package / pattern), recursive=True) if Path(p).is_file()}
    demo = {p.resolve() for p in DEMO_DIR.iterdir()}
    assert demo and demo <= shipped
    mock = (package / "data" / "question_sets" / "mock" / "mock_interview.toml").resolve()
    assert mock in shipped


@pytest.mark.model
@pytest.mark.slow  # transcribes a whole mock interview's answers
def test_scripted_mock_interview_follows_up_and_ends_in_the_scorecard(clips: DemoClips) -> None:
    """Real transcription of the demo answers through the whole mock-interview flow."""
    from starcoach.adapters.whisper_transcriber import WhisperTranscriber
    from starcoach.core.mock_interview import MockPlan
    from starcoach.core.questions import find_question
    from starcoach.scripted_mock import Step, run_scripted_mock

    sets = load_question_sets(REPO_SETS)
    mock = load_mock_set(mock_set_file(REPO_SETS))
    plan = MockPlan(mock.questions[0], (find_question(sets, "difficult-coworker"),
                                        find_question(sets, "angry-customer")), None,
                    mock.questions[1])
    steps: list[Step] = []
    card = run_scripted_mock(plan, clips, WhisperTranscriber(None), on_step=steps.append)
    kinds = [(s.kind, s.question_id) for s in steps]
    asked_and_answered = ["question", "answer", "follow_up", "follow_up_answer", "feedback"]
    assert kinds == [
        *((k, OPENING_ID) for k in asked_and_answered),
        *((k, "difficult-coworker") for k in asked_and_answered),
        *((k, "angry-customer") for k in asked_and_answered),
        ("question", CLOSING_ID), ("answer", CLOSING_ID), ("feedback", CLOSING_ID),
    ]
    follow_ups = {s.question_id: s.text for s in steps if s.kind == "follow_up"}
    assert follow_ups["difficult-coworker"] == "And how did that turn out?"  # the gap
    assert follow_ups["angry-customer"] == "What would you do if the customer became abusive?"
    assert follow_ups[OPENING_ID] == "What made you apply for this role in particular?"
    combined = next(s for s in steps if s.kind == "feedback" and s.question_id ==
                    "difficult-coworker")
    assert combined.text.startswith("The follow-up filled the gap (how it ended)")
    assert combined.analysis is not None and combined.analysis.star.missing == ()
    strong = next(s for s in steps if s.kind == "feedback" and s.question_id == "angry-customer")
    assert strong.analysis is not None and strong.analysis.star.missing == ()
    assert card.closing is not None and card.closing.rating == "strong"
    assert card.strongest is not None and card.strongest.question_id == "angry-customer"
    assert card.delivery.wpm is not None and 110 <= card.delivery.wpm <= 170
    assert card.answers == 4


def test_call_answers_earn_their_quality_on_the_rubric(clips: DemoClips) -> None:
    """A strong demo turn meets every rubric item its turn expects; a weak one misses one or
    says a banned phrase (judged on the text the clip speaks)."""
    from starcoach.core.calls import load_rubric
    from starcoach.core.rubric import evaluate_turn, extend_rubric
    from starcoach.storage.paths import calls_dir, rubric_file

    rubric = load_rubric(rubric_file())
    for scenario in load_scenarios(calls_dir()):
        extended = extend_rubric(rubric, scenario.rubric)
        for number, turn in enumerate(scenario.turns, start=1):
            clip = clips.get("call", f"{scenario.id}-{number}")
            assert clip is not None
            result = evaluate_turn(clip.text, turn.expect, extended)
            flawed = bool(result.banned) or not all(item.met for item in result.items)
            assert flawed == (clip.quality == "weak"), (clip.key, result.score)


def test_interview_answers_earn_their_quality_on_the_text(clips: DemoClips) -> None:
    """Strong stories leave no gap to follow up; a follow-up answer of a weak one answers a gap
    or the question set's own follow-up."""
    from starcoach.core.followups import find_gaps
    from starcoach.core.questions import find_question
    from starcoach.recording.pipeline import analyze_text

    sets = load_question_sets(REPO_SETS)
    for key in clips.keys("interview") - {OPENING_ID, CLOSING_ID}:
        question = find_question(sets, key)
        clip = clips.get("interview", key)
        assert clip is not None
        gaps = find_gaps(analyze_text(clip.text, question.ref()))
        if clip.quality == "strong":
            assert gaps == (), key
        elif clips.get("follow_up", key) is not None:
            assert gaps or question.follow_ups, key
