"""A vehicle's side of the link: real MAVLink bytes (pymavlink's encoder) over a real UDP socket."""

from __future__ import annotations

import socket
import struct

from pymavlink.dialects.v20 import common as mavlink

from sitl import px4
from sitl.bridge.frames import V2_MARKER
from sitl.bridge.vehicles import Address


class Autopilot:
    """Encodes messages as system ``system_id``, component 1, and sends them from its own
    loopback socket (one source address per instance)."""

    def __init__(self, system_id: int) -> None:
        self.encoder = mavlink.MAVLink(None, srcSystem=system_id, srcComponent=1)
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))

    def close(self) -> None:
        self.socket.close()

    def packet(self, message: mavlink.MAVLink_message, mavlink1: bool = False) -> bytes:
        return bytes(message.pack(self.encoder, force_mavlink1=mavlink1))

    def position(
        self,
        lat: float,
        lon: float,
        amsl_m: float,
        north: float = 0.0,
        east: float = 0.0,
        down: float = 0.0,
        mavlink1: bool = False,
    ) -> bytes:
        """GLOBAL_POSITION_INT in MAVLink units (1e-7 deg, mm, cm/s NED)."""
        message = self.encoder.global_position_int_encode(
            1000,
            round(lat * 1e7),
            round(lon * 1e7),
            round(amsl_m * 1000),
            0,
            round(north * 100),
            round(east * 100),
            round(down * 100),
            0,
        )
        return self.packet(message, mavlink1)

    def heartbeat(self, armed: bool, mode: px4.FlightMode) -> bytes:
        base_mode = px4.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED | (
            px4.MAV_MODE_FLAG_SAFETY_ARMED if armed else 0
        )
        return self.packet(
            self.encoder.heartbeat_encode(
                px4.MAV_TYPE_QUADROTOR,
                px4.MAV_AUTOPILOT_PX4,
                base_mode,
                mode.custom_mode,
                4,
            )
        )

    def gps(self, h_acc_mm: int, v_acc_mm: int) -> bytes:
        return self.packet(
            self.encoder.gps_raw_int_encode(
                0,
                3,
                0,
                0,
                0,
                100,
                100,
                0,
                0,
                12,
                h_acc=h_acc_mm,
                v_acc=v_acc_mm,
            )
        )

    def send(self, to: Address, *packets: bytes) -> None:
        """One datagram holding ``packets`` back to back."""
        self.socket.sendto(b"".join(packets), to)


def unknown_message(system_id: int, msg_id: int = 0xABCD) -> bytes:
    """A well-framed MAVLink 2 packet of a message id no dialect defines."""
    payload = b"\x01\x02\x03\x04"
    header = struct.pack(
        "<BBBBBBBHB",
        V2_MARKER,
        len(payload),
        0,
        0,
        0,
        system_id,
        1,
        msg_id & 0xFFFF,
        msg_id >> 16,
    )
    return header + payload + b"\x00\x00"
