"""Hypothesis strategies for any protobuf request: random, valid-looking, and mutated.

``anything(cls)`` fills a message from its descriptor alone (NaN and huge numbers, odd strings,
unknown enum values, odd Timestamps). ``plausible(cls, corpus)`` sets every field the way a
well-behaved client would: positions in the demo city, times just after the tests' ``T0``,
flight plans from ``tests.builders`` and ``tests.strategies``, ids seen in earlier responses.
``mutated(msg)`` then breaks a valid-looking message a little (a field dropped, a number pushed
out of range, elements repeated), so that many requests get past validation and reach the core.
``requests(cls, corpus)`` mixes the three.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass
from hypothesis import strategies as st

from airspace.model import FlightPlan
from airspace.sdk import deliveries_request
from airspace.server import convert
from airspace.timestamps import to_duration, to_timestamp
from airspace.v1 import common_pb2, flight_plan_pb2
from tests import strategies as core
from tests.builders import DEPOT, area_plan, delivery, offset, vehicle
from tests.conftest import T0

F = FieldDescriptor
MAX_DEPTH = 6
"""Deepest nesting filled in (a request's LatLng inside a waypoint is at depth 4)."""
ODD_FLOATS = (
    *(math.nan, math.inf, -math.inf, 0.0, -0.0, 5e-324, 1e-9, -1.0),
    *(90.0, 90.0000001, -180.0000001, 1e9, 1e308, -1e308),
)
ODD_INTS = (0, -1, 1, 2**31 - 1, -(2**31), 2**62, 2**63 - 1, -(2**63), 253_402_300_800)
ODD_TEXT = ("", " ", "\x00", "é🚁\u202e", "../../etc", "x" * 5000)
_INT_BOUNDS = {
    F.CPPTYPE_INT32: (-(2**31), 2**31 - 1),
    F.CPPTYPE_INT64: (-(2**63), 2**63 - 1),
    F.CPPTYPE_UINT32: (0, 2**32 - 1),
    F.CPPTYPE_UINT64: (0, 2**64 - 1),
}
TIME_GAP_S = 1800.0
"""Least time between the times of one valid-looking message (departure to arrival)."""
_ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = tuple(
    p.read_bytes()
    for p in (_ROOT / "airspace/data/shenzhen.geojson", _ROOT / "tests/data/ed269_sample.json")
)
"""Zone documents to import (and to corrupt)."""
_ID_KIND = re.compile(r"([a-z]+_(?:id|token))s?(?:_[ab])?$")


def id_kind(name: str) -> str | None:
    """'flight_plan_id', 'preempted_flight_plan_ids', 'flight_plan_id_a' → 'plan_id';
    'next_page_token' → 'page_token'."""
    found = _ID_KIND.search(name)
    return found.group(1) if found else None


@dataclass
class Corpus:
    """Ids the server has handed out, by kind (``plan_id``, ``geozone_id``, ...), so that
    requests can name things that exist."""

    ids: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list, page_token=[""], depot_id=["depot-a"])
    )

    def learn(self, message: Message) -> None:
        """Remember every id in a response."""
        for _, fd, value in walk(message):
            kind = id_kind(fd.name)
            if kind and fd.type == F.TYPE_STRING and value and value not in self.ids[kind]:
                self.ids[kind].append(value)

    def pick(self, kind: str | None) -> st.SearchStrategy[str]:
        fresh = st.text("abcdef0123456789-_.:#", min_size=1, max_size=12)
        small = st.sampled_from(["a", "b", "UAS-TEST-1"])
        if kind is None or not self.ids.get(kind):
            return st.one_of(small, fresh, fresh)
        known = st.integers(0, 2**16).map(lambda i: self.ids[kind][i % len(self.ids[kind])])
        return st.one_of(known, known, known, known, small, fresh)


def walk(message: Message) -> Iterator[tuple[Message, FieldDescriptor, object]]:
    """(parent, field, value) of every set field, depth first (repeated: each element)."""
    for fd, value in message.ListFields():
        items = value if fd.label == F.LABEL_REPEATED else [value]
        for item in items:
            yield message, fd, item
            if fd.type == F.TYPE_MESSAGE:
                yield from walk(item)


