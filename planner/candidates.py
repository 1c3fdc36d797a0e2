"""Candidate trajectories for one route request, each either acceptable or failing for a reason.

A candidate is fixed by a cruise altitude, a departure time and extra obstacles (traffic to
detour around). Geozones are taken conservatively in time: a zone blocks a candidate when it
applies at any moment the flight could be airborne, [departure, min(latest arrival, departure +
endurance)]. A candidate is acceptable when its trajectory fits the window and the endurance,
``ZoneChecker.check`` finds no violation, and the deconflictor finds no conflict with the stored
plans: the same verdicts a submission gets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.geo import Projection
from airspace.model import Conflict, FlightPlan, Geozone, LatLng, PlanState
from airspace.zones import ZoneChecker
from planner.model import (
    DESTINATION_IN_PROHIBITED_ZONE,
    ENDURANCE_TOO_LOW,
    NO_CONFLICT_FREE_ROUTE,
    NO_PATH_AROUND_ZONES,
    ORIGIN_IN_PROHIBITED_ZONE,
    PROGRESS,
    WINDOW_TOO_SHORT,
    RouteRequest,
)
from planner.obstacles import ForbiddingZone, Obstacle, active, forbidding_zones
from planner.paths import Endpoints, NoPath, Path, SearchSpace, ellipse_box, find_path
from planner.traffic import Traffic
from planner.trajectory import Profile, leg_lengths, lower_bound_duration_s, profile, waypoints

AIRSPACE_EDGE_POINTS = 50
"""Points per edge of the managed airspace's box when it is projected to metres."""


@dataclass(frozen=True, slots=True)
class Candidate:
    plan: FlightPlan
    path: Path
    timing: Profile
    departure_s: float

    @property
    def arrival_s(self) -> float:
        return self.plan.waypoints[-1].time_s


@dataclass(frozen=True, slots=True)
class Failure:
    reason: str
    detail: str
    conflicts: tuple[Conflict, ...] = ()

    @property
    def progress(self) -> int:
        return PROGRESS[self.reason]


@dataclass(frozen=True, slots=True)
class _Routed:
    path: Path | NoPath
    points: tuple[LatLng, ...] = ()


@dataclass(eq=False)
class RouteContext:
    """Everything about one request that candidates share, and the cache of searched paths."""

    request: RouteRequest
    deconflictor: Deconflictor
    zone_checker: ZoneChecker
    ends: Endpoints
    zones: list[ForbiddingZone]
    """The zones that forbid the operator within the vehicle's reach."""
    traffic: Traffic
    space: SearchSpace
    reach_m: float
    """Longest horizontal path the vehicle can fly (endurance, window, lowest climb)."""
    reach_limit: str
    """What bounds the reach: ``WINDOW_TOO_SHORT`` or ``ENDURANCE_TOO_LOW``."""
    searches: int = 0
    """A* searches run so far (paths not found in the cache)."""
    _paths: dict[frozenset[str], _Routed] = field(default_factory=dict)

    def build(
        self, altitude_m: float, departure_s: float, extra: Sequence[Obstacle] = ()
    ) -> Candidate | Failure:
        """The candidate cruising at ``altitude_m``, departing at ``departure_s``."""
        r = self.request
        end_s = min(r.latest_arrival_s, departure_s + r.vehicle.endurance_s)
        tol_v = r.tolerance.vertical_m
        ground = active(self.zones, 0.0, altitude_m, tol_v, departure_s, end_s)
        for reason, (x, y) in (
            (ORIGIN_IN_PROHIBITED_ZONE, self.ends.origin_xy),
            (DESTINATION_IN_PROHIBITED_ZONE, self.ends.destination_xy),
        ):
            for fz in ground:
                if fz.covers(x, y):
                    return Failure(reason, endpoint_detail(reason, fz, altitude_m))
        cruise = active(self.zones, altitude_m, altitude_m, tol_v, departure_s, end_s)
        routed = self._route([*(fz.obstacle for fz in cruise), *extra])
        if isinstance(routed.path, NoPath):
            if routed.path.beyond_reach:
                return Failure(self.reach_limit, routed.path.detail + ", the vehicle's reach")
            return Failure(NO_PATH_AROUND_ZONES, routed.path.detail)
        return self._finish(routed.path, routed.points, altitude_m, departure_s)

    def _finish(
        self, path: Path, points: Sequence[LatLng], altitude_m: float, departure_s: float
    ) -> Candidate | Failure:
        """The trajectory along ``path`` (``points`` in degrees), judged."""
        r = self.request
        timing = profile(r.vehicle, leg_lengths(path.points), altitude_m)
        if timing.duration_s > r.vehicle.endurance_s:
            return Failure(
                ENDURANCE_TOO_LOW,
                f"the route takes {timing.duration_s:.0f} s; the vehicle's endurance is "
                f"{r.vehicle.endurance_s:.0f} s",
            )
        if departure_s + timing.duration_s > r.latest_arrival_s:
            return Failure(
                WINDOW_TOO_SHORT,
                f"departing at {departure_s:.0f} the route arrives "
                f"{departure_s + timing.duration_s - r.latest_arrival_s:.0f} s after the latest "
                "arrival",
            )
        plan = FlightPlan(
            flight_plan_id="",
            operator_id=r.operator_id,
            vehicle=r.vehicle,
            priority=r.priority,
            tolerance=r.tolerance,
            waypoints=waypoints(points, timing, departure_s),
            state=PlanState.ACCEPTED,
        )
        failure = self.judge(plan)
        return failure if failure is not None else Candidate(plan, path, timing, departure_s)

    def judge(self, plan: FlightPlan) -> Failure | None:
        """Why the plan cannot be accepted (a zone it enters, plans it conflicts with), if so."""
        violations = self.zone_checker.check(plan, [fz.zone for fz in self.zones]).violations
        if violations:
            v = violations[0]
            return Failure(NO_PATH_AROUND_ZONES, f"the trajectory enters {v.name}: {v.reason}")
        conflicts = self.traffic.conflicts(plan)
        if conflicts:
            ids = ", ".join(c.flight_plan_id for c in conflicts[:5])
            return Failure(
                NO_CONFLICT_FREE_ROUTE,
                f"conflicts with {len(conflicts)} accepted plan(s): {ids}",
                tuple(conflicts),
            )
        return None

    def _route(self, obstacles: list[Obstacle]) -> _Routed:
        key = frozenset(ob.key for ob in obstacles)
        routed = self._paths.get(key)
        if routed is None:
            self.searches += 1
            path = find_path(self.ends, obstacles, self.space, self.reach_m)
            routed = _Routed(path, self._degrees(path) if isinstance(path, Path) else ())
            self._paths[key] = routed
        return routed

    def _degrees(self, path: Path) -> tuple[LatLng, ...]:
        inner = np.array(path.points[1:-1], dtype=float).reshape(-1, 2)
        lons, lats = self.space.projection.inverse_arrays(inner[:, 0], inner[:, 1])
        middle = [LatLng(lat, lon) for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True)]
        return (self.ends.origin, *middle, self.ends.destination)


