"""No identity reads or changes another operator's plans: one access rule per RPC, each tested
through a real server, with op-other (``demo-operator-2``) trying op-demo's plans and vehicles.

Found today: another operator's plan answers PERMISSION_DENIED on Get, Cancel, Activate and End
(a plan that does not exist answers NOT_FOUND, so the status tells that the plan exists), while
telemetry names another operator's plan with the same words as a plan that does not exist.

What another operator learns on purpose (``REVEALED``, checked field by field below):
- a rejected submission names each plan in its way: id, priority, the moment of the first
  conflict, where the *submitted* plan is then and the separations; never its operator,
  vehicle or path; an emergency submission lists the ids of the plans it preempted;
- QueryAirspace lists every plan occupying an area: id, priority, state, time window;
- a tactical conflict tells both parties the other vehicle's registration id and plan id.
"""

from __future__ import annotations

import json
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import grpc
import pytest
from google.protobuf import message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

import airspace.v1
from airspace.paging import encode_token
from airspace.sdk import AirspaceClient, deliveries_request
from airspace.timestamps import to_timestamp
from airspace.v1 import airspace_service_pb2 as zones_pb
from airspace.v1 import airspace_service_pb2_grpc as zones_grpc
from airspace.v1 import common_pb2, geozone_pb2, telemetry_pb2
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import flight_plan_service_pb2_grpc as plans_grpc
from airspace.v1 import monitor_service_pb2 as monitor_pb
from airspace.v1 import planner_service_pb2 as planner_pb
from tests.builders import DEPOT, delivery, offset, vehicle
from tests.conftest import T0, RunningServer
from tests.streams import GroundStation, Watcher, state, wait_until

ANOTHER_OPERATORS_PLAN = grpc.StatusCode.NOT_FOUND
"""What Get/Cancel/Activate/End answer: as for a plan that does not exist (no clue that it does)."""
OWN = "operators: their own plans and vehicles only; regulators: all"
PUBLIC = "any identity"
REGULATORS = "regulators only; operators get PERMISSION_DENIED"
RULES: dict[str, tuple[str, str]] = {
    "airspace.v1.AirspaceService/ListGeozones": (PUBLIC, "test_geozones_are_read_by_all"),
    "airspace.v1.AirspaceService/GetGeozone": (PUBLIC, "test_geozones_are_read_by_all"),
    "airspace.v1.AirspaceService/QueryAirspace": (PUBLIC, "test_query_airspace_reveals"),
    "airspace.v1.AirspaceService/CreateGeozone": (REGULATORS, "test_geozone_writes"),
    "airspace.v1.AirspaceService/UpdateGeozone": (REGULATORS, "test_geozone_writes"),
    "airspace.v1.AirspaceService/DeleteGeozone": (REGULATORS, "test_geozone_writes"),
    "airspace.v1.AirspaceService/ImportGeozones": (REGULATORS, "test_geozone_writes"),
    "airspace.v1.FlightPlanService/SubmitFlightPlan": (OWN, "test_submit_as_another"),
    "airspace.v1.FlightPlanService/GetFlightPlan": (OWN, "test_plans_of_another"),
    "airspace.v1.FlightPlanService/ListFlightPlans": (OWN, "test_listing"),
    "airspace.v1.FlightPlanService/CancelFlightPlan": (OWN, "test_plans_of_another"),
    "airspace.v1.FlightPlanService/ActivateFlightPlan": (OWN, "test_plans_of_another"),
    "airspace.v1.FlightPlanService/EndFlightPlan": (OWN, "test_plans_of_another"),
    "airspace.v1.PlannerService/PlanRoute": (OWN, "test_planning"),
    "airspace.v1.PlannerService/PlanDeliveries": (OWN, "test_planning"),
    "airspace.v1.TelemetryService/StreamTelemetry": (OWN, "test_live_traffic"),
    "airspace.v1.MonitorService/WatchAirspace": (OWN, "test_live_traffic"),
}
REVEALED = {
    fp.Conflict: {"flight_plan_id", "priority", "time", "position", "altitude_m",
                  "horizontal_separation_m", "vertical_separation_m"},
    zones_pb.Occupant: {"flight_plan_id", "priority", "state", "time_window"},
    telemetry_pb2.TacticalConflict: {
        "registration_id_a", "registration_id_b", "flight_plan_id_a", "flight_plan_id_b",
        "loss_of_separation", "start_time", "closest_approach_time",
        "closest_horizontal_distance_m", "closest_vertical_distance_m", "advisories"},
}  # fmt: skip
EAST_3KM = offset(DEPOT, 3000, 0)
NORTH_ROUTE = (offset(DEPOT, 0, 1000), offset(DEPOT, 3000, 1000))
"""Eastwards, 1 km north of the depot."""
MID_CRUISE_S = T0 + 600 + 20 + 100  # 1,500 m along either route, at 60 m
OTHER = (("authorization", "Bearer demo-operator-2"),)


