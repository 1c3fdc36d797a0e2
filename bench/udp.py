"""Loopback UDP sockets for the MAVLink benchmarks and tests."""

from __future__ import annotations

import random
import socket


def udp_socket(port: int, receive_buffer: int | None = None) -> socket.socket:
    """A non-blocking UDP socket bound to ``port`` on loopback (0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def udp_port_block(count: int, receive_buffer: int | None = None) -> list[socket.socket]:
    """``count`` sockets bound to consecutive free loopback UDP ports (as PX4 SITL's
    offboard ports are: 14540 + instance)."""
    for _ in range(50):
        base = random.randrange(20_000, 60_000 - count)
        bound: list[socket.socket] = []
        try:
            for port in range(base, base + count):
                bound.append(udp_socket(port, receive_buffer))
        except OSError:
            for s in bound:
                s.close()
            continue
        return bound
    raise RuntimeError("no block of free UDP ports")
