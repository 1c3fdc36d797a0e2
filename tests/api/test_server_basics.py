"""Authentication, health checking and reflection on a real server."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from airspace.sdk import AirspaceClient, Unauthenticated
from airspace.v1 import flight_plan_service_pb2 as pb
from airspace.v1 import flight_plan_service_pb2_grpc as pb_grpc
from tests.conftest import RunningServer


def test_calls_without_a_token_are_unauthenticated(running: RunningServer) -> None:
    with grpc.insecure_channel(running.target) as channel:
        stub = pb_grpc.FlightPlanServiceStub(channel)
        with pytest.raises(grpc.RpcError) as raised:
            stub.ListFlightPlans(pb.ListFlightPlansRequest())
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_wrong_token_is_unauthenticated(running: RunningServer) -> None:
    with (
        AirspaceClient(running.target, token="demo-operatorX") as client,
        pytest.raises(Unauthenticated) as raised,
    ):
        list(client.iter_flight_plans())
    assert raised.value.reason == "INVALID_TOKEN"


def test_health_needs_no_token(running: RunningServer) -> None:
    with grpc.insecure_channel(running.target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for service in ("", "airspace.v1.FlightPlanService", "airspace.v1.AirspaceService"):
            answer = stub.Check(health_pb2.HealthCheckRequest(service=service))
            assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_services(running: RunningServer) -> None:
    with grpc.insecure_channel(running.target) as channel:
        stub = reflection_pb2_grpc.ServerReflectionStub(channel)
        request = reflection_pb2.ServerReflectionRequest(list_services="")
        [answer] = list(stub.ServerReflectionInfo(iter([request])))
    names = {s.name for s in answer.list_services_response.service}
    assert {
        "airspace.v1.FlightPlanService",
        "airspace.v1.AirspaceService",
        "grpc.health.v1.Health",
    } <= names
