"""An independent brute-force strategic conflict checker, written from the spec alone.

Two plans conflict when, at one moment inside both plans' existence, some point of each is
closer than ``H`` horizontally and ``V`` vertically (both strict), where ``H`` and ``V`` are the
deployment minima widened by both plans' navigation tolerances. This module shares only the
metric projection with the service: interpolation, distances and the search are its own, and the
search samples time densely instead of solving for the closest approach.

A plan is split into *pieces* (its trajectory, or each of its volumes), each existing over one
closed interval. For a pair of pieces the time overlap is sampled on a uniform grid whose step is
at most ``MAX_STEP_S`` and small enough that the relative motion over half a step stays below
``MAX_DRIFT_M``, plus every waypoint time inside the overlap and both ends of it. Grid intervals
are evaluated coarse to fine and skipped only when a Lipschitz bound (from the pieces' top speeds)
proves that no grid point inside can matter, so the answer equals that of the full grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
import shapely

from airspace.config import AirspaceConfig
from airspace.geo import Projection
from airspace.model import Circle, FlightPlan, Shape, Volume4D

MAX_STEP_S = 0.05
"""Longest step of the time grid (seconds)."""
MAX_DRIFT_M = 0.2
"""Largest change of any distance between a moment and its nearest grid time (metres)."""
BOUNDARY_SPACING_M = 0.25
"""Spacing of the points sampled along polygon boundaries (metres)."""
MAX_GRID_STEPS = 4_000_000
"""Cap on the grid size of one pair of pieces; beyond it the step grows."""
COARSE_STEPS = 256
"""Grid intervals evaluated first, before any refinement."""
SPLIT = 8
"""How many parts each surviving interval is cut into at every refinement."""

Evaluator = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, slots=True)
class Sample:
    """Horizontal and vertical distance between two plans at one sampled moment."""

    time_s: float
    horizontal_m: float
    vertical_m: float
    horizontal_limit_m: float
    """``H``: horizontal minimum plus both horizontal tolerances."""
    vertical_limit_m: float
    """``V``: vertical minimum plus both vertical tolerances."""

    @property
    def excess_m(self) -> float:
        """By how much the closer of the two minima is kept; negative means both are violated."""
        return max(
            self.horizontal_m - self.horizontal_limit_m, self.vertical_m - self.vertical_limit_m
        )

    def violates(self, margin_m: float = 0.0) -> bool:
        """Both distances below their limits minus ``margin_m``."""
        return self.excess_m < -margin_m


# --------------------------------------------------------------------------------------------
# Plans in metres


@dataclass(frozen=True, slots=True, eq=False)
class _Track:
    t: np.ndarray
    x: np.ndarray
    y: np.ndarray
    z: np.ndarray
    speed_h: float
    """Top horizontal speed over all legs (m/s)."""
    speed_v: float
    """Top vertical speed over all legs (m/s)."""

    @property
    def start(self) -> float:
        return float(self.t[0])

    @property
    def end(self) -> float:
        return float(self.t[-1])

    def at(self, times: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Positions (x, y, z) at ``times``, which lie within the track."""
        return (
            np.interp(times, self.t, self.x),
            np.interp(times, self.t, self.y),
            np.interp(times, self.t, self.z),
        )


