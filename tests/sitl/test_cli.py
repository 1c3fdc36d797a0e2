"""`airspace sim fleet` end to end on loopback ports; plan files; the service lifecycle."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from google.protobuf import json_format

from airspace.cli.sim import sim
from airspace.sdk import AirspaceClient, plan_to_geojson
from airspace.v1 import flight_plan_pb2
from sitl.fleet import Fleet
from sitl.service import ServiceLifecycle
from sitl.sources import fetch_accepted, read_plan_file
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer
from tests.sitl.conftest import GroundStation, run_until


def _feature_collection(path: Path, plans: list[flight_plan_pb2.FlightPlan]) -> Path:
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": [plan_to_geojson(p) for p in plans]})
    )
    return path


def _ports(station: GroundStation) -> list[str]:
    return [
        "--offboard-port-base", str(station.offboard[0].getsockname()[1]),
        "--gcs-port", str(station.gcs.getsockname()[1]),
        "--listen-port-base", "0",
        "--ground-elevation", "37.5",
    ]  # fmt: skip


def _fly_from_service(running: RunningServer, station: GroundStation, duration_s: float) -> Any:
    """``airspace --json sim fleet --from-service --activate`` at 4× speed."""
    obj = {"target": running.target, "token": "demo-operator", "timeout_s": 10.0}
    obj |= {"tls": None, "json": True}
    return CliRunner().invoke(
        sim,
        ["fleet", "--from-service", "--activate", "--speed", "4", "--duration", str(duration_s),
         *_ports(station)],
        obj=obj,
    )  # fmt: skip


def test_plan_files_keep_ids_and_registrations(tmp_path: Path) -> None:
    plans = [delivery(T0 + 60, DEPOT, offset(DEPOT, 500, 0)), delivery(T0, DEPOT, DEPOT)]
    plans[0].flight_plan_id, plans[1].flight_plan_id = "late", "early"
    geojson = read_plan_file(_feature_collection(tmp_path / "f.geojson", plans))
    assert [(r.flight_plan_id, r.registration_id) for r in geojson.routes] == [
        ("early", "UAS-TEST-1"), ("late", "UAS-TEST-1"),
    ]  # fmt: skip
    protobuf = tmp_path / "plans.json"
    protobuf.write_text(json.dumps([json_format.MessageToDict(p) for p in plans]))
    from_protobuf = read_plan_file(protobuf).routes
    assert [r.flight_plan_id for r in from_protobuf] == ["early", "late"]
    assert from_protobuf[1].times_s == pytest.approx(geojson.routes[1].times_s)


def test_the_cli_flies_a_plan_file_for_a_duration_and_writes_the_manifest(
    tmp_path: Path, station: GroundStation
) -> None:
    now = time.time()
    plan = delivery(now + 0.5, DEPOT, offset(DEPOT, 100, 0), altitude_m=6.0)
    plan.flight_plan_id = "P-1"
    plans = _feature_collection(tmp_path / "flights.geojson", [plan])
    manifest = tmp_path / "fleet.json"
    result = CliRunner().invoke(
        sim,
        ["fleet", "--plans", str(plans), "--count", "3", "--duration", "2.5",
         "--fault", "2:gps=2", "--manifest", str(manifest), "--status-every", "1",
         *_ports(station)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "3 vehicles (1 with a plan)" in result.output and "airborne 1" in result.output
    assert json.loads(manifest.read_text()) == {
        "vehicles": [
            {"system_id": 1, "registration_id": "UAS-TEST-1", "flight_plan_id": "P-1"},
            {"system_id": 2, "registration_id": "SITL-002", "flight_plan_id": ""},
            {"system_id": 3, "registration_id": "SITL-003", "flight_plan_id": ""},
        ]
    }
    heard = station.messages()
    assert {m.get_srcSystem() for m in heard} == {1, 2, 3}
    climbing = [m for m in heard if m.get_type() == "GLOBAL_POSITION_INT" and m.relative_alt > 0]
    assert {m.get_srcSystem() for m in climbing} >= {1}


def test_bad_faults_are_usage_errors(station: GroundStation) -> None:
    result = CliRunner().invoke(sim, ["fleet", "--count", "1", "--fault", "1:wobble=3"])
    assert result.exit_code == 2 and "drift, early, lost and gps" in result.output


def test_the_fleet_activates_plans_before_departure_and_ends_them_after_landing(
    running: RunningServer, operator: AirspaceClient, station: GroundStation
) -> None:
    answers = [
        operator.submit_flight_plan(delivery(T0 + 20, DEPOT, offset(DEPOT, 300, 0)), "a"),
        operator.submit_flight_plan(
            delivery(T0 + 30, offset(DEPOT, 0, 400), offset(DEPOT, 300, 400)), "b"
        ),
    ]
    ids = [a.flight_plan.flight_plan_id for a in answers]
    lifecycle = ServiceLifecycle(operator)
    routes = fetch_accepted(operator, running.clock.now()).routes
    states: list[Any] = []
    with Fleet(routes, station.config(), clock=running.clock, lifecycle=lifecycle) as fleet:
        run_until(fleet, running.clock, T0 + 18, station.messages)
        lifecycle.wait()
        states.append([operator.get_flight_plan(i).state for i in ids])
        run_until(fleet, running.clock, routes[-1].arrival_s + 10, station.messages)
    lifecycle.close()
    states.append([operator.get_flight_plan(i).state for i in ids])
    assert states == [
        [flight_plan_pb2.FLIGHT_PLAN_STATE_ACTIVATED, flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED],
        [flight_plan_pb2.FLIGHT_PLAN_STATE_ENDED] * 2,
    ]
    assert [(o.action, o.state) for o in lifecycle.outcomes] == [
        ("activate", "ACTIVATED"), ("activate", "ACTIVATED"), ("end", "ENDED"), ("end", "ENDED"),
    ]  # fmt: skip


def test_the_cli_flies_the_services_plans_and_activates_and_ends_them(
    running: RunningServer, operator: AirspaceClient, station: GroundStation
) -> None:
    running.clock.set(time.time())  # the CLI flies on the wall clock
    plan = delivery(time.time() + 1, DEPOT, offset(DEPOT, 60, 0), altitude_m=6.0)
    plan_id = operator.submit_flight_plan(plan, "cli").flight_plan.flight_plan_id
    result = _fly_from_service(running, station, duration_s=3.5)
    assert result.exit_code == 0, result.output
    assert f"activate {plan_id}: ACTIVATED" in result.output
    assert f"end {plan_id}: ENDED" in result.output
    assert operator.get_flight_plan(plan_id).state == flight_plan_pb2.FLIGHT_PLAN_STATE_ENDED
    status = json.loads([line for line in result.output.splitlines() if line[:1] == "{"][-1])
    assert status["landed"] == 1


def test_a_drone_with_two_plans_is_one_vehicle_flying_them_in_turn(
    running: RunningServer, operator: AirspaceClient, station: GroundStation
) -> None:
    """Out to a drop-off and back, as the fleet planner books it: one registration, so one
    vehicle; each plan activated before its leg and ended after it."""
    running.clock.set(time.time())
    out = delivery(time.time() + 1, DEPOT, offset(DEPOT, 60, 0), altitude_m=6.0)
    back = delivery(time.time() + 20, offset(DEPOT, 60, 0), DEPOT, altitude_m=6.0)
    ids = [operator.submit_flight_plan(p, f"leg-{i}").flight_plan.flight_plan_id
           for i, p in enumerate((out, back))]  # fmt: skip
    result = _fly_from_service(running, station, duration_s=8)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(("activate", "end"))]
    assert lines == [
        f"activate {ids[0]}: ACTIVATED", f"end {ids[0]}: ENDED",
        f"activate {ids[1]}: ACTIVATED", f"end {ids[1]}: ENDED",
    ]  # fmt: skip
    status = json.loads([line for line in result.output.splitlines() if line[:1] == "{"][-1])
    assert status["vehicles"] == 1


def test_the_cli_loads_the_fleet_only_when_it_flies() -> None:
    code = "import sys, airspace.cli.sim; print(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not {"numpy", "pymavlink"} & {m.split(".")[0] for m in out.stdout.split()}
