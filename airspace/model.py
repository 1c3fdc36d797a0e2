"""Domain values of the airspace: shapes, geozones, flight plans and what deconfliction finds.

Positions are WGS84 degrees, altitudes metres above ground level, times seconds since the Unix
epoch (UTC). Everything here is an immutable value; servicers and stores convert at the edge.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class LatLng:
    lat: float
    """Latitude (degrees)."""
    lon: float
    """Longitude (degrees)."""


@dataclass(frozen=True, slots=True)
class Polygon:
    """A simple polygon given by its exterior ring (implicitly closed, no holes)."""

    vertices: tuple[LatLng, ...]


@dataclass(frozen=True, slots=True)
class Circle:
    center: LatLng
    radius_m: float
    """Radius (metres)."""


Shape = Polygon | Circle


@dataclass(frozen=True, slots=True)
class AltitudeBand:
    """A closed band [lower_m, upper_m] of altitude (metres AGL)."""

    lower_m: float
    upper_m: float


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A closed window [start_s, end_s] (seconds since the epoch)."""

    start_s: float
    end_s: float

    def overlaps(self, other: TimeWindow) -> bool:
        return self.start_s <= other.end_s and other.start_s <= self.end_s


class GeozoneKind(enum.Enum):
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    CONDITIONAL = "conditional"


@dataclass(frozen=True, slots=True)
class Geozone:
    geozone_id: str
    name: str
    kind: GeozoneKind
    area: Shape
    altitude: AltitudeBand
    schedule: tuple[TimeWindow, ...] = ()
    """When the zone applies; empty means always."""
    authorized_operator_ids: frozenset[str] = frozenset()
    """Operators allowed through a restricted zone."""
    message: str = ""
    update_time_s: float = 0.0

    def applies_at(self, time_s: float) -> bool:
        return not self.schedule or any(w.start_s <= time_s <= w.end_s for w in self.schedule)

    def as_seen_by(self, identity: Identity) -> Geozone:
        """The zone as ``identity`` may see it: an operator learns whether it is authorised
        itself, not which other operators are."""
        if identity.is_regulator:
            return self
        mine = self.authorized_operator_ids & {identity.subject_id}
        return replace(self, authorized_operator_ids=mine)

    def active_windows(self, window: TimeWindow) -> tuple[TimeWindow, ...]:
        """The parts of ``window`` during which the zone applies."""
        if not self.schedule:
            return (window,)
        return tuple(
            TimeWindow(max(w.start_s, window.start_s), min(w.end_s, window.end_s))
            for w in self.schedule
            if w.overlaps(window)
        )


class PlanState(enum.Enum):
    ACCEPTED = "accepted"
    ACTIVATED = "activated"
    NONCONFORMING = "nonconforming"
    CONTINGENT = "contingent"
    ENDED = "ended"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    PREEMPTED = "preempted"

    @property
    def holds_airspace(self) -> bool:
        """Whether a plan in this state keeps its reservation (others must avoid it)."""
        return self in HOLDING_STATES

    @property
    def is_airborne(self) -> bool:
        return self in AIRBORNE_STATES


HOLDING_STATES = frozenset(
    {PlanState.ACCEPTED, PlanState.ACTIVATED, PlanState.NONCONFORMING, PlanState.CONTINGENT}
)
AIRBORNE_STATES = frozenset({PlanState.ACTIVATED, PlanState.NONCONFORMING, PlanState.CONTINGENT})


class Priority(enum.IntEnum):
    """Who yields: higher values win."""

    RECREATIONAL = 1
    COMMERCIAL = 2
    PUBLIC_SERVICE = 3
    EMERGENCY = 4

    @property
    def may_preempt(self) -> bool:
        """Emergency and public-service plans may displace accepted plans of lower priority."""
        return self >= Priority.PUBLIC_SERVICE


@dataclass(frozen=True, slots=True)
class Vehicle:
    registration_id: str
    cruise_speed_mps: float
    max_speed_mps: float
    climb_rate_mps: float
    descent_rate_mps: float
    endurance_s: float


