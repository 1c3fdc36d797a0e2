"""`airspace plan route` and `airspace plan deliveries`."""

from __future__ import annotations

import itertools
import json
import math
import time
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from airspace.sdk import AirspaceClient, deliveries_request, plan_to_geojson
from airspace.timestamps import from_timestamp, to_duration, to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2
from airspace.v1 import planner_service_pb2 as pb

DEMO_VEHICLE = flight_plan_pb2.Vehicle(
    registration_id="UAS-CLI",
    cruise_speed_mps=15,
    max_speed_mps=20,
    climb_rate_mps=3,
    descent_rate_mps=3,
    endurance=to_duration(1800),
)


def latlng(text: str) -> common_pb2.LatLng:
    lat, lon = (float(v) for v in text.split(","))
    return common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon)


def route_request(
    origin: str, destination: str, depart_in_s: float, window_s: float, altitude: str, submit: bool
) -> pb.PlanRouteRequest:
    lower, upper = (float(v) for v in altitude.split(","))
    depart = time.time() + depart_in_s
    return pb.PlanRouteRequest(
        origin=latlng(origin),
        destination=latlng(destination),
        earliest_departure_time=to_timestamp(depart),
        latest_arrival_time=to_timestamp(depart + window_s),
        vehicle=DEMO_VEHICLE,
        altitude=common_pb2.AltitudeBand(lower_m=lower, upper_m=upper),
        tolerance=flight_plan_pb2.NavigationTolerance(horizontal_m=5, vertical_m=5),
        priority=flight_plan_pb2.PRIORITY_COMMERCIAL,
        submit=submit,
        request_id=str(uuid.uuid4()) if submit else "",
    )


def show_route(answer: pb.PlanRouteResponse, console: Console) -> bool:
    """Print a route answer; whether a route was found (and, if submitted, accepted)."""
    if answer.no_route_reason:
        console.print(f"[red]no route[/] {answer.no_route_reason}: {answer.no_route_detail}")
        return False
    plan = answer.flight_plan
    console.print(
        f"route: {answer.length_m / 1000:.2f} km, {answer.duration.seconds / 60:.1f} min, "
        f"{answer.energy_wh:.0f} Wh, cruise {answer.cruise_altitude_m:.0f} m, "
        f"stretch {answer.stretch:.3f}, departs {answer.departure_delay.seconds} s after the "
        f"earliest time, {len(plan.trajectory.waypoints)} waypoints"
    )
    if answer.HasField("submission"):
        state = flight_plan_pb2.FlightPlanState.Name(plan.state).split("_")[-1]
        console.print(f"submitted as {plan.flight_plan_id}: {state}")
        return plan.state == flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
    return True


def plan_deliveries(
    client: AirspaceClient,
    path: Path,
    start_in_s: float,
    submit: bool,
    time_limit_s: float,
    console: Console,
) -> pb.PlanDeliveriesResponse:
    request = deliveries_request(json.loads(path.read_text()), time.time() + start_in_s)
    request.submit = submit
    request.request_id = str(uuid.uuid4()) if submit else ""
    request.time_limit.CopyFrom(to_duration(time_limit_s))
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("planning deliveries", total=1.0)
        return client.plan_deliveries(request, lambda f: bar.update(task, completed=f))


def show_deliveries(answer: pb.PlanDeliveriesResponse, console: Console) -> None:
    table = Table("drone", "order", "departs", "arrives", "km", "state")
    for flight in answer.flights:
        plan = flight.flight_plan
        points = plan.trajectory.waypoints
        km = _length_km(points)
        table.add_row(
            flight.drone_id,
            ", ".join(flight.order_ids) or "(return)",
            _clock(points[0].time),
            _clock(points[-1].time),
            f"{km:.2f}",
            flight_plan_pb2.FlightPlanState.Name(plan.state).split("_")[-1].lower(),
        )
    console.print(table)
    served = sum(bool(f.order_ids) for f in answer.flights)
    console.print(
        f"{served} orders delivered in {len(answer.flights)} flights; "
        f"{len(answer.unserved)} unserved"
    )
    for u in answer.unserved:
        console.print(f"  [yellow]{u.order_id}[/] {u.reason}: {u.detail}")


def geojson(answer: pb.PlanDeliveriesResponse) -> dict[str, Any]:
    features = []
    for flight in answer.flights:
        feature = plan_to_geojson(flight.flight_plan)
        feature["properties"].update(drone_id=flight.drone_id, order_ids=list(flight.order_ids))
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def _clock(ts: Any) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(from_timestamp(ts)))


def _length_km(points: Any) -> float:
    """Horizontal length of a trajectory (local approximation, for display)."""
    total = 0.0
    for a, b in itertools.pairwise(points):
        dlat = (b.position.latitude_deg - a.position.latitude_deg) * 111.32
        dlon = (
            (b.position.longitude_deg - a.position.longitude_deg)
            * 111.32
            * math.cos(math.radians(a.position.latitude_deg))
        )
        total += math.hypot(dlat, dlon)
    return total
