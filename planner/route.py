"""PlanRoute: a conflict-free 4-D route between two points in a time window, or why none exists.

What is checked before any search: the request itself, the endpoints inside the airspace, a
cruise layer in the band, endpoints not inside a forbidding zone that applies all window long,
and the shortest conceivable flight (straight, lowest layer) against the endurance and the
window. Then candidates (``planner.candidates``), each routed around the zones that forbid the
operator at its layer and time (``planner.paths``), are tried in order of disruption:

1. every cruise layer of the band, lowest first, departing at the earliest departure — a layer
   change costs nothing but a longer climb;
2. if traffic was met, a detour at the earliest departure: up to ``DETOUR_ROUNDS`` times per
   layer, the traffic each conflict names becomes an obstacle and the path is searched again
   (at most ``DETOUR_SEARCHES`` new A* searches in all);
3. if traffic was met or a zone has a schedule, later departures (``delay_schedule``, plus the
   moments scheduled zones lift) over every layer, as long as one could still arrive before the
   detour found in 2 does: disruption is measured as lateness at the destination.

A failed request reports the failure of the candidate that got furthest (see
``planner.model.PROGRESS``): a conflict beats a too-long route beats no path beats a blocked
endpoint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import shapely

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.model import AltitudeBand, FlightPlan, Geozone
from airspace.validation import GROUND_TOLERANCE_M, Violations, check_vehicle
from airspace.zones import ZoneChecker
from planner.candidates import Candidate, Failure, RouteContext, endpoint_detail, route_context
from planner.model import (
    ALTITUDE_BAND_OUTSIDE_AIRSPACE,
    DESTINATION_IN_PROHIBITED_ZONE,
    ENDURANCE_TOO_LOW,
    INVALID_REQUEST,
    NO_CONFLICT_FREE_ROUTE,
    ORIGIN_IN_PROHIBITED_ZONE,
    OUTSIDE_AIRSPACE,
    WINDOW_TOO_SHORT,
    NoRoute,
    Route,
    RouteRequest,
)
from planner.obstacles import Obstacle, applies_throughout
from planner.trajectory import energy_wh, lower_bound_duration_s

DETOUR_ROUNDS = 4
"""Re-searches per layer, each avoiding the traffic the previous attempt conflicted with."""
DETOUR_SEARCHES = 8
"""New A* searches the detour phase may run in all."""
MIN_DISTANCE_M = 1.0
"""Origin and destination closer than this are the same place."""
ZONE_LIFT_WAIT_S = 1.0
"""How long after a scheduled zone's window ends a departure is tried."""
DELAY_STEPS = ((15.0, 120.0), (60.0, 600.0), (300.0, 3600.0), (900.0, math.inf))
"""(step, up to): later departures are tried every 15 s up to 2 min, every minute up to 10 min,
every 5 min up to an hour, then every 15 min."""


def plan_route(
    request: RouteRequest,
    *,
    zones: Sequence[Geozone],
    existing: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
) -> Route | NoRoute:
    """The least disruptive conflict-free route for the request (see the module docstring).

    ``existing`` are the plans the caller holds for the area and time, taken as the whole truth
    (those not holding airspace are ignored); ``zones`` are all geozones.
    """
    config = deconflictor.config
    problem = request_problem(request, config)
    if problem is not None:
        return problem
    layers = cruise_altitudes(request.altitude, config)
    if not layers:
        band = request.altitude
        return NoRoute(
            ALTITUDE_BAND_OUTSIDE_AIRSPACE,
            f"no cruise altitude in [{band.lower_m:g}, {band.upper_m:g}] m lies above the floor "
            f"and within the airspace [{config.floor_m:g}, {config.ceiling_m:g}] m AGL",
        )
    ctx = route_context(request, zones, existing, deconflictor, zone_checker, layers[0])
    hopeless = _hopeless(ctx, layers[0])
    if hopeless is not None:
        return hopeless
    return _search(ctx, layers)


