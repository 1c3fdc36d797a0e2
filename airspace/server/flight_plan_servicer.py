"""FlightPlanService: messages in, use cases, messages out."""

from __future__ import annotations

import grpc

from airspace.flight_plans import FlightPlanBook
from airspace.server import convert
from airspace.server.guard import caller
from airspace.v1 import flight_plan_service_pb2 as pb
from airspace.v1 import flight_plan_service_pb2_grpc as pb_grpc
from airspace.validation import Violations


class FlightPlanServicer(pb_grpc.FlightPlanServiceServicer):
    def __init__(self, book: FlightPlanBook) -> None:
        self._book = book

    async def SubmitFlightPlan(
        self, request: pb.SubmitFlightPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.SubmitFlightPlanResponse:
        draft = convert.plan_in(request.flight_plan)
        outcome = await self._book.submit(caller(), request.request_id, draft)
        return convert.outcome_out(outcome)

    async def GetFlightPlan(
        self, request: pb.GetFlightPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetFlightPlanResponse:
        plan = await self._book.get(caller(), request.flight_plan_id)
        return pb.GetFlightPlanResponse(flight_plan=convert.plan_out(plan))

    async def ListFlightPlans(
        self, request: pb.ListFlightPlansRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListFlightPlansResponse:
        out = Violations()
        states = frozenset(convert.STATES.get(s) for s in request.states)
        if None in states:
            out.add("states", "contains an unknown or unspecified state")
        area = convert.area_in(request.area, "area", out) if request.HasField("area") else None
        out.raise_if_any()
        page = await self._book.list_page(
            caller(),
            states=frozenset(s for s in states if s is not None),
            area=area,
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListFlightPlansResponse(
            flight_plans=[convert.plan_out(p) for p in page.items],
            next_page_token=page.next_page_token,
        )

    async def CancelFlightPlan(
        self, request: pb.CancelFlightPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.CancelFlightPlanResponse:
        plan = await self._book.cancel(caller(), request.flight_plan_id)
        return pb.CancelFlightPlanResponse(flight_plan=convert.plan_out(plan))

    async def ActivateFlightPlan(
        self, request: pb.ActivateFlightPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.ActivateFlightPlanResponse:
        plan = await self._book.activate(caller(), request.flight_plan_id)
        return pb.ActivateFlightPlanResponse(flight_plan=convert.plan_out(plan))

    async def EndFlightPlan(
        self, request: pb.EndFlightPlanRequest, context: grpc.aio.ServicerContext
    ) -> pb.EndFlightPlanResponse:
        plan = await self._book.end(caller(), request.flight_plan_id)
        return pb.EndFlightPlanResponse(flight_plan=convert.plan_out(plan))
