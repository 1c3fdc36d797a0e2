"""The latest state of each vehicle, waiting for the telemetry stream.

One slot per vehicle: a newer state replaces an unsent one (counted as superseded), so
nothing piles up while the service is slow or away. A vehicle's state leaves at most once per
``min_interval_s`` (down-sampling, latest wins), and one that waited longer than
``max_age_s`` is dropped as stale. Filled from the event loop, drained from the stream's
thread.
"""

from __future__ import annotations

import threading

from airspace.clock import Clock
from airspace.v1 import telemetry_pb2
from sitl.bridge.stats import BridgeStats


class Outbox:
    def __init__(
        self, clock: Clock, min_interval_s: float, max_age_s: float, stats: BridgeStats
    ) -> None:
        self._clock = clock
        self._min_interval_s = min_interval_s
        self._max_age_s = max_age_s
        self._stats = stats
        self._lock = threading.Lock()
        self._slots: dict[int, tuple[float, telemetry_pb2.VehicleState]] = {}
        self._sent_at: dict[int, float] = {}

    def put(self, key: int, received_s: float, state: telemetry_pb2.VehicleState) -> None:
        with self._lock:
            if key in self._slots:
                self._stats.superseded += 1
            self._slots[key] = (received_s, state)

    def __len__(self) -> int:
        return len(self._slots)

    def take(self, limit: int) -> list[telemetry_pb2.VehicleState]:
        """Up to ``limit`` states that are due now, oldest waiting vehicle first."""
        now_s = self._clock.now()
        batch = []
        with self._lock:
            for key, (received_s, state) in list(self._slots.items()):
                if now_s - received_s > self._max_age_s:
                    del self._slots[key]
                    self._stats.stale += 1
                elif now_s - self._sent_at.get(key, -1e300) >= self._min_interval_s:
                    del self._slots[key]
                    self._sent_at[key] = now_s
                    batch.append(state)
                    if len(batch) == limit:
                        break
        return batch
