"""The accepted plans a route must be strategically conflict-free against.

Candidates are checked with the deconflictor's exact verdict, but only against the plans whose
time span and bounds (in degrees, widened conservatively by the separation limits) come near the
candidate's: one vectorised filter per candidate instead of a footprint per stored plan, so 1,000
stored plans cost little more than none.

For a detour, each conflict becomes an obstacle: the stretch of the other plan's track flown
within ``DETOUR_SPAN_S`` of the conflict (or its volumes then), widened by the separation
minimum and both tolerances, so the re-searched path keeps clear of where that plan is around
that time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import shapely

from airspace.deconfliction import Deconflictor
from airspace.footprint import Footprint
from airspace.model import Circle, Conflict, FlightPlan, Shape
from planner.obstacles import MARGIN_M, Obstacle, obstacle

M_PER_DEG_MIN = 110_500.0
"""Fewest metres in a degree of latitude (and, divided by cos(latitude), of longitude), so that
a margin in metres turned into degrees is never too small."""
DETOUR_SPAN_S = 60.0
"""Half-length (seconds) of the stretch of a conflicting plan's track a detour keeps clear of."""


class Traffic:
    """The plans holding airspace that can meet a flight within [start_s, end_s]."""

    def __init__(
        self,
        existing: Iterable[FlightPlan],
        deconflictor: Deconflictor,
        start_s: float,
        end_s: float,
    ) -> None:
        self._deconflictor = deconflictor
        self._plans: list[FlightPlan] = []
        extents = []
        for p in existing:
            if p.state.holds_airspace:
                t0, t1 = _span(p)
                if t0 <= end_s and start_s <= t1:
                    self._plans.append(p)
                    extents.append((t0, t1, *_box(p)))
        self._by_id = {p.flight_plan_id: p for p in self._plans}
        self._extents = np.array(extents, dtype=float).reshape(-1, 6)
        self._tolerance = np.array([p.tolerance.horizontal_m for p in self._plans], dtype=float)

    def conflicts(self, plan: FlightPlan) -> list[Conflict]:
        """Every stored plan the candidate conflicts with (exact), earliest first."""
        if not self._plans:
            return []
        t0, t1 = _span(plan)
        lat0, lon0, lat1, lon1 = _box(plan)
        e = self._extents
        reach_m = (
            self._deconflictor.config.horizontal_separation_m
            + plan.tolerance.horizontal_m
            + self._tolerance
            + MARGIN_M
        )
        dlat = reach_m / M_PER_DEG_MIN
        dlon = dlat / math.cos(math.radians(max(abs(lat0), abs(lat1)) + 1.0))
        near = (
            (e[:, 0] <= t1)
            & (t0 <= e[:, 1])
            & (e[:, 2] - dlat <= lat1)
            & (lat0 - dlat <= e[:, 4])
            & (e[:, 3] - dlon <= lon1)
            & (lon0 - dlon <= e[:, 5])
        )
        return self._deconflictor.conflicts(plan, [self._plans[i] for i in np.flatnonzero(near)])

    def obstacles(self, conflicts: Sequence[Conflict], tolerance_h_m: float) -> list[Obstacle]:
        """Where the conflicting plans fly around the time of each conflict, widened for a
        flight of horizontal tolerance ``tolerance_h_m``."""
        found = []
        for conflict in conflicts:
            other = self._by_id[conflict.flight_plan_id]
            fp = self._deconflictor.footprint(other)
            clearance = (
                self._deconflictor.config.horizontal_separation_m
                + tolerance_h_m
                + other.tolerance.horizontal_m
                + MARGIN_M
            )
            key = f"traffic:{other.flight_plan_id}:{conflict.time_s:.1f}"
            start, end = conflict.time_s - DETOUR_SPAN_S, conflict.time_s + DETOUR_SPAN_S
            if fp.track is not None:
                found.append(obstacle(key, _track_stretch(fp, start, end), clearance))
            found.extend(
                obstacle(f"{key}:{i}", v.shape.core, v.shape.radius_m + clearance)
                for i, v in enumerate(fp.volumes)
                if v.start_s <= end and start <= v.end_s
            )
        return found


def _span(plan: FlightPlan) -> tuple[float, float]:
    if plan.waypoints:
        return plan.waypoints[0].time_s, plan.waypoints[-1].time_s
    return (
        min(v.time_window.start_s for v in plan.volumes),
        max(v.time_window.end_s for v in plan.volumes),
    )


def _box(plan: FlightPlan) -> tuple[float, float, float, float]:
    """(min lat, min lon, max lat, max lon) of everything the plan occupies."""
    if plan.waypoints:
        lats = [w.position.lat for w in plan.waypoints]
        lons = [w.position.lon for w in plan.waypoints]
        return (min(lats), min(lons), max(lats), max(lons))
    boxes = [_shape_box(v.area) for v in plan.volumes]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _shape_box(shape: Shape) -> tuple[float, float, float, float]:
    if isinstance(shape, Circle):
        c = shape.center
        dlat = shape.radius_m / M_PER_DEG_MIN
        dlon = dlat / math.cos(math.radians(abs(c.lat) + 1.0))
        return (c.lat - dlat, c.lon - dlon, c.lat + dlat, c.lon + dlon)
    lats = [v.lat for v in shape.vertices]
    lons = [v.lon for v in shape.vertices]
    return (min(lats), min(lons), max(lats), max(lons))


def _track_stretch(fp: Footprint, start_s: float, end_s: float) -> shapely.Geometry:
    """The horizontal trace of a track between two moments (clipped to the track)."""
    track = fp.track
    assert track is not None
    start_s, end_s = max(start_s, track.t[0]), min(end_s, track.t[-1])
    points = [track.position_at(start_s)[:2]]
    inner = zip(track.t, track.x, track.y, strict=True)
    points += [(x, y) for t, x, y in inner if start_s < t < end_s]
    points.append(track.position_at(end_s)[:2])
    unique = list(dict.fromkeys(points))
    return shapely.Point(unique[0]) if len(unique) == 1 else shapely.LineString(unique)