def request_problem(request: RouteRequest, config: AirspaceConfig) -> NoRoute | None:
    """What makes the request unanswerable before looking at zones and traffic, if anything."""
    out = Violations()
    check_vehicle(out, "vehicle", request.vehicle)
    tol = request.tolerance
    if not all(
        math.isfinite(v) and 0 <= v <= config.max_tolerance_m
        for v in (tol.horizontal_m, tol.vertical_m)
    ):
        out.add("tolerance", f"must be between 0 and {config.max_tolerance_m:g} m")
    times = (request.earliest_departure_s, request.latest_arrival_s)
    if not all(math.isfinite(t) for t in times):
        out.add("departure window", "earliest departure and latest arrival are required")
    for name, p in (("origin", request.origin), ("destination", request.destination)):
        if not (-90 <= p.lat <= 90 and -180 <= p.lon <= 180):
            out.add(name, f"({p.lat}, {p.lon}) is not a latitude/longitude in degrees")
    if out.items:
        return NoRoute(INVALID_REQUEST, "; ".join(f"{v.field} {v.description}" for v in out.items))
    for name, p in (("origin", request.origin), ("destination", request.destination)):
        if not config.bounds.contains(p.lat, p.lon):
            b = config.bounds
            return NoRoute(
                OUTSIDE_AIRSPACE,
                f"the {name} ({p.lat:.6f}, {p.lon:.6f}) is outside the managed airspace "
                f"(lat {b.min_lat}..{b.max_lat}, lon {b.min_lon}..{b.max_lon})",
            )
    if request.latest_arrival_s <= request.earliest_departure_s:
        return NoRoute(WINDOW_TOO_SHORT, "the latest arrival is not after the earliest departure")
    return None


def cruise_altitudes(band: AltitudeBand, config: AirspaceConfig) -> list[float]:
    """The layer altitudes (multiples of the layer height) inside the band and the airspace,
    lowest first; the band's top when no layer falls inside it; none when nothing can be flown."""
    lo, hi = max(band.lower_m, config.floor_m), min(band.upper_m, config.ceiling_m)
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi < lo:
        return []
    if hi <= config.floor_m + GROUND_TOLERANCE_M:
        return []
    step = config.layer_height_m
    layers = [
        k * step
        for k in range(math.ceil(lo / step), math.floor(hi / step) + 1)
        if k * step > config.floor_m + GROUND_TOLERANCE_M
    ]
    return layers or [hi]


def delay_schedule(max_delay_s: float) -> list[float]:
    """Later departures to try, up to ``max_delay_s`` (see ``DELAY_STEPS``)."""
    delays: list[float] = []
    delay = 0.0
    for step, until in DELAY_STEPS:
        while delay + step <= min(until, max_delay_s):
            delay += step
            delays.append(delay)
    return delays


class Failures:
    """The most advanced failure seen, and whether any candidate met traffic."""

    def __init__(self) -> None:
        self.worst: Failure | None = None
        self.met_traffic = False

    def add(self, failure: Failure) -> None:
        if self.worst is None or failure.progress > self.worst.progress:
            self.worst = failure
        self.met_traffic = self.met_traffic or bool(failure.conflicts)

    def no_route(self) -> NoRoute:
        assert self.worst is not None
        if self.worst.reason == NO_CONFLICT_FREE_ROUTE:
            return NoRoute(
                NO_CONFLICT_FREE_ROUTE,
                "every layer, later departure and detour tried conflicts with accepted plans; "
                f"the first one tried {self.worst.detail}",
            )
        return NoRoute(self.worst.reason, self.worst.detail)


def first_acceptable(
    ctx: RouteContext, layers: Sequence[float], departure_s: float, failures: Failures
) -> Candidate | None:
    for altitude in layers:
        result = ctx.build(altitude, departure_s)
        if isinstance(result, Candidate):
            return result
        failures.add(result)
    return None


