"""MAVLink bridge throughput: position messages over loopback UDP into a real server.

    python -m bench.bridge [--vehicles 200] [--seconds 10] [--rates 5000,10000,0]
                           [--per-datagram 1]

Scenario: the server in its own process (embedded store, demo city, live monitor cycling
every 0.5 s over every track); the bridge (``sitl.bridge.Bridge``, one endpoint on
127.0.0.1) in this process, with down-sampling off (``max_rate_hz=0``: every position is
forwarded, except that two of one vehicle arriving within one batch period, 5 ms here,
collapse to the latest, counted as superseded); a sender in a third process that sends
GLOBAL_POSITION_INT (MAVLink 2, encoded by pymavlink, ``--per-datagram`` messages per UDP
datagram) from ``--vehicles`` system ids in turn, paced to each offered rate (0: as fast as
it can). The drones are those of ``bench.live`` (20 km square, 30–110 m, 5–15 m/s).

Per rate: messages sent; datagrams received (flat out, the kernel drops what the bridge's
socket buffer cannot hold); positions parsed by the bridge, states forwarded into the stream and
states acknowledged as accepted by the service, each per second of sending (counted until
1 s after the sender stops, so what was in flight arrives); superseded, rejected and
dropped; CPU of the bridge's process (its event loop and stream thread) and of the server,
as a share of one core over the sending time and the drain.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from typing import Any

from pymavlink.dialects.v20 import common as mavlink

from bench.live import fleet
from bench.machine import describe
from bench.servers import cpu_seconds, free_port, spawn
from bench.traffic import M_PER_DEG
from sitl.bridge import Bridge, BridgeSettings

FRAMES_PER_DRONE = 50
"""Pre-encoded positions per drone, one second apart along its track, sent in a loop."""
BATCH_PERIOD_S = 0.005
"""A quarter of the bridge's default, so that at 5,000 and 10,000 messages/s from 200 drones
(25 and 50 Hz each) two positions of one drone seldom share a batch."""
DRAIN_S = 1.0
TICK_S = 0.01
"""The sender's pacing step."""


def encoded_positions(vehicles: int, per_datagram: int) -> list[bytes]:
    """Datagrams, in sending order: each drone's next position, drone after drone."""
    drones = fleet(vehicles)
    encoders = [mavlink.MAVLink(None, srcSystem=i + 1, srcComponent=1) for i in range(vehicles)]
    cos_lat = math.cos(math.radians(drones[0][0]))
    packets = []
    for step in range(FRAMES_PER_DRONE):
        for (lat, lon, alt, ve, vn), encoder in zip(drones, encoders, strict=True):
            message = encoder.global_position_int_encode(
                step * 1000,
                round((lat + vn * step / M_PER_DEG) * 1e7),
                round((lon + ve * step / (M_PER_DEG * cos_lat)) * 1e7),
                round(alt * 1000),
                round(alt * 1000),
                round(vn * 100),
                round(ve * 100),
                0,
                0,
            )
            packets.append(bytes(message.pack(encoder)))
    return [b"".join(packets[i : i + per_datagram]) for i in range(0, len(packets), per_datagram)]


