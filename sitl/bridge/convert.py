"""GLOBAL_POSITION_INT → ``airspace.v1.VehicleState``."""

from __future__ import annotations

from pymavlink.dialects.v20 import common as mavlink

from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, telemetry_pb2
from sitl.bridge.settings import BridgeSettings
from sitl.bridge.vehicles import Vehicle


def vehicle_state(
    message: mavlink.MAVLink_global_position_int_message,
    vehicle: Vehicle,
    registration_id: str,
    flight_plan_id: str,
    received_s: float,
    settings: BridgeSettings,
) -> telemetry_pb2.VehicleState:
    """The state a position message reports, stamped with the time it was received.

    MAVLink gives lat/lon in 1e-7 degrees, ``alt`` in millimetres above mean sea level and
    vx/vy/vz in cm/s north/east/down; the state wants degrees, metres AGL and m/s with down
    positive when descending (the same sign as vz).
    """
    horizontal = vehicle.horizontal_accuracy_m
    vertical = vehicle.vertical_accuracy_m
    return telemetry_pb2.VehicleState(
        registration_id=registration_id,
        flight_plan_id=flight_plan_id,
        time=to_timestamp(received_s),
        position=common_pb2.LatLng(latitude_deg=message.lat / 1e7, longitude_deg=message.lon / 1e7),
        altitude_m=message.alt / 1000 - settings.ground_elevation_m,
        velocity_north_mps=message.vx / 100,
        velocity_east_mps=message.vy / 100,
        velocity_down_mps=message.vz / 100,
        horizontal_accuracy_m=(
            settings.default_horizontal_accuracy_m if horizontal is None else horizontal
        ),
        vertical_accuracy_m=settings.default_vertical_accuracy_m if vertical is None else vertical,
    )
