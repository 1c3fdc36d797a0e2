import datetime

from airspace.v1 import common_pb2 as _common_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GeozoneKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GEOZONE_KIND_UNSPECIFIED: _ClassVar[GeozoneKind]
    GEOZONE_KIND_PROHIBITED: _ClassVar[GeozoneKind]
    GEOZONE_KIND_RESTRICTED: _ClassVar[GeozoneKind]
    GEOZONE_KIND_CONDITIONAL: _ClassVar[GeozoneKind]
GEOZONE_KIND_UNSPECIFIED: GeozoneKind
GEOZONE_KIND_PROHIBITED: GeozoneKind
GEOZONE_KIND_RESTRICTED: GeozoneKind
GEOZONE_KIND_CONDITIONAL: GeozoneKind

class Geozone(_message.Message):
    __slots__ = ("geozone_id", "name", "kind", "area", "altitude", "schedule", "authorized_operator_ids", "message", "update_time")
    GEOZONE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    AUTHORIZED_OPERATOR_IDS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    geozone_id: str
    name: str
    kind: GeozoneKind
    area: _common_pb2.Area
    altitude: _common_pb2.AltitudeBand
    schedule: _containers.RepeatedCompositeFieldContainer[_common_pb2.TimeWindow]
    authorized_operator_ids: _containers.RepeatedScalarFieldContainer[str]
    message: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, geozone_id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[GeozoneKind, str]] = ..., area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., schedule: _Optional[_Iterable[_Union[_common_pb2.TimeWindow, _Mapping]]] = ..., authorized_operator_ids: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
