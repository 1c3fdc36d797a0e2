"""Each RPC the clients make, described once: its method, its request, whether it may be
retried, and what the caller gets back. The sync and asyncio clients only run these.

Idempotent (retried on UNAVAILABLE / RESOURCE_EXHAUSTED): reads, lists, a submission with a
request id (``SubmitFlightPlan`` always has one), a route or fleet plan that books nothing,
and a route submission with a request id. Never retried: activate, end, cancel, zone imports,
a fleet plan that submits (the server re-solves it, which may book different flights).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from airspace.sdk._retry import RetryPolicy
from airspace.v1 import airspace_service_pb2 as airspace_pb
from airspace.v1 import airspace_service_pb2_grpc as airspace_grpc
from airspace.v1 import common_pb2, flight_plan_pb2, geozone_pb2
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import flight_plan_service_pb2_grpc as plans_grpc
from airspace.v1 import monitor_service_pb2 as monitor_pb
from airspace.v1 import monitor_service_pb2_grpc as monitor_grpc
from airspace.v1 import planner_service_pb2 as planner_pb
from airspace.v1 import planner_service_pb2_grpc as planner_grpc
from airspace.v1 import telemetry_service_pb2_grpc as telemetry_grpc

T = TypeVar("T")
DEFAULT_TIMEOUT_S = 10.0
"""Deadline of a unary call, retries included, unless the client or the call says otherwise."""
PLANNING_EXTRA_S = 120.0
"""Added to the default deadline for a fleet plan, which streams while the solver works."""
GEOZONE_FORMATS = {
    "geojson": airspace_pb.GEOZONE_FORMAT_GEOJSON,
    "ed269": airspace_pb.GEOZONE_FORMAT_ED269,
}
FOLLOWED_KINDS = (
    monitor_pb.EVENT_KIND_PLAN,
    monitor_pb.EVENT_KIND_CONFORMANCE,
    monitor_pb.EVENT_KIND_CONFLICT,
)
"""What ``follow_flights`` asks for: the events about plans, not traffic snapshots."""


class Stubs:
    """The service stubs over one channel (sync or asyncio: the stubs work with both)."""

    def __init__(self, channel: Any) -> None:
        self.airspace = airspace_grpc.AirspaceServiceStub(channel)
        self.plans = plans_grpc.FlightPlanServiceStub(channel)
        self.planner = planner_grpc.PlannerServiceStub(channel)
        self.telemetry = telemetry_grpc.TelemetryServiceStub(channel)
        self.monitor = monitor_grpc.MonitorServiceStub(channel)


def metadata(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def channel_options(policy: RetryPolicy) -> list[tuple[str, int]]:
    """Let the channel reconnect at the pace of our own backoff, not gRPC's (1 s, growing to
    two minutes), so that a retry after a restart finds the connection up."""
    return [
        ("grpc.initial_reconnect_backoff_ms", int(policy.initial_backoff_s * 1000)),
        ("grpc.min_reconnect_backoff_ms", int(policy.initial_backoff_s * 1000)),
        ("grpc.max_reconnect_backoff_ms", int(policy.max_backoff_s * 1000)),
    ]


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One RPC to make: unary, or server-streaming for ``stream`` calls."""

    method: Callable[[Stubs], Any]
    request: Any
    idempotent: bool
    result: Callable[[Any], T]
    """What the caller gets from the response (for streams: from the final message)."""


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """A list RPC: the call for a page token, and the items of a page."""

    page: Callable[[str], Call[Any]]
    items: Callable[[Any], Sequence[T]]


def _same(response: T) -> T:
    return response


def _plan_of(response: Any) -> flight_plan_pb2.FlightPlan:
    return response.flight_plan


# -- flight plans ----------------------------------------------------------------------------
def submit_flight_plan(
    plan: flight_plan_pb2.FlightPlan, request_id: str | None
) -> Call[plans_pb.SubmitFlightPlanResponse]:
    """A fresh request id when ``request_id`` is None (an empty one is sent as it is, and the
    service refuses it)."""
    request = plans_pb.SubmitFlightPlanRequest(
        request_id=str(uuid.uuid4()) if request_id is None else request_id, flight_plan=plan
    )
    return Call(lambda s: s.plans.SubmitFlightPlan, request, bool(request.request_id), _same)


def get_flight_plan(flight_plan_id: str) -> Call[flight_plan_pb2.FlightPlan]:
    request = plans_pb.GetFlightPlanRequest(flight_plan_id=flight_plan_id)
    return Call(lambda s: s.plans.GetFlightPlan, request, True, _plan_of)


