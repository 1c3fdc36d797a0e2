"""gRPC statuses back into the service's typed exceptions, field violations included."""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from airspace import errors

ERROR_OF: dict[grpc.StatusCode, type[errors.AirspaceError]] = {
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.ALREADY_EXISTS: errors.AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: errors.FailedPrecondition,
    grpc.StatusCode.UNAUTHENTICATED: errors.Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: errors.ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: errors.Unavailable,
}


def from_rpc_error(exc: grpc.RpcError) -> errors.AirspaceError:
    """The most specific ``AirspaceError`` for a failed call."""
    assert isinstance(exc, grpc.Call)
    code, message = exc.code(), exc.details() or ""
    status = rpc_status.from_call(exc)
    violations: list[errors.FieldViolation] = []
    reason = None
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad = error_details_pb2.BadRequest()
            detail.Unpack(bad)
            violations.extend(
                errors.FieldViolation(v.field, v.description) for v in bad.field_violations
            )
        elif detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            reason = info.reason
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        return errors.InvalidArgument(violations, message)
    error = ERROR_OF.get(code, errors.AirspaceError)
    return error(message or code.name, reason=reason)
