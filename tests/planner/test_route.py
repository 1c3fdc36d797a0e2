"""PlanRoute and the alternatives of a rejected plan, checked independently of the planner.

Every returned trajectory goes through ``assert_flyable``, which uses none of the planner's code:
its own metric CRS (pyproj, UTM 50N) and shapely distances from every leg to every zone that
forbids the operator while the zone applies, ``validate_plan`` for the vehicle's limits, the
request's window, and ``tests.bruteforce`` (dense time sampling, written from the spec alone)
against every stored plan.
"""

from __future__ import annotations

import math
from dataclasses import replace
from itertools import pairwise

import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    Geozone,
    GeozoneKind,
    LatLng,
    NavigationTolerance,
    PlanState,
    Polygon,
    Priority,
    Shape,
    TimeWindow,
    Vehicle,
    Volume4D,
    Waypoint,
)
from airspace.validation import validate_plan
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker
from planner import ENERGY_MODEL, NoRoute, Route, RouteRequest, alternatives, plan_route
from tests.bruteforce import conflicts

CONFIG = AirspaceConfig()
DECONFLICTOR = Deconflictor(CONFIG)
ZONE_CHECKER = ZoneChecker(DECONFLICTOR)
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)
FROM_UTM = Transformer.from_crs("EPSG:32650", "EPSG:4326", always_xy=True)
T0 = 1_796_112_000.0
"""2026-12-01T08:00:00Z."""
OPERATOR = "op-route"
VEHICLE = Vehicle("UAS-ROUTE-1", 15.0, 20.0, 3.0, 3.0, 1800.0)
TOLERANCE = NavigationTolerance(5.0, 5.0)
DEMO = load_demo_city()
A = LatLng(22.540, 114.057)
"""West end of the demo city's clear corridor."""
B = LatLng(22.560, 114.110)
"""East end of the corridor."""
AX, AY = TO_UTM.transform(A.lon, A.lat)


# --------------------------------------------------------------------------------------------
# Building scenes in metres east/north of A


def at(east_m: float, north_m: float) -> LatLng:
    lon, lat = FROM_UTM.transform(AX + east_m, AY + north_m)
    return LatLng(lat, lon)


def corridor(fraction: float, north_m: float = 0.0) -> LatLng:
    """The point ``fraction`` of the way from A to B, moved ``north_m`` north."""
    bx, by = TO_UTM.transform(B.lon, B.lat)
    return at(fraction * (bx - AX), fraction * (by - AY) + north_m)


MIDDLE_BLOCK = Circle(corridor(0.5, -200.0), 600.0)
"""A circle that cuts the corridor A–B at its middle."""


def box(west_m: float, south_m: float, east_m: float, north_m: float) -> Polygon:
    return Polygon(
        (at(west_m, south_m), at(east_m, south_m), at(east_m, north_m), at(west_m, north_m))
    )


def zone(
    zone_id: str,
    area: Shape,
    kind: GeozoneKind = GeozoneKind.PROHIBITED,
    band: tuple[float, float] = (0.0, 120.0),
    schedule: tuple[TimeWindow, ...] = (),
    authorized: frozenset[str] = frozenset(),
) -> Geozone:
    return Geozone(zone_id, zone_id, kind, area, AltitudeBand(*band), schedule, authorized)


def request(
    origin: LatLng = A,
    destination: LatLng = B,
    *,
    window_s: float = 3600.0,
    band: tuple[float, float] = (40.0, 80.0),
    vehicle: Vehicle = VEHICLE,
) -> RouteRequest:
    return RouteRequest(
        origin=origin,
        destination=destination,
        earliest_departure_s=T0,
        latest_arrival_s=T0 + window_s,
        vehicle=vehicle,
        altitude=AltitudeBand(*band),
        tolerance=TOLERANCE,
        priority=Priority.COMMERCIAL,
        operator_id=OPERATOR,
    )


