"""Which plans hold which index keys: the lookup behind ``Store.plans_holding``.

The embedded store keeps its reservations here; the Redis store keeps a replica-local copy
here, fed by the shared change log.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from airspace.grid import Key
from airspace.model import FlightPlan


class ReservationIndex:
    """Plans holding airspace, findable by the keys they reserve."""

    def __init__(self) -> None:
        self.plans: dict[str, FlightPlan] = {}
        self._keys_of: dict[str, frozenset[Key]] = {}
        self._holders: defaultdict[Key, set[str]] = defaultdict(set)
        self._columns: defaultdict[tuple[int, int], set[str]] = defaultdict(set)
        """(cell, bucket) → the plans holding it at any layer."""
        self._held_by: Counter[str] = Counter()

    def holding(self, keys: Iterable[Key], *, any_layer: bool = False) -> list[FlightPlan]:
        """The plans reserving any of ``keys`` (with ``any_layer``, any key of the same cell and
        bucket, whatever its layer), ordered by id."""
        ids: set[str] = set()
        if any_layer:
            columns = self._columns
            for cell, _, bucket in keys:
                found = columns.get((cell, bucket))
                if found:
                    ids |= found
        else:
            holders = self._holders
            for key in keys:
                found = holders.get(key)
                if found:
                    ids |= found
        return [self.plans[i] for i in sorted(ids)]

    def put(self, plan: FlightPlan, keys: frozenset[Key]) -> None:
        """Reserve ``keys`` for the plan (replacing what it reserved before)."""
        plan_id = plan.flight_plan_id
        if self._keys_of.get(plan_id) != keys:
            self.release(plan_id)
            self._keys_of[plan_id] = keys
            for key in keys:
                self._holders[key].add(plan_id)
                self._columns[key[0], key[2]].add(plan_id)
        if plan_id not in self.plans:
            self._held_by[plan.operator_id] += 1
        self.plans[plan_id] = plan

    def release(self, plan_id: str) -> None:
        """Forget the plan and free its keys."""
        plan = self.plans.pop(plan_id, None)
        if plan is not None:
            self._held_by[plan.operator_id] -= 1
            if not self._held_by[plan.operator_id]:
                del self._held_by[plan.operator_id]
        for key in self._keys_of.pop(plan_id, ()):
            holders = self._holders[key]
            holders.discard(plan_id)
            if not holders:
                del self._holders[key]
            column = self._columns.get((key[0], key[2]))
            if column is not None:
                column.discard(plan_id)
                if not column:
                    del self._columns[key[0], key[2]]

    def count_of(self, operator_id: str) -> int:
        """How many plans of the operator hold airspace."""
        return self._held_by[operator_id]

    def keys_of(self, plan_id: str) -> frozenset[Key]:
        return self._keys_of.get(plan_id, frozenset())

    def clear(self) -> None:
        self.plans.clear()
        self._keys_of.clear()
        self._holders.clear()
        self._columns.clear()
        self._held_by.clear()
