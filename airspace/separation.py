"""Exact separation between two footprints: the strategic verdict.

Two footprints are in conflict when, at one moment inside both, they are closer than
``horizontal_m`` horizontally AND ``vertical_m`` vertically (strict inequalities, closed time
intervals). For two straight legs flown at constant velocity the relative position is linear in
time, so each condition holds on an open interval of time (a quadratic for the horizontal
distance, a linear one for the vertical), and they conflict exactly when those intervals meet
inside the shared time span — the state-based test of BlueSky's detector, applied leg by leg.
Legs against static volumes use the exact polygon distance of the leg's sub-segment during which
the vertical condition holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely import ops
from shapely.geometry.base import BaseGeometry

from airspace.footprint import Footprint, Leg, MetricShape, MetricVolume, Track

INF = math.inf
_EPS = 1e-12


@dataclass(frozen=True, slots=True)
class Encounter:
    """The first moment two footprints violate both limits."""

    time_s: float
    x: float
    y: float
    z: float
    """Where the first footprint is then (for a volume: its point nearest the other)."""
    horizontal_m: float
    """Smallest horizontal distance found while in conflict."""
    vertical_m: float
    """Vertical distance at ``time_s``."""


def linear_below(c: float, w: float, limit: float) -> tuple[float, float] | None:
    """The open set of tau where |c + w·tau| < limit."""
    if abs(w) < _EPS:
        return (-INF, INF) if abs(c) < limit else None
    a, b = (-limit - c) / w, (limit - c) / w
    return (a, b) if a < b else (b, a)


def quadratic_below(
    dx: float, dy: float, wx: float, wy: float, limit: float
) -> tuple[float, float] | None:
    """The open set of tau where |(dx, dy) + (wx, wy)·tau| < limit."""
    a = wx * wx + wy * wy
    c = dx * dx + dy * dy - limit * limit
    if a < _EPS:
        return (-INF, INF) if c < 0 else None
    b = 2 * (dx * wx + dy * wy)
    disc = b * b - 4 * a * c
    if disc <= 0:
        return None
    sq = math.sqrt(disc)
    return ((-b - sq) / (2 * a), (-b + sq) / (2 * a))


def clip(interval: tuple[float, float] | None, span: float) -> tuple[float, float] | None:
    """Intersect an open interval with the closed span [0, span]; None when they do not meet."""
    if interval is None:
        return None
    lo, hi = interval
    if lo < span and hi > 0 and lo < hi:
        return (max(lo, 0.0), min(hi, span))
    return None


def _leg_leg(a: Leg, b: Leg, h: float, v: float) -> Encounter | None:
    lo, hi = max(a.t0, b.t0), min(a.t1, b.t1)
    ax, ay, az = a.at(lo - a.t0)
    bx, by, bz = b.at(lo - b.t0)
    dx, dy, dz = ax - bx, ay - by, az - bz
    wx, wy, wz = a.vx - b.vx, a.vy - b.vy, a.vz - b.vz
    horizontal = quadratic_below(dx, dy, wx, wy, h)
    vertical = linear_below(dz, wz, v)
    if horizontal is None or vertical is None:
        return None
    both = clip((max(horizontal[0], vertical[0]), min(horizontal[1], vertical[1])), hi - lo)
    if both is None:
        return None
    first, last = both
    speed2 = wx * wx + wy * wy
    closest = first if speed2 < _EPS else min(max(-(dx * wx + dy * wy) / speed2, first), last)
    min_h = math.hypot(dx + wx * closest, dy + wy * closest)
    x, y, z = a.at(lo - a.t0 + first)
    return Encounter(lo + first, x, y, z, min_h, abs(dz + wz * first))


def _band_gap(z: float, lower: float, upper: float) -> float:
    return max(0.0, lower - z, z - upper)


def _first_inside(line: BaseGeometry, shape: MetricShape, h: float) -> float:
    """Fraction along ``line`` of its first point within ``h`` of ``shape`` (approximate)."""
    start = shapely.Point(line.coords[0])
    if shape.distance_to_geometry(start) < h:
        return 0.0
    length = line.length
    hit = line.intersection(shape.buffered(h))
    if not hit.is_empty:
        return float(min(line.project(shapely.Point(c)) for c in _coords(hit))) / length
    nearest = ops.nearest_points(line, shape.core)[0]
    return float(line.project(nearest)) / length


def _coords(geometry: BaseGeometry) -> list[tuple[float, float]]:
    return [tuple(c) for c in shapely.get_coordinates(geometry).tolist()]


def leg_volume(leg: Leg, vol: MetricVolume, h: float, v: float) -> Encounter | None:
    """The first moment ``leg`` comes within (h, v) of the static volume ``vol``."""
    lo, hi = max(leg.t0, vol.start_s), min(leg.t1, vol.end_s)
    if lo > hi:
        return None
    pz = leg.at(lo - leg.t0)[2]
    middle, half = (vol.lower_m + vol.upper_m) / 2, (vol.upper_m - vol.lower_m) / 2
    span = clip(linear_below(pz - middle, leg.vz, half + v), hi - lo)
    if span is None:
        return None
    c0, c1 = span
    p0 = leg.at(lo - leg.t0 + c0)
    if c1 - c0 > 1e-9:
        p1 = leg.at(lo - leg.t0 + c1)
        geometry: BaseGeometry = shapely.LineString([p0[:2], p1[:2]])
    else:
        p1 = p0
        geometry = shapely.Point(p0[:2])
    distance = vol.shape.distance_to_geometry(geometry)
    if distance >= h:
        return None
    fraction = 0.0 if p1 is p0 else _first_inside(geometry, vol.shape, h)
    tau = c0 + fraction * (c1 - c0)
    x, y, z = leg.at(lo - leg.t0 + tau)
    return Encounter(lo + tau, x, y, z, distance, _band_gap(z, vol.lower_m, vol.upper_m))


def volume_volume(a: MetricVolume, b: MetricVolume, h: float, v: float) -> Encounter | None:
    start, end = max(a.start_s, b.start_s), min(a.end_s, b.end_s)
    if start > end:
        return None
    gap = max(0.0, a.lower_m - b.upper_m, b.lower_m - a.upper_m)
    if gap >= v:
        return None
    distance = a.shape.distance_to(b.shape)
    if distance >= h:
        return None
    point = ops.nearest_points(a.shape.core, b.shape.core)[0]
    z = max(a.lower_m, min(b.lower_m, a.upper_m))
    return Encounter(start, point.x, point.y, z, distance, gap)


def _earlier(best: Encounter | None, found: Encounter | None) -> Encounter | None:
    if found is None:
        return best
    if best is None:
        return found
    first = found if found.time_s < best.time_s else best
    smallest = min(best.horizontal_m, found.horizontal_m)
    if smallest == first.horizontal_m:
        return first
    return Encounter(first.time_s, first.x, first.y, first.z, smallest, first.vertical_m)


def _track_track(a: Track, b: Track, h: float, v: float) -> Encounter | None:
    legs_a, legs_b = a.legs, b.legs
    i = j = 0
    best = None
    while i < len(legs_a) and j < len(legs_b):
        la, lb = legs_a[i], legs_b[j]
        if max(la.t0, lb.t0) <= min(la.t1, lb.t1):
            best = _earlier(best, _leg_leg(la, lb, h, v))
        if la.t1 < lb.t1:
            i += 1
        elif lb.t1 < la.t1:
            j += 1
        else:
            i += 1
            j += 1
    return best


def _track_volumes(
    track: Track, volumes: tuple[MetricVolume, ...], h: float, v: float
) -> Encounter | None:
    best = None
    for leg in track.legs:
        for vol in volumes:
            best = _earlier(best, leg_volume(leg, vol, h, v))
    return best


def first_encounter(a: Footprint, b: Footprint, h: float, v: float) -> Encounter | None:
    """The first moment ``a`` and ``b`` are closer than ``h`` horizontally and ``v`` vertically.

    The position reported is on ``a`` when ``a`` is a track, else on ``b``'s track, else on the
    nearest point of ``a``'s volume.
    """
    if a.start_s > b.end_s or b.start_s > a.end_s or not _boxes_within(a.bounds, b.bounds, h):
        return None
    if a.track is not None and b.track is not None:
        return _track_track(a.track, b.track, h, v)
    if a.track is not None:
        return _track_volumes(a.track, b.volumes, h, v)
    if b.track is not None:
        return _track_volumes(b.track, a.volumes, h, v)
    best = None
    for va in a.volumes:
        for vb in b.volumes:
            best = _earlier(best, volume_volume(va, vb, h, v))
    return best


def _boxes_within(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], h: float
) -> bool:
    return a[0] - h <= b[2] and b[0] - h <= a[2] and a[1] - h <= b[3] and b[1] - h <= a[3]
