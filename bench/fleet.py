"""Fleet delivery planning end to end: 100 deliveries, 10 drones, windows and battery.

    python -m bench.fleet [--orders 100] [--drones 10] [--time-limit 6]

Scenario: three depots in the demo city's clear corridor and along it, 10 drones (2.5 kg,
15 m/s, 30 min endurance), 100 orders of 0.3–2.2 kg within 2.5 km of their depot with
40-minute delivery windows over two hours, the demo geozones, 1,000 accepted deliveries
already in the sky. ``planner.fleet.plan_deliveries`` (leg lengths from the route search,
OR-Tools, then every leg planned conflict-free) is timed as a whole; the flights are then
checked pairwise, and against the accepted plans, by the exact verdict.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import random
import time
from dataclasses import replace

from airspace.model import AltitudeBand, LatLng, NavigationTolerance, Vehicle
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker
from bench.machine import describe
from bench.traffic import START_S, book
from planner.fleet import (
    DeliveryOrder,
    DeliveryRequest,
    DepotSite,
    FleetDrone,
    plan_deliveries,
)
from planner.vrp_problem import Unserved

DEPOTS = {
    "futian": (22.5400, 114.0570),
    "luohu": (22.5600, 114.1050),
    "nanshan": (22.5300, 113.9500),
}
VEHICLE = Vehicle("UAS-FLEET", 15.0, 20.0, 3.0, 3.0, 1800.0)


def request(orders: int, drones: int, seed: int = 5) -> DeliveryRequest:
    rng = random.Random(seed)
    names = list(DEPOTS)
    fleet = [FleetDrone(f"D{i:02d}", names[i % len(names)], VEHICLE, 2.5) for i in range(drones)]
    todo = []
    for k in range(orders):
        depot = names[k % len(names)]
        lat0, lon0 = DEPOTS[depot]
        east, north = rng.uniform(-2500, 2500), rng.uniform(-1500, 1500)
        drop = LatLng(
            lat0 + north / 111_320, lon0 + east / (111_320 * math.cos(math.radians(lat0)))
        )
        start = START_S + rng.uniform(600, 7200)
        todo.append(
            DeliveryOrder(f"O{k:03d}", depot, drop, rng.uniform(0.3, 2.2), start, start + 2400)
        )
    return DeliveryRequest(
        [DepotSite(n, LatLng(*p)) for n, p in DEPOTS.items()],
        fleet,
        todo,
        "op-bench",
        AltitudeBand(40, 80),
        NavigationTolerance(5, 5),
        START_S,
        START_S + 4 * 3600,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--drones", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=6.0)
    parser.add_argument("--traffic", type=int, default=1000)
    args = parser.parse_args()
    _, store, deconflictor, _ = asyncio.run(book(args.traffic, seed=1))
    existing = asyncio.run(store.holding_plans())
    zones = load_demo_city()
    checker = ZoneChecker(deconflictor)
    started = time.perf_counter()
    result = plan_deliveries(
        request(args.orders, args.drones),
        zones=zones,
        existing=existing,
        deconflictor=deconflictor,
        zone_checker=checker,
        time_limit_s=args.time_limit,
    )
    elapsed = time.perf_counter() - started
    plans = [replace(f.plan, flight_plan_id=f"leg-{i}") for i, f in enumerate(result.flights)]
    among = sum(bool(deconflictor.conflicts(a, [b])) for a, b in itertools.combinations(plans, 2))
    against = sum(bool(deconflictor.conflicts(p, existing)) for p in plans)
    in_zones = sum(bool(checker.check(p, zones).violations) for p in plans)
    served = sum(bool(f.order_ids) for f in result.flights)
    print(f"fleet delivery planning — {describe()}")
    print(
        f"scenario: {args.orders} orders, {args.drones} drones at 3 depots, 40-min windows "
        f"over 2 h, 30 min endurance, {len(existing)} accepted plans in the sky, demo zones; "
        f"solver limit {args.time_limit:g} s"
    )
    rows = [
        ("plan_deliveries wall time (s)", f"{elapsed:.1f}"),
        ("orders delivered", f"{served} of {args.orders}"),
        ("unserved, by reason", json.dumps(_reasons(result.unserved))),
        ("drones stranded (no way back)", f"{len(result.stranded)}"),
        ("flights (legs)", f"{len(plans)}"),
        ("conflicts among the flights", f"{among}"),
        ("conflicts with accepted plans", f"{against}"),
        ("flights entering forbidding zones", f"{in_zones}"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "served": served,
                "flights": len(plans),
                "conflicts": among + against,
                "zone_violations": in_zones,
            }
        )
    )


def _reasons(unserved: tuple[Unserved, ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for u in unserved:
        counts[u.reason] = counts.get(u.reason, 0) + 1
    return counts


if __name__ == "__main__":
    main()