@dataclass
class Booked:
    """op-demo's plans: ``accepted`` from DEPOT to EAST_3KM, ``activated`` on NORTH_ROUTE."""

    accepted: fp.FlightPlan
    activated: fp.FlightPlan

    @property
    def secrets(self) -> list[bytes]:
        """What must not reach another operator beyond ``REVEALED``."""
        ids = (self.accepted.flight_plan_id, self.activated.flight_plan_id)
        return [s.encode() for s in ("op-demo", "UAS-DEMO-A", "UAS-DEMO-B", *ids)]

    def leaked(self, message: Any) -> list[bytes]:
        wire = message.SerializeToString()
        return [s for s in self.secrets if s in wire]


def own_plan(depart_s: float, route: tuple[tuple[float, float], ...], reg: str) -> fp.FlightPlan:
    plan = delivery(depart_s, route[0], route[1])
    plan.vehicle.registration_id = reg
    return plan


@pytest.fixture
def booked(operator: AirspaceClient) -> Booked:
    a = operator.submit_flight_plan(own_plan(T0 + 600, (DEPOT, EAST_3KM), "UAS-DEMO-A"), "demo-a")
    b = operator.submit_flight_plan(own_plan(T0 + 600, NORTH_ROUTE, "UAS-DEMO-B"), "demo-b")
    activated = operator.activate_flight_plan(b.flight_plan.flight_plan_id)
    return Booked(a.flight_plan, activated)


@pytest.fixture
def channel(running: RunningServer) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(running.target) as opened:
        yield opened


def service_methods() -> Iterator[Any]:
    """Every RPC of every service the generated code in airspace/v1 declares."""
    for module in pkgutil.iter_modules(airspace.v1.__path__):
        if module.name.endswith("_pb2"):
            services = import_module(f"airspace.v1.{module.name}").DESCRIPTOR.services_by_name
            for service in services.values():
                yield from service.methods


def invoke(channel: grpc.Channel, method: Any, metadata: tuple[tuple[str, str], ...]) -> None:
    """Call ``method`` with an empty request, reading a streamed answer to its end."""
    request = message_factory.GetMessageClass(method.input_type)()
    response = message_factory.GetMessageClass(method.output_type)
    kinds = {
        (False, False): channel.unary_unary,
        (False, True): channel.unary_stream,
        (True, False): channel.stream_unary,
        (True, True): channel.stream_stream,
    }
    multicallable = kinds[method.client_streaming, method.server_streaming](
        f"/{method.containing_service.full_name}/{method.name}",
        request_serializer=type(request).SerializeToString,
        response_deserializer=response.FromString,
    )
    sent = iter([request]) if method.client_streaming else request
    answer = multicallable(sent, metadata=metadata, timeout=10)
    if method.server_streaming:
        list(answer)


def status_of(call: Callable[[], object]) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as raised:
        call()
    return raised.value.code()


def test_every_rpc_has_an_access_rule_and_a_test() -> None:
    declared = {f"{m.containing_service.full_name}/{m.name}" for m in service_methods()}
    assert declared == set(RULES), "a new RPC needs an access rule (and a test) here"
    assert {test for _, test in RULES.values()} <= set(globals())


def test_what_is_revealed_is_this_and_no_more() -> None:
    for message, fields in REVEALED.items():
        assert set(message.DESCRIPTOR.fields_by_name) == fields, f"{message} reveals more"


