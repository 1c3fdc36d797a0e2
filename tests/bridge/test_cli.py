"""`airspace bridge` through click, against a real server on the wall clock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from click.testing import CliRunner

from airspace.cli.bridge import bridge, status_line
from airspace.events import TrafficSnapshot
from sitl.bridge import BridgeStats, Drop
from tests.bridge.mavlink_out import Autopilot
from tests.builders import DEPOT
from tests.conftest import RunningServer

ROOT = Path(__file__).resolve().parents[2]


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def invoke(server: RunningServer, *args: str, as_json: bool = False) -> Any:
    obj = {"target": server.target, "token": "demo-operator", "tls": None, "json": as_json}
    return CliRunner().invoke(bridge, list(args), obj=obj)


def test_the_command_streams_prints_status_and_stops_after_its_duration(
    wall_clock_server: RunningServer, autopilots: Callable[[int], Autopilot], tmp_path: Path
) -> None:
    port = free_udp_port()
    manifest = tmp_path / "fleet.json"
    manifest.write_text(json.dumps({"vehicles": [{"system_id": 4, "registration_id": "UAS-4"}]}))
    drone = autopilots(4)
    stop_sending = threading.Event()

    def fly() -> None:  # 10 Hz for as long as the command runs
        while not stop_sending.wait(0.1):
            drone.send(("127.0.0.1", port), drone.position(*DEPOT, 54.0), b"\xfd\x01")

    sender = threading.Thread(target=fly, daemon=True)
    sender.start()
    try:
        result = invoke(
            wall_clock_server,
            "--mavlink",
            f"udpin:127.0.0.1:{port}",
            "--manifest",
            str(manifest),
            "--ground-elevation",
            "4",
            "--rate",
            "1",
            "--status-every",
            "0.5",
            "--duration",
            "2",
            as_json=True,
        )
    finally:
        stop_sending.set()
        sender.join()
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    statuses = [line for line in lines if "status" in line]
    assert len(statuses) >= 3 and lines[-1]["final"]
    final = lines[-1]["status"]
    assert final["vehicles_seen"] == 1 and any(line["status"]["connected"] for line in statuses)
    # UAS-4 flies no plan: the service says so, and the command prints it.
    (alert,) = [a for line in lines if "alerts" in line for a in line["alerts"]["alerts"]]
    assert (alert["kind"], alert["registration_id"]) == ("ALERT_KIND_NO_ACTIVATED_PLAN", "UAS-4")
    assert 1 <= final["accepted"] <= 3  # at most 1 Hz over 2 s, plus the first at once
    assert final["positions"] >= 10 and final["dropped"] == {"truncated": final["positions"]}
    (track,) = cast(TrafficSnapshot, wall_clock_server.cycle()).tracks
    assert (track.state.registration_id, track.state.altitude_m) == ("UAS-4", 50.0)


def test_bad_options_are_refused_with_the_reason(
    wall_clock_server: RunningServer, tmp_path: Path
) -> None:
    bad = tmp_path / "fleet.json"
    bad.write_text(json.dumps({"vehicles": [{"system_id": 0, "registration_id": "X"}]}))
    cases = {
        ("--mavlink", "tcp:127.0.0.1:5760"): "expected udpin:HOST:PORT",
        ("--vehicle", "3"): "SYSID=REGISTRATION",
        ("--manifest", str(bad)): "system_id must be an integer from 1 to 255",
    }
    for args, message in cases.items():
        result = invoke(wall_clock_server, *args)
        assert result.exit_code == 2 and message in result.output, result.output

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        busy = taken.getsockname()[1]
        result = invoke(wall_clock_server, "--mavlink", f"udpin:127.0.0.1:{busy}")
    assert result.exit_code == 2 and "cannot listen" in result.output, result.output


def test_help_explains_every_option_with_an_example() -> None:
    result = CliRunner().invoke(bridge, ["--help"], obj={})
    assert result.exit_code == 0
    for option in (
        "--mavlink",
        "--manifest",
        "--vehicle",
        "--ground-elevation",
        "--rate",
        "--vanish-after",
        "--status-every",
        "--duration",
    ):
        assert option in result.output
    assert "airspace bridge --mavlink udpin:" in result.output


def test_the_status_line_names_each_figure() -> None:
    stats = BridgeStats(
        vehicles_seen=3,
        vehicles_active=2,
        positions=90,
        forwarded=12,
        accepted=11,
        rejected=1,
        superseded=78,
        last_error="Unavailable: down",
    )
    stats.dropped.update({Drop.BAD_CRC: 2, Drop.CONFLICT: 1})
    assert status_line(stats) == (
        "vehicles 3 seen, 2 active · positions 90 · states forwarded 12 (accepted 11, "
        "rejected 1, superseded 78, stale 0) · dropped: bad_crc 2, conflict 1 · "
        "stream down (Unavailable: down)"
    )
    assert status_line(stats, final=True).endswith("stream stopped")


def test_ctrl_c_stops_the_command_cleanly(wall_clock_server: RunningServer) -> None:
    obj = {"target": wall_clock_server.target, "token": "demo-operator", "tls": None, "json": True}
    code = f"from airspace.cli.bridge import bridge; bridge.main(obj={obj!r})"
    process = subprocess.Popen(
        [sys.executable, "-c", code, "--mavlink", f"udpin:127.0.0.1:{free_udp_port()}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stderr is not None
    while "streaming telemetry" not in (line := process.stderr.readline()):
        assert line, "the bridge exited before it streamed"
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert json.loads(out.splitlines()[-1])["final"] is True
