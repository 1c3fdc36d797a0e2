"""The horizontal path between two points around obstacles, in few straight legs.

1. The straight line, when it is clear (exact check): no search at all.
2. Otherwise A* over the H3 cells of the grid resolution (``planner.lattice``) inside an ellipse
   with the origin and destination as foci. A cell is blocked when its hexagon comes within an
   obstacle's clearance (centre within clearance + circumradius) or leaves the managed airspace,
   so the polyline through the centres of a cell path is clear. The ellipse's semi-major axis
   starts at 1.2 × half the distance (+ 500 m) and grows (1.6, 2.5, 4 ×) only when no path
   exists inside it; it never exceeds half the vehicle's reach (every path short enough to fly
   lies inside that ellipse), nor ``MAX_WINDOW_CELLS`` cells, and all A* runs of one search
   together stop after ``MAX_EXPANSIONS`` cells: the cost is bounded whatever the city.
3. The cell path is shortcut greedily: from each kept point, the farthest later point in exact
   line of sight (segment farther than every clearance from every core) is kept next.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np
import numpy.typing as npt
import shapely

from airspace.geo import Projection
from airspace.model import LatLng
from planner.lattice import Window, shortest_path, window_around
from planner.obstacles import Box, Obstacle

FloatArray = npt.NDArray[np.float64]
Point = tuple[float, float]

STRETCHES = (1.2, 1.6, 2.5, 4.0)
"""Semi-major axis of the successive search ellipses, in half the origin–destination distance."""
ELLIPSE_PAD_M = 500.0
"""Added to every ellipse's semi-major axis, so that short routes have room to go around."""
MAX_WINDOW_CELLS = 3_000_000
"""Largest cell window one search allocates (about 100 MB of arrays)."""
OUTLINE_POINTS = 32
"""Vertices of the polygon that stands for a search ellipse when the window is sized."""
MAX_EXPANSIONS = 400_000
"""Most cells the A* runs of one search expand together."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Origin and destination, in degrees and in metres."""

    origin: LatLng
    destination: LatLng
    origin_xy: Point
    destination_xy: Point

    @property
    def distance_m(self) -> float:
        (ax, ay), (bx, by) = self.origin_xy, self.destination_xy
        return math.hypot(bx - ax, by - ay)


@dataclass(frozen=True, slots=True)
class Path:
    points: tuple[Point, ...]
    """Metric points from the origin to the destination, joined by straight clear legs."""
    length_m: float
    expanded: int
    """Cells A* expanded to find it (0 for a straight line)."""


@dataclass(frozen=True, slots=True)
class NoPath:
    detail: str
    beyond_reach: bool = False
    """True when paths exist only longer than the vehicle can fly (none inside its reach)."""


@dataclass(frozen=True, slots=True, eq=False)
class SearchSpace:
    """Where paths may go: the managed airspace, its grid and projection."""

    airspace: shapely.Polygon
    """The managed airspace in metres (prepared)."""
    airspace_box: Box
    resolution: int
    projection: Projection


