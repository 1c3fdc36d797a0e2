"""One contract, every store: the embedded store and Redis (two replicas on one server).

Through ``FlightPlanBook``, the use case the gRPC service runs, so the store is judged by what
operators see: bookings, idempotent retries, state changes, listing, zones.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airspace.clock import ManualClock
from airspace.deconfliction import Deconflictor
from airspace.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable
from airspace.flight_plans import FlightPlanBook
from airspace.model import (
    AltitudeBand,
    FlightPlan,
    Geozone,
    GeozoneKind,
    Identity,
    PlanState,
    Priority,
)
from airspace.store import Store
from airspace.store import redis as redis_store
from airspace.zones import ZoneChecker
from tests import strategies
from tests.bruteforce import find_conflicting_pairs
from tests.redis_server import RedisServer
from tests.store.conftest import redis_replicas

OPERATOR = Identity("op-a", "operator")
OTHER = Identity("op-b", "operator")
CONFIG = strategies.CONFIG


def book(store: Store, deconflictor: Deconflictor) -> FlightPlanBook:
    clock = ManualClock(strategies.T0 - 60)
    return FlightPlanBook(store, deconflictor, ZoneChecker(deconflictor), clock)


def crossing(name: str, dy: float = 0.0, dt: float = 0.0) -> FlightPlan:
    t = strategies.T0 + dt
    points = [
        (-500, dy, 0, t),
        (-500, dy, 40, t + 10),
        (500, dy, 40, t + 110),
        (500, dy, 0, t + 120),
    ]
    return strategies.trajectory(name, points)


async def test_conflicting_plan_is_rejected_on_the_other_replica(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    first, second = (book(s, deconflictor) for s in replicas)
    accepted = await first.submit(OPERATOR, "r1", crossing("a"))
    assert accepted.plan.state is PlanState.ACCEPTED
    clash = await second.submit(OTHER, "r2", crossing("b", dy=10))
    assert clash.plan.state is PlanState.REJECTED
    assert [c.flight_plan_id for c in clash.conflicts] == [accepted.plan.flight_plan_id]
    apart = await second.submit(OTHER, "r3", crossing("c", dy=400))
    assert apart.plan.state is PlanState.ACCEPTED


async def test_a_retried_request_id_books_once_on_any_replica(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    first, second = (book(s, deconflictor) for s in replicas)
    one = await first.submit(OPERATOR, "same", crossing("a"))
    again = await second.submit(OPERATOR, "same", crossing("a"))
    assert again.plan.flight_plan_id == one.plan.flight_plan_id
    mine = await replicas[1].list_plans(
        operator_id=OPERATOR.subject_id, states=frozenset(), after_id="", limit=10
    )
    assert [p.flight_plan_id for p in mine] == [one.plan.flight_plan_id]


async def test_holding_plans_are_found_by_cell_and_bucket_at_any_layer(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    """What the planner's corridor queries rely on, on every replica; and quotas count them."""
    booked = await book(replicas[0], deconflictor).submit(OPERATOR, "r", crossing("a"))
    keys = deconflictor.reservation_keys(booked.plan)
    on_the_ground = {(cell, -100, bucket) for cell, _, bucket in keys}  # a layer no plan holds
    for store in replicas:
        assert await store.plans_holding(on_the_ground) == []
        assert await store.plans_holding(on_the_ground, any_layer=True) == [booked.plan]
        assert await store.holding_count(OPERATOR.subject_id) == 1
        assert await store.holding_count(OTHER.subject_id) == 0


