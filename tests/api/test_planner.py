"""PlannerService through a real server: routes and fleet deliveries, checked independently."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from airspace.config import AirspaceConfig
from airspace.sdk import AirspaceClient, InvalidArgument, deliveries_request
from airspace.server import convert
from airspace.timestamps import to_duration, to_timestamp
from airspace.v1 import common_pb2
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import planner_service_pb2 as pb
from tests import bruteforce
from tests.builders import DEPOT, delivery, offset, vehicle
from tests.conftest import T0

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CONFIG = AirspaceConfig()


def route(
    origin: tuple[float, float],
    destination: tuple[float, float],
    *,
    submit: bool = False,
    window_s: float = 3600,
) -> pb.PlanRouteRequest:
    return pb.PlanRouteRequest(
        origin=common_pb2.LatLng(latitude_deg=origin[0], longitude_deg=origin[1]),
        destination=common_pb2.LatLng(latitude_deg=destination[0], longitude_deg=destination[1]),
        earliest_departure_time=to_timestamp(T0 + 600),
        latest_arrival_time=to_timestamp(T0 + 600 + window_s),
        vehicle=vehicle(),
        altitude=common_pb2.AltitudeBand(lower_m=40, upper_m=80),
        tolerance=fp.NavigationTolerance(horizontal_m=5, vertical_m=5),
        priority=fp.PRIORITY_COMMERCIAL,
        submit=submit,
        request_id="route-1" if submit else "",
    )


def test_a_route_is_planned_around_traffic_and_submitted(operator: AirspaceClient) -> None:
    east = offset(DEPOT, 3000, 0)
    blocker = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, east, altitude_m=40), "b")
    answer = operator.plan_route(route(DEPOT, east, submit=True))
    assert not answer.no_route_reason
    assert answer.submission.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert answer.flight_plan.flight_plan_id == answer.submission.flight_plan.flight_plan_id
    assert answer.stretch >= 1.0 and answer.energy_wh > 0
    mine = replace(convert.plan_in(answer.flight_plan), flight_plan_id="m")
    theirs = replace(convert.plan_in(blocker.flight_plan), flight_plan_id="t")
    assert not bruteforce.conflicts(mine, theirs, CONFIG, margin_m=1e-6)


def test_no_route_says_why(operator: AirspaceClient) -> None:
    airport = (22.639, 113.811)  # inside the demo city's prohibited airport zone
    answer = operator.plan_route(route(DEPOT, airport))
    assert answer.no_route_reason == "DESTINATION_IN_PROHIBITED_ZONE"
    short = operator.plan_route(route(DEPOT, offset(DEPOT, 9000, 0), window_s=120))
    assert short.no_route_reason in {"WINDOW_TOO_SHORT", "ENDURANCE_TOO_LOW"}


def test_bad_route_requests_name_the_field(operator: AirspaceClient) -> None:
    request = route(DEPOT, offset(DEPOT, 3000, 0))
    request.origin.latitude_deg = 95
    request.vehicle.cruise_speed_mps = -1
    with pytest.raises(InvalidArgument) as raised:
        operator.plan_route(request)
    fields = {v.field for v in raised.value.violations}
    assert {"origin", "vehicle.cruise_speed_mps"} <= fields


def test_fleet_deliveries_stream_progress_and_submit_conflict_free_flights(
    operator: AirspaceClient,
) -> None:
    document = json.loads((EXAMPLES / "orders.json").read_text())
    document["orders"] = document["orders"][:10] + document["orders"][-1:]
    request = deliveries_request(document, T0 + 300)
    request.submit, request.request_id = True, "fleet-1"
    request.time_limit.CopyFrom(to_duration(3))
    seen: list[float] = []
    answer = operator.plan_deliveries(request, seen.append)
    assert seen and seen == sorted(seen) and answer.done
    unserved = {u.order_id: u.reason for u in answer.unserved}
    assert unserved.get("ORD-FRIDGE") == "TOO_HEAVY"
    delivered = [o for f in answer.flights for o in f.order_ids]
    assert sorted(delivered + list(unserved)) == sorted(o["id"] for o in document["orders"])
    assert all(f.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED for f in answer.flights)
    stored = {p.flight_plan_id for p in operator.iter_flight_plans()}
    assert {f.flight_plan.flight_plan_id for f in answer.flights} <= stored


def test_an_empty_fleet_is_refused(operator: AirspaceClient) -> None:
    document = json.loads((EXAMPLES / "orders.json").read_text())
    document["drones"] = []
    with pytest.raises(InvalidArgument) as raised:
        operator.plan_deliveries(deliveries_request(document, T0 + 300))
    assert "drones" in {v.field for v in raised.value.violations}
