"""The brute-force checker on cases computed by hand, and its search against a plain full scan."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airspace.model import FlightPlan, NavigationTolerance
from tests.bruteforce import (
    conflicts,
    dense_min_separation,
    find_conflicting_pairs,
    find_conflicting_pairs_naive,
    min_separation,
)
from tests.strategies import (
    CONFIG,
    T0,
    Case,
    circle,
    corner_cases,
    crossing_at_shared_waypoint,
    h3_edge_cases,
    layer_edge_cases,
    plan_pairs,
    plans,
    polygon,
    trajectory,
    volume,
    volume_gap_cases,
    volume_plan,
    window_edge_cases,
    with_id,
)


def east(plan_id: str, y: float, z: float, x0: float = -500.0, speed: float = 10.0) -> FlightPlan:
    """A trajectory flying east along y from x0 to -x0, starting at T0."""
    return trajectory(plan_id, [(x0, y, z, T0), (-x0, y, z, T0 + 2 * abs(x0) / speed)])


def test_head_on_at_same_altitude_conflicts_at_the_meeting_time() -> None:
    a = east("a", 0.0, 50.0)
    b = trajectory("b", [(500.0, 0.0, 50.0, T0), (-500.0, 0.0, 50.0, T0 + 100)])
    assert conflicts(a, b, CONFIG)
    sample = min_separation(a, b, CONFIG)
    assert sample is not None
    assert sample.time_s == pytest.approx(T0 + 50, abs=0.05)
    assert sample.horizontal_m < 1.0
    assert sample.vertical_m == pytest.approx(0.0)


@pytest.mark.parametrize(("delay", "expected"), [(4.0, True), (5.1, False), (10.0, False)])
def test_in_trail_on_the_same_route(delay: float, expected: bool) -> None:
    """b flies a's route at 10 m/s, ``delay`` s behind: 10 * delay metres apart."""
    a = east("a", 0.0, 50.0)
    assert conflicts(a, a.shifted(delay), CONFIG) is expected


@pytest.mark.parametrize(("offset", "expected"), [(60.0, False), (50.001, False), (49.999, True)])
def test_parallel_tracks(offset: float, expected: bool) -> None:
    assert conflicts(east("a", 0.0, 40.0), east("b", offset, 40.0), CONFIG) is expected


@pytest.mark.parametrize(
    ("dz", "expected"), [(20.0, False), (15.001, False), (14.999, True), (10.0, True)]
)
def test_parallel_40_m_apart_with_vertical_offset(dz: float, expected: bool) -> None:
    assert conflicts(east("a", 0.0, 40.0), east("b", 40.0, 40.0 + dz), CONFIG) is expected


def test_min_separation_reports_distances_and_limits() -> None:
    sample = min_separation(east("a", 0.0, 40.0), east("b", 40.0, 60.0), CONFIG)
    assert sample is not None
    assert sample.horizontal_m == pytest.approx(40.0)
    assert sample.vertical_m == pytest.approx(20.0)
    assert (sample.horizontal_limit_m, sample.vertical_limit_m) == (50.0, 15.0)
    assert sample.excess_m == pytest.approx(5.0)


def test_plans_that_never_coexist_have_no_sample() -> None:
    a = east("a", 0.0, 40.0)
    b = east("b", 0.0, 40.0).shifted(100.001)
    assert min_separation(a, b, CONFIG) is None
    assert not conflicts(a, b, CONFIG, margin_m=-1000.0)


@pytest.mark.parametrize(("delay", "expected"), [(0.0, True), (0.001, False)])
def test_shared_instant_at_the_edge_of_time_windows(delay: float, expected: bool) -> None:
    """a lands at (500, 0) at T0 + 100; b takes off there at T0 + 100 (+ delay)."""
    a = east("a", 0.0, 30.0)
    t = T0 + 100 + delay
    b = trajectory("b", [(500.0, 0.0, 30.0, t), (500.0, 500.0, 30.0, t + 50)])
    assert conflicts(a, b, CONFIG) is expected
    if expected:
        sample = min_separation(a, b, CONFIG)
        assert sample is not None and sample.time_s == T0 + 100


@pytest.mark.parametrize(("delay", "expected"), [(0.0, True), (0.001, False)])
def test_volume_windows_touching_at_one_instant(delay: float, expected: bool) -> None:
    a = volume_plan("a", [volume(circle(0, 0, 20), 0, 40, T0, T0 + 60)])
    b = volume_plan("b", [volume(circle(0, 0, 20), 0, 40, T0 + 60 + delay, T0 + 120)])
    assert conflicts(a, b, CONFIG) is expected


