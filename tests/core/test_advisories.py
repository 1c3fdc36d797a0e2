"""Resolution advisories, each re-checked against all traffic by the all-pairs detector."""

from __future__ import annotations

import itertools
import math

import pytest

from airspace.advisories import Advisory, IsAllowed, advise, manoeuvred_traffic, resolve
from airspace.tactical import (
    PredictedConflict,
    SweptBoxIndex,
    TrafficArrays,
    detect_conflicts,
    detect_conflicts_all_pairs,
)

H, V, T = 50.0, 15.0, 30.0
ORIGIN_X, ORIGIN_Y = 700_000.0, 2_500_000.0

State = tuple[float, float, float, float, float, float]


def traffic(*states: State) -> TrafficArrays:
    x, y, z, vx, vy, vz = (list(c) for c in zip(*states, strict=True))
    return TrafficArrays.from_columns(
        [f"v{k}" for k in range(len(x))],
        [v + ORIGIN_X for v in x],
        [v + ORIGIN_Y for v in y],
        z,
        vx,
        vy,
        vz,
    )


def local(is_allowed: IsAllowed) -> IsAllowed:
    """An ``is_allowed`` written in local metres, for a predicate over the traffic's frame."""

    def shifted(x: float, y: float, z: float) -> bool:
        return is_allowed(x - ORIGIN_X, y - ORIGIN_Y, z)

    return shifted


def conflict_between(t: TrafficArrays, i: int, j: int) -> PredictedConflict:
    (c,) = [c for c in detect_conflicts(t) if (c.i, c.j) == (i, j)]
    return c


def conflicts_of(t: TrafficArrays, k: int, lookahead_s: float) -> list[PredictedConflict]:
    return [c for c in detect_conflicts_all_pairs(t, H, V, lookahead_s) if k in (c.i, c.j)]


def assert_clear(t: TrafficArrays, advisory: Advisory, *, from_s: float = 0.0) -> None:
    """Flown as advised, the vehicle meets no one from ``from_s`` to the end of the look-ahead
    (checked piece by piece, since an altitude change levels off)."""
    k = advisory.vehicle_index
    cuts = sorted(
        {from_s, T, *([advisory.level_off_s] if from_s < advisory.level_off_s < T else [])}
    )
    for start, end in itertools.pairwise(cuts):
        assert conflicts_of(manoeuvred_traffic(t, advisory, start), k, end - start) == []


# A flies east at 10 m/s, B west at 10 m/s on the same line, 500 m apart, both at 60 m:
# they meet at t = 25 s.
A = (0.0, 0.0, 60.0, 10.0, 0.0, 0.0)
B = (500.0, 0.0, 60.0, -10.0, 0.0, 0.0)


def test_head_on_is_resolved_by_the_smallest_turn_to_the_right() -> None:
    t = traffic(A, B)
    advisory = resolve(t, conflict_between(t, 0, 1), 0)
    assert advisory is not None
    assert (advisory.kind, advisory.heading_change_deg) == ("heading", 15.0)
    assert advisory.target_speed_mps == pytest.approx(10.0)
    assert math.hypot(advisory.vx_mps, advisory.vy_mps) == pytest.approx(10.0)
    assert advisory.vy_mps < 0  # heading east, a right turn goes south
    assert "right 15°" in advisory.description
    assert conflicts_of(t, 0, T)  # the conflict is real ...
    assert_clear(t, advisory)  # ... and the manoeuvre clears it against everyone


def test_the_advisory_avoids_traffic_that_is_not_part_of_the_conflict() -> None:
    # C hovers where A would be 20 s into a 15° right turn; B and C are clear of A's present
    # track (C is 52 m off it), so only the re-check against everyone can see it.
    right_15 = math.radians(105.0)
    c = (200 * math.sin(right_15), 200 * math.cos(right_15), 60.0, 0.0, 0.0, 0.0)
    t = traffic(A, B, c)
    assert [(x.i, x.j) for x in detect_conflicts(t)] == [(0, 1)]
    resolution = advise(t, conflict_between(t, 0, 1), 0)
    assert resolution.advisory is not None
    assert resolution.advisory.heading_change_deg == -15.0
    assert resolution.rejected == (
        "turn right 15° onto track 105°, keep 10.0 m/s: conflicts with v2 at 15.0 s",
    )
    assert_clear(t, resolution.advisory)


