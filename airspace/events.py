"""What happens in the airspace, and how it reaches the people watching.

Publishing never blocks: each subscriber has its own queue. Alerts (everything but traffic
snapshots) are queued in order and never dropped; a subscriber that falls more than
``max_pending`` alerts behind is closed with ``overflowed`` set, so it reconnects rather than
missing something silently. Traffic snapshots are coalesced: a slow subscriber gets the
latest one and a count of those it missed.
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from airspace.model import FlightPlan, Geozone, LatLng, PlanState
from airspace.telemetry import VehicleState


class AlertKind(enum.Enum):
    NONCONFORMING = "nonconforming"
    CONTINGENT = "contingent"
    CONFORMING = "conforming"
    NO_ACTIVATED_PLAN = "no_activated_plan"
    TELEMETRY_LOST = "telemetry_lost"


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """One vehicle's latest state, with the plan it flies."""

    state: VehicleState
    operator_id: str
    plan_state: PlanState | None


@dataclass(frozen=True, slots=True)
class TrafficSnapshot:
    time_s: float
    tracks: tuple[TrackRecord, ...]


@dataclass(frozen=True, slots=True)
class ConformanceAlert:
    time_s: float
    kind: AlertKind
    registration_id: str
    flight_plan_id: str
    operator_id: str
    plan_state: PlanState | None
    position: LatLng
    altitude_m: float
    deviation_m: float
    reason: str

    @property
    def operator_ids(self) -> frozenset[str]:
        return frozenset({self.operator_id})

    @property
    def positions(self) -> tuple[LatLng, ...]:
        return (self.position,)


@dataclass(frozen=True, slots=True)
class Advice:
    """A resolution advisory for one vehicle of a conflict."""

    registration_id: str
    kind: str
    heading_change_deg: float
    target_altitude_m: float
    target_speed_mps: float
    description: str


@dataclass(frozen=True, slots=True)
class ConflictAlert:
    time_s: float
    a: TrackRecord
    b: TrackRecord
    loss_of_separation: bool
    start_s: float
    closest_approach_s: float
    closest_horizontal_m: float
    closest_vertical_m: float
    advisories: tuple[Advice, ...]

    @property
    def operator_ids(self) -> frozenset[str]:
        return frozenset({self.a.operator_id, self.b.operator_id})

    @property
    def positions(self) -> tuple[LatLng, ...]:
        return (self.a.state.position, self.b.state.position)


@dataclass(frozen=True, slots=True)
class PlanChanged:
    time_s: float
    plan: FlightPlan

    @property
    def operator_ids(self) -> frozenset[str]:
        return frozenset({self.plan.operator_id})

    @property
    def positions(self) -> tuple[LatLng, ...]:
        if self.plan.waypoints:
            return tuple(w.position for w in self.plan.waypoints)
        return ()


@dataclass(frozen=True, slots=True)
class GeozoneChanged:
    time_s: float
    geozone_id: str
    geozone: Geozone | None
    """None when deleted."""

    @property
    def operator_ids(self) -> frozenset[str]:
        return frozenset()

    @property
    def positions(self) -> tuple[LatLng, ...]:
        return ()


Alert = ConformanceAlert | ConflictAlert | PlanChanged | GeozoneChanged
Event = Alert | TrafficSnapshot

DEFAULT_MAX_PENDING = 10_000


@dataclass(eq=False)
class Subscription:
    """One subscriber's queue. ``accepts`` filters alerts; snapshots are filtered by the reader."""

    accepts: Callable[[Alert], bool]
    wants_snapshots: bool = True
    max_pending: int = DEFAULT_MAX_PENDING
    alerts: deque[Alert] = field(default_factory=deque)
    snapshot: TrafficSnapshot | None = None
    dropped_snapshots: int = 0
    overflowed: bool = False
    closed: bool = False
    _wake: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, event: Event) -> None:
        if self.closed:
            return
        if isinstance(event, TrafficSnapshot):
            if not self.wants_snapshots:
                return
            if self.snapshot is not None:
                self.dropped_snapshots += 1
            self.snapshot = event
        elif self.accepts(event):
            if len(self.alerts) >= self.max_pending:
                self.overflowed = self.closed = True
            else:
                self.alerts.append(event)
        self._wake.set()

    async def next(self) -> Event | None:
        """The next event (alerts first, in order), or None once closed."""
        while True:
            if self.alerts:
                return self.alerts.popleft()
            if self.snapshot is not None:
                snapshot, self.snapshot = self.snapshot, None
                return snapshot
            if self.closed:
                return None
            self._wake.clear()
            await self._wake.wait()

    def close(self) -> None:
        self.closed = True
        self._wake.set()


class EventBus:
    """In-process fan-out to every subscriber."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()

    def subscribe(
        self,
        accepts: Callable[[Alert], bool] = lambda _: True,
        *,
        snapshots: bool = True,
        max_pending: int = DEFAULT_MAX_PENDING,
    ) -> Subscription:
        subscription = Subscription(accepts, snapshots, max_pending)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscription.close()
        self._subscriptions.discard(subscription)

    def publish(self, event: Event) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(event)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)