SQUARE = polygon([(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0)])


@pytest.mark.parametrize(("distance", "expected"), [(49.0, True), (51.0, False)])
def test_trajectory_passing_a_polygon_edge(distance: float, expected: bool) -> None:
    zone = volume_plan("zone", [volume(SQUARE, 20.0, 60.0, T0, T0 + 600)])
    y = 100.0 + distance
    path = trajectory("path", [(-300.0, y, 30.0, T0 + 10), (400.0, y, 30.0, T0 + 80)])
    assert conflicts(zone, path, CONFIG) is expected
    assert conflicts(path, zone, CONFIG) is expected


@pytest.mark.parametrize(("altitude", "expected"), [(74.0, True), (76.0, False), (5.5, True)])
def test_trajectory_over_a_polygon_against_its_band(altitude: float, expected: bool) -> None:
    zone = volume_plan("zone", [volume(SQUARE, 20.0, 60.0, T0, T0 + 600)])
    path = trajectory("path", [(50.0, -200.0, altitude, T0), (50.0, 300.0, altitude, T0 + 50)])
    assert conflicts(zone, path, CONFIG) is expected


def test_trajectory_inside_a_polygon_is_at_distance_zero() -> None:
    zone = volume_plan("zone", [volume(SQUARE, 20.0, 60.0, T0, T0 + 600)])
    path = trajectory("path", [(20.0, 20.0, 40.0, T0 + 5), (80.0, 80.0, 40.0, T0 + 15)])
    sample = min_separation(zone, path, CONFIG)
    assert sample is not None
    assert (sample.horizontal_m, sample.vertical_m) == (0.0, 0.0)


def test_polygon_volume_outside_the_trajectory_window_is_ignored() -> None:
    zone = volume_plan("zone", [volume(SQUARE, 0.0, 120.0, T0 + 100, T0 + 200)])
    path = trajectory("path", [(50.0, 50.0, 40.0, T0), (50.0, 50.0, 40.0, T0 + 99.9)])
    assert not conflicts(zone, path, CONFIG)


@pytest.mark.parametrize(("gap", "expected"), [(49.0, True), (51.0, False)])
def test_circles(gap: float, expected: bool) -> None:
    a = volume_plan("a", [volume(circle(0, 0, 30), 0, 50, T0, T0 + 60)])
    b = volume_plan("b", [volume(circle(30 + 20 + gap, 0, 20), 40, 80, T0 + 30, T0 + 90)])
    assert conflicts(a, b, CONFIG) is expected


@pytest.mark.parametrize(("distance", "expected"), [(79.0, True), (81.0, False)])
def test_trajectory_past_a_circle(distance: float, expected: bool) -> None:
    a = volume_plan("a", [volume(circle(0, 0, 30), 0, 50, T0, T0 + 60)])
    path = trajectory("p", [(-100.0, distance, 30.0, T0 + 20), (100.0, distance, 30.0, T0 + 40)])
    assert conflicts(a, path, CONFIG) is expected


@pytest.mark.parametrize(("gap", "expected"), [(49.0, True), (51.0, False)])
def test_polygon_and_circle(gap: float, expected: bool) -> None:
    """The circle faces the square's corner (100, 100) along the diagonal."""
    d = 100.0 + (gap + 10.0) / math.sqrt(2)
    a = volume_plan("a", [volume(SQUARE, 0, 50, T0, T0 + 60)])
    b = volume_plan("b", [volume(circle(d, d, 10), 0, 50, T0, T0 + 60)])
    assert conflicts(a, b, CONFIG) is expected
    assert conflicts(b, a, CONFIG) is expected


@pytest.mark.parametrize(("gap", "expected"), [(49.0, True), (51.0, False), (-30.0, True)])
def test_polygons(gap: float, expected: bool) -> None:
    other = polygon([(100 + gap, 40), (300, 40), (300, 60), (100 + gap, 60)])
    a = volume_plan("a", [volume(SQUARE, 0, 50, T0, T0 + 60)])
    b = volume_plan("b", [volume(other, 0, 50, T0, T0 + 60)])
    assert conflicts(a, b, CONFIG) is expected


