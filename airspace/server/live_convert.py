"""Live-traffic messages ↔ domain values (telemetry, alerts, conflicts, watch events)."""

from __future__ import annotations

from airspace.events import (
    AlertKind,
    ConflictAlert,
    ConformanceAlert,
    Event,
    GeozoneChanged,
    PlanChanged,
    TrackRecord,
    TrafficSnapshot,
)
from airspace.model import LatLng, PlanState
from airspace.server.convert import STATES_OUT, geozone_out, latlng_out, time_in, time_out
from airspace.telemetry import VehicleState
from airspace.v1 import flight_plan_pb2, telemetry_pb2
from airspace.v1 import monitor_service_pb2 as monitor_pb

ALERT_KINDS_OUT = {
    AlertKind.NONCONFORMING: telemetry_pb2.ALERT_KIND_NONCONFORMING,
    AlertKind.CONTINGENT: telemetry_pb2.ALERT_KIND_CONTINGENT,
    AlertKind.CONFORMING: telemetry_pb2.ALERT_KIND_CONFORMING,
    AlertKind.NO_ACTIVATED_PLAN: telemetry_pb2.ALERT_KIND_NO_ACTIVATED_PLAN,
    AlertKind.TELEMETRY_LOST: telemetry_pb2.ALERT_KIND_TELEMETRY_LOST,
}


def _state_out(state: PlanState | None) -> flight_plan_pb2.FlightPlanState:
    return STATES_OUT[state] if state else flight_plan_pb2.FLIGHT_PLAN_STATE_UNSPECIFIED


def state_in(msg: telemetry_pb2.VehicleState) -> VehicleState:
    return VehicleState(
        registration_id=msg.registration_id,
        flight_plan_id=msg.flight_plan_id,
        time_s=time_in(msg.time, msg.HasField("time")),
        position=LatLng(msg.position.latitude_deg, msg.position.longitude_deg),
        altitude_m=msg.altitude_m,
        velocity_north_mps=msg.velocity_north_mps,
        velocity_east_mps=msg.velocity_east_mps,
        velocity_down_mps=msg.velocity_down_mps,
        horizontal_accuracy_m=msg.horizontal_accuracy_m,
        vertical_accuracy_m=msg.vertical_accuracy_m,
    )


def state_out(state: VehicleState) -> telemetry_pb2.VehicleState:
    return telemetry_pb2.VehicleState(
        registration_id=state.registration_id,
        flight_plan_id=state.flight_plan_id,
        time=time_out(state.time_s),
        position=latlng_out(state.position),
        altitude_m=state.altitude_m,
        velocity_north_mps=state.velocity_north_mps,
        velocity_east_mps=state.velocity_east_mps,
        velocity_down_mps=state.velocity_down_mps,
        horizontal_accuracy_m=state.horizontal_accuracy_m,
        vertical_accuracy_m=state.vertical_accuracy_m,
    )


def conformance_out(alert: ConformanceAlert) -> telemetry_pb2.ConformanceAlert:
    return telemetry_pb2.ConformanceAlert(
        kind=ALERT_KINDS_OUT[alert.kind],
        registration_id=alert.registration_id,
        flight_plan_id=alert.flight_plan_id,
        operator_id=alert.operator_id,
        plan_state=_state_out(alert.plan_state),
        position=latlng_out(alert.position),
        altitude_m=alert.altitude_m,
        deviation_m=alert.deviation_m,
        reason=alert.reason,
    )


def conflict_out(alert: ConflictAlert) -> telemetry_pb2.TacticalConflict:
    return telemetry_pb2.TacticalConflict(
        registration_id_a=alert.a.state.registration_id,
        registration_id_b=alert.b.state.registration_id,
        flight_plan_id_a=alert.a.state.flight_plan_id,
        flight_plan_id_b=alert.b.state.flight_plan_id,
        loss_of_separation=alert.loss_of_separation,
        start_time=time_out(alert.start_s),
        closest_approach_time=time_out(alert.closest_approach_s),
        closest_horizontal_distance_m=alert.closest_horizontal_m,
        closest_vertical_distance_m=alert.closest_vertical_m,
        advisories=[
            telemetry_pb2.ResolutionAdvisory(
                registration_id=a.registration_id,
                kind=a.kind,
                heading_change_deg=a.heading_change_deg,
                target_altitude_m=a.target_altitude_m,
                target_speed_mps=a.target_speed_mps,
                description=a.description,
            )
            for a in alert.advisories
        ],
    )


def track_out(record: TrackRecord) -> monitor_pb.Track:
    return monitor_pb.Track(
        state=state_out(record.state),
        plan_state=_state_out(record.plan_state),
        operator_id=record.operator_id,
    )


def watch_out(event: Event, dropped_snapshots: int = 0) -> monitor_pb.WatchAirspaceResponse:
    response = monitor_pb.WatchAirspaceResponse(
        time=time_out(event.time_s), dropped_snapshot_count=dropped_snapshots
    )
    if isinstance(event, TrafficSnapshot):
        response.traffic.tracks.extend(track_out(t) for t in event.tracks)
    elif isinstance(event, ConformanceAlert):
        response.conformance.CopyFrom(conformance_out(event))
    elif isinstance(event, ConflictAlert):
        response.conflict.CopyFrom(conflict_out(event))
    elif isinstance(event, PlanChanged):
        response.plan.CopyFrom(
            monitor_pb.PlanEvent(
                flight_plan_id=event.plan.flight_plan_id,
                operator_id=event.plan.operator_id,
                state=STATES_OUT[event.plan.state],
                reason=event.plan.state_reason,
            )
        )
    elif isinstance(event, GeozoneChanged):
        response.geozone.geozone_id = event.geozone_id
        response.geozone.deleted = event.geozone is None
        if event.geozone is not None:
            response.geozone.geozone.CopyFrom(geozone_out(event.geozone))
    return response
