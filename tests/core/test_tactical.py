"""Live conflict detection: hand-computed encounters, and properties against dense sampling."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airspace.tactical import (
    PredictedConflict,
    SweptBoxIndex,
    TrafficArrays,
    detect_conflicts,
    detect_conflicts_all_pairs,
)

H, V, T = 50.0, 15.0, 30.0
UTM_X, UTM_Y = 812_345.0, 2_501_234.0
"""Offsets like real UTM coordinates, so rounding is what the service will see."""

State = tuple[float, float, float, float, float, float]
"""x, y, alt, vx, vy, vz."""


def traffic(*states: State, offset: bool = True) -> TrafficArrays:
    x, y, z, vx, vy, vz = (list(c) for c in zip(*states, strict=True)) if states else [[]] * 6
    if offset:
        x = [v + UTM_X for v in x]
        y = [v + UTM_Y for v in y]
    return TrafficArrays.from_columns([f"v{k}" for k in range(len(x))], x, y, z, vx, vy, vz)


def detect(*states: State, lookahead_s: float = T) -> list[PredictedConflict]:
    """Both detectors; they must agree exactly."""
    t = traffic(*states)
    found = detect_conflicts(t, H, V, lookahead_s)
    assert found == detect_conflicts_all_pairs(t, H, V, lookahead_s)
    return found


def only(*states: State, lookahead_s: float = T) -> PredictedConflict:
    found = detect(*states, lookahead_s=lookahead_s)
    assert len(found) == 1
    return found[0]


# --- hand-computed encounters -------------------------------------------------------------


def test_head_on() -> None:
    # 500 m apart, closing at 20 m/s: within 50 m for |500 - 20 t| < 50, t in (22.5, 27.5).
    c = only((0, 0, 60, 10, 0, 0), (500, 0, 60, -10, 0, 0))
    assert (c.i, c.j, c.is_loss) == (0, 1, False)
    assert c.t_in_s == pytest.approx(22.5)
    assert c.t_out_s == pytest.approx(27.5)
    assert c.t_cpa_s == pytest.approx(25.0)
    assert c.d_cpa_m == pytest.approx(0.0, abs=1e-6)
    assert c.dv_cpa_m == pytest.approx(0.0)


def test_head_on_beyond_the_look_ahead_is_not_a_conflict() -> None:
    assert detect((0, 0, 60, 10, 0, 0), (1000, 0, 60, -10, 0, 0)) == []  # meets at 47.5 s
    c = only((0, 0, 60, 10, 0, 0), (1000, 0, 60, -10, 0, 0), lookahead_s=60)
    assert c.t_in_s == pytest.approx(47.5)


def test_crossing_at_right_angles() -> None:
    # Both reach the origin at t = 20; apart by sqrt(2)·|200 - 10 t|.
    c = only((-200, 0, 50, 10, 0, 0), (0, -200, 50, 0, 10, 0))
    half = 50 / math.sqrt(2) / 10
    assert c.t_in_s == pytest.approx(20 - half)
    assert c.t_out_s == pytest.approx(20 + half)
    assert c.t_cpa_s == pytest.approx(20.0)
    assert c.d_cpa_m == pytest.approx(0.0, abs=1e-6)


def test_crossing_behind_is_clear() -> None:
    # The second passes the crossing point 10 s after the first: 100 m behind, never closer
    # than 100/sqrt(2) ≈ 70.7 m.
    assert detect((-200, 0, 50, 10, 0, 0), (0, -300, 50, 0, 10, 0)) == []


def test_parallel_tracks_outside_and_inside() -> None:
    assert detect((0, 0, 50, 10, 0, 0), (0, 50, 50, 10, 0, 0)) == []  # exactly 50 m: clear
    c = only((0, 0, 50, 10, 0, 0), (0, 49.9, 50, 10, 0, 0))
    assert c.is_loss and c.t_in_s == 0 and c.t_out_s == math.inf
    assert c.d_cpa_m == pytest.approx(49.9)


def test_overtaking_on_a_parallel_track() -> None:
    # 40 m to the side, 100 m behind, 10 m/s faster: within 50 m for |10 t - 100| < 30.
    c = only((0, 0, 50, 10, 0, 0), (-100, 40, 50, 20, 0, 0))
    assert (c.t_in_s, c.t_out_s, c.t_cpa_s) == pytest.approx((7.0, 13.0, 10.0))
    assert c.d_cpa_m == pytest.approx(40.0)
    assert detect((0, 0, 50, 10, 0, 0), (-100, 50, 50, 20, 0, 0)) == []  # grazes at 50 m


def test_vertical_separation_alone_keeps_them_clear() -> None:
    assert detect((0, 0, 60, 10, 0, 0), (500, 0, 75, -10, 0, 0)) == []  # exactly 15 m
    c = only((0, 0, 60, 10, 0, 0), (500, 0, 74.9, -10, 0, 0))
    assert c.dv_cpa_m == pytest.approx(14.9)


def test_climbing_into_a_hovering_vehicle() -> None:
    # 20 m to the side, 60 m below, climbing at 3 m/s: |3 t - 60| < 15 for t in (15, 25).
    c = only((0, 0, 60, 0, 0, 0), (20, 0, 0, 0, 0, 3))
    assert (c.t_in_s, c.t_out_s) == pytest.approx((15.0, 25.0))
    assert c.t_cpa_s == 0.0  # no relative horizontal motion: closest now
    assert (c.d_cpa_m, c.dv_cpa_m) == pytest.approx((20.0, 60.0))
    assert not c.is_loss


def test_climb_ends_before_the_horizontal_meeting() -> None:
    # Horizontally within 50 m for t in (22.5, 27.5); the second, 30 m below and climbing 2 m/s
    # faster, is within 15 m vertically for t in (7.5, 22.5): the intervals only touch.
    assert detect((0, 0, 60, 10, 0, 0), (500, 0, 30, -10, 0, 2)) == []
    c = only((0, 0, 60, 10, 0, 0), (500, 0, 29.8, -10, 0, 2))  # vertical (7.6, 22.6)
    assert (c.t_in_s, c.t_out_s) == pytest.approx((22.5, 22.6))


def test_loss_of_separation_now() -> None:
    c = only((0, 0, 50, 0, 0, 0), (30, 0, 55, 0, 0, 0))
    assert c.is_loss and (c.t_in_s, c.t_out_s, c.t_cpa_s) == (0.0, math.inf, 0.0)
    assert (c.d_cpa_m, c.dv_cpa_m) == pytest.approx((30.0, 5.0))
    # Diverging at 10 m/s: the loss ends when they are 50 m apart, at t = 2.
    c = only((0, 0, 50, 0, 0, 0), (30, 0, 55, 10, 0, 0))
    assert c.is_loss and c.t_out_s == pytest.approx(2.0)


def test_conflict_starting_at_or_after_the_look_ahead_does_not_count() -> None:
    # Closing at 20 m/s from 650 m: 50 m apart exactly at t = 30 — not closer within [0, 30].
    assert detect((0, 0, 60, 10, 0, 0), (650, 0, 60, -10, 0, 0)) == []
    assert detect((0, 0, 60, 10, 0, 0), (650.2, 0, 60, -10, 0, 0)) == []
    c = only((0, 0, 60, 10, 0, 0), (649.8, 0, 60, -10, 0, 0))
    assert c.t_in_s == pytest.approx(29.99)
    assert c.t_cpa_s == 30.0  # clipped to the look-ahead
    assert c.d_cpa_m == pytest.approx(49.8)


def test_stationary_vehicles() -> None:
    assert detect((0, 0, 50, 0, 0, 0), (51, 0, 50, 0, 0, 0)) == []
    assert detect((0, 0, 50, 0, 0, 0), (0, 0, 65, 0, 0, 0)) == []
    c = only((0, 0, 50, 0, 0, 0), (0, 0, 50, 0, 0, 0))  # same point
    assert c.is_loss and c.d_cpa_m == 0.0
    c = only((0, 0, 50, 0, 0, 0), (300, 0, 50, -10, 0, 0))  # one flies into the other
    assert (c.t_in_s, c.t_out_s, c.t_cpa_s) == pytest.approx((25.0, 35.0, 30.0))


def test_pairs_are_indexed_low_to_high_and_sorted() -> None:
    found = detect(
        (1000, 0, 50, 0, 0, 0),
        (0, 0, 50, 0, 0, 0),
        (10, 0, 50, 0, 0, 0),
        (1010, 0, 50, 0, 0, 0),
    )
    assert [(c.i, c.j) for c in found] == [(0, 3), (1, 2)]


def test_no_vehicles_and_one_vehicle() -> None:
    assert detect() == []
    assert detect((0, 0, 50, 1, 1, 1)) == []


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        TrafficArrays.from_columns(["a", "a"], [0, 1], [0, 1], [0, 1], [0, 0], [0, 0], [0, 0])
    with pytest.raises(ValueError):
        TrafficArrays.from_columns(["a"], [math.nan], [0], [0], [0], [0], [0])
    with pytest.raises(ValueError):
        TrafficArrays.from_columns(["a"], [0], [0], [0], [1e10], [0], [0])
    with pytest.raises(ValueError):
        TrafficArrays.from_columns(["a", "b"], [0], [0], [0], [0], [0], [0])
    with pytest.raises(ValueError):
        detect_conflicts(traffic((0, 0, 0, 0, 0, 0)), horizontal_m=0)


def test_tracks_are_clockwise_from_north() -> None:
    t = TrafficArrays.from_tracks(["a", "b"], [0, 0], [0, 0], [0, 0], [10, 10], [90, 180], [1, 0])
    assert t.vx_mps == pytest.approx([10, 0], abs=1e-12)
    assert t.vy_mps == pytest.approx([0, -10], abs=1e-12)


# --- properties -----------------------------------------------------------------------------


@st.composite
def random_traffic(draw: st.DrawFn, max_speed: float = 25.0, max_n: int = 30) -> TrafficArrays:
    """Traffic that meets often: a small area, shared positions, zero and repeated velocities."""
    n = draw(st.integers(0, max_n))
    side = draw(st.sampled_from([100.0, 400.0, 1500.0]))
    coord = st.floats(-side, side, allow_nan=False)
    speed = st.one_of(st.just(0.0), st.floats(-max_speed, max_speed, allow_nan=False))
    climb = st.one_of(st.just(0.0), st.floats(-5, 5, allow_nan=False))
    alt = st.floats(0, 120, allow_nan=False)
    states: list[State] = []
    for _ in range(n):
        if states and draw(st.integers(0, 5)) == 0:  # same place as another, maybe same motion
            other = draw(st.sampled_from(states))
            state = other if draw(st.booleans()) else (*other[:3], 0.0, 0.0, 0.0)
        else:
            state = (draw(coord), draw(coord), draw(alt), draw(speed), draw(speed), draw(climb))
        states.append(state)
    return traffic(*states)


@st.composite
def lattice_traffic(draw: st.DrawFn) -> tuple[TrafficArrays, float]:
    """Positions on multiples of H/2 and T·1.25 m/s, so vehicles and box edges sit on the
    boundaries of a 100 m grid (and many encounters are exactly tangent); no UTM offset."""
    n = draw(st.integers(2, 30))
    cell = draw(st.sampled_from([50.0, 100.0]))
    states = [
        (
            25.0 * draw(st.integers(-8, 8)),
            25.0 * draw(st.integers(-8, 8)),
            7.5 * draw(st.integers(0, 16)),
            1.25 * draw(st.integers(-8, 8)),
            1.25 * draw(st.integers(-8, 8)),
            0.5 * draw(st.integers(-4, 4)),
        )
        for _ in range(n)
    ]
    return traffic(*states, offset=False), cell


@st.composite
def fast_traffic(draw: st.DrawFn) -> TrafficArrays:
    """Some vehicles at absurd speeds, so their swept boxes cover many grid cells."""
    n = draw(st.integers(2, 25))
    coord = st.floats(-5000, 5000, allow_nan=False)
    speed = st.one_of(st.floats(-20, 20), st.floats(-2000, 2000), st.just(0.0))
    states = [
        (draw(coord), draw(coord), draw(st.floats(0, 120)), draw(speed), draw(speed), 0.0)
        for _ in range(n)
    ]
    return traffic(*states)


def pair_set(found: Sequence[PredictedConflict]) -> set[tuple[int, int]]:
    return {(c.i, c.j) for c in found}


PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(random_traffic(), st.sampled_from([None, 60.0, 333.0, 1000.0]))
def test_indexed_equals_all_pairs(t: TrafficArrays, cell: float | None) -> None:
    assert detect_conflicts(t, cell_m=cell) == detect_conflicts_all_pairs(t)


@PROPERTY
@given(lattice_traffic())
def test_indexed_equals_all_pairs_on_grid_boundaries(case: tuple[TrafficArrays, float]) -> None:
    t, cell = case
    for lookahead in (20.0, 30.0):
        expected = detect_conflicts_all_pairs(t, H, V, lookahead)
        assert detect_conflicts(t, H, V, lookahead, cell_m=cell) == expected
        assert detect_conflicts(t, H, V, lookahead) == expected


@PROPERTY
@given(fast_traffic(), st.sampled_from([None, 100.0]))
def test_indexed_equals_all_pairs_at_huge_speeds(t: TrafficArrays, cell: float | None) -> None:
    assert detect_conflicts(t, cell_m=cell) == detect_conflicts_all_pairs(t)


def test_index_keeps_far_vehicles_apart_and_sets_oversized_aside() -> None:
    # Index-specific behaviour the equality properties cannot see: candidates are few.
    t = traffic(
        (0, 0, 50, 0, 0, 0),
        (30, 0, 50, 0, 0, 0),
        (5000, 0, 50, 0, 0, 0),
        (-5000, 0, 50, 1000, 0, 0),  # sweeps 30 km
    )
    index = SweptBoxIndex(t, cell_m=100.0)
    assert index.oversized.tolist() == [3]
    i, j = index.candidate_pairs()
    assert sorted(zip(i.tolist(), j.tolist(), strict=True)) == [(0, 1), (0, 3), (1, 3), (2, 3)]
    assert index.query(UTM_X - 10, UTM_Y - 10, UTM_X + 10, UTM_Y + 10).tolist() == [0, 1, 3]


STEP_S = 0.01
TOLERANCE_M = 0.5


def sampled_distances(t: TrafficArrays, lookahead_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical distance of every pair at every sample time: arrays
    (samples, n, n), from positions extrapolated independently of the detector."""
    times = np.linspace(0.0, lookahead_s, round(lookahead_s / STEP_S) + 1)[:, None]
    x = (t.x_m - UTM_X) + (t.vx_mps) * times
    y = (t.y_m - UTM_Y) + (t.vy_mps) * times
    z = t.alt_m + t.vz_mps * times
    h = np.hypot(x[:, :, None] - x[:, None, :], y[:, :, None] - y[:, None, :])
    v = np.abs(z[:, :, None] - z[:, None, :])
    return h, v


