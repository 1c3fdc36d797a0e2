"""Secrets never logged: no bearer token, valid or not, reaches a log record, the output of
``airspace serve``, or the repr of the settings, identities and SDK clients.

Every logger runs at DEBUG while the calls go through a real server: valid calls, wrong
tokens, and calls that fail inside the server (a corrupted plan record in Redis makes a read
fail with INTERNAL, whose traceback is logged).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import redis

from airspace.clock import ManualClock
from airspace.model import Identity
from airspace.sdk import AirspaceClient, AirspaceError, AsyncAirspaceClient
from airspace.server.app import AirspaceServer
from airspace.server.settings import ServerSettings, load_settings
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import flight_plan_service_pb2_grpc as plans_grpc
from airspace.v1 import monitor_service_pb2 as monitor_pb
from bench.servers import free_port
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer, start_server
from tests.redis_server import RedisServer
from tests.replicas.process import start_replica
from tests.streams import GroundStation, Watcher, state, wait_until

OPERATOR_TOKEN = "tok-op-7f3a9c1e5b"
REGULATOR_TOKEN = "tok-reg-2d8e4b6a0c"
WRONG_TOKENS = ("tok-wrong-9b1c3e5d7f", "tok-op-7f3a9c1e5")  # the second: one character short
SECRETS = (OPERATOR_TOKEN, REGULATOR_TOKEN, *WRONG_TOKENS)
IDENTITIES = {
    OPERATOR_TOKEN: Identity("op-acme", "operator"),
    REGULATOR_TOKEN: Identity("caa", "regulator"),
}
CORRUPT_ID = "corrupt-plan"


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture
def every_logger_at_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


@pytest.fixture
def corrupted_redis(redis_server: RedisServer) -> RedisServer:
    """The shared store, flushed, holding one plan record that is not a plan."""
    client = redis.Redis(port=redis_server.port)
    client.flushall()
    client.hset("{airspace}:plans", CORRUPT_ID, b"{not a plan")
    client.close()
    return redis_server


@pytest.fixture
def replica(
    every_logger_at_debug: pytest.LogCaptureFixture, corrupted_redis: RedisServer
) -> Iterator[RunningServer]:
    """Started after the loggers are at DEBUG, so that its start-up is logged too."""
    clock = ManualClock(T0)
    settings = ServerSettings(
        host="127.0.0.1", port=0, store=corrupted_redis.url, identities=IDENTITIES
    )
    started = start_server(AirspaceServer(settings, clock=clock), clock)
    yield started
    started.thread.stop()


def exercise(target: str, now_s: float) -> list[grpc.StatusCode]:
    """Valid calls, wrong tokens and an internal error; the failures' status codes. ``now_s``:
    the server's time now (a plan is booked to start 10 minutes later)."""
    codes = []
    with AirspaceClient(target, OPERATOR_TOKEN) as operator:
        booked = operator.submit_flight_plan(delivery(now_s + 600, DEPOT, offset(DEPOT, 2000, 0)))
        operator.get_flight_plan(booked.flight_plan.flight_plan_id)
        assert len(list(operator.iter_flight_plans())) == 1
    with grpc.insecure_channel(target) as channel:
        stub = plans_grpc.FlightPlanServiceStub(channel)
        headers = [f"Bearer {t}" for t in WRONG_TOKENS] + [f"Token {OPERATOR_TOKEN}", "Bearer"]
        headers.append(f"Bearer {REGULATOR_TOKEN}")  # valid: reads the corrupted record
        for header in headers:
            request = plans_pb.GetFlightPlanRequest(flight_plan_id=CORRUPT_ID)
            with pytest.raises(grpc.RpcError) as raised:
                stub.GetFlightPlan(request, metadata=(("authorization", header),), timeout=10)
            codes.append(raised.value.code())
            assert not leaks(raised.value.details() or ""), header
    return codes


def test_no_token_reaches_a_log_record(
    replica: RunningServer, every_logger_at_debug: pytest.LogCaptureFixture
) -> None:
    caplog = every_logger_at_debug
    codes = exercise(replica.target, T0)
    assert codes == [grpc.StatusCode.UNAUTHENTICATED] * 4 + [grpc.StatusCode.INTERNAL]
    station = GroundStation(replica.target, OPERATOR_TOKEN)
    watcher = Watcher(replica.target, monitor_pb.WatchAirspaceRequest(), token=REGULATOR_TOKEN)
    try:
        wait_until(lambda: replica.server.bus.subscriber_count == 2)
        assert station.send(state("UAS-1", "", T0, *DEPOT, 30.0)).accepted_count == 1
        replica.cycle()
        watcher.wait_for(lambda r: r.HasField("conformance"))
    finally:
        station.close()
        watcher.close()
    with AirspaceClient(f"127.0.0.1:{free_port()}", OPERATOR_TOKEN, timeout_s=1) as nobody:
        with pytest.raises(AirspaceError) as raised:  # retried, and the retries logged
            nobody.get_flight_plan("x")
        assert not leaks(repr(raised.value))
    with AirspaceClient(replica.target, WRONG_TOKENS[0]) as wrong:
        with pytest.raises(AirspaceError) as raised:
            list(wrong.iter_flight_plans())
        assert not leaks(f"{raised.value!r} {raised.value}")
    records = [*caplog.get_records("setup"), *caplog.records]
    loggers = {r.name for r in records}
    assert {"airspace.server.guard", "airspace.sdk", "airspace.server.app"} <= loggers
    [internal] = [r for r in records if r.name == "airspace.server.guard"]
    assert internal.exc_info is not None  # its traceback is checked too
    formatter = logging.Formatter()
    for record in records:  # as formatted (traceback included), and every attribute
        assert not leaks(f"{formatter.format(record)} {record.__dict__!r}"), record


async def test_settings_identities_and_clients_keep_tokens_out_of_their_repr(
    tmp_path: Path,
) -> None:
    config = tmp_path / "airspace.toml"
    config.write_text(
        f'[[identities]]\ntoken = "{OPERATOR_TOKEN}"\nsubject_id = "op-acme"\nrole = "operator"\n'
    )
    loaded = load_settings(config)
    assert loaded.identities == {OPERATOR_TOKEN: IDENTITIES[OPERATOR_TOKEN]}
    built = ServerSettings(identities=IDENTITIES)
    shown = [repr(loaded), str(loaded), repr(built), repr(IDENTITIES[OPERATOR_TOKEN])]
    with AirspaceClient("127.0.0.1:1", OPERATOR_TOKEN) as client:
        shown.append(repr(client))
    async with AsyncAirspaceClient("127.0.0.1:1", REGULATOR_TOKEN) as async_client:
        shown.append(repr(async_client))
    assert [leaks(text) for text in shown] == [[]] * len(shown), shown


def test_airspace_serve_prints_no_token(tmp_path: Path, corrupted_redis: RedisServer) -> None:
    config = tmp_path / "airspace.toml"
    config.write_text(
        "".join(
            f'[[identities]]\ntoken = "{token}"\nsubject_id = "{who.subject_id}"\n'
            f'role = "{who.role}"\n'
            for token, who in IDENTITIES.items()
        )
    )
    output = tmp_path / "serve.log"
    with output.open("wb") as sink:
        process, target = start_replica(corrupted_redis.url, "--config", str(config), output=sink)
        try:
            codes = exercise(target, time.time())  # a process on the system clock
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(20)
    assert codes[-1] == grpc.StatusCode.INTERNAL
    printed = output.read_text()
    assert "serving on" in printed and "Traceback" in printed  # the log is all there
    assert leaks(printed) == []
    assert process.returncode == 0, printed[-2000:]
