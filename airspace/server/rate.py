"""A token bucket: how much a client may still send, refilled at a steady rate."""

from __future__ import annotations

import time
from collections.abc import Callable


class RateBudget:
    """Allows ``per_s`` units a second on average, and bursts of at most one second's worth."""

    def __init__(self, per_s: float, now: Callable[[], float] = time.monotonic) -> None:
        self.per_s = per_s
        self._now = now
        self._left = per_s
        self._at = now()

    def take(self, count: int) -> bool:
        """Spend ``count`` units if that many are left; else spend nothing and say so."""
        at = self._now()
        self._left = min(self.per_s, self._left + (at - self._at) * self.per_s)
        self._at = at
        if count > self._left:
            return False
        self._left -= count
        return True
