"""Streams that reconnect: the bookkeeping both clients share.

A watch stream has no natural end, so when it breaks (the server restarts, the connection
drops, the server cuts off a watcher that fell behind) the client waits with backoff, checks
that the channel is up again, opens a new stream and says so: events in the gap may be lost.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import grpc

from airspace.errors import Unavailable
from airspace.sdk._errors import from_rpc_error, status_code
from airspace.sdk._retry import RetryPolicy

log = logging.getLogger("airspace.sdk")

RECONNECT = RetryPolicy(max_attempts=30, initial_backoff_s=0.2, max_backoff_s=5.0)
"""Default for streams: about two minutes of attempts per outage."""


@dataclass(frozen=True, slots=True)
class Reconnected:
    """A stream is back after a break; events that happened in the gap may be missing.

    >>> def warn(gap: Reconnected) -> None:
    ...     print(f"reconnected after {gap.gap_s:.1f} s ({gap.cause}); re-read the plans")
    >>> for event in client.watch_airspace(on_reconnect=warn): ...
    """

    attempts: int
    """Connection attempts it took."""
    gap_s: float
    """Seconds from the break to the new stream."""
    cause: str
    """Why the stream broke: the gRPC status name, or ``ENDED`` when the server closed it."""


OnReconnect = Callable[[Reconnected], None]


class Reconnection:
    """One stream's state across breaks. Call ``received`` for each message, ``broken`` when
    the stream fails or ends (it returns the wait before trying again, or raises), and
    ``back`` once a new stream is open."""

    def __init__(self, policy: RetryPolicy, rng: random.Random | None = None) -> None:
        self._policy = policy
        self._rng = rng
        self._attempts = 0
        self._broken_at: float | None = None
        self._cause = ""

    def received(self) -> None:
        self._attempts = 0

    def broken(self, error: grpc.RpcError | None) -> float:
        """Seconds to wait before the next attempt. Raises the mapped error when the status
        is not worth retrying (e.g. PERMISSION_DENIED) or this outage has used every attempt."""
        code = grpc.StatusCode.UNAVAILABLE if error is None else status_code(error)
        if error is not None and code not in self._policy.retryable_codes:
            raise from_rpc_error(error) from error
        if self._broken_at is None:
            self._broken_at = time.monotonic()
            self._cause = "ENDED" if error is None else code.name
        self._attempts += 1
        if self._attempts >= self._policy.max_attempts:
            message = f"the stream broke ({self._cause}); {self._attempts} attempts failed"
            if error is not None:
                raise Unavailable(message) from from_rpc_error(error)
            raise Unavailable(message)
        return self._policy.backoff_s(self._attempts, self._rng)

    def probe_s(self) -> float:
        """How long to wait for the channel to come up before counting another attempt."""
        return max(1.0, self._policy.backoff_s(self._attempts, self._rng))

    def back(self, on_reconnect: OnReconnect | None) -> None:
        """A new stream is open: tell the caller (and the log) about the gap."""
        assert self._broken_at is not None
        news = Reconnected(self._attempts, time.monotonic() - self._broken_at, self._cause)
        self._broken_at = None
        log.warning(
            "stream reconnected after %.1f s (%s); events in the gap may be missing",
            news.gap_s,
            news.cause,
        )
        if on_reconnect is not None:
            on_reconnect(news)
