"""Strategic deconfliction: which accepted plans a new plan conflicts with, and who yields.

The ``Deconflictor`` is pure (no I/O): stores hand it the candidate plans that share index keys
with the new one, and it returns the exact verdict. The planner and the live monitor use the same
footprints and geometry.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from airspace.config import AirspaceConfig
from airspace.footprint import Footprint, plan_footprint
from airspace.geo import Projection
from airspace.grid import ReservationGrid, ReservedKeys
from airspace.model import Conflict, FlightPlan, PlanState
from airspace.separation import Encounter, first_encounter

FOOTPRINT_CACHE_SIZE = 100_000
TOUCH_M = 1e-6
"""Added to a limit where touching counts as entering (geozones, occupancy queries)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of deconflicting one plan against the plans that hold airspace."""

    conflicts: tuple[Conflict, ...]
    """Plans that block this one: the plan is rejected when there is any."""
    preempted: tuple[Conflict, ...]
    """Lower-priority accepted plans this one displaces when accepted."""

    @property
    def accepted(self) -> bool:
        return not self.conflicts


class Deconflictor:
    """Footprints, index keys and exact conflicts for one deployment."""

    def __init__(self, config: AirspaceConfig) -> None:
        self.config = config
        self.projection = Projection(*config.projection_origin)
        self.grid = ReservationGrid(config, self.projection)
        self._footprints: OrderedDict[tuple[object, ...], Footprint] = OrderedDict()
        self._by_object: OrderedDict[int, tuple[FlightPlan, Footprint]] = OrderedDict()

    def footprint(self, plan: FlightPlan) -> Footprint:
        """The plan in metres. Cached twice, least recently used out first: by object identity
        (the same stored plan is judged again and again, and hashing its waypoints costs more
        than a lookup), then by what it is made of (a store that rebuilds plan objects)."""
        same = self._by_object.get(id(plan))
        if same is not None and same[0] is plan:
            self._by_object.move_to_end(id(plan))
            return same[1]
        key = (plan.flight_plan_id, plan.priority, plan.tolerance, plan.waypoints, plan.volumes)
        footprint = self._footprints.get(key)
        if footprint is not None:
            self._footprints.move_to_end(key)
        else:
            footprint = plan_footprint(plan, self.projection)
            self._footprints[key] = footprint
            if len(self._footprints) > FOOTPRINT_CACHE_SIZE:
                self._footprints.popitem(last=False)
        self._by_object[id(plan)] = (plan, footprint)
        if len(self._by_object) > FOOTPRINT_CACHE_SIZE:
            self._by_object.popitem(last=False)
        return footprint

    def reservation_keys(self, plan: FlightPlan) -> ReservedKeys:
        """The index keys the plan reserves: its geometry widened by its tolerance plus half of
        each separation minimum."""
        return self.grid.keys(
            self.footprint(plan),
            self.config.horizontal_separation_m / 2 + plan.tolerance.horizontal_m,
            self.config.vertical_separation_m / 2 + plan.tolerance.vertical_m,
        )

    def encounter(self, plan: FlightPlan, other: FlightPlan) -> Encounter | None:
        """The first moment the two plans are closer than both minima, widened by tolerances."""
        # Tolerances are summed first so that the limit is the same in either order.
        h = self.config.horizontal_separation_m + (
            plan.tolerance.horizontal_m + other.tolerance.horizontal_m
        )
        v = self.config.vertical_separation_m + (
            plan.tolerance.vertical_m + other.tolerance.vertical_m
        )
        return first_encounter(self.footprint(plan), self.footprint(other), h, v)

    def conflicts(self, plan: FlightPlan, others: Iterable[FlightPlan]) -> list[Conflict]:
        """One ``Conflict`` per plan in ``others`` that conflicts with ``plan``, earliest first."""
        found = []
        for other in others:
            if other.flight_plan_id == plan.flight_plan_id:
                continue
            encounter = self.encounter(plan, other)
            if encounter is not None:
                found.append(self._conflict(other, encounter))
        return sorted(found, key=lambda c: (c.time_s, c.flight_plan_id))

    def decide(self, plan: FlightPlan, candidates: Sequence[FlightPlan]) -> Verdict:
        """Accept, reject or preempt: a plan that may preempt displaces conflicting ACCEPTED
        plans of lower priority; every other conflict with a plan holding airspace blocks it."""
        holding = [c for c in candidates if c.state.holds_airspace]
        by_id = {c.flight_plan_id: c for c in holding}
        blocking, preempted = [], []
        for conflict in self.conflicts(plan, holding):
            other = by_id[conflict.flight_plan_id]
            if (
                plan.priority.may_preempt
                and other.priority < plan.priority
                and other.state is PlanState.ACCEPTED
            ):
                preempted.append(conflict)
            else:
                blocking.append(conflict)
        return Verdict(tuple(blocking), tuple(preempted) if not blocking else ())

    def _conflict(self, other: FlightPlan, encounter: Encounter) -> Conflict:
        return Conflict(
            flight_plan_id=other.flight_plan_id,
            priority=other.priority,
            time_s=encounter.time_s,
            position=self.projection.to_latlng(encounter.x, encounter.y),
            altitude_m=encounter.z,
            horizontal_separation_m=encounter.horizontal_m,
            vertical_separation_m=encounter.vertical_m,
        )
