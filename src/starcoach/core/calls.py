"""Call-center practice data: role-play scenarios and rubrics, parsed from TOML.

Scenarios live in ``question_sets/calls/*.toml`` (a subfolder, so the interview loader
does not see them); the default rubric is ``question_sets/calls/rubric.toml``. A scenario::

    id = "late-delivery"                      # optional; the file stem by default
    name = "Angry customer: late delivery"
    description = "..."                       # optional
    company = "Parcelly"                      # optional; the company the trainee works for
    customer_voice = { rate = 175, pitch = 40 }   # optional TTS hints (also: voice = "...")
    [[turns]]
    customer = "I've been waiting two weeks for my order!"
    expect = ["greeting", "empathy", "hold_etiquette.permission"]   # items or item.check
    note = "..."                              # optional hint for the trainee
    [rubric]                                  # optional: extends the rubric for this call
    banned = ["we are very busy"]             # or tables { phrase = "...", instead = "..." }
    phrases = { empathy = ["that is a lot of waiting"] }   # extra patterns per item/check
    [[rubric.items]]                          # extra items, same schema as rubric.toml

Every schema problem raises :class:`QuestionSetError` naming the file, the turn or item
and the key.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from starcoach.core.errors import QuestionSetError
from starcoach.core.phrases import Phrase, parse_phrase
from starcoach.core.questions import default_question_dir
from starcoach.core.rubric import (
    BannedPhrase,
    Check,
    Rubric,
    RubricExtension,
    RubricItem,
    extend_rubric,
)

RUBRIC_FILE = "rubric.toml"
"""Name of the rubric file inside the scenario directory."""
WHERE = ("any", "first", "last")
"""In which answers of a call an item counts."""
REQUIRE = ("all", "any")
"""Whether an item needs all of its checks or any one."""

_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_SCENARIO_KEYS = {"id": False, "name": True, "description": False, "company": False}
_SCENARIO_KEYS |= {"customer_voice": False, "turns": True, "rubric": False}
_TURN_KEYS = {"customer": True, "expect": False, "note": False}
_VOICE_KEYS = {"rate": False, "pitch": False, "voice": False}
_ITEM_KEYS = {"id": True, "title": True, "description": False, "tip": False, "where": False}
_ITEM_KEYS |= {"require": False, "phrases": False, "exclude": False, "checks": False}
_CHECK_KEYS = {"id": True, "title": True, "tip": False, "phrases": True, "exclude": False}
_RUBRIC_KEYS = {"version": False, "items": True, "banned": False}
_BANNED_KEYS = {"tip": False, "exclude": False, "phrases": False}
_EXTENSION_KEYS = {"banned": False, "phrases": False, "items": False}
"""Allowed keys mapped to whether they are required."""


@dataclass(frozen=True)
class CustomerVoice:
    """Text-to-speech hints for the customer (a different voice from the interviewer)."""

    rate: int | None = None
    """Words per minute."""
    pitch: int | None = None
    """espeak-style pitch, 0..99."""
    voice: str | None = None
    """A voice name or id, when the trainer wants a specific one."""


@dataclass(frozen=True)
class Turn:
    """One customer line and what the trainee's answer should show."""

    customer: str
    """What the customer says."""
    expect: tuple[str, ...] = ()
    """Rubric refs (``item`` or ``item.check``) the answer should meet."""
    note: str = ""
    """Optional hint for the trainee."""


@dataclass(frozen=True)
class Scenario:
    """One role-play call."""

    id: str
    """Unique id."""
    name: str
    """Human-readable title."""
    description: str
    """Situation summary; may be empty."""
    path: Path
    """The file it was loaded from."""
    turns: tuple[Turn, ...]
    """Customer turns in order."""
    company: str = ""
    """The company the trainee answers for; may be empty."""
    customer_voice: CustomerVoice = field(default_factory=CustomerVoice)
    """TTS hints for the customer."""
    rubric: RubricExtension = field(default_factory=RubricExtension)
    """Scenario-specific rubric additions."""


def default_calls_dir() -> Path:
    """``calls/`` inside the question-set directory (honours ``$STARCOACH_QUESTION_DIR``)."""
    return default_question_dir() / "calls"


