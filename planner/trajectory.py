"""A horizontal path turned into a 4-D trajectory the way a multirotor flies it, and its energy.

The vehicle climbs vertically at its climb rate from the ground to the cruise altitude over the
origin (as PX4 does before its first leg), flies every leg at its cruise speed at that altitude,
and descends vertically at its descent rate over the destination. Every leg then respects the
vehicle's limits exactly, so ``airspace.validation.validate_plan`` accepts it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from airspace.model import LatLng, Vehicle, Waypoint


@dataclass(frozen=True, slots=True)
class EnergyModel:
    """Electrical power of a multirotor (every parameter of the planner's energy figure).

    P = hover + drag · v³ + climb · max(0, v_z): induced power to hold the weight (taken as
    constant, the hover power), parasitic power of the body drag (½ ρ C_d A v³), and the power
    to lift the weight (m g v_z / η); descent draws hover power. The defaults are those of a
    5 kg delivery quadcopter: hover about 90 W/kg, ρ = 1.225 kg/m³, C_d A = 0.1 m², η = 0.7.
    """

    hover_power_w: float = 450.0
    drag_w_per_mps3: float = 0.061
    climb_w_per_mps: float = 70.0

    def power_w(self, horizontal_mps: float, vertical_mps: float) -> float:
        return (
            self.hover_power_w
            + self.drag_w_per_mps3 * horizontal_mps**3
            + self.climb_w_per_mps * max(0.0, vertical_mps)
        )


ENERGY_MODEL = EnergyModel()


@dataclass(frozen=True, slots=True)
class Profile:
    """Climb, cruise along the legs, descent: the timing of one trajectory."""

    altitude_m: float
    climb_s: float
    leg_s: tuple[float, ...]
    descent_s: float

    @property
    def duration_s(self) -> float:
        return self.climb_s + sum(self.leg_s) + self.descent_s


def profile(vehicle: Vehicle, leg_lengths_m: Sequence[float], altitude_m: float) -> Profile:
    return Profile(
        altitude_m=altitude_m,
        climb_s=altitude_m / vehicle.climb_rate_mps,
        leg_s=tuple(length / vehicle.cruise_speed_mps for length in leg_lengths_m),
        descent_s=altitude_m / vehicle.descent_rate_mps,
    )


def waypoints(
    points: Sequence[LatLng], timing: Profile, departure_s: float
) -> tuple[Waypoint, ...]:
    """Ground, climb over the first point, the legs at cruise altitude, descent to the ground
    over the last point; ``timing.leg_s`` holds one duration per pair of points."""
    z = timing.altitude_m
    t = departure_s
    out = [Waypoint(points[0], 0.0, t)]
    t += timing.climb_s
    out.append(Waypoint(points[0], z, t))
    for point, leg_s in zip(points[1:], timing.leg_s, strict=True):
        t += leg_s
        out.append(Waypoint(point, z, t))
    out.append(Waypoint(points[-1], 0.0, t + timing.descent_s))
    return tuple(out)


def energy_wh(vehicle: Vehicle, timing: Profile, model: EnergyModel = ENERGY_MODEL) -> float:
    cruise_j = model.power_w(vehicle.cruise_speed_mps, 0.0) * sum(timing.leg_s)
    climb_j = model.power_w(0.0, vehicle.climb_rate_mps) * timing.climb_s
    descent_j = model.power_w(0.0, -vehicle.descent_rate_mps) * timing.descent_s
    return (cruise_j + climb_j + descent_j) / 3600.0


def lower_bound_duration_s(vehicle: Vehicle, distance_m: float, altitude_m: float) -> float:
    """The shortest flight: straight at cruise speed, climbing to ``altitude_m``."""
    return profile(vehicle, [distance_m], altitude_m).duration_s


def leg_lengths(points: Sequence[tuple[float, float]]) -> list[float]:
    return [math.hypot(bx - ax, by - ay) for (ax, ay), (bx, by) in pairwise(points)]
