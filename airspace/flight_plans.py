"""The flight plan book: submit, read and move plans through their lifecycle.

Use cases only: authorisation, validation, deconfliction and the store's atomic booking. No
gRPC here; the servicer translates messages and errors at the edge.
"""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from airspace.clock import Clock
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor, Verdict
from airspace.errors import (
    FailedPrecondition,
    NotFound,
    ResourceExhausted,
    invalid,
)
from airspace.events import EventBus, PlanChanged
from airspace.model import (
    AIRBORNE_STATES,
    FlightPlan,
    Identity,
    PlanState,
    Shape,
    SubmissionOutcome,
    SuggestedAlternative,
)
from airspace.paging import Page, decode_token, encode_token, page_limit
from airspace.store import Store, Submission
from airspace.validation import validate_plan
from airspace.zones import ZoneChecker, ZoneFindings

MAX_REQUEST_ID_LENGTH = 128

Suggest = Callable[[FlightPlan, float], Awaitable[SuggestedAlternative | None]]
"""Finds a conflict-free variant of a plan rejected for conflicts (given the time now)."""


class FlightPlanBook:
    def __init__(
        self,
        store: Store,
        deconflictor: Deconflictor,
        zones: ZoneChecker,
        clock: Clock,
        bus: EventBus | None = None,
        suggest: Suggest | None = None,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        max_open_plans: int | None = None,
    ) -> None:
        """``max_open_plans``: how many plans one operator may hold airspace with at once."""
        self._store = store
        self._deconflictor = deconflictor
        self._zones = zones
        self._clock = clock
        self._bus = bus or EventBus()
        self._suggest = suggest
        self._new_id = new_id
        self._max_open_plans = max_open_plans

    @property
    def config(self) -> AirspaceConfig:
        return self._deconflictor.config

    # -- submission --------------------------------------------------------------------------
    async def submit(
        self, identity: Identity, request_id: str, draft: FlightPlan
    ) -> SubmissionOutcome:
        """Book the plan if it is conflict-free and allowed by every zone; else reject it with
        every reason. A retry with the same request id returns the first outcome (with a
        suggested alternative found anew: it is advice about the airspace as it is now)."""
        if not request_id or len(request_id) > MAX_REQUEST_ID_LENGTH:
            raise invalid("request_id", f"is required, at most {MAX_REQUEST_ID_LENGTH} characters")
        fingerprint = _fingerprint(draft)
        seen = await self._store.find_submission(identity.subject_id, request_id)
        if seen is not None:
            return await self._advised(_replay(seen, fingerprint), self._clock.now())
        await self._check_quota(identity)
        now_s = self._clock.now()
        plan = replace(
            draft,
            flight_plan_id=self._new_id(),
            operator_id=identity.subject_id,
            state=PlanState.ACCEPTED,
            state_reason="",
            create_time_s=now_s,
            update_time_s=now_s,
        )
        validate_plan(plan, self._deconflictor, now_s)
        findings = self._zones.check(plan, await self._store.list_zones())
        keys = self._deconflictor.reservation_keys(plan)

        def decide(candidates: Sequence[FlightPlan]) -> SubmissionOutcome:
            verdict = self._deconflictor.decide(plan, candidates)
            if verdict.accepted and not findings.violations:
                return SubmissionOutcome(
                    plan=plan,
                    advisories=findings.advisories,
                    preempted_plan_ids=tuple(c.flight_plan_id for c in verdict.preempted),
                    request_fingerprint=fingerprint,
                )
            return SubmissionOutcome(
                plan=plan.with_state(
                    PlanState.REJECTED, _rejection_reason(verdict, findings), now_s
                ),
                conflicts=verdict.conflicts,
                geozone_violations=findings.violations,
                advisories=findings.advisories,
                request_fingerprint=fingerprint,
            )

        outcome = await self._store.submit(
            Submission(identity.subject_id, request_id, plan, keys), decide
        )
        if outcome.accepted and outcome.plan.flight_plan_id == plan.flight_plan_id:
            self._bus.publish(PlanChanged(now_s, outcome.plan))
            await self._announce(*outcome.preempted_plan_ids)
        return await self._advised(outcome, now_s)

    async def _advised(self, outcome: SubmissionOutcome, now_s: float) -> SubmissionOutcome:
        """The outcome with a suggested alternative when conflicts alone refused it."""
        if not outcome.conflicts or outcome.geozone_violations or self._suggest is None:
            return outcome
        alternative = await self._suggest(outcome.plan, now_s)
        return outcome if alternative is None else replace(outcome, alternative=alternative)

    async def _check_quota(self, identity: Identity) -> None:
        limit = self._max_open_plans
        if limit is not None and await self._store.holding_count(identity.subject_id) >= limit:
            raise ResourceExhausted(
                f"{identity.subject_id} already holds airspace with {limit} plans, the most "
                "allowed; cancel or end some first",
                reason="TOO_MANY_PLANS",
            )

    async def _announce(self, *plan_ids: str) -> None:
        """Tell watchers about plans that changed state."""
        now_s = self._clock.now()
        for plan_id in plan_ids:
            plan = await self._store.get_plan(plan_id)
            if plan is not None:
                self._bus.publish(PlanChanged(now_s, plan))

    # -- reading -----------------------------------------------------------------------------
    async def get(self, identity: Identity, plan_id: str) -> FlightPlan:
        plan = await self._store.get_plan(plan_id)
        if plan is None or not _visible(identity, plan):
            # Another operator's plan is answered as if it did not exist: no clue that it does.
            raise NotFound(f"flight plan {plan_id!r} does not exist")
        return plan

    async def list_page(
        self,
        identity: Identity,
        *,
        states: frozenset[PlanState],
        area: Shape | None,
        page_size: int,
        page_token: str,
    ) -> Page[FlightPlan]:
        """Plans the caller may see, ordered by id, one page at a time."""
        limit = page_limit(page_size)
        after = decode_token(page_token, "page_token")
        owner = None if identity.is_regulator else identity.subject_id
        query = None
        if area is not None:
            query = self._zones.area_footprint(area)
        found: list[FlightPlan] = []
        while len(found) <= limit:
            batch = await self._store.list_plans(
                operator_id=owner, states=states, after_id=after, limit=limit + 1
            )
            if not batch:
                break
            after = batch[-1].flight_plan_id
            found.extend(p for p in batch if query is None or self._zones.plan_touches(p, query))
        items = found[:limit]
        more = len(found) > limit
        return Page(items, encode_token(items[-1].flight_plan_id) if more and items else "")

    # -- lifecycle ---------------------------------------------------------------------------
    async def cancel(self, identity: Identity, plan_id: str) -> FlightPlan:
        await self.get(identity, plan_id)
        return self._published(
            await self._store.transition(
                plan_id, frozenset({PlanState.ACCEPTED}), PlanState.CANCELLED, "", self._clock.now()
            )
        )

    async def activate(self, identity: Identity, plan_id: str) -> FlightPlan:
        plan = await self.get(identity, plan_id)
        now_s = self._clock.now()
        window = plan.time_window
        if now_s < window.start_s - self.config.activation_lead_s:
            raise FailedPrecondition(
                f"flight plan {plan_id} starts in {window.start_s - now_s:.0f} s; it can be "
                f"activated at most {self.config.activation_lead_s:.0f} s before its start",
                reason="TOO_EARLY_TO_ACTIVATE",
            )
        if now_s > window.end_s:
            raise FailedPrecondition(
                f"flight plan {plan_id} is already over", reason="PLAN_IS_OVER"
            )
        return self._published(
            await self._store.transition(
                plan_id, frozenset({PlanState.ACCEPTED}), PlanState.ACTIVATED, "", now_s
            )
        )

    async def end(self, identity: Identity, plan_id: str) -> FlightPlan:
        await self.get(identity, plan_id)
        return self._published(
            await self._store.transition(
                plan_id, AIRBORNE_STATES, PlanState.ENDED, "", self._clock.now()
            )
        )

    def _published(self, plan: FlightPlan) -> FlightPlan:
        self._bus.publish(PlanChanged(self._clock.now(), plan))
        return plan