def test_a_small_forbidden_zone_on_the_new_path_is_seen() -> None:
    # A no-fly disc of 2 m radius on the 15° right turn's path, 125 m along it: between two
    # samples a second apart (10 m), but not between samples 5 m apart.
    right_15 = math.radians(105.0)
    zx, zy = 125 * math.sin(right_15), 125 * math.cos(right_15)
    t = traffic(A, B)
    advisory = resolve(
        t,
        conflict_between(t, 0, 1),
        0,
        is_allowed=local(lambda x, y, z: math.hypot(x - zx, y - zy) > 2),
    )
    assert advisory is not None and advisory.heading_change_deg == -15.0


def test_no_lateral_room_gives_a_climb() -> None:
    # A corridor 10 m wide either side of the track: every turn leaves it.
    corridor = local(lambda x, y, z: abs(y) <= 10)
    t = traffic(A, B)
    resolution = advise(t, conflict_between(t, 0, 1), 0, is_allowed=corridor)
    advisory = resolution.advisory
    assert advisory is not None and advisory.kind == "altitude"
    assert len(resolution.rejected) == 10
    assert all("leaves the allowed airspace" in r for r in resolution.rejected)
    # Climb and descent are the same size: the climb first, to 15 + 5 m above B.
    assert advisory.target_alt_m == pytest.approx(80.0)
    assert advisory.vz_mps == pytest.approx(3.0)
    assert advisory.level_off_s == pytest.approx(20 / 3)
    assert "climb to 80 m" in advisory.description
    assert_clear(t, advisory)
    level = manoeuvred_traffic(t, advisory, 29.0)
    assert level.alt_m[0] == pytest.approx(80.0) and level.vz_mps[0] == 0.0


def test_traffic_met_after_levelling_off_rules_a_climb_out() -> None:
    # D hovers at 80 m where A will be at t = 20 s: clear of A's level flight (20 m above it),
    # but in the way once A has climbed to 80 m (level at 6.7 s).
    corridor = local(lambda x, y, z: abs(y) <= 10)
    t = traffic(A, B, (200.0, 0.0, 80.0, 0.0, 0.0, 0.0))
    assert [(c.i, c.j) for c in detect_conflicts(t)] == [(0, 1)]
    resolution = advise(t, conflict_between(t, 0, 1), 0, is_allowed=corridor)
    advisory = resolution.advisory
    assert advisory is not None and advisory.target_alt_m == pytest.approx(40.0)
    assert resolution.rejected[-1].startswith("climb to 80 m")
    assert "conflicts with v2" in resolution.rejected[-1]
    assert_clear(t, advisory)


def test_no_climb_allowed_gives_a_descent() -> None:
    below = local(lambda x, y, z: abs(y) <= 10 and z <= 61)
    t = traffic(A, B)
    advisory = resolve(t, conflict_between(t, 0, 1), 0, is_allowed=below)
    assert advisory is not None and advisory.kind == "altitude"
    assert advisory.target_alt_m == pytest.approx(40.0) and advisory.vz_mps == pytest.approx(-3.0)
    assert_clear(t, advisory)