def find_path(
    ends: Endpoints, obstacles: Sequence[Obstacle], space: SearchSpace, reach_m: float
) -> Path | NoPath:
    """The path, or why none exists within the vehicle's horizontal ``reach_m``."""
    a, b = ends.origin_xy, ends.destination_xy
    if clear_from(a, np.array([b]), obstacles)[0]:
        return Path((a, b), ends.distance_m, 0)
    half = ends.distance_m / 2
    semi_axes = sorted({min(half * s + ELLIPSE_PAD_M, reach_m / 2) for s in STRETCHES})
    anchor = h3.latlng_to_cell(ends.origin.lat, ends.origin.lon, space.resolution)
    expanded = 0
    for semi_major in semi_axes:
        window = window_around(
            anchor, ellipse_outline(ends, semi_major), space.projection, MAX_WINDOW_CELLS
        )
        if window is None:
            return NoPath(f"no path around the zones within the search limit ({expanded} cells)")
        free, ellipse = _free_cells(window, ends, semi_major, obstacles, space)
        start = window.node(anchor)
        goal = window.node(
            h3.latlng_to_cell(ends.destination.lat, ends.destination.lon, space.resolution)
        )
        free[start] = free[goal] = 1
        cells, count = shortest_path(free, window.cols, start, goal, MAX_EXPANSIONS - expanded)
        expanded += count
        if cells is not None:
            return _shortcut_cells(window, cells, ends, obstacles, expanded)
        if expanded >= MAX_EXPANSIONS:
            return NoPath(f"no path around the zones within the search limit ({expanded} cells)")
        for node, name in ((goal, "destination"), (start, "origin")):
            if enclosed(free, ellipse, window.cols, node):
                return NoPath(f"the {name} is enclosed by zones")
    if semi_axes[-1] < reach_m / 2:
        return NoPath(f"no path around the zones within {semi_axes[-1] * 2:.0f} m")
    return NoPath(f"every path around the zones is longer than {reach_m:.0f} m", True)


def clear_from(
    start: Point, ends: FloatArray, obstacles: Sequence[Obstacle]
) -> npt.NDArray[np.bool_]:
    """For each end (rows of ``ends``), whether the segment from ``start`` keeps farther than
    every obstacle's clearance from its core."""
    ok = np.ones(len(ends), dtype=bool)
    sx, sy = start
    lo_x, hi_x = np.minimum(ends[:, 0], sx), np.maximum(ends[:, 0], sx)
    lo_y, hi_y = np.minimum(ends[:, 1], sy), np.maximum(ends[:, 1], sy)
    lines = None
    for ob in obstacles:
        x0, y0, x1, y1 = ob.bounds
        near = np.flatnonzero(ok & (lo_x <= x1) & (hi_x >= x0) & (lo_y <= y1) & (hi_y >= y0))
        if not near.size:
            continue
        if lines is None:
            starts = np.broadcast_to(np.asarray(start, dtype=float), ends.shape)
            lines = shapely.linestrings(np.stack((starts, ends), axis=1))
        ok[near] = ~shapely.dwithin(ob.core, lines[near], ob.clearance_m)
    return ok


def shortcut(points: FloatArray, obstacles: Sequence[Obstacle]) -> list[int] | None:
    """Indices of the points kept by greedy farthest-visible shortcutting, or None when some
    kept point sees no later one."""
    kept = [0]
    at = 0
    while at < len(points) - 1:
        start = (float(points[at, 0]), float(points[at, 1]))
        visible = np.flatnonzero(clear_from(start, points[at + 1 :], obstacles))
        if not visible.size:
            return None
        at += 1 + int(visible[-1])
        kept.append(at)
    return kept


def ellipse_box(ends: Endpoints, semi_major: float) -> Box:
    """Bounds of the ellipse with the endpoints as foci and the given semi-major axis."""
    (ax, ay), (bx, by) = ends.origin_xy, ends.destination_xy
    half = ends.distance_m / 2
    semi_minor = math.sqrt(max(semi_major * semi_major - half * half, 0.0))
    theta = math.atan2(by - ay, bx - ax)
    ex = math.hypot(semi_major * math.cos(theta), semi_minor * math.sin(theta))
    ey = math.hypot(semi_major * math.sin(theta), semi_minor * math.cos(theta))
    cx, cy = (ax + bx) / 2, (ay + by) / 2
    return (cx - ex, cy - ey, cx + ex, cy + ey)


