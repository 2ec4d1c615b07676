"""Question sets: the shipped TOML files, schema validation, lookup and the CLI command."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import starcoach.cli
from starcoach.core.errors import QuestionSetError
from starcoach.core.questions import (
    COMPETENCIES,
    KINDS,
    Question,
    QuestionSet,
    all_questions,
    find_question,
    find_set,
    load_question_set,
    load_question_sets,
)
from starcoach.storage.paths import QUESTION_DIR_ENV, question_dir

REPO_SETS = Path(__file__).resolve().parents[1] / "question_sets"

GOOD_QUESTION = """
[[questions]]
id = "{qid}"
text = "Tell me about a time you helped a customer."
competency = "empathy"
kind = "behavioral"
"""


def write_set(folder: Path, stem: str, body: str) -> Path:
    path = folder / f"{stem}.toml"
    path.write_text(body, encoding="utf-8")
    return path


def good_set(*ids: str, name: str = "Test set") -> str:
    return f'name = "{name}"\n' + "".join(GOOD_QUESTION.format(qid=qid) for qid in ids)


@pytest.fixture(autouse=True)
def no_dir_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QUESTION_DIR_ENV, raising=False)


@pytest.fixture
def shipped() -> list[QuestionSet]:
    return load_question_sets(REPO_SETS)


# --- shipped sets ---------------------------------------------------------------------------


def test_default_dir_finds_the_shipped_sets() -> None:
    # Either the repository folder (editable install) or its packaged copy.
    default_names = {p.name for p in question_dir().glob("*.toml")}
    assert default_names == {p.name for p in REPO_SETS.glob("*.toml")}
    default_ids = [s.id for s in load_question_sets(question_dir())]
    assert default_ids == [s.id for s in load_question_sets(REPO_SETS)]


def test_env_variable_overrides_default_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_set(tmp_path, "mine", good_set("only-one"))
    monkeypatch.setenv(QUESTION_DIR_ENV, str(tmp_path))
    assert question_dir() == tmp_path
    assert [s.id for s in load_question_sets(question_dir())] == ["mine"]


def test_shipped_sets_load_and_cover_the_brief(shipped: list[QuestionSet]) -> None:
    expected = {
        "core_beliefs",
        "behavioral",
        "problem_solving",
        "communication",
        "growth_mindset",
        "manager",
        "ask_the_interviewer",
    }
    assert {s.id for s in shipped} == expected
    for question_set in shipped:
        assert 6 <= len(question_set.questions) <= 15, question_set.id
        assert question_set.name and question_set.description
        assert all(q.set_id == question_set.id for q in question_set.questions)


def test_shipped_questions_are_well_formed(shipped: list[QuestionSet]) -> None:
    questions = all_questions(shipped)
    ids = [q.id for q in questions]
    assert len(ids) == len(set(ids))
    for question in questions:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", question.id)
        assert question.competency in COMPETENCIES
        assert question.kind in KINDS
        assert question.text.endswith(("?", ".")), question.id
        assert all(tip.strip() for tip in question.tips)
    assert {q.kind for q in questions} == set(KINDS)
    assert {q.competency for q in questions} == set(COMPETENCIES)


@pytest.mark.parametrize(
    "question_id",
    [
        "define-excellent-service",
        "above-and-beyond",
        "angry-customer",
        "high-pressure",
        "difficult-coworker",
        "client-misunderstanding",
        "constructive-criticism",
        "saying-no",
        "learning-new-software",
        "escalation",
        "other-departments",
        "mistake-you-made",
        "many-requests",
    ],
)
def test_classic_questions_are_shipped(shipped: list[QuestionSet], question_id: str) -> None:
    assert find_question(shipped, question_id).id == question_id


def test_behavioral_set_expects_star(shipped: list[QuestionSet]) -> None:
    behavioral = find_set(shipped, "behavioral")
    assert all(q.expects_star for q in behavioral.questions)
    open_question = find_question(shipped, "define-excellent-service")
    assert open_question.kind == "open" and not open_question.expects_star


def test_loaded_values_are_frozen_and_stripped(tmp_path: Path) -> None:
    body = good_set("q-one").replace('"Test set"', '"  Padded  "')
    body += 'tips = [" Breathe. "]\n'
    question_set = load_question_set(write_set(tmp_path, "padded", body))
    assert question_set.name == "Padded"
    assert question_set.description == ""
    assert question_set.questions[0].tips == ("Breathe.",)
    assert question_set.questions[0].follow_ups == ()
    with pytest.raises(AttributeError):
        question_set.questions[0].text = "changed"  # type: ignore[misc]


# --- validation: every error names file, question and key -------------------------------------

BASE = 'name = "Set"\n[[questions]]\n'
FIELDS = {
    "id": '"q-one"',
    "text": '"What is good service?"',
    "competency": '"empathy"',
    "kind": '"open"',
}


def question_body(**changes: str | None) -> str:
    fields = {**FIELDS, **changes}
    lines = [f"{key} = {value}" for key, value in fields.items() if value is not None]
    return BASE + "\n".join(lines) + "\n"


Q1 = "question 1 ('q-one')"
ONE_A = GOOD_QUESTION.format(qid="a")

# (case id, file body, expected fragments: question label or None, key or None, problem)
INVALID_CASES = [
    ("unknown-question-key", question_body(hint='"x"'), (Q1, "'hint'", "unknown key")),
    ("missing-text", question_body(text=None), (Q1, "'text'", "missing")),
    ("missing-id", question_body(id=None), ("question 1", "'id'", "missing")),
    ("missing-kind", question_body(kind=None), (Q1, "'kind'", "missing")),
    ("bad-kind", question_body(kind='"hypothetical"'), (Q1, "'kind'", "hypothetical")),
    ("bad-competency", question_body(competency='"charisma"'), (Q1, "'competency'", "charisma")),
    ("empty-text", question_body(text='"   "'), (Q1, "'text'", "empty")),
    ("text-not-string", question_body(text="42"), (Q1, "'text'", "integer")),
    ("tips-not-array", question_body(tips='"be calm"'), (Q1, "'tips'", "array")),
    ("tip-not-string", question_body(tips="[1]"), (Q1, "'tips'", "[0]")),
    ("empty-follow-up", question_body(follow_ups='[""]'), (Q1, "'follow_ups'", "empty")),
    ("bad-id", question_body(id='"Angry Customer"'), ("question 1", "'id'", "lower-case")),
    ("id-not-string", question_body(id="7"), ("question 1", "'id'", "integer")),
    (
        "duplicate-id-in-file",
        good_set("same", "other", "same"),
        ("question 3 ('same')", "'id'", "duplicate"),
    ),
    ("unknown-set-key", 'name = "S"\nauthor = "me"\n' + ONE_A, (None, "'author'", "unknown")),
    ("missing-name", ONE_A, (None, "'name'", "missing")),
    ("name-not-string", "name = 3\n" + ONE_A, (None, "'name'", "integer")),
    (
        "description-not-string",
        'name = "S"\ndescription = []\n' + ONE_A,
        (None, "'description'", "array"),
    ),
    ("no-questions", 'name = "Empty"\n', (None, "'questions'", "missing")),
    ("questions-empty", 'name = "Empty"\nquestions = []\n', (None, "'questions'", "non-empty")),
    ("question-not-table", 'name = "S"\nquestions = ["q"]\n', ("question 1", None, "table")),
    ("toml-syntax", 'name = "unterminated\n', (None, None, "invalid TOML")),
]


@pytest.mark.parametrize(
    ("body", "fragments"),
    [pytest.param(body, frags, id=case) for case, body, frags in INVALID_CASES],
)
def test_invalid_set_error_names_file_question_and_key(
    tmp_path: Path, body: str, fragments: tuple[str | None, str | None, str]
) -> None:
    path = write_set(tmp_path, "broken", body)
    with pytest.raises(QuestionSetError) as info:
        load_question_set(path)
    message = info.value.message
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        if fragment is not None:
            assert fragment in message, message
    if fragments[1] is not None:
        assert f"key {fragments[1]}" in message


def test_duplicate_id_across_sets_names_both_files(tmp_path: Path) -> None:
    write_set(tmp_path, "alpha", good_set("shared", "alpha-only"))
    beta = write_set(tmp_path, "beta", good_set("beta-only", "shared"))
    with pytest.raises(QuestionSetError) as info:
        load_question_sets(tmp_path)
    message = info.value.message
    assert message.startswith(f"{beta}: question 2 ('shared'): key 'id'")
    assert "alpha.toml" in message


@pytest.mark.parametrize(
    ("subdir", "fragment"),
    [
        pytest.param("missing", "not found", id="missing-dir"),
        pytest.param("", "no question sets", id="empty-dir"),
    ],
)
def test_unusable_directory(tmp_path: Path, subdir: str, fragment: str) -> None:
    with pytest.raises(QuestionSetError, match=fragment):
        load_question_sets(tmp_path / subdir)


def test_unreadable_file_is_a_question_set_error(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="cannot read"):
        load_question_set(tmp_path / "nope.toml")


def test_non_utf8_file_is_a_question_set_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(QuestionSetError, match="latin.toml"):
        load_question_set(path)


# --- lookup ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "expected_id", "expected_set"),
    [
        ("angry-customer", "angry-customer", "behavioral"),
        ("behavioral:angry-customer", "angry-customer", "behavioral"),
        ("  manager:team-morale ", "team-morale", "manager"),
        ("ask-next-steps", "ask-next-steps", "ask_the_interviewer"),
    ],
)
def test_find_question(
    shipped: list[QuestionSet], ref: str, expected_id: str, expected_set: str
) -> None:
    question = find_question(shipped, ref)
    assert isinstance(question, Question)
    assert (question.id, question.set_id) == (expected_id, expected_set)


@pytest.mark.parametrize(
    ("ref", "fragments"),
    [
        ("angry-custmer", ["unknown question 'angry-custmer'", "angry-customer"]),
        ("behavioral:team-morale", ["in set 'behavioral'", "unknown question 'team-morale'"]),
        ("nosuchset:angry-customer", ["unknown question set 'nosuchset'", "behavioral"]),
        ("zzzzzzzzzzzz", ["unknown question 'zzzzzzzzzzzz'", "starcoach questions"]),
    ],
)
def test_find_question_unknown(shipped: list[QuestionSet], ref: str, fragments: list[str]) -> None:
    with pytest.raises(QuestionSetError) as info:
        find_question(shipped, ref)
    for fragment in fragments:
        assert fragment in info.value.message


# --- CLI -------------------------------------------------------------------------------------


Cli = Callable[[list[str]], int]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``starcoach.cli.main`` with only this command registered (others may be unfinished)."""
    monkeypatch.setattr(starcoach.cli, "COMMAND_MODULES", ("questions",))
    return starcoach.cli.main


