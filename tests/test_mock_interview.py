"""Mock interview: the plan, the shipped mock set, and the judge of the closing answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from starcoach.core.mock_interview import (
    CLOSING_ID,
    MOCK_COMPETENCIES,
    OPENING_ID,
    judge_closing,
    load_mock_set,
    plan_mock_interview,
)
from starcoach.core.questions import Question, QuestionSet, load_question_sets
from starcoach.storage.paths import mock_set_file

REPO_SETS = Path(__file__).resolve().parents[1] / "question_sets"


def _set(set_id: str, *questions: Question) -> QuestionSet:
    return QuestionSet(set_id, set_id, "", Path(f"{set_id}.toml"), questions)


MOCK = _set("mock",
            Question(OPENING_ID, "Tell me about yourself.", "communication", "open"),
            Question(CLOSING_ID, "Any questions for us?", "communication", "open"))
POOL = _set("pool", *(
    Question(f"{c.replace(' ', '-')}-{i}", f"Tell me about a time ({c} {i}).", c, "behavioral")
    for c in MOCK_COMPETENCIES for i in (1, 2)),
    Question("what-if", "What would you do if the system went down?", "adaptability",
             "situational"),
    Question("why-us", "Why us?", "empathy", "open"))


def test_plan_opens_spreads_competencies_and_closes() -> None:
    plan = plan_mock_interview([POOL], MOCK, behavioral_count=5, seed=3)
    ids = [q.id for q in plan.questions]
    assert ids[0] == OPENING_ID and ids[-1] == CLOSING_ID
    assert ids[-2] == "what-if"
    competencies = [q.competency for q in plan.behavioral]
    assert len(competencies) == 5 and len(set(competencies)) == 5
    assert all(q.kind == "behavioral" for q in plan.behavioral)
    assert [plan.stage(i) for i in ids] == ["opening", *["behavioral"] * 5, "situational",
                                            "closing"]


def test_plan_covers_every_competency_when_asked_for_eight() -> None:
    plan = plan_mock_interview([POOL], MOCK, behavioral_count=8, seed=1)
    assert sorted(q.competency for q in plan.behavioral) == sorted(MOCK_COMPETENCIES)


def test_plan_is_repeatable_with_a_seed_and_varies_without() -> None:
    first = plan_mock_interview([POOL], MOCK, seed=7)
    assert plan_mock_interview([POOL], MOCK, seed=7) == first
    others = {plan_mock_interview([POOL], MOCK, seed=s).to_dict()["behavioral"][0]
              for s in range(12)}
    assert len(others) > 1


def test_plan_only_uses_available_questions() -> None:
    allowed = {"empathy-1", "teamwork-2"}
    plan = plan_mock_interview([POOL], MOCK, behavioral_count=5, seed=0, available=allowed)
    assert {q.id for q in plan.behavioral} == allowed
    assert plan.situational is None
    assert [q.id for q in plan.questions] == [OPENING_ID, *[q.id for q in plan.behavioral],
                                              CLOSING_ID]


def test_plan_as_question_set_keeps_the_order() -> None:
    plan = plan_mock_interview([POOL], MOCK, seed=2)
    assert plan.as_question_set().questions == plan.questions


def test_mock_set_without_closing_is_refused() -> None:
    from starcoach.core.errors import QuestionSetError

    with pytest.raises(QuestionSetError, match="mock-closing"):
        plan_mock_interview([POOL], _set("mock", MOCK.questions[0]))


def test_shipped_mock_set_loads_and_plans_over_the_shipped_sets() -> None:
    mock = load_mock_set(mock_set_file(REPO_SETS))
    plan = plan_mock_interview(load_question_sets(REPO_SETS), mock, seed=5)
    assert plan.opening.text.endswith("tell me about yourself.")
    assert plan.closing.text.endswith("Do you have any questions for us?")
    assert len(plan.behavioral) == 5 and plan.situational is not None
    assert "mock" not in {s.id for s in load_question_sets(REPO_SETS)}


@pytest.mark.parametrize(("transcript", "rating", "topics", "concerns"), [
    pytest.param("Yes, two. How are new people trained on the systems? And how do you measure "
                 "success in the first ninety days?", "strong",
                 ("training", "how success is measured"), (), id="team-training-success"),
    pytest.param("Who would I be working with?", "good", ("the team",), (),
                 id="one-good-topic"),
    pytest.param("What's the salary for this role? And what does training look like?",
                 "needs work", ("training",), ("salary first",), id="salary-first"),
    pytest.param("Could you tell me about the team? Also what are the benefits like?", "good",
                 ("the team",), (), id="pay-after-the-job-is-fine"),
    pytest.param("So what does the company do exactly?", "needs work", (),
                 ("asked what the company does",), id="what-does-the-company-do"),
    pytest.param("No, I think you've covered everything, thanks.", "needs work", (),
                 ("no questions",), id="no-questions"),
    pytest.param("", "needs work", (), ("no questions",), id="silence"),
    pytest.param("I was wondering what the biggest challenge for the team is right now",
                 "strong", ("the team", "the challenges"), (), id="no-question-mark"),
    pytest.param("yes thank you how are new team members trained on the tools and how do you "
                 "measure success in the first 90 days", "strong",
                 ("the team", "training", "how success is measured"), (),
                 id="no-punctuation-two-questions"),
    pytest.param("no i think you covered everything thanks", "needs work", (),
                 ("no questions",), id="no-questions-unpunctuated"),
])
def test_judge_closing(transcript: str, rating: str, topics: tuple[str, ...],
                       concerns: tuple[str, ...]) -> None:
    verdict = judge_closing(transcript)
    assert verdict.rating == rating, verdict
    assert verdict.asked_about == topics
    assert verdict.concerns == concerns
    assert verdict.feedback


def test_closing_feedback_suggests_a_topic_not_yet_asked() -> None:
    verdict = judge_closing("How is success measured here?")
    assert verdict.rating == "good"
    assert "the team" in verdict.feedback and "measured" not in verdict.feedback.split(";")[1]


def test_new_core_modules_stay_pure() -> None:
    """Follow-ups, the mock plan, the scorecard and the interviewer import no UI/audio/model."""
    import subprocess
    import sys

    code = ("import sys, starcoach.core.followups, starcoach.core.mock_interview, "
            "starcoach.core.scorecard, starcoach.core.scorecard_delivery, "
            "starcoach.core.interviewer\n"
            "bad = [m for m in ('textual', 'sounddevice', 'pyttsx3', 'faster_whisper', "
            "'onnxruntime', 'av') if m in sys.modules]\n"
            "print(','.join(bad))")
    src = Path(__file__).resolve().parents[1] / "src"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(src)})
    assert out.stdout.strip() == ""


def test_own_question_folder_without_a_mock_set_uses_the_shipped_one(tmp_path: Path) -> None:
    mock = load_mock_set(mock_set_file(tmp_path))
    assert [q.id for q in mock.questions] == [OPENING_ID, CLOSING_ID]


def test_invalid_mock_set_is_one_clear_error(tmp_path: Path) -> None:
    from starcoach.core.errors import QuestionSetError

    (tmp_path / "mock").mkdir()
    (tmp_path / "mock" / "mock_interview.toml").write_text('name = "Mock"\n', encoding="utf-8")
    with pytest.raises(QuestionSetError, match="mock_interview.toml: key 'questions'"):
        load_mock_set(mock_set_file(tmp_path))
