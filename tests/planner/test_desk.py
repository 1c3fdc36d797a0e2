"""The planning desk runs one planner job at a time, even when a caller gives up on one."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from airspace.clock import ManualClock
from airspace.config import AirspaceConfig
from airspace.planning import PlanningDesk
from airspace.store.memory import MemoryStore
from tests.conftest import T0


async def test_a_job_whose_caller_gave_up_still_holds_the_desk_until_it_is_done() -> None:
    desk = PlanningDesk(MemoryStore(), AirspaceConfig(), ManualClock(T0))
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
