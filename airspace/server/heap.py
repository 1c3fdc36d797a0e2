"""Garbage collection for a process that holds a city's plans in memory.

A full collection walks every object Python tracks: at 10,000 plans that is a 250 ms pause,
and Python starts one each time the long-lived objects have grown by a quarter. A server's
long-lived state (plans, footprints, the index) is freed by reference counting, not by the
collector, so once loaded it is moved out of the collector's sight (``gc.freeze``), and again
every ``SETTLE_EVERY_S``: each time after one full collection, which also frees any cycle that
formed in it meanwhile.

Young collections run every ``YOUNG_THRESHOLD`` allocations instead of Python 3.11's 700: a
submission allocates thousands of short-lived objects that reference counting frees anyway,
and fewer, larger young collections walk fewer of them (the collector's share of a submission
fell from about 0.08 to 0.04 ms in ``bench.strategic``'s scenario, on Python 3.11). For a
process that serves and does nothing else: nothing undoes it.
"""

from __future__ import annotations

import asyncio
import gc

SETTLE_EVERY_S = 600.0
YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Collect everything once; keep what survives out of later collections."""
    gc.set_threshold(YOUNG_THRESHOLD, 20, 10)
    gc.unfreeze()
    gc.collect()
    gc.freeze()


async def keep_settled(every_s: float = SETTLE_EVERY_S) -> None:
    """``settle`` now and every ``every_s`` seconds, until cancelled."""
    while True:
        settle()
        await asyncio.sleep(every_s)