@settings(max_examples=60, deadline=None)
@given(random_traffic(max_n=14))
def test_every_verdict_matches_dense_sampling(t: TrafficArrays) -> None:
    found = detect_conflicts(t)
    h, v = sampled_distances(t, T)
    times = np.linspace(0.0, T, h.shape[0])
    tol = TOLERANCE_M
    reported = {(c.i, c.j): c for c in found}
    n = len(t)
    for i in range(n):
        for j in range(i + 1, n):
            hij, vij = h[:, i, j], v[:, i, j]
            clearly_in = (hij < H - tol) & (vij < V - tol)
            maybe_in = (hij < H + tol) & (vij < V + tol)
            c = reported.get((i, j))
            if c is None:
                assert not clearly_in.any(), (i, j)
                continue
            assert maybe_in.any(), (i, j)
            # Not clearly in conflict before t_in; never clearly out between t_in and t_out.
            assert not clearly_in[times < c.t_in_s - STEP_S].any()
            during = (times > c.t_in_s + STEP_S) & (times < min(c.t_out_s, T) - STEP_S)
            assert maybe_in[during].all()
            if c.t_out_s < T - STEP_S:
                assert not clearly_in[times > c.t_out_s + STEP_S].any()
            # The closest approach: where the sampled horizontal distance is smallest.
            assert c.d_cpa_m == pytest.approx(hij.min(), abs=tol)
            k = round(c.t_cpa_s / STEP_S)
            assert hij[k] == pytest.approx(c.d_cpa_m, abs=tol)
            assert vij[k] == pytest.approx(c.dv_cpa_m, abs=tol)
            if hij[0] < H - 1e-6 and vij[0] < V - 1e-6:
                assert c.is_loss and c.t_in_s == 0
            if hij[0] > H + 1e-6 or vij[0] > V + 1e-6:
                assert not c.is_loss


