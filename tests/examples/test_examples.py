"""Every script in examples/ runs as a subprocess against a real server, and says what it
should."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from airspace.sdk import AirspaceClient
from tests.conftest import RunningServer
from tests.streams import GroundStation, state, wait_until

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
TESTED = {"logistics.py", "operator_plan.py", "regulator_watch.py"}


def start(script: str, server: RunningServer, token: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "AIRSPACE_TARGET": server.target, "AIRSPACE_TOKEN": token}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, str(EXAMPLES / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def finish(process: subprocess.Popen[str]) -> str:
    try:
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    return out


def test_every_example_script_is_tested() -> None:
    assert {p.name for p in EXAMPLES.glob("*.py")} == TESTED


def test_logistics_books_the_fleet_and_follows_it_to_the_end(
    wall_clock_server: RunningServer, tmp_path: Path
) -> None:
    orders = json.loads((EXAMPLES / "orders.json").read_text())
    orders["orders"] = orders["orders"][:4]
    orders["time_limit_s"] = 2
    small = tmp_path / "orders.json"
    small.write_text(json.dumps(orders))
    script = start("logistics.py", wall_clock_server, "demo-operator", str(small))
    assert script.stdout is not None
    booked = next(line for line in script.stdout if line.startswith("booked"))
    flights = booked.split()[1 : booked.split().index("unserved")]
    assert flights
    wait_until(lambda: wall_clock_server.server.bus.subscriber_count == 1, timeout_s=30)
    with AirspaceClient(wall_clock_server.target, "demo-operator") as firm:
        for flight in flights:  # the day is called off: the script sees each flight end
            firm.cancel_flight_plan(flight)
    out = finish(script)
    for flight in flights:
        assert f"PLAN CANCELLED     {flight}" in out
    assert out.rstrip().endswith("every flight is over")


def test_operator_handles_a_rejection_with_its_conflicts(wall_clock_server: RunningServer) -> None:
    out = finish(start("operator_plan.py", wall_clock_server, "demo-operator"))
    lines = out.splitlines()
    first = lines[0].split()
    assert first[:2] == ["first", "ACCEPTED"]
    assert lines[1].startswith("second REJECTED: flight plan")
    assert f"conflicts with {first[2]} near (22.5" in lines[2]
    assert lines[3].startswith("  suggestion:")
    assert lines[4].startswith("second alternative ACCEPTED")


def test_regulator_sees_the_alerts(wall_clock_server: RunningServer) -> None:
    script = start("regulator_watch.py", wall_clock_server, "demo-regulator", "1")
    wait_until(lambda: wall_clock_server.server.bus.subscriber_count == 1, timeout_s=30)
    station = GroundStation(wall_clock_server.target, "demo-operator")
    try:
        now = wall_clock_server.server.clock.now()
        station.send(state("UAS-ROGUE", "", now, 22.545, 114.07, 40.0))
        out = finish(script)
    finally:
        station.close()
    assert "NO_ACTIVATED_PLAN" in out and "UAS-ROGUE" in out
