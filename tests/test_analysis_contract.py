"""The one serializer: typed analyses to the ``analyze --json`` contract and back.

Round trips run over the recorded fixtures (their golden word times, the real audio for pauses
and tone) and over typed answers written for this test; an analysis as an older version stored
it (fewer keys, an unknown one) reads with defaults.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from starcoach.core.analysis.contract import from_json, part_json, to_json
from starcoach.core.analysis.engine import QuestionRef
from starcoach.core.analysis.result import (
    Analysis,
    AttachedFollowUp,
    CombinedFollowUp,
    InputInfo,
    Saved,
)
from starcoach.core.followup_answers import combined_analysis
from starcoach.core.followups import FollowUp
from starcoach.core.models import Transcript, Word

FIXTURES = Path(__file__).resolve().parents[1] / "audio_fixtures"
SPOKEN = sorted(p.stem for p in FIXTURES.glob("*.json") if json.loads(p.read_text())["words"])
TYPED = {
    "story": "Two summers ago I ran the ticket desk at a small museum when the card reader died "
    "during a school visit. I had to get forty children in before their guided tour. So, um, "
    "I wrote paper tickets, took the payments on my phone and, like, logged each one. The tour "
    "started on time and the teacher booked again for spring.",
    "vague": "I think I am basically a calm person, you know. I would always try to help "
    "people. My last supervisor honestly never listened to anyone.",
    "short": "I enjoy talking to customers.",
}
QUESTION = QuestionRef(
    text="Tell me about a time you handled a difficult situation at work.",
    id="difficult-t",
    behavioral=True,
    kind="behavioral",
    competency="problem-solving",
    set_id="tests",
)


def spoken(name: str) -> Analysis:
    """The pipeline's analysis of a fixture, from its golden word times (no Whisper)."""
    from starcoach.adapters.audio_files import load_audio
    from starcoach.recording.pipeline import analyze_clip

    truth = json.loads((FIXTURES / f"{name}.json").read_text())
    words = tuple(Word(w["text"], w["start"], w["end"]) for w in truth["words"])
    clip = load_audio(FIXTURES / f"{name}.wav")
    regions = [(p["start"], p["end"]) for p in truth["phrases"]]
    transcript = Transcript(words, clip.duration_s, truth["text"])
    return analyze_clip(clip, None, QUESTION, transcript=transcript, regions=regions)  # type: ignore[arg-type]


def typed(text: str, question: QuestionRef | None = QUESTION) -> Analysis:
    from starcoach.recording.pipeline import analyze_text

    return analyze_text(text, question)


def round_trips(a: Analysis) -> None:
    data = to_json(a)
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    assert from_json(json.loads(text)) == a
    assert to_json(from_json(json.loads(text))) == data


@pytest.mark.parametrize("name", SPOKEN)
def test_spoken_fixture_round_trips(name: str) -> None:
    a = spoken(name)
    assert a.timed and a.tone is not None and a.words[0].start is not None
    round_trips(a)


@pytest.mark.parametrize("name", sorted(TYPED))
@pytest.mark.parametrize("asked", [True, False], ids=["question", "no-question"])
def test_typed_answer_round_trips(name: str, asked: bool) -> None:
    a = typed(TYPED[name], QUESTION if asked else None)
    assert not a.timed and a.tone is None
    round_trips(a)


def test_contract_keys_and_order() -> None:
    a = replace(typed(TYPED["story"]), input=InputInfo("answer.txt", "text"))
    data = to_json(a)
    assert list(data) == [
        "schema", "duration_s", "question", "transcript", "words", "pace", "pauses", "fillers",
        "star", "content", "length", "tips", "warnings", "input",
    ]
    assert list(data["question"]) == ["id", "text", "behavioral", "kind", "competency", "set"]
    assert list(data["pace"]) == [
        "wpm", "articulation_wpm", "words", "span_s", "target_wpm", "verdict", "windows",
    ]
    assert "measured" not in data["pauses"] and data["pauses"]["count"] is None
    assert data["fillers"]["by_text"] == {"so": 1, "um": 1, "like": 1}
    assert data["input"] == {"path": "answer.txt", "kind": "text"}  # no model for text
    assert list(data["content"]) == [
        "specific", "on_topic", "result_concrete", "competency", "tips", "hedges",
    ]


