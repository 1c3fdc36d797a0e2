"""What the bridge has seen and done, counted: the figures behind its status line."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

log = logging.getLogger("sitl.bridge")


class Drop(StrEnum):
    """Why received bytes or messages were not turned into states."""

    NOT_MAVLINK = "not_mavlink"
    """Bytes that do not start a MAVLink packet (foreign traffic, MAVLink 0.9)."""
    TRUNCATED = "truncated"
    """A packet whose declared length runs past the end of its datagram."""
    BAD_CRC = "bad_crc"
    """A packet whose checksum does not match: corrupted on the way."""
    BAD_VERSION = "bad_version"
    """A MAVLink 2 packet with incompatibility flags this bridge does not understand."""
    UNKNOWN_MESSAGE = "unknown_message"
    """A well-framed packet of a message id the common dialect does not define."""
    SYSTEM_ID_ZERO = "system_id_zero"
    """A message from system id 0, which no vehicle may use."""
    CONFLICT = "conflict"
    """A message from a system id that another source address already owns."""


@dataclass
class BridgeStats:
    """Running totals. Each field is written by one thread only (the event loop or the
    telemetry stream's), so readers see consistent-enough figures without a lock."""

    datagrams: int = 0
    """UDP datagrams received."""
    messages: int = 0
    """MAVLink messages decoded (of any kind, from any system)."""
    positions: int = 0
    """GLOBAL_POSITION_INT messages turned into states."""
    superseded: int = 0
    """States replaced by a newer one of the same vehicle before they were sent (down-sampling,
    or the service away)."""
    stale: int = 0
    """States dropped unsent because they had grown older than the age limit."""
    forwarded: int = 0
    """States written to the telemetry stream."""
    accepted: int = 0
    """States the service acknowledged as taken."""
    rejected: int = 0
    """States the service refused (each with its reasons, logged once per vehicle)."""
    alerts: int = 0
    """Conformance alerts and tactical conflicts the service pushed back."""
    connects: int = 0
    """Telemetry streams that got their first acknowledgement (1 + reconnections)."""
    connected: bool = False
    """Whether the current stream is up (acknowledged at least once)."""
    last_error: str = ""
    """Why the last stream broke or could not open."""
    vehicles_seen: int = 0
    """Distinct system ids that have flown through the bridge."""
    vehicles_active: int = 0
    """Those heard from within the vanish timeout."""
    dropped: Counter[Drop] = field(default_factory=Counter)
    """Packets or messages dropped, by kind."""

    def drop(self, kind: Drop, detail: str) -> None:
        """Count one drop; the first of each kind is logged with its detail."""
        if not self.dropped[kind]:
            log.warning("dropped %s: %s (further ones are only counted)", kind, detail)
        self.dropped[kind] += 1
