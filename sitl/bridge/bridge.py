"""The MAVLink → TelemetryService bridge: UDP endpoints in, one telemetry stream out.

    bridge = Bridge(["udpin:0.0.0.0:14540"], "localhost:50051", "demo-operator",
                    assignments=load_manifest(Path("fleet.json")))
    await bridge.start()
    ...
    await bridge.stop()
    print(bridge.stats.accepted, bridge.stats.dropped)

Each datagram is split into MAVLink messages (``frames``); HEARTBEAT and GPS_RAW_INT update
what the bridge knows of a vehicle, GLOBAL_POSITION_INT becomes a state in the outbox (latest
wins per vehicle), and the uplink thread streams due states to the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from pymavlink.dialects.v20 import common as mavlink

from airspace.clock import Clock, SystemClock
from airspace.sdk import AirspaceClient, AirspaceError, Tls
from airspace.v1 import telemetry_pb2
from sitl.bridge.convert import vehicle_state
from sitl.bridge.endpoints import Endpoint, listen, parse_endpoint
from sitl.bridge.frames import FrameReader
from sitl.bridge.mapping import Assignment, VehicleMap, flying_plans
from sitl.bridge.outbox import Outbox
from sitl.bridge.settings import BridgeSettings
from sitl.bridge.stats import BridgeStats, Drop
from sitl.bridge.uplink import ResponseHandler, Uplink
from sitl.bridge.vehicles import Address, Vehicle, VehicleTable, is_autopilot_heartbeat

log = logging.getLogger("sitl.bridge")

SWEEP_PERIOD_S = 0.25
"""How often silent vehicles are looked for."""


class Bridge:
    """Listens on MAVLink endpoints and streams the vehicles' states to ``target``, acting
    as the operator whose bearer ``token`` it holds (that operator must own the plans)."""

    def __init__(
        self,
        endpoints: Sequence[str | Endpoint],
        target: str,
        token: str,
        *,
        assignments: Iterable[Assignment] = (),
        settings: BridgeSettings | None = None,
        clock: Clock | None = None,
        on_response: ResponseHandler | None = None,
        tls: Tls | None = None,
    ) -> None:
        self.endpoints = [e if isinstance(e, Endpoint) else parse_endpoint(e) for e in endpoints]
        self.settings = settings or BridgeSettings()
        self.stats = BridgeStats()
        self._target = target
        self._connect = partial(AirspaceClient, target, token, tls=tls)
        self._clock = clock or SystemClock()
        self._map = VehicleMap(assignments)
        self._reader = FrameReader()
        self._table = VehicleTable(self.settings.vanish_after_s, self.stats)
        self._outbox = Outbox(
            self._clock, self.settings.min_interval_s, self.settings.max_state_age_s, self.stats
        )
        self._uplink = Uplink(
            self._connect, target, self._outbox, self.settings, self.stats, on_response
        )
        self._transports: list[asyncio.DatagramTransport] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._lookup_wanted = asyncio.Event()
        self._held: dict[int, tuple[float, telemetry_pb2.VehicleState]] = {}

    # -- life cycle --------------------------------------------------------------------------
    async def start(self) -> None:
        """Bind every endpoint (OSError when one cannot be bound) and start streaming."""
        try:
            for endpoint in self.endpoints:
                self._transports.append(await listen(endpoint, self._datagram))
        except OSError:
            self._close_transports()
            raise
        self._uplink.start()
        self._tasks = [
            asyncio.create_task(self._sweep_silent()),
            asyncio.create_task(self._look_up_plans()),
        ]
        log.info(
            "bridge listening on %s, streaming to %s",
            ", ".join(map(str, self.endpoints)),
            self._target,
        )

    async def stop(self) -> None:
        """Stop listening, send nothing more, and end the stream cleanly."""
        self._close_transports()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(self._uplink.stop)

    async def __aenter__(self) -> Bridge:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _close_transports(self) -> None:
        for transport in self._transports:
            transport.close()
        self._transports = []

    @property
    def addresses(self) -> list[Address]:
        """The bound (host, port) of each endpoint, in order (port 0 resolved)."""
        return [t.get_extra_info("sockname")[:2] for t in self._transports]

    def vehicles(self) -> list[Vehicle]:
        """Every vehicle heard so far, by system id."""
        return self._table.vehicles()

    def registration(self, system_id: int) -> str:
        return self._map.registration(system_id)

    def plan(self, system_id: int) -> str:
        """The plan id the vehicle's states carry now ('' for none)."""
        return self._map.plan(system_id)

    # -- MAVLink in --------------------------------------------------------------------------
    def _datagram(self, data: bytes, source: Address) -> None:
        now_s = self._clock.now()
        self.stats.datagrams += 1
        messages, drops = self._reader.read(data)
        for kind, detail in drops:
            self.stats.drop(kind, f"from {source[0]}:{source[1]}: {detail}")
        for message in messages:
            self.stats.messages += 1
            self._message(message, source, now_s)

    def _message(self, message: Any, source: Address, now_s: float) -> None:
        system_id = message.get_srcSystem()
        if system_id == 0:
            self.stats.drop(Drop.SYSTEM_ID_ZERO, f"{message.get_type()} from {source}")
            return
        msg_id = message.get_msgId()
        is_position = msg_id == mavlink.MAVLINK_MSG_ID_GLOBAL_POSITION_INT
        is_heartbeat = is_autopilot_heartbeat(message)
        vehicle = self._table.get(system_id)
        if vehicle is None or not vehicle.active:
            if not (is_position or is_heartbeat):
                return  # not (yet) a vehicle: a ground station, a camera, a stray message
            vehicle = self._table.claim(system_id, source, now_s)
        elif vehicle.source != source:
            self.stats.drop(
                Drop.CONFLICT,
                f"system {system_id} from {source[0]}:{source[1]}, "
                f"already owned by {vehicle.source[0]}:{vehicle.source[1]}",
            )
            return
        vehicle.last_heard_s = now_s
        if is_position:
            self._position(vehicle, message, now_s)
        elif is_heartbeat:
            before = (vehicle.armed, vehicle.mode)
            vehicle.heard_heartbeat(message)
            if (vehicle.armed, vehicle.mode) != before:
                log.info(
                    "system %d (%s): %s, %s",
                    system_id,
                    self._map.registration(system_id),
                    "armed" if vehicle.armed else "disarmed",
                    vehicle.mode,
                )
        elif msg_id == mavlink.MAVLINK_MSG_ID_GPS_RAW_INT:
            vehicle.heard_gps(message)

    def _position(self, vehicle: Vehicle, message: Any, now_s: float) -> None:
        system_id = vehicle.system_id
        vehicle.positions += 1
        self.stats.positions += 1
        state = vehicle_state(
            message,
            vehicle,
            self._map.registration(system_id),
            self._map.plan(system_id),
            now_s,
            self.settings,
        )
        if self._map.pending(system_id):
            # Its plan is not known yet: sending now would raise a false "no activated plan".
            if system_id in self._held:
                self.stats.superseded += 1
            self._held[system_id] = (now_s, state)
            self._lookup_wanted.set()
        else:
            self._outbox.put(system_id, now_s, state)

    # -- housekeeping ------------------------------------------------------------------------
    async def _sweep_silent(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_PERIOD_S)
            self._table.sweep(self._clock.now())

    async def _look_up_plans(self) -> None:
        """Refresh the plans of vehicles without a fixed plan id: periodically, at once when
        such a vehicle appears, and sooner after a failure."""
        wait_s, failing = self.settings.plan_refresh_s, False
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lookup_wanted.wait(), wait_s)
            self._lookup_wanted.clear()
            registrations = {
                self._map.registration(v.system_id)
                for v in self._table.vehicles()
                if self._map.needs_lookup(v.system_id)
            }
            if not registrations:
                continue
            try:
                plans = await asyncio.to_thread(flying_plans, self._connect, self._clock.now())
            except AirspaceError as exc:
                if not failing:
                    log.warning("cannot look up activated plans (%s); retrying", exc.message)
                wait_s, failing = self.settings.reconnect_min_s, True
                continue
            wait_s, failing = self.settings.plan_refresh_s, False
            self._map.set_looked_up(plans, registrations)
            self._release_held()

    def _release_held(self) -> None:
        """Send the states held while their vehicles' plans were being looked up."""
        for system_id, (received_s, state) in self._held.items():
            state.flight_plan_id = self._map.plan(system_id)
            self._outbox.put(system_id, received_s, state)
        self._held.clear()