def load_rubric(path: Path | None = None) -> Rubric:
    """Load a rubric file.

    Args:
        path: A rubric TOML file; ``default_calls_dir() / "rubric.toml"`` when None.

    Returns:
        The rubric.

    Raises:
        QuestionSetError: the file is missing, not TOML, or breaks the schema.
    """
    path = default_calls_dir() / RUBRIC_FILE if path is None else Path(path)
    data = _read_toml(path)
    _check_keys(data, _RUBRIC_KEYS, f"{path}: ")
    items = _parse_items(data["items"], f"{path}: ")
    banned_table = data.get("banned", {})
    if not isinstance(banned_table, dict):
        raise QuestionSetError(f"{path}: key 'banned': expected a table")
    _check_keys(banned_table, _BANNED_KEYS, f"{path}: [banned]: ")
    return Rubric(
        items=items,
        banned=_parse_banned(banned_table.get("phrases", []), f"{path}: [banned]: key 'phrases'"),
        banned_exclude=_phrases(
            banned_table.get("exclude", []), f"{path}: [banned]: key 'exclude'"
        ),
        banned_tip=_text(banned_table.get("tip", ""), f"{path}: [banned]: key 'tip'"),
    )


def load_scenarios(directory: Path | None = None, rubric: Rubric | None = None) -> list[Scenario]:
    """Load every scenario in a directory, sorted by id.

    Args:
        directory: The folder to read (every ``*.toml`` but ``rubric.toml``);
            ``default_calls_dir()`` when None.
        rubric: The rubric that turns' ``expect`` refs are checked against; the folder's
            ``rubric.toml`` when None, or the default rubric when the folder has none.

    Returns:
        The scenarios.

    Raises:
        QuestionSetError: the directory is missing or empty, a file is invalid, an
            ``expect`` names an unknown item, or two scenarios share an id.
    """
    folder = default_calls_dir() if directory is None else Path(directory)
    if not folder.is_dir():
        raise QuestionSetError(f"scenario directory not found: {folder}")
    paths = sorted(p for p in folder.glob("*.toml") if p.name != RUBRIC_FILE)
    if not paths:
        raise QuestionSetError(f"no call scenarios (*.toml) in {folder}")
    if rubric is None:
        own = folder / RUBRIC_FILE
        rubric = load_rubric(own if own.is_file() else None)
    scenarios = sorted((load_scenario(p, rubric) for p in paths), key=lambda s: s.id)
    seen: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.id in seen:
            raise QuestionSetError(
                f"{scenario.path}: key 'id': duplicate scenario id '{scenario.id}' "
                f"(also in {seen[scenario.id].name})"
            )
        seen[scenario.id] = scenario.path
    return scenarios


def load_scenario(path: Path, rubric: Rubric) -> Scenario:
    """Load and validate one scenario file against ``rubric``.

    Raises:
        QuestionSetError: the file cannot be read, is not TOML, or breaks the schema.
    """
    path = Path(path)
    data = _read_toml(path)
    _check_keys(data, _SCENARIO_KEYS, f"{path}: ")
    scenario_id = _text(data.get("id", path.stem), f"{path}: key 'id'")
    if not _ID.fullmatch(scenario_id):
        raise QuestionSetError(
            f"{path}: key 'id': '{scenario_id}' must use lower-case letters, digits, - and _"
        )
    extension = _parse_extension(data.get("rubric", {}), rubric, path)
    merged = extend_rubric(rubric, extension)
    raw_turns = data["turns"]
    if not isinstance(raw_turns, list) or not raw_turns:
        raise QuestionSetError(f"{path}: key 'turns': expected a non-empty [[turns]] list")
    return Scenario(
        id=scenario_id,
        name=_required(data["name"], f"{path}: key 'name'"),
        description=_text(data.get("description", ""), f"{path}: key 'description'"),
        path=path,
        turns=tuple(_parse_turn(raw, i, path, merged) for i, raw in enumerate(raw_turns, 1)),
        company=_text(data.get("company", ""), f"{path}: key 'company'"),
        customer_voice=_parse_voice(data.get("customer_voice", {}), path),
        rubric=extension,
    )


def find_scenario(scenarios: Sequence[Scenario], scenario_id: str) -> Scenario:
    """The scenario with id ``scenario_id``.

    Raises:
        QuestionSetError: no such scenario; the message suggests close ids.
    """
    for scenario in scenarios:
        if scenario.id == scenario_id:
            return scenario
    ids = [s.id for s in scenarios]
    close = difflib.get_close_matches(scenario_id, ids, n=3, cutoff=0.5)
    hint = f"did you mean: {', '.join(close)}?" if close else f"available: {', '.join(ids)}"
    raise QuestionSetError(f"unknown call scenario '{scenario_id}'; {hint}")


