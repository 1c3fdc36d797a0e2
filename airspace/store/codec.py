"""Domain values to JSON and back, for stores that keep them outside the process.

Driven by the dataclasses' own type hints, so a field added to the model needs no codec
change. Members of a union of dataclasses (``Shape``) carry their class name under ``"@"``.
Each class's encoder and decoder is built once from its hints, since stores decode plans on
every booking.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from airspace import model

T = TypeVar("T")
Convert = Callable[[Any], Any]


def dumps(value: Any) -> str:
    return json.dumps(_encoder(_key(type(value)))(value), separators=(",", ":"), allow_nan=False)


def loads(text: str | bytes, cls: type[T]) -> T:
    return from_plain(json.loads(text), cls)


def from_plain(data: Any, cls: type[T]) -> T:
    """The value of ``cls`` that ``json.loads(dumps(value))`` gave ``data`` for."""
    decode: Convert = _decoder(_key(cls))
    return typing.cast(T, decode(data))


@cache
def _encoder(hint: Any) -> Convert:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        name, hints = hint.__name__, _hints(hint)
        parts = [(f.name, _encoder(hints[f.name])) for f in dataclasses.fields(hint)]

        def encode_dataclass(value: Any) -> Any:
            out = {field: encode(getattr(value, field)) for field, encode in parts}
            out["@"] = name
            return out

        return encode_dataclass
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _encode_any
    if origin is tuple:
        item = _encoder(typing.get_args(hint)[0])
        return lambda values: [item(v) for v in values]
    if origin is frozenset:
        return sorted
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return lambda value: value.value
    if hint is float:
        return float  # one spelling per value: stores compare stored JSON to detect changes
    return _same


def _encode_any(value: Any) -> Any:
    return None if value is None else _encoder(_key(type(value)))(value)


@cache
def _decoder(hint: Any) -> Convert:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        cls, hints = hint, _hints(hint)
        parts = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(hint)]
        return lambda data: cls(**{field: decode(data[field]) for field, decode in parts})
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(members) == 1:
            only = _decoder(members[0])
            return lambda data: None if data is None else only(data)
        return lambda data: None if data is None else _decoder(_MODEL_CLASSES[data["@"]])(data)
    if origin is tuple:
        item = _decoder(typing.get_args(hint)[0])
        return lambda values: tuple(item(v) for v in values)
    if origin is frozenset:
        return frozenset
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint
    if hint is float:
        return float
    return _same


def _key(cls: type) -> Any:
    """A class as a cache key (mypy cannot see that classes hash)."""
    return cls


def _same(value: Any) -> Any:
    return value


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


_MODEL_CLASSES = {
    name: cls
    for name, cls in vars(model).items()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls)
}
