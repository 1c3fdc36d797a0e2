"""MonitorService: the live picture for regulators."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import grpc

from airspace.deconfliction import Deconflictor
from airspace.errors import ResourceExhausted
from airspace.events import EventBus, GeozoneChanged, TrafficSnapshot
from airspace.server import convert
from airspace.server.guard import caller
from airspace.server.live_convert import watch_out
from airspace.v1 import monitor_service_pb2 as pb
from airspace.v1 import monitor_service_pb2_grpc as pb_grpc
from airspace.validation import Violations, check_shape
from airspace.watch import EventKind, WatchFilter
from airspace.zones import ZoneChecker

KINDS = {
    pb.EVENT_KIND_TRAFFIC: EventKind.TRAFFIC,
    pb.EVENT_KIND_CONFORMANCE: EventKind.CONFORMANCE,
    pb.EVENT_KIND_CONFLICT: EventKind.CONFLICT,
    pb.EVENT_KIND_PLAN: EventKind.PLAN,
    pb.EVENT_KIND_GEOZONE: EventKind.GEOZONE,
}


class MonitorServicer(pb_grpc.MonitorServiceServicer):
    def __init__(self, bus: EventBus, deconflictor: Deconflictor, zones: ZoneChecker) -> None:
        self._bus = bus
        self._deconflictor = deconflictor
        self._zones = zones
        self._converted: tuple[TrafficSnapshot, pb.WatchAirspaceResponse] | None = None

    async def WatchAirspace(
        self, request: pb.WatchAirspaceRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[pb.WatchAirspaceResponse]:
        identity = caller()
        watch = self._filter(request, None if identity.is_regulator else identity.subject_id)
        subscription = self._bus.subscribe(watch.accepts)
        try:
            while (event := await subscription.next()) is not None:
                if isinstance(event, TrafficSnapshot):
                    if not watch.wants(EventKind.TRAFFIC):
                        continue
                    if watch.sees_everything:
                        yield self._whole_snapshot(event, subscription.dropped_snapshots)
                        continue
                    event = watch.snapshot(event)
                elif isinstance(event, GeozoneChanged) and event.geozone is not None:
                    event = replace(event, geozone=event.geozone.as_seen_by(identity))
                yield watch_out(event, subscription.dropped_snapshots)
            if subscription.overflowed:
                raise ResourceExhausted("the watcher fell too far behind on alerts; reconnect")
        finally:
            self._bus.unsubscribe(subscription)

    def _whole_snapshot(self, snapshot: TrafficSnapshot, dropped: int) -> pb.WatchAirspaceResponse:
        """The unfiltered snapshot as a message, converted once for every watcher."""
        if self._converted is None or self._converted[0] is not snapshot:
            self._converted = (snapshot, watch_out(snapshot))
        response = pb.WatchAirspaceResponse()
        response.CopyFrom(self._converted[1])
        response.dropped_snapshot_count = dropped
        return response

    def _filter(self, request: pb.WatchAirspaceRequest, operator_id: str | None) -> WatchFilter:
        out = Violations()
        kinds = [KINDS.get(k) for k in request.kinds]
        if None in kinds:
            out.add("kinds", "contains an unknown or unspecified kind")
        area = convert.area_in(request.area, "area", out) if request.HasField("area") else None
        if area is not None:
            check_shape(out, "area", area, self._deconflictor.config)
        out.raise_if_any()
        return WatchFilter(
            frozenset(k for k in kinds if k is not None),
            area,
            self._deconflictor,
            self._zones,
            operator_id,
        )