async def test_cancel_frees_the_space_for_every_replica(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    first, second = (book(s, deconflictor) for s in replicas)
    plan = (await first.submit(OPERATOR, "r1", crossing("a"))).plan
    await first.cancel(OPERATOR, plan.flight_plan_id)
    assert (await second.submit(OTHER, "r2", crossing("b", dy=10))).accepted
    assert await replicas[1].holding_plans() != []
    with pytest.raises(FailedPrecondition):
        await second.activate(OPERATOR, plan.flight_plan_id)
    with pytest.raises(NotFound):
        await replicas[1].transition(
            "nope", frozenset({PlanState.ACCEPTED}), PlanState.CANCELLED, "", 0.0
        )


async def test_an_emergency_preempts_an_accepted_plan_everywhere(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    first, second = (book(s, deconflictor) for s in replicas)
    victim = (await first.submit(OPERATOR, "r1", crossing("a"))).plan
    emergency = replace(crossing("e", dy=5), priority=Priority.EMERGENCY)
    outcome = await second.submit(OTHER, "r2", emergency)
    assert outcome.preempted_plan_ids == (victim.flight_plan_id,)
    stored = await replicas[0].get_plan(victim.flight_plan_id)
    assert stored is not None and stored.state is PlanState.PREEMPTED
    holding = {p.flight_plan_id for p in await replicas[0].holding_plans()}
    assert holding == {outcome.plan.flight_plan_id}


async def test_listing_pages_filters_by_operator_and_state(
    replicas: list[Store], deconflictor: Deconflictor
) -> None:
    first = book(replicas[0], deconflictor)
    ids = []
    for i in range(7):
        who = OPERATOR if i % 2 == 0 else OTHER
        ids.append((await first.submit(who, f"r{i}", crossing(f"p{i}", dy=200.0 * i))).plan)
    await first.cancel(OPERATOR, ids[0].flight_plan_id)
    store = replicas[1]
    seen, after = [], ""
    while page := await store.list_plans(
        operator_id=None, states=frozenset(), after_id=after, limit=3
    ):
        seen += page
        after = page[-1].flight_plan_id
    assert [p.flight_plan_id for p in seen] == sorted(p.flight_plan_id for p in ids)
    mine_accepted = await store.list_plans(
        operator_id=OPERATOR.subject_id,
        states=frozenset({PlanState.ACCEPTED}),
        after_id="",
        limit=10,
    )
    assert sorted(p.flight_plan_id for p in mine_accepted) == sorted(
        p.flight_plan_id for p in ids[2::2]
    )
    got = await store.get_plans([ids[1].flight_plan_id, "missing"])
    assert list(got) == [ids[1].flight_plan_id]


async def test_zones_are_all_or_nothing_and_shared(replicas: list[Store]) -> None:
    zone = Geozone(
        "z1",
        "Stadium",
        GeozoneKind.RESTRICTED,
        strategies.circle(0, 0, 300),
        AltitudeBand(0, 120),
    )
    await replicas[0].put_zones([zone], create_only=True)
    with pytest.raises(AlreadyExists):
        await replicas[1].put_zones([replace(zone, geozone_id="z2"), zone], create_only=True)
    assert [z.geozone_id for z in await replicas[1].list_zones()] == ["z1"]
    assert await replicas[1].get_zone("z1") == zone
    assert await replicas[1].delete_zone("z1")
    assert not await replicas[0].delete_zone("z1")
    assert await replicas[0].list_zones() == []


@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plans=st.lists(strategies.deliveries(), min_size=30, max_size=40), seed=st.integers())
async def test_racing_replicas_never_both_book_a_conflict(
    replicas: list[Store], deconflictor: Deconflictor, plans: list[FlightPlan], seed: int
) -> None:
    books = [book(s, deconflictor) for s in replicas]
    rng = random.Random(seed)
    run = uuid.uuid4().hex  # the store outlives one example

    async def submit(i: int, plan: FlightPlan) -> None:
        who = OPERATOR if i % 2 else OTHER
        await books[rng.randrange(2)].submit(who, f"{run}-{i}", plan)

    await asyncio.gather(*(submit(i, p) for i, p in enumerate(plans)))
    holding = await replicas[rng.randrange(2)].holding_plans()
    assert holding, "nothing was booked"
    assert find_conflicting_pairs(holding, CONFIG) == []
    for plan in holding:  # leave the sky empty for the next example
        await replicas[0].transition(
            plan.flight_plan_id, frozenset({PlanState.ACCEPTED}), PlanState.CANCELLED, "", 0.0
        )


async def test_a_replica_dying_between_intent_and_decision_blocks_nothing_for_long(
    redis_server: RedisServer, deconflictor: Deconflictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dead replica's intent holds the sky only until a submission it blocks notices that
    no one decided it in time; then it is aborted everywhere and the submission goes ahead."""
    monkeypatch.setattr(redis_store, "INTENT_LIFETIME_S", 0.2)
    async with redis_replicas(redis_server.url, deconflictor, "dying") as stores:
        dying, alive = stores
        plan = crossing("ghost")
        booked = replace(plan, flight_plan_id="ghost", operator_id=OPERATOR.subject_id)
        regions = redis_store.regions_of(deconflictor.reservation_keys(booked))
        await dying.plans_holding(deconflictor.reservation_keys(booked))  # reads the logs
        assert await dying._prepare_all(regions, booked, "dead-transaction") is not None
        # ... and the replica dies here, before DECIDE.
        early = await book(alive, deconflictor).submit(OTHER, "r1", crossing("b", dy=10))
        assert early.plan.state is PlanState.REJECTED, "a fresh intent must count as booked"
        await asyncio.sleep(2 * 0.2 + 0.1)
        later = await book(alive, deconflictor).submit(OTHER, "r2", crossing("b", dy=10))
        assert later.plan.state is PlanState.ACCEPTED
        assert await alive.get_plan("ghost") is None
        assert [p.flight_plan_id for p in await alive.holding_plans()] == [
            later.plan.flight_plan_id
        ]


async def test_a_plan_retried_after_an_aborted_intent_still_holds_its_airspace(
    redis_server: RedisServer, deconflictor: Deconflictor
) -> None:
    """A booking whose first intent was refused somewhere is aborted and retried under a new
    transaction, with the same plan: every replica must hold the plan for the retry's intent,
    whatever order it reads the abort and the new intent in (the crash test found this)."""
    async with redis_replicas(redis_server.url, deconflictor, "retry") as stores:
        owner, other = stores
        plan = replace(crossing("p"), flight_plan_id="p", operator_id=OPERATOR.subject_id)
        keys = deconflictor.reservation_keys(plan)
        regions = redis_store.regions_of(keys)
        await other.plans_holding(keys)  # the other replica has read the logs before any intent
        await owner.plans_holding(keys)
        assert await owner._prepare_all(regions, plan, "first") is not None
        await owner._run(owner._abort_transaction("first", "p"))
        await owner.plans_holding(keys)
        assert await owner._prepare_all(regions, plan, "second") is not None
        clash = await book(other, deconflictor).submit(OTHER, "q", crossing("q", dy=10))
        assert clash.plan.state is PlanState.REJECTED
        assert [c.flight_plan_id for c in clash.conflicts] == ["p"]


async def test_a_transaction_too_old_to_commit_is_released_on_every_replica(
    redis_server: RedisServer, deconflictor: Deconflictor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DECIDE refuses a transaction older than the intent lifetime; its intents must then stop
    holding airspace everywhere (found in review: that abort wrote no event)."""
    # Below zero: late even when the decision lands in the same millisecond as the intent.
    monkeypatch.setattr(redis_store, "INTENT_LIFETIME_S", -0.001)
    monkeypatch.setattr(redis_store, "MAX_SUBMIT_ATTEMPTS", 2)
    async with redis_replicas(redis_server.url, deconflictor, "late") as stores:
        owner, other = stores
        await other.holding_plans()
        await asyncio.sleep(0.01)
        with pytest.raises(Unavailable):
            await book(owner, deconflictor).submit(OPERATOR, "late", crossing("late"))
        plan = crossing("x")
        await other.plans_holding(deconflictor.reservation_keys(plan))
        assert await other.holding_plans() == []
        assert await owner.holding_plans() == []
