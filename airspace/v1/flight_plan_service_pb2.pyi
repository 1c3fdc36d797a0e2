import datetime

from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import flight_plan_pb2 as _flight_plan_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubmitFlightPlanRequest(_message.Message):
    __slots__ = ("request_id", "flight_plan")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, request_id: _Optional[str] = ..., flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class SuggestedAlternative(_message.Message):
    __slots__ = ("description", "departure_delay", "flight_plan")
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    DEPARTURE_DELAY_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    description: str
    departure_delay: _duration_pb2.Duration
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, description: _Optional[str] = ..., departure_delay: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class SubmitFlightPlanResponse(_message.Message):
    __slots__ = ("flight_plan", "conflicts", "geozone_violations", "advisories", "preempted_flight_plan_ids", "suggested_alternative")
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    GEOZONE_VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    ADVISORIES_FIELD_NUMBER: _ClassVar[int]
    PREEMPTED_FLIGHT_PLAN_IDS_FIELD_NUMBER: _ClassVar[int]
    SUGGESTED_ALTERNATIVE_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    conflicts: _containers.RepeatedCompositeFieldContainer[_flight_plan_pb2.Conflict]
    geozone_violations: _containers.RepeatedCompositeFieldContainer[_flight_plan_pb2.GeozoneViolation]
    advisories: _containers.RepeatedCompositeFieldContainer[_flight_plan_pb2.GeozoneViolation]
    preempted_flight_plan_ids: _containers.RepeatedScalarFieldContainer[str]
    suggested_alternative: SuggestedAlternative
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ..., conflicts: _Optional[_Iterable[_Union[_flight_plan_pb2.Conflict, _Mapping]]] = ..., geozone_violations: _Optional[_Iterable[_Union[_flight_plan_pb2.GeozoneViolation, _Mapping]]] = ..., advisories: _Optional[_Iterable[_Union[_flight_plan_pb2.GeozoneViolation, _Mapping]]] = ..., preempted_flight_plan_ids: _Optional[_Iterable[str]] = ..., suggested_alternative: _Optional[_Union[SuggestedAlternative, _Mapping]] = ...) -> None: ...

class GetFlightPlanRequest(_message.Message):
    __slots__ = ("flight_plan_id",)
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    def __init__(self, flight_plan_id: _Optional[str] = ...) -> None: ...

class GetFlightPlanResponse(_message.Message):
    __slots__ = ("flight_plan",)
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class ListFlightPlansRequest(_message.Message):
    __slots__ = ("page_size", "page_token", "states", "area")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    STATES_FIELD_NUMBER: _ClassVar[int]
    AREA_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    states: _containers.RepeatedScalarFieldContainer[_flight_plan_pb2.FlightPlanState]
    area: _common_pb2.Area
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., states: _Optional[_Iterable[_Union[_flight_plan_pb2.FlightPlanState, str]]] = ..., area: _Optional[_Union[_common_pb2.Area, _Mapping]] = ...) -> None: ...

class ListFlightPlansResponse(_message.Message):
    __slots__ = ("flight_plans", "next_page_token")
    FLIGHT_PLANS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    flight_plans: _containers.RepeatedCompositeFieldContainer[_flight_plan_pb2.FlightPlan]
    next_page_token: str
    def __init__(self, flight_plans: _Optional[_Iterable[_Union[_flight_plan_pb2.FlightPlan, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelFlightPlanRequest(_message.Message):
    __slots__ = ("flight_plan_id",)
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    def __init__(self, flight_plan_id: _Optional[str] = ...) -> None: ...

class CancelFlightPlanResponse(_message.Message):
    __slots__ = ("flight_plan",)
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class ActivateFlightPlanRequest(_message.Message):
    __slots__ = ("flight_plan_id",)
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    def __init__(self, flight_plan_id: _Optional[str] = ...) -> None: ...

class ActivateFlightPlanResponse(_message.Message):
    __slots__ = ("flight_plan",)
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class EndFlightPlanRequest(_message.Message):
    __slots__ = ("flight_plan_id",)
    FLIGHT_PLAN_ID_FIELD_NUMBER: _ClassVar[int]
    flight_plan_id: str
    def __init__(self, flight_plan_id: _Optional[str] = ...) -> None: ...

class EndFlightPlanResponse(_message.Message):
    __slots__ = ("flight_plan",)
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...
