"""Content coach and the JSON additions, with the real model on answers written for the tests."""

from __future__ import annotations

import numpy as np

from starcoach.adapters.embedding import load_text_model
from starcoach.core.analysis.contract import to_json
from starcoach.core.analysis.engine import QuestionRef, analyze
from starcoach.core.analysis.text import words_from_text
from starcoach.core.models import Transcript
from starcoach.recording.pipeline import analyze_text

STORY = (
    "Last spring I was working the front desk at a busy dental clinic. "
    "One morning a patient came in furious because his visit had been cancelled. "
    "My job was to calm him down and get him seen that day. "
    "I apologized and checked the schedule for any open slots. "
    "Then I called the hygienist and asked her to take him during her lunch break. "
    "He was seen within forty minutes and later left a five-star review."
)
ANGRY = QuestionRef(text="Tell me about a time you handled an upset patient.",
                    competency="patience", kind="behavioral")


def test_content_object_and_sentence_flags_are_in_the_json() -> None:
    a = to_json(analyze_text(STORY, ANGRY))
    content = a["content"]
    assert set(content) >= {"specific", "on_topic", "result_concrete", "competency", "tips"}
    assert content["specific"] is True and content["on_topic"] is True
    assert content["result_concrete"] is True
    assert content["competency"] == {"asked": "patience", "shown": True}
    assert all(s["flags"] == [] for s in a["star"]["sentences"])
    assert a["star"]["missing"] == []


def test_running_down_a_manager_is_flagged_and_quoted_in_the_tips() -> None:
    text = STORY + (" Honestly my old manager was useless and never helped anyone,"
                    " he just hid in his office all day.")
    a = to_json(analyze_text(text, ANGRY))
    assert a["star"]["sentences"][-1]["flags"] == ["negative"]
    assert all(s["flags"] == [] for s in a["star"]["sentences"][:-1])
    tip = next(t for t in a["content"]["tips"] if t.startswith("Negative"))
    assert "my old manager was useless" in tip and a["tips"][0] == tip


def test_generic_answer_is_not_specific() -> None:
    text = ("I always stay calm with customers. I think patience is the most important thing "
            "in this job. I would never raise my voice, and I always try to listen first. "
            "People can tell when you really care.")
    a = to_json(analyze_text(text, ANGRY))
    assert a["content"]["specific"] is False
    assert any(t.startswith("Generic") for t in a["content"]["tips"])


def test_result_concrete_is_null_for_a_non_behavioral_question() -> None:
    text = ("I want this job because I like fixing problems for people. At my last store I "
            "was the one everyone sent the tricky returns to, and I enjoyed it.")
    a = to_json(analyze_text(text, QuestionRef(text="Why do you want to work here?")))
    assert a["content"]["result_concrete"] is None and a["star"]["missing"] == []


def test_typed_question_competency_is_inferred() -> None:
    a = to_json(analyze_text(STORY, QuestionRef(
        text="Tell me about a time you worked with your teammates to cover a busy shift.")))
    assert a["content"]["competency"]["asked"] == "teamwork"


class FakeEmbedder:
    """Deterministic vectors from word hashes: a stand-in that needs no model."""

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, hash(word) % 384] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def test_engine_takes_any_embedder() -> None:
    words = tuple(words_from_text(STORY))
    a = to_json(analyze(Transcript(words, None, STORY), ANGRY, embedder=FakeEmbedder(),
                        model=load_text_model()))
    labels = [s["label"] for s in a["star"]["sentences"]]
    assert len(labels) == 6 and set(labels) <= {"situation", "task", "action", "result", "other"}
    assert isinstance(a["content"]["specific"], bool)


def test_engine_without_a_model_claims_nothing() -> None:
    words = tuple(words_from_text(STORY))
    a = to_json(analyze(Transcript(words, None, STORY), ANGRY))
    assert a["star"]["missing"] == [] and a["content"]["specific"] is None
    assert a["content"]["tips"] == []


def test_without_a_question_topic_and_competency_are_not_judged() -> None:
    a = to_json(analyze_text(STORY))
    assert a["content"]["on_topic"] is None
    assert a["content"]["competency"] == {"asked": None, "shown": None}
    assert a["star"]["behavioral"] is True and a["content"]["result_concrete"] is True
    assert not any("question asked" in t for t in a["tips"])


def test_blaming_a_former_manager_is_negative_and_tip_counts_the_rest() -> None:
    text = STORY + (" My old supervisor was lazy and never listened to anyone on the team."
                    " The other staff were useless too, they never answered the phone.")
    a = to_json(analyze_text(text, ANGRY))
    flags = [s["flags"] for s in a["star"]["sentences"]]
    assert flags[-2:] == [["negative"], ["negative"]] and all(f == [] for f in flags[:-2])
    tip = next(t for t in a["content"]["tips"] if t.startswith("Negative about"))
    assert '"My old supervisor was lazy and never listened to anyone on the team"' in tip
    assert "(and 1 more like it)" in tip


def test_a_hard_situation_told_neutrally_is_not_negative() -> None:
    text = ("Last winter I was on the service desk of a hardware store. "
            "The customer was furious and kept shouting at me over the counter. "
            "We were short-staffed that night and the phones never stopped ringing. "
            "I listened, found his order and replaced the broken heater on the spot. "
            "He calmed down and thanked me before he left.")
    a = to_json(analyze_text(text, ANGRY))
    assert all("negative" not in s["flags"] for s in a["star"]["sentences"])
    assert not any(t.startswith("Negative") for t in a["content"]["tips"])


def test_a_digression_about_home_life_is_off_topic_and_quoted() -> None:
    text = STORY + " My brother has a golden retriever who loves the snow, we took him hiking."
    a = to_json(analyze_text(text, ANGRY))
    flags = [s["flags"] for s in a["star"]["sentences"]]
    assert flags[-1] == ["off_topic"] and all(f == [] for f in flags[:-1])
    tip = next(t for t in a["content"]["tips"] if t.startswith("Digression"))
    assert '"My brother has a golden retriever' in tip and tip.endswith("keep to the story.")


def test_call_turns_get_no_interview_content_tips() -> None:
    """A phone call turn is judged by the call rubric, not the interview content coach."""
    from starcoach.core.analysis.engine import QuestionRef
    from starcoach.recording.pipeline import analyze_text

    said = ("Thanks for calling, my name is Ana. I always fix things like this. "
            "I will refund the charge today.")
    call = to_json(analyze_text(said, QuestionRef(text="I was charged twice!", behavioral=False,
                                                  kind="call")))
    assert call["content"]["tips"] == [] and call["content"]["specific"] is None
    interview = to_json(analyze_text(said, QuestionRef(
        text="Tell me about a time you fixed a billing mistake for a customer.")))
    assert interview["content"]["specific"] is not None
