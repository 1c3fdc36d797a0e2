"""The planning desk: routes and fleet deliveries from the pure planner, against live state.

Planning is CPU-heavy (route searches, OR-Tools), so it runs in a worker thread with its own
``Deconflictor`` (caches are not shared across threads), one job at a time; the event loop
keeps serving telemetry and submissions meanwhile. The plans it considers are a snapshot taken
when the job starts; a submission re-checks against the store atomically, so a plan booked
meanwhile makes the submission rejected with its reasons, never a conflict.

The alternatives suggested to a rejected submission are the exception: a later departure or
another layer keeps the plan's ground track, and for a plan of up to ``INLINE_SUGGESTION_POINTS``
waypoints checking those takes a few milliseconds, so they are found on the event loop (with
the book's ``Deconflictor``), never queued behind a fleet's planning. Larger plans, and the
search with detours (a route search) when those fail, go to the worker.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import product
from typing import Any, TypeVar

import shapely

from airspace.clock import Clock
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.flight_plans import FlightPlanBook
from airspace.footprint import MetricShape, MetricVolume, volumes_footprint
from airspace.grid import ReservedKeys
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    Identity,
    LatLng,
    SubmissionOutcome,
    SuggestedAlternative,
    TimeWindow,
)
from airspace.nearby import holding_near
from airspace.store import Store
from airspace.validation import Violations, check_band, check_position, check_vehicle, check_window
from airspace.zones import ZoneChecker
from planner import NoRoute, Route, RouteRequest, alternatives, plan_route
from planner.fleet import DeliveryPlan, DeliveryRequest, plan_deliveries
from planner.variants import MAX_DELAY_S

T = TypeVar("T")

SEARCH_MARGIN_M = 5_000.0
"""How far beyond the straight line the plans considered for a route may be."""
INLINE_SUGGESTION_POINTS = 32
"""Rejected plans with at most this many waypoints (or volumes) get their later departures and
other layers checked on the event loop; larger ones in the worker, so as not to stall it."""
ALTERNATIVE_MARGIN_M = 1_500.0
"""How far from a rejected plan the plans considered for its alternatives may be (detours stay
close; a wider net costs every rejected submission)."""


@dataclass(frozen=True, slots=True)
class RouteAnswer:
    route: Route | NoRoute
    submission: SubmissionOutcome | None = None


@dataclass(frozen=True, slots=True)
class DeliveryAnswer:
    plan: DeliveryPlan
    submissions: tuple[SubmissionOutcome, ...] = ()


class PlanningDesk:
    """Planning use cases. ``book`` submits what was planned; the server wires it after building
    the book, which in turn asks ``suggest`` for alternatives to rejected plans."""

    def __init__(
        self, store: Store, deconflictor: Deconflictor, zones: ZoneChecker, clock: Clock
    ) -> None:
        """``deconflictor`` and ``zones`` are the event loop's (the book's); the worker thread
        gets its own."""
        self._store = store
        self.book: FlightPlanBook | None = None
        self._clock = clock
        self._deconflictor = deconflictor
        self._zones = zones
        self._worker_deconflictor = Deconflictor(deconflictor.config)
        self._worker_zones = ZoneChecker(self._worker_deconflictor)
        self._busy = asyncio.Lock()

    @property
    def config(self) -> AirspaceConfig:
        return self._deconflictor.config

    async def plan_route(
        self, identity: Identity, request: RouteRequest, *, submit: bool, request_id: str
    ) -> RouteAnswer:
        self._check_route(request, submit, request_id)
        request = replace(request, operator_id=identity.subject_id)
        zones = await self._store.list_zones()
        existing = await self._nearby(
            [request.origin, request.destination],
            TimeWindow(request.earliest_departure_s, request.latest_arrival_s),
        )
        route = await self._in_worker(plan_route, request, zones=zones, existing=existing)
        if isinstance(route, NoRoute) or not submit:
            return RouteAnswer(route)
        assert self.book is not None
        outcome = await self.book.submit(identity, request_id, route.plan)
        return RouteAnswer(route, outcome)

    async def plan_deliveries(
        self,
        identity: Identity,
        request: DeliveryRequest,
        *,
        time_limit_s: float,
        submit: bool,
        request_id: str,
        progress: Callable[[float], None],
    ) -> DeliveryAnswer:
        self._check_deliveries(request, time_limit_s, submit, request_id)
        request = replace(request, operator_id=identity.subject_id)
        zones = await self._store.list_zones()
        points = [d.position for d in request.depots] + [o.dropoff for o in request.orders]
        existing = await self._nearby(
            points, TimeWindow(request.horizon_start_s, request.horizon_end_s)
        )
        planned = await self._in_worker(
            plan_deliveries,
            request,
            zones=zones,
            existing=existing,
            time_limit_s=time_limit_s,
            progress=progress,
        )
        if not submit:
            return DeliveryAnswer(planned)
        assert self.book is not None
        outcomes = []
        for k, flight in enumerate(planned.flights):
            outcomes.append(await self.book.submit(identity, f"{request_id}/{k}", flight.plan))
        return DeliveryAnswer(planned, tuple(outcomes))

    async def suggest(self, plan: FlightPlan, now_s: float) -> SuggestedAlternative | None:
        """The nearest conflict-free variant of a rejected plan: a later departure or another
        layer when one works (checked against the plans holding the plan's own cells), else a
        detour (in the worker, against everything within ``ALTERNATIVE_MARGIN_M``)."""
        zones = await self._store.list_zones()
        window = plan.time_window
        later = TimeWindow(window.start_s, window.end_s + MAX_DELAY_S)
        small = len(plan.waypoints) + len(plan.volumes) <= INLINE_SUGGESTION_POINTS
        run = self._on_loop if small else self._in_worker
        nearest = await run(
            alternatives,
            plan,
            zones=zones,
            existing=await self._along_track(plan, later),
            now_s=now_s,
            detours=False,
            nearest_only=True,
        )
        if not nearest:
            nearest = await self._in_worker(
                alternatives,
                plan,
                zones=zones,
                existing=await self._near_track(plan, later, ALTERNATIVE_MARGIN_M),
                now_s=now_s,
                detours=True,
                nearest_only=True,
            )
        if not nearest:
            return None
        description, variant = nearest[0]
        delay_s = variant.time_window.start_s - window.start_s
        return SuggestedAlternative(description, delay_s, replace(variant, flight_plan_id=""))

    async def _on_loop(self, job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a short planner function here, with the event loop's deconflictor and zone
        checker."""
        return job(*args, deconflictor=self._deconflictor, zone_checker=self._zones, **kwargs)

    async def _in_worker(self, job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a planner function in the worker thread, with the worker's own deconflictor and
        zone checker, one job at a time."""
        async with self._busy:
            work = asyncio.ensure_future(
                asyncio.to_thread(
                    job,
                    *args,
                    deconflictor=self._worker_deconflictor,
                    zone_checker=self._worker_zones,
                    **kwargs,
                )
            )
            try:
                return await asyncio.shield(work)
            except asyncio.CancelledError:
                # The caller is gone but a thread cannot be stopped: the desk stays busy
                # until it is done, so the next job never shares the deconflictor with it.
                await asyncio.wait({work})
                raise

    async def _along_track(self, plan: FlightPlan, window: TimeWindow) -> list[FlightPlan]:
        """Plans holding airspace, at any altitude during the window, in the cells the plan
        reserves: every plan that can conflict with a variant keeping its ground track and
        tolerance (such a variant reserves no other cell, and a conflict needs a shared key)."""
        grid = self._deconflictor.grid
        cells = self._deconflictor.reservation_keys(plan).cells()
        buckets = grid.buckets(window.start_s, window.end_s)
        columns = ReservedKeys(dict.fromkeys(product(cells, buckets), 1))
        return await self._store.plans_holding(columns, any_layer=True)

    async def _near_track(
        self, plan: FlightPlan, window: TimeWindow, margin_m: float
    ) -> list[FlightPlan]:
        """Plans holding airspace within ``margin_m`` of the plan's ground track (its bounding
        box, for volumes), at any managed altitude, during the window."""
        footprint = self._deconflictor.footprint(plan)
        track = footprint.track
        core = (
            shapely.LineString(list(zip(track.x, track.y, strict=True)))
            if track is not None
            else shapely.box(*footprint.bounds)
        )
        # One layer of keys, looked up at every layer: the corridor spans the whole band.
        corridor = MetricVolume(MetricShape(core, 0.0), 0.0, 0.0, window.start_s, window.end_s)
        query = volumes_footprint("corridor", (corridor,))
        keys = self._deconflictor.grid.keys(query, margin_m, 0.0)
        return await self._store.plans_holding(keys, any_layer=True)

    async def _nearby(
        self, points: Sequence[LatLng], window: TimeWindow, margin_m: float = SEARCH_MARGIN_M
    ) -> list[FlightPlan]:
        """Plans holding airspace within ``margin_m`` of the points' circle during the window
        (a superset)."""
        xy = [self._deconflictor.projection.to_xy(p.lat, p.lon) for p in points]
        cx = sum(x for x, _ in xy) / len(xy)
        cy = sum(y for _, y in xy) / len(xy)
        radius = max(math.hypot(x - cx, y - cy) for x, y in xy) + margin_m
        centre = self._deconflictor.projection.to_latlng(cx, cy)
        managed = AltitudeBand(self.config.floor_m, self.config.ceiling_m)
        query = self._zones.query_footprint(Circle(centre, radius), managed, window)
        return await holding_near(self._store, self._deconflictor, query)

    def _check_route(self, r: RouteRequest, submit: bool, request_id: str) -> None:
        out = Violations()
        check_position(out, "origin", r.origin, self.config)
        check_position(out, "destination", r.destination, self.config)
        if check_window(
            out, "latest_arrival_time", TimeWindow(r.earliest_departure_s, r.latest_arrival_s)
        ) and (r.latest_arrival_s <= self._clock.now()):
            out.add("latest_arrival_time", "the window is already over")
        check_vehicle(out, "vehicle", r.vehicle)
        check_band(out, "altitude", r.altitude, self.config)
        if submit and not request_id:
            out.add("request_id", "is required to submit")
        out.raise_if_any()

    def _check_deliveries(
        self, r: DeliveryRequest, time_limit_s: float, submit: bool, request_id: str
    ) -> None:
        out = Violations()
        for i, depot in enumerate(r.depots):
            check_position(out, f"depots[{i}].position", depot.position, self.config)
        for i, drone in enumerate(r.drones):
            check_vehicle(out, f"drones[{i}].vehicle", drone.vehicle)
        for i, order in enumerate(r.orders):
            check_position(out, f"orders[{i}].dropoff", order.dropoff, self.config)
        check_band(out, "altitude", r.altitude, self.config)
        check_window(out, "horizon_end_time", TimeWindow(r.horizon_start_s, r.horizon_end_s))
        if not 0 < time_limit_s <= 60:
            out.add("time_limit", "must be between 0 and 60 s")
        if submit and not request_id:
            out.add("request_id", "is required to submit")
        out.raise_if_any()
