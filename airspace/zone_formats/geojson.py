"""Geozones from GeoJSON (RFC 7946), in the flavour Airspace reads and writes.

The document is a ``FeatureCollection``; each ``Feature`` is one zone::

    {"type": "FeatureCollection", "features": [
      {"type": "Feature",
       "geometry": {"type": "Polygon",
                    "coordinates": [[[113.79, 22.61], [113.84, 22.61], [113.84, 22.67],
                                     [113.79, 22.61]]]},
       "properties": {"id": "zgsz-ctr", "name": "Bao'an airport", "kind": "prohibited",
                      "lower_m": 0, "upper_m": 120,
                      "schedule": [{"start": "2026-12-12T10:00:00Z",
                                    "end": "2026-12-12T16:00:00Z"}],
                      "authorized_operator_ids": ["op-demo"],
                      "message": "Contact the tower on 123.45"}}]}

- ``geometry``: a ``Polygon`` with exactly one ring of ``[longitude, latitude]`` positions,
  closed (the last position repeats the first), at least 3 distinct vertices, no holes; or a
  ``Point`` with ``properties.radius_m`` (metres, > 0) for a circle. A third number in a
  position (an elevation) is ignored.
- ``properties.id`` (or the Feature's own ``id``): the zone id, unique in the document.
- ``properties.kind``: ``"prohibited"``, ``"restricted"`` (needs authorisation) or
  ``"conditional"``.
- ``properties.name`` (default: the id), ``properties.message`` (default: empty).
- ``properties.lower_m`` and ``upper_m``: the altitude band in metres above ground level,
  by default from 0 to the deployment's ceiling.
- ``properties.schedule``: when the zone applies, as absolute windows with ISO 8601
  date-times that carry an offset (``Z`` for UTC); absent, null or empty means always.
- ``properties.authorized_operator_ids``: operators allowed through a restricted zone.

Geometry checks shared with flight plans (self-intersection, airspace bounds, floor and
ceiling, vertex limits) are not made here; ``airspace.validation`` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from airspace.config import AirspaceConfig
from airspace.model import AltitudeBand, Circle, Geozone, GeozoneKind, Shape, TimeWindow
from airspace.zone_formats._common import (
    DOCUMENT_FIELD,
    JsonObject,
    Problems,
    as_list,
    as_number,
    as_object,
    as_text,
    check_unique_ids,
    instant,
    item,
    json_type,
    load_document,
    member,
    merged,
    optional_number,
    optional_text,
    polygon,
    position,
    text_list,
)

DOCUMENT_KIND = "GeoJSON"
KINDS = {kind.value: kind for kind in GeozoneKind}


@dataclass(frozen=True, slots=True)
class _Id:
    value: str
    path: str


def parse_geojson(content: bytes | str, *, now_s: float, config: AirspaceConfig) -> list[Geozone]:
    """The zones of a GeoJSON FeatureCollection; ``InvalidArgument`` lists every problem.

    ``now_s`` becomes each zone's ``update_time_s``; ``config`` gives the default ceiling.
    """
    problems = Problems()
    features = _features(load_document(content, DOCUMENT_KIND), problems)
    zones: list[Geozone] = []
    ids: list[tuple[str, str]] = []
    for index, feature in enumerate(features):
        path = item("features", index)
        zone_id, zone = _feature(feature, path, problems, now_s=now_s, config=config)
        if zone_id is not None:
            ids.append((zone_id.value, zone_id.path))
        if zone is not None:
            zones.append(zone)
    check_unique_ids(ids, problems)
    problems.raise_if_any(DOCUMENT_KIND)
    return zones


def _features(document: object, problems: Problems) -> list[object]:
    if not isinstance(document, dict):
        problems.add(
            DOCUMENT_FIELD, f"must be a GeoJSON FeatureCollection object, not {json_type(document)}"
        )
        return []
    if document.get("type") != "FeatureCollection":
        problems.add("type", f'must be "FeatureCollection", not {document.get("type")!r}')
    if "features" not in document:
        problems.add("features", "is missing; a FeatureCollection lists its zones in features")
        return []
    return as_list(document["features"], "features", problems) or []


def _feature(
    value: object, path: str, problems: Problems, *, now_s: float, config: AirspaceConfig
) -> tuple[_Id | None, Geozone | None]:
    feature = as_object(value, path, problems)
    if feature is None:
        return None, None
    if feature.get("type") != "Feature":
        problems.add(member(path, "type"), f'must be "Feature", not {feature.get("type")!r}')
    properties = as_object(feature.get("properties"), member(path, "properties"), problems)
    if properties is None:
        return None, None
    props_path = member(path, "properties")
    zone_id = _zone_id(feature, properties, path, problems)
    kind = _kind(properties, props_path, problems)
    area = _area(feature.get("geometry"), properties, path, problems)
    altitude = _altitude(properties, props_path, problems, config)
    schedule = _schedule(properties.get("schedule"), member(props_path, "schedule"), problems)
    name = optional_text(properties, "name", props_path, problems)
    message = optional_text(properties, "message", props_path, problems)
    operators = _operators(properties, props_path, problems)
    if (
        zone_id is None
        or kind is None
        or area is None
        or altitude is None
        or schedule is None
        or name is None
        or message is None
        or operators is None
    ):
        return zone_id, None
    zone = Geozone(
        geozone_id=zone_id.value,
        name=name or zone_id.value,
        kind=kind,
        area=area,
        altitude=altitude,
        schedule=schedule,
        authorized_operator_ids=operators,
        message=message,
        update_time_s=now_s,
    )
    return zone_id, zone


def _zone_id(
    feature: JsonObject, properties: JsonObject, path: str, problems: Problems
) -> _Id | None:
    if properties.get("id") is not None:
        id_path = member(member(path, "properties"), "id")
        value = properties["id"]
    elif feature.get("id") is not None:
        id_path = member(path, "id")
        value = feature["id"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # RFC 7946 allows numeric Feature ids
    else:
        problems.add(member(member(path, "properties"), "id"), "is missing; every zone needs an id")
        return None
    text = as_text(value, id_path, problems)
    if text is None:
        return None
    if not text.strip():
        problems.add(id_path, "must not be empty")
        return None
    return _Id(text, id_path)


def _kind(properties: JsonObject, path: str, problems: Problems) -> GeozoneKind | None:
    kind_path = member(path, "kind")
    if properties.get("kind") is None:
        problems.add(kind_path, "is missing; use prohibited, restricted or conditional")
        return None
    text = as_text(properties["kind"], kind_path, problems)
    if text is None:
        return None
    kind = KINDS.get(text.strip().lower())
    if kind is None:
        problems.add(kind_path, f"unknown kind {text!r}; use prohibited, restricted or conditional")
    return kind


def _area(value: object, properties: JsonObject, path: str, problems: Problems) -> Shape | None:
    geometry_path = member(path, "geometry")
    geometry = as_object(value, geometry_path, problems)
    if geometry is None:
        return None
    coordinates_path = member(geometry_path, "coordinates")
    geometry_type = geometry.get("type")
    if geometry_type == "Polygon":
        return polygon(geometry.get("coordinates"), coordinates_path, problems, require_closed=True)
    if geometry_type == "Point":
        center = position(geometry.get("coordinates"), coordinates_path, problems)
        radius_m = _radius(properties, member(path, "properties"), problems)
        return None if center is None or radius_m is None else Circle(center, radius_m)
    problems.add(
        member(geometry_path, "type"),
        f"unsupported geometry {geometry_type!r}; use a Polygon, or a Point with radius_m",
    )
    return None


def _radius(properties: JsonObject, path: str, problems: Problems) -> float | None:
    radius_path = member(path, "radius_m")
    if properties.get("radius_m") is None:
        problems.add(radius_path, "is missing; a Point zone is a circle and needs a radius_m")
        return None
    radius_m = as_number(properties["radius_m"], radius_path, problems)
    if radius_m is not None and radius_m <= 0:
        problems.add(radius_path, f"must be positive, not {radius_m}")
        return None
    return radius_m


def _altitude(
    properties: JsonObject, path: str, problems: Problems, config: AirspaceConfig
) -> AltitudeBand | None:
    lower_m = optional_number(properties, "lower_m", path, problems, 0.0)
    upper_m = optional_number(properties, "upper_m", path, problems, config.ceiling_m)
    if lower_m is None or upper_m is None:
        return None
    if lower_m > upper_m:
        problems.add(member(path, "lower_m"), f"{lower_m} m is above upper_m ({upper_m} m)")
        return None
    return AltitudeBand(lower_m, upper_m)


def _schedule(value: object, path: str, problems: Problems) -> tuple[TimeWindow, ...] | None:
    if value is None:
        return ()
    entries = as_list(value, path, problems)
    if entries is None:
        return None
    windows = [_window(entry, item(path, i), problems) for i, entry in enumerate(entries)]
    valid = [w for w in windows if w is not None]
    return merged(valid) if len(valid) == len(windows) else None


def _window(value: object, path: str, problems: Problems) -> TimeWindow | None:
    entry = as_object(value, path, problems)
    if entry is None:
        return None
    bounds: list[float | None] = []
    for key in ("start", "end"):
        if entry.get(key) is None:
            problems.add(member(path, key), "is missing")
            bounds.append(None)
        else:
            bounds.append(instant(entry[key], member(path, key), problems))
    start_s, end_s = bounds
    if start_s is None or end_s is None:
        return None
    if end_s <= start_s:
        problems.add(member(path, "end"), "must be after start")
        return None
    return TimeWindow(start_s, end_s)


def _operators(properties: JsonObject, path: str, problems: Problems) -> frozenset[str] | None:
    value = properties.get("authorized_operator_ids")
    if value is None:
        return frozenset()
    return text_list(value, member(path, "authorized_operator_ids"), problems)
