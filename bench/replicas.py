"""Submissions through gRPC with 1, 2 and 4 replicas on one Redis and on a three-master Redis
Cluster, next to the embedded store.

    python -m bench.replicas [--plans 10000] [--seconds 10]

Same scenario as bench.strategic: a city preloaded with accepted deliveries, then new
deliveries submitted by ``IN_FLIGHT`` concurrent calls spread over the replicas. Redis runs
with the append-only file on (fsync every write). Also reports Redis memory per stored plan.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

import redis

from bench.machine import describe
from bench.servers import free_port, spawn
from bench.strategic import IN_FLIGHT, SUBMIT_METHOD, drive, submit_requests
from bench.traffic import book
from tests.redis_server import RedisClusterServers, RedisServer


def measure(store_args: list[str], replicas: int, payloads: list[bytes], seconds: float) -> float:
    processes, targets = [], []
    try:
        for _ in range(replicas):
            port = free_port()
            processes.append(spawn("airspace", "--port", str(port), *store_args))
            targets.append(f"127.0.0.1:{port}")
        return asyncio.run(drive(targets, SUBMIT_METHOD, payloads, seconds))
    finally:
        for process in processes:
            process.kill()
            process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    server = RedisServer(Path(tempfile.mkdtemp(prefix="bench-redis-"))).start()
    rows: list[tuple[str, str]] = []
    try:
        client = redis.Redis(port=server.port)
        before = int(client.info("memory")["used_memory"])
        started = time.perf_counter()
        asyncio.run(book(args.plans, seed=1, store_url=server.url))
        load_s = time.perf_counter() - started
        stored = int(client.hlen("{airspace}:plans"))
        per_plan = (int(client.info("memory")["used_memory"]) - before) / stored
        rows.append(("plans stored in Redis (load time)", f"{stored} ({load_s:.0f} s)"))
        rows.append(("Redis memory per stored plan", f"{per_plan / 1024:.1f} KiB"))
        memory = measure(
            ["--plans", str(args.plans)], 1, submit_requests("memory", 60_000), args.seconds
        )
        rows.append(("embedded store, 1 server (submissions/s)", f"{memory:.0f}"))
        for count in (1, 2, 4):
            rate = measure(
                ["--store", server.url], count, submit_requests(f"r{count}", 60_000), args.seconds
            )
            rows.append((f"Redis, {count} replica(s) (submissions/s)", f"{rate:.0f}"))
        cluster = RedisClusterServers(Path(tempfile.mkdtemp(prefix="bench-cluster-"))).start()
        try:
            started = time.perf_counter()
            asyncio.run(book(args.plans, seed=1, store_url=cluster.url))
            rows.append(("plans loaded into the cluster", f"{time.perf_counter() - started:.0f} s"))
            for count in (1, 2):
                rate = measure(
                    ["--store", cluster.url],
                    count,
                    submit_requests(f"c{count}", 60_000),
                    args.seconds,
                )
                rows.append(
                    (f"3-master cluster, {count} replica(s) (submissions/s)", f"{rate:.0f}")
                )
        finally:
            cluster.kill()
    finally:
        server.kill()
    print(f"replicas on one Redis — {describe()}")
    print(
        f"scenario: {args.plans} accepted deliveries over 20 km × 20 km preloaded, then new "
        f"deliveries submitted by {IN_FLIGHT} concurrent calls for {args.seconds:.0f} s each"
    )
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps(dict(rows)))


if __name__ == "__main__":
    main()
