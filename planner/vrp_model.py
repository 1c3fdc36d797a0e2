"""The OR-Tools routing model behind ``planner.vrp.solve_fleet`` (the modelling is told there).

Inside the solver times are integer ticks of 0.1 s counted from the horizon's start and weights
are grams; every rounding is against feasibility (travel and service up, windows and limits
inwards), so a plan feasible in ticks is feasible in the exact values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.util import optional_boolean_pb2

from planner.vrp_problem import Drone, FleetProblem, Order, Sortie, Stop, Unserved

TICKS_PER_S = 10
GRAMS_PER_KG = 1000
_EPS = 1e-9


def ticks_up(seconds: float) -> int:
    return math.ceil(seconds * TICKS_PER_S - _EPS)


def ticks_down(seconds: float) -> int:
    return math.floor(seconds * TICKS_PER_S + _EPS)


@dataclass(frozen=True, slots=True)
class Timing:
    """When a sortie takes off, starts service at each stop, and lands."""

    start: float
    arrivals: list[float]
    end: float


def take_off_late(
    earliest: float,
    legs: Sequence[float],
    windows: Sequence[tuple[float, float]],
    services: Sequence[float],
) -> Timing:
    """The timing of a sortie that may take off at ``earliest`` or later.

    ``legs`` has one item more than the stops: the way home. The drone takes off as late as the
    windows allow without landing later, so it hovers only where two windows force it to.
    Windows may still be missed: the caller checks. Works on ticks and on seconds alike.
    """
    first, waits = _fly(earliest, legs, windows, services)
    waited, spare = 0.0, math.inf
    for arrival, wait, (_, closes) in zip(first.arrivals, waits, windows, strict=True):
        waited += wait
        spare = min(spare, closes - arrival + waited)
    return _fly(earliest + max(0.0, min(waited, spare)), legs, windows, services)[0]


def _fly(
    start: float,
    legs: Sequence[float],
    windows: Sequence[tuple[float, float]],
    services: Sequence[float],
) -> tuple[Timing, list[float]]:
    """The timing when taking off at ``start``, and the hovering before each stop."""
    now = start
    arrivals, waits = [], []
    for leg, (opens, _), service in zip(legs, windows, services, strict=False):
        arrivals.append(max(opens, now + leg))
        waits.append(arrivals[-1] - now - leg)
        now = arrivals[-1] + service
    return Timing(start, arrivals, now + legs[-1]), waits


class Instance:
    """A valid problem in solver units, with the orders that cannot be served even alone."""

    def __init__(self, p: FleetProblem) -> None:
        self.p = p
        self.legs: NDArray[np.float64] = np.asarray(p.legs_m, dtype=float)
        self.horizon = ticks_down(p.horizon_end_s - p.horizon_start_s)
        self.depot_point = {d.depot_id: d.index for d in p.depots}
        self.unserved: dict[int, Unserved] = {}
        self.allowed: dict[int, list[int]] = {}
        """Order position → positions of the drones that could fly it alone."""
        for o, order in enumerate(p.orders):
            drones, miss = self._candidates(order)
            if miss is None:
                self.allowed[o] = drones
            else:
                self.unserved[o] = Unserved(order.order_id, *miss)

    def travel(self, a: int, b: int, drone: Drone) -> int:
        """Ticks to fly from matrix point a to b; ``horizon + 1`` (never feasible) if no route."""
        seconds = float(self.legs[a, b]) / drone.speed_mps
        if not seconds * TICKS_PER_S <= self.horizon:  # also no route: inf
            return self.horizon + 1
        return min(self.horizon + 1, ticks_up(seconds))

    def airborne_limit(self, drone: Drone) -> int:
        return min(self.horizon, ticks_down(drone.endurance_s * (1.0 - self.p.battery_reserve)))

    def turnaround(self, drone: Drone) -> int:
        return min(self.horizon + 1, ticks_up(drone.turnaround_s))

    def window(self, order: Order) -> tuple[int, int]:
        lo = max(0, ticks_up(order.earliest_s - self.p.horizon_start_s))
        return lo, min(self.horizon, ticks_down(order.latest_s - self.p.horizon_start_s))

    def round_trip(self, o: Order, drone: Drone) -> int:
        depot = self.depot_point[drone.depot_id]
        out, back = (
            self.travel(depot, o.dropoff_index, drone),
            self.travel(o.dropoff_index, depot, drone),
        )
        return out + ticks_up(o.service_s) + back

    def _candidates(self, o: Order) -> tuple[list[int], tuple[str, str] | None]:
        drones = self.p.drones
        at_depot = [i for i, d in enumerate(drones) if d.depot_id == o.pickup_depot_id]
        if not at_depot:
            return [], ("NO_DRONE_AT_DEPOT", f"no drone is based at depot {o.pickup_depot_id!r}")
        fit = [i for i in at_depot if drones[i].capacity_kg >= o.weight_kg]
        if not fit:
            most = max(drones[i].capacity_kg for i in at_depot)
            return [], ("TOO_HEAVY", f"{o.weight_kg} kg; drones at its depot carry <= {most} kg")
        depot = self.depot_point[o.pickup_depot_id]
        if not np.isfinite(self.legs[[depot, o.dropoff_index], [o.dropoff_index, depot]]).all():
            return [], ("UNREACHABLE", "no route between its depot and its drop-off")
        in_range = [
            i for i in fit if self.round_trip(o, drones[i]) <= self.airborne_limit(drones[i])
        ]
        if not in_range:
            return [], ("OUT_OF_RANGE", "the round trip alone exceeds the battery (with reserve)")
        timely = [i for i in in_range if self._fits_alone(o, drones[i])]
        if not timely:
            return [], ("WINDOW_INFEASIBLE", "its window cannot be met inside the horizon")
        return timely, None

    def _fits_alone(self, o: Order, drone: Drone) -> bool:
        lo, hi = self.window(o)
        depot = self.depot_point[drone.depot_id]
        arrive = max(lo, self.travel(depot, o.dropoff_index, drone))
        land = arrive + ticks_up(o.service_s) + self.travel(o.dropoff_index, depot, drone)
        return arrive <= hi and land <= self.horizon


@dataclass(frozen=True, slots=True)
class _Slot:
    drone: int
    """Position of the drone in ``FleetProblem.drones``."""
    sortie: int


class Model:
    """The routing model: depot nodes first, then one node per order that could be served."""

    def __init__(self, inst: Instance) -> None:
        self.inst = inst
        p = inst.p
        self.orders = sorted(inst.allowed)
        depots = sorted({p.drones[d].depot_id for o in self.orders for d in inst.allowed[o]})
        self.depot_node = {depot_id: n for n, depot_id in enumerate(depots)}
        self.first_order = len(depots)
        orders = [p.orders[o] for o in self.orders]
        self.points = [inst.depot_point[d] for d in depots] + [o.dropoff_index for o in orders]
        self.service = [0] * len(depots) + [ticks_up(o.service_s) for o in orders]
        self.windows = [(0, inst.horizon)] * len(depots) + [inst.window(o) for o in orders]
        self.grams = [0] * len(depots) + [_grams_up(o.weight_kg) for o in orders]
        self.slots = {d: self._sortie_slots(d) for d in range(len(p.drones))}
        self.vehicles = [_Slot(d, k) for d, n in self.slots.items() for k in range(n)]
        speeds = {p.drones[s.drone].speed_mps for s in self.vehicles}
        self.travel = {speed: self._travel_matrix(speed) for speed in speeds}

    def _sortie_slots(self, d: int) -> int:
        drone = self.inst.p.drones[d]
        mine = [o for o in self.orders if d in self.inst.allowed[o]]
        if not mine:
            return 0
        shortest = min(self.inst.round_trip(self.inst.p.orders[o], drone) for o in mine)
        cycle = shortest + self.inst.turnaround(drone)
        fit = (self.inst.horizon + cycle) // cycle if cycle > 0 else len(mine)
        return min(self.inst.p.max_sorties_per_drone, len(mine), fit)

    def _travel_matrix(self, speed: float) -> list[list[int]]:
        """Flight ticks between nodes, ``horizon + 1`` (never feasible) where there is no route."""
        points = np.asarray(self.points)
        seconds = self.inst.legs[np.ix_(points, points)] / speed
        with np.errstate(invalid="ignore"):
            ticks = np.ceil(seconds * TICKS_PER_S - _EPS)
        cap = self.inst.horizon + 1
        ticks = np.where(np.isfinite(ticks), np.minimum(ticks, cap), cap).astype(np.int64)
        np.fill_diagonal(ticks, 0)
        result: list[list[int]] = ticks.tolist()
        return result

    def solve(
        self, time_limit_s: float, progress: Callable[[float], None] | None
    ) -> tuple[list[Sortie], list[int]]:
        """The sorties flown and the positions of the orders left out."""
        began = time.monotonic()
        p = self.inst.p
        starts = [self.depot_node[p.drones[s.drone].depot_id] for s in self.vehicles]
        manager = pywrapcp.RoutingIndexManager(len(self.points), len(self.vehicles), starts, starts)
        routing = pywrapcp.RoutingModel(manager)
        time_dim = self._add_dimensions(routing)
        self._add_orders(routing, manager, time_dim)
        self._chain_sorties(routing, time_dim)
        if progress is not None:
            routing.AddAtSolutionCallback(
                lambda: progress(min(1.0, (time.monotonic() - began) / time_limit_s))
            )
        params = pywrapcp.DefaultRoutingSearchParameters()
        params.first_solution_strategy = (
            routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
        )
        params.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        # Trading an unserved order for a served one of the same priority can pay off anywhere.
        params.local_search_operators.use_extended_swap_active = optional_boolean_pb2.BOOL_TRUE
        params.time_limit.FromNanoseconds(int(time_limit_s * 1e9))
        routing.CloseModelWithParameters(params)
        first = None
        if len(self.vehicles) > len({s.drone for s in self.vehicles}):
            # The solver's insertion heuristics cannot see the chaining of sorties: start from ours.
            first = routing.ReadAssignmentFromRoutes(self._greedy_routes(manager), True)
        remaining = max(0.01, time_limit_s - (time.monotonic() - began))
        params.time_limit.FromNanoseconds(int(remaining * 1e9))
        if first is None:
            solution = routing.SolveWithParameters(params)
        else:
            solution = routing.SolveFromAssignmentWithParameters(first, params)
        if solution is None:
            return [], list(self.orders)
        return self._extract(routing, manager, time_dim, solution)

    def _add_dimensions(self, routing: pywrapcp.RoutingModel) -> pywrapcp.RoutingDimension:
        p, horizon = self.inst.p, self.inst.horizon
        flight, busy = {}, {}
        for speed, travel in self.travel.items():
            flight[speed] = routing.RegisterTransitMatrix(travel)
            busy[speed] = routing.RegisterTransitMatrix(
                [
                    [min(t + s, horizon + 1) for t in row]
                    for row, s in zip(travel, self.service, strict=True)
                ]
            )
        drones = [p.drones[s.drone] for s in self.vehicles]
        routing.AddDimensionWithVehicleTransitAndCapacity(
            [busy[d.speed_mps] for d in drones], horizon, [horizon] * len(drones), False, "time"
        )
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector(self.grams),
            0,
            [_grams_down(d.capacity_kg) for d in drones],
            True,
            "load",
        )
        # Look-alike vehicles are tried one per look-alike group when empty; distinct capacities
        # in a dimension that counts nothing keep every sortie slot in view.
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector([0] * len(self.points)),
            0,
            list(range(len(drones))),
            True,
            "slot",
        )
        time_dim = routing.GetDimensionOrDie("time")
        drone_cost = ticks_up(p.drone_cost_s)
        for v, (slot, drone) in enumerate(zip(self.vehicles, drones, strict=True)):
            routing.SetArcCostEvaluatorOfVehicle(flight[drone.speed_mps], v)
            time_dim.SetSpanUpperBoundForVehicle(self.inst.airborne_limit(drone), v)
            if slot.sortie == 0:
                routing.SetFixedCostOfVehicle(drone_cost, v)
        return time_dim

    def _add_orders(
        self,
        routing: pywrapcp.RoutingModel,
        manager: pywrapcp.RoutingIndexManager,
        time_dim: pywrapcp.RoutingDimension,
    ) -> None:
        p = self.inst.p
        penalty = self._penalties()
        for k, o in enumerate(self.orders):
            node = self.first_order + k
            index = manager.NodeToIndex(node)
            routing.AddDisjunction([index], penalty[p.orders[o].priority])
            time_dim.CumulVar(index).SetRange(*self.windows[node])
            allowed = set(self.inst.allowed[o])
            vehicles = [v for v, s in enumerate(self.vehicles) if s.drone in allowed]
            # SetAllowedVehiclesForIndex takes an absl::Span that the 9.15 wheel cannot convert.
            routing.VehicleVar(index).SetValues([-1, *vehicles])

    def _penalties(self) -> dict[int, int]:
        """Drop penalty per priority: each level outweighs all lower ones and any flight cost."""
        p, n = self.inst.p, len(self.orders)
        base = 2 * n * self.inst.horizon + len(p.drones) * ticks_up(p.drone_cost_s) + 1
        levels = sorted({p.orders[o].priority for o in self.orders})
        factor, limit = n + 1, 2**62 // (n + 1)
        while factor > 2 and base * factor ** (len(levels) - 1) > limit:
            factor -= 1
        return {level: base * factor**rank for rank, level in enumerate(levels)}

    def _chain_sorties(
        self, routing: pywrapcp.RoutingModel, time_dim: pywrapcp.RoutingDimension
    ) -> None:
        """A drone's slots fly as a prefix, in order, a turnaround apart."""
        solver = routing.solver()
        for v in range(1, len(self.vehicles)):
            slot = self.vehicles[v]
            if slot.sortie == 0:
                continue
            turnaround = self.inst.turnaround(self.inst.p.drones[slot.drone])
            active = routing.ActiveVehicleVar(v)
            solver.Add(active <= routing.ActiveVehicleVar(v - 1))
            solver.Add(
                time_dim.CumulVar(routing.End(v - 1)) + active * turnaround
                <= time_dim.CumulVar(routing.Start(v))
            )

    def _greedy_routes(self, manager: pywrapcp.RoutingIndexManager) -> list[list[int]]:
        """A first solution: cheapest feasible insertion, highest priority and most urgent first."""
        plans: dict[int, list[list[int]]] = {d: [] for d in self.slots}
        p = self.inst.p
        urgency = sorted(
            range(len(self.orders)),
            key=lambda k: (-p.orders[self.orders[k]].priority, self.windows[self.first_order + k]),
        )
        for k in urgency:
            node = self.first_order + k
            options = sorted(
                (cost, d, trial)
                for d in self.inst.allowed[self.orders[k]]
                for cost, trial in self._insertions(d, plans[d], node)
            )
            for _, d, trial in options:
                if self._feasible(d, trial):
                    plans[d] = trial
                    break
        return [
            [manager.NodeToIndex(n) for n in plans[s.drone][s.sortie]]
            if s.sortie < len(plans[s.drone])
            else []
            for s in self.vehicles
        ]

    def _insertions(
        self, d: int, sorties: list[list[int]], node: int
    ) -> Iterator[tuple[int, list[list[int]]]]:
        """Every way to add ``node`` to drone d's sorties, with its cost (maybe infeasible)."""
        drone = self.inst.p.drones[d]
        travel = self.travel[drone.speed_mps]
        depot = self.depot_node[drone.depot_id]
        for s, stops in enumerate(sorties):
            path = [depot, *stops, depot]
            for i, (a, b) in enumerate(pairwise(path)):
                cost = travel[a][node] + travel[node][b] - travel[a][b]
                yield cost, [*sorties[:s], [*stops[:i], node, *stops[i:]], *sorties[s + 1 :]]
        if len(sorties) < self.slots[d]:
            cost = travel[depot][node] + travel[node][depot]
            if not sorties:
                cost += ticks_up(self.inst.p.drone_cost_s)
            for s in range(len(sorties) + 1):
                yield cost, [*sorties[:s], [node], *sorties[s:]]

    def _feasible(self, d: int, sorties: list[list[int]]) -> bool:
        """Whether drone d can fly these sorties, in this order, a turnaround apart."""
        drone = self.inst.p.drones[d]
        travel = self.travel[drone.speed_mps]
        depot = self.depot_node[drone.depot_id]
        capacity, limit = _grams_down(drone.capacity_kg), self.inst.airborne_limit(drone)
        ready = 0
        for stops in sorties:
            if sum(self.grams[n] for n in stops) > capacity:
                return False
            t = take_off_late(
                ready,
                [travel[a][b] for a, b in pairwise([depot, *stops, depot])],
                [self.windows[n] for n in stops],
                [self.service[n] for n in stops],
            )
            late = any(a > self.windows[n][1] for a, n in zip(t.arrivals, stops, strict=True))
            if late or t.end > self.inst.horizon or t.end - t.start > limit:
                return False
            ready = int(t.end) + self.inst.turnaround(drone)
        return True

    def _extract(
        self,
        routing: pywrapcp.RoutingModel,
        manager: pywrapcp.RoutingIndexManager,
        time_dim: pywrapcp.RoutingDimension,
        solution: pywrapcp.Assignment,
    ) -> tuple[list[Sortie], list[int]]:
        sorties, served = [], set()
        for v, slot in enumerate(self.vehicles):
            index = solution.Value(routing.NextVar(routing.Start(v)))
            stops = []
            while not routing.IsEnd(index):
                stops.append(self.orders[manager.IndexToNode(index) - self.first_order])
                index = solution.Value(routing.NextVar(index))
            if stops:
                took_off = solution.Min(time_dim.CumulVar(routing.Start(v)))
                sorties.append(self._sortie(slot.drone, stops, took_off))
                served.update(stops)
        return sorties, [o for o in self.orders if o not in served]

    def _sortie(self, d: int, stops: list[int], took_off: int) -> Sortie:
        """The sortie in exact seconds, no earlier than the solver's take-off."""
        p = self.inst.p
        drone = p.drones[d]
        orders = [p.orders[o] for o in stops]
        depot = self.inst.depot_point[drone.depot_id]
        points = [depot, *(o.dropoff_index for o in orders), depot]
        legs = [float(self.inst.legs[a, b]) / drone.speed_mps for a, b in pairwise(points)]
        t = take_off_late(
            p.horizon_start_s + took_off / TICKS_PER_S,
            legs,
            [(o.earliest_s, o.latest_s) for o in orders],
            [o.service_s for o in orders],
        )
        return Sortie(
            drone_id=drone.drone_id,
            depot_id=drone.depot_id,
            start_s=t.start,
            end_s=t.end,
            stops=tuple(
                Stop(o.order_id, a, a + o.service_s)
                for o, a in zip(orders, t.arrivals, strict=True)
            ),
            load_kg=math.fsum(o.weight_kg for o in orders),
            flight_s=math.fsum(legs),
        )


def _grams_up(kg: float) -> int:
    return math.ceil(kg * GRAMS_PER_KG - _EPS)


def _grams_down(kg: float) -> int:
    """Capacity in grams, at most 2**40 (a billion tonnes) to stay far inside int64."""
    return min(2**40, math.floor(kg * GRAMS_PER_KG + _EPS))