def test_polygon_nested_in_another_is_at_distance_zero() -> None:
    inner = polygon([(40.0, 40.0), (60.0, 40.0), (50.0, 60.0)])
    a = volume_plan("a", [volume(SQUARE, 0, 50, T0, T0 + 60)])
    b = volume_plan("b", [volume(inner, 0, 50, T0, T0 + 60)])
    for x, y in ((a, b), (b, a)):
        sample = min_separation(x, y, CONFIG)
        assert sample is not None and sample.horizontal_m == 0.0


@pytest.mark.parametrize(("dz", "expected"), [(14.0, True), (16.0, False)])
def test_volume_bands(dz: float, expected: bool) -> None:
    a = volume_plan("a", [volume(SQUARE, 10, 30, T0, T0 + 60)])
    b = volume_plan("b", [volume(SQUARE, 30 + dz, 80, T0, T0 + 60)])
    assert conflicts(a, b, CONFIG) is expected


def test_only_volumes_active_at_the_same_time_count() -> None:
    a = volume_plan(
        "a",
        [
            volume(SQUARE, 0, 50, T0, T0 + 60),
            volume(circle(1000, 0, 10), 0, 50, T0 + 100, T0 + 160),
        ],
    )
    b = volume_plan("b", [volume(SQUARE, 0, 50, T0 + 100, T0 + 160)])
    assert not conflicts(a, b, CONFIG)
    c = volume_plan("c", [volume(circle(1030, 0, 10), 0, 50, T0 + 150, T0 + 300)])
    assert conflicts(a, c, CONFIG)


def test_tolerances_widen_both_minima() -> None:
    a, b = east("a", 0.0, 40.0), east("b", 60.0, 58.0)  # 60 m apart, 18 m up
    assert not conflicts(a, b, CONFIG)
    wide = NavigationTolerance(horizontal_m=6.0, vertical_m=2.0)
    assert not conflicts(a, replace(b, tolerance=wide), CONFIG)  # H = 56, V = 17
    a, b = replace(a, tolerance=wide), replace(b, tolerance=wide)
    assert conflicts(a, b, CONFIG)  # H = 62 > 60, V = 19 > 18
    sample = min_separation(a, b, CONFIG)
    assert sample is not None
    assert (sample.horizontal_limit_m, sample.vertical_limit_m) == (62.0, 19.0)


def test_a_wide_horizontal_tolerance_alone_is_not_enough() -> None:
    a, b = east("a", 0.0, 40.0), east("b", 60.0, 58.0)
    assert not conflicts(a, replace(b, tolerance=NavigationTolerance(horizontal_m=20.0)), CONFIG)


@pytest.mark.parametrize("margin", [-0.5, -0.1, 0.0, 0.1, 0.5])
def test_margin_moves_the_boundary(margin: float) -> None:
    """d m apart at one altitude: a conflict with margin m iff d < 50 - m."""
    a = east("a", 0.0, 40.0)
    assert conflicts(a, east("b", 49.8, 40.0), CONFIG, margin_m=margin) is (margin < 0.2)
    assert conflicts(a, east("b", 50.2, 40.0), CONFIG, margin_m=margin) is (margin < -0.2)


@pytest.mark.parametrize("crossing_s", [12.345, 12.3625, 20.0123])
def test_a_conflict_between_waypoints_is_found_by_dense_sampling(crossing_s: float) -> None:
    """Two paths crossing at 30 m/s each, with no waypoint near the crossing time: the grid
    comes within MAX_DRIFT_M (0.2 m) of the moment they meet."""
    run = 30.0 * crossing_s
    a = trajectory("a", [(-run, 0.0, 50.0, T0), (1000.0 - run, 0.0, 50.0, T0 + 1000 / 30)])
    b = trajectory("b", [(0.0, run, 50.0, T0), (0.0, run - 1000.0, 50.0, T0 + 1000 / 30)])
    sample = min_separation(a, b, CONFIG)
    assert sample is not None
    assert sample.horizontal_m < 0.2
    assert sample.time_s == pytest.approx(T0 + crossing_s, abs=0.01)


@pytest.mark.parametrize("gap", [49.99, 49.9])
def test_an_instant_of_conflict_at_a_turn_is_found(gap: float) -> None:
    """a flies at 30 m/s straight at b, turns back at a waypoint ``gap`` from b, off the grid."""
    turn_s = T0 + 10.00613
    a = trajectory(
        "a",
        [
            (-300.0, 0.0, 40.0, turn_s - 10),
            (-gap, 0.0, 40.0, turn_s),
            (-300.0, 0.0, 40.0, turn_s + 9),
        ],
    )
    b = trajectory("b", [(0.0, 0.0, 40.0, T0), (0.0, 0.0, 40.0, T0 + 60)])
    assert conflicts(a, b, CONFIG)
    sample = min_separation(a, b, CONFIG)
    assert sample is not None and sample.time_s == turn_s


