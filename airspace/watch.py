"""What a watcher asked to see: kinds of events, and an area."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from airspace.deconfliction import Deconflictor
from airspace.events import (
    Alert,
    ConflictAlert,
    ConformanceAlert,
    Event,
    GeozoneChanged,
    PlanChanged,
    TrafficSnapshot,
)
from airspace.footprint import MetricShape, metric_shape
from airspace.model import LatLng, Shape
from airspace.zones import ZoneChecker


class EventKind(enum.Enum):
    TRAFFIC = "traffic"
    CONFORMANCE = "conformance"
    CONFLICT = "conflict"
    PLAN = "plan"
    GEOZONE = "geozone"


def kind_of(event: Event) -> EventKind:
    if isinstance(event, TrafficSnapshot):
        return EventKind.TRAFFIC
    if isinstance(event, ConformanceAlert):
        return EventKind.CONFORMANCE
    if isinstance(event, ConflictAlert):
        return EventKind.CONFLICT
    if isinstance(event, PlanChanged):
        return EventKind.PLAN
    return EventKind.GEOZONE


@dataclass(frozen=True)
class WatchFilter:
    """Kinds (empty: all), an area (None: everywhere) and whose operations (None: everyone's,
    for regulators; an operator sees only events about its own plans and vehicles, and zone
    changes)."""

    kinds: frozenset[EventKind]
    area: Shape | None
    deconflictor: Deconflictor
    zones: ZoneChecker
    operator_id: str | None = None
    _metric_area: MetricShape | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if self.area is not None:
            shape = metric_shape(self.area, self.deconflictor.projection)
            object.__setattr__(self, "_metric_area", shape)

    def wants(self, kind: EventKind) -> bool:
        return not self.kinds or kind in self.kinds

    def accepts(self, alert: Alert) -> bool:
        if not self.wants(kind_of(alert)):
            return False
        if (
            self.operator_id is not None
            and not isinstance(alert, GeozoneChanged)
            and (self.operator_id not in alert.operator_ids)
        ):
            return False
        if self.area is None:
            return True
        if isinstance(alert, PlanChanged):
            return self.zones.plan_touches(alert.plan, self.zones.area_footprint(self.area))
        if isinstance(alert, GeozoneChanged):
            return alert.geozone is None or self.zones.zone_touches(
                alert.geozone, self.area, *self.zones.all_altitudes_and_times()
            )
        return bool(self.inside(alert.positions).any())

    @property
    def sees_everything(self) -> bool:
        return self.area is None and self.operator_id is None

    def snapshot(self, snapshot: TrafficSnapshot) -> TrafficSnapshot:
        """The part of a snapshot this watcher may see: in the area, and its own if operator."""
        tracks = snapshot.tracks
        if self.operator_id is not None:
            tracks = tuple(t for t in tracks if t.operator_id == self.operator_id)
        if self.area is not None and tracks:
            inside = self.inside(tuple(t.state.position for t in tracks))
            tracks = tuple(t for t, i in zip(tracks, inside, strict=True) if i)
        return replace(snapshot, tracks=tracks)

    def inside(self, positions: tuple[LatLng, ...]) -> np.ndarray:
        shape = self._metric_area
        assert shape is not None
        xs, ys = self.deconflictor.projection.to_xy_many(positions)
        distances = shapely.distance(shape.core, shapely.points(xs, ys))
        return np.asarray(distances <= shape.radius_m)
