"""One simulated multirotor's autopilot: arming, flight mode, the plan it follows, and its
answers to a ground station's commands and mission uploads.

Its continuous state (position, velocity) lives in the fleet's arrays; the vehicle reads its
row and says where to steer: along its plan (the fleet's vectorised reference), along a
ground station's legs (``guidance``), or nowhere (it holds).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from pymavlink.dialects.v20 import common as mavlink

from sitl import guidance, px4
from sitl.faults import Faults
from sitl.frame import Array
from sitl.link import Address, Link
from sitl.mission import RELATIVE_FRAMES, RETRIES, MissionItem, MissionUpload, mission_ack
from sitl.routes import Route

ARM_LEAD_S = 2.0
"""A plan-following vehicle arms this long before departure."""
ANNOUNCE_LEAD_S = 5.0
"""...and announces its departure (the fleet activates the plan) this long before."""
MAX_MISSION_ITEMS = 500
FORCE_DISARM = 21196.0
GLOBAL_COMMAND_FRAMES = frozenset(
    {mavlink.MAV_FRAME_GLOBAL, mavlink.MAV_FRAME_GLOBAL_INT, *RELATIVE_FRAMES}
)


@dataclass(frozen=True, slots=True)
class Site:
    """Where a vehicle lives: home (its frame's origin) and the ground around it."""

    home_lat_deg: float
    home_lon_deg: float
    m_per_deg_lat: float
    m_per_deg_lon: float
    ground_elevation_m: float
    """AMSL of the (flat) ground: MAVLink altitudes are AMSL, plans' are AGL."""

    def to_local(self, lat_deg: float, lon_deg: float) -> tuple[float, float]:
        return (
            (lon_deg - self.home_lon_deg) * self.m_per_deg_lon,
            (lat_deg - self.home_lat_deg) * self.m_per_deg_lat,
        )


@dataclass(frozen=True, slots=True)
class Performance:
    cruise_speed_mps: float
    takeoff_altitude_m: float
    """AGL, when a takeoff command gives no altitude (PX4 MIS_TAKEOFF_ALT)."""
    rtl_altitude_m: float
    """AGL a return to launch climbs to first (PX4 RTL_RETURN_ALT)."""


class Vehicle:
    def __init__(
        self,
        index: int,
        route: Route | None,
        route_modes: list[px4.FlightMode],
        site: Site,
        performance: Performance,
        faults: Faults,
        link: Link,
        epoch_s: float,
    ) -> None:
        self.index = index
        self.system_id = px4.system_id(index)
        self.route = route
        self.route_modes = route_modes
        self.site = site
        self.performance = performance
        self.faults = faults
        self.link = link
        self.mav = mavlink.MAVLink(
            link, srcSystem=self.system_id, srcComponent=px4.AUTOPILOT_COMPONENT
        )
        self.mav.robust_parsing = True
        self.registration_id = route.registration_id if route else f"SITL-{self.system_id:03d}"
        self.flight_plan_id = route.flight_plan_id if route else ""
        self.departure_s = route.departure_s - faults.early_s - epoch_s if route else 0.0
        """Seconds after the fleet's epoch (with the early-departure fault applied)."""
        self.arrival_s = route.arrival_s - faults.early_s - epoch_s if route else 0.0
        self.armed = False
        self.mode = px4.LOITER
        self.following_plan = route is not None
        self.departed = False
        self.flight_done = False
        self.guidance: guidance.Guidance | None = None
        self.mission: list[MissionItem] = []
        self.upload: MissionUpload | None = None
        self.upload_peer: Address = ("127.0.0.1", 0)
        self.events: list[str] = []
        """'departing' and 'landed', for the fleet to pass on; emptied by the fleet."""
        self.commands = 0
        self._armed_for_plan = False
        self._announced = False

    # -- the autopilot's loop ---------------------------------------------------------------
    def update(self, t_s: float, position_m: Array, plan_leg: int) -> None:
        """Advance modes and legs at ``t_s`` (seconds after the epoch)."""
        self.link.up = not self.faults.link_down(t_s - self.departure_s)
        if self.following_plan:
            self._follow(t_s, position_m, plan_leg)
        elif self.guidance is not None:
            self.guidance.update(position_m)
            self.mode = self.guidance.mode
            for seq in self.guidance.reached:
                self.mav.send(mavlink.MAVLink_mission_item_reached_message(seq))
            self.guidance.reached.clear()
            if self.guidance.landed:
                self.guidance = None
                self._touched_down()
        if self.upload is not None and self.upload.overdue(t_s):
            self._retry_upload(t_s)

    def steering(self) -> str:
        """'plan' (follow the fleet's reference), 'legs' (follow ``guidance``) or 'hold'."""
        if self.following_plan and self.departed:
            return "plan"
        return "legs" if self.guidance is not None else "hold"

    def _follow(self, t_s: float, position_m: Array, leg: int) -> None:
        if not self._announced and t_s >= self.departure_s - ANNOUNCE_LEAD_S:
            self._announced = True
            self.events.append("departing")
        if t_s < self.departure_s - ARM_LEAD_S:
            return
        if not self._armed_for_plan:
            self._armed_for_plan = self.armed = True
        if t_s < self.departure_s:
            return
        self.departed = True
        if leg < len(self.route_modes):
            self.mode = self.route_modes[leg]
            return
        self.mode = px4.LAND
        if position_m[2] <= 0.0:
            self.following_plan = False
            self._touched_down()

    def _touched_down(self) -> None:
        self.armed = False
        if self.departed and not self.flight_done:
            self.flight_done = True
            self.events.append("landed")

    # -- what a ground station sends --------------------------------------------------------
    def handle(self, datagram: bytes, peer: Address, t_s: float, position_m: Array) -> None:
        for msg in self.mav.parse_buffer(datagram) or []:
            if getattr(msg, "target_system", self.system_id) not in (0, self.system_id):
                continue
            kind = msg.get_type()
            if kind in ("COMMAND_LONG", "COMMAND_INT"):
                self.commands += 1
                result = self._command(msg, position_m)
                self._reply(
                    mavlink.MAVLink_command_ack_message(
                        msg.command, result, 0, 0, msg.get_srcSystem(), msg.get_srcComponent()
                    ),
                    peer,
                )
            elif kind == "MISSION_COUNT":
                self._start_upload(msg, peer, t_s)
            elif kind == "MISSION_ITEM_INT" and self.upload is not None:
                self._take_item(msg, peer, t_s)
            elif kind == "MISSION_CLEAR_ALL":
                self.mission = []
                partner = (msg.get_srcSystem(), msg.get_srcComponent())
                self._reply(mission_ack(partner, mavlink.MAV_MISSION_ACCEPTED), peer)

    def _command(self, msg: Any, position_m: Array) -> int:
        airborne = bool(position_m[2] > 0.0)
        command = msg.command
        cruise = self.performance.cruise_speed_mps
        if command == mavlink.MAV_CMD_COMPONENT_ARM_DISARM:
            if msg.param1 >= 0.5:
                self.armed = True
                return mavlink.MAV_RESULT_ACCEPTED
            if airborne:  # PX4 refuses to stop the motors in flight, forced or not
                return mavlink.MAV_RESULT_DENIED
            self.armed = False
            return mavlink.MAV_RESULT_ACCEPTED
        if command == mavlink.MAV_CMD_NAV_TAKEOFF:
            if airborne:
                return mavlink.MAV_RESULT_DENIED
            altitude = self._agl(msg.param7, mavlink.MAV_FRAME_GLOBAL)
            if math.isnan(altitude):
                altitude = self.performance.takeoff_altitude_m
            if altitude < 1.0:
                return mavlink.MAV_RESULT_DENIED
            return self._fly(guidance.takeoff(altitude, cruise), position_m)
        if command == mavlink.MAV_CMD_MISSION_START:
            first = int(msg.param1) if msg.param1 > 0 else 0
            if first >= len(self.mission):
                return mavlink.MAV_RESULT_DENIED
            return self._fly(self._mission_legs(first), position_m)
        if command == mavlink.MAV_CMD_DO_REPOSITION:
            return self._reposition(msg, position_m, airborne)
        if command == mavlink.MAV_CMD_NAV_RETURN_TO_LAUNCH:
            if not airborne:
                return mavlink.MAV_RESULT_DENIED
            rtl = guidance.return_to_launch(self.performance.rtl_altitude_m, cruise)
            return self._fly(rtl, position_m)
        if command == mavlink.MAV_CMD_NAV_LAND:
            if not airborne:
                return mavlink.MAV_RESULT_DENIED
            return self._fly(guidance.land_here(cruise), position_m)
        return mavlink.MAV_RESULT_UNSUPPORTED

    def _reposition(self, msg: Any, position_m: Array, airborne: bool) -> int:
        if msg.get_type() != "COMMAND_INT" or msg.frame not in GLOBAL_COMMAND_FRAMES:
            return mavlink.MAV_RESULT_UNSUPPORTED
        if not airborne:
            return mavlink.MAV_RESULT_DENIED
        east, north = float(position_m[0]), float(position_m[1])
        if msg.x or msg.y:
            east, north = self.site.to_local(msg.x / 1e7, msg.y / 1e7)
        up = self._agl(msg.z, msg.frame)
        up = float(position_m[2]) if math.isnan(up) else up
        if up < 1.0:
            return mavlink.MAV_RESULT_DENIED
        speed = msg.param1 if msg.param1 > 0 else self.performance.cruise_speed_mps
        return self._fly(guidance.reposition(east, north, up, speed), position_m)

    def _fly(self, legs: list[guidance.Leg], position_m: Array) -> int:
        """Leave the plan (if any) and fly ``legs``."""
        self.following_plan = False
        self.guidance = guidance.Guidance(legs, np.array(position_m, dtype=float))
        self.mode = self.guidance.mode
        return mavlink.MAV_RESULT_ACCEPTED

    def _agl(self, altitude_m: float, frame: int) -> float:
        """A MAVLink altitude (AMSL, or above home for the relative frames) as AGL."""
        if frame in RELATIVE_FRAMES:
            return float(altitude_m)
        return float(altitude_m) - self.site.ground_elevation_m

    # -- missions ---------------------------------------------------------------------------
    def _mission_legs(self, first: int) -> list[guidance.Leg]:
        legs: list[guidance.Leg] = []
        cruise = self.performance.cruise_speed_mps
        for item in self.mission[first:]:
            east = north = None
            if item.has_position:
                east, north = self.site.to_local(item.lat_deg, item.lon_deg)
            up = self._agl(item.altitude_m, item.frame)
            if item.command == mavlink.MAV_CMD_NAV_RETURN_TO_LAUNCH:
                rtl = guidance.return_to_launch(self.performance.rtl_altitude_m, cruise)
                return [*legs, *rtl]
            if item.command == mavlink.MAV_CMD_NAV_TAKEOFF:
                legs.append(guidance.Leg(None, None, up, cruise, px4.MISSION, mission_seq=item.seq))
            elif item.command == mavlink.MAV_CMD_NAV_LAND:
                legs.append(guidance.Leg(east, north, None, cruise, px4.MISSION))
                legs.append(
                    guidance.Leg(
                        east, north, 0.0, cruise, px4.MISSION, lands=True, mission_seq=item.seq
                    )
                )
                return legs
            else:
                leg = guidance.Leg(east, north, up, cruise, px4.MISSION, mission_seq=item.seq)
                legs.append(leg)
        return legs

    def _start_upload(self, msg: Any, peer: Address, t_s: float) -> None:
        partner = (msg.get_srcSystem(), msg.get_srcComponent())
        if msg.mission_type != mavlink.MAV_MISSION_TYPE_MISSION:
            self._reply(mission_ack(partner, mavlink.MAV_MISSION_UNSUPPORTED), peer)
            return
        if msg.count > MAX_MISSION_ITEMS:
            self._reply(mission_ack(partner, mavlink.MAV_MISSION_NO_SPACE), peer)
            return
        if msg.count == 0:
            self.mission, self.upload = [], None
            self._reply(mission_ack(partner, mavlink.MAV_MISSION_ACCEPTED), peer)
            return
        self.upload, self.upload_peer = MissionUpload(msg.count, partner, t_s), peer
        self._reply(self.upload.request(t_s), peer)

    def _take_item(self, msg: Any, peer: Address, t_s: float) -> None:
        assert self.upload is not None
        following = self.upload.take(msg, t_s)
        if following is not None:
            self._reply(following, peer)
            return
        if self.upload.error is None:
            self.mission = self.upload.items
        self._reply(self.upload.ack(), peer)
        self.upload = None

    def _retry_upload(self, t_s: float) -> None:
        assert self.upload is not None
        self.upload.retries += 1
        if self.upload.retries > RETRIES:
            cancelled = mission_ack(self.upload.partner, mavlink.MAV_MISSION_OPERATION_CANCELLED)
            self._reply(cancelled, self.upload_peer)
            self.upload = None
            return
        self._reply(self.upload.request(t_s), self.upload_peer)

    def _reply(self, msg: Any, peer: Address) -> None:
        datagram = msg.pack(self.mav)
        self.mav.seq = (self.mav.seq + 1) % 256
        self.link.reply(datagram, peer)
