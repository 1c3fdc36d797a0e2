"""What the route planner is asked and what it answers."""

from __future__ import annotations

from dataclasses import dataclass

from airspace.model import AltitudeBand, FlightPlan, LatLng, NavigationTolerance, Priority, Vehicle


@dataclass(frozen=True, slots=True)
class RouteRequest:
    origin: LatLng
    destination: LatLng
    earliest_departure_s: float
    latest_arrival_s: float
    vehicle: Vehicle
    altitude: AltitudeBand
    """Preferred cruise band (metres AGL); the lowest free layer in it is flown."""
    tolerance: NavigationTolerance
    priority: Priority
    operator_id: str


@dataclass(frozen=True, slots=True)
class Route:
    plan: FlightPlan
    """Unassigned id (""), state ACCEPTED, the request's operator, vehicle, priority, tolerance."""
    length_m: float
    """3-D length: climb, horizontal legs, descent."""
    duration_s: float
    energy_wh: float
    """From ``planner.trajectory.EnergyModel``."""
    departure_delay_s: float
    """Relative to the request's earliest departure."""
    cruise_altitude_m: float
    stretch: float
    """``length_m`` over the 3-D lower bound: the straight horizontal distance plus the climb to,
    and descent from, the lowest cruise altitude of the requested band."""


@dataclass(frozen=True, slots=True)
class NoRoute:
    reason: str
    """Machine-readable, UPPER_SNAKE: one of the constants below."""
    detail: str
    """For a person."""


# Why no route exists; the last six are ordered from the least to the most progress a failed
# candidate made, and the most advanced failure is the one reported.
INVALID_REQUEST = "INVALID_REQUEST"
OUTSIDE_AIRSPACE = "OUTSIDE_AIRSPACE"
ALTITUDE_BAND_OUTSIDE_AIRSPACE = "ALTITUDE_BAND_OUTSIDE_AIRSPACE"
ORIGIN_IN_PROHIBITED_ZONE = "ORIGIN_IN_PROHIBITED_ZONE"
DESTINATION_IN_PROHIBITED_ZONE = "DESTINATION_IN_PROHIBITED_ZONE"
NO_PATH_AROUND_ZONES = "NO_PATH_AROUND_ZONES"
ENDURANCE_TOO_LOW = "ENDURANCE_TOO_LOW"
WINDOW_TOO_SHORT = "WINDOW_TOO_SHORT"
NO_CONFLICT_FREE_ROUTE = "NO_CONFLICT_FREE_ROUTE"
PROGRESS = {
    reason: rank
    for rank, reason in enumerate(
        (
            ORIGIN_IN_PROHIBITED_ZONE,
            DESTINATION_IN_PROHIBITED_ZONE,
            NO_PATH_AROUND_ZONES,
            ENDURANCE_TOO_LOW,
            WINDOW_TOO_SHORT,
            NO_CONFLICT_FREE_ROUTE,
        )
    )
}