@dataclass(frozen=True, slots=True, eq=False)
class _Volume:
    polygon: shapely.Polygon | None
    boundary: np.ndarray | None
    """Points every ``BOUNDARY_SPACING_M`` or closer along the polygon's ring, shape (n, 2)."""
    center: tuple[float, float]
    radius: float
    lower: float
    upper: float
    start: float
    end: float

    def distance_to_points(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Horizontal distance from each point to the shape (0 inside)."""
        if self.polygon is not None:
            return np.asarray(shapely.distance(shapely.points(x, y), self.polygon), dtype=float)
        return np.maximum(0.0, np.hypot(x - self.center[0], y - self.center[1]) - self.radius)

    def distance_to_altitudes(self, z: np.ndarray) -> np.ndarray:
        return np.maximum(0.0, np.maximum(self.lower - z, z - self.upper))


_Piece = _Track | _Volume


@dataclass(frozen=True, slots=True, eq=False)
class _Metric:
    """A plan in metres, with its extent for prefiltering."""

    pieces: tuple[_Piece, ...]
    bbox: tuple[float, float, float, float]
    """(min x, min y, max x, max y) of everything the plan may occupy."""
    z_range: tuple[float, float]
    t_range: tuple[float, float]


@lru_cache(maxsize=8)
def _projection(origin: tuple[float, float]) -> Projection:
    return Projection(*origin)


def _track(plan: FlightPlan, proj: Projection) -> _Track:
    x, y = proj.to_xy_many([w.position for w in plan.waypoints])
    t = np.array([w.time_s for w in plan.waypoints], dtype=float)
    z = np.array([w.altitude_m for w in plan.waypoints], dtype=float)
    dt = np.diff(t)
    if dt.size and np.any(dt <= 0):
        raise ValueError(f"waypoint times of {plan.flight_plan_id} do not increase")
    speed_h = float(np.max(np.hypot(np.diff(x), np.diff(y)) / dt)) if dt.size else 0.0
    speed_v = float(np.max(np.abs(np.diff(z)) / dt)) if dt.size else 0.0
    return _Track(t, x, y, z, speed_h, speed_v)


def _ring_samples(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Points along the closed ring through (xs, ys), vertices included, densely spaced."""
    x0, y0 = xs, ys
    x1, y1 = np.roll(xs, -1), np.roll(ys, -1)
    parts = []
    for ax, ay, bx, by in zip(x0, y0, x1, y1, strict=True):
        n = max(1, math.ceil(math.hypot(bx - ax, by - ay) / BOUNDARY_SPACING_M))
        f = np.arange(n) / n
        parts.append(np.column_stack((ax + f * (bx - ax), ay + f * (by - ay))))
    return np.concatenate(parts)


def _volume(volume: Volume4D, proj: Projection) -> _Volume:
    band, window = volume.altitude, volume.time_window
    common = (band.lower_m, band.upper_m, window.start_s, window.end_s)
    area: Shape = volume.area
    if isinstance(area, Circle):
        center = proj.to_xy(area.center.lat, area.center.lon)
        return _Volume(None, None, center, area.radius_m, *common)
    xs, ys = proj.to_xy_many(area.vertices)
    polygon = shapely.Polygon(np.column_stack((xs, ys)))
    return _Volume(polygon, _ring_samples(xs, ys), (float(xs[0]), float(ys[0])), 0.0, *common)


def _piece_bounds(piece: _Piece) -> tuple[float, float, float, float]:
    if isinstance(piece, _Track):
        return (piece.x.min(), piece.y.min(), piece.x.max(), piece.y.max())
    if piece.polygon is not None:
        x0, y0, x1, y1 = piece.polygon.bounds
        return (x0, y0, x1, y1)
    (cx, cy), r = piece.center, piece.radius
    return (cx - r, cy - r, cx + r, cy + r)


def _z_range(piece: _Piece) -> tuple[float, float]:
    if isinstance(piece, _Track):
        return (float(piece.z.min()), float(piece.z.max()))
    return (piece.lower, piece.upper)


@lru_cache(maxsize=16_384)
def _metric(plan: FlightPlan, origin: tuple[float, float]) -> _Metric:
    proj = _projection(origin)
    pieces: tuple[_Piece, ...]
    if plan.waypoints:
        pieces = (_track(plan, proj),)
    else:
        pieces = tuple(_volume(v, proj) for v in plan.volumes)
    boxes = np.array([_piece_bounds(p) for p in pieces], dtype=float)
    zs = np.array([_z_range(p) for p in pieces], dtype=float)
    return _Metric(
        pieces=pieces,
        bbox=(boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()),
        z_range=(float(zs[:, 0].min()), float(zs[:, 1].max())),
        t_range=(min(p.start for p in pieces), max(p.end for p in pieces)),
    )


# --------------------------------------------------------------------------------------------
# Distances between pieces


def _shape_gap(a: _Volume, b: _Volume) -> float:
    """Horizontal distance between two volumes' shapes (0 when they touch or overlap)."""
    if a.polygon is None and b.polygon is None:
        d = math.hypot(a.center[0] - b.center[0], a.center[1] - b.center[1])
        return max(0.0, d - a.radius - b.radius)
    if a.polygon is None:
        a, b = b, a
    assert a.boundary is not None
    if b.polygon is None:
        inside = float(shapely.distance(shapely.Point(b.center), a.polygon)) == 0.0
        edge = b.distance_to_points(a.boundary[:, 0], a.boundary[:, 1]).min()
        return 0.0 if inside else float(edge)
    assert b.boundary is not None
    a_to_b = a.distance_to_points(b.boundary[:, 0], b.boundary[:, 1]).min()
    b_to_a = b.distance_to_points(a.boundary[:, 0], a.boundary[:, 1]).min()
    return float(min(a_to_b, b_to_a))


def _band_gap(a: _Volume, b: _Volume) -> float:
    return max(0.0, b.lower - a.upper, a.lower - b.upper)


@dataclass(frozen=True, slots=True, eq=False)
class _PiecePair:
    """Two pieces over the closed interval where both exist."""

    evaluate: Evaluator
    """Horizontal and vertical distances at given times."""
    start: float
    end: float
    speed_h: float
    """Bound on how fast the horizontal distance changes (m/s)."""
    speed_v: float
    breakpoints: np.ndarray
    """Waypoint times inside the interval: always sampled."""


def _track_track(a: _Track, b: _Track) -> Evaluator:
    def evaluate(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xa, ya, za = a.at(times)
        xb, yb, zb = b.at(times)
        return np.hypot(xa - xb, ya - yb), np.abs(za - zb)

    return evaluate


def _track_volume(a: _Track, b: _Volume) -> Evaluator:
    def evaluate(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y, z = a.at(times)
        return b.distance_to_points(x, y), b.distance_to_altitudes(z)

    return evaluate


def _static(horizontal: float, vertical: float) -> Evaluator:
    def evaluate(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.full(times.shape, horizontal), np.full(times.shape, vertical)

    return evaluate


def _piece_pair(a: _Piece, b: _Piece, during: tuple[float, float] | None) -> _PiecePair | None:
    start, end = max(a.start, b.start), min(a.end, b.end)
    if during is not None:
        start, end = max(start, during[0]), min(end, during[1])
    if start > end:
        return None
    if isinstance(a, _Volume) and isinstance(b, _Volume):
        evaluate = _static(_shape_gap(a, b), _band_gap(a, b))
        return _PiecePair(evaluate, start, start, 0.0, 0.0, np.empty(0))
    if isinstance(a, _Volume):
        a, b = b, a
    assert isinstance(a, _Track)
    times = [a.t] if isinstance(b, _Volume) else [a.t, b.t]
    every = np.concatenate(times)
    breakpoints = np.unique(every[(every > start) & (every < end)])
    if isinstance(b, _Volume):
        return _PiecePair(_track_volume(a, b), start, end, a.speed_h, a.speed_v, breakpoints)
    speed_h, speed_v = a.speed_h + b.speed_h, a.speed_v + b.speed_v
    return _PiecePair(_track_track(a, b), start, end, speed_h, speed_v, breakpoints)


# --------------------------------------------------------------------------------------------
# The search


class _Best:
    """The sample of least excess seen so far; among equal excesses, of least h - H + v - V."""

    def __init__(self, h_limit: float, v_limit: float) -> None:
        self.h_limit, self.v_limit = h_limit, v_limit
        self.key = (math.inf, math.inf)
        self.sample: Sample | None = None

    @property
    def excess(self) -> float:
        return self.key[0]

    def update(self, times: np.ndarray, h: np.ndarray, v: np.ndarray) -> None:
        if not times.size:
            return
        dh, dv = h - self.h_limit, v - self.v_limit
        excess, total = np.maximum(dh, dv), dh + dv
        i = int(np.lexsort((total, excess))[0])
        key = (float(excess[i]), float(total[i]))
        if key < self.key:
            self.key = key
            self.sample = Sample(
                float(times[i]), float(h[i]), float(v[i]), self.h_limit, self.v_limit
            )


def _grid_step(pair: _PiecePair) -> float:
    speed = max(pair.speed_h, pair.speed_v)
    return MAX_STEP_S if speed == 0 else min(MAX_STEP_S, 2 * MAX_DRIFT_M / speed)


def _scan(pair: _PiecePair, best: _Best, stop_below: float | None) -> None:
    """Feed ``best`` the least-excess point of the grid over the pair's interval.

    Intervals whose Lipschitz lower bound is above the best excess so far are skipped; with
    ``stop_below``, so are those whose bound is not below it, and the scan ends once the best is
    below it.
    """
    start, end = pair.start, pair.end
    steps = min(MAX_GRID_STEPS, max(1, math.ceil((end - start) / _grid_step(pair))))
    dt = (end - start) / steps

    def times_of(idx: np.ndarray) -> np.ndarray:
        return np.where(idx == steps, end, start + idx * dt)

    def feed(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h, v = pair.evaluate(times)
        best.update(times, h, v)
        return h, v

    feed(pair.breakpoints)
    idx = np.unique(np.append(np.arange(0, steps + 1, max(1, steps // COARSE_STEPS)), steps))
    h, v = feed(times_of(idx))
    lo, hi, h0, h1, v0, v1 = idx[:-1], idx[1:], h[:-1], h[1:], v[:-1], v[1:]
    speed_h, speed_v = pair.speed_h * (1 + 1e-9), pair.speed_v * (1 + 1e-9)
    while lo.size:
        if stop_below is not None and best.excess < stop_below:
            return
        span = (hi - lo) * dt
        bound_h = (h0 + h1 - speed_h * span) / 2 - 1e-9 - best.h_limit
        bound_v = (v0 + v1 - speed_v * span) / 2 - 1e-9 - best.v_limit
        bound = np.maximum(bound_h, bound_v)
        useful = bound <= best.excess if stop_below is None else bound < stop_below
        keep = useful & (hi - lo > 1)
        lo, hi = lo[keep], hi[keep]
        if not lo.size:
            return
        grid = lo[:, None] + ((hi - lo)[:, None] * np.arange(SPLIT + 1)) // SPLIT
        points = np.unique(grid)
        h, v = feed(times_of(points))
        at = np.searchsorted(points, grid)
        hg, vg = h[at], v[at]
        real = (grid[:, 1:] > grid[:, :-1]).ravel()
        lo, hi = grid[:, :-1].ravel()[real], grid[:, 1:].ravel()[real]
        h0, h1 = hg[:, :-1].ravel()[real], hg[:, 1:].ravel()[real]
        v0, v1 = vg[:, :-1].ravel()[real], vg[:, 1:].ravel()[real]


def _limits(a: FlightPlan, b: FlightPlan, config: AirspaceConfig) -> tuple[float, float]:
    """(H, V), summed so that swapping the plans cannot change them by a rounding."""
    h = config.horizontal_separation_m + (a.tolerance.horizontal_m + b.tolerance.horizontal_m)
    v = config.vertical_separation_m + (a.tolerance.vertical_m + b.tolerance.vertical_m)
    return h, v


def _search(
    a: FlightPlan,
    b: FlightPlan,
    config: AirspaceConfig,
    stop_below: float | None,
    during: tuple[float, float] | None,
) -> Sample | None:
    origin = config.projection_origin
    best = _Best(*_limits(a, b, config))
    for pa in _metric(a, origin).pieces:
        for pb in _metric(b, origin).pieces:
            pair = _piece_pair(pa, pb, during)
            if pair is not None:
                _scan(pair, best, stop_below)
            if stop_below is not None and best.excess < stop_below:
                return best.sample
    return best.sample


def min_separation(
    a: FlightPlan,
    b: FlightPlan,
    config: AirspaceConfig,
    during: tuple[float, float] | None = None,
) -> Sample | None:
    """The sampled moment of least excess (see ``Sample.excess_m``), or None if the plans never
    coexist (within ``during``, a closed interval, when given)."""
    return _search(a, b, config, None, during)


def conflicts(
    a: FlightPlan,
    b: FlightPlan,
    config: AirspaceConfig,
    margin_m: float = 0.0,
    during: tuple[float, float] | None = None,
) -> bool:
    """Whether some sampled moment has horizontal < H - margin and vertical < V - margin."""
    sample = _search(a, b, config, -margin_m, during)
    return sample is not None and sample.violates(margin_m)


def _candidate_pairs(plans: Sequence[FlightPlan], config: AirspaceConfig) -> np.ndarray:
    """Index pairs (i < j) whose extents in time, plane and altitude come within the limits."""
    metrics = [_metric(p, config.projection_origin) for p in plans]
    box = np.array([m.bbox for m in metrics], dtype=float)
    z = np.array([m.z_range for m in metrics], dtype=float)
    t = np.array([m.t_range for m in metrics], dtype=float)
    tol_h = np.array([p.tolerance.horizontal_m for p in plans], dtype=float)
    tol_v = np.array([p.tolerance.vertical_m for p in plans], dtype=float)
    h_limit = config.horizontal_separation_m + (tol_h[:, None] + tol_h[None, :])
    v_limit = config.vertical_separation_m + (tol_v[:, None] + tol_v[None, :])

    def gap(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        apart = np.maximum(lo[None, :] - hi[:, None], lo[:, None] - hi[None, :])
        return np.asarray(np.maximum(0.0, apart), dtype=float)

    near = (
        (gap(t[:, 0], t[:, 1]) == 0)
        & (np.hypot(gap(box[:, 0], box[:, 2]), gap(box[:, 1], box[:, 3])) < h_limit)
        & (gap(z[:, 0], z[:, 1]) < v_limit)
    )
    i, j = np.nonzero(np.triu(near, k=1))
    return np.column_stack((i, j))


def find_conflicting_pairs(
    plans: Sequence[FlightPlan], config: AirspaceConfig, margin_m: float = 1e-6
) -> list[tuple[str, str]]:
    """Ids of every pair of plans that ``conflicts`` with ``margin_m``, in input order."""
    if len(plans) < 2:
        return []
    return [
        (plans[i].flight_plan_id, plans[j].flight_plan_id)
        for i, j in _candidate_pairs(plans, config)
        if conflicts(plans[i], plans[j], config, margin_m)
    ]


def find_conflicting_pairs_naive(
    plans: Sequence[FlightPlan], config: AirspaceConfig, margin_m: float = 1e-6
) -> list[tuple[str, str]]:
    """``find_conflicting_pairs`` without the prefilter (to test the prefilter)."""
    return [
        (a.flight_plan_id, b.flight_plan_id)
        for a, b in combinations(plans, 2)
        if conflicts(a, b, config, margin_m)
    ]


def dense_min_separation(a: FlightPlan, b: FlightPlan, config: AirspaceConfig) -> Sample | None:
    """``min_separation`` evaluating every grid point, with no pruning (slow; for tests)."""
    origin = config.projection_origin
    best = _Best(*_limits(a, b, config))
    for pa in _metric(a, origin).pieces:
        for pb in _metric(b, origin).pieces:
            pair = _piece_pair(pa, pb, None)
            if pair is None:
                continue
            steps = max(1, math.ceil((pair.end - pair.start) / _grid_step(pair)))
            grid = np.linspace(pair.start, pair.end, steps + 1) if pair.end > pair.start else None
            times = np.array([pair.start]) if grid is None else grid
            times = np.concatenate((times, pair.breakpoints))
            best.update(times, *pair.evaluate(times))
    return best.sample


def position_at(plan: FlightPlan, config: AirspaceConfig, time_s: float) -> tuple[float, ...]:
    """Where a trajectory plan is at ``time_s`` (within it): projected x, y and altitude."""
    track = _metric(plan, config.projection_origin).pieces[0]
    if not isinstance(track, _Track) or not track.start <= time_s <= track.end:
        raise ValueError(f"{plan.flight_plan_id} is no trajectory flying at {time_s}")
    x, y, z = track.at(np.array([time_s]))
    return float(x[0]), float(y[0]), float(z[0])
