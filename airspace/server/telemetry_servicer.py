"""TelemetryService: a ground station's states in; its rejections and alerts back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import grpc

from airspace.errors import ResourceExhausted
from airspace.events import Alert, ConflictAlert, ConformanceAlert, Event, EventBus
from airspace.live import LiveAirspace, Rejection
from airspace.model import Identity
from airspace.server.guard import caller
from airspace.server.live_convert import conflict_out, conformance_out, state_in
from airspace.server.rate import RateBudget
from airspace.v1 import telemetry_service_pb2 as pb
from airspace.v1 import telemetry_service_pb2_grpc as pb_grpc

Outgoing = pb.StreamTelemetryResponse | BaseException | None
"""What the response stream sends next: a message, an error to raise, or the end."""
OUTBOX_SIZE = 64
"""Responses waiting for a client to read them. When it stops reading, the stream stops
reading its requests (gRPC flow control slows the sender) and its alerts wait in its bounded
subscription, which ends the stream with RESOURCE_EXHAUSTED when it overflows."""


def _own_alerts(identity: Identity) -> Callable[[Alert], bool]:
    """Conformance alerts and conflicts that concern the caller's vehicles."""

    def accepts(alert: Alert) -> bool:
        return isinstance(alert, ConformanceAlert | ConflictAlert) and (
            identity.subject_id in alert.operator_ids
        )

    return accepts


class TelemetryServicer(pb_grpc.TelemetryServiceServicer):
    def __init__(self, live: LiveAirspace, bus: EventBus, max_states_per_s: float) -> None:
        self._live = live
        self._bus = bus
        self._max_states_per_s = max_states_per_s

    async def StreamTelemetry(
        self,
        request_iterator: AsyncIterator[pb.StreamTelemetryRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[pb.StreamTelemetryResponse]:
        identity = caller()
        subscription = self._bus.subscribe(_own_alerts(identity), snapshots=False)
        outbox: asyncio.Queue[Outgoing] = asyncio.Queue(OUTBOX_SIZE)
        budget = RateBudget(self._max_states_per_s)

        async def read() -> None:
            try:
                sequence = 0
                async for request in request_iterator:
                    sequence += 1
                    if not budget.take(len(request.states)):
                        raise ResourceExhausted(
                            f"more than {budget.per_s:g} vehicle states a second on this "
                            "stream; send fewer (down-sample) and reconnect",
                            reason="TELEMETRY_RATE_EXCEEDED",
                        )
                    states = [state_in(s) for s in request.states]
                    rejections = await self._live.ingest(identity, states)
                    await outbox.put(_ack(sequence, len(states), rejections))
                await outbox.put(None)
            except Exception as exc:  # handed to the response stream, which raises it
                await outbox.put(exc)

        async def forward() -> None:
            while (alert := await subscription.next()) is not None:
                await outbox.put(_pushed(alert))
            if subscription.overflowed:
                await outbox.put(ResourceExhausted("too many undelivered alerts; reconnect"))

        tasks = [asyncio.create_task(read()), asyncio.create_task(forward())]
        try:
            while (item := await outbox.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            for task in tasks:
                task.cancel()  # not awaited: a read of gRPC's request stream may not end at once
            self._bus.unsubscribe(subscription)


def _ack(sequence: int, count: int, rejections: list[Rejection]) -> pb.StreamTelemetryResponse:
    return pb.StreamTelemetryResponse(
        request_sequence=sequence,
        accepted_count=count - len(rejections),
        rejections=[
            pb.StateRejection(index=r.index, registration_id=r.registration_id, reasons=r.reasons)
            for r in rejections
        ],
    )


def _pushed(alert: Event) -> pb.StreamTelemetryResponse:
    response = pb.StreamTelemetryResponse()
    if isinstance(alert, ConformanceAlert):
        response.alerts.append(conformance_out(alert))
    elif isinstance(alert, ConflictAlert):
        response.conflicts.append(conflict_out(alert))
    return response
