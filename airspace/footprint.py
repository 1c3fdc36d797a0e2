"""Flight plans and geozones in metres: what the exact geometry works on.

A ``Footprint`` is a plan in the deployment's projection: a track (times and x, y, z of the
waypoints) or a list of metric volumes. Shapes are a *core* and a radius — a polygon with radius
0, or a circle's centre point with its radius — so that the distance between any two shapes is
``max(0, core_a.distance(core_b) - r_a - r_b)``, exact for every combination.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry

from airspace.geo import Projection
from airspace.model import (
    Circle,
    FlightPlan,
    Geozone,
    Polygon,
    Priority,
    Shape,
    TimeWindow,
    Volume4D,
)


@dataclass(frozen=True, slots=True)
class MetricShape:
    """A polygon (radius 0) or a circle (centre point and radius), in metres."""

    core: BaseGeometry
    radius_m: float
    bounds: tuple[float, float, float, float] = field(init=False)
    """(min x, min y, max x, max y), metres."""

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.core.bounds
        r = self.radius_m
        object.__setattr__(self, "bounds", (x0 - r, y0 - r, x1 + r, y1 + r))

    def distance_to(self, other: MetricShape) -> float:
        return max(0.0, float(self.core.distance(other.core)) - self.radius_m - other.radius_m)

    def distance_to_geometry(self, geometry: BaseGeometry) -> float:
        """Distance (metres) to a point or line; 0 inside."""
        return max(0.0, float(self.core.distance(geometry)) - self.radius_m)

    def buffered(self, distance_m: float) -> BaseGeometry:
        """The shape widened by ``distance_m``, as a polygon (for reporting, never for verdicts)."""
        return self.core.buffer(self.radius_m + distance_m, quad_segs=16)


@dataclass(frozen=True, slots=True)
class MetricVolume:
    shape: MetricShape
    lower_m: float
    upper_m: float
    start_s: float
    end_s: float


@dataclass(frozen=True, slots=True)
class Leg:
    """A straight leg: position at ``t0`` and constant velocity until ``t1``."""

    t0: float
    t1: float
    x: float
    y: float
    z: float
    vx: float
    vy: float
    vz: float

    def at(self, tau: float) -> tuple[float, float, float]:
        """Position ``tau`` seconds after ``t0``."""
        return (self.x + self.vx * tau, self.y + self.vy * tau, self.z + self.vz * tau)


@dataclass(frozen=True, slots=True)
class Track:
    """Waypoints in metres: the vehicle moves linearly between consecutive entries."""

    t: tuple[float, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]
    z: tuple[float, ...]
    legs: tuple[Leg, ...] = field(init=False)

    def __post_init__(self) -> None:
        t, x, y, z = self.t, self.x, self.y, self.z
        legs = []
        for i in range(len(t) - 1):
            dt = t[i + 1] - t[i]
            legs.append(
                Leg(
                    t[i],
                    t[i + 1],
                    x[i],
                    y[i],
                    z[i],
                    (x[i + 1] - x[i]) / dt,
                    (y[i + 1] - y[i]) / dt,
                    (z[i + 1] - z[i]) / dt,
                )
            )
        object.__setattr__(self, "legs", tuple(legs))

    def position_at(self, time_s: float) -> tuple[float, float, float]:
        """Interpolated (x, y, z) at ``time_s``, which must lie within the track."""
        t = self.t
        lo, hi = 0, len(t) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if t[mid] <= time_s:
                lo = mid
            else:
                hi = mid
        f = (time_s - t[lo]) / (t[hi] - t[lo])
        return (
            self.x[lo] + f * (self.x[hi] - self.x[lo]),
            self.y[lo] + f * (self.y[hi] - self.y[lo]),
            self.z[lo] + f * (self.z[hi] - self.z[lo]),
        )


@dataclass(frozen=True, slots=True)
class Footprint:
    """A flight plan in metres, with what deconfliction needs to know about it."""

    plan_id: str
    priority: Priority
    tolerance_h_m: float
    tolerance_v_m: float
    track: Track | None
    volumes: tuple[MetricVolume, ...]
    start_s: float
    end_s: float
    bounds: tuple[float, float, float, float]
    """(min x, min y, max x, max y) of the nominal geometry, metres."""


def metric_shape(shape: Shape, projection: Projection) -> MetricShape:
    if isinstance(shape, Circle):
        cx, cy = projection.to_xy(shape.center.lat, shape.center.lon)
        return MetricShape(shapely.Point(cx, cy), shape.radius_m)
    return MetricShape(metric_polygon(shape, projection), 0.0)


def metric_polygon(polygon: Polygon, projection: Projection) -> shapely.Polygon:
    xs, ys = projection.to_xy_many(polygon.vertices)
    poly = shapely.Polygon(list(zip(xs.tolist(), ys.tolist(), strict=True)))
    shapely.prepare(poly)
    return poly


def _metric_volume(volume: Volume4D, projection: Projection) -> MetricVolume:
    return MetricVolume(
        shape=metric_shape(volume.area, projection),
        lower_m=volume.altitude.lower_m,
        upper_m=volume.altitude.upper_m,
        start_s=volume.time_window.start_s,
        end_s=volume.time_window.end_s,
    )


def plan_footprint(plan: FlightPlan, projection: Projection) -> Footprint:
    window = plan.time_window
    track = None
    volumes: tuple[MetricVolume, ...] = ()
    if plan.waypoints:
        xs, ys = projection.to_xy_many([w.position for w in plan.waypoints])
        track = Track(
            t=tuple(w.time_s for w in plan.waypoints),
            x=tuple(xs.tolist()),
            y=tuple(ys.tolist()),
            z=tuple(w.altitude_m for w in plan.waypoints),
        )
        bounds = (min(track.x), min(track.y), max(track.x), max(track.y))
    else:
        volumes = tuple(_metric_volume(v, projection) for v in plan.volumes)
        bounds = _union_bounds([v.shape.bounds for v in volumes])
    return Footprint(
        plan_id=plan.flight_plan_id,
        priority=plan.priority,
        tolerance_h_m=plan.tolerance.horizontal_m,
        tolerance_v_m=plan.tolerance.vertical_m,
        track=track,
        volumes=volumes,
        start_s=window.start_s,
        end_s=window.end_s,
        bounds=bounds,
    )


def zone_volumes(
    zone: Geozone, window: TimeWindow, projection: Projection
) -> tuple[MetricVolume, ...]:
    """The zone as metric volumes, one per part of its schedule inside the given window."""
    shape = metric_shape(zone.area, projection)
    return tuple(
        MetricVolume(shape, zone.altitude.lower_m, zone.altitude.upper_m, w.start_s, w.end_s)
        for w in zone.active_windows(window)
    )


def volumes_footprint(
    footprint_id: str, volumes: tuple[MetricVolume, ...], priority: Priority = Priority.EMERGENCY
) -> Footprint:
    """A footprint made of static volumes (a zone, a query), with no tolerance of its own."""
    return Footprint(
        plan_id=footprint_id,
        priority=priority,
        tolerance_h_m=0.0,
        tolerance_v_m=0.0,
        track=None,
        volumes=volumes,
        start_s=min((v.start_s for v in volumes), default=0.0),
        end_s=max((v.end_s for v in volumes), default=-1.0),
        bounds=_union_bounds([v.shape.bounds for v in volumes]),
    )


def _union_bounds(
    boxes: list[tuple[float, float, float, float]],
) -> tuple[float, float, float, float]:
    if not boxes:
        return (0.0, 0.0, 0.0, 0.0)
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