def test_exactly_at_the_minima_is_no_conflict() -> None:
    """Both inequalities are strict: 15 m apart vertically (exact in binary) is separated."""
    a = volume_plan("a", [volume(SQUARE, 10.0, 30.0, T0, T0 + 60)])
    b = volume_plan("b", [volume(SQUARE, 45.0, 80.0, T0, T0 + 60)])
    assert not conflicts(a, b, CONFIG)
    low = trajectory("low", [(0.0, 0.0, 20.0, T0), (100.0, 0.0, 20.0, T0 + 10)])
    high = trajectory("high", [(0.0, 0.0, 35.0, T0), (100.0, 0.0, 35.0, T0 + 10)])
    assert not conflicts(low, high, CONFIG)
    assert conflicts(low, high, CONFIG, margin_m=-1e-9)


def test_circle_inside_a_polygon_is_at_distance_zero() -> None:
    """Far from every edge of a 400 m square: only the containment check makes it touch."""
    big = polygon([(-200.0, -200.0), (200.0, -200.0), (200.0, 200.0), (-200.0, 200.0)])
    a = volume_plan("a", [volume(big, 0.0, 50.0, T0, T0 + 60)])
    b = volume_plan("b", [volume(circle(0.0, 0.0, 5.0), 0.0, 50.0, T0, T0 + 60)])
    for x, y in ((a, b), (b, a)):
        sample = min_separation(x, y, CONFIG)
        assert sample is not None and sample.horizontal_m == 0.0


def test_during_limits_the_search() -> None:
    a = east("a", 0.0, 50.0)
    b = trajectory("b", [(500.0, 0.0, 50.0, T0), (-500.0, 0.0, 50.0, T0 + 100)])
    assert conflicts(a, b, CONFIG, during=(T0 + 49, T0 + 51))
    assert not conflicts(a, b, CONFIG, during=(T0, T0 + 45))
    sample = min_separation(a, b, CONFIG, during=(T0 + 10, T0 + 10))
    assert sample is not None and sample.time_s == T0 + 10
    assert sample.horizontal_m == pytest.approx(800.0)


@pytest.mark.parametrize(
    "strategy",
    [
        crossing_at_shared_waypoint(),
        corner_cases(),
        window_edge_cases(),
        volume_gap_cases(),
        h3_edge_cases(),
        layer_edge_cases(),
    ],
    ids=["crossing", "corner", "window-edge", "volume-gap", "h3-edge", "layer-edge"],
)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_hard_case_constructions_match_the_checker(
    strategy: st.SearchStrategy[Case], data: st.DataObject
) -> None:
    """The verdict each hard case claims by construction is the checker's, both ways round."""
    case: Case = data.draw(strategy)
    assert conflicts(case.a, case.b, CONFIG) is case.expected, case.note
    assert conflicts(case.b, case.a, CONFIG) is case.expected, case.note


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan_pairs())
def test_pruned_search_equals_the_full_grid(pair: tuple[FlightPlan, FlightPlan]) -> None:
    a, b = pair
    pruned, full = min_separation(a, b, CONFIG), dense_min_separation(a, b, CONFIG)
    assert (pruned is None) is (full is None)
    if pruned is not None and full is not None:
        assert pruned.excess_m == pytest.approx(full.excess_m, abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(plan_pairs(), st.sampled_from([-0.5, 0.0, 1e-6, 0.5]))
def test_conflicts_agrees_with_min_separation(
    pair: tuple[FlightPlan, FlightPlan], margin: float
) -> None:
    a, b = pair
    sample = min_separation(a, b, CONFIG)
    expected = sample is not None and sample.violates(margin)
    assert conflicts(a, b, CONFIG, margin) is expected
    assert conflicts(b, a, CONFIG, margin) is expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(plans(), min_size=2, max_size=25))
def test_prefilter_loses_no_pair(items: list[FlightPlan]) -> None:
    unique = [with_id(p, f"p{i}") for i, p in enumerate(items)]
    assert find_conflicting_pairs(unique, CONFIG) == find_conflicting_pairs_naive(unique, CONFIG)
