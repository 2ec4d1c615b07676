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
from collections.abc import Mapping
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


def _dump(value: Any) -> Any:
    if isinstance(value, AttachedFollowUp | CombinedFollowUp):
        return _dump_follow_up(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is None and f.metadata.get("omit_none"):
                continue
            sibling = f.metadata.get("when")
            if sibling is not None and getattr(value, sibling) is None:
                continue
            if f.metadata.get("map"):
                out[f.name] = {k: _dump(v) for k, v in item}
            else:
                out[f.name] = _dump(item)
        return out
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
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


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _load_dataclass(cls: type[T], data: Mapping[str, Any]) -> T:
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        raw = data[f.name]
        if f.name == "follow_up" and cls is Analysis:
            kwargs[f.name] = _load_follow_up(raw)
        elif f.metadata.get("map"):
            pairs = raw.items() if isinstance(raw, Mapping) else ()
            kwargs[f.name] = tuple((str(k), v) for k, v in pairs)
        else:
            kwargs[f.name] = _load(hints[f.name], raw, f)
    return cls(**kwargs)


def _load(hint: Any, raw: Any, f: dataclasses.Field[Any]) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if raw is None:
            return None
        classes = [a for a in args if dataclasses.is_dataclass(a)]
        if classes:
            return _load(classes[0], raw, f)
        return raw
    if origin is tuple:
        if not isinstance(raw, list | tuple):
            return _default(f)
        item = typing.get_args(hint)[0]
        return tuple(_load(item, v, f) for v in raw)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        # a section that is not an object (null, a list) reads as the part's defaults
        return _load_dataclass(hint, raw if isinstance(raw, Mapping) else {})
    return raw


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None
