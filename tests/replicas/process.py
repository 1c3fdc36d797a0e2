"""A replica in its own process, started the way an operator starts one: ``airspace serve``."""

from __future__ import annotations

import subprocess
import sys
from typing import IO

import grpc

from bench.servers import free_port


def start_replica(
    url: str, *extra: str, port: int = 0, output: IO[bytes] | int = subprocess.DEVNULL
) -> tuple[subprocess.Popen[bytes], str]:
    """``airspace serve --store URL --no-demo-city *extra`` on ``port`` (0: a free one), once it
    accepts connections; its stdout and stderr go to ``output``."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "airspace.cli.main", "serve", "--port", str(port),
         "--store", url, "--no-demo-city", *extra],
        stdout=output,
        stderr=output,
    )  # fmt: skip
    target = f"127.0.0.1:{port}"
    with grpc.insecure_channel(target) as channel:
        grpc.channel_ready_future(channel).result(timeout=60)
    return process, target
