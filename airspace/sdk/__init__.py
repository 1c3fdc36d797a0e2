"""Python SDK for Airspace: typed sync and asyncio clients over the gRPC API.

Light on purpose: it needs grpcio and protobuf only (no h3, shapely, pyproj, ortools).

    from airspace.sdk import AirspaceClient

    with AirspaceClient("localhost:50051", token="demo-operator") as client:
        answer = client.submit_flight_plan(plan, request_id="order-17")

Calls have deadlines and idempotent ones are retried with backoff (``RetryPolicy``); watch
streams reconnect and say so (``Reconnected``); failures raise ``AirspaceError`` subclasses.
"""

from airspace.errors import (
    AirspaceError,
    AlreadyExists,
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)
from airspace.sdk._async_client import AsyncAirspaceClient
from airspace.sdk._client import AirspaceClient
from airspace.sdk._errors import DeadlineExceeded, PlanRejected
from airspace.sdk._events import describe_event
from airspace.sdk._geojson import plan_from_geojson, plan_to_geojson
from airspace.sdk._orders import deliveries_request
from airspace.sdk._retry import NO_RETRY, RetryPolicy
from airspace.sdk._streams import Reconnected
from airspace.sdk._tls import Tls

__all__ = [
    "NO_RETRY",
    "AirspaceClient",
    "AirspaceError",
    "AlreadyExists",
    "AsyncAirspaceClient",
    "DeadlineExceeded",
    "FailedPrecondition",
    "FieldViolation",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "PlanRejected",
    "Reconnected",
    "ResourceExhausted",
    "RetryPolicy",
    "Tls",
    "Unauthenticated",
    "Unavailable",
    "deliveries_request",
    "describe_event",
    "plan_from_geojson",
    "plan_to_geojson",
]
