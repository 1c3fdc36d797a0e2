"""Is a reported state inside its plan's 4-D volume? The same exact geometry as deconfliction.

A vehicle conforms at time t when, at some moment within ``conformance_time_tolerance_s`` of t,
its reported position is within the plan's navigation tolerance (plus the report's stated
accuracy) of where the plan puts it — horizontally and vertically at once.
"""

from __future__ import annotations

import math

import shapely

from airspace.deconfliction import TOUCH_M, Deconflictor
from airspace.footprint import Footprint, Track
from airspace.model import FlightPlan
from airspace.separation import first_encounter
from airspace.telemetry import VehicleState


def deviation_m(deconflictor: Deconflictor, plan: FlightPlan, state: VehicleState) -> float:
    """0 when the state conforms to the plan; else how far (metres, horizontally) it is from
    where the plan puts it at that time."""
    config = deconflictor.config
    x, y = deconflictor.projection.to_xy(state.position.lat, state.position.lon)
    tau = config.conformance_time_tolerance_s
    t = state.time_s
    here = Footprint(
        plan_id="state",
        priority=plan.priority,
        tolerance_h_m=0.0,
        tolerance_v_m=0.0,
        track=Track((t - tau, t + tau), (x, x), (y, y), (state.altitude_m, state.altitude_m)),
        volumes=(),
        start_s=t - tau,
        end_s=t + tau,
        bounds=(x, y, x, y),
    )
    planned = deconflictor.footprint(plan)
    h = plan.tolerance.horizontal_m + state.horizontal_accuracy_m + TOUCH_M
    v = plan.tolerance.vertical_m + state.vertical_accuracy_m + TOUCH_M
    if first_encounter(planned, here, h, v) is not None:
        return 0.0
    return _distance_to_plan(planned, x, y, t)


def _distance_to_plan(planned: Footprint, x: float, y: float, t: float) -> float:
    if planned.track is not None:
        clamped = min(max(t, planned.start_s), planned.end_s)
        px, py, _ = planned.track.position_at(clamped)
        return max(math.hypot(px - x, py - y), TOUCH_M)
    point = shapely.Point(x, y)
    distances = [v.shape.distance_to_geometry(point) for v in planned.volumes]
    return max(min(distances, default=math.inf), TOUCH_M)
