"""Live airspace: telemetry ingest through gRPC, and monitor latency with 10 watchers.

    python -m bench.live [--vehicles 2000] [--seconds 10] [--streams 4] [--batch 200]

Scenario: a server in its own process (embedded store, demo geozones, live monitor cycling
every second with conformance and tactical detection over every airborne vehicle). One client
process runs ``--streams`` ground-station streams that send batches of states for
``--vehicles`` drones flying straight lines over a 20 km square; 10 regulator watchers are
connected, each watching a 3 km circle 25 km from the fleet (conformance alerts and traffic).
Every half second a new marker drone with no plan reports once inside that circle; its
NO_ACTIVATED_PLAN alert's arrival at each watcher, minus the moment its state was sent, is the
latency from state in to event out, measured from ``WARM_UP_S`` on. (The fleet's drones fly
no plans either: each raises one such alert on first sight, outside the watched circle; that
burst of 2,000 alerts in the first cycle is what the warm-up leaves out.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import random
import time

import grpc

from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, monitor_service_pb2, telemetry_pb2
from airspace.v1 import monitor_service_pb2_grpc as monitor_grpc
from airspace.v1 import telemetry_service_pb2 as telemetry_pb
from airspace.v1 import telemetry_service_pb2_grpc as telemetry_grpc
from bench.machine import describe
from bench.servers import cpu_seconds, free_port, spawn
from bench.strategic import percentile
from bench.traffic import CITY_CENTER, CITY_SIDE_M, M_PER_DEG

WATCHERS = 10
WARM_UP_S = 3.0
"""Markers start this long after the fleet, once its first-sight alerts are out."""
MARKER_AT = (22.45, 113.95)
"""Where marker drones report: 25 km from the fleet, inside the watchers' area."""
WATCHED_AREA = common_pb2.Area(
    circle=common_pb2.Circle(
        center=common_pb2.LatLng(latitude_deg=MARKER_AT[0], longitude_deg=MARKER_AT[1]),
        radius_m=3000,
    )
)
OPERATOR = (("authorization", "Bearer demo-operator"),)
REGULATOR = (("authorization", "Bearer demo-regulator"),)


def fleet(count: int, seed: int = 7) -> list[tuple[float, float, float, float, float]]:
    """(lat, lon, altitude, east m/s, north m/s) per drone."""
    rng = random.Random(seed)
    drones = []
    cos_lat = math.cos(math.radians(CITY_CENTER[0]))
    for _ in range(count):
        east, north = (rng.uniform(-CITY_SIDE_M / 2, CITY_SIDE_M / 2) for _ in range(2))
        heading, speed = rng.uniform(0, 2 * math.pi), rng.uniform(5, 15)
        drones.append(
            (
                CITY_CENTER[0] + north / M_PER_DEG,
                CITY_CENTER[1] + east / (M_PER_DEG * cos_lat),
                rng.uniform(30, 110),
                speed * math.sin(heading),
                speed * math.cos(heading),
            )
        )
    return drones


def batch(
    drones: list[tuple[float, float, float, float, float]],
    first: int,
    size: int,
    start_s: float,
    prefix: str,
) -> telemetry_pb.StreamTelemetryRequest:
    """States for ``drones[first : first + size]`` (wrapping), where they are now."""
    now = time.time()
    cos_lat = math.cos(math.radians(CITY_CENTER[0]))
    states = []
    for k in range(first, first + size):
        lat, lon, alt, ve, vn = drones[k % len(drones)]
        t = now - start_s
        states.append(
            telemetry_pb2.VehicleState(
                registration_id=f"{prefix}-{k % len(drones)}",
                time=to_timestamp(now),
                position=common_pb2.LatLng(
                    latitude_deg=lat + vn * t / M_PER_DEG,
                    longitude_deg=lon + ve * t / (M_PER_DEG * cos_lat),
                ),
                altitude_m=alt,
                velocity_east_mps=ve,
                velocity_north_mps=vn,
            )
        )
    return telemetry_pb.StreamTelemetryRequest(states=states)


async def ground_station(
    channel: grpc.aio.Channel,
    drones: list,
    prefix: str,
    size: int,
    until_s: float,
    start_s: float,
    counts: list[int],
    interval_s: float,
) -> None:
    stub = telemetry_grpc.TelemetryServiceStub(channel)
    call = stub.StreamTelemetry(metadata=OPERATOR)
    sent = 0

    async def acks() -> None:
        async for response in call:
            counts[0] += response.accepted_count
            counts[1] += len(response.rejections)

    reader = asyncio.create_task(acks())
    while time.time() < until_s:
        await call.write(batch(drones, sent * size, size, start_s, prefix))
        sent += 1
        if interval_s:
            await asyncio.sleep(max(0.0, start_s + sent * interval_s - time.time()))
    await call.done_writing()
    await reader


