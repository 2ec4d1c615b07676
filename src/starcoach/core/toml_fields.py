"""Read TOML data files and validate their fields, with one-line errors naming file and key.

Question sets (:mod:`starcoach.core.questions`), call scenarios (:mod:`starcoach.core.calls`)
and rubrics (:mod:`starcoach.core.rubric_spec`) share these checks. Every failure raises
:class:`QuestionSetError`; ``label`` arguments say where the value sits (file, entry, key),
and the message appends what is wrong with it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from starcoach.core.errors import QuestionSetError

ID_PATTERN = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
"""Ids of scenarios and rubric items: lower-case words joined by ``-`` or ``_``."""
ID_RULE = "must use lower-case letters, digits, - and _"
"""How :data:`ID_PATTERN` is explained in errors."""

_TYPE_NAMES = {bool: "boolean", int: "integer", float: "float", list: "array", dict: "table"}


def read_toml(path: Path) -> dict[str, object]:
    """The top-level table of a TOML file.

    Raises:
        QuestionSetError: the file cannot be read, is not UTF-8, or is not valid TOML.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise QuestionSetError(f"{path}: cannot read file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionSetError(f"{path}: invalid TOML: {' '.join(str(exc).split())}") from exc
    except UnicodeDecodeError as exc:
        raise QuestionSetError(f"{path}: invalid TOML: not UTF-8 text") from exc


def check_keys(table: Mapping[str, object], allowed: Mapping[str, bool], prefix: str) -> None:
    """Reject unknown keys and missing required ones.

    Args:
        table: The TOML table.
        allowed: Every allowed key mapped to whether it is required.
        prefix: Start of the error message, e.g. ``"file.toml: question 2: "``.

    Raises:
        QuestionSetError: a key is unknown or a required key is missing.
    """
    for key in table:
        if key not in allowed:
            raise QuestionSetError(
                f"{prefix}key '{key}': unknown key (expected: {', '.join(allowed)})"
            )
    for key, required in allowed.items():
        if required and key not in table:
            raise QuestionSetError(f"{prefix}key '{key}': missing required key")


def type_name(value: object) -> str:
    """The TOML name of a value's type ("integer", "array", ...)."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def text(value: object, label: str) -> str:
    """A string, stripped; may be empty.

    Raises:
        QuestionSetError: ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise QuestionSetError(f"{label}: expected a string, got {type_name(value)}")
    return value.strip()


def required_text(value: object, label: str) -> str:
    """A non-blank string, stripped.

    Raises:
        QuestionSetError: ``value`` is not a string or is blank.
    """
    stripped = text(value, label)
    if not stripped:
        raise QuestionSetError(f"{label}: must not be empty")
    return stripped


def identifier(
    value: object, label: str, pattern: re.Pattern[str] = ID_PATTERN, rule: str = ID_RULE
) -> str:
    """A non-blank string that fully matches ``pattern``.

    Raises:
        QuestionSetError: ``value`` is not such a string; the message ends with ``rule``.
    """
    stripped = required_text(value, label)
    if not pattern.fullmatch(stripped):
        raise QuestionSetError(f"{label}: '{stripped}' {rule}")
    return stripped


def choice(value: object, options: tuple[str, ...], label: str) -> str:
    """A string that is one of ``options``.

    Raises:
        QuestionSetError: ``value`` is not a string or not one of ``options``.
    """
    stripped = text(value, label)
    if stripped not in options:
        raise QuestionSetError(f"{label}: '{stripped}' is not one of: {', '.join(options)}")
    return stripped


def strings(value: object, label: str) -> tuple[str, ...]:
    """An array of non-blank strings, each stripped.

    Raises:
        QuestionSetError: ``value`` is not an array, or an entry is not a non-blank string
            (the message names its index).
    """
    if not isinstance(value, list):
        raise QuestionSetError(f"{label}: expected an array of strings, got {type_name(value)}")
    return tuple(required_text(item, f"{label}[{i}]") for i, item in enumerate(value))


def bounded_int(value: object, low: int, high: int, label: str) -> int | None:
    """An integer from ``low`` to ``high``, or None when ``value`` is None (key absent).

    Raises:
        QuestionSetError: ``value`` is not an integer in range (booleans are refused).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise QuestionSetError(f"{label}: expected an integer from {low} to {high}")
    return value
