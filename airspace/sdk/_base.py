"""What the sync and asyncio clients share: their settings, channel, stubs and attempts."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from airspace.sdk import _calls as calls
from airspace.sdk._retry import Attempts, RetryPolicy
from airspace.sdk._streams import RECONNECT
from airspace.sdk._tls import Tls


class BaseClient:
    """Settings of a client; subclasses say how to open a channel (sync or ``grpc.aio``)."""

    _insecure_channel: Callable[..., Any]
    _secure_channel: Callable[..., Any]

    def __init__(
        self,
        target: str,
        token: str,
        *,
        timeout_s: float = calls.DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        reconnect: RetryPolicy = RECONNECT,
        rng: random.Random | None = None,
        tls: Tls | None = None,
    ) -> None:
        """Connect to ``target`` (host:port) as the identity of ``token``.

        ``timeout_s`` is the default deadline of a call, retries included; ``retry`` says how
        idempotent calls are retried, ``reconnect`` how watch streams reconnect; ``rng`` draws
        the jitter (seed it to make waits repeatable); ``tls`` connects over TLS (without it
        the channel is plaintext, for loopback and trusted networks).

        >>> client = AirspaceClient("localhost:50051", "demo-operator", timeout_s=5.0)
        """
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.reconnect = reconnect
        self._rng = rng
        options: list[tuple[str, Any]] = [*calls.channel_options(self.retry)]
        if tls is None:
            self._channel = type(self)._insecure_channel(target, options=options)
        else:
            options += tls.channel_options()
            self._channel = type(self)._secure_channel(target, tls.credentials(), options=options)
        self._metadata = calls.metadata(token)
        self._stubs = calls.Stubs(self._channel)

    def _attempts(
        self, call: calls.Call[Any], timeout_s: float | None, extra_s: float = 0.0
    ) -> Attempts:
        """The retry bookkeeping of one call, with its deadline (``timeout_s``, else the
        client's default plus ``extra_s``)."""
        return Attempts(
            self.retry,
            idempotent=call.idempotent,
            timeout_s=timeout_s or self.timeout_s + extra_s,
            rng=self._rng,
        )

    def _custom(
        self, stub_class: Callable[[Any], Any], method: str, request: Any, idempotent: bool
    ) -> calls.Call[Any]:
        """A call the helpers do not cover, for ``call``."""
        stub = stub_class(self._channel)
        return calls.Call(lambda _: getattr(stub, method), request, idempotent, lambda r: r)