async def watcher(
    channel: grpc.aio.Channel,
    sent_at: dict[str, float],
    latencies: list[float],
    ready: asyncio.Event,
) -> None:
    stub = monitor_grpc.MonitorServiceStub(channel)
    request = monitor_service_pb2.WatchAirspaceRequest(
        area=WATCHED_AREA,
        kinds=[monitor_service_pb2.EVENT_KIND_CONFORMANCE, monitor_service_pb2.EVENT_KIND_TRAFFIC],
    )
    call = stub.WatchAirspace(request, metadata=REGULATOR)
    ready.set()
    try:
        async for event in call:
            if event.WhichOneof("event") == "conformance":
                sent = sent_at.get(event.conformance.registration_id)
                if sent is not None:
                    latencies.append(time.time() - sent)
    except grpc.aio.AioRpcError as exc:
        if exc.code() != grpc.StatusCode.CANCELLED:
            raise


async def markers(channel: grpc.aio.Channel, sent_at: dict[str, float], until_s: float) -> None:
    """A new unplanned drone every 0.5 s, after the fleet's first-sight alerts (which every
    drone raises once, on its first state) have gone out: steady-state latency."""
    stub = telemetry_grpc.TelemetryServiceStub(channel)
    call = stub.StreamTelemetry(metadata=OPERATOR)
    await asyncio.sleep(WARM_UP_S)
    n = 0
    while time.time() < until_s:
        n += 1
        name = f"MARKER-{n}"
        sent_at[name] = time.time()
        await call.write(
            telemetry_pb.StreamTelemetryRequest(
                states=[
                    telemetry_pb2.VehicleState(
                        registration_id=name,
                        time=to_timestamp(time.time()),
                        position=common_pb2.LatLng(
                            latitude_deg=MARKER_AT[0], longitude_deg=MARKER_AT[1]
                        ),
                        altitude_m=40.0,
                    )
                ]
            )
        )
        await asyncio.sleep(0.5)
    await call.done_writing()


async def run(
    target: str, vehicles: int, seconds: float, streams: int, size: int, rate: float
) -> dict[str, float]:
    """One phase: ``rate`` states/s offered in total (0: as fast as the server takes them)."""
    drones = fleet(vehicles)
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    counts = [0, 0]
    async with grpc.aio.insecure_channel(target) as channel:
        ready = [asyncio.Event() for _ in range(WATCHERS)]
        watchers = [asyncio.create_task(watcher(channel, sent_at, latencies, r)) for r in ready]
        for r in ready:
            await r.wait()
        start = time.time()
        until = start + seconds
        share = vehicles // streams
        size = min(size, share)  # one state per drone per batch: never two of one drone at once
        interval = size * streams / rate if rate else 0.0
        await asyncio.gather(
            markers(channel, sent_at, until),
            *(
                ground_station(
                    channel,
                    drones[i * share : (i + 1) * share],
                    f"BENCH-{i}",
                    size,
                    until,
                    start,
                    counts,
                    interval,
                )
                for i in range(streams)
            ),
        )
        elapsed = time.time() - start
        await asyncio.sleep(2.0)  # the last markers' alerts
        for task in watchers:
            task.cancel()
    return {
        "states_per_s": counts[0] / elapsed,
        "rejected": counts[1],
        "latency_p50_ms": percentile(latencies, 0.5) * 1e3 if latencies else math.nan,
        "latency_p99_ms": percentile(latencies, 0.99) * 1e3 if latencies else math.nan,
        "latency_samples": len(latencies),
    }


def phase(vehicles: int, seconds: float, streams: int, size: int, rate: float) -> dict[str, float]:
    port = free_port()
    server = spawn("airspace", "--port", str(port))
    try:
        cpu_before = cpu_seconds(server.pid)
        result = asyncio.run(run(f"127.0.0.1:{port}", vehicles, seconds, streams, size, rate))
        result["server_cpu"] = (cpu_seconds(server.pid) - cpu_before) / (seconds + 2)
    finally:
        server.kill()
        server.wait()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vehicles", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--streams", type=int, default=4)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    flat_out = phase(args.vehicles, args.seconds, args.streams, args.batch, rate=0)
    one_hz = phase(args.vehicles, args.seconds, args.streams, args.batch // 10, rate=args.vehicles)
    print(f"live airspace — {describe()}")
    print(
        f"scenario: {args.vehicles} airborne drones over 20 km × 20 km, {args.streams} "
        f"ground-station streams, {WATCHERS} regulator watchers, monitor cycling every 0.5 s "
        f"(conformance, tactical detection, snapshots), {args.seconds:.0f} s per phase"
    )
    rows = [
        ("ingest, streams sending flat out (states/s)", f"{flat_out['states_per_s']:.0f}"),
        ("  server CPU busy", f"{flat_out['server_cpu']:.0%}"),
        ("  state in → alert out, p50 / p99 (ms)", _latency(flat_out)),
        ("every drone reporting at 1 Hz (states/s)", f"{one_hz['states_per_s']:.0f}"),
        ("  server CPU busy", f"{one_hz['server_cpu']:.0%}"),
        ("  state in → alert out, p50 / p99 (ms)", _latency(one_hz)),
        ("states rejected", f"{flat_out['rejected'] + one_hz['rejected']}"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps({"flat_out": flat_out, "one_hz": one_hz}))


def _latency(result: dict[str, float]) -> str:
    return (
        f"{result['latency_p50_ms']:.0f} / {result['latency_p99_ms']:.0f} "
        f"({result['latency_samples']} samples at {WATCHERS} watchers)"
    )


if __name__ == "__main__":
    main()
