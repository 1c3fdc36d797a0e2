"""The demo's scene in Futian, Shenzhen: a logistics firm's orders, two extra drones on one
street corridor, and the faults that push drones off their plans.

Everything is placed relative to ``now`` when the story runs; ``FAST`` shrinks the distances
and the lead time so that the whole story takes about a minute and a half instead of three.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from airspace.sdk import plan_from_geojson
from airspace.v1 import flight_plan_pb2
from sitl.faults import Faults

LatLon = tuple[float, float]

DEPOTS: dict[str, LatLon] = {"futian-hub": (22.5400, 114.0570), "lianhua-hub": (22.5470, 114.0500)}
DRONES = {"SZ-01": "futian-hub", "SZ-02": "futian-hub", "SZ-03": "lianhua-hub"}
"""The firm's drones (registration → depot)."""
ORDERS: dict[str, tuple[str, LatLon]] = {
    "ORD-1": ("futian-hub", (22.5370, 114.0610)),
    "ORD-2": ("futian-hub", (22.5425, 114.0615)),
    "ORD-3": ("lianhua-hub", (22.5500, 114.0470)),
}
"""Order → (depot, drop-off), each about 500 m from its depot."""
DRIFTING = "SZ-01"
"""The delivery drone the wind pushes off its plan."""
CORRIDOR: tuple[LatLon, LatLon] = ((22.5520, 114.0530), (22.5520, 114.0600))
"""A street north of the depots, about 720 m west to east."""
HEAD_ON = ("SZ-90", "SZ-91")
"""The first flies the corridor west to east; the second east to west (20 m further north),
booked to depart after the first has landed, and departs early instead."""
SIDE_M = 20.0
VEHICLE = {
    "cruise_speed_mps": 15.0,
    "max_speed_mps": 20.0,
    "climb_rate_mps": 3.0,
    "descent_rate_mps": 3.0,
    "endurance_s": 1800.0,
}
M_PER_DEG = 111_320.0


@dataclass(frozen=True, slots=True)
class Scenario:
    lead_s: float
    """The firm's flights depart this long after it plans them (and no earlier)."""
    scale: float
    """Distances from the depots (and the corridor's length) relative to the full story."""
    altitude_m: tuple[float, float]
    """The firm's cruise band (m AGL); the corridor is flown at its lower edge."""
    window_s: float
    """Each order must be delivered within this long after the flights may start."""
    drift_m: float
    """How far the drifting drone is pushed off its track (1 m/s from departure)."""
    head_on_after_s: float
    """The head-on pair departs this long after the firm's first flights may."""
    planning_s: float
    """How long the firm's solver may search."""


STORY = Scenario(
    lead_s=15, scale=1.0, altitude_m=(30, 60), window_s=100, drift_m=40, head_on_after_s=10,
    planning_s=2,
)  # fmt: skip
FAST = Scenario(
    lead_s=8, scale=0.5, altitude_m=(20, 40), window_s=60, drift_m=30, head_on_after_s=4,
    planning_s=1,
)  # fmt: skip


def _toward(origin: LatLon, point: LatLon, scale: float) -> LatLon:
    return origin[0] + (point[0] - origin[0]) * scale, origin[1] + (point[1] - origin[1]) * scale


def orders_document(scenario: Scenario) -> dict[str, Any]:
    """The firm's orders in the SDK's document form (``deliveries_request``)."""
    return {
        "depots": [{"id": d, "lat": lat, "lon": lon} for d, (lat, lon) in DEPOTS.items()],
        "drones": [{"id": r, "depot": d, "capacity_kg": 2.5, **VEHICLE} for r, d in DRONES.items()],
        "orders": [
            {
                "id": order,
                "depot": depot,
                "lat": at[0],
                "lon": at[1],
                "weight_kg": 1.0,
                "earliest_s": 0,
                "latest_s": scenario.window_s,
            }
            for order, (depot, raw) in ORDERS.items()
            for at in [_toward(DEPOTS[depot], raw, scenario.scale)]
        ],
        "altitude_m": list(scenario.altitude_m),
        "horizon_s": 900,
        "time_limit_s": scenario.planning_s,
    }


def _corridor(scenario: Scenario) -> tuple[LatLon, LatLon]:
    west, east = CORRIDOR
    middle = ((west[0] + east[0]) / 2, (west[1] + east[1]) / 2)
    return _toward(middle, west, scenario.scale), _toward(middle, east, scenario.scale)


def _crossing(
    registration: str, start: LatLon, end: LatLon, altitude_m: float
) -> tuple[dict[str, Any], float]:
    """A GeoJSON trajectory (climb, cruise, descent) and how long it takes."""
    north_m = (end[0] - start[0]) * M_PER_DEG
    east_m = (end[1] - start[1]) * M_PER_DEG * math.cos(math.radians(start[0]))
    cruise_s = math.hypot(north_m, east_m) / VEHICLE["cruise_speed_mps"]
    climb_s = altitude_m / VEHICLE["climb_rate_mps"]
    times = [0.0, climb_s, climb_s + cruise_s, 2 * climb_s + cruise_s]
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [
                [start[1], start[0], 0.0],
                [start[1], start[0], altitude_m],
                [end[1], end[0], altitude_m],
                [end[1], end[0], 0.0],
            ],
        },
        "properties": {
            "times": times,
            "vehicle": {"registration_id": registration, **VEHICLE},
            "priority": "commercial",
            "tolerance": {"horizontal_m": 5, "vertical_m": 5},
        },
    }
    return feature, times[-1]


@dataclass(frozen=True, slots=True)
class HeadOn:
    plans: tuple[flight_plan_pb2.FlightPlan, flight_plan_pb2.FlightPlan]
    early_s: float
    """How early the second departs: exactly when the first does."""


def head_on(scenario: Scenario, depart_s: float) -> HeadOn:
    """The corridor's two plans: the first departs at ``depart_s``, the second 15 s after the
    first has landed, from the other end."""
    west, east = _corridor(scenario)
    north = SIDE_M / M_PER_DEG
    altitude = scenario.altitude_m[0]
    first, duration_s = _crossing(HEAD_ON[0], west, east, altitude)
    second, _ = _crossing(
        HEAD_ON[1], (east[0] + north, east[1]), (west[0] + north, west[1]), altitude
    )
    later_s = duration_s + 15.0
    return HeadOn(
        (plan_from_geojson(first, depart_s), plan_from_geojson(second, depart_s + later_s)),
        later_s,
    )


def faults(scenario: Scenario, early_s: float) -> dict[str, Faults]:
    """Registration → the faults injected into its vehicle."""
    return {DRIFTING: Faults(drift_m=scenario.drift_m), HEAD_ON[1]: Faults(early_s=early_s)}