def flight_plans(
    states: Iterable[int],
    area: common_pb2.Area | None,
    page_size: int,
) -> Paged[flight_plan_pb2.FlightPlan]:
    def page(token: str) -> Call[Any]:
        request = plans_pb.ListFlightPlansRequest(
            states=cast(Any, list(states)), area=area, page_size=page_size, page_token=token
        )
        return Call(lambda s: s.plans.ListFlightPlans, request, True, _same)

    return Paged(page, lambda response: response.flight_plans)


def transition(name: str, flight_plan_id: str) -> Call[flight_plan_pb2.FlightPlan]:
    """Cancel, Activate or End: state changes, never retried."""
    request = getattr(plans_pb, f"{name}FlightPlanRequest")(flight_plan_id=flight_plan_id)
    return Call(lambda s: getattr(s.plans, f"{name}FlightPlan"), request, False, _plan_of)


# -- planning --------------------------------------------------------------------------------
def plan_route(request: planner_pb.PlanRouteRequest) -> Call[planner_pb.PlanRouteResponse]:
    idempotent = not request.submit or bool(request.request_id)
    return Call(lambda s: s.planner.PlanRoute, request, idempotent, _same)


def plan_deliveries(
    request: planner_pb.PlanDeliveriesRequest,
) -> Call[planner_pb.PlanDeliveriesResponse]:
    """Retried only when it books nothing: a retry of a booking run solves the problem again,
    and flight k of the new solution would get the answer stored for flight k of the first
    (the server keeps each flight's answer, not the whole plan of the run)."""
    return Call(lambda s: s.planner.PlanDeliveries, request, not request.submit, _same)


def delivered(
    update: planner_pb.PlanDeliveriesResponse, progress: Callable[[float], None] | None
) -> planner_pb.PlanDeliveriesResponse | None:
    """The final answer of a fleet plan's stream, or None for a progress update (which
    ``progress`` is told)."""
    if progress is not None:
        progress(update.progress)
    return update if update.done else None


# -- geozones --------------------------------------------------------------------------------
def geozones(page_size: int) -> Paged[geozone_pb2.Geozone]:
    def page(token: str) -> Call[Any]:
        request = airspace_pb.ListGeozonesRequest(page_size=page_size, page_token=token)
        return Call(lambda s: s.airspace.ListGeozones, request, True, _same)

    return Paged(page, lambda response: response.geozones)


def get_geozone(geozone_id: str) -> Call[geozone_pb2.Geozone]:
    request = airspace_pb.GetGeozoneRequest(geozone_id=geozone_id)
    return Call(lambda s: s.airspace.GetGeozone, request, True, lambda r: r.geozone)


def import_geozones(content: bytes, fmt: str) -> Call[list[geozone_pb2.Geozone]]:
    if fmt not in GEOZONE_FORMATS:
        raise ValueError(f"fmt must be one of {sorted(GEOZONE_FORMATS)}, not {fmt!r}")
    request = airspace_pb.ImportGeozonesRequest(format=GEOZONE_FORMATS[fmt], content=content)
    return Call(lambda s: s.airspace.ImportGeozones, request, False, lambda r: list(r.geozones))


def query_airspace(
    area: common_pb2.Area,
    altitude: common_pb2.AltitudeBand | None = None,
    time_window: common_pb2.TimeWindow | None = None,
) -> Call[airspace_pb.QueryAirspaceResponse]:
    request = airspace_pb.QueryAirspaceRequest(
        area=area, altitude=altitude, time_window=time_window
    )
    return Call(lambda s: s.airspace.QueryAirspace, request, True, _same)


# -- live ------------------------------------------------------------------------------------
def watch(
    area: common_pb2.Area | None, kinds: Iterable[int]
) -> Call[monitor_pb.WatchAirspaceResponse]:
    request = monitor_pb.WatchAirspaceRequest(area=area, kinds=cast(Any, list(kinds)))
    return Call(lambda s: s.monitor.WatchAirspace, request, True, _same)


def concerns(event: monitor_pb.WatchAirspaceResponse, flight_plan_ids: set[str]) -> bool:
    """Whether a watched event is about one of ``flight_plan_ids``."""
    which = event.WhichOneof("event")
    if which == "plan":
        return event.plan.flight_plan_id in flight_plan_ids
    if which == "conformance":
        return event.conformance.flight_plan_id in flight_plan_ids
    if which == "conflict":
        pair = {event.conflict.flight_plan_id_a, event.conflict.flight_plan_id_b}
        return bool(pair & flight_plan_ids)
    return False
