"""FlightPlanService through a real gRPC server: submit, idempotency, lifecycle, visibility."""

from __future__ import annotations

import pytest

from airspace.sdk import AirspaceClient, FailedPrecondition, InvalidArgument, NotFound
from airspace.v1 import flight_plan_pb2 as fp
from tests.builders import DEPOT, area_plan, delivery, offset
from tests.conftest import T0, RunningServer

EAST_3KM = offset(DEPOT, 3000, 0)


def test_a_clear_plan_is_accepted_and_stored(operator: AirspaceClient) -> None:
    answer = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "req-1")
    plan = answer.flight_plan
    assert plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert plan.operator_id == "op-demo"
    assert not answer.conflicts and not answer.geozone_violations
    assert operator.get_flight_plan(plan.flight_plan_id) == plan


def test_a_crossing_plan_is_rejected_with_the_conflict_and_a_way_out(
    operator: AirspaceClient, other_operator: AirspaceClient
) -> None:
    first = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "a")
    # Southbound to northbound across the first plan's cruise leg, timed to meet it.
    crossing_point = offset(DEPOT, 1500, 0)
    south, north = offset(crossing_point, 0, -900), offset(crossing_point, 0, 900)
    # The first plan reaches the crossing at T0+720 (20 s climb, 100 s cruise); so does this one.
    second = other_operator.submit_flight_plan(delivery(T0 + 640, south, north), "b")
    assert second.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    [conflict] = second.conflicts
    assert conflict.flight_plan_id == first.flight_plan.flight_plan_id
    assert conflict.horizontal_separation_m < 50 and conflict.vertical_separation_m < 15
    assert abs(conflict.position.latitude_deg - crossing_point[0]) < 0.002
    # The planner's nearest way out (here another layer), accepted as it stands.
    alternative = second.suggested_alternative
    assert alternative.description
    # A retry whose first answer was lost gets the whole answer back, the way out included.
    assert other_operator.submit_flight_plan(delivery(T0 + 640, south, north), "b") == second
    retry = other_operator.submit_flight_plan(alternative.flight_plan, "b-alternative")
    assert retry.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_same_path_one_layer_up_is_accepted(operator: AirspaceClient) -> None:
    operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM, altitude_m=40), "low")
    # Separate take-off and landing points 200 m apart so only the cruise legs could meet.
    start, end = offset(DEPOT, 0, 200), offset(EAST_3KM, 0, 200)
    parallel_high = delivery(T0 + 600, start, end, altitude_m=60)
    answer = operator.submit_flight_plan(parallel_high, "high")
    assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_a_retry_with_the_same_request_id_never_books_twice(operator: AirspaceClient) -> None:
    plan = delivery(T0 + 600, DEPOT, EAST_3KM)
    first = operator.submit_flight_plan(plan, "same-id")
    again = operator.submit_flight_plan(plan, "same-id")
    assert again.flight_plan.flight_plan_id == first.flight_plan.flight_plan_id
    assert again.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert len(list(operator.iter_flight_plans())) == 1


def test_reusing_a_request_id_for_another_plan_is_refused(operator: AirspaceClient) -> None:
    operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "k")
    with pytest.raises(InvalidArgument) as raised:
        operator.submit_flight_plan(delivery(T0 + 900, DEPOT, EAST_3KM), "k")
    assert [v.field for v in raised.value.violations] == ["request_id"]


def test_request_ids_are_per_operator(
    operator: AirspaceClient, other_operator: AirspaceClient
) -> None:
    a = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "shared")
    b = other_operator.submit_flight_plan(delivery(T0 + 3600, DEPOT, EAST_3KM), "shared")
    assert a.flight_plan.flight_plan_id != b.flight_plan.flight_plan_id
    assert b.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_lifecycle_activate_end_and_cancel(
    operator: AirspaceClient, running: RunningServer
) -> None:
    flown = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "f").flight_plan
    spare = operator.submit_flight_plan(delivery(T0 + 1800, DEPOT, EAST_3KM), "s").flight_plan
    assert operator.activate_flight_plan(flown.flight_plan_id).state == (
        fp.FLIGHT_PLAN_STATE_ACTIVATED
    )
    with pytest.raises(FailedPrecondition):
        operator.cancel_flight_plan(flown.flight_plan_id)
    assert operator.end_flight_plan(flown.flight_plan_id).state == fp.FLIGHT_PLAN_STATE_ENDED
    with pytest.raises(FailedPrecondition):
        operator.activate_flight_plan(flown.flight_plan_id)
    assert operator.cancel_flight_plan(spare.flight_plan_id).state == (
        fp.FLIGHT_PLAN_STATE_CANCELLED
    )
    # Released airspace can be booked again, by the exact same trajectory.
    again = operator.submit_flight_plan(delivery(T0 + 1800, DEPOT, EAST_3KM), "s2")
    assert again.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_activation_waits_for_the_departure_window(
    operator: AirspaceClient, running: RunningServer
) -> None:
    later = operator.submit_flight_plan(delivery(T0 + 7200, DEPOT, EAST_3KM), "l").flight_plan
    with pytest.raises(FailedPrecondition) as raised:
        operator.activate_flight_plan(later.flight_plan_id)
    assert raised.value.reason == "TOO_EARLY_TO_ACTIVATE"
    running.clock.advance(7200 - 600)
    assert operator.activate_flight_plan(later.flight_plan_id).state == (
        fp.FLIGHT_PLAN_STATE_ACTIVATED
    )


