"""Deadlines, retries with backoff, and which calls may be retried — against a real server
that is not up yet, or goes away and comes back on the same port."""

from __future__ import annotations

import logging
import random
import time
import uuid

import grpc
import pytest

from airspace.sdk import AirspaceClient, DeadlineExceeded, RetryPolicy, Unavailable
from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2
from airspace.v1 import planner_service_pb2 as planner_pb
from tests.builders import DEPOT, delivery, offset, vehicle
from tests.sdk.conftest import RestartableServer

FEW = RetryPolicy(max_attempts=3, initial_backoff_s=0.05, max_backoff_s=0.1)
PATIENT = RetryPolicy(max_attempts=40, initial_backoff_s=0.05, max_backoff_s=0.3)


def retries_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "; retry " in r.getMessage()]


def a_delivery() -> flight_plan_pb2.FlightPlan:
    return delivery(time.time() + 600, DEPOT, offset(DEPOT, 1500, 800))


def test_backoff_grows_exponentially_up_to_the_cap_with_bounded_jitter() -> None:
    policy = RetryPolicy(initial_backoff_s=0.1, multiplier=2.0, max_backoff_s=1.0, jitter=0.5)
    rng = random.Random(7)
    for retry, base in enumerate([0.1, 0.2, 0.4, 0.8, 1.0, 1.0], start=1):
        waits = [policy.backoff_s(retry, rng) for _ in range(200)]
        assert all(base * 0.5 <= w <= base for w in waits)
        assert max(waits) - min(waits) > base * 0.3  # really jittered
    assert RetryPolicy(jitter=0.0).backoff_s(3) == pytest.approx(0.4)


def test_a_client_started_before_the_server_books_its_submission_once(
    restartable: RestartableServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airspace.sdk")
    timer = restartable.start_in(0.6)
    plan = a_delivery()
    with AirspaceClient(restartable.target, "demo-operator", retry=PATIENT) as client:
        first = client.submit_flight_plan(plan, "early-1")
        timer.join()
        assert first.flight_plan.state == flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
        assert retries_logged(caplog), "the first attempts found no server"
        again = client.submit_flight_plan(plan, "early-1")
        assert again.flight_plan.flight_plan_id == first.flight_plan.flight_plan_id
        assert [p.flight_plan_id for p in client.iter_flight_plans()] == [
            first.flight_plan.flight_plan_id
        ]


def test_a_submission_retried_across_a_restart_books_once(
    restartable: RestartableServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airspace.sdk")
    restartable.start()
    plan = a_delivery()
    with AirspaceClient(restartable.target, "demo-operator", retry=PATIENT) as client:
        booked = client.submit_flight_plan(plan, "order-17")
        restartable.stop()
        timer = restartable.start_in(0.5)
        retried = client.submit_flight_plan(plan, "order-17")
        timer.join()
        assert retries_logged(caplog)
        assert retried.flight_plan.flight_plan_id == booked.flight_plan.flight_plan_id
        assert len(list(client.iter_flight_plans())) == 1
        assert client.get_flight_plan(booked.flight_plan.flight_plan_id).state == (
            flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
        )


def test_state_changes_are_never_retried(
    restartable: RestartableServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airspace.sdk")
    with AirspaceClient(restartable.target, "demo-operator", retry=PATIENT) as client:
        for change in (
            client.activate_flight_plan,
            client.end_flight_plan,
            client.cancel_flight_plan,
        ):
            with pytest.raises(Unavailable):
                change("any-plan")
        with pytest.raises(Unavailable):
            client.import_geozones(b'{"type": "FeatureCollection", "features": []}')
    assert retries_logged(caplog) == []


def route(submit: bool, request_id: str) -> planner_pb.PlanRouteRequest:
    lat, lon = offset(DEPOT, 2000, 0)
    start = time.time() + 600
    return planner_pb.PlanRouteRequest(
        origin=common_pb2.LatLng(latitude_deg=DEPOT[0], longitude_deg=DEPOT[1]),
        destination=common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon),
        earliest_departure_time=to_timestamp(start),
        latest_arrival_time=to_timestamp(start + 3600),
        vehicle=vehicle(),
        altitude=common_pb2.AltitudeBand(lower_m=40, upper_m=80),
        priority=flight_plan_pb2.PRIORITY_COMMERCIAL,
        submit=submit,
        request_id=request_id,
    )


def test_a_route_submission_is_retried_only_with_a_request_id(
    restartable: RestartableServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airspace.sdk")
    with AirspaceClient(restartable.target, "demo-operator", retry=FEW) as client:
        with pytest.raises(Unavailable):
            client.plan_route(route(submit=True, request_id=""))
        assert retries_logged(caplog) == []
        with pytest.raises(Unavailable):
            client.plan_route(route(submit=True, request_id=str(uuid.uuid4())))
        assert len(retries_logged(caplog)) == FEW.max_attempts - 1
        caplog.clear()
        with pytest.raises(Unavailable):
            client.plan_route(route(submit=False, request_id=""))  # books nothing: a read
        assert len(retries_logged(caplog)) == FEW.max_attempts - 1


def test_the_deadline_bounds_the_retries(restartable: RestartableServer) -> None:
    with AirspaceClient(restartable.target, "demo-operator", retry=PATIENT, timeout_s=0.6) as c:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded, match=r"after \d+ attempt"):
            list(c.iter_flight_plans())
        assert 0.3 < time.monotonic() - started < 2.0


def test_a_per_call_deadline_overrides_the_clients(restartable: RestartableServer) -> None:
    restartable.start()
    with AirspaceClient(restartable.target, "demo-regulator", timeout_s=30) as client:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            # A route across the whole city takes the planner longer than 1 ms.
            client.plan_route(route(submit=False, request_id=""), timeout_s=0.001)
        assert time.monotonic() - started < 5.0


def test_statuses_worth_retrying_are_configurable(
    restartable: RestartableServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airspace.sdk")
    only_exhaustion = RetryPolicy(retryable_codes=frozenset({grpc.StatusCode.RESOURCE_EXHAUSTED}))
    with (
        AirspaceClient(restartable.target, "demo-operator", retry=only_exhaustion) as client,
        pytest.raises(Unavailable),
    ):
        client.get_flight_plan("x")
    assert retries_logged(caplog) == []
