"""Which plans hold which index keys: the lookup behind ``Store.plans_holding``.

The embedded store keeps its reservations here; the Redis store keeps a replica-local copy
here, fed by the shared change log.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TypeVar

from airspace.grid import Key
from airspace.model import FlightPlan

T = TypeVar("T")


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
            holders, columns = self._holders, self._columns
            for key in keys:
                holders[key].add(plan_id)
            for column in _columns_of(keys):
                columns[column].add(plan_id)
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
        keys = self._keys_of.pop(plan_id, frozenset())
        _forget(self._holders, keys, plan_id)
        _forget(self._columns, _columns_of(keys), plan_id)

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


def _columns_of(keys: frozenset[Key]) -> set[tuple[int, int]]:
    """The (cell, bucket) pairs of the keys."""
    return {(cell, bucket) for cell, _, bucket in keys}


def _forget(table: dict[T, set[str]], entries: Iterable[T], plan_id: str) -> None:
    """Take the plan out of the entries' sets, dropping the sets it leaves empty."""
    for entry in entries:
        holding = table[entry]
        holding.discard(plan_id)
        if not holding:
            del table[entry]
