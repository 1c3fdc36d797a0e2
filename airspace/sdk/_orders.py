"""Delivery orders as a logistics firm writes them: a small JSON document.

    {"depots": [{"id": "A", "lat": 22.54, "lon": 114.057}],
     "drones": [{"id": "D1", "depot": "A", "capacity_kg": 2.5, "cruise_speed_mps": 15,
                 "max_speed_mps": 20, "climb_rate_mps": 3, "descent_rate_mps": 3,
                 "endurance_s": 1800}],
     "orders": [{"id": "O1", "depot": "A", "lat": 22.545, "lon": 114.07, "weight_kg": 1.2,
                 "earliest_s": 600, "latest_s": 3600, "priority": "commercial"}],
     "altitude_m": [40, 80], "horizon_s": 14400, "time_limit_s": 5}

Times are seconds after the plan's start, given when the document is read; ``time_limit_s``
(optional) is how long the solver may search.
"""

from __future__ import annotations

from typing import Any

from airspace.errors import FieldViolation, InvalidArgument
from airspace.timestamps import to_duration, to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2
from airspace.v1 import planner_service_pb2 as pb

PRIORITIES = ("recreational", "commercial", "public_service", "emergency")


def deliveries_request(document: dict[str, Any], start_s: float) -> pb.PlanDeliveriesRequest:
    """A PlanDeliveries request from an orders document, its times counted from ``start_s``
    (seconds since the epoch). Raises ``InvalidArgument`` when the document is malformed.

    >>> request = deliveries_request(json.load(open("orders.json")), time.time() + 600)
    >>> request.submit, request.request_id = True, "firm-42/2026-12-01"
    """
    try:
        lower, upper = document.get("altitude_m", (40.0, 80.0))
        request = pb.PlanDeliveriesRequest(
            depots=[pb.Depot(depot_id=d["id"], position=_at(d)) for d in document["depots"]],
            drones=[_drone(d) for d in document["drones"]],
            orders=[_order(o, start_s) for o in document["orders"]],
            altitude=common_pb2.AltitudeBand(lower_m=lower, upper_m=upper),
            tolerance=flight_plan_pb2.NavigationTolerance(horizontal_m=5, vertical_m=5),
            horizon_start_time=to_timestamp(start_s),
            horizon_end_time=to_timestamp(start_s + float(document.get("horizon_s", 14_400))),
        )
        if "time_limit_s" in document:
            request.time_limit.CopyFrom(to_duration(float(document["time_limit_s"])))
        return request
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidArgument(
            [FieldViolation("orders document", f"missing or malformed: {exc}")]
        ) from exc


def _at(item: dict[str, Any]) -> common_pb2.LatLng:
    return common_pb2.LatLng(latitude_deg=float(item["lat"]), longitude_deg=float(item["lon"]))


def _drone(d: dict[str, Any]) -> pb.Drone:
    return pb.Drone(
        drone_id=d["id"],
        depot_id=d["depot"],
        payload_capacity_kg=float(d["capacity_kg"]),
        vehicle=flight_plan_pb2.Vehicle(
            registration_id=d.get("registration_id", d["id"]),
            cruise_speed_mps=float(d["cruise_speed_mps"]),
            max_speed_mps=float(d["max_speed_mps"]),
            climb_rate_mps=float(d["climb_rate_mps"]),
            descent_rate_mps=float(d["descent_rate_mps"]),
            endurance=to_duration(float(d["endurance_s"])),
        ),
    )


def _order(o: dict[str, Any], start_s: float) -> pb.Order:
    priority = PRIORITIES.index(str(o.get("priority", "commercial")).lower()) + 1
    return pb.Order(
        order_id=o["id"],
        pickup_depot_id=o["depot"],
        dropoff=_at(o),
        weight_kg=float(o["weight_kg"]),
        earliest_delivery_time=to_timestamp(start_s + float(o["earliest_s"])),
        latest_delivery_time=to_timestamp(start_s + float(o["latest_s"])),
        priority=flight_plan_pb2.Priority.Name(priority),
    )
