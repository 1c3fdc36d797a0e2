"""`airspace demo` end to end: a real process, real sockets on 127.0.0.1, the wall clock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from airspace.cli.main import cli
from sitl.demo_scenario import DRIFTING, HEAD_ON

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_S = 80.0
"""The fast story shows all of it within about 45 s; past this the test fails."""


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "airspace.cli.main", "demo", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


def _kind(line: dict[str, Any]) -> str:
    event = line.get("event", {})
    if "conformance" in event:
        return f"{event['conformance']['kind']} {event['conformance']['registration_id']}"
    if "plan" in event:
        return f"PLAN {event['plan']['state']}"
    return "CONFLICT" if "conflict" in event else ""


def test_the_fast_story_shows_the_alert_the_conflict_and_its_advisories_then_stops_on_ctrl_c() -> (
    None
):
    process = _start("--fast", "--json")
    watchdog = threading.Timer(DEADLINE_S, process.kill)
    watchdog.start()
    assert process.stdout is not None
    lines: list[dict[str, Any]] = []
    wanted = {
        "PLAN FLIGHT_PLAN_STATE_ACTIVATED",
        f"ALERT_KIND_NONCONFORMING {DRIFTING}",
        "CONFLICT",
        "PLAN FLIGHT_PLAN_STATE_ENDED",
    }
    try:
        for text in process.stdout:
            lines.append(json.loads(text))
            wanted.discard(_kind(lines[-1]))
            if not wanted:
                process.send_signal(signal.SIGINT)
                break
        out, err = process.communicate(timeout=30)
    finally:
        watchdog.cancel()
    assert not wanted, f"not seen: {wanted}; stderr: {err[-2000:]}"
    assert process.returncode == 0, err[-2000:]
    summary = json.loads(out.splitlines()[-1])["summary"]

    conflicts = [line["event"]["conflict"] for line in lines if _kind(line) == "CONFLICT"]
    pairs = {(c["registration_id_a"], c["registration_id_b"]) for c in conflicts}
    assert pairs <= {HEAD_ON, HEAD_ON[::-1]}, "only the head-on pair comes into conflict"
    advised = {a["registration_id"] for c in conflicts for a in c.get("advisories", [])}
    assert advised and advised <= set(HEAD_ON)
    assert summary["conflicts"] == [sorted(HEAD_ON)]
    assert summary["alerts"]["NONCONFORMING"] >= 1
    assert summary["plans_booked"] == 8  # the firm's three sorties (out and back), the pair
    assert summary["mavlink_messages"] > 0 and summary["states_forwarded"] > 0
    sources = [line["source"] for line in lines]
    for source in ("service", "city", "firm", "operator", "bridge", "fleet", "regulator"):
        assert source in sources
    assert all(line["time"].endswith("Z") for line in lines)


def test_a_taken_port_is_refused_with_the_reason() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["demo", "--port", str(port)])
    assert result.exit_code == 2
    assert f"cannot serve on 127.0.0.1:{port}" in result.output


def test_help_tells_the_story_and_its_options() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert result.exit_code == 0
    for word in ("--fast", "--duration", "--port", "--json", "regulator", "MAVLink"):
        assert word in result.output
