"""A window of H3 cells addressed by H3 local IJ coordinates: the graph the route search walks.

H3's local IJ coordinates (``cell_to_local_ij``) number the cells around an anchor cell along two
axes; the six neighbours of (i, j) are (i±1, j), (i, j±1), (i+1, j+1) and (i-1, j-1), and the
number of steps between two cells is max(|Δi|, |Δj|, |Δi - Δj|). A window is a rectangle of IJ
coordinates stored row-major, so that A* works on integers and flat arrays and never calls H3 per
step. Cell centres in metres come from a quadratic fit of IJ to the deployment's projection over
a 5 × 5 grid of true cell centres (off by about a decimetre at most over 25 km), evaluated for the
whole window with numpy; 1 % and the fit's residual are added to the anchor cell's circumradius,
so a cell counts as clear only when its whole hexagon is.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import h3.api.basic_int as h3
import numpy as np
import numpy.typing as npt

from airspace.geo import Projection
from airspace.model import LatLng

FloatArray = npt.NDArray[np.float64]

PROBE_STEPS = 64
"""IJ distance of the probes that estimate the axes before the fit."""
PAD_STEPS = 3
"""Cells added around the requested box on every side."""
FIT_SAMPLES = 5
"""Samples per axis of the quadratic fit."""
WEIGHT = 2.0
"""Heuristic weight of A* (see ``shortest_path``)."""


@dataclass(frozen=True, slots=True, eq=False)
class Axes:
    """The linear map from metres to IJ steps around an anchor cell (good to a cell or two over
    a city; used only to size windows, never for a verdict)."""

    i: int
    j: int
    """The anchor's IJ coordinates."""
    origin_xy: FloatArray
    """Centre of the anchor cell, metres."""
    to_steps: FloatArray
    """2 × 2 matrix from metres (relative to ``origin_xy``) to IJ steps."""

    def step_range(self, points: FloatArray) -> tuple[int, int, int, int]:
        """(min i, min j, max i, max j), absolute and padded, of the cells holding the points
        (shape (n, 2), metres)."""
        steps = self.to_steps @ (points - self.origin_xy).T
        lo, hi = steps.min(axis=1), steps.max(axis=1)
        return (
            self.i + math.floor(lo[0]) - PAD_STEPS,
            self.j + math.floor(lo[1]) - PAD_STEPS,
            self.i + math.ceil(hi[0]) + PAD_STEPS,
            self.j + math.ceil(hi[1]) + PAD_STEPS,
        )


@dataclass(frozen=True, slots=True, eq=False)
class Window:
    """Cells (i0 .. i0 + rows - 1) × (j0 .. j0 + cols - 1) in the anchor's local IJ frame."""

    anchor: int
    axes: Axes
    i0: int
    j0: int
    rows: int
    cols: int
    x: FloatArray
    """Centre of every cell, metres, row-major, shape (rows * cols,)."""
    y: FloatArray
    circumradius_m: float
    """Largest distance from a cell's centre to its boundary, plus the fit residual."""

    def node(self, cell: int) -> int:
        """Flat index of a cell, which must lie inside the window."""
        i, j = h3.cell_to_local_ij(self.anchor, cell)
        return (i - self.i0) * self.cols + (j - self.j0)

    def block(self, box: tuple[float, float, float, float]) -> tuple[slice, slice]:
        """Row and column slices of the window holding every cell centre inside the metric
        ``box``."""
        x0, y0, x1, y1 = box
        corners = np.array([[x0, y0], [x0, y1], [x1, y0], [x1, y1]], dtype=float)
        i_lo, j_lo, i_hi, j_hi = self.axes.step_range(corners)
        rows = slice(max(0, i_lo - self.i0), max(0, i_hi - self.i0 + 1))
        cols = slice(max(0, j_lo - self.j0), max(0, j_hi - self.j0 + 1))
        return rows, cols


def _centres(anchor: int, ij: list[tuple[int, int]], projection: Projection) -> FloatArray:
    points = [LatLng(*h3.cell_to_latlng(h3.local_ij_to_cell(anchor, i, j))) for i, j in ij]
    xs, ys = projection.to_xy_many(points)
    return np.column_stack((xs, ys))


def _circumradius(cell: int, projection: Projection) -> float:
    cx, cy = projection.to_xy(*h3.cell_to_latlng(cell))
    return max(
        math.hypot(vx - cx, vy - cy)
        for vx, vy in (projection.to_xy(lat, lon) for lat, lon in h3.cell_to_boundary(cell))
    )