def build(descriptor: Descriptor, values: dict[str, object]) -> Message:
    msg = GetMessageClass(descriptor)()
    for name, value in values.items():
        fd = descriptor.fields_by_name[name]
        if fd.label == F.LABEL_REPEATED:
            getattr(msg, name).extend(value)
        elif fd.type == F.TYPE_MESSAGE:
            assert isinstance(value, Message)
            getattr(msg, name).CopyFrom(value)
        else:
            setattr(msg, name, value)
    return msg


# --------------------------------------------------------------------------------------------
# Anything the wire format allows


def _odd_time(descriptor: Descriptor) -> st.SearchStrategy[Message]:
    """Timestamps and Durations: usual, negative, beyond year 9999, nanos out of range."""
    cls = GetMessageClass(descriptor)
    seconds = st.one_of(st.integers(-(2**63), 2**63 - 1), st.sampled_from(ODD_INTS))
    nanos = st.one_of(st.integers(-(2**31), 2**31 - 1), st.sampled_from([0, -1, 999_999_999]))
    return st.builds(cls, seconds=seconds, nanos=nanos)


def _scalar(fd: FieldDescriptor) -> st.SearchStrategy[object]:
    cpp = fd.cpp_type
    if cpp in (F.CPPTYPE_DOUBLE, F.CPPTYPE_FLOAT):
        width = 64 if cpp == F.CPPTYPE_DOUBLE else 32
        return st.one_of(st.sampled_from(ODD_FLOATS), st.floats(width=width))
    if cpp in _INT_BOUNDS:
        low, high = _INT_BOUNDS[cpp]
        odd = st.sampled_from([i for i in ODD_INTS if low <= i <= high])
        return st.one_of(odd, st.integers(low, high), st.integers(-3, 300))
    if cpp == F.CPPTYPE_BOOL:
        return st.booleans()
    if cpp == F.CPPTYPE_ENUM:
        known = [v.number for v in fd.enum_type.values]
        return st.one_of(st.sampled_from(known), st.integers(-(2**31), 2**31 - 1))
    if fd.type == F.TYPE_BYTES:
        return st.one_of(st.binary(max_size=64), st.sampled_from(DOCUMENTS))
    return st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=40))


def _fields(
    descriptor: Descriptor,
    value: Callable[[FieldDescriptor], st.SearchStrategy[object]],
    sizes: tuple[int, int],
    every: bool,
) -> st.SearchStrategy[Message]:
    """Messages whose fields come from ``value``: all of them (``every``) or any subset; at
    most one field of each oneof; repeated fields with ``sizes`` elements."""
    plain, oneofs = {}, []
    for fd in descriptor.fields:
        strategy = value(fd)
        if fd.label == F.LABEL_REPEATED:
            strategy = st.lists(strategy, min_size=sizes[0], max_size=sizes[1])
        if fd.containing_oneof is None:
            plain[fd.name] = strategy
    for oneof in descriptor.oneofs:
        options = [st.fixed_dictionaries({fd.name: value(fd)}) for fd in oneof.fields]
        oneofs.append(st.one_of(*options) if every else st.one_of(st.just({}), *options))
    required, optional = (plain, {}) if every else ({}, plain)
    parts = st.tuples(st.fixed_dictionaries(required, optional=optional), *oneofs)
    return parts.map(lambda ds: build(descriptor, {k: v for d in ds for k, v in d.items()}))


def anything(descriptor: Descriptor, depth: int = MAX_DEPTH) -> st.SearchStrategy[Message]:
    """Any message of this type: each field set or not, to anything its type allows."""
    if descriptor.full_name in ("google.protobuf.Timestamp", "google.protobuf.Duration"):
        return _odd_time(descriptor)

    def value(fd: FieldDescriptor) -> st.SearchStrategy[object]:
        if fd.type != F.TYPE_MESSAGE:
            return _scalar(fd)
        if depth <= 0:
            return st.builds(GetMessageClass(fd.message_type))
        return st.deferred(lambda: anything(fd.message_type, depth - 1))

    return _fields(descriptor, value, (0, 4), every=False)


# --------------------------------------------------------------------------------------------
# What a well-behaved client sends


def _latlng(lat: float, lon: float) -> common_pb2.LatLng:
    return common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon)


_metres = st.floats(-5000, 5000)
_points = st.builds(lambda e, n: _latlng(*offset(DEPOT, e, n)), _metres, _metres)
_later = st.floats(-600, 7200)
_times = _later.map(lambda s: to_timestamp(T0 + s))


