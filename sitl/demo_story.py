"""The whole story in one process, on real sockets on 127.0.0.1 and the wall clock.

1. The service starts on the embedded store with the demo city's geozones.
2. A regulator starts watching the live airspace; the city's zones are listed.
3. A logistics firm plans its deliveries (OR-Tools) and books them.
4. Two more drones book one street corridor in opposite directions, apart in time.
5. The fleet takes the accepted plans and flies them, speaking MAVLink over UDP into the
   bridge, which streams the states to the service. One delivery drone drifts off its
   track; one corridor drone departs early, straight at the other.
6. The regulator sees each activation, the conformance alerts, the predicted conflict with
   its advisories, and each landing; the story ends when every plan has ended.

    story = Story(STORY, tell=print)
    await story.run()            # cancel it to stop early; story.tally holds the summary
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

from airspace.sdk import AirspaceClient, AsyncAirspaceClient, deliveries_request
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.timestamps import from_timestamp
from airspace.v1 import flight_plan_pb2, geozone_pb2
from sitl import demo_scenario as scene
from sitl.bridge import Assignment, Bridge, BridgeSettings, Endpoint
from sitl.demo_log import Level, Line, Tell
from sitl.demo_regulator import Regulator, Tally
from sitl.drones import Drone, Legs, drones
from sitl.faults import Faults
from sitl.fleet import Fleet, FleetConfig
from sitl.routes import Route
from sitl.service import ServiceLifecycle
from sitl.sources import fetch_accepted

OPERATOR, REGULATOR = "demo-operator", "demo-regulator"
GROUND_ELEVATION_M = 4.0
"""Futian's ground above mean sea level: the fleet reports AMSL, the bridge turns it into AGL."""
CHECK_EVERY_S = 0.25
"""How often the fleet's thread activates and ends plans."""
SETTLE_S = 2.0
"""After the last plan has ended, time for its events to reach the regulator."""
PORT_TRIES = 50


class ServicePortError(OSError):
    """The service cannot listen on the port asked for."""


