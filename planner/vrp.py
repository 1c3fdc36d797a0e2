"""Fleet assignment: which drone delivers which order, on which sortie, in which order, and when.

A pure vehicle-routing model (OR-Tools routing) with time windows, payload, battery range,
several depots, several sorties per drone and return to base. No geometry happens here: the
caller gives ``legs_m``, the length of the planned route between every pair of matrix points
(the grid route search's path, so legs go around zones; ``math.inf`` where there is none), and
each drone's cruise speed turns lengths into flight times.

Model
- A sortie is depot → drop-off … → depot. Parcels are loaded at their pickup depot, which must be
  the drone's own depot; a sortie's parcels weigh at most the drone's payload capacity.
- Sorties are *virtual vehicles*: drone d gets S_d routing vehicles ("sortie slots") that start
  and end at its depot. Slots fly as a prefix (slot k+1 only if slot k flies), and slot k+1
  takes off no earlier than slot k lands plus the drone's turnaround (recharge or battery swap,
  loading). S_d = min(``max_sorties_per_drone``, the orders d could carry, what the horizon
  allows for d's shortest round trip plus turnaround).
- Battery: a sortie's airborne time — legs, service at the drop-offs and any hovering while
  waiting for a window — is at most ``endurance_s × (1 − battery_reserve)``.
- Time windows bound the start of service at the drop-off (``Stop.arrival_s``); service time
  covers descent, hand-over and climb. Every sortie lies inside the horizon.
- Objective: flight time of all legs, plus ``drone_cost_s`` per drone used, plus a penalty per
  unserved order. Penalties are lexicographic: serving one more order of a priority outweighs any
  number of lower-priority orders and any flight time saved.
- Orders that cannot be served even alone are found before solving and reported with their
  reason; an order the solver leaves out after that is ``NOT_ENOUGH_CAPACITY``.
- Search: guided local search until the time limit, from a first solution by cheapest feasible
  insertion (highest priority and most urgent first; OR-Tools' own insertion when no drone has
  two slots, as it cannot see the chaining). Returned times are exact seconds; each sortie takes
  off as late as its windows allow, so drones hover only when windows force it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from airspace.errors import FieldViolation, InvalidArgument
from planner.vrp_model import Instance, Model
from planner.vrp_problem import (
    PRIORITIES,
    Depot,
    Drone,
    FleetPlan,
    FleetProblem,
    Order,
    Sortie,
    Stop,
    Unserved,
    validate_problem,
)

__all__ = [
    "PRIORITIES",
    "Depot",
    "Drone",
    "FleetPlan",
    "FleetProblem",
    "Order",
    "Sortie",
    "Stop",
    "Unserved",
    "solve_fleet",
    "validate_problem",
]

_FINISH_S = 0.3
"""Kept back from the time limit for reading the solution."""


def solve_fleet(
    problem: FleetProblem,
    *,
    time_limit_s: float = 10.0,
    progress: Callable[[float], None] | None = None,
) -> FleetPlan:
    """The best plan found within ``time_limit_s`` of wall time, model building included.

    Raises ``InvalidArgument`` naming every bad field. ``progress`` gets the fraction of the time
    budget spent at each better solution, and 1.0 at the end.
    """
    started = time.monotonic()
    violations = validate_problem(problem)
    if not (isinstance(time_limit_s, (int, float)) and time_limit_s > 0):
        violations.append(FieldViolation("time_limit_s", "must be > 0 seconds"))
    if violations:
        raise InvalidArgument(violations)
    instance = Instance(problem)
    model = Model(instance)
    sorties: list[Sortie] = []
    dropped: list[int] = []
    if model.vehicles:
        reserve = min(_FINISH_S, 0.1 * time_limit_s)
        remaining = max(0.01, time_limit_s - reserve - (time.monotonic() - started))
        sorties, dropped = model.solve(remaining, progress)
    if progress is not None:
        progress(1.0)
    unserved = dict(instance.unserved)
    for o in dropped:
        unserved[o] = Unserved(
            problem.orders[o].order_id,
            "NOT_ENOUGH_CAPACITY",
            "no room left in the fleet's sorties (payload, battery, windows, horizon)",
        )
    return FleetPlan(
        sorties=tuple(sorties),
        unserved=tuple(unserved[o] for o in sorted(unserved)),
        total_flight_s=math.fsum(s.flight_s for s in sorties),
        solve_s=time.monotonic() - started,
    )