def window_around(
    anchor: int, outline: FloatArray, projection: Projection, max_cells: int
) -> Window | None:
    """The smallest window (plus padding) whose cells cover the convex metric ``outline``
    (points, shape (n, 2)); None when it would hold more than ``max_cells`` cells."""
    ai, aj = h3.cell_to_local_ij(anchor, anchor)
    probe_ij = [(ai, aj), (ai + PROBE_STEPS, aj), (ai, aj + PROBE_STEPS)]
    probes = _centres(anchor, probe_ij, projection)
    steps = np.column_stack((probes[1] - probes[0], probes[2] - probes[0])) / PROBE_STEPS
    axes = Axes(ai, aj, probes[0], np.asarray(np.linalg.inv(steps), dtype=np.float64))
    i_lo, j_lo, i_hi, j_hi = axes.step_range(outline)
    i_lo, j_lo, i_hi, j_hi = i_lo - ai, j_lo - aj, i_hi - ai, j_hi - aj
    rows, cols = i_hi - i_lo + 1, j_hi - j_lo + 1
    if rows * cols > max_cells:
        return None
    si = np.unique(np.linspace(i_lo, i_hi, FIT_SAMPLES).round().astype(int))
    sj = np.unique(np.linspace(j_lo, j_hi, FIT_SAMPLES).round().astype(int))
    samples = [(int(i), int(j)) for i in si for j in sj]
    xy = _centres(anchor, [(ai + i, aj + j) for i, j in samples], projection)
    scale = float(max(rows, cols))
    di = np.array([i for i, _ in samples], dtype=float) / scale
    dj = np.array([j for _, j in samples], dtype=float) / scale
    design = np.column_stack((np.ones_like(di), di, dj, di * di, dj * dj, di * dj))
    coef: FloatArray = np.asarray(np.linalg.lstsq(design, xy, rcond=None)[0], dtype=np.float64)
    residual = float(np.max(np.hypot(*(design @ coef - xy).T)))
    u = np.arange(i_lo, i_hi + 1, dtype=float) / scale
    v = np.arange(j_lo, j_hi + 1, dtype=float) / scale

    def evaluate(c: FloatArray) -> FloatArray:
        by_row = c[0] + c[1] * u + c[3] * u * u
        by_col = c[2] * v + c[4] * v * v
        grid = np.outer(u, c[5] * v)
        grid += by_row[:, None]
        grid += by_col[None, :]
        return grid.ravel()

    return Window(
        anchor=anchor,
        axes=axes,
        i0=ai + i_lo,
        j0=aj + j_lo,
        rows=rows,
        cols=cols,
        x=evaluate(coef[:, 0]),
        y=evaluate(coef[:, 1]),
        circumradius_m=_circumradius(anchor, projection) * 1.01 + residual,
    )


def shortest_path(
    free: bytearray, cols: int, start: int, goal: int, max_expansions: int, weight: float = WEIGHT
) -> tuple[list[int] | None, int]:
    """Weighted A* over the six-neighbour cell graph of a window, in grid steps.

    ``free`` marks the cells that may be entered; the window's outermost rows and columns must
    be blocked (so no step wraps around a row). The heuristic is the exact step count on an
    empty grid, scaled by ``weight``: the path found is at most ``weight`` times the shortest in
    steps (before shortcutting), and in front of an obstacle the search runs along it instead
    of flooding the whole region the obstacle shadows. Ties go to the deeper node, so on open
    ground A* expands little more than the path itself. Returns (cells from start to goal, or
    None when none exists or ``max_expansions`` is reached; number of expansions).
    """
    gi, gj = divmod(goal, cols)
    offsets = (1, -1, cols, -cols, cols + 1, -cols - 1)
    best = {start: 0}
    parent = {start: start}
    closed = bytearray(len(free))
    heap = [(0.0, 0, start)]
    expanded = 0
    while heap:
        _, negative_g, node = heapq.heappop(heap)
        if closed[node]:
            continue
        if node == goal:
            path = [node]
            while node != start:
                node = parent[node]
                path.append(node)
            return path[::-1], expanded
        closed[node] = 1
        expanded += 1
        if expanded >= max_expansions:
            return None, expanded
        g = 1 - negative_g
        for offset in offsets:
            nxt = node + offset
            if free[nxt] and not closed[nxt] and g < best.get(nxt, g + 1):
                best[nxt] = g
                parent[nxt] = node
                i, j = divmod(nxt, cols)
                di, dj = gi - i, gj - j
                h = max(abs(di), abs(dj), abs(di - dj))
                heapq.heappush(heap, (g + weight * h, -g, nxt))
    return None, expanded
