"""Route planning: latency around zones and traffic, growth with distance and traffic, stretch.

    python -m bench.routes [--routes 20] [--plans 1000] [--baseline-routes 3]

Scenario: Shenzhen on 2026-12-12 from 09:00Z, the demo city's zones (the Universiade concert
restriction, 1.5 km radius, applies from 10:00Z) plus four test zones inside the 20 km × 20 km
delivery square of ``bench.traffic``; ``--plans`` accepted deliveries (1–5 km, 30–110 m, seeded,
booked one by one, conflict-free and zone-free) departing over two hours. Every route request
departs between 09:30 and 10:30 with a one-hour window, cruise band 40–80 m, and its straight
line crosses a zone that forbids the operator, so every route needs the grid search.

Tables:
- 10 km routes with 0, 100 and ``--plans`` active plans, and with ``--plans`` plans departing
  over 30 minutes around the routes' departures (about four times denser): PlanRoute p50 / p95,
  stretch (length over the straight 3-D lower bound), and how conflicts were resolved;
- routes of 1, 2, 5, 10 and 20 km with ``--plans`` plans: PlanRoute p50 / p95, the horizontal
  search alone (p50, cells A* expanded), and the baseline — uninformed Dijkstra over every H3
  cell of the same resolution with no search bound, same obstacles, same shortcutting — on the
  first ``--baseline-routes`` routes of each distance up to 10 km (20 km would take about 20 s
  a route), with the ratio of the p50s and of the path lengths;
- the search's bounds on 20 km requests with no short way round.
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import h3.api.basic_int as h3
import numpy as np
import shapely

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
    Polygon,
    Priority,
)
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker
from bench.machine import describe
from bench.traffic import M_PER_DEG, VEHICLE, delivery_plans
from planner import NoRoute, Route, RouteRequest, plan_route
from planner.candidates import RouteContext, route_context
from planner.obstacles import Obstacle, active, forbidding_zones
from planner.paths import NoPath, Path, find_path, shortcut

START_S = 1_797_066_000.0
"""2026-12-12T09:00:00Z."""
TRAFFIC_SPAN_S = 2 * 3600.0
OPERATOR = "op-route-bench"
BAND = AltitudeBand(40.0, 80.0)
TOLERANCE = NavigationTolerance(5.0, 5.0)
WINDOW_S = 3600.0
DENSE_FROM_S = 1800.0
DENSE_SPAN_S = 1800.0
"""The dense variant: the same number of plans departing over 30 minutes from 09:30Z."""
DISTANCES_KM = (1, 2, 5, 10, 20)
BASELINE_MAX_KM = 10
ROUTE_BOX = (22.50, 114.08, 22.72, 114.33)
"""(min lat, min lon, max lat, max lon) where route endpoints are drawn."""


def _ring(lat: float, lon: float, points: Sequence[tuple[float, float]]) -> Polygon:
    """A polygon from (east, north) metre offsets of (lat, lon)."""
    k = M_PER_DEG * math.cos(math.radians(lat))
    return Polygon(tuple(LatLng(lat + n / M_PER_DEG, lon + e / k) for e, n in points))


BENCH_ZONES = [
    Geozone(
        "bench-tower-park",
        "Tower park (test)",
        GeozoneKind.PROHIBITED,
        Circle(LatLng(22.600, 114.200), 800.0),
        AltitudeBand(0.0, 120.0),
    ),
    Geozone(
        "bench-rail-yard",
        "Rail yard (test)",
        GeozoneKind.PROHIBITED,
        _ring(22.560, 114.150, [(-200, -1500), (200, -1500), (200, 1500), (-200, 1500)]),
        AltitudeBand(0.0, 120.0),
    ),
    Geozone(
        "bench-hospital",
        "Hospital helipad (test)",
        GeozoneKind.RESTRICTED,
        Circle(LatLng(22.640, 114.260), 400.0),
        AltitudeBand(0.0, 120.0),
    ),
    Geozone(
        "bench-reservoir",
        "Reservoir (test)",
        GeozoneKind.PROHIBITED,
        _ring(22.660, 114.130, [(-900, -600), (700, -900), (1100, 300), (200, 1000), (-800, 600)]),
        AltitudeBand(0.0, 120.0),
    ),
]


@dataclass(frozen=True, slots=True)
class Outcome:
    ms: float
    found: Route | NoRoute


def book(
    count: int,
    deconflictor: Deconflictor,
    checker: ZoneChecker,
    zones: list[Geozone],
    start_s: float = START_S,
    span_s: float = TRAFFIC_SPAN_S,
) -> list[FlightPlan]:
    """The first ``count`` seeded deliveries departing over ``span_s`` from ``start_s`` that are
    zone-free and conflict-free in turn."""
    accepted: list[FlightPlan] = []
    starts: list[float] = []
    ends: list[float] = []
    for draft in delivery_plans(seed=7, start_s=start_s, day_s=span_s):
        if len(accepted) >= count:
            break
        window = draft.time_window
        s, e = np.asarray(starts, dtype=float), np.asarray(ends, dtype=float)
        near = np.flatnonzero((s <= window.end_s) & (window.start_s <= e))
        if checker.check(draft, zones).violations:
            continue
        if deconflictor.conflicts(draft, [accepted[i] for i in near]):
            continue
        accepted.append(draft)
        starts.append(window.start_s)
        ends.append(window.end_s)
    return accepted


def requests(
    distance_m: float, count: int, seed: int, deconflictor: Deconflictor, zones: list[Geozone]
) -> list[RouteRequest]:
    """Seeded requests whose straight line crosses a forbidding zone and whose endpoints are
    clear of every zone."""
    rng = random.Random(seed)
    projection = deconflictor.projection
    everywhere = (-math.inf, -math.inf, math.inf, math.inf)
    forbidding = forbidding_zones(zones, OPERATOR, TOLERANCE.horizontal_m, everywhere, projection)
    obstacles = [fz.obstacle for fz in forbidding]
    lat0, lon0, lat1, lon1 = ROUTE_BOX
    out: list[RouteRequest] = []
    while len(out) < count:
        a = LatLng(rng.uniform(lat0, lat1), rng.uniform(lon0, lon1))
        bearing = rng.uniform(0, 2 * math.pi)
        k = M_PER_DEG * math.cos(math.radians(a.lat))
        b = LatLng(
            a.lat + distance_m * math.cos(bearing) / M_PER_DEG,
            a.lon + distance_m * math.sin(bearing) / k,
        )
        if not (lat0 <= b.lat <= lat1 and lon0 <= b.lon <= lon1):
            continue
        ax, ay = projection.to_xy(a.lat, a.lon)
        bx, by = projection.to_xy(b.lat, b.lon)
        line = shapely.LineString([(ax, ay), (bx, by)])
        ends = [shapely.Point(ax, ay), shapely.Point(bx, by)]
        if any(shapely.dwithin(ob.core, p, ob.clearance_m + 100) for ob in obstacles for p in ends):
            continue
        if not any(shapely.dwithin(ob.core, line, ob.clearance_m) for ob in obstacles):
            continue
        out.append(_request(a, b, START_S + rng.uniform(1800.0, 5400.0)))
    return out


def _request(origin: LatLng, destination: LatLng, depart_s: float) -> RouteRequest:
    return RouteRequest(
        origin=origin,
        destination=destination,
        earliest_departure_s=depart_s,
        latest_arrival_s=depart_s + WINDOW_S,
        vehicle=VEHICLE,
        altitude=BAND,
        tolerance=TOLERANCE,
        priority=Priority.COMMERCIAL,
        operator_id=OPERATOR,
    )


def run_routes(
    reqs: Sequence[RouteRequest],
    zones: list[Geozone],
    plans: list[FlightPlan],
    deconflictor: Deconflictor,
    checker: ZoneChecker,
) -> list[Outcome]:
    out = []
    for req in reqs:
        t = time.perf_counter()
        found = plan_route(
            req, zones=zones, existing=plans, deconflictor=deconflictor, zone_checker=checker
        )
        out.append(Outcome((time.perf_counter() - t) * 1000, found))
    return out


def _zone_obstacles(ctx: RouteContext) -> list[Obstacle]:
    r = ctx.request
    end_s = min(r.latest_arrival_s, r.earliest_departure_s + r.vehicle.endurance_s)
    cruise = active(ctx.zones, BAND.lower_m, BAND.lower_m, 5.0, r.earliest_departure_s, end_s)
    return [fz.obstacle for fz in cruise]


def search_only(ctx: RouteContext) -> tuple[float, Path | NoPath]:
    """The planner's horizontal search for the request's lowest layer (ms, result)."""
    obstacles = _zone_obstacles(ctx)
    t = time.perf_counter()
    found = find_path(ctx.ends, obstacles, ctx.space, ctx.reach_m)
    return (time.perf_counter() - t) * 1000, found


def dijkstra(ctx: RouteContext) -> tuple[float, float, int]:
    """The baseline on the same obstacles: (ms, path length in metres, cells settled)."""
    obstacles = _zone_obstacles(ctx)
    space = ctx.space
    projection = space.projection
    circumradius = h3.average_hexagon_edge_length(space.resolution, "m") * 1.1
    t = time.perf_counter()
    start = h3.latlng_to_cell(ctx.ends.origin.lat, ctx.ends.origin.lon, space.resolution)
    goal = h3.latlng_to_cell(ctx.ends.destination.lat, ctx.ends.destination.lon, space.resolution)
    centres: dict[int, tuple[float, float] | None] = {}

    def centre(cell: int) -> tuple[float, float] | None:
        """The free cell's centre in metres, None when blocked."""
        if cell not in centres:
            x, y = projection.to_xy(*h3.cell_to_latlng(cell))
            point = shapely.Point(x, y)
            blocked = any(
                ob.bounds[0] - circumradius <= x <= ob.bounds[2] + circumradius
                and ob.bounds[1] - circumradius <= y <= ob.bounds[3] + circumradius
                and shapely.dwithin(ob.core, point, ob.clearance_m + circumradius)
                for ob in obstacles
            )
            centres[cell] = None if blocked else (x, y)
        return centres[cell]

    best = {start: 0}
    parent = {start: start}
    heap = [(0, start)]
    settled = 0
    while heap:
        g, cell = heapq.heappop(heap)
        if g > best[cell]:
            continue
        settled += 1
        if cell == goal:
            break
        for nxt in h3.grid_ring(cell, 1):
            if g + 1 < best.get(nxt, g + 2) and (nxt == goal or centre(nxt) is not None):
                best[nxt] = g + 1
                parent[nxt] = cell
                heapq.heappush(heap, (g + 1, nxt))
    cells = [goal]
    while cells[-1] != start:
        cells.append(parent[cells[-1]])
    inner = [centre(c) or projection.to_xy(*h3.cell_to_latlng(c)) for c in cells[::-1]]
    points = np.array([ctx.ends.origin_xy, *inner, ctx.ends.destination_xy])
    kept = shortcut(points, obstacles) or list(range(len(points)))
    length = float(np.sum(np.hypot(*np.diff(points[kept], axis=0).T)))
    return (time.perf_counter() - t) * 1000, length, settled


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def resolution(found: Route | NoRoute) -> str:
    if isinstance(found, NoRoute):
        return "none"
    parts = []
    if found.cruise_altitude_m > BAND.lower_m:
        parts.append("layer")
    if found.departure_delay_s > 0:
        parts.append("delay")
    return "+".join(parts) or "as planned"


