"""Live airspace through real gRPC streams: telemetry in, conformance and conflicts out."""

from __future__ import annotations

import math

import pytest

from airspace.sdk import AirspaceClient
from airspace.v1 import common_pb2, telemetry_pb2
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import monitor_service_pb2 as monitor_pb
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer
from tests.streams import GroundStation, Watcher, state, wait_until

EAST_3KM = offset(DEPOT, 3000, 0)
MID_CRUISE_S = T0 + 600 + 20 + 100  # 1,500 m east of the depot at 60 m


@pytest.fixture
def station(running: RunningServer) -> GroundStation:
    session = GroundStation(running.target, "demo-operator")
    yield session
    session.close()


@pytest.fixture
def watcher(running: RunningServer) -> Watcher:
    before = running.server.bus.subscriber_count
    session = Watcher(running.target, monitor_pb.WatchAirspaceRequest())
    wait_until(lambda: running.server.bus.subscriber_count > before)
    yield session
    session.close()


def flying_plan(operator: AirspaceClient, running: RunningServer) -> str:
    plan = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "live").flight_plan
    operator.activate_flight_plan(plan.flight_plan_id)
    running.clock.set(MID_CRUISE_S)
    return plan.flight_plan_id


def on_plan(plan_id: str, time_s: float, north_m: float = 0.0) -> telemetry_pb2.VehicleState:
    lat, lon = offset(DEPOT, 1500 + 15 * (time_s - MID_CRUISE_S), north_m)
    return state("UAS-TEST-1", plan_id, time_s, lat, lon, 60.0, east=15.0)


def alert_of(kind: int):  # type: ignore[no-untyped-def]
    return lambda r: any(a.kind == kind for a in r.alerts)


def test_a_conforming_flight_stays_activated(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    plan_id = flying_plan(operator, running)
    ack = station.send(on_plan(plan_id, MID_CRUISE_S))
    assert ack.accepted_count == 1 and not ack.rejections
    running.cycle()
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_ACTIVATED
    assert station.drain() == []  # nothing to say: no alerts, and no traffic snapshots


def test_leaving_the_plan_then_staying_out_then_returning(
    operator: AirspaceClient,
    running: RunningServer,
    station: GroundStation,
    watcher: Watcher,
) -> None:
    plan_id = flying_plan(operator, running)
    station.send(on_plan(plan_id, MID_CRUISE_S, north_m=300))
    running.cycle()
    pushed = station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_NONCONFORMING))
    assert pushed.alerts[0].flight_plan_id == plan_id
    assert pushed.alerts[0].deviation_m == pytest.approx(300, abs=5)
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_NONCONFORMING
    # The plan's state change, then the alert that explains it.
    watcher.wait_for(
        lambda r: (
            r.WhichOneof("event") == "plan" and r.plan.state == fp.FLIGHT_PLAN_STATE_NONCONFORMING
        )
    )
    seen = watcher.wait_for(lambda r: r.WhichOneof("event") == "conformance")
    assert seen.conformance.kind == telemetry_pb2.ALERT_KIND_NONCONFORMING

    running.clock.advance(61)
    station.send(on_plan(plan_id, running.clock.now(), north_m=300))
    running.cycle()
    station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_CONTINGENT))
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_CONTINGENT

    running.clock.advance(1)
    station.send(on_plan(plan_id, running.clock.now()))
    running.cycle()
    station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_CONFORMING))
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_ACTIVATED


def test_being_late_within_the_time_tolerance_conforms(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    plan_id = flying_plan(operator, running)
    # Where the plan was 8 s ago: behind schedule, within the 10 s tolerance.
    late = on_plan(plan_id, MID_CRUISE_S - 8)
    late.time.CopyFrom(on_plan(plan_id, MID_CRUISE_S).time)
    station.send(late)
    running.cycle()
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_ACTIVATED


def test_silence_makes_an_activated_flight_contingent(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    plan_id = flying_plan(operator, running)
    station.send(on_plan(plan_id, MID_CRUISE_S))
    running.clock.advance(16)
    running.cycle()
    pushed = station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_TELEMETRY_LOST))
    assert pushed.alerts[0].plan_state == fp.FLIGHT_PLAN_STATE_CONTINGENT
    assert operator.get_flight_plan(plan_id).state == fp.FLIGHT_PLAN_STATE_CONTINGENT


