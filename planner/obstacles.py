"""What a route must keep clear of, in metres: geozones that forbid the operator, and traffic.

An ``Obstacle`` is a core geometry (a polygon, a circle's centre, a stretch of another plan's
track) and a clearance: the horizontal path must stay farther than ``clearance_m`` from the core.
For a zone the clearance is its radius (circles) plus the route's horizontal tolerance plus
``MARGIN_M``; for traffic, the separation minimum plus both tolerances plus ``MARGIN_M``. Every
verdict on a straight leg is exact (``shapely.dwithin`` on the core), never a buffered polygon.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry.base import BaseGeometry

from airspace.footprint import MetricShape, metric_shape
from airspace.geo import Projection
from airspace.model import Geozone, GeozoneKind, TimeWindow

MARGIN_M = 1.0
"""Kept beyond every horizontal and vertical limit, so that rounding (the projection round trip
of waypoints, the checker's touch tolerance) never turns a clear route into a touching one."""

Box = tuple[float, float, float, float]
"""(min x, min y, max x, max y), metres."""


@dataclass(frozen=True, slots=True, eq=False)
class Obstacle:
    key: str
    """Identifies the obstacle in the path cache (zone id, or traffic plan and time)."""
    core: BaseGeometry
    """Prepared shapely geometry in metres."""
    clearance_m: float
    bounds: Box
    """The core's bounds widened by the clearance."""


def obstacle(key: str, core: BaseGeometry, clearance_m: float) -> Obstacle:
    shapely.prepare(core)
    x0, y0, x1, y1 = core.bounds
    c = clearance_m
    return Obstacle(key, core, clearance_m, (x0 - c, y0 - c, x1 + c, y1 + c))


def forbids(zone: Geozone, operator_id: str) -> bool:
    """Prohibited zones forbid everyone; restricted ones everyone without an authorisation."""
    if zone.kind is GeozoneKind.PROHIBITED:
        return True
    return zone.kind is GeozoneKind.RESTRICTED and operator_id not in zone.authorized_operator_ids


def applies_during(zone: Geozone, start_s: float, end_s: float) -> bool:
    return bool(zone.active_windows(TimeWindow(start_s, end_s)))


def applies_throughout(zone: Geozone, start_s: float, end_s: float) -> bool:
    """Whether the zone applies at every moment of [start_s, end_s] (one schedule window)."""
    windows = zone.schedule
    return not windows or any(w.start_s <= start_s and end_s <= w.end_s for w in windows)


def boxes_meet(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


@dataclass(frozen=True, slots=True, eq=False)
class ForbiddingZone:
    zone: Geozone
    shape: MetricShape
    obstacle: Obstacle
    """The zone widened by the route's horizontal tolerance and the margin."""

    def reaches(self, lower_m: float, upper_m: float, tolerance_v_m: float) -> bool:
        """Whether the zone's band comes within the vertical tolerance (plus margin) of
        [lower_m, upper_m]."""
        reach = tolerance_v_m + MARGIN_M
        band = self.zone.altitude
        return band.lower_m - reach <= upper_m and lower_m <= band.upper_m + reach

    def covers(self, x: float, y: float) -> bool:
        """Whether the point is within the route's horizontal tolerance (plus margin)."""
        ob = self.obstacle
        return bool(shapely.dwithin(ob.core, shapely.Point(x, y), ob.clearance_m))


def forbidding_zones(
    zones: Iterable[Geozone],
    operator_id: str,
    tolerance_h_m: float,
    area: Box,
    projection: Projection,
) -> list[ForbiddingZone]:
    """The zones that forbid the operator and reach into ``area``, in metres."""
    found = []
    for zone in zones:
        if not forbids(zone, operator_id):
            continue
        shape = metric_shape(zone.area, projection)
        clearance = shape.radius_m + tolerance_h_m + MARGIN_M
        ob = obstacle(f"zone:{zone.geozone_id}", shape.core, clearance)
        if boxes_meet(ob.bounds, area):
            found.append(ForbiddingZone(zone, shape, ob))
    return found


def active(
    zones: Sequence[ForbiddingZone],
    lower_m: float,
    upper_m: float,
    tolerance_v_m: float,
    start_s: float,
    end_s: float,
) -> list[ForbiddingZone]:
    """The zones that apply at some moment of [start_s, end_s] within the altitude range."""
    return [
        z
        for z in zones
        if z.reaches(lower_m, upper_m, tolerance_v_m) and applies_during(z.zone, start_s, end_s)
    ]
