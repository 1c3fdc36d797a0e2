"""Where the airspace lives: zones, plans, reservations.

``Store`` is the one interface; ``MemoryStore`` is the embedded default. A store makes each
submission atomic: it looks up the plans that hold any of the new plan's index keys, lets the
pure ``decide`` function judge them, and applies the outcome (book the plan, preempt others,
remember the request id) as one step, so that two racing submissions can never both book
conflicting space. A networked store may call ``decide`` more than once (optimistic retries);
``decide`` has no side effects.

A store shared by several replicas also carries what one replica must tell the others: plan
and zone changes made elsewhere, and the vehicle states each replica takes in (``follow``
and ``share_states``). The embedded store has no one to tell.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from airspace.grid import Key, ReservedKeys
from airspace.model import FlightPlan, Geozone, PlanState, SubmissionOutcome
from airspace.telemetry import VehicleState


@dataclass(frozen=True, slots=True)
class Submission:
    """A plan to book, with what makes the booking idempotent."""

    operator_id: str
    request_id: str
    plan: FlightPlan
    """The plan with its id assigned, in state ACCEPTED."""
    keys: ReservedKeys
    """The index keys the plan reserves when accepted."""


Decide = Callable[[Sequence[FlightPlan]], SubmissionOutcome]
"""Judges a submission against the plans holding its keys; returns the outcome to store."""

KeysOf = Callable[[FlightPlan], ReservedKeys]
"""The index keys a plan reserves (a store that rebuilds its index asks for them)."""


@dataclass(frozen=True, slots=True)
class RemoteChange:
    """What another replica changed or took in."""

    plans: tuple[FlightPlan, ...] = ()
    zones: tuple[Geozone, ...] = ()
    deleted_zone_ids: tuple[str, ...] = ()
    states: tuple[tuple[str, VehicleState], ...] = ()
    """(operator id, state) pairs another replica accepted."""


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

    async def get_plans(self, plan_ids: Iterable[str]) -> dict[str, FlightPlan]:
        """The plans that exist among ``plan_ids``, by id."""
        ...

    async def holding_plans(self) -> list[FlightPlan]:
        """Every plan holding airspace (accepted or airborne), of all operators."""
        ...

    async def holding_count(self, operator_id: str) -> int:
        """How many plans of the operator hold airspace (accepted or airborne)."""
        ...

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

    async def plans_holding(
        self, keys: Iterable[Key], *, any_layer: bool = False
    ) -> list[FlightPlan]:
        """The plans holding airspace that reserve any of ``keys``; with ``any_layer``, that
        reserve the cell and bucket of any of them at any altitude layer."""
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

    async def follow(self, on_change: Callable[[RemoteChange], None]) -> None:
        """Call ``on_change`` with each change other replicas make, until cancelled."""
        ...

    async def share_states(self, operator_id: str, states: Sequence[VehicleState]) -> None:
        """Hand states this replica accepted to the other replicas."""
        ...

    async def close(self) -> None: ...
