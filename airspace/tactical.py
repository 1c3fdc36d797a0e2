"""Live (tactical) conflict detection: linear extrapolation of airborne states, vectorised.

Vehicles live in a local metric frame: x east, y north (metres), altitude AGL (metres), ground
velocity (vx east, vy north) and vertical speed (up), all in metres and seconds. Two vehicles are
in *predicted conflict* when at some moment t in [0, look-ahead] their horizontal distance is
below ``horizontal_m`` and their vertical distance below ``vertical_m`` (strict inequalities) —
the state-based detector of the BlueSky simulator. With relative position d and relative velocity
w, the horizontal condition |d + w·t| < H holds on the open interval around the closest point of
approach t_cpa = -d·w/|w|² of half-width sqrt(H² - d_cpa²)/|w|, the vertical one |dz + wz·t| < V
on an open interval given by the climb rates; the pair conflicts when the two intervals meet and
their intersection meets [0, look-ahead]. A *loss of separation* is both minima violated now; a
loss is always also a conflict.

``detect_conflicts`` finds the candidate pairs through a uniform grid over each vehicle's swept
box (its positions over [0, look-ahead], widened by half the minima), so its cost is about linear
in the number of vehicles plus the number of pairs whose boxes overlap — linear in traffic at a
given density (at a fixed area, overlapping pairs, like conflicts, grow with the square of the
density). ``detect_conflicts_all_pairs`` is the O(n²) baseline. Both give the same verdict on
every pair, bit for bit, because both end in the same element-wise test.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

INF = math.inf
_MAX_MAGNITUDE = 1e9
"""Largest coordinate (m) or speed (m/s) accepted: keeps every product finite and exact enough."""
_STILL_H2 = 1e-24
"""Relative horizontal speeds with |w|² below this (|w| < 1e-12 m/s) count as none."""
_STILL_V = 1e-12
"""Relative vertical speeds below this (m/s) count as none."""
_MAX_CELLS_PER_VEHICLE = 64
"""A vehicle whose swept box covers more grid cells is paired with every vehicle directly."""
_MAX_CELL_COORD = 2.0**52
"""Grid coordinates beyond this are not exact integers in float64: fall back to all pairs."""
_MAX_PACKED = 2**30
"""Cells with |cx|, |cy| below this pack into one int64 key; beyond it keys are ranks."""
_BLOCK_ELEMENTS = 1 << 16
"""Pairs per block of the all-pairs baseline."""
_CHUNK_PAIRS = 1 << 15
"""Candidate pairs per chunk of the indexed search: temporaries stay small and in cache."""


def _column(values: Sequence[float] | FloatArray, name: str, n: int | None) -> FloatArray:
    array = np.array(values, dtype=np.float64, copy=True).reshape(-1)
    if n is not None and array.shape[0] != n:
        raise ValueError(f"{name} has {array.shape[0]} values, expected {n}")
    if not np.all(np.abs(array) <= _MAX_MAGNITUDE):
        raise ValueError(f"{name} holds a value that is not finite or beyond ±{_MAX_MAGNITUDE:g}")
    array.setflags(write=False)
    return array


@dataclass(frozen=True, slots=True)
class TrafficArrays:
    """Airborne vehicles as a structure of arrays (float64, read-only), one row per vehicle."""

    ids: tuple[str, ...]
    x_m: FloatArray
    """East (metres, local metric frame)."""
    y_m: FloatArray
    """North (metres)."""
    alt_m: FloatArray
    """Altitude above ground level (metres)."""
    vx_mps: FloatArray
    """Ground velocity east (m/s)."""
    vy_mps: FloatArray
    """Ground velocity north (m/s)."""
    vz_mps: FloatArray
    """Vertical speed, up (m/s)."""

    @classmethod
    def from_columns(
        cls,
        ids: Sequence[str],
        x_m: Sequence[float] | FloatArray,
        y_m: Sequence[float] | FloatArray,
        alt_m: Sequence[float] | FloatArray,
        vx_mps: Sequence[float] | FloatArray,
        vy_mps: Sequence[float] | FloatArray,
        vz_mps: Sequence[float] | FloatArray,
    ) -> TrafficArrays:
        """Copies the columns into read-only float64 arrays; ids must be unique, values finite
        and within ±1e9."""
        names = tuple(str(i) for i in ids)
        if len(set(names)) != len(names):
            raise ValueError("vehicle ids must be unique")
        n = len(names)
        return cls(
            names,
            _column(x_m, "x_m", n),
            _column(y_m, "y_m", n),
            _column(alt_m, "alt_m", n),
            _column(vx_mps, "vx_mps", n),
            _column(vy_mps, "vy_mps", n),
            _column(vz_mps, "vz_mps", n),
        )

    @classmethod
    def from_tracks(
        cls,
        ids: Sequence[str],
        x_m: Sequence[float] | FloatArray,
        y_m: Sequence[float] | FloatArray,
        alt_m: Sequence[float] | FloatArray,
        ground_speed_mps: Sequence[float] | FloatArray,
        track_deg: Sequence[float] | FloatArray,
        vertical_speed_mps: Sequence[float] | FloatArray,
    ) -> TrafficArrays:
        """From ground speed and true track (degrees clockwise from north), as telemetry has it."""
        speed = np.asarray(ground_speed_mps, dtype=np.float64)
        track = np.radians(np.asarray(track_deg, dtype=np.float64))
        return cls.from_columns(
            ids, x_m, y_m, alt_m, speed * np.sin(track), speed * np.cos(track), vertical_speed_mps
        )

    def __len__(self) -> int:
        return len(self.ids)

    def advanced(self, dt_s: float) -> TrafficArrays:
        """Every vehicle extrapolated ``dt_s`` seconds ahead, velocities unchanged."""
        return TrafficArrays.from_columns(
            self.ids,
            self.x_m + self.vx_mps * dt_s,
            self.y_m + self.vy_mps * dt_s,
            self.alt_m + self.vz_mps * dt_s,
            self.vx_mps,
            self.vy_mps,
            self.vz_mps,
        )

    def with_state(
        self,
        index: int,
        *,
        x_m: float | None = None,
        y_m: float | None = None,
        alt_m: float | None = None,
        vx_mps: float | None = None,
        vy_mps: float | None = None,
        vz_mps: float | None = None,
    ) -> TrafficArrays:
        """A copy with some of vehicle ``index``'s state replaced."""
        columns = []
        for array, value in (
            (self.x_m, x_m),
            (self.y_m, y_m),
            (self.alt_m, alt_m),
            (self.vx_mps, vx_mps),
            (self.vy_mps, vy_mps),
            (self.vz_mps, vz_mps),
        ):
            column = array.copy()
            if value is not None:
                column[index] = value
            columns.append(column)
        return TrafficArrays.from_columns(self.ids, *columns)


