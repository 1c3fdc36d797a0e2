"""AirspaceService through a real gRPC server: zones change who may fly where."""

from __future__ import annotations

import json

import grpc
import pytest

from airspace.sdk import AirspaceClient, InvalidArgument, PermissionDenied
from airspace.timestamps import to_timestamp
from airspace.v1 import airspace_service_pb2 as pb
from airspace.v1 import airspace_service_pb2_grpc as pb_grpc
from airspace.v1 import common_pb2, geozone_pb2
from airspace.v1 import flight_plan_pb2 as fp
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer

EAST_3KM = offset(DEPOT, 3000, 0)
METADATA = {
    "operator": (("authorization", "Bearer demo-operator"),),
    "regulator": (("authorization", "Bearer demo-regulator"),),
}


@pytest.fixture
def stub(running: RunningServer) -> pb_grpc.AirspaceServiceStub:
    channel = grpc.insecure_channel(running.target)
    yield pb_grpc.AirspaceServiceStub(channel)
    channel.close()


def circle_zone(
    zone_id: str,
    center: tuple[float, float],
    radius_m: float,
    kind: int = geozone_pb2.GEOZONE_KIND_PROHIBITED,
    schedule: list[tuple[float, float]] | None = None,
) -> geozone_pb2.Geozone:
    return geozone_pb2.Geozone(
        geozone_id=zone_id,
        name=f"zone {zone_id}",
        kind=kind,
        area=common_pb2.Area(
            circle=common_pb2.Circle(
                center=common_pb2.LatLng(latitude_deg=center[0], longitude_deg=center[1]),
                radius_m=radius_m,
            )
        ),
        altitude=common_pb2.AltitudeBand(lower_m=0, upper_m=120),
        schedule=[
            common_pb2.TimeWindow(start_time=to_timestamp(a), end_time=to_timestamp(b))
            for a, b in schedule or []
        ],
        message="police operation",
    )


def test_the_demo_city_is_loaded(operator: AirspaceClient) -> None:
    kinds = {z.kind for z in operator.iter_geozones()}
    assert kinds == {
        geozone_pb2.GEOZONE_KIND_PROHIBITED,
        geozone_pb2.GEOZONE_KIND_RESTRICTED,
        geozone_pb2.GEOZONE_KIND_CONDITIONAL,
    }


def test_a_temporary_restriction_rejects_plans_only_while_it_applies(
    stub: pb_grpc.AirspaceServiceStub, operator: AirspaceClient
) -> None:
    zone = circle_zone("tfr-1", offset(DEPOT, 1500, 0), 300, schedule=[(T0, T0 + 1800)])
    stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=METADATA["regulator"])
    during = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "during")
    assert during.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    [violation] = during.geozone_violations
    assert violation.geozone_id == "tfr-1" and "police operation" in violation.reason
    after = operator.submit_flight_plan(delivery(T0 + 1900, DEPOT, EAST_3KM), "after")
    assert after.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_restricted_zones_admit_authorised_operators_only(
    stub: pb_grpc.AirspaceServiceStub, operator: AirspaceClient, other_operator: AirspaceClient
) -> None:
    zone = circle_zone(
        "hospital", offset(DEPOT, 1500, 0), 200, kind=geozone_pb2.GEOZONE_KIND_RESTRICTED
    )
    zone.authorized_operator_ids.append("op-demo")
    stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=METADATA["regulator"])
    allowed = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "a")
    assert allowed.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED
    assert [a.geozone_id for a in allowed.advisories] == ["hospital"]
    refused = other_operator.submit_flight_plan(delivery(T0 + 3000, DEPOT, EAST_3KM), "b")
    assert refused.flight_plan.state == fp.FLIGHT_PLAN_STATE_REJECTED
    assert [v.geozone_id for v in refused.geozone_violations] == ["hospital"]


def test_a_plan_below_a_zone_band_passes(
    stub: pb_grpc.AirspaceServiceStub, operator: AirspaceClient
) -> None:
    zone = circle_zone("high", offset(DEPOT, 1500, 0), 300)
    zone.altitude.lower_m = 80
    stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=METADATA["regulator"])
    low = operator.submit_flight_plan(
        delivery(T0 + 600, DEPOT, EAST_3KM, altitude_m=60, tolerance_m=5), "low"
    )
    assert low.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED


