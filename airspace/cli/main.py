"""The ``airspace`` command: run the service, and talk to it as an operator or regulator.

Settings come from flags, then environment variables (AIRSPACE_TARGET, AIRSPACE_TOKEN,
AIRSPACE_TIMEOUT), then a TOML file (``--config`` / AIRSPACE_CONFIG, by default
~/.config/airspace/config.toml; see airspace/cli/config.py). Every client command prints
tables for people and, with ``--json`` (before or after the command), JSON for scripts.

Exit codes: 0 success, 1 the service refused the request (the message says why), 2 bad usage
(including a bad settings file), 3 the service could not be reached (or did not answer in time).
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from google.protobuf import json_format
from rich.console import Console
from rich.table import Table

from airspace.cli import bridge, config, demo, monitor, plan, replay, sim
from airspace.cli.options import connect, json_option
from airspace.errors import AirspaceError, InvalidArgument, Unavailable
from airspace.sdk import AirspaceClient, Tls, plan_from_geojson, plan_to_geojson
from airspace.timestamps import from_timestamp
from airspace.v1 import flight_plan_pb2, geozone_pb2, telemetry_service_pb2

T = TypeVar("T")
console = Console()
errors_out = Console(stderr=True)

EXIT_REFUSED, EXIT_UNREACHABLE = 1, 3


EPILOG = """\b
Examples:
  airspace serve
  airspace zones list
  airspace plans submit examples/delivery.geojson --depart-in 300 --json
  AIRSPACE_TOKEN=demo-regulator airspace monitor

