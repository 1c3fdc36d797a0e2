"""Python SDK for Airspace: a typed client over the gRPC API.

Light on purpose: it needs grpcio and protobuf only (no h3, shapely, pyproj).

    from airspace.sdk import AirspaceClient

    with AirspaceClient("localhost:50051", token="demo-operator") as client:
        answer = client.submit_flight_plan(plan, request_id="order-17")
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
from airspace.sdk._client import AirspaceClient
from airspace.sdk._geojson import plan_from_geojson, plan_to_geojson
from airspace.sdk._orders import deliveries_request

__all__ = [
    "AirspaceClient",
    "AirspaceError",
    "AlreadyExists",
    "FailedPrecondition",
    "FieldViolation",
    "InvalidArgument",
    "NotFound",
    "PermissionDenied",
    "ResourceExhausted",
    "Unauthenticated",
    "Unavailable",
    "deliveries_request",
    "plan_from_geojson",
    "plan_to_geojson",
]