def _parse_turn(raw: object, index: int, path: Path, rubric: Rubric) -> Turn:
    label = f"{path}: turn {index}"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a [[turns]] table")
    _check_keys(raw, _TURN_KEYS, f"{label}: ")
    expect = _strings(raw.get("expect", []), f"{label}: key 'expect'")
    for ref in expect:
        if ref not in rubric.refs:
            close = difflib.get_close_matches(ref, rubric.refs, n=3, cutoff=0.5)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise QuestionSetError(f"{label}: key 'expect': unknown rubric item '{ref}'{hint}")
    return Turn(
        customer=_required(raw["customer"], f"{label}: key 'customer'"),
        expect=expect,
        note=_text(raw.get("note", ""), f"{label}: key 'note'"),
    )


def _parse_voice(raw: object, path: Path) -> CustomerVoice:
    label = f"{path}: key 'customer_voice'"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a table")
    _check_keys(raw, _VOICE_KEYS, f"{label}: ")
    rate = _int(raw.get("rate"), 60, 400, f"{label}: key 'rate'")
    pitch = _int(raw.get("pitch"), 0, 99, f"{label}: key 'pitch'")
    voice = raw.get("voice")
    return CustomerVoice(
        rate, pitch, None if voice is None else _required(voice, f"{label}: key 'voice'")
    )


def _parse_extension(raw: object, rubric: Rubric, path: Path) -> RubricExtension:
    label = f"{path}: [rubric]"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a table")
    _check_keys(raw, _EXTENSION_KEYS, f"{label}: ")
    items = _parse_items(raw.get("items", []), f"{label}: ", allow_empty=True)
    clash = {i.id for i in rubric.items} & {i.id for i in items}
    if clash:
        raise QuestionSetError(f"{label}: key 'items': item '{sorted(clash)[0]}' already exists")
    known = Rubric(rubric.items + items)
    phrases_table = raw.get("phrases", {})
    if not isinstance(phrases_table, dict):
        raise QuestionSetError(f"{label}: key 'phrases': expected a table of pattern arrays")
    phrases = []
    for ref, patterns in phrases_table.items():
        single = ref in {i.id for i in known.items if len(i.checks) == 1}
        if not single and (ref not in known.refs or "." not in ref):
            raise QuestionSetError(
                f"{label}: key 'phrases': '{ref}' is not a single-check item or an item.check ref"
            )
        phrases.append((ref, _phrases(patterns, f"{label}: key 'phrases.{ref}'")))
    banned = _parse_banned(raw.get("banned", []), f"{label}: key 'banned'")
    return RubricExtension(items, tuple(phrases), banned)


def _parse_items(raw: object, prefix: str, allow_empty: bool = False) -> tuple[RubricItem, ...]:
    if not isinstance(raw, list) or (not raw and not allow_empty):
        raise QuestionSetError(f"{prefix}key 'items': expected a non-empty [[items]] list")
    items = tuple(_parse_item(entry, index, prefix) for index, entry in enumerate(raw, 1))
    ids = [item.id for item in items]
    for item_id in ids:
        if ids.count(item_id) > 1:
            raise QuestionSetError(f"{prefix}item '{item_id}': key 'id': duplicate id")
    return items


def _parse_item(raw: object, index: int, prefix: str) -> RubricItem:
    label = f"{prefix}item {index}"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected an [[items]] table")
    label = f"{prefix}item {index} ('{raw.get('id')}')"
    _check_keys(raw, _ITEM_KEYS, f"{label}: ")
    item_id = _identifier(raw["id"], f"{label}: key 'id'")
    title = _required(raw["title"], f"{label}: key 'title'")
    tip = _text(raw.get("tip", ""), f"{label}: key 'tip'")
    if ("checks" in raw) == ("phrases" in raw):
        raise QuestionSetError(f"{label}: key 'phrases': give either 'phrases' or [[checks]]")
    if "phrases" in raw:
        exclude = _phrases(raw.get("exclude", []), f"{label}: key 'exclude'")
        checks: tuple[Check, ...] = (
            Check(
                item_id,
                title,
                _phrases(raw["phrases"], f"{label}: key 'phrases'", True),
                tip,
                exclude,
            ),
        )
    else:
        checks = _parse_checks(raw["checks"], label)
    return RubricItem(
        id=item_id,
        title=title,
        description=_text(raw.get("description", ""), f"{label}: key 'description'"),
        tip=tip,
        checks=checks,
        where=_choice(raw.get("where", "any"), WHERE, f"{label}: key 'where'"),
        require=_choice(raw.get("require", "all"), REQUIRE, f"{label}: key 'require'"),
    )


