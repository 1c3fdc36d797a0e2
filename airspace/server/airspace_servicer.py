"""AirspaceService: geozones and occupancy queries."""

from __future__ import annotations

import grpc

from airspace.geozones import GeozoneRegistry, ZoneFormat
from airspace.model import Geozone
from airspace.server import convert
from airspace.server.guard import caller
from airspace.v1 import airspace_service_pb2 as pb
from airspace.v1 import airspace_service_pb2_grpc as pb_grpc
from airspace.v1 import geozone_pb2
from airspace.validation import Violations

FORMATS = {
    pb.GEOZONE_FORMAT_GEOJSON: ZoneFormat.GEOJSON,
    pb.GEOZONE_FORMAT_ED269: ZoneFormat.ED269,
}


class AirspaceServicer(pb_grpc.AirspaceServiceServicer):
    def __init__(self, registry: GeozoneRegistry) -> None:
        self._registry = registry

    async def ListGeozones(
        self, request: pb.ListGeozonesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ListGeozonesResponse:
        out = Violations()
        area = convert.area_in(request.area, "area", out) if request.HasField("area") else None
        out.raise_if_any()
        page = await self._registry.list_page(
            area=area,
            altitude=convert.band_in(request.altitude) if request.HasField("altitude") else None,
            window=(
                convert.window_in(request.time_window) if request.HasField("time_window") else None
            ),
            page_size=request.page_size,
            page_token=request.page_token,
        )
        return pb.ListGeozonesResponse(
            geozones=[_seen(z) for z in page.items],
            next_page_token=page.next_page_token,
        )

    async def GetGeozone(
        self, request: pb.GetGeozoneRequest, context: grpc.aio.ServicerContext
    ) -> pb.GetGeozoneResponse:
        zone = await self._registry.get(request.geozone_id)
        return pb.GetGeozoneResponse(geozone=_seen(zone))

    async def CreateGeozone(
        self, request: pb.CreateGeozoneRequest, context: grpc.aio.ServicerContext
    ) -> pb.CreateGeozoneResponse:
        zone = await self._registry.create(caller(), convert.geozone_in(request.geozone))
        return pb.CreateGeozoneResponse(geozone=convert.geozone_out(zone))

    async def UpdateGeozone(
        self, request: pb.UpdateGeozoneRequest, context: grpc.aio.ServicerContext
    ) -> pb.UpdateGeozoneResponse:
        zone = await self._registry.update(
            caller(), convert.geozone_in(request.geozone), request.allow_missing
        )
        return pb.UpdateGeozoneResponse(geozone=convert.geozone_out(zone))

    async def DeleteGeozone(
        self, request: pb.DeleteGeozoneRequest, context: grpc.aio.ServicerContext
    ) -> pb.DeleteGeozoneResponse:
        await self._registry.delete(caller(), request.geozone_id)
        return pb.DeleteGeozoneResponse()

    async def ImportGeozones(
        self, request: pb.ImportGeozonesRequest, context: grpc.aio.ServicerContext
    ) -> pb.ImportGeozonesResponse:
        out = Violations()
        fmt = FORMATS.get(request.format)
        if fmt is None:
            out.add("format", "set GEOJSON or ED269")
        out.raise_if_any()
        assert fmt is not None
        zones = await self._registry.import_document(caller(), fmt, request.content)
        return pb.ImportGeozonesResponse(geozones=[convert.geozone_out(z) for z in zones])

    async def QueryAirspace(
        self, request: pb.QueryAirspaceRequest, context: grpc.aio.ServicerContext
    ) -> pb.QueryAirspaceResponse:
        out = Violations()
        area = convert.area_in(request.area, "area", out)
        if not request.HasField("altitude"):
            out.add("altitude", "is required")
        if not request.HasField("time_window"):
            out.add("time_window", "is required")
        out.raise_if_any()
        assert area is not None
        occupancy = await self._registry.query(
            area, convert.band_in(request.altitude), convert.window_in(request.time_window)
        )
        return pb.QueryAirspaceResponse(
            geozones=[_seen(z) for z in occupancy.geozones],
            occupants=[
                pb.Occupant(
                    flight_plan_id=p.flight_plan_id,
                    priority=convert.PRIORITIES_OUT[p.priority],
                    state=convert.STATES_OUT[p.state],
                    time_window=convert.window_out(p.time_window),
                )
                for p in occupancy.plans
            ],
        )


def _seen(zone: Geozone) -> geozone_pb2.Geozone:
    """A zone as the caller may see it (see ``Geozone.as_seen_by``)."""
    return convert.geozone_out(zone.as_seen_by(caller()))
