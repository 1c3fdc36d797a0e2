"""Semantic checks of plans, zones and areas; each problem becomes a ``FieldViolation``.

Field paths follow the public API's field names (``flight_plan.trajectory.waypoints[2].time``),
so an operator can find the offending value in what they sent. Checks collect every problem
rather than stopping at the first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.errors import FieldViolation, InvalidArgument
from airspace.footprint import Footprint
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    Geozone,
    LatLng,
    Polygon,
    Shape,
    TimeWindow,
    Vehicle,
    Waypoint,
)

MAX_RADIUS_M = 50_000.0
GROUND_TOLERANCE_M = 0.5
"""How far above the floor a trajectory's first and last waypoints may be."""
SPEED_SLACK = 1.01
"""Legs may exceed the vehicle's limits by 1 % (rounding in clients' time stamps)."""
EARLIEST_S, LATEST_S = -62_135_596_800.0, 253_402_300_800.0
"""The instants a google.protobuf.Timestamp may hold: 0001-01-01 to the end of 9999 (UTC).
Times beyond them would be stored and then fail every answer that sends them back."""
MAX_DURATION_S = 315_576_000_000.0
"""The longest google.protobuf.Duration (10,000 years), for the same reason."""


class Violations:
    """Collects violations; ``raise_if_any`` turns them into one ``InvalidArgument``."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.items.append(FieldViolation(field, description))

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)


def _finite(*values: float) -> bool:
    for value in values:  # noqa: SIM110 (no generator: this runs ~20 times per submission)
        if not math.isfinite(value):
            return False
    return True


def check_position(out: Violations, field: str, p: LatLng, config: AirspaceConfig) -> bool:
    if not _finite(p.lat, p.lon) or not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180):
        out.add(field, f"({p.lat}, {p.lon}) is not a valid latitude/longitude in degrees")
        return False
    if not config.bounds.contains(p.lat, p.lon):
        b = config.bounds
        out.add(
            field,
            f"({p.lat:.6f}, {p.lon:.6f}) is outside the managed airspace "
            f"(lat {b.min_lat}..{b.max_lat}, lon {b.min_lon}..{b.max_lon})",
        )
        return False
    return True


def check_shape(out: Violations, field: str, shape: Shape, config: AirspaceConfig) -> None:
    if isinstance(shape, Circle):
        check_position(out, f"{field}.circle.center", shape.center, config)
        if not _finite(shape.radius_m) or not 0 < shape.radius_m <= MAX_RADIUS_M:
            out.add(f"{field}.circle.radius_m", f"must be > 0 and ≤ {MAX_RADIUS_M:.0f} m")
        return
    check_polygon(out, f"{field}.polygon", shape, config)


def check_polygon(out: Violations, field: str, polygon: Polygon, config: AirspaceConfig) -> None:
    vertices = list(polygon.vertices)
    if len(vertices) > 1 and vertices[0] == vertices[-1]:
        vertices.pop()
    if len(vertices) > config.max_vertices:
        out.add(f"{field}.vertices", f"has {len(vertices)} vertices; at most {config.max_vertices}")
        return
    ok = [check_position(out, f"{field}.vertices[{i}]", v, config) for i, v in enumerate(vertices)]
    if not all(ok):
        return
    if len(set(vertices)) < 3:
        out.add(f"{field}.vertices", "a polygon needs at least 3 distinct vertices")
        return
    ring = shapely.Polygon([(v.lon, v.lat) for v in vertices])
    if not ring.is_valid:
        reason = shapely.is_valid_reason(ring)
        out.add(f"{field}.vertices", f"the polygon is not simple ({reason})")
    elif ring.area == 0:
        out.add(f"{field}.vertices", "the polygon has no area")


def check_band(
    out: Violations,
    field: str,
    band: AltitudeBand,
    config: AirspaceConfig,
    *,
    within_airspace: bool = True,
) -> None:
    """A finite, ordered band; inside [floor, ceiling] unless ``within_airspace`` is False
    (geozones may reach above the managed airspace: real ones often do)."""
    if not _finite(band.lower_m, band.upper_m):
        out.add(field, "altitudes must be finite numbers")
    elif band.lower_m > band.upper_m:
        out.add(field, f"lower_m {band.lower_m} is above upper_m {band.upper_m}")
    elif within_airspace and (band.lower_m < config.floor_m or band.upper_m > config.ceiling_m):
        out.add(
            field,
            f"[{band.lower_m}, {band.upper_m}] m leaves the airspace "
            f"[{config.floor_m}, {config.ceiling_m}] m AGL",
        )


def check_window(out: Violations, field: str, window: TimeWindow) -> bool:
    if not _finite(window.start_s, window.end_s):
        out.add(field, "start_time and end_time are required")
        return False
    if window.end_s <= window.start_s:
        out.add(field, "end_time must be after start_time")
        return False
    if window.start_s < EARLIEST_S or window.end_s > LATEST_S:
        out.add(field, "times must lie between the years 0001 and 9999")
        return False
    return True


def check_vehicle(out: Violations, field: str, vehicle: Vehicle) -> None:
    if not vehicle.registration_id.strip():
        out.add(f"{field}.registration_id", "is required")
    for name in ("cruise_speed_mps", "max_speed_mps", "climb_rate_mps", "descent_rate_mps"):
        value = getattr(vehicle, name)
        if not _finite(value) or value <= 0:
            out.add(f"{field}.{name}", "must be a positive number")
    if not _finite(vehicle.endurance_s) or not 0 < vehicle.endurance_s <= MAX_DURATION_S:
        out.add(f"{field}.endurance", "must be a positive duration of at most 10,000 years")
    if _finite(vehicle.cruise_speed_mps, vehicle.max_speed_mps) and (
        vehicle.cruise_speed_mps > vehicle.max_speed_mps
    ):
        out.add(f"{field}.cruise_speed_mps", "is above max_speed_mps")


def validate_plan(
    plan: FlightPlan,
    deconflictor: Deconflictor,
    now_s: float,
    field: str = "flight_plan",
) -> None:
    """Raise ``InvalidArgument`` listing every problem with a submitted plan. Legs are judged
    on the plan's footprint, which stays in the deconflictor's cache for what comes next."""
    config = deconflictor.config
    out = Violations()
    check_vehicle(out, f"{field}.vehicle", plan.vehicle)
    tol = plan.tolerance
    for name, value in (("horizontal_m", tol.horizontal_m), ("vertical_m", tol.vertical_m)):
        if not _finite(value) or not 0 <= value <= config.max_tolerance_m:
            out.add(
                f"{field}.tolerance.{name}", f"must be between 0 and {config.max_tolerance_m} m"
            )
    if plan.waypoints and plan.volumes:
        out.add(f"{field}", "set either trajectory or volumes, not both")
    elif plan.waypoints:
        _check_trajectory(out, f"{field}.trajectory", plan, deconflictor)
    elif plan.volumes:
        _check_volumes(out, f"{field}.volumes", plan, config)
    else:
        out.add(f"{field}.trajectory", "a plan needs a trajectory or volumes")
    if not out.items:
        _check_timing(out, field, plan, config, now_s)
    out.raise_if_any()


def _check_trajectory(
    out: Violations, field: str, plan: FlightPlan, deconflictor: Deconflictor
) -> None:
    config = deconflictor.config
    waypoints = plan.waypoints
    if len(waypoints) < 2:
        out.add(f"{field}.waypoints", "a trajectory needs at least 2 waypoints")
        return
    if len(waypoints) > config.max_vertices:
        out.add(
            f"{field}.waypoints", f"has {len(waypoints)} waypoints; at most {config.max_vertices}"
        )
        return
    if not _waypoints_plainly_valid(waypoints, config):
        _check_waypoints(out, field, waypoints, config)
    for i in (0, len(waypoints) - 1):
        if _finite(waypoints[i].altitude_m) and (
            waypoints[i].altitude_m > config.floor_m + GROUND_TOLERANCE_M
        ):
            out.add(
                f"{field}.waypoints[{i}].altitude_m",
                "a trajectory starts and ends on the ground: the climb and the descent are part "
                "of the plan",
            )
    if not out.items:  # the footprint needs finite, ordered waypoints
        _check_legs(out, field, plan, deconflictor.footprint(plan))


def _waypoints_plainly_valid(waypoints: Sequence[Waypoint], config: AirspaceConfig) -> bool:
    """Whether ``_check_waypoints`` would find nothing: each waypoint inside the airspace and
    later than the one before (the common case, checked without naming fields)."""
    inside = config.bounds.contains
    floor_m, ceiling_m = config.floor_m, config.ceiling_m
    previous = -math.inf
    for w in waypoints:
        time_s = w.time_s
        if not (
            inside(w.position.lat, w.position.lon)
            and floor_m <= w.altitude_m <= ceiling_m
            and previous < time_s < math.inf
        ):
            return False
        previous = time_s
    return True


def _check_waypoints(
    out: Violations, field: str, waypoints: Sequence[Waypoint], config: AirspaceConfig
) -> None:
    for i, w in enumerate(waypoints):
        at = f"{field}.waypoints[{i}]"
        check_position(out, f"{at}.position", w.position, config)
        if not _finite(w.altitude_m) or not config.floor_m <= w.altitude_m <= config.ceiling_m:
            out.add(
                f"{at}.altitude_m", f"must be within [{config.floor_m}, {config.ceiling_m}] m AGL"
            )
        if not _finite(w.time_s):
            out.add(f"{at}.time", "is required")
        elif i and _finite(waypoints[i - 1].time_s) and w.time_s <= waypoints[i - 1].time_s:
            out.add(f"{at}.time", "waypoint times must strictly increase")


def _check_legs(out: Violations, field: str, plan: FlightPlan, footprint: Footprint) -> None:
    assert footprint.track is not None
    xs, ys = footprint.track.x, footprint.track.y
    v = plan.vehicle
    max_speed = v.max_speed_mps * SPEED_SLACK
    max_climb, max_descent = v.climb_rate_mps * SPEED_SLACK, v.descent_rate_mps * SPEED_SLACK
    for i in range(1, len(plan.waypoints)):
        a, b = plan.waypoints[i - 1], plan.waypoints[i]
        dt = b.time_s - a.time_s
        speed = math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1]) / dt
        rate = (b.altitude_m - a.altitude_m) / dt
        if speed <= max_speed and -max_descent <= rate <= max_climb:
            continue
        at = f"{field}.waypoints[{i}].time"
        if speed > max_speed:
            out.add(
                at, f"the leg needs {speed:.1f} m/s; the vehicle flies at most {v.max_speed_mps}"
            )
        if rate > max_climb:
            out.add(
                at,
                f"the leg climbs at {rate:.1f} m/s; the vehicle climbs at most {v.climb_rate_mps}",
            )
        if -rate > max_descent:
            out.add(
                at,
                f"the leg descends at {-rate:.1f} m/s; the vehicle descends at most "
                f"{v.descent_rate_mps}",
            )


def _check_volumes(out: Violations, field: str, plan: FlightPlan, config: AirspaceConfig) -> None:
    vertex_count = sum(
        len(v.area.vertices) if isinstance(v.area, Polygon) else 1 for v in plan.volumes
    )
    if vertex_count > config.max_vertices:
        out.add(f"{field}.volumes", f"has {vertex_count} vertices; at most {config.max_vertices}")
        return
    for i, volume in enumerate(plan.volumes):
        at = f"{field}.volumes[{i}]"
        check_shape(out, f"{at}.area", volume.area, config)
        check_band(out, f"{at}.altitude", volume.altitude, config)
        check_window(out, f"{at}.time_window", volume.time_window)


def _check_timing(
    out: Violations, field: str, plan: FlightPlan, config: AirspaceConfig, now_s: float
) -> None:
    window = plan.time_window
    duration = window.end_s - window.start_s
    if window.end_s <= now_s:
        out.add(f"{field}.time_window", "the plan is already over")
    if window.start_s > now_s + config.max_plan_lead_s:
        days = config.max_plan_lead_s / 86_400
        out.add(f"{field}.time_window", f"the plan starts more than {days:.0f} days ahead")
    if duration > config.max_plan_duration_s:
        out.add(
            f"{field}.time_window",
            f"the plan lasts {duration:.0f} s; at most {config.max_plan_duration_s:.0f} s",
        )
    if plan.waypoints and duration > plan.vehicle.endurance_s:
        out.add(
            f"{field}.vehicle.endurance",
            f"the flight takes {duration:.0f} s, longer than the vehicle's endurance "
            f"{plan.vehicle.endurance_s:.0f} s",
        )


def validate_geozone(zone: Geozone, config: AirspaceConfig, field: str = "geozone") -> None:
    """Raise ``InvalidArgument`` listing every problem with a geozone."""
    out = Violations()
    check_zone(out, zone, config, field)
    out.raise_if_any()


def check_zone(out: Violations, zone: Geozone, config: AirspaceConfig, field: str) -> None:
    if not zone.geozone_id or not all(c.isalnum() or c in "-_.:#" for c in zone.geozone_id):
        out.add(f"{field}.geozone_id", "is required: letters, digits and - _ . : # only")
    check_shape(out, f"{field}.area", zone.area, config)
    check_band(out, f"{field}.altitude", zone.altitude, config, within_airspace=False)
    for i, window in enumerate(zone.schedule):
        check_window(out, f"{field}.schedule[{i}]", window)


def validate_area_query(
    area: Shape, band: AltitudeBand, window: TimeWindow, config: AirspaceConfig
) -> None:
    out = Violations()
    check_shape(out, "area", area, config)
    check_band(out, "altitude", band, config)
    check_window(out, "time_window", window)
    out.raise_if_any()
