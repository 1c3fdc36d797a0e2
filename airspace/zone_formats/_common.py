"""What the GeoJSON and ED-269 readers share: decoding, typed access to JSON values with
field paths, positions and rings, instants, and collecting every problem before raising.

Each reader walks the whole document, records one ``FieldViolation`` per problem and raises
``InvalidArgument`` once at the end, so an author fixes a file in one round. Helpers return
``None`` when the value they read is unusable (the problem is already recorded).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from datetime import datetime

from airspace.errors import FieldViolation, InvalidArgument
from airspace.model import LatLng, Polygon, TimeWindow

JsonObject = dict[str, object]

DOCUMENT_FIELD = "content"
"""The field named by problems with the document as a whole (the import request's bytes)."""


class Problems:
    """Collects the field violations of one document."""

    def __init__(self) -> None:
        self.violations: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.violations.append(FieldViolation(field, description))

    def raise_if_any(self, document_kind: str) -> None:
        if self.violations:
            count = len(self.violations)
            summary = "; ".join(f"{v.field}: {v.description}" for v in self.violations[:5])
            more = f"; and {count - 5} more" if count > 5 else ""
            raise InvalidArgument(
                self.violations,
                f"invalid {document_kind} document ({count} problems): {summary}{more}",
            )


def member(path: str, key: str) -> str:
    """The path of ``key`` inside the object at ``path``."""
    return f"{path}.{key}" if path else key


def item(path: str, index: int) -> str:
    """The path of element ``index`` of the array at ``path``."""
    return f"{path}[{index}]"


def load_document(content: bytes | str, document_kind: str) -> object:
    """The parsed JSON value; raises at once when the bytes are not UTF-8 JSON."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidArgument(
                [FieldViolation(DOCUMENT_FIELD, f"not UTF-8 text (byte {exc.start} is invalid)")],
                f"invalid {document_kind} document: not UTF-8",
            ) from exc
    else:
        text = content
    try:
        # NaN and Infinity are accepted here so that they are reported with their path below.
        document: object = json.loads(text)
    except json.JSONDecodeError as exc:
        description = f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        raise InvalidArgument(
            [FieldViolation(DOCUMENT_FIELD, description)],
            f"invalid {document_kind} document: {description}",
        ) from exc
    except RecursionError as exc:
        description = "JSON nested too deeply"
        raise InvalidArgument(
            [FieldViolation(DOCUMENT_FIELD, description)],
            f"invalid {document_kind} document: {description}",
        ) from exc
    return document


def json_type(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def as_object(value: object, path: str, problems: Problems) -> JsonObject | None:
    if isinstance(value, dict):
        return value
    problems.add(path, f"must be an object, not {json_type(value)}")
    return None


def as_list(value: object, path: str, problems: Problems) -> list[object] | None:
    if isinstance(value, list):
        return value
    problems.add(path, f"must be an array, not {json_type(value)}")
    return None


def as_number(value: object, path: str, problems: Problems) -> float | None:
    """A finite number (booleans, NaN and infinities are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(path, f"must be a number, not {json_type(value)}")
        return None
    number = float(value)
    if not math.isfinite(number):
        problems.add(path, f"must be a finite number, not {value}")
        return None
    return number


def as_text(value: object, path: str, problems: Problems) -> str | None:
    if isinstance(value, str):
        return value
    problems.add(path, f"must be a string, not {json_type(value)}")
    return None


def optional_text(obj: JsonObject, key: str, path: str, problems: Problems) -> str | None:
    """The string at ``key``, "" when absent or null."""
    value = obj.get(key)
    return "" if value is None else as_text(value, member(path, key), problems)


def optional_number(
    obj: JsonObject, key: str, path: str, problems: Problems, default: float
) -> float | None:
    """The number at ``key``, ``default`` when absent or null."""
    value = obj.get(key)
    return default if value is None else as_number(value, member(path, key), problems)


def text_list(value: object, path: str, problems: Problems) -> frozenset[str] | None:
    """A set of non-empty strings given as a JSON array."""
    values = as_list(value, path, problems)
    if values is None:
        return None
    texts: set[str] = set()
    ok = True
    for index, entry in enumerate(values):
        text = as_text(entry, item(path, index), problems)
        if text is None:
            ok = False
        elif not text.strip():
            problems.add(item(path, index), "must not be empty")
            ok = False
        else:
            texts.add(text)
    return frozenset(texts) if ok else None


def position(value: object, path: str, problems: Problems) -> LatLng | None:
    """A ``[longitude, latitude]`` (optionally ``[lon, lat, altitude]``, altitude ignored)."""
    values = as_list(value, path, problems)
    if values is None:
        return None
    if len(values) not in (2, 3):
        problems.add(path, f"must be [longitude, latitude], not {len(values)} numbers")
        return None
    lon = as_number(values[0], item(path, 0), problems)
    lat = as_number(values[1], item(path, 1), problems)
    if lon is None or lat is None:
        return None
    ok = True
    if not -90.0 <= lat <= 90.0:
        problems.add(
            item(path, 1),
            f"latitude {lat} is outside [-90, 90] (positions are [longitude, latitude])",
        )
        ok = False
    if not -180.0 <= lon <= 180.0:
        problems.add(item(path, 0), f"longitude {lon} is outside [-180, 180]")
        ok = False
    return LatLng(lat=lat, lon=lon) if ok else None


def polygon(
    value: object, path: str, problems: Problems, *, require_closed: bool
) -> Polygon | None:
    """A polygon from GeoJSON-style ``coordinates``: one exterior ring, no holes."""
    rings = as_list(value, path, problems)
    if rings is None:
        return None
    if not rings:
        problems.add(path, "has no ring; a polygon needs one exterior ring")
        return None
    for index in range(1, len(rings)):
        problems.add(
            item(path, index),
            "holes (interior rings) are not supported; split the zone into polygons without holes",
        )
    vertices = ring(rings[0], item(path, 0), problems, require_closed=require_closed)
    if vertices is None or len(rings) > 1:
        return None
    return Polygon(vertices)


def ring(
    value: object, path: str, problems: Problems, *, require_closed: bool
) -> tuple[LatLng, ...] | None:
    """The vertices of a linear ring, without the closing vertex and repeated vertices."""
    positions = as_list(value, path, problems)
    if positions is None:
        return None
    points = [position(p, item(path, i), problems) for i, p in enumerate(positions)]
    vertices = [p for p in points if p is not None]
    if len(vertices) < len(points):
        return None
    ok = True
    closed = len(vertices) >= 2 and vertices[0] == vertices[-1]
    if require_closed and not closed:
        problems.add(path, "ring is not closed: its last position must repeat the first")
        ok = False
    if len(set(vertices)) < 3:
        problems.add(path, f"ring has {len(set(vertices))} distinct vertices; at least 3 needed")
        ok = False
    if not ok:
        return None
    if closed:
        vertices.pop()
    deduplicated = [v for i, v in enumerate(vertices) if v != vertices[i - 1]]
    return tuple(deduplicated)


def instant(value: object, path: str, problems: Problems) -> float | None:
    """Seconds since the epoch of an ISO 8601 date-time with an explicit offset (e.g. ``Z``)."""
    text = as_text(value, path, problems)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problems.add(path, f"{text!r} is not an ISO 8601 date-time such as 2026-12-12T10:00:00Z")
        return None
    if moment.tzinfo is None:
        problems.add(path, f"{text!r} has no UTC offset; append Z for UTC")
        return None
    return moment.timestamp()


def merged(windows: Iterable[TimeWindow]) -> tuple[TimeWindow, ...]:
    """The windows sorted by start, overlapping ones joined."""
    result: list[TimeWindow] = []
    for window in sorted(windows, key=lambda w: (w.start_s, w.end_s)):
        if result and window.start_s <= result[-1].end_s:
            last = result[-1]
            result[-1] = TimeWindow(last.start_s, max(last.end_s, window.end_s))
        else:
            result.append(window)
    return tuple(result)


def check_unique_ids(ids: Iterable[tuple[str, str]], problems: Problems) -> None:
    """Reports every id (given with its path) already used earlier in the document."""
    first_path: dict[str, str] = {}
    for zone_id, path in ids:
        if zone_id in first_path:
            problems.add(path, f"duplicate id {zone_id!r} (first used at {first_path[zone_id]})")
        else:
            first_path[zone_id] = path
