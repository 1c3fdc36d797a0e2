"""What a simulated vehicle flies: a flight plan's trajectory and its vehicle's limits.

A ``Route`` is read from an accepted ``FlightPlan`` (protobuf). Limits the plan's vehicle does
not declare (a GeoJSON plan written by ``plan_to_geojson`` carries none) default to the
project's demo vehicle, raised where the plan itself needs more (a leg faster than the default).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from airspace.timestamps import from_duration, from_timestamp
from airspace.v1 import flight_plan_pb2

DEFAULT_CRUISE_MPS = 15.0
DEFAULT_MAX_SPEED_MPS = 20.0
DEFAULT_CLIMB_MPS = 3.0
DEFAULT_DESCENT_MPS = 3.0
DEFAULT_ENDURANCE_S = 1800.0


@dataclass(frozen=True, slots=True)
class Route:
    registration_id: str
    flight_plan_id: str
    times_s: tuple[float, ...]
    """Waypoint times, seconds since the epoch, strictly increasing."""
    lats_deg: tuple[float, ...]
    lons_deg: tuple[float, ...]
    altitudes_m: tuple[float, ...]
    """Metres above ground level."""
    cruise_speed_mps: float = DEFAULT_CRUISE_MPS
    max_speed_mps: float = DEFAULT_MAX_SPEED_MPS
    climb_rate_mps: float = DEFAULT_CLIMB_MPS
    descent_rate_mps: float = DEFAULT_DESCENT_MPS
    endurance_s: float = DEFAULT_ENDURANCE_S

    @property
    def departure_s(self) -> float:
        return self.times_s[0]

    @property
    def arrival_s(self) -> float:
        return self.times_s[-1]


def route_from_plan(plan: flight_plan_pb2.FlightPlan) -> Route:
    """The route of a trajectory plan; ValueError for volume plans and malformed trajectories."""
    if plan.WhichOneof("shape") != "trajectory":
        raise ValueError(f"plan {plan.flight_plan_id or '(no id)'} is not a trajectory")
    points = plan.trajectory.waypoints
    times = tuple(from_timestamp(w.time) for w in points)
    if len(points) < 2 or any(b <= a for a, b in itertools.pairwise(times)):
        raise ValueError(f"plan {plan.flight_plan_id}: needs 2+ waypoints at increasing times")
    lats = tuple(w.position.latitude_deg for w in points)
    lons = tuple(w.position.longitude_deg for w in points)
    alts = tuple(w.altitude_m for w in points)
    horizontal, climb, descent = _leg_speeds(times, lats, lons, alts)
    v = plan.vehicle
    max_speed = v.max_speed_mps or max(DEFAULT_MAX_SPEED_MPS, horizontal)
    return Route(
        registration_id=v.registration_id,
        flight_plan_id=plan.flight_plan_id,
        times_s=times,
        lats_deg=lats,
        lons_deg=lons,
        altitudes_m=alts,
        cruise_speed_mps=v.cruise_speed_mps or min(max_speed, max(DEFAULT_CRUISE_MPS, horizontal)),
        max_speed_mps=max_speed,
        climb_rate_mps=v.climb_rate_mps or max(DEFAULT_CLIMB_MPS, climb),
        descent_rate_mps=v.descent_rate_mps or max(DEFAULT_DESCENT_MPS, descent),
        endurance_s=from_duration(v.endurance) or DEFAULT_ENDURANCE_S,
    )


def _leg_speeds(
    times: tuple[float, ...],
    lats: tuple[float, ...],
    lons: tuple[float, ...],
    alts: tuple[float, ...],
) -> tuple[float, float, float]:
    """The fastest horizontal speed, climb and descent rate any leg asks for (m/s)."""
    horizontal = climb = descent = 0.0
    for i in range(len(times) - 1):
        dt = times[i + 1] - times[i]
        north = (lats[i + 1] - lats[i]) * 111_320.0
        east = (lons[i + 1] - lons[i]) * 111_320.0 * math.cos(math.radians(lats[i]))
        horizontal = max(horizontal, math.hypot(north, east) / dt)
        climb = max(climb, (alts[i + 1] - alts[i]) / dt)
        descent = max(descent, (alts[i] - alts[i + 1]) / dt)
    return horizontal, climb, descent