def straight(
    plan_id: str,
    origin: LatLng,
    destination: LatLng,
    altitude_m: float,
    depart_s: float,
    speed_mps: float = 15.0,
) -> FlightPlan:
    """An accepted delivery: vertical climb at 3 m/s, straight leg, vertical descent."""
    (ox, dx), (oy, dy) = TO_UTM.transform(
        [origin.lon, destination.lon], [origin.lat, destination.lat]
    )
    cruise_s = max(1.0, math.hypot(dx - ox, dy - oy) / speed_mps)
    climb_s = altitude_m / 3.0
    return FlightPlan(
        flight_plan_id=plan_id,
        operator_id="op-other",
        vehicle=VEHICLE,
        priority=Priority.COMMERCIAL,
        tolerance=TOLERANCE,
        waypoints=(
            Waypoint(origin, 0.0, depart_s),
            Waypoint(origin, altitude_m, depart_s + climb_s),
            Waypoint(destination, altitude_m, depart_s + climb_s + cruise_s),
            Waypoint(destination, 0.0, depart_s + 2 * climb_s + cruise_s),
        ),
    )


def volume_plan(plan_id: str, area: Shape, start_s: float, end_s: float) -> FlightPlan:
    return FlightPlan(
        flight_plan_id=plan_id,
        operator_id="op-other",
        vehicle=VEHICLE,
        priority=Priority.COMMERCIAL,
        tolerance=NavigationTolerance(),
        volumes=(Volume4D(area, AltitudeBand(0.0, 120.0), TimeWindow(start_s, end_s)),),
    )


def route(
    req: RouteRequest, zones: list[Geozone], existing: list[FlightPlan] | None = None
) -> Route:
    found = plan_route(
        req,
        zones=zones,
        existing=existing or [],
        deconflictor=DECONFLICTOR,
        zone_checker=ZONE_CHECKER,
    )
    assert isinstance(found, Route), found
    assert_flyable(found.plan, req, zones, existing or [])
    return found


# --------------------------------------------------------------------------------------------
# The independent checks


def metric_shape(shape: Shape) -> tuple[shapely.Geometry, float]:
    """(core, radius) in UTM metres."""
    if isinstance(shape, Circle):
        return shapely.Point(TO_UTM.transform(shape.center.lon, shape.center.lat)), shape.radius_m
    xs, ys = TO_UTM.transform([v.lon for v in shape.vertices], [v.lat for v in shape.vertices])
    return shapely.Polygon(list(zip(xs, ys, strict=True))), 0.0


def forbids(z: Geozone, operator_id: str) -> bool:
    if z.kind is GeozoneKind.PROHIBITED:
        return True
    return z.kind is GeozoneKind.RESTRICTED and operator_id not in z.authorized_operator_ids


def applies(z: Geozone, start_s: float, end_s: float) -> bool:
    return not z.schedule or any(w.start_s <= end_s and start_s <= w.end_s for w in z.schedule)


def xyz(plan: FlightPlan) -> list[tuple[float, float, float, float]]:
    out = []
    for w in plan.waypoints:
        x, y = TO_UTM.transform(w.position.lon, w.position.lat)
        out.append((x, y, w.altitude_m, w.time_s))
    return out


def assert_clear_of_zones(plan: FlightPlan, zones: list[Geozone]) -> None:
    """No leg comes within the horizontal tolerance of a forbidding zone while the zone applies
    and the leg's altitudes come within the vertical tolerance of the zone's band."""
    points = xyz(plan)
    tol = plan.tolerance
    for z in zones:
        if not forbids(z, plan.operator_id):
            continue
        core, radius = metric_shape(z.area)
        for (x0, y0, z0, t0), (x1, y1, z1, t1) in pairwise(points):
            band_gap = max(0.0, z.altitude.lower_m - max(z0, z1), min(z0, z1) - z.altitude.upper_m)
            if not applies(z, t0, t1) or band_gap >= tol.vertical_m:
                continue
            leg = shapely.LineString([(x0, y0), (x1, y1)]) if (x0, y0) != (x1, y1) else None
            distance = core.distance(leg if leg is not None else shapely.Point(x0, y0)) - radius
            assert distance > tol.horizontal_m, f"a leg passes {distance:.1f} m from {z.name}"


def assert_flyable(
    plan: FlightPlan, req: RouteRequest, zones: list[Geozone], existing: list[FlightPlan]
) -> None:
    first, last = plan.waypoints[0], plan.waypoints[-1]
    assert (first.position, first.altitude_m) == (req.origin, 0.0)
    assert (last.position, last.altitude_m) == (req.destination, 0.0)
    assert plan.operator_id == req.operator_id and plan.state is PlanState.ACCEPTED
    assert plan.flight_plan_id == ""
    validate_plan(plan, DECONFLICTOR, req.earliest_departure_s)
    assert req.earliest_departure_s <= first.time_s
    assert last.time_s <= req.latest_arrival_s
    assert last.time_s - first.time_s <= req.vehicle.endurance_s
    assert_clear_of_zones(plan, zones)
    for other in existing:
        assert not conflicts(plan, other, CONFIG, margin_m=1e-6), f"conflicts with {other}"


