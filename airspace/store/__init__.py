"""Where the airspace lives: zones, plans, reservations.

``Store`` is the one interface; ``MemoryStore`` is the embedded default. A store makes each
submission atomic: it looks up the plans that hold any of the new plan's index keys, lets the
pure ``decide`` function judge them, and applies the outcome (book the plan, preempt others,
remember the request id) as one step, so that two racing submissions can never both book
conflicting space. A networked store may call ``decide`` more than once (optimistic retries);
``decide`` has no side effects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from airspace.grid import Key
from airspace.model import FlightPlan, Geozone, PlanState, SubmissionOutcome


@dataclass(frozen=True, slots=True)
class Submission:
    """A plan to book, with what makes the booking idempotent."""

    operator_id: str
    request_id: str
    plan: FlightPlan
    """The plan with its id assigned, in state ACCEPTED."""
    keys: frozenset[Key]
    """The index keys the plan reserves when accepted."""


Decide = Callable[[Sequence[FlightPlan]], SubmissionOutcome]
"""Judges a submission against the plans holding its keys; returns the outcome to store."""


class Store(Protocol):
    # -- geozones ----------------------------------------------------------------------------
    async def list_zones(self) -> list[Geozone]:
        """All zones, ordered by id."""
        ...

    async def get_zone(self, zone_id: str) -> Geozone | None: ...

    async def put_zones(self, zones: Sequence[Geozone], *, create_only: bool = False) -> None:
        """Create or replace all the zones at once. With ``create_only``, raise
        ``AlreadyExists`` and store nothing when any id is taken."""
        ...

    async def delete_zone(self, zone_id: str) -> bool:
        """Whether a zone was deleted."""
        ...

    # -- flight plans ------------------------------------------------------------------------
    async def get_plan(self, plan_id: str) -> FlightPlan | None: ...

    async def list_plans(
        self,
        *,
        operator_id: str | None,
        states: frozenset[PlanState],
        after_id: str,
        limit: int,
    ) -> list[FlightPlan]:
        """Plans ordered by id, with ids greater than ``after_id``; all operators when
        ``operator_id`` is None, all states when ``states`` is empty."""
        ...

    async def plans_holding(self, keys: Iterable[Key]) -> list[FlightPlan]:
        """The plans holding airspace that reserve any of ``keys``."""
        ...

    async def find_submission(self, operator_id: str, request_id: str) -> SubmissionOutcome | None:
        """The stored outcome of an earlier submission with this request id."""
        ...

    async def submit(self, submission: Submission, decide: Decide) -> SubmissionOutcome:
        """Atomically judge and store a submission (see the module docstring). When the request
        id was seen before, return the stored outcome and change nothing."""
        ...

    async def transition(
        self,
        plan_id: str,
        allowed_from: frozenset[PlanState],
        to: PlanState,
        reason: str,
        time_s: float,
    ) -> FlightPlan:
        """Move a plan to ``to`` if it is in one of ``allowed_from`` (else ``FailedPrecondition``;
        ``NotFound`` if there is no such plan), releasing its reservation when ``to`` does not
        hold airspace."""
        ...

    async def close(self) -> None: ...


async def all_plans(store: Store, states: frozenset[PlanState]) -> list[FlightPlan]:
    """Every plan in ``states``, of all operators, read page by page."""
    plans: list[FlightPlan] = []
    after = ""
    while batch := await store.list_plans(
        operator_id=None, states=states, after_id=after, limit=1000
    ):
        plans.extend(batch)
        after = batch[-1].flight_plan_id
    return plans
