"""The embedded store: everything in process memory, guarded by one asyncio lock."""

from __future__ import annotations

import asyncio
from bisect import bisect_right, insort
from collections.abc import Callable, Iterable, Sequence

from airspace.errors import AlreadyExists, FailedPrecondition, NotFound
from airspace.grid import Key, ReservedKeys
from airspace.model import FlightPlan, Geozone, PlanState, SubmissionOutcome
from airspace.store import Decide, RemoteChange, Submission
from airspace.store.index import ReservationIndex
from airspace.telemetry import VehicleState


class MemoryStore:
    """A ``Store`` in one process: fast, and gone when the process ends."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._zones: dict[str, Geozone] = {}
        self._plans: dict[str, FlightPlan] = {}
        self._plan_ids: list[str] = []
        self._reservations = ReservationIndex()
        self._submissions: dict[tuple[str, str], SubmissionOutcome] = {}

    # -- geozones ----------------------------------------------------------------------------
    async def list_zones(self) -> list[Geozone]:
        return [self._zones[k] for k in sorted(self._zones)]

    async def get_zone(self, zone_id: str) -> Geozone | None:
        return self._zones.get(zone_id)

    async def put_zones(self, zones: Sequence[Geozone], *, create_only: bool = False) -> None:
        async with self._lock:
            if create_only:
                taken = sorted(z.geozone_id for z in zones if z.geozone_id in self._zones)
                if taken:
                    raise AlreadyExists(f"geozone {', '.join(taken)} already exists")
            self._zones.update((z.geozone_id, z) for z in zones)

    async def delete_zone(self, zone_id: str) -> bool:
        async with self._lock:
            return self._zones.pop(zone_id, None) is not None

    # -- flight plans ------------------------------------------------------------------------
    async def get_plan(self, plan_id: str) -> FlightPlan | None:
        return self._plans.get(plan_id)

    async def get_plans(self, plan_ids: Iterable[str]) -> dict[str, FlightPlan]:
        plans = self._plans
        return {i: plans[i] for i in plan_ids if i in plans}

    async def holding_plans(self) -> list[FlightPlan]:
        return list(self._reservations.plans.values())

    async def holding_count(self, operator_id: str) -> int:
        return self._reservations.count_of(operator_id)

    async def list_plans(
        self,
        *,
        operator_id: str | None,
        states: frozenset[PlanState],
        after_id: str,
        limit: int,
    ) -> list[FlightPlan]:
        out: list[FlightPlan] = []
        for plan_id in self._plan_ids[bisect_right(self._plan_ids, after_id) :]:
            plan = self._plans[plan_id]
            if operator_id is not None and plan.operator_id != operator_id:
                continue
            if states and plan.state not in states:
                continue
            out.append(plan)
            if len(out) >= limit:
                break
        return out

    async def plans_holding(
        self, keys: Iterable[Key], *, any_layer: bool = False
    ) -> list[FlightPlan]:
        return self._reservations.holding(keys, any_layer=any_layer)

    async def find_submission(self, operator_id: str, request_id: str) -> SubmissionOutcome | None:
        return self._submissions.get((operator_id, request_id))

    async def submit(self, submission: Submission, decide: Decide) -> SubmissionOutcome:
        async with self._lock:
            seen = self._submissions.get((submission.operator_id, submission.request_id))
            if seen is not None:
                return seen
            candidates = self._reservations.holding(submission.keys)
            outcome = decide(candidates)
            plan = outcome.plan
            for preempted_id in outcome.preempted_plan_ids:
                victim = self._plans[preempted_id]
                reason = f"preempted by higher-priority plan {plan.flight_plan_id}"
                self._set(victim.with_state(PlanState.PREEMPTED, reason, plan.create_time_s))
            self._set(plan, submission.keys if outcome.accepted else None)
            self._submissions[(submission.operator_id, submission.request_id)] = outcome
            return outcome

    async def transition(
        self,
        plan_id: str,
        allowed_from: frozenset[PlanState],
        to: PlanState,
        reason: str,
        time_s: float,
    ) -> FlightPlan:
        async with self._lock:
            plan = self._plans.get(plan_id)
            if plan is None:
                raise NotFound(f"flight plan {plan_id!r} does not exist")
            if plan.state not in allowed_from:
                raise FailedPrecondition(
                    f"flight plan {plan_id} is {plan.state.value}; it cannot become {to.value}",
                    reason="STATE_TRANSITION_NOT_ALLOWED",
                )
            updated = plan.with_state(to, reason, time_s)
            self._set(updated)
            return updated

    async def follow(self, on_change: Callable[[RemoteChange], None]) -> None:
        await asyncio.Event().wait()  # one process: no other replica to hear from

    async def share_states(self, operator_id: str, states: Sequence[VehicleState]) -> None:
        return None

    async def close(self) -> None:
        return None

    # -- internals ---------------------------------------------------------------------------
    def _set(self, plan: FlightPlan, keys: ReservedKeys | None = None) -> None:
        """Store a plan; reserve ``keys`` for it, or release its keys when it stops holding."""
        plan_id = plan.flight_plan_id
        if plan_id not in self._plans:
            insort(self._plan_ids, plan_id)
        self._plans[plan_id] = plan
        if not plan.state.holds_airspace:
            self._reservations.release(plan_id)
        elif keys:
            self._reservations.put(plan, keys)
        else:
            self._reservations.put(plan, self._reservations.keys_of(plan_id))