class Story:
    def __init__(self, scenario: scene.Scenario, tell: Tell, *, port: int = 0) -> None:
        self.scenario = scenario
        self.tally = Tally()
        self._tell = tell
        self._port = port
        self._regulator = Regulator(tell, self.tally, traffic_every_s=10 * scenario.scale)

    async def run(self) -> None:
        """Tell the whole story; cancel to stop early (everything is shut down cleanly).
        ``ServicePortError`` when the service's port is taken, OSError when no UDP ports
        are free for the bridge."""
        server = AirspaceServer(ServerSettings(host="127.0.0.1", port=self._port))
        try:
            await server.start()
        except RuntimeError as exc:  # grpc could not bind the port
            raise ServicePortError(f"cannot serve on 127.0.0.1:{self._port}: {exc}") from exc
        target = f"127.0.0.1:{server.port}"
        self._say(
            "service", f"Airspace serving on {target}: embedded store, demo city", target=target
        )
        try:
            async with AsyncAirspaceClient(target, REGULATOR) as regulator:
                watching = asyncio.create_task(self._regulator.watch(regulator))
                try:
                    await self._zones(regulator)
                    await self._fly(target, await self._book(target))
                    await asyncio.sleep(SETTLE_S)
                finally:
                    watching.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watching
        finally:
            await server.stop(0.5)

    def _say(self, source: str, text: str, level: Level = "info", **data: Any) -> None:
        self._tell(Line(source, text, level, data))

    # -- the city and the bookings -----------------------------------------------------------
    async def _zones(self, client: AsyncAirspaceClient) -> None:
        zones = [z async for z in client.iter_geozones()]
        self._say("city", f"{len(zones)} geozones")
        for z in zones:
            kind = geozone_pb2.GeozoneKind.Name(z.kind).removeprefix("GEOZONE_KIND_").lower()
            band = f"{z.altitude.lower_m:g}–{z.altitude.upper_m:g} m"
            self._say("city", f"{kind:<11} {z.name} ({band})", geozone_id=z.geozone_id)

    async def _book(self, target: str) -> dict[str, Faults]:
        s = self.scenario
        async with AsyncAirspaceClient(target, OPERATOR) as firm:
            document = scene.orders_document(s)
            start_s = time.time() + s.lead_s
            request = deliveries_request(document, start_s)
            request.submit, request.request_id = True, f"demo-firm/{uuid.uuid4()}"
            self._say(
                "firm",
                f"plans {len(document['orders'])} deliveries for {len(document['drones'])} "
                f"drones from {len(document['depots'])} depots, departing in {s.lead_s:.0f} s "
                "at the earliest",
            )
            answer = await firm.plan_deliveries(request)
            for flight in answer.flights:
                what = f"delivers {', '.join(flight.order_ids)}" if flight.order_ids else "returns"
                self._booked(flight.flight_plan, f"{flight.drone_id} {what}", "firm")
            for unserved in answer.unserved:
                why = f"{unserved.reason} {unserved.detail}"
                self._say("firm", f"{unserved.order_id} unserved: {why}", "warn")
            head_on = scene.head_on(s, start_s + s.head_on_after_s)
            for plan, way in zip(head_on.plans, ("west to east", "east to west"), strict=True):
                answer = await firm.submit_flight_plan(plan, f"demo-corridor/{uuid.uuid4()}")
                what = f"{plan.vehicle.registration_id} flies the corridor {way}"
                self._booked(answer.flight_plan, what, "operator")
        return scene.faults(s, head_on.early_s)

    def _booked(self, plan: flight_plan_pb2.FlightPlan, what: str, source: str) -> None:
        state = flight_plan_pb2.FlightPlanState.Name(plan.state).removeprefix("FLIGHT_PLAN_STATE_")
        accepted = plan.state == flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
        self.tally.plans_booked += accepted
        start = from_timestamp(plan.time_window.start_time)
        end = from_timestamp(plan.time_window.end_time)
        self._say(
            source,
            f"{what}: plan {plan.flight_plan_id[:8]} {state}, "
            f"{_clock(start)}–{_clock(end)} (in {start - time.time():.0f} s)",
            "info" if accepted else "warn",
            flight_plan_id=plan.flight_plan_id,
            state=state,
            registration_id=plan.vehicle.registration_id,
        )

    # -- flying ------------------------------------------------------------------------------
    async def _fly(self, target: str, faults: dict[str, Faults]) -> None:
        with AirspaceClient(target, OPERATOR) as client:
            loaded = await asyncio.to_thread(fetch_accepted, client, time.time())
            flown = drones(loaded.routes)
            vehicle_faults = [faults.get(d.registration_id, Faults()) for d in flown]
            bridge = await _open_bridge(target, flown)
            lifecycle = ServiceLifecycle(client)
            try:
                await self._fly_with(bridge, flown, vehicle_faults, lifecycle)
            finally:
                await asyncio.to_thread(lifecycle.close)
                await bridge.stop()
                self.tally.states_forwarded = bridge.stats.forwarded
                for outcome in lifecycle.outcomes:
                    if outcome.message:
                        what = f"{outcome.action} {outcome.flight_plan_id}: {outcome.state}"
                        self._say("fleet", f"{what} {outcome.message}", "warn")

    async def _fly_with(
        self,
        bridge: Bridge,
        flown: list[Drone],
        faults: list[Faults],
        lifecycle: ServiceLifecycle,
    ) -> None:
        base = bridge.addresses[0][1]
        config = FleetConfig(
            offboard_port_base=base,
            ground_station_port=None,
            listen_port_base=0,
            ground_elevation_m=GROUND_ELEVATION_M,
        )
        self._say(
            "bridge",
            f"listening on udpin:127.0.0.1:{base}..{base + len(flown) - 1} (ground "
            f"{GROUND_ELEVATION_M:g} m AMSL), streaming to the service as {OPERATOR}",
        )
        with Fleet([d.route for d in flown], config, faults=dict(enumerate(faults))) as fleet:
            for vehicle, drone, fault in zip(fleet.vehicles, flown, faults, strict=True):
                line = _vehicle_line(vehicle.system_id, drone, fault)
                self._say(
                    "fleet", line, system_id=vehicle.system_id, registration=drone.registration_id
                )
            legs = Legs(flown, faults, lifecycle, self._announce)
            try:
                await self._run_fleet(fleet, legs)
            finally:
                self.tally.mavlink_messages = sum(fleet.counters.messages.values())

    async def _run_fleet(self, fleet: Fleet, legs: Legs) -> None:
        """Run the fleet's real-time loop on its own thread until every plan has ended (or
        until cancelled)."""
        halt = threading.Event()
        failed: list[BaseException] = []

        def check(_: object) -> None:
            legs.check(fleet.clock.now(), fleet.geodetic()[2].tolist())
            if legs.done:
                halt.set()

        def fly() -> None:
            try:
                fleet.run(should_stop=halt.is_set, on_status=check, status_every_s=CHECK_EVERY_S)
            except BaseException as exc:  # handed to the story's loop below
                failed.append(exc)

        thread = threading.Thread(target=fly, name="demo-fleet", daemon=True)
        thread.start()
        try:
            while thread.is_alive():
                await asyncio.sleep(0.1)
        finally:
            halt.set()
            await asyncio.to_thread(thread.join, 5.0)
        if failed:
            raise failed[0]

    def _announce(self, leg: Route, what: str, departs_s: float) -> None:
        registration, plan = leg.registration_id, leg.flight_plan_id[:8]
        if what == "landed":
            self._say("fleet", f"{registration} landed: ending plan {plan}")
            return
        text = f"{registration} departs in {departs_s - time.time():.0f} s on plan {plan}"
        if departs_s < leg.departure_s:
            text += f", {leg.departure_s - departs_s:.0f} s before its slot"
        self._say("fleet", f"{text}: activating it")


async def _open_bridge(target: str, flown: Sequence[Drone]) -> Bridge:
    """A bridge listening on one free loopback port per vehicle, consecutive as PX4 SITL's
    offboard ports are (vehicle N sends to base + N)."""
    assignments = [Assignment(i + 1, d.registration_id) for i, d in enumerate(flown)]
    settings = BridgeSettings(ground_elevation_m=GROUND_ELEVATION_M, plan_refresh_s=1.0)
    for _ in range(PORT_TRIES):
        base = random.randrange(20_000, 60_000 - len(flown))
        endpoints = [Endpoint("127.0.0.1", base + i) for i in range(len(flown))]
        bridge = Bridge(endpoints, target, OPERATOR, assignments=assignments, settings=settings)
        try:
            await bridge.start()
        except OSError:
            continue
        return bridge
    raise OSError("found no block of free UDP ports on 127.0.0.1")


def _vehicle_line(system_id: int, drone: Drone, fault: Faults) -> str:
    legs = ", ".join(f"{leg.flight_plan_id[:8]} at {_clock(leg.departure_s)}" for leg in drone.legs)
    line = f"system {system_id} is {drone.registration_id}: plans {legs}"
    if fault.drift_m:
        line += f"; the wind will push it {fault.drift_m:g} m off its track"
    if fault.early_s:
        line += f"; it will depart {fault.early_s:.0f} s early"
    return line


def _clock(epoch_s: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(epoch_s))
