"""Bad input gets INVALID_ARGUMENT with BadRequest field violations, and nothing is stored."""

from __future__ import annotations

import math

import pytest

from airspace.sdk import AirspaceClient, InvalidArgument
from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2
from airspace.v1 import flight_plan_pb2 as fp
from tests.builders import DEPOT, area_plan, delivery, offset
from tests.conftest import T0

EAST = offset(DEPOT, 3000, 0)


def good() -> fp.FlightPlan:
    return delivery(T0 + 600, DEPOT, EAST)


def _waypoints(plan: fp.FlightPlan) -> list[fp.Waypoint]:
    return list(plan.trajectory.waypoints)


def no_waypoint_times(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[1].ClearField("time")


def times_not_increasing(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[2].time.CopyFrom(plan.trajectory.waypoints[1].time)


def latitude_out_of_range(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[2].position.latitude_deg = 91


def nan_longitude(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[2].position.longitude_deg = math.nan


def outside_airspace(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[2].position.latitude_deg = 30.0


def above_ceiling(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[1].altitude_m = 500


def too_fast(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[2].time.CopyFrom(
        to_timestamp(plan.trajectory.waypoints[1].time.seconds + 10)
    )
    plan.trajectory.waypoints[3].time.CopyFrom(
        to_timestamp(plan.trajectory.waypoints[1].time.seconds + 40)
    )


def airborne_start(plan: fp.FlightPlan) -> None:
    plan.trajectory.waypoints[0].altitude_m = 60


def already_over(plan: fp.FlightPlan) -> None:
    for w in plan.trajectory.waypoints:
        w.time.seconds -= 7200


def too_far_ahead(plan: fp.FlightPlan) -> None:
    for w in plan.trajectory.waypoints:
        w.time.seconds += 40 * 86400


def no_priority(plan: fp.FlightPlan) -> None:
    plan.priority = fp.PRIORITY_UNSPECIFIED


def negative_speed(plan: fp.FlightPlan) -> None:
    plan.vehicle.max_speed_mps = -1


def no_shape(plan: fp.FlightPlan) -> None:
    plan.ClearField("trajectory")


def one_waypoint(plan: fp.FlightPlan) -> None:
    del plan.trajectory.waypoints[1:]


def too_many_waypoints(plan: fp.FlightPlan) -> None:
    first = plan.trajectory.waypoints[0]
    del plan.trajectory.waypoints[:]
    for i in range(10_001):
        w = plan.trajectory.waypoints.add()
        w.CopyFrom(first)
        w.time.seconds = first.time.seconds + i


CASES = [
    (no_waypoint_times, "flight_plan.trajectory.waypoints[1].time"),
    (times_not_increasing, "flight_plan.trajectory.waypoints[2].time"),
    (latitude_out_of_range, "flight_plan.trajectory.waypoints[2].position"),
    (nan_longitude, "flight_plan.trajectory.waypoints[2].position"),
    (outside_airspace, "flight_plan.trajectory.waypoints[2].position"),
    (above_ceiling, "flight_plan.trajectory.waypoints[1].altitude_m"),
    (too_fast, "flight_plan.trajectory.waypoints[2].time"),
    (airborne_start, "flight_plan.trajectory.waypoints[0].altitude_m"),
    (already_over, "flight_plan.time_window"),
    (too_far_ahead, "flight_plan.time_window"),
    (no_priority, "flight_plan.priority"),
    (negative_speed, "flight_plan.vehicle.max_speed_mps"),
    (no_shape, "flight_plan.trajectory"),
    (one_waypoint, "flight_plan.trajectory.waypoints"),
    (too_many_waypoints, "flight_plan.trajectory.waypoints"),
]


@pytest.mark.parametrize(("spoil", "field"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_plans_name_the_field_and_store_nothing(
    operator: AirspaceClient, spoil: object, field: str
) -> None:
    plan = good()
    spoil(plan)  # type: ignore[operator]
    with pytest.raises(InvalidArgument) as raised:
        operator.submit_flight_plan(plan, "bad")
    fields = [v.field for v in raised.value.violations]
    assert field in fields, fields
    assert all(v.description for v in raised.value.violations)
    assert list(operator.iter_flight_plans()) == []
    # The request id was not consumed: the corrected plan goes through under it.
    assert operator.submit_flight_plan(good(), "bad").flight_plan.state == (
        fp.FLIGHT_PLAN_STATE_ACCEPTED
    )


def _polygon_plan(vertices: list[tuple[float, float]]) -> fp.FlightPlan:
    plan = area_plan(T0 + 600, T0 + 1200, DEPOT, 100)
    area = plan.volumes.volumes[0].area
    area.ClearField("circle")
    area.polygon.vertices.extend(
        common_pb2.LatLng(latitude_deg=a, longitude_deg=o) for a, o in vertices
    )
    return plan


@pytest.mark.parametrize(
    ("vertices", "expected"),
    [
        ([DEPOT, offset(DEPOT, 100, 0)], "at least 3 distinct"),
        (
            [DEPOT, offset(DEPOT, 100, 100), offset(DEPOT, 100, 0), offset(DEPOT, 0, 100)],
            "not simple",
        ),
    ],
    ids=["two-vertices", "bow-tie"],
)
def test_bad_polygons(
    operator: AirspaceClient, vertices: list[tuple[float, float]], expected: str
) -> None:
    with pytest.raises(InvalidArgument) as raised:
        operator.submit_flight_plan(_polygon_plan(vertices), "poly")
    [violation] = raised.value.violations
    assert violation.field == "flight_plan.volumes.volumes[0].area.polygon.vertices"
    assert expected in violation.description


def test_volume_band_and_window_are_checked(operator: AirspaceClient) -> None:
    plan = area_plan(T0 + 1200, T0 + 600, DEPOT, 100, lower_m=90, upper_m=50)
    with pytest.raises(InvalidArgument) as raised:
        operator.submit_flight_plan(plan, "vol")
    assert {v.field for v in raised.value.violations} == {
        "flight_plan.volumes.volumes[0].altitude",
        "flight_plan.volumes.volumes[0].time_window",
    }


def test_a_missing_request_id_is_refused(operator: AirspaceClient) -> None:
    with pytest.raises(InvalidArgument) as raised:
        operator.submit_flight_plan(good(), "")
    assert [v.field for v in raised.value.violations] == ["request_id"]


def test_a_bad_page_token_is_refused(operator: AirspaceClient) -> None:
    from airspace.v1 import flight_plan_service_pb2 as pb
    from airspace.v1 import flight_plan_service_pb2_grpc as pb_grpc

    with pytest.raises(InvalidArgument) as raised:
        operator.call(
            pb_grpc.FlightPlanServiceStub,
            "ListFlightPlans",
            pb.ListFlightPlansRequest(page_token="forged"),
        )
    assert [v.field for v in raised.value.violations] == ["page_token"]