@dataclass(frozen=True, slots=True)
class Summary:
    p50_ms: float
    p95_ms: float
    stretch_mean: float
    stretch_max: float
    resolved: str
    """How many routes kept the first layer and departure, changed layer, were delayed, none."""


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    ms = [o.ms for o in outcomes]
    stretch = [o.found.stretch for o in outcomes if isinstance(o.found, Route)] or [math.nan]
    kinds: dict[str, int] = {}
    for o in outcomes:
        kinds[resolution(o.found)] = kinds.get(resolution(o.found), 0) + 1
    return Summary(
        pct(ms, 0.5),
        pct(ms, 0.95),
        statistics.mean(stretch),
        max(stretch),
        ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())),
    )


def adversarial(deconflictor: Deconflictor, checker: ZoneChecker) -> list[tuple[str, str]]:
    """The search's bounds at work: 20 km requests with no short way round (label, outcome)."""
    lat, lon = 22.60, 114.10
    k = M_PER_DEG * math.cos(math.radians(lat))

    def box(zone_id: str, west: float, south: float, east: float, north: float) -> Geozone:
        area = _ring(lat, lon, [(west, south), (east, south), (east, north), (west, north)])
        return Geozone(zone_id, zone_id, GeozoneKind.PROHIBITED, area, AltitudeBand(0, 120))

    destination = LatLng(lat, lon + 20_000 / k)
    pen = [
        box("pen-w", 19_500, -500, 19_550, 500),
        box("pen-e", 20_450, -500, 20_500, 500),
        box("pen-s", 19_500, -500, 20_500, -450),
        box("pen-n", 19_500, 450, 20_500, 500),
    ]
    wall = [box("wall", 9_975, -15_000, 10_025, 15_000)]
    long_wall = [box("long-wall", 9_975, -8_000, 10_025, 8_000)]
    cases = [
        ("destination walled in", pen),
        ("wall 30 km long across it", wall),
        ("wall 16 km long across it", long_wall),
    ]
    out = []
    for label, zones in cases:
        req = _request(LatLng(lat, lon), destination, START_S)
        t = time.perf_counter()
        found = plan_route(
            req, zones=zones, existing=[], deconflictor=deconflictor, zone_checker=checker
        )
        ms = (time.perf_counter() - t) * 1000
        what = found.reason if isinstance(found, NoRoute) else f"route, stretch {found.stretch:.2f}"
        out.append((label, f"{ms:7.0f} ms  {what}"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--routes", type=int, default=20)
    parser.add_argument("--plans", type=int, default=1000)
    parser.add_argument("--baseline-routes", type=int, default=3)
    args = parser.parse_args(argv)
    deconflictor = Deconflictor(AirspaceConfig())
    checker = ZoneChecker(deconflictor)
    zones = [*load_demo_city(), *BENCH_ZONES]
    t = time.perf_counter()
    plans = book(args.plans, deconflictor, checker, zones)
    load_s = time.perf_counter() - t
    by_distance = {
        km: requests(km * 1000.0, args.routes, km, deconflictor, zones) for km in DISTANCES_KM
    }
    run_routes(by_distance[1][:3], zones, plans, deconflictor, checker)  # warm caches

    print(f"route planning — {describe()}")
    print(
        f"scenario: Shenzhen 2026-12-12 09:00Z, {len(zones)} zones ({len(BENCH_ZONES)} test "
        f"zones), {len(plans)} accepted deliveries over 20 km × 20 km and 2 h (booked in "
        f"{load_s:.1f} s); routes depart 09:30–10:30Z, 1 h window, band 40–80 m, every straight "
        "line crosses a forbidding zone"
    )
    print()
    print(f"10 km routes ({args.routes} each)")
    print(f"  {'active plans':>16}  {'p50 / p95 ms':>17}  {'stretch mean / max':>18}  resolved by")
    dense = book(args.plans, deconflictor, checker, zones, START_S + DENSE_FROM_S, DENSE_SPAN_S)
    rng = random.Random(10)
    into_dense = [
        replace(r, earliest_departure_s=t, latest_arrival_s=t + WINDOW_S)
        for r in by_distance[10]
        for t in [START_S + DENSE_FROM_S + rng.uniform(0.0, DENSE_SPAN_S - 600.0)]
    ]
    rows = [
        ("0", by_distance[10], plans[:0]),
        ("100", by_distance[10], plans[:100]),
        (f"{len(plans)}", by_distance[10], plans),
        (f"{len(dense)} in 30 min", into_dense, dense),
    ]
    for label, reqs, existing in rows:
        got = summarise(run_routes(reqs, zones, existing, deconflictor, checker))
        print(
            f"  {label:>16}  {got.p50_ms:7.1f} / {got.p95_ms:7.1f}  "
            f"{got.stretch_mean:>9.3f} / {got.stretch_max:.3f}  {got.resolved}"
        )
    print()
    print(
        f"cost with distance ({args.routes} routes each, {len(plans)} active plans; baseline on "
        f"the first {args.baseline_routes} of each up to {BASELINE_MAX_KM} km)"
    )
    print(
        f"  {'km':>3}  {'PlanRoute p50 / p95 ms':>22}  {'stretch':>7}  {'search p50 ms':>13}  "
        f"{'cells':>6}  {'baseline p50 ms':>15}  {'cells':>7}  {'speed-up':>8}  "
        f"{'length / baseline':>17}"
    )
    for km, reqs in by_distance.items():
        got = summarise(run_routes(reqs, zones, plans, deconflictor, checker))
        contexts = [route_context(r, zones, [], deconflictor, checker, BAND.lower_m) for r in reqs]
        searches = [search_only(ctx) for ctx in contexts]
        cells = pct([s[1].expanded if isinstance(s[1], Path) else 0 for s in searches], 0.5)
        row = (
            f"  {km:>3}  {got.p50_ms:>12.1f} / {got.p95_ms:7.1f}  {got.stretch_mean:>7.3f}  "
            f"{pct([s[0] for s in searches], 0.5):>13.1f}  {cells:>6}"
        )
        if km <= BASELINE_MAX_KM and args.baseline_routes:
            n = args.baseline_routes
            base = [dijkstra(ctx) for ctx in contexts[:n]]
            base_ms = pct([b[0] for b in base], 0.5)
            own_ms = pct([s[0] for s in searches[:n]], 0.5)
            lengths = [
                s[1].length_m / b[1]
                for s, b in zip(searches, base, strict=False)
                if isinstance(s[1], Path)
            ]
            row += (
                f"  {base_ms:>15.0f}  {pct([b[2] for b in base], 0.5):>7}  "
                f"{base_ms / own_ms:>7.0f}×  {statistics.mean(lengths):>17.3f}"
            )
        print(row)
    print()
    print("bounds: 20 km requests with no short way round, no traffic")
    for label, outcome in adversarial(deconflictor, checker):
        print(f"  {label:<26}  {outcome}")


if __name__ == "__main__":
    main()
