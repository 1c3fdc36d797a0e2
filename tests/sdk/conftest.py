"""A server that can stop and come back on the same port with the same store, as a restarted
replica would; the clients under test must ride through the gap."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings
from airspace.store.memory import MemoryStore
from tests.conftest import ServerThread


class RestartableServer:
    """A server on a fixed loopback port, on the system clock, that starts and stops on demand."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.target = f"127.0.0.1:{self.port}"
        self.store = MemoryStore()
        self.thread: ServerThread | None = None

    @property
    def server(self) -> AirspaceServer:
        assert self.thread is not None
        return self.thread.server

    def start(self) -> None:
        settings = ServerSettings(host="127.0.0.1", port=self.port)
        thread = ServerThread(AirspaceServer(settings, store=self.store))
        assert thread.start() == self.port
        self.thread = thread

    def start_in(self, delay_s: float) -> threading.Timer:
        timer = threading.Timer(delay_s, self.start)
        timer.start()
        return timer

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.stop()
            self.thread = None


@pytest.fixture
def restartable() -> Iterator[RestartableServer]:
    """Not started: the test decides when the server is up."""
    server = RestartableServer()
    yield server
    server.stop()
