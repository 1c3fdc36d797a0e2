"""Synthetic delivery traffic over a square of the demo city, from a seed."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from airspace.clock import ManualClock
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.flight_plans import FlightPlanBook
from airspace.model import (
    FlightPlan,
    Identity,
    LatLng,
    NavigationTolerance,
    Priority,
    Vehicle,
    Waypoint,
)
from airspace.store import Store
from airspace.store.open import open_store
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker

CITY_CENTER = (22.60, 114.20)
"""Longgang/Futian side of Shenzhen: a 20 km square clear of the airport."""
CITY_SIDE_M = 20_000.0
M_PER_DEG = 111_320.0
VEHICLE = Vehicle("UAS-BENCH", 15.0, 20.0, 3.0, 3.0, 1800.0)
START_S = 1_796_112_000.0
"""2026-12-01T08:00Z: the benchmarks' fixed 'now'."""
OPERATOR = Identity("op-bench", "operator")


def _point(rng: random.Random, half_m: float) -> tuple[float, float]:
    east, north = rng.uniform(-half_m, half_m), rng.uniform(-half_m, half_m)
    lat = CITY_CENTER[0] + north / M_PER_DEG
    lon = CITY_CENTER[1] + east / (M_PER_DEG * math.cos(math.radians(CITY_CENTER[0])))
    return lat, lon


def delivery_plans(seed: int, start_s: float, day_s: float = 12 * 3600.0) -> Iterator[FlightPlan]:
    """Endless deliveries: 1–5 km legs at 30–110 m, departures spread over ``day_s``."""
    rng = random.Random(seed)
    n = 0
    while True:
        a = _point(rng, CITY_SIDE_M / 2)
        dist = rng.uniform(1000, 5000)
        bearing = rng.uniform(0, 2 * math.pi)
        b = (
            a[0] + dist * math.cos(bearing) / M_PER_DEG,
            a[1] + dist * math.sin(bearing) / (M_PER_DEG * math.cos(math.radians(a[0]))),
        )
        alt = rng.choice(range(30, 111, 10))
        depart = start_s + rng.uniform(60, day_s)
        climb = alt / 3.0
        cruise = dist / 15.0
        n += 1
        yield FlightPlan(
            flight_plan_id=f"bench-{seed}-{n}",
            operator_id="op-bench",
            vehicle=VEHICLE,
            priority=Priority.COMMERCIAL,
            tolerance=NavigationTolerance(5.0, 5.0),
            waypoints=(
                Waypoint(LatLng(*a), 0.0, depart),
                Waypoint(LatLng(*a), alt, depart + climb),
                Waypoint(LatLng(*b), alt, depart + climb + cruise),
                Waypoint(LatLng(*b), 0.0, depart + 2 * climb + cruise),
            ),
        )


async def book(
    count: int, seed: int, store_url: str = "memory"
) -> tuple[FlightPlanBook, Store, Deconflictor, int]:
    """A book holding ``count`` accepted plans (in the store ``store_url`` names); returns it
    with the number of submissions."""
    deconflictor = Deconflictor(AirspaceConfig())
    store = open_store(store_url, deconflictor.reservation_keys)
    await store.put_zones(load_demo_city())
    book_ = FlightPlanBook(store, deconflictor, ZoneChecker(deconflictor), ManualClock(START_S))
    accepted = submitted = 0
    for draft in delivery_plans(seed, START_S):
        submitted += 1
        outcome = await book_.submit(OPERATOR, f"load-{submitted}", draft)
        accepted += outcome.accepted
        if accepted >= count:
            break
    return book_, store, deconflictor, submitted
