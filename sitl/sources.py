"""Where the fleet's routes come from: a plan file, or the service's accepted plans.

A plan file is JSON: a GeoJSON FeatureCollection of plan Features (as ``plan_to_geojson`` and
``airspace plan deliveries --geojson`` write them), one such Feature, a protobuf-JSON
``FlightPlan``, a list of them, or ``{"flight_plans": [...]}`` (a ListFlightPlans answer).
Volume plans are skipped: a multirotor flies trajectories.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from airspace.errors import InvalidArgument
from airspace.sdk import AirspaceClient, plan_from_geojson
from airspace.v1 import flight_plan_pb2
from sitl.routes import Route, route_from_plan


@dataclass(frozen=True, slots=True)
class Loaded:
    routes: list[Route]
    """Flyable routes, earliest departure first."""
    skipped: list[str]
    """Why each plan that is not flown was left out."""


def read_plan_file(path: Path, departure_s: float | None = None) -> Loaded:
    """The routes in a plan file. Relative GeoJSON times count from ``departure_s``.

    ValueError (naming the file) when the file is not one of the accepted shapes.
    """
    try:
        document = json.loads(path.read_text())
        plans = [_plan(item, departure_s) for item in _items(document)]
    except (ValueError, json_format.ParseError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    except InvalidArgument as exc:
        details = "; ".join(f"{v.field}: {v.description}" for v in exc.violations)
        raise ValueError(f"{path}: {details}") from exc
    return _flyable(plans, now_s=None)


def fetch_accepted(client: AirspaceClient, now_s: float) -> Loaded:
    """This identity's ACCEPTED trajectory plans that have not ended by ``now_s``."""
    plans = list(client.iter_flight_plans(states=[flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED]))
    return _flyable(plans, now_s)


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise ValueError("expected a JSON object or list")
    if document.get("type") == "FeatureCollection":
        return list(document.get("features") or [])
    if "flight_plans" in document:
        return list(document["flight_plans"])
    return [document]


def _plan(item: Any, departure_s: float | None) -> flight_plan_pb2.FlightPlan:
    if not isinstance(item, dict):
        raise ValueError("every plan must be a JSON object")
    if item.get("type") != "Feature":
        return json_format.ParseDict(item, flight_plan_pb2.FlightPlan())
    props = item.get("properties") or {}
    if (item.get("geometry") or {}).get("type") != "LineString":
        return flight_plan_pb2.FlightPlan(
            flight_plan_id=str(props.get("flight_plan_id") or ""),
            volumes=flight_plan_pb2.VolumeSet(),
        )
    plan = plan_from_geojson(item, departure_s)
    plan.flight_plan_id = str(props.get("flight_plan_id") or "")
    if not plan.vehicle.registration_id:
        plan.vehicle.registration_id = str(props.get("registration_id") or "")
    return plan


def _flyable(plans: list[flight_plan_pb2.FlightPlan], now_s: float | None) -> Loaded:
    routes, skipped = [], []
    for plan in plans:
        name = plan.flight_plan_id or plan.vehicle.registration_id or "(unnamed plan)"
        try:
            route = route_from_plan(plan)
        except ValueError as exc:
            skipped.append(str(exc))
            continue
        if now_s is not None and route.arrival_s <= now_s:
            skipped.append(f"plan {name} is over")
            continue
        routes.append(route)
    routes.sort(key=lambda r: r.departure_s)
    return Loaded(routes, skipped)
