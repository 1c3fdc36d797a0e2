"""Strategic deconfliction is complete and precise: properties checked against the brute force.

The exact verdict of ``Deconflictor.conflicts`` must agree with the independent checker in
``tests/bruteforce.py`` everywhere but a band of ``BAND_M`` around the separation minima (where
the checker's dense sampling is not exact), its index must never hide a conflict, booking plans
one by one must never accept two plans in conflict, and every reported conflict must be real.

Every plan gets a fresh id before it meets the deconflictor, so that no test depends on what
the deconflictor remembers about ids; ``test_verdict_depends_only_on_the_plans_given`` checks
that memory separately.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airspace.deconfliction import Deconflictor
from airspace.model import Conflict, FlightPlan, NavigationTolerance
from tests.bruteforce import conflicts, find_conflicting_pairs, position_at
from tests.strategies import (
    CONFIG,
    PROJECTION,
    T0,
    Case,
    corner_cases,
    crossing_at_shared_waypoint,
    h3_edge_cases,
    layer_edge_cases,
    plan_lists,
    plan_pairs,
    plans,
    trajectory,
    volume_gap_cases,
    window_edge_cases,
    with_id,
)

BAND_M = 0.5
"""Half-width of the band round the minima where the checker cannot judge the core."""
TIME_SLACK_S = 0.05
"""How far from a reported conflict time the checker looks for it."""

DECONFLICTOR = Deconflictor(CONFIG)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AGREE = settings(FAST, max_examples=400)
"""More examples where the band round the minima must be hit to find a fault."""
HARD = settings(max_examples=100, deadline=None)
_ids = itertools.count()


def fresh(*plans: FlightPlan) -> list[FlightPlan]:
    """The plans under ids never used before (their old id kept as a prefix)."""
    return [with_id(p, f"{p.flight_plan_id}#{next(_ids)}") for p in plans]


def limits(a: FlightPlan, b: FlightPlan) -> tuple[float, float]:
    h = CONFIG.horizontal_separation_m + (a.tolerance.horizontal_m + b.tolerance.horizontal_m)
    v = CONFIG.vertical_separation_m + (a.tolerance.vertical_m + b.tolerance.vertical_m)
    return h, v


def describe(*plans: FlightPlan) -> str:
    return "\n".join(repr(p) for p in plans)


def assert_agrees_with_bruteforce(a: FlightPlan, b: FlightPlan) -> list[Conflict]:
    """Complete (a sure conflict is found) and precise (what is found is at least nearly one)."""
    found = DECONFLICTOR.conflicts(a, [b])
    context = describe(a, b)
    if found:
        assert conflicts(a, b, CONFIG, margin_m=-BAND_M), f"not a conflict: {found}\n{context}"
    else:
        assert not conflicts(a, b, CONFIG, margin_m=BAND_M), f"missed conflict\n{context}"
    return found


def assert_report_is_true(a: FlightPlan, b: FlightPlan, conflict: Conflict) -> None:
    """The conflict names b, happens when reported, not earlier, and describes a violation."""
    h_limit, v_limit = limits(a, b)
    t = conflict.time_s
    context = f"{conflict}\n" + describe(a, b)
    assert conflict.flight_plan_id == b.flight_plan_id, context
    assert conflict.priority == b.priority, context
    for plan in (a, b):
        window = plan.time_window
        assert window.start_s - 1e-6 <= t <= window.end_s + 1e-6, context
    near = (t - TIME_SLACK_S, t + TIME_SLACK_S)
    assert conflicts(a, b, CONFIG, margin_m=-BAND_M, during=near), "none then: " + context
    before = (-math.inf, t - TIME_SLACK_S)
    assert not conflicts(a, b, CONFIG, margin_m=BAND_M, during=before), "earlier: " + context
    assert 0.0 <= conflict.horizontal_separation_m < h_limit + BAND_M, context
    assert 0.0 <= conflict.vertical_separation_m < v_limit + BAND_M, context
    if a.is_trajectory:
        x, y, z = position_at(a, CONFIG, t)
        rx, ry = PROJECTION.to_xy(conflict.position.lat, conflict.position.lon)
        assert math.hypot(rx - x, ry - y) < 1e-3, "position: " + context
        assert conflict.altitude_m == pytest.approx(z, abs=1e-3), "altitude: " + context


def assert_index_finds(a: FlightPlan, b: FlightPlan) -> None:
    shared = set(DECONFLICTOR.reservation_keys(a)) & set(DECONFLICTOR.reservation_keys(b))
    assert shared, "conflicting plans share no index key\n" + describe(a, b)


# --------------------------------------------------------------------------------------------
# Random pairs


@AGREE
@given(plan_pairs())
def test_verdict_agrees_with_bruteforce(pair: tuple[FlightPlan, FlightPlan]) -> None:
    a, b = fresh(*pair)
    assert_agrees_with_bruteforce(a, b)


@FAST
@given(plan_pairs())
def test_verdict_is_symmetric(pair: tuple[FlightPlan, FlightPlan]) -> None:
    a, b = fresh(*pair)
    ab, ba = DECONFLICTOR.conflicts(a, [b]), DECONFLICTOR.conflicts(b, [a])
    assert bool(ab) is bool(ba), f"{ab} vs {ba}\n" + describe(a, b)


@FAST
@given(plan_pairs())
def test_index_never_hides_a_conflict(pair: tuple[FlightPlan, FlightPlan]) -> None:
    a, b = fresh(*pair)
    if DECONFLICTOR.conflicts(a, [b]):
        assert_index_finds(a, b)


@FAST
@given(plan_pairs())
def test_reported_conflicts_are_true(pair: tuple[FlightPlan, FlightPlan]) -> None:
    a, b = fresh(*pair)
    for conflict in DECONFLICTOR.conflicts(a, [b]):
        assert_report_is_true(a, b, conflict)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans("x"), st.lists(plans("o"), min_size=1, max_size=8))
def test_one_conflict_per_conflicting_plan(plan: FlightPlan, others: list[FlightPlan]) -> None:
    """Against many plans at once: each conflicting plan named once, earliest first."""
    plan, *others = fresh(plan, *others)
    found = DECONFLICTOR.conflicts(plan, others)
    named = [c.flight_plan_id for c in found]
    one_by_one = [o.flight_plan_id for o in others if DECONFLICTOR.conflicts(plan, [o])]
    assert len(named) == len(set(named)), found
    assert set(named) == set(one_by_one), found
    assert [c.time_s for c in found] == sorted(c.time_s for c in found), found


# --------------------------------------------------------------------------------------------
# Booking plans one after another


@dataclass
class Booking:
    """The outcome of booking plans in order through the index and the exact verdict."""

    accepted: list[FlightPlan] = field(default_factory=list)
    rejected: list[tuple[FlightPlan, list[Conflict]]] = field(default_factory=list)

    def by_id(self) -> dict[str, FlightPlan]:
        return {p.flight_plan_id: p for p in self.accepted}


def book_in_order(deconflictor: Deconflictor, plans: Iterable[FlightPlan]) -> Booking:
    """Accept each plan iff it conflicts with no accepted plan that shares an index key."""
    index: dict[Hashable, list[FlightPlan]] = defaultdict(list)
    booking = Booking()
    for plan in plans:
        keys = deconflictor.reservation_keys(plan)
        candidates = {p.flight_plan_id: p for key in keys for p in index.get(key, ())}
        found = deconflictor.conflicts(plan, candidates.values())
        if found:
            booking.rejected.append((plan, found))
            continue
        booking.accepted.append(plan)
        for key in keys:
            index[key].append(plan)
    return booking


def assert_booking_sound(booking: Booking) -> None:
    """No two accepted plans conflict; every rejection names only real conflicts."""
    accepted = booking.by_id()
    clashes = find_conflicting_pairs(booking.accepted, CONFIG, margin_m=1e-6)
    assert not clashes, f"accepted plans in conflict: {clashes}\n" + describe(
        *(accepted[i] for pair in clashes[:1] for i in pair)
    )
    for plan, found in booking.rejected:
        assert found
        for conflict in found:
            assert conflict.flight_plan_id in accepted, f"not a booked plan: {conflict}"
            other = accepted[conflict.flight_plan_id]
            assert conflicts(plan, other, CONFIG, margin_m=-BAND_M), (
                f"rejected for a conflict that is none: {conflict}\n" + describe(plan, other)
            )


BOOKING = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@BOOKING
@given(plan_lists(min_size=20, max_size=60))
def test_sequential_booking_accepts_no_conflict(items: list[FlightPlan]) -> None:
    """80 lists of 20–60 plans (about 3,000 plans) booked through the index."""
    assert_booking_sound(book_in_order(DECONFLICTOR, fresh(*items)))


@pytest.mark.slow
@settings(BOOKING, max_examples=220)
@given(plan_lists(min_size=20, max_size=60))
def test_sequential_booking_accepts_no_conflict_long_run(items: list[FlightPlan]) -> None:
    """220 more lists (about 9,000 plans; some 45 s)."""
    assert_booking_sound(book_in_order(DECONFLICTOR, fresh(*items)))


# --------------------------------------------------------------------------------------------
# Hard cases: the verdict is known by construction


def check_case(case: Case) -> None:
    """The core's verdict is the constructed one both ways round; conflicts are indexed and
    reported truthfully."""
    a, b = fresh(case.a, case.b)
    context = f"{case.note}\n" + describe(a, b)
    ab, ba = DECONFLICTOR.conflicts(a, [b]), DECONFLICTOR.conflicts(b, [a])
    assert bool(ab) is case.expected, f"a vs b: expected {case.expected}, got {ab}\n{context}"
    assert bool(ba) is case.expected, f"b vs a: expected {case.expected}, got {ba}\n{context}"
    if case.expected:
        assert_index_finds(a, b)
        assert_report_is_true(a, b, ab[0])
        assert_report_is_true(b, a, ba[0])


@HARD
@given(crossing_at_shared_waypoint())
def test_crossing_at_a_shared_waypoint_in_the_same_second(case: Case) -> None:
    check_case(case)


@HARD
@given(corner_cases())
def test_volume_corners_just_inside_and_outside_the_minimum(case: Case) -> None:
    check_case(case)


@HARD
@given(window_edge_cases())
def test_plans_touching_only_at_the_edge_of_their_time_windows(case: Case) -> None:
    check_case(case)


@HARD
@given(volume_gap_cases())
def test_volumes_just_inside_and_outside_the_minima(case: Case) -> None:
    check_case(case)


@HARD
@given(h3_edge_cases())
def test_paths_on_either_side_of_an_index_cell_edge(case: Case) -> None:
    check_case(case)


@HARD
@given(layer_edge_cases())
def test_plans_on_either_side_of_an_altitude_layer_boundary(case: Case) -> None:
    check_case(case)


# --------------------------------------------------------------------------------------------
# The deconflictor as a function of its arguments


def test_verdict_is_symmetric_at_the_boundary() -> None:
    """One track, b exactly one vertical limit above a: (15 + ta) + tb and (15 + tb) + ta differ
    in the last bit, so summing the tolerances in the order of the call breaks symmetry."""
    ta, tb = 7.107456853181992, 9.048692866810004
    assert (15.0 + ta) + tb != (15.0 + tb) + ta
    for dz in ((15.0 + ta) + tb, (15.0 + tb) + ta):
        a = trajectory("a", [(0, 0, 30.0, T0), (300, 0, 30.0, T0 + 30)], NavigationTolerance(0, ta))
        b = trajectory(
            "b", [(0, 0, 30.0 + dz, T0), (300, 0, 30.0 + dz, T0 + 30)], NavigationTolerance(0, tb)
        )
        a, b = fresh(a, b)
        ab, ba = DECONFLICTOR.conflicts(a, [b]), DECONFLICTOR.conflicts(b, [a])
        assert bool(ab) is bool(ba), f"dz = {dz!r}: a vs b {ab}, b vs a {ba}"


def test_verdict_depends_only_on_the_plans_given() -> None:
    """Two different plans under one id, one after the other: each judged by its own geometry."""
    deconflictor = Deconflictor(CONFIG)
    a = trajectory("a", [(-500.0, 0.0, 50.0, T0), (500.0, 0.0, 50.0, T0 + 100)])
    far = trajectory("b", [(-500.0, 500.0, 50.0, T0), (500.0, 500.0, 50.0, T0 + 100)])
    near = trajectory("b", [(-500.0, 10.0, 50.0, T0), (500.0, 10.0, 50.0, T0 + 100)])
    assert not deconflictor.conflicts(a, [far])
    assert deconflictor.conflicts(a, [near]), "judged by the first plan seen under id 'b'"
    assert deconflictor.reservation_keys(near) == Deconflictor(CONFIG).reservation_keys(near)
