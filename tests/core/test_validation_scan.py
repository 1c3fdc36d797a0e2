"""The plain scan of a trajectory's waypoints agrees with the field-by-field checks."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from airspace.config import AirspaceConfig
from airspace.model import LatLng, Waypoint
from airspace.validation import Violations, _check_waypoints, _waypoints_plainly_valid

CONFIG = AirspaceConfig()
B = CONFIG.bounds
odd = st.sampled_from([math.nan, math.inf, -math.inf])
lats = st.one_of(st.floats(B.min_lat - 0.1, B.max_lat + 0.1), odd, st.floats(-1e3, 1e3))
lons = st.one_of(st.floats(B.min_lon - 0.1, B.max_lon + 0.1), odd, st.floats(-1e3, 1e3))
altitudes = st.one_of(st.floats(CONFIG.floor_m - 5, CONFIG.ceiling_m + 5), odd)
times = st.one_of(st.floats(0.0, 100.0), odd)
waypoints = st.lists(
    st.builds(
        lambda lat, lon, z, t: Waypoint(LatLng(lat, lon), z, t), lats, lons, altitudes, times
    ),
    min_size=2,
    max_size=6,
)


@given(waypoints)
def test_the_plain_scan_passes_exactly_what_the_checks_pass(points: list[Waypoint]) -> None:
    found = Violations()
    _check_waypoints(found, "trajectory", points, CONFIG)
    assert _waypoints_plainly_valid(points, CONFIG) == (not found.items)