def test_every_rpc_refuses_a_missing_or_invalid_token_and_health_stays_open(
    channel: grpc.Channel,
) -> None:
    refused = [
        (),
        (("authorization", "Bearer not-a-token"),),
        (("authorization", "Bearer demo-operator-"),),
        (("authorization", "demo-operator"),),  # no scheme
        (("authorization", "Basic ZGVtby1vcGVyYXRvcjo="),),
    ]
    methods = list(service_methods())
    for method in methods:
        for metadata in refused:
            code = status_of(lambda m=method, md=metadata: invoke(channel, m, md))
            assert code == grpc.StatusCode.UNAUTHENTICATED, (method.full_name, metadata)
    health = health_pb2_grpc.HealthStub(channel)
    answer = health.Check(health_pb2.HealthCheckRequest(), metadata=refused[1])
    assert answer.status == health_pb2.HealthCheckResponse.SERVING
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    request = reflection_pb2.ServerReflectionRequest(list_services="")
    [listed] = reflection.ServerReflectionInfo(iter([request]), metadata=refused[1])
    served = {s.name for s in listed.list_services_response.service}
    assert {m.containing_service.full_name for m in methods} <= served


def test_plans_of_another(operator: AirspaceClient, channel: grpc.Channel, booked: Booked) -> None:
    stub = plans_grpc.FlightPlanServiceStub(channel)
    calls = {
        "Get": (stub.GetFlightPlan, plans_pb.GetFlightPlanRequest),
        "Cancel": (stub.CancelFlightPlan, plans_pb.CancelFlightPlanRequest),
        "Activate": (stub.ActivateFlightPlan, plans_pb.ActivateFlightPlanRequest),
        "End": (stub.EndFlightPlan, plans_pb.EndFlightPlanRequest),
    }
    before = [
        operator.get_flight_plan(p.flight_plan_id) for p in (booked.accepted, booked.activated)
    ]
    for name, (call, request) in calls.items():
        missing = status_of(lambda c=call, r=request: c(r(flight_plan_id="nope"), metadata=OTHER))
        assert missing == grpc.StatusCode.NOT_FOUND, name
        for plan in before:
            with pytest.raises(grpc.RpcError) as raised:
                call(request(flight_plan_id=plan.flight_plan_id), metadata=OTHER)
            assert raised.value.code() == ANOTHER_OPERATORS_PLAN, name
            assert not any(s.decode() in raised.value.details() for s in booked.secrets[:3])
    after = [operator.get_flight_plan(p.flight_plan_id) for p in before]
    assert after == before  # the same state and update time: nothing moved


def test_listing(
    operator: AirspaceClient, regulator: AirspaceClient, channel: grpc.Channel, booked: Booked
) -> None:
    stub = plans_grpc.FlightPlanServiceStub(channel)
    center = common_pb2.LatLng(latitude_deg=DEPOT[0], longitude_deg=DEPOT[1])
    around = common_pb2.Area(circle=common_pb2.Circle(center=center, radius_m=5000))
    every_state = [s for s in fp.FlightPlanState.values() if s]
    requests = [
        plans_pb.ListFlightPlansRequest(),
        plans_pb.ListFlightPlansRequest(states=every_state),
        plans_pb.ListFlightPlansRequest(area=around, page_size=1),
        *(plans_pb.ListFlightPlansRequest(states=[s]) for s in every_state),
        *(
            plans_pb.ListFlightPlansRequest(page_size=1, page_token=encode_token(after))
            for after in ("", "0", booked.accepted.flight_plan_id[:8])
        ),
    ]
    for request in requests:
        page = stub.ListFlightPlans(request, metadata=OTHER)
        assert list(page.flight_plans) == [] and page.next_page_token == "", request
    ids = {booked.accepted.flight_plan_id, booked.activated.flight_plan_id}
    assert {p.flight_plan_id for p in operator.iter_flight_plans(page_size=1)} == ids
    assert {p.flight_plan_id for p in regulator.iter_flight_plans(area=around)} == ids