@PROPERTY
@given(st.data())
def test_order_of_the_vehicles_does_not_matter(data: st.DataObject) -> None:
    t = data.draw(random_traffic())
    perm = data.draw(st.permutations(range(len(t))))
    shuffled = TrafficArrays.from_columns(
        [t.ids[p] for p in perm],
        *(getattr(t, name)[perm] for name in ("x_m", "y_m", "alt_m", "vx_mps", "vy_mps", "vz_mps")),
    )
    back = {}
    for c in detect_conflicts(shuffled):
        i, j = sorted((perm[c.i], perm[c.j]))
        back[(i, j)] = (c.t_in_s, c.t_out_s, c.t_cpa_s, c.d_cpa_m, c.dv_cpa_m, c.is_loss)
    original = {
        (c.i, c.j): (c.t_in_s, c.t_out_s, c.t_cpa_s, c.d_cpa_m, c.dv_cpa_m, c.is_loss)
        for c in detect_conflicts(t)
    }
    assert back.keys() == original.keys()
    for key, values in original.items():
        assert back[key] == pytest.approx(values, rel=1e-9, abs=1e-9)


def test_indexed_equals_all_pairs_on_a_busy_city_snapshot() -> None:
    # 3,000 drones over 4 km × 4 km: about a thousand conflicts, some losses.
    rng = np.random.default_rng(11)
    n = 3000
    speed, track = rng.uniform(0, 20, n), rng.uniform(0, 360, n)
    t = TrafficArrays.from_tracks(
        [f"d{k}" for k in range(n)],
        UTM_X + rng.uniform(-2000, 2000, n),
        UTM_Y + rng.uniform(-2000, 2000, n),
        rng.uniform(0, 120, n),
        speed,
        track,
        rng.uniform(-3, 3, n),
    )
    found = detect_conflicts(t)
    assert len(found) > 500 and any(c.is_loss for c in found)
    assert found == detect_conflicts_all_pairs(t)


