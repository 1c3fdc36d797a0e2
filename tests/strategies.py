"""Hypothesis strategies for flight plans that often interact, and for the hard cases.

Everything is built in metres around the projection origin of ``AirspaceConfig()`` (a square of
``AREA_M`` on a side, a span of ``SPAN_S``) and converted to WGS84 with the deployment's
projection. The hard-case strategies return a ``Case``: two plans and the verdict the spec gives,
computed by construction (their closest moment is static, or a waypoint time, or a window edge).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import h3
import numpy as np
import shapely
from hypothesis import strategies as st

from airspace.config import AirspaceConfig
from airspace.geo import Projection
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    LatLng,
    NavigationTolerance,
    Polygon,
    Priority,
    Shape,
    TimeWindow,
    Vehicle,
    Volume4D,
    Waypoint,
)

CONFIG = AirspaceConfig()
PROJECTION = Projection(*CONFIG.projection_origin)
ORIGIN_XY = PROJECTION.to_xy(*CONFIG.projection_origin)
T0 = 1_767_225_600.0
"""2026-01-01T00:00:00Z: a multiple of every sensible time bucket."""
AREA_M = 1200.0
"""Side of the square, centred on the origin, where random plans live (metres)."""
SPAN_S = 600.0
"""Random plans start within this many seconds after ``T0``."""
MAX_SPEED_MPS = 30.0
MAX_CLIMB_MPS = 5.0
H_MIN = CONFIG.horizontal_separation_m
V_MIN = CONFIG.vertical_separation_m
NO_TOLERANCE = NavigationTolerance()

VEHICLE = Vehicle(
    registration_id="UAS-TEST-1",
    cruise_speed_mps=15.0,
    max_speed_mps=MAX_SPEED_MPS,
    climb_rate_mps=MAX_CLIMB_MPS,
    descent_rate_mps=MAX_CLIMB_MPS,
    endurance_s=3600.0,
)


# --------------------------------------------------------------------------------------------
# Building blocks


def latlng(x: float, y: float) -> LatLng:
    """The WGS84 position ``x`` metres east and ``y`` metres north of the origin (projected)."""
    return PROJECTION.to_latlng(ORIGIN_XY[0] + x, ORIGIN_XY[1] + y)


def local_xy(p: LatLng) -> tuple[float, float]:
    """Inverse of ``latlng``."""
    x, y = PROJECTION.to_xy(p.lat, p.lon)
    return x - ORIGIN_XY[0], y - ORIGIN_XY[1]


def polygon(points: list[tuple[float, float]]) -> Polygon:
    return Polygon(tuple(latlng(x, y) for x, y in points))


def circle(x: float, y: float, radius_m: float) -> Circle:
    return Circle(latlng(x, y), radius_m)


def trajectory(
    plan_id: str,
    points: list[tuple[float, float, float, float]],
    tolerance: NavigationTolerance = NO_TOLERANCE,
) -> FlightPlan:
    """A trajectory plan through (x, y, altitude, time) points."""
    waypoints = tuple(Waypoint(latlng(x, y), z, t) for x, y, z, t in points)
    return _plan(plan_id, tolerance, waypoints=waypoints)


def volume(area: Shape, lower_m: float, upper_m: float, start_s: float, end_s: float) -> Volume4D:
    return Volume4D(area, AltitudeBand(lower_m, upper_m), TimeWindow(start_s, end_s))


def volume_plan(
    plan_id: str,
    volumes: list[Volume4D],
    tolerance: NavigationTolerance = NO_TOLERANCE,
) -> FlightPlan:
    return _plan(plan_id, tolerance, volumes=tuple(volumes))


def _plan(
    plan_id: str,
    tolerance: NavigationTolerance,
    waypoints: tuple[Waypoint, ...] = (),
    volumes: tuple[Volume4D, ...] = (),
) -> FlightPlan:
    return FlightPlan(
        flight_plan_id=plan_id,
        operator_id=f"op-{plan_id}",
        vehicle=VEHICLE,
        priority=Priority.COMMERCIAL,
        tolerance=tolerance,
        waypoints=waypoints,
        volumes=volumes,
        create_time_s=T0 - 3600.0,
        update_time_s=T0 - 3600.0,
    )


def with_id(plan: FlightPlan, plan_id: str) -> FlightPlan:
    return replace(plan, flight_plan_id=plan_id, operator_id=f"op-{plan_id}")


def rotated(
    points: list[tuple[float, float]], angle: float, about: tuple[float, float]
) -> list[tuple[float, float]]:
    """``points`` rotated by ``angle`` radians about ``about``."""
    c, s = math.cos(angle), math.sin(angle)
    ox, oy = about
    return [(ox + c * (x - ox) - s * (y - oy), oy + s * (x - ox) + c * (y - oy)) for x, y in points]


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


# --------------------------------------------------------------------------------------------
# Random plans

coords = st.floats(-AREA_M / 2, AREA_M / 2, allow_nan=False)
altitudes = st.one_of(
    st.floats(0.0, 120.0, allow_nan=False), st.sampled_from([0.0, 10.0, 30.0, 45.0, 60.0, 120.0])
)
start_times = st.floats(T0, T0 + SPAN_S, allow_nan=False)


_tolerance_m = st.one_of(st.just(0.0), st.floats(0.0, 10.0))
_speeds = st.floats(3.0, MAX_SPEED_MPS)
_level_changes = st.one_of(st.just(0.0), st.floats(-5.0, 5.0))
_cruise_altitudes = st.floats(5.0, 120.0)
_climb_rates = st.floats(1.0, MAX_CLIMB_MPS)
_hovers = st.floats(1.0, 30.0)
_star_radii = st.lists(st.floats(5.0, 250.0), min_size=3, max_size=12)
_dwells = st.one_of(st.just(0.0), st.floats(0.0, 60.0))
_rect_sides = st.floats(2.0, 400.0)
_radii = st.floats(1.0, 250.0)
_angles = st.floats(0.0, math.pi)
_hull_clouds = st.lists(
    st.tuples(st.floats(-200.0, 200.0), st.floats(-200.0, 200.0)), min_size=3, max_size=9
)
_shape_kinds = st.sampled_from(["rectangle", "hull", "star", "circle"])
_lower_bounds = st.floats(0.0, 110.0)
_durations = st.floats(1.0, 300.0)


@st.composite
def tolerances(draw: st.DrawFn) -> NavigationTolerance:
    return NavigationTolerance(draw(_tolerance_m), draw(_tolerance_m))


@st.composite
def vehicles(draw: st.DrawFn) -> Vehicle:
    cruise = draw(st.floats(5.0, 20.0))
    return replace(
        VEHICLE,
        registration_id=f"UAS-{draw(st.integers(1, 999))}",
        cruise_speed_mps=cruise,
        max_speed_mps=max(cruise, MAX_SPEED_MPS),
    )


_tolerances, _vehicles = tolerances(), vehicles()


@st.composite
def trajectories(draw: st.DrawFn, plan_id: str = "t") -> FlightPlan:
    """2–8 waypoints inside the area, flown at up to 30 m/s and 5 m/s vertically.

    Half of them stay within 5 m of one cruise altitude, so that they can be copied up or down.
    """
    n = draw(st.integers(2, 8))
    level = draw(st.booleans())  # cruising near one altitude, or anywhere in the band
    cruise = draw(altitudes)

    def altitude() -> float:
        if level:
            return min(CONFIG.ceiling_m, max(CONFIG.floor_m, cruise + draw(_level_changes)))
        return draw(altitudes)

    x, y, z, t = draw(coords), draw(coords), altitude(), draw(start_times)
    points = [(x, y, z, t)]
    for _ in range(n - 1):
        nx, ny, nz = draw(coords), draw(coords), altitude()
        speed = draw(_speeds)
        flight = max(math.hypot(nx - x, ny - y) / speed, abs(nz - z) / MAX_CLIMB_MPS)
        t = t + max(0.5, flight + draw(_dwells))
        x, y, z = nx, ny, nz
        points.append((x, y, z, t))
    plan = trajectory(plan_id, points, draw(_tolerances))
    return replace(plan, vehicle=draw(_vehicles))


@st.composite
def deliveries(draw: st.DrawFn, plan_id: str = "d") -> FlightPlan:
    """The shape DESIGN.md asks for: take off vertically, cruise (with hovers), land vertically."""
    x, y, t = draw(coords), draw(coords), draw(start_times)
    cruise, climb = draw(_cruise_altitudes), draw(_climb_rates)
    points = [(x, y, 0.0, t), (x, y, cruise, t + cruise / climb)]
    for _ in range(draw(st.integers(1, 4))):
        t = points[-1][3]
        if draw(st.booleans()):  # hover where it is
            t += draw(_hovers)
            points.append((x, y, cruise, t))
        nx, ny = draw(coords), draw(coords)
        t += max(0.5, math.hypot(nx - x, ny - y) / draw(_speeds))
        x, y = nx, ny
        points.append((x, y, cruise, t))
    points.append((x, y, 0.0, points[-1][3] + cruise / climb))
    return replace(trajectory(plan_id, points, draw(_tolerances)), vehicle=draw(_vehicles))


@st.composite
def shapes(draw: st.DrawFn) -> Shape:
    """A rotated rectangle, a convex hull, a star (simple, often concave) or a circle."""
    cx, cy = draw(coords), draw(coords)
    kind = draw(_shape_kinds)
    if kind == "circle":
        return circle(cx, cy, draw(_radii))
    if kind == "rectangle":
        w, h = draw(_rect_sides), draw(_rect_sides)
        corners = _rect(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        points = rotated(corners, draw(_angles), (cx, cy))
    elif kind == "star":  # vertices at increasing angles round the centre: always simple
        radii = draw(_star_radii)
        step = 2 * math.pi / len(radii)
        jitter = st.floats(0.0, 0.9 * step)
        angles = [i * step + draw(jitter) for i in range(len(radii))]
        polar = zip(angles, radii, strict=True)
        points = [(cx + r * math.cos(a), cy + r * math.sin(a)) for a, r in polar]
    else:
        cloud = draw(_hull_clouds)
        hull = shapely.MultiPoint([(cx + dx, cy + dy) for dx, dy in cloud]).convex_hull
        if not isinstance(hull, shapely.Polygon) or hull.area < 10.0:
            hull = shapely.box(cx - 20, cy - 20, cx + 20, cy + 20)
        points = list(hull.exterior.coords)[:-1]
    if draw(st.booleans()):
        points.reverse()
    return polygon(points)


_shapes = shapes()


@st.composite
def volumes(draw: st.DrawFn) -> Volume4D:
    lower = draw(_lower_bounds)
    upper = draw(st.floats(lower + 1.0, 120.0))
    start = draw(start_times)
    return volume(draw(_shapes), lower, upper, start, start + draw(_durations))


_volume_lists = st.lists(volumes(), min_size=1, max_size=3)


@st.composite
def volume_plans(draw: st.DrawFn, plan_id: str = "v") -> FlightPlan:
    """1–3 volumes (rotated rectangles, convex hulls, circles) with bands and windows."""
    plan = volume_plan(plan_id, draw(_volume_lists), draw(_tolerances))
    return replace(plan, vehicle=draw(_vehicles))


_any_plan = st.one_of(trajectories(), trajectories(), deliveries(), volume_plans())


def plans(plan_id: str = "p") -> st.SearchStrategy[FlightPlan]:
    """Trajectories (half), deliveries (a quarter) and volume plans, under ``plan_id``."""
    return _any_plan.map(lambda plan: with_id(plan, plan_id))


def altitude_range(plan: FlightPlan) -> tuple[float, float]:
    """Lowest and highest altitude the plan may occupy (metres)."""
    if plan.waypoints:
        zs = [w.altitude_m for w in plan.waypoints]
        return min(zs), max(zs)
    return (
        min(v.altitude.lower_m for v in plan.volumes),
        max(v.altitude.upper_m for v in plan.volumes),
    )


def fit_climb(plan: FlightPlan, dz: float) -> float:
    """``dz`` limited so that the plan moved up by it stays between floor and ceiling."""
    low, high = altitude_range(plan)
    return min(max(dz, CONFIG.floor_m - low), CONFIG.ceiling_m - high)


def translated(
    plan: FlightPlan, plan_id: str, dx: float, dy: float, dz: float, dt: float
) -> FlightPlan:
    """A copy of ``plan`` moved by (dx, dy) metres, dz metres up and dt seconds later."""

    def move(p: LatLng) -> LatLng:
        x, y = local_xy(p)
        return latlng(x + dx, y + dy)

    def move_shape(area: Shape) -> Shape:
        if isinstance(area, Circle):
            return Circle(move(area.center), area.radius_m)
        return Polygon(tuple(move(v) for v in area.vertices))

    waypoints = tuple(
        Waypoint(move(w.position), w.altitude_m + dz, w.time_s) for w in plan.waypoints
    )
    vols = tuple(
        Volume4D(
            move_shape(v.area),
            AltitudeBand(v.altitude.lower_m + dz, v.altitude.upper_m + dz),
            v.time_window,
        )
        for v in plan.volumes
    )
    moved = replace(plan, waypoints=waypoints, volumes=vols).shifted(dt)
    return with_id(moved, plan_id)


@st.composite
def near_copies(draw: st.DrawFn, plan: FlightPlan, plan_id: str) -> FlightPlan:
    """``plan`` nudged in space and time so that the pair lands near the separation limits."""
    return translated(
        plan,
        plan_id,
        dx=draw(st.floats(-150.0, 150.0)),
        dy=draw(st.floats(-150.0, 150.0)),
        dz=fit_climb(plan, draw(st.floats(-40.0, 40.0))),
        dt=draw(st.floats(-60.0, 60.0)),
    )


_offset_nudges = st.one_of(
    st.floats(0.6, 1.5),
    st.floats(-1.5, -0.6),
    st.floats(1.5, 3.0),
    st.floats(-3.0, -1.5),
    st.floats(-0.5, 0.5),
)
"""How far outside (positive) a minimum an offset copy sits; mostly where the checker judges."""


@st.composite
def offset_copies(draw: st.DrawFn, plan: FlightPlan, plan_id: str) -> FlightPlan:
    """``plan`` moved rigidly (no time shift) to just inside or outside one of the minima.

    A trajectory and its copy stay exactly (dx, dy, dz) apart, so the pair sits a few metres
    from the boundary; a volume overlaps its copy in the plane, so only the vertical one counts.
    """
    tolerance = draw(tolerances())
    h_limit, v_limit = _limits(plan.tolerance, tolerance)
    ux, uy = draw(unit_vectors())
    nudge = draw(_offset_nudges)
    if draw(st.booleans()):
        distance, dz = h_limit + nudge, draw(st.floats(0.0, v_limit + 5))
    else:
        distance, dz = draw(st.floats(0.0, h_limit + 5)), v_limit + nudge
    dz = dz if draw(st.booleans()) else -dz
    if fit_climb(plan, dz) != dz:  # no room that way: try the other way
        dz = fit_climb(plan, -dz)
    copy = translated(plan, plan_id, ux * distance, uy * distance, dz, 0.0)
    return replace(copy, tolerance=tolerance)


@st.composite
def plan_pairs(draw: st.DrawFn) -> tuple[FlightPlan, FlightPlan]:
    """Two plans: independent, or the second a nudged or a rigidly offset copy of the first."""
    a = draw(plans("a"))
    kind = draw(st.sampled_from(["independent", "near", "offset", "offset"]))
    if kind == "independent":
        return a, draw(plans("b"))
    if kind == "near":
        return a, replace(draw(near_copies(a, "b")), tolerance=draw(tolerances()))
    return a, draw(offset_copies(a, "b"))


@st.composite
def plan_lists(draw: st.DrawFn, min_size: int = 20, max_size: int = 60) -> list[FlightPlan]:
    """Plans with unique ids, some of them nudged copies of earlier ones."""
    n = draw(st.integers(min_size, max_size))
    result: list[FlightPlan] = []
    for i in range(n):
        if result and draw(st.integers(0, 3)) == 0:
            base = draw(st.sampled_from(result))
            copies = st.one_of(near_copies(base, f"p{i}"), offset_copies(base, f"p{i}"))
            result.append(draw(copies))
        else:
            result.append(draw(plans(f"p{i}")))
    return result


# --------------------------------------------------------------------------------------------
# Hard cases: two plans and the verdict by construction


@dataclass(frozen=True, slots=True)
class Case:
    a: FlightPlan
    b: FlightPlan
    expected: bool
    """Whether the spec says the plans conflict."""
    note: str = ""


def _limits(a: NavigationTolerance, b: NavigationTolerance) -> tuple[float, float]:
    return H_MIN + (a.horizontal_m + b.horizontal_m), V_MIN + (a.vertical_m + b.vertical_m)


nudges = st.one_of(st.floats(0.01, 1.0), st.floats(1.0, 10.0))
"""How far below or above a limit a hard case sits (metres)."""


@st.composite
def _offset(draw: st.DrawFn, limit: float) -> tuple[float, bool]:
    """A distance just below (conflict) or just above (no conflict) ``limit``."""
    below = draw(st.booleans())
    nudge = draw(nudges)
    return (limit - nudge, True) if below else (limit + nudge, False)


def _off_boundary(value: float, limit: float) -> float:
    """``value``, moved to 1 cm below ``limit`` when it is closer than that (verdict by design)."""
    return limit - 0.01 if abs(value - limit) < 0.01 else value


@st.composite
def unit_vectors(draw: st.DrawFn) -> tuple[float, float]:
    angle = draw(st.floats(0.0, 2 * math.pi))
    return math.cos(angle), math.sin(angle)


@st.composite
def crossing_at_shared_waypoint(draw: st.DrawFn) -> Case:
    """Two trajectories from different directions through one waypoint at the same second."""
    px, py = draw(st.floats(-300, 300)), draw(st.floats(-300, 300))
    z, t = draw(st.floats(5.0, 115.0)), float(math.floor(draw(start_times)))

    def leg(
        sign: float, u: tuple[float, float], length: float, speed: float
    ) -> tuple[float, float, float, float]:
        return (px + sign * u[0] * length, py + sign * u[1] * length, z, t + sign * length / speed)

    ua, ub = draw(unit_vectors()), draw(unit_vectors())
    la, lb = draw(st.floats(20, 400)), draw(st.floats(20, 400))
    sa, sb = draw(st.floats(5, 30)), draw(st.floats(5, 30))
    a_pts = [leg(-1, ua, la, sa), (px, py, z, t), leg(1, ua, la, sa)]
    b_pts = [leg(-1, ub, lb, sb), (px, py, z, t), leg(1, ub, lb, sb)]
    if draw(st.booleans()):  # one of them ends right at the crossing
        b_pts = b_pts[:2]
    a = trajectory("cross-a", a_pts, draw(tolerances()))
    b = trajectory("cross-b", b_pts, draw(tolerances()))
    return Case(a, b, True, "co-located at a shared waypoint")


@st.composite
def corner_cases(draw: st.DrawFn) -> Case:
    """A rectangle and a rectangle or trajectory whose nearest point is one of its corners.

    The other plan sits beyond the corner along a direction strictly between the two edges, at
    a distance just below or above ``H`` — or overlaps the corner by a few centimetres.
    """
    tol_a, tol_b = draw(tolerances()), draw(tolerances())
    h_limit, _ = _limits(tol_a, tol_b)
    overlap = draw(st.integers(0, 4)) == 0
    gap, expected = (-draw(st.floats(0.01, 0.2)), True) if overlap else draw(_offset(h_limit))
    cx, cy = draw(st.floats(-200, 200)), draw(st.floats(-200, 200))
    theta = draw(st.floats(0.0, 2 * math.pi))
    phi = draw(st.floats(0.1, math.pi / 2 - 0.1))
    w, h = draw(st.floats(5, 300)), draw(st.floats(5, 300))
    z, start = draw(st.floats(10, 100)), draw(start_times)
    a_rect = rotated(_rect(cx - w, cy - h, cx, cy), theta, (cx, cy))
    a = volume_plan("corner-a", [volume(polygon(a_rect), z - 5, z + 5, start, start + 120)], tol_a)
    if overlap:
        dx, dy = gap, gap
    else:
        dx, dy = gap * math.cos(phi), gap * math.sin(phi)
    bx, by = cx + dx, cy + dy
    if draw(st.booleans()):
        b_rect = rotated(_rect(bx, by, bx + w, by + h), theta, (cx, cy))
        vol = volume(polygon(b_rect), z, z + 20, start + 60, start + 200)
        return Case(a, volume_plan("corner-b", [vol], tol_b), expected, f"corner gap {gap}")
    # A trajectory tangent to the circle of radius ``gap`` round the corner, touching it at t.
    ((px, py),) = rotated([(bx, by)], theta, (cx, cy))
    tx, ty = -math.sin(phi + theta), math.cos(phi + theta)
    t = start + draw(st.floats(0.0, 120.0))
    run = draw(st.floats(10, 200))
    pts = [(px - tx * run, py - ty * run, z, t - run / 10), (px, py, z, t)]
    pts.append((px + tx * run, py + ty * run, z, t + run / 10))
    return Case(a, trajectory("corner-b", pts, tol_b), expected, f"corner gap {gap}")


@st.composite
def window_edge_cases(draw: st.DrawFn) -> Case:
    """One plan ends at the instant the other starts, just inside or outside the minima.

    With ``later`` the second starts a millisecond after the first ends: never coexisting, they
    cannot conflict however close they are.
    """
    tol_a, tol_b = draw(tolerances()), draw(tolerances())
    h_limit, v_limit = _limits(tol_a, tol_b)
    on_bucket_edge = T0 + CONFIG.time_bucket_s * draw(st.integers(1, 9))
    t = on_bucket_edge if draw(st.booleans()) else draw(start_times)
    later = draw(st.integers(0, 3)) == 0
    if draw(st.booleans()):
        gap, expected = draw(_offset(h_limit))
        dz = draw(st.floats(0.0, v_limit - 0.01))
    else:
        gap = draw(st.floats(0.0, h_limit - 0.01))
        dz, expected = draw(_offset(v_limit))
    expected = expected and not later
    z = draw(st.floats(0.0, 120.0 - dz))
    ux, uy = draw(unit_vectors())
    px, py = draw(st.floats(-300, 300)), draw(st.floats(-300, 300))
    qx, qy = px + ux * gap, py + uy * gap
    t_b = t + 0.001 if later else t
    if draw(st.booleans()):  # arrives at P at t, coming from beyond P as seen from Q
        a = trajectory("edge-a", [(px - ux * 300, py - uy * 300, z, t - 30), (px, py, z, t)], tol_a)
    else:
        r = draw(st.floats(1.0, 100.0))
        area = circle(px - ux * r, py - uy * r, r)
        a = volume_plan("edge-a", [volume(area, max(0.0, z - 20), z, t - 60, t)], tol_a)
    if draw(st.booleans()):
        leg = [(qx, qy, z + dz, t_b), (qx + ux * 300, qy + uy * 300, z + dz, t_b + 30)]
        b = trajectory("edge-b", leg, tol_b)
    else:
        w = draw(st.floats(1.0, 100.0))
        corners = rotated(_rect(qx, qy - w, qx + 2 * w, qy + w), math.atan2(uy, ux), (qx, qy))
        vol = volume(polygon(corners), z + dz, min(120.0, z + dz + 30), t_b, t_b + 60)
        b = volume_plan("edge-b", [vol], tol_b)
    return Case(a, b, expected, f"gap {gap} dz {dz} later {later}")


@st.composite
def volume_gap_cases(draw: st.DrawFn) -> Case:
    """Two volumes overlapping in time, just inside or outside one minimum, inside the other."""
    tol_a, tol_b = draw(tolerances()), draw(tolerances())
    h_limit, v_limit = _limits(tol_a, tol_b)
    start = draw(start_times)
    window_b = (start + draw(st.floats(-100, 100)), start + 150)
    ux, uy = draw(unit_vectors())
    r = draw(st.floats(1.0, 200.0))
    lower = draw(st.floats(0.0, 30.0))
    if draw(st.booleans()):
        gap, expected = draw(_offset(h_limit))
        band_b = (max(0.0, lower + draw(st.floats(-10, 10))), lower + 20)
    else:
        gap = draw(st.floats(0.0, h_limit - 0.01))
        dz, expected = draw(_offset(v_limit))
        band_b = (lower + 20 + dz, lower + 40 + dz)
    area_a = circle(0.0, 0.0, r)
    far = r + gap
    if draw(st.booleans()):
        r_b = draw(st.floats(1.0, 200.0))
        area_b: Shape = circle(ux * (far + r_b), uy * (far + r_b), r_b)
    else:  # a square whose near edge faces the circle's centre (tangent at its midpoint)
        w = draw(st.floats(1.0, 200.0))
        square = rotated(_rect(far, -w, far + 2 * w, w), math.atan2(uy, ux), (0.0, 0.0))
        area_b = polygon(square)
    a = volume_plan("gap-a", [volume(area_a, lower, lower + 20, start, start + 150)], tol_a)
    b = volume_plan("gap-b", [volume(area_b, *band_b, *window_b)], tol_b)
    return Case(a, b, expected, f"gap {gap} bands {band_b}")


def _h3_edge(lat: float, lon: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """The middle and the unit direction (metres) of the first edge of the index cell at a point."""
    boundary = h3.cell_to_boundary(h3.latlng_to_cell(lat, lon, CONFIG.index_resolution))
    (ax, ay), (bx, by) = (local_xy(LatLng(*p)) for p in boundary[:2])
    length = math.hypot(bx - ax, by - ay)
    return ((ax + bx) / 2, (ay + by) / 2), ((bx - ax) / length, (by - ay) / length)


@st.composite
def h3_edge_cases(draw: st.DrawFn) -> Case:
    """Two paths on either side of an index-cell edge, parallel or crossing it head-on."""
    tol_a, tol_b = draw(tolerances()), draw(tolerances())
    h_limit, v_limit = _limits(tol_a, tol_b)
    here = latlng(draw(coords), draw(coords))
    (mx, my), (ex, ey) = _h3_edge(here.lat, here.lon)
    nx, ny = -ey, ex
    gap = draw(st.one_of(st.floats(0.5, 6.0), st.floats(h_limit - 10, h_limit + 10)))
    inner = draw(st.floats(0.0, 1.0)) * gap
    dz = draw(st.floats(0.0, v_limit + 5))
    gap, dz = _off_boundary(gap, h_limit), _off_boundary(dz, v_limit)
    expected = gap < h_limit and dz < v_limit
    z, t = draw(st.floats(0.0, 120.0 - dz)), draw(start_times)
    run, speed = draw(st.floats(20, 150)), draw(st.floats(5, 30))
    ax, ay = mx - nx * inner, my - ny * inner
    bx, by = mx + nx * (gap - inner), my + ny * (gap - inner)
    a_pts = [(ax - ex * run, ay - ey * run, z, t), (ax, ay, z, t + run / speed)]
    a_pts.append((ax + ex * run, ay + ey * run, z, t + 2 * run / speed))
    sign = draw(st.sampled_from([1.0, -1.0]))  # -1: head-on, closest at the middle waypoint
    b_pts = [(bx - sign * ex * run, by - sign * ey * run, z + dz, t)]
    b_pts.append((bx, by, z + dz, t + run / speed))
    b_pts.append((bx + sign * ex * run, by + sign * ey * run, z + dz, t + 2 * run / speed))
    a = trajectory("h3-a", a_pts, tol_a)
    b = trajectory("h3-b", b_pts, tol_b)
    return Case(a, b, expected, f"gap {gap} (inner {inner}) dz {dz} sign {sign}")


@st.composite
def layer_edge_cases(draw: st.DrawFn) -> Case:
    """Two plans on either side of an altitude-layer boundary, horizontally overlapping."""
    tol_a, tol_b = draw(tolerances()), draw(tolerances())
    _, v_limit = _limits(tol_a, tol_b)
    layer = CONFIG.layer_height_m
    boundary = layer * draw(st.integers(1, int(CONFIG.ceiling_m / layer) - 1))
    dz = _off_boundary(
        draw(st.one_of(st.floats(0.01, 3.0), st.floats(v_limit - 3, v_limit + 5))), v_limit
    )
    below = draw(st.floats(0.0, 1.0)) * dz
    za, zb = boundary - below, boundary - below + dz
    while za < 0:  # move by whole layers: still straddling a layer boundary
        za, zb = za + layer, zb + layer
    while zb > CONFIG.ceiling_m:
        za, zb = za - layer, zb - layer
    expected = dz < v_limit
    x, y, t = draw(coords), draw(coords), draw(start_times)
    ux, uy = draw(unit_vectors())
    run = draw(st.floats(10, 300))
    a = trajectory(
        "layer-a",
        [(x - ux * run, y - uy * run, za, t), (x + ux * run, y + uy * run, za, t + 60)],
        tol_a,
    )
    if draw(st.booleans()):
        b = trajectory("layer-b", [(x, y, zb, t + 10), (x, y, zb, t + 50)], tol_b)
    else:
        vol = volume(circle(x, y, draw(st.floats(1, 50))), zb, zb + 20, t + 10, t + 50)
        b = volume_plan("layer-b", [vol], tol_b)
    if draw(st.booleans()):
        a, b = with_id(b, "layer-a"), with_id(a, "layer-b")
    return Case(a, b, expected, f"boundary {boundary} za {za} zb {zb}")


def metric_points(plan: FlightPlan) -> np.ndarray:
    """The plan's waypoints in local metres, shape (n, 2) (for debugging output)."""
    return np.array([local_xy(w.position) for w in plan.waypoints])
