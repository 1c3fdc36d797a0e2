"""A real PX4 SITL vehicle (the SIH quadrotor, airframe 10040, headless) flies a plan through
the bridge into a real server. Optional: set PX4_SITL_BUILD_DIR to a PX4 SITL build folder
(the one holding bin/px4 and etc/, e.g. PX4-Autopilot/build/px4_sitl_default).

PX4 instance 0 sends its offboard link to UDP 14540 (the bridge listens there) and its
ground-station link to 14550 (this test's ground station, which uploads the mission with
MISSION_COUNT / MISSION_REQUEST_INT / MISSION_ITEM_INT / MISSION_ACK, arms and starts it).
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymavlink import mavutil
from pymavlink.dialects.v20 import common as mavlink

from airspace.config import AirspaceConfig, BoundingBox
from airspace.sdk import AirspaceClient, plan_from_geojson
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.store.memory import MemoryStore
from airspace.v1 import flight_plan_pb2
from sitl.bridge import Assignment, Bridge, BridgeSettings
from tests.conftest import ServerThread

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

BUILD_DIR = os.environ.get("PX4_SITL_BUILD_DIR", "")
HOME = (22.5400, 114.0570, 4.0)
"""Asked of PX4 (PX4_HOME_LAT/LON/ALT); the test flies wherever PX4 says home is."""
CRUISE_M, LEG_M = 10.0, 40.0
PLAN_TIMES_S = (0.0, 12.0, 26.0, 46.0)
"""Ground, top of the climb, end of the leg, on the ground: PX4's default climb (1.5 m/s,
after spinning up), cruise and slow final descent fit within the 10 s time tolerance."""
DEPART_IN_S = 20.0
REGISTRATION = "PX4-SIH-1"


def _build_dir() -> Path:
    if not BUILD_DIR:
        pytest.skip("PX4_SITL_BUILD_DIR is not set (a PX4 SITL build folder with bin/px4, etc/)")
    build = Path(BUILD_DIR).resolve()
    if not (build / "bin" / "px4").is_file() or not (build / "etc").is_dir():
        pytest.skip(f"{build} holds no bin/px4 and etc/: not a PX4 SITL build folder")
    return build


@pytest.fixture
def ground_station() -> Iterator[Any]:
    """The ground-station end of PX4's GCS link: UDP 14550, answering whoever talks to it."""
    _build_dir()
    try:
        link = mavutil.mavlink_connection("udpin:127.0.0.1:14550", source_system=255)
    except OSError as exc:
        pytest.skip(f"UDP 14550 is taken ({exc}): another ground station or simulator runs")
    yield link
    link.close()


@pytest.fixture
def px4(tmp_path: Path, ground_station: Any) -> Iterator[Path]:
    """PX4 SITL instance 0 with the SIH quadrotor, headless, in its own working folder."""
    build = _build_dir()
    log = tmp_path / "px4.log"
    env = {
        **os.environ,
        "PX4_SYS_AUTOSTART": "10040",
        "PX4_SIMULATOR": "sihsim",
        "PX4_SIM_MODEL": "sihsim_quadx",
        "HEADLESS": "1",
        "PX4_HOME_LAT": str(HOME[0]),
        "PX4_HOME_LON": str(HOME[1]),
        "PX4_HOME_ALT": str(HOME[2]),
    }
    command = [str(build / "bin" / "px4"), "-d", "-i", "0", "-w", str(tmp_path / "rootfs"),
               "-s", "etc/init.d-posix/rcS", str(build / "etc")]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    yield log
    process.send_signal(signal.SIGINT)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _wait(link: Any, kind: str, timeout_s: float, log: Path) -> Any:
    message = link.recv_match(type=kind, blocking=True, timeout=timeout_s)
    if message is None:
        tail = log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"no {kind} from PX4 within {timeout_s:.0f} s; its log:\n{tail}")
    return message


def _command(link: Any, command: int, *params: float, tries: int = 20) -> None:
    """COMMAND_LONG until PX4 accepts it (it refuses to arm until its estimator is ready)."""
    result = None
    for _ in range(tries):
        padded = [*params, *[0.0] * (7 - len(params))]
        link.mav.command_long_send(link.target_system, link.target_component, command, 0, *padded)
        ack = link.recv_match(type="COMMAND_ACK", blocking=True, timeout=1.0)
        if ack is not None and ack.command == command:
            result = ack.result
            if result == mavlink.MAV_RESULT_ACCEPTED:
                return
        time.sleep(0.5)
    raise AssertionError(f"PX4 did not accept command {command}: last result {result}")


def _upload(link: Any, items: list[tuple[int, float, float, float]]) -> None:
    """The mission upload handshake; items are (command, lat, lon, altitude above home)."""
    link.mav.mission_count_send(
        link.target_system, link.target_component, len(items), mavlink.MAV_MISSION_TYPE_MISSION
    )
    while True:
        reply = link.recv_match(
            type=["MISSION_REQUEST_INT", "MISSION_REQUEST", "MISSION_ACK"], blocking=True,
            timeout=5.0,
        )  # fmt: skip
        assert reply is not None, "PX4 stopped asking for mission items"
        if reply.get_type() == "MISSION_ACK":
            assert reply.type == mavlink.MAV_MISSION_ACCEPTED, f"mission refused: {reply}"
            return
        command, lat, lon, alt = items[reply.seq]
        link.mav.mission_item_int_send(
            link.target_system, link.target_component, reply.seq,
            mavlink.MAV_FRAME_GLOBAL_RELATIVE_ALT, command, int(reply.seq == 0), 1,
            0.0, 0.0, 0.0, math.nan, round(lat * 1e7), round(lon * 1e7), alt,
            mavlink.MAV_MISSION_TYPE_MISSION,
        )  # fmt: skip