def length_3d(plan: FlightPlan) -> float:
    points = xyz(plan)
    return sum(math.dist(a[:3], b[:3]) for a, b in pairwise(points))


def straight_distance(a: LatLng, b: LatLng) -> float:
    (ax, bx), (ay, by) = TO_UTM.transform([a.lon, b.lon], [a.lat, b.lat])
    return math.hypot(bx - ax, by - ay)


def crosses(a: LatLng, b: LatLng, z: Geozone, clearance_m: float) -> bool:
    core, radius = metric_shape(z.area)
    (ax, bx), (ay, by) = TO_UTM.transform([a.lon, b.lon], [a.lat, b.lat])
    return core.distance(shapely.LineString([(ax, ay), (bx, by)])) - radius <= clearance_m


# --------------------------------------------------------------------------------------------
# Routes


def test_flies_straight_at_the_lowest_layer_when_the_corridor_is_clear() -> None:
    found = route(request(), DEMO)
    assert len(found.plan.waypoints) == 4
    assert found.cruise_altitude_m == 40.0
    assert found.departure_delay_s == 0.0
    assert found.stretch == pytest.approx(1.0, abs=1e-6)
    d = straight_distance(A, B)
    assert found.duration_s == pytest.approx(d / 15.0 + 2 * 40.0 / 3.0, rel=1e-6)


def test_reports_length_duration_energy_and_stretch_of_the_trajectory() -> None:
    blocker = zone("rt-fig-block", MIDDLE_BLOCK)
    found = route(request(), [*DEMO, blocker])
    w = found.plan.waypoints
    assert found.length_m == pytest.approx(length_3d(found.plan), rel=1e-6)
    assert found.duration_s == pytest.approx(w[-1].time_s - w[0].time_s)
    assert found.stretch == pytest.approx(
        found.length_m / (straight_distance(A, B) + 2 * 40.0), rel=1e-9
    )
    energy_j = 0.0
    points = xyz(found.plan)
    for a, b in pairwise(points):
        dt = b[3] - a[3]
        v_h, v_z = math.hypot(b[0] - a[0], b[1] - a[1]) / dt, (b[2] - a[2]) / dt
        power = (
            ENERGY_MODEL.hover_power_w
            + ENERGY_MODEL.drag_w_per_mps3 * v_h**3
            + ENERGY_MODEL.climb_w_per_mps * max(0.0, v_z)
        )
        energy_j += power * dt
    assert found.energy_wh == pytest.approx(energy_j / 3600.0, rel=1e-3)


@pytest.mark.parametrize(
    "area",
    [
        pytest.param(MIDDLE_BLOCK, id="circle"),
        pytest.param(box(2500, 400, 3300, 2000), id="polygon"),
    ],
)
def test_detours_around_a_prohibited_zone_in_the_way(area: Shape) -> None:
    blocker = zone(f"rt-detour-{type(area).__name__}", area)
    assert crosses(A, B, blocker, TOLERANCE.horizontal_m)
    found = route(request(), [*DEMO, blocker])
    assert len(found.plan.waypoints) > 4
    assert 1.0 < found.stretch < 1.15
    assert found.departure_delay_s == 0.0
    core, radius = metric_shape(area)
    track = shapely.LineString([p[:2] for p in xyz(found.plan)])
    assert core.distance(track) - radius < 50.0, "hugs the zone rather than swerving wide"