def test_flying_without_an_activated_plan_is_reported_once(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    accepted = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "a").flight_plan
    running.clock.set(MID_CRUISE_S)
    station.send(on_plan(accepted.flight_plan_id, MID_CRUISE_S))
    running.cycle()
    pushed = station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN))
    assert "accepted, not activated" in pushed.alerts[0].reason
    running.clock.advance(1)
    station.send(on_plan(accepted.flight_plan_id, running.clock.now()))
    running.cycle()
    assert not [r for r in station.drain() if r.alerts]


def test_bad_states_are_rejected_one_by_one_and_good_ones_taken(
    operator: AirspaceClient,
    other_operator: AirspaceClient,
    running: RunningServer,
    station: GroundStation,
) -> None:
    theirs = other_operator.submit_flight_plan(delivery(T0 + 900, DEPOT, EAST_3KM), "t")
    running.clock.set(MID_CRUISE_S)
    now = MID_CRUISE_S
    good = state("UAS-1", "", now, *DEPOT, 30.0)
    bad = [
        state("UAS-2", "", now, math.nan, DEPOT[1], 30.0),
        state("UAS-3", "", now, 95.0, DEPOT[1], 30.0),
        state("UAS-4", "", now + 3600, *DEPOT, 30.0),
        state("UAS-5", "", now, *DEPOT, 30.0, north=300.0),
        state("UAS-6", "no-such-plan", now, *DEPOT, 30.0),
        state("UAS-7", theirs.flight_plan.flight_plan_id, now, *DEPOT, 30.0),
        state("", "", now, *DEPOT, 30.0),
    ]
    ack = station.send(good, *bad)
    assert ack.accepted_count == 1
    assert [r.index for r in ack.rejections] == list(range(1, 8))
    reasons = [" ".join(r.reasons) for r in ack.rejections]
    for expected, reason in zip(
        ["finite", "latitude", "future", "faster", "no plan", "no plan", "registration_id"],
        reasons,
        strict=True,
    ):
        assert expected in reason
    # Older than what we hold: ignored, and said so.
    stale = station.send(state("UAS-1", "", now - 1, *DEPOT, 30.0))
    assert stale.accepted_count == 0 and "not newer" in stale.rejections[0].reasons[0]


def test_two_drones_head_on_get_a_conflict_with_advisories(
    operator: AirspaceClient,
    other_operator: AirspaceClient,
    running: RunningServer,
    station: GroundStation,
    watcher: Watcher,
) -> None:
    running.clock.set(MID_CRUISE_S)
    now = MID_CRUISE_S
    theirs = GroundStation(running.target, "demo-operator-2")
    try:
        west, east = offset(DEPOT, 0, 0), offset(DEPOT, 400, 0)
        station.send(state("UAS-W", "", now, *west, 50.0, east=10.0))
        theirs.send(state("UAS-E", "", now, *east, 50.0, east=-10.0))
        running.cycle()
        mine = station.wait_for(lambda r: bool(r.conflicts)).conflicts[0]
        assert {mine.registration_id_a, mine.registration_id_b} == {"UAS-W", "UAS-E"}
        assert not mine.loss_of_separation
        assert mine.closest_horizontal_distance_m == pytest.approx(0, abs=1)
        assert mine.start_time.seconds == pytest.approx(now + (400 - 50) / 20, abs=1)
        assert {a.registration_id for a in mine.advisories} == {"UAS-W", "UAS-E"}
        theirs.wait_for(lambda r: bool(r.conflicts))
        seen = watcher.wait_for(lambda r: r.WhichOneof("event") == "conflict")
        assert seen.conflict.closest_approach_time.seconds == pytest.approx(now + 20, abs=1)
    finally:
        theirs.close()


