"""Solomon's VRPTW benchmark instances (Solomon 1987) as fleet problems.

The text format: the name; ``VEHICLE`` with the number of vehicles and their capacity;
``CUSTOMER`` with one row per point, ``no. x y demand ready-time due-date service-time``, point 0
being the depot. The n-customer variant of an instance is its depot and first n customers.

Distances are Euclidean truncated to one decimal, the convention of the exact methods that
published the optima of the 25- and 50-customer variants; travel time equals distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from planner.vrp import Depot, Drone, FleetProblem, Order


@dataclass(frozen=True, slots=True)
class Customer:
    x: float
    y: float
    demand: float
    ready: float
    due: float
    service: float


@dataclass(frozen=True, slots=True)
class SolomonInstance:
    name: str
    vehicles: int
    capacity: float
    points: tuple[Customer, ...]
    """The depot first, then the customers."""

    def distance(self, i: int, j: int) -> float:
        a, b = self.points[i], self.points[j]
        return math.floor(math.hypot(a.x - b.x, a.y - b.y) * 10) / 10


def read_solomon(path: Path, customers: int | None = None) -> SolomonInstance:
    """The instance in ``path``, cut to its first ``customers`` customers when given."""
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    vehicles, capacity = lines[lines.index(["VEHICLE"]) + 2]
    rows = [row for row in lines[lines.index(["CUSTOMER"]) + 2 :] if row[0].isdigit()]
    points = tuple(Customer(*(float(v) for v in row[1:7])) for row in rows)
    if customers is not None:
        points = points[: customers + 1]
    return SolomonInstance(lines[0][0], int(vehicles), float(capacity), points)


def fleet_problem(instance: SolomonInstance) -> FleetProblem:
    """One single-sortie drone per vehicle at 1 m/s, no battery limit beyond the depot's hours."""
    depot = instance.points[0]
    n = len(instance.points)
    return FleetProblem(
        depots=(Depot("depot", 0),),
        drones=tuple(
            Drone(f"v{k}", "depot", instance.capacity, depot.due, 1.0, turnaround_s=0.0)
            for k in range(1, instance.vehicles + 1)
        ),
        orders=tuple(
            Order(f"c{i}", "depot", i, c.demand, c.ready, c.due, service_s=c.service)
            for i, c in enumerate(instance.points)
            if i > 0
        ),
        legs_m=[[instance.distance(i, j) for j in range(n)] for i in range(n)],
        horizon_start_s=depot.ready,
        horizon_end_s=depot.due,
        battery_reserve=0.0,
        drone_cost_s=0.0,
        max_sorties_per_drone=1,
    )
