"""How the bridge converts, paces and reconnects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BridgeSettings:
    ground_elevation_m: float = 0.0
    """Ground elevation above mean sea level (metres, flat): AGL = AMSL − this."""
    max_rate_hz: float = 2.0
    """Most states sent per vehicle per second; in between, the latest state wins. 0: send
    each state as soon as a batch leaves (several of one vehicle in one batch period still
    collapse to the latest)."""
    batch_period_s: float = 0.02
    """How often a batch of due states leaves for the service."""
    batch_limit: int = 1000
    """Most states in one request."""
    max_state_age_s: float = 5.0
    """A state not sent within this long after it was received is dropped as stale."""
    vanish_after_s: float = 3.0
    """A vehicle silent this long (no MAVLink message at all) is reported vanished."""
    plan_refresh_s: float = 5.0
    """How often the activated plans of vehicles without a fixed plan id are looked up."""
    reconnect_min_s: float = 0.5
    """First wait before reopening a broken telemetry stream; doubles on each failure."""
    reconnect_max_s: float = 10.0
    """Longest wait between attempts to reopen the stream."""
    default_horizontal_accuracy_m: float = 3.0
    """Horizontal accuracy reported when no GPS_RAW_INT has carried ``h_acc`` (metres; a
    typical standalone GNSS receiver)."""
    default_vertical_accuracy_m: float = 5.0
    """Vertical accuracy reported when no GPS_RAW_INT has carried ``v_acc`` (metres)."""

    @property
    def min_interval_s(self) -> float:
        """Least time between two states of one vehicle (0 without down-sampling)."""
        return 1.0 / self.max_rate_hz if self.max_rate_hz > 0 else 0.0
