"""The SITL fleet on one core: can 200 vehicles stream MAVLink at 10 Hz in real time?

    python -m bench.sitl_fleet [--vehicles 200] [--rate 10] [--seconds 10]

Scenario: ``--vehicles`` delivery flights spread over a 10 km square of Shenzhen, departing
during the first two seconds (vertical climb at 3 m/s to 30–110 m, a 3 km cruise at 15 m/s),
flown in real time by one ``sitl.fleet.Fleet`` in this process at ``--rate`` Hz of
GLOBAL_POSITION_INT, plus the other PX4 streams (HEARTBEAT, GPS_RAW_INT 5 Hz, SYS_STATUS,
EXTENDED_SYS_STATE, BATTERY_STATUS, HOME_POSITION). Every message goes to two peers, as in
PX4 SITL: the vehicle's own offboard port and the shared ground-station port; a receiver in a
second process binds all of them on 127.0.0.1 and counts the datagrams by message id.

Columns: messages per second the fleet sent (GLOBAL_POSITION_INT, and all kinds), datagrams
per second the receiver got on the ground-station port, the fleet process's CPU seconds per
wall second, real-time ticks that started more than one tick late, and whether it kept up
(at least 98 % of the GLOBAL_POSITION_INT rate asked for, at most 1 % late ticks).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import selectors
import socket
import subprocess
import sys
import time
from collections import Counter

from bench.machine import describe
from bench.udp import udp_port_block, udp_socket
from sitl.fleet import Fleet, FleetConfig
from sitl.routes import Route

CITY_CENTER = (22.60, 114.20)
SQUARE_M = 10_000.0
M_PER_DEG = 111_320.0
GLOBAL_POSITION_INT_ID = 33


def routes(count: int, start_s: float, seed: int = 7) -> list[Route]:
    rng = random.Random(seed)
    cos_lat = math.cos(math.radians(CITY_CENTER[0]))
    found = []
    for i in range(count):
        east, north = (rng.uniform(-SQUARE_M / 2, SQUARE_M / 2) for _ in range(2))
        lat, lon = CITY_CENTER[0] + north / M_PER_DEG, CITY_CENTER[1] + east / (M_PER_DEG * cos_lat)
        heading = rng.uniform(0, 2 * math.pi)
        lat2 = lat + 3000 * math.cos(heading) / M_PER_DEG
        lon2 = lon + 3000 * math.sin(heading) / (M_PER_DEG * cos_lat)
        altitude = rng.uniform(30, 110)
        climb = altitude / 3.0
        depart = start_s + rng.uniform(0, 2)
        found.append(
            Route(
                registration_id=f"UAS-BENCH-{i:04d}",
                flight_plan_id=f"bench-{i}",
                times_s=(depart, depart + climb, depart + climb + 200, depart + 2 * climb + 200),
                lats_deg=(lat, lat, lat2, lat2),
                lons_deg=(lon, lon, lon2, lon2),
                altitudes_m=(0.0, altitude, altitude, 0.0),
            )
        )
    return found


def receive(count: int) -> None:
    """The receiver process: bind the ground-station port and ``count`` offboard ports, say
    READY with them, count datagrams until stdin closes, print the counts as JSON."""
    gcs = udp_socket(0, 8 << 20)
    block = udp_port_block(count, 256 << 10)
    print("READY", gcs.getsockname()[1], block[0].getsockname()[1], flush=True)
    selector = selectors.DefaultSelector()
    for sock in [gcs, *block]:
        selector.register(sock, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    on_gcs: Counter[int] = Counter()
    offboard = 0
    while True:
        for key, _ in selector.select():
            if key.fileobj is sys.stdin:
                print(json.dumps({"gcs": on_gcs, "offboard": offboard}), flush=True)
                return
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            while True:
                try:
                    data = sock.recv(2048)
                except BlockingIOError:
                    break
                if sock is gcs:
                    on_gcs[data[7] | data[8] << 8 | data[9] << 16] += 1
                else:
                    offboard += 1


def measure(vehicles: int, rate_hz: float, seconds: float) -> dict[str, float]:
    receiver = subprocess.Popen(
        [sys.executable, "-m", "bench.sitl_fleet", "--receive", str(vehicles)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert receiver.stdout is not None and receiver.stdin is not None
    _, gcs_port, offboard_base = receiver.stdout.readline().split()
    config = FleetConfig(
        offboard_port_base=int(offboard_base),
        ground_station_port=int(gcs_port),
        listen_port_base=0,
        position_rate_hz=rate_hz,
        ground_elevation_m=12.0,
    )
    with Fleet(routes(vehicles, time.time() + 0.5), config) as fleet:
        fleet.run(duration_s=1.0)  # warm up: first ticks, numpy caches
        sent_before = Counter(fleet.counters.messages)
        ticks_before, late_before = fleet.counters.ticks, fleet.counters.late_ticks
        cpu, wall = time.process_time(), time.monotonic()
        fleet.run(duration_s=seconds)
        cpu, wall = time.process_time() - cpu, time.monotonic() - wall
        sent = fleet.counters.messages - sent_before
        ticks = fleet.counters.ticks - ticks_before
        late = fleet.counters.late_ticks - late_before
        airborne = fleet.status().airborne
        dropped = sum(v.link.dropped for v in fleet.vehicles)
    receiver.stdin.close()
    counts = json.loads(receiver.stdout.readline())
    receiver.wait(10)
    position_rate = sent["GLOBAL_POSITION_INT"] / wall
    return {
        "airborne": airborne,
        "position_per_s": position_rate,
        "asked_per_s": vehicles * rate_hz,
        "messages_per_s": sum(sent.values()) / wall,
        "received_gcs_per_s": sum(counts["gcs"].values()) / (wall + 1.0),
        "dropped": dropped,
        "cpu_per_wall": cpu / wall,
        "ticks": ticks,
        "late": late,
        "kept_up": position_rate >= 0.98 * vehicles * rate_hz and late <= 0.01 * ticks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--receive", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receive is not None:
        receive(args.receive)
        return
    r = measure(args.vehicles, args.rate, args.seconds)
    print(f"# SITL fleet, real time, one process — {describe()}")
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n")
    print(
        "| vehicles | airborne | rate Hz | seconds | GLOBAL_POSITION_INT/s (asked) | "
        "messages/s | received on GCS port/s | send errors | CPU s per s | late ticks | kept up |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| {args.vehicles} | {r['airborne']:.0f} | {args.rate:g} | {args.seconds:g} | "
        f"{r['position_per_s']:,.0f} ({r['asked_per_s']:,.0f}) | {r['messages_per_s']:,.0f} | "
        f"{r['received_gcs_per_s']:,.0f} | {r['dropped']:.0f} | {r['cpu_per_wall']:.2f} | "
        f"{r['late']:.0f} of {r['ticks']:.0f} | {'yes' if r['kept_up'] else 'no'} |"
    )


if __name__ == "__main__":
    main()
