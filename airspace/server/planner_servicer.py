"""PlannerService: routes and fleet deliveries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc

from airspace.model import NavigationTolerance, Priority
from airspace.planning import PlanningDesk
from airspace.server import convert
from airspace.server.guard import caller
from airspace.v1 import planner_service_pb2 as pb
from airspace.v1 import planner_service_pb2_grpc as pb_grpc
from airspace.validation import Violations
from planner import NoRoute, RouteRequest
from planner.fleet import DeliveryOrder, DeliveryRequest, DepotSite, FleetDrone
from planner.vrp_problem import Unserved

DEFAULT_TIME_LIMIT_S = 8.0
DEFAULT_TURNAROUND_S = 600.0


class PlannerServicer(pb_grpc.PlannerServiceServicer):
    def __init__(self, desk: PlanningDesk) -> None:
        self._desk = desk

    async def PlanRoute(
        self, request: pb.PlanRouteRequest, context: grpc.aio.ServicerContext
    ) -> pb.PlanRouteResponse:
        answer = await self._desk.plan_route(
            caller(),
            _route_request(request),
            submit=request.submit,
            request_id=request.request_id,
        )
        route = answer.route
        if isinstance(route, NoRoute):
            return pb.PlanRouteResponse(no_route_reason=route.reason, no_route_detail=route.detail)
        response = pb.PlanRouteResponse(
            flight_plan=convert.plan_out(route.plan),
            length_m=route.length_m,
            duration=convert.duration_out(route.duration_s),
            energy_wh=route.energy_wh,
            departure_delay=convert.duration_out(route.departure_delay_s),
            cruise_altitude_m=route.cruise_altitude_m,
            stretch=route.stretch,
        )
        if answer.submission is not None:
            response.submission.CopyFrom(convert.outcome_out(answer.submission))
            response.flight_plan.CopyFrom(response.submission.flight_plan)
        return response

    async def PlanDeliveries(
        self, request: pb.PlanDeliveriesRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.PlanDeliveriesResponse]:
        loop = asyncio.get_running_loop()
        updates: asyncio.Queue[float] = asyncio.Queue()

        def progress(fraction: float) -> None:  # called from the planning thread
            loop.call_soon_threadsafe(updates.put_nowait, fraction)

        time_limit = (
            convert.duration_in(request.time_limit)
            if request.HasField("time_limit")
            else DEFAULT_TIME_LIMIT_S
        )
        job = asyncio.create_task(
            self._desk.plan_deliveries(
                caller(),
                _delivery_request(request),
                time_limit_s=time_limit,
                submit=request.submit,
                request_id=request.request_id,
                progress=progress,
            )
        )
        waiter: asyncio.Task[float] | None = None
        try:
            while not job.done():
                waiter = asyncio.create_task(updates.get())
                await asyncio.wait({job, waiter}, return_when=asyncio.FIRST_COMPLETED)
                if waiter.done():
                    yield pb.PlanDeliveriesResponse(progress=min(waiter.result(), 0.99))
                else:
                    waiter.cancel()
            answer = job.result()
        finally:  # also when the client goes away: nothing of this call is left pending
            job.cancel()
            if waiter is not None:
                waiter.cancel()
        flights = []
        for k, flight in enumerate(answer.plan.flights):
            plan = answer.submissions[k].plan if answer.submissions else flight.plan
            flights.append(
                pb.DeliveryFlight(
                    drone_id=flight.drone_id,
                    order_ids=flight.order_ids,
                    flight_plan=convert.plan_out(plan),
                )
            )
        yield pb.PlanDeliveriesResponse(
            progress=1.0,
            done=True,
            flights=flights,
            unserved=[_unserved(u) for u in answer.plan.unserved],
            stranded_drones=[_unserved(u) for u in answer.plan.stranded],
        )


def _unserved(u: Unserved) -> pb.UnservedOrder:
    return pb.UnservedOrder(order_id=u.order_id, reason=u.reason, detail=u.detail)


def _route_request(msg: pb.PlanRouteRequest) -> RouteRequest:
    out = Violations()
    for name in ("earliest_departure_time", "latest_arrival_time", "vehicle", "altitude"):
        if not msg.HasField(name):
            out.add(name, "is required")
    priority = convert.PRIORITIES.get(msg.priority)
    if priority is None:
        out.add("priority", "set RECREATIONAL, COMMERCIAL, PUBLIC_SERVICE or EMERGENCY")
    out.raise_if_any()
    assert priority is not None
    return RouteRequest(
        origin=convert.latlng_in(msg.origin),
        destination=convert.latlng_in(msg.destination),
        earliest_departure_s=convert.time_in(msg.earliest_departure_time),
        latest_arrival_s=convert.time_in(msg.latest_arrival_time),
        vehicle=convert.vehicle_in(msg.vehicle),
        altitude=convert.band_in(msg.altitude),
        tolerance=NavigationTolerance(msg.tolerance.horizontal_m, msg.tolerance.vertical_m),
        priority=priority,
        operator_id="",
    )


def _delivery_request(msg: pb.PlanDeliveriesRequest) -> DeliveryRequest:
    out = Violations()
    for name in ("altitude", "horizon_start_time", "horizon_end_time"):
        if not msg.HasField(name):
            out.add(name, "is required")
    if not msg.drones:
        out.add("drones", "the fleet is empty")
    out.raise_if_any()
    return DeliveryRequest(
        depots=[DepotSite(d.depot_id, convert.latlng_in(d.position)) for d in msg.depots],
        drones=[
            FleetDrone(
                d.drone_id,
                d.depot_id,
                convert.vehicle_in(d.vehicle),
                d.payload_capacity_kg,
                convert.duration_in(d.turnaround)
                if d.HasField("turnaround")
                else DEFAULT_TURNAROUND_S,
            )
            for d in msg.drones
        ],
        orders=[
            DeliveryOrder(
                o.order_id,
                o.pickup_depot_id,
                convert.latlng_in(o.dropoff),
                o.weight_kg,
                convert.time_in(o.earliest_delivery_time, o.HasField("earliest_delivery_time")),
                convert.time_in(o.latest_delivery_time, o.HasField("latest_delivery_time")),
                convert.PRIORITIES.get(o.priority, Priority.COMMERCIAL),
            )
            for o in msg.orders
        ],
        operator_id="",
        altitude=convert.band_in(msg.altitude),
        tolerance=NavigationTolerance(msg.tolerance.horizontal_m, msg.tolerance.vertical_m),
        horizon_start_s=convert.time_in(msg.horizon_start_time),
        horizon_end_s=convert.time_in(msg.horizon_end_time),
    )
