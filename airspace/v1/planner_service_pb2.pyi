import datetime

from airspace.v1 import common_pb2 as _common_pb2
from airspace.v1 import flight_plan_pb2 as _flight_plan_pb2
from airspace.v1 import flight_plan_service_pb2 as _flight_plan_service_pb2
from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PlanRouteRequest(_message.Message):
    __slots__ = ("origin", "destination", "earliest_departure_time", "latest_arrival_time", "vehicle", "altitude", "tolerance", "priority", "submit", "request_id")
    ORIGIN_FIELD_NUMBER: _ClassVar[int]
    DESTINATION_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_DEPARTURE_TIME_FIELD_NUMBER: _ClassVar[int]
    LATEST_ARRIVAL_TIME_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    origin: _common_pb2.LatLng
    destination: _common_pb2.LatLng
    earliest_departure_time: _timestamp_pb2.Timestamp
    latest_arrival_time: _timestamp_pb2.Timestamp
    vehicle: _flight_plan_pb2.Vehicle
    altitude: _common_pb2.AltitudeBand
    tolerance: _flight_plan_pb2.NavigationTolerance
    priority: _flight_plan_pb2.Priority
    submit: bool
    request_id: str
    def __init__(self, origin: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., destination: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., earliest_departure_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., latest_arrival_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., vehicle: _Optional[_Union[_flight_plan_pb2.Vehicle, _Mapping]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., tolerance: _Optional[_Union[_flight_plan_pb2.NavigationTolerance, _Mapping]] = ..., priority: _Optional[_Union[_flight_plan_pb2.Priority, str]] = ..., submit: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class PlanRouteResponse(_message.Message):
    __slots__ = ("flight_plan", "length_m", "duration", "energy_wh", "departure_delay", "cruise_altitude_m", "stretch", "no_route_reason", "no_route_detail", "submission")
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    ENERGY_WH_FIELD_NUMBER: _ClassVar[int]
    DEPARTURE_DELAY_FIELD_NUMBER: _ClassVar[int]
    CRUISE_ALTITUDE_M_FIELD_NUMBER: _ClassVar[int]
    STRETCH_FIELD_NUMBER: _ClassVar[int]
    NO_ROUTE_REASON_FIELD_NUMBER: _ClassVar[int]
    NO_ROUTE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    SUBMISSION_FIELD_NUMBER: _ClassVar[int]
    flight_plan: _flight_plan_pb2.FlightPlan
    length_m: float
    duration: _duration_pb2.Duration
    energy_wh: float
    departure_delay: _duration_pb2.Duration
    cruise_altitude_m: float
    stretch: float
    no_route_reason: str
    no_route_detail: str
    submission: _flight_plan_service_pb2.SubmitFlightPlanResponse
    def __init__(self, flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ..., length_m: _Optional[float] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., energy_wh: _Optional[float] = ..., departure_delay: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., cruise_altitude_m: _Optional[float] = ..., stretch: _Optional[float] = ..., no_route_reason: _Optional[str] = ..., no_route_detail: _Optional[str] = ..., submission: _Optional[_Union[_flight_plan_service_pb2.SubmitFlightPlanResponse, _Mapping]] = ...) -> None: ...

class Depot(_message.Message):
    __slots__ = ("depot_id", "position")
    DEPOT_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    depot_id: str
    position: _common_pb2.LatLng
    def __init__(self, depot_id: _Optional[str] = ..., position: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ...) -> None: ...

class Drone(_message.Message):
    __slots__ = ("drone_id", "depot_id", "vehicle", "payload_capacity_kg", "turnaround")
    DRONE_ID_FIELD_NUMBER: _ClassVar[int]
    DEPOT_ID_FIELD_NUMBER: _ClassVar[int]
    VEHICLE_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_CAPACITY_KG_FIELD_NUMBER: _ClassVar[int]
    TURNAROUND_FIELD_NUMBER: _ClassVar[int]
    drone_id: str
    depot_id: str
    vehicle: _flight_plan_pb2.Vehicle
    payload_capacity_kg: float
    turnaround: _duration_pb2.Duration
    def __init__(self, drone_id: _Optional[str] = ..., depot_id: _Optional[str] = ..., vehicle: _Optional[_Union[_flight_plan_pb2.Vehicle, _Mapping]] = ..., payload_capacity_kg: _Optional[float] = ..., turnaround: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class Order(_message.Message):
    __slots__ = ("order_id", "pickup_depot_id", "dropoff", "weight_kg", "earliest_delivery_time", "latest_delivery_time", "priority")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PICKUP_DEPOT_ID_FIELD_NUMBER: _ClassVar[int]
    DROPOFF_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_KG_FIELD_NUMBER: _ClassVar[int]
    EARLIEST_DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    LATEST_DELIVERY_TIME_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    pickup_depot_id: str
    dropoff: _common_pb2.LatLng
    weight_kg: float
    earliest_delivery_time: _timestamp_pb2.Timestamp
    latest_delivery_time: _timestamp_pb2.Timestamp
    priority: _flight_plan_pb2.Priority
    def __init__(self, order_id: _Optional[str] = ..., pickup_depot_id: _Optional[str] = ..., dropoff: _Optional[_Union[_common_pb2.LatLng, _Mapping]] = ..., weight_kg: _Optional[float] = ..., earliest_delivery_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., latest_delivery_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., priority: _Optional[_Union[_flight_plan_pb2.Priority, str]] = ...) -> None: ...

class PlanDeliveriesRequest(_message.Message):
    __slots__ = ("depots", "drones", "orders", "altitude", "tolerance", "horizon_start_time", "horizon_end_time", "time_limit", "submit", "request_id")
    DEPOTS_FIELD_NUMBER: _ClassVar[int]
    DRONES_FIELD_NUMBER: _ClassVar[int]
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    ALTITUDE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    HORIZON_START_TIME_FIELD_NUMBER: _ClassVar[int]
    HORIZON_END_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_LIMIT_FIELD_NUMBER: _ClassVar[int]
    SUBMIT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    depots: _containers.RepeatedCompositeFieldContainer[Depot]
    drones: _containers.RepeatedCompositeFieldContainer[Drone]
    orders: _containers.RepeatedCompositeFieldContainer[Order]
    altitude: _common_pb2.AltitudeBand
    tolerance: _flight_plan_pb2.NavigationTolerance
    horizon_start_time: _timestamp_pb2.Timestamp
    horizon_end_time: _timestamp_pb2.Timestamp
    time_limit: _duration_pb2.Duration
    submit: bool
    request_id: str
    def __init__(self, depots: _Optional[_Iterable[_Union[Depot, _Mapping]]] = ..., drones: _Optional[_Iterable[_Union[Drone, _Mapping]]] = ..., orders: _Optional[_Iterable[_Union[Order, _Mapping]]] = ..., altitude: _Optional[_Union[_common_pb2.AltitudeBand, _Mapping]] = ..., tolerance: _Optional[_Union[_flight_plan_pb2.NavigationTolerance, _Mapping]] = ..., horizon_start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., horizon_end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., time_limit: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., submit: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeliveryFlight(_message.Message):
    __slots__ = ("drone_id", "order_ids", "flight_plan")
    DRONE_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_IDS_FIELD_NUMBER: _ClassVar[int]
    FLIGHT_PLAN_FIELD_NUMBER: _ClassVar[int]
    drone_id: str
    order_ids: _containers.RepeatedScalarFieldContainer[str]
    flight_plan: _flight_plan_pb2.FlightPlan
    def __init__(self, drone_id: _Optional[str] = ..., order_ids: _Optional[_Iterable[str]] = ..., flight_plan: _Optional[_Union[_flight_plan_pb2.FlightPlan, _Mapping]] = ...) -> None: ...

class UnservedOrder(_message.Message):
    __slots__ = ("order_id", "reason", "detail")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    reason: str
    detail: str
    def __init__(self, order_id: _Optional[str] = ..., reason: _Optional[str] = ..., detail: _Optional[str] = ...) -> None: ...

class PlanDeliveriesResponse(_message.Message):
    __slots__ = ("progress", "done", "flights", "unserved", "stranded_drones")
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    DONE_FIELD_NUMBER: _ClassVar[int]
    FLIGHTS_FIELD_NUMBER: _ClassVar[int]
    UNSERVED_FIELD_NUMBER: _ClassVar[int]
    STRANDED_DRONES_FIELD_NUMBER: _ClassVar[int]
    progress: float
    done: bool
    flights: _containers.RepeatedCompositeFieldContainer[DeliveryFlight]
    unserved: _containers.RepeatedCompositeFieldContainer[UnservedOrder]
    stranded_drones: _containers.RepeatedCompositeFieldContainer[UnservedOrder]
    def __init__(self, progress: _Optional[float] = ..., done: _Optional[bool] = ..., flights: _Optional[_Iterable[_Union[DeliveryFlight, _Mapping]]] = ..., unserved: _Optional[_Iterable[_Union[UnservedOrder, _Mapping]]] = ..., stranded_drones: _Optional[_Iterable[_Union[UnservedOrder, _Mapping]]] = ...) -> None: ...
