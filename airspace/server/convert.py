"""Protobuf messages ↔ domain values, at the edge and nowhere else.

Reading a request collects every structural problem (a missing oneof, an unspecified enum) as a
field violation; semantic checks happen in ``airspace.validation``. Unset timestamps become NaN so
that validation reports them as required.
"""

from __future__ import annotations

import math

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp

from airspace.model import (
    AltitudeBand,
    Circle,
    Conflict,
    FlightPlan,
    Geozone,
    GeozoneKind,
    GeozoneViolation,
    LatLng,
    NavigationTolerance,
    PlanState,
    Polygon,
    Priority,
    Shape,
    SubmissionOutcome,
    TimeWindow,
    Vehicle,
    Volume4D,
    Waypoint,
)
from airspace.timestamps import (
    from_duration,
    from_timestamp,
    split_seconds,
    to_duration,
    to_timestamp,
)
from airspace.v1 import common_pb2, flight_plan_pb2, flight_plan_service_pb2, geozone_pb2
from airspace.validation import Violations

NAN = math.nan

ZONE_KINDS = {
    geozone_pb2.GEOZONE_KIND_PROHIBITED: GeozoneKind.PROHIBITED,
    geozone_pb2.GEOZONE_KIND_RESTRICTED: GeozoneKind.RESTRICTED,
    geozone_pb2.GEOZONE_KIND_CONDITIONAL: GeozoneKind.CONDITIONAL,
}
ZONE_KINDS_OUT = {v: k for k, v in ZONE_KINDS.items()}
PRIORITIES = {
    flight_plan_pb2.PRIORITY_RECREATIONAL: Priority.RECREATIONAL,
    flight_plan_pb2.PRIORITY_COMMERCIAL: Priority.COMMERCIAL,
    flight_plan_pb2.PRIORITY_PUBLIC_SERVICE: Priority.PUBLIC_SERVICE,
    flight_plan_pb2.PRIORITY_EMERGENCY: Priority.EMERGENCY,
}
PRIORITIES_OUT = {v: k for k, v in PRIORITIES.items()}
STATES = {
    flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED: PlanState.ACCEPTED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_ACTIVATED: PlanState.ACTIVATED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_NONCONFORMING: PlanState.NONCONFORMING,
    flight_plan_pb2.FLIGHT_PLAN_STATE_CONTINGENT: PlanState.CONTINGENT,
    flight_plan_pb2.FLIGHT_PLAN_STATE_ENDED: PlanState.ENDED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_CANCELLED: PlanState.CANCELLED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_REJECTED: PlanState.REJECTED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_PREEMPTED: PlanState.PREEMPTED,
}
STATES_OUT = {v: k for k, v in STATES.items()}


# -- scalars -----------------------------------------------------------------------------------
def time_in(ts: Timestamp, present: bool = True) -> float:
    """Seconds since the epoch; NaN for an unset field, which validation reports as required."""
    return from_timestamp(ts) if present else NAN


time_out = to_timestamp
duration_in = from_duration
duration_out = to_duration


def _set_time(target: Timestamp | Duration, seconds: float) -> None:
    """Set a Timestamp or Duration field in place (it is then present, even at zero)."""
    target.seconds, target.nanos = split_seconds(seconds)


def latlng_in(p: common_pb2.LatLng) -> LatLng:
    return LatLng(p.latitude_deg, p.longitude_deg)


def latlng_out(p: LatLng) -> common_pb2.LatLng:
    return common_pb2.LatLng(latitude_deg=p.lat, longitude_deg=p.lon)


# -- shapes ------------------------------------------------------------------------------------
def area_in(msg: common_pb2.Area, field: str, out: Violations) -> Shape | None:
    which = msg.WhichOneof("shape")
    if which == "circle":
        return Circle(latlng_in(msg.circle.center), msg.circle.radius_m)
    if which == "polygon":
        return Polygon(tuple(latlng_in(v) for v in msg.polygon.vertices))
    out.add(field, "set a polygon or a circle")
    return None


def area_out(shape: Shape) -> common_pb2.Area:
    if isinstance(shape, Circle):
        return common_pb2.Area(
            circle=common_pb2.Circle(center=latlng_out(shape.center), radius_m=shape.radius_m)
        )
    return common_pb2.Area(
        polygon=common_pb2.Polygon(vertices=[latlng_out(v) for v in shape.vertices])
    )


