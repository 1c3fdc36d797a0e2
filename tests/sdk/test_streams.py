"""Watch streams that survive a server restart and say that they reconnected."""

from __future__ import annotations

import asyncio
import queue
import threading
import time

from airspace.sdk import (
    AirspaceClient,
    AirspaceError,
    AsyncAirspaceClient,
    Reconnected,
    RetryPolicy,
)
from airspace.v1 import monitor_service_pb2 as monitor_pb
from tests.builders import DEPOT, delivery, offset
from tests.sdk.conftest import RestartableServer
from tests.streams import wait_until

QUICK = RetryPolicy(max_attempts=40, initial_backoff_s=0.05, max_backoff_s=0.3)


def submit_one(target: str, east_m: float) -> str:
    """A plan submitted by an operator; its id."""
    plan = delivery(time.time() + 600, offset(DEPOT, east_m, 0), offset(DEPOT, east_m, 900))
    with AirspaceClient(target, "demo-operator") as client:
        return client.submit_flight_plan(plan).flight_plan.flight_plan_id


def test_a_watch_resumes_after_the_server_restarts(restartable: RestartableServer) -> None:
    restartable.start()
    events: queue.Queue[str] = queue.Queue()
    gaps: list[Reconnected] = []
    client = AirspaceClient(restartable.target, "demo-regulator", reconnect=QUICK)

    def watch() -> None:
        try:
            for event in client.watch_airspace(
                kinds=[monitor_pb.EVENT_KIND_PLAN], on_reconnect=gaps.append
            ):
                events.put(event.plan.flight_plan_id)
        except AirspaceError as exc:  # the client closed under the watch: the end
            events.put(type(exc).__name__)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    wait_until(lambda: restartable.server.bus.subscriber_count == 1)
    before = submit_one(restartable.target, 0)
    assert events.get(timeout=10) == before

    restartable.stop()
    time.sleep(0.3)
    restartable.start()
    wait_until(lambda: restartable.server.bus.subscriber_count == 1)
    assert len(gaps) == 1 and gaps[0].attempts >= 1 and gaps[0].gap_s >= 0.3
    after = submit_one(restartable.target, 3000)
    assert events.get(timeout=10) == after

    client.close()
    watcher.join(10)
    assert not watcher.is_alive()
    assert events.get(timeout=1) != after  # the watch ended with an error, not an event


def test_a_watch_gives_up_when_the_outage_outlasts_the_policy(
    restartable: RestartableServer,
) -> None:
    brief = RetryPolicy(max_attempts=3, initial_backoff_s=0.05, max_backoff_s=0.1)
    with AirspaceClient(restartable.target, "demo-regulator", reconnect=brief) as client:
        started = time.monotonic()
        try:
            next(iter(client.watch_airspace()))
        except AirspaceError as exc:
            assert type(exc).__name__ == "Unavailable"
            assert "3 attempts failed" in exc.message
        else:
            raise AssertionError("no server, yet an event")
        assert time.monotonic() - started < 10


async def test_the_async_follow_resumes_after_the_server_restarts(
    restartable: RestartableServer,
) -> None:
    await asyncio.to_thread(restartable.start)
    gaps: list[Reconnected] = []
    async with AsyncAirspaceClient(restartable.target, "demo-operator", reconnect=QUICK) as client:
        first = await asyncio.to_thread(submit_one, restartable.target, 0)
        followed = client.follow_flights([first], on_reconnect=gaps.append)
        reader = asyncio.ensure_future(anext(followed))
        await asyncio.to_thread(wait_until, lambda: restartable.server.bus.subscriber_count == 1)
        await asyncio.to_thread(restartable.stop)
        await asyncio.to_thread(restartable.start)
        await asyncio.to_thread(wait_until, lambda: restartable.server.bus.subscriber_count == 1)
        assert len(gaps) == 1
        await asyncio.to_thread(submit_one, restartable.target, 3000)  # not followed
        cancelled = await client.cancel_flight_plan(first)
        event = await asyncio.wait_for(reader, 10)
        assert event.plan.flight_plan_id == first == cancelled.flight_plan_id
        assert event.plan.state == cancelled.state
        await followed.aclose()
