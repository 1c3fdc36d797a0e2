"""A fleet of simulated multirotors speaking MAVLink 2 over UDP where PX4 SITL does.

    from sitl.fleet import Fleet, FleetConfig
    from sitl.sources import read_plan_file

    routes = read_plan_file(Path("flights.geojson")).routes
    with Fleet(routes, FleetConfig(ground_elevation_m=12.0)) as fleet:
        fleet.run(duration_s=600)

One loop steps every vehicle: the dynamics and the plan reference as numpy arrays over the
fleet, the autopilots' modes and commands per vehicle, then the telemetry that is due. Time
comes from a ``Clock``: on a ``ManualClock`` a test advances the clock and calls ``tick()``;
``run()`` ticks in real time and answers commands as they arrive in between.
"""

from __future__ import annotations

import math
import selectors
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Protocol

import numpy as np

from airspace.clock import Clock, SystemClock
from sitl import dynamics, px4, telemetry
from sitl.faults import DRIFT_RATE_MPS, Faults
from sitl.frame import Array, LocalFrames, metres_per_degree
from sitl.link import LISTEN_PORT_BASE, Link
from sitl.reference import PlanReference, half_window_s, leg_modes
from sitl.routes import DEFAULT_CLIMB_MPS, DEFAULT_DESCENT_MPS, DEFAULT_ENDURANCE_S, Route
from sitl.vehicle import Performance, Site, Vehicle

DEFAULT_HOME = (22.5400, 114.0570)
"""Where vehicles without a plan wait when neither ``home`` nor a plan says otherwise."""
SPACING_M = 10.0
MIN_TICK_HZ = 5.0
TURN_SPEED_MPS = 1.0
"""Below this ground speed the heading stays where it was."""


@dataclass(frozen=True, slots=True)
class FleetConfig:
    target_host: str = "127.0.0.1"
    """Where telemetry goes (the offboard and ground-station peers)."""
    bind_host: str = "127.0.0.1"
    """Where vehicles listen for commands."""
    offboard_port_base: int = px4.OFFBOARD_PORT_BASE
    ground_station_port: int | None = px4.GROUND_STATION_PORT
    """None: no ground-station link."""
    listen_port_base: int = LISTEN_PORT_BASE
    """0: every vehicle listens on a free port of the system's choosing."""
    position_rate_hz: float = 10.0
    """GLOBAL_POSITION_INT per second per vehicle (PX4 sends about 50)."""
    ground_elevation_m: float = 0.0
    """AMSL of the flat ground; MAVLink altitudes are this plus the plans' AGL."""
    wind_en_mps: tuple[float, float] = (0.0, 0.0)
    """Steady wind (east, north) m/s, the way it blows: see ``dynamics.wind_from``."""
    accel_h_mps2: float = 3.0
    accel_v_mps2: float = 3.0
    takeoff_altitude_m: float = 2.5
    rtl_altitude_m: float = 30.0
    home: tuple[float, float] | None = None
    """(lat, lon) where vehicles without a plan wait, 10 m apart [default: the first
    plan's start]."""
    seed: int = 0
    """Seeds the GPS noise."""


class Lifecycle(Protocol):
    """Told when a plan-following vehicle is about to depart and when it has landed."""

    def departing(self, route: Route) -> None: ...

    def landed(self, route: Route) -> None: ...


@dataclass(frozen=True, slots=True)
class FleetStatus:
    time_s: float
    """Seconds since the fleet started."""
    vehicles: int
    waiting: int
    airborne: int
    landed: int
    """Vehicles whose plan flight is over."""
    modes: dict[str, int]
    """Airborne vehicles by flight mode."""
    messages_sent: int
    commands: int
    late_ticks: int


@dataclass
class Counters:
    messages: Counter[str] = field(default_factory=Counter)
    """Messages sent, by name (not those a lost link swallowed)."""
    late_ticks: int = 0
    """Real-time ticks that started more than a tick period late."""
    ticks: int = 0


