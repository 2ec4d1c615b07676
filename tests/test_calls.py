"""Call scenarios and rubric files: the shipped data, schema validation, and the CLI."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from starcoach.commands import calls as calls_command
from starcoach.core.calls import find_scenario, load_rubric, load_scenarios
from starcoach.core.errors import AppError, QuestionSetError
from starcoach.core.questions import load_question_sets
from starcoach.storage.paths import QUESTION_DIR_ENV, calls_dir, rubric_file

CALLS_DIR = Path(__file__).resolve().parents[1] / "question_sets" / "calls"
RUBRIC_PATH = CALLS_DIR / "rubric.toml"

GOOD = """
name = "Test call"
company = "Acme"
customer_voice = { rate = 170, pitch = 40 }
[[turns]]
customer = "Hello?"
expect = ["greeting", "empathy"]
[[turns]]
customer = "Bye."
expect = ["closing", "hold_etiquette.thanks"]
"""


@pytest.fixture(autouse=True)
def no_dir_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(QUESTION_DIR_ENV, raising=False)


def write(folder: Path, stem: str, body: str) -> Path:
    path = folder / f"{stem}.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- shipped data ---------------------------------------------------------------------------


def test_shipped_scenarios_cover_the_brief() -> None:
    scenarios = load_scenarios(CALLS_DIR)
    assert {s.id for s in scenarios} == {
        "late-delivery",
        "confused-caller",
        "billing-dispute",
        "cancellation",
        "technical-problem",
        "repeat-caller",
    }
    rubric_ids = {item.id for item in load_rubric(RUBRIC_PATH).items}
    for scenario in scenarios:
        assert len(scenario.turns) >= 4 and scenario.company and scenario.description
        assert scenario.customer_voice.rate is not None
        assert "greeting" in scenario.turns[0].expect
        assert "closing" in scenario.turns[-1].expect
        expected = {ref.partition(".")[0] for t in scenario.turns for ref in t.expect}
        assert expected <= rubric_ids


def test_default_rubric_has_the_brief_items() -> None:
    rubric = load_rubric(rubric_file())
    assert [i.id for i in rubric.items] == [
        "greeting",
        "empathy",
        "ownership",
        "next_steps",
        "hold_etiquette",
        "closing",
    ]
    greeting = rubric.resolve("greeting")[0]
    assert [c.id for c in greeting.checks] == ["company", "name", "offer"]
    assert greeting.where == "first" and rubric.resolve("closing")[0].where == "last"
    assert {"calm down", "that is not my job", "there is nothing ... i can do"} <= {
        b.phrase.source for b in rubric.banned
    }
    assert all(item.tip for item in rubric.items)


def test_default_dir_and_interview_loader_ignore_each_other() -> None:
    assert calls_dir().resolve() == CALLS_DIR.resolve()
    question_set_ids = {s.id for s in load_question_sets(CALLS_DIR.parent)}
    assert not question_set_ids & {"rubric", "late_delivery", "cancellation"}


def test_find_scenario_suggests() -> None:
    scenarios = load_scenarios(CALLS_DIR)
    assert find_scenario(scenarios, "cancellation").name
    with pytest.raises(QuestionSetError, match="did you mean: late-delivery"):
        find_scenario(scenarios, "late-delivry")


# --- a trainer's own folder -----------------------------------------------------------------


def test_own_folder_with_own_rubric(tmp_path: Path) -> None:
    write(tmp_path, "rubric", '[[items]]\nid = "smile"\ntitle = "Smile"\nphrases = ["happy to"]\n')
    write(tmp_path, "mine", 'name = "Mine"\n[[turns]]\ncustomer = "Hi"\nexpect = ["smile"]\n')
    (scenario,) = load_scenarios(tmp_path)
    assert scenario.id == "mine" and scenario.turns[0].expect == ("smile",)
    assert scenario.customer_voice.rate is None
    assert rubric_file(tmp_path) == tmp_path / "rubric.toml"


def test_own_folder_without_rubric_uses_the_default_rubric(tmp_path: Path) -> None:
    write(tmp_path, "mine", 'name = "Mine"\n[[turns]]\ncustomer = "Hi"\nexpect = ["empathy"]\n')
    assert rubric_file(tmp_path).resolve() == RUBRIC_PATH.resolve()
    (scenario,) = load_scenarios(tmp_path, load_rubric(rubric_file(tmp_path)))
    assert scenario.turns[0].expect == ("empathy",)
    with pytest.raises(QuestionSetError, match="rubric.toml: cannot read file"):
        load_scenarios(tmp_path)


def test_scenario_rubric_extension_is_parsed(tmp_path: Path) -> None:
    body = GOOD + (
        '[rubric]\nbanned = ["busy", { phrase = "not today", instead = "Say when." }]\n'
        'phrases = { empathy = ["oh dear"], "greeting.name" = ["the name is"] }\n'
        '[[rubric.items]]\nid = "spelling"\ntitle = "Spells it"\nphrases = ["spelled"]\n'
    )
    write(tmp_path, "ext", body.replace('"closing", ', '"closing", "spelling", '))
    (scenario,) = load_scenarios(tmp_path, load_rubric(RUBRIC_PATH))
    assert [b.phrase.source for b in scenario.rubric.banned] == ["busy", "not today"]
    assert scenario.rubric.banned[1].instead == "Say when."
    assert dict(scenario.rubric.phrases).keys() == {"empathy", "greeting.name"}
    assert scenario.rubric.items[0].id == "spelling"


# (case id, file body, expected message fragments)
INVALID: list[tuple[str, str, tuple[str, ...]]] = [
    ("bad-toml", "name = ", ("invalid TOML",)),
    ("missing-name", '[[turns]]\ncustomer = "x"\n', ("key 'name'", "missing")),
    ("unknown-key", GOOD + 'colour = "red"\n', ("key 'colour'", "unknown key")),
    ("no-turns", 'name = "x"\nturns = []\n', ("key 'turns'", "non-empty")),
    ("turn-no-customer", 'name = "x"\n[[turns]]\nexpect = []\n', ("turn 1", "key 'customer'")),
    (
        "turn-empty-customer",
        'name = "x"\n[[turns]]\ncustomer = " "\n',
        ("turn 1", "must not be empty"),
    ),
    (
        "turn-unknown-key",
        'name = "x"\n[[turns]]\ncustomer = "x"\nsay = 1\n',
        ("turn 1", "key 'say'"),
    ),
    (
        "unknown-expect",
        GOOD.replace('"greeting", "empathy"', '"greeting", "empthy"'),
        ("turn 1", "key 'expect'", "'empthy'", "did you mean: empathy"),
    ),
    (
        "unknown-check",
        GOOD.replace("hold_etiquette.thanks", "hold_etiquette.smile"),
        ("turn 2", "key 'expect'", "hold_etiquette.smile"),
    ),
    (
        "expect-not-list",
        'name = "x"\n[[turns]]\ncustomer = "x"\nexpect = "empathy"\n',
        ("turn 1", "array"),
    ),
    ("bad-id", 'id = "Late Delivery"\n' + GOOD, ("key 'id'", "lower-case")),
    (
        "voice-rate-range",
        GOOD.replace("rate = 170", "rate = 1000"),
        ("customer_voice", "key 'rate'"),
    ),
    (
        "voice-pitch-type",
        GOOD.replace("pitch = 40", 'pitch = "high"'),
        ("customer_voice", "key 'pitch'"),
    ),
    (
        "voice-unknown-key",
        GOOD.replace("pitch = 40", "speed = 3"),
        ("customer_voice", "key 'speed'"),
    ),
    ("rubric-unknown-key", GOOD + "[rubric]\nextra = 1\n", ("[rubric]", "key 'extra'")),
    (
        "rubric-bad-pattern",
        GOOD + '[rubric]\nbanned = ["... busy"]\n',
        ("[rubric]", "key 'banned'", "..."),
    ),
    (
        "rubric-phrases-multi-check-item",
        GOOD + '[rubric]\nphrases = { greeting = ["hi"] }\n',
        ("[rubric]", "key 'phrases'", "greeting"),
    ),
    (
        "rubric-item-clash",
        GOOD + '[[rubric.items]]\nid = "empathy"\ntitle = "E"\nphrases = ["x"]\n',
        ("[rubric]", "'empathy' already exists"),
    ),
]


@pytest.mark.parametrize(
    ("body", "fragments"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_invalid_scenarios(tmp_path: Path, body: str, fragments: tuple[str, ...]) -> None:
    path = write(tmp_path, "broken", body)
    with pytest.raises(QuestionSetError) as caught:
        load_scenarios(tmp_path, load_rubric(RUBRIC_PATH))
    message = caught.value.message
    assert str(path) in message and "\n" not in message
    for fragment in fragments:
        assert fragment in message


# (case id, rubric body, expected message fragments)
INVALID_RUBRICS: list[tuple[str, str, tuple[str, ...]]] = [
    ("no-items", "version = 1\n", ("key 'items'", "missing")),
    ("item-no-phrases", '[[items]]\nid = "a"\ntitle = "A"\n', ("item 1 ('a')", "phrases")),
    (
        "item-bad-where",
        '[[items]]\nid = "a"\ntitle = "A"\nwhere = "middle"\nphrases = ["x"]\n',
        ("key 'where'", "middle"),
    ),
    (
        "item-empty-phrases",
        '[[items]]\nid = "a"\ntitle = "A"\nphrases = []\n',
        ("key 'phrases'", "at least one"),
    ),
    ("item-dup", '[[items]]\nid = "a"\ntitle = "A"\nphrases = ["x"]\n' * 2, ("duplicate id",)),
    (
        "alt-contraction",
        '[[items]]\nid = "a"\ntitle = "A"\nphrases = ["i\'ll|we"]\n',
        ("alternative",),
    ),
    (
        "check-missing-title",
        '[[items]]\nid = "a"\ntitle = "A"\n[[items.checks]]\nid = "b"\nphrases = ["x"]\n',
        ("check 1", "key 'title'"),
    ),
    (
        "banned-bad-key",
        '[[items]]\nid = "a"\ntitle = "A"\nphrases = ["x"]\n[banned]\nwords = []\n',
        ("[banned]", "key 'words'"),
    ),
]


@pytest.mark.parametrize(
    ("body", "fragments"),
    [case[1:] for case in INVALID_RUBRICS],
    ids=[case[0] for case in INVALID_RUBRICS],
)
def test_invalid_rubrics(tmp_path: Path, body: str, fragments: tuple[str, ...]) -> None:
    path = write(tmp_path, "rubric", body)
    with pytest.raises(QuestionSetError) as caught:
        load_rubric(path)
    assert str(path) in caught.value.message
    for fragment in fragments:
        assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [("missing", "not found"), ("empty", "no call scenarios"), ("dup", "duplicate scenario id")],
)
def test_folder_errors(tmp_path: Path, setup: str, fragment: str) -> None:
    folder = tmp_path / "calls"
    if setup != "missing":
        folder.mkdir()
    if setup == "dup":
        write(folder, "a", 'id = "same"\n' + GOOD)
        write(folder, "b", 'id = "same"\n' + GOOD)
    with pytest.raises(QuestionSetError, match=fragment):
        load_scenarios(folder, load_rubric(RUBRIC_PATH))


# --- CLI ------------------------------------------------------------------------------------


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    calls_command.add_parser(parser.add_subparsers())
    args = parser.parse_args(["calls", *argv])
    return int(args.handler(args))


def test_cli_lists_and_shows(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--dir", str(CALLS_DIR)) == 0
    listing = capsys.readouterr().out
    assert "late-delivery" in listing and "repeat-caller" in listing
    assert run_cli("billing-dispute", "--dir", str(CALLS_DIR), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "billing-dispute" and data["turns"][0]["expect"][0] == "greeting"


def test_cli_evaluates_written_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "Thank you for calling Parcelly, my name is Sam, how can I help?\n"
        "I'm sorry to hear that. I'll find your parcel.\n\n"
        "Calm down, may I place you on hold?\n",
        encoding="utf-8",
    )
    assert run_cli("late-delivery", "--evaluate", str(answers), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    met = {item["id"]: item["met"] for item in data["items"]}
    assert met["greeting"] and met["empathy"] and met["ownership"] and not met["closing"]
    assert [(b["text"], b["turn"]) for b in data["banned"]] == [("Calm down", 1)]
    assert 0.0 < data["score"] < 1.0
    assert run_cli("late-delivery", "--evaluate", str(answers)) == 0
    assert "Call score" in capsys.readouterr().out
    answers.write_text("\n\n".join(["x"] * 9), encoding="utf-8")
    with pytest.raises(AppError, match="9 answers"):
        run_cli("late-delivery", "--evaluate", str(answers))