def test_operators_see_and_change_only_their_own_plans(
    operator: AirspaceClient, other_operator: AirspaceClient, regulator: AirspaceClient
) -> None:
    mine = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "m").flight_plan
    for call in (
        other_operator.get_flight_plan,
        other_operator.cancel_flight_plan,
        other_operator.activate_flight_plan,
        other_operator.end_flight_plan,
    ):
        with pytest.raises(NotFound, match="does not exist"):  # no clue that it does
            call(mine.flight_plan_id)
    assert list(other_operator.iter_flight_plans()) == []
    assert [p.flight_plan_id for p in regulator.iter_flight_plans()] == [mine.flight_plan_id]
    assert operator.get_flight_plan(mine.flight_plan_id).state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_listing_pages_and_filters_by_state(operator: AirspaceClient) -> None:
    ids = []
    for i in range(7):
        answer = operator.submit_flight_plan(delivery(T0 + 600 + 400 * i, DEPOT, EAST_3KM), f"p{i}")
        ids.append(answer.flight_plan.flight_plan_id)
    operator.cancel_flight_plan(ids[0])
    assert sorted(p.flight_plan_id for p in operator.iter_flight_plans(page_size=2)) == sorted(ids)
    accepted = operator.iter_flight_plans(states=[fp.FLIGHT_PLAN_STATE_ACCEPTED], page_size=3)
    assert sorted(p.flight_plan_id for p in accepted) == sorted(ids[1:])


def test_an_area_plan_blocks_trajectories_through_it(operator: AirspaceClient) -> None:
    survey_center = offset(DEPOT, 1500, 0)
    survey = operator.submit_flight_plan(area_plan(T0 + 300, T0 + 3600, survey_center, 200), "v")
    assert survey.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    through = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "t")
    assert through.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    assert [c.flight_plan_id for c in through.conflicts] == [survey.flight_plan.flight_plan_id]
    after = operator.submit_flight_plan(delivery(T0 + 3700, DEPOT, EAST_3KM), "t2")
    assert after.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_an_emergency_plan_preempts_accepted_commercial_plans(
    operator: AirspaceClient, other_operator: AirspaceClient
) -> None:
    commercial = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "c").flight_plan
    ambulance = delivery(T0 + 600, DEPOT, EAST_3KM, priority=fp.PRIORITY_EMERGENCY)
    answer = other_operator.submit_flight_plan(ambulance, "e")
    assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert list(answer.preempted_flight_plan_ids) == [commercial.flight_plan_id]
    displaced = operator.get_flight_plan(commercial.flight_plan_id)
    assert displaced.state == fp.FLIGHT_PLAN_STATE_PREEMPTED
    assert answer.flight_plan.flight_plan_id in displaced.state_reason
    # Equal priority never overlaps, and a commercial plan cannot preempt anything.
    blocked = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "c2")
    assert blocked.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED


def test_an_emergency_plan_does_not_preempt_a_flight_in_the_air(
    operator: AirspaceClient, other_operator: AirspaceClient
) -> None:
    flying = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "c").flight_plan
    operator.activate_flight_plan(flying.flight_plan_id)
    ambulance = delivery(T0 + 600, DEPOT, EAST_3KM, priority=fp.PRIORITY_EMERGENCY)
    answer = other_operator.submit_flight_plan(ambulance, "e")
    assert answer.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    assert [c.flight_plan_id for c in answer.conflicts] == [flying.flight_plan_id]


def test_listing_filters_by_area(operator: AirspaceClient) -> None:
    from airspace.v1 import common_pb2
    from airspace.v1 import flight_plan_service_pb2 as pb
    from airspace.v1 import flight_plan_service_pb2_grpc as pb_grpc

    here = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "here").flight_plan
    elsewhere = offset(DEPOT, 0, 3000)
    operator.submit_flight_plan(delivery(T0 + 600, elsewhere, offset(elsewhere, 2000, 0)), "far")
    center = offset(DEPOT, 1500, 0)
    area = common_pb2.Area(
        circle=common_pb2.Circle(
            center=common_pb2.LatLng(latitude_deg=center[0], longitude_deg=center[1]),
            radius_m=500,
        )
    )
    page = operator.call(
        pb_grpc.FlightPlanServiceStub, "ListFlightPlans", pb.ListFlightPlansRequest(area=area)
    )
    assert [p.flight_plan_id for p in page.flight_plans] == [here.flight_plan_id]
