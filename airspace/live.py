"""The live airspace: latest states in, conformance and tactical conflicts out.

``ingest`` takes states from ground stations (latest wins by time, per operator and vehicle).
``cycle`` runs once per ``monitor_period_s``: it moves activated plans between ACTIVATED,
NONCONFORMING and CONTINGENT, detects predicted conflicts and losses of separation among
airborne vehicles with advisories for the vehicle that yields, and publishes everything on the
event bus, with a traffic snapshot last.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from airspace import advisories, tactical
from airspace.clock import Clock
from airspace.config import AirspaceConfig
from airspace.conformance import deviation_m
from airspace.deconfliction import Deconflictor
from airspace.errors import FailedPrecondition
from airspace.events import (
    Advice,
    AlertKind,
    ConflictAlert,
    ConformanceAlert,
    EventBus,
    PlanChanged,
    TrackRecord,
    TrafficSnapshot,
)
from airspace.model import AIRBORNE_STATES, Circle, FlightPlan, Geozone, Identity, LatLng, PlanState
from airspace.store import Store
from airspace.telemetry import MAX_FUTURE_S, VehicleState, state_problems
from airspace.zones import ZoneChecker

log = logging.getLogger(__name__)

AIRBORNE_ABOVE_M = 1.0
"""Vehicles lower than this are on the ground: not part of tactical detection."""
CONFLICT_REPEAT_S = 5.0
"""An ongoing conflict is published again this often (a new one at once)."""
MAX_ADVISED_PER_CYCLE = 100
"""Advisories cost about 2 ms each at 10,000 drones: the most urgent conflicts of a cycle get
them; the rest are published at once without, and get theirs when next published."""
FORGET_AFTER_TIMEOUTS = 4
"""Tracks silent for this many telemetry timeouts are forgotten."""
LAPSE_EVERY_S = 10.0
"""How often the monitor ends accepted plans whose time is over (a sweep over every plan
holding airspace: not every cycle)."""
ON_GROUND_M = 1.0
"""At or below this altitude (AGL), and nearly still, a vehicle is on the ground."""
ON_GROUND_MPS = 0.5

TrackKey = tuple[str, str]
"""(operator id, registration id): one ground station never disturbs another's vehicles."""


@dataclass(frozen=True, slots=True)
class Rejection:
    index: int
    registration_id: str
    reasons: tuple[str, ...]