def band_in(msg: common_pb2.AltitudeBand) -> AltitudeBand:
    return AltitudeBand(msg.lower_m, msg.upper_m)


def band_out(band: AltitudeBand) -> common_pb2.AltitudeBand:
    return common_pb2.AltitudeBand(lower_m=band.lower_m, upper_m=band.upper_m)


def window_in(msg: common_pb2.TimeWindow) -> TimeWindow:
    return TimeWindow(
        time_in(msg.start_time, msg.HasField("start_time")),
        time_in(msg.end_time, msg.HasField("end_time")),
    )


def window_out(window: TimeWindow) -> common_pb2.TimeWindow:
    return common_pb2.TimeWindow(
        start_time=time_out(window.start_s), end_time=time_out(window.end_s)
    )


# -- geozones ----------------------------------------------------------------------------------
def geozone_in(msg: geozone_pb2.Geozone, field: str = "geozone") -> Geozone:
    out = Violations()
    kind = ZONE_KINDS.get(msg.kind)
    if kind is None:
        out.add(f"{field}.kind", "set PROHIBITED, RESTRICTED or CONDITIONAL")
    area = area_in(msg.area, f"{field}.area", out)
    if not msg.HasField("altitude"):
        out.add(f"{field}.altitude", "is required")
    out.raise_if_any()
    assert kind is not None and area is not None
    return Geozone(
        geozone_id=msg.geozone_id,
        name=msg.name,
        kind=kind,
        area=area,
        altitude=band_in(msg.altitude),
        schedule=tuple(window_in(w) for w in msg.schedule),
        authorized_operator_ids=frozenset(msg.authorized_operator_ids),
        message=msg.message,
    )


def geozone_out(zone: Geozone) -> geozone_pb2.Geozone:
    return geozone_pb2.Geozone(
        geozone_id=zone.geozone_id,
        name=zone.name,
        kind=ZONE_KINDS_OUT[zone.kind],
        area=area_out(zone.area),
        altitude=band_out(zone.altitude),
        schedule=[window_out(w) for w in zone.schedule],
        authorized_operator_ids=sorted(zone.authorized_operator_ids),
        message=zone.message,
        update_time=time_out(zone.update_time_s),
    )


# -- flight plans ------------------------------------------------------------------------------
def vehicle_in(msg: flight_plan_pb2.Vehicle) -> Vehicle:
    return Vehicle(
        registration_id=msg.registration_id,
        cruise_speed_mps=msg.cruise_speed_mps,
        max_speed_mps=msg.max_speed_mps,
        climb_rate_mps=msg.climb_rate_mps,
        descent_rate_mps=msg.descent_rate_mps,
        endurance_s=duration_in(msg.endurance),
    )


def plan_in(msg: flight_plan_pb2.FlightPlan, field: str = "flight_plan") -> FlightPlan:
    """A submitted plan (output-only fields ignored)."""
    out = Violations()
    priority = PRIORITIES.get(msg.priority)
    if priority is None:
        out.add(f"{field}.priority", "set RECREATIONAL, COMMERCIAL, PUBLIC_SERVICE or EMERGENCY")
    if not msg.HasField("vehicle"):
        out.add(f"{field}.vehicle", "is required")
    waypoints: tuple[Waypoint, ...] = ()
    volumes: list[Volume4D] = []
    which = msg.WhichOneof("shape")
    if which == "trajectory":
        waypoints = tuple(
            Waypoint(latlng_in(w.position), w.altitude_m, time_in(w.time, w.HasField("time")))
            for w in msg.trajectory.waypoints
        )
        if not waypoints:
            out.add(f"{field}.trajectory.waypoints", "a trajectory needs at least 2 waypoints")
    elif which == "volumes":
        for i, v in enumerate(msg.volumes.volumes):
            at = f"{field}.volumes.volumes[{i}]"
            area = area_in(v.area, f"{at}.area", out)
            if not v.HasField("time_window"):
                out.add(f"{at}.time_window", "is required")
            if area is not None:
                volumes.append(Volume4D(area, band_in(v.altitude), window_in(v.time_window)))
        if not msg.volumes.volumes:
            out.add(f"{field}.volumes.volumes", "set at least one volume")
    else:
        out.add(f"{field}.trajectory", "set a trajectory or volumes")
    out.raise_if_any()
    assert priority is not None
    return FlightPlan(
        flight_plan_id="",
        operator_id="",
        vehicle=vehicle_in(msg.vehicle),
        priority=priority,
        tolerance=NavigationTolerance(msg.tolerance.horizontal_m, msg.tolerance.vertical_m),
        waypoints=waypoints,
        volumes=tuple(volumes),
    )


