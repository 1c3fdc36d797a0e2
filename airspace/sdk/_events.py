"""Watched events in one line each, for logs and terminals."""

from __future__ import annotations

from airspace.timestamps import from_timestamp
from airspace.v1 import flight_plan_pb2, monitor_service_pb2, telemetry_pb2


def conformance_line(a: telemetry_pb2.ConformanceAlert) -> str:
    """A conformance alert in one line."""
    kind = telemetry_pb2.AlertKind.Name(a.kind).removeprefix("ALERT_KIND_")
    return f"{kind:<18} {a.registration_id} plan {a.flight_plan_id or '-'}: {a.reason}"


def conflict_line(c: telemetry_pb2.TacticalConflict, now_s: float) -> str:
    """A predicted conflict (or loss of separation) and its advisories, in one line."""
    label = "LOSS OF SEPARATION" if c.loss_of_separation else "CONFLICT"
    advice = "; ".join(f"{a.registration_id}: {a.description}" for a in c.advisories)
    wait = from_timestamp(c.closest_approach_time) - now_s
    return (
        f"{label:<18} {c.registration_id_a} × {c.registration_id_b} closest "
        f"{c.closest_horizontal_distance_m:.0f} m / {c.closest_vertical_distance_m:.0f} m "
        f"in {wait:.0f} s. {advice}"
    )


def describe_event(event: monitor_service_pb2.WatchAirspaceResponse) -> str | None:
    """One line for a person about a watched event; None for a traffic snapshot.

    >>> for event in client.follow_flights(plan_ids):
    ...     print(describe_event(event))
    PLAN ACTIVATED     3f0c… (op-demo)
    """
    which = event.WhichOneof("event")
    if which == "conformance":
        return conformance_line(event.conformance)
    if which == "conflict":
        return conflict_line(event.conflict, from_timestamp(event.time))
    if which == "plan":
        state = flight_plan_pb2.FlightPlanState.Name(event.plan.state).split("_")[-1]
        return f"PLAN {state:<13} {event.plan.flight_plan_id} ({event.plan.operator_id})"
    if which == "geozone":
        change = "deleted" if event.geozone.deleted else "published"
        return f"GEOZONE {change:<10} {event.geozone.geozone_id}"
    return None
