"""Every RPC fuzzed through a real server with generated requests, valid and invalid mixed.

The RPCs come from the descriptors of ``airspace.v1``, so a new one is fuzzed without being
named here. Each answer must carry a documented status (never INTERNAL, UNKNOWN or a broken
connection), INVALID_ARGUMENT must name the bad fields, and after each RPC's run the server
still answers health checks and its state is consistent: every listed plan can be read, no two
plans holding airspace conflict (by the independent brute-force checker), and the listed zones
are exactly the zones that can be read. A last test runs ``airspace serve`` as a process and
checks that a stream of rejected requests does not grow its memory.
"""

from __future__ import annotations

import gc
import importlib
import math
import pkgutil
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import grpc
import pytest
from google.protobuf.descriptor import Descriptor, MethodDescriptor
from google.protobuf.duration_pb2 import Duration
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from google.rpc import error_details_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_status import rpc_status
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import airspace.v1
from airspace.clock import ManualClock
from airspace.config import AirspaceConfig
from airspace.sdk import AirspaceClient, InvalidArgument, NotFound, deliveries_request
from airspace.server import convert
from airspace.timestamps import from_duration, to_duration, to_timestamp
from airspace.v1 import airspace_service_pb2 as zones_pb
from airspace.v1 import airspace_service_pb2_grpc as zones_grpc
from airspace.v1 import common_pb2, geozone_pb2
from airspace.v1 import flight_plan_service_pb2 as plans_pb
from airspace.v1 import flight_plan_service_pb2_grpc as plans_grpc
from airspace.v1 import planner_service_pb2 as planner_pb
from airspace.v1 import planner_service_pb2_grpc as planner_grpc
from bench.servers import free_port, spawn
from bench.soak import rss_kib
from tests import bruteforce
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer, serving
from tests.reliability.proto_strategies import ORDERS, Corpus, plausible, requests, walk

Code = grpc.StatusCode
DOCUMENTED = {
    Code.OK,
    Code.INVALID_ARGUMENT,
    Code.NOT_FOUND,
    Code.ALREADY_EXISTS,
    Code.FAILED_PRECONDITION,
    Code.PERMISSION_DENIED,
    Code.RESOURCE_EXHAUSTED,
}
TOKENS = ("demo-operator", "demo-operator-2", "demo-regulator", "demo-regulator")
"""Who calls: half the calls are a regulator's (who alone may change zones)."""
ROOT = Path(__file__).resolve().parents[2]
UNARY_DEADLINE_S = 20.0
STREAM_QUIET_S = 0.25
"""A server stream that sends nothing for this long is cancelled (by us: not an error)."""
STREAM_LIMIT_S = 10.0
"""Deadline of every stream."""
FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _services() -> Iterator[tuple[ModuleType, Any]]:
    """(generated ``_pb2_grpc`` module, service descriptor) of every service in airspace.v1."""
    for info in pkgutil.iter_modules(airspace.v1.__path__):
        if info.name.endswith("_pb2"):
            module = importlib.import_module(f"airspace.v1.{info.name}")
            for service in module.DESCRIPTOR.services_by_name.values():
                yield importlib.import_module(f"{module.__name__}_grpc"), service


SERVICES = list(_services())
RPCS: list[MethodDescriptor] = [m for _, s in SERVICES for m in s.methods]
STUBS = {s.full_name: getattr(module, f"{s.name}Stub") for module, s in SERVICES}


# --------------------------------------------------------------------------------------------
# Calling any RPC


@dataclass
class Outcome:
    code: grpc.StatusCode
    responses: list[Message] = field(default_factory=list)
    status: Any = None
    """The google.rpc.Status of a failed call, when it carries one."""
    ours: bool = False
    """The call ended because we cancelled it or its deadline passed."""
    lost: str = ""
    """Why the status the server sent did not reach us whole (e.g. its trailer was too big)."""


