"""The asyncio client against a real server (on its own thread's loop): the same calls, the
same typed errors, with their field violations, reasons and a rejected plan's conflicts."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from airspace.sdk import (
    AsyncAirspaceClient,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    PlanRejected,
    Unauthenticated,
)
from airspace.v1 import flight_plan_pb2
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer

ACCEPTED = flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
ROUTE = (DEPOT, offset(DEPOT, 2000, 0))


@pytest.fixture
async def client(running: RunningServer) -> AsyncIterator[AsyncAirspaceClient]:
    async with AsyncAirspaceClient(running.target, "demo-operator") as opened:
        yield opened


async def test_submit_get_list_and_lifecycle(client: AsyncAirspaceClient) -> None:
    answer = await client.submit_flight_plan(delivery(T0 + 600, *ROUTE), "a-1")
    plan_id = answer.flight_plan.flight_plan_id
    assert answer.flight_plan.state == ACCEPTED
    assert (await client.get_flight_plan(plan_id)).flight_plan_id == plan_id
    for k in range(4):  # enough plans for three pages of two
        await client.submit_flight_plan(delivery(T0 + 1200 + 600 * k, *ROUTE))
    listed = [p.flight_plan_id async for p in client.iter_flight_plans([ACCEPTED], page_size=2)]
    assert len(listed) == 5 and plan_id in listed
    cancelled = await client.cancel_flight_plan(plan_id)
    assert cancelled.state == flight_plan_pb2.FLIGHT_PLAN_STATE_CANCELLED
    with pytest.raises(FailedPrecondition) as refused:
        await client.activate_flight_plan(plan_id)
    assert refused.value.reason != FailedPrecondition.reason  # the service's own, finer reason


async def test_a_rejection_raises_with_its_conflicts_and_a_way_out(
    client: AsyncAirspaceClient,
) -> None:
    first = await client.submit_flight_plan(delivery(T0 + 600, *ROUTE), raise_if_rejected=True)
    with pytest.raises(PlanRejected) as rejected:
        await client.submit_flight_plan(delivery(T0 + 600, *ROUTE), raise_if_rejected=True)
    assert [c.flight_plan_id for c in rejected.value.conflicts] == [
        first.flight_plan.flight_plan_id
    ]
    assert rejected.value.suggested_alternative is not None
    assert rejected.value.response.flight_plan.state == flight_plan_pb2.FLIGHT_PLAN_STATE_REJECTED
    assert "1 conflict(s)" in rejected.value.message


async def test_bad_input_carries_each_field_violation(client: AsyncAirspaceClient) -> None:
    plan = delivery(T0 + 600, *ROUTE)
    plan.vehicle.cruise_speed_mps = -1
    del plan.trajectory.waypoints[1:]
    with pytest.raises(InvalidArgument) as raised:
        await client.submit_flight_plan(plan)
    fields = {v.field for v in raised.value.violations}
    assert "flight_plan.vehicle.cruise_speed_mps" in fields
    assert any(f.startswith("flight_plan.trajectory") for f in fields)


async def test_identity_errors(running: RunningServer, client: AsyncAirspaceClient) -> None:
    with pytest.raises(NotFound):
        await client.get_flight_plan("no-such-plan")
    with pytest.raises(PermissionDenied):
        await client.import_geozones(b'{"type": "FeatureCollection", "features": []}')
    async with AsyncAirspaceClient(running.target, "wrong-token") as stranger:
        with pytest.raises(Unauthenticated) as raised:
            await stranger.get_geozone("x")
    assert raised.value.reason == "INVALID_TOKEN"


async def test_geozones_and_the_demo_city(client: AsyncAirspaceClient) -> None:
    zones = [z async for z in client.iter_geozones(page_size=2)]
    assert len(zones) >= 5
    one = await client.get_geozone(zones[0].geozone_id)
    assert one.name == zones[0].name
