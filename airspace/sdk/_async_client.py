"""The asyncio client: the same calls, retries, deadlines and reconnecting streams as
``AirspaceClient`` (both run the call descriptions of ``_calls``), over ``grpc.aio``."""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Sequence,
)
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


class AsyncAirspaceClient(BaseClient):
    """``AirspaceClient`` for asyncio programs: every method is a coroutine, every list and
    stream an async iterator. Create it inside a running event loop.

    >>> async with AsyncAirspaceClient("localhost:50051", token="demo-operator") as client:
    ...     answer = await client.submit_flight_plan(plan, request_id="order-17")
    ...     async for event in client.follow_flights([answer.flight_plan.flight_plan_id]):
    ...         print(event)
    """

    _insecure_channel = grpc.aio.insecure_channel
    _secure_channel = grpc.aio.secure_channel

    async def __aenter__(self) -> AsyncAirspaceClient:
        return self

    async def __aexit__(self, *exc: object | TracebackType) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection (``async with`` does it for you)."""
        await self._channel.close()

    # -- the machinery -----------------------------------------------------------------------
    async def _unary(self, call: calls.Call[T], timeout_s: float | None) -> T:
        attempts = self._attempts(call, timeout_s)
        method = call.method(self._stubs)
        while True:
            try:
                response = await method(
                    call.request, metadata=self._metadata, timeout=attempts.timeout_s()
                )
                return call.result(response)
            except grpc.RpcError as exc:
                await asyncio.sleep(attempts.after(exc))

    async def _paged(self, paged: calls.Paged[T], timeout_s: float | None) -> AsyncIterator[T]:
        token = ""
        while True:
            page = await self._unary(paged.page(token), timeout_s)
            for item in paged.items(page):
                yield item
            token = page.next_page_token
            if not token:
                return

    async def _reconnecting(
        self, call: calls.Call[T], on_reconnect: OnReconnect | None
    ) -> AsyncGenerator[T, None]:
        state = Reconnection(self.reconnect, self._rng)
        while True:
            stream = call.method(self._stubs)(call.request, metadata=self._metadata)
            error: grpc.RpcError | None = None
            try:
                async for message in stream:
                    state.received()
                    yield call.result(message)
            except grpc.RpcError as exc:
                error = exc
            finally:
                stream.cancel()
            while True:
                await asyncio.sleep(state.broken(error))
                if await self._channel_ready(state.probe_s()):
                    break
                error = None
            state.back(on_reconnect)

    async def _channel_ready(self, timeout_s: float) -> bool:
        try:
            await asyncio.wait_for(self._channel.channel_ready(), timeout_s)
            return True
        except TimeoutError:
            return False

    async def call(
        self,
        stub_class: Callable[[Any], Any],
        method: str,
        request: Any,
        *,
        idempotent: bool = False,
        timeout_s: float | None = None,
    ) -> Any:
        """Async form of ``AirspaceClient.call``.

        >>> await client.call(AirspaceServiceStub, "GetGeozone", GetGeozoneRequest(geozone_id="z"))
        """
        return await self._unary(self._custom(stub_class, method, request, idempotent), timeout_s)

    # -- flight plans ------------------------------------------------------------------------
    async def submit_flight_plan(
        self,
        plan: flight_plan_pb2.FlightPlan,
        request_id: str | None = None,
        *,
        raise_if_rejected: bool = False,
        timeout_s: float | None = None,
    ) -> plans_pb.SubmitFlightPlanResponse:
        """Async form of ``AirspaceClient.submit_flight_plan``: idempotent under ``request_id``
        (made for you when missing), so it is retried safely.

        >>> answer = await client.submit_flight_plan(plan, "order-17", raise_if_rejected=True)
        """
        answer = await self._unary(calls.submit_flight_plan(plan, request_id), timeout_s)
        return check_accepted(answer) if raise_if_rejected else answer

    async def get_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Async form of ``AirspaceClient.get_flight_plan``.

        >>> plan = await client.get_flight_plan(plan_id)
        """
        return await self._unary(calls.get_flight_plan(flight_plan_id), timeout_s)

    def iter_flight_plans(
        self,
        states: Sequence[int] = (),
        *,
        area: common_pb2.Area | None = None,
        page_size: int = 100,
        timeout_s: float | None = None,
    ) -> AsyncIterator[flight_plan_pb2.FlightPlan]:
        """Async form of ``AirspaceClient.iter_flight_plans``.

        >>> ids = [p.flight_plan_id async for p in client.iter_flight_plans()]
        """
        return self._paged(calls.flight_plans(states, area, page_size), timeout_s)

    async def cancel_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Async form of ``AirspaceClient.cancel_flight_plan`` (never retried).

        >>> await client.cancel_flight_plan(plan_id)
        """
        return await self._unary(calls.transition("Cancel", flight_plan_id), timeout_s)

    async def activate_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Async form of ``AirspaceClient.activate_flight_plan`` (never retried).

        >>> await client.activate_flight_plan(plan_id)
        """
        return await self._unary(calls.transition("Activate", flight_plan_id), timeout_s)

    async def end_flight_plan(
        self, flight_plan_id: str, *, timeout_s: float | None = None
    ) -> flight_plan_pb2.FlightPlan:
        """Async form of ``AirspaceClient.end_flight_plan`` (never retried).

        >>> await client.end_flight_plan(plan_id)
        """
        return await self._unary(calls.transition("End", flight_plan_id), timeout_s)

    # -- planning ----------------------------------------------------------------------------
    async def plan_route(
        self, request: planner_pb.PlanRouteRequest, *, timeout_s: float | None = None
    ) -> planner_pb.PlanRouteResponse:
        """Async form of ``AirspaceClient.plan_route``.

        >>> answer = await client.plan_route(request)
        """
        return await self._unary(calls.plan_route(request), timeout_s)

    async def plan_deliveries(
        self,
        request: planner_pb.PlanDeliveriesRequest,
        progress: Callable[[float], None] | None = None,
        *,
        timeout_s: float | None = None,
    ) -> planner_pb.PlanDeliveriesResponse:
        """Async form of ``AirspaceClient.plan_deliveries``.

        >>> answer = await client.plan_deliveries(request, progress=bar.update)
        """
        call = calls.plan_deliveries(request)
        attempts = self._attempts(call, timeout_s, calls.PLANNING_EXTRA_S)
        while True:
            stream = call.method(self._stubs)(
                call.request, metadata=self._metadata, timeout=attempts.timeout_s()
            )
            try:
                async for update in stream:
                    if (answer := calls.delivered(update, progress)) is not None:
                        return answer
            except grpc.RpcError as exc:
                await asyncio.sleep(attempts.after(exc))
                continue
            raise Unavailable("the planner stream ended without an answer")

    # -- live traffic ------------------------------------------------------------------------
    async def stream_telemetry(
        self,
        requests: AsyncIterable[telemetry_pb.StreamTelemetryRequest]
        | Iterable[telemetry_pb.StreamTelemetryRequest],
    ) -> AsyncIterator[telemetry_pb.StreamTelemetryResponse]:
        """Async form of ``AirspaceClient.stream_telemetry``; ``requests`` may be an async
        iterator (e.g. fed from a queue) or a plain one.

        >>> async for answer in client.stream_telemetry(batches()):
        ...     print(list(answer.alerts))
        """
        stream = self._stubs.telemetry.StreamTelemetry(requests, metadata=self._metadata)
        try:
            async for response in stream:
                yield response
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
    ) -> AsyncGenerator[monitor_service_pb2.WatchAirspaceResponse, None]:
        """Async form of ``AirspaceClient.watch_airspace``: reconnects, and tells
        ``on_reconnect``.

        >>> async for event in client.watch_airspace(kinds=[EVENT_KIND_CONFLICT]):
        ...     print(event.conflict)
        """
        return self._reconnecting(calls.watch(area, kinds), on_reconnect)

    async def follow_flights(
        self, flight_plan_ids: Iterable[str], *, on_reconnect: OnReconnect | None = None
    ) -> AsyncGenerator[monitor_service_pb2.WatchAirspaceResponse, None]:
        """Async form of ``AirspaceClient.follow_flights``.

        >>> async for event in client.follow_flights(plan_ids):
        ...     print(event.plan.state)
        """
        wanted = set(flight_plan_ids)
        events = self.watch_airspace(kinds=calls.FOLLOWED_KINDS, on_reconnect=on_reconnect)
        async for event in events:
            if calls.concerns(event, wanted):
                yield event

    # -- geozones ----------------------------------------------------------------------------
    def iter_geozones(
        self, *, page_size: int = 100, timeout_s: float | None = None
    ) -> AsyncIterator[geozone_pb2.Geozone]:
        """Async form of ``AirspaceClient.iter_geozones``.

        >>> names = [zone.name async for zone in client.iter_geozones()]
        """
        return self._paged(calls.geozones(page_size), timeout_s)

    async def get_geozone(
        self, geozone_id: str, *, timeout_s: float | None = None
    ) -> geozone_pb2.Geozone:
        """Async form of ``AirspaceClient.get_geozone``.

        >>> zone = await client.get_geozone("demo-airport")
        """
        return await self._unary(calls.get_geozone(geozone_id), timeout_s)

    async def import_geozones(
        self, content: bytes, fmt: str = "geojson", *, timeout_s: float | None = None
    ) -> list[geozone_pb2.Geozone]:
        """Async form of ``AirspaceClient.import_geozones`` (never retried).

        >>> zones = await client.import_geozones(document_bytes, fmt="ed269")
        """
        return await self._unary(calls.import_geozones(content, fmt), timeout_s)

    async def query_airspace(
        self,
        area: common_pb2.Area,
        altitude: common_pb2.AltitudeBand | None = None,
        time_window: common_pb2.TimeWindow | None = None,
        *,
        timeout_s: float | None = None,
    ) -> airspace_pb.QueryAirspaceResponse:
        """Async form of ``AirspaceClient.query_airspace``.

        >>> busy = (await client.query_airspace(circle_area)).occupants
        """
        return await self._unary(calls.query_airspace(area, altitude, time_window), timeout_s)
