"""The synchronous client."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any, TypeVar

import grpc

from airspace.errors import Unavailable
from airspace.sdk import _calls as calls
from airspace.sdk._base import BaseClient
from airspace.sdk._errors import check_accepted, from_rpc_error
from airspace.sdk._streams import OnReconnect, Reconnection
from airspace.v1 import airspace_service_pb2 as airspace_pb
from airspace.v1 import common_pb2, flight_plan_pb2, geozone_pb2, monitor_service_pb2
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import planner_service_pb2 as planner_pb
from airspace.v1 import telemetry_service_pb2 as telemetry_pb

T = TypeVar("T")


class AirspaceClient(BaseClient):
    """A connection to one Airspace service, acting as one identity (its bearer token).

    Every call has a deadline (``timeout_s`` here, or per call), and the idempotent ones —
    reads, lists, submissions with a request id — are retried with jittered exponential
    backoff when the service is unavailable. Failures raise an ``AirspaceError`` subclass,
    e.g. ``InvalidArgument`` with ``.violations`` naming each bad field.

    >>> with AirspaceClient("localhost:50051", token="demo-operator") as client:
    ...     plans = list(client.iter_flight_plans())
    """

    _insecure_channel = grpc.insecure_channel
    _secure_channel = grpc.secure_channel

    def __enter__(self) -> AirspaceClient:
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (``with`` does it for you)."""
        self._channel.close()

    # -- the machinery: one unary call, one list, one server stream ---------------------------
    def _unary(self, call: calls.Call[T], timeout_s: float | None) -> T:
        attempts = self._attempts(call, timeout_s)
        method = call.method(self._stubs)
        while True:
            try:
                response = method(
                    call.request, metadata=self._metadata, timeout=attempts.timeout_s()
                )
                return call.result(response)
            except grpc.RpcError as exc:
                time.sleep(attempts.after(exc))

    def _paged(self, paged: calls.Paged[T], timeout_s: float | None) -> Iterator[T]:
        token = ""
        while True:
            page = self._unary(paged.page(token), timeout_s)
            yield from paged.items(page)
            token = page.next_page_token
            if not token:
                return

    def _reconnecting(
        self, call: calls.Call[T], on_reconnect: OnReconnect | None
    ) -> Generator[T, None, None]:
        state = Reconnection(self.reconnect, self._rng)
        while True:
            stream = call.method(self._stubs)(call.request, metadata=self._metadata)
            error: grpc.RpcError | None = None
            try:
                for message in stream:
                    state.received()
                    yield call.result(message)
            except grpc.RpcError as exc:
                error = exc
            finally:
                stream.cancel()
            while True:
                time.sleep(state.broken(error))
                if self._channel_ready(state.probe_s()):
                    break
                error = None
            state.back(on_reconnect)

    def _channel_ready(self, timeout_s: float) -> bool:
        ready = grpc.channel_ready_future(self._channel)
        try:
            ready.result(timeout=timeout_s)
            return True
        except grpc.FutureTimeoutError:
            ready.cancel()
            return False

    def call(
        self,
        stub_class: Callable[[grpc.Channel], Any],
        method: str,
        request: Any,
        *,
        idempotent: bool = False,
        timeout_s: float | None = None,
    ) -> Any:
        """Any unary RPC by name, with this client's token, deadline, retries (only if you
        say it is ``idempotent``) and error mapping: for corners of the API without a helper.

        >>> from airspace.v1.airspace_service_pb2_grpc import AirspaceServiceStub
        >>> client.call(AirspaceServiceStub, "GetGeozone", GetGeozoneRequest(geozone_id="z1"))
        """
        return self._unary(self._custom(stub_class, method, request, idempotent), timeout_s)

    # -- flight plans ------------------------------------------------------------------------
    def submit_flight_plan(
        self,
        plan: flight_plan_pb2.FlightPlan,
        request_id: str | None = None,
        *,
        raise_if_rejected: bool = False,
        timeout_s: float | None = None,
    ) -> plans_pb.SubmitFlightPlanResponse:
        """Submit a plan; the answer says ACCEPTED or REJECTED with every reason (conflicts,
        geozones, a suggested alternative). With ``raise_if_rejected`` a refusal raises
        ``PlanRejected`` instead.

        ``request_id`` makes it safe to retry: the service answers a repeated id with the
        first answer and never books twice (a fresh id is made when you give none; the
        client's own retries reuse it).

        >>> answer = client.submit_flight_plan(plan, request_id="order-17")
        >>> answer.flight_plan.state == FLIGHT_PLAN_STATE_ACCEPTED
        """
        answer = self._unary(calls.submit_flight_plan(plan, request_id), timeout_s)
        return check_accepted(answer) if raise_if_rejected else answer

    def get_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """One plan by id (yours, or any for a regulator).

        >>> client.get_flight_plan("3f0c…").state
        """
        return self._unary(calls.get_flight_plan(flight_plan_id), timeout_s)

    def iter_flight_plans(
        self,
        states: Sequence[int] = (),
        *,
        area: common_pb2.Area | None = None,
        page_size: int = 100,
        timeout_s: float | None = None,
    ) -> Iterator[flight_plan_pb2.FlightPlan]:
        """Every visible plan, optionally only in ``states`` or touching ``area``; pages are
        fetched as you iterate (``timeout_s`` is per page).

        >>> for plan in client.iter_flight_plans([FLIGHT_PLAN_STATE_ACCEPTED]):
        ...     print(plan.flight_plan_id)
        """
        return self._paged(calls.flight_plans(states, area, page_size), timeout_s)

    def cancel_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Cancel an accepted plan and release its airspace (never retried).

        >>> client.cancel_flight_plan(plan_id).state == FLIGHT_PLAN_STATE_CANCELLED
        """
        return self._unary(calls.transition("Cancel", flight_plan_id), timeout_s)

    def activate_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Activate an accepted plan just before take-off (never retried).

        >>> client.activate_flight_plan(plan_id).state == FLIGHT_PLAN_STATE_ACTIVATED
        """
        return self._unary(calls.transition("Activate", flight_plan_id), timeout_s)

    def end_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """End an activated plan after landing (never retried).

        >>> client.end_flight_plan(plan_id).state == FLIGHT_PLAN_STATE_ENDED
        """
        return self._unary(calls.transition("End", flight_plan_id), timeout_s)

    # -- planning ----------------------------------------------------------------------------
    def plan_route(
        self, request: planner_pb.PlanRouteRequest, *, timeout_s: float | None = None
    ) -> planner_pb.PlanRouteResponse:
        """A conflict-free route (``no_route_reason`` says why there is none). With
        ``request.submit`` it is also submitted; set ``request.request_id`` too, so that it
        books once and the client may retry it.

        >>> answer = client.plan_route(PlanRouteRequest(origin=..., destination=..., ...))
        >>> answer.flight_plan.trajectory.waypoints
        """
        return self._unary(calls.plan_route(request), timeout_s)

    def plan_deliveries(
        self,
        request: planner_pb.PlanDeliveriesRequest,
        progress: Callable[[float], None] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> planner_pb.PlanDeliveriesResponse:
        """Assign a fleet's orders and plan its flights; ``progress`` gets 0..1 as the solver
        works. Returns the final answer: flights and unserved orders with reasons. The
        deadline defaults to the client's plus two minutes.

        >>> request = deliveries_request(json.load(open("orders.json")), time.time() + 600)
        >>> answer = client.plan_deliveries(request, progress=lambda f: print(f"{f:.0%}"))
        """
        call = calls.plan_deliveries(request)
        attempts = self._attempts(call, timeout_s, calls.PLANNING_EXTRA_S)
        while True:
            stream = call.method(self._stubs)(
                call.request, metadata=self._metadata, timeout=attempts.timeout_s()
            )
            try:
                for update in stream:
                    if (answer := calls.delivered(update, progress)) is not None:
                        return answer
            except grpc.RpcError as exc:
                time.sleep(attempts.after(exc))
                continue
            raise Unavailable("the planner stream ended without an answer")

    # -- live traffic ------------------------------------------------------------------------
    def stream_telemetry(
        self, requests: Iterable[telemetry_pb.StreamTelemetryRequest]
    ) -> Iterator[telemetry_pb.StreamTelemetryResponse]:
        """Send batches of vehicle states; yields one acknowledgement per batch (with any
        rejected states) and, in between, the alerts and conflicts about your vehicles. Not
        retried: your request iterator cannot be replayed.

        >>> for answer in client.stream_telemetry(batches):
        ...     print(answer.request_sequence, list(answer.alerts))
        """
        stream = self._stubs.telemetry.StreamTelemetry(iter(requests), metadata=self._metadata)
        try:
            yield from stream
        except grpc.RpcError as exc:
            raise from_rpc_error(exc) from exc
        finally:
            stream.cancel()

    def watch_airspace(
        self,
        area: common_pb2.Area | None = None,
        kinds: Sequence[int] = (),
        *,
        on_reconnect: OnReconnect | None = None,
    ) -> Generator[monitor_service_pb2.WatchAirspaceResponse, None, None]:
        """Live traffic snapshots, alerts, conflicts, plan and zone events, as they happen,
        optionally only in ``area`` and of ``kinds`` (``EVENT_KIND_*``). Regulators see
        everything; an operator sees events about its own plans and vehicles.

        The iterator never ends by itself: when the stream breaks it reconnects with backoff
        (the client's ``reconnect`` policy) and calls ``on_reconnect`` with a ``Reconnected``
        — events in the gap may be missing. It raises ``Unavailable`` when the outage
        outlasts the policy.

        >>> for event in client.watch_airspace(kinds=[EVENT_KIND_CONFORMANCE], on_reconnect=print):
        ...     print(event.conformance.reason)
        """
        return self._reconnecting(calls.watch(area, kinds), on_reconnect)

    def follow_flights(
        self, flight_plan_ids: Iterable[str], *, on_reconnect: OnReconnect | None = None
    ) -> Generator[monitor_service_pb2.WatchAirspaceResponse, None, None]:
        """The plan events (state changes), conformance alerts and conflicts of these flights,
        reconnecting like ``watch_airspace``.

        >>> for event in client.follow_flights([f.flight_plan.flight_plan_id for f in flights]):
        ...     print(event.WhichOneof("event"), event)
        """
        wanted = set(flight_plan_ids)
        events = self.watch_airspace(kinds=calls.FOLLOWED_KINDS, on_reconnect=on_reconnect)
        return (event for event in events if calls.concerns(event, wanted))

    # -- geozones ----------------------------------------------------------------------------
    def iter_geozones(
        self, *, page_size: int = 100, timeout_s: float | None = None
    ) -> Iterator[geozone_pb2.Geozone]:
        """Every geozone, fetching pages as needed.

        >>> names = [zone.name for zone in client.iter_geozones()]
        """
        return self._paged(calls.geozones(page_size), timeout_s)

    def get_geozone(
        self, geozone_id: str, *, timeout_s: float | None = None
    ) -> geozone_pb2.Geozone:
        """One geozone by id.

        >>> client.get_geozone("demo-airport").name
        """
        return self._unary(calls.get_geozone(geozone_id), timeout_s)

    def import_geozones(
        self, content: bytes, fmt: str = "geojson", *, timeout_s: float | None = None
    ) -> list[geozone_pb2.Geozone]:
        """Import a GeoJSON (``fmt="geojson"``) or ED-269 (``fmt="ed269"``) document: all of
        its zones or none. Regulators only; never retried.

        >>> zones = client.import_geozones(open("zones.geojson", "rb").read())
        """
        return self._unary(calls.import_geozones(content, fmt), timeout_s)

    def query_airspace(
        self,
        area: common_pb2.Area,
        altitude: common_pb2.AltitudeBand | None = None,
        time_window: common_pb2.TimeWindow | None = None,
        *,
        timeout_s: float | None = None,
    ) -> airspace_pb.QueryAirspaceResponse:
        """The geozones and flight plans that occupy an area (and altitude band, time window).

        >>> busy = client.query_airspace(circle_area).occupants
        """
        return self._unary(calls.query_airspace(area, altitude, time_window), timeout_s)
