"""Injected faults: the syntax, and what each does to what a ground station hears."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from airspace.clock import ManualClock
from sitl.faults import Faults, faults_by_vehicle, parse_fault
from sitl.fleet import Fleet
from sitl.routes import Route
from tests.builders import EARTH_M_PER_DEG
from tests.conftest import T0
from tests.sitl.conftest import GroundStation, flight, run_until


def test_the_fault_syntax() -> None:
    assert parse_fault("3:drift=40") == (range(3, 4), Faults(drift_m=40))
    assert faults_by_vehicle(["0-2:gps=3,lost=10+5", "1:early=60"]) == {
        0: Faults(gps_sigma_m=3, lost_after_s=10, lost_for_s=5),
        1: Faults(gps_sigma_m=3, lost_after_s=10, lost_for_s=5, early_s=60),
        2: Faults(gps_sigma_m=3, lost_after_s=10, lost_for_s=5),
    }
    for bad in ("drift=40", "x:drift=40", "3:wobble=2", "3:lost=10", "3:drift=-1", "4-2:gps=1"):
        with pytest.raises(ValueError):
            faults_by_vehicle([bad])


def _positions(
    station: GroundStation, clock: ManualClock, routes: list[Route], faults: dict[int, Faults],
    until_s: float,
) -> tuple[dict[int, list[Any]], Fleet]:  # fmt: skip
    heard: dict[int, list[Any]] = defaultdict(list)

    def listen() -> None:
        for m in station.messages():
            if m.get_type() == "GLOBAL_POSITION_INT":
                m.received_s = clock.now()
                heard[m.get_srcSystem()].append(m)

    with Fleet(routes, station.config(), clock=clock, faults=faults) as fleet:
        run_until(fleet, clock, until_s, listen)
    return heard, fleet


def _cross_track_m(route: Route, m: Any) -> float:
    """Distance right of the cruise leg's line (metres, local approximation)."""
    lat0, lon0 = route.lats_deg[1], route.lons_deg[1]
    cos = math.cos(math.radians(lat0))
    east = (route.lons_deg[2] - lon0) * EARTH_M_PER_DEG * cos
    north = (route.lats_deg[2] - lat0) * EARTH_M_PER_DEG
    pe = (m.lon / 1e7 - lon0) * EARTH_M_PER_DEG * cos
    pn = (m.lat / 1e7 - lat0) * EARTH_M_PER_DEG
    return (pe * north - pn * east) / math.hypot(east, north)


def test_a_drifting_vehicle_leaves_its_track_by_about_the_drift(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    routes = [flight(T0 + 5, east_m=1500, north_m=0), flight(T0 + 5, east_m=0, north_m=1500)]
    until = routes[0].times_s[2]
    heard, _ = _positions(station, sim_clock, routes, {0: Faults(drift_m=40)}, until)
    cruise = [m for m in heard[1] if m.received_s > routes[0].times_s[1] + 45]
    drifted = [_cross_track_m(routes[0], m) for m in cruise]
    assert min(drifted) > 38 and max(drifted) < 42
    straight = [abs(_cross_track_m(routes[1], m)) for m in heard[2] if m.received_s > T0 + 60]
    assert max(straight) < 1.0


def test_a_lost_link_is_silent_for_its_window_then_resumes_where_the_vehicle_flew_on(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    routes = [flight(T0 + 5), flight(T0 + 5, east_m=-600)]
    heard, _ = _positions(
        station, sim_clock, routes, {0: Faults(lost_after_s=30, lost_for_s=10)}, T0 + 60
    )
    times = np.array([m.received_s - T0 for m in heard[1]])
    assert not ((times >= 35) & (times < 45)).any()
    assert ((times > 34) & (times < 35)).any() and ((times >= 45) & (times < 46)).any()
    other = np.array([m.received_s - T0 for m in heard[2]])
    assert ((other >= 35) & (other < 45)).sum() >= 99  # only the faulty vehicle went quiet
    before = [m for m in heard[1] if m.received_s - T0 < 35][-1]
    after = next(m for m in heard[1] if m.received_s - T0 >= 45)
    gap_m = math.hypot(after.lat - before.lat, after.lon - before.lon) / 1e7 * EARTH_M_PER_DEG
    assert gap_m > 100  # it kept flying (15 m/s) while silent


def test_an_early_vehicle_departs_early(station: GroundStation, sim_clock: ManualClock) -> None:
    routes = [flight(T0 + 40), flight(T0 + 40, east_m=-600)]
    heard, _ = _positions(station, sim_clock, routes, {0: Faults(early_s=25)}, T0 + 45)

    def lift_off(system: int) -> float:
        return next(m.received_s for m in heard[system] if m.relative_alt > 500) - T0

    assert 15 <= lift_off(1) < 17  # departs at 40 - 25 = 15 s, climbs 0.5 m within 1 s
    assert 40 <= lift_off(2) < 42


def test_gps_noise_scatters_reported_positions_by_sigma(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    heard, fleet = _positions(
        station, sim_clock, [flight(T0 + 600)], {0: Faults(gps_sigma_m=4)}, T0 + 30
    )
    lat, _lon, _ = fleet.geodetic()
    north = np.array([(m.lat / 1e7 - lat[0]) * EARTH_M_PER_DEG for m in heard[1]])
    up = np.array([m.relative_alt / 1000 for m in heard[1]])
    assert len(north) >= 299
    assert 3.5 < north.std() < 4.5 and 5.3 < up.std() < 6.7
    assert abs(north.mean()) < 1.0
