"""MAVLink messages out of UDP datagrams, with the bad bytes classified instead of raised.

A UDP datagram carries whole MAVLink packets (PX4 and ArduPilot put one or more in each), so
every datagram is read on its own: a packet cut short at the end of one datagram can never
swallow the start of the next, as a byte-stream parser fed datagram after datagram would let
it. A packet is located by its start marker and length byte (MAVLink 1 and 2, signed or not)
and checked and decoded by pymavlink (checksum with the message's CRC_EXTRA). Where a
candidate packet fails, the search resumes one byte later, so a truncated or corrupted
packet costs its own bytes and never a good packet after it; a run of bad bytes between two
good packets counts as one drop, of the kind of its first failure.

Signed MAVLink 2 packets are accepted without checking the signature (the bridge holds no key).
"""

from __future__ import annotations

from typing import Any

from pymavlink.dialects.v20 import common as mavlink

from sitl.bridge.stats import Drop

V1_MARKER = 0xFE
V2_MARKER = 0xFD
V1_OVERHEAD = 8
"""Header (6) and checksum (2) bytes around a MAVLink 1 payload."""
V2_OVERHEAD = 12
"""Header (10) and checksum (2) bytes around a MAVLink 2 payload."""
SIGNATURE_LEN = 13
IFLAG_SIGNED = 0x01

Problem = tuple[Drop, str]
"""A drop kind with a detail for the log."""


def _next_marker(data: bytes, start: int) -> int:
    """Index of the next MAVLink start marker at or after ``start``, or ``len(data)``."""
    found = [i for i in (data.find(V1_MARKER, start), data.find(V2_MARKER, start)) if i >= 0]
    return min(found, default=len(data))


class _BadPacket(Exception):
    def __init__(self, kind: Drop, detail: str) -> None:
        super().__init__(detail)
        self.problem: Problem = (kind, detail)


class FrameReader:
    """Splits datagrams into decoded MAVLink messages and drops. Holds no state between
    datagrams, so one reader serves every source."""

    def __init__(self) -> None:
        self._decoder = mavlink.MAVLink(None)

    def read(self, data: bytes) -> tuple[list[Any], list[Problem]]:
        """The datagram's messages (pymavlink ``MAVLink_message``), and what was dropped."""
        messages: list[Any] = []
        drops: list[Problem] = []
        bad: Problem | None = None  # the run of bad bytes we are in, if any
        pos, size = 0, len(data)
        while pos < size:
            if data[pos] != V1_MARKER and data[pos] != V2_MARKER:
                after = _next_marker(data, pos)
                bad = bad or (Drop.NOT_MAVLINK, f"{after - pos} bytes without a start marker")
                pos = after
                continue
            try:
                message, pos = self._packet(data, pos)
            except _BadPacket as exc:
                bad = bad or exc.problem
                pos += 1
                continue
            if bad is not None:
                drops.append(bad)
                bad = None
            if isinstance(message, mavlink.MAVLink_unknown):
                drops.append((Drop.UNKNOWN_MESSAGE, message.get_type()))
            else:
                messages.append(message)
        if bad is not None:
            drops.append(bad)
        return messages, drops

    def _packet(self, data: bytes, pos: int) -> tuple[Any, int]:
        """The message starting at ``pos`` and the index after it; _BadPacket says why not."""
        left = len(data) - pos
        if data[pos] == V2_MARKER:
            if left < 3:
                raise _BadPacket(Drop.TRUNCATED, f"{left} of at least {V2_OVERHEAD} bytes")
            flags = data[pos + 2]
            if flags & ~IFLAG_SIGNED:
                raise _BadPacket(Drop.BAD_VERSION, f"MAVLink 2 incompat_flags 0x{flags:02x}")
            length = V2_OVERHEAD + data[pos + 1] + (SIGNATURE_LEN if flags else 0)
        else:
            if left < 2:
                raise _BadPacket(Drop.TRUNCATED, f"{left} of at least {V1_OVERHEAD} bytes")
            length = V1_OVERHEAD + data[pos + 1]
        if length > left:
            raise _BadPacket(Drop.TRUNCATED, f"{left} of {length} bytes")
        end = pos + length
        try:
            message = self._decoder.decode(bytearray(data[pos:end]))
        except mavlink.MAVError as exc:
            raise _BadPacket(Drop.BAD_CRC, str(exc.message)) from exc
        if (
            isinstance(message, mavlink.MAVLink_unknown)
            and end < len(data)
            and data[end] not in (V1_MARKER, V2_MARKER)
        ):
            # No checksum to check an unknown message by: when no packet follows it, its
            # length byte is suspect, so skip one byte rather than what it claims.
            raise _BadPacket(Drop.UNKNOWN_MESSAGE, f"{message.get_type()} followed by no packet")
        return message, end
