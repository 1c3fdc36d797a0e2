"""Vehicle states as ground stations report them, and the checks each one must pass."""

from __future__ import annotations

import math
from dataclasses import dataclass

from airspace.config import AirspaceConfig
from airspace.model import LatLng

MAX_PLAUSIBLE_SPEED_MPS = 60.0
"""Faster than any delivery multirotor: a state claiming more is a bad state, not a fast drone."""
MAX_FUTURE_S = 5.0
"""How far ahead of the server's clock a state's time may be (clock skew)."""
MAX_AGE_S = 300.0
"""States older than this are history, not live traffic."""
MAX_ID_LENGTH = 128
"""Longest registration id or flight plan id a state may carry: every alert and snapshot
repeats them, so their size bounds what each watcher's queue holds."""


@dataclass(frozen=True, slots=True)
class VehicleState:
    registration_id: str
    flight_plan_id: str
    time_s: float
    position: LatLng
    altitude_m: float
    """Metres above ground level."""
    velocity_north_mps: float
    velocity_east_mps: float
    velocity_down_mps: float
    """Positive when descending."""
    horizontal_accuracy_m: float = 0.0
    vertical_accuracy_m: float = 0.0

    @property
    def ground_speed_mps(self) -> float:
        return math.hypot(self.velocity_north_mps, self.velocity_east_mps)


def state_problems(state: VehicleState, config: AirspaceConfig, now_s: float) -> list[str]:
    """Why a state cannot be taken, as 'field: reason' strings; empty when it is fine."""
    problems = []
    values = (
        state.time_s,
        state.position.lat,
        state.position.lon,
        state.altitude_m,
        state.velocity_north_mps,
        state.velocity_east_mps,
        state.velocity_down_mps,
        state.horizontal_accuracy_m,
        state.vertical_accuracy_m,
    )
    if not state.registration_id:
        problems.append("registration_id: is required")
    for name, value in (
        ("registration_id", state.registration_id),
        ("flight_plan_id", state.flight_plan_id),
    ):
        if len(value) > MAX_ID_LENGTH:
            problems.append(f"{name}: {len(value)} characters; at most {MAX_ID_LENGTH}")
    if not all(math.isfinite(v) for v in values):
        problems.append("state: every number must be finite (no NaN or infinity)")
        return problems
    lat, lon = state.position.lat, state.position.lon
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        problems.append(f"position: ({lat}, {lon}) is not a latitude/longitude")
    elif not config.bounds.contains(lat, lon):
        problems.append(f"position: ({lat:.5f}, {lon:.5f}) is outside the managed airspace")
    if not -100 <= state.altitude_m <= 10 * config.ceiling_m:
        problems.append(f"altitude_m: {state.altitude_m} m is not a plausible altitude")
    speed = math.hypot(state.ground_speed_mps, state.velocity_down_mps)
    if speed > MAX_PLAUSIBLE_SPEED_MPS:
        problems.append(f"velocity: {speed:.0f} m/s is faster than any drone")
    if state.time_s > now_s + MAX_FUTURE_S:
        problems.append(f"time: {state.time_s - now_s:.0f} s in the future")
    elif state.time_s < now_s - MAX_AGE_S:
        problems.append(f"time: {now_s - state.time_s:.0f} s old")
    if state.horizontal_accuracy_m < 0 or state.vertical_accuracy_m < 0:
        problems.append("accuracy: must not be negative")
    return problems