@dataclass(frozen=True, slots=True)
class PredictedConflict:
    """One pair in predicted conflict (indices into the traffic arrays, ``i < j``)."""

    i: int
    j: int
    t_in_s: float
    """First moment of conflict in [0, look-ahead]; 0 for a loss of separation."""
    t_out_s: float
    """End of the conflict interval, not clipped to the look-ahead (+inf when it never ends)."""
    t_cpa_s: float
    """Time of horizontal closest approach, clipped to [0, look-ahead]."""
    d_cpa_m: float
    """Horizontal distance at ``t_cpa_s``."""
    dv_cpa_m: float
    """Vertical distance at ``t_cpa_s``."""
    is_loss: bool
    """Both minima violated now."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The exact test, element-wise over arrays of relative states (see ``verdict``)."""

    conflict: BoolArray
    t_in_s: FloatArray
    t_out_s: FloatArray
    t_cpa_s: FloatArray
    d_cpa_m: FloatArray
    dv_cpa_m: FloatArray
    is_loss: BoolArray


def verdict(
    dx: FloatArray,
    dy: FloatArray,
    dz: FloatArray,
    wx: FloatArray,
    wy: FloatArray,
    wz: FloatArray,
    *,
    horizontal_m: float,
    vertical_m: float,
    lookahead_s: float,
) -> Verdict:
    """Conflict test for relative positions (d) and velocities (w) of the second vehicle.

    Element-wise: the result for one element depends on that element's inputs only, so any
    two callers that present the same pair get bit-identical answers. Times, distances and the
    loss flag are meaningful where ``conflict`` holds (elsewhere they are 0).
    """
    n = dx.shape[0]
    where, hit = _sparse_verdict(dx, dy, dz, wx, wy, wz, horizontal_m, vertical_m, lookahead_s)

    def spread(values: FloatArray) -> FloatArray:
        full = np.zeros(n, dtype=np.float64)
        full[where] = values
        return full

    conflict = np.zeros(n, dtype=bool)
    conflict[where] = True
    loss = np.zeros(n, dtype=bool)
    loss[where] = hit[5]
    t_in, t_out, t_cpa, d_cpa, dv_cpa, _ = hit
    return Verdict(
        conflict, spread(t_in), spread(t_out), spread(t_cpa), spread(d_cpa), spread(dv_cpa), loss
    )


