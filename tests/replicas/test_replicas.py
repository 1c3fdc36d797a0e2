"""Two real server replicas on one real redis-server, talked to over gRPC."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from airspace.clock import ManualClock
from airspace.errors import Unavailable
from airspace.sdk import AirspaceClient
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import monitor_service_pb2 as monitor_pb
from airspace.v1 import telemetry_pb2
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer, start_server
from tests.redis_server import RedisClusterServers, RedisServer
from tests.streams import GroundStation, Watcher, state, wait_until

EAST_3KM = offset(DEPOT, 3000, 0)


def replicas_on(url: str, clock: ManualClock) -> list[RunningServer]:
    settings = ServerSettings(host="127.0.0.1", port=0, store=url)
    return [start_server(AirspaceServer(settings, clock=clock), clock) for _ in range(2)]


@pytest.fixture
def pair(redis_server: RedisServer, clock: ManualClock) -> Iterator[list[RunningServer]]:
    """Replicas A and B on a flushed single Redis, sharing one test clock."""
    redis.Redis(port=redis_server.port).flushall()
    replicas = replicas_on(redis_server.url, clock)
    yield replicas
    for replica in replicas:
        replica.thread.stop()


@pytest.fixture(params=["redis", "cluster"])
def shared(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[list[RunningServer]]:
    """Replicas A and B on a flushed single Redis, then on a flushed three-master cluster."""
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        ports, url = [server.port], server.url
    else:
        cluster: RedisClusterServers = request.getfixturevalue("redis_cluster")
        ports, url = [n.port for n in cluster.nodes], cluster.url
    for port in ports:
        redis.Redis(port=port).flushall()
    replicas = replicas_on(url, clock)
    yield replicas
    for replica in replicas:
        replica.thread.stop()


def client(replica: RunningServer, token: str = "demo-operator") -> AirspaceClient:
    return AirspaceClient(replica.target, token=token)


def test_a_plan_booked_on_one_replica_binds_the_other(shared: list[RunningServer]) -> None:
    a, b = shared
    with client(a) as on_a, client(b, "demo-operator-2") as on_b:
        booked = on_a.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "r1").flight_plan
        assert booked.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
        clash = on_b.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "r2")
        assert clash.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
        assert [c.flight_plan_id for c in clash.conflicts] == [booked.flight_plan_id]
    with client(b, "demo-regulator") as regulator:
        seen = regulator.get_flight_plan(booked.flight_plan_id)
    assert seen.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_a_regulator_on_either_replica_sees_traffic_sent_to_the_other(
    shared: list[RunningServer],
) -> None:
    a, b = shared
    watcher = Watcher(b.target, monitor_pb.WatchAirspaceRequest())
    station = GroundStation(a.target, "demo-operator")
    try:
        wait_until(lambda: b.server.bus.subscriber_count > 0)
        a.clock.set(T0 + 5)
        lat, lon = offset(DEPOT, 100, 0)
        ack = station.send(state("UAS-ROGUE", "", T0 + 5, lat, lon, 50.0, east=10.0))
        assert ack.accepted_count == 1, ack.rejections
        wait_until(lambda: len(b.cycle().tracks) == 1)  # type: ignore[attr-defined]
        alert = watcher.wait_for(
            lambda r: (
                r.HasField("conformance")
                and r.conformance.kind == telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN
            )
        )
        assert alert.conformance.registration_id == "UAS-ROGUE"
        snapshot = watcher.wait_for(lambda r: r.HasField("traffic") and r.traffic.tracks)
        assert [t.state.registration_id for t in snapshot.traffic.tracks] == ["UAS-ROGUE"]
    finally:
        station.close()
        watcher.close()


def test_plan_changes_fan_out_to_watchers_of_every_replica(
    shared: list[RunningServer],
) -> None:
    a, b = shared
    watcher = Watcher(b.target, monitor_pb.WatchAirspaceRequest())
    try:
        wait_until(lambda: b.server.bus.subscriber_count > 0)
        with client(a) as on_a:
            booked = on_a.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "r1")
            on_a.cancel_flight_plan(booked.flight_plan.flight_plan_id)
        cancelled = watcher.wait_for(
            lambda r: r.HasField("plan") and r.plan.state == fp.FLIGHT_PLAN_STATE_CANCELLED
        )
        assert cancelled.plan.flight_plan_id == booked.flight_plan.flight_plan_id
    finally:
        watcher.close()


def test_losing_redis_means_unavailable_then_recovery_with_nothing_lost(
    pair: list[RunningServer], redis_server: RedisServer
) -> None:
    a, b = pair
    with client(a) as on_a, client(b) as on_b:
        kept = on_a.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "r1").flight_plan
        redis_server.kill()
        try:
            with pytest.raises(Unavailable):
                on_b.submit_flight_plan(delivery(T0 + 900, DEPOT, EAST_3KM), "r2")
            with pytest.raises(Unavailable):
                on_a.get_flight_plan(kept.flight_plan_id)
        finally:
            redis_server.start()  # same port, same append-only file
        assert on_b.get_flight_plan(kept.flight_plan_id).state == fp.FLIGHT_PLAN_STATE_ACCEPTED
        clash = on_b.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "r3")
        assert clash.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
        later = on_b.submit_flight_plan(delivery(T0 + 900, DEPOT, EAST_3KM), "r4")
        assert later.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
