"""The bridge under bad input, vehicles that come and go, and a service that restarts."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

import pytest

from airspace.clock import ManualClock
from airspace.events import TrafficSnapshot
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.store.memory import MemoryStore
from sitl.bridge import Drop
from tests.bridge.conftest import MakeBridge, until
from tests.bridge.mavlink_out import Autopilot, unknown_message
from tests.builders import DEPOT, offset
from tests.conftest import RunningServer, ServerThread


def snapshot(running: RunningServer) -> TrafficSnapshot:
    return cast(TrafficSnapshot, running.cycle())


def corrupted(packet: bytes) -> bytes:
    """The packet with one payload bit flipped: its checksum no longer matches."""
    flipped = bytearray(packet)
    flipped[12] ^= 0x10
    return bytes(flipped)


async def test_bad_packets_are_counted_by_kind_and_good_ones_around_them_forwarded(
    running: RunningServer,
    make_bridge: MakeBridge,
    autopilots: Callable[[int], Autopilot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bridge, _ = await make_bridge()
    to = bridge.addresses[0]
    good = {n: autopilots(n) for n in range(1, 10)}
    link = good[1]  # one source address carries every datagram below but the last

    def position(n: int) -> bytes:
        return good[n].position(*offset(DEPOT, 100 * n, 0), 50.0)

    link.send(to, position(1), position(2)[:25])  # truncated at the end of the datagram
    link.send(to, position(3))  # the next datagram is whole: not swallowed by the cut one
    link.send(to, corrupted(position(1)), position(4))
    wrong_version = bytearray(position(1))
    wrong_version[2] = 0x02  # an incompat flag MAVLink 2 has not defined
    link.send(to, bytes(wrong_version), position(5))
    link.send(to, unknown_message(1), position(6))
    link.send(to, b"GET / HTTP/1.1\r\n\r\n", position(7))
    link.send(to, autopilots(0).position(*DEPOT, 50.0), position(8))
    link.send(to, corrupted(position(1)))  # a second one of a kind: counted, not logged
    good[9].send(to, position(9))
    second_host = autopilots(9)  # the same system id from another address: a conflict
    second_host.send(to, second_host.position(*DEPOT, 50.0))
    await until(lambda: bridge.stats.datagrams == 10)

    assert bridge.stats.dropped == {
        Drop.TRUNCATED: 1,
        Drop.BAD_CRC: 2,
        Drop.BAD_VERSION: 1,
        Drop.UNKNOWN_MESSAGE: 1,
        Drop.NOT_MAVLINK: 1,
        Drop.SYSTEM_ID_ZERO: 1,
        Drop.CONFLICT: 1,
    }
    await until(lambda: bridge.stats.accepted == 8)
    found = {t.state.registration_id: t.state for t in snapshot(running).tracks}
    assert set(found) == {f"MAV-{n}" for n in (1, 3, 4, 5, 6, 7, 8, 9)}
    assert found["MAV-9"].position.lon == pytest.approx(offset(DEPOT, 900, 0)[1], abs=1e-7)
    logged = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dropped")]
    assert sorted(m.split(":")[0] for m in logged) == sorted(f"dropped {k}" for k in Drop)


async def test_a_vehicle_that_vanishes_is_reported_and_may_come_back_from_elsewhere(
    running: RunningServer,
    make_bridge: MakeBridge,
    autopilots: Callable[[int], Autopilot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "sitl.bridge")
    bridge, _ = await make_bridge(vanish_after_s=3.0)
    first_life, second_life = autopilots(2), autopilots(2)
    first_life.send(bridge.addresses[0], first_life.position(*DEPOT, 30.0))
    await until(lambda: bridge.stats.accepted == 1)
    assert bridge.stats.vehicles_active == 1

    running.clock.advance(3.5)
    await until(lambda: bridge.stats.vehicles_active == 0)
    assert any(
        "system 2" in r.getMessage() and "vanished" in r.getMessage() for r in caplog.records
    )

    # A restarted simulator comes back on another port: it owns system 2 now.
    second_life.send(bridge.addresses[0], second_life.position(*offset(DEPOT, 50, 0), 30.0))
    await until(lambda: bridge.stats.accepted == 2)
    assert bridge.stats.vehicles_active == 1 and bridge.stats.vehicles_seen == 1
    assert any("reappeared" in r.getMessage() for r in caplog.records)
    assert not bridge.stats.dropped


async def test_the_bridge_reconnects_after_a_service_restart_sending_only_fresh_states(
    clock: ManualClock, make_bridge: MakeBridge, autopilots: Callable[[int], Autopilot]
) -> None:
    def serve(port: int) -> ServerThread:
        settings = ServerSettings(host="127.0.0.1", port=port)
        thread = ServerThread(AirspaceServer(settings, store=MemoryStore(), clock=clock))
        thread.start()
        return thread

    first = serve(0)
    port = first.server.port
    bridge, _ = await make_bridge(target=f"127.0.0.1:{port}", vanish_after_s=60.0)
    drones = autopilots(1), autopilots(2)
    to = bridge.addresses[0]
    drones[0].send(to, drones[0].position(*DEPOT, 30.0))
    await until(lambda: bridge.stats.accepted == 1)
    first.stop()
    await until(lambda: not bridge.stats.connected)

    # While the service is away: drone 1 reports and then goes quiet (its state grows stale),
    # drone 2 reports twice (its latest state wins).
    drones[0].send(to, drones[0].position(*DEPOT, 31.0))
    await until(lambda: bridge.stats.positions == 2)
    clock.advance(6.0)
    for altitude in (40.0, 41.0):
        drones[1].send(to, drones[1].position(*DEPOT, altitude))
        clock.advance(0.1)
    await until(lambda: bridge.stats.positions == 4)

    second = serve(port)
    try:
        await until(lambda: bridge.stats.connects == 2, timeout_s=15)
        await until(lambda: bridge.stats.accepted == 2)
        (track,) = second.call(second.server.live.cycle()).tracks
        assert (track.state.registration_id, track.state.altitude_m) == ("MAV-2", 41.0)
        assert bridge.stats.stale >= 1
    finally:
        await bridge.stop()  # before the server, which then has no stream to cut
        second.stop()
