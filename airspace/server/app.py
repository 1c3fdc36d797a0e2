"""The Airspace gRPC server: the use cases wired to a store, with health and reflection."""

from __future__ import annotations

import asyncio
import logging

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from airspace.clock import Clock, SystemClock
from airspace.deconfliction import Deconflictor
from airspace.events import EventBus, GeozoneChanged, PlanChanged
from airspace.flight_plans import FlightPlanBook
from airspace.geozones import GeozoneRegistry
from airspace.live import LiveAirspace
from airspace.planning import PlanningDesk
from airspace.server import heap
from airspace.server.airspace_servicer import AirspaceServicer
from airspace.server.flight_plan_servicer import FlightPlanServicer
from airspace.server.guard import CallGuard
from airspace.server.monitor_servicer import MonitorServicer
from airspace.server.planner_servicer import PlannerServicer
from airspace.server.settings import ServerSettings
from airspace.server.telemetry_servicer import TelemetryServicer
from airspace.server.tls import server_credentials
from airspace.store import RemoteChange, Store
from airspace.store.open import open_store
from airspace.v1 import (
    airspace_service_pb2,
    airspace_service_pb2_grpc,
    flight_plan_service_pb2,
    flight_plan_service_pb2_grpc,
    monitor_service_pb2,
    monitor_service_pb2_grpc,
    planner_service_pb2,
    planner_service_pb2_grpc,
    telemetry_service_pb2,
    telemetry_service_pb2_grpc,
)
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker

log = logging.getLogger(__name__)

SERVICE_NAMES = tuple(
    module.DESCRIPTOR.services_by_name[name].full_name
    for module, name in (
        (airspace_service_pb2, "AirspaceService"),
        (flight_plan_service_pb2, "FlightPlanService"),
        (telemetry_service_pb2, "TelemetryService"),
        (monitor_service_pb2, "MonitorService"),
        (planner_service_pb2, "PlannerService"),
    )
)


class AirspaceServer:
    """One replica of the service. ``await start()``, then ``await stop()``."""

    def __init__(
        self,
        settings: ServerSettings,
        store: Store | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.bus = EventBus()
        self.deconflictor = deconflictor = Deconflictor(settings.airspace)
        self.store = store or open_store(settings.store, deconflictor.reservation_keys)
        self.zones = zones = ZoneChecker(deconflictor)
        self.planning = PlanningDesk(self.store, deconflictor, zones, self.clock)
        self.flight_plans = FlightPlanBook(
            self.store,
            deconflictor,
            zones,
            self.clock,
            self.bus,
            suggest=self.planning.suggest,
            max_open_plans=settings.limits.max_open_plans_per_operator,
        )
        self.planning.book = self.flight_plans
        self.geozones = GeozoneRegistry(self.store, deconflictor, zones, self.clock, self.bus)
        self.live = LiveAirspace(self.store, deconflictor, zones, self.bus, self.clock)
        self._server: grpc.aio.Server | None = None
        self._monitor: asyncio.Task[None] | None = None
        self._follower: asyncio.Task[None] | None = None
        self._settler: asyncio.Task[None] | None = None
        self.port = 0

    async def start(self, *, run_monitor: bool = True, settle_heap: bool = False) -> int:
        """Listen and serve; returns the bound port. Without ``run_monitor`` the live monitor
        cycles only when ``live.cycle()`` is called (tests drive it with their clock). With
        ``settle_heap``, for a process that serves and does nothing else, the loaded state is
        kept out of the garbage collector's full collections (``heap``)."""
        if self.settings.demo_city and not await self.store.list_zones():
            await self.store.put_zones(load_demo_city())
        await self._warm_up()
        if settle_heap:
            self._settler = asyncio.create_task(heap.keep_settled())
        limits = self.settings.limits
        server = grpc.aio.server(
            options=[("grpc.max_receive_message_length", limits.max_message_bytes)],
            maximum_concurrent_rpcs=limits.max_concurrent_calls,
        )
        guard = CallGuard(self.settings.identities, max_streams=limits.max_streams_per_identity)
        guarded = guard.guarded(server)
        airspace_service_pb2_grpc.add_AirspaceServiceServicer_to_server(
            AirspaceServicer(self.geozones), guarded
        )
        flight_plan_service_pb2_grpc.add_FlightPlanServiceServicer_to_server(
            FlightPlanServicer(self.flight_plans), guarded
        )
        telemetry_service_pb2_grpc.add_TelemetryServiceServicer_to_server(
            TelemetryServicer(self.live, self.bus, limits.max_states_per_s_per_stream), guarded
        )
        planner_service_pb2_grpc.add_PlannerServiceServicer_to_server(
            PlannerServicer(self.planning), guarded
        )
        monitor_service_pb2_grpc.add_MonitorServiceServicer_to_server(
            MonitorServicer(self.bus, self.deconflictor, self.zones), guarded
        )
        health_servicer = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
        reflection.enable_server_reflection(
            (*SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
        address = f"{self.settings.host}:{self.settings.port}"
        if self.settings.tls is None:
            self.port = server.add_insecure_port(address)
        else:
            self.port = server.add_secure_port(address, server_credentials(self.settings.tls))
        await server.start()
        for name in ("", *SERVICE_NAMES):
            await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._server = server
        self._follower = asyncio.create_task(self.store.follow(self._on_remote_change))
        if run_monitor:
            self._monitor = asyncio.create_task(self.live.run())
        log.info(
            "airspace serving on %s:%d (%s)",
            self.settings.host,
            self.port,
            "plaintext" if self.settings.tls is None else "TLS",
        )
        return self.port

    async def _warm_up(self) -> None:
        """Compute the footprints of the plans holding airspace before the first call needs
        them (a restarted replica would otherwise pay for them one submission at a time)."""
        for plan in await self.store.holding_plans():
            self.deconflictor.footprint(plan)

    def _on_remote_change(self, change: RemoteChange) -> None:
        """Tell this replica's watchers and monitor what another replica changed."""
        now_s = self.clock.now()
        for plan in change.plans:
            self.bus.publish(PlanChanged(now_s, plan))
        for zone in change.zones:
            self.bus.publish(GeozoneChanged(now_s, zone.geozone_id, zone))
        for zone_id in change.deleted_zone_ids:
            self.bus.publish(GeozoneChanged(now_s, zone_id, None))
        self.live.absorb(change.states)

    async def wait(self) -> None:
        assert self._server is not None
        await self._server.wait_for_termination()

    async def stop(self, grace_s: float = 1.0) -> None:
        for task in (self._monitor, self._follower, self._settler):
            if task is not None:
                task.cancel()
        self._monitor = self._follower = self._settler = None
        if self._server is not None:
            await self._server.stop(grace_s)
            self._server = None
        await self.store.close()