def _read(call: Any, quiet_s: float | None) -> Outcome:
    """Read a response stream until it ends; with ``quiet_s``, cancel it once it has sent
    nothing for that long (a watch never ends by itself)."""
    inbox: queue.Queue[Any] = queue.Queue()

    def pump() -> None:
        try:
            for response in call:
                inbox.put(response)
            inbox.put(None)
        except grpc.RpcError as error:
            inbox.put(error)

    threading.Thread(target=pump, daemon=True).start()
    responses, cancelled = [], False
    while True:
        try:
            item = inbox.get(timeout=quiet_s)
        except queue.Empty:
            cancelled = True
            call.cancel()
            continue
        if item is None:
            return Outcome(Code.OK, responses)
        if isinstance(item, grpc.RpcError):
            outcome = _failed(item)
            outcome.responses = responses
            outcome.ours = (cancelled and outcome.code == Code.CANCELLED) or (
                quiet_s is not None and outcome.code == Code.DEADLINE_EXCEEDED
            )
            return outcome
        responses.append(item)


def _failed(error: Any) -> Outcome:
    try:
        return Outcome(error.code(), status=rpc_status.from_call(error))
    except ValueError:  # the status details say another code than the status that arrived
        return Outcome(error.code(), lost=error.details())


def invoke(channel: grpc.Channel, method: MethodDescriptor, request: Any, token: str) -> Outcome:
    """Call ``method`` with one request (a list of them for client streams) as ``token``."""
    stub = STUBS[method.containing_service.full_name](channel)
    rpc = getattr(stub, method.name)
    metadata = (("authorization", f"Bearer {token}"),)
    if method.client_streaming:
        request = iter(request)
    if method.server_streaming:  # the server ends a stream of ours once our requests end
        quiet_s = None if method.client_streaming else STREAM_QUIET_S
        return _read(rpc(request, metadata=metadata, timeout=STREAM_LIMIT_S), quiet_s)
    try:
        response, _ = rpc.with_call(request, metadata=metadata, timeout=UNARY_DEADLINE_S)
    except grpc.RpcError as error:
        return _failed(error)
    return Outcome(Code.OK, [response])


def violations(outcome: Outcome) -> list[error_details_pb2.BadRequest.FieldViolation]:
    """The google.rpc.BadRequest field violations in a failed call's status."""
    found: list[error_details_pb2.BadRequest.FieldViolation] = []
    for detail in outcome.status.details if outcome.status is not None else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            found.extend(bad.field_violations)
    return found


def assert_documented(outcome: Outcome, method: MethodDescriptor) -> None:
    """A documented status arrived whole; INVALID_ARGUMENT names fields and says why."""
    context = f"{method.full_name}: {outcome.code} {outcome.status}"
    if outcome.ours:
        return
    assert not outcome.lost, "the server's status was lost: " + context + outcome.lost
    assert outcome.code in DOCUMENTED, context
    if outcome.code == Code.INVALID_ARGUMENT:
        found = violations(outcome)
        assert found, "INVALID_ARGUMENT without field violations: " + context
        assert all(v.field and v.description for v in found), context


# --------------------------------------------------------------------------------------------
# The server under fuzz, and what must hold of its state


@dataclass
class Fuzz:
    server: RunningServer
    channel: grpc.Channel
    corpus: Corpus

    def send(self, method: MethodDescriptor, request: Any, token: str) -> Outcome:
        outcome = invoke(self.channel, method, request, token)
        for response in outcome.responses:
            self.corpus.learn(response)
        return outcome


@pytest.fixture(scope="module")
def fuzz() -> Iterator[Fuzz]:
    """One server for every RPC's fuzz: state left by one RPC's requests meets the next's."""
    with serving(ManualClock(T0)) as server:
        corpus = Corpus()
        with AirspaceClient(server.target, token="demo-regulator") as regulator:
            for zone in regulator.iter_geozones():
                corpus.learn(zone)
        with grpc.insecure_channel(server.target) as channel:
            yield Fuzz(server, channel, corpus)