def test_no_turn_and_no_altitude_change_gives_a_speed_change() -> None:
    # A crossing: A and B would both reach the origin at t = 20 s. At half speed A reaches it
    # at 40 s and B is then long gone (closest 89 m at t = 24 s).
    a = (-200.0, 0.0, 60.0, 10.0, 0.0, 0.0)
    b = (0.0, -200.0, 60.0, 0.0, 10.0, 0.0)
    level_corridor = local(lambda x, y, z: abs(y) <= 10 and 59 <= z <= 61)
    t = traffic(a, b)
    resolution = advise(t, conflict_between(t, 0, 1), 0, is_allowed=level_corridor)
    advisory = resolution.advisory
    assert advisory is not None and advisory.kind == "speed"
    assert advisory.target_speed_mps == pytest.approx(5.0)
    assert (advisory.vx_mps, advisory.vy_mps) == pytest.approx((5.0, 0.0))
    assert len(resolution.rejected) == 12  # ten turns, a climb, a descent
    assert_clear(t, advisory)


def test_boxed_in_gives_none_with_reasons() -> None:
    # Head-on 300 m apart in a level corridor: no turn, no altitude change, and even hovering
    # leaves B arriving within 50 m at t = 25 s.
    b = (300.0, 0.0, 60.0, -10.0, 0.0, 0.0)
    level_corridor = local(lambda x, y, z: abs(y) <= 10 and 59 <= z <= 61)
    t = traffic(A, b)
    conflict = conflict_between(t, 0, 1)
    assert resolve(t, conflict, 0, is_allowed=level_corridor) is None
    resolution = advise(t, conflict, 0, is_allowed=level_corridor)
    assert resolution.advisory is None
    assert "none of 15 manoeuvres" in resolution.reason
    assert all("conflicts with v1" in r for r in resolution.rejected[-3:])  # speed changes


def test_a_loss_of_separation_must_end_soon() -> None:
    # A is 30 m behind B, which hovers at its altitude: already a loss.
    a = (0.0, 0.0, 60.0, 10.0, 0.0, 0.0)
    b = (30.0, 0.0, 60.0, 0.0, 0.0, 0.0)
    t = traffic(a, b)
    conflict = conflict_between(t, 0, 1)
    assert conflict.is_loss
    resolution = advise(t, conflict, 0, loss_exit_s=5.0)
    advisory = resolution.advisory
    assert advisory is not None
    # Turns short of 90° keep A within 50 m of B for more than 5 s.
    assert (advisory.kind, abs(advisory.heading_change_deg)) == ("heading", 90.0)
    assert all("does not end the loss" in r for r in resolution.rejected)
    assert_clear(t, advisory, from_s=5.0)


def test_a_hovering_vehicle_can_only_change_altitude() -> None:
    a = (0.0, 0.0, 60.0, 0.0, 0.0, 0.0)
    b = (300.0, 0.0, 60.0, -10.0, 0.0, 0.0)
    t = traffic(a, b)
    advisory = resolve(t, conflict_between(t, 0, 1), 0)
    assert advisory is not None and advisory.kind == "altitude"
    assert_clear(t, advisory)


def test_the_yielding_vehicle_must_be_in_the_conflict() -> None:
    t = traffic(A, B, (5000.0, 0.0, 60.0, 0.0, 0.0, 0.0))
    with pytest.raises(ValueError):
        resolve(t, conflict_between(t, 0, 1), 2)


def test_a_prebuilt_index_gives_the_same_advice() -> None:
    t = traffic(A, B, (100.0, -30.0, 60.0, 0.0, 0.0, 0.0))
    index = SweptBoxIndex(t, H, V, T)
    conflict = conflict_between(t, 0, 1)
    assert resolve(t, conflict, 1, index=index) == resolve(t, conflict, 1)


def test_never_advised_into_the_ground() -> None:
    # A at 5 m, B at 15 m: descending to 15 - 20 = -5 m would be the smaller change.
    a = (0.0, 0.0, 5.0, 0.0, 0.0, 0.0)
    b = (300.0, 0.0, 15.0, -10.0, 0.0, 0.0)
    t = traffic(a, b)
    advisory = resolve(t, conflict_between(t, 0, 1), 0)
    assert advisory is not None and advisory.kind == "altitude"
    assert advisory.target_alt_m == pytest.approx(35.0)
    assert_clear(t, advisory)
