"""The vehicles the bridge hears: who owns each system id, what it last said, who went silent.

A system id belongs to the first source address (host and port) that sends it a position or an
autopilot HEARTBEAT; the same id from another address is a conflict and dropped, until the
owner has been silent for the vanish timeout. Then the vehicle is reported vanished, and the
next address to speak for it owns it (a restarted simulator may come back on a new port).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pymavlink.dialects.v20 import common as mavlink

from sitl import px4
from sitl.bridge.stats import BridgeStats

log = logging.getLogger("sitl.bridge")

Address = tuple[str, int]


@dataclass(slots=True)
class Vehicle:
    system_id: int
    source: Address
    """The address that owns this system id."""
    last_heard_s: float
    active: bool = True
    """Heard from within the vanish timeout."""
    armed: bool | None = None
    """From the autopilot's HEARTBEAT (base_mode bit 128); None before the first one."""
    mode: str = ""
    """Flight mode from HEARTBEAT: PX4 modes by name (``AUTO.MISSION``), others by number."""
    horizontal_accuracy_m: float | None = None
    """From the latest GPS_RAW_INT ``h_acc`` (None when it never carried one)."""
    vertical_accuracy_m: float | None = None
    positions: int = 0
    """GLOBAL_POSITION_INT messages received."""

    def heard_heartbeat(self, message: mavlink.MAVLink_heartbeat_message) -> None:
        self.armed = bool(message.base_mode & px4.MAV_MODE_FLAG_SAFETY_ARMED)
        if message.autopilot == px4.MAV_AUTOPILOT_PX4:
            self.mode = str(px4.FlightMode.from_custom_mode(message.custom_mode))
        else:
            self.mode = f"custom mode {message.custom_mode}"

    def heard_gps(self, message: mavlink.MAVLink_gps_raw_int_message) -> None:
        # h_acc and v_acc are MAVLink 2 extensions: 0 when the sender did not fill them.
        if message.h_acc:
            self.horizontal_accuracy_m = message.h_acc / 1000
        if message.v_acc:
            self.vertical_accuracy_m = message.v_acc / 1000


def is_autopilot_heartbeat(message: mavlink.MAVLink_message) -> bool:
    """A HEARTBEAT from a flight controller (not a ground station, camera or gimbal)."""
    return bool(
        message.get_msgId() == mavlink.MAVLINK_MSG_ID_HEARTBEAT
        and message.autopilot != mavlink.MAV_AUTOPILOT_INVALID
    )


class VehicleTable:
    def __init__(self, vanish_after_s: float, stats: BridgeStats) -> None:
        self._vanish_after_s = vanish_after_s
        self._stats = stats
        self._vehicles: dict[int, Vehicle] = {}

    def vehicles(self) -> list[Vehicle]:
        """Every vehicle ever heard, active or not, by system id."""
        return [self._vehicles[k] for k in sorted(self._vehicles)]

    def owner(self, system_id: int) -> Address | None:
        """The address that owns the id now (None when nobody, or its owner went silent)."""
        vehicle = self._vehicles.get(system_id)
        return vehicle.source if vehicle and vehicle.active else None

    def get(self, system_id: int) -> Vehicle | None:
        return self._vehicles.get(system_id)

    def claim(self, system_id: int, source: Address, now_s: float) -> Vehicle:
        """The vehicle, owned by ``source`` from now on (it must have no active owner)."""
        vehicle = self._vehicles.get(system_id)
        if vehicle is None:
            vehicle = self._vehicles[system_id] = Vehicle(system_id, source, now_s)
            self._stats.vehicles_seen += 1
            log.info("system %d appeared from %s:%d", system_id, *source)
        else:
            log.info(
                "system %d reappeared from %s:%d after %.1f s of silence",
                system_id, *source, now_s - vehicle.last_heard_s,
            )
            vehicle.source, vehicle.active = source, True
        self._stats.vehicles_active += 1
        vehicle.last_heard_s = now_s
        return vehicle

    def sweep(self, now_s: float) -> list[Vehicle]:
        """Mark (and return) the active vehicles silent for longer than the vanish timeout."""
        gone = [
            v for v in self._vehicles.values()
            if v.active and now_s - v.last_heard_s > self._vanish_after_s
        ]
        for vehicle in gone:
            vehicle.active = False
            self._stats.vehicles_active -= 1
            log.warning(
                "system %d (from %s:%d) vanished: silent for %.1f s",
                vehicle.system_id, *vehicle.source, now_s - vehicle.last_heard_s,
            )
        return gone
