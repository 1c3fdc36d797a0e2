"""sitl.px4: the PX4 conventions, through real MAVLink bytes."""

from __future__ import annotations

from pymavlink.dialects.v20 import common as mavlink

from sitl import px4


def test_flight_modes_round_trip_through_custom_mode_and_heartbeat_bytes() -> None:
    sender = mavlink.MAVLink(None, px4.system_id(4), px4.AUTOPILOT_COMPONENT)
    parser = mavlink.MAVLink(None)
    for mode in (px4.TAKEOFF, px4.LOITER, px4.MISSION, px4.RTL, px4.LAND, px4.FlightMode(3)):
        beat = sender.heartbeat_encode(
            px4.MAV_TYPE_QUADROTOR, px4.MAV_AUTOPILOT_PX4,
            px4.MAV_MODE_FLAG_CUSTOM_MODE_ENABLED | px4.MAV_MODE_FLAG_SAFETY_ARMED,
            mode.custom_mode, mavlink.MAV_STATE_ACTIVE, 3,
        )  # fmt: skip
        (decoded,) = parser.parse_buffer(beat.pack(sender))
        assert px4.FlightMode.from_custom_mode(decoded.custom_mode) == mode
        assert decoded.get_srcSystem() == 5 and decoded.base_mode & 128
    assert px4.MISSION.custom_mode == 4 << 16 | 4 << 24
    assert [str(m) for m in (px4.TAKEOFF, px4.RTL, px4.FlightMode(3))] == [
        "AUTO.TAKEOFF", "AUTO.RTL", "POSCTL",
    ]  # fmt: skip
    assert (px4.system_id(0), px4.offboard_port(3)) == (1, 14543)
