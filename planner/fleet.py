"""Fleet delivery planning: OR-Tools assigns and sequences the orders, the route planner flies
each leg conflict-free.

1. Leg lengths: depot ↔ drop-off legs come from the route search around the geozones (so the
   solver sees the real detours); drop-off ↔ drop-off legs are flown straight when the line is
   clear of every zone that forbids the operator, and are not offered to the solver otherwise.
2. ``planner.vrp.solve_fleet`` assigns orders to drones and sorties (time windows, payload,
   battery with reserve, multiple depots, return to base). The vertical climb and descent at
   each drop-off are part of its service time.
3. Each leg of each sortie is then planned with ``plan_route`` against the accepted plans *and
   the legs already planned*, in departure order, so every flight is conflict-free with the
   airspace and with each other. A leg that cannot be flown in its order's window makes the
   order unserved (with the reason) and the drone flies on from where it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from airspace.deconfliction import Deconflictor
from airspace.model import (
    AltitudeBand,
    FlightPlan,
    Geozone,
    LatLng,
    NavigationTolerance,
    Priority,
    Vehicle,
)
from airspace.zones import ZoneChecker
from planner.model import NoRoute, RouteRequest
from planner.obstacles import forbidding_zones
from planner.paths import clear_from
from planner.route import plan_route
from planner.vrp import solve_fleet
from planner.vrp_problem import Depot, Drone, FleetProblem, Order, Sortie, Unserved

SERVICE_S = 30.0
"""Time on the ground at a drop-off, besides the descent and the climb."""


@dataclass(frozen=True, slots=True)
class DepotSite:
    depot_id: str
    position: LatLng


@dataclass(frozen=True, slots=True)
class FleetDrone:
    drone_id: str
    depot_id: str
    vehicle: Vehicle
    capacity_kg: float
    turnaround_s: float = 600.0


@dataclass(frozen=True, slots=True)
class DeliveryOrder:
    order_id: str
    pickup_depot_id: str
    dropoff: LatLng
    weight_kg: float
    earliest_s: float
    latest_s: float
    priority: Priority = Priority.COMMERCIAL


@dataclass(frozen=True, slots=True)
class DeliveryRequest:
    depots: Sequence[DepotSite]
    drones: Sequence[FleetDrone]
    orders: Sequence[DeliveryOrder]
    operator_id: str
    altitude: AltitudeBand
    tolerance: NavigationTolerance
    horizon_start_s: float
    horizon_end_s: float


@dataclass(frozen=True, slots=True)
class DeliveryFlight:
    """One leg flown by one drone: from a depot or drop-off to the next."""

    drone_id: str
    order_ids: tuple[str, ...]
    """The order delivered at the end of the leg (none for the return to the depot)."""
    plan: FlightPlan


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    flights: tuple[DeliveryFlight, ...]
    unserved: tuple[Unserved, ...]
    stranded: tuple[Unserved, ...] = ()
    """Drones (``order_id`` holds the drone id) whose way back to the depot could not be
    planned after their last delivery of a sortie; their later sorties are not flown."""


def plan_deliveries(
    request: DeliveryRequest,
    *,
    zones: Sequence[Geozone],
    existing: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
    time_limit_s: float = 8.0,
    progress: Callable[[float], None] | None = None,
) -> DeliveryPlan:
    report = progress or (lambda _: None)
    points = [d.position for d in request.depots] + [o.dropoff for o in request.orders]
    legs = _leg_lengths(request, points, zones, existing, deconflictor, zone_checker)
    report(0.2)
    problem = _problem(request, legs)
    solved = solve_fleet(
        problem, time_limit_s=time_limit_s, progress=lambda f: report(0.2 + 0.6 * f)
    )
    flights, unserved, stranded = _fly(
        request, solved.sorties, zones, existing, deconflictor, zone_checker
    )
    report(1.0)
    return DeliveryPlan(tuple(flights), tuple(solved.unserved) + tuple(unserved), tuple(stranded))


def _route_request(
    request: DeliveryRequest,
    vehicle: Vehicle,
    a: LatLng,
    b: LatLng,
    depart_s: float,
    arrive_by_s: float,
) -> RouteRequest:
    return RouteRequest(
        a,
        b,
        depart_s,
        arrive_by_s,
        vehicle,
        request.altitude,
        request.tolerance,
        Priority.COMMERCIAL,
        request.operator_id,
    )


def _leg_lengths(
    request: DeliveryRequest,
    points: list[LatLng],
    zones: Sequence[Geozone],
    existing: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
) -> list[list[float]]:
    """Horizontal metres between matrix points (inf where the solver must not go)."""
    projection = deconflictor.projection
    xy = np.array([projection.to_xy(p.lat, p.lon) for p in points])
    tolerance = request.tolerance.horizontal_m
    x0, y0 = xy.min(axis=0) - 5_000
    x1, y1 = xy.max(axis=0) + 5_000
    obstacles = [
        z.obstacle
        for z in forbidding_zones(
            zones, request.operator_id, tolerance, (x0, y0, x1, y1), projection
        )
    ]
    n, depots = len(points), len(request.depots)
    legs = [[math.inf] * n for _ in range(n)]
    for i in range(n):
        clear = clear_from(tuple(xy[i]), xy, obstacles)
        for j in range(n):
            if i == j:
                legs[i][j] = 0.0
            elif clear[j]:
                legs[i][j] = float(np.hypot(*(xy[j] - xy[i])))
    vehicle = request.drones[0].vehicle if request.drones else None
    for d in range(depots):
        for j in range(depots, n):
            for a, b in ((d, j), (j, d)):
                if math.isfinite(legs[a][b]) or vehicle is None:
                    continue
                route = plan_route(
                    _route_request(
                        request,
                        vehicle,
                        points[a],
                        points[b],
                        request.horizon_start_s,
                        request.horizon_end_s,
                    ),
                    zones=zones,
                    existing=(),
                    deconflictor=deconflictor,
                    zone_checker=zone_checker,
                )
                if not isinstance(route, NoRoute):
                    legs[a][b] = route.length_m
    return legs


def _problem(request: DeliveryRequest, legs: list[list[float]]) -> FleetProblem:
    depots = [Depot(d.depot_id, i) for i, d in enumerate(request.depots)]
    cruise = request.altitude.lower_m
    drones = [
        Drone(
            d.drone_id,
            d.depot_id,
            d.capacity_kg,
            d.vehicle.endurance_s,
            d.vehicle.cruise_speed_mps,
            d.turnaround_s,
        )
        for d in request.drones
    ]
    vertical_s = max(
        (
            cruise / d.vehicle.climb_rate_mps + cruise / d.vehicle.descent_rate_mps
            for d in request.drones
        ),
        default=0.0,
    )
    orders = [
        Order(
            o.order_id,
            o.pickup_depot_id,
            len(depots) + k,
            o.weight_kg,
            o.earliest_s,
            o.latest_s,
            int(o.priority),
            SERVICE_S + vertical_s,
        )
        for k, o in enumerate(request.orders)
    ]
    return FleetProblem(
        depots, drones, orders, legs, request.horizon_start_s, request.horizon_end_s
    )


def _fly(
    request: DeliveryRequest,
    sorties: Sequence[Sortie],
    zones: Sequence[Geozone],
    existing: Sequence[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
) -> tuple[list[DeliveryFlight], list[Unserved], list[Unserved]]:
    """The legs of every sortie, planned in departure order; (flights, unserved, stranded)."""
    drones = {d.drone_id: d for d in request.drones}
    depots = {d.depot_id: d.position for d in request.depots}
    orders = {o.order_id: o for o in request.orders}
    booked = list(existing)
    flights: list[DeliveryFlight] = []
    unserved: list[Unserved] = []
    stranded: list[Unserved] = []
    for sortie in sorted(sorties, key=lambda s: s.start_s):
        drone = drones[sortie.drone_id]
        if any(d.order_id == drone.drone_id for d in stranded):
            unserved.extend(
                Unserved(
                    s.order_id,
                    "DRONE_STRANDED",
                    f"{drone.drone_id} could not return from its last sortie",
                )
                for s in sortie.stops
            )
            continue
        here, ready_s = depots[sortie.depot_id], sortie.start_s
        stops: list[tuple[LatLng, DeliveryOrder | None]] = [
            (orders[s.order_id].dropoff, orders[s.order_id]) for s in sortie.stops
        ]
        for there, order in [*stops, (here, None)]:
            arrive_by = order.latest_s if order else request.horizon_end_s
            route = plan_route(
                _route_request(request, drone.vehicle, here, there, ready_s, arrive_by),
                zones=zones,
                existing=booked,
                deconflictor=deconflictor,
                zone_checker=zone_checker,
            )
            if isinstance(route, NoRoute):
                if order is not None:
                    unserved.append(Unserved(order.order_id, route.reason, route.detail))
                    continue
                stranded.append(Unserved(drone.drone_id, "NO_RETURN_ROUTE", route.detail))
                break
            plan = route.plan
            booked.append(_provisional(plan, len(booked)))
            flights.append(DeliveryFlight(drone.drone_id, (order.order_id,) if order else (), plan))
            here = there
            ready_s = plan.time_window.end_s + (SERVICE_S if order else 0.0)
    return flights, unserved, stranded


def _provisional(plan: FlightPlan, n: int) -> FlightPlan:
    """A planned leg under a provisional id, so that later legs avoid it."""
    return replace(plan, flight_plan_id=f"planned-{n}")
