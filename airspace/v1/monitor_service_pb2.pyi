import datetime

from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import flight_plan_pb2 as _flight_plan_pb2
from airspace.v1 import geozone_pb2 as _geozone_pb2
from airspace.v1 import telemetry_pb2 as _telemetry_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EventKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EVENT_KIND_UNSPECIFIED: _ClassVar[EventKind]
    EVENT_KIND_TRAFFIC: _ClassVar[EventKind]
    EVENT_KIND_CONFORMANCE: _ClassVar[EventKind]
    EVENT_KIND_CONFLICT: _ClassVar[EventKind]
    EVENT_KIND_PLAN: _ClassVar[EventKind]
    EVENT_KIND_GEOZONE: _ClassVar[EventKind]
EVENT_KIND_UNSPECIFIED: EventKind
EVENT_KIND_TRAFFIC: EventKind
EVENT_KIND_CONFORMANCE: EventKind
EVENT_KIND_CONFLICT: EventKind
EVENT_KIND_PLAN: EventKind
EVENT_KIND_GEOZONE: EventKind

class WatchAirspaceRequest(_message.Message):
    __slots__ = ("area", "kinds")
    AREA_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    area: _common_pb2.Area
    kinds: _containers.RepeatedScalarFieldContainer[EventKind]
    def __init__(self, area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ..., kinds: _Optional[_Iterable[_Union[EventKind, str]]] = ...) -> None: ...

class Track(_message.Message):
    __slots__ = ("state", "plan_state", "operator_id")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PLAN_STATE_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    state: _telemetry_pb2.VehicleState
    plan_state: _flight_plan_pb2.FlightPlanState
    operator_id: str
    def __init__(self, state: _Optional[_Union[_telemetry_pb2.VehicleState, _Mapping]] = ..., plan_state: _Optional[_Union[_flight_plan_pb2.FlightPlanState, str]] = ..., operator_id: _Optional[str] = ...) -> None: ...

class TrafficSnapshot(_message.Message):
    __slots__ = ("tracks",)
    TRACKS_FIELD_NUMBER: _ClassVar[int]
    tracks: _containers.RepeatedCompositeFieldContainer[Track]
    def __init__(self, tracks: _Optional[_Iterable[_Union[Track, _Mapping]]] = ...) -> None: ...

class PlanEvent(_message.Message):
    __slots__ = ("flight_plan_id", "operator_id", "state", "reason")
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    operator_id: str
    state: _flight_plan_pb2.FlightPlanState
    reason: str
    def __init__(self, flight_plan_id: _Optional[str] = ..., operator_id: _Optional[str] = ..., state: _Optional[_Union[_flight_plan_pb2.FlightPlanState, str]] = ..., reason: _Optional[str] = ...) -> None: ...

class GeozoneEvent(_message.Message):
    __slots__ = ("geozone_id", "geozone", "deleted")
    GEOZONE_ID_FIELD_NUMBER: _ClassVar[int]
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    geozone_id: str
    geozone: _geozone_pb2.Geozone
    deleted: bool
    def __init__(self, geozone_id: _Optional[str] = ..., geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ..., deleted: _Optional[bool] = ...) -> None: ...

class WatchAirspaceResponse(_message.Message):
    __slots__ = ("time", "traffic", "conformance", "conflict", "plan", "geozone", "dropped_snapshot_count")
    TIME_FIELD_NUMBER: _ClassVar[int]
    TRAFFIC_FIELD_NUMBER: _ClassVar[int]
    CONFORMANCE_FIELD_NUMBER: _ClassVar[int]
    CONFLICT_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    DROPPED_SNAPSHOT_COUNT_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    traffic: TrafficSnapshot
    conformance: _telemetry_pb2.ConformanceAlert
    conflict: _telemetry_pb2.TacticalConflict
    plan: PlanEvent
    geozone: GeozoneEvent
    dropped_snapshot_count: int
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., traffic: _Optional[_Union[TrafficSnapshot, _Mapping]] = ..., conformance: _Optional[_Union[_telemetry_pb2.ConformanceAlert, _Mapping]] = ..., conflict: _Optional[_Union[_telemetry_pb2.TacticalConflict, _Mapping]] = ..., plan: _Optional[_Union[PlanEvent, _Mapping]] = ..., geozone: _Optional[_Union[GeozoneEvent, _Mapping]] = ..., dropped_snapshot_count: _Optional[int] = ...) -> None: ...
