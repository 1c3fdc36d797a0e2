"""Datagram splitting on arbitrary bytes: nothing raises, good packets survive bad bytes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pymavlink.dialects.v20 import common as mavlink

from sitl.bridge import Drop
from sitl.bridge.frames import V1_MARKER, V2_MARKER, FrameReader
from tests.bridge.mavlink_out import Autopilot
from tests.builders import DEPOT

ENCODER = mavlink.MAVLink(None, srcSystem=6, srcComponent=1)


def position(altitude_mm: int, mavlink1: bool) -> bytes:
    message = ENCODER.global_position_int_encode(
        1, round(DEPOT[0] * 1e7), round(DEPOT[1] * 1e7), altitude_mm, 0, 0, 0, 0, 0
    )
    return bytes(message.pack(ENCODER, force_mavlink1=mavlink1))


no_marker = st.binary(max_size=40).map(
    lambda b: bytes(x for x in b if x not in (V1_MARKER, V2_MARKER))
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_split_without_raising(data: bytes) -> None:
    messages, drops = FrameReader().read(data)
    assert all(isinstance(kind, Drop) for kind, _ in drops)
    assert len(messages) + len(drops) <= len(data)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(no_marker, st.integers(0, 10**6), st.booleans()), max_size=6),
    st.sampled_from([b"", bytes([V2_MARKER, 40, 0]), bytes([V1_MARKER, 90])]),
)
def test_every_good_packet_between_bad_bytes_is_found(
    parts: list[tuple[bytes, int, bool]], cut_short: bytes
) -> None:
    datagram = b"".join(junk + position(alt, v1) for junk, alt, v1 in parts) + cut_short
    messages, drops = FrameReader().read(datagram)
    assert [m.alt for m in messages] == [alt for _, alt, _ in parts]
    assert len(drops) == sum(1 for junk, _, _ in parts if junk) + (1 if cut_short else 0)


def test_a_bad_length_byte_costs_only_its_own_packet() -> None:
    autopilot = Autopilot(4)
    first, second = (autopilot.position(*DEPOT, float(alt)) for alt in (10, 20))
    autopilot.close()
    broken = bytearray(first)
    broken[1] += 7  # the length now reaches into the next packet
    messages, drops = FrameReader().read(bytes(broken) + second)
    assert [m.alt for m in messages] == [20_000]
    assert [kind for kind, _ in drops] == [Drop.BAD_CRC]
