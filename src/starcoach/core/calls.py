"""Call-center role-play scenarios, parsed from TOML and checked against a rubric.

Scenarios are the ``*.toml`` files of a folder (the shipped ones in ``question_sets/calls/``,
a subfolder, so the interview loader does not see them); ``rubric.toml`` in that folder is the
rubric (:mod:`starcoach.core.rubric_spec`), not a scenario. A scenario::

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from starcoach.core import toml_fields as fields
from starcoach.core.errors import QuestionSetError
from starcoach.core.rubric_spec import (
    Rubric,
    RubricExtension,
    extend_rubric,
    load_rubric,
    parse_banned,
    parse_items,
    parse_phrases,
)

__all__ = [
    "RUBRIC_FILE",
    "CustomerVoice",
    "RubricExtension",
    "Scenario",
    "Turn",
    "find_scenario",
    "load_rubric",
    "load_scenario",
    "load_scenarios",
]

RUBRIC_FILE = "rubric.toml"
"""Name of the rubric file inside a scenario folder (it is not a scenario)."""

_SCENARIO_KEYS = {"id": False, "name": True, "description": False, "company": False}
_SCENARIO_KEYS |= {"customer_voice": False, "turns": True, "rubric": False}
_TURN_KEYS = {"customer": True, "expect": False, "note": False}
_VOICE_KEYS = {"rate": False, "pitch": False, "voice": False}
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


def load_scenarios(directory: Path, rubric: Rubric | None = None) -> list[Scenario]:
    """Load every scenario in a directory, sorted by id.

    Args:
        directory: The folder to read (every ``*.toml`` but ``rubric.toml``);
            ``storage.paths.calls_dir()`` for the app's.
        rubric: The rubric that turns' ``expect`` refs are checked against; the folder's own
            ``rubric.toml`` when None (``storage.paths.rubric_file(folder)`` falls back to
            the default rubric for a folder without one).

    Returns:
        The scenarios.

    Raises:
        QuestionSetError: the directory is missing or empty, a file is invalid, an
            ``expect`` names an unknown item, or two scenarios share an id.
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise QuestionSetError(f"scenario directory not found: {folder}")
    paths = sorted(p for p in folder.glob("*.toml") if p.name != RUBRIC_FILE)
    if not paths:
        raise QuestionSetError(f"no call scenarios (*.toml) in {folder}")
    if rubric is None:
        rubric = load_rubric(folder / RUBRIC_FILE)
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
    data = fields.read_toml(path)
    fields.check_keys(data, _SCENARIO_KEYS, f"{path}: ")
    scenario_id = fields.identifier(data.get("id", path.stem), f"{path}: key 'id'")
    extension = _parse_extension(data.get("rubric", {}), rubric, path)
    merged = extend_rubric(rubric, extension)
    raw_turns = data["turns"]
    if not isinstance(raw_turns, list) or not raw_turns:
        raise QuestionSetError(f"{path}: key 'turns': expected a non-empty [[turns]] list")
    return Scenario(
        id=scenario_id,
        name=fields.required_text(data["name"], f"{path}: key 'name'"),
        description=fields.text(data.get("description", ""), f"{path}: key 'description'"),
        path=path,
        turns=tuple(_parse_turn(raw, i, path, merged) for i, raw in enumerate(raw_turns, 1)),
        company=fields.text(data.get("company", ""), f"{path}: key 'company'"),
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
    fields.check_keys(raw, _TURN_KEYS, f"{label}: ")
    expect = fields.strings(raw.get("expect", []), f"{label}: key 'expect'")
    for ref in expect:
        if ref not in rubric.refs:
            close = difflib.get_close_matches(ref, rubric.refs, n=3, cutoff=0.5)
            hint = f"; did you mean: {', '.join(close)}?" if close else ""
            raise QuestionSetError(f"{label}: key 'expect': unknown rubric item '{ref}'{hint}")
    return Turn(
        customer=fields.required_text(raw["customer"], f"{label}: key 'customer'"),
        expect=expect,
        note=fields.text(raw.get("note", ""), f"{label}: key 'note'"),
    )


def _parse_voice(raw: object, path: Path) -> CustomerVoice:
    label = f"{path}: key 'customer_voice'"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a table")
    fields.check_keys(raw, _VOICE_KEYS, f"{label}: ")
    rate = fields.bounded_int(raw.get("rate"), 60, 400, f"{label}: key 'rate'")
    pitch = fields.bounded_int(raw.get("pitch"), 0, 99, f"{label}: key 'pitch'")
    voice = raw.get("voice")
    return CustomerVoice(
        rate, pitch, None if voice is None else fields.required_text(voice, f"{label}: key 'voice'")
    )


def _parse_extension(raw: object, rubric: Rubric, path: Path) -> RubricExtension:
    label = f"{path}: [rubric]"
    if not isinstance(raw, dict):
        raise QuestionSetError(f"{label}: expected a table")
    fields.check_keys(raw, _EXTENSION_KEYS, f"{label}: ")
    items = parse_items(raw.get("items", []), f"{label}: ", allow_empty=True)
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
        phrases.append((ref, parse_phrases(patterns, f"{label}: key 'phrases.{ref}'")))
    banned = parse_banned(raw.get("banned", []), f"{label}: key 'banned'")
    return RubricExtension(items, tuple(phrases), banned)