class Fleet:
    def __init__(
        self,
        routes: Sequence[Route],
        config: FleetConfig | None = None,
        *,
        count: int | None = None,
        clock: Clock | None = None,
        faults: dict[int, Faults] | None = None,
        lifecycle: Lifecycle | None = None,
    ) -> None:
        self.config = config = config or FleetConfig()
        self.clock = clock or SystemClock()
        self.lifecycle = lifecycle
        self.epoch_s = self.clock.now()
        count = len(routes) if count is None else count
        flown: list[Route | None] = [*routes[:count], *[None] * (count - len(routes))]
        homes = self._homes(flown)
        self.frames = LocalFrames(homes[:, 0], homes[:, 1])
        self.counters = Counters()
        self._streams = dict(telemetry.STREAMS)
        self._streams["GLOBAL_POSITION_INT"] = (
            1.0 / config.position_rate_hz,
            telemetry.global_position_int,
        )
        self.tick_s = 1.0 / max(config.position_rate_hz, MIN_TICK_HZ)
        self._rng = np.random.default_rng(config.seed)
        self.vehicles: list[Vehicle] = []
        self._selector = selectors.DefaultSelector()
        try:
            self._build(flown, homes, faults or {})
        except BaseException:
            self.close()
            raise
        n = len(self.vehicles)
        self.position_m = np.zeros((n, 3))
        self.velocity_mps = np.zeros((n, 3))
        self.heading_rad = np.zeros(n)
        self.used_s = np.zeros(n)
        """Battery seconds used (airborne time; a little while armed on the ground)."""
        self._t = 0.0
        phases = np.arange(n) / max(n, 1)
        self._due = {name: phases * period for name, (period, _) in self._streams.items()}

    def _homes(self, flown: list[Route | None]) -> Array:
        fallback = self.config.home or next(
            ((r.lats_deg[0], r.lons_deg[0]) for r in flown if r is not None), DEFAULT_HOME
        )
        m_lat, m_lon = (float(v[0]) for v in metres_per_degree(np.array([fallback[0]])))
        homes, spare = [], 0
        for route in flown:
            if route is not None:
                homes.append((route.lats_deg[0], route.lons_deg[0]))
                continue
            east, north = SPACING_M * (spare % 10), SPACING_M * (spare // 10)
            homes.append((fallback[0] + north / m_lat, fallback[1] + east / m_lon))
            spare += 1
        return np.array(homes, dtype=float).reshape(-1, 2)

    def _build(self, flown: list[Route | None], homes: Array, faults: dict[int, Faults]) -> None:
        c = self.config
        m_lat, m_lon = metres_per_degree(homes[:, 0])
        times, points, windows, drift_dirs = [], [], [], []
        max_speed, climb, descent, endurance = [], [], [], []
        for i, route in enumerate(flown):
            fault = faults.get(i, Faults())
            if route is None:
                t = np.array([0.0, 1.0])
                p = np.zeros((2, 3))
                modes: list[px4.FlightMode] = []
            else:
                t = np.array(route.times_s) - fault.early_s - self.epoch_s
                east, north = _local(route, m_lat[i], m_lon[i])
                p = np.column_stack([east, north, route.altitudes_m])
                modes = leg_modes(p)
            times.append(t)
            points.append(p)
            windows.append(half_window_s(p, t, c.accel_h_mps2, c.accel_v_mps2))
            drift_dirs.append(_right_of_track(p))
            max_speed.append(route.max_speed_mps if route else 20.0)
            climb.append(route.climb_rate_mps if route else DEFAULT_CLIMB_MPS)
            descent.append(route.descent_rate_mps if route else DEFAULT_DESCENT_MPS)
            endurance.append(route.endurance_s if route else DEFAULT_ENDURANCE_S)
            site = Site(
                float(homes[i, 0]), float(homes[i, 1]), float(m_lat[i]), float(m_lon[i]),
                c.ground_elevation_m,
            )  # fmt: skip
            performance = Performance(
                route.cruise_speed_mps if route else 10.0, c.takeoff_altitude_m, c.rtl_altitude_m
            )
            link = Link(self._listen_address(i), self._peers(i))
            self._selector.register(link.sock, selectors.EVENT_READ, len(self.vehicles))
            self.vehicles.append(
                Vehicle(i, route, modes, site, performance, fault, link, self.epoch_s)
            )
        self.reference = PlanReference(times, points, np.array(windows))
        self.drift_direction = np.array(drift_dirs)
        self.drift_m = np.array([v.faults.drift_m for v in self.vehicles])
        self.gps_sigma_m = np.array([v.faults.gps_sigma_m for v in self.vehicles])
        self.departure_s = np.array([v.departure_s for v in self.vehicles])
        self.endurance_s = np.array(endurance)
        self.limits = dynamics.Limits(
            np.array(max_speed), np.array(climb), np.array(descent), c.accel_h_mps2, c.accel_v_mps2
        )

    def _listen_address(self, index: int) -> tuple[str, int]:
        base = self.config.listen_port_base
        return self.config.bind_host, (base + index if base else 0)

    def _peers(self, index: int) -> list[tuple[str, int]]:
        c = self.config
        peers = [(c.target_host, c.offboard_port_base + index)]
        if c.ground_station_port is not None:
            peers.append((c.target_host, c.ground_station_port))
        return peers

    # -- the loop ---------------------------------------------------------------------------
    def tick(self) -> None:
        """Take in what arrived, fly every vehicle up to the clock's time, send what is due."""
        self.counters.ticks += 1
        self.receive(0.0)
        self._advance(self.clock.now() - self.epoch_s)
        self._send_due()

    def receive(self, timeout_s: float) -> int:
        """Handle the datagrams that arrive within ``timeout_s``; how many there were."""
        handled = 0
        t = self.clock.now() - self.epoch_s
        for key, _ in self._selector.select(timeout_s):
            vehicle = self.vehicles[key.data]
            for datagram, peer in vehicle.link.receive():
                vehicle.handle(datagram, peer, t, self.position_m[vehicle.index])
                handled += 1
        return handled

    def run(
        self,
        duration_s: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_status: Callable[[FleetStatus], None] | None = None,
        status_every_s: float = 5.0,
    ) -> None:
        """Tick in real time until ``duration_s`` passes or ``should_stop()`` says so."""
        start = time.monotonic()
        next_tick, next_status = start, start + status_every_s
        while True:
            now = time.monotonic()
            if duration_s is not None and now - start >= duration_s:
                return
            if should_stop is not None and should_stop():
                return
            if now < next_tick:
                self.receive(next_tick - now)
                continue
            self.tick()
            next_tick += self.tick_s
            if time.monotonic() > next_tick:
                self.counters.late_ticks += 1
                next_tick = time.monotonic()
            if on_status is not None and now >= next_status:
                on_status(self.status())
                next_status += status_every_s

    def _advance(self, t_s: float) -> None:
        while self._t < t_s - 1e-9:
            dt = min(dynamics.MAX_SUBSTEP_S, t_s - self._t)
            command = self._command(self._t)
            airborne = self.position_m[:, 2] > 0.0
            armed = command.armed
            wind = np.array(self.config.wind_en_mps)
            self.position_m[:], self.velocity_mps[:] = dynamics.step(
                self.position_m, self.velocity_mps, command, self.limits, wind, dt
            )
            self.used_s += dt * np.where(airborne, 1.0, np.where(armed, 0.05, 0.0))
            self._t += dt
            legs = self.reference.leg(self._t)
            for v in self.vehicles:
                v.update(self._t, self.position_m[v.index], int(legs[v.index]))
                if v.events:
                    self._pass_on(v)
        moving = np.hypot(self.velocity_mps[:, 0], self.velocity_mps[:, 1]) > TURN_SPEED_MPS
        turned = np.arctan2(self.velocity_mps[:, 0], self.velocity_mps[:, 1])
        self.heading_rad = np.where(moving, turned, self.heading_rad)

    def _command(self, t_s: float) -> dynamics.Command:
        target = self.position_m.copy()
        feed_forward = np.zeros_like(target)
        cap = self.limits.max_speed_mps.copy()
        steering = [v.steering() for v in self.vehicles]
        on_plan = np.array([s == "plan" for s in steering])
        if on_plan.any():
            ref_pos, ref_vel = self.reference.at(t_s)
            since = np.maximum(t_s - self.departure_s, 0.0)
            offset = np.minimum(self.drift_m, since * DRIFT_RATE_MPS)
            ref_pos[:, :2] += self.drift_direction * offset[:, None]
            target[on_plan] = ref_pos[on_plan]
            feed_forward[on_plan] = ref_vel[on_plan]
        for v, s in zip(self.vehicles, steering, strict=True):
            if s == "legs":
                assert v.guidance is not None
                target[v.index] = v.guidance.target_m
                cap[v.index] = v.guidance.speed_mps
        armed = np.array([v.armed for v in self.vehicles])
        return dynamics.Command(target, feed_forward, cap, armed)

    def _pass_on(self, vehicle: Vehicle) -> None:
        events, vehicle.events = vehicle.events, []
        if self.lifecycle is None or vehicle.route is None:
            return
        for event in events:
            if event == "departing":
                self.lifecycle.departing(vehicle.route)
            else:
                self.lifecycle.landed(vehicle.route)

    # -- telemetry --------------------------------------------------------------------------
    def _send_due(self) -> None:
        t = self._t
        due = {name: np.nonzero(t >= at)[0] for name, at in self._due.items()}
        if not any(len(d) for d in due.values()):
            return
        for name, indices in due.items():
            period = self._streams[name][0]
            at = self._due[name]
            at[indices] = np.maximum(at[indices] + period, t)
        reports = self._reports(t)
        sent = self.counters.messages
        for name, indices in due.items():
            build = self._streams[name][1]
            for i in indices.tolist():
                vehicle = self.vehicles[i]
                vehicle.mav.send(build(reports[i]))
                if vehicle.link.up:
                    sent[name] += 1

    def _reports(self, t_s: float) -> list[telemetry.Report]:
        c = self.config
        n = len(self.vehicles)
        noise = self._rng.standard_normal((n, 3)) * self.gps_sigma_m[:, None]
        noise[:, 2] *= 1.5
        pos = self.position_m + noise
        lat, lon = self.frames.to_geodetic(pos[:, 0], pos[:, 1])
        vel = self.velocity_mps
        speed = np.hypot(vel[:, 0], vel[:, 1])
        heading = np.degrees(self.heading_rad) % 360.0
        accuracy = np.maximum(self.gps_sigma_m, 0.5) * 1000
        remaining = np.clip(1.0 - self.used_s / self.endurance_s, 0.0, 1.0)
        columns = zip(
            np.round(lat * 1e7).astype(np.int64).tolist(),
            np.round(lon * 1e7).astype(np.int64).tolist(),
            np.round((pos[:, 2] + c.ground_elevation_m) * 1000).astype(np.int64).tolist(),
            np.round(pos[:, 2] * 1000).astype(np.int64).tolist(),
            np.round(vel * 100).astype(np.int64).tolist(),
            (np.round(heading * 100).astype(np.int64) % 36000).tolist(),
            np.round(speed * 100).astype(np.int64).tolist(),
            np.round(accuracy).astype(np.int64).tolist(),
            np.round(remaining * 100).astype(np.int64).tolist(),
            (self.position_m[:, 2] > 0.0).tolist(),
            strict=True,
        )
        boot_ms = int(t_s * 1000)
        time_usec = int((self.epoch_s + t_s) * 1e6)
        home_lat = np.round(self.frames.home_lat_deg * 1e7).astype(np.int64).tolist()
        home_lon = np.round(self.frames.home_lon_deg * 1e7).astype(np.int64).tolist()
        home_alt = round(c.ground_elevation_m * 1000)
        reports = []
        for v, (la, lo, alt, rel, (ve, vn, vu), hdg, gs, acc, pct, up) in zip(
            self.vehicles, columns, strict=True
        ):
            current = 2000 if up else (50 if v.armed else 0)
            reports.append(
                telemetry.Report(
                    boot_ms=boot_ms,
                    time_usec=time_usec,
                    lat_e7=la,
                    lon_e7=lo,
                    alt_mm=alt,
                    relative_alt_mm=rel,
                    vn_cms=vn,
                    ve_cms=ve,
                    vd_cms=-vu,
                    heading_cdeg=hdg,
                    ground_speed_cms=gs,
                    h_acc_mm=acc,
                    v_acc_mm=round(acc * 1.5),
                    armed=v.armed,
                    airborne=up,
                    mode=v.mode,
                    battery_pct=pct,
                    battery_mv=14_000 + 28 * pct,
                    current_ca=current,
                    consumed_mah=round(self.used_s[v.index] / 3600 * 20_000),
                    home_lat_e7=home_lat[v.index],
                    home_lon_e7=home_lon[v.index],
                    home_alt_mm=home_alt,
                )
            )
        return reports

    # -- what the fleet looks like ----------------------------------------------------------
    def status(self) -> FleetStatus:
        airborne = self.position_m[:, 2] > 0.0
        modes = Counter(str(v.mode) for v in self.vehicles if airborne[v.index])
        return FleetStatus(
            time_s=self._t,
            vehicles=len(self.vehicles),
            waiting=sum(1 for v in self.vehicles if v.following_plan and not v.departed),
            airborne=int(airborne.sum()),
            landed=sum(1 for v in self.vehicles if v.flight_done),
            modes=dict(sorted(modes.items())),
            messages_sent=sum(self.counters.messages.values()),
            commands=sum(v.commands for v in self.vehicles),
            late_ticks=self.counters.late_ticks,
        )

    def geodetic(self) -> tuple[Array, Array, Array]:
        """True (noise-free) latitude, longitude (degrees) and AGL altitude (m) of each vehicle."""
        lat, lon = self.frames.to_geodetic(self.position_m[:, 0], self.position_m[:, 1])
        return lat, lon, self.position_m[:, 2].copy()

    def close(self) -> None:
        for v in self.vehicles:
            v.link.close()
        self._selector.close()

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()


def _local(route: Route, m_per_deg_lat: float, m_per_deg_lon: float) -> tuple[Array, Array]:
    lats, lons = np.array(route.lats_deg), np.array(route.lons_deg)
    return (lons - lons[0]) * m_per_deg_lon, (lats - lats[0]) * m_per_deg_lat


def _right_of_track(points_m: Array) -> Array:
    """The unit vector to the right of the plan's main direction (home to its farthest point);
    east for a plan that never leaves home."""
    distances = np.hypot(points_m[:, 0], points_m[:, 1])
    far = points_m[int(np.argmax(distances)), :2]
    length = math.hypot(far[0], far[1])
    if length < 1.0:
        return np.array([1.0, 0.0])
    return np.array([far[1], -far[0]]) / length
