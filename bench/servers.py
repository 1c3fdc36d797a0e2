"""Servers the benchmarks measure, each in its own process so that it has a core to itself.

    python -m bench.servers airspace --port P [--plans N]   # preloaded with N accepted plans
    python -m bench.servers airspace --port P --store URL   # a replica on a shared store
    python -m bench.servers echo --port P                    # a bare gRPC echo service

Each prints READY once it serves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys

import grpc

from airspace.clock import ManualClock, SystemClock
from airspace.server.app import AirspaceServer
from airspace.server.settings import DEMO_IDENTITIES, Limits, ServerSettings
from bench.traffic import OPERATOR, START_S, book

ECHO_METHOD = "/bench.Echo/Echo"


async def serve_airspace(port: int, plans: int, store_url: str) -> None:
    """The real server; with ``plans``, preloaded (and then on the bench's fixed clock); with
    a shared ``store_url``, a replica on the bench's fixed clock (the bench preloads it)."""
    store, clock = None, None
    if plans:
        _, store, _, _ = await book(plans, seed=1)
    if plans or store_url != "memory":
        clock = ManualClock(START_S)
    settings = ServerSettings(
        host="127.0.0.1",
        port=port,
        identities={**DEMO_IDENTITIES, "bench": OPERATOR},
        store=store_url,
        demo_city=False,
        # The bench's one operator books the whole city: past the default quota of plans per
        # operator (the check still runs on every submission).
        limits=Limits(max_open_plans_per_operator=1_000_000),
    )
    server = AirspaceServer(settings, store=store, clock=clock or SystemClock())
    await server.start(settle_heap=True)  # as `airspace serve` does
    print("READY", flush=True)
    await server.wait()


async def serve_echo(port: int) -> None:
    async def echo(request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        return request[:64]

    handler = grpc.method_handlers_generic_handler(
        "bench.Echo", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    server = grpc.aio.server()
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    print("READY", flush=True)
    await server.wait_for_termination()


def spawn(*args: str) -> subprocess.Popen[str]:
    """Start ``python -m bench.servers ARGS`` and wait until it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.servers", *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if "READY" not in line:
        process.kill()
        raise RuntimeError(f"bench server did not start: {line!r}")
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["airspace", "echo"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plans", type=int, default=0)
    parser.add_argument("--store", default="memory")
    args = parser.parse_args()
    if args.kind == "echo":
        asyncio.run(serve_echo(args.port))
    else:
        asyncio.run(serve_airspace(args.port, args.plans, args.store))


if __name__ == "__main__":
    main()
