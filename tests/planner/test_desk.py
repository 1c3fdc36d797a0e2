"""The planning desk: one planner job at a time, even when a caller gives up on one; and the
alternatives it suggests to a rejected plan."""

from __future__ import annotations

import asyncio
import threading
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airspace import planning
from airspace.clock import ManualClock
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.flight_plans import FlightPlanBook
from airspace.model import FlightPlan, Identity
from airspace.planning import PlanningDesk
from airspace.store.memory import MemoryStore
from airspace.zones import ZoneChecker
from planner import alternatives
from tests import bruteforce, strategies
from tests.conftest import T0

OWNER = Identity("op-mine", "operator")
OTHER = Identity("op-other", "operator")


async def test_a_job_whose_caller_gave_up_still_holds_the_desk_until_it_is_done() -> None:
    deconflictor = Deconflictor(AirspaceConfig())
    desk = PlanningDesk(MemoryStore(), deconflictor, ZoneChecker(deconflictor), ManualClock(T0))
    release, running = threading.Event(), threading.Event()
    log: list[str] = []

    def slow(name: str, **_: Any) -> str:
        log.append(f"{name} starts")
        running.set()
        release.wait(10)
        log.append(f"{name} ends")
        return name

    first = asyncio.create_task(desk._in_worker(slow, "first"))
    await asyncio.to_thread(running.wait, 10)
    first.cancel()  # the caller went away; its thread cannot be stopped
    second = asyncio.create_task(desk._in_worker(slow, "second"))
    await asyncio.sleep(0.2)
    assert log == ["first starts"], "the second job must wait for the first thread"
    release.set()
    assert await second == "second"
    assert log == ["first starts", "first ends", "second starts", "second ends"]
    with pytest.raises(asyncio.CancelledError):
        await first


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    strategies.deliveries(),
    st.lists(st.floats(-60.0, 900.0), max_size=8),
    st.lists(strategies.deliveries(), max_size=6),
    st.booleans(),
)
def test_a_suggestion_sees_every_plan_a_variant_can_meet(
    plan: FlightPlan, delays: list[float], others: list[FlightPlan], on_the_loop: bool
) -> None:
    """The desk looks for later departures and other layers among the plans holding the
    rejected plan's own cells: it must choose what a search among all plans would choose, and
    what it suggests must conflict with no plan (the brute force). Small plans are searched on
    the event loop, large ones in the worker: both ways."""
    inline_points = planning.INLINE_SUGGESTION_POINTS if on_the_loop else 0
    with mock.patch.object(planning, "INLINE_SUGGESTION_POINTS", inline_points):
        asyncio.run(_suggestion_sees_every_plan(plan, delays, others))


async def _suggestion_sees_every_plan(
    plan: FlightPlan, delays: list[float], others: list[FlightPlan]
) -> None:
    deconflictor = Deconflictor(strategies.CONFIG)
    zones = ZoneChecker(deconflictor)
    store = MemoryStore()
    clock = ManualClock(strategies.T0 - 60)
    desk = PlanningDesk(store, deconflictor, zones, clock)
    book = FlightPlanBook(store, deconflictor, zones, clock, suggest=desk.suggest)
    traffic = [plan.shifted(delay) for delay in delays] + others  # its own track later, and more
    for i, other in enumerate(traffic):
        await book.submit(OTHER, f"t{i}", other)
    outcome = await book.submit(OWNER, "mine", plan)
    if not outcome.conflicts or outcome.geozone_violations:
        return
    holding = await store.holding_plans()
    expected = alternatives(
        outcome.plan,
        zones=[],
        existing=holding,
        deconflictor=deconflictor,
        zone_checker=zones,
        now_s=clock.now(),
        detours=False,
    )
    suggested = outcome.alternative
    if expected:
        assert suggested is not None
        assert suggested.description == expected[0][0]
    if suggested is not None:
        clashes = [
            p.flight_plan_id
            for p in holding
            if bruteforce.conflicts(suggested.plan, p, strategies.CONFIG, margin_m=1e-6)
        ]
        assert clashes == []
