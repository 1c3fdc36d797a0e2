from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import flight_plan_pb2 as _flight_plan_pb2
from airspace.v1 import geozone_pb2 as _geozone_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GeozoneFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GEOZONE_FORMAT_UNSPECIFIED: _ClassVar[GeozoneFormat]
    GEOZONE_FORMAT_GEOJSON: _ClassVar[GeozoneFormat]
    GEOZONE_FORMAT_ED269: _ClassVar[GeozoneFormat]
GEOZONE_FORMAT_UNSPECIFIED: GeozoneFormat
GEOZONE_FORMAT_GEOJSON: GeozoneFormat
GEOZONE_FORMAT_ED269: GeozoneFormat

class ListGeozonesRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "area", "altitude", "time_window")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    TIME_WINDOW_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    area: _common_pb2.Area
    altitude: _common_pb2.AltitudeBand
    time_window: _common_pb2.TimeWindow
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., time_window: _Optional[_Union[_common_pb2.TimeWindow, _Mapping]] = ...) -> None: ...

class ListGeozonesResponse(_message.Message):
    __slots__ = ("geozones", "next_page_token")
    GEOZONES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    geozones: _containers.RepeatedCompositeFieldContainer[_geozone_pb2.Geozone]
    next_page_token: str
    def __init__(self, geozones: _Optional[_Iterable[_Union[_geozone_pb2.Geozone, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetGeozoneRequest(_message.Message):
    __slots__ = ("geozone_id",)
    GEOZONE_ID_FIELD_NUMBER: _ClassVar[int]
    geozone_id: str
    def __init__(self, geozone_id: _Optional[str] = ...) -> None: ...

class GetGeozoneResponse(_message.Message):
    __slots__ = ("geozone",)
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    geozone: _geozone_pb2.Geozone
    def __init__(self, geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ...) -> None: ...

class CreateGeozoneRequest(_message.Message):
    __slots__ = ("geozone",)
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    geozone: _geozone_pb2.Geozone
    def __init__(self, geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ...) -> None: ...

class CreateGeozoneResponse(_message.Message):
    __slots__ = ("geozone",)
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    geozone: _geozone_pb2.Geozone
    def __init__(self, geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ...) -> None: ...

class UpdateGeozoneRequest(_message.Message):
    __slots__ = ("geozone", "allow_missing")
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    ALLOW_MISSING_FIELD_NUMBER: _ClassVar[int]
    geozone: _geozone_pb2.Geozone
    allow_missing: bool
    def __init__(self, geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ..., allow_missing: _Optional[bool] = ...) -> None: ...

class UpdateGeozoneResponse(_message.Message):
    __slots__ = ("geozone",)
    GEOZONE_FIELD_NUMBER: _ClassVar[int]
    geozone: _geozone_pb2.Geozone
    def __init__(self, geozone: _Optional[_Union[_geozone_pb2.Geozone, _Mapping]] = ...) -> None: ...

class DeleteGeozoneRequest(_message.Message):
    __slots__ = ("geozone_id",)
    GEOZONE_ID_FIELD_NUMBER: _ClassVar[int]
    geozone_id: str
    def __init__(self, geozone_id: _Optional[str] = ...) -> None: ...

class DeleteGeozoneResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ImportGeozonesRequest(_message.Message):
    __slots__ = ("format", "content")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    format: GeozoneFormat
    content: bytes
    def __init__(self, format: _Optional[_Union[GeozoneFormat, str]] = ..., content: _Optional[bytes] = ...) -> None: ...

class ImportGeozonesResponse(_message.Message):
    __slots__ = ("geozones",)
    GEOZONES_FIELD_NUMBER: _ClassVar[int]
    geozones: _containers.RepeatedCompositeFieldContainer[_geozone_pb2.Geozone]
    def __init__(self, geozones: _Optional[_Iterable[_Union[_geozone_pb2.Geozone, _Mapping]]] = ...) -> None: ...

class QueryAirspaceRequest(_message.Message):
    __slots__ = ("area", "altitude", "time_window")
    AREA_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    TIME_WINDOW_FIELD_NUMBER: _ClassVar[int]
    area: _common_pb2.Area
    altitude: _common_pb2.AltitudeBand
    time_window: _common_pb2.TimeWindow
    def __init__(self, area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., time_window: _Optional[_Union[_common_pb2.TimeWindow, _Mapping]] = ...) -> None: ...

class Occupant(_message.Message):
    __slots__ = ("flight_plan_id", "priority", "state", "time_window")
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TIME_WINDOW_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    priority: _flight_plan_pb2.Priority
    state: _flight_plan_pb2.FlightPlanState
    time_window: _common_pb2.TimeWindow
    def __init__(self, flight_plan_id: _Optional[str] = ..., priority: _Optional[_Union[_flight_plan_pb2.Priority, str]] = ..., state: _Optional[_Union[_flight_plan_pb2.FlightPlanState, str]] = ..., time_window: _Optional[_Union[_common_pb2.TimeWindow, _Mapping]] = ...) -> None: ...

class QueryAirspaceResponse(_message.Message):
    __slots__ = ("geozones", "occupants")
    GEOZONES_FIELD_NUMBER: _ClassVar[int]
    OCCUPANTS_FIELD_NUMBER: _ClassVar[int]
    geozones: _containers.RepeatedCompositeFieldContainer[_geozone_pb2.Geozone]
    occupants: _containers.RepeatedCompositeFieldContainer[Occupant]
    def __init__(self, geozones: _Optional[_Iterable[_Union[_geozone_pb2.Geozone, _Mapping]]] = ..., occupants: _Optional[_Iterable[_Union[Occupant, _Mapping]]] = ...) -> None: ...