def blast(port: int, rate: float, seconds: float, vehicles: int, per_datagram: int) -> None:
    """The sender process: prints READY, waits for a line on stdin, sends, prints the count."""
    datagrams = encoded_positions(vehicles, per_datagram)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    target = ("127.0.0.1", port)
    print("READY", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    end_at, sent = start + seconds, 0
    if rate:
        interval_s = per_datagram / rate
        while (now := time.perf_counter()) < end_at:
            for _ in range(int((now - start) / interval_s) + 1 - sent):
                sock.sendto(datagrams[sent % len(datagrams)], target)
                sent += 1
            time.sleep(TICK_S)
    else:
        while time.perf_counter() < end_at:
            for _ in range(256):
                sock.sendto(datagrams[sent % len(datagrams)], target)
                sent += 1
    print(f"SENT {sent * per_datagram}", flush=True)


async def phase(
    target: str, server_pid: int, rate: float, args: argparse.Namespace
) -> dict[str, Any]:
    seconds, vehicles, per_datagram = args.seconds, args.vehicles, args.per_datagram
    settings = BridgeSettings(max_rate_hz=0.0, batch_period_s=args.batch_period)
    async with Bridge(["udpin:127.0.0.1:0"], target, "demo-operator", settings=settings) as bridge:
        port = bridge.addresses[0][1]
        sender = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench.bridge",
                "--blast",
                str(port),
                "--rates",
                str(rate),
                "--seconds",
                str(seconds),
                "--vehicles",
                str(vehicles),
                "--per-datagram",
                str(per_datagram),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert sender.stdin is not None and sender.stdout is not None
        assert "READY" in await asyncio.to_thread(sender.stdout.readline)
        while not bridge.stats.connected:
            await asyncio.sleep(0.05)
        cpu_before, server_before = time.process_time(), cpu_seconds(server_pid)
        sender.stdin.write("go\n")
        sender.stdin.flush()
        sent_line = await asyncio.to_thread(sender.stdout.readline)
        await asyncio.sleep(DRAIN_S)
        bridge_cpu = time.process_time() - cpu_before
        server_cpu = cpu_seconds(server_pid) - server_before
        sender.wait()
    stats = bridge.stats
    return {
        "offered_per_s": rate,
        "sent": int(sent_line.split()[1]),
        "datagrams_received": stats.datagrams,
        "positions": stats.positions,
        "positions_per_s": stats.positions / seconds,
        "forwarded_per_s": stats.forwarded / seconds,
        "accepted_per_s": stats.accepted / seconds,
        "accepted": stats.accepted,
        "superseded": stats.superseded,
        "stale": stats.stale,
        "rejected": stats.rejected,
        "dropped": sum(stats.dropped.values()),
        "bridge_cpu": bridge_cpu / (seconds + DRAIN_S),
        "server_cpu": server_cpu / (seconds + DRAIN_S),
        "stats": asdict(stats) | {"dropped": {str(k): v for k, v in stats.dropped.items()}},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--rates",
        default="5000,10000,0",
        help="Offered position messages per second, comma-separated; 0: flat out.",
    )
    parser.add_argument("--per-datagram", type=int, default=1)
    parser.add_argument(
        "--batch-period", type=float, default=BATCH_PERIOD_S, help="The bridge's batch period (s)."
    )
    parser.add_argument("--blast", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    if args.blast is not None:
        blast(args.blast, rates[0], args.seconds, args.vehicles, args.per_datagram)
        return
    port = free_port()
    server = spawn("airspace", "--port", str(port))
    try:
        results = [
            asyncio.run(phase(f"127.0.0.1:{port}", server.pid, rate, args)) for rate in rates
        ]
    finally:
        server.kill()
        server.wait()
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print("MAVLink bridge — GLOBAL_POSITION_INT over loopback UDP into TelemetryService")
    print(f"machine: {describe()}; load average {load}")
    print(
        f"scenario: {args.vehicles} system ids, {args.per_datagram} message(s) per datagram, "
        f"{args.seconds:.0f} s per rate, down-sampling off (max_rate_hz=0), batch period "
        f"{args.batch_period * 1000:g} ms, server in its own process with the live monitor"
    )
    header = (
        "offered/s",
        "sent",
        "received",
        "parsed/s",
        "forwarded/s",
        "accepted/s",
        "superseded",
        "rejected",
        "dropped",
        "bridge CPU",
        "server CPU",
    )
    print("  ".join(f"{h:>11}" for h in header))
    for r in results:
        row = (
            "flat out" if not r["offered_per_s"] else f"{r['offered_per_s']:,.0f}",
            f"{r['sent']:,}",
            f"{r['datagrams_received']:,}",
            f"{r['positions_per_s']:,.0f}",
            f"{r['forwarded_per_s']:,.0f}",
            f"{r['accepted_per_s']:,.0f}",
            f"{r['superseded']:,}",
            f"{r['rejected']:,}",
            f"{r['dropped']:,}",
            f"{r['bridge_cpu']:.0%}",
            f"{r['server_cpu']:.0%}",
        )
        print("  ".join(f"{c:>11}" for c in row))
    print(json.dumps([{k: v for k, v in r.items() if k != "stats"} for r in results]))


if __name__ == "__main__":
    main()
