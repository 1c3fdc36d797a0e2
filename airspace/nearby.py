"""Plans holding airspace near a queried volume: the index first, a full scan for huge queries."""

from __future__ import annotations

from airspace.deconfliction import TOUCH_M, Deconflictor
from airspace.errors import ResourceExhausted
from airspace.footprint import Footprint
from airspace.model import FlightPlan
from airspace.store import Store


async def holding_near(
    store: Store, deconflictor: Deconflictor, query: Footprint
) -> list[FlightPlan]:
    """Every plan holding airspace whose index keys meet the query's (a superset of those that
    touch it)."""
    try:
        keys = deconflictor.grid.keys(query, TOUCH_M, TOUCH_M)
    except ResourceExhausted:
        return await store.holding_plans()
    return await store.plans_holding(keys)