def _parse_checks(raw: object, item_label: str) -> tuple[Check, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionSetError(f"{item_label}: key 'checks': expected a non-empty [[checks]] list")
    checks = []
    for index, entry in enumerate(raw, 1):
        label = f"{item_label}: check {index}"
        if not isinstance(entry, dict):
            raise QuestionSetError(f"{label}: expected a [[checks]] table")
        _check_keys(entry, _CHECK_KEYS, f"{label}: ")
        checks.append(
            Check(
                id=_identifier(entry["id"], f"{label}: key 'id'"),
                title=_required(entry["title"], f"{label}: key 'title'"),
                phrases=_phrases(entry["phrases"], f"{label}: key 'phrases'", True),
                tip=_text(entry.get("tip", ""), f"{label}: key 'tip'"),
                exclude=_phrases(entry.get("exclude", []), f"{label}: key 'exclude'"),
            )
        )
    if len({c.id for c in checks}) != len(checks):
        raise QuestionSetError(f"{item_label}: key 'checks': duplicate check id")
    return tuple(checks)


def _parse_banned(raw: object, label: str) -> tuple[BannedPhrase, ...]:
    if not isinstance(raw, list):
        raise QuestionSetError(f"{label}: expected an array")
    banned = []
    for index, entry in enumerate(raw):
        if isinstance(entry, dict):
            _check_keys(entry, {"phrase": True, "instead": False}, f"{label}[{index}]: ")
            pattern, instead = entry["phrase"], entry.get("instead", "")
        else:
            pattern, instead = entry, ""
        phrase = _phrases([pattern], f"{label}[{index}]")[0]
        banned.append(BannedPhrase(phrase, _text(instead, f"{label}[{index}]: key 'instead'")))
    return tuple(banned)


def _phrases(raw: object, label: str, required: bool = False) -> tuple[Phrase, ...]:
    patterns = _strings(raw, label)
    if required and not patterns:
        raise QuestionSetError(f"{label}: must list at least one pattern")
    try:
        return tuple(parse_phrase(pattern) for pattern in patterns)
    except ValueError as exc:
        raise QuestionSetError(f"{label}: {exc}") from exc


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionSetError(f"{path}: invalid TOML: {' '.join(str(exc).split())}") from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(f"{path}: invalid TOML: not UTF-8 text") from exc


def _check_keys(table: Mapping[str, object], allowed: Mapping[str, bool], prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise QuestionSetError(
                f"{prefix}key '{key}': unknown key (expected: {', '.join(allowed)})"
            )
    for key, required in allowed.items():
        if required and key not in table:
            raise QuestionSetError(f"{prefix}key '{key}': missing required key")


def _text(value: object, label: str) -> str:
    if not isinstance(value, str):
        raise QuestionSetError(f"{label}: expected a string, got {type(value).__name__}")
    return value.strip()


def _required(value: object, label: str) -> str:
    text = _text(value, label)
    if not text:
        raise QuestionSetError(f"{label}: must not be empty")
    return text


def _identifier(value: object, label: str) -> str:
    text = _required(value, label)
    if not _ID.fullmatch(text):
        raise QuestionSetError(f"{label}: '{text}' must use lower-case letters, digits, - and _")
    return text


def _choice(value: object, options: tuple[str, ...], label: str) -> str:
    text = _text(value, label)
    if text not in options:
        raise QuestionSetError(f"{label}: '{text}' is not one of: {', '.join(options)}")
    return text


def _strings(value: object, label: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise QuestionSetError(f"{label}: expected an array of strings, got {type(value).__name__}")
    return tuple(_required(item, f"{label}[{i}]") for i, item in enumerate(value))


def _int(value: object, low: int, high: int, label: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QuestionSetError(f"{label}: expected an integer from {low} to {high}")
    return value
