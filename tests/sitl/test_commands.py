"""A ground station commands single vehicles: each command gets its COMMAND_ACK, and the
vehicle does what it was told (arm, takeoff, missions, reposition, return to launch)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pymavlink.dialects.v20 import common as mavlink

from airspace.clock import ManualClock
from sitl.fleet import Fleet
from tests.builders import DEPOT, offset
from tests.sitl.conftest import GCS_SYSTEM, GROUND_ELEVATION_M, GroundStation, run_until

A = mavlink  # constants
NAN = float("nan")


@pytest.fixture
def fleet(station: GroundStation, sim_clock: ManualClock) -> Iterator[Fleet]:
    with Fleet([], station.config(home=DEPOT), count=2, clock=sim_clock) as f:
        yield f


def _long(command: int, *params: float, target: int = 1) -> Any:
    p = [*params, *[0.0] * (7 - len(params))]
    return A.MAVLink_command_long_message(target, 1, command, 0, *p)


def _int(command: int, lat: float, lon: float, alt: float, frame: int = A.MAV_FRAME_GLOBAL,
         speed: float = -1.0) -> Any:  # fmt: skip
    return A.MAVLink_command_int_message(
        1, 1, frame, command, 0, 0, speed, 0, 0, NAN, round(lat * 1e7), round(lon * 1e7), alt
    )


def _ack(station: GroundStation, fleet: Fleet, msg: Any, index: int = 0) -> int:
    ack = station.ask(fleet, index, msg, "COMMAND_ACK")
    assert ack.command == msg.command
    assert (ack.target_system, ack.get_srcSystem()) == (GCS_SYSTEM, index + 1)
    return int(ack.result)


def _fly_for(fleet: Fleet, clock: ManualClock, seconds: float) -> None:
    run_until(fleet, clock, clock.now() + seconds, lambda: None)


def _mode(fleet: Fleet, index: int = 0) -> str:
    return str(fleet.vehicles[index].mode)


def test_arm_and_disarm_on_the_ground(station: GroundStation, fleet: Fleet) -> None:
    arm = A.MAV_CMD_COMPONENT_ARM_DISARM
    assert _ack(station, fleet, _long(arm, 1)) == A.MAV_RESULT_ACCEPTED
    assert fleet.vehicles[0].armed and not fleet.vehicles[1].armed
    assert _ack(station, fleet, _long(arm, 0)) == A.MAV_RESULT_ACCEPTED
    assert not fleet.vehicles[0].armed


def test_takeoff_to_an_amsl_altitude_then_no_disarm_in_the_air(
    station: GroundStation, fleet: Fleet, sim_clock: ManualClock
) -> None:
    takeoff = _long(A.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, NAN, NAN, NAN, GROUND_ELEVATION_M + 20)
    assert _ack(station, fleet, takeoff) == A.MAV_RESULT_ACCEPTED
    assert _ack(station, fleet, _long(A.MAV_CMD_COMPONENT_ARM_DISARM, 1)) == A.MAV_RESULT_ACCEPTED
    _fly_for(fleet, sim_clock, 3)
    assert _mode(fleet) == "AUTO.TAKEOFF"
    _fly_for(fleet, sim_clock, 10)
    assert _mode(fleet) == "AUTO.LOITER"
    assert fleet.position_m[0, 2] == pytest.approx(20, abs=1.0)  # AGL = AMSL - ground
    assert fleet.position_m[1, 2] == 0.0
    disarm = _long(A.MAV_CMD_COMPONENT_ARM_DISARM, 0, 21196)
    assert _ack(station, fleet, disarm) == A.MAV_RESULT_DENIED
    airborne = _long(A.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, NAN, NAN, NAN, GROUND_ELEVATION_M + 40)
    assert _ack(station, fleet, airborne) == A.MAV_RESULT_DENIED
    below_ground = _long(A.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, NAN, NAN, NAN, 10.0, target=2)
    assert _ack(station, fleet, below_ground, index=1) == A.MAV_RESULT_DENIED


def test_reposition_return_to_launch_and_unsupported_commands(
    station: GroundStation, fleet: Fleet, sim_clock: ManualClock
) -> None:
    there = offset(DEPOT, 120, -80)
    goto = _int(A.MAV_CMD_DO_REPOSITION, *there, GROUND_ELEVATION_M + 30)
    assert _ack(station, fleet, goto) == A.MAV_RESULT_DENIED  # not flying yet
    assert _ack(station, fleet, _long(A.MAV_CMD_NAV_RETURN_TO_LAUNCH)) == A.MAV_RESULT_DENIED
    _ack(station, fleet, _long(A.MAV_CMD_NAV_TAKEOFF, 0, 0, 0, NAN, NAN, NAN, NAN))
    _ack(station, fleet, _long(A.MAV_CMD_COMPONENT_ARM_DISARM, 1))
    _fly_for(fleet, sim_clock, 5)
    assert fleet.position_m[0, 2] == pytest.approx(2.5, abs=0.5)  # PX4's default takeoff

    assert _ack(station, fleet, goto) == A.MAV_RESULT_ACCEPTED
    _fly_for(fleet, sim_clock, 30)
    lat, lon, agl = fleet.geodetic()
    assert _mode(fleet) == "AUTO.LOITER"
    assert (lat[0], lon[0]) == pytest.approx(there, abs=2e-5) and agl[0] == pytest.approx(30, abs=1)
    long_form = _long(A.MAV_CMD_DO_REPOSITION, -1, 0, 0, NAN, there[0], there[1], 50)
    assert _ack(station, fleet, long_form) == A.MAV_RESULT_UNSUPPORTED
    assert _ack(station, fleet, _long(A.MAV_CMD_DO_SET_SERVO, 1, 1500)) == A.MAV_RESULT_UNSUPPORTED

    assert _ack(station, fleet, _long(A.MAV_CMD_NAV_RETURN_TO_LAUNCH)) == A.MAV_RESULT_ACCEPTED
    _fly_for(fleet, sim_clock, 5)
    assert _mode(fleet) == "AUTO.RTL"
    _fly_for(fleet, sim_clock, 40)
    lat, lon, agl = fleet.geodetic()
    assert (lat[0], lon[0]) == pytest.approx(DEPOT, abs=2e-5)
    assert agl[0] == 0.0 and not fleet.vehicles[0].armed


def _item(seq: int, command: int, lat: float, lon: float, alt: float,
          frame: int = A.MAV_FRAME_GLOBAL_RELATIVE_ALT_INT) -> Any:  # fmt: skip
    return A.MAVLink_mission_item_int_message(
        1, 1, seq, frame, command, 0, 1, 0, 0, 0, NAN, round(lat * 1e7), round(lon * 1e7), alt
    )


def _upload(station: GroundStation, fleet: Fleet, items: list[Any]) -> Any:
    """The MISSION_COUNT / MISSION_REQUEST_INT / MISSION_ITEM_INT handshake; the MISSION_ACK."""
    count = A.MAVLink_mission_count_message(1, 1, len(items), A.MAV_MISSION_TYPE_MISSION)
    request = station.ask(fleet, 0, count, "MISSION_REQUEST_INT")
    for expected, item in enumerate(items):
        assert (request.seq, request.target_system) == (expected, GCS_SYSTEM)
        answer = "MISSION_ACK" if expected == len(items) - 1 else "MISSION_REQUEST_INT"
        request = station.ask(fleet, 0, item, answer)
    return request


def test_mission_upload_and_start(
    station: GroundStation, fleet: Fleet, sim_clock: ManualClock
) -> None:
    start = _long(A.MAV_CMD_MISSION_START)
    assert _ack(station, fleet, start) == A.MAV_RESULT_DENIED  # no mission yet
    first, second = offset(DEPOT, 100, 0), offset(DEPOT, 100, 100)
    bad = [_item(0, A.MAV_CMD_NAV_WAYPOINT, *first, 30, frame=A.MAV_FRAME_LOCAL_NED)]
    assert _upload(station, fleet, bad).type == A.MAV_MISSION_UNSUPPORTED_FRAME
    items = [
        _item(0, A.MAV_CMD_NAV_TAKEOFF, 0, 0, 20),
        _item(1, A.MAV_CMD_NAV_WAYPOINT, *first, GROUND_ELEVATION_M + 30, A.MAV_FRAME_GLOBAL_INT),
        _item(2, A.MAV_CMD_NAV_WAYPOINT, *second, 30),
        _item(3, A.MAV_CMD_NAV_LAND, *second, 0),
    ]
    assert _upload(station, fleet, items).type == A.MAV_MISSION_ACCEPTED
    assert _ack(station, fleet, start) == A.MAV_RESULT_ACCEPTED
    _ack(station, fleet, _long(A.MAV_CMD_COMPONENT_ARM_DISARM, 1))
    reached, modes = [], set()

    def watch() -> None:
        modes.add(_mode(fleet))
        reached.extend(m.seq for m in station.messages() if m.get_type() == "MISSION_ITEM_REACHED")

    run_until(fleet, sim_clock, sim_clock.now() + 60, watch)
    assert reached == [0, 1, 2, 3] and modes == {"AUTO.MISSION"}
    lat, lon, agl = fleet.geodetic()
    assert (lat[0], lon[0]) == pytest.approx(second, abs=2e-5)
    assert agl[0] == 0.0 and not fleet.vehicles[0].armed


def test_an_item_that_does_not_come_is_asked_for_again(
    station: GroundStation, fleet: Fleet, sim_clock: ManualClock
) -> None:
    count = A.MAVLink_mission_count_message(1, 1, 2, A.MAV_MISSION_TYPE_MISSION)
    assert station.ask(fleet, 0, count, "MISSION_REQUEST_INT").seq == 0
    sim_clock.advance(1.5)
    fleet.tick()
    again = station.wait_for(fleet, lambda m: m.get_type() == "MISSION_REQUEST_INT")
    assert again.seq == 0
