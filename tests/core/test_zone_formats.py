"""Geozone import from GeoJSON and ED-269: real documents in, Geozones or field violations out."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import LineString, Point
from shapely.geometry import Polygon as ShapelyPolygon
from shapely.geometry.base import BaseGeometry

from airspace.config import DAY_S, SHENZHEN, AirspaceConfig
from airspace.errors import InvalidArgument
from airspace.geo import Projection
from airspace.model import Circle, Geozone, GeozoneKind, LatLng, Polygon, TimeWindow
from airspace.zone_formats import load_demo_city, parse_ed269, parse_geojson

ED269_SAMPLE = Path(__file__).parent.parent / "data" / "ed269_sample.json"
CONFIG = AirspaceConfig()
NOW_S = datetime(2026, 11, 4, tzinfo=UTC).timestamp()
"""Wednesday 4 November 2026, 00:00 UTC."""

Parser = Callable[..., list[Geozone]]
Doc = dict[str, Any]


def at(text: str) -> float:
    """Seconds since the epoch of an ISO 8601 instant."""
    return datetime.fromisoformat(text).timestamp()


def window(start: str, end: str) -> TimeWindow:
    return TimeWindow(at(start), at(end))


def by_id(zones: list[Geozone]) -> dict[str, Geozone]:
    return {zone.geozone_id: zone for zone in zones}


def violations(parse: Parser, document: object, config: AirspaceConfig = CONFIG) -> list[str]:
    """The violated fields, in order, when ``document`` (JSON-encoded unless bytes) is refused."""
    content = document if isinstance(document, bytes | str) else json.dumps(document)
    with pytest.raises(InvalidArgument) as caught:
        parse(content, now_s=NOW_S, config=config)
    assert all(v.description for v in caught.value.violations)
    return [v.field for v in caught.value.violations]


def description(parse: Parser, document: object, field: str) -> str:
    content = document if isinstance(document, bytes | str) else json.dumps(document)
    with pytest.raises(InvalidArgument) as caught:
        parse(content, now_s=NOW_S, config=CONFIG)
    return next(v.description for v in caught.value.violations if v.field == field)


# --- documents -----------------------------------------------------------------------------

SQUARE = [[114.0, 22.5], [114.01, 22.5], [114.01, 22.51], [114.0, 22.51], [114.0, 22.5]]


def geojson_feature(**properties: Any) -> Doc:
    props: Doc = {"id": "z1", "kind": "prohibited"} | properties
    geometry = {"type": "Polygon", "coordinates": [copy.deepcopy(SQUARE)]}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def collection(*features: Doc) -> Doc:
    return {"type": "FeatureCollection", "features": list(features)}


def ed269_volume(**fields: Any) -> Doc:
    projection = {"type": "Polygon", "coordinates": [copy.deepcopy(SQUARE)]}
    volume: Doc = {
        "uomDimensions": "M",
        "lowerLimit": 0,
        "lowerVerticalReference": "AGL",
        "upperLimit": 120,
        "upperVerticalReference": "AGL",
        "horizontalProjection": projection,
    }
    return volume | fields


def ed269_zone(**fields: Any) -> Doc:
    zone: Doc = {
        "identifier": "Z1",
        "country": "CHN",
        "restriction": "PROHIBITED",
        "applicability": [{"permanent": "YES"}],
        "geometry": [ed269_volume()],
    }
    return zone | fields


def ed269_doc(*zones: Doc) -> Doc:
    return {"title": "test", "features": list(zones)}


def weekly(*periods: Doc, **dates: str) -> list[Doc]:
    permanent = "NO" if dates else "YES"
    return [{"permanent": permanent, "schedule": list(periods)} | dates]


# --- the demo city -------------------------------------------------------------------------


def shape_xy(zone: Geozone, projection: Projection) -> BaseGeometry:
    if isinstance(zone.area, Circle):
        center = zone.area.center
        return Point(projection.to_xy(center.lat, center.lon)).buffer(zone.area.radius_m)
    return ShapelyPolygon([projection.to_xy(v.lat, v.lon) for v in zone.area.vertices])


def test_demo_city_has_every_kind_and_shape() -> None:
    zones = load_demo_city()
    assert {zone.kind for zone in zones} == set(GeozoneKind)
    assert {type(zone.area) for zone in zones} == {Polygon, Circle}
    assert len({zone.geozone_id for zone in zones}) == len(zones) >= 5


def test_demo_city_airport_control_zone_covers_the_runways() -> None:
    airport = by_id(load_demo_city())["zgsz-ctr"]
    projection = Projection(*SHENZHEN.center)
    reference_point = Point(projection.to_xy(22.639, 113.811))
    assert airport.kind is GeozoneKind.PROHIBITED
    assert (airport.altitude.lower_m, airport.altitude.upper_m) == (0.0, 120.0)
    assert shape_xy(airport, projection).buffer(-2_000).contains(reference_point)


def test_demo_city_restricted_and_conditional_zones() -> None:
    zones = by_id(load_demo_city())
    helipad = zones["futian-pku-hospital-helipad"]
    assert helipad.kind is GeozoneKind.RESTRICTED
    assert helipad.area == Circle(LatLng(22.5587, 114.0454), 300.0)
    assert helipad.authorized_operator_ids == frozenset({"op-demo"})
    park = zones["nanshan-shenzhen-bay-park"]
    assert park.kind is GeozoneKind.CONDITIONAL
    assert "Conditions:" in park.message


def test_demo_city_temporary_event_has_its_december_windows() -> None:
    event = by_id(load_demo_city())["longgang-universiade-event-2026-12"]
    assert event.kind is GeozoneKind.PROHIBITED
    assert event.schedule == (
        window("2026-12-12T10:00:00Z", "2026-12-12T16:00:00Z"),
        window("2026-12-13T10:00:00Z", "2026-12-13T16:00:00Z"),
    )
    assert [z.geozone_id for z in load_demo_city() if z.schedule] == [event.geozone_id]


def test_demo_city_lies_inside_shenzhen_and_off_the_delivery_corridor() -> None:
    projection = Projection(*SHENZHEN.center)
    corridor = LineString([projection.to_xy(22.540, 114.057), projection.to_xy(22.560, 114.110)])
    for zone in load_demo_city():
        area = shape_xy(zone, projection)
        assert area.is_valid, zone.geozone_id
        for x, y in area.exterior.coords:
            corner = projection.to_latlng(x, y)
            assert SHENZHEN.contains(corner.lat, corner.lon), zone.geozone_id
        assert area.distance(corridor) > 1_000.0, zone.geozone_id


# --- GeoJSON: valid documents --------------------------------------------------------------


def test_geojson_polygon_drops_the_closing_vertex() -> None:
    (zone,) = parse_geojson(json.dumps(collection(geojson_feature())), now_s=NOW_S, config=CONFIG)
    assert zone.area == Polygon(
        (LatLng(22.5, 114.0), LatLng(22.5, 114.01), LatLng(22.51, 114.01), LatLng(22.51, 114.0))
    )
    assert zone.update_time_s == NOW_S


def test_geojson_defaults_span_ground_to_ceiling_and_name_to_id() -> None:
    config = AirspaceConfig(ceiling_m=150.0)
    (zone,) = parse_geojson(json.dumps(collection(geojson_feature())), now_s=0.0, config=config)
    assert (zone.altitude.lower_m, zone.altitude.upper_m) == (0.0, 150.0)
    assert (zone.name, zone.message, zone.schedule) == ("z1", "", ())
    assert zone.authorized_operator_ids == frozenset()


def test_geojson_point_with_radius_is_a_restricted_circle() -> None:
    feature = geojson_feature(
        kind="restricted", radius_m=250, authorized_operator_ids=["op-a", "op-b"], lower_m=30
    )
    feature["geometry"] = {"type": "Point", "coordinates": [114.05, 22.55]}
    (zone,) = parse_geojson(json.dumps(collection(feature)).encode(), now_s=NOW_S, config=CONFIG)
    assert zone.kind is GeozoneKind.RESTRICTED
    assert zone.area == Circle(LatLng(22.55, 114.05), 250.0)
    assert zone.authorized_operator_ids == frozenset({"op-a", "op-b"})
    assert zone.altitude.lower_m == 30.0


def test_geojson_conditional_zone_keeps_its_message_and_feature_id() -> None:
    feature = geojson_feature(kind="conditional", message="Keep below 60 m", name="Park")
    del feature["properties"]["id"]
    feature["id"] = 42
    (zone,) = parse_geojson(json.dumps(collection(feature)), now_s=NOW_S, config=CONFIG)
    assert (zone.geozone_id, zone.name, zone.kind) == ("42", "Park", GeozoneKind.CONDITIONAL)
    assert zone.message == "Keep below 60 m"


def test_geojson_schedule_is_sorted_merged_and_offset_aware() -> None:
    schedule = [
        {"start": "2026-12-13T18:00:00+08:00", "end": "2026-12-14T00:00:00+08:00"},
        {"start": "2026-12-12T10:00:00Z", "end": "2026-12-12T16:00:00Z"},
        {"start": "2026-12-12T15:00:00Z", "end": "2026-12-12T17:00:00Z"},
    ]
    feature = geojson_feature(schedule=schedule)
    (zone,) = parse_geojson(json.dumps(collection(feature)), now_s=NOW_S, config=CONFIG)
    assert zone.schedule == (
        window("2026-12-12T10:00:00Z", "2026-12-12T17:00:00Z"),
        window("2026-12-13T10:00:00Z", "2026-12-13T16:00:00Z"),
    )


# --- GeoJSON: refused documents ------------------------------------------------------------


def test_geojson_not_utf8_or_not_json_names_the_content() -> None:
    assert violations(parse_geojson, b'{"type": "\xff"}') == ["content"]
    assert violations(parse_geojson, '{"type": "FeatureCollection",') == ["content"]
    assert "not JSON" in description(parse_geojson, "[1,", "content")
    assert violations(parse_geojson, "[" * 100_000 + "]" * 100_000) == ["content"]


def test_geojson_wrong_top_level_types() -> None:
    assert violations(parse_geojson, [collection()]) == ["content"]
    assert violations(parse_geojson, {"type": "Feature", "features": []}) == ["type"]
    assert violations(parse_geojson, {"type": "FeatureCollection"}) == ["features"]
    assert violations(parse_geojson, {"type": "FeatureCollection", "features": {}}) == ["features"]


def test_geojson_kind_problems() -> None:
    assert violations(parse_geojson, collection(geojson_feature(kind="forbidden"))) == [
        "features[0].properties.kind"
    ]
    missing = geojson_feature()
    del missing["properties"]["kind"]
    assert violations(parse_geojson, collection(missing)) == ["features[0].properties.kind"]


def test_geojson_missing_and_duplicate_ids() -> None:
    missing = geojson_feature()
    del missing["properties"]["id"]
    assert violations(parse_geojson, collection(missing)) == ["features[0].properties.id"]
    feature_level = geojson_feature(id=None)
    feature_level["id"] = "z1"
    document = collection(geojson_feature(), geojson_feature(id="z2"), feature_level)
    assert violations(parse_geojson, document) == ["features[2].id"]
    text = description(parse_geojson, document, "features[2].id")
    assert "duplicate" in text and "features[0].properties.id" in text


@pytest.mark.parametrize("geometry_type", ["LineString", "MultiPolygon", None])
def test_geojson_geometry_must_be_polygon_or_point(geometry_type: str | None) -> None:
    feature = geojson_feature()
    feature["geometry"]["type"] = geometry_type
    assert violations(parse_geojson, collection(feature)) == ["features[0].geometry.type"]


def test_geojson_ring_must_be_closed() -> None:
    feature = geojson_feature()
    feature["geometry"]["coordinates"][0].pop()
    assert violations(parse_geojson, collection(feature)) == ["features[0].geometry.coordinates[0]"]


def test_geojson_ring_needs_three_distinct_vertices() -> None:
    feature = geojson_feature()
    ring = [[114.0, 22.5], [114.01, 22.5], [114.0, 22.5], [114.0, 22.5]]
    feature["geometry"]["coordinates"] = [ring]
    assert violations(parse_geojson, collection(feature)) == ["features[0].geometry.coordinates[0]"]


def test_geojson_holes_are_refused_and_said_so() -> None:
    feature = geojson_feature()
    hole = [[114.002, 22.502], [114.004, 22.502], [114.004, 22.504], [114.002, 22.502]]
    feature["geometry"]["coordinates"].append(hole)
    field = "features[0].geometry.coordinates[1]"
    assert violations(parse_geojson, collection(feature)) == [field]
    assert "holes" in description(parse_geojson, collection(feature), field)


def test_geojson_positions_out_of_range_or_not_finite() -> None:
    feature = geojson_feature()
    ring = feature["geometry"]["coordinates"][0]
    ring[1] = [114.01, 95.0]
    ring[2] = [190.0, 22.51]
    ring[3] = [float("nan"), 22.51]
    assert violations(parse_geojson, collection(feature)) == [
        "features[0].geometry.coordinates[0][1][1]",
        "features[0].geometry.coordinates[0][2][0]",
        "features[0].geometry.coordinates[0][3][0]",
    ]


def test_geojson_altitude_problems() -> None:
    assert violations(parse_geojson, collection(geojson_feature(lower_m=100, upper_m=50))) == [
        "features[0].properties.lower_m"
    ]
    infinite = collection(geojson_feature(upper_m=float("inf")))
    assert violations(parse_geojson, infinite) == ["features[0].properties.upper_m"]
    assert violations(parse_geojson, collection(geojson_feature(lower_m="10"))) == [
        "features[0].properties.lower_m"
    ]


def test_geojson_point_needs_a_positive_radius() -> None:
    feature = geojson_feature()
    feature["geometry"] = {"type": "Point", "coordinates": [114.05, 22.55]}
    assert violations(parse_geojson, collection(feature)) == ["features[0].properties.radius_m"]
    feature["properties"]["radius_m"] = 0
    assert violations(parse_geojson, collection(feature)) == ["features[0].properties.radius_m"]


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"start": "12/12/2026 10:00", "end": "2026-12-12T16:00:00Z"}, "start"),
        ({"start": "2026-12-12T10:00:00", "end": "2026-12-12T16:00:00Z"}, "start"),
        ({"start": "2026-12-12T10:00:00Z", "end": "2026-12-12T09:00:00Z"}, "end"),
        ({"start": "2026-12-12T10:00:00Z"}, "end"),
    ],
)
def test_geojson_bad_schedule_entries(entry: Doc, field: str) -> None:
    document = collection(geojson_feature(schedule=[entry]))
    assert violations(parse_geojson, document) == [f"features[0].properties.schedule[0].{field}"]


def test_geojson_operator_ids_must_be_strings() -> None:
    document = collection(geojson_feature(authorized_operator_ids=["op-a", 7]))
    assert violations(parse_geojson, document) == [
        "features[0].properties.authorized_operator_ids[1]"
    ]


def test_geojson_reports_every_problem_of_the_document() -> None:
    unclosed = geojson_feature(id="z2")
    unclosed["geometry"]["coordinates"][0].pop()
    document = collection(
        geojson_feature(kind="nope"),
        unclosed,
        geojson_feature(id="z3", lower_m=200),
        geojson_feature(id="z2", kind="restricted"),
    )
    assert violations(parse_geojson, document) == [
        "features[0].properties.kind",
        "features[1].geometry.coordinates[0]",
        "features[2].properties.lower_m",
        "features[3].properties.id",
    ]


# --- ED-269: the sample document -----------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, Geozone]:
    config = AirspaceConfig(ground_elevation_m=50.0)
    return by_id(parse_ed269(ED269_SAMPLE.read_bytes(), now_s=NOW_S, config=config))


def test_ed269_sample_ids_split_volumes_and_skip_no_restriction(
    sample: dict[str, Geozone],
) -> None:
    assert list(sample) == [
        "SZYT001",
        "SZWT001",
        "SZNS001",
        "SZMA001",
        "SZHH001",
        "SZQH001#0",
        "SZQH001#1",
    ]
    assert all(zone.update_time_s == NOW_S for zone in sample.values())


def test_ed269_restrictions_map_to_kinds(sample: dict[str, Geozone]) -> None:
    kinds = {zone_id: zone.kind for zone_id, zone in sample.items()}
    assert kinds["SZNS001"] is GeozoneKind.PROHIBITED
    assert kinds["SZYT001"] is GeozoneKind.RESTRICTED
    assert kinds["SZWT001"] is GeozoneKind.CONDITIONAL


def test_ed269_feet_are_converted(sample: dict[str, Geozone]) -> None:
    port = sample["SZYT001"].altitude
    assert port.lower_m == 0.0
    assert port.upper_m == pytest.approx(91.44)  # 300 ft
    heliport = sample["SZNS001"].area
    assert isinstance(heliport, Circle)
    assert heliport.center == LatLng(22.5390, 113.9170)
    assert heliport.radius_m == pytest.approx(457.2)


def test_ed269_amsl_and_wgs84_become_agl_over_flat_ground(sample: dict[str, Geozone]) -> None:
    park = sample["SZWT001"].altitude
    assert (park.lower_m, park.upper_m) == (0.0, 70.0)  # 0–120 m AMSL, ground at 50 m
    test_area = sample["SZQH001#0"].altitude
    assert (test_area.lower_m, test_area.upper_m) == (0.0, 60.0)  # 20 m AMSL is below ground


def test_ed269_second_volume_is_a_circle_in_feet(sample: dict[str, Geozone]) -> None:
    zone = sample["SZQH001#1"]
    assert isinstance(zone.area, Circle)
    assert zone.area.radius_m == pytest.approx(304.8)
    assert zone.altitude.lower_m == pytest.approx(30.48)
    assert zone.altitude.upper_m == pytest.approx(60.96)
    assert zone.message == sample["SZQH001#0"].message
    assert zone.message == "Test flights in progress; fly with caution."


def test_ed269_open_ring_is_accepted(sample: dict[str, Geozone]) -> None:
    area = sample["SZWT001"].area
    assert isinstance(area, Polygon)
    assert area.vertices[0] == LatLng(22.5650, 114.1850)
    assert len(area.vertices) == 4


def test_ed269_permanent_zones_apply_always(sample: dict[str, Geozone]) -> None:
    assert sample["SZYT001"].schedule == ()
    assert sample["SZNS001"].schedule == ()


def test_ed269_temporary_zone_has_one_window(sample: dict[str, Geozone]) -> None:
    assert sample["SZMA001"].schedule == (window("2026-12-05T22:00:00Z", "2026-12-06T06:00:00Z"),)


def test_ed269_weekly_schedule_with_offset_is_expanded_to_the_horizon(
    sample: dict[str, Geozone],
) -> None:
    schedule = sample["SZWT001"].schedule  # SAT and SUN 08:00-18:00 UTC+8, from Wed 4 Nov
    weekend_days = ["07", "08", "14", "15", "21", "22", "28", "29"]
    assert schedule == tuple(
        window(f"2026-11-{day}T00:00:00Z", f"2026-11-{day}T10:00:00Z") for day in weekend_days
    )
    assert schedule[-1].end_s <= NOW_S + CONFIG.max_plan_lead_s + DAY_S


def test_ed269_overnight_weekdays_are_clipped_to_now_and_the_end_date(
    sample: dict[str, Geozone],
) -> None:
    schedule = sample["SZHH001"].schedule  # MON-FRI 22:00-06:00 UTC, 2 Nov until 20 Nov
    assert len(schedule) == 13
    assert schedule[0] == window("2026-11-04T00:00:00Z", "2026-11-04T06:00:00Z")
    assert schedule[3] == window("2026-11-06T22:00:00Z", "2026-11-07T06:00:00Z")
    assert schedule[4] == window("2026-11-09T22:00:00Z", "2026-11-10T06:00:00Z")
    assert schedule[-1] == window("2026-11-19T22:00:00Z", "2026-11-20T00:00:00Z")


def test_ed269_message_joins_conditions_and_authority(sample: dict[str, Geozone]) -> None:
    lines = sample["SZYT001"].message.split("\n")
    assert lines[0] == "Port operating area with container cranes."
    assert lines[1] == "Conditions: Flights only on an approved port logistics plan."
    assert lines[2].startswith("Authority: Shenzhen Port Authority (Port operations)")
    assert "+86 755 0000 0000" in lines[2] and "uas@port.example.cn" in lines[2]
    assert lines[2].endswith("apply for authorisation P2D ahead")


def test_ed269_authorized_operators_come_from_extended_properties(
    sample: dict[str, Geozone],
) -> None:
    assert sample["SZYT001"].authorized_operator_ids == frozenset({"op-yantian-logistics"})
    assert sample["SZHH001"].authorized_operator_ids == frozenset()


# --- ED-269: inline documents --------------------------------------------------------------


def parse_one(zone: Doc, config: AirspaceConfig = CONFIG) -> list[Geozone]:
    return parse_ed269(json.dumps(ed269_doc(zone)), now_s=NOW_S, config=config)


def test_ed269_any_day_all_day_merges_into_one_window_up_to_the_horizon() -> None:
    config = AirspaceConfig(max_plan_lead_s=DAY_S)
    period = {"day": ["ANY"], "startTime": "00:00", "endTime": "24:00"}
    (zone,) = parse_one(ed269_zone(applicability=weekly(period)), config)
    assert zone.schedule == (TimeWindow(NOW_S, NOW_S + 2 * DAY_S),)


def test_ed269_schedule_outside_the_horizon_drops_the_zone() -> None:
    dates = {"startDateTime": "2027-06-01T00:00:00Z", "endDateTime": "2027-06-30T00:00:00Z"}
    period = {"day": ["MON"], "startTime": "08:00", "endTime": "12:00"}
    assert parse_one(ed269_zone(applicability=weekly(period, **dates))) == []


def test_ed269_one_permanent_period_makes_the_zone_always_apply() -> None:
    temporary = {
        "permanent": "NO",
        "startDateTime": "2026-12-01T00:00:00Z",
        "endDateTime": "2026-12-02T00:00:00Z",
    }
    (zone,) = parse_one(ed269_zone(applicability=[temporary, {"permanent": "YES"}]))
    assert zone.schedule == ()


def test_ed269_circle_and_american_spelling() -> None:
    circle = {"type": "Circle", "center": [114.05, 22.55], "radius": 500}
    zone_doc = ed269_zone(
        restriction="REQ_AUTHORIZATION", geometry=[ed269_volume(horizontalProjection=circle)]
    )
    (zone,) = parse_one(zone_doc)
    assert zone.kind is GeozoneKind.RESTRICTED
    assert zone.area == Circle(LatLng(22.55, 114.05), 500.0)


def test_ed269_absent_limits_span_ground_to_ceiling() -> None:
    volume = ed269_volume()
    for key in ("lowerLimit", "upperLimit", "lowerVerticalReference", "upperVerticalReference"):
        del volume[key]
    (zone,) = parse_one(ed269_zone(geometry=[volume]), AirspaceConfig(ceiling_m=90.0))
    assert (zone.altitude.lower_m, zone.altitude.upper_m) == (0.0, 90.0)


# --- ED-269: refused documents -------------------------------------------------------------


def test_ed269_not_json_or_wrong_top_level() -> None:
    assert violations(parse_ed269, b"\xc3\x28") == ["content"]
    assert violations(parse_ed269, "{features: []}") == ["content"]
    assert violations(parse_ed269, [ed269_zone()]) == ["content"]
    assert violations(parse_ed269, {"title": "no zones"}) == ["features"]


def test_ed269_unknown_or_missing_restriction() -> None:
    assert violations(parse_ed269, ed269_doc(ed269_zone(restriction="FORBIDDEN"))) == [
        "features[0].restriction"
    ]
    assert violations(parse_ed269, ed269_doc(ed269_zone(restriction=None))) == [
        "features[0].restriction"
    ]


def test_ed269_missing_and_duplicate_identifiers() -> None:
    assert violations(parse_ed269, ed269_doc(ed269_zone(identifier=None))) == [
        "features[0].identifier"
    ]
    document = ed269_doc(ed269_zone(), ed269_zone(identifier="Z2"), ed269_zone())
    assert violations(parse_ed269, document) == ["features[2].identifier"]


def test_ed269_suffixed_ids_collide_with_plain_ones() -> None:
    two_volumes = ed269_zone(identifier="A", geometry=[ed269_volume(), ed269_volume()])
    document = ed269_doc(two_volumes, ed269_zone(identifier="A#1"))
    assert violations(parse_ed269, document) == ["features[1].identifier"]


@pytest.mark.parametrize("projection_type", ["LineString", "MultiPolygon", "Point"])
def test_ed269_projection_must_be_polygon_or_circle(projection_type: str) -> None:
    volume = ed269_volume()
    volume["horizontalProjection"]["type"] = projection_type
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=[volume]))) == [
        "features[0].geometry[0].horizontalProjection.type"
    ]


def test_ed269_unknown_units_and_references() -> None:
    volume = ed269_volume(uomDimensions="KM", upperVerticalReference="STD")
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=[volume]))) == [
        "features[0].geometry[0].uomDimensions",
        "features[0].geometry[0].upperVerticalReference",
    ]


def test_ed269_missing_reference_for_a_given_limit() -> None:
    volume = ed269_volume()
    del volume["lowerVerticalReference"]
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=[volume]))) == [
        "features[0].geometry[0].lowerVerticalReference"
    ]


def test_ed269_lower_above_upper_after_conversion() -> None:
    volume = ed269_volume(uomDimensions="FT", lowerLimit=400, upperLimit=300)
    field = "features[0].geometry[0].lowerLimit"
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=[volume]))) == [field]
    below_ground = ed269_volume(upperLimit=10, upperVerticalReference="AMSL")
    config = AirspaceConfig(ground_elevation_m=40.0)
    document = ed269_doc(ed269_zone(geometry=[below_ground]))
    assert violations(parse_ed269, document, config) == [field]


def test_ed269_geometry_coordinate_problems() -> None:
    hole = [[114.002, 22.502], [114.004, 22.502], [114.004, 22.504]]
    with_hole = ed269_volume()
    with_hole["horizontalProjection"]["coordinates"].append(hole)
    degenerate = ed269_volume()
    degenerate["horizontalProjection"]["coordinates"] = [[[114.0, 22.5], [114.01, 22.5]]]
    circle = {"type": "Circle", "center": [114.05, -91.0], "radius": -5}
    document = ed269_doc(
        ed269_zone(geometry=[with_hole, degenerate, ed269_volume(horizontalProjection=circle)])
    )
    assert violations(parse_ed269, document) == [
        "features[0].geometry[0].horizontalProjection.coordinates[1]",
        "features[0].geometry[1].horizontalProjection.coordinates[0]",
        "features[0].geometry[2].horizontalProjection.center[1]",
        "features[0].geometry[2].horizontalProjection.radius",
    ]


def test_ed269_geometry_must_be_a_non_empty_list() -> None:
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=[]))) == ["features[0].geometry"]
    assert violations(parse_ed269, ed269_doc(ed269_zone(geometry=None))) == ["features[0].geometry"]


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"permanent": "NO", "startDateTime": "2026-13-01T00:00:00Z"}, "startDateTime"),
        (
            {
                "permanent": "NO",
                "startDateTime": "2026-12-02T00:00:00Z",
                "endDateTime": "2026-12-01T00:00:00Z",
            },
            "endDateTime",
        ),
        ({"permanent": "NO", "startDateTime": "2026-12-02T00:00:00Z"}, "endDateTime"),
        ({"permanent": "MAYBE"}, "permanent"),
    ],
)
def test_ed269_bad_applicability_dates(period: Doc, field: str) -> None:
    fields = violations(parse_ed269, ed269_doc(ed269_zone(applicability=[period])))
    assert f"features[0].applicability[0].{field}" in fields


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"day": ["MON", "FUNDAY"], "startTime": "08:00", "endTime": "10:00"}, "day[1]"),
        ({"day": [], "startTime": "08:00", "endTime": "10:00"}, "day"),
        ({"day": ["MON"], "startTime": "25:00", "endTime": "10:00"}, "startTime"),
        ({"day": ["MON"], "startTime": "8 am", "endTime": "10:00"}, "startTime"),
        ({"day": ["MON"], "startTime": "24:00", "endTime": "10:00"}, "startTime"),
        ({"day": ["MON"], "startTime": "08:00", "endTime": "08:00"}, "endTime"),
    ],
)
def test_ed269_bad_weekly_schedule(period: Doc, field: str) -> None:
    document = ed269_doc(ed269_zone(applicability=weekly(period)))
    assert violations(parse_ed269, document) == [
        f"features[0].applicability[0].schedule[0].{field}"
    ]


def test_ed269_no_restriction_zones_are_still_checked() -> None:
    volume = ed269_volume(uomDimensions="YARDS")
    document = ed269_doc(ed269_zone(restriction="NO_RESTRICTION", geometry=[volume]))
    assert violations(parse_ed269, document) == ["features[0].geometry[0].uomDimensions"]


def test_ed269_reports_every_problem_of_the_document() -> None:
    document = ed269_doc(
        ed269_zone(restriction="BANNED"),
        ed269_zone(identifier="Z2", geometry=[ed269_volume(lowerLimit=float("nan"))]),
        ed269_zone(identifier="Z3", zoneAuthority=[{"name": 5}]),
        ed269_zone(identifier="Z2"),
    )
    assert violations(parse_ed269, document) == [
        "features[0].restriction",
        "features[1].geometry[0].lowerLimit",
        "features[2].zoneAuthority[0].name",
        "features[3].identifier",
    ]


def test_ed269_single_objects_for_applicability_and_authority() -> None:
    period = {"permanent": "NO", "startDateTime": "2026-12-01T00:00:00Z"}
    document = ed269_doc(ed269_zone(applicability=period, zoneAuthority={"name": "CAAC"}))
    assert violations(parse_ed269, document) == ["features[0].applicability.endDateTime"]
    period["endDateTime"] = "2026-12-02T00:00:00Z"
    (zone,) = parse_one(ed269_zone(applicability=period, zoneAuthority={"name": "CAAC"}))
    assert zone.schedule == (window("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z"),)
    assert zone.message == "Authority: CAAC"
