"""Seconds since the epoch ↔ protobuf Timestamp and Duration (light: SDK and server share it)."""

from __future__ import annotations

import math

from google.protobuf.duration_pb2 import Duration
from google.protobuf.timestamp_pb2 import Timestamp


def split_seconds(seconds: float) -> tuple[int, int]:
    """(whole seconds, nanoseconds) as a Timestamp or Duration holds them; (0, 0) if not finite."""
    if not math.isfinite(seconds):
        return 0, 0
    whole = math.floor(seconds)
    nanos = round((seconds - whole) * 1e9)
    if nanos >= 1_000_000_000:
        whole, nanos = whole + 1, nanos - 1_000_000_000
    return whole, nanos


def to_timestamp(seconds: float) -> Timestamp:
    whole, nanos = split_seconds(seconds)
    return Timestamp(seconds=whole, nanos=nanos)


def from_timestamp(ts: Timestamp) -> float:
    return float(ts.seconds + ts.nanos / 1e9)


def to_duration(seconds: float) -> Duration:
    whole, nanos = split_seconds(seconds)
    return Duration(seconds=whole, nanos=nanos)


def from_duration(d: Duration) -> float:
    return float(d.seconds + d.nanos / 1e9)
