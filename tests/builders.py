"""Flight plans as the API sees them, built the way a delivery flies: climb, cruise, descend."""

from __future__ import annotations

import math

from airspace.timestamps import to_duration, to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2

EARTH_M_PER_DEG = 111_320.0
DEPOT = (22.5400, 114.0570)
"""A point in the demo city's clear corridor (lat, lon)."""


def offset(origin: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    """A point east/north of ``origin`` (small distances, local approximation)."""
    lat, lon = origin
    return (
        lat + north_m / EARTH_M_PER_DEG,
        lon + east_m / (EARTH_M_PER_DEG * math.cos(math.radians(lat))),
    )


def vehicle(registration_id: str = "UAS-TEST-1") -> flight_plan_pb2.Vehicle:
    return flight_plan_pb2.Vehicle(
        registration_id=registration_id,
        cruise_speed_mps=15.0,
        max_speed_mps=20.0,
        climb_rate_mps=3.0,
        descent_rate_mps=3.0,
        endurance=to_duration(1800),
    )


def delivery(
    depart_s: float,
    origin: tuple[float, float],
    destination: tuple[float, float],
    altitude_m: float = 60.0,
    speed_mps: float = 15.0,
    priority: int = flight_plan_pb2.PRIORITY_COMMERCIAL,
    tolerance_m: float = 5.0,
) -> flight_plan_pb2.FlightPlan:
    """Vertical climb at 3 m/s, a straight cruise leg, vertical descent at 3 m/s."""
    dlat = (destination[0] - origin[0]) * EARTH_M_PER_DEG
    dlon = (destination[1] - origin[1]) * EARTH_M_PER_DEG * math.cos(math.radians(origin[0]))
    cruise_s = max(1.0, math.hypot(dlat, dlon) / speed_mps)
    climb_s = altitude_m / 3.0
    points = [
        (origin, 0.0, 0.0),
        (origin, altitude_m, climb_s),
        (destination, altitude_m, climb_s + cruise_s),
        (destination, 0.0, 2 * climb_s + cruise_s),
    ]
    return flight_plan_pb2.FlightPlan(
        vehicle=vehicle(),
        priority=priority,
        tolerance=flight_plan_pb2.NavigationTolerance(
            horizontal_m=tolerance_m, vertical_m=tolerance_m
        ),
        trajectory=flight_plan_pb2.Trajectory(
            waypoints=[
                flight_plan_pb2.Waypoint(
                    position=common_pb2.LatLng(latitude_deg=p[0], longitude_deg=p[1]),
                    altitude_m=alt,
                    time=to_timestamp(depart_s + t),
                )
                for p, alt, t in points
            ]
        ),
    )


def area_plan(
    start_s: float,
    end_s: float,
    center: tuple[float, float],
    radius_m: float,
    lower_m: float = 0.0,
    upper_m: float = 80.0,
) -> flight_plan_pb2.FlightPlan:
    """An inspection over a circle: the ASTM F3548 volume shape."""
    return flight_plan_pb2.FlightPlan(
        vehicle=vehicle("UAS-AREA-1"),
        priority=flight_plan_pb2.PRIORITY_COMMERCIAL,
        tolerance=flight_plan_pb2.NavigationTolerance(horizontal_m=0, vertical_m=0),
        volumes=flight_plan_pb2.VolumeSet(
            volumes=[
                flight_plan_pb2.Volume4D(
                    area=common_pb2.Area(
                        circle=common_pb2.Circle(
                            center=common_pb2.LatLng(
                                latitude_deg=center[0], longitude_deg=center[1]
                            ),
                            radius_m=radius_m,
                        )
                    ),
                    altitude=common_pb2.AltitudeBand(lower_m=lower_m, upper_m=upper_m),
                    time_window=common_pb2.TimeWindow(
                        start_time=to_timestamp(start_s), end_time=to_timestamp(end_s)
                    ),
                )
            ]
        ),
    )
