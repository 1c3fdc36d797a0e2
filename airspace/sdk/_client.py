"""The synchronous client."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast

import grpc

from airspace.errors import Unavailable
from airspace.sdk._errors import from_rpc_error
from airspace.v1 import airspace_service_pb2 as airspace_pb
from airspace.v1 import airspace_service_pb2_grpc as airspace_grpc
from airspace.v1 import (
    common_pb2,
    flight_plan_pb2,
    geozone_pb2,
    monitor_service_pb2,
    monitor_service_pb2_grpc,
    planner_service_pb2,
    planner_service_pb2_grpc,
    telemetry_service_pb2,
    telemetry_service_pb2_grpc,
)
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import flight_plan_service_pb2_grpc as plans_grpc

R = TypeVar("R")
DEFAULT_TIMEOUT_S = 10.0


class AirspaceClient:
    """A connection to one Airspace service, acting as one identity (its bearer token).

    Every method raises an ``airspace.sdk.AirspaceError`` subclass when the call fails, e.g.
    ``InvalidArgument`` with ``.violations`` naming each bad field.

    >>> with AirspaceClient("localhost:50051", token="demo-operator") as client:
    ...     plans = list(client.iter_flight_plans())
    """

    def __init__(self, target: str, token: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._channel = grpc.insecure_channel(target)
        self._metadata = (("authorization", f"Bearer {token}"),)
        self._timeout_s = timeout_s
        self._airspace = airspace_grpc.AirspaceServiceStub(self._channel)
        self._plans = plans_grpc.FlightPlanServiceStub(self._channel)
        self._telemetry = telemetry_service_pb2_grpc.TelemetryServiceStub(self._channel)
        self._monitor = monitor_service_pb2_grpc.MonitorServiceStub(self._channel)
        self._planner = planner_service_pb2_grpc.PlannerServiceStub(self._channel)

    def __enter__(self) -> AirspaceClient:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def call(self, stub_class: Callable[[grpc.Channel], Any], method: str, request: Any) -> Any:
        """Any RPC by name, with this client's token, deadline and error mapping: for the
        corners of the API that have no helper method yet.

        >>> client.call(FlightPlanServiceStub, "ListFlightPlans", ListFlightPlansRequest())
        """
        return self._call(getattr(stub_class(self._channel), method), request)

    def _call(self, method: Callable[..., R], request: Any) -> R:
        try:
            return method(request, metadata=self._metadata, timeout=self._timeout_s)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc

    # -- flight plans ------------------------------------------------------------------------
    def submit_flight_plan(
        self, plan: flight_plan_pb2.FlightPlan, request_id: str
    ) -> plans_pb.SubmitFlightPlanResponse:
        """Submit a plan; the answer says ACCEPTED or REJECTED with every reason.

        Reusing ``request_id`` for a retry returns the first answer and never books twice.
        """
        return self._call(
            self._plans.SubmitFlightPlan,
            plans_pb.SubmitFlightPlanRequest(request_id=request_id, flight_plan=plan),
        )

    def get_flight_plan(self, flight_plan_id: str) -> flight_plan_pb2.FlightPlan:
        request = plans_pb.GetFlightPlanRequest(flight_plan_id=flight_plan_id)
        return self._call(self._plans.GetFlightPlan, request).flight_plan

    def iter_flight_plans(
        self, states: list[flight_plan_pb2.FlightPlanState] | None = None, page_size: int = 100
    ) -> Iterator[flight_plan_pb2.FlightPlan]:
        """Every visible plan (optionally only in ``states``), fetching pages as needed."""
        token = ""
        while True:
            request = plans_pb.ListFlightPlansRequest(
                states=states or [], page_size=page_size, page_token=token
            )
            page = self._call(self._plans.ListFlightPlans, request)
            yield from page.flight_plans
            token = page.next_page_token
            if not token:
                return

    def cancel_flight_plan(self, flight_plan_id: str) -> flight_plan_pb2.FlightPlan:
        request = plans_pb.CancelFlightPlanRequest(flight_plan_id=flight_plan_id)
        return self._call(self._plans.CancelFlightPlan, request).flight_plan

    def activate_flight_plan(self, flight_plan_id: str) -> flight_plan_pb2.FlightPlan:
        request = plans_pb.ActivateFlightPlanRequest(flight_plan_id=flight_plan_id)
        return self._call(self._plans.ActivateFlightPlan, request).flight_plan

    def end_flight_plan(self, flight_plan_id: str) -> flight_plan_pb2.FlightPlan:
        request = plans_pb.EndFlightPlanRequest(flight_plan_id=flight_plan_id)
        return self._call(self._plans.EndFlightPlan, request).flight_plan

    # -- planning ----------------------------------------------------------------------------
    def plan_route(
        self, request: planner_service_pb2.PlanRouteRequest
    ) -> planner_service_pb2.PlanRouteResponse:
        """A conflict-free route (``no_route_reason`` says why there is none); with
        ``request.submit`` it is also submitted, idempotently under ``request.request_id``."""
        return self._call(self._planner.PlanRoute, request)

    def plan_deliveries(
        self,
        request: planner_service_pb2.PlanDeliveriesRequest,
        progress: Callable[[float], None] | None = None,
    ) -> planner_service_pb2.PlanDeliveriesResponse:
        """Assign a fleet's orders and plan its flights; ``progress`` gets 0..1 as the solver
        works. Returns the final answer: flights and unserved orders with reasons.

        >>> answer = client.plan_deliveries(deliveries_request(json.load(f), time.time() + 600))
        """
        try:
            for update in self._planner.PlanDeliveries(
                request, metadata=self._metadata, timeout=self._timeout_s + 120
            ):
                if progress is not None:
                    progress(update.progress)
                if update.done:
                    return update
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        raise Unavailable("the planner stream ended without an answer")

    # -- live traffic ------------------------------------------------------------------------
    def stream_telemetry(
        self, requests: Iterable[telemetry_service_pb2.StreamTelemetryRequest]
    ) -> Iterator[telemetry_service_pb2.StreamTelemetryResponse]:
        """Send batches of vehicle states; yields one acknowledgement per batch (with any
        rejected states) and, in between, the alerts and conflicts about your vehicles."""
        try:
            yield from self._telemetry.StreamTelemetry(iter(requests), metadata=self._metadata)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc

    def watch_airspace(
        self, area: common_pb2.Area | None = None, kinds: Sequence[int] = ()
    ) -> Iterator[monitor_service_pb2.WatchAirspaceResponse]:
        """Regulators: traffic snapshots, alerts, conflicts, plan and zone events, as they
        happen, optionally only in ``area`` and of ``kinds`` (``EVENT_KIND_*``)."""
        request = monitor_service_pb2.WatchAirspaceRequest(area=area, kinds=cast(Any, kinds))
        try:
            yield from self._monitor.WatchAirspace(request, metadata=self._metadata)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc

    # -- geozones ----------------------------------------------------------------------------
    def iter_geozones(self, page_size: int = 100) -> Iterator[geozone_pb2.Geozone]:
        token = ""
        while True:
            request = airspace_pb.ListGeozonesRequest(page_size=page_size, page_token=token)
            page = self._call(self._airspace.ListGeozones, request)
            yield from page.geozones
            token = page.next_page_token
            if not token:
                return

    def import_geozones(self, content: bytes, fmt: str = "geojson") -> list[geozone_pb2.Geozone]:
        """Import a GeoJSON (``fmt="geojson"``) or ED-269 (``fmt="ed269"``) document; all or
        nothing. Regulators only."""
        formats = {
            "geojson": airspace_pb.GEOZONE_FORMAT_GEOJSON,
            "ed269": airspace_pb.GEOZONE_FORMAT_ED269,
        }
        request = airspace_pb.ImportGeozonesRequest(format=formats[fmt], content=content)
        return list(self._call(self._airspace.ImportGeozones, request).geozones)
