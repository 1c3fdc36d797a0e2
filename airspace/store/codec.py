"""Domain values to JSON and back, for stores that keep them outside the process.

Driven by the dataclasses' own type hints, so a field added to the model needs no codec
change. Members of a union of dataclasses (``Shape``) carry their class name under ``"@"``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from functools import cache
from typing import Any, TypeVar

from airspace import model

T = TypeVar("T")


def dumps(value: object) -> str:
    return json.dumps(_plain(value), separators=(",", ":"), allow_nan=False)


def loads(text: str | bytes, cls: type[T]) -> T:
    return from_plain(json.loads(text), cls)


def from_plain(data: Any, cls: type[T]) -> T:
    """The value of ``cls`` that ``json.loads(dumps(value))`` gave ``data`` for."""
    return typing.cast(T, _build(cls, data))


def _plain(value: object) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: _plain(getattr(value, f.name)) for f in _fields(type(value))}
        out["@"] = type(value).__name__
        return out
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    return value


def _build(hint: Any, data: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) > 1:
            return _build(_MODEL_CLASSES[data["@"]], data)
        return _build(members[0], data)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_build(item, v) for v in data)
    if origin is frozenset:
        item = typing.get_args(hint)[0]
        return frozenset(_build(item, v) for v in data)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(**{f.name: _build(hints[f.name], data[f.name]) for f in _fields(hint)})
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(data)
    if hint is float:
        return float(data)
    return data


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


_MODEL_CLASSES = {
    name: cls
    for name, cls in vars(model).items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}
