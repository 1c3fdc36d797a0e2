from airspace.v1 import telemetry_pb2 as _telemetry_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StreamTelemetryRequest(_message.Message):
    __slots__ = ("states",)
    STATES_FIELD_NUMBER: _ClassVar[int]
    states: _containers.RepeatedCompositeFieldContainer[_telemetry_pb2.VehicleState]
    def __init__(self, states: _Optional[_Iterable[_Union[_telemetry_pb2.VehicleState, _Mapping]]] = ...) -> None: ...

class StateRejection(_message.Message):
    __slots__ = ("index", "registration_id", "reasons")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    index: int
    registration_id: str
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, index: _Optional[int] = ..., registration_id: _Optional[str] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class StreamTelemetryResponse(_message.Message):
    __slots__ = ("request_sequence", "accepted_count", "rejections", "alerts", "conflicts")
    REQUEST_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    ACCEPTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    REJECTIONS_FIELD_NUMBER: _ClassVar[int]
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    request_sequence: int
    accepted_count: int
    rejections: _containers.RepeatedCompositeFieldContainer[StateRejection]
    alerts: _containers.RepeatedCompositeFieldContainer[_telemetry_pb2.ConformanceAlert]
    conflicts: _containers.RepeatedCompositeFieldContainer[_telemetry_pb2.TacticalConflict]
    def __init__(self, request_sequence: _Optional[int] = ..., accepted_count: _Optional[int] = ..., rejections: _Optional[_Iterable[_Union[StateRejection, _Mapping]]] = ..., alerts: _Optional[_Iterable[_Union[_telemetry_pb2.ConformanceAlert, _Mapping]]] = ..., conflicts: _Optional[_Iterable[_Union[_telemetry_pb2.TacticalConflict, _Mapping]]] = ...) -> None: ...
