"""Settling the heap: loaded state leaves the collector's sight, and cycles are still freed."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from airspace.clock import ManualClock
from airspace.server import heap
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.store.memory import MemoryStore
from tests.strategies import T0


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def cycle() -> weakref.ref[Node]:
    """A pair of objects that refer to each other, unreachable once this returns."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_settled_objects_are_left_alone_until_the_next_settle() -> None:
    node = Node()
    node.other = node
    heap.settle()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[0] == heap.YOUNG_THRESHOLD
    alive = weakref.ref(node)
    del node  # now garbage, but settled: a collection does not look at it
    gc.collect()
    assert alive() is not None
    heap.settle()  # the next settle collects everything first
    assert alive() is None


def test_garbage_made_after_settling_is_collected_as_usual() -> None:
    heap.settle()
    dropped = cycle()
    gc.collect()
    assert dropped() is None


async def test_a_server_that_settles_its_heap_does_it_at_start_and_stops_when_stopped() -> None:
    gc.unfreeze()
    settings = ServerSettings(host="127.0.0.1", port=0)
    server = AirspaceServer(settings, store=MemoryStore(), clock=ManualClock(T0))
    await server.start(run_monitor=False, settle_heap=True)
    try:
        await asyncio.sleep(0)  # the settling task's first turn
        assert gc.get_freeze_count() > 0
        settler = server._settler
        assert settler is not None and not settler.done()
    finally:
        await server.stop(0)
    await asyncio.sleep(0)
    assert settler.cancelled()
