"""Geozones from EUROCAE ED-269 JSON (UAS geographical zones), the European exchange format.

The document is an object whose ``features`` array holds ``UASZoneVersion`` objects. How
each part becomes an Airspace ``Geozone``:

- ``identifier`` (required, unique) is the zone id. A zone with several ``geometry``
  entries becomes one Geozone per entry, with ids ``<identifier>#0``, ``#1`` …; a single
  entry keeps the plain identifier. ``name`` defaults to the identifier.
- ``restriction``: ``PROHIBITED`` → prohibited; ``REQ_AUTHORISATION`` (also spelt
  ``REQ_AUTHORIZATION``) → restricted; ``CONDITIONAL`` → conditional. ``NO_RESTRICTION``
  zones are checked like the others but not imported: they restrict nothing.
- ``geometry[*]``: ``uomDimensions`` ``M`` or ``FT`` applies to the limits and to a circle's
  radius. ``lowerLimit``/``upperLimit`` with ``lowerVerticalReference``/``upperVerticalReference``:
  ``AGL`` is taken as is; ``AMSL`` and ``WGS84`` become AGL by subtracting the deployment's
  ground elevation (flat ground; the geoid separation is ignored), and a lower limit that
  falls below the ground starts at the ground. An absent lower limit means the ground, an
  absent upper limit the deployment's ceiling; a limit that is given needs its reference.
- ``horizontalProjection``: a ``Polygon`` (``coordinates``: one ring of ``[longitude,
  latitude]``; closing the ring is optional; no holes) or a ``Circle`` (``center``
  ``[longitude, latitude]`` and ``radius``).
- ``applicability`` (absent or empty: always): an array of periods (or one period object);
  the zone applies during their union. ``permanent`` ``YES`` applies always (its dates are
  ignored) unless a weekly ``schedule`` is given; ``NO`` (temporary) needs ``startDateTime``
  and ``endDateTime`` and applies between them. Without ``permanent`` an entry with a date
  is temporary, one without is permanent. A weekly ``schedule`` (``day``: ``MON`` … ``SUN``
  or ``ANY``; ``startTime``/``endTime`` ``HH:MM[:SS]`` with an optional offset, UTC when
  none; ``24:00`` ends a day; an end before the start runs past midnight) is expanded into
  absolute windows from max(now, ``startDateTime``) until min(``endDateTime``, now + the
  longest plan lead + one day): plans cannot start later than that, and importing again
  extends it. A scheduled zone with no window in that span is not imported.
- ``message``, ``restrictionConditions`` and each ``zoneAuthority`` (an array, or one object;
  name, service, contact, purpose, ``intervalBefore``) are joined into the zone's message.
- ``extendedProperties.authorized_operator_ids`` (an Airspace extension; ED-269 has no such
  field) lists the operators allowed through a restricted zone.

Geometry checks shared with flight plans (self-intersection, airspace bounds, floor and
ceiling, vertex limits) are not made here; ``airspace.validation`` makes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from airspace.config import DAY_S, AirspaceConfig
from airspace.model import AltitudeBand, Circle, Geozone, GeozoneKind, Shape
from airspace.zone_formats._common import (
    DOCUMENT_FIELD,
    JsonObject,
    Problems,
    as_list,
    as_number,
    as_object,
    as_text,
    check_unique_ids,
    item,
    json_type,
    load_document,
    member,
    optional_text,
    polygon,
    position,
    text_list,
)
from airspace.zone_formats._ed269_applicability import Span, applicability

DOCUMENT_KIND = "ED-269"
FEET_M = 0.3048
"""One international foot (metres)."""

_SKIP: Literal["skip"] = "skip"
RESTRICTIONS: dict[str, GeozoneKind | Literal["skip"]] = {
    "PROHIBITED": GeozoneKind.PROHIBITED,
    "REQ_AUTHORISATION": GeozoneKind.RESTRICTED,
    "REQ_AUTHORIZATION": GeozoneKind.RESTRICTED,
    "CONDITIONAL": GeozoneKind.CONDITIONAL,
    "NO_RESTRICTION": _SKIP,
}
UNITS_M = {"M": 1.0, "FT": FEET_M}
"""Metres per unit of ``uomDimensions``."""
REFERENCES = ("AGL", "AMSL", "WGS84")
PURPOSES = {
    "AUTHORIZATION": "apply for authorisation",
    "NOTIFICATION": "notify before flying",
    "INFORMATION": "for information",
}


@dataclass(frozen=True, slots=True)
class _Volume:
    area: Shape
    altitude: AltitudeBand


@dataclass(frozen=True, slots=True)
class _Context:
    now_s: float
    config: AirspaceConfig

    @property
    def span(self) -> Span:
        """Weekly schedules are expanded until plans can no longer start, plus a day."""
        return Span(self.now_s, self.now_s + self.config.max_plan_lead_s + DAY_S)


def parse_ed269(content: bytes | str, *, now_s: float, config: AirspaceConfig) -> list[Geozone]:
    """The zones of an ED-269 document; ``InvalidArgument`` lists every problem.

    ``now_s`` starts the expansion of weekly schedules and becomes each zone's
    ``update_time_s``; ``config`` gives the ground elevation, ceiling and planning horizon.
    """
    problems = Problems()
    context = _Context(now_s, config)
    features = _features(load_document(content, DOCUMENT_KIND), problems)
    zones: list[Geozone] = []
    ids: list[tuple[str, str]] = []
    for index, feature in enumerate(features):
        feature_ids, feature_zones = _feature(feature, item("features", index), problems, context)
        ids.extend(feature_ids)
        zones.extend(feature_zones)
    check_unique_ids(ids, problems)
    problems.raise_if_any(DOCUMENT_KIND)
    return zones


def _features(document: object, problems: Problems) -> list[object]:
    if not isinstance(document, dict):
        problems.add(
            DOCUMENT_FIELD,
            f"must be an ED-269 object with a features array, not {json_type(document)}",
        )
        return []
    if "features" not in document:
        problems.add("features", "is missing; an ED-269 document lists its zones in features")
        return []
    return as_list(document["features"], "features", problems) or []


def _feature(
    value: object, path: str, problems: Problems, context: _Context
) -> tuple[list[tuple[str, str]], list[Geozone]]:
    """The ids (with their path) the feature claims, and its zones when it is valid."""
    feature = as_object(value, path, problems)
    if feature is None:
        return [], []
    identifier = _identifier(feature, path, problems)
    kind = _restriction(feature, path, problems)
    volumes = _volumes(feature.get("geometry"), member(path, "geometry"), problems, context)
    applies = applicability(
        feature.get("applicability"), member(path, "applicability"), problems, context.span
    )
    name = optional_text(feature, "name", path, problems)
    message = _message(feature, path, problems)
    operators = _operators(feature.get("extendedProperties"), path, problems)
    if identifier is None:
        return [], []
    zone_ids = _zone_ids(identifier, feature.get("geometry"))
    claimed = [(zone_id, member(path, "identifier")) for zone_id in zone_ids]
    if (
        kind is None
        or volumes is None
        or applies is None
        or name is None
        or message is None
        or operators is None
    ):
        return claimed, []
    if kind == _SKIP or not (applies.always or applies.windows):
        return claimed, []
    zones = [
        Geozone(
            geozone_id=zone_id,
            name=name or identifier,
            kind=kind,
            area=volume.area,
            altitude=volume.altitude,
            schedule=() if applies.always else applies.windows,
            authorized_operator_ids=operators,
            message=message,
            update_time_s=context.now_s,
        )
        for zone_id, volume in zip(zone_ids, volumes, strict=True)
    ]
    return claimed, zones


def _identifier(feature: JsonObject, path: str, problems: Problems) -> str | None:
    id_path = member(path, "identifier")
    if feature.get("identifier") is None:
        problems.add(id_path, "is missing; every zone needs an identifier")
        return None
    text = as_text(feature["identifier"], id_path, problems)
    if text is not None and not text.strip():
        problems.add(id_path, "must not be empty")
        return None
    return text


def _zone_ids(identifier: str, geometry: object) -> list[str]:
    count = len(geometry) if isinstance(geometry, list) else 1
    return [identifier] if count <= 1 else [f"{identifier}#{k}" for k in range(count)]


def _restriction(
    feature: JsonObject, path: str, problems: Problems
) -> GeozoneKind | Literal["skip"] | None:
    restriction_path = member(path, "restriction")
    choices = "PROHIBITED, REQ_AUTHORISATION, CONDITIONAL or NO_RESTRICTION"
    if feature.get("restriction") is None:
        problems.add(restriction_path, f"is missing; use {choices}")
        return None
    text = as_text(feature["restriction"], restriction_path, problems)
    if text is None:
        return None
    kind = RESTRICTIONS.get(text.strip().upper())
    if kind is None:
        problems.add(restriction_path, f"unknown restriction {text!r}; use {choices}")
    return kind


# --- geometry ------------------------------------------------------------------------------


def _volumes(
    value: object, path: str, problems: Problems, context: _Context
) -> list[_Volume] | None:
    if value is None:
        problems.add(path, "is missing; a zone needs at least one geometry")
        return None
    entries = as_list(value, path, problems)
    if entries is None:
        return None
    if not entries:
        problems.add(path, "is empty; a zone needs at least one geometry")
        return None
    volumes = [_volume(entry, item(path, k), problems, context) for k, entry in enumerate(entries)]
    valid = [v for v in volumes if v is not None]
    return valid if len(valid) == len(volumes) else None


def _volume(value: object, path: str, problems: Problems, context: _Context) -> _Volume | None:
    volume = as_object(value, path, problems)
    if volume is None:
        return None
    unit_m = _unit(volume, path, problems)
    lower_m = _limit(volume, "lower", path, problems, unit_m, context)
    upper_m = _limit(volume, "upper", path, problems, unit_m, context)
    area = _projection(
        volume.get("horizontalProjection"), member(path, "horizontalProjection"), problems, unit_m
    )
    if lower_m is None or upper_m is None or area is None:
        return None
    if lower_m > upper_m:
        problems.add(
            member(path, "lowerLimit"),
            f"lower limit ({lower_m:g} m AGL) is above the upper limit ({upper_m:g} m AGL)",
        )
        return None
    return _Volume(area, AltitudeBand(lower_m, upper_m))


def _unit(volume: JsonObject, path: str, problems: Problems) -> float | None:
    unit_path = member(path, "uomDimensions")
    if volume.get("uomDimensions") is None:
        problems.add(unit_path, "is missing; use M or FT")
        return None
    text = as_text(volume["uomDimensions"], unit_path, problems)
    if text is None:
        return None
    unit_m = UNITS_M.get(text.strip().upper())
    if unit_m is None:
        problems.add(unit_path, f"unknown unit {text!r}; use M or FT")
    return unit_m


def _limit(
    volume: JsonObject,
    which: Literal["lower", "upper"],
    path: str,
    problems: Problems,
    unit_m: float | None,
    context: _Context,
) -> float | None:
    """The limit in metres AGL; the ground or the ceiling when absent."""
    limit_key, reference_key = f"{which}Limit", f"{which}VerticalReference"
    if volume.get(limit_key) is None:
        return 0.0 if which == "lower" else context.config.ceiling_m
    value = as_number(volume[limit_key], member(path, limit_key), problems)
    reference = _reference(volume, reference_key, path, problems)
    if value is None or reference is None or unit_m is None:
        return None
    metres = value * unit_m
    if reference == "AGL":
        return metres
    agl_m = metres - context.config.ground_elevation_m
    return max(agl_m, 0.0) if which == "lower" else agl_m


def _reference(volume: JsonObject, key: str, path: str, problems: Problems) -> str | None:
    reference_path = member(path, key)
    if volume.get(key) is None:
        problems.add(reference_path, "is missing; use AGL, AMSL or WGS84")
        return None
    text = as_text(volume[key], reference_path, problems)
    if text is None:
        return None
    reference = text.strip().upper()
    if reference not in REFERENCES:
        problems.add(reference_path, f"unknown vertical reference {text!r}; use AGL, AMSL or WGS84")
        return None
    return reference


def _projection(value: object, path: str, problems: Problems, unit_m: float | None) -> Shape | None:
    projection = as_object(value, path, problems)
    if projection is None:
        return None
    projection_type = projection.get("type")
    if projection_type == "Polygon":
        coordinates = projection.get("coordinates")
        return polygon(coordinates, member(path, "coordinates"), problems, require_closed=False)
    if projection_type == "Circle":
        center = position(projection.get("center"), member(path, "center"), problems)
        radius = _radius(projection, path, problems)
        if center is None or radius is None or unit_m is None:
            return None
        return Circle(center, radius * unit_m)
    problems.add(
        member(path, "type"),
        f"unsupported horizontal projection {projection_type!r}; use Polygon or Circle",
    )
    return None


def _radius(projection: JsonObject, path: str, problems: Problems) -> float | None:
    radius_path = member(path, "radius")
    if projection.get("radius") is None:
        problems.add(radius_path, "is missing; a Circle needs a radius")
        return None
    radius = as_number(projection["radius"], radius_path, problems)
    if radius is not None and radius <= 0:
        problems.add(radius_path, f"must be positive, not {radius:g}")
        return None
    return radius


# --- texts ---------------------------------------------------------------------------------


def _message(feature: JsonObject, path: str, problems: Problems) -> str | None:
    message = optional_text(feature, "message", path, problems)
    conditions = _conditions(feature.get("restrictionConditions"), path, problems)
    authorities = _authorities(feature.get("zoneAuthority"), path, problems)
    if message is None or conditions is None or authorities is None:
        return None
    parts = [message] if message else []
    if conditions:
        parts.append("Conditions: " + "; ".join(conditions))
    parts.extend(authorities)
    return "\n".join(parts)


def _conditions(value: object, path: str, problems: Problems) -> list[str] | None:
    conditions_path = member(path, "restrictionConditions")
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    texts = as_list(value, conditions_path, problems)
    if texts is None:
        return None
    found = [as_text(t, item(conditions_path, i), problems) for i, t in enumerate(texts)]
    valid = [t for t in found if t is not None]
    return [t for t in valid if t.strip()] if len(valid) == len(found) else None


def _authorities(value: object, path: str, problems: Problems) -> list[str] | None:
    authorities_path = member(path, "zoneAuthority")
    if value is None:
        return []
    if isinstance(value, dict):  # some publishers give one authority as an object
        texts = [_authority(value, authorities_path, problems)]
    else:
        entries = as_list(value, authorities_path, problems)
        if entries is None:
            return None
        texts = [_authority(e, item(authorities_path, i), problems) for i, e in enumerate(entries)]
    valid = [t for t in texts if t is not None]
    return [t for t in valid if t] if len(valid) == len(texts) else None


def _authority(value: object, path: str, problems: Problems) -> str | None:
    authority = as_object(value, path, problems)
    if authority is None:
        return None
    keys = ("name", "service", "contactName", "phone", "email", "siteURL", "purpose")
    fields = {key: optional_text(authority, key, path, problems) for key in keys}
    interval = optional_text(authority, "intervalBefore", path, problems)
    if interval is None or any(text is None for text in fields.values()):
        return None
    f = {key: (text or "").strip() for key, text in fields.items()}
    who = f["name"] + (f" ({f['service']})" if f["service"] else "")
    contact = ", ".join(f[k] for k in ("contactName", "phone", "email", "siteURL") if f[k])
    purpose = PURPOSES.get(f["purpose"].upper(), f["purpose"])
    if purpose and interval.strip():
        purpose += f" {interval.strip()} ahead"
    parts = [f"Authority: {who}" if who else "", f"contact: {contact}" if contact else "", purpose]
    return "; ".join(p for p in parts if p)


def _operators(value: object, path: str, problems: Problems) -> frozenset[str] | None:
    if not isinstance(value, dict) or value.get("authorized_operator_ids") is None:
        return frozenset()
    ids_path = member(member(path, "extendedProperties"), "authorized_operator_ids")
    return text_list(value["authorized_operator_ids"], ids_path, problems)
