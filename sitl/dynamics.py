"""Multirotor kinematics for N vehicles at once: a pure step function over numpy arrays.

Each vehicle is a point that a position controller steers toward a target: the commanded
velocity is a feed-forward (the plan's own velocity) plus a correction toward the target that
brakes in time (at most sqrt(2·a·d), at most d/τ near it). The command is capped by the
vehicle's limits — horizontal air speed (so a headwind slows the vehicle over the ground and a
tailwind speeds it up), climb and descent rates — and the velocity moves toward it no faster
than the acceleration limits. A vehicle within ``LIFT_OFF_M`` of the ground moves vertically
only; one that is disarmed, or on the ground and not climbing, stays where it is; one that
comes within ``GROUND_CONTACT_M`` of the ground descending has touched down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sitl.frame import Array

CORRECTION_TIME_S = 1.0
"""τ: near the target the correction closes the gap with this time constant."""
LIFT_OFF_M = 1.0
GROUND_CONTACT_M = 0.05
"""A vehicle this close to the ground and not climbing is on it."""
MAX_SUBSTEP_S = 0.1


def wind_from(speed_mps: float, from_deg: float) -> tuple[float, float]:
    """The (east, north) velocity of a wind of ``speed_mps`` blowing from ``from_deg``."""
    return (
        -speed_mps * math.sin(math.radians(from_deg)),
        -speed_mps * math.cos(math.radians(from_deg)),
    )


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-vehicle limits, arrays of shape (N,)."""

    max_speed_mps: Array
    """Horizontal air speed."""
    climb_rate_mps: Array
    descent_rate_mps: Array
    accel_h_mps2: float = 3.0
    accel_v_mps2: float = 3.0


@dataclass(frozen=True, slots=True)
class Command:
    """What the autopilot asks of each vehicle, arrays over N vehicles."""

    target_m: Array
    """(N, 3) east, north, up."""
    feed_forward_mps: Array
    """(N, 3)"""
    speed_cap_mps: Array
    """(N,) horizontal ground speed asked for; the vehicle's air speed limit may allow less."""
    armed: npt.NDArray[np.bool_]
    """(N,)"""


def step(
    position_m: Array,
    velocity_mps: Array,
    command: Command,
    limits: Limits,
    wind_en_mps: Array,
    dt_s: float,
) -> tuple[Array, Array]:
    """New (position, velocity) after ``dt_s`` seconds; sub-steps of at most ``MAX_SUBSTEP_S``."""
    steps = max(1, int(np.ceil(dt_s / MAX_SUBSTEP_S - 1e-9)))
    for _ in range(steps):
        position_m, velocity_mps = _substep(
            position_m, velocity_mps, command, limits, wind_en_mps, dt_s / steps
        )
    return position_m, velocity_mps


def _substep(
    pos: Array, vel: Array, cmd: Command, lim: Limits, wind: Array, dt: float
) -> tuple[Array, Array]:
    error = cmd.target_m - pos
    desired = np.empty_like(vel)
    desired[:, :2] = cmd.feed_forward_mps[:, :2] + _approach(error[:, :2], lim.accel_h_mps2)
    desired[:, 2] = cmd.feed_forward_mps[:, 2] + _approach(error[:, 2:], lim.accel_v_mps2)[:, 0]
    airborne = pos[:, 2] > 0.0
    lifting = np.clip(pos[:, 2] / LIFT_OFF_M, 0.0, 1.0)
    desired[:, :2] *= lifting[:, None]
    speed = np.hypot(desired[:, 0], desired[:, 1])
    reachable = _ground_speed_cap(desired[:, :2], speed, wind * airborne[:, None], lim)
    cap = np.minimum(cmd.speed_cap_mps, reachable)
    scale = np.where(speed > cap, cap / np.maximum(speed, 1e-9), 1.0)
    desired[:, :2] *= scale[:, None]
    desired[:, 2] = np.clip(desired[:, 2], -lim.descent_rate_mps, lim.climb_rate_mps)

    change = desired - vel
    change_h = np.hypot(change[:, 0], change[:, 1])
    max_h = lim.accel_h_mps2 * dt
    change[:, :2] *= np.where(change_h > max_h, max_h / np.maximum(change_h, 1e-9), 1.0)[:, None]
    change[:, 2] = np.clip(change[:, 2], -lim.accel_v_mps2 * dt, lim.accel_v_mps2 * dt)
    new_vel = vel + change

    parked = ~cmd.armed | (~airborne & (new_vel[:, 2] <= 0.0))
    new_vel[parked] = 0.0
    new_pos = pos + 0.5 * (vel + new_vel) * dt
    new_pos[parked] = pos[parked]
    landed = (new_pos[:, 2] <= GROUND_CONTACT_M) & (new_vel[:, 2] <= 0.0)
    new_pos[landed, 2] = 0.0
    new_vel[landed] = 0.0
    return new_pos, new_vel


def _approach(error: Array, accel: float) -> Array:
    """A velocity toward the target that can still stop there: min(sqrt(2·a·d), d/τ)."""
    distance = np.sqrt(np.sum(error * error, axis=1))
    speed = np.minimum(np.sqrt(2.0 * 0.5 * accel * distance), distance / CORRECTION_TIME_S)
    return error * (speed / np.maximum(distance, 1e-9))[:, None]


def _ground_speed_cap(direction: Array, speed: Array, wind: Array, lim: Limits) -> Array:
    """The fastest ground speed along each desired direction whose air speed is within the
    vehicle's maximum: the larger root s of |s·u - w| = v_max."""
    unit = direction / np.maximum(speed, 1e-9)[:, None]
    along = np.sum(unit * wind, axis=1)
    disc = along * along - np.sum(wind * wind, axis=1) + lim.max_speed_mps**2
    return np.maximum(along + np.sqrt(np.maximum(disc, 0.0)), 0.0)
