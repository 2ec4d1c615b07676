"""Interview question sets: TOML files parsed into frozen dataclasses.

A set is one ``*.toml`` file; its id is the file stem. The format::

    name = "Behavioral classics"
    description = "..."              # optional
    [[questions]]
    id = "angry-customer"            # unique across all sets
    text = "Tell me about a time you handled an angry customer."
    competency = "patience"          # one of COMPETENCIES
    kind = "behavioral"              # one of KINDS
    tips = ["..."]                   # optional
    follow_ups = ["..."]             # optional

Every schema problem raises :class:`QuestionSetError` with a one-line message that
names the file, the question (index and id) and the key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from starcoach.core import toml_fields as fields
from starcoach.core.analysis.engine import QuestionRef
from starcoach.core.errors import QuestionSetError

COMPETENCIES: tuple[str, ...] = (
    "empathy",
    "communication",
    "problem-solving",
    "patience",
    "adaptability",
    "product knowledge",
    "time management",
    "teamwork",
    "leadership",
)
"""The competencies a question can assess."""

KINDS: tuple[str, ...] = ("behavioral", "open", "situational")
"""Question kinds; only ``behavioral`` answers are expected to follow STAR."""

_ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ID_RULE = "must use lower-case letters, digits and hyphens"
_SET_KEYS = {"name": True, "description": False, "questions": True}
_QUESTION_KEYS = {
    "id": True,
    "text": True,
    "competency": True,
    "kind": True,
    "tips": False,
    "follow_ups": False,
}
"""Allowed keys mapped to whether they are required."""


@dataclass(frozen=True)
class Question:
    """One interview question."""

    id: str
    """Unique id across all sets: lower-case letters, digits and hyphens."""
    text: str
    """The question as the interviewer asks it."""
    competency: str
    """What the question assesses; one of ``COMPETENCIES``."""
    kind: str
    """``behavioral``, ``open`` or ``situational``."""
    tips: tuple[str, ...] = ()
    """Advice for answering, shown before or after the answer."""
    follow_ups: tuple[str, ...] = ()
    """Follow-up questions an interviewer might ask next."""
    set_id: str = ""
    """Id (file stem) of the set the question comes from."""

    @property
    def expects_star(self) -> bool:
        """True when a good answer tells a Situation-Task-Action-Result story."""
        return self.kind == "behavioral"

    def ref(self) -> QuestionRef:
        """What the analysis engine needs to know of the question."""
        return QuestionRef(
            text=self.text,
            id=self.id,
            behavioral=self.expects_star,
            kind=self.kind,
            competency=self.competency,
            set_id=self.set_id,
        )


@dataclass(frozen=True)
class QuestionSet:
    """The questions of one TOML file."""

    id: str
    """The file stem, e.g. ``behavioral``."""
    name: str
    """Human-readable title."""
    description: str
    """One-line summary; may be empty."""
    path: Path
    """The file the set was loaded from."""
    questions: tuple[Question, ...]
    """Questions in file order."""


def load_question_sets(directory: Path) -> list[QuestionSet]:
    """Load every ``*.toml`` set in a directory, sorted by set id.

    Args:
        directory: The directory to read (``storage.paths.question_dir()`` for the app's).

    Returns:
        The sets, sorted by id.

    Raises:
        QuestionSetError: the directory is missing or empty, a file is invalid, or
            two sets share a question id.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise QuestionSetError(f"question set directory not found: {folder}")
    paths = sorted(folder.glob("*.toml"))
    if not paths:
        raise QuestionSetError(f"no question sets (*.toml) in {folder}")
    sets = [load_question_set(path) for path in paths]
    _check_unique_across(sets)
    return sets


def load_question_set(path: Path) -> QuestionSet:
    """Load and validate one question-set file.

    Args:
        path: A ``.toml`` file.

    Returns:
        The parsed set; its id is the file stem.

    Raises:
        QuestionSetError: the file cannot be read, is not valid TOML, or breaks the schema.
    """
    path = Path(path)
    data = fields.read_toml(path)
    fields.check_keys(data, _SET_KEYS, f"{path}: ")
    name = fields.required_text(data["name"], f"{path}: key 'name'")
    description = fields.text(data.get("description", ""), f"{path}: key 'description'")
    raw_questions = data["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise QuestionSetError(f"{path}: key 'questions': expected a non-empty [[questions]] list")
    questions = tuple(
        _parse_question(raw, index, path) for index, raw in enumerate(raw_questions, start=1)
    )
    _check_unique_within(questions, path)
    return QuestionSet(path.stem, name, description, path, questions)


def find_set(sets: Sequence[QuestionSet], set_id: str) -> QuestionSet:
    """The set with id ``set_id``.

    Raises:
        QuestionSetError: no such set; the message lists the available ones.
    """
    for question_set in sets:
        if question_set.id == set_id:
            return question_set
    available = ", ".join(s.id for s in sets) or "none"
    raise QuestionSetError(f"unknown question set '{set_id}'; available: {available}")


def find_question(sets: Sequence[QuestionSet], ref: str) -> Question:
    """Look up a question by ``id`` or ``set:id``.

    Args:
        sets: The loaded sets.
        ref: A question id, or a set id and question id joined by a colon.

    Returns:
        The question.

    Raises:
        QuestionSetError: the set or question is unknown; the message suggests close ids.
    """
    set_id, _, question_id = ref.strip().rpartition(":")
    pool = [find_set(sets, set_id)] if set_id else list(sets)
    for question_set in pool:
        for question in question_set.questions:
            if question.id == question_id:
                return question
    where = f" in set '{set_id}'" if set_id else ""
    candidates = [q.id for s in pool for q in s.questions]
    close = difflib.get_close_matches(question_id, candidates, n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see 'starcoach questions'"
    raise QuestionSetError(f"unknown question '{question_id}'{where}{hint}")


def all_questions(sets: Iterable[QuestionSet]) -> list[Question]:
    """Every question of every set, in set order then file order."""
    return [question for question_set in sets for question in question_set.questions]


def _parse_question(raw: object, index: int, path: Path) -> Question:
    label = f"{path}: question {index}"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a [[questions]] table")
    raw_id = raw.get("id")
    if isinstance(raw_id, str) and raw_id:
        label = f"{label} ('{raw_id}')"
    fields.check_keys(raw, _QUESTION_KEYS, f"{label}: ")
    question_id = fields.identifier(raw["id"], f"{label}: key 'id'", _ID_PATTERN, _ID_RULE)
    return Question(
        id=question_id,
        text=fields.required_text(raw["text"], f"{label}: key 'text'"),
        competency=fields.choice(raw["competency"], COMPETENCIES, f"{label}: key 'competency'"),
        kind=fields.choice(raw["kind"], KINDS, f"{label}: key 'kind'"),
        tips=fields.strings(raw.get("tips", []), f"{label}: key 'tips'"),
        follow_ups=fields.strings(raw.get("follow_ups", []), f"{label}: key 'follow_ups'"),
        set_id=path.stem,
    )


def _check_unique_within(questions: Sequence[Question], path: Path) -> None:
    seen: dict[str, int] = {}
    for index, question in enumerate(questions, start=1):
        if question.id in seen:
            raise QuestionSetError(
                f"{path}: question {index} ('{question.id}'): key 'id': duplicate id "
                f"(also question {seen[question.id]})"
            )
        seen[question.id] = index


def _check_unique_across(sets: Sequence[QuestionSet]) -> None:
    owner: dict[str, QuestionSet] = {}
    for question_set in sets:
        for index, question in enumerate(question_set.questions, start=1):
            first = owner.setdefault(question.id, question_set)
            if first is not question_set:
                raise QuestionSetError(
                    f"{question_set.path}: question {index} ('{question.id}'): key 'id': "
                    f"duplicate id (also in {first.path.name})"
                )
