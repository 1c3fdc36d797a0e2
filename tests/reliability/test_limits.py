"""Limits: a client that asks for too much gets RESOURCE_EXHAUSTED and a reason, and the
server goes on serving everyone else."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from airspace.clock import ManualClock
from airspace.config import AirspaceConfig
from airspace.sdk import (
    NO_RETRY,
    AirspaceClient,
    InvalidArgument,
    ResourceExhausted,
    RetryPolicy,
)
from airspace.sdk._errors import from_rpc_error
from airspace.server.settings import Limits, SettingsError, load_settings
from airspace.timestamps import to_timestamp
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import monitor_service_pb2 as monitor_pb
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer, serving
from tests.streams import GroundStation, Watcher, state, wait_until

EAST_3KM = offset(DEPOT, 3000, 0)


def _serve(clock: ManualClock, limits: Limits, **airspace: float) -> Iterator[RunningServer]:
    with serving(clock, limits=limits, airspace=AirspaceConfig(**airspace)) as started:
        yield started


def _reason(error: grpc.RpcError | None) -> tuple[grpc.StatusCode, str]:
    """The status code of a failed stream and its ErrorInfo reason."""
    assert error is not None
    return error.code(), from_rpc_error(error).reason


def _long_plan(waypoints: int) -> fp.FlightPlan:
    """A delivery of ``waypoints`` points: up, along a 3 km leg at 15 m/s in small steps, down."""
    plan = delivery(T0 + 600, DEPOT, EAST_3KM)
    cruise = [
        (3000 * i / (waypoints - 3), 20 + 200 * i / (waypoints - 3)) for i in range(waypoints - 2)
    ]
    del plan.trajectory.waypoints[1:-1]
    for east_m, after_s in reversed(cruise):
        lat, lon = offset(DEPOT, east_m, 0)
        point = fp.Waypoint(altitude_m=60.0, time=to_timestamp(T0 + 600 + after_s))
        point.position.latitude_deg, point.position.longitude_deg = lat, lon
        plan.trajectory.waypoints.insert(1, point)
    plan.trajectory.waypoints[-1].time.CopyFrom(to_timestamp(T0 + 600 + 240))
    return plan


@pytest.fixture
def small_messages(clock: ManualClock) -> Iterator[RunningServer]:
    yield from _serve(clock, Limits(max_message_bytes=16 * 1024), max_vertices=100)


def test_a_message_over_the_size_limit_is_refused_before_it_is_read(
    small_messages: RunningServer,
) -> None:
    with AirspaceClient(small_messages.target, "demo-operator", retry=NO_RETRY) as client:
        with pytest.raises(ResourceExhausted, match="larger than max"):
            client.submit_flight_plan(_long_plan(1000), "huge")
        assert client.submit_flight_plan(_long_plan(50), "fits").flight_plan.flight_plan_id


def test_a_plan_over_the_vertex_limit_names_the_field(small_messages: RunningServer) -> None:
    """Vertices are a property of the plan, not of the moment: INVALID_ARGUMENT, which no
    client retries (and the message-size limit stops plans far past it before parsing)."""
    with AirspaceClient(small_messages.target, "demo-operator") as client:
        with pytest.raises(InvalidArgument) as refused:
            client.submit_flight_plan(_long_plan(101), "too-many-vertices")
        assert any("100" in v.description for v in refused.value.violations)


@pytest.fixture
def two_streams(clock: ManualClock) -> Iterator[RunningServer]:
    yield from _serve(clock, Limits(max_streams_per_identity=2))


def test_an_identity_holds_at_most_its_streams_and_gets_one_back_when_it_closes_one(
    two_streams: RunningServer,
) -> None:
    bus = two_streams.server.bus
    watch = monitor_pb.WatchAirspaceRequest()
    first, second = (Watcher(two_streams.target, watch, token="demo-operator") for _ in "12")
    wait_until(lambda: bus.subscriber_count == 2)
    third = Watcher(two_streams.target, watch, token="demo-operator")
    wait_until(lambda: third.error is not None)
    assert _reason(third.error) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "TOO_MANY_STREAMS")
    regulator = Watcher(two_streams.target, watch)  # other identities are not affected
    wait_until(lambda: bus.subscriber_count == 3)
    first.close()
    wait_until(lambda: bus.subscriber_count == 2)
    again = Watcher(two_streams.target, watch, token="demo-operator")
    wait_until(lambda: bus.subscriber_count == 3)
    assert again.error is None
    for session in (second, third, regulator, again):
        session.close()


@pytest.fixture
def slow_telemetry(clock: ManualClock) -> Iterator[RunningServer]:
    yield from _serve(clock, Limits(max_states_per_s_per_stream=50))


def test_a_telemetry_stream_over_its_rate_is_ended_and_a_new_one_is_served(
    slow_telemetry: RunningServer,
) -> None:
    states = [state(f"UAS-{i}", "", T0, *DEPOT, 0.0) for i in range(30)]
    station = GroundStation(slow_telemetry.target, "demo-operator")
    assert station.send(*states).accepted_count == 30
    station.push(*states)  # a second burst within the second: over the limit
    wait_until(lambda: station.error is not None)
    code, reason = _reason(station.error)
    assert (code, reason) == (grpc.StatusCode.RESOURCE_EXHAUSTED, "TELEMETRY_RATE_EXCEEDED")
    assert "50 vehicle states a second" in station.error.details()
    station.close()
    fresh = GroundStation(slow_telemetry.target, "demo-operator")
    later = [state(f"UAS-{i}", "", T0 + 1, *DEPOT, 0.0) for i in range(10)]
    assert fresh.send(*later).accepted_count == 10
    fresh.close()


@pytest.fixture
def two_plans_each(clock: ManualClock) -> Iterator[RunningServer]:
    yield from _serve(clock, Limits(max_open_plans_per_operator=2))


def test_an_operator_holds_at_most_its_open_plans_and_cancelling_frees_one(
    two_plans_each: RunningServer,
) -> None:
    target = two_plans_each.target
    patient = RetryPolicy(initial_backoff_s=2.0)
    with (
        AirspaceClient(target, "demo-operator", retry=patient) as operator,
        AirspaceClient(target, "demo-operator-2") as other,
    ):
        first, second = (
            operator.submit_flight_plan(delivery(T0 + 600 * k, DEPOT, EAST_3KM), f"p{k}")
            for k in (1, 2)
        )
        started = time.monotonic()
        with pytest.raises(ResourceExhausted) as refused:
            operator.submit_flight_plan(delivery(T0 + 1800, DEPOT, EAST_3KM), "p3")
        assert refused.value.reason == "TOO_MANY_PLANS"
        assert time.monotonic() - started < 1.5, "a lasting limit must not be retried"
        assert operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "p1") == first
        other_plan = delivery(T0 + 600, offset(DEPOT, 0, 2000), offset(EAST_3KM, 0, 2000))
        assert other.submit_flight_plan(other_plan, "o1").flight_plan.flight_plan_id
        operator.cancel_flight_plan(second.flight_plan.flight_plan_id)
        third = operator.submit_flight_plan(delivery(T0 + 1800, DEPOT, EAST_3KM), "p3")
        assert third.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
        two_plans_each.clock.set(T0 + 3 * 3600)
        two_plans_each.cycle()  # their time is over, unflown: they end and free the quota
        for k in (1, 2):
            again = delivery(T0 + 4 * 3600 + 600 * k, DEPOT, EAST_3KM)
            answer = operator.submit_flight_plan(again, f"q{k}")
            assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


@pytest.fixture
def two_calls_at_once(clock: ManualClock) -> Iterator[RunningServer]:
    yield from _serve(clock, Limits(max_concurrent_calls=2))


def test_calls_past_the_concurrency_limit_are_refused_until_one_ends(
    two_calls_at_once: RunningServer,
) -> None:
    target, bus = two_calls_at_once.target, two_calls_at_once.server.bus
    watch = monitor_pb.WatchAirspaceRequest()
    watchers = [Watcher(target, watch), Watcher(target, watch, token="demo-operator")]
    wait_until(lambda: bus.subscriber_count == 2)
    with AirspaceClient(target, "demo-operator-2", retry=NO_RETRY) as client:
        with pytest.raises(ResourceExhausted):
            client.get_geozone("futian-huanggang-port")
        watchers.pop().close()
        wait_until(lambda: _answers(client))
    watchers.pop().close()


def _answers(client: AirspaceClient) -> bool:
    try:
        return bool(client.get_geozone("futian-huanggang-port").geozone_id)
    except ResourceExhausted:
        return False


def test_limits_come_from_the_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "airspace.toml"
    path.write_text("[limits]\nmax_streams_per_identity = 3\nmax_open_plans_per_operator = 9\n")
    limits = load_settings(path).limits
    assert (limits.max_streams_per_identity, limits.max_open_plans_per_operator) == (3, 9)
    assert limits.max_message_bytes == Limits().max_message_bytes
    path.write_text("[limits]\nmax_stream_per_identity = 3\n")
    with pytest.raises(SettingsError, match="max_stream_per_identity"):
        load_settings(path)


def test_bounds_across_the_antimeridian_are_refused_when_the_settings_load(
    tmp_path: Path,
) -> None:
    path = tmp_path / "airspace.toml"
    path.write_text(
        "[airspace.bounds]\nmin_lat = -17.5\nmin_lon = 179.5\nmax_lat = -17.0\nmax_lon = -179.5\n"
    )
    with pytest.raises(SettingsError, match="antimeridian"):
        load_settings(path)
