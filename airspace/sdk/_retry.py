"""When a failed call is tried again, and how long to wait first: one policy for both clients.

A call is retried only when it is idempotent (a read, a list, or a submission that carries a
request id) and failed with a retryable status (UNAVAILABLE, RESOURCE_EXHAUSTED), within the
call's deadline. Waits grow exponentially and are jittered so that many clients cut off by the
same outage do not all come back at the same instant.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field

import grpc

from airspace.sdk._errors import DeadlineExceeded, from_rpc_error, status_code

log = logging.getLogger("airspace.sdk")

RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})
LASTING_REASONS = frozenset({"TOO_MANY_PLANS", "PLAN_TOO_LARGE"})
"""Limits that waiting does not lift (the caller must end plans or split one): never retried."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a client retries idempotent calls and reconnects streams.

    >>> from airspace.sdk import AirspaceClient, RetryPolicy
    >>> patient = RetryPolicy(max_attempts=10, max_backoff_s=10.0)
    >>> client = AirspaceClient("localhost:50051", token="demo-operator", retry=patient)
    """

    max_attempts: int = 6
    """Attempts per call, the first included (for a stream: connection attempts per outage);
    1 disables retries."""
    initial_backoff_s: float = 0.1
    """Wait before the second attempt, before jitter."""
    max_backoff_s: float = 5.0
    """Cap on any one wait, before jitter."""
    multiplier: float = 2.0
    """Growth of the wait from one attempt to the next."""
    jitter: float = 0.5
    """Fraction of each wait drawn at random: a wait of ``b`` becomes uniform in
    ``[b * (1 - jitter), b]``."""
    retryable_codes: frozenset[grpc.StatusCode] = field(default=RETRYABLE)
    """Statuses worth another attempt."""

    def backoff_s(self, retry: int, rng: random.Random | None = None) -> float:
        """The jittered wait before retry number ``retry`` (1 for the first retry).

        >>> RetryPolicy(jitter=0.0).backoff_s(3)
        0.4
        """
        base = min(self.max_backoff_s, self.initial_backoff_s * self.multiplier ** (retry - 1))
        return base * (1.0 - self.jitter * (rng or random).random())


NO_RETRY = RetryPolicy(max_attempts=1)
"""A policy that tries every call exactly once."""


class Attempts:
    """The retry bookkeeping of one call: attempts made and the deadline left.

    The client loops: attempt with ``timeout_s()``; on an error ask ``after(error)`` for the
    wait before the next attempt, which raises the mapped ``AirspaceError`` instead when the
    call must not (or can no longer) be retried.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        idempotent: bool,
        timeout_s: float | None,
        rng: random.Random | None = None,
    ) -> None:
        self._policy = policy if idempotent else NO_RETRY
        self._deadline = None if timeout_s is None else time.monotonic() + timeout_s
        self._rng = rng
        self.made = 1

    def timeout_s(self) -> float | None:
        """The deadline left for the next attempt (None: no deadline)."""
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def after(self, error: grpc.RpcError) -> float:
        """Seconds to wait before the next attempt; raises when there is none."""
        code = status_code(error)
        if code == grpc.StatusCode.DEADLINE_EXCEEDED:
            raise DeadlineExceeded(f"no answer within the deadline after {self.made} attempt(s)")
        last = from_rpc_error(error)
        if (
            code not in self._policy.retryable_codes
            or self.made >= self._policy.max_attempts
            or last.reason in LASTING_REASONS
        ):
            raise last from error
        delay = self._policy.backoff_s(self.made, self._rng)
        left = self.timeout_s()
        if left is not None and delay >= left:
            raise DeadlineExceeded(
                f"gave up at the deadline after {self.made} attempt(s): {last.message}"
            ) from last
        log.info("%s; retry %d in %.2f s", code.name, self.made, delay)
        self.made += 1
        return delay
