"""The messages a vehicle streams, how often, and how each is built from its ``Report``.

Rates are PX4's on its offboard link, except GLOBAL_POSITION_INT, whose rate the fleet sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymavlink.dialects.v20 import common as mavlink

from sitl import px4

UNKNOWN_U16 = 0xFFFF
SENSORS = (
    mavlink.MAV_SYS_STATUS_SENSOR_3D_GYRO
    | mavlink.MAV_SYS_STATUS_SENSOR_3D_ACCEL
    | mavlink.MAV_SYS_STATUS_SENSOR_3D_MAG
    | mavlink.MAV_SYS_STATUS_SENSOR_ABSOLUTE_PRESSURE
    | mavlink.MAV_SYS_STATUS_SENSOR_GPS
    | mavlink.MAV_SYS_STATUS_SENSOR_MOTOR_OUTPUTS
    | mavlink.MAV_SYS_STATUS_AHRS
    | mavlink.MAV_SYS_STATUS_SENSOR_BATTERY
)
AUTO_FLAGS = (
    mavlink.MAV_MODE_FLAG_AUTO_ENABLED
    | mavlink.MAV_MODE_FLAG_GUIDED_ENABLED
    | mavlink.MAV_MODE_FLAG_STABILIZE_ENABLED
)
CELLS = 4


@dataclass(slots=True)
class Report:
    """One vehicle's state as its messages state it: MAVLink units, AMSL altitudes."""

    boot_ms: int
    time_usec: int
    lat_e7: int
    lon_e7: int
    alt_mm: int
    """AMSL."""
    relative_alt_mm: int
    """Above home."""
    vn_cms: int
    ve_cms: int
    vd_cms: int
    heading_cdeg: int
    ground_speed_cms: int
    h_acc_mm: int
    v_acc_mm: int
    armed: bool
    airborne: bool
    mode: px4.FlightMode
    battery_pct: int
    battery_mv: int
    current_ca: int
    consumed_mah: int
    home_lat_e7: int
    home_lon_e7: int
    home_alt_mm: int


def heartbeat(r: Report) -> Any:
    base = px4.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED | AUTO_FLAGS
    if r.armed:
        base |= px4.MAV_MODE_FLAG_SAFETY_ARMED
    status = mavlink.MAV_STATE_ACTIVE if r.armed else mavlink.MAV_STATE_STANDBY
    return mavlink.MAVLink_heartbeat_message(
        px4.MAV_TYPE_QUADROTOR, px4.MAV_AUTOPILOT_PX4, base, r.mode.custom_mode, status, 3
    )


def global_position_int(r: Report) -> Any:
    return mavlink.MAVLink_global_position_int_message(
        r.boot_ms, r.lat_e7, r.lon_e7, r.alt_mm, r.relative_alt_mm,
        r.vn_cms, r.ve_cms, r.vd_cms, r.heading_cdeg,
    )  # fmt: skip


def gps_raw_int(r: Report) -> Any:
    return mavlink.MAVLink_gps_raw_int_message(
        r.time_usec, mavlink.GPS_FIX_TYPE_3D_FIX, r.lat_e7, r.lon_e7, r.alt_mm,
        70, 110, r.ground_speed_cms, r.heading_cdeg, 14,
        r.alt_mm, r.h_acc_mm, r.v_acc_mm, 30, 0, 0,
    )  # fmt: skip


def sys_status(r: Report) -> Any:
    return mavlink.MAVLink_sys_status_message(
        SENSORS, SENSORS, SENSORS, 250, r.battery_mv, r.current_ca, r.battery_pct,
        0, 0, 0, 0, 0, 0, 0, 0, 0,
    )  # fmt: skip


def extended_sys_state(r: Report) -> Any:
    landed = mavlink.MAV_LANDED_STATE_IN_AIR if r.airborne else mavlink.MAV_LANDED_STATE_ON_GROUND
    return mavlink.MAVLink_extended_sys_state_message(mavlink.MAV_VTOL_STATE_MC, landed)


def battery_status(r: Report) -> Any:
    cells = [r.battery_mv // CELLS] * CELLS + [UNKNOWN_U16] * (10 - CELLS)
    return mavlink.MAVLink_battery_status_message(
        0, mavlink.MAV_BATTERY_FUNCTION_ALL, mavlink.MAV_BATTERY_TYPE_LIPO, 0x7FFF, cells,
        r.current_ca, r.consumed_mah, -1, r.battery_pct, 0, mavlink.MAV_BATTERY_CHARGE_STATE_OK,
        [0, 0, 0, 0], 0, 0,
    )  # fmt: skip


def home_position(r: Report) -> Any:
    return mavlink.MAVLink_home_position_message(
        r.home_lat_e7, r.home_lon_e7, r.home_alt_mm, 0.0, 0.0, 0.0, [1.0, 0.0, 0.0, 0.0],
        0.0, 0.0, 0.0, r.time_usec,
    )  # fmt: skip


STREAMS: dict[str, tuple[float, Callable[[Report], Any]]] = {
    "HEARTBEAT": (1.0, heartbeat),
    "GLOBAL_POSITION_INT": (0.1, global_position_int),
    "GPS_RAW_INT": (0.2, gps_raw_int),
    "SYS_STATUS": (1.0, sys_status),
    "EXTENDED_SYS_STATE": (1.0, extended_sys_state),
    "BATTERY_STATUS": (2.0, battery_status),
    "HOME_POSITION": (2.0, home_position),
}
"""Message name → (period in seconds, builder). The fleet overrides GLOBAL_POSITION_INT's."""
