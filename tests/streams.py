"""Blocking helpers around the live gRPC streams: a ground station and a regulator's watch."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import grpc

from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, telemetry_pb2
from airspace.v1 import monitor_service_pb2 as monitor_pb
from airspace.v1 import monitor_service_pb2_grpc as monitor_grpc
from airspace.v1 import telemetry_service_pb2 as telemetry_pb
from airspace.v1 import telemetry_service_pb2_grpc as telemetry_grpc

M = TypeVar("M")
_END = object()


class _Collector:
    """Reads a response stream on a thread into a queue."""

    def __init__(self, responses: Iterator[Any]) -> None:
        self.received: queue.Queue[Any] = queue.Queue()
        self.skipped: list[Any] = []
        """What ``wait_for`` passed over, in order."""
        self.error: grpc.RpcError | None = None
        self._responses = responses
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for response in self._responses:
                self.received.put(response)
        except grpc.RpcError as exc:
            self.error = exc
        self.received.put(_END)

    def wait_for(self, matches: Callable[[Any], bool], timeout_s: float = 10.0) -> Any:
        """The first received message that ``matches`` (earlier ones are skipped)."""
        deadline = time.monotonic() + timeout_s
        while True:
            item = self.received.get(timeout=max(0.0, deadline - time.monotonic()))
            if item is _END:
                raise AssertionError(f"stream ended before a match (error: {self.error})")
            if matches(item):
                return item
            self.skipped.append(item)

    def drain(self, settle_s: float = 0.3) -> list[Any]:
        """Everything received until the stream is quiet for ``settle_s``."""
        items = []
        while True:
            try:
                item = self.received.get(timeout=settle_s)
            except queue.Empty:
                return items
            if item is _END:
                return items
            items.append(item)


class GroundStation(_Collector):
    """An operator's telemetry stream."""

    def __init__(self, target: str, token: str) -> None:
        self._channel = grpc.insecure_channel(target)
        self._requests: queue.Queue[Any] = queue.Queue()
        stub = telemetry_grpc.TelemetryServiceStub(self._channel)
        responses = stub.StreamTelemetry(
            iter(self._requests.get, _END), metadata=(("authorization", f"Bearer {token}"),)
        )
        self._sequence = 0
        super().__init__(responses)

    def send(self, *states: telemetry_pb2.VehicleState) -> telemetry_pb.StreamTelemetryResponse:
        """Send one request and wait for its acknowledgement."""
        sequence = self.push(*states)
        return self.wait_for(lambda r: r.request_sequence == sequence)

    def push(self, *states: telemetry_pb2.VehicleState) -> int:
        """Send one request without waiting; returns its sequence number."""
        self._sequence += 1
        self._requests.put(telemetry_pb.StreamTelemetryRequest(states=states))
        return self._sequence

    def close(self) -> None:
        self._requests.put(_END)
        self._channel.close()


class Watcher(_Collector):
    """A regulator's WatchAirspace stream."""

    def __init__(
        self, target: str, request: monitor_pb.WatchAirspaceRequest, token: str = "demo-regulator"
    ) -> None:
        self._channel = grpc.insecure_channel(target)
        stub = monitor_grpc.MonitorServiceStub(self._channel)
        self.call = stub.WatchAirspace(request, metadata=(("authorization", f"Bearer {token}"),))
        super().__init__(self.call)

    def close(self) -> None:
        self.call.cancel()
        self._channel.close()


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def state(
    registration_id: str,
    plan_id: str,
    time_s: float,
    lat: float,
    lon: float,
    altitude_m: float,
    north: float = 0.0,
    east: float = 0.0,
    down: float = 0.0,
) -> telemetry_pb2.VehicleState:
    return telemetry_pb2.VehicleState(
        registration_id=registration_id,
        flight_plan_id=plan_id,
        time=to_timestamp(time_s),
        position=common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon),
        altitude_m=altitude_m,
        velocity_north_mps=north,
        velocity_east_mps=east,
        velocity_down_mps=down,
    )