_Hit = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray]


def _sparse_verdict(
    dx: FloatArray,
    dy: FloatArray,
    dz: FloatArray,
    wx: FloatArray,
    wy: FloatArray,
    wz: FloatArray,
    horizontal_m: float,
    vertical_m: float,
    lookahead_s: float,
) -> tuple[IntArray, _Hit]:
    """The elements in conflict, and their t_in, t_out, t_cpa, d_cpa, dv_cpa and loss flag.

    First a cheap horizontal screen over every element (the closest approach on the whole
    line, or a horizontal loss now), then the full test on the few that pass it. The screen is
    the very expression the full test starts from, so it can never drop a conflict.
    """
    h2 = horizontal_m * horizontal_m
    with np.errstate(all="ignore"):
        a = wx * wx + wy * wy
        cross = dx * wy - dy * wx
        d2 = dx * dx + dy * dy
        close = (cross * cross < h2 * a) | (d2 < h2)
        where = np.flatnonzero(close).astype(np.int64)
        dx, dy, dz, wx, wy, wz = (v[where] for v in (dx, dy, dz, wx, wy, wz))
        a, cross, d2 = a[where], cross[where], d2[where]

        moving = a > _STILL_H2
        safe_a = np.where(moving, a, 1.0)
        h_ok = np.where(moving, cross * cross < h2 * a, d2 < h2)
        # Roots of a·t² + 2·bw·t + (d2 - h2), the stable way: q/a and c/q, with the
        # discriminant a·h2 - cross² free of cancellation.
        bw = dx * wx + dy * wy
        t_cpa = np.where(moving, -bw / safe_a, 0.0)
        q = -(bw + np.copysign(np.sqrt(np.maximum(h2 * a - cross * cross, 0.0)), bw))
        q = np.where(q == 0.0, 1.0, q)
        r1, r2 = q / safe_a, (d2 - h2) / q
        h_lo = np.where(moving, np.minimum(r1, r2), -INF)
        h_hi = np.where(moving, np.maximum(r1, r2), INF)

        climbing = np.abs(wz) > _STILL_V
        safe_wz = np.where(climbing, wz, 1.0)
        v_a = (-vertical_m - dz) / safe_wz
        v_b = (vertical_m - dz) / safe_wz
        v_ok = climbing | (np.abs(dz) < vertical_m)
        v_lo = np.where(climbing, np.minimum(v_a, v_b), -INF)
        v_hi = np.where(climbing, np.maximum(v_a, v_b), INF)

        lo = np.maximum(h_lo, v_lo)
        hi = np.minimum(h_hi, v_hi)
        interval = h_ok & v_ok & (lo < hi) & (lo < lookahead_s) & (hi > 0.0)
        loss = (d2 < h2) & (np.abs(dz) < vertical_m)
        keep = np.flatnonzero(interval | loss)
        where = where[keep]
        dx, dy, dz, wx, wy, wz = (v[keep] for v in (dx, dy, dz, wx, wy, wz))
        lo, hi, t_cpa, interval, loss = lo[keep], hi[keep], t_cpa[keep], interval[keep], loss[keep]
        t_in = np.where(loss, 0.0, np.maximum(lo, 0.0))
        t_out = np.where(interval, hi, 0.0)
        t_c = np.clip(t_cpa, 0.0, lookahead_s)
        ex, ey = dx + wx * t_c, dy + wy * t_c
        d_cpa = np.sqrt(ex * ex + ey * ey)
        dv_cpa = np.abs(dz + wz * t_c)
    return where, (t_in, t_out, t_c, d_cpa, dv_cpa, loss)


