"""One guard around every method: who is calling, and errors as gRPC statuses.

Authentication: ``authorization: Bearer <token>`` metadata. The token's SHA-256 digest is
compared with every known digest by ``hmac.compare_digest``, so the time a check takes says
nothing about how close a guess was, nor which identity matched; tokens are never logged.
Streams: one identity holds at most ``max_streams`` open at once. Errors: each
``AirspaceError`` becomes its canonical status with ``google.rpc.ErrorInfo`` (a stable reason)
and, for bad input, ``google.rpc.BadRequest`` field violations. Anything else is logged here and
reaches the client only as INTERNAL — never a stack trace.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from typing import Any

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from airspace import errors
from airspace.model import Identity

log = logging.getLogger(__name__)

DOMAIN = "airspace.dev"
MAX_VIOLATIONS = 50
MAX_DETAIL_CHARS = 200
MAX_MESSAGE_CHARS = 1_000
VIOLATIONS_BUDGET_BYTES = 4_000
"""A status travels in trailing metadata, which gRPC caps (8 KiB by default; past it the
client gets no status at all). So the message, each field and each description are clipped,
the details carry the first violations that fit (at most ``MAX_VIOLATIONS``, about
``VIOLATIONS_BUDGET_BYTES`` before base64), and the message then says how many there were."""

STATUS_OF: dict[type[errors.AirspaceError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
    errors.Unavailable: grpc.StatusCode.UNAVAILABLE,
}

_caller: contextvars.ContextVar[Identity] = contextvars.ContextVar("airspace_caller")


def caller() -> Identity:
    """The authenticated identity of the current call."""
    return _caller.get()


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def rich_status(exc: errors.AirspaceError) -> grpc.Status:
    code = STATUS_OF.get(type(exc), grpc.StatusCode.UNKNOWN)
    details = []
    message = _clip(exc.message, MAX_MESSAGE_CHARS)
    info = error_details_pb2.ErrorInfo(reason=exc.reason, domain=DOMAIN)
    details.append(_pack(info))
    if isinstance(exc, errors.InvalidArgument):
        bad = _bad_request(exc.violations)
        if len(bad.field_violations) < len(exc.violations):
            message += (
                f" ({len(exc.violations)} violations; the first "
                f"{len(bad.field_violations)} are in the details)"
            )
        details.append(_pack(bad))
    status = status_pb2.Status(code=getattr(code_pb2, code.name), message=message, details=details)
    return rpc_status.to_status(status)


def _bad_request(violations: Sequence[errors.FieldViolation]) -> error_details_pb2.BadRequest:
    """The first violations that fit in a status, each clipped."""
    bad = error_details_pb2.BadRequest()
    size = 0
    for v in violations[:MAX_VIOLATIONS]:
        field, description = (
            _clip(v.field, MAX_DETAIL_CHARS),
            _clip(v.description, MAX_DETAIL_CHARS),
        )
        size += len(field.encode()) + len(description.encode()) + 8
        if size > VIOLATIONS_BUDGET_BYTES and bad.field_violations:
            break
        bad.field_violations.add(field=field, description=description)
    return bad


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pack(message: Any) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


class CallGuard:
    """Authenticates every call and turns domain errors into statuses.

    It wraps each method's handler once, when the service is registered (``guarded(server)``),
    rather than intercepting each call: a gRPC interceptor costs a coroutine and new handler
    objects per call."""

    def __init__(self, identities: Mapping[str, Identity], *, max_streams: int) -> None:
        self._digests = tuple((token_digest(t), i) for t, i in identities.items())
        self._max_streams = max_streams
        self._open_streams: Counter[str] = Counter()

    def guarded(self, server: grpc.aio.Server) -> Any:
        """A stand-in for ``server`` to pass to the generated ``add_*_to_server`` functions:
        what they register is guarded. (Health and reflection, open to all, go to ``server``.)"""
        return _GuardedRegistry(server, self)

    def guard(self, handler: grpc.RpcMethodHandler) -> grpc.RpcMethodHandler:
        kwargs = {
            "request_deserializer": handler.request_deserializer,
            "response_serializer": handler.response_serializer,
        }
        if handler.unary_unary:
            return grpc.unary_unary_rpc_method_handler(self._unary(handler.unary_unary), **kwargs)
        if handler.stream_unary:
            return grpc.stream_unary_rpc_method_handler(self._unary(handler.stream_unary), **kwargs)
        if handler.unary_stream:
            return grpc.unary_stream_rpc_method_handler(
                self._stream(handler.unary_stream), **kwargs
            )
        return grpc.stream_stream_rpc_method_handler(self._stream(handler.stream_stream), **kwargs)

    def _identify(self, context: grpc.aio.ServicerContext) -> Identity:
        metadata = dict(context.invocation_metadata() or ())
        header = metadata.get("authorization", "")
        if not isinstance(header, str) or not header.lower().startswith("bearer "):
            raise errors.Unauthenticated(
                "send 'authorization: Bearer <token>' metadata", reason="MISSING_TOKEN"
            )
        digest = token_digest(header[7:].strip())
        found = None
        for known, identity in self._digests:  # every entry, match or not: constant time
            if hmac.compare_digest(digest, known):
                found = identity
        if found is None:
            raise errors.Unauthenticated("the token is not valid", reason="INVALID_TOKEN")
        return found

    def _unary(self, behavior: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> Any:
            # Each call runs in its own task, with its own copy of the context: no reset needed.
            try:
                _caller.set(self._identify(context))
                return await behavior(request, context)
            except Exception as exc:  # the one place errors become statuses
                await _abort(context, exc)

        return guarded

    def _stream(
        self, behavior: Callable[..., AsyncIterator[Any]]
    ) -> Callable[..., AsyncIterator[Any]]:
        async def guarded(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
            subject = None
            try:
                identity = self._identify(context)
                _caller.set(identity)
                subject = self._open_stream(identity)
                async for response in behavior(request, context):
                    yield response
            except Exception as exc:  # the one place errors become statuses
                await _abort(context, exc)
            finally:
                if subject is not None:
                    self._open_streams[subject] -= 1
                    if not self._open_streams[subject]:
                        del self._open_streams[subject]

        return guarded

    def _open_stream(self, identity: Identity) -> str:
        """Count a stream the identity opens, or refuse it past the limit."""
        subject = identity.subject_id
        if self._open_streams[subject] >= self._max_streams:
            raise errors.ResourceExhausted(
                f"{subject} already has {self._max_streams} streams open; close one first",
                reason="TOO_MANY_STREAMS",
            )
        self._open_streams[subject] += 1
        return subject


class _GuardedRegistry:
    """Registers generic handlers on a server, each of their methods guarded."""

    def __init__(self, server: grpc.aio.Server, guard: CallGuard) -> None:
        self._server = server
        self._guard = guard

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(
            tuple(_GuardedHandler(h, self._guard) for h in handlers)
        )

    def add_registered_method_handlers(
        self, service: str, handlers: Mapping[str, grpc.RpcMethodHandler]
    ) -> None:
        """The asyncio server registers nothing here (its generic handlers serve every call)."""
        self._server.add_registered_method_handlers(
            service, {name: self._guard.guard(h) for name, h in handlers.items()}
        )


class _GuardedHandler(grpc.GenericRpcHandler):
    """A generic handler whose methods' handlers are guarded, each wrapped once."""

    def __init__(self, inner: grpc.GenericRpcHandler, guard: CallGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    def service(self, details: grpc.HandlerCallDetails) -> grpc.RpcMethodHandler | None:
        method: str = details.method
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = self._inner.service(details)
            if handler is None:  # unknown methods are not remembered: no unbounded cache
                return None
            wrapped = self._wrapped[method] = self._guard.guard(handler)
        return wrapped


async def _abort(context: grpc.aio.ServicerContext, exc: Exception) -> None:
    if isinstance(exc, grpc.aio.AbortError):
        raise exc
    if isinstance(exc, errors.AirspaceError):
        status = rich_status(exc)
        await context.abort(status.code, status.details, status.trailing_metadata)
    log.exception("internal error")
    await context.abort(grpc.StatusCode.INTERNAL, "internal error; the server log has details")
