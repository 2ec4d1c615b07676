"""What a call-center rubric asks for, and the parser for rubric TOML.

A rubric (``question_sets/calls/rubric.toml``) lists items (greeting, empathy, ownership,
...), each met through one or more checks, plus banned phrases. A check is met when one of
its phrase patterns (:mod:`starcoach.core.phrases`) occurs in an answer; a scenario may
extend the rubric (:class:`RubricExtension`). :mod:`starcoach.core.rubric` evaluates answers
against it. The file format::

    version = 1                               # optional
    [[items]]
    id = "empathy"
    title = "Empathy"
    description = "..."                       # optional
    tip = "..."                               # optional; shown when the item is not met
    where = "any"                             # any | first | last answer of the call
    phrases = ["i understand", "sorry to hear"]   # or [[items.checks]] with their own phrases
    exclude = ["..."]                         # optional; matches that cancel a phrase
    [[items.checks]]                          # instead of phrases: id, title, phrases, tip
    [banned]
    phrases = ["calm down", { phrase = "...", instead = "..." }]
    exclude = ["if you need to"]
    tip = "..."

Every schema problem raises :class:`QuestionSetError` naming the file, the item or check
and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from starcoach.core import toml_fields as fields
from starcoach.core.errors import QuestionSetError
from starcoach.core.phrases import Phrase, parse_phrase

WHERE = ("any", "first", "last")
"""In which answers of a call an item counts."""
REQUIRE = ("all", "any")
"""Whether an item needs all of its checks or any one."""

_ITEM_KEYS = {"id": True, "title": True, "description": False, "tip": False, "where": False}
_ITEM_KEYS |= {"require": False, "phrases": False, "exclude": False, "checks": False}
_CHECK_KEYS = {"id": True, "title": True, "tip": False, "phrases": True, "exclude": False}
_RUBRIC_KEYS = {"version": False, "items": True, "banned": False}
_BANNED_KEYS = {"tip": False, "exclude": False, "phrases": False}
"""Allowed keys mapped to whether they are required."""


@dataclass(frozen=True)
class Check:
    """One sub-check of a rubric item, e.g. the greeting's 'says your name'."""

    id: str
    """Id, unique within its item."""
    title: str
    """Short label."""
    phrases: tuple[Phrase, ...]
    """Any one of these patterns meets the check."""
    tip: str = ""
    """Advice shown when the check is not met."""
    exclude: tuple[Phrase, ...] = ()
    """Patterns whose matches cancel an overlapping phrase match."""


@dataclass(frozen=True)
class RubricItem:
    """One thing a good call shows: greeting, empathy, ownership, ..."""

    id: str
    """Id used in a turn's ``expect``."""
    title: str
    """Short label."""
    description: str
    """What the item is about."""
    tip: str
    """Advice shown when the item is not met."""
    checks: tuple[Check, ...]
    """Sub-checks; an item written with top-level ``phrases`` has one, named like the item."""
    where: str = "any"
    """``first``: counts only in the first answer of a call; ``last``: only in the last."""
    require: str = "all"
    """``all`` checks or ``any`` one of them."""


@dataclass(frozen=True)
class BannedPhrase:
    """A phrase an agent must not say."""

    phrase: Phrase
    """The pattern."""
    instead: str = ""
    """What to say instead; may be empty."""


@dataclass(frozen=True)
class Rubric:
    """Items to look for and phrases to avoid."""

    items: tuple[RubricItem, ...]
    """Items in file order."""
    banned: tuple[BannedPhrase, ...] = ()
    """Banned phrases (never negation-checked: "I won't tell you to calm down" still counts)."""
    banned_exclude: tuple[Phrase, ...] = ()
    """Patterns whose matches cancel a banned match ("if you need to")."""
    banned_tip: str = ""
    """General advice shown with banned phrases."""

    @property
    def refs(self) -> tuple[str, ...]:
        """Every id a turn may expect: item ids and ``item.check`` ids."""
        refs = [item.id for item in self.items]
        refs += [
            f"{item.id}.{c.id}" for item in self.items if len(item.checks) > 1 for c in item.checks
        ]
        return tuple(refs)

    def resolve(self, ref: str) -> tuple[RubricItem, tuple[Check, ...]]:
        """The item and the checks that ``ref`` (``item`` or ``item.check``) stands for.

        Raises:
            KeyError: no such item or check.
        """
        item_id, _, check_id = ref.partition(".")
        for item in self.items:
            if item.id == item_id:
                checks = tuple(c for c in item.checks if not check_id or c.id == check_id)
                if checks:
                    return item, checks
        raise KeyError(ref)


@dataclass(frozen=True)
class RubricExtension:
    """What a scenario adds to the rubric."""

    items: tuple[RubricItem, ...] = ()
    """New items."""
    phrases: tuple[tuple[str, tuple[Phrase, ...]], ...] = ()
    """Extra patterns, keyed by ``item`` or ``item.check``."""
    banned: tuple[BannedPhrase, ...] = ()
    """Extra banned phrases."""