@dataclass(frozen=True, slots=True)
class ConflictArrays:
    """Predicted conflicts as a structure of arrays, sorted by (i, j), ``i < j``."""

    i: IntArray
    j: IntArray
    t_in_s: FloatArray
    t_out_s: FloatArray
    t_cpa_s: FloatArray
    d_cpa_m: FloatArray
    dv_cpa_m: FloatArray
    is_loss: BoolArray

    def __len__(self) -> int:
        return int(self.i.shape[0])

    def to_list(self) -> list[PredictedConflict]:
        return [
            PredictedConflict(i, j, t_in, t_out, t_cpa, d, dv, loss)
            for i, j, t_in, t_out, t_cpa, d, dv, loss in zip(
                self.i.tolist(),
                self.j.tolist(),
                self.t_in_s.tolist(),
                self.t_out_s.tolist(),
                self.t_cpa_s.tolist(),
                self.d_cpa_m.tolist(),
                self.dv_cpa_m.tolist(),
                self.is_loss.tolist(),
                strict=True,
            )
        ]

    def pairs(self) -> set[tuple[int, int]]:
        return set(zip(self.i.tolist(), self.j.tolist(), strict=True))


def _check_limits(horizontal_m: float, vertical_m: float, lookahead_s: float) -> None:
    if not (horizontal_m > 0 and vertical_m > 0 and math.isfinite(horizontal_m + vertical_m)):
        raise ValueError("separation minima must be positive and finite")
    if not (0 <= lookahead_s < INF):
        raise ValueError("look-ahead must be finite and not negative")


def _test_pairs(
    traffic: TrafficArrays,
    i: IntArray,
    j: IntArray,
    horizontal_m: float,
    vertical_m: float,
    lookahead_s: float,
) -> ConflictArrays:
    """The exact test on candidate pairs ``i < j``; keeps the conflicts (in input order)."""
    t = traffic
    where, hit = _sparse_verdict(
        t.x_m[j] - t.x_m[i],
        t.y_m[j] - t.y_m[i],
        t.alt_m[j] - t.alt_m[i],
        t.vx_mps[j] - t.vx_mps[i],
        t.vy_mps[j] - t.vy_mps[i],
        t.vz_mps[j] - t.vz_mps[i],
        horizontal_m,
        vertical_m,
        lookahead_s,
    )
    return ConflictArrays(i[where], j[where], *hit)


def _sorted(parts: Sequence[ConflictArrays]) -> ConflictArrays:
    """The parts' conflicts in one table, sorted by (i, j)."""
    if not parts:
        no_int = np.zeros(0, dtype=np.int64)
        no_float = np.zeros(0, dtype=np.float64)
        return ConflictArrays(
            no_int, no_int, no_float, no_float, no_float, no_float, no_float, np.zeros(0, bool)
        )
    i = np.concatenate([p.i for p in parts])
    j = np.concatenate([p.j for p in parts])
    order = np.lexsort((j, i))

    def column(values: list[FloatArray]) -> FloatArray:
        return np.concatenate(values)[order]

    return ConflictArrays(
        i[order],
        j[order],
        column([p.t_in_s for p in parts]),
        column([p.t_out_s for p in parts]),
        column([p.t_cpa_s for p in parts]),
        column([p.d_cpa_m for p in parts]),
        column([p.dv_cpa_m for p in parts]),
        np.concatenate([p.is_loss for p in parts])[order],
    )


