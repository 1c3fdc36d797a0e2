"""A fleet flying its plans, observed the way a ground station sees it: MAVLink over UDP."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any

from pymavlink.dialects.v20 import common as mavlink

from airspace.clock import ManualClock
from sitl import px4
from sitl.fleet import Fleet
from sitl.routes import Route
from tests.builders import EARTH_M_PER_DEG
from tests.conftest import T0
from tests.sitl.conftest import GROUND_ELEVATION_M, GroundStation, flight, run_until

CORNER_M = 15.0**2 / (8 * 3.0) + 1.0
"""At a waypoint where the plan turns from cruise (15 m/s) to a vertical leg, a vehicle with a
3 m/s² acceleration limit can be no closer than v²/8a (9.4 m); we allow 1 m more."""


def _metres_apart(lat_a: float, lon_a: float, lat_b: float, lon_b: float) -> float:
    north = (lat_a - lat_b) * EARTH_M_PER_DEG
    east = (lon_a - lon_b) * EARTH_M_PER_DEG * math.cos(math.radians(lat_a))
    return math.hypot(north, east)


def _fly(
    station: GroundStation,
    clock: ManualClock,
    routes: list[Route],
    until_s: float,
    count: int | None = None,
    **kw: Any,
) -> dict[int, list[Any]]:
    """Fly ``routes`` until ``until_s``; every message received on the GCS link, by system."""
    fleet = Fleet(routes, station.config(**kw), count=count, clock=clock)
    heard: dict[int, list[Any]] = defaultdict(list)

    def listen() -> None:
        for m in station.messages():
            m.received_s = clock.now()
            heard[m.get_srcSystem()].append(m)

    try:
        run_until(fleet, clock, until_s, listen)
    finally:
        fleet.close()
    return heard


def test_heartbeats_say_quadrotor_px4_and_walk_through_the_flight_modes(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    route = flight(T0 + 10)
    heard = _fly(station, sim_clock, [route], route.arrival_s + 15)
    beats = [m for m in heard[1] if m.get_type() == "HEARTBEAT"]
    assert all(
        (b.type, b.autopilot, b.get_srcComponent()) == (2, 12, 1) and b.base_mode & 1 for b in beats
    )
    sequence: list[tuple[str, bool]] = []
    for b in beats:
        state = (str(px4.FlightMode.from_custom_mode(b.custom_mode)), bool(b.base_mode & 128))
        if not sequence or sequence[-1] != state:
            sequence.append(state)
    assert sequence == [
        ("AUTO.LOITER", False),  # waiting on the ground
        ("AUTO.LOITER", True),  # armed just before departure
        ("AUTO.TAKEOFF", True),
        ("AUTO.MISSION", True),
        ("AUTO.LAND", True),
        ("AUTO.LAND", False),  # disarmed after touchdown
    ]
    # 1 Hz: about one heartbeat per simulated second
    span = beats[-1].received_s - beats[0].received_s
    assert abs(len(beats) - 1 - span) <= 1


def test_positions_follow_the_plan_at_waypoint_times_in_amsl(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    routes = [flight(T0 + 10), flight(T0 + 25, east_m=-400, north_m=800)]
    heard = _fly(station, sim_clock, routes, routes[-1].arrival_s + 10)
    for system_id, route in enumerate(routes, start=1):
        positions = [m for m in heard[system_id] if m.get_type() == "GLOBAL_POSITION_INT"]
        for when, lat, lon, alt in zip(
            route.times_s, route.lats_deg, route.lons_deg, route.altitudes_m, strict=True
        ):
            m = min(positions, key=lambda p: abs(p.received_s - when))
            assert abs(m.received_s - when) < 0.06
            assert _metres_apart(m.lat / 1e7, m.lon / 1e7, lat, lon) < CORNER_M
            # the vertical legs start and end at rest: the smoothed climb lags by v·w/8 (2 m)
            assert abs(m.relative_alt / 1000 - alt) < 2.5
            assert m.alt - m.relative_alt == GROUND_ELEVATION_M * 1000
        homes = [m for m in heard[system_id] if m.get_type() == "HOME_POSITION"]
        assert homes[0].altitude / 1000 == GROUND_ELEVATION_M
        assert _metres_apart(homes[0].latitude / 1e7, homes[0].longitude / 1e7,
                             route.lats_deg[0], route.lons_deg[0]) < 0.02  # fmt: skip


def test_cruise_velocity_is_ned_centimetres_and_heading_in_centidegrees(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    route = flight(T0 + 5, east_m=0.0, north_m=-900.0)  # due south at 15 m/s
    heard = _fly(station, sim_clock, [route], route.times_s[1] + 30)
    cruise = [
        m for m in heard[1]
        if m.get_type() == "GLOBAL_POSITION_INT" and route.times_s[1] + 15 < m.received_s
    ]  # fmt: skip
    assert cruise
    for m in cruise:
        assert abs(m.vx + 1500) <= 15 and abs(m.vy) <= 5 and abs(m.vz) <= 5
        assert abs(m.hdg - 18000) <= 10
    gps = [m for m in heard[1] if m.get_type() == "GPS_RAW_INT"][-1]
    assert abs(gps.vel - 1500) <= 15 and gps.fix_type == mavlink.GPS_FIX_TYPE_3D_FIX


def test_streams_arrive_at_their_rates_on_both_links(
    station: GroundStation, sim_clock: ManualClock
) -> None:
    gcs: list[Any] = []
    offboard: list[Any] = []

    def listen() -> None:
        gcs.extend(station.messages())
        offboard.extend(station.messages(station.offboard[0]))

    with Fleet([], station.config(position_rate_hz=20.0), count=1, clock=sim_clock) as fleet:
        run_until(fleet, sim_clock, T0 + 10.0, listen)
    assert {m.get_srcSystem() for m in gcs + offboard} == {1}
    counts = Counter(m.get_type() for m in gcs)
    assert counts["GLOBAL_POSITION_INT"] in range(199, 202)
    assert counts["GPS_RAW_INT"] in range(49, 52)
    assert counts["HEARTBEAT"] in range(9, 12)
    assert counts["SYS_STATUS"] in range(9, 12)
    assert counts["BATTERY_STATUS"] in range(4, 7)
    assert counts["HOME_POSITION"] in range(4, 7)
    assert Counter(m.get_type() for m in offboard) == counts
