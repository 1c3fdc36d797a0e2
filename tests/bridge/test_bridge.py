"""The bridge end to end: real MAVLink bytes over loopback UDP into a real gRPC server."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

import pytest

from airspace.events import TrackRecord, TrafficSnapshot
from airspace.model import PlanState
from airspace.sdk import AirspaceClient
from airspace.v1 import telemetry_pb2
from sitl import px4
from sitl.bridge import Assignment, load_manifest, parse_vehicle_spec
from tests.bridge.conftest import MakeBridge, until
from tests.bridge.mavlink_out import Autopilot
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer

EAST_3KM = offset(DEPOT, 3000, 0)
MID_CRUISE_S = T0 + 600 + 20 + 100
"""1,500 m east of the depot at 60 m AGL, on the plan of ``flying_plan``."""


def tracks(running: RunningServer) -> dict[str, TrackRecord]:
    """The server's live tracks after one monitor cycle, by registration id."""
    snapshot = cast(TrafficSnapshot, running.cycle())
    return {t.state.registration_id: t for t in snapshot.tracks}


def flying_plan(operator: AirspaceClient, running: RunningServer) -> str:
    plan = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "bridge").flight_plan
    operator.activate_flight_plan(plan.flight_plan_id)
    running.clock.set(MID_CRUISE_S)
    return plan.flight_plan_id


ON_PLAN = offset(DEPOT, 1500, 0)


async def test_a_position_arrives_as_an_agl_state_with_ned_velocities(
    running: RunningServer, make_bridge: MakeBridge, autopilots: Callable[[int], Autopilot]
) -> None:
    bridge, _ = await make_bridge((Assignment(7, "UAS-7"),), ground_elevation_m=100.0)
    port = bridge.addresses[0]
    px4_drone, ardupilot = autopilots(7), autopilots(8)
    px4_drone.send(port, px4_drone.heartbeat(True, px4.MISSION), px4_drone.gps(1200, 2300))
    px4_drone.send(port, px4_drone.position(*DEPOT, 160.0, north=3.0, east=-1.5, down=-0.5))
    ardupilot.send(port, ardupilot.position(*ON_PLAN, 130.0, down=2.0, mavlink1=True))
    await until(lambda: bridge.stats.accepted == 2)

    found = tracks(running)
    px4_state, other = found["UAS-7"].state, found["MAV-8"].state
    assert (px4_state.position.lat, px4_state.position.lon) == pytest.approx(DEPOT, abs=1e-7)
    assert px4_state.altitude_m == pytest.approx(60.0)
    assert (px4_state.velocity_north_mps, px4_state.velocity_east_mps) == (3.0, -1.5)
    assert px4_state.velocity_down_mps == -0.5  # climbing: NED down is negative
    assert (px4_state.horizontal_accuracy_m, px4_state.vertical_accuracy_m) == (1.2, 2.3)
    assert px4_state.time_s == running.clock.now()
    # MAVLink 1, no GPS_RAW_INT: the documented default accuracies, the default registration.
    assert (other.altitude_m, other.velocity_down_mps) == (30.0, 2.0)
    assert (other.horizontal_accuracy_m, other.vertical_accuracy_m) == (3.0, 5.0)
    assert not px4_state.flight_plan_id and not other.flight_plan_id
    seven = bridge.vehicles()[0]
    assert (seven.system_id, seven.armed, seven.mode) == (7, True, "AUTO.MISSION")


async def test_the_manifest_gives_the_plan(
    running: RunningServer,
    operator: AirspaceClient,
    make_bridge: MakeBridge,
    autopilots: Callable[[int], Autopilot],
    tmp_path: Path,
) -> None:
    plan_id = flying_plan(operator, running)
    manifest = tmp_path / "fleet.json"
    manifest.write_text(
        json.dumps(
            {
                "vehicles": [
                    {"system_id": 1, "registration_id": "UAS-TEST-1", "flight_plan_id": plan_id},
                ]
            }
        )
    )
    bridge, _ = await make_bridge(tuple(load_manifest(manifest)))
    drone = autopilots(1)
    drone.send(bridge.addresses[0], drone.position(*ON_PLAN, 60.0, east=15.0))
    await until(lambda: bridge.stats.accepted == 1)

    record = tracks(running)["UAS-TEST-1"]
    assert record.state.flight_plan_id == plan_id
    assert record.plan_state is PlanState.ACTIVATED  # and it conforms: it stays so


async def test_without_a_plan_id_the_activated_plan_is_looked_up(
    running: RunningServer,
    operator: AirspaceClient,
    make_bridge: MakeBridge,
    autopilots: Callable[[int], Autopilot],
) -> None:
    plan_id = flying_plan(operator, running)
    bridge, responses = await make_bridge((parse_vehicle_spec("1=UAS-TEST-1"),))
    planned, unplanned = autopilots(1), autopilots(5)
    # Its very first state already carries the plan: the bridge holds it until the lookup.
    planned.send(bridge.addresses[0], planned.position(*ON_PLAN, 60.0, east=15.0))
    unplanned.send(bridge.addresses[0], unplanned.position(*DEPOT, 40.0))
    await until(lambda: bridge.stats.accepted == 2)

    found = tracks(running)
    assert found["UAS-TEST-1"].state.flight_plan_id == plan_id
    assert found["MAV-5"].state.flight_plan_id == ""
    assert bridge.plan(1) == plan_id and bridge.plan(5) == ""
    await until(lambda: bool(responses.alerts()))
    unplanned_alerts = [
        a.registration_id
        for a in responses.alerts()
        if a.kind == telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN
    ]
    assert unplanned_alerts == ["MAV-5"]

    # The plan ends: the next refresh stops sending its id.
    operator.end_flight_plan(plan_id)
    await until(lambda: bridge.plan(1) == "")


async def test_down_sampling_sends_the_latest_state_at_most_at_the_rate(
    running: RunningServer, make_bridge: MakeBridge, autopilots: Callable[[int], Autopilot]
) -> None:
    bridge, _ = await make_bridge(max_rate_hz=1.0)
    drone = autopilots(3)
    for i in range(5):
        drone.send(bridge.addresses[0], drone.position(*offset(DEPOT, 10 * i, 0), 50.0))
        await until(partial(lambda n: bridge.stats.positions == n, i + 1))
        running.clock.advance(0.1)
    await until(lambda: bridge.stats.accepted == 1)
    assert bridge.stats.superseded == 3  # the 2nd to 4th, each replaced before it was due

    running.clock.advance(0.7)  # a second after the first was sent
    await until(lambda: bridge.stats.accepted == 2)
    state = tracks(running)["MAV-3"].state
    assert state.position.lon == pytest.approx(offset(DEPOT, 40, 0)[1], abs=1e-7)
    assert bridge.stats.forwarded == 2
