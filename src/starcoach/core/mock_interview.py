"""A full mock interview: the plan of questions, and the judge of the closing answer.

A real customer-service interview opens with "Tell me about yourself", asks behavioral
questions spread across the competencies the job needs, one situational question ("What would
you do if..."), and closes with "Do you have any questions for us?". :func:`plan_mock_interview`
builds that plan from the loaded question sets and the mock set (``question_sets/mock/``, which
holds the opening and the closing). :func:`judge_closing` rates the candidate's questions at the
close against common hiring advice: ask about the team, the training and how success is measured;
do not lead with salary, never ask what the company does, never have no questions at all.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starcoach.core.errors import QuestionSetError
from starcoach.core.questions import COMPETENCIES, Question, QuestionSet, load_question_set

MOCK_COMPETENCIES: tuple[str, ...] = tuple(c for c in COMPETENCIES if c != "leadership")
"""Competencies a customer-service interview probes, in the order the plan visits them."""

MOCK_SET_FILE = Path("mock") / "mock_interview.toml"
"""The mock set inside the question-set folder (a subfolder: the app's set list skips it)."""
OPENING_ID = "mock-opening"
"""Id of the opening question in the mock set."""
CLOSING_ID = "mock-closing"
"""Id of the closing question in the mock set."""
DEFAULT_BEHAVIORAL = 5
"""Behavioral questions in a default mock interview (about 20 minutes with the rest)."""


@dataclass(frozen=True)
class MockPlan:
    """The questions of one mock interview, by stage."""

    opening: Question
    """"Tell me about yourself"."""
    behavioral: tuple[Question, ...]
    """One question per competency visited, in order."""
    situational: Question | None
    """One "what would you do" question; None when no set has one."""
    closing: Question
    """"Do you have any questions for us?"."""

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question in the order they are asked."""
        middle = (*self.behavioral, *([self.situational] if self.situational else []))
        return (self.opening, *middle, self.closing)

    def stage(self, question_id: str) -> str:
        """``opening``, ``behavioral``, ``situational`` or ``closing`` for a planned question.

        Raises:
            KeyError: the question is not in the plan.
        """
        if question_id == self.opening.id:
            return "opening"
        if question_id == self.closing.id:
            return "closing"
        if self.situational is not None and question_id == self.situational.id:
            return "situational"
        if any(q.id == question_id for q in self.behavioral):
            return "behavioral"
        raise KeyError(question_id)

    def as_question_set(self) -> QuestionSet:
        """The plan as one ordered question set (what the interview screen takes)."""
        return QuestionSet(
            "mock-interview",
            "Mock interview",
            "A full interview, opening to close.",
            Path(MOCK_SET_FILE),
            self.questions,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: question ids by stage."""
        return {
            "opening": self.opening.id,
            "behavioral": [q.id for q in self.behavioral],
            "situational": self.situational.id if self.situational else None,
            "closing": self.closing.id,
        }


def load_mock_set(path: Path) -> QuestionSet:
    """Load the mock set (opening and closing) with the regular question-set loader.

    Args:
        path: The mock set file (``storage.paths.mock_set_file()`` finds it).

    Raises:
        QuestionSetError: the file is invalid or missing.
    """
    return load_question_set(path)


def plan_mock_interview(
    sets: Sequence[QuestionSet],
    mock_set: QuestionSet,
    behavioral_count: int = DEFAULT_BEHAVIORAL,
    seed: int | None = None,
    available: Collection[str] | None = None,
) -> MockPlan:
    """Plan a mock interview.

    Behavioral questions visit the competencies of :data:`MOCK_COMPETENCIES` in a shuffled
    order, one question each (round again when more are asked for than there are competencies),
    picked at random among the behavioral questions of that competency.

    Args:
        sets: The practice question sets to draw from.
        mock_set: The set holding the opening and the closing (:func:`load_mock_set`).
        behavioral_count: Behavioral questions wanted (fewer when the sets run out).
        seed: Makes the plan repeatable.
        available: Only question ids in here may be picked (e.g. those the demo can answer);
            None for any.

    Raises:
        QuestionSetError: the mock set lacks the opening or the closing.
    """
    rng = random.Random(seed)
    pool = [q for s in sets for q in s.questions if available is None or q.id in available]
    order = list(MOCK_COMPETENCIES)
    rng.shuffle(order)
    chosen: list[Question] = []
    for competency in (order * (behavioral_count // len(order) + 1))[: behavioral_count * 3]:
        if len(chosen) >= behavioral_count:
            break
        options = [
            q
            for q in pool
            if q.kind == "behavioral" and q.competency == competency and q not in chosen
        ]
        if options:
            chosen.append(rng.choice(options))
    situational = [q for q in pool if q.kind == "situational"]
    return MockPlan(
        _by_id(mock_set, OPENING_ID),
        tuple(chosen),
        rng.choice(situational) if situational else None,
        _by_id(mock_set, CLOSING_ID),
    )


def _by_id(question_set: QuestionSet, question_id: str) -> Question:
    for question in question_set.questions:
        if question.id == question_id:
            return question
    raise QuestionSetError(f"{question_set.path}: the mock set needs a question '{question_id}'")


# -- the closing ----------------------------------------------------------------------------

GOOD_TOPICS: dict[str, str] = {
    "the team": r"\bteams?\b|colleagues|who (would|will) i (be )?work|culture|manager|supervisor",
    "training": r"\btrain|onboard|ramp up|learn the (product|tool|system)s?|shadow",
    "how success is measured": r"success|measured|measure|metrics?|kpis?|targets?|performance"
    r"|expectations|first (30|60|90|thirty|sixty|ninety) days",
    "the day-to-day": r"typical (day|shift|week)|day[ -]to[ -]day|a normal (day|shift)",
    "the challenges": r"challeng|hardest part|most difficult|biggest problem",
    "growth": r"\bgrow|career|progress|promot|develop",
    "the next steps": r"next steps?|hiring process|hear back|timeline",
}
"""Good questions at the close, by what they ask about."""
_GOOD = {name: re.compile(p) for name, p in GOOD_TOPICS.items()}
_SALARY = re.compile(
    r"salary|\bpay\b|\bpaid\b|wages?|compensation|\bmoney\b|how much (do|would|"
    r"will) (i|you)|bonus|benefits|vacation|time off|holidays"
)
_WHAT_COMPANY = re.compile(
    r"what (does|do) (the|this|your) (company|business) do|what (do|does)"
    r" you( guys)? (do|sell|make)|what the company does|what is (the|this"
    r"|your) company( about)?"
)
_NO_QUESTIONS = re.compile(
    r"(don't|do not|dont) (really )?have any( more| other)? questions"
    r"|no(pe)?,? (i think )?(that's|that is|you('ve| have)) (all|covered"
    r"|answered)|you('ve| have) (covered|answered) everything"
    r"|no questions|^no\b|^not really\b"
)
_WH = r"how|what|who|when|where|which|why"
_AUX = r"is|are|do|does|did|can|could|would|will|should"
_ASKING = re.compile(
    rf"(?:{_WH})\b|(?:{_AUX}) (?:there|you|i|we|the|your|people|new)\b"
    r"|i was wondering|i'?d like to know|i would like to know|i'?m curious"
    r"|i am curious|tell me (?:more )?about"
)
_SPLIT_QUESTIONS = re.compile(
    rf"(?=\b(?:{_WH})\b)|(?<=\band )(?=(?:{_AUX})\b)"
    rf"|(?<=\balso )(?=(?:{_AUX})\b)"
)
"""Transcripts often lack question marks: a question starts at a question word, or at a verb
after "and"/"also" ("...and is there training?")."""
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class ClosingVerdict:
    """How the candidate's questions at the close came across."""

    rating: str
    """``strong``, ``good`` or ``needs work``."""
    questions: int
    """Questions the candidate asked."""
    asked_about: tuple[str, ...]
    """Good topics asked about (keys of :data:`GOOD_TOPICS`), in the order asked."""
    concerns: tuple[str, ...]
    """``salary first``, ``asked what the company does``, ``no questions``."""
    feedback: str
    """One sentence for the candidate."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rating": self.rating,
            "questions": self.questions,
            "asked_about": list(self.asked_about),
            "concerns": list(self.concerns),
            "feedback": self.feedback,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClosingVerdict:
        """The verdict from its :meth:`to_dict` form.

        Raises:
            KeyError, TypeError: ``data`` is not a verdict's dict.
        """
        return cls(
            data["rating"],
            data["questions"],
            tuple(data.get("asked_about", ())),
            tuple(data.get("concerns", ())),
            data["feedback"],
        )


def judge_closing(transcript: str) -> ClosingVerdict:
    """Judge the answer to "Do you have any questions for us?".

    Args:
        transcript: What the candidate said.

    Returns:
        The verdict: strong with two or more good topics and no concern, good with one, needs
        work with none, with no questions, or when asking what the company does; asking about
        pay before anything else costs one level.
    """
    sentences = [s.strip().lower() for s in _SENTENCE.split(transcript.strip()) if s.strip()]
    asked = [q for s in sentences for q in _questions_in(s)]
    topics: list[str] = []
    for sentence in asked:
        topics.extend(t for t, p in _GOOD.items() if p.search(sentence) and t not in topics)
    concerns: list[str] = []
    if asked and _SALARY.search(asked[0]):
        concerns.append("salary first")
    if any(_WHAT_COMPANY.search(s) for s in sentences):
        concerns.append("asked what the company does")
    if not asked or (not topics and any(_NO_QUESTIONS.search(s) for s in sentences)):
        concerns.append("no questions")
    rating = _closing_rating(len(topics), concerns)
    return ClosingVerdict(
        rating,
        len(asked),
        tuple(topics),
        tuple(concerns),
        _closing_feedback(rating, topics, concerns),
    )


def _questions_in(sentence: str) -> list[str]:
    """The questions in one sentence: all of it when it ends with "?" and holds one question
    word at most, else each stretch from a question word to the next."""
    pieces = [p.strip() for p in _SPLIT_QUESTIONS.split(sentence) if p.strip()]
    asking = [p for p in pieces if _ASKING.match(p)]
    if sentence.endswith("?") and len(asking) <= 1:
        return [sentence]
    return asking


def _closing_rating(good: int, concerns: Sequence[str]) -> str:
    levels = ("needs work", "good", "strong")
    if "no questions" in concerns or "asked what the company does" in concerns:
        return levels[0]
    level = 2 if good >= 2 else 1 if good == 1 else 0
    if "salary first" in concerns:
        level = max(0, level - 1)
    return levels[level]


def _closing_feedback(rating: str, topics: Sequence[str], concerns: Sequence[str]) -> str:
    if "no questions" in concerns:
        return (
            "You had no questions: ask two or three, about the team, the training and how "
            "success is measured, to show real interest."
        )
    if "asked what the company does" in concerns:
        return (
            "Asking what the company does tells the interviewer you did not prepare: read up "
            "first and ask about the team or the training instead."
        )
    asked = ", ".join(topics) if topics else "nothing specific to the job"
    if "salary first" in concerns:
        return (
            f"You led with pay; ask about {asked if topics else 'the team and training'} "
            "first and leave pay for the offer stage."
        )
    if rating == "strong":
        return f"Good questions at the close: you asked about {asked}."
    if rating == "good":
        extra = next(
            t for t in ("how success is measured", "the team", "training") if t not in topics
        )
        return (
            f"You asked about {asked}; add one about {extra} to show you are already "
            "thinking about doing the job."
        )
    return (
        "Your questions did not touch the job itself: ask about the team, the training or "
        "how success is measured."
    )