def test_timed_only_keys_appear_for_spoken_answers() -> None:
    data = to_json(spoken("star_angry_customer"))
    assert {"filled_pauses_excluded"} <= set(data["pace"])
    assert {"measured", "verdict", "snr_db"} <= set(data["pauses"])
    assert list(data)[-2:] == ["warnings", "tone"]


def test_saved_follow_up_and_call_rubric_round_trip() -> None:
    first, second = typed(TYPED["vague"]), typed(TYPED["story"])
    asked = FollowUp("generic", "Can you give me one specific time that happened?", "template")
    combined = combined_analysis(first, second, asked)
    assert isinstance(combined.follow_up, CombinedFollowUp)
    assert combined.follow_up.analysis == second
    round_trips(combined)
    attached = replace(first, follow_up=AttachedFollowUp("And then?", second))
    assert to_json(attached)["follow_up"] == {"question": "And then?", "analysis": to_json(second)}
    round_trips(attached)
    round_trips(replace(first, saved=Saved("abcd1234", 3)))

    from starcoach.core.rubric import evaluate_turn, rubric_result
    from starcoach.core.rubric_spec import load_rubric
    from starcoach.storage.paths import rubric_file

    said = "Thanks for calling, my name is Ana. I understand how that feels, please calm down."
    result = evaluate_turn(said, ("greeting", "empathy"), load_rubric(rubric_file()))
    assert result.banned and result.items[0].checks
    call = replace(first, rubric=rubric_result(result))
    assert to_json(call)["rubric"] == result.to_dict()  # the call rubric's own JSON, unchanged
    round_trips(call)


def test_old_stored_analysis_reads_with_defaults() -> None:
    """A save from before hedges, content, tone and warnings, with a key no longer written."""
    old = {
        "schema": 1,
        "duration_s": 42.0,
        "question": {"id": "q1", "text": "Tell me about a conflict."},
        "transcript": "um we sorted it out",
        "words": [{"text": "um", "start": 0.5, "end": 0.8, "filler": True}],
        "pace": {"wpm": 130.0, "articulation_wpm": 150.0, "target_wpm": [120, 160]},
        "pauses": {"count": 2, "long_count": 1, "longest_s": 2.5, "items": []},
        "fillers": {"count": 1, "per_minute": 1.4, "items": [{"text": "um", "start": 0.5}]},
        "star": {"situation": 1.0, "task": 0.0, "action": 1.0, "result": 0.0,
                 "missing": ["result"], "sentences": [{"text": "We sorted it out.",
                                                       "label": "action"}]},
        "retired_key": {"anything": 1},
    }
    a = from_json(old)
    assert a.question is not None and a.question.text == "Tell me about a conflict."
    assert a.question.behavioral is None and "behavioral" not in to_json(a)["question"]
    assert a.words[0].probability == 1.0 and a.words[0].filler
    assert a.pace.target_wpm == (120, 160)  # numbers keep their JSON type
    assert a.star.missing == ("result",) and a.star.sentences[0].flags == ()
    assert a.star.behavioral and a.star.result_concrete is None
    assert a.content is None and a.tone is None and a.warnings == () and a.follow_up is None
    assert "retired_key" not in to_json(a) and "content" not in to_json(a)
    assert from_json({}) == Analysis()
    with pytest.raises(ValueError):
        from_json([1, 2])  # type: ignore[arg-type]


def test_parts_print_as_in_the_contract() -> None:
    a = spoken("long_silence_middle")
    assert part_json(a.pauses) == to_json(a)["pauses"]
    assert part_json(a.tone) == to_json(a)["tone"]


def test_damaged_sections_read_as_defaults() -> None:
    a = from_json({"words": "not a list", "pace": None, "fillers": {"by_text": [1, 2]},
                   "star": {"sentences": [None, {"text": "I fixed it.", "label": "action"}]},
                   "follow_up": {"gap": "generic", "analysis": "gone", "coverage": None}})
    assert a.words == () and a.pace == Analysis().pace and a.fillers.by_text == ()
    assert [s.text for s in a.star.sentences] == ["", "I fixed it."]
    assert isinstance(a.follow_up, CombinedFollowUp) and a.follow_up.analysis == Analysis()
