"""Faults the service must ride through: a watcher that stops reading, a telemetry storm from
one vehicle, a clock that jumps, and a Redis-backed replica that crashes and comes back under an
SDK client.

A telemetry storm (live.py): one vehicle's track takes at most ``max_state_rate_hz`` states a
second; the rest of its states are refused one by one, with the reason, and the other vehicles
on the same stream are served as usual. (A whole stream past its own limit is ended: see
test_limits.py.)

A stalled watcher (events.py): the server never blocks on it. Alerts queue for it, up to
``DEFAULT_MAX_PENDING``; past that its queue is closed (bounded memory) and, once it reads
again, it gets what was queued, in order, then RESOURCE_EXHAUSTED; traffic snapshots are
coalesced meanwhile (``dropped_snapshot_count``). Other watchers are served as if nothing
happened.

Clock jumps (live.py): an activated flight whose plan is over and that still reports is
NONCONFORMING, then CONTINGENT; a silent one is CONTINGENT (lost link); an accepted plan whose
time is over without a flight is ENDED, which frees its airspace and its operator's quota. After the
clock steps back, what was heard 'in the future' counts as heard at the step: the vehicles'
next states are taken at once, and a silent flight is declared lost a telemetry timeout later.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import replace

import grpc
import pytest
import redis

from airspace.config import AirspaceConfig
from airspace.events import DEFAULT_MAX_PENDING
from airspace.model import HOLDING_STATES
from airspace.sdk import (
    AirspaceClient,
    AirspaceError,
    DeadlineExceeded,
    FailedPrecondition,
    InvalidArgument,
    Reconnected,
    Unavailable,
)
from airspace.server import convert
from airspace.telemetry import MAX_ID_LENGTH
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import monitor_service_pb2 as monitor_pb
from airspace.v1 import monitor_service_pb2_grpc as monitor_grpc
from airspace.v1 import telemetry_pb2
from bench.servers import free_port
from tests.bruteforce import find_conflicting_pairs
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer
from tests.redis_server import RedisServer
from tests.replicas.process import start_replica
from tests.streams import GroundStation, Watcher, _Collector, state, wait_until

CONFIG = AirspaceConfig()
EAST_3KM = offset(DEPOT, 3000, 0)
NORTH_ROUTE = (offset(DEPOT, 0, 1000), offset(DEPOT, 3000, 1000))
SOUTH_ROUTE = (offset(DEPOT, 0, -1000), offset(DEPOT, 3000, -1000))
MID_CRUISE_S = T0 + 600 + 20 + 100  # 1,500 m along a route departing at T0 + 600
HOUR_S = 3600.0


# -- a stalled watcher ---------------------------------------------------------------------------
def flood(running: RunningServer, first: int, count: int) -> None:
    """``count`` unplanned vehicles report once each (60 m apart: no conflicts), after the
    earlier ones were forgotten; one cycle then raises one alert for each."""
    running.clock.advance(61)
    now = running.clock.now()
    states = [
        state(f"UAS-{first + k}", "", now, *offset(DEPOT, 60 * (k % 50), 60 * (k // 50)), 50.0)
        for k in range(count)
    ]
    before = running.server.bus.subscriber_count
    station = GroundStation(running.target, "demo-operator")
    assert station.send(*states).accepted_count == count
    station.close()  # its own alerts would flood its stream: it is gone before the cycle
    wait_until(lambda: running.server.bus.subscriber_count == before)
    running.cycle()


def test_a_stalled_watcher_costs_bounded_memory_and_delays_no_one(
    running: RunningServer, operator: AirspaceClient
) -> None:
    bus = running.server.bus
    # A small receive window (no BDP probing): the server's writes block soon, as they would
    # for any watcher that stops reading once the transport's buffers are full.
    channel = grpc.insecure_channel(running.target, options=[("grpc.http2.bdp_probe", 0)])
    stalled = monitor_grpc.MonitorServiceStub(channel).WatchAirspace(
        monitor_pb.WatchAirspaceRequest(), metadata=(("authorization", "Bearer demo-regulator"),)
    )
    wait_until(lambda: bus.subscriber_count == 1)
    prompt = Watcher(
        running.target, monitor_pb.WatchAirspaceRequest(kinds=[monitor_pb.EVENT_KIND_PLAN])
    )
    wait_until(lambda: bus.subscriber_count == 2)
    batch, batches = 2500, 6
    try:
        for b in range(batches):
            flood(running, b * batch, batch)
            plan = delivery(T0 + 2 * HOUR_S + 600 * b, DEPOT, EAST_3KM)
            booked = operator.submit_flight_plan(plan, f"b{b}").flight_plan.flight_plan_id
            event = prompt.wait_for(
                lambda r, booked=booked: r.plan.flight_plan_id == booked, timeout_s=5
            )
            assert event.plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
        [held] = [s for s in bus._subscriptions if s.overflowed]
        assert held.closed and (queued := len(held.alerts)) <= DEFAULT_MAX_PENDING
        flood(running, batches * batch, 100)
        assert len(held.alerts) <= queued  # closed: it takes nothing more

        reader = _Collector(stalled)  # it reads again at last
        received = reader.drain(settle_s=2.0)
        assert reader.error is not None
        assert reader.error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        alerts = [r.conformance.registration_id for r in received if r.HasField("conformance")]
        assert alerts == [f"UAS-{i}" for i in range(len(alerts))]  # in order, none skipped
        assert DEFAULT_MAX_PENDING < len(alerts) < batches * batch
        assert max(r.dropped_snapshot_count for r in received) > 0
        wait_until(lambda: bus.subscriber_count == 1)  # its subscription is gone
    finally:
        stalled.cancel()
        channel.close()
        prompt.close()


# -- a telemetry storm from one vehicle ----------------------------------------------------------
def test_a_storming_vehicle_loses_only_its_own_excess_states(running: RunningServer) -> None:
    now = running.clock.now()
    storm = [state("UAS-STORM", "", now - 1 + k / 1000, *DEPOT, 50.0) for k in range(1000)]
    calm = [state(f"UAS-{k}", "", now, *offset(DEPOT, 100 * k, 500), 50.0) for k in range(10)]
    station = GroundStation(running.target, "demo-operator")
    try:
        ack = station.send(*storm[:500], *calm, *storm[500:])
        rejected = {r.index: r for r in ack.rejections}
        assert not any(500 <= i < 510 for i in rejected), "the calm vehicles are all taken"
        # One state per 10 ms of the storm's own clock: 100 of its 1,000 in one second.
        assert ack.accepted_count == 10 + 100
        assert all(r.registration_id == "UAS-STORM" for r in rejected.values())
        assert "at most 100 states a second per vehicle" in rejected[1].reasons[0]
        snapshot = running.cycle()
        assert len(snapshot.tracks) == 11  # type: ignore[attr-defined]
    finally:
        station.close()


# -- clock jumps ---------------------------------------------------------------------------------
def test_the_monitor_and_the_book_follow_the_clock_through_jumps(
    running: RunningServer,
    operator: AirspaceClient,
    other_operator: AirspaceClient,
    regulator: AirspaceClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = running.clock
    station = GroundStation(running.target, "demo-operator")

    def submit(client: AirspaceClient, plan: fp.FlightPlan, request_id: str) -> str:
        answer = client.submit_flight_plan(plan, request_id)
        assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED, answer
        return answer.flight_plan.flight_plan_id

    def state_of(plan_id: str) -> int:
        return regulator.get_flight_plan(plan_id).state

    flown = submit(operator, delivery(T0 + 600, DEPOT, EAST_3KM), "flown")
    silent = submit(other_operator, delivery(T0 + 600, *NORTH_ROUTE), "silent")
    idle = submit(operator, delivery(T0 + 600, *SOUTH_ROUTE), "idle")
    later = submit(operator, delivery(T0 + 4 * HOUR_S, DEPOT, EAST_3KM), "later")
    clock.set(MID_CRUISE_S)
    operator.activate_flight_plan(flown)
    other_operator.activate_flight_plan(silent)
    on_plan = state("UAS-F", flown, MID_CRUISE_S, *offset(DEPOT, 1500, 0), 60.0)
    assert station.send(on_plan).accepted_count == 1
    running.cycle()
    assert state_of(flown) == state_of(silent) == fp.FLIGHT_PLAN_STATE_ACTIVATED

    clock.advance(3 * HOUR_S)  # forward by hours: the morning's flights are long over
    now = clock.now()
    late = station.send(state("UAS-F", flown, MID_CRUISE_S + 1, *EAST_3KM, 60.0))
    assert late.accepted_count == 0 and "old" in late.rejections[0].reasons[0]
    assert station.send(state("UAS-F", flown, now, *EAST_3KM, 60.0)).accepted_count == 1
    running.cycle()
    assert state_of(flown) == fp.FLIGHT_PLAN_STATE_NONCONFORMING  # still flying, plan over
    assert state_of(silent) == fp.FLIGHT_PLAN_STATE_CONTINGENT  # lost link
    assert state_of(later) == fp.FLIGHT_PLAN_STATE_ACCEPTED
    lapsed = regulator.get_flight_plan(idle)  # over and never flown: ended, its airspace free
    assert lapsed.state == fp.FLIGHT_PLAN_STATE_ENDED and "never activated" in lapsed.state_reason
    with pytest.raises(FailedPrecondition):
        operator.activate_flight_plan(idle)
    with pytest.raises(InvalidArgument):
        operator.submit_flight_plan(delivery(MID_CRUISE_S, DEPOT, EAST_3KM), "past")
    clock.advance(61)
    station.send(state("UAS-F", flown, clock.now(), *EAST_3KM, 60.0))
    running.cycle()
    assert state_of(flown) == fp.FLIGHT_PLAN_STATE_CONTINGENT  # out of its plan for 61 s
    soon = submit(operator, delivery(clock.now() + 300, *NORTH_ROUTE), "soon")
    operator.activate_flight_plan(soon)

    before_step = clock.now()
    clock.advance(-600)  # back by minutes
    # The vehicle's states are taken at once, though older than the one held before the step.
    assert station.send(state("UAS-F", flown, clock.now(), *EAST_3KM, 60.0)).accepted_count == 1
    running.cycle()
    assert state_of(soon) == fp.FLIGHT_PLAN_STATE_ACTIVATED
    # Judged against the new 'now': over before the step, but not now.
    between = delivery(clock.now() + 60, *SOUTH_ROUTE)
    assert between.trajectory.waypoints[-1].time.seconds < before_step
    submit(other_operator, between, "between")
    with pytest.raises(InvalidArgument):
        other_operator.submit_flight_plan(delivery(clock.now() - 600, *SOUTH_ROUTE), "gone")
    clock.advance(16)
    assert station.send(state("UAS-F", flown, clock.now(), *EAST_3KM, 60.0)).accepted_count == 1
    running.cycle()
    assert state_of(soon) == fp.FLIGHT_PLAN_STATE_CONTINGENT  # silent since the step: lost
    station.close()

    stored = {p.flight_plan_id: p for p in regulator.iter_flight_plans()}
    holding = [
        replace(convert.plan_in(p), flight_plan_id=i)
        for i, p in stored.items()
        if convert.STATES[p.state] in HOLDING_STATES
    ]
    assert len(stored) == 6  # the refused ones were never stored
    assert len(holding) == 5  # all but the lapsed one
    assert find_conflicting_pairs(holding, CONFIG) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_an_ongoing_conflict_is_published_again_right_after_the_clock_steps_back(
    running: RunningServer,
) -> None:
    station = GroundStation(running.target, "demo-operator")
    watcher = Watcher(
        running.target, monitor_pb.WatchAirspaceRequest(kinds=[monitor_pb.EVENT_KIND_CONFLICT])
    )
    wait_until(lambda: running.server.bus.subscriber_count == 2)
    try:
        for step in (0.0, -600.0):
            running.clock.advance(step)
            now = running.clock.now()
            hovering = [
                state(r, "", now, *offset(DEPOT, 20 * k, 0), 50.0) for k, r in enumerate("AB")
            ]
            assert station.send(*hovering).accepted_count == 2
            running.cycle()
            seen = watcher.wait_for(lambda r: r.HasField("conflict"), timeout_s=5)
            assert seen.conflict.loss_of_separation and seen.time.seconds == int(now)
        running.clock.advance(1)
        running.cycle()
        running.clock.advance(5)
        running.cycle()  # repeated every 5 s, counted from the step back
        assert [r.time.seconds for r in watcher.drain()] == [int(running.clock.now())]
    finally:
        station.close()
        watcher.close()


def test_a_flight_heard_before_the_clock_stepped_back_is_judged_from_the_step(
    running: RunningServer, operator: AirspaceClient
) -> None:
    plan = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "p").flight_plan
    operator.activate_flight_plan(plan.flight_plan_id)
    station = GroundStation(running.target, "demo-operator")
    off_plan = offset(DEPOT, 0, 300)
    try:
        station.send(state("UAS-E", plan.flight_plan_id, T0, *off_plan, 50.0, east=15.0))
        running.cycle()
        assert operator.get_flight_plan(plan.flight_plan_id).state == (
            fp.FLIGHT_PLAN_STATE_NONCONFORMING
        )
        running.clock.advance(-120)
        # Where it would be had it flown backwards through the 120 s of the step: nobody is in
        # conflict with a ghost there.
        ghost = offset(off_plan, -15 * 120, 0)
        station.send(state("UAS-THERE", "", running.clock.now(), *ghost, 50.0))
        running.cycle()
        assert not [r for r in [*station.skipped, *station.drain()] if r.conflicts]
        # Out of its plan for 60 s counted from the step: contingent.
        running.clock.advance(61)
        station.send(
            state("UAS-E", plan.flight_plan_id, running.clock.now(), *off_plan, 50.0, east=15.0)
        )
        running.cycle()
        assert operator.get_flight_plan(plan.flight_plan_id).state == (
            fp.FLIGHT_PLAN_STATE_CONTINGENT
        )
    finally:
        station.close()


def test_a_vehicle_back_after_silence_is_reported_again(running: RunningServer) -> None:
    station = GroundStation(running.target, "demo-operator")
    try:
        for gap_s in (0.0, 61.0):  # forgotten after 4 telemetry timeouts (60 s) of silence
            running.clock.advance(gap_s)
            running.cycle()  # the monitor forgets it in the silence
            station.send(state("UAS-BACK", "", running.clock.now(), *DEPOT, 40.0))
            running.cycle()
            pushed = station.wait_for(lambda r: bool(r.alerts), timeout_s=5)
            assert pushed.alerts[0].kind == telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN
        long_id = "U" * (MAX_ID_LENGTH + 1)
        ack = station.send(
            state(long_id, "", running.clock.now() + 1, *DEPOT, 40.0),
            state("UAS-OK", "P" * (MAX_ID_LENGTH + 1), running.clock.now() + 1, *DEPOT, 40.0),
            state("U" * MAX_ID_LENGTH, "", running.clock.now() + 1, *DEPOT, 40.0),
        )
        assert ack.accepted_count == 1
        assert [list(r.reasons) for r in ack.rejections] == [
            [f"registration_id: {MAX_ID_LENGTH + 1} characters; at most {MAX_ID_LENGTH}"],
            [f"flight_plan_id: {MAX_ID_LENGTH + 1} characters; at most {MAX_ID_LENGTH}"],
        ]
    finally:
        station.close()


# -- a replica restart under an SDK client -------------------------------------------------------
@pytest.fixture
def flushed(redis_server: RedisServer) -> RedisServer:
    redis.Redis(port=redis_server.port).flushall()
    return redis_server


def wait_for_plan(seen: queue.Queue[str], plan_id: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while seen.get(timeout=max(0.0, deadline - time.monotonic())) != plan_id:
        pass


def test_an_sdk_client_rides_through_a_redis_replica_restart(flushed: RedisServer) -> None:
    port = free_port()
    process, target = start_replica(flushed.url, port=port)
    start = time.time() + 900
    gaps: list[Reconnected] = []
    seen: queue.Queue[str] = queue.Queue()
    operator = AirspaceClient(target, "demo-operator")  # the default retry and reconnect policies
    regulator = AirspaceClient(target, "demo-regulator")

    def watch() -> None:
        kinds = [monitor_pb.EVENT_KIND_PLAN]
        try:
            for event in regulator.watch_airspace(kinds=kinds, on_reconnect=gaps.append):
                seen.put(event.plan.flight_plan_id)
        except AirspaceError:
            seen.put("closed")

    def book(i: int) -> str:
        plan = delivery(start + 600 * i, DEPOT, EAST_3KM)
        return operator.submit_flight_plan(plan, f"r{i}").flight_plan.flight_plan_id

    def book_in_the_outage(i: int) -> None:
        try:
            outcomes.append(book(i))
        except (Unavailable, DeadlineExceeded) as exc:
            outcomes.append(exc)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    outcomes: list[str | AirspaceError] = []
    try:
        acked: list[str] = []
        while seen.empty() and len(acked) < 20:  # booked until the watch shows one: it is open
            acked.append(book(len(acked)))
            time.sleep(0.2)
        acked.append(book(len(acked)))

        process.kill()  # a crash: no goodbye to the clients
        process.wait()
        with pytest.raises(Unavailable):
            operator.cancel_flight_plan(acked[0])  # never retried: refused at once
        during = threading.Thread(target=book_in_the_outage, args=(len(acked),))
        during.start()
        process, _ = start_replica(flushed.url, port=port)
        during.join(30)

        for plan_id in acked:  # served by the new process, from Redis
            assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_ACCEPTED
        # Booked by its retries once the replica was back, or refused as unavailable; the same
        # request id again gives the booked plan, or books it now: never twice.
        again = book(len(acked))
        [outcome] = outcomes
        assert outcome == again or isinstance(outcome, AirspaceError)
        wait_until(lambda: len(gaps) == 1, timeout_s=30)
        assert gaps[0].cause == "UNAVAILABLE" and gaps[0].gap_s > 0
        after = book(len(acked) + 1)
        wait_for_plan(seen, after)  # the watch is back, on the new process
        stored = [p.flight_plan_id for p in regulator.iter_flight_plans()]
        assert sorted(stored) == sorted([*acked, again, after])
    finally:
        operator.close()
        regulator.close()
        watcher.join(10)
        process.kill()
        process.wait()
