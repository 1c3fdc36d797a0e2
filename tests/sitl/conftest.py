"""The test's side of the MAVLink links: real UDP sockets on loopback, parsed by pymavlink."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from pymavlink.dialects.v20 import common as mavlink

from airspace.clock import ManualClock
from bench.udp import udp_port_block, udp_socket
from sitl.fleet import Fleet, FleetConfig
from sitl.routes import Route, route_from_plan
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0

GROUND_ELEVATION_M = 37.5
"""Non-zero, so that AMSL and AGL cannot be confused."""
GCS_SYSTEM = 255


@dataclass
class GroundStation:
    """A ground station on the shared port plus each vehicle's offboard peer."""

    gcs: socket.socket
    offboard: list[socket.socket]
    parser: Any = field(default_factory=lambda: _parser())
    sender: Any = field(default_factory=lambda: mavlink.MAVLink(None, GCS_SYSTEM, 190))

    def config(self, **changes: Any) -> FleetConfig:
        return replace(
            FleetConfig(
                offboard_port_base=self.offboard[0].getsockname()[1],
                ground_station_port=self.gcs.getsockname()[1],
                listen_port_base=0,
                ground_elevation_m=GROUND_ELEVATION_M,
            ),
            **changes,
        )

    def messages(self, sock: socket.socket | None = None) -> list[Any]:
        """Every message waiting on ``sock`` (the ground-station socket by default)."""
        sock = sock or self.gcs
        found = []
        while True:
            try:
                datagram, _ = sock.recvfrom(65_535)
            except BlockingIOError:
                return found
            found.extend(m for m in self.parser.parse_buffer(datagram) or [] if _good(m))

    def send(self, fleet: Fleet, index: int, msg: Any) -> None:
        self.gcs.sendto(msg.pack(self.sender), fleet.vehicles[index].link.address)
        self.sender.seq = (self.sender.seq + 1) % 256

    def ask(self, fleet: Fleet, index: int, msg: Any, answer: str, timeout_s: float = 2.0) -> Any:
        """Send ``msg`` to vehicle ``index``; the first reply of type ``answer``."""
        self.messages()  # older telemetry out of the way: a full socket would drop the reply
        self.send(fleet, index, msg)
        return self.wait_for(fleet, lambda m: m.get_type() == answer, timeout_s)

    def wait_for(self, fleet: Fleet, matches: Callable[[Any], bool], timeout_s: float = 2.0) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            fleet.receive(0.05)
            for m in self.messages():
                if matches(m):
                    return m
        raise AssertionError("no matching reply")


def _parser() -> Any:
    parser = mavlink.MAVLink(None)
    parser.robust_parsing = True
    return parser


def _good(msg: Any) -> bool:
    return msg.get_type() != "BAD_DATA"


@pytest.fixture
def station() -> Iterator[GroundStation]:
    sockets = udp_port_block(4)
    gcs = udp_socket(0)
    yield GroundStation(gcs, sockets)
    gcs.close()
    for s in sockets:
        s.close()


@pytest.fixture
def sim_clock() -> ManualClock:
    return ManualClock(T0)


def run_until(fleet: Fleet, clock: ManualClock, until_s: float, each: Callable[[], None]) -> None:
    """Tick the fleet as its real-time loop would, on simulated time, until ``until_s``,
    calling ``each`` after every tick."""
    while clock.now() < until_s - 1e-9:
        clock.advance(fleet.tick_s)
        fleet.tick()
        each()


def flight(depart_s: float, east_m: float = 600.0, north_m: float = 300.0, **kw: Any) -> Route:
    """A delivery route from the depot: climb to 60 m, cruise, descend."""
    plan = delivery(depart_s, DEPOT, offset(DEPOT, east_m, north_m), **kw)
    plan.flight_plan_id = f"plan-{east_m:g}-{north_m:g}"
    return route_from_plan(plan)