class LiveAirspace:
    def __init__(
        self,
        store: Store,
        deconflictor: Deconflictor,
        zones: ZoneChecker,
        bus: EventBus,
        clock: Clock,
    ) -> None:
        self._store = store
        self._deconflictor = deconflictor
        self._zones = zones
        self._bus = bus
        self._clock = clock
        self._plans: dict[str, FlightPlan] = {}
        self._owned: set[tuple[str, str]] = set()
        self._tracks: dict[TrackKey, VehicleState] = {}
        self._out_since: dict[str, float] = {}
        self._unplanned: set[tuple[TrackKey, str]] = set()
        self._conflicts_published: dict[frozenset[TrackKey], float] = {}
        self._previous_now_s: float | None = None
        self._stepped_back_s: float | None = None
        """When the monitor last found the clock stepped back (more than ``MAX_FUTURE_S``)."""
        self._lapsed_at_s = -math.inf
        """When the monitor last ended the accepted plans whose time was over."""

    @property
    def config(self) -> AirspaceConfig:
        return self._deconflictor.config

    # -- ingest ------------------------------------------------------------------------------
    async def ingest(self, identity: Identity, states: Sequence[VehicleState]) -> list[Rejection]:
        """Take what is valid and newer than what we hold; say why about the rest."""
        now_s = self._clock.now()
        rejections = []
        accepted: list[VehicleState] = []
        for index, state in enumerate(states):
            reasons = state_problems(state, self.config, now_s)
            if (
                not reasons
                and state.flight_plan_id
                and not await self._owns(identity, state.flight_plan_id)
            ):
                reasons.append(f"flight_plan_id: you have no plan {state.flight_plan_id!r}")
            key = (identity.subject_id, state.registration_id)
            latest = self._latest(key, now_s)
            if not reasons and latest is not None:
                reasons += _too_soon(state.time_s - latest.time_s, self.config.max_state_rate_hz)
            if reasons:
                rejections.append(Rejection(index, state.registration_id, tuple(reasons)))
            else:
                self._tracks[key] = state
                accepted.append(state)
        if accepted:
            await self._store.share_states(identity.subject_id, accepted)
        return rejections

    def absorb(self, states: Iterable[tuple[str, VehicleState]]) -> None:
        """Take (operator id, state) pairs another replica accepted (they were checked there)."""
        now_s = self._clock.now()
        for operator_id, state in states:
            key = (operator_id, state.registration_id)
            latest = self._latest(key, now_s)
            if latest is None or state.time_s > latest.time_s:
                self._tracks[key] = state

    def _latest(self, key: TrackKey, now_s: float) -> VehicleState | None:
        """The vehicle's latest state, unless it is from the future: after the clock stepped
        back, it would otherwise hold off every new state for as long as the step."""
        latest = self._tracks.get(key)
        if latest is not None and latest.time_s > now_s + MAX_FUTURE_S:
            return None
        return latest

    async def _owns(self, identity: Identity, plan_id: str) -> bool:
        """Whether the plan exists and is the caller's (plans never change hands)."""
        if (identity.subject_id, plan_id) in self._owned:
            return True
        plan = await self._store.get_plan(plan_id)
        if plan is None or plan.operator_id != identity.subject_id:
            return False
        self._owned.add((identity.subject_id, plan_id))
        return True

    # -- the cycle ---------------------------------------------------------------------------
    async def run(self) -> None:
        """Cycle every ``monitor_period_s`` (on a fixed schedule) until cancelled."""
        loop = asyncio.get_running_loop()
        period = self.config.monitor_period_s
        next_at = loop.time() + period
        while True:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            next_at = max(next_at + period, loop.time())
            try:
                await self.cycle()
            except Exception:  # the monitor must outlive one bad cycle; the log has the cause
                log.exception("live monitor cycle failed; retrying next period")

    async def cycle(self) -> TrafficSnapshot:
        now_s = self._clock.now()
        self._notice_a_step_back(now_s)
        self._forget_silent(now_s)
        records = await self._records()
        await self._check_conformance(records, now_s)
        await self._check_held_plans(now_s)
        records = self._refreshed(records)
        self._detect_conflicts(records, await self._store.list_zones(), now_s)
        snapshot = TrafficSnapshot(now_s, tuple(records.values()))
        self._bus.publish(snapshot)
        return snapshot

    def _forget_silent(self, now_s: float) -> None:
        """Forget tracks silent for too long, with what was noted about them."""
        limit = now_s - FORGET_AFTER_TIMEOUTS * self.config.telemetry_timeout_s
        gone = [k for k, s in self._tracks.items() if s.time_s < limit]
        for key in gone:
            del self._tracks[key]
        if gone:  # a vehicle back after silence is a new flight: say again that it has no plan
            self._unplanned = {m for m in self._unplanned if m[0] in self._tracks}
            heard = {s.flight_plan_id for s in self._tracks.values()}
            self._out_since = {p: t for p, t in self._out_since.items() if p in heard}

    def _notice_a_step_back(self, now_s: float) -> None:
        """When the clock stepped back, what was heard 'in the future' was heard now as far as
        the monitor can tell: re-time it, so that timeouts count from now, not from the future."""
        previous, self._previous_now_s = self._previous_now_s, now_s
        if previous is None or now_s >= previous - MAX_FUTURE_S:
            return
        self._stepped_back_s = now_s
        future = now_s + MAX_FUTURE_S
        for key, state in self._tracks.items():
            if state.time_s > future:
                self._tracks[key] = replace(state, time_s=now_s)
        for plan_id, since in self._out_since.items():
            if since > future:
                self._out_since[plan_id] = now_s

    async def _records(self) -> dict[TrackKey, TrackRecord]:
        """Every track with its plan's current state; refreshes ``self._plans``."""
        self._plans = await self._store.get_plans(
            {s.flight_plan_id for s in self._tracks.values() if s.flight_plan_id}
        )
        records = {}
        for key, state in self._tracks.items():
            plan = self._plans.get(state.flight_plan_id)
            records[key] = TrackRecord(state, key[0], plan.state if plan else None)
        return records

    def _refreshed(self, records: dict[TrackKey, TrackRecord]) -> dict[TrackKey, TrackRecord]:
        """The records with the plan states this cycle's transitions left."""
        out = {}
        for key, record in records.items():
            plan = self._plans.get(record.state.flight_plan_id)
            out[key] = record if plan is None else replace(record, plan_state=plan.state)
        return out

    # -- conformance -------------------------------------------------------------------------
    async def _check_conformance(self, records: dict[TrackKey, TrackRecord], now_s: float) -> None:
        fresh_after = now_s - self.config.telemetry_timeout_s
        for key, record in records.items():
            state = record.state
            if state.time_s < fresh_after:
                continue
            plan = self._plans.get(state.flight_plan_id)
            if plan is None or plan.state not in AIRBORNE_STATES:
                if not _on_the_ground(state):
                    self._alert_unplanned(key, record, plan, now_s)
                continue
            deviation = deviation_m(self._deconflictor, plan, state)
            await self._judge(plan, record, deviation, now_s)

    async def _judge(
        self, plan: FlightPlan, record: TrackRecord, deviation: float, now_s: float
    ) -> None:
        plan_id = plan.flight_plan_id
        if deviation == 0.0:
            self._out_since.pop(plan_id, None)
            if plan.state is not PlanState.ACTIVATED:
                await self._move(
                    plan,
                    PlanState.ACTIVATED,
                    AlertKind.CONFORMING,
                    record,
                    0.0,
                    "back inside its plan",
                    now_s,
                )
            return
        since = self._out_since.setdefault(plan_id, record.state.time_s)
        if plan.state is PlanState.ACTIVATED:
            await self._move(
                plan,
                PlanState.NONCONFORMING,
                AlertKind.NONCONFORMING,
                record,
                deviation,
                f"{deviation:.0f} m outside its plan",
                now_s,
            )
        elif plan.state is PlanState.NONCONFORMING and now_s - since > (
            self.config.contingent_after_s
        ):
            await self._move(
                plan,
                PlanState.CONTINGENT,
                AlertKind.CONTINGENT,
                record,
                deviation,
                f"outside its plan for {now_s - since:.0f} s",
                now_s,
            )

    async def _check_held_plans(self, now_s: float) -> None:
        """Flights silent for too long are contingent (lost link); accepted plans whose time is
        over without a flight end, and free their airspace."""
        timeout = self.config.telemetry_timeout_s
        heard = {s.flight_plan_id: s for s in self._tracks.values() if s.flight_plan_id}
        sweep = not 0.0 <= now_s - self._lapsed_at_s < LAPSE_EVERY_S
        if sweep:
            self._lapsed_at_s = now_s
        for plan in await self._store.holding_plans():
            if plan.state is PlanState.ACCEPTED:
                if sweep and plan.time_window.end_s < now_s:
                    await self._lapse(plan, now_s)
                continue
            if plan.state is PlanState.CONTINGENT:
                continue
            state = heard.get(plan.flight_plan_id)
            last_s = state.time_s if state else plan.update_time_s
            if last_s > now_s + MAX_FUTURE_S and self._stepped_back_s is not None:
                last_s = min(last_s, self._stepped_back_s)  # activated before the step back
            if now_s - last_s > timeout:
                record = TrackRecord(state, plan.operator_id, plan.state) if state else None
                await self._move(
                    plan,
                    PlanState.CONTINGENT,
                    AlertKind.TELEMETRY_LOST,
                    record,
                    0.0,
                    f"no telemetry for {now_s - last_s:.0f} s",
                    now_s,
                )

    async def _lapse(self, plan: FlightPlan, now_s: float) -> None:
        reason = "its time ended and it was never activated"
        try:
            ended = await self._store.transition(
                plan.flight_plan_id, frozenset({PlanState.ACCEPTED}), PlanState.ENDED, reason, now_s
            )
        except FailedPrecondition:
            return  # activated or cancelled meanwhile, or ended by another replica
        self._bus.publish(PlanChanged(now_s, ended))

    async def _move(
        self,
        plan: FlightPlan,
        to: PlanState,
        kind: AlertKind,
        record: TrackRecord | None,
        deviation: float,
        reason: str,
        now_s: float,
    ) -> None:
        try:
            moved = await self._store.transition(
                plan.flight_plan_id, AIRBORNE_STATES, to, reason, now_s
            )
        except FailedPrecondition:
            return  # ended or cancelled meanwhile: nothing to say
        self._plans[moved.flight_plan_id] = moved
        self._bus.publish(PlanChanged(now_s, moved))
        state = record.state if record else None
        self._bus.publish(
            ConformanceAlert(
                time_s=now_s,
                kind=kind,
                registration_id=state.registration_id if state else plan.vehicle.registration_id,
                flight_plan_id=plan.flight_plan_id,
                operator_id=plan.operator_id,
                plan_state=to,
                position=state.position if state else _plan_position(plan),
                altitude_m=state.altitude_m if state else 0.0,
                deviation_m=deviation,
                reason=reason,
            )
        )

    def _alert_unplanned(
        self, key: TrackKey, record: TrackRecord, plan: FlightPlan | None, now_s: float
    ) -> None:
        marker = (key, record.state.flight_plan_id)
        if marker in self._unplanned:
            return
        self._unplanned.add(marker)
        reason = (
            "no flight plan given"
            if plan is None
            else f"its plan {plan.flight_plan_id} is {plan.state.value}, not activated"
        )
        state = record.state
        self._bus.publish(
            ConformanceAlert(
                time_s=now_s,
                kind=AlertKind.NO_ACTIVATED_PLAN,
                registration_id=state.registration_id,
                flight_plan_id=state.flight_plan_id,
                operator_id=key[0],
                plan_state=plan.state if plan else None,
                position=state.position,
                altitude_m=state.altitude_m,
                deviation_m=0.0,
                reason=f"flying: {reason}",
            )
        )

    # -- tactical ----------------------------------------------------------------------------
    def _detect_conflicts(
        self, records: dict[TrackKey, TrackRecord], zones: list[Geozone], now_s: float
    ) -> None:
        fresh_after = now_s - self.config.telemetry_timeout_s
        keys = [
            k
            for k, r in records.items()
            if r.state.time_s >= fresh_after and r.state.altitude_m > AIRBORNE_ABOVE_M
        ]
        if len(keys) < 2:
            self._conflicts_published.clear()
            return
        traffic = self._traffic([records[k].state for k in keys], now_s)
        config = self.config
        found = tactical.detect_conflicts(
            traffic,
            config.horizontal_separation_m,
            config.vertical_separation_m,
            config.tactical_lookahead_s,
        )
        ongoing = {}
        advised = 0
        for conflict in sorted(found, key=lambda c: c.t_in_s):  # the most urgent first
            pair = frozenset({keys[conflict.i], keys[conflict.j]})
            last = self._conflicts_published.get(pair)
            if last is None or not 0.0 <= now_s - last < CONFLICT_REPEAT_S:
                last = now_s  # new, due again, or the clock stepped back: publish it now
            ongoing[pair] = last
            if ongoing[pair] == now_s:
                a, b = records[keys[conflict.i]], records[keys[conflict.j]]
                advise = advised < MAX_ADVISED_PER_CYCLE
                advised += advise
                alert = self._conflict_alert(traffic, conflict, a, b, zones, now_s, advise)
                self._bus.publish(alert)
        self._conflicts_published = ongoing

    def _traffic(self, states: list[VehicleState], now_s: float) -> tactical.TrafficArrays:
        """States extrapolated to ``now_s``, in metres."""
        projection = self._deconflictor.projection
        positions = [s.position for s in states]
        xs, ys = projection.to_xy_many(positions)
        age = np.array([now_s - s.time_s for s in states])
        ve, vn = projection.grid_velocity(
            positions,
            np.array([s.velocity_east_mps for s in states]),
            np.array([s.velocity_north_mps for s in states]),
        )
        vz = -np.array([s.velocity_down_mps for s in states])
        alt = np.array([s.altitude_m for s in states])
        return tactical.TrafficArrays(
            ids=tuple(s.registration_id for s in states),
            x_m=xs + ve * age,
            y_m=ys + vn * age,
            alt_m=alt + vz * age,
            vx_mps=ve,
            vy_mps=vn,
            vz_mps=vz,
        )

    def _conflict_alert(
        self,
        traffic: tactical.TrafficArrays,
        conflict: tactical.PredictedConflict,
        a: TrackRecord,
        b: TrackRecord,
        zones: list[Geozone],
        now_s: float,
        advise: bool,
    ) -> ConflictAlert:
        config = self.config
        advice = []
        for index, record in self._yielding(conflict, a, b) if advise else ():
            advisory = advisories.resolve(
                traffic,
                conflict,
                index,
                is_allowed=self._zones.point_rule(zones, record.operator_id, now_s),
                horizontal_m=config.horizontal_separation_m,
                vertical_m=config.vertical_separation_m,
                lookahead_s=config.tactical_lookahead_s,
            )
            if advisory is not None:
                advice.append(
                    Advice(
                        record.state.registration_id,
                        advisory.kind,
                        advisory.heading_change_deg,
                        advisory.target_alt_m,
                        advisory.target_speed_mps,
                        advisory.description,
                    )
                )
        return ConflictAlert(
            time_s=now_s,
            a=a,
            b=b,
            loss_of_separation=conflict.is_loss,
            start_s=now_s + conflict.t_in_s,
            closest_approach_s=now_s + conflict.t_cpa_s,
            closest_horizontal_m=conflict.d_cpa_m,
            closest_vertical_m=conflict.dv_cpa_m,
            advisories=tuple(advice),
        )

    def _yielding(
        self, conflict: tactical.PredictedConflict, a: TrackRecord, b: TrackRecord
    ) -> list[tuple[int, TrackRecord]]:
        """Who gives way: the lower priority, or both when equal."""
        pa, pb = self._priority(a), self._priority(b)
        if pa == pb:
            return [(conflict.i, a), (conflict.j, b)]
        return [(conflict.i, a)] if pa < pb else [(conflict.j, b)]

    def _priority(self, record: TrackRecord) -> int:
        plan = self._plans.get(record.state.flight_plan_id)
        return int(plan.priority) if plan else 0


def _on_the_ground(state: VehicleState) -> bool:
    """Sitting on its pad (powered, reporting, not flying): no plan needed yet."""
    return (
        state.altitude_m <= ON_GROUND_M
        and state.ground_speed_mps <= ON_GROUND_MPS
        and abs(state.velocity_down_mps) <= ON_GROUND_MPS
    )


def _plan_position(plan: FlightPlan) -> LatLng:
    """Somewhere on the plan, for alerts about a vehicle that never reported."""
    if plan.waypoints:
        return plan.waypoints[0].position
    area = plan.volumes[0].area
    return area.center if isinstance(area, Circle) else area.vertices[0]


def _too_soon(gap_s: float, max_rate_hz: float) -> list[str]:
    """Why a state ``gap_s`` after the vehicle's latest one is not taken, if it is not."""
    if gap_s <= 0:
        return ["time: not newer than the vehicle's latest state (ignored)"]
    if gap_s < 1.0 / max_rate_hz - 1e-6:  # a microsecond's slack for timestamps' rounding
        return [
            f"time: {gap_s * 1000:.1f} ms after the vehicle's latest state; at most "
            f"{max_rate_hz:g} states a second per vehicle (ignored)"
        ]
    return []
