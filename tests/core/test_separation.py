"""Exact separation on hand-computed geometry (metres, seconds)."""

from __future__ import annotations

import math

import pytest
import shapely

from airspace.footprint import Footprint, MetricShape, MetricVolume, Track
from airspace.model import Priority
from airspace.separation import first_encounter, linear_below, quadratic_below

H, V = 50.0, 15.0


def track(*points: tuple[float, float, float, float]) -> Footprint:
    """A footprint from (t, x, y, z) points."""
    t, x, y, z = zip(*points, strict=True)
    return Footprint(
        "t",
        Priority.COMMERCIAL,
        0,
        0,
        Track(t, x, y, z),
        (),
        t[0],
        t[-1],
        (min(x), min(y), max(x), max(y)),
    )


def volume(shape: MetricShape, lower: float, upper: float, start: float, end: float) -> Footprint:
    v = MetricVolume(shape, lower, upper, start, end)
    return Footprint("v", Priority.COMMERCIAL, 0, 0, None, (v,), start, end, shape.bounds)


def square(x0: float, y0: float, side: float) -> MetricShape:
    return MetricShape(shapely.box(x0, y0, x0 + side, y0 + side), 0.0)


def test_intervals() -> None:
    assert linear_below(0, 0, 1) == (-math.inf, math.inf)
    assert linear_below(2, 0, 1) is None
    assert linear_below(-10, 1, 1) == (9, 11)
    assert quadratic_below(-100, 0, 10, 0, 50) == pytest.approx((5, 15))
    assert quadratic_below(0, 50, 10, 0, 50) is None  # grazes the circle: never strictly inside


def test_head_on_meeting_is_found_at_the_first_moment() -> None:
    a = track((0, 0, 0, 60), (100, 1000, 0, 60))
    b = track((0, 1000, 0, 60), (100, 0, 0, 60))
    found = first_encounter(a, b, H, V)
    assert found is not None
    # Closing at 20 m/s from 1000 m: 50 m apart at t = 47.5 s.
    assert found.time_s == pytest.approx(47.5)
    assert found.horizontal_m == pytest.approx(0, abs=1e-6)


def test_parallel_tracks_just_outside_and_inside_the_minimum() -> None:
    a = track((0, 0, 0, 60), (100, 1000, 0, 60))
    assert first_encounter(a, track((0, 0, 50, 60), (100, 1000, 50, 60)), H, V) is None
    inside = first_encounter(a, track((0, 0, 49.9, 60), (100, 1000, 49.9, 60)), H, V)
    assert inside is not None and inside.horizontal_m == pytest.approx(49.9)


def test_vertical_separation_alone_is_enough() -> None:
    a = track((0, 0, 0, 60), (100, 1000, 0, 60))
    assert first_encounter(a, track((0, 0, 0, 75), (100, 1000, 0, 75)), H, V) is None
    assert first_encounter(a, track((0, 0, 0, 74.9), (100, 1000, 0, 74.9)), H, V) is not None


def test_both_minima_must_fail_at_the_same_moment() -> None:
    # b crosses a's path 100 m above it, and descends to a's level only after a has passed.
    a = track((0, 0, 0, 30), (100, 1000, 0, 30))
    b = track((0, 500, -500, 130), (50, 500, 0, 130), (150, 500, 500, 30))
    assert first_encounter(a, b, H, V) is None


def test_a_shared_instant_at_the_edge_of_the_windows_counts() -> None:
    landing = track((0, 0, 0, 10), (10, 0, 0, 0))
    take_off = track((10, 0, 0, 0), (20, 0, 0, 10))
    found = first_encounter(landing, take_off, H, V)
    assert found is not None and found.time_s == 10
    later = track((10.001, 0, 0, 0), (20, 0, 0, 10))
    assert first_encounter(landing, later, H, V) is None


def diagonal_past_corner(distance_m: float) -> Footprint:
    """A straight track at 40 m perpendicular to the diagonal of the square [0, 100]², passing
    its corner (100, 100) at ``distance_m``."""
    d = distance_m / math.sqrt(2)
    cx, cy = 100 + d, 100 + d
    return track((0, cx + 200, cy - 200, 40), (100, cx - 200, cy + 200, 40))


def test_a_track_against_a_volume_corner() -> None:
    box = volume(square(0, 0, 100), 0, 50, 0, 1000)
    near = first_encounter(diagonal_past_corner(49.9), box, H, V)
    assert near is not None and near.horizontal_m == pytest.approx(49.9)
    assert near.time_s == pytest.approx(50, abs=2)
    assert first_encounter(diagonal_past_corner(50.1), box, H, V) is None


def test_a_track_above_a_volume_band() -> None:
    box = volume(square(0, 0, 100), 0, 50, 0, 1000)
    over = track((0, -100, 50, 65), (10, 200, 50, 65))
    assert first_encounter(over, box, H, V) is None
    lower = track((0, -100, 50, 64.9), (10, 200, 50, 64.9))
    assert first_encounter(lower, box, H, V) is not None


def test_a_track_that_reaches_the_volume_after_its_window() -> None:
    box = volume(square(0, 0, 100), 0, 50, 0, 10)
    late = track((0, -1000, 50, 40), (100, 1000, 50, 40))  # at the box from t = 47.5
    assert first_encounter(late, box, H, V) is None


def test_volumes_touching_in_time_only_at_an_instant() -> None:
    a = volume(square(0, 0, 100), 0, 50, 0, 10)
    b = volume(square(120, 0, 100), 0, 50, 10, 20)
    found = first_encounter(a, b, H, V)
    assert found is not None and found.time_s == 10 and found.horizontal_m == pytest.approx(20)
    c = volume(square(150, 0, 100), 0, 50, 10, 20)
    assert first_encounter(a, c, H, V) is None


def test_circles_use_their_radius_exactly() -> None:
    a = volume(MetricShape(shapely.Point(0, 0), 100), 0, 50, 0, 10)
    b = volume(MetricShape(shapely.Point(249.9, 0), 100), 0, 50, 0, 10)
    c = volume(MetricShape(shapely.Point(250, 0), 100), 0, 50, 0, 10)
    assert first_encounter(a, b, H, V) is not None
    assert first_encounter(a, c, H, V) is None