@pytest.mark.parametrize(
    "blocker",
    [
        pytest.param(
            zone(
                "rt-authorised",
                MIDDLE_BLOCK,
                GeozoneKind.RESTRICTED,
                authorized=frozenset({OPERATOR}),
            ),
            id="restricted-authorised",
        ),
        pytest.param(
            zone("rt-conditional", MIDDLE_BLOCK, GeozoneKind.CONDITIONAL),
            id="conditional",
        ),
        pytest.param(
            zone(
                "rt-tomorrow",
                MIDDLE_BLOCK,
                schedule=(TimeWindow(T0 + 86_400, T0 + 90_000),),
            ),
            id="scheduled-later",
        ),
        pytest.param(zone("rt-high", MIDDLE_BLOCK, band=(70.0, 120.0)), id="above-band"),
    ],
)
def test_flies_straight_through_zones_that_do_not_forbid_it(blocker: Geozone) -> None:
    assert crosses(A, B, blocker, TOLERANCE.horizontal_m)
    found = route(request(band=(40.0, 60.0)), [*DEMO, blocker])
    assert len(found.plan.waypoints) == 4


def test_goes_around_a_restricted_zone_without_authorisation() -> None:
    blocker = zone("rt-restricted", MIDDLE_BLOCK, GeozoneKind.RESTRICTED)
    found = route(request(), [*DEMO, blocker])
    assert len(found.plan.waypoints) > 4


def test_climbs_to_another_layer_to_pass_opposite_traffic() -> None:
    oncoming = straight("oncoming", B, A, 40.0, T0)
    found = route(request(), DEMO, [oncoming])
    assert found.departure_delay_s == 0.0
    assert len(found.plan.waypoints) == 4
    assert found.cruise_altitude_m == 70.0, "the first layer 25 m or more above the traffic"


def test_delays_departure_while_the_destination_pad_is_busy() -> None:
    pad = volume_plan("pad-inspection", Circle(B, 300.0), T0, T0 + 900.0)
    found = route(request(), DEMO, [pad])
    assert found.departure_delay_s > 0.0
    assert found.plan.waypoints[-1].time_s > T0 + 900.0


def test_waits_for_a_busy_gap_rather_than_flying_around_the_walls() -> None:
    walls = [
        zone("rt-gap-north", box(975, 120, 1025, 3000)),
        zone("rt-gap-south", box(975, -3000, 1025, -120)),
    ]
    inspection = volume_plan("gap-inspection", Circle(at(1000, 0), 60.0), T0, T0 + 250.0)
    found = route(request(A, at(2000, 0), band=(50.0, 50.0)), walls, [inspection])
    assert found.departure_delay_s > 0.0
    assert found.stretch < 1.01, "through the gap, not around the walls"


def test_detours_around_traffic_when_waiting_would_cost_more() -> None:
    loiter = volume_plan("loiter", box(2800, -100, 3200, 100), T0, T0 + 3000.0)
    found = route(request(A, at(6000, 0), band=(50.0, 50.0)), DEMO, [loiter])
    assert found.departure_delay_s == 0.0
    assert len(found.plan.waypoints) > 4


def test_waits_for_a_temporary_restriction_over_the_destination_to_lift() -> None:
    lifts_s = T0 + 600.0
    event = zone("rt-event", Circle(B, 400.0), schedule=(TimeWindow(T0 - 3600, lifts_s),))
    found = route(request(window_s=7200.0), [*DEMO, event])
    assert found.departure_delay_s > 0.0
    assert found.plan.waypoints[-1].time_s > lifts_s


# --------------------------------------------------------------------------------------------
# No route, and why

PORT = LatLng(22.5235, 114.075)
"""Inside the Huanggang Port zone of the demo city (prohibited at all times)."""


