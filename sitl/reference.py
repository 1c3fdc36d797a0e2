"""Where each plan-following vehicle should be, and how fast it should be going, at time t.

A plan is piecewise linear in time, its velocity jumps at every waypoint, and no multirotor
can follow a jump. The reference is the plan averaged over a window of ``2h`` seconds centred
on t: position (F(t+h) - F(t-h)) / 2h with F the plan's integral, velocity
(p(t+h) - p(t-h)) / 2h. With 2h = (largest velocity jump) / (acceleration limit) its
acceleration never exceeds the limit; it cuts each corner by at most v²/8a, the least any
vehicle with that acceleration can deviate from a stop-and-turn corner, and it is exactly on
the plan everywhere else. All vehicles are evaluated at once (rows padded to one width).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sitl import px4
from sitl.frame import Array

MIN_HALF_WINDOW_S = 0.05
STILL_M = 1.0
"""A leg that moves less than this horizontally is vertical (climb, descent) or a hover."""


class PlanReference:
    """Smoothed plan positions for N vehicles; positions are (east, north, up) metres."""

    def __init__(
        self, times_s: Sequence[Array], points_m: Sequence[Array], half_window_s: Array
    ) -> None:
        n, width = len(times_s), max((len(t) for t in times_s), default=1) + 1
        self.point_count = np.array([len(t) for t in times_s])
        self.times = np.zeros((n, width))
        self.points = np.zeros((n, width, 3))
        for i, (t, p) in enumerate(zip(times_s, points_m, strict=True)):
            k = len(t)
            self.times[i, :k] = t
            self.times[i, k:] = t[-1] + np.arange(1, width - k + 1)
            self.points[i, :k] = p
            self.points[i, k:] = p[-1]
        self.velocities = np.zeros((n, width, 3))
        spans = np.diff(self.times, axis=1)[:, :, None]
        self.velocities[:, :-1] = np.diff(self.points, axis=1) / spans
        integral = np.zeros((n, width, 3))
        integral[:, 1:] = np.cumsum(
            0.5 * (self.points[:, 1:] + self.points[:, :-1]) * spans, axis=1
        )
        self.integral = integral
        self.half_window_s = np.maximum(np.asarray(half_window_s, dtype=float), MIN_HALF_WINDOW_S)
        self._rows = np.arange(n)

    def leg(self, t: float) -> np.ndarray:
        """Per vehicle, the index of the leg flown at ``t`` on the unsmoothed plan: -1 before
        the first waypoint, ``point_count - 1`` from the last one on."""
        k = (self.times <= t).sum(axis=1) - 1
        return np.minimum(k, self.point_count - 1)

    def at(self, t: float) -> tuple[Array, Array]:
        """Reference position and velocity, each (N, 3), at time ``t``."""
        h = self.half_window_s
        p_late, f_late = self._plan(t + h)
        p_early, f_early = self._plan(t - h)
        width = (2 * h)[:, None]
        return (f_late - f_early) / width, (p_late - p_early) / width

    def _plan(self, t: Array) -> tuple[Array, Array]:
        """The unsmoothed plan's position and its integral at per-vehicle times ``t``."""
        k = (self.times <= t[:, None]).sum(axis=1) - 1
        kk = np.maximum(k, 0)
        dt = (t - self.times[self._rows, kk])[:, None]
        v = np.where((k < 0)[:, None], 0.0, self.velocities[self._rows, kk])
        p0 = self.points[self._rows, kk]
        return p0 + v * dt, self.integral[self._rows, kk] + p0 * dt + 0.5 * v * dt * dt


def half_window_s(points_m: Array, times_s: Array, accel_h: float, accel_v: float) -> float:
    """Half the averaging window that makes a plan's reference feasible for the vehicle."""
    v = np.diff(points_m, axis=0) / np.diff(times_s)[:, None]
    v = np.vstack([np.zeros(3), v, np.zeros(3)])
    jumps = np.diff(v, axis=0)
    horizontal = float(np.max(np.hypot(jumps[:, 0], jumps[:, 1]))) / accel_h
    vertical = float(np.max(np.abs(jumps[:, 2]))) / accel_v
    return 0.5 * max(horizontal, vertical)


def leg_modes(points_m: Array) -> list[px4.FlightMode]:
    """The PX4 mode a vehicle shows on each leg: TAKEOFF on the climb off the ground, LAND on
    the final descent, LOITER on a hover, MISSION otherwise."""
    steps = np.diff(points_m, axis=0)
    still = np.hypot(steps[:, 0], steps[:, 1]) < STILL_M
    modes = [
        px4.LOITER if s and abs(dz) < STILL_M else px4.MISSION
        for s, dz in zip(still, steps[:, 2], strict=True)
    ]
    for k in range(len(modes)):
        if not (still[k] and steps[k, 2] > 0):
            break
        modes[k] = px4.TAKEOFF
    for k in reversed(range(len(modes))):
        if not (still[k] and steps[k, 2] < 0):
            break
        modes[k] = px4.LAND
    return modes
