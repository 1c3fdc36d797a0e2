"""kill -9 a replica in the middle of a burst of submissions: nothing acknowledged is lost,
nothing half-written remains, and no two booked plans conflict."""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import redis

from airspace.config import AirspaceConfig
from airspace.errors import AirspaceError
from airspace.model import HOLDING_STATES, FlightPlan
from airspace.sdk import AirspaceClient
from airspace.store import codec
from airspace.v1 import flight_plan_pb2 as fp
from tests.bruteforce import find_conflicting_pairs
from tests.builders import DEPOT, delivery, offset
from tests.redis_server import RedisServer
from tests.replicas.process import start_replica

CONFIG = AirspaceConfig()


@pytest.fixture
def replicas(redis_server: RedisServer) -> Iterator[list[tuple[subprocess.Popen[bytes], str]]]:
    redis.Redis(port=redis_server.port).flushall()
    started = [start_replica(redis_server.url) for _ in range(2)]
    yield started
    for process, _ in started:
        process.kill()
        process.wait()


def stored_plans(redis_server: RedisServer) -> dict[str, FlightPlan]:
    client = redis.Redis(port=redis_server.port)
    stored = client.hgetall("{airspace}:plans")
    return {k.decode(): codec.loads(v, FlightPlan) for k, v in stored.items()}


@pytest.mark.slow
def test_a_replica_killed_mid_burst_loses_nothing_acknowledged(
    replicas: list[tuple[subprocess.Popen[bytes], str]], redis_server: RedisServer
) -> None:
    (victim, victim_target), (_, survivor_target) = replicas
    start = time.time() + 900
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()

    def burst(target: str, worker: int) -> None:
        with AirspaceClient(target, token="demo-operator", timeout_s=5) as client:
            for i in range(60):
                east, north = 300.0 * (i % 7), 250.0 * (worker % 3)
                plan = delivery(start + 20 * (i % 5), offset(DEPOT, east, north),
                                offset(DEPOT, east + 2000, north + 500))  # fmt: skip
                try:
                    answer = client.submit_flight_plan(plan, f"w{worker}-{i}")
                except AirspaceError:
                    return  # this replica died under us
                with lock:
                    acknowledged[answer.flight_plan.flight_plan_id] = answer.flight_plan.state

    workers = [
        threading.Thread(target=burst, args=(victim_target if w % 2 else survivor_target, w))
        for w in range(6)
    ]
    for w in workers:
        w.start()
    while len(acknowledged) < 40:
        time.sleep(0.01)
    victim.kill()  # SIGKILL: no clean-up of any kind
    victim.wait()
    for w in workers:
        w.join(60)

    plans = stored_plans(redis_server)
    for plan_id, state in acknowledged.items():
        assert plan_id in plans, f"acknowledged plan {plan_id} was lost"
        if state == fp.FLIGHT_PLAN_STATE_ACCEPTED:
            assert plans[plan_id].state.holds_airspace
    client = redis.Redis(port=redis_server.port)
    listed = {i.decode() for i in client.zrange("{airspace}:plan-ids", 0, -1)}
    holding = {i.decode() for i in client.smembers("{airspace}:holding")}
    assert listed == set(plans), "a plan is listed without its body, or the reverse"
    assert holding == {i for i, p in plans.items() if p.state in HOLDING_STATES}
    booked = [plans[i] for i in sorted(holding)]
    assert len(booked) > 10
    assert find_conflicting_pairs(booked, CONFIG) == []
    with AirspaceClient(survivor_target, token="demo-operator") as survivor:
        late = delivery(start + 3000, DEPOT, offset(DEPOT, 1000, 0))
        assert survivor.submit_flight_plan(late, "after").flight_plan.state == (
            fp.FLIGHT_PLAN_STATE_ACCEPTED
        )