@PROPERTY
@given(
    st.one_of(random_traffic(), fast_traffic()),
    st.sampled_from([None, 80.0, 500.0]),
    st.tuples(*[st.floats(-3000, 3000)] * 2, *[st.floats(0, 3000)] * 2),
)
def test_query_finds_every_swept_box_that_meets_the_box(
    t: TrafficArrays, cell: float | None, box: tuple[float, float, float, float]
) -> None:
    index = SweptBoxIndex(t, cell_m=cell)
    x0, y0 = UTM_X + box[0], UTM_Y + box[1]
    x1, y1 = x0 + box[2], y0 + box[3]
    b = index.boxes
    expected = [
        k
        for k in range(len(t))
        if b.x0[k] <= x1 and x0 <= b.x1[k] and b.y0[k] <= y1 and y0 <= b.y1[k]
    ]
    assert index.query(x0, y0, x1, y1).tolist() == expected


def candidate_set(index: SweptBoxIndex, chunk: int) -> list[tuple[int, int]]:
    pairs = [
        (a, b)
        for i, j in index.iter_candidate_pairs(chunk)
        for a, b in zip(i.tolist(), j.tolist(), strict=True)
    ]
    assert len(pairs) == len(set(pairs))  # each pair once
    return sorted(pairs)


@PROPERTY
@given(random_traffic(), st.sampled_from([None, 60.0, 333.0]), st.integers(1, 40))
def test_chunking_does_not_change_the_candidates(
    t: TrafficArrays, cell: float | None, chunk: int
) -> None:
    index = SweptBoxIndex(t, cell_m=cell)
    assert candidate_set(index, chunk) == candidate_set(index, 1 << 15)


def test_a_crowded_vertiport() -> None:
    # 300 drones hovering within a few metres, plus one passing: every pair is a loss.
    rng = np.random.default_rng(5)
    n = 300
    states = [(*rng.uniform(-3, 3, 2), rng.uniform(0, 5), 0.0, 0.0, 0.0) for _ in range(n)]
    t = traffic(*states, (-400.0, 0.0, 2.0, 15.0, 0.0, 0.0))
    found = detect_conflicts(t)
    assert len(found) == (n + 1) * n // 2
    assert found == detect_conflicts_all_pairs(t)
