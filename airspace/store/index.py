"""Which plans hold which index keys: the lookup behind ``Store.plans_holding``.

The embedded store keeps its reservations here; the Redis store keeps a replica-local copy
here, fed by the shared change log.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from airspace.grid import Column, Key, ReservedKeys, layer_masks
from airspace.model import FlightPlan


class ReservationIndex:
    """Plans holding airspace, findable by the keys they reserve.

    Looked up by column: each (cell, bucket) maps the plans holding it to a bit mask of the
    layers they hold there. A plan has a few columns but many keys (one per layer), and a
    holder set for each of a city's hundreds of thousands of keys would cost memory, time to
    book and release, and time for Python's garbage collector to walk. (Each plan's own keys
    are kept as given, by column too, for ``keys_of``.)
    """

    def __init__(self) -> None:
        self.plans: dict[str, FlightPlan] = {}
        self._keys_of: dict[str, ReservedKeys] = {}
        self._columns: dict[Column, dict[str, int]] = {}
        """(cell, bucket) → {plan id: the layers it holds there, as a mask}."""
        self._held_by: Counter[str] = Counter()

    def holding(self, keys: Iterable[Key], *, any_layer: bool = False) -> list[FlightPlan]:
        """The plans reserving any of ``keys`` (with ``any_layer``, any key of the same cell and
        bucket, whatever its layer), ordered by id."""
        ids: set[str] = set()
        columns = self._columns
        if any_layer:
            for column in layer_masks(keys):
                found = columns.get(column)
                if found:
                    ids.update(found)
        else:
            for column, mask in layer_masks(keys).items():
                found = columns.get(column)
                if found:
                    ids.update(i for i, held in found.items() if held & mask)
        return [self.plans[i] for i in sorted(ids)]

    def put(self, plan: FlightPlan, keys: ReservedKeys) -> None:
        """Reserve ``keys`` for the plan (replacing what it reserved before)."""
        plan_id = plan.flight_plan_id
        before = self._keys_of.get(plan_id)
        if before is not keys and before != keys:
            self.release(plan_id)
            self._keys_of[plan_id] = keys
            columns = self._columns
            for column, mask in keys.masks.items():
                holders = columns.get(column)
                if holders is None:
                    columns[column] = {plan_id: mask}
                else:
                    holders[plan_id] = mask
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
        columns = self._columns
        for column in self._keys_of.pop(plan_id, ReservedKeys()).masks:
            holders = columns[column]
            del holders[plan_id]
            if not holders:
                del columns[column]

    def count_of(self, operator_id: str) -> int:
        """How many plans of the operator hold airspace."""
        return self._held_by[operator_id]

    def keys_of(self, plan_id: str) -> ReservedKeys:
        return self._keys_of.get(plan_id) or ReservedKeys()

    def clear(self) -> None:
        self.plans.clear()
        self._keys_of.clear()
        self._columns.clear()
        self._held_by.clear()
