"""gRPC statuses back into the service's typed exceptions, and rejected plans as exceptions.

AirspaceError                    (airspace.errors: the service's one error tree)
├── InvalidArgument              .violations: each bad field and why
├── Unavailable
│   └── DeadlineExceeded         no answer within the call's deadline
├── PlanRejected                 .response: the conflicts, zones and suggestion
└── NotFound, AlreadyExists, FailedPrecondition, Unauthenticated, PermissionDenied,
    ResourceExhausted            each with .reason, the service's stable ErrorInfo reason
"""

from __future__ import annotations

from typing import Any

import grpc
from google.rpc import error_details_pb2, status_pb2

from airspace import errors
from airspace.v1 import flight_plan_pb2
from airspace.v1 import flight_plan_service_pb2 as plans_pb

STATUS_DETAILS_KEY = "grpc-status-details-bin"

ERROR_OF: dict[grpc.StatusCode, type[errors.AirspaceError]] = {
    grpc.StatusCode.NOT_FOUND: errors.NotFound,
    grpc.StatusCode.ALREADY_EXISTS: errors.AlreadyExists,
    grpc.StatusCode.FAILED_PRECONDITION: errors.FailedPrecondition,
    grpc.StatusCode.UNAUTHENTICATED: errors.Unauthenticated,
    grpc.StatusCode.PERMISSION_DENIED: errors.PermissionDenied,
    grpc.StatusCode.RESOURCE_EXHAUSTED: errors.ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: errors.Unavailable,
}


class DeadlineExceeded(errors.Unavailable):
    """The service gave no answer within the call's deadline (retries included)."""

    reason = "DEADLINE_EXCEEDED"


class PlanRejected(errors.AirspaceError):
    """A submitted flight plan was not accepted. ``response`` is the whole answer.

    >>> try:
    ...     client.submit_flight_plan(plan, raise_if_rejected=True)
    ... except PlanRejected as rejected:
    ...     for conflict in rejected.conflicts:
    ...         print(conflict.flight_plan_id, conflict.horizontal_separation_m)
    """

    reason = "PLAN_REJECTED"

    def __init__(self, response: plans_pb.SubmitFlightPlanResponse) -> None:
        plan = response.flight_plan
        state = flight_plan_pb2.FlightPlanState.Name(plan.state).removeprefix("FLIGHT_PLAN_STATE_")
        summary = f"{len(response.conflicts)} conflict(s), "
        summary += f"{len(response.geozone_violations)} geozone violation(s)"
        super().__init__(f"flight plan {plan.flight_plan_id} {state}: {summary}")
        self.response = response

    @property
    def conflicts(self) -> list[flight_plan_pb2.Conflict]:
        """The accepted plans it conflicts with: which, where, when and how close."""
        return list(self.response.conflicts)

    @property
    def geozone_violations(self) -> list[flight_plan_pb2.GeozoneViolation]:
        """The geozones it may not enter, and when it would."""
        return list(self.response.geozone_violations)

    @property
    def suggested_alternative(self) -> plans_pb.SuggestedAlternative | None:
        """The nearest variant that would be accepted (later, higher, around), if any."""
        if self.response.HasField("suggested_alternative"):
            return self.response.suggested_alternative
        return None


def check_accepted(
    response: plans_pb.SubmitFlightPlanResponse,
) -> plans_pb.SubmitFlightPlanResponse:
    """``response`` itself when its plan was accepted; raises ``PlanRejected`` otherwise."""
    if response.flight_plan.state != flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED:
        raise PlanRejected(response)
    return response


def status_code(error: grpc.RpcError) -> grpc.StatusCode:
    """The status of a failed call, sync (``grpc.Call``) or asyncio (``AioRpcError``)."""
    code = getattr(error, "code", None)
    return code() if callable(code) else grpc.StatusCode.UNKNOWN


def from_rpc_error(error: grpc.RpcError) -> errors.AirspaceError:
    """The most specific ``AirspaceError`` for a failed call, with its field violations and
    the service's ErrorInfo reason."""
    code = status_code(error)
    details = getattr(error, "details", None)
    message = (details() if callable(details) else None) or ""
    violations: list[errors.FieldViolation] = []
    reason = None
    for detail in _status_details(error):
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
        return errors.InvalidArgument(violations, message or None)
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return DeadlineExceeded(message or "no answer within the deadline")
    error_class = ERROR_OF.get(code, errors.AirspaceError)
    return error_class(message or code.name, reason=reason)


def _status_details(error: grpc.RpcError) -> list[Any]:
    trailing = getattr(error, "trailing_metadata", None)
    for key, value in (trailing() if callable(trailing) else None) or ():
        if key == STATUS_DETAILS_KEY:
            return list(status_pb2.Status.FromString(value).details)
    return []
