"""Plans to messages and back: nothing lost, every part present."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from airspace.model import FlightPlan, PlanState
from airspace.server import convert
from tests import strategies


@settings(max_examples=200, deadline=None)
@given(strategies.plans(), st.sampled_from(list(PlanState)), st.floats(0.0, 2e9))
def test_a_plan_comes_back_from_its_message(
    plan: FlightPlan, state: PlanState, time_s: float
) -> None:
    stored = replace(
        plan, state=state, state_reason="why", create_time_s=time_s, update_time_s=time_s
    )
    msg = convert.plan_out(stored)
    back = convert.plan_in(msg)
    sent = ("vehicle", "priority", "tolerance", "waypoints", "volumes")
    assert [getattr(back, f) for f in sent] == [getattr(plan, f) for f in sent]
    for part in ("vehicle", "tolerance", "create_time", "update_time", "time_window"):
        assert msg.HasField(part), part  # present even when all zeros
    assert msg.vehicle.HasField("endurance")
    assert (msg.flight_plan_id, msg.operator_id) == (plan.flight_plan_id, plan.operator_id)
    assert convert.STATES[msg.state] is state and msg.state_reason == "why"
    assert abs(convert.time_in(msg.create_time) - time_s) < 1e-6
    window = convert.window_in(msg.time_window)
    assert (window.start_s, window.end_s) == (plan.time_window.start_s, plan.time_window.end_s)
