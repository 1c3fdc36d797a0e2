"""The one error tree of the service.

    AirspaceError
    ├── InvalidArgument        bad input; carries field violations
    ├── NotFound
    ├── AlreadyExists
    ├── FailedPrecondition     a state change that is not allowed now
    ├── Unauthenticated
    ├── PermissionDenied
    ├── ResourceExhausted      a configured limit was exceeded
    └── Unavailable            a back end (the store) cannot be reached

The gRPC layer maps each class to its status code once; the SDK maps them back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldViolation:
    field: str
    """Path of the field in the request, e.g. ``flight_plan.trajectory.waypoints[2].time``."""
    description: str
    """Why it is wrong, for a person."""


class AirspaceError(Exception):
    """Root of all errors the service reports to its callers."""

    reason = "AIRSPACE_ERROR"
    """Stable UPPER_SNAKE reason, sent as google.rpc.ErrorInfo."""

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason


class InvalidArgument(AirspaceError):
    reason = "INVALID_ARGUMENT"

    def __init__(self, violations: Iterable[FieldViolation], message: str | None = None) -> None:
        self.violations = tuple(violations)
        summary = "; ".join(f"{v.field}: {v.description}" for v in self.violations[:5])
        if len(self.violations) > 5:
            summary += f"; and {len(self.violations) - 5} more"
        super().__init__(message or f"invalid request: {summary}")


class NotFound(AirspaceError):
    reason = "NOT_FOUND"


class AlreadyExists(AirspaceError):
    reason = "ALREADY_EXISTS"


class FailedPrecondition(AirspaceError):
    reason = "FAILED_PRECONDITION"


class Unauthenticated(AirspaceError):
    reason = "UNAUTHENTICATED"


class PermissionDenied(AirspaceError):
    reason = "PERMISSION_DENIED"


class ResourceExhausted(AirspaceError):
    reason = "RESOURCE_EXHAUSTED"


class Unavailable(AirspaceError):
    reason = "UNAVAILABLE"


def invalid(field: str, description: str) -> InvalidArgument:
    """Shorthand for a single-violation ``InvalidArgument``."""
    return InvalidArgument([FieldViolation(field, description)])