def test_submit_as_another(
    operator: AirspaceClient, other_operator: AirspaceClient, booked: Booked
) -> None:
    posing = delivery(T0 + 7200, DEPOT, EAST_3KM)
    posing.operator_id = "op-demo"
    mine = other_operator.submit_flight_plan(posing, "posing").flight_plan
    assert mine.state == fp.FLIGHT_PLAN_STATE_ACCEPTED and mine.operator_id == "op-other"
    assert mine.flight_plan_id not in {p.flight_plan_id for p in operator.iter_flight_plans()}
    # op-demo's request id with op-demo's very plan: a new submission, not op-demo's answer.
    copy = own_plan(T0 + 600, (DEPOT, EAST_3KM), "UAS-DEMO-A")
    same = other_operator.submit_flight_plan(copy, "demo-a").flight_plan
    assert same.flight_plan_id != booked.accepted.flight_plan_id
    assert same.operator_id == "op-other" and same.state == fp.FLIGHT_PLAN_STATE_REJECTED
    # ... and with another plan: booked, not refused as a reused id (which would name B).
    other = other_operator.submit_flight_plan(delivery(T0 + 9000, DEPOT, EAST_3KM), "demo-b")
    assert other.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_a_rejection_names_the_plan_in_the_way_and_nothing_more(
    other_operator: AirspaceClient, booked: Booked
) -> None:
    crossing = (offset(DEPOT, 1500, -1500), offset(DEPOT, 1500, 1500))
    answer = other_operator.submit_flight_plan(delivery(T0 + 600, *crossing), "cross")
    assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    [conflict] = answer.conflicts
    assert conflict.flight_plan_id == booked.accepted.flight_plan_id
    assert conflict.priority == fp.PRIORITY_COMMERCIAL
    # Where the submitted plan is (on its north-south line), short of the other's line.
    assert conflict.position.longitude_deg == pytest.approx(crossing[0][1], abs=1e-5)
    assert DEPOT[0] - conflict.position.latitude_deg > 10 / 111_320
    assert booked.leaked(answer) == [booked.accepted.flight_plan_id.encode()]


def test_query_airspace_reveals(other_operator: AirspaceClient, booked: Booked) -> None:
    center = common_pb2.LatLng(latitude_deg=EAST_3KM[0], longitude_deg=EAST_3KM[1])
    occupancy = other_operator.query_airspace(
        common_pb2.Area(circle=common_pb2.Circle(center=center, radius_m=200)),
        common_pb2.AltitudeBand(lower_m=0, upper_m=120),
        common_pb2.TimeWindow(start_time=to_timestamp(T0), end_time=to_timestamp(T0 + 3600)),
    )
    [occupant] = occupancy.occupants
    assert occupant.flight_plan_id == booked.accepted.flight_plan_id
    assert occupant.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert booked.leaked(occupancy) == [booked.accepted.flight_plan_id.encode()]


def test_planning(other_operator: AirspaceClient, booked: Booked) -> None:
    route = planner_pb.PlanRouteRequest(
        origin=common_pb2.LatLng(latitude_deg=DEPOT[0], longitude_deg=DEPOT[1]),
        destination=common_pb2.LatLng(latitude_deg=EAST_3KM[0], longitude_deg=EAST_3KM[1]),
        earliest_departure_time=to_timestamp(T0 + 600),
        latest_arrival_time=to_timestamp(T0 + 1800),
        vehicle=vehicle("UAS-OTHER"),
        altitude=common_pb2.AltitudeBand(lower_m=50, upper_m=70),
        priority=fp.PRIORITY_COMMERCIAL,
        submit=True,
        request_id="demo-a",
    )
    planned = other_operator.plan_route(route)
    assert planned.submission.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert planned.submission.flight_plan.operator_id == "op-other"
    drone = {
        "id": "UAS-OTHER-2",
        "depot": "d",
        "capacity_kg": 2,
        "cruise_speed_mps": 15,
        "max_speed_mps": 20,
        "climb_rate_mps": 3,
        "descent_rate_mps": 3,
        "endurance_s": 1800,
    }
    order = {"id": "o", "depot": "d", "lat": NORTH_ROUTE[1][0], "lon": NORTH_ROUTE[1][1],
             "weight_kg": 1, "earliest_s": 300, "latest_s": 1800}  # fmt: skip
    document = {
        "depots": [{"id": "d", "lat": DEPOT[0], "lon": DEPOT[1]}],
        "drones": [drone],
        "orders": [order],
        "horizon_s": 3600,
        "time_limit_s": 1,
    }
    fleet = other_operator.plan_deliveries(deliveries_request(document, T0 + 300))
    assert [o for f in fleet.flights for o in f.order_ids] == ["o"]
    assert booked.leaked(planned) == booked.leaked(fleet) == []