def test_operators_watch_only_their_own_operations(
    operator: AirspaceClient,
    other_operator: AirspaceClient,
    running: RunningServer,
    station: GroundStation,
) -> None:
    station.send()  # the ground station's stream is open (and subscribed) before counting
    before = running.server.bus.subscriber_count
    mine = Watcher(running.target, monitor_pb.WatchAirspaceRequest(), token="demo-operator")
    wait_until(lambda: running.server.bus.subscriber_count > before)
    try:
        commercial = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "c")
        ambulance = delivery(T0 + 600, DEPOT, EAST_3KM, priority=fp.PRIORITY_EMERGENCY)
        other_operator.submit_flight_plan(ambulance, "e")
        running.clock.set(MID_CRUISE_S)
        theirs = GroundStation(running.target, "demo-operator-2")
        station.send(state("UAS-MINE", "", MID_CRUISE_S, *DEPOT, 30.0))
        theirs.send(state("UAS-THEIRS", "", MID_CRUISE_S, *offset(DEPOT, 0, 2000), 30.0))
        running.cycle()
        theirs.close()
        events = mine.drain(settle_s=1.0)
        plan_events = [e.plan for e in events if e.WhichOneof("event") == "plan"]
        # Told that its plan was accepted and then preempted; nothing of the ambulance's own.
        assert [(p.flight_plan_id, p.state) for p in plan_events] == [
            (commercial.flight_plan.flight_plan_id, fp.FLIGHT_PLAN_STATE_ACCEPTED),
            (commercial.flight_plan.flight_plan_id, fp.FLIGHT_PLAN_STATE_PREEMPTED),
        ]
        tracks = [
            t.state.registration_id
            for e in events
            if e.WhichOneof("event") == "traffic"
            for t in e.traffic.tracks
        ]
        assert tracks == ["UAS-MINE"]
        alerts = [
            e.conformance.registration_id for e in events if e.WhichOneof("event") == "conformance"
        ]
        assert alerts == ["UAS-MINE"]
    finally:
        mine.close()


def test_watchers_see_only_their_area_and_kinds(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    far = offset(DEPOT, 0, 5000)
    area = common_pb2.Area(
        circle=common_pb2.Circle(
            center=common_pb2.LatLng(latitude_deg=far[0], longitude_deg=far[1]), radius_m=1000
        )
    )
    before = running.server.bus.subscriber_count
    local = Watcher(
        running.target,
        monitor_pb.WatchAirspaceRequest(
            area=area, kinds=[monitor_pb.EVENT_KIND_TRAFFIC, monitor_pb.EVENT_KIND_PLAN]
        ),
    )
    wait_until(lambda: running.server.bus.subscriber_count > before)
    try:
        running.clock.set(MID_CRUISE_S)
        station.send(
            state("UAS-NEAR", "", MID_CRUISE_S, *DEPOT, 30.0),
            state("UAS-FAR", "", MID_CRUISE_S, *far, 30.0),
        )
        operator.submit_flight_plan(delivery(T0 + 3600, DEPOT, EAST_3KM), "elsewhere")
        running.cycle()
        snapshot = local.wait_for(lambda r: r.WhichOneof("event") == "traffic")
        assert [t.state.registration_id for t in snapshot.traffic.tracks] == ["UAS-FAR"]
        kinds = {r.WhichOneof("event") for r in local.drain()}
        assert kinds <= {"traffic"}  # the unplanned-flight alert and the far plan are filtered
    finally:
        local.close()


def test_a_slow_watcher_loses_snapshots_never_alerts(
    operator: AirspaceClient, running: RunningServer, station: GroundStation
) -> None:
    subscription = running.thread.call(_subscribe(running))
    running.clock.set(MID_CRUISE_S)
    for i in range(5):
        running.clock.advance(1)
        station.send(state(f"UAS-{i}", "", running.clock.now(), *DEPOT, 30.0))
        running.cycle()
    events = running.thread.call(_drain(subscription))
    alerts = [e for e in events if type(e).__name__ == "ConformanceAlert"]
    snapshots = [e for e in events if type(e).__name__ == "TrafficSnapshot"]
    assert len(alerts) == 5  # one unplanned-flight alert per vehicle, all kept
    assert len(snapshots) == 1 and subscription.dropped_snapshots == 4
    assert len(snapshots[0].tracks) == 5  # the one kept is the latest


async def _subscribe(running: RunningServer):  # type: ignore[no-untyped-def]
    return running.server.bus.subscribe()


async def _drain(subscription):  # type: ignore[no-untyped-def]
    subscription.close()
    events = []
    while (event := await subscription.next()) is not None:
        events.append(event)
    return events


def test_a_drone_waiting_on_its_pad_needs_no_plan_until_it_lifts_off(
    running: RunningServer, station: GroundStation
) -> None:
    running.clock.set(MID_CRUISE_S)
    lat, lon = DEPOT
    station.send(state("UAS-PAD", "", MID_CRUISE_S, lat, lon, 0.0))
    running.cycle()
    assert not [r for r in station.drain() if r.alerts]
    running.clock.advance(1)
    station.send(state("UAS-PAD", "", running.clock.now(), lat, lon, 3.0, down=-3.0))
    running.cycle()
    pushed = station.wait_for(alert_of(telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN))
    assert pushed.alerts[0].registration_id == "UAS-PAD"
