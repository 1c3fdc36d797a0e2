"""The ``airspace`` command against a real server, as a person or a script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]
DELIVERY = ROOT / "examples" / "delivery.geojson"
DEPART = "2026-12-01T08:10:00Z"  # ten minutes after the tests' clock


def airspace(
    running: RunningServer, *args: str, token: str = "demo-operator"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AIRSPACE_TARGET": running.target,
        "AIRSPACE_TOKEN": token,
        "COLUMNS": "200",
    }
    return subprocess.run(
        [sys.executable, "-m", "airspace.cli.main", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_submit_list_and_retry(running: RunningServer) -> None:
    first = airspace(
        running, "plans", "submit", str(DELIVERY), "--depart-at", DEPART, "--request-id", "cli-1"
    )
    assert first.returncode == 0, first.stderr
    assert "ACCEPTED" in first.stdout
    plan_id = first.stdout.split(":")[0].strip()
    clash = airspace(
        running, "plans", "submit", str(DELIVERY), "--depart-at", DEPART, "--request-id", "cli-2"
    )
    assert clash.returncode == 1
    assert "REJECTED" in clash.stdout and plan_id in clash.stdout
    assert "suggestion:" in clash.stdout
    retry = airspace(
        running, "plans", "submit", str(DELIVERY), "--depart-at", DEPART, "--request-id", "cli-1"
    )
    assert retry.returncode == 0 and plan_id in retry.stdout
    listed = airspace(running, "--json", "plans", "list", "--state", "accepted")
    features = json.loads(listed.stdout)
    assert [f["properties"]["flight_plan_id"] for f in features] == [plan_id]
    assert features[0]["geometry"]["type"] == "LineString"


def test_lifecycle_commands(running: RunningServer) -> None:
    submitted = airspace(running, "--json", "plans", "submit", str(DELIVERY), "--depart-at", DEPART)
    plan_id = json.loads(submitted.stdout)["flight_plan"]["flight_plan_id"]
    activated = airspace(running, "plans", "activate", plan_id)
    assert activated.returncode == 0 and "activated" in activated.stdout
    again = airspace(running, "plans", "activate", plan_id)
    assert again.returncode == 1 and "FailedPrecondition" in again.stderr
    assert "ended" in airspace(running, "plans", "end", plan_id).stdout


def test_zone_import_needs_a_regulator(running: RunningServer, tmp_path: Path) -> None:
    document = tmp_path / "zones.geojson"
    document.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {
                            "id": "cli-zone",
                            "name": "CLI zone",
                            "kind": "prohibited",
                            "radius_m": 150,
                        },
                        "geometry": {"type": "Point", "coordinates": [114.07, 22.545]},
                    }
                ],
            }
        )
    )
    refused = airspace(running, "zones", "import", str(document))
    assert refused.returncode == 1 and "PermissionDenied" in refused.stderr
    done = airspace(running, "zones", "import", str(document), token="demo-regulator")
    assert done.returncode == 0 and "cli-zone" in done.stdout
    assert "cli-zone" in airspace(running, "zones", "list").stdout


def test_bad_input_and_unreachable_service_have_distinct_exit_codes(
    running: RunningServer, tmp_path: Path
) -> None:
    broken = tmp_path / "plan.geojson"
    broken.write_text('{"type": "Feature", "geometry": {"type": "Point"}, "properties": {}}')
    assert airspace(running, "plans", "submit", str(broken)).returncode == 2
    unreachable = subprocess.run(
        [sys.executable, "-m", "airspace.cli.main", "--target", "127.0.0.1:1", "plans", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert unreachable.returncode == 3
    bad_token = airspace(running, "plans", "list", token="wrong")
    assert bad_token.returncode == 1 and "Unauthenticated" in bad_token.stderr


def test_monitor_prints_plan_events_as_json_lines(running: RunningServer) -> None:
    import time

    env = {**os.environ, "AIRSPACE_TARGET": running.target, "AIRSPACE_TOKEN": "demo-regulator"}
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "airspace.cli.main",
            "--json",
            "monitor",
            "--kind",
            "plan",
            "--count",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while running.server.bus.subscriber_count == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        submitted = airspace(
            running, "--json", "plans", "submit", str(DELIVERY), "--depart-at", DEPART
        )
        plan_id = json.loads(submitted.stdout)["flight_plan"]["flight_plan_id"]
        out, err = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
    assert watcher.returncode == 0, err
    event = json.loads(out.strip().splitlines()[-1])
    assert event["plan"]["flight_plan_id"] == plan_id
    assert event["plan"]["state"] == "FLIGHT_PLAN_STATE_ACCEPTED"


def test_replaying_two_drones_head_on_raises_a_conflict(wall_clock_server: RunningServer) -> None:
    env = {
        **os.environ,
        "AIRSPACE_TARGET": wall_clock_server.target,
        "AIRSPACE_TOKEN": "demo-operator",
        "COLUMNS": "250",
    }
    replayed = subprocess.run(
        [
            sys.executable,
            "-m",
            "airspace.cli.main",
            "telemetry",
            "replay",
            str(ROOT / "examples" / "head_on.csv"),
            "--speed",
            "5",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert replayed.returncode == 0, replayed.stderr
    assert "NO_ACTIVATED_PLAN" in replayed.stdout
    conflict_lines = [line for line in replayed.stdout.splitlines() if "CONFLICT" in line]
    assert conflict_lines and "UAS-WEST" in conflict_lines[0] and "UAS-EAST" in conflict_lines[0]


def test_plan_deliveries_and_route_from_the_command_line(
    wall_clock_server: RunningServer, tmp_path: Path
) -> None:
    orders = json.loads((ROOT / "examples" / "orders.json").read_text())
    orders["orders"] = orders["orders"][:6] + orders["orders"][-1:]
    small = tmp_path / "orders.json"
    small.write_text(json.dumps(orders))
    out = tmp_path / "flights.geojson"
    planned = airspace(
        wall_clock_server,
        "plan",
        "deliveries",
        str(small),
        "--time-limit",
        "2",
        "--submit",
        "--geojson",
        str(out),
    )
    assert planned.returncode == 0, planned.stderr
    assert "ORD-FRIDGE TOO_HEAVY" in planned.stdout
    features = json.loads(out.read_text())["features"]
    assert features and all(f["geometry"]["type"] == "LineString" for f in features)
    assert {f["properties"]["state"] for f in features} == {"FLIGHT_PLAN_STATE_ACCEPTED"}
    routed = airspace(
        wall_clock_server,
        "plan",
        "route",
        "--from",
        "22.54,114.057",
        "--to",
        "22.56,114.105",
        "--submit",
    )
    assert routed.returncode == 0, routed.stderr
    assert "submitted as" in routed.stdout and "ACCEPTED" in routed.stdout