def extend_rubric(rubric: Rubric, extension: RubricExtension) -> Rubric:
    """The rubric with a scenario's extra items, phrases and banned phrases added."""
    extra = dict(extension.phrases)
    items = []
    for item in (*rubric.items, *extension.items):
        checks = tuple(
            replace(check, phrases=check.phrases + extra.get(f"{item.id}.{check.id}", ()))
            for check in item.checks
        )
        if len(checks) == 1:
            checks = (replace(checks[0], phrases=checks[0].phrases + extra.get(item.id, ())),)
        items.append(replace(item, checks=checks))
    return replace(rubric, items=tuple(items), banned=rubric.banned + extension.banned)


def load_rubric(path: Path) -> Rubric:
    """Load a rubric file.

    Args:
        path: A rubric TOML file (``storage.paths.rubric_file()`` for the app's).

    Returns:
        The rubric.

    Raises:
        QuestionSetError: the file is missing, not TOML, or breaks the schema.
    """
    path = Path(path)
    data = fields.read_toml(path)
    fields.check_keys(data, _RUBRIC_KEYS, f"{path}: ")
    items = parse_items(data["items"], f"{path}: ")
    banned_table = data.get("banned", {})
    if not isinstance(banned_table, dict):
        raise QuestionSetError(f"{path}: key 'banned': expected a table")
    fields.check_keys(banned_table, _BANNED_KEYS, f"{path}: [banned]: ")
    return Rubric(
        items=items,
        banned=parse_banned(banned_table.get("phrases", []), f"{path}: [banned]: key 'phrases'"),
        banned_exclude=parse_phrases(
            banned_table.get("exclude", []), f"{path}: [banned]: key 'exclude'"
        ),
        banned_tip=fields.text(banned_table.get("tip", ""), f"{path}: [banned]: key 'tip'"),
    )


def parse_items(raw: object, prefix: str, allow_empty: bool = False) -> tuple[RubricItem, ...]:
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
    fields.check_keys(raw, _ITEM_KEYS, f"{label}: ")
    item_id = fields.identifier(raw["id"], f"{label}: key 'id'")
    title = fields.required_text(raw["title"], f"{label}: key 'title'")
    tip = fields.text(raw.get("tip", ""), f"{label}: key 'tip'")
    if ("checks" in raw) == ("phrases" in raw):
        raise QuestionSetError(f"{label}: key 'phrases': give either 'phrases' or [[checks]]")
    if "phrases" in raw:
        exclude = parse_phrases(raw.get("exclude", []), f"{label}: key 'exclude'")
        checks: tuple[Check, ...] = (
            Check(
                item_id,
                title,
                parse_phrases(raw["phrases"], f"{label}: key 'phrases'", True),
                tip,
                exclude,
            ),
        )
    else:
        checks = _parse_checks(raw["checks"], label)
    return RubricItem(
        id=item_id,
        title=title,
        description=fields.text(raw.get("description", ""), f"{label}: key 'description'"),
        tip=tip,
        checks=checks,
        where=fields.choice(raw.get("where", "any"), WHERE, f"{label}: key 'where'"),
        require=fields.choice(raw.get("require", "all"), REQUIRE, f"{label}: key 'require'"),
    )


def _parse_checks(raw: object, item_label: str) -> tuple[Check, ...]:
    if not isinstance(raw, list) or not raw:
        raise QuestionSetError(f"{item_label}: key 'checks': expected a non-empty [[checks]] list")
    checks = []
    for index, entry in enumerate(raw, 1):
        label = f"{item_label}: check {index}"
        if not isinstance(entry, dict):
            raise QuestionSetError(f"{label}: expected a [[checks]] table")
        fields.check_keys(entry, _CHECK_KEYS, f"{label}: ")
        checks.append(
            Check(
                id=fields.identifier(entry["id"], f"{label}: key 'id'"),
                title=fields.required_text(entry["title"], f"{label}: key 'title'"),
                phrases=parse_phrases(entry["phrases"], f"{label}: key 'phrases'", True),
                tip=fields.text(entry.get("tip", ""), f"{label}: key 'tip'"),
                exclude=parse_phrases(entry.get("exclude", []), f"{label}: key 'exclude'"),
            )
        )
    if len({c.id for c in checks}) != len(checks):
        raise QuestionSetError(f"{item_label}: key 'checks': duplicate check id")
    return tuple(checks)


def parse_banned(raw: object, label: str) -> tuple[BannedPhrase, ...]:
    if not isinstance(raw, list):
        raise QuestionSetError(f"{label}: expected an array")
    banned = []
    for index, entry in enumerate(raw):
        if isinstance(entry, dict):
            fields.check_keys(entry, {"phrase": True, "instead": False}, f"{label}[{index}]: ")
            pattern, instead = entry["phrase"], entry.get("instead", "")
        else:
            pattern, instead = entry, ""
        phrase = parse_phrases([pattern], f"{label}[{index}]")[0]
        banned.append(
            BannedPhrase(phrase, fields.text(instead, f"{label}[{index}]: key 'instead'"))
        )
    return tuple(banned)


def parse_phrases(raw: object, label: str, required: bool = False) -> tuple[Phrase, ...]:
    patterns = fields.strings(raw, label)
    if required and not patterns:
        raise QuestionSetError(f"{label}: must list at least one pattern")
    try:
        return tuple(parse_phrase(pattern) for pattern in patterns)
    except ValueError as exc:
        raise QuestionSetError(f"{label}: {exc}") from exc
