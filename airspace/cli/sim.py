"""`airspace sim fleet`: simulated multirotors that fly plans and speak MAVLink like PX4 SITL.

The fleet's modules (numpy, pymavlink) load when the command runs, not with the CLI.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from airspace.cli.options import connect, json_option
from airspace.clock import Clock, SystemClock
from sitl import faults as fault_syntax
from sitl import px4
from sitl.link import LISTEN_PORT_BASE
from sitl.routes import Route
from sitl.service import ServiceLifecycle
from sitl.sources import Loaded, fetch_accepted, read_plan_file

if TYPE_CHECKING:
    from sitl.fleet import Fleet, FleetConfig, FleetStatus

console = Console()
VEHICLE_ROWS = 30
"""The final table lists vehicles one by one up to this many."""


class ScaledClock:
    """Wall-clock time running ``factor`` times faster from the moment it is made."""

    def __init__(self, factor: float) -> None:
        self._factor = factor
        self._start_s = time.time()
        self._start_mono = time.monotonic()

    def now(self) -> float:
        return self._start_s + (time.monotonic() - self._start_mono) * self._factor


def _pair(text: str | None, option: str) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        a, b = (float(v) for v in text.split(","))
    except ValueError:
        raise click.BadParameter("expected two numbers: A,B", param_hint=option) from None
    return a, b


@click.group()
@click.pass_context
def sim(ctx: click.Context) -> None:
    """Simulated drones: a PX4-SITL-like fleet over MAVLink 2.

    Example: airspace sim fleet --plans flights.geojson --manifest fleet.json --activate
    """
    ctx.ensure_object(dict)
    ctx.obj.setdefault("target", "localhost:50051")
    ctx.obj.setdefault("token", "demo-operator")
    ctx.obj.setdefault("json", False)


@sim.command("fleet")
@json_option
@click.option(
    "--plans",
    "plans_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Plan file: a GeoJSON FeatureCollection or Feature (e.g. from `airspace plan "
    "deliveries --geojson flights.geojson`), or protobuf-JSON FlightPlan(s).",
)
@click.option(
    "--from-service",
    is_flag=True,
    help="Fly your ACCEPTED plans from the service (--target/--token of `airspace`).",
)
@click.option(
    "--depart-in",
    type=float,
    default=None,
    help="For GeoJSON with relative times: depart this many seconds from now, e.g. 30.",
)
@click.option(
    "--count",
    type=int,
    default=None,
    help="Vehicles to start [default: one per plan]. Extra vehicles wait on the ground at "
    "--home for a ground station's commands; with fewer, the earliest plans are flown.",
)
@click.option("--home", default=None, metavar="LAT,LON", help="Where vehicles without a plan wait.")
@click.option(
    "--fault",
    "fault_specs",
    multiple=True,
    metavar="INDEX:KIND=VALUE[,...]",
    help="Inject a fault (repeatable). INDEX is a vehicle index from 0, or FIRST-LAST. "
    "Kinds: drift=M (drifts up to M metres right of its track), early=S (departs S seconds "
    "early), lost=T+D (no link from T s after departure for D s; keeps flying), gps=SIGMA "
    "(position noise, metres). E.g. --fault 3:drift=40 --fault 0-4:gps=3,lost=60+20",
)
@click.option(
    "--wind",
    default=None,
    metavar="SPEED,FROM_DEG",
    help="Steady wind, m/s and the direction it blows from, e.g. 8,270 (a westerly).",
)
@click.option(
    "--ground-elevation",
    type=float,
    default=0.0,
    show_default=True,
    help="Ground height AMSL (m): MAVLink altitudes are this plus the plans' AGL altitudes.",
)
@click.option(
    "--rate",
    type=float,
    default=10.0,
    show_default=True,
    help="GLOBAL_POSITION_INT per second per vehicle (PX4 sends about 50).",
)
@click.option(
    "--target-host",
    default="127.0.0.1",
    show_default=True,
    help="Where telemetry goes: vehicle N sends to UDP offboard-port-base+N and gcs-port.",
)
@click.option("--offboard-port-base", type=int, default=px4.OFFBOARD_PORT_BASE, show_default=True)
@click.option(
    "--gcs-port",
    type=int,
    default=px4.GROUND_STATION_PORT,
    show_default=True,
    help="Ground-station port shared by all vehicles; 0 for none.",
)
@click.option("--bind-host", default="127.0.0.1", show_default=True, help="Where vehicles listen.")
@click.option(
    "--listen-port-base",
    type=int,
    default=LISTEN_PORT_BASE,
    show_default=True,
    help="Vehicle N takes commands on UDP listen-port-base+N; 0 for free ports.",
)
@click.option(
    "--activate",
    is_flag=True,
    help="Activate each plan in the service 5 s before departure and end it after landing.",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write which system id flies which registration and plan (JSON, for the bridge).",
)
@click.option("--duration", type=float, default=None, help="Stop after this many seconds.")
@click.option(
    "--speed",
    type=float,
    default=1.0,
    show_default=True,
    help="Simulated seconds per real second. Keep 1 with --activate or a bridge: they "
    "judge the vehicles by the wall clock.",
)
@click.option(
    "--status-every",
    type=float,
    default=5.0,
    show_default=True,
    help="Seconds between status lines.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds the GPS noise.")
@click.pass_context
def fleet(
    ctx: click.Context,
    plans_path: Path | None,
    from_service: bool,
    depart_in: float | None,
    count: int | None,
    home: str | None,
    fault_specs: tuple[str, ...],
    wind: str | None,
    ground_elevation: float,
    rate: float,
    target_host: str,
    offboard_port_base: int,
    gcs_port: int,
    bind_host: str,
    listen_port_base: int,
    activate: bool,
    manifest_path: Path | None,
    duration: float | None,
    speed: float,
    status_every: float,
    seed: int,
) -> None:
    """Start simulated multirotors that fly plans, speaking MAVLink 2 over UDP as PX4 SITL
    instances 0..N-1 do: system id N+1, HEARTBEAT, GLOBAL_POSITION_INT, GPS_RAW_INT,
    SYS_STATUS, BATTERY_STATUS, HOME_POSITION, and the ground station's commands (arm,
    takeoff, missions, reposition, return to launch). Ctrl-C stops.

    \b
    Examples:
      airspace sim fleet --plans flights.geojson --count 50 --fault 3:drift=40 \\
          --manifest fleet.json --activate
      airspace sim fleet --from-service --activate --wind 6,270 --fault 0-4:gps=3
    """
    from sitl.dynamics import wind_from
    from sitl.fleet import FleetConfig

    if rate <= 0 or speed <= 0:
        raise click.BadParameter("--rate and --speed must be positive")
    try:
        faults = fault_syntax.faults_by_vehicle(fault_specs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from exc
    wind_pair = _pair(wind, "--wind") or (0.0, 0.0)
    config = FleetConfig(
        target_host=target_host,
        bind_host=bind_host,
        offboard_port_base=offboard_port_base,
        ground_station_port=gcs_port or None,
        listen_port_base=listen_port_base,
        position_rate_hz=rate,
        ground_elevation_m=ground_elevation,
        wind_en_mps=wind_from(*wind_pair),
        home=_pair(home, "--home"),
        seed=seed,
    )
    clock: Clock = SystemClock() if speed == 1.0 else ScaledClock(speed)
    routes = _routes(ctx, plans_path, from_service, depart_in, clock)
    if count is None and not routes:
        raise click.UsageError("no plans to fly: give --plans, --from-service or --count")
    client = connect(ctx) if activate else None
    lifecycle = ServiceLifecycle(client) if client is not None else None
    try:
        _fly(
            ctx,
            routes,
            config,
            clock,
            count,
            faults,
            lifecycle,
            manifest_path,
            duration,
            status_every,
        )
    finally:
        if lifecycle is not None:
            lifecycle.close()
            for o in lifecycle.outcomes:
                console.print(f"{o.action} {o.flight_plan_id}: {o.state} {o.message}".rstrip())
        if client is not None:
            client.close()


def _fly(
    ctx: click.Context,
    routes: list[Route],
    config: FleetConfig,
    clock: Clock,
    count: int | None,
    faults: dict[int, fault_syntax.Faults],
    lifecycle: ServiceLifecycle | None,
    manifest_path: Path | None,
    duration: float | None,
    status_every: float,
) -> None:
    from sitl.drones import Legs, drones
    from sitl.fleet import Fleet
    from sitl.manifest import write_manifest

    try:
        flown = drones(routes)  # one vehicle per drone, flying its plans in turn
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    try:
        flying = Fleet([d.route for d in flown], config, count=count, clock=clock, faults=faults)
    except OSError as exc:
        raise click.ClickException(f"cannot open the vehicles' UDP ports: {exc}") from exc
    with flying:
        legs = None
        if lifecycle is not None:
            no_fault = fault_syntax.Faults()
            each = [faults.get(i, no_fault) for i in range(len(flown))]
            legs = Legs(flown, each, lifecycle, lambda route, what, at_s: None)
        if manifest_path is not None:
            write_manifest(manifest_path, flying.vehicles)
        peers = f"{config.target_host}:{config.offboard_port_base}+N"
        if config.ground_station_port:
            peers += f" and :{config.ground_station_port}"
        console.print(
            f"{len(flying.vehicles)} vehicles ({min(len(flown), len(flying.vehicles))} with a "
            f"plan) sending to {peers}; Ctrl-C stops"
        )

        def tend_legs() -> bool:
            if legs is not None:
                legs.check(clock.now(), flying.geodetic()[2].tolist())
            return False

        try:
            flying.run(
                duration,
                should_stop=tend_legs,
                on_status=lambda s: _show(ctx, s),
                status_every_s=status_every,
            )
        except KeyboardInterrupt:
            console.print("stopping")
        _show(ctx, flying.status())
        if not ctx.obj["json"]:
            _summary(flying)


def _routes(
    ctx: click.Context,
    plans_path: Path | None,
    from_service: bool,
    depart_in: float | None,
    clock: Clock,
) -> list[Route]:
    loaded = Loaded([], [])
    if plans_path is not None:
        departure = None if depart_in is None else clock.now() + depart_in
        try:
            loaded = read_plan_file(plans_path, departure)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--plans") from exc
    if from_service:
        from airspace.cli.main import _run  # the command's error handling and exit codes

        served = _run(ctx, lambda client: fetch_accepted(client, clock.now()))
        loaded = Loaded(
            sorted([*loaded.routes, *served.routes], key=lambda r: r.departure_s),
            [*loaded.skipped, *served.skipped],
        )
    for reason in loaded.skipped:
        console.print(f"[yellow]skipped[/] {reason}")
    return loaded.routes


def _show(ctx: click.Context, status: FleetStatus) -> None:
    if ctx.obj["json"]:
        click.echo(json.dumps(asdict(status)))
        return
    modes = ", ".join(f"{m.removeprefix('AUTO.')} {n}" for m, n in status.modes.items())
    console.print(
        f"{status.time_s:7.1f} s  waiting {status.waiting}  airborne {status.airborne}"
        f"{f' ({modes})' if modes else ''}  landed {status.landed}  "
        f"sent {status.messages_sent:,}  commands {status.commands}  late ticks {status.late_ticks}"
    )


def _summary(flying: Fleet) -> None:
    table = Table("sysid", "registration", "plan", "mode", "armed", "sent", "silenced")
    for v in flying.vehicles[:VEHICLE_ROWS]:
        table.add_row(
            str(v.system_id),
            v.registration_id,
            v.flight_plan_id or "-",
            str(v.mode),
            "yes" if v.armed else "no",
            f"{v.link.sent:,}",
            f"{v.link.silenced:,}",
        )
    console.print(table)
    if len(flying.vehicles) > VEHICLE_ROWS:
        console.print(f"… and {len(flying.vehicles) - VEHICLE_ROWS} more vehicles")
