"""The one serializer of analyses: :class:`Analysis` to the JSON contract and back.

``to_json`` gives the ``starcoach analyze --json`` object: keys in field order, tuples as
lists, ``(key, value)`` pair tuples (``MAP`` fields) as objects, optional keys left out as
the fields' metadata says (see :mod:`starcoach.core.analysis.result_parts`). ``from_json``
reads that object, and analyses stored by older versions: a missing key takes the field's
default, a key it does not know is ignored, numbers keep their JSON type.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from starcoach.core.analysis.result import (
    Analysis,
    AttachedFollowUp,
    CombinedFollowUp,
)

T = TypeVar("T")

__all__ = ["from_json", "part_json", "to_json"]


def to_json(analysis: Analysis) -> dict[str, Any]:
    """The analysis as the JSON-ready ``analyze --json`` object (a new dict)."""
    out = _dump(analysis)
    assert isinstance(out, dict)
    return out


def part_json(part: Any) -> Any:
    """One part of an analysis (``Star``, ``Tone``, ...) as it appears in the JSON."""
    return _dump(part)


def from_json(data: Mapping[str, Any]) -> Analysis:
    """An analysis from its JSON object (current or older versions).

    Raises:
        ValueError: ``data`` is not a JSON object.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"an analysis must be a JSON object, not {type(data).__name__}")
    return _load_dataclass(Analysis, data)


_Plan = tuple[tuple[str, bool, str | None, bool], ...]
"""Per field of a part: (name, left out while None, sibling it depends on, written as a map)."""
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type) -> _Plan:
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = tuple(
            (
                f.name,
                bool(f.metadata.get("omit_none")),
                f.metadata.get("when"),
                bool(f.metadata.get("map")),
            )
            for f in dataclasses.fields(cls)
        )
    return plan


def _dump(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, AttachedFollowUp | CombinedFollowUp):
        return _dump_follow_up(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for name, omit_none, sibling, is_map in _plan(type(value)):
            item = getattr(value, name)
            if (item is None and omit_none) or (
                sibling is not None and getattr(value, sibling) is None
            ):
                continue
            out[name] = {k: _dump(v) for k, v in item} if is_map else _dump(item)
        return out
    return value


def _dump_follow_up(value: AttachedFollowUp | CombinedFollowUp) -> dict[str, Any]:
    if isinstance(value, AttachedFollowUp):
        return {"question": value.question, "analysis": to_json(value.analysis)}
    return {
        "gap": value.gap,
        "text": value.text,
        "source": value.source,
        "filled": value.filled,
        "feedback": value.feedback,
        "coverage": dict(value.coverage),
        "missing": list(value.missing),
        "evidence": value.evidence,
        "analysis": to_json(value.analysis),
    }


def _load_follow_up(data: Any) -> AttachedFollowUp | CombinedFollowUp | None:
    if not isinstance(data, Mapping):
        return None
    inner = data.get("analysis")
    second = from_json(inner if isinstance(inner, Mapping) else {})
    if "gap" not in data and "feedback" not in data:
        return AttachedFollowUp(str(data.get("question") or ""), second)
    coverage = data.get("coverage")
    coverage = coverage if isinstance(coverage, Mapping) else {}
    return CombinedFollowUp(
        gap=str(data.get("gap") or ""),
        text=str(data.get("text") or ""),
        source=str(data.get("source") or ""),
        filled=data.get("filled"),
        feedback=str(data.get("feedback") or ""),
        coverage=tuple((str(k), v) for k, v in coverage.items()),
        missing=tuple(data.get("missing") or ()),
        evidence=data.get("evidence"),
        analysis=second,
    )


Convert = Callable[[Any], Any]
"""Turns one JSON value into a field's value."""
_LOADERS: dict[type, Callable[[Mapping[str, Any]], Any]] = {}


def _load_dataclass(cls: type[T], data: Mapping[str, Any]) -> T:
    loader = _LOADERS.get(cls)
    if loader is None:
        loader = _LOADERS[cls] = _make_loader(cls)
    return loader(data)  # type: ignore[no-any-return]


def _make_loader(cls: type) -> Callable[[Mapping[str, Any]], Any]:
    """A reader for one part, planned once from its type hints."""
    hints = typing.get_type_hints(cls)
    fields: list[tuple[str, Convert]] = []
    for f in dataclasses.fields(cls):
        if cls is Analysis and f.name == "follow_up":
            fields.append((f.name, _load_follow_up))
        elif f.metadata.get("map"):
            fields.append((f.name, _pairs))
        else:
            fields.append((f.name, _converter(hints[f.name], _default(f))))

    def load(data: Mapping[str, Any]) -> Any:
        return cls(**{name: convert(data[name]) for name, convert in fields if name in data})

    return load


def _converter(hint: Any, default: Any) -> Convert:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        classes = [a for a in typing.get_args(hint) if dataclasses.is_dataclass(a)]
        if not classes:
            return _same
        inner = _converter(classes[0], None)
        return lambda raw: None if raw is None else inner(raw)
    if origin is tuple:
        item = _converter(typing.get_args(hint)[0], None)
        if item is _same:
            return lambda raw: tuple(raw) if isinstance(raw, list | tuple) else default
        return lambda raw: tuple(map(item, raw)) if isinstance(raw, list | tuple) else default
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        part = hint
        # a section that is not an object (null, a list) reads as the part's defaults
        return lambda raw: _load_dataclass(part, raw if isinstance(raw, Mapping) else {})
    return _same


def _same(raw: Any) -> Any:
    return raw


def _pairs(raw: Any) -> tuple[tuple[str, Any], ...]:
    return tuple((str(k), v) for k, v in raw.items()) if isinstance(raw, Mapping) else ()


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None
