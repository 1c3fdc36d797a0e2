"""What a vehicle does when a ground station commands it: fly a queue of legs.

Takeoff, reposition, return to launch, land and uploaded missions all become legs. A leg
flies to a target (east, north, up metres in the vehicle's home frame; ``None`` keeps the
coordinate the vehicle has when the leg starts) and is done on arrival, or on touchdown for a
landing leg. After the last leg the vehicle holds there in LOITER, or, having landed, is done.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sitl import px4
from sitl.frame import Array

ACCEPT_HORIZONTAL_M = 2.0
ACCEPT_VERTICAL_M = 1.0


@dataclass(frozen=True, slots=True)
class Leg:
    east_m: float | None
    north_m: float | None
    up_m: float | None
    speed_mps: float
    mode: px4.FlightMode
    lands: bool = False
    up_at_least_m: float = 0.0
    """Climb to at least this height first (return to launch)."""
    mission_seq: int | None = None
    """The mission item this leg flies, reported as reached on arrival."""


@dataclass
class Guidance:
    """The legs still to fly; ``target_m``, ``speed_mps`` and ``mode`` steer the vehicle now."""

    legs: list[Leg]
    position_m: Array
    target_m: Array = field(init=False)
    speed_mps: float = field(init=False)
    mode: px4.FlightMode = field(init=False)
    landed: bool = False
    reached: list[int] = field(default_factory=list)
    """Mission items reached since the caller last emptied this list."""

    def __post_init__(self) -> None:
        self.mode = px4.LOITER
        self.speed_mps = 0.0
        self.target_m = np.array(self.position_m, dtype=float)
        self._begin()

    def update(self, position_m: Array) -> None:
        """Advance past every leg the vehicle has completed at ``position_m``."""
        while self.legs and self._arrived(self.legs[0], position_m):
            done = self.legs.pop(0)
            if done.mission_seq is not None:
                self.reached.append(done.mission_seq)
            if done.lands:
                self.landed = True
                self.legs.clear()
                return
            self.position_m = np.array(position_m, dtype=float)
            self._begin()

    def _begin(self) -> None:
        if not self.legs:
            self.mode = px4.LOITER
            return
        leg, here = self.legs[0], self.position_m
        self.target_m = np.array(
            [
                here[0] if leg.east_m is None else leg.east_m,
                here[1] if leg.north_m is None else leg.north_m,
                max(here[2] if leg.up_m is None else leg.up_m, leg.up_at_least_m),
            ]
        )
        self.speed_mps, self.mode = leg.speed_mps, leg.mode

    def _arrived(self, leg: Leg, position_m: Array) -> bool:
        if leg.lands:
            return bool(position_m[2] <= 0.0)
        offset = self.target_m - position_m
        return (
            math.hypot(offset[0], offset[1]) <= ACCEPT_HORIZONTAL_M
            and abs(offset[2]) <= ACCEPT_VERTICAL_M
        )


def takeoff(up_m: float, speed_mps: float) -> list[Leg]:
    return [Leg(None, None, up_m, speed_mps, px4.TAKEOFF)]


def reposition(east_m: float, north_m: float, up_m: float, speed_mps: float) -> list[Leg]:
    return [Leg(east_m, north_m, up_m, speed_mps, px4.LOITER)]


def land_here(speed_mps: float) -> list[Leg]:
    return [Leg(None, None, 0.0, speed_mps, px4.LAND, lands=True)]


def return_to_launch(
    rtl_altitude_m: float, speed_mps: float, mode: px4.FlightMode = px4.RTL
) -> list[Leg]:
    """Climb to the return altitude (or stay higher), fly home, descend and land (PX4 RTL)."""
    return [
        Leg(None, None, None, speed_mps, mode, up_at_least_m=rtl_altitude_m),
        Leg(0.0, 0.0, None, speed_mps, mode),
        Leg(0.0, 0.0, 0.0, speed_mps, mode, lands=True),
    ]
