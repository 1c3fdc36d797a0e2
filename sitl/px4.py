"""PX4 SITL conventions: ports, ids and flight modes, as PX4 publishes them over MAVLink.

Instance N of a PX4 SITL fleet is MAVLink system N+1 with the autopilot as component 1. It
sends to UDP 14540+N (the offboard/API link) and to 14550 (the ground-station link shared
by all instances, told apart by system id). Its HEARTBEAT packs the flight mode into
``custom_mode``: main mode in bits 16–23, sub mode in bits 24–31.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

OFFBOARD_PORT_BASE = 14540
GROUND_STATION_PORT = 14550
AUTOPILOT_COMPONENT = 1

MAV_TYPE_QUADROTOR = 2
MAV_AUTOPILOT_PX4 = 12
MAV_MODE_FLAG_SAFETY_ARMED = 128
MAV_MODE_FLAG_CUSTOM_MODE_ENABLED = 1


def system_id(instance: int) -> int:
    """The MAVLink system id of SITL instance ``instance`` (0-based)."""
    return instance + 1


def offboard_port(instance: int) -> int:
    """The UDP port SITL instance ``instance`` sends its offboard link to."""
    return OFFBOARD_PORT_BASE + instance


class MainMode(IntEnum):
    MANUAL = 1
    ALTCTL = 2
    POSCTL = 3
    AUTO = 4
    ACRO = 5
    OFFBOARD = 6
    STABILIZED = 7


class AutoMode(IntEnum):
    """Sub modes of ``MainMode.AUTO``."""

    READY = 1
    TAKEOFF = 2
    LOITER = 3
    MISSION = 4
    RTL = 5
    LAND = 6


@dataclass(frozen=True, slots=True)
class FlightMode:
    main: int
    sub: int = 0

    @property
    def custom_mode(self) -> int:
        """The HEARTBEAT ``custom_mode`` field for this mode."""
        return (self.main & 0xFF) << 16 | (self.sub & 0xFF) << 24

    @classmethod
    def from_custom_mode(cls, custom_mode: int) -> FlightMode:
        return cls((custom_mode >> 16) & 0xFF, (custom_mode >> 24) & 0xFF)

    def __str__(self) -> str:
        try:
            main = MainMode(self.main)
        except ValueError:
            return f"MODE_{self.main}.{self.sub}"
        if main is MainMode.AUTO:
            try:
                return f"AUTO.{AutoMode(self.sub).name}"
            except ValueError:
                return f"AUTO.{self.sub}"
        return main.name


TAKEOFF = FlightMode(MainMode.AUTO, AutoMode.TAKEOFF)
LOITER = FlightMode(MainMode.AUTO, AutoMode.LOITER)
MISSION = FlightMode(MainMode.AUTO, AutoMode.MISSION)
RTL = FlightMode(MainMode.AUTO, AutoMode.RTL)
LAND = FlightMode(MainMode.AUTO, AutoMode.LAND)
