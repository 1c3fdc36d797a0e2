"""Flight plans as GeoJSON, so they open in QGIS or kepler.gl and can be written by hand.

A trajectory is a ``Feature`` with a ``LineString`` of ``[lon, lat, altitude_m]`` positions and
these properties::

    "times": ["2026-12-01T09:00:00Z", ...] | [0, 20, 160, 180]   # ISO 8601 UTC, or seconds
                                                                  # after the departure time
    "vehicle": {"registration_id": "...", "cruise_speed_mps": 15, "max_speed_mps": 20,
                "climb_rate_mps": 3, "descent_rate_mps": 3, "endurance_s": 1800},
    "priority": "commercial",            # recreational | commercial | public_service | emergency
    "tolerance": {"horizontal_m": 5, "vertical_m": 5}
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp

from airspace.errors import FieldViolation, InvalidArgument
from airspace.timestamps import to_duration, to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2

PRIORITY_NAMES = ("recreational", "commercial", "public_service", "emergency")


def plan_from_geojson(
    feature: dict[str, Any], departure_s: float | None = None
) -> flight_plan_pb2.FlightPlan:
    """A trajectory plan from a GeoJSON Feature. Numeric ``times`` count from ``departure_s``
    (seconds since the epoch), which is then required. Raises ``InvalidArgument`` naming each
    bad field.

    >>> feature = json.load(open("examples/delivery.geojson"))
    >>> plan = plan_from_geojson(feature, departure_s=time.time() + 300)
    """
    problems: list[FieldViolation] = []
    geometry = feature.get("geometry") or {}
    props = feature.get("properties") or {}
    coords = geometry.get("coordinates") if geometry.get("type") == "LineString" else None
    if not isinstance(coords, list):
        problems.append(FieldViolation("geometry", "must be a LineString of [lon, lat, alt_m]"))
        coords = []
    times = props.get("times")
    if not isinstance(times, list) or len(times) != len(coords):
        problems.append(FieldViolation("properties.times", "needs one time per coordinate"))
        times = []
    priority = str(props.get("priority", "commercial")).lower()
    if priority not in PRIORITY_NAMES:
        problems.append(FieldViolation("properties.priority", f"one of {PRIORITY_NAMES}"))
    waypoints = []
    for i, (position, when) in enumerate(zip(coords, times, strict=False)):
        seconds = _seconds(when, departure_s, f"properties.times[{i}]", problems)
        if not isinstance(position, list) or len(position) != 3:
            problems.append(FieldViolation(f"geometry.coordinates[{i}]", "[lon, lat, alt_m]"))
            continue
        lon, lat, alt = (float(v) for v in position)
        waypoints.append(
            flight_plan_pb2.Waypoint(
                position=common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon),
                altitude_m=alt,
                time=to_timestamp(seconds),
            )
        )
    if problems:
        raise InvalidArgument(problems)
    vehicle = dict(props.get("vehicle") or {})
    endurance_s = float(vehicle.pop("endurance_s", 0.0))
    tolerance = props.get("tolerance") or {}
    return flight_plan_pb2.FlightPlan(
        vehicle=flight_plan_pb2.Vehicle(**vehicle, endurance=to_duration(endurance_s)),
        priority=flight_plan_pb2.Priority.Name(PRIORITY_NAMES.index(priority) + 1),
        tolerance=flight_plan_pb2.NavigationTolerance(**tolerance),
        trajectory=flight_plan_pb2.Trajectory(waypoints=waypoints),
    )


def plan_to_geojson(plan: flight_plan_pb2.FlightPlan) -> dict[str, Any]:
    """A plan as a GeoJSON Feature: a timed LineString, or a GeometryCollection of volumes
    (for QGIS, kepler.gl, or ``plan_from_geojson`` again).

    >>> json.dump(plan_to_geojson(client.get_flight_plan(plan_id)), open("plan.geojson", "w"))
    """
    props: dict[str, Any] = {
        "flight_plan_id": plan.flight_plan_id,
        "state": flight_plan_pb2.FlightPlanState.Name(plan.state),
        "priority": PRIORITY_NAMES[plan.priority - 1] if plan.priority else None,
        "registration_id": plan.vehicle.registration_id,
    }
    if plan.WhichOneof("shape") == "trajectory":
        points = plan.trajectory.waypoints
        props["times"] = [_iso(w.time) for w in points]
        geometry: dict[str, Any] = {
            "type": "LineString",
            "coordinates": [
                [w.position.longitude_deg, w.position.latitude_deg, w.altitude_m] for w in points
            ],
        }
    else:
        geometry = {"type": "GeometryCollection", "geometries": []}
        props["volumes"] = []
        for v in plan.volumes.volumes:
            geometry["geometries"].append(_area_geometry(v.area))
            props["volumes"].append(
                {
                    "lower_m": v.altitude.lower_m,
                    "upper_m": v.altitude.upper_m,
                    "start": _iso(v.time_window.start_time),
                    "end": _iso(v.time_window.end_time),
                }
            )
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _area_geometry(area: common_pb2.Area) -> dict[str, Any]:
    if area.WhichOneof("shape") == "circle":
        c = area.circle.center
        return {
            "type": "Point",
            "coordinates": [c.longitude_deg, c.latitude_deg],
            "radius_m": area.circle.radius_m,
        }
    ring = [[v.longitude_deg, v.latitude_deg] for v in area.polygon.vertices]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]] if ring else []}


def _seconds(
    value: object, departure_s: float | None, field: str, problems: list[FieldViolation]
) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if departure_s is None:
            problems.append(FieldViolation(field, "relative times need a departure time"))
            return math.nan
        return departure_s + float(value)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None:
            return parsed.timestamp()
    problems.append(FieldViolation(field, "an ISO 8601 time with a zone, or seconds"))
    return math.nan


def _iso(ts: Timestamp) -> str:
    moment = datetime.fromtimestamp(ts.seconds + ts.nanos / 1e9, tz=UTC)
    return moment.isoformat().replace("+00:00", "Z")