def test_geozones_are_read_by_all(
    operator: AirspaceClient,
    other_operator: AirspaceClient,
    regulator: AirspaceClient,
    running: RunningServer,
) -> None:
    """Everyone reads zones; who else a restricted zone lets through, only regulators learn."""
    zones = list(other_operator.iter_geozones())
    assert zones and other_operator.get_geozone(zones[0].geozone_id) == zones[0]
    everyone = {z.geozone_id: set(z.authorized_operator_ids) for z in regulator.iter_geozones()}
    restricted = [i for i, ids in everyone.items() if "op-demo" in ids]
    assert restricted
    for zone_id in restricted:
        assert list(operator.get_geozone(zone_id).authorized_operator_ids) == ["op-demo"]
        assert list(other_operator.get_geozone(zone_id).authorized_operator_ids) == []
    assert not any(z.authorized_operator_ids for z in other_operator.iter_geozones())
    watch = Watcher(
        running.target,
        monitor_pb.WatchAirspaceRequest(kinds=[monitor_pb.EVENT_KIND_GEOZONE]),
        token="demo-operator-2",
    )
    try:
        wait_until(lambda: running.server.bus.subscriber_count == 1)
        zone = regulator.get_geozone(restricted[0])
        zone.message = "moved to the east gate"
        regulator.call(
            zones_grpc.AirspaceServiceStub,
            "UpdateGeozone",
            zones_pb.UpdateGeozoneRequest(geozone=zone),
        )
        event = watch.wait_for(lambda r: r.HasField("geozone"))
        assert event.geozone.geozone.message == "moved to the east gate"
        assert list(event.geozone.geozone.authorized_operator_ids) == []
    finally:
        watch.close()


def test_geozone_writes(regulator: AirspaceClient, channel: grpc.Channel) -> None:
    stub = zones_grpc.AirspaceServiceStub(channel)
    before = [z.SerializeToString() for z in regulator.iter_geozones()]
    existing = regulator.get_geozone(next(iter(regulator.iter_geozones())).geozone_id)
    changed, fresh = geozone_pb2.Geozone(), geozone_pb2.Geozone()
    changed.CopyFrom(existing)
    changed.altitude.upper_m = 1
    fresh.CopyFrom(existing)
    fresh.geozone_id = "op-other-zone"
    point = {"type": "Point", "coordinates": [DEPOT[1], DEPOT[0]]}
    properties = {"id": "imp", "name": "imp", "kind": "prohibited", "radius_m": 50}
    feature = {"type": "Feature", "geometry": point, "properties": properties}
    document = {"type": "FeatureCollection", "features": [feature]}
    imported = zones_pb.ImportGeozonesRequest(
        format=zones_pb.GEOZONE_FORMAT_GEOJSON, content=json.dumps(document).encode()
    )
    writes = [
        (stub.CreateGeozone, zones_pb.CreateGeozoneRequest(geozone=fresh)),
        (stub.UpdateGeozone, zones_pb.UpdateGeozoneRequest(geozone=changed)),
        (stub.UpdateGeozone, zones_pb.UpdateGeozoneRequest(geozone=fresh, allow_missing=True)),
        (stub.DeleteGeozone, zones_pb.DeleteGeozoneRequest(geozone_id=existing.geozone_id)),
        (stub.DeleteGeozone, zones_pb.DeleteGeozoneRequest(geozone_id="no-such")),
        (stub.ImportGeozones, imported),
    ]
    for token in ("demo-operator", "demo-operator-2"):
        metadata = (("authorization", f"Bearer {token}"),)
        for call, request in writes:
            code = status_of(lambda c=call, r=request, m=metadata: c(r, metadata=m))
            assert code == grpc.StatusCode.PERMISSION_DENIED, (token, request)
    assert [z.SerializeToString() for z in regulator.iter_geozones()] == before