@pytest.mark.parametrize(
    ("req", "zones", "reason"),
    [
        pytest.param(request(A, PORT), DEMO, "DESTINATION_IN_PROHIBITED_ZONE", id="destination"),
        pytest.param(request(PORT, B), DEMO, "ORIGIN_IN_PROHIBITED_ZONE", id="origin"),
        pytest.param(request(window_s=300.0), DEMO, "WINDOW_TOO_SHORT", id="window"),
        pytest.param(
            request(vehicle=replace(VEHICLE, endurance_s=300.0)),
            DEMO,
            "ENDURANCE_TOO_LOW",
            id="endurance",
        ),
        pytest.param(
            request(LatLng(23.05, 114.0), B), DEMO, "OUTSIDE_AIRSPACE", id="origin-outside"
        ),
        pytest.param(
            request(band=(130.0, 150.0)), DEMO, "ALTITUDE_BAND_OUTSIDE_AIRSPACE", id="band"
        ),
        pytest.param(request(A, A), DEMO, "INVALID_REQUEST", id="same-place"),
        pytest.param(
            request(vehicle=replace(VEHICLE, cruise_speed_mps=0.0)),
            DEMO,
            "INVALID_REQUEST",
            id="vehicle",
        ),
        pytest.param(
            request(A, at(6000, 0)),
            [
                zone("rt-pen-w", box(5500, -500, 5550, 500)),
                zone("rt-pen-e", box(6450, -500, 6500, 500)),
                zone("rt-pen-s", box(5500, -500, 6500, -450)),
                zone("rt-pen-n", box(5500, 450, 6500, 500)),
            ],
            "NO_PATH_AROUND_ZONES",
            id="destination-walled-in",
        ),
        pytest.param(
            request(A, at(2000, 0), window_s=400.0),
            [zone("rt-long-wall", box(975, -3000, 1025, 3000))],
            "WINDOW_TOO_SHORT",
            id="detour-too-long-for-window",
        ),
        pytest.param(
            request(A, at(2000, 0), vehicle=replace(VEHICLE, endurance_s=400.0)),
            [zone("rt-long-wall", box(975, -3000, 1025, 3000))],
            "ENDURANCE_TOO_LOW",
            id="detour-too-long-for-endurance",
        ),
    ],
)
def test_says_why_there_is_no_route(req: RouteRequest, zones: list[Geozone], reason: str) -> None:
    found = plan_route(
        req, zones=zones, existing=[], deconflictor=DECONFLICTOR, zone_checker=ZONE_CHECKER
    )
    assert isinstance(found, NoRoute), found
    assert found.reason == reason, found.detail
    assert found.detail


def test_says_when_traffic_leaves_no_conflict_free_route() -> None:
    pad = volume_plan("pad-all-day", Circle(B, 300.0), T0 - 60, T0 + 7200.0)
    found = plan_route(
        request(), zones=DEMO, existing=[pad], deconflictor=DECONFLICTOR, zone_checker=ZONE_CHECKER
    )
    assert isinstance(found, NoRoute)
    assert found.reason == "NO_CONFLICT_FREE_ROUTE"
    assert "pad-all-day" in found.detail


# --------------------------------------------------------------------------------------------
# Property: every route returned passes every independent check

SOUTH_WEST = LatLng(22.515, 114.030)
NORTH_EAST = LatLng(22.575, 114.125)
PROPERTY_ZONES = [
    *DEMO,
    zone("rt-prop-block", box(3500, -800, 4200, 300)),
    zone("rt-prop-round", Circle(at(1500, 1800), 450.0), band=(0.0, 60.0)),
    zone(
        "rt-prop-event",
        Circle(at(6500, 600), 500.0),
        schedule=(TimeWindow(T0 + 600, T0 + 1500),),
    ),
]
NO_ROUTE_REASONS = {
    "DESTINATION_IN_PROHIBITED_ZONE",
    "ORIGIN_IN_PROHIBITED_ZONE",
    "WINDOW_TOO_SHORT",
    "NO_CONFLICT_FREE_ROUTE",
    "NO_PATH_AROUND_ZONES",
}


@st.composite
def positions(draw: st.DrawFn) -> LatLng:
    lat = draw(st.floats(SOUTH_WEST.lat, NORTH_EAST.lat))
    lon = draw(st.floats(SOUTH_WEST.lon, NORTH_EAST.lon))
    return LatLng(lat, lon)


@st.composite
def traffic(draw: st.DrawFn, origin: LatLng, destination: LatLng) -> list[FlightPlan]:
    """Deliveries crossing the straight line from origin to destination about when a drone
    departing at T0 would pass there, at layers the request may use."""
    (ox, dx), (oy, dy) = TO_UTM.transform(
        [origin.lon, destination.lon], [origin.lat, destination.lat]
    )
    plans = []
    for i in range(draw(st.integers(0, 6))):
        f = draw(st.floats(0.0, 1.0))
        cx, cy = ox + f * (dx - ox), oy + f * (dy - oy)
        heading = draw(st.floats(0.0, 2 * math.pi))
        half = draw(st.floats(300.0, 2500.0))
        ex, ey = half * math.cos(heading), half * math.sin(heading)
        a_lon, a_lat = FROM_UTM.transform(cx - ex, cy - ey)
        b_lon, b_lat = FROM_UTM.transform(cx + ex, cy + ey)
        altitude = draw(st.sampled_from([30.0, 40.0, 50.0, 60.0, 80.0]))
        passes_s = T0 + 20.0 + f * math.hypot(dx - ox, dy - oy) / 15.0
        depart = passes_s - altitude / 3.0 - half / 15.0 + draw(st.floats(-90.0, 90.0))
        plans.append(
            straight(f"prop-{i}", LatLng(a_lat, a_lon), LatLng(b_lat, b_lon), altitude, depart)
        )
    return plans


