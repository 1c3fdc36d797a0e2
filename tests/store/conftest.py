"""Every store behind the one ``Store`` contract: the embedded one, Redis on one node, and a
Redis Cluster of three masters."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.store import Store
from airspace.store.memory import MemoryStore
from airspace.store.redis import RedisStore

_namespaces = itertools.count()


@pytest.fixture
def deconflictor() -> Deconflictor:
    return Deconflictor(AirspaceConfig())


@pytest.fixture(params=["memory", "redis", "cluster"])
def store_url(request: pytest.FixtureRequest) -> str:
    if request.param == "memory":
        return "memory"
    server = request.getfixturevalue(
        "redis_server" if request.param == "redis" else "redis_cluster"
    )
    return str(server.url)


@pytest.fixture
async def store(store_url: str, deconflictor: Deconflictor) -> AsyncIterator[Store]:
    if store_url == "memory":
        yield MemoryStore()
        return
    made = RedisStore.from_url(
        store_url, deconflictor.reservation_keys, namespace=f"t{next(_namespaces)}"
    )
    yield made
    await made.close()


@pytest.fixture
async def replicas(
    store_url: str, store: Store, deconflictor: Deconflictor
) -> AsyncIterator[list[Store]]:
    """``store`` and a second replica on the same shared state (itself, when embedded)."""
    if not isinstance(store, RedisStore):
        yield [store, store]
        return
    other = RedisStore.from_url(store_url, deconflictor.reservation_keys, namespace=store.namespace)
    yield [store, other]
    await other.close()


@asynccontextmanager
async def redis_replicas(
    url: str, deconflictor: Deconflictor, namespace: str, count: int = 2
) -> AsyncIterator[list[RedisStore]]:
    """``count`` replicas' stores on one shared Redis namespace, closed afterwards."""
    stores = [
        RedisStore.from_url(url, deconflictor.reservation_keys, namespace=namespace)
        for _ in range(count)
    ]
    try:
        yield stores
    finally:
        for store in stores:
            await store.close()
