"""Conflict-free variants of a rejected plan, nearest first: what a rejection suggests.

At most one variant of each kind, the nearest of its kind that validates (at ``now_s``), enters
no zone that forbids the operator and conflicts with no stored plan:

- the same trajectory departing later (``planner.route.delay_schedule``, up to ``MAX_DELAY_S``);
- the same ground track at another cruise altitude, nearest layer first (higher on a tie),
  flown climb – cruise at the vehicle's cruise speed – descent from the plan's departure
  (trajectories only);
- a detour at the plan's cruise altitude and departure, arriving at most ``DETOUR_SLACK_S``
  later (``planner.route.detour``; trajectories only).

"Nearest" is the smallest change of arrival time; ties keep the order above. Variants carry an
unassigned id ("") and the state ACCEPTED, like the book's suggestions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

import shapely

from airspace.deconfliction import Deconflictor
from airspace.errors import InvalidArgument
from airspace.model import AltitudeBand, FlightPlan, Geozone, LatLng, PlanState
from airspace.validation import validate_plan
from airspace.zones import ZoneChecker
from planner.candidates import Candidate, route_context
from planner.model import RouteRequest
from planner.route import Failures, cruise_altitudes, delay_schedule, detour, request_problem
from planner.traffic import Traffic
from planner.trajectory import leg_lengths, profile, waypoints

MAX_DELAY_S = 3600.0
"""Latest departure a suggestion may propose, after the planned one."""
DETOUR_SLACK_S = 600.0
"""How much later than planned a detour may arrive."""
COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")

Variant = tuple[float, str, FlightPlan]
"""(change of arrival time in seconds, description, plan)."""


def alternatives(
    plan: FlightPlan,
    *,
    zones: Sequence[Geozone],
    existing: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
    now_s: float,
    detours: bool = True,
    nearest_only: bool = False,
) -> list[tuple[str, FlightPlan]]:
    """(description, plan) of each conflict-free variant found, nearest first. Without
    ``detours`` only later departures and other layers are tried: those keep the plan's ground
    track, so ``existing`` need only hold the plans that share its cells (the caller's cheap
    first attempt). With ``nearest_only``, just the first, for less work: later departures
    are then tried only up to the change the other variants make (a later one wins a tie)."""
    own = plan.flight_plan_id
    others = [p for p in existing if not own or p.flight_plan_id != own]
    window = plan.time_window
    traffic = Traffic(
        others, deconflictor, window.start_s, window.end_s + MAX_DELAY_S + DETOUR_SLACK_S
    )

    def acceptable(variant: FlightPlan) -> bool:
        try:
            validate_plan(variant, deconflictor, now_s)
        except InvalidArgument:
            return False
        return not zone_checker.check(variant, zones).violations and not traffic.conflicts(variant)

    kinds: list[Variant | None] = []
    track = _ground_track(plan)
    if len(track) >= 2:
        kinds.append(_other_layer(plan, track, deconflictor, acceptable))
        if detours:
            kinds.append(
                _detour(plan, track, zones, others, deconflictor, zone_checker, acceptable)
            )
    up_to_s = MAX_DELAY_S
    if nearest_only:
        up_to_s = min([abs(v[0]) for v in kinds if v is not None] + [up_to_s])
    # Sorted stably: a later departure, first in line, wins a tie.
    variants = [v for v in (_later(plan, acceptable, up_to_s), *kinds) if v is not None]
    found = [(text, variant) for _, text, variant in sorted(variants, key=lambda v: abs(v[0]))]
    return found[:1] if nearest_only else found


def _later(
    plan: FlightPlan, acceptable: Callable[[FlightPlan], bool], up_to_s: float
) -> Variant | None:
    for delay in delay_schedule(up_to_s):
        variant = _unassigned(plan.shifted(delay))
        if acceptable(variant):
            return (delay, f"depart {delay:g} s later", variant)
    return None


def _other_layer(
    plan: FlightPlan,
    track: list[LatLng],
    deconflictor: Deconflictor,
    acceptable: Callable[[FlightPlan], bool],
) -> Variant | None:
    config = deconflictor.config
    cruise = max(w.altitude_m for w in plan.waypoints)
    xs, ys = deconflictor.projection.to_xy_many(track)
    lengths = leg_lengths(list(zip(xs.tolist(), ys.tolist(), strict=True)))
    layers = cruise_altitudes(AltitudeBand(config.floor_m, config.ceiling_m), config)
    start, end = plan.time_window.start_s, plan.time_window.end_s
    for altitude in sorted((z for z in layers if z != cruise), key=lambda z: (abs(z - cruise), -z)):
        timing = profile(plan.vehicle, lengths, altitude)
        variant = _unassigned(replace(plan, waypoints=waypoints(track, timing, start)))
        if acceptable(variant):
            return (start + timing.duration_s - end, f"fly at {altitude:g} m", variant)
    return None


def _detour(
    plan: FlightPlan,
    track: list[LatLng],
    zones: Sequence[Geozone],
    others: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
    acceptable: Callable[[FlightPlan], bool],
) -> Variant | None:
    cruise = max(w.altitude_m for w in plan.waypoints)
    start, end = plan.time_window.start_s, plan.time_window.end_s
    request = RouteRequest(
        origin=track[0],
        destination=track[-1],
        earliest_departure_s=start,
        latest_arrival_s=end + DETOUR_SLACK_S,
        vehicle=plan.vehicle,
        altitude=AltitudeBand(cruise, cruise),
        tolerance=plan.tolerance,
        priority=plan.priority,
        operator_id=plan.operator_id,
    )
    if request_problem(request, deconflictor.config) is not None:
        return None
    ctx = route_context(request, zones, others, deconflictor, zone_checker, cruise)
    found = detour(ctx, [cruise], start, Failures())
    if not isinstance(found, Candidate):
        return None
    variant = found.plan
    if not acceptable(variant):
        return None
    return (found.arrival_s - end, _describe_detour(track, variant, deconflictor), variant)


def _ground_track(plan: FlightPlan) -> list[LatLng]:
    """The plan's positions without consecutive repeats (vertical legs)."""
    track: list[LatLng] = []
    for w in plan.waypoints:
        if not track or w.position != track[-1]:
            track.append(w.position)
    return track


def _unassigned(plan: FlightPlan) -> FlightPlan:
    return replace(plan, flight_plan_id="", state=PlanState.ACCEPTED, state_reason="")


def _describe_detour(track: list[LatLng], variant: FlightPlan, deconflictor: Deconflictor) -> str:
    """Where the detour leaves the planned ground track most: 'detour 320 m north of …'."""
    projection = deconflictor.projection
    xs, ys = projection.to_xy_many(track)
    original = shapely.LineString(list(zip(xs.tolist(), ys.tolist(), strict=True)))
    vx, vy = projection.to_xy_many([w.position for w in variant.waypoints])
    points = [shapely.Point(x, y) for x, y in zip(vx.tolist(), vy.tolist(), strict=True)]
    farthest = max(points, key=original.distance)
    offset = float(original.distance(farthest))
    nearest = original.interpolate(original.project(farthest))
    bearing = math.degrees(math.atan2(farthest.x - nearest.x, farthest.y - nearest.y)) % 360
    side = COMPASS[round(bearing / 45) % 8]
    return f"detour {offset:.0f} m {side} of the planned path"