def test_cli_lists_sets(
    cli: Cli, capsys: pytest.CaptureFixture[str], shipped: list[QuestionSet]
) -> None:
    assert cli(["questions", "--dir", str(REPO_SETS)]) == 0
    out = capsys.readouterr().out
    for question_set in shipped:
        row = re.search(rf"^{question_set.id}\s+(\d+)\s+(.+)$", out, re.MULTILINE)
        assert row, question_set.id
        assert int(row.group(1)) == len(question_set.questions)
        assert row.group(2) == question_set.name
    assert max(len(line) for line in out.splitlines()) <= 80


def test_cli_lists_one_set(
    cli: Cli, capsys: pytest.CaptureFixture[str], shipped: list[QuestionSet]
) -> None:
    assert cli(["questions", "behavioral", "--dir", str(REPO_SETS)]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    for question in find_set(shipped, "behavioral").questions:
        assert re.search(
            rf"^{question.id}\s+{question.kind}\s+{question.competency}$", out, re.MULTILINE
        )
        assert question.text in flat
    assert max(len(line) for line in out.splitlines()) <= 80


def test_cli_uses_default_dir(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["questions"]) == 0
    assert "behavioral" in capsys.readouterr().out


def test_cli_json(cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write_set(tmp_path, "mine", good_set("first", "second", name="Mine"))
    assert cli(["questions", "--dir", str(tmp_path), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [(s["id"], s["name"], s["count"]) for s in listing] == [("mine", "Mine", 2)]
    assert cli(["questions", "mine", "--dir", str(tmp_path), "--json"]) == 0
    detail = json.loads(capsys.readouterr().out)
    assert [q["id"] for q in detail["questions"]] == ["first", "second"]
    assert detail["questions"][0]["expects_star"] is True


def test_cli_unknown_set_exits_2(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["questions", "nope", "--dir", str(REPO_SETS)]) == 2
    err = capsys.readouterr().err
    assert "unknown question set 'nope'" in err
    assert "behavioral" in err and "manager" in err


def test_cli_invalid_file_exits_2(
    cli: Cli, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_set(tmp_path, "bad", question_body(kind='"weird"'))
    assert cli(["questions", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "key 'kind'" in err
