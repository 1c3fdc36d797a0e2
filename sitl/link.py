"""One vehicle's UDP link: a non-blocking socket bound where PX4 SITL listens, sending every
telemetry datagram to the offboard and ground-station peers and each reply to its asker.

A link that is down (the lost-link fault) sends nothing and drops what it hears.
"""

from __future__ import annotations

import socket

Address = tuple[str, int]
LISTEN_PORT_BASE = 14580
"""PX4 SITL instance N listens for its offboard link on 14580 + N."""
MAX_DATAGRAM = 65_535


class Link:
    """The ``file`` a pymavlink ``MAVLink`` object writes its telemetry to."""

    def __init__(self, bind: Address, peers: list[Address]) -> None:
        self.peers = peers
        self.up = True
        self.sent = 0
        """Datagrams handed to the network."""
        self.dropped = 0
        """Datagrams the network refused (send buffer full, nobody at the port)."""
        self.silenced = 0
        """Messages not sent because the link was down."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self.sock.setblocking(False)
            self.sock.bind(bind)
        except OSError:
            self.sock.close()
            raise

    @property
    def address(self) -> Address:
        host, port = self.sock.getsockname()
        return str(host), int(port)

    def write(self, datagram: bytes) -> None:
        """Send one message to every peer (pymavlink's ``MAVLink.send`` calls this)."""
        if not self.up:
            self.silenced += 1
            return
        for peer in self.peers:
            self._send(datagram, peer)

    def reply(self, datagram: bytes, peer: Address) -> None:
        if self.up:
            self._send(datagram, peer)

    def receive(self) -> list[tuple[bytes, Address]]:
        """Every datagram waiting (none while the link is down: they are read and dropped)."""
        received: list[tuple[bytes, Address]] = []
        while True:
            try:
                data, peer = self.sock.recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return received if self.up else []
            except OSError:  # an ICMP error for an earlier send; nothing to read
                continue
            received.append((data, peer))

    def close(self) -> None:
        self.sock.close()

    def _send(self, datagram: bytes, peer: Address) -> None:
        try:
            self.sock.sendto(datagram, peer)
        except OSError:
            self.dropped += 1
        else:
            self.sent += 1

    def fileno(self) -> int:
        return self.sock.fileno()