def assert_consistent(fuzz: Fuzz) -> None:
    """Healthy; every listed plan readable; no two plans holding airspace in conflict; the
    zones listed are exactly the zones readable."""
    health = health_pb2_grpc.HealthStub(fuzz.channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    with AirspaceClient(fuzz.server.target, token="demo-regulator") as regulator:
        plans = list(regulator.iter_flight_plans())
        for plan in plans:
            assert regulator.get_flight_plan(plan.flight_plan_id) == plan
        holding = [
            replace(convert.plan_in(p), flight_plan_id=p.flight_plan_id)
            for p in plans
            if convert.STATES[p.state].holds_airspace
        ]
        clashes = bruteforce.find_conflicting_pairs(holding, AirspaceConfig())
        assert not clashes, f"plans holding airspace in conflict: {clashes}"
        listed = {z.geozone_id: z for z in regulator.iter_geozones()}
        for zone_id in {*listed, *fuzz.corpus.ids["geozone_id"]}:
            try:
                assert regulator.get_geozone(zone_id) == listed[zone_id], zone_id
            except NotFound:
                assert zone_id not in listed, f"{zone_id} is listed but cannot be read"


# --------------------------------------------------------------------------------------------
# The fuzz


def _short_fleet_planning(request: planner_pb.PlanDeliveriesRequest) -> None:
    """Fleet planning may use its whole time limit: keep any limit the server accepts short."""
    limit = from_duration(request.time_limit) if request.HasField("time_limit") else 8.0
    if 0 < limit <= 60:
        request.time_limit.CopyFrom(to_duration(min(limit, 0.2)))


BUDGETS: dict[str, Callable[[Any], None]] = {
    planner_pb.PlanDeliveriesRequest.DESCRIPTOR.full_name: _short_fleet_planning
}
"""Changes that keep a request cheap to serve (the fuzz must fit in a minute)."""


def _within_budget(message: Message) -> Message:
    if rule := BUDGETS.get(message.DESCRIPTOR.full_name):
        rule(message)
    return message


def request_strategy(method: MethodDescriptor, corpus: Corpus) -> st.SearchStrategy[Any]:
    one = requests(method.input_type, corpus).map(_within_budget)
    return st.lists(one, min_size=1, max_size=3) if method.client_streaming else one


def reached_core(outcome: Outcome) -> bool:
    """Past the request's validation: answered, or a stream that kept going."""
    return outcome.code not in {Code.INVALID_ARGUMENT, Code.RESOURCE_EXHAUSTED} or outcome.ours


@pytest.mark.parametrize("method", RPCS, ids=lambda m: m.full_name)
def test_only_documented_statuses_come_back(fuzz: Fuzz, method: MethodDescriptor) -> None:
    """40 requests as an operator or the regulator, then the state is checked; at least a
    fifth of them must get past validation."""
    tally: Counter[str] = Counter()

    @FUZZ
    @given(st.sampled_from(TOKENS), request_strategy(method, fuzz.corpus))
    def send(token: str, request: Any) -> None:
        outcome = fuzz.send(method, request, token)
        tally[outcome.code.name] += 1
        tally["reached core"] += reached_core(outcome)
        assert_documented(outcome, method)

    send()
    assert_consistent(fuzz)
    total = sum(n for name, n in tally.items() if name != "reached core")
    assert tally["reached core"] >= total / 5, f"too few requests got past validation: {tally}"


def test_every_rpc_in_the_protos_is_fuzzed() -> None:
    """The RPCs fuzzed above are exactly those the .proto files declare."""
    declared = set()
    for path in (ROOT / "protos" / "airspace" / "v1").glob("*.proto"):
        service = None
        for line in path.read_text().splitlines():
            words = line.replace("(", " ").split()
            if words[:1] == ["service"]:
                service = words[1]
            elif words[:1] == ["rpc"]:
                declared.add(f"airspace.v1.{service}.{words[1]}")
    assert declared == {m.full_name for m in RPCS}
    assert len(declared) >= 17


# --------------------------------------------------------------------------------------------
# Memory


def _spoiled(message: Message) -> Message:
    """``message`` with every latitude NaN: the server must refuse it."""
    for _, fd, value in walk(message):
        if fd.message_type is not None and fd.message_type.full_name == "airspace.v1.LatLng":
            value.latitude_deg = math.nan  # type: ignore[attr-defined]
    return message


def _has_latlng(descriptor: Descriptor, depth: int = 6) -> bool:
    return depth > 0 and any(
        f.message_type is not None
        and (
            f.message_type.full_name == "airspace.v1.LatLng"
            or _has_latlng(f.message_type, depth - 1)
        )
        for f in descriptor.fields
    )


MEMORY_BATCH = 500
MAX_GROWTH_KIB = 10 * 1024


@pytest.fixture
def serve_process() -> Iterator[tuple[int, str]]:
    """``airspace serve`` in its own process (bench.servers): (pid, target)."""
    port = free_port()
    process = spawn("airspace", "--port", str(port))
    yield process.pid, f"127.0.0.1:{port}"
    process.terminate()
    process.wait(10)
    if process.stdout is not None:
        process.stdout.close()


def test_rejected_requests_do_not_grow_memory(serve_process: tuple[int, str]) -> None:
    """Valid-looking requests of every unary RPC that takes a position, each with its
    latitudes NaN: a warm-up batch, then another of the same size (other requests, same kinds)
    after which the server's RSS has grown by less than 10 MiB."""
    pid, target = serve_process
    methods = [
        m
        for m in RPCS
        if not (m.server_streaming or m.client_streaming) and _has_latlng(m.input_type)
    ]
    corpus = Corpus()
    calls = st.sampled_from(methods).flatmap(
        lambda m: st.tuples(st.just(m), plausible(m.input_type, corpus).map(_spoiled))
    )
    codes: Counter[str] = Counter()

    with grpc.insecure_channel(target) as channel:

        @settings(FUZZ, max_examples=MEMORY_BATCH, derandomize=False)
        @given(st.sampled_from(TOKENS), calls)
        def batch(token: str, call: tuple[MethodDescriptor, Message]) -> None:
            method, request = call
            outcome = invoke(channel, method, request, token)
            codes[outcome.code.name] += 1
            assert outcome.code != Code.OK, f"{method.full_name} took NaN latitudes: {request}"
            assert_documented(outcome, method)

        seed(1)(batch)()
        warm_kib = rss_kib(pid)
        seed(2)(batch)()
        grown_kib = rss_kib(pid) - warm_kib
    assert sum(codes.values()) >= 2 * MEMORY_BATCH, codes
    assert grown_kib < MAX_GROWTH_KIB, f"RSS grew by {grown_kib} KiB ({codes})"


# --------------------------------------------------------------------------------------------
# What the fuzz found, pinned


def _nan_circle() -> common_pb2.Area:
    return common_pb2.Area(
        circle=common_pb2.Circle(center=common_pb2.LatLng(latitude_deg=math.nan), radius_m=10)
    )


@pytest.mark.parametrize(
    "area",
    [common_pb2.Area(polygon=common_pb2.Polygon(vertices=[common_pb2.LatLng()])), _nan_circle()],
    ids=["one-vertex", "nan-centre"],
)
def test_list_filters_with_a_broken_area_are_refused(
    regulator: AirspaceClient, area: common_pb2.Area
) -> None:
    """Both lists took any filter area as it came and failed inside shapely (INTERNAL)."""
    for stub, method, request in (
        (zones_grpc.AirspaceServiceStub, "ListGeozones", zones_pb.ListGeozonesRequest(area=area)),
        (
            plans_grpc.FlightPlanServiceStub,
            "ListFlightPlans",
            plans_pb.ListFlightPlansRequest(area=area),
        ),
    ):
        with pytest.raises(InvalidArgument) as refused:
            regulator.call(stub, method, request)
        assert {v.field.split(".")[0] for v in refused.value.violations} == {"area"}, method


def test_times_beyond_a_timestamps_range_are_refused(regulator: AirspaceClient) -> None:
    """A zone scheduled until 2**63 - 1 s was stored, then every answer that sent it back failed
    (INTERNAL), ListGeozones included; so did a plan whose vehicle had an endless endurance."""
    zone = geozone_pb2.Geozone(
        geozone_id="forever",
        kind=geozone_pb2.GEOZONE_KIND_PROHIBITED,
        area=common_pb2.Area(
            circle=common_pb2.Circle(
                center=common_pb2.LatLng(latitude_deg=DEPOT[0], longitude_deg=DEPOT[1]), radius_m=50
            )
        ),
        altitude=common_pb2.AltitudeBand(lower_m=0, upper_m=50),
        schedule=[
            common_pb2.TimeWindow(
                start_time=to_timestamp(T0), end_time=Timestamp(seconds=2**63 - 1)
            )
        ],
    )
    with pytest.raises(InvalidArgument) as refused:
        regulator.call(
            zones_grpc.AirspaceServiceStub,
            "CreateGeozone",
            zones_pb.CreateGeozoneRequest(geozone=zone),
        )
    assert [v.field for v in refused.value.violations] == ["geozone.schedule[0]"]
    plan = delivery(T0 + 600, DEPOT, offset(DEPOT, 500, 0))
    plan.vehicle.endurance.CopyFrom(Duration(seconds=2**63 - 1))
    with pytest.raises(InvalidArgument) as refused:
        regulator.submit_flight_plan(plan, "endless")
    assert [v.field for v in refused.value.violations] == ["flight_plan.vehicle.endurance"]
    assert "forever" not in {z.geozone_id for z in regulator.iter_geozones()}
    assert list(regulator.iter_flight_plans()) == []


def test_a_fleet_plan_given_up_while_it_waits_leaves_no_task_behind(
    running: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A PlanDeliveries call cancelled while its job waits for the planner (busy with another
    call) left its progress reader pending forever: 'Task was destroyed but it is pending'."""
    request = deliveries_request(ORDERS, T0 + 300)
    request.time_limit.CopyFrom(to_duration(1.0))
    metadata = (("authorization", "Bearer demo-operator"),)
    with grpc.insecure_channel(running.target) as channel:
        stub = planner_grpc.PlannerServiceStub(channel)
        busy = stub.PlanDeliveries(request, metadata=metadata)
        next(busy)  # the first progress: the planner is at work
        waiting = stub.PlanDeliveries(request, metadata=metadata)
        time.sleep(0.3)
        waiting.cancel()
        assert list(busy)[-1].done
    gc.collect()
    assert not [r for r in caplog.records if "destroyed but it is pending" in r.getMessage()]


def _repeated_waypoints(count: int) -> plans_pb.SubmitFlightPlanRequest:
    plan = delivery(T0 + 600, DEPOT, offset(DEPOT, 3000, 0))
    waypoints = list(plan.trajectory.waypoints)
    waypoints[1:1] = [waypoints[1]] * count
    del plan.trajectory.waypoints[:]
    plan.trajectory.waypoints.extend(waypoints)
    return plans_pb.SubmitFlightPlanRequest(request_id="many", flight_plan=plan)


@pytest.mark.parametrize(
    ("method", "request_"),
    [
        ("GetFlightPlan", plans_pb.GetFlightPlanRequest(flight_plan_id="x" * 20_000)),
        ("SubmitFlightPlan", _repeated_waypoints(300)),
    ],
    ids=["long-id", "300-violations"],
)
def test_a_large_status_still_arrives(running: RunningServer, method: str, request_: Any) -> None:
    """A 20,000-character id echoed in NOT_FOUND, or 300 field violations: the status is
    clipped to fit gRPC's metadata limit (unclipped, the client got RESOURCE_EXHAUSTED
    'Stream removed (received metadata size exceeds hard limit ...)' instead)."""
    rpc = plans_pb.DESCRIPTOR.services_by_name["FlightPlanService"].methods_by_name[method]
    with grpc.insecure_channel(running.target) as channel:
        outcome = invoke(channel, rpc, request_, "demo-operator")
    assert_documented(outcome, rpc)
    assert outcome.code in {Code.NOT_FOUND, Code.INVALID_ARGUMENT}
    assert len(outcome.status.message) < 1_200
    if outcome.code == Code.INVALID_ARGUMENT:  # the message says how many were left out
        assert "violations; the first" in outcome.status.message