def on_route(time_s: float, north_m: float = 0.0) -> tuple[float, float]:
    """Where a vehicle flying NORTH_ROUTE's plan is at ``time_s`` (cruise), ``north_m`` off."""
    return offset(NORTH_ROUTE[0], 1500 + 15 * (time_s - MID_CRUISE_S), north_m)


def test_live_traffic(operator: AirspaceClient, running: RunningServer, booked: Booked) -> None:
    plan_b = booked.activated.flight_plan_id
    mine = GroundStation(running.target, "demo-operator")
    theirs = GroundStation(running.target, "demo-operator-2")
    mine.send()
    theirs.send()  # both streams are subscribed before the watchers are counted
    center = common_pb2.LatLng(latitude_deg=NORTH_ROUTE[0][0], longitude_deg=NORTH_ROUTE[0][1])
    area = common_pb2.Area(circle=common_pb2.Circle(center=center, radius_m=4000))
    watchers = [
        Watcher(running.target, request, token="demo-operator-2")
        for request in (
            monitor_pb.WatchAirspaceRequest(),
            monitor_pb.WatchAirspaceRequest(area=area),
        )
    ]
    wait_until(lambda: running.server.bus.subscriber_count == 4)
    try:
        now = MID_CRUISE_S
        running.clock.set(now)
        # Their telemetry cannot claim op-demo's plan: refused as if the plan did not exist.
        claimed = theirs.send(
            state("UAS-DEMO-B", plan_b, now, *on_route(now), 60.0),
            state("UAS-DEMO-B", "no-such", now, *on_route(now), 60.0),
        )
        reasons = [r.reasons[0].replace(plan_b, "no-such") for r in claimed.rejections]
        assert claimed.accepted_count == 0 and reasons[0] == reasons[1]
        for step in range(20):  # op-demo flies B, goes 300 m off at 2 s, is silent from 3 s
            now = MID_CRUISE_S + step
            running.clock.set(now)
            # The same registration id, 300 m south, on their stream: their own vehicle.
            spoof = state("UAS-DEMO-B", "", now, *on_route(now, -300), 60.0, east=15.0)
            assert theirs.send(spoof).accepted_count == 1
            if step < 3:
                off_m = 300 if step == 2 else 0
                mine.send(state("UAS-DEMO-B", plan_b, now, *on_route(now, off_m), 60.0, east=15.0))
            if step == 1:
                running.cycle()  # on its plan, whatever their vehicle of that name does
                assert operator.get_flight_plan(plan_b).state == fp.FLIGHT_PLAN_STATE_ACTIVATED
                operator.cancel_flight_plan(booked.accepted.flight_plan_id)
            running.cycle()
        # Their telemetry under B's registration id does not keep B's link alive.
        assert operator.get_flight_plan(plan_b).state == fp.FLIGHT_PLAN_STATE_CONTINGENT
        kinds = [a.kind for r in [*mine.skipped, *mine.drain()] for a in r.alerts]
        assert kinds == [
            telemetry_pb2.ALERT_KIND_NONCONFORMING,
            telemetry_pb2.ALERT_KIND_TELEMETRY_LOST,
        ]
        pushed = [r for r in [*theirs.skipped, *theirs.drain()] if r.alerts or r.conflicts]
        assert [(a.kind, a.operator_id) for r in pushed for a in r.alerts] == [
            (telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN, "op-other")
        ]  # their own unplanned vehicle, once; nothing of B
        for watcher in watchers:
            seen = watcher.drain()
            assert {e.WhichOneof("event") for e in seen} == {"traffic", "conformance"}
            for event in seen:  # their own vehicle only, which is named like op-demo's
                assert booked.leaked(event) in ([], [b"UAS-DEMO-B"])
                assert all(t.operator_id == "op-other" for t in event.traffic.tracks)
                assert event.conformance.operator_id in ("", "op-other")
    finally:
        for stream in (mine, theirs, *watchers):
            stream.close()
