"""`airspace bridge`: MAVLink vehicles (PX4 or ArduPilot SITL, the sitl fleet) into the service.

Registered on the ``airspace`` group in ``airspace.cli.main``; ``--target`` and ``--token``
come from the group (``ctx.obj``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from pathlib import Path
from typing import Any

import click
from google.protobuf import json_format
from rich.console import Console
from rich.markup import escape

from airspace.cli import monitor
from airspace.cli.options import json_option
from airspace.v1 import telemetry_service_pb2
from sitl.bridge import (
    Assignment,
    Bridge,
    BridgeSettings,
    BridgeStats,
    load_manifest,
    parse_endpoint,
    parse_vehicle_spec,
)

console = Console(highlight=False, soft_wrap=True)
DEFAULTS = BridgeSettings()

EPILOG = """\b
Examples:
  # PX4 SITL instance 0 (system 1), its plan looked up from the service:
  airspace bridge --mavlink udpin:127.0.0.1:14540 --vehicle 1=UAS-1
  # Two instances and the fleet's manifest, ground 4 m above sea level, for a minute:
  airspace bridge --mavlink udpin:0.0.0.0:14540 --mavlink udpin:0.0.0.0:14541 \\
      --manifest fleet.json --ground-elevation 4 --duration 60
"""


def _endpoints(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    try:
        return [parse_endpoint(v) for v in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _vehicles(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> list[Assignment]:
    try:
        return [parse_vehicle_spec(v) for v in values]
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@click.command("bridge", epilog=EPILOG)
@json_option
@click.option(
    "--mavlink",
    "endpoints",
    multiple=True,
    default=("udpin:127.0.0.1:14540",),
    show_default=True,
    callback=_endpoints,
    metavar="udpin:HOST:PORT",
    help="Listen for MAVLink 1/2 on this UDP address (repeatable), e.g. udpin:0.0.0.0:14541 "
    "for PX4 SITL instance 1.",
)
@click.option(
    "--manifest",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='Vehicles by system id, as the fleet writes them: {"vehicles": [{"system_id": 1, '
    '"registration_id": "UAS-1", "flight_plan_id": "..."}]} (flight_plan_id optional).',
)
@click.option(
    "--vehicle",
    "vehicles",
    multiple=True,
    callback=_vehicles,
    metavar="SYSID=REGISTRATION[:PLAN_ID]",
    help="Map a system id (repeatable; overrides the manifest), e.g. 3=UAS-3. Without a plan "
    "id, the plan the service holds activated for the registration is used. Unmapped "
    "system ids fly as MAV-<sysid>.",
)
@click.option(
    "--ground-elevation",
    type=float,
    default=0.0,
    show_default=True,
    help="Ground elevation above mean sea level (m): altitude AGL = AMSL - this, e.g. 488 "
    "for PX4's default Zurich home.",
)
@click.option(
    "--rate",
    type=click.FloatRange(min=0),
    default=DEFAULTS.max_rate_hz,
    show_default=True,
    help="Most states per vehicle per second (the latest wins), e.g. 1; 0 forwards every "
    "position message.",
)
@click.option(
    "--vanish-after",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULTS.vanish_after_s,
    show_default=True,
    help="Report a vehicle vanished after this many seconds without a message, e.g. 5.",
)
@click.option(
    "--status-every",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Print a status line this often (seconds), e.g. 1; 0 for none.",
)
@click.option(
    "--duration",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop by itself after this many seconds, e.g. 600 [default: run until Ctrl-C].",
)
@click.pass_context
def bridge(
    ctx: click.Context,
    endpoints: list[Any],
    manifest: Path | None,
    vehicles: list[Assignment],
    ground_elevation: float,
    rate: float,
    vanish_after: float,
    status_every: float,
    duration: float | None,
) -> None:
    """Stream MAVLink vehicles' positions into the service as live telemetry.

    Listens to GLOBAL_POSITION_INT (altitude turned into AGL), GPS_RAW_INT (accuracy) and
    HEARTBEAT (armed state and PX4 mode) from PX4 or ArduPilot SITL or the sitl fleet, and
    streams each vehicle's latest state to TelemetryService as the operator of --token,
    reconnecting when the service restarts. Bad packets are counted by kind in the status
    line. Ctrl-C stops.
    """
    try:
        assignments = {a.system_id: a for a in load_manifest(manifest)} if manifest else {}
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--manifest") from exc
    assignments.update({a.system_id: a for a in vehicles})
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = BridgeSettings(
        ground_elevation_m=ground_elevation, max_rate_hz=rate, vanish_after_s=vanish_after
    )
    as_json = bool(ctx.obj["json"])
    the_bridge = Bridge(
        endpoints,
        ctx.obj["target"],
        ctx.obj["token"],
        assignments=assignments.values(),
        settings=settings,
        on_response=lambda response: _show_alerts(response, as_json),
        tls=ctx.obj["tls"],
    )
    try:
        asyncio.run(_run(the_bridge, status_every, duration, as_json))
    except OSError as exc:
        raise click.BadParameter(f"cannot listen: {exc}", param_hint="--mavlink") from exc


async def _run(bridge: Bridge, status_every: float, duration: float | None, as_json: bool) -> None:
    await bridge.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    reporter = asyncio.create_task(_report(bridge, status_every, as_json))
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), duration)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        reporter.cancel()
        await bridge.stop()
    _show_status(bridge.stats, as_json, final=True)


async def _report(bridge: Bridge, every_s: float, as_json: bool) -> None:
    if every_s <= 0:
        return
    while True:
        await asyncio.sleep(every_s)
        _show_status(bridge.stats, as_json)


def status(stats: BridgeStats) -> dict[str, Any]:
    """The figures of a status line."""
    return {
        "vehicles_seen": stats.vehicles_seen,
        "vehicles_active": stats.vehicles_active,
        "positions": stats.positions,
        "forwarded": stats.forwarded,
        "accepted": stats.accepted,
        "rejected": stats.rejected,
        "superseded": stats.superseded,
        "stale": stats.stale,
        "dropped": {str(kind): n for kind, n in sorted(stats.dropped.items())},
        "connected": stats.connected,
        "last_error": stats.last_error,
    }


def status_line(stats: BridgeStats, final: bool = False) -> str:
    dropped = ", ".join(f"{kind} {n}" for kind, n in sorted(stats.dropped.items())) or "none"
    if final:
        service = "stopped"
    else:
        service = "connected" if stats.connected else f"down ({stats.last_error or 'connecting'})"
    return (
        f"vehicles {stats.vehicles_seen} seen, {stats.vehicles_active} active · positions "
        f"{stats.positions} · states forwarded {stats.forwarded} (accepted {stats.accepted}, "
        f"rejected {stats.rejected}, superseded {stats.superseded}, stale {stats.stale}) · "
        f"dropped: {dropped} · stream {service}"
    )


def _show_status(stats: BridgeStats, as_json: bool, final: bool = False) -> None:
    if as_json:
        click.echo(json.dumps({"status": status(stats), "final": final}))
    else:
        when = time.strftime("%H:%M:%S")
        console.print(f"{when} {escape(status_line(stats, final))}")


def _show_alerts(response: telemetry_service_pb2.StreamTelemetryResponse, as_json: bool) -> None:
    """Print what the service pushes back (conformance alerts, conflicts); called from the
    bridge's stream thread."""
    if not (response.alerts or response.conflicts):
        return
    if as_json:
        pushed = json_format.MessageToDict(response, preserving_proto_field_name=True)
        click.echo(json.dumps({"alerts": pushed}))
        return
    for line in monitor.alert_lines(response):
        console.print(escape(line))
