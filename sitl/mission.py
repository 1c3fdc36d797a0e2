"""Missions: the vehicle's side of the MAVLink upload handshake, and the items it can fly.

Upload: the ground station sends MISSION_COUNT; the vehicle asks for each item in turn with
MISSION_REQUEST_INT, takes MISSION_ITEM_INT, and ends with MISSION_ACK — ACCEPTED with the new
mission, or the first item's error (unsupported frame or command), which keeps the old one.
An item that does not come is asked for again, up to ``RETRIES`` times, after ``RETRY_S``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymavlink.dialects.v20 import common as mavlink

RETRY_S = 1.0
RETRIES = 5

GLOBAL_FRAMES = frozenset(
    {
        mavlink.MAV_FRAME_GLOBAL,
        mavlink.MAV_FRAME_GLOBAL_INT,
        mavlink.MAV_FRAME_GLOBAL_RELATIVE_ALT,
        mavlink.MAV_FRAME_GLOBAL_RELATIVE_ALT_INT,
    }
)
RELATIVE_FRAMES = frozenset(
    {mavlink.MAV_FRAME_GLOBAL_RELATIVE_ALT, mavlink.MAV_FRAME_GLOBAL_RELATIVE_ALT_INT}
)
FLYABLE = frozenset(
    {
        mavlink.MAV_CMD_NAV_WAYPOINT,
        mavlink.MAV_CMD_NAV_TAKEOFF,
        mavlink.MAV_CMD_NAV_LAND,
        mavlink.MAV_CMD_NAV_RETURN_TO_LAUNCH,
    }
)


@dataclass(frozen=True, slots=True)
class MissionItem:
    seq: int
    command: int
    frame: int
    lat_deg: float
    lon_deg: float
    altitude_m: float
    """In the frame's reference: AMSL for GLOBAL frames, above home for RELATIVE_ALT ones."""

    @property
    def has_position(self) -> bool:
        return self.lat_deg != 0.0 or self.lon_deg != 0.0


def item_problem(msg: Any) -> int | None:
    """The MAV_MISSION_RESULT that refuses this MISSION_ITEM_INT, or None when it is flyable."""
    if msg.command not in FLYABLE:
        return mavlink.MAV_MISSION_UNSUPPORTED
    if msg.command != mavlink.MAV_CMD_NAV_RETURN_TO_LAUNCH and msg.frame not in GLOBAL_FRAMES:
        return mavlink.MAV_MISSION_UNSUPPORTED_FRAME
    return None


@dataclass
class MissionUpload:
    """One upload in progress from one ground station (``partner``: its system, component)."""

    count: int
    partner: tuple[int, int]
    asked_s: float
    items: list[MissionItem] = field(default_factory=list)
    retries: int = 0
    error: int | None = None

    def request(self, now_s: float) -> Any:
        """MISSION_REQUEST_INT for the next item."""
        self.asked_s = now_s
        return mavlink.MAVLink_mission_request_int_message(
            self.partner[0], self.partner[1], len(self.items), mavlink.MAV_MISSION_TYPE_MISSION
        )

    def take(self, msg: Any, now_s: float) -> Any | None:
        """Take a MISSION_ITEM_INT: the next request, or None when the upload is complete.
        An item out of sequence is answered by asking again for the one expected."""
        if msg.seq != len(self.items):
            return self.request(now_s)
        self.retries = 0
        if self.error is None:
            self.error = item_problem(msg)
        self.items.append(
            MissionItem(msg.seq, msg.command, msg.frame, msg.x / 1e7, msg.y / 1e7, msg.z)
        )
        return self.request(now_s) if len(self.items) < self.count else None

    def overdue(self, now_s: float) -> bool:
        return now_s - self.asked_s >= RETRY_S

    def ack(self) -> Any:
        return mission_ack(
            self.partner, mavlink.MAV_MISSION_ACCEPTED if self.error is None else self.error
        )


def mission_ack(partner: tuple[int, int], result: int) -> Any:
    return mavlink.MAVLink_mission_ack_message(
        partner[0], partner[1], result, mavlink.MAV_MISSION_TYPE_MISSION
    )
