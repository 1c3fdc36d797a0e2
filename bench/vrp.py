"""Fleet assignment (planner.vrp): Solomon VRPTW instances and a 100-delivery city.

    python -m bench.vrp [--customers 25 ...] [--seconds 10] [--seeds 1 2 3]

Solomon: the instances shipped in tests/data/solomon (C101, R101, RC101), cut to their first
``--customers`` customers, solved as 25 single-sortie drones at 1 m/s with distances cut to one
decimal, the convention of the published optima; the gap is to those best-known distances.

City: 100 deliveries, 10 drones at 3 depots in a 20 km square, drop-offs uniform, each order
picked up at its nearest depot; payload 2.5 or 5 kg, parcels 0.2–2.5 kg, 30 min batteries with
a 20 % reserve, 15 m/s along straight legs (the service feeds grid route lengths instead),
60 s service, 10 min turnaround, windows of 30–90 min opening over 3 h of a 4 h horizon,
priorities 1–3. The solve time is wall time including model building.
"""

from __future__ import annotations

import argparse
import math
import random
from collections import Counter
from pathlib import Path

from bench.machine import describe
from planner.solomon import fleet_problem, read_solomon
from planner.vrp import Depot, Drone, FleetProblem, Order, solve_fleet

SOLOMON = Path(__file__).resolve().parent.parent / "tests" / "data" / "solomon"
BEST_KNOWN = {
    # Solomon's table of best-known (proven optimal) distances, one-decimal distances.
    ("C101", 25): 191.3,
    ("R101", 25): 617.1,
    ("RC101", 25): 461.1,
    ("C101", 50): 362.4,
    ("R101", 50): 1044.0,
    ("RC101", 50): 944.0,
    ("C101", 100): 827.3,
    ("R101", 100): 1637.7,
    ("RC101", 100): 1619.8,
}
T0 = 1_796_112_000.0  # 2026-12-01T08:00Z


def solomon_rows(customers: list[int], seconds: float) -> list[str]:
    rows = []
    for n in customers:
        for name in ("C101", "R101", "RC101"):
            plan = solve_fleet(
                fleet_problem(read_solomon(SOLOMON / f"{name}.txt", n)), time_limit_s=seconds
            )
            best = BEST_KNOWN[(name, n)]
            gap = 100 * (plan.total_flight_s - best) / best
            rows.append(
                f"| {name}.{n} | {len(plan.sorties)} | {plan.total_flight_s:.1f} | {best:.1f} "
                f"| {gap:.2f} % | {len(plan.unserved)} | {plan.solve_s:.1f} |"
            )
    return rows


def city(seed: int, n_orders: int = 100, n_drones: int = 10) -> FleetProblem:
    rng = random.Random(seed)
    bases = [(5000.0, 5000.0), (15000.0, 7000.0), (10000.0, 16000.0)]
    drops = [(rng.uniform(0, 20000), rng.uniform(0, 20000)) for _ in range(n_orders)]
    xy = bases + drops
    orders = []
    for i, drop in enumerate(drops):
        depot = min(range(len(bases)), key=lambda k: math.dist(drop, bases[k]))
        opens = T0 + rng.uniform(0, 3 * 3600)
        orders.append(
            Order(
                f"O{i}",
                f"D{depot}",
                len(bases) + i,
                round(rng.uniform(0.2, 2.5), 1),
                opens,
                opens + rng.uniform(1800, 5400),
                rng.choice((1, 2, 2, 3)),
            )
        )
    return FleetProblem(
        depots=[Depot(f"D{k}", k) for k in range(len(bases))],
        drones=[
            Drone(f"U{k}", f"D{k % 3}", (2.5, 5.0)[k % 2], 1800.0, 15.0, 600.0)
            for k in range(n_drones)
        ],
        orders=orders,
        legs_m=[[math.dist(a, b) for b in xy] for a in xy],
        horizon_start_s=T0,
        horizon_end_s=T0 + 4 * 3600,
    )


def city_rows(seeds: list[int], seconds: float) -> list[str]:
    rows = []
    for seed in seeds:
        p = city(seed)
        plan = solve_fleet(p, time_limit_s=seconds)
        reasons = Counter(u.reason for u in plan.unserved)
        left = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "-"
        rows.append(
            f"| {seed} | {len(p.orders)} | {len(p.orders) - len(plan.unserved)} | {left} "
            f"| {plan.drones_used} | {len(plan.sorties)} | {plan.total_flight_s / 3600:.2f} "
            f"| {plan.solve_s:.2f} |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[25], choices=[25, 50, 100])
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit per solve")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"# Fleet assignment — {describe()}")
    print(f"time limit {args.seconds:g} s per solve (guided local search runs to the limit)\n")
    print("| Solomon | vehicles | distance | best known | gap | unserved | solve s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print("\n".join(solomon_rows(args.customers, args.seconds)))
    print("\n| city seed | orders | served | unserved | drones used | sorties | flight h", end="")
    print(" | solve s |")
    print("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    print("\n".join(city_rows(args.seeds, args.seconds)))


if __name__ == "__main__":
    main()
