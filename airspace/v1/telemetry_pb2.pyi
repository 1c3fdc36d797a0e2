import datetime

from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import flight_plan_pb2 as _flight_plan_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AlertKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ALERT_KIND_UNSPECIFIED: _ClassVar[AlertKind]
    ALERT_KIND_NONCONFORMING: _ClassVar[AlertKind]
    ALERT_KIND_CONTINGENT: _ClassVar[AlertKind]
    ALERT_KIND_CONFORMING: _ClassVar[AlertKind]
    ALERT_KIND_NO_ACTIVATED_PLAN: _ClassVar[AlertKind]
    ALERT_KIND_TELEMETRY_LOST: _ClassVar[AlertKind]
ALERT_KIND_UNSPECIFIED: AlertKind
ALERT_KIND_NONCONFORMING: AlertKind
ALERT_KIND_CONTINGENT: AlertKind
ALERT_KIND_CONFORMING: AlertKind
ALERT_KIND_NO_ACTIVATED_PLAN: AlertKind
ALERT_KIND_TELEMETRY_LOST: AlertKind

class VehicleState(_message.Message):
    __slots__ = ("registration_id", "flight_plan_id", "time", "position", "altitude_m", "velocity_north_mps", "velocity_east_mps", "velocity_down_mps", "horizontal_accuracy_m", "vertical_accuracy_m")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_NORTH_MPS_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_EAST_MPS_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_DOWN_MPS_FIELD_NUMBER: _ClassVar[int]
    HORIZONTAL_ACCURACY_M_FIELD_NUMBER: _ClassVar[int]
    VERTICAL_ACCURACY_M_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    flight_plan_id: str
    time: _timestamp_pb2.Timestamp
    position: _common_pb2.LatLng
    altitude_m: float
    velocity_north_mps: float
    velocity_east_mps: float
    velocity_down_mps: float
    horizontal_accuracy_m: float
    vertical_accuracy_m: float
    def __init__(self, registration_id: _Optional[str] = ..., flight_plan_id: _Optional[str] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., altitude_m: _Optional[float] = ..., velocity_north_mps: _Optional[float] = ..., velocity_east_mps: _Optional[float] = ..., velocity_down_mps: _Optional[float] = ..., horizontal_accuracy_m: _Optional[float] = ..., vertical_accuracy_m: _Optional[float] = ...) -> None: ...

class ConformanceAlert(_message.Message):
    __slots__ = ("kind", "registration_id", "flight_plan_id", "operator_id", "plan_state", "position", "altitude_m", "deviation_m", "reason")
    KIND_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_STATE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    DEVIATION_M_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    kind: AlertKind
    registration_id: str
    flight_plan_id: str
    operator_id: str
    plan_state: _flight_plan_pb2.FlightPlanState
    position: _common_pb2.LatLng
    altitude_m: float
    deviation_m: float
    reason: str
    def __init__(self, kind: _Optional[_Union[AlertKind, str]] = ..., registration_id: _Optional[str] = ..., flight_plan_id: _Optional[str] = ..., operator_id: _Optional[str] = ..., plan_state: _Optional[_Union[_flight_plan_pb2.FlightPlanState, str]] = ..., position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., altitude_m: _Optional[float] = ..., deviation_m: _Optional[float] = ..., reason: _Optional[str] = ...) -> None: ...

class ResolutionAdvisory(_message.Message):
    __slots__ = ("registration_id", "kind", "heading_change_deg", "target_altitude_m", "target_speed_mps", "description")
    REGISTRATION_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HEADING_CHANGE_DEG_FIELD_NUMBER: _ClassVar[int]
    TARGET_ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    TARGET_SPEED_MPS_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    registration_id: str
    kind: str
    heading_change_deg: float
    target_altitude_m: float
    target_speed_mps: float
    description: str
    def __init__(self, registration_id: _Optional[str] = ..., kind: _Optional[str] = ..., heading_change_deg: _Optional[float] = ..., target_altitude_m: _Optional[float] = ..., target_speed_mps: _Optional[float] = ..., description: _Optional[str] = ...) -> None: ...

class TacticalConflict(_message.Message):
    __slots__ = ("registration_id_a", "registration_id_b", "flight_plan_id_a", "flight_plan_id_b", "loss_of_separation", "start_time", "closest_approach_time", "closest_horizontal_distance_m", "closest_vertical_distance_m", "advisories")
    REGISTRATION_ID_A_FIELD_NUMBER: _ClassVar[int]
    REGISTRATION_ID_B_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_ID_A_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_ID_B_FIELD_NUMBER: _ClassVar[int]
    LOSS_OF_SEPARATION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSEST_APPROACH_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSEST_HORIZONTAL_DISTANCE_M_FIELD_NUMBER: _ClassVar[int]
    CLOSEST_VERTICAL_DISTANCE_M_FIELD_NUMBER: _ClassVar[int]
    ADVISORIES_FIELD_NUMBER: _ClassVar[int]
    registration_id_a: str
    registration_id_b: str
    flight_plan_id_a: str
    flight_plan_id_b: str
    loss_of_separation: bool
    start_time: _timestamp_pb2.Timestamp
    closest_approach_time: _timestamp_pb2.Timestamp
    closest_horizontal_distance_m: float
    closest_vertical_distance_m: float
    advisories: _containers.RepeatedCompositeFieldContainer[ResolutionAdvisory]
    def __init__(self, registration_id_a: _Optional[str] = ..., registration_id_b: _Optional[str] = ..., flight_plan_id_a: _Optional[str] = ..., flight_plan_id_b: _Optional[str] = ..., loss_of_separation: _Optional[bool] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closest_approach_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closest_horizontal_distance_m: _Optional[float] = ..., closest_vertical_distance_m: _Optional[float] = ..., advisories: _Optional[_Iterable[_Union[ResolutionAdvisory, _Mapping]]] = ...) -> None: ...
