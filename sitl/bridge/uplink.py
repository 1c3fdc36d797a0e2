"""The telemetry stream to the service, fed from the outbox and reopened when it breaks.

It runs the SDK's blocking ``AirspaceClient.stream_telemetry`` on a thread of its own. When
the stream fails (service down or restarting) it waits and opens a new one, with a fresh
channel so that its own back-off, not gRPC's, decides when; the wait doubles from
``reconnect_min_s`` up to ``reconnect_max_s`` and starts over once a stream is acknowledged.
Each stream opens with an empty request and takes states from the outbox only once the
service has acknowledged it, so an attempt that cannot connect loses nothing. Meanwhile the
outbox keeps one latest state per vehicle and drops what grows stale.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

from airspace.sdk import AirspaceClient, AirspaceError
from airspace.v1 import telemetry_service_pb2 as pb
from sitl.bridge.outbox import Outbox
from sitl.bridge.settings import BridgeSettings
from sitl.bridge.stats import BridgeStats

log = logging.getLogger("sitl.bridge")

ResponseHandler = Callable[[pb.StreamTelemetryResponse], None]


class Uplink:
    def __init__(
        self,
        connect: Callable[[], AirspaceClient],
        target: str,
        outbox: Outbox,
        settings: BridgeSettings,
        stats: BridgeStats,
        on_response: ResponseHandler | None = None,
    ) -> None:
        self._connect = connect
        self._target = target
        self._outbox = outbox
        self._settings = settings
        self._stats = stats
        self._on_response = on_response
        self._stopping = threading.Event()
        self._acknowledged = threading.Event()
        self._client: AirspaceClient | None = None
        self._rejected_vehicles: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="bridge-uplink", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """End the stream (half-close, so the service sees a clean end) and the thread."""
        self._stopping.set()
        if self._thread.ident is None:
            return  # never started
        self._thread.join(timeout_s)
        if self._thread.is_alive() and self._client is not None:
            self._client.close()  # cancels a stream the service does not end
            self._thread.join(timeout_s)

    def _run(self) -> None:
        wait_s = self._settings.reconnect_min_s
        while not self._stopping.is_set():
            self._client = self._connect()
            self._acknowledged = acknowledged = threading.Event()
            closed = threading.Event()
            connects = self._stats.connects
            try:
                requests = self._requests(acknowledged, closed)
                for response in self._client.stream_telemetry(requests):
                    self._received(response)
                reason = "the service ended the stream"
            except AirspaceError as exc:
                reason = f"{type(exc).__name__}: {exc.message}"
            finally:
                closed.set()
                self._client.close()
                self._stats.connected = False
            if self._stopping.is_set():
                return
            if self._stats.connects > connects:
                wait_s = self._settings.reconnect_min_s
            self._stats.last_error = reason
            log.warning(
                "no telemetry stream to %s (%s); retrying in %.1f s", self._target, reason, wait_s
            )
            self._stopping.wait(wait_s)
            wait_s = min(2 * wait_s, self._settings.reconnect_max_s)

    def _requests(
        self, acknowledged: threading.Event, closed: threading.Event
    ) -> Iterator[pb.StreamTelemetryRequest]:
        """An empty request; once it is acknowledged, batches of due states, one per batch
        period, until the bridge stops or the stream is ``closed`` (gRPC asks a dead stream's
        requests for one more, which must not take states from the outbox)."""
        yield pb.StreamTelemetryRequest()
        while not acknowledged.wait(self._settings.batch_period_s):
            if closed.is_set() or self._stopping.is_set():
                return
        while not self._stopping.wait(self._settings.batch_period_s):
            if closed.is_set():
                return
            batch = self._outbox.take(self._settings.batch_limit)
            if batch:
                self._stats.forwarded += len(batch)
                yield pb.StreamTelemetryRequest(states=batch)

    def _received(self, response: pb.StreamTelemetryResponse) -> None:
        stats = self._stats
        if response.request_sequence:
            self._acknowledged.set()
            if not stats.connected:
                stats.connected, stats.last_error = True, ""
                stats.connects += 1
                log.info("streaming telemetry to %s", self._target)
            stats.accepted += response.accepted_count
            stats.rejected += len(response.rejections)
            for rejection in response.rejections:
                if rejection.registration_id not in self._rejected_vehicles:
                    self._rejected_vehicles.add(rejection.registration_id)
                    log.warning(
                        "the service rejected a state of %s: %s (further rejections "
                        "of this vehicle are only counted)",
                        rejection.registration_id,
                        "; ".join(rejection.reasons),
                    )
        stats.alerts += len(response.alerts) + len(response.conflicts)
        if self._on_response is not None:
            self._on_response(response)
