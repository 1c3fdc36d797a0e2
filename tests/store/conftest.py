"""Every store behind the one ``Store`` contract: the embedded one and Redis."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.store import Store
from airspace.store.memory import MemoryStore
from airspace.store.redis import RedisStore
from tests.redis_server import RedisServer

_namespaces = itertools.count()


@pytest.fixture
def deconflictor() -> Deconflictor:
    return Deconflictor(AirspaceConfig())


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, deconflictor: Deconflictor) -> AsyncIterator[Store]:
    if request.param == "memory":
        yield MemoryStore()
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    made = RedisStore.from_url(
        server.url, deconflictor.reservation_keys, namespace=f"t{next(_namespaces)}"
    )
    yield made
    await made.close()


@pytest.fixture
async def replicas(
    request: pytest.FixtureRequest, store: Store, deconflictor: Deconflictor
) -> AsyncIterator[list[Store]]:
    """``store`` and a second replica on the same shared state (itself, when embedded)."""
    if not isinstance(store, RedisStore):
        yield [store, store]
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    other = RedisStore.from_url(
        server.url, deconflictor.reservation_keys, namespace=store.namespace
    )
    yield [store, other]
    await other.close()
