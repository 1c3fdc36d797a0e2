"""A bridge on the test's event loop, streaming into the real server of ``running``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from airspace.v1 import telemetry_service_pb2 as telemetry_pb
from sitl.bridge import Assignment, Bridge, BridgeSettings
from tests.bridge.mavlink_out import Autopilot
from tests.conftest import RunningServer

FAST = BridgeSettings(
    batch_period_s=0.01,
    plan_refresh_s=0.3,
    reconnect_min_s=0.05,
    reconnect_max_s=0.2,
    max_rate_hz=0.0,
)
"""Short periods so the tests wait little; every state forwarded unless a test says otherwise."""


class Responses(list[telemetry_pb.StreamTelemetryResponse]):
    """What the service sent back to a bridge (appended from the bridge's stream thread)."""

    def alerts(self) -> list[Any]:
        return [a for r in list(self) for a in r.alerts]


MakeBridge = Callable[..., Awaitable[tuple[Bridge, Responses]]]


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Yield to the loop (the bridge runs on it) until ``condition`` holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.01)


@pytest.fixture
async def make_bridge(running: RunningServer) -> AsyncIterator[MakeBridge]:
    started: list[Bridge] = []

    async def make(
        assignments: tuple[Assignment, ...] = (), target: str | None = None, **settings: Any
    ) -> tuple[Bridge, Responses]:
        responses = Responses()
        bridge = Bridge(
            ["udpin:127.0.0.1:0"],
            target or running.target,
            "demo-operator",
            assignments=assignments,
            settings=replace(FAST, **settings),
            clock=running.clock,
            on_response=responses.append,
        )
        await bridge.start()
        started.append(bridge)
        return bridge, responses

    yield make
    for bridge in started:
        await bridge.stop()


@pytest.fixture
def autopilots() -> Iterator[Callable[[int], Autopilot]]:
    opened: list[Autopilot] = []

    def make(system_id: int) -> Autopilot:
        opened.append(Autopilot(system_id))
        return opened[-1]

    yield make
    for autopilot in opened:
        autopilot.close()