@dataclass(frozen=True, slots=True)
class NavigationTolerance:
    horizontal_m: float = 0.0
    vertical_m: float = 0.0


@dataclass(frozen=True, slots=True)
class Waypoint:
    position: LatLng
    altitude_m: float
    time_s: float


@dataclass(frozen=True, slots=True)
class Volume4D:
    area: Shape
    altitude: AltitudeBand
    time_window: TimeWindow


@dataclass(frozen=True, slots=True)
class FlightPlan:
    """A 4-D trajectory (``waypoints``) or a set of 4-D volumes (``volumes``), never both."""

    flight_plan_id: str
    operator_id: str
    vehicle: Vehicle
    priority: Priority
    tolerance: NavigationTolerance
    waypoints: tuple[Waypoint, ...] = ()
    volumes: tuple[Volume4D, ...] = ()
    state: PlanState = PlanState.ACCEPTED
    state_reason: str = ""
    create_time_s: float = 0.0
    update_time_s: float = 0.0

    @property
    def is_trajectory(self) -> bool:
        return bool(self.waypoints)

    @property
    def time_window(self) -> TimeWindow:
        """From the first to the last moment the plan occupies airspace."""
        if self.waypoints:
            return TimeWindow(self.waypoints[0].time_s, self.waypoints[-1].time_s)
        return TimeWindow(
            min(v.time_window.start_s for v in self.volumes),
            max(v.time_window.end_s for v in self.volumes),
        )

    def with_state(self, state: PlanState, reason: str, time_s: float) -> FlightPlan:
        return replace(self, state=state, state_reason=reason, update_time_s=time_s)

    def shifted(self, delay_s: float) -> FlightPlan:
        """The same plan ``delay_s`` seconds later."""
        return replace(
            self,
            waypoints=tuple(replace(w, time_s=w.time_s + delay_s) for w in self.waypoints),
            volumes=tuple(
                replace(
                    v,
                    time_window=TimeWindow(
                        v.time_window.start_s + delay_s, v.time_window.end_s + delay_s
                    ),
                )
                for v in self.volumes
            ),
        )


@dataclass(frozen=True, slots=True)
class Conflict:
    """Where and when a plan first comes too close to another one."""

    flight_plan_id: str
    """The other plan."""
    priority: Priority
    """The other plan's priority."""
    time_s: float
    """The first moment both minima are violated."""
    position: LatLng
    """Where the checked plan is at that moment."""
    altitude_m: float
    horizontal_separation_m: float
    """Smallest horizontal distance between the nominal paths during the conflict."""
    vertical_separation_m: float
    """Vertical distance between the nominal paths at ``time_s``."""


@dataclass(frozen=True, slots=True)
class GeozoneViolation:
    """A geozone a plan enters while the zone applies."""

    geozone_id: str
    name: str
    kind: GeozoneKind
    time_s: float
    """The first moment the plan is inside the zone."""
    position: LatLng
    altitude_m: float
    reason: str


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling: an operator (flies drones) or a regulator (watches and sets rules)."""

    subject_id: str
    role: str
    """``"operator"`` or ``"regulator"``."""

    @property
    def is_regulator(self) -> bool:
        return self.role == "regulator"


@dataclass(frozen=True, slots=True)
class SuggestedAlternative:
    description: str
    departure_delay_s: float
    plan: FlightPlan


@dataclass(frozen=True, slots=True)
class SubmissionOutcome:
    """What a submission produced; stored so that a retry returns the same answer."""

    plan: FlightPlan
    conflicts: tuple[Conflict, ...] = ()
    geozone_violations: tuple[GeozoneViolation, ...] = ()
    advisories: tuple[GeozoneViolation, ...] = ()
    preempted_plan_ids: tuple[str, ...] = ()
    alternative: SuggestedAlternative | None = None
    """A conflict-free variant of a rejected plan, when one was found."""
    request_fingerprint: str = ""
    """A digest of the request, to tell a true retry from a reused request id."""

    @property
    def accepted(self) -> bool:
        return self.plan.state is not PlanState.REJECTED
