"""MAVLink endpoints the bridge listens on: ``udpin:HOST:PORT`` (the mavutil spelling)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sitl.bridge.vehicles import Address

log = logging.getLogger("sitl.bridge")

RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024
"""Asked of the kernel per socket, so that bursts wait there instead of being dropped (Linux
grants at most net.core.rmem_max)."""

DatagramHandler = Callable[[bytes, Address], None]


@dataclass(frozen=True, slots=True)
class Endpoint:
    host: str
    port: int

    def __str__(self) -> str:
        return f"udpin:{self.host}:{self.port}"


def parse_endpoint(text: str) -> Endpoint:
    """``udpin:0.0.0.0:14540`` → Endpoint; ValueError for anything else."""
    scheme, _, rest = text.partition(":")
    host, _, port = rest.rpartition(":")
    if scheme != "udpin" or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"{text!r}: expected udpin:HOST:PORT, e.g. udpin:0.0.0.0:14540")
    return Endpoint(host, int(port))


class _Listener(asyncio.DatagramProtocol):
    def __init__(self, handle: DatagramHandler) -> None:
        self._handle = handle

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        self._handle(data, (str(addr[0]), addr[1]))

    def error_received(self, exc: Exception) -> None:
        log.warning("UDP receive error: %s", exc)


async def listen(endpoint: Endpoint, handle: DatagramHandler) -> asyncio.DatagramTransport:
    """A bound UDP socket whose datagrams go to ``handle``; OSError when it cannot bind."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Listener(handle), local_addr=(endpoint.host, endpoint.port)
    )
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER_BYTES)
    return transport
