"""The geozone registry and airspace queries: what applies where, and who occupies it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from airspace.clock import Clock
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.errors import (
    FieldViolation,
    InvalidArgument,
    NotFound,
    PermissionDenied,
)
from airspace.events import EventBus, GeozoneChanged
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    Geozone,
    Identity,
    LatLng,
    Shape,
    TimeWindow,
)
from airspace.nearby import holding_near
from airspace.paging import Page, decode_token, encode_token, page_limit
from airspace.store import Store
from airspace.validation import (
    Violations,
    check_band,
    check_shape,
    check_window,
    check_zone,
    validate_area_query,
    validate_geozone,
)
from airspace.zone_formats import DOCUMENT_FIELD, parse_ed269, parse_geojson
from airspace.zones import ZoneChecker


class ZoneFormat(enum.Enum):
    GEOJSON = "geojson"
    ED269 = "ed269"


@dataclass(frozen=True, slots=True)
class Occupancy:
    """What occupies a queried area, altitude band and time window."""

    geozones: tuple[Geozone, ...]
    plans: tuple[FlightPlan, ...]


class GeozoneRegistry:
    def __init__(
        self,
        store: Store,
        deconflictor: Deconflictor,
        zones: ZoneChecker,
        clock: Clock,
        bus: EventBus | None = None,
    ) -> None:
        self._store = store
        self._deconflictor = deconflictor
        self._zones = zones
        self._clock = clock
        self._bus = bus or EventBus()

    @property
    def config(self) -> AirspaceConfig:
        return self._deconflictor.config

    # -- reading -----------------------------------------------------------------------------
    async def list_page(
        self,
        *,
        area: Shape | None,
        altitude: AltitudeBand | None,
        window: TimeWindow | None,
        page_size: int,
        page_token: str,
    ) -> Page[Geozone]:
        """Zones ordered by id; with a filter, only those that apply somewhere inside it."""
        limit = page_limit(page_size)
        after = decode_token(page_token, "page_token")
        _check_filter(area, altitude, window, self.config)
        zones = [z for z in await self._store.list_zones() if z.geozone_id > after]
        if area is not None or altitude is not None or window is not None:
            query = self._filter_query(area, altitude, window)
            zones = [z for z in zones if self._zones.zone_touches(z, *query)]
        items = zones[:limit]
        more = len(zones) > limit
        return Page(items, encode_token(items[-1].geozone_id) if more else "")

    async def get(self, zone_id: str) -> Geozone:
        zone = await self._store.get_zone(zone_id)
        if zone is None:
            raise NotFound(f"geozone {zone_id!r} does not exist")
        return zone

    async def query(self, area: Shape, altitude: AltitudeBand, window: TimeWindow) -> Occupancy:
        """The zones that apply and the plans holding airspace inside the queried volume."""
        validate_area_query(area, altitude, window, self.config)
        zones = tuple(
            z
            for z in await self._store.list_zones()
            if self._zones.zone_touches(z, area, altitude, window)
        )
        query = self._zones.query_footprint(area, altitude, window)
        plans = tuple(
            p
            for p in await holding_near(self._store, self._deconflictor, query)
            if self._zones.plan_touches(p, query)
        )
        return Occupancy(zones, plans)

    # -- changing (regulators) ---------------------------------------------------------------
    async def create(self, identity: Identity, zone: Geozone) -> Geozone:
        _require_regulator(identity)
        validate_geozone(zone, self.config)
        stamped = replace(zone, update_time_s=self._clock.now())
        await self._store.put_zones([stamped], create_only=True)
        return self._published(stamped)

    async def update(self, identity: Identity, zone: Geozone, allow_missing: bool) -> Geozone:
        _require_regulator(identity)
        validate_geozone(zone, self.config)
        if not allow_missing and await self._store.get_zone(zone.geozone_id) is None:
            raise NotFound(f"geozone {zone.geozone_id!r} does not exist")
        stamped = replace(zone, update_time_s=self._clock.now())
        await self._store.put_zones([stamped])
        return self._published(stamped)

    async def delete(self, identity: Identity, zone_id: str) -> None:
        _require_regulator(identity)
        if not await self._store.delete_zone(zone_id):
            raise NotFound(f"geozone {zone_id!r} does not exist")
        self._bus.publish(GeozoneChanged(self._clock.now(), zone_id, None))

    async def import_document(
        self, identity: Identity, fmt: ZoneFormat, content: bytes
    ) -> list[Geozone]:
        """Parse and store a whole document: every zone, or none when anything is wrong."""
        _require_regulator(identity)
        now_s = self._clock.now()
        parse = parse_geojson if fmt is ZoneFormat.GEOJSON else parse_ed269
        try:
            zones = parse(content, now_s=now_s, config=self.config)
        except InvalidArgument as exc:
            raise InvalidArgument(
                [FieldViolation(_in_document(v.field), v.description) for v in exc.violations]
            ) from exc
        out = Violations()
        for i, zone in enumerate(zones):
            check_zone(out, zone, self.config, f"{DOCUMENT_FIELD}: zone {i} ({zone.geozone_id})")
        out.raise_if_any()
        stamped = [replace(z, update_time_s=now_s) for z in zones]
        await self._store.put_zones(stamped)
        return [self._published(z) for z in stamped]

    def _published(self, zone: Geozone) -> Geozone:
        self._bus.publish(GeozoneChanged(self._clock.now(), zone.geozone_id, zone))
        return zone

    def _filter_query(
        self, area: Shape | None, altitude: AltitudeBand | None, window: TimeWindow | None
    ) -> tuple[Shape, AltitudeBand, TimeWindow]:
        b = self.config.bounds
        everywhere = Circle(LatLng(*b.center), 1e6)
        return (
            area or everywhere,
            altitude or AltitudeBand(self.config.floor_m, self.config.ceiling_m),
            window or TimeWindow(0.0, 1e12),
        )


def _check_filter(
    area: Shape | None,
    altitude: AltitudeBand | None,
    window: TimeWindow | None,
    config: AirspaceConfig,
) -> None:
    """The filters of a zone listing are a valid area, band and window (zones may reach above
    the managed airspace, and so may the band that finds them)."""
    out = Violations()
    if area is not None:
        check_shape(out, "area", area, config)
    if altitude is not None:
        check_band(out, "altitude", altitude, config, within_airspace=False)
    if window is not None:
        check_window(out, "time_window", window)
    out.raise_if_any()


def _in_document(path: str) -> str:
    """A violation's field: the request's ``content`` and the path inside the document."""
    return path if path == DOCUMENT_FIELD else f"{DOCUMENT_FIELD}: {path}"


def _require_regulator(identity: Identity) -> None:
    if not identity.is_regulator:
        raise PermissionDenied("only regulators may change geozones")