def route_context(
    request: RouteRequest,
    zones: Iterable[Geozone],
    existing: Iterable[FlightPlan],
    deconflictor: Deconflictor,
    zone_checker: ZoneChecker,
    lowest_altitude_m: float,
) -> RouteContext:
    """The shared state of a request whose endpoints and vehicle have been checked."""
    config = deconflictor.config
    projection = deconflictor.projection
    r = request
    ends = Endpoints(
        r.origin,
        r.destination,
        projection.to_xy(r.origin.lat, r.origin.lon),
        projection.to_xy(r.destination.lat, r.destination.lon),
    )
    window_s = r.latest_arrival_s - r.earliest_departure_s
    flying_s = min(r.vehicle.endurance_s, window_s)
    climbs_s = lower_bound_duration_s(r.vehicle, 0.0, lowest_altitude_m)
    reach_m = max(0.0, (flying_s - climbs_s) * r.vehicle.cruise_speed_mps)
    area = ellipse_box(ends, max(reach_m, ends.distance_m) / 2)
    return RouteContext(
        request=request,
        deconflictor=deconflictor,
        zone_checker=zone_checker,
        ends=ends,
        zones=forbidding_zones(zones, r.operator_id, r.tolerance.horizontal_m, area, projection),
        traffic=Traffic(existing, deconflictor, r.earliest_departure_s, r.latest_arrival_s),
        space=search_space(config, projection),
        reach_m=reach_m,
        reach_limit=WINDOW_TOO_SHORT if window_s < r.vehicle.endurance_s else ENDURANCE_TOO_LOW,
    )


def search_space(config: AirspaceConfig, projection: Projection) -> SearchSpace:
    """The managed airspace's box as a metric polygon (edges densified), with the grid."""
    b = config.bounds
    corners = [
        (b.min_lat, b.min_lon),
        (b.min_lat, b.max_lon),
        (b.max_lat, b.max_lon),
        (b.max_lat, b.min_lon),
    ]
    steps = np.linspace(0.0, 1.0, AIRSPACE_EDGE_POINTS, endpoint=False).tolist()
    ring = [
        LatLng(lat0 + f * (lat1 - lat0), lon0 + f * (lon1 - lon0))
        for (lat0, lon0), (lat1, lon1) in zip(corners, corners[1:] + corners[:1], strict=True)
        for f in steps
    ]
    xs, ys = projection.to_xy_many(ring)
    polygon = shapely.Polygon(np.column_stack((xs, ys)))
    shapely.prepare(polygon)
    return SearchSpace(polygon, polygon.bounds, config.grid_resolution, projection)


def endpoint_detail(reason: str, fz: ForbiddingZone, altitude_m: float) -> str:
    """Which zone blocks the climb (or descent) to ``altitude_m`` at an endpoint."""
    where = "origin" if reason == ORIGIN_IN_PROHIBITED_ZONE else "destination"
    return (
        f"the {where} lies in (or within the navigation tolerance of) {fz.zone.name} "
        f"({fz.zone.geozone_id}, {fz.zone.kind.value}, {fz.zone.altitude.lower_m:g}–"
        f"{fz.zone.altitude.upper_m:g} m), which forbids the climb or descent to "
        f"{altitude_m:g} m there"
    )