\b
Exit codes: 0 done, 1 refused by the service (the reason is printed),
2 bad usage, 3 service unreachable or no answer in time.
"""


@click.group(epilog=EPILOG)
@click.option(
    "--config",
    envvar=config.ENV_VAR,
    type=click.Path(dir_okay=False),
    is_eager=True,
    expose_value=False,
    callback=config.load,
    help="TOML file of defaults for any option (env AIRSPACE_CONFIG) "
    "[default: ~/.config/airspace/config.toml, if present].",
)
@click.option(
    "--target",
    envvar="AIRSPACE_TARGET",
    default="localhost:50051",
    show_default=True,
    help="host:port of the service (env AIRSPACE_TARGET).",
)
@click.option(
    "--token",
    envvar="AIRSPACE_TOKEN",
    default="demo-operator",
    show_default=True,
    help="Bearer token (env AIRSPACE_TOKEN). A bare `airspace serve` accepts "
    "demo-operator, demo-operator-2 and demo-regulator.",
)
@click.option(
    "--timeout",
    "timeout_s",
    envvar="AIRSPACE_TIMEOUT",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="Seconds a call may take, retries included (env AIRSPACE_TIMEOUT).",
)
@click.option(
    "--tls",
    "use_tls",
    envvar="AIRSPACE_TLS",
    is_flag=True,
    help="Connect over TLS, trusting the system's roots (implied by the --tls-* files).",
)
@click.option(
    "--tls-ca",
    envvar="AIRSPACE_TLS_CA",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM file of the authority that signed the service's certificate.",
)
@click.option(
    "--tls-cert",
    envvar="AIRSPACE_TLS_CERT",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM client certificate, for a service that requires one (mutual TLS).",
)
@click.option(
    "--tls-key",
    envvar="AIRSPACE_TLS_KEY",
    type=click.Path(exists=True, dir_okay=False),
    help="PEM private key of --tls-cert.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.pass_context
def cli(
    ctx: click.Context,
    target: str,
    token: str,
    timeout_s: float,
    use_tls: bool,
    tls_ca: str | None,
    tls_cert: str | None,
    tls_key: str | None,
    as_json: bool,
) -> None:
    """Airspace: low-altitude traffic management for city drone traffic."""
    tls = None
    if use_tls or tls_ca or tls_cert or tls_key:
        try:
            tls = Tls.from_files(tls_ca, tls_cert, tls_key)
        except ValueError as exc:
            raise click.UsageError(f"--tls-cert and --tls-key: {exc}") from exc
    ctx.obj = {
        "target": target,
        "token": token,
        "timeout_s": timeout_s,
        "tls": tls,
        "json": as_json,
    }


def _run(ctx: click.Context, call: Callable[[AirspaceClient], T]) -> T:
    """Call the service; turn its errors into a readable message and an exit code."""
    try:
        with connect(ctx) as client:
            return call(client)
    except Unavailable as exc:
        errors_out.print(f"[red]cannot reach {ctx.obj['target']}:[/] {exc.message}")
        sys.exit(EXIT_UNREACHABLE)
    except InvalidArgument as exc:
        errors_out.print("[red]invalid request:[/]")
        for v in exc.violations:
            errors_out.print(f"  {v.field}: {v.description}")
        sys.exit(EXIT_REFUSED)
    except AirspaceError as exc:
        errors_out.print(f"[red]{type(exc).__name__}:[/] {exc.message}")
        sys.exit(EXIT_REFUSED)


def _print_json(message: Any) -> None:
    if hasattr(message, "DESCRIPTOR"):
        message = json_format.MessageToDict(message, preserving_proto_field_name=True)
    click.echo(json.dumps(message, indent=2))


def _when(ts: Any) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(from_timestamp(ts)))


# -- serve -----------------------------------------------------------------------------------
@cli.command()
@click.option("--host", default=None, help="Interface to listen on [default: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port to listen on [default: 50051].")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, path_type=Path),
    help="TOML settings file (see airspace/server/settings.py).",
)
@click.option("--no-demo-city", is_flag=True, help="Start with no geozones.")
@click.option(
    "--store",
    envvar="AIRSPACE_STORE",
    default=None,
    help="'memory' (embedded, the default), redis://HOST:PORT/DB or "
    "redis+cluster://HOST:PORT (any node of a Redis Cluster), shared by every replica "
    "started with the same URL (env AIRSPACE_STORE).",
)
@json_option
@click.pass_context
def serve(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    config_path: Path | None,
    no_demo_city: bool,
    store: str | None,
) -> None:
    """Run the service: on the embedded store, or as one replica on a shared Redis (with
    --json, JSON says where it listens).

    Example: airspace serve --port 50051
    Example: airspace serve --port 50052 --store redis://127.0.0.1:6379/0
    """
    # The server's modules (h3, shapely, pyproj) load only for `serve`: the client commands
    # need nothing but grpc.
    from airspace.server.app import AirspaceServer
    from airspace.server.settings import ServerSettings, SettingsError, load_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        settings = load_settings(config_path) if config_path else ServerSettings()
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
    settings = replace(
        settings,
        host=host or settings.host,
        port=settings.port if port is None else port,
        demo_city=settings.demo_city and not no_demo_city,
        store=store or settings.store,
    )
    if settings.uses_demo_tokens:
        errors_out.print(
            "[yellow]using the demo tokens: demo-operator, demo-operator-2, "
            "demo-regulator (pass --config to set real ones)[/]"
        )
    asyncio.run(_serve(AirspaceServer(settings), ctx.obj["json"]))


async def _serve(server: Any, as_json: bool) -> None:
    await server.start(settle_heap=True)
    if as_json:
        _print_json({"serving": {"host": server.settings.host, "port": server.port}})
    else:
        console.print(f"airspace serving on {server.settings.host}:{server.port} (Ctrl-C to stop)")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop(2.0)


# -- zones -----------------------------------------------------------------------------------
@cli.group()
def zones() -> None:
    """Geozones: list them, import GeoJSON or ED-269 (regulators).

    Example: airspace zones list --json
    """


@zones.command("list")
@json_option
@click.pass_context
def zones_list(ctx: click.Context) -> None:
    """List every geozone.

    Example: airspace zones list
    """
    found = _run(ctx, lambda c: list(c.iter_geozones()))
    if ctx.obj["json"]:
        _print_json([json_format.MessageToDict(z, preserving_proto_field_name=True) for z in found])
        return
    table = Table("id", "name", "kind", "altitude (m)", "schedule")
    for z in found:
        kind = geozone_pb2.GeozoneKind.Name(z.kind).removeprefix("GEOZONE_KIND_").lower()
        schedule = (
            "always"
            if not z.schedule
            else f"{len(z.schedule)} window(s) from {_when(z.schedule[0].start_time)}"
        )
        table.add_row(
            z.geozone_id, z.name, kind, f"{z.altitude.lower_m:g}–{z.altitude.upper_m:g}", schedule
        )
    console.print(table)


@zones.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "ed269"]),
    default=None,
    help="Document format [default: from the file, ED-269 if it has 'features' without a 'type']",
)
@json_option
@click.pass_context
def zones_import(ctx: click.Context, path: Path, fmt: str | None) -> None:
    """Import geozones from a GeoJSON or ED-269 file: all of them, or none.

    Example: AIRSPACE_TOKEN=demo-regulator airspace zones import zones.geojson
    """
    content = path.read_bytes()
    fmt = fmt or _guess_format(content)
    imported = _run(ctx, lambda c: c.import_geozones(content, fmt))
    if ctx.obj["json"]:
        _print_json(
            [json_format.MessageToDict(z, preserving_proto_field_name=True) for z in imported]
        )
        return
    console.print(
        f"imported {len(imported)} geozone(s): " + ", ".join(z.geozone_id for z in imported)
    )


def _guess_format(content: bytes) -> str:
    try:
        document = json.loads(content)
    except ValueError:
        return "geojson"
    return "geojson" if isinstance(document, dict) and "type" in document else "ed269"


# -- plans -----------------------------------------------------------------------------------
@cli.group()
def plans() -> None:
    """Flight plans: submit, list, show, activate, end, cancel.

    Example: airspace plans list --state accepted
    """


@plans.command("submit")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--request-id",
    default=None,
    help="Idempotency key; reuse it to retry safely [default: a new UUID].",
)
@click.option(
    "--depart-in",
    type=float,
    default=None,
    help="Departure, in seconds from now, for a GeoJSON plan with relative times.",
)
@click.option(
    "--depart-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%SZ"]),
    default=None,
    help="Departure (UTC, e.g. 2026-12-01T09:00:00Z) for a GeoJSON plan with relative times.",
)
@json_option
@click.pass_context
def plans_submit(
    ctx: click.Context,
    path: Path,
    request_id: str | None,
    depart_in: float | None,
    depart_at: datetime | None,
) -> None:
    """Submit a flight plan from a GeoJSON Feature or a protobuf-JSON FlightPlan.

    Example: airspace plans submit examples/delivery.geojson --depart-in 300
    """
    departure = None
    if depart_at is not None:
        departure = depart_at.replace(tzinfo=UTC).timestamp()
    elif depart_in is not None:
        departure = time.time() + depart_in
    plan = _read_plan(path, departure)
    answer = _run(ctx, lambda c: c.submit_flight_plan(plan, request_id or str(uuid.uuid4())))
    if ctx.obj["json"]:
        _print_json(answer)
        return
    state = flight_plan_pb2.FlightPlanState.Name(answer.flight_plan.state)
    console.print(f"{answer.flight_plan.flight_plan_id}: [bold]{state.split('_')[-1]}[/]")
    for c in answer.conflicts:
        console.print(
            f"  conflict with {c.flight_plan_id} at {_when(c.time)} near "
            f"({c.position.latitude_deg:.5f}, {c.position.longitude_deg:.5f}) "
            f"{c.altitude_m:.0f} m: {c.horizontal_separation_m:.1f} m apart horizontally, "
            f"{c.vertical_separation_m:.1f} m vertically"
        )
    for v in [*answer.geozone_violations, *answer.advisories]:
        console.print(f"  geozone {v.geozone_id} ({v.name}) at {_when(v.time)}: {v.reason}")
    for preempted in answer.preempted_flight_plan_ids:
        console.print(f"  preempted {preempted}")
    if answer.HasField("suggested_alternative"):
        console.print(f"  suggestion: {answer.suggested_alternative.description}")
    if answer.flight_plan.state != flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED:
        sys.exit(EXIT_REFUSED)


def _read_plan(path: Path, departure_s: float | None) -> flight_plan_pb2.FlightPlan:
    try:
        document = json.loads(path.read_text())
    except ValueError as exc:
        raise click.BadParameter(f"{path} is not JSON: {exc}") from exc
    try:
        if document.get("type") == "Feature":
            return plan_from_geojson(document, departure_s)
        return json_format.ParseDict(document, flight_plan_pb2.FlightPlan())
    except InvalidArgument as exc:
        details = "; ".join(f"{v.field}: {v.description}" for v in exc.violations)
        raise click.BadParameter(f"{path}: {details}") from exc
    except json_format.ParseError as exc:
        raise click.BadParameter(f"{path}: {exc}") from exc


@plans.command("list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(
        [
            "accepted",
            "activated",
            "nonconforming",
            "contingent",
            "ended",
            "cancelled",
            "rejected",
            "preempted",
        ]
    ),
    help="Only plans in this state (repeatable).",
)
@json_option
@click.pass_context
def plans_list(ctx: click.Context, states: tuple[str, ...]) -> None:
    """List your flight plans (all plans, for regulators).

    Example: airspace plans list --state accepted
    """
    wanted = [
        flight_plan_pb2.FlightPlanState.Value(f"FLIGHT_PLAN_STATE_{s.upper()}") for s in states
    ]
    found = _run(ctx, lambda c: list(c.iter_flight_plans(states=wanted)))
    if ctx.obj["json"]:
        _print_json([plan_to_geojson(p) for p in found])
        return
    table = Table("id", "operator", "vehicle", "state", "from", "to", "reason")
    for p in found:
        table.add_row(
            p.flight_plan_id,
            p.operator_id,
            p.vehicle.registration_id,
            flight_plan_pb2.FlightPlanState.Name(p.state).split("_")[-1].lower(),
            _when(p.time_window.start_time),
            _when(p.time_window.end_time),
            p.state_reason,
        )
    console.print(table)


def _lifecycle(
    name: str, call: Callable[[AirspaceClient, str], flight_plan_pb2.FlightPlan], doc: str
) -> None:
    @plans.command(name, help=doc)
    @click.argument("flight_plan_id")
    @json_option
    @click.pass_context
    def command(ctx: click.Context, flight_plan_id: str) -> None:
        plan = _run(ctx, lambda c: call(c, flight_plan_id))
        if ctx.obj["json"]:
            _print_json(plan)
            return
        state = flight_plan_pb2.FlightPlanState.Name(plan.state).split("_")[-1].lower()
        console.print(f"{plan.flight_plan_id}: {state}")


_lifecycle(
    "show",
    AirspaceClient.get_flight_plan,
    "Show one flight plan.\n\nExample: airspace plans show PLAN_ID",
)
_lifecycle(
    "activate",
    AirspaceClient.activate_flight_plan,
    "Activate an accepted plan just before take-off.\n\nExample: airspace plans activate ID",
)
_lifecycle(
    "end",
    AirspaceClient.end_flight_plan,
    "End an activated plan after landing.\n\nExample: airspace plans end PLAN_ID",
)
_lifecycle(
    "cancel",
    AirspaceClient.cancel_flight_plan,
    "Cancel an accepted plan and release its airspace.\n\nExample: airspace plans cancel ID",
)


@cli.group("plan")
def plan_group() -> None:
    """Plan routes and fleet deliveries (conflict-free, around geozones).

    Example: airspace plan route --from 22.54,114.057 --to 22.56,114.105
    """


@plan_group.command("route")
@click.option("--from", "origin", required=True, metavar="LAT,LON")
@click.option("--to", "destination", required=True, metavar="LAT,LON")
@click.option(
    "--depart-in",
    type=float,
    default=300,
    show_default=True,
    help="Earliest departure, seconds from now.",
)
@click.option(
    "--window",
    type=float,
    default=3600,
    show_default=True,
    help="Seconds from the earliest departure to the latest arrival.",
)
@click.option(
    "--altitude",
    default="40,80",
    show_default=True,
    metavar="LOWER,UPPER",
    help="Preferred cruise band (m AGL).",
)
@click.option("--submit", is_flag=True, help="Also submit the route as a flight plan.")
@json_option
@click.pass_context
def plan_route(
    ctx: click.Context,
    origin: str,
    destination: str,
    depart_in: float,
    window: float,
    altitude: str,
    submit: bool,
) -> None:
    """Plan one conflict-free route for the demo vehicle (15 m/s, 3 m/s climb).

    Example: airspace plan route --from 22.54,114.057 --to 22.56,114.105 --submit
    """
    try:
        request = plan.route_request(origin, destination, depart_in, window, altitude, submit)
    except ValueError as exc:
        raise click.BadParameter("use LAT,LON and LOWER,UPPER numbers") from exc
    answer = _run(ctx, lambda c: c.plan_route(request))
    if ctx.obj["json"]:
        _print_json(answer)
    elif not plan.show_route(answer, console):
        sys.exit(EXIT_REFUSED)


@plan_group.command("deliveries")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--start-in",
    type=float,
    default=300,
    show_default=True,
    help="The orders' times count from this many seconds from now.",
)
@click.option(
    "--time-limit", type=float, default=8, show_default=True, help="Seconds the solver may search."
)
@click.option("--submit", is_flag=True, help="Also submit every flight.")
@click.option(
    "--geojson",
    "geojson_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the flights as a GeoJSON FeatureCollection (QGIS, kepler.gl).",
)
@json_option
@click.pass_context
def plan_deliveries(
    ctx: click.Context,
    path: Path,
    start_in: float,
    time_limit: float,
    submit: bool,
    geojson_path: Path | None,
) -> None:
    """Assign orders to a fleet and plan conflict-free flights (OR-Tools), with progress.

    Example: airspace plan deliveries examples/orders.json --submit --geojson flights.geojson
    """
    answer = _run(
        ctx, lambda c: plan.plan_deliveries(c, path, start_in, submit, time_limit, console)
    )
    if geojson_path is not None:
        geojson_path.write_text(json.dumps(plan.geojson(answer), indent=1))
    if ctx.obj["json"]:
        _print_json(answer)
    else:
        plan.show_deliveries(answer, console)


@cli.group()
def telemetry() -> None:
    """Live telemetry from a ground station.

    Example: airspace telemetry replay examples/head_on.csv --speed 5
    """


@telemetry.command("replay")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--speed",
    type=float,
    default=1.0,
    show_default=True,
    help="Replay this many times faster than recorded.",
)
@json_option
@click.pass_context
def telemetry_replay(ctx: click.Context, path: Path, speed: float) -> None:
    """Stream recorded states as live traffic, and print what comes back.

    Example: airspace telemetry replay examples/head_on.csv
    """
    try:
        rows = replay.read_rows(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="PATH") from exc

    def stream(client: AirspaceClient) -> None:
        with replay.progress(console, rows, enabled=not ctx.obj["json"]) as sent:
            for response in client.stream_telemetry(replay.requests(rows, speed, sent)):
                show(response)

    def show(response: telemetry_service_pb2.StreamTelemetryResponse) -> None:
        if ctx.obj["json"]:
            _print_json(response)
            return
        for rejection in response.rejections:
            console.print(
                f"[red]rejected[/] {rejection.registration_id}: " + "; ".join(rejection.reasons)
            )
        for line in monitor.alert_lines(response):
            console.print(line)

    _run(ctx, stream)


@cli.command("monitor")
@click.option(
    "--area",
    default=None,
    metavar="LAT,LON,RADIUS_M",
    help="Only this circle [default: the whole airspace].",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(monitor.KIND_NAMES),
    help="Only these kinds of events (repeatable) [default: all].",
)
@click.option("--count", type=int, default=None, help="Stop after this many events.")
@json_option
@click.pass_context
def monitor_command(
    ctx: click.Context, area: str | None, kinds: tuple[str, ...], count: int | None
) -> None:
    """Watch live traffic, conformance alerts, conflicts, plan and zone events (regulators).

    Example: AIRSPACE_TOKEN=demo-regulator airspace monitor --area 22.545,114.07,3000
    """
    try:
        circle = monitor.parse_area(area) if area else None
    except ValueError as exc:
        raise click.BadParameter("use LAT,LON,RADIUS_M", param_hint="--area") from exc

    def watch(client: AirspaceClient) -> None:
        view = monitor.View(console, as_json=ctx.obj["json"])
        kind_values = monitor.kind_values(kinds)
        view.show(client.watch_airspace(circle, kind_values, on_reconnect=view.reconnected), count)

    _run(ctx, watch)


cli.add_command(sim.sim)
cli.add_command(bridge.bridge)
cli.add_command(demo.demo)

if __name__ == "__main__":
    cli()