def _inside_forbidding_zone(point: LatLng, zones: list[Geozone]) -> bool:
    x, y = TO_UTM.transform(point.lon, point.lat)
    for z in zones:
        core, radius = metric_shape(z.area)
        if forbids(z, OPERATOR) and core.distance(shapely.Point(x, y)) - radius <= 6.0:
            return True
    return False


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    origin=positions(),
    destination=positions(),
    band=st.sampled_from([(30.0, 60.0), (40.0, 80.0), (60.0, 100.0)]),
    window_s=st.sampled_from([1200.0, 3600.0]),
    data=st.data(),
)
def test_every_route_returned_is_flyable_and_conflict_free(
    origin: LatLng,
    destination: LatLng,
    band: tuple[float, float],
    window_s: float,
    data: st.DataObject,
) -> None:
    assume(straight_distance(origin, destination) > 100.0)
    existing = data.draw(traffic(origin, destination))
    req = request(origin, destination, band=band, window_s=window_s)
    found = plan_route(
        req,
        zones=PROPERTY_ZONES,
        existing=existing,
        deconflictor=DECONFLICTOR,
        zone_checker=ZONE_CHECKER,
    )
    if isinstance(found, Route):
        assert_flyable(found.plan, req, PROPERTY_ZONES, existing)
        assert band[0] <= found.cruise_altitude_m <= band[1]
        assert found.stretch >= 1.0 - 1e-9
        return
    assert found.reason in NO_ROUTE_REASONS, found
    if found.reason == "DESTINATION_IN_PROHIBITED_ZONE":
        assert _inside_forbidding_zone(destination, PROPERTY_ZONES)
    if found.reason == "ORIGIN_IN_PROHIBITED_ZONE":
        assert _inside_forbidding_zone(origin, PROPERTY_ZONES)


# --------------------------------------------------------------------------------------------
# Alternatives of a rejected plan


def test_a_rejected_plan_gets_conflict_free_alternatives_nearest_first() -> None:
    oncoming = straight("oncoming-alt", B, A, 40.0, T0)
    rejected = replace(
        straight("rejected-1", A, B, 40.0, T0 + 30.0),
        operator_id=OPERATOR,
        state=PlanState.REJECTED,
    )
    assert conflicts(rejected, oncoming, CONFIG)
    found = alternatives(
        rejected,
        zones=DEMO,
        existing=[oncoming],
        deconflictor=DECONFLICTOR,
        zone_checker=ZONE_CHECKER,
        now_s=T0,
    )
    kinds = [text.split()[0] for text, _ in found]
    assert sorted(kinds) == ["depart", "detour", "fly"], found
    end = rejected.time_window.end_s
    changes = [abs(plan.time_window.end_s - end) for _, plan in found]
    assert changes == sorted(changes)
    for text, plan in found:
        assert plan.flight_plan_id == "" and plan.state is PlanState.ACCEPTED, text
        validate_plan(plan, DECONFLICTOR, T0)
        assert_clear_of_zones(plan, DEMO)
        assert not conflicts(plan, oncoming, CONFIG, margin_m=1e-6), text
        assert plan.waypoints[0].position == A and plan.waypoints[-1].position == B


def test_a_rejected_volume_plan_gets_a_later_start() -> None:
    busy = volume_plan("busy-area", Circle(B, 200.0), T0, T0 + 300.0)
    wanted = volume_plan("wanted", Circle(B, 150.0), T0 + 60, T0 + 600)
    rejected = replace(wanted, state=PlanState.REJECTED)
    found = alternatives(
        rejected,
        zones=DEMO,
        existing=[busy],
        deconflictor=DECONFLICTOR,
        zone_checker=ZONE_CHECKER,
        now_s=T0,
    )
    assert [text.split()[0] for text, _ in found] == ["depart"]
    later = found[0][1]
    assert later.time_window.start_s > T0 + 300.0
    assert not conflicts(later, busy, CONFIG, margin_m=1e-6)
