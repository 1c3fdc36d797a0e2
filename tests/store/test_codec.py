"""The store codec gives back exactly the value it was given."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from airspace.model import (
    AltitudeBand,
    Conflict,
    Geozone,
    GeozoneKind,
    GeozoneViolation,
    LatLng,
    PlanState,
    Priority,
    SubmissionOutcome,
    SuggestedAlternative,
    TimeWindow,
)
from airspace.store import codec
from tests import strategies


@given(st.one_of(strategies.trajectories(), strategies.volume_plans()))
def test_plans_round_trip(plan: object) -> None:
    assert codec.loads(codec.dumps(plan), type(plan)) == plan


def test_outcome_with_every_part_round_trips() -> None:
    plan = replace(
        strategies.trajectory("p1", [(0, 0, 30, 0), (900, 0, 30, 90)]),
        state=PlanState.REJECTED,
        state_reason="conflict",
    )
    here = LatLng(22.5, 114.05)
    outcome = SubmissionOutcome(
        plan=plan,
        conflicts=(Conflict("p0", Priority.EMERGENCY, 10.0, here, 30.0, 12.5, 3.0),),
        geozone_violations=(
            GeozoneViolation("z1", "Airport", GeozoneKind.PROHIBITED, 5.0, here, 30.0, "no"),
        ),
        alternative=SuggestedAlternative("later", 60.0, plan.shifted(60)),
        request_fingerprint="abc",
    )
    back = codec.loads(codec.dumps(outcome), SubmissionOutcome)
    assert back == outcome
    assert type(back.conflicts[0].priority) is Priority


def test_geozones_keep_their_shape_kind_and_operators() -> None:
    zone = Geozone(
        "z1",
        "Stadium",
        GeozoneKind.RESTRICTED,
        strategies.circle(100, 200, 350.0),
        AltitudeBand(0, 120),
        (TimeWindow(1.0, 2.0),),
        frozenset({"op-b", "op-a"}),
        "event",
        7.0,
    )
    back = codec.loads(codec.dumps(zone), Geozone)
    assert back == zone
    assert type(back.area).__name__ == "Circle"


@given(st.one_of(strategies.trajectories(), strategies.volume_plans()))
def test_a_value_has_one_spelling(plan: object) -> None:
    """The Redis store detects changes by comparing stored JSON, so re-encoding a decoded
    value must give the same text (an int in a float field included)."""
    text = codec.dumps(plan)
    assert codec.dumps(codec.loads(text, type(plan))) == text


def test_whole_numbers_in_float_fields_are_written_as_floats() -> None:
    plan = strategies.trajectory("a", [(0, 0, 0, strategies.T0), (0, 0, 40, strategies.T0 + 10)])
    assert '"altitude_m":0,' not in codec.dumps(replace(plan, waypoints=plan.waypoints))
    assert '"altitude_m":0.0' in codec.dumps(plan)