@st.composite
def _bands(draw: st.DrawFn) -> common_pb2.AltitudeBand:
    lower = draw(st.sampled_from([0.0, 10.0, 30.0, 60.0]) | st.floats(0, 100))
    return common_pb2.AltitudeBand(lower_m=lower, upper_m=draw(st.floats(lower + 20, 120)))


@st.composite
def _windows(draw: st.DrawFn) -> common_pb2.TimeWindow:
    start = draw(_later)
    end = start + draw(st.floats(1, 3600))
    return common_pb2.TimeWindow(
        start_time=to_timestamp(T0 + start), end_time=to_timestamp(T0 + end)
    )


def _core_plan(plan: FlightPlan) -> flight_plan_pb2.FlightPlan:
    """A plan of ``tests.strategies`` moved to the tests' time."""
    return convert.plan_out(plan.shifted(T0 + 300 - core.T0))


_deliveries = st.builds(
    delivery,
    depart_s=_later.map(lambda s: T0 + abs(s)),
    origin=_points.map(lambda p: (p.latitude_deg, p.longitude_deg)) | st.just(DEPOT),
    destination=_points.map(lambda p: (p.latitude_deg, p.longitude_deg)),
    altitude_m=st.floats(10, 120),
    speed_mps=st.floats(3, 20),
    priority=st.sampled_from(list(convert.PRIORITIES)),
    tolerance_m=st.floats(0, 20),
)


@st.composite
def _circle_plans(draw: st.DrawFn) -> flight_plan_pb2.FlightPlan:
    start, p = T0 + draw(st.floats(0, 3600)), draw(_points)
    end = start + draw(st.floats(1, 3600))
    return area_plan(start, end, (p.latitude_deg, p.longitude_deg), draw(st.floats(1, 2000)))


def _circle(center: common_pb2.LatLng, radius_m: float) -> common_pb2.Area:
    return common_pb2.Area(circle=common_pb2.Circle(center=center, radius_m=radius_m))


_areas = st.one_of(
    core.shapes().map(convert.area_out), st.builds(_circle, _points, st.floats(1, 3000))
)
ORDERS = json.loads((_ROOT / "examples/orders.json").read_text())


@st.composite
def _fleet_requests(draw: st.DrawFn) -> Message:
    """Part of the example fleet and its orders, as ``airspace.sdk`` builds the request."""
    document = dict(ORDERS)
    for key in ("drones", "orders"):
        document[key] = draw(
            st.lists(
                st.sampled_from(ORDERS[key]), min_size=1, max_size=4, unique_by=lambda d: d["id"]
            )
        )
    return deliveries_request(document, T0 + draw(st.floats(0, 3600)))


_PLAUSIBLE: dict[str, st.SearchStrategy[Message]] = {
    "airspace.v1.PlanDeliveriesRequest": _fleet_requests(),
    "airspace.v1.FlightPlan": st.one_of(
        _deliveries,
        _circle_plans(),
        core.deliveries().map(_core_plan),
        core.volume_plans().map(_core_plan),
    ),
    "airspace.v1.LatLng": _points,
    "airspace.v1.Area": _areas,
    "airspace.v1.AltitudeBand": _bands(),
    "airspace.v1.TimeWindow": _windows(),
    "airspace.v1.Vehicle": st.sampled_from(["UAS-TEST-1", "UAS-2", "UAS-AREA-1"]).map(vehicle),
    "google.protobuf.Timestamp": _times,
    "google.protobuf.Duration": st.floats(0.05, 0.5).map(to_duration),
}


def plausible(
    descriptor: Descriptor, corpus: Corpus, depth: int = MAX_DEPTH
) -> st.SearchStrategy[Message]:
    """A message with every field set the way a well-behaved client sets it."""
    if descriptor.full_name in _PLAUSIBLE:
        return _PLAUSIBLE[descriptor.full_name]

    def value(fd: FieldDescriptor) -> st.SearchStrategy[object]:
        if fd.type == F.TYPE_MESSAGE:
            if depth <= 0:
                return st.builds(GetMessageClass(fd.message_type))
            return st.deferred(lambda: plausible(fd.message_type, corpus, depth - 1))
        if fd.cpp_type == F.CPPTYPE_ENUM:
            return st.sampled_from([v.number for v in fd.enum_type.values if v.number])
        if fd.cpp_type in (F.CPPTYPE_DOUBLE, F.CPPTYPE_FLOAT):
            return st.floats(0.5, 50)
        if fd.cpp_type in _INT_BOUNDS:
            return st.integers(0, 20)
        if fd.cpp_type == F.CPPTYPE_BOOL:
            return st.booleans()
        if fd.type == F.TYPE_BYTES:
            return st.sampled_from(DOCUMENTS)
        return corpus.pick(id_kind(fd.name))

    return _fields(descriptor, value, (1, 3), every=True).map(_times_in_order)


