"""The fleet planning problem and its answer: depots, drones, orders in; sorties and unserved out.

Units are metres, seconds (any epoch, usually UTC seconds) and kilograms. ``validate_problem``
lists every bad field with a path such as ``orders[3].weight_kg``; ``planner.vrp.solve_fleet``
raises ``InvalidArgument`` with them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from airspace.errors import FieldViolation

PRIORITIES = range(1, 6)
"""Order priorities: 1 lowest … 5 highest."""
MAX_HORIZON_S = 7 * 86_400
"""A plan covers at most a week."""


@dataclass(frozen=True, slots=True)
class Depot:
    depot_id: str
    index: int
    """Matrix point of the depot in ``FleetProblem.legs_m``."""


@dataclass(frozen=True, slots=True)
class Drone:
    drone_id: str
    depot_id: str
    capacity_kg: float
    endurance_s: float
    """Airborne time on a full battery."""
    speed_mps: float
    """Cruise speed along the legs."""
    turnaround_s: float = 600.0
    """Time on the ground between two sorties (recharge or swap, loading)."""


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    pickup_depot_id: str
    dropoff_index: int
    """Matrix point of the drop-off in ``FleetProblem.legs_m``."""
    weight_kg: float
    earliest_s: float
    latest_s: float
    """Service at the drop-off starts within [earliest_s, latest_s]."""
    priority: int = 2
    service_s: float = 60.0
    """Time at the drop-off: descent, hand-over, climb."""


@dataclass(frozen=True, slots=True)
class FleetProblem:
    depots: Sequence[Depot]
    drones: Sequence[Drone]
    orders: Sequence[Order]
    legs_m: Sequence[Sequence[float]]
    """Route length in metres from matrix point i to j (asymmetric allowed, ``math.inf``: none)."""
    horizon_start_s: float
    horizon_end_s: float
    battery_reserve: float = 0.2
    drone_cost_s: float = 60.0
    """Objective weight of each drone used, in seconds of flight."""
    max_sorties_per_drone: int = 8


@dataclass(frozen=True, slots=True)
class Stop:
    order_id: str
    arrival_s: float
    """Start of service at the drop-off."""
    departure_s: float


@dataclass(frozen=True, slots=True)
class Sortie:
    drone_id: str
    depot_id: str
    start_s: float
    """Take-off from the depot."""
    end_s: float
    """Landing back at the depot."""
    stops: tuple[Stop, ...]
    load_kg: float
    flight_s: float
    """Time on the legs (the objective's unit); ``end_s - start_s`` adds service and hovering."""


@dataclass(frozen=True, slots=True)
class Unserved:
    order_id: str
    reason: str
    """TOO_HEAVY, NO_DRONE_AT_DEPOT, UNREACHABLE, OUT_OF_RANGE, WINDOW_INFEASIBLE or
    NOT_ENOUGH_CAPACITY."""
    detail: str


@dataclass(frozen=True, slots=True)
class FleetPlan:
    sorties: tuple[Sortie, ...]
    unserved: tuple[Unserved, ...]
    total_flight_s: float
    solve_s: float

    @property
    def drones_used(self) -> int:
        return len({s.drone_id for s in self.sorties})


def validate_problem(problem: FleetProblem) -> list[FieldViolation]:
    """Every problem with the input, as field violations (empty when the input is valid)."""
    out: list[FieldViolation] = []
    points = _check_legs(problem.legs_m, out)
    _check_scalars(problem, out)
    depot_ids = _check_ids("depots", [d.depot_id for d in problem.depots], out)
    _check_ids("drones", [d.drone_id for d in problem.drones], out)
    _check_ids("orders", [o.order_id for o in problem.orders], out)
    if not problem.drones:
        out.append(FieldViolation("drones", "the fleet is empty: at least one drone is needed"))
    for i, depot in enumerate(problem.depots):
        _check_point(f"depots[{i}].index", depot.index, points, out)
    for i, drone in enumerate(problem.drones):
        _check_drone(f"drones[{i}]", drone, depot_ids, out)
    for i, order in enumerate(problem.orders):
        _check_order(f"orders[{i}]", order, depot_ids, points, out)
    return out


def _check_legs(legs: Sequence[Sequence[float]], out: list[FieldViolation]) -> int | None:
    """The number of matrix points, or None when ``legs_m`` is not a usable matrix."""
    try:
        matrix = np.asarray(legs, dtype=float)
    except (TypeError, ValueError):
        matrix = np.empty(0)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        out.append(FieldViolation("legs_m", "must be a non-empty square matrix of metres"))
        return None
    if np.isnan(matrix).any() or (matrix < 0).any():
        out.append(FieldViolation("legs_m", "lengths must be >= 0 (math.inf where no route)"))
    return int(matrix.shape[0])


def _check_scalars(p: FleetProblem, out: list[FieldViolation]) -> None:
    if not _finite(p.horizon_start_s):
        out.append(FieldViolation("horizon_start_s", "must be a finite time"))
    if not (_finite(p.horizon_end_s) and p.horizon_end_s > p.horizon_start_s):
        out.append(FieldViolation("horizon_end_s", "must be finite and after horizon_start_s"))
    elif p.horizon_end_s - p.horizon_start_s > MAX_HORIZON_S:
        out.append(FieldViolation("horizon_end_s", f"the horizon is longer than {MAX_HORIZON_S} s"))
    if not (_finite(p.battery_reserve) and 0 <= p.battery_reserve < 1):
        out.append(FieldViolation("battery_reserve", "must be a fraction in [0, 1)"))
    if not (_finite(p.drone_cost_s) and 0 <= p.drone_cost_s <= MAX_HORIZON_S):
        out.append(FieldViolation("drone_cost_s", f"must be in [0, {MAX_HORIZON_S}] seconds"))
    if isinstance(p.max_sorties_per_drone, bool) or not (
        isinstance(p.max_sorties_per_drone, int) and p.max_sorties_per_drone >= 1
    ):
        out.append(FieldViolation("max_sorties_per_drone", "must be an integer >= 1"))


def _check_ids(field: str, ids: list[str], out: list[FieldViolation]) -> set[str]:
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if not isinstance(item_id, str) or not item_id:
            out.append(FieldViolation(f"{field}[{i}]", "id must be a non-empty string"))
        elif item_id in seen:
            out.append(FieldViolation(field, f"duplicate id {item_id!r} at {field}[{i}]"))
        seen.add(item_id)
    return seen


def _check_point(field: str, index: int, points: int | None, out: list[FieldViolation]) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        out.append(FieldViolation(field, "must be a matrix point index >= 0"))
    elif points is not None and index >= points:
        out.append(FieldViolation(field, f"{index} is outside legs_m ({points} points)"))


def _check_drone(field: str, d: Drone, depot_ids: set[str], out: list[FieldViolation]) -> None:
    if d.depot_id not in depot_ids:
        out.append(FieldViolation(f"{field}.depot_id", f"unknown depot {d.depot_id!r}"))
    for name, value in (
        ("capacity_kg", d.capacity_kg),
        ("endurance_s", d.endurance_s),
        ("speed_mps", d.speed_mps),
    ):
        if not (_finite(value) and value > 0):
            out.append(FieldViolation(f"{field}.{name}", f"must be > 0, got {value}"))
    if not (_finite(d.turnaround_s) and d.turnaround_s >= 0):
        out.append(FieldViolation(f"{field}.turnaround_s", f"must be >= 0, got {d.turnaround_s}"))


def _check_order(
    field: str, o: Order, depot_ids: set[str], points: int | None, out: list[FieldViolation]
) -> None:
    if o.pickup_depot_id not in depot_ids:
        out.append(
            FieldViolation(f"{field}.pickup_depot_id", f"unknown depot {o.pickup_depot_id!r}")
        )
    _check_point(f"{field}.dropoff_index", o.dropoff_index, points, out)
    if not (_finite(o.weight_kg) and o.weight_kg >= 0):
        out.append(FieldViolation(f"{field}.weight_kg", f"must be >= 0, got {o.weight_kg}"))
    if not (_finite(o.service_s) and o.service_s >= 0):
        out.append(FieldViolation(f"{field}.service_s", f"must be >= 0, got {o.service_s}"))
    if not _finite(o.earliest_s):
        out.append(FieldViolation(f"{field}.earliest_s", "must be a finite time"))
    elif not (_finite(o.latest_s) and o.latest_s >= o.earliest_s):
        out.append(FieldViolation(f"{field}.latest_s", "must be finite and >= earliest_s"))
    if isinstance(o.priority, bool) or o.priority not in PRIORITIES:
        out.append(FieldViolation(f"{field}.priority", f"must be 1 (lowest) … 5, got {o.priority}"))


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