def _visible(identity: Identity, plan: FlightPlan) -> bool:
    """Regulators see every plan; operators their own."""
    return identity.is_regulator or plan.operator_id == identity.subject_id


def _fingerprint(draft: FlightPlan) -> str:
    """A digest of what the client sent: the fields a client sets, numbers packed as doubles."""
    v, t = draft.vehicle, draft.tolerance
    numbers = [
        float(len(draft.waypoints)),
        v.cruise_speed_mps,
        v.max_speed_mps,
        v.climb_rate_mps,
        v.descent_rate_mps,
        v.endurance_s,
        float(draft.priority),
        t.horizontal_m,
        t.vertical_m,
    ]
    for w in draft.waypoints:
        numbers += (w.position.lat, w.position.lon, w.altitude_m, w.time_s)
    digest = hashlib.sha256(struct.pack(f"<{len(numbers)}d", *numbers))
    for text in (v.registration_id, repr(draft.volumes)):
        encoded = text.encode()
        digest.update(len(encoded).to_bytes(8, "little") + encoded)
    return digest.hexdigest()


def _replay(seen: SubmissionOutcome, fingerprint: str) -> SubmissionOutcome:
    if seen.request_fingerprint != fingerprint:
        raise invalid(
            "request_id",
            f"was already used for a different flight plan ({seen.plan.flight_plan_id}); "
            "use a new request id for a new plan",
        )
    return seen


def _rejection_reason(verdict: Verdict, findings: ZoneFindings) -> str:
    parts = []
    if verdict.conflicts:
        parts.append(f"conflicts with {len(verdict.conflicts)} plan(s)")
    if findings.violations:
        parts.append(f"enters {len(findings.violations)} forbidden geozone(s)")
    return "; ".join(parts)