def _times_in_order(message: Message) -> Message:
    """A message's own times increase, by half an hour at least, in the order their fields
    are declared: start before end, earliest before latest."""
    times = [
        getattr(message, fd.name)
        for fd in message.DESCRIPTOR.fields
        if fd.message_type is not None
        and fd.message_type.full_name == "google.protobuf.Timestamp"
        and fd.label != F.LABEL_REPEATED
    ]
    seconds = sorted(t.seconds + t.nanos / 1e9 for t in times)
    for i, slot in enumerate(times):
        slot.CopyFrom(to_timestamp(seconds[i] + i * TIME_GAP_S))
    return message


# --------------------------------------------------------------------------------------------
# Mutations: a valid-looking message, slightly broken


def _copy(message: Message) -> Message:
    twin = type(message)()
    twin.CopyFrom(message)
    return twin


def _drop(draw: st.DrawFn, parent: Message, fd: FieldDescriptor, value: object) -> None:
    if fd.label == F.LABEL_REPEATED:
        items = getattr(parent, fd.name)
        del items[draw(st.integers(0, len(items) - 1))]
    else:
        parent.ClearField(fd.name)


def _repeat(draw: st.DrawFn, parent: Message, fd: FieldDescriptor, value: object) -> None:
    """Repeat an element (a vertex, a waypoint) once or many times in place, close the list
    like a ring, or reverse it."""
    items = getattr(parent, fd.name)
    snapshot = list(items)
    i = draw(st.integers(0, len(snapshot) - 1))
    how = draw(st.sampled_from(["repeat", "close", "reverse", "many"]))
    if how == "repeat":
        snapshot.insert(i, snapshot[i])
    elif how == "close":
        snapshot.append(snapshot[0])
    elif how == "reverse":
        snapshot.reverse()
    else:
        snapshot[i:i] = [snapshot[i]] * draw(st.integers(2, 300))
    copies = [_copy(m) if isinstance(m, Message) else m for m in snapshot]
    del items[:]
    items.extend(copies)


def _odd_value(draw: st.DrawFn, parent: Message, fd: FieldDescriptor, value: object) -> None:
    """A number out of range, an unknown enum value, an odd string: one scalar replaced."""
    if fd.cpp_type in (F.CPPTYPE_DOUBLE, F.CPPTYPE_FLOAT) and isinstance(value, float):
        nudges = [value * 1e6, -value, value + 1e-9, value * (1 + 1e-15)]
        new: object = draw(st.sampled_from([*ODD_FLOATS, *nudges]))
    else:
        new = draw(_scalar(fd))
    if fd.label == F.LABEL_REPEATED:
        items = getattr(parent, fd.name)
        items[draw(st.integers(0, len(items) - 1))] = new
    else:
        setattr(parent, fd.name, new)


@st.composite
def mutated(draw: st.DrawFn, message: Message, max_mutations: int = 2) -> Message:
    """``message`` with 1–``max_mutations`` fields dropped, made odd, or repeated."""
    message = _copy(message)
    for _ in range(draw(st.integers(1, max_mutations))):
        slots = list(walk(message))
        if not slots:
            break
        parent, fd, value = slots[draw(st.integers(0, len(slots) - 1))]
        kinds: list[Callable[[st.DrawFn, Message, FieldDescriptor, object], None]] = [_drop]
        if fd.label == F.LABEL_REPEATED:
            kinds.append(_repeat)
        if fd.type != F.TYPE_MESSAGE:
            kinds.append(_odd_value)
        draw(st.sampled_from(kinds))(draw, parent, fd, value)
    return message


def requests(descriptor: Descriptor, corpus: Corpus) -> st.SearchStrategy[Message]:
    """Valid-looking (two fifths), mutated valid-looking (two fifths) and random requests."""
    valid = plausible(descriptor, corpus)
    branches = {"valid": valid, "mutated": valid.flatmap(mutated), "any": anything(descriptor)}
    kinds = st.sampled_from(["valid", "valid", "mutated", "mutated", "any"])
    return kinds.flatmap(branches.__getitem__)