def _all_pair_blocks(
    traffic: TrafficArrays, horizontal_m: float, vertical_m: float, lookahead_s: float
) -> Iterator[tuple[IntArray, IntArray]]:
    """Every pair i < j whose distances now exceed the minima by less than the relative motion
    over the look-ahead can cover (triangle inequality), in blocks of rows."""
    t = traffic
    n = len(t)
    rows_per_block = max(1, _BLOCK_ELEMENTS // max(n, 1))
    slack = 1e-9
    for start in range(0, n - 1, rows_per_block):
        stop = min(n - 1, start + rows_per_block)
        rows = np.arange(start, stop)
        cols = np.arange(start + 1, n)
        with np.errstate(all="ignore"):
            dx = t.x_m[cols][None, :] - t.x_m[rows][:, None]
            dy = t.y_m[cols][None, :] - t.y_m[rows][:, None]
            wx = t.vx_mps[cols][None, :] - t.vx_mps[rows][:, None]
            wy = t.vy_mps[cols][None, :] - t.vy_mps[rows][:, None]
            reach = horizontal_m + np.sqrt(wx * wx + wy * wy) * lookahead_s
            near = dx * dx + dy * dy <= reach * reach * (1 + slack) + slack
            dz = t.alt_m[cols][None, :] - t.alt_m[rows][:, None]
            wz = t.vz_mps[cols][None, :] - t.vz_mps[rows][:, None]
            near &= np.abs(dz) <= (vertical_m + np.abs(wz) * lookahead_s) * (1 + slack) + slack
        near &= cols[None, :] > rows[:, None]
        r, c = np.nonzero(near)
        yield rows[r].astype(np.int64), cols[c].astype(np.int64)


def detect_conflict_arrays_all_pairs(
    traffic: TrafficArrays,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
) -> ConflictArrays:
    """The O(n²) baseline as arrays: every pair, in blocks of about a million pairs."""
    _check_limits(horizontal_m, vertical_m, lookahead_s)
    return _sorted(
        [
            _test_pairs(traffic, i, j, horizontal_m, vertical_m, lookahead_s)
            for i, j in _all_pair_blocks(traffic, horizontal_m, vertical_m, lookahead_s)
        ]
    )


def detect_conflicts_all_pairs(
    traffic: TrafficArrays,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
) -> list[PredictedConflict]:
    """Every pair in predicted conflict, by testing every pair: the O(n²) baseline."""
    return detect_conflict_arrays_all_pairs(
        traffic, horizontal_m, vertical_m, lookahead_s
    ).to_list()


@dataclass(frozen=True, slots=True)
class SweptBoxes:
    """Each vehicle's positions over [0, look-ahead], as boxes widened by half the minima.

    Two vehicles can be closer than H horizontally (V vertically) at one moment only if their
    boxes overlap on both horizontal axes (on the vertical axis): the widening by H/2 (V/2), plus
    a rounding allowance, makes the test conservative.
    """

    x0: FloatArray
    y0: FloatArray
    x1: FloatArray
    y1: FloatArray
    z0: FloatArray
    z1: FloatArray

    @classmethod
    def of(
        cls, traffic: TrafficArrays, horizontal_m: float, vertical_m: float, lookahead_s: float
    ) -> SweptBoxes:
        t = traffic
        ex = t.x_m + t.vx_mps * lookahead_s
        ey = t.y_m + t.vy_mps * lookahead_s
        ez = t.alt_m + t.vz_mps * lookahead_s
        scale = 0.0
        for array in (t.x_m, t.y_m, t.alt_m, ex, ey, ez):
            if array.shape[0]:
                scale = max(scale, float(np.max(np.abs(array))))
        allowance = 1e-3 + 1e-9 * scale
        ph = horizontal_m / 2 + allowance
        pv = vertical_m / 2 + allowance
        return cls(
            np.minimum(t.x_m, ex) - ph,
            np.minimum(t.y_m, ey) - ph,
            np.maximum(t.x_m, ex) + ph,
            np.maximum(t.y_m, ey) + ph,
            np.minimum(t.alt_m, ez) - pv,
            np.maximum(t.alt_m, ez) + pv,
        )

    def overlap(self, i: IntArray, j: IntArray) -> BoolArray:
        return (
            (self.x0[i] <= self.x1[j])
            & (self.x0[j] <= self.x1[i])
            & (self.y0[i] <= self.y1[j])
            & (self.y0[j] <= self.y1[i])
            & (self.z0[i] <= self.z1[j])
            & (self.z0[j] <= self.z1[i])
        )


def default_cell_m(boxes: SweptBoxes, horizontal_m: float) -> float:
    """Grid cell side: the median swept-box side, at least the horizontal minimum, and large
    enough that the 99th percentile box covers no more than 8 × 8 cells.

    Cells about as large as a typical box keep both the entries per vehicle (about four) and the
    vehicles sharing a cell few; the percentile bound keeps the oversized vehicles, which are
    paired with everyone, rare when most vehicles hover and a few fly fast.
    """
    if boxes.x0.shape[0] == 0:
        return max(horizontal_m, 1.0)
    side = np.maximum(boxes.x1 - boxes.x0, boxes.y1 - boxes.y0)
    median, p99 = np.percentile(side, [50.0, 99.0])
    return max(float(median), float(p99) / 7.0, horizontal_m, 1.0)


@lru_cache(maxsize=256)
def _pair_pattern(size: int) -> tuple[IntArray, IntArray]:
    """Offsets (p < q) of every pair among ``size`` consecutive entries."""
    p, q = (offsets.astype(np.int64) for offsets in np.triu_indices(size, 1))
    p.setflags(write=False)
    q.setflags(write=False)
    return p, q


class SweptBoxIndex:
    """A uniform grid over the swept boxes of one traffic snapshot.

    Cell (cx, cy) covers [cx·cell, (cx+1)·cell) × [cy·cell, (cy+1)·cell) in the traffic's own
    frame (the grid's origin is the frame's origin). Each vehicle is entered in every cell its
    box touches; a vehicle whose box touches more than a few dozen cells is kept aside and
    paired with everyone. Work is done in chunks of a few tens of thousands of pairs, so the
    temporaries stay in cache and no large buffer is allocated per pass.
    """

    def __init__(
        self,
        traffic: TrafficArrays,
        horizontal_m: float = 50.0,
        vertical_m: float = 15.0,
        lookahead_s: float = 30.0,
        *,
        cell_m: float | None = None,
    ) -> None:
        _check_limits(horizontal_m, vertical_m, lookahead_s)
        self.traffic = traffic
        self.horizontal_m = horizontal_m
        self.vertical_m = vertical_m
        self.lookahead_s = lookahead_s
        self.boxes = SweptBoxes.of(traffic, horizontal_m, vertical_m, lookahead_s)
        b = self.boxes
        self.cell_m = float(cell_m) if cell_m is not None else default_cell_m(b, horizontal_m)
        if not (self.cell_m > 0 and math.isfinite(self.cell_m)):
            raise ValueError("cell_m must be positive and finite")
        n = len(traffic)
        limit = max(
            (float(np.max(np.abs(a))) for a in (b.x0, b.x1, b.y0, b.y1) if a.shape[0]),
            default=0.0,
        )
        empty = np.zeros(0, dtype=np.int64)
        #: False when coordinates are too large for int64 cells: everyone is then a candidate.
        self.usable = limit / self.cell_m < _MAX_CELL_COORD
        self.cx0 = self.cy0 = self.cx1 = self.cy1 = empty
        self.oversized = np.arange(n, dtype=np.int64)
        self._keys = self._vehicles = self._cx = self._cy = empty
        self._run_starts = self._run_lengths = empty
        self._first_col = self._first_row = np.zeros(0, dtype=bool)
        self._ranked = False
        if self.usable:
            self._build()

    def _build(self) -> None:
        b = self.boxes
        self.cx0, self.cy0 = self._cell(b.x0), self._cell(b.y0)
        self.cx1, self.cy1 = self._cell(b.x1), self._cell(b.y1)
        nx = self.cx1 - self.cx0 + 1
        ny = self.cy1 - self.cy0 + 1
        big = (nx > _MAX_CELLS_PER_VEHICLE) | (ny > _MAX_CELLS_PER_VEHICLE)
        big |= nx * np.minimum(ny, _MAX_CELLS_PER_VEHICLE + 1) > _MAX_CELLS_PER_VEHICLE
        self.oversized = np.flatnonzero(big).astype(np.int64)
        small = np.flatnonzero(~big).astype(np.int64)
        count = (nx * ny)[small]
        vehicle = np.repeat(small, count)
        first = np.cumsum(count) - count
        k = np.arange(vehicle.shape[0], dtype=np.int64) - np.repeat(first, count)
        ny_v = ny[vehicle]
        cx = self.cx0[vehicle] + k // ny_v
        cy = self.cy0[vehicle] + k % ny_v
        self._ranked = (
            cx.shape[0] > 0 and max(int(np.abs(cx).max()), int(np.abs(cy).max())) >= _MAX_PACKED
        )
        keys = self._key(cx, cy)
        order = np.argsort(keys)
        self._keys, self._vehicles = keys[order], vehicle[order]
        self._cx, self._cy = cx[order], cy[order]
        m = self._keys.shape[0]
        self._run_starts = np.flatnonzero(
            np.concatenate(([m > 0], self._keys[1:] != self._keys[:-1]))
        ).astype(np.int64)
        self._run_lengths = np.diff(np.append(self._run_starts, m))
        self._first_col = self._cx == self.cx0[self._vehicles]
        self._first_row = self._cy == self.cy0[self._vehicles]

    def _cell(self, coordinate: FloatArray) -> IntArray:
        return np.floor(coordinate / self.cell_m).astype(np.int64)

    @staticmethod
    def _key(cx: IntArray, cy: IntArray) -> IntArray:
        """One int64 per cell, ordered like (cx, cy); ranks when the cells are too far out."""
        if cx.shape[0] == 0 or max(int(np.abs(cx).max()), int(np.abs(cy).max())) < _MAX_PACKED:
            return (cx << 32) + (cy + 2**31)
        _, keys = np.unique(np.stack([cx, cy], axis=1), axis=0, return_inverse=True)
        return keys.reshape(-1).astype(np.int64)

    def candidate_pairs(self) -> tuple[IntArray, IntArray]:
        """Pairs (i < j), each once, whose swept boxes overlap: a superset of the conflicts."""
        parts = list(self.iter_candidate_pairs())
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def iter_candidate_pairs(
        self, chunk: int = _CHUNK_PAIRS
    ) -> Iterator[tuple[IntArray, IntArray]]:
        """``candidate_pairs`` in chunks (each pair exactly once over all chunks)."""
        yield from self._grid_pairs(chunk)
        yield from self._oversized_pairs()

    def _grid_pairs(self, chunk: int) -> Iterator[tuple[IntArray, IntArray]]:
        """Vehicles sharing a cell whose boxes overlap, each pair in one cell only: the
        lowest-left cell both boxes cover, the one where the column (row) is the first column
        (row) of at least one of the two boxes."""
        b = self.boxes
        for ea, eb in self._entry_pairs(chunk):
            home = np.flatnonzero(
                (self._first_col[ea] | self._first_col[eb])
                & (self._first_row[ea] | self._first_row[eb])
            )
            vi, vj = self._vehicles[ea[home]], self._vehicles[eb[home]]
            keep = np.flatnonzero(
                (b.x0[vi] <= b.x1[vj])
                & (b.x0[vj] <= b.x1[vi])
                & (b.y0[vi] <= b.y1[vj])
                & (b.y0[vj] <= b.y1[vi])
                & (b.z0[vi] <= b.z1[vj])
                & (b.z0[vj] <= b.z1[vi])
            )
            vi, vj = vi[keep], vj[keep]
            yield np.minimum(vi, vj), np.maximum(vi, vj)

    def _entry_pairs(self, chunk: int) -> Iterator[tuple[IntArray, IntArray]]:
        """Every pair of positions (a < b) within one run of equal keys, about ``chunk`` at a
        time: runs of one length together (one broadcast of that length's pair pattern), and a
        run too long for one chunk a block of rows at a time."""
        lengths = self._run_lengths
        for size in np.unique(lengths[lengths > 1]).tolist():
            starts = self._run_starts[lengths == size]
            if size * (size - 1) // 2 > chunk:
                rows = max(1, chunk // size)
                for start in starts.tolist():
                    for first in range(0, size - 1, rows):
                        a = np.arange(start + first, start + min(first + rows, size - 1))
                        b = np.arange(start, start + size)
                        mask = b[None, :] > a[:, None]
                        r, c = np.nonzero(mask)
                        yield a[r].astype(np.int64), b[c].astype(np.int64)
                continue
            p, q = _pair_pattern(size)
            step = max(1, chunk // p.shape[0])
            for lo in range(0, starts.shape[0], step):
                base = starts[lo : lo + step, None]
                yield (base + p).reshape(-1), (base + q).reshape(-1)

    def _oversized_pairs(self) -> Iterator[tuple[IntArray, IntArray]]:
        """Each oversized vehicle with every other vehicle (oversized pairs once)."""
        n = len(self.traffic)
        if self.oversized.shape[0] == 0:
            return
        is_big = np.zeros(n, dtype=bool)
        is_big[self.oversized] = True
        everyone = np.arange(n, dtype=np.int64)
        for o in self.oversized.tolist():
            others = everyone[(~is_big | (everyone > o)) & (everyone != o)]
            others = others[self.boxes.overlap(others, np.full_like(others, o))]
            yield np.minimum(others, o), np.maximum(others, o)

    def query(self, x0: float, y0: float, x1: float, y1: float) -> IntArray:
        """Vehicles whose swept boxes meet the box [x0, x1] × [y0, y1] (sorted, unique).

        Widen the query by half the horizontal minimum to find everyone who could come within
        the minimum of a point in it.
        """
        n = len(self.traffic)
        found: list[IntArray] = [self.oversized]
        if self.usable and self._keys.shape[0]:
            cx0, cx1 = (math.floor(v / self.cell_m) for v in (x0, x1))
            cy0, cy1 = (math.floor(v / self.cell_m) for v in (y0, y1))
            cx0, cx1 = max(cx0, int(self._cx[0])), min(cx1, int(self._cx[-1]))
            cy0, cy1 = max(cy0, int(self._cy.min())), min(cy1, int(self._cy.max()))
            cells = (cx1 - cx0 + 1) * (cy1 - cy0 + 1)
            if cx0 > cx1 or cy0 > cy1:
                pass
            elif cells > self._keys.shape[0] or self._ranked:
                found.append(np.arange(n, dtype=np.int64))
            else:
                gx, gy = np.meshgrid(
                    np.arange(cx0, cx1 + 1, dtype=np.int64),
                    np.arange(cy0, cy1 + 1, dtype=np.int64),
                    indexing="ij",
                )
                keys = self._key(gx.reshape(-1), gy.reshape(-1))
                lo = np.searchsorted(self._keys, keys, side="left").tolist()
                hi = np.searchsorted(self._keys, keys, side="right").tolist()
                found.extend(self._vehicles[a:b] for a, b in zip(lo, hi, strict=True) if b > a)
        hits = np.unique(np.concatenate(found))
        b = self.boxes
        keep = (b.x0[hits] <= x1) & (x0 <= b.x1[hits]) & (b.y0[hits] <= y1) & (y0 <= b.y1[hits])
        return hits[keep]


def detect_conflict_arrays(
    traffic: TrafficArrays,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
    *,
    cell_m: float | None = None,
) -> ConflictArrays:
    """Every pair in predicted conflict, as arrays, through the swept-box grid."""
    limits = (horizontal_m, vertical_m, lookahead_s)
    index = SweptBoxIndex(traffic, *limits, cell_m=cell_m)
    i, j = index.candidate_pairs()
    return _sorted(
        [
            _test_pairs(traffic, i[lo : lo + _CHUNK_PAIRS], j[lo : lo + _CHUNK_PAIRS], *limits)
            for lo in range(0, i.shape[0], _CHUNK_PAIRS)
        ]
    )


def detect_conflicts(
    traffic: TrafficArrays,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
    *,
    cell_m: float | None = None,
) -> list[PredictedConflict]:
    """Every pair in predicted conflict (sorted by (i, j)), through a spatial index.

    Same pairs and values as ``detect_conflicts_all_pairs``; ``cell_m`` overrides the grid's
    cell side (by default about the median swept-box side).
    """
    return detect_conflict_arrays(
        traffic, horizontal_m, vertical_m, lookahead_s, cell_m=cell_m
    ).to_list()
