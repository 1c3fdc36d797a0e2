"""Redis Cluster: regions land on different masters, and a plan that spans regions on
different masters is still booked atomically."""

from __future__ import annotations

import asyncio

import redis

from airspace.deconfliction import Deconflictor
from airspace.model import FlightPlan, Identity, PlanState
from airspace.store.redis import regions_of
from tests import strategies
from tests.bruteforce import find_conflicting_pairs
from tests.redis_server import RedisClusterServers
from tests.store.conftest import redis_replicas
from tests.store.test_store_contract import book

OPERATOR = Identity("op-a", "operator")
CONFIG = strategies.CONFIG


def long_haul(name: str, dy: float, dt: float = 0.0) -> FlightPlan:
    """A 36 km flight east to west: it crosses several resolution-5 regions."""
    t = strategies.T0 + dt
    points = [(-18_000, dy, 0, t), (-18_000, dy, 40, t + 10),
              (18_000, dy, 40, t + 1210), (18_000, dy, 0, t + 1220)]  # fmt: skip
    return strategies.trajectory(name, points)


def masters_of(cluster: RedisClusterServers, keys: list[str]) -> set[str]:
    client = redis.Redis(port=cluster.nodes[0].port)
    slots = {client.cluster("keyslot", k) for k in keys}
    owners = set()
    for node, info in client.cluster("nodes").items():
        for low, *high in info["slots"]:
            if any(int(low) <= s <= int(high[0] if high else low) for s in slots):
                owners.add(node)
    client.close()
    return owners


async def test_a_plan_across_regions_on_different_masters_books_atomically(
    redis_cluster: RedisClusterServers, deconflictor: Deconflictor
) -> None:
    plan = long_haul("a", 0)
    regions = regions_of(deconflictor.reservation_keys(plan))
    assert len(regions) >= 2
    # Slots are fixed by the key names: take a namespace whose regions use two masters or more.
    namespace = next(
        ns
        for ns in (f"span{i}" for i in range(50))
        if len(masters_of(redis_cluster, [f"{{{ns}:{r}}}:intents" for r in regions])) >= 2
    )
    async with redis_replicas(redis_cluster.url, deconflictor, namespace) as stores:
        intent_logs = [stores[0]._region_keys(r)[0] for r in regions]
        assert len(masters_of(redis_cluster, intent_logs)) >= 2
        first, second = (book(s, deconflictor) for s in stores)
        booked = await first.submit(OPERATOR, "a", plan)
        assert booked.plan.state is PlanState.ACCEPTED
        clash = await second.submit(OPERATOR, "b", long_haul("b", 20))
        assert clash.plan.state is PlanState.REJECTED

        # Racing flights over the same long corridor, staggered so that some fit.
        racers = [long_haul(f"r{i}", 30.0 * (i % 3), dt=200.0 * i) for i in range(12)]
        await asyncio.gather(
            *(book(stores[i % 2], deconflictor).submit(OPERATOR, f"race-{i}", p)
              for i, p in enumerate(racers))
        )  # fmt: skip
        holding = await stores[1].holding_plans()
        assert len(holding) >= 2
        assert find_conflicting_pairs(holding, CONFIG) == []