def test_only_regulators_change_zones(stub: pb_grpc.AirspaceServiceStub) -> None:
    zone = circle_zone("z", offset(DEPOT, 1500, 0), 100)
    with pytest.raises(grpc.RpcError) as raised:
        stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=METADATA["operator"])
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_create_update_get_delete(stub: pb_grpc.AirspaceServiceStub) -> None:
    reg = METADATA["regulator"]
    zone = circle_zone("crud", offset(DEPOT, 1500, 0), 100)
    stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=reg)
    with pytest.raises(grpc.RpcError) as raised:
        stub.CreateGeozone(pb.CreateGeozoneRequest(geozone=zone), metadata=reg)
    assert raised.value.code() == grpc.StatusCode.ALREADY_EXISTS
    zone.area.circle.radius_m = 250
    stub.UpdateGeozone(pb.UpdateGeozoneRequest(geozone=zone), metadata=reg)
    got = stub.GetGeozone(pb.GetGeozoneRequest(geozone_id="crud"), metadata=reg).geozone
    assert got.area.circle.radius_m == 250
    stub.DeleteGeozone(pb.DeleteGeozoneRequest(geozone_id="crud"), metadata=reg)
    for call, request in (
        (stub.GetGeozone, pb.GetGeozoneRequest(geozone_id="crud")),
        (stub.DeleteGeozone, pb.DeleteGeozoneRequest(geozone_id="crud")),
        (stub.UpdateGeozone, pb.UpdateGeozoneRequest(geozone=zone)),
    ):
        with pytest.raises(grpc.RpcError) as raised:
            call(request, metadata=reg)
        assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    stub.UpdateGeozone(pb.UpdateGeozoneRequest(geozone=zone, allow_missing=True), metadata=reg)
    assert stub.GetGeozone(pb.GetGeozoneRequest(geozone_id="crud"), metadata=reg).geozone


def test_import_geojson_is_all_or_nothing(regulator: AirspaceClient) -> None:
    before = {z.geozone_id for z in regulator.iter_geozones()}
    good = {
        "type": "Feature",
        "properties": {"id": "imp-ok", "name": "ok", "kind": "prohibited"},
        "geometry": {"type": "Point", "coordinates": [114.07, 22.545]},
    }
    good["properties"]["radius_m"] = 100
    bad = {
        "type": "Feature",
        "properties": {"id": "imp-bad", "name": "bad", "kind": "weird"},
        "geometry": {"type": "Point", "coordinates": [114.08, 22.545]},
    }
    bad["properties"]["radius_m"] = 100
    document = {"type": "FeatureCollection", "features": [good, bad]}
    with pytest.raises(InvalidArgument) as raised:
        regulator.import_geozones(json.dumps(document).encode())
    assert any("features[1]" in v.field and "kind" in v.field for v in raised.value.violations)
    assert {z.geozone_id for z in regulator.iter_geozones()} == before
    imported = regulator.import_geozones(json.dumps({**document, "features": [good]}).encode())
    assert [z.geozone_id for z in imported] == ["imp-ok"]


def test_import_is_for_regulators(operator: AirspaceClient) -> None:
    with pytest.raises(PermissionDenied):
        operator.import_geozones(b'{"type": "FeatureCollection", "features": []}')


def test_query_airspace_names_zones_and_occupants(
    stub: pb_grpc.AirspaceServiceStub, operator: AirspaceClient
) -> None:
    plan = operator.submit_flight_plan(delivery(T0 + 600, DEPOT, EAST_3KM), "q").flight_plan
    stub.CreateGeozone(
        pb.CreateGeozoneRequest(geozone=circle_zone("near", offset(DEPOT, 1500, 500), 100)),
        metadata=METADATA["regulator"],
    )
    center = offset(DEPOT, 1500, 0)

    def query(radius_m: float, start: float, end: float) -> pb.QueryAirspaceResponse:
        return stub.QueryAirspace(
            pb.QueryAirspaceRequest(
                area=common_pb2.Area(
                    circle=common_pb2.Circle(
                        center=common_pb2.LatLng(latitude_deg=center[0], longitude_deg=center[1]),
                        radius_m=radius_m,
                    )
                ),
                altitude=common_pb2.AltitudeBand(lower_m=0, upper_m=120),
                time_window=common_pb2.TimeWindow(
                    start_time=to_timestamp(start), end_time=to_timestamp(end)
                ),
            ),
            metadata=METADATA["operator"],
        )

    wide = query(700, T0, T0 + 3600)
    assert [o.flight_plan_id for o in wide.occupants] == [plan.flight_plan_id]
    assert "near" in {z.geozone_id for z in wide.geozones}
    narrow_in_time = query(700, T0 + 1000, T0 + 2000)
    assert list(narrow_in_time.occupants) == []
    small = query(100, T0, T0 + 3600)
    assert "near" not in {z.geozone_id for z in small.geozones}
    assert [o.flight_plan_id for o in small.occupants] == [plan.flight_plan_id]


def test_get_missing_zone(operator: AirspaceClient, stub: pb_grpc.AirspaceServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetGeozone(pb.GetGeozoneRequest(geozone_id="nope"), metadata=METADATA["operator"])
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
