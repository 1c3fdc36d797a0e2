import datetime

from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import geozone_pb2 as _geozone_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class FlightPlanState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    FLIGHT_PLAN_STATE_UNSPECIFIED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_ACCEPTED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_ACTIVATED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_NONCONFORMING: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_CONTINGENT: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_ENDED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_CANCELLED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_REJECTED: _ClassVar[FlightPlanState]
    FLIGHT_PLAN_STATE_PREEMPTED: _ClassVar[FlightPlanState]

class Priority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PRIORITY_UNSPECIFIED: _ClassVar[Priority]
    PRIORITY_RECREATIONAL: _ClassVar[Priority]
    PRIORITY_COMMERCIAL: _ClassVar[Priority]
    PRIORITY_PUBLIC_SERVICE: _ClassVar[Priority]
    PRIORITY_EMERGENCY: _ClassVar[Priority]
FLIGHT_PLAN_STATE_UNSPECIFIED: FlightPlanState
FLIGHT_PLAN_STATE_ACCEPTED: FlightPlanState
FLIGHT_PLAN_STATE_ACTIVATED: FlightPlanState
FLIGHT_PLAN_STATE_NONCONFORMING: FlightPlanState
FLIGHT_PLAN_STATE_CONTINGENT: FlightPlanState
FLIGHT_PLAN_STATE_ENDED: FlightPlanState
FLIGHT_PLAN_STATE_CANCELLED: FlightPlanState
FLIGHT_PLAN_STATE_REJECTED: FlightPlanState
FLIGHT_PLAN_STATE_PREEMPTED: FlightPlanState
PRIORITY_UNSPECIFIED: Priority
PRIORITY_RECREATIONAL: Priority
PRIORITY_COMMERCIAL: Priority
PRIORITY_PUBLIC_SERVICE: Priority
PRIORITY_EMERGENCY: Priority

class Waypoint(_message.Message):
    __slots__ = ("position", "altitude_m", "time")
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    position: _common_pb2.LatLng
    altitude_m: float
    time: _timestamp_pb2.Timestamp
    def __init__(self, position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., altitude_m: _Optional[float] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Trajectory(_message.Message):
    __slots__ = ("waypoints",)
    WAYPOINTS_FIELD_NUMBER: _ClassVar[int]
    waypoints: _containers.RepeatedCompositeFieldContainer[Waypoint]
    def __init__(self, waypoints: _Optional[_Iterable[_Union[Waypoint, _Mapping]]] = ...) -> None: ...

class Volume4D(_message.Message):
    __slots__ = ("area", "altitude", "time_window")
    AREA_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    TIME_WINDOW_FIELD_NUMBER: _ClassVar[int]
    area: _common_pb2.Area
    altitude: _common_pb2.AltitudeBand
    time_window: _common_pb2.TimeWindow
    def __init__(self, area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., time_window: _Optional[_Union[_common_pb2.TimeWindow, _Mapping]] = ...) -> None: ...

class VolumeSet(_message.Message):
    __slots__ = ("volumes",)
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    volumes: _containers.RepeatedCompositeFieldContainer[Volume4D]
    def __init__(self, volumes: _Optional[_Iterable[_Union[Volume4D, _Mapping]]] = ...) -> None: ...

class Vehicle(_message.Message):
    __slots__ = ("registration_id", "cruise_speed_mps", "max_speed_mps", "climb_rate_mps", "descent_rate_mps", "endurance")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    CRUISE_SPEED_MPS_FIELD_NUMBER: _ClassVar[int]
    MAX_SPEED_MPS_FIELD_NUMBER: _ClassVar[int]
    CLIMB_RATE_MPS_FIELD_NUMBER: _ClassVar[int]
    DESCENT_RATE_MPS_FIELD_NUMBER: _ClassVar[int]
    ENDURANCE_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    cruise_speed_mps: float
    max_speed_mps: float
    climb_rate_mps: float
    descent_rate_mps: float
    endurance: _duration_pb2.Duration
    def __init__(self, registration_id: _Optional[str] = ..., cruise_speed_mps: _Optional[float] = ..., max_speed_mps: _Optional[float] = ..., climb_rate_mps: _Optional[float] = ..., descent_rate_mps: _Optional[float] = ..., endurance: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class NavigationTolerance(_message.Message):
    __slots__ = ("horizontal_m", "vertical_m")
    HORIZONTAL_M_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_M_FIELD_NUMBER: _ClassVar[int]
    horizontal_m: float
    vertical_m: float
    def __init__(self, horizontal_m: _Optional[float] = ..., vertical_m: _Optional[float] = ...) -> None: ...

class FlightPlan(_message.Message):
    __slots__ = ("flight_plan_id", "operator_id", "vehicle", "priority", "tolerance", "trajectory", "volumes", "state", "state_reason", "create_time", "update_time", "time_window")
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    TRAJECTORY_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STATE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_WINDOW_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    operator_id: str
    vehicle: Vehicle
    priority: Priority
    tolerance: NavigationTolerance
    trajectory: Trajectory
    volumes: VolumeSet
    state: FlightPlanState
    state_reason: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    time_window: _common_pb2.TimeWindow
    def __init__(self, flight_plan_id: _Optional[str] = ..., operator_id: _Optional[str] = ..., vehicle: _Optional[_Union[Vehicle, _Mapping]] = ..., priority: _Optional[_Union[Priority, str]] = ..., tolerance: _Optional[_Union[NavigationTolerance, _Mapping]] = ..., trajectory: _Optional[_Union[Trajectory, _Mapping]] = ..., volumes: _Optional[_Union[VolumeSet, _Mapping]] = ..., state: _Optional[_Union[FlightPlanState, str]] = ..., state_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_window: _Optional[_Union[_common_pb2.TimeWindow, _Mapping]] = ...) -> None: ...

class Conflict(_message.Message):
    __slots__ = ("flight_plan_id", "priority", "time", "position", "altitude_m", "horizontal_separation_m", "vertical_separation_m")
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    HORIZONTAL_SEPARATION_M_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_SEPARATION_M_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    priority: Priority
    time: _timestamp_pb2.Timestamp
    position: _common_pb2.LatLng
    altitude_m: float
    horizontal_separation_m: float
    vertical_separation_m: float
    def __init__(self, flight_plan_id: _Optional[str] = ..., priority: _Optional[_Union[Priority, str]] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., altitude_m: _Optional[float] = ..., horizontal_separation_m: _Optional[float] = ..., vertical_separation_m: _Optional[float] = ...) -> None: ...

class GeozoneViolation(_message.Message):
    __slots__ = ("geozone_id", "name", "kind", "time", "position", "altitude_m", "reason")
    GEOZONE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    geozone_id: str
    name: str
    kind: _geozone_pb2.GeozoneKind
    time: _timestamp_pb2.Timestamp
    position: _common_pb2.LatLng
    altitude_m: float
    reason: str
    def __init__(self, geozone_id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_geozone_pb2.GeozoneKind, str]] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., altitude_m: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...