def _plan(lat: float, lon: float, depart_s: float) -> flight_plan_pb2.FlightPlan:
    north = (lat + LEG_M / 111_320.0, lon)
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [
                [lon, lat, 0.0],
                [lon, lat, CRUISE_M],
                [north[1], north[0], CRUISE_M],
                [north[1], north[0], 0.0],
            ],
        },
        "properties": {
            "times": list(PLAN_TIMES_S),
            "vehicle": {
                "registration_id": REGISTRATION,
                "cruise_speed_mps": 5,
                "max_speed_mps": 12,
                "climb_rate_mps": 3,
                "descent_rate_mps": 1.5,
                "endurance_s": 1200,
            },
            "tolerance": {"horizontal_m": 20, "vertical_m": 10},
        },
    }
    return plan_from_geojson(feature, depart_s)


@pytest.fixture
def server_near() -> Iterator[Any]:
    """A factory: a server on the wall clock whose airspace surrounds (lat, lon) (PX4 may
    ignore the home it is asked for and fly from its default, Zurich)."""
    started: list[ServerThread] = []

    def start(lat: float, lon: float) -> str:
        bounds = BoundingBox(lat - 0.05, lon - 0.05, lat + 0.05, lon + 0.05)
        settings = ServerSettings(host="127.0.0.1", port=0, airspace=AirspaceConfig(bounds=bounds))
        thread = ServerThread(AirspaceServer(settings, store=MemoryStore()), run_monitor=True)
        started.append(thread)
        return f"127.0.0.1:{thread.start()}"

    yield start
    for thread in started:
        thread.stop()


async def test_a_px4_sih_quadrotor_flies_its_plan_through_the_bridge_and_conforms(
    px4: Path, ground_station: Any, server_near: Any
) -> None:
    link = ground_station
    heartbeat = await asyncio.to_thread(_wait, link, "HEARTBEAT", 90.0, px4)
    assert heartbeat.autopilot == mavlink.MAV_AUTOPILOT_PX4
    link.target_system, link.target_component = heartbeat.get_srcSystem(), 1
    here = await asyncio.to_thread(_wait, link, "GLOBAL_POSITION_INT", 90.0, px4)
    lat, lon = here.lat / 1e7, here.lon / 1e7
    ground_m = (here.alt - here.relative_alt) / 1000
    target = server_near(lat, lon)
    with AirspaceClient(target, "demo-operator") as operator:
        depart_s = time.time() + DEPART_IN_S
        answer = operator.submit_flight_plan(_plan(lat, lon, depart_s), "px4-sih")
        plan_id = answer.flight_plan.flight_plan_id
        assert answer.flight_plan.state == flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
        bridge = Bridge(
            ["udpin:127.0.0.1:14540"], target, "demo-operator",
            assignments=[Assignment(link.target_system, REGISTRATION, plan_id)],
            settings=BridgeSettings(ground_elevation_m=ground_m),
        )  # fmt: skip
        await bridge.start()
        try:
            states = await asyncio.to_thread(_fly, link, operator, plan_id, lat, lon, depart_s, px4)
        finally:
            await bridge.stop()
    assert states and set(states) == {flight_plan_pb2.FLIGHT_PLAN_STATE_ACTIVATED}, states
    assert bridge.stats.accepted >= 20, bridge.stats
    assert bridge.stats.rejected == 0


def _fly(
    link: Any,
    operator: AirspaceClient,
    plan_id: str,
    lat: float,
    lon: float,
    depart_s: float,
    log: Path,
) -> list[int]:
    """Upload, activate, arm and start; the plan's state every half second until PX4 has
    landed (or the plan is over). Runs on a worker thread: the bridge needs the loop."""
    north = lat + LEG_M / 111_320.0
    _upload(link, [
        (mavlink.MAV_CMD_NAV_TAKEOFF, lat, lon, CRUISE_M),
        (mavlink.MAV_CMD_NAV_WAYPOINT, north, lon, CRUISE_M),
        (mavlink.MAV_CMD_NAV_LAND, north, lon, 0.0),
    ])  # fmt: skip
    time.sleep(max(0.0, depart_s - 5 - time.time()))
    operator.activate_flight_plan(plan_id)
    time.sleep(max(0.0, depart_s - 1 - time.time()))
    _command(link, mavlink.MAV_CMD_COMPONENT_ARM_DISARM, 1.0)
    _command(link, mavlink.MAV_CMD_MISSION_START, 0.0, 0.0)
    states, highest_m, next_poll_s = [], 0.0, 0.0
    while time.time() < depart_s + PLAN_TIMES_S[-1] + 15:
        position = link.recv_match(type="GLOBAL_POSITION_INT", blocking=True, timeout=0.5)
        if position is not None:
            highest_m = max(highest_m, position.relative_alt / 1000)
            if highest_m > CRUISE_M / 2 and position.relative_alt < 300:
                break  # back on the ground
        if time.time() >= next_poll_s:
            states.append(operator.get_flight_plan(plan_id).state)
            next_poll_s = time.time() + 0.5
    assert highest_m > CRUISE_M / 2, f"PX4 never climbed: {log.read_text()[-3000:]}"
    return states