def ellipse_outline(ends: Endpoints, semi_major: float) -> FloatArray:
    """Points on a polygon that circumscribes the ellipse, shape (n, 2)."""
    (ax, ay), (bx, by) = ends.origin_xy, ends.destination_xy
    half = ends.distance_m / 2
    semi_minor = math.sqrt(max(semi_major * semi_major - half * half, 0.0))
    theta = math.atan2(by - ay, bx - ax)
    t = np.linspace(0.0, 2 * math.pi, OUTLINE_POINTS, endpoint=False)
    grow = 1 / math.cos(math.pi / OUTLINE_POINTS)
    u, v = semi_major * grow * np.cos(t), semi_minor * grow * np.sin(t)
    x = (ax + bx) / 2 + u * math.cos(theta) - v * math.sin(theta)
    y = (ay + by) / 2 + u * math.sin(theta) + v * math.cos(theta)
    return np.column_stack((x, y))


def _free_cells(
    window: Window,
    ends: Endpoints,
    semi_major: float,
    obstacles: Sequence[Obstacle],
    space: SearchSpace,
) -> tuple[bytearray, bytearray]:
    """(1 for the cells inside the ellipse and the airspace whose hexagon is clear, 1 for the
    cells inside the ellipse), row-major."""
    (ax, ay), (bx, by) = ends.origin_xy, ends.destination_xy
    x, y = window.x, window.y
    ellipse = np.hypot(x - ax, y - ay) + np.hypot(x - bx, y - by) <= 2 * semi_major
    free = ellipse.copy()
    grid = free.reshape(window.rows, window.cols)
    grid[0, :] = grid[-1, :] = grid[:, 0] = grid[:, -1] = False
    r = window.circumradius_m
    ex0, ey0, ex1, ey1 = ellipse_box(ends, semi_major)
    sx0, sy0, sx1, sy1 = space.airspace_box
    if not (sx0 + r <= ex0 and sy0 + r <= ey0 and ex1 <= sx1 - r and ey1 <= sy1 - r):
        inside = np.flatnonzero(free)
        free[inside] = shapely.contains_xy(space.airspace, x[inside], y[inside])
    x2, y2 = x.reshape(grid.shape), y.reshape(grid.shape)
    for ob in obstacles:
        x0, y0, x1, y1 = ob.bounds
        rows, cols = window.block((x0 - r, y0 - r, x1 + r, y1 + r))
        sub, sx, sy = grid[rows, cols], x2[rows, cols], y2[rows, cols]
        near = sub & (sx >= x0 - r) & (sx <= x1 + r) & (sy >= y0 - r) & (sy <= y1 + r)
        if near.any():
            points = shapely.points(sx[near], sy[near])
            sub[near] = ~shapely.dwithin(ob.core, points, ob.clearance_m + r)
    return bytearray(free.tobytes()), bytearray(ellipse.tobytes())


def enclosed(free: bytearray, ellipse: bytearray, cols: int, node: int) -> bool:
    """Whether the free cells connected to ``node`` are walled in by obstacles (or the
    airspace's edge) alone, so that no larger ellipse could reach them: a flood fill that stops
    at the first neighbour outside the ellipse."""
    offsets = (1, -1, cols, -cols, cols + 1, -cols - 1)
    seen = {node}
    todo = [node]
    while todo:
        at = todo.pop()
        for offset in offsets:
            nxt = at + offset
            if nxt in seen:
                continue
            if free[nxt]:
                seen.add(nxt)
                todo.append(nxt)
            elif not ellipse[nxt]:
                return False
    return True


def _shortcut_cells(
    window: Window, cells: list[int], ends: Endpoints, obstacles: Sequence[Obstacle], expanded: int
) -> Path | NoPath:
    idx = np.asarray(cells)
    points = np.vstack(
        (ends.origin_xy, np.column_stack((window.x[idx], window.y[idx])), ends.destination_xy)
    )
    kept = shortcut(points, obstacles)
    if kept is None:
        return NoPath("the origin or the destination is too close to a zone to leave it")
    chosen: list[Point] = []
    for x, y in points[kept].tolist():
        if not chosen or (x, y) != chosen[-1]:
            chosen.append((x, y))
    length = float(np.sum(np.hypot(*np.diff(np.array(chosen), axis=0).T)))
    return Path(tuple(chosen), length, expanded)