def detour(
    ctx: RouteContext, layers: Sequence[float], departure_s: float, failures: Failures
) -> Candidate | None:
    """The first acceptable detour around the traffic candidates conflict with."""
    budget = ctx.searches + DETOUR_SEARCHES
    ends = [shapely.Point(ctx.ends.origin_xy), shapely.Point(ctx.ends.destination_xy)]
    for altitude in layers:
        extra: list[Obstacle] = []
        for _ in range(DETOUR_ROUNDS):
            result = ctx.build(altitude, departure_s, extra)
            if isinstance(result, Candidate):
                return result
            failures.add(result)
            if not result.conflicts or ctx.searches >= budget:
                break
            known = {ob.key for ob in extra}
            around = ctx.traffic.obstacles(result.conflicts, ctx.request.tolerance.horizontal_m)
            avoidable = [
                ob
                for ob in around
                if ob.key not in known
                and not any(shapely.dwithin(ob.core, end, ob.clearance_m) for end in ends)
            ]
            if not avoidable:
                break
            extra += avoidable
    return None


def as_route(ctx: RouteContext, candidate: Candidate, lowest_altitude_m: float) -> Route:
    r = ctx.request
    length = candidate.path.length_m + 2 * candidate.timing.altitude_m
    return Route(
        plan=candidate.plan,
        length_m=length,
        duration_s=candidate.timing.duration_s,
        energy_wh=energy_wh(r.vehicle, candidate.timing),
        departure_delay_s=candidate.departure_s - r.earliest_departure_s,
        cruise_altitude_m=candidate.timing.altitude_m,
        stretch=length / (ctx.ends.distance_m + 2 * lowest_altitude_m),
    )


def _hopeless(ctx: RouteContext, lowest_m: float) -> NoRoute | None:
    """Reasons no candidate can succeed, found without searching."""
    r = ctx.request
    if ctx.ends.distance_m < MIN_DISTANCE_M:
        return NoRoute(INVALID_REQUEST, "the origin and the destination are the same place")
    start, end = r.earliest_departure_s, r.latest_arrival_s
    for reason, (x, y) in (
        (ORIGIN_IN_PROHIBITED_ZONE, ctx.ends.origin_xy),
        (DESTINATION_IN_PROHIBITED_ZONE, ctx.ends.destination_xy),
    ):
        for fz in ctx.zones:
            if (
                fz.reaches(0.0, lowest_m, r.tolerance.vertical_m)
                and applies_throughout(fz.zone, start, end)
                and fz.covers(x, y)
            ):
                return NoRoute(reason, endpoint_detail(reason, fz, lowest_m) + " all window long")
    shortest = lower_bound_duration_s(r.vehicle, ctx.ends.distance_m, lowest_m)
    if shortest > r.vehicle.endurance_s:
        return NoRoute(
            ENDURANCE_TOO_LOW,
            f"even the straight route at {lowest_m:g} m takes {shortest:.0f} s; the vehicle's "
            f"endurance is {r.vehicle.endurance_s:.0f} s",
        )
    if shortest > end - start:
        return NoRoute(
            WINDOW_TOO_SHORT,
            f"even the straight route at {lowest_m:g} m takes {shortest:.0f} s; the window is "
            f"{end - start:.0f} s",
        )
    return None


def _search(ctx: RouteContext, layers: Sequence[float]) -> Route | NoRoute:
    r = ctx.request
    failures = Failures()
    start = r.earliest_departure_s
    found = first_acceptable(ctx, layers, start, failures)
    if found is not None:
        return as_route(ctx, found, layers[0])
    around = detour(ctx, layers, start, failures) if failures.met_traffic else None
    scheduled = any(fz.zone.schedule for fz in ctx.zones)
    if failures.met_traffic or scheduled:
        shortest = lower_bound_duration_s(r.vehicle, ctx.ends.distance_m, layers[0])
        for delay in _delays(ctx, r.latest_arrival_s - start - shortest):
            if around is not None and start + delay + shortest >= around.arrival_s:
                break
            found = first_acceptable(ctx, layers, start + delay, failures)
            if found is not None:
                return as_route(ctx, found, layers[0])
    if around is not None:
        return as_route(ctx, around, layers[0])
    return failures.no_route()


def _delays(ctx: RouteContext, slack_s: float) -> list[float]:
    start = ctx.request.earliest_departure_s
    lifts = [w.end_s + ZONE_LIFT_WAIT_S - start for fz in ctx.zones for w in fz.zone.schedule]
    return sorted({d for d in [*delay_schedule(slack_s), *lifts] if 0 < d <= slack_s})
