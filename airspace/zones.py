"""Geozones against plans and queries: which zones a plan enters while they apply."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import shapely

from airspace.deconfliction import TOUCH_M, Deconflictor
from airspace.footprint import Footprint, MetricShape, MetricVolume, metric_shape, volumes_footprint
from airspace.model import (
    AltitudeBand,
    FlightPlan,
    Geozone,
    GeozoneKind,
    GeozoneViolation,
    Shape,
    TimeWindow,
)
from airspace.separation import first_encounter
from airspace.validation import Violations, check_shape


@dataclass(frozen=True, slots=True)
class ZoneFindings:
    violations: tuple[GeozoneViolation, ...]
    """Zones that forbid the plan: prohibited ones, and restricted ones it is not authorised for."""
    advisories: tuple[GeozoneViolation, ...]
    """Conditional zones (and authorised restricted ones) the plan enters: allowed, with a note."""


class ZoneChecker:
    """Finds the zones a plan enters; touching a zone's edge counts as entering it."""

    def __init__(self, deconflictor: Deconflictor) -> None:
        self._deconflictor = deconflictor
        self._shapes: dict[str, tuple[float, MetricShape]] = {}
        """Zone id → (the update time of the zone it was made from, its shape in metres)."""

    def check(self, plan: FlightPlan, zones: Iterable[Geozone]) -> ZoneFindings:
        footprint = self._deconflictor.footprint(plan)
        violations: list[GeozoneViolation] = []
        advisories: list[GeozoneViolation] = []
        for zone in zones:
            found = self._entry(footprint, plan, zone)
            if found is None:
                continue
            allowed, reason = _ruling(zone, plan.operator_id)
            (advisories if allowed else violations).append(replace(found, reason=reason))
        return ZoneFindings(_by_time(violations), _by_time(advisories))

    def zone_touches(
        self, zone: Geozone, area: Shape, band: AltitudeBand, window: TimeWindow
    ) -> bool:
        """Whether the zone applies somewhere inside the queried area, band and window."""
        query = self.query_footprint(area, band, window)
        zone_fp = self._zone_footprint(zone, window)
        return first_encounter(zone_fp, query, TOUCH_M, TOUCH_M) is not None

    def plan_touches(self, plan: FlightPlan, query: Footprint) -> bool:
        """Whether the plan, widened by its tolerance, occupies part of the queried volume."""
        return (
            first_encounter(
                self._deconflictor.footprint(plan),
                query,
                plan.tolerance.horizontal_m + TOUCH_M,
                plan.tolerance.vertical_m + TOUCH_M,
            )
            is not None
        )

    def point_rule(
        self, zones: Iterable[Geozone], operator_id: str, time_s: float
    ) -> Callable[[float, float, float], bool]:
        """Where the operator's vehicle may be at ``time_s`` (x, y metres; z metres AGL): within
        the managed altitudes and outside every zone that forbids it then."""
        config = self._deconflictor.config
        forbidding = [
            (self._shape(z), z.altitude)
            for z in zones
            if z.applies_at(time_s) and not _ruling(z, operator_id)[0]
        ]

        def allowed(x: float, y: float, z: float) -> bool:
            if not config.floor_m <= z <= config.ceiling_m:
                return False
            point = shapely.Point(x, y)
            return not any(
                band.lower_m <= z <= band.upper_m and shape.distance_to_geometry(point) == 0.0
                for shape, band in forbidding
            )

        return allowed

    def area_footprint(self, area: Shape, field: str = "area") -> Footprint:
        """An area at every altitude and at any time; ``InvalidArgument`` (naming ``field``)
        when it is not a valid shape of the airspace."""
        out = Violations()
        check_shape(out, field, area, self._deconflictor.config)
        out.raise_if_any()
        return self.query_footprint(area, *self.all_altitudes_and_times())

    def all_altitudes_and_times(self) -> tuple[AltitudeBand, TimeWindow]:
        config = self._deconflictor.config
        return (
            AltitudeBand(config.floor_m - 1e3, config.ceiling_m + 1e3),
            TimeWindow(0.0, 1e12),
        )

    def query_footprint(self, area: Shape, band: AltitudeBand, window: TimeWindow) -> Footprint:
        shape = metric_shape(area, self._deconflictor.projection)
        volume = MetricVolume(shape, band.lower_m, band.upper_m, window.start_s, window.end_s)
        return volumes_footprint("query", (volume,))

    def _entry(
        self, footprint: Footprint, plan: FlightPlan, zone: Geozone
    ) -> GeozoneViolation | None:
        """Where and when the plan first enters the zone (reason left blank)."""
        if not _near(footprint.bounds, self._shape(zone).bounds, plan.tolerance.horizontal_m + 1):
            return None
        zone_fp = self._zone_footprint(zone, TimeWindow(footprint.start_s, footprint.end_s))
        if not zone_fp.volumes:
            return None
        encounter = first_encounter(
            footprint,
            zone_fp,
            plan.tolerance.horizontal_m + TOUCH_M,
            plan.tolerance.vertical_m + TOUCH_M,
        )
        if encounter is None:
            return None
        return GeozoneViolation(
            geozone_id=zone.geozone_id,
            name=zone.name,
            kind=zone.kind,
            time_s=encounter.time_s,
            position=self._deconflictor.projection.to_latlng(encounter.x, encounter.y),
            altitude_m=encounter.z,
            reason="",
        )

    def _shape(self, zone: Geozone) -> MetricShape:
        """The zone's shape in metres, cached per version of the zone."""
        cached = self._shapes.get(zone.geozone_id)
        if cached is not None and cached[0] == zone.update_time_s:
            return cached[1]
        shape = metric_shape(zone.area, self._deconflictor.projection)
        self._shapes[zone.geozone_id] = (zone.update_time_s, shape)
        return shape

    def _zone_footprint(self, zone: Geozone, window: TimeWindow) -> Footprint:
        shape = self._shape(zone)
        volumes = tuple(
            MetricVolume(shape, zone.altitude.lower_m, zone.altitude.upper_m, w.start_s, w.end_s)
            for w in zone.active_windows(window)
        )
        return volumes_footprint(zone.geozone_id, volumes)


def _ruling(zone: Geozone, operator_id: str) -> tuple[bool, str]:
    """(allowed, reason) for an operator's plan that enters the zone."""
    note = f": {zone.message}" if zone.message else ""
    if zone.kind is GeozoneKind.PROHIBITED:
        return False, f"prohibited zone{note}"
    if zone.kind is GeozoneKind.RESTRICTED:
        if operator_id in zone.authorized_operator_ids:
            return True, f"restricted zone, operator authorised{note}"
        return False, f"restricted zone: operator {operator_id!r} holds no authorisation{note}"
    return True, f"conditional zone{note}"


def _by_time(found: list[GeozoneViolation]) -> tuple[GeozoneViolation, ...]:
    return tuple(sorted(found, key=lambda v: (v.time_s, v.geozone_id)))


def _near(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float], margin: float
) -> bool:
    """Whether two bounding boxes come within ``margin`` of each other."""
    return (
        a[0] - margin <= b[2]
        and b[0] - margin <= a[2]
        and (a[1] - margin <= b[3] and b[1] - margin <= a[3])
    )
