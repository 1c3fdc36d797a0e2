"""`airspace monitor` rides through a server restart and marks the gap in its JSON log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from airspace.sdk import AirspaceClient
from tests.builders import DEPOT, delivery, offset
from tests.sdk.conftest import RestartableServer
from tests.streams import wait_until


def test_monitor_reconnects_and_says_so() -> None:
    server = RestartableServer()
    server.start()
    env = {**os.environ, "AIRSPACE_TARGET": server.target, "AIRSPACE_TOKEN": "demo-regulator"}
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "airspace.cli.main",
            "monitor",
            "--kind",
            "plan",
            "--count",
            "1",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_until(lambda: server.server.bus.subscriber_count == 1, timeout_s=30)
        server.stop()
        server.start()
        wait_until(lambda: server.server.bus.subscriber_count == 1, timeout_s=30)
        plan = delivery(time.time() + 600, DEPOT, offset(DEPOT, 900, 900))
        with AirspaceClient(server.target, "demo-operator") as client:
            plan_id = client.submit_flight_plan(plan).flight_plan.flight_plan_id
        out, err = watcher.communicate(timeout=30)
    finally:
        watcher.kill()
        server.stop()
    assert watcher.returncode == 0, err
    gap, event = (json.loads(line) for line in out.strip().splitlines())
    assert gap["reconnected"]["cause"] in {"UNAVAILABLE", "ENDED"}
    assert event["plan"]["flight_plan_id"] == plan_id
