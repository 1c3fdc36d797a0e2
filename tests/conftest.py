"""Shared fixtures: a real Airspace server on a free loopback port, and clients for it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from airspace.clock import ManualClock
from airspace.sdk import AirspaceClient
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.store.memory import MemoryStore
from tests.redis_server import RedisClusterServers, RedisServer

T = TypeVar("T")
T0 = 1_796_112_000.0
"""2026-12-01T08:00:00Z: the tests' 'now'."""


@dataclass
class RunningServer:
    target: str
    clock: ManualClock
    server: AirspaceServer
    thread: ServerThread

    def cycle(self) -> object:
        """Run one live-monitor cycle on the server's loop (the tests drive the monitor)."""
        return self.thread.call(self.server.live.cycle())


class ServerThread:
    """Runs an ``AirspaceServer`` on its own event loop in a background thread."""

    def __init__(self, server: AirspaceServer, *, run_monitor: bool = False) -> None:
        self.server = server
        self._run_monitor = run_monitor
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stopped = asyncio.Event()
        try:
            await self.server.start(run_monitor=self._run_monitor)
        except BaseException as exc:  # reported to the test thread below
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stopped.wait()
        await self.server.stop(0.5)

    def start(self) -> int:
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self.server.port

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    def stop(self) -> None:
        assert self._stopped is not None
        self._loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """One real redis-server for the session (tests keep apart by namespace or flush it)."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.kill()


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisClusterServers]:
    """A real three-master Redis Cluster for the session."""
    cluster = RedisClusterServers(tmp_path_factory.mktemp("redis-cluster")).start()
    yield cluster
    cluster.kill()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


def start_server(
    server: AirspaceServer, clock: ManualClock, *, run_monitor: bool = False
) -> RunningServer:
    """Serve on a free loopback port in a background thread (``.thread.stop()`` ends it)."""
    thread = ServerThread(server, run_monitor=run_monitor)
    port = thread.start()
    return RunningServer(f"127.0.0.1:{port}", clock, server, thread)


@contextmanager
def serving(clock: ManualClock, **settings: Any) -> Iterator[RunningServer]:
    """A server on the embedded store with these ``ServerSettings`` fields, on a free
    loopback port, for the ``with`` block."""
    config = ServerSettings(host="127.0.0.1", port=0, **settings)
    started = start_server(AirspaceServer(config, store=MemoryStore(), clock=clock), clock)
    try:
        yield started
    finally:
        started.thread.stop()


@pytest.fixture
def running(clock: ManualClock) -> Iterator[RunningServer]:
    with serving(clock) as started:
        yield started


def _client(running: RunningServer, token: str) -> Iterator[AirspaceClient]:
    with AirspaceClient(running.target, token=token) as client:
        yield client


@pytest.fixture
def operator(running: RunningServer) -> Iterator[AirspaceClient]:
    yield from _client(running, "demo-operator")


@pytest.fixture
def other_operator(running: RunningServer) -> Iterator[AirspaceClient]:
    yield from _client(running, "demo-operator-2")


@pytest.fixture
def regulator(running: RunningServer) -> Iterator[AirspaceClient]:
    yield from _client(running, "demo-regulator")


@pytest.fixture
def wall_clock_server() -> Iterator[RunningServer]:
    """A server on the real clock with its live monitor cycling by itself."""
    clock = ManualClock(0.0)  # unused: the server runs on the system clock
    server = AirspaceServer(ServerSettings(host="127.0.0.1", port=0), store=MemoryStore())
    started = start_server(server, clock, run_monitor=True)
    yield started
    started.thread.stop()