def plan_out(plan: FlightPlan) -> flight_plan_pb2.FlightPlan:
    """The plan as a message. Built by setting fields in place (every submission answers with
    one): building each part as its own message and copying it in costs twice as much."""
    msg = flight_plan_pb2.FlightPlan(
        flight_plan_id=plan.flight_plan_id,
        operator_id=plan.operator_id,
        priority=PRIORITIES_OUT[plan.priority],
        state=STATES_OUT[plan.state],
        state_reason=plan.state_reason,
    )
    v, vehicle = plan.vehicle, msg.vehicle
    vehicle.registration_id = v.registration_id
    vehicle.cruise_speed_mps = v.cruise_speed_mps
    vehicle.max_speed_mps = v.max_speed_mps
    vehicle.climb_rate_mps = v.climb_rate_mps
    vehicle.descent_rate_mps = v.descent_rate_mps
    _set_time(vehicle.endurance, v.endurance_s)
    msg.tolerance.horizontal_m = plan.tolerance.horizontal_m
    msg.tolerance.vertical_m = plan.tolerance.vertical_m
    _set_time(msg.create_time, plan.create_time_s)
    _set_time(msg.update_time, plan.update_time_s)
    window = plan.time_window
    _set_time(msg.time_window.start_time, window.start_s)
    _set_time(msg.time_window.end_time, window.end_s)
    if plan.waypoints:
        add = msg.trajectory.waypoints.add
        for w in plan.waypoints:
            waypoint = add(altitude_m=w.altitude_m)
            waypoint.position.latitude_deg = w.position.lat
            waypoint.position.longitude_deg = w.position.lon
            _set_time(waypoint.time, w.time_s)
    else:
        msg.volumes.volumes.extend(
            flight_plan_pb2.Volume4D(
                area=area_out(v.area),
                altitude=band_out(v.altitude),
                time_window=window_out(v.time_window),
            )
            for v in plan.volumes
        )
    return msg


def conflict_out(c: Conflict) -> flight_plan_pb2.Conflict:
    return flight_plan_pb2.Conflict(
        flight_plan_id=c.flight_plan_id,
        priority=PRIORITIES_OUT[c.priority],
        time=time_out(c.time_s),
        position=latlng_out(c.position),
        altitude_m=c.altitude_m,
        horizontal_separation_m=c.horizontal_separation_m,
        vertical_separation_m=c.vertical_separation_m,
    )


def violation_out(v: GeozoneViolation) -> flight_plan_pb2.GeozoneViolation:
    return flight_plan_pb2.GeozoneViolation(
        geozone_id=v.geozone_id,
        name=v.name,
        kind=ZONE_KINDS_OUT[v.kind],
        time=time_out(v.time_s),
        position=latlng_out(v.position),
        altitude_m=v.altitude_m,
        reason=v.reason,
    )


def outcome_out(o: SubmissionOutcome) -> flight_plan_service_pb2.SubmitFlightPlanResponse:
    response = flight_plan_service_pb2.SubmitFlightPlanResponse(
        flight_plan=plan_out(o.plan),
        conflicts=[conflict_out(c) for c in o.conflicts],
        geozone_violations=[violation_out(v) for v in o.geozone_violations],
        advisories=[violation_out(v) for v in o.advisories],
        preempted_flight_plan_ids=list(o.preempted_plan_ids),
    )
    if o.alternative is not None:
        response.suggested_alternative.CopyFrom(
            flight_plan_service_pb2.SuggestedAlternative(
                description=o.alternative.description,
                departure_delay=duration_out(o.alternative.departure_delay_s),
                flight_plan=plan_out(o.alternative.plan),
            )
        )
    return response
