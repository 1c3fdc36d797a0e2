"""Geometry fuzzing of the core: odd shapes, cell and layer edges, and far-off deployments.

Plans are built in local metres around a deployment's projection origin: degenerate polygons
(collinear, zero-area, repeated vertices, spikes, bow-ties), tiny and huge areas and circles,
vertices and waypoints exactly on H3 cell vertices and edges, bands on altitude-layer
boundaries, and deployments near the poles and the antimeridian. Whatever comes in, validation
accepts it or names the bad fields (never another exception); for accepted plans the verdict
agrees with the brute force of ``tests/bruteforce.py`` outside a band round the minima, two
plans in conflict share a reservation key, and a zone is entered exactly when the brute force
(with minima of nothing but the touch) says the plan reaches it.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace
from functools import cache

import h3
import h3.api.basic_int as h3int
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from airspace.config import AirspaceConfig, BoundingBox
from airspace.deconfliction import TOUCH_M, Deconflictor
from airspace.errors import InvalidArgument, ResourceExhausted
from airspace.footprint import metric_shape
from airspace.geo import Projection
from airspace.model import (
    AltitudeBand,
    Circle,
    FlightPlan,
    Geozone,
    GeozoneKind,
    LatLng,
    Polygon,
    Shape,
    Waypoint,
)
from airspace.validation import validate_geozone, validate_plan
from airspace.zones import ZoneChecker
from tests import bruteforce
from tests.strategies import T0, rotated, volume, volume_plan

BAND_M = 0.5
"""Half-width of the band round the minima where the brute force cannot judge the core."""
NOW = T0 - 60.0
START, END = T0, T0 + 300.0
FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_ids = itertools.count()


@dataclass(frozen=True)
class Place:
    """A deployment, and positions in metres east and north of its projection origin."""

    name: str
    deconflictor: Deconflictor

    @property
    def config(self) -> AirspaceConfig:
        return self.deconflictor.config

    @property
    def origin_xy(self) -> tuple[float, float]:
        return self.deconflictor.projection.to_xy(*self.config.projection_origin)

    def latlng(self, x: float, y: float) -> LatLng:
        ox, oy = self.origin_xy
        return self.deconflictor.projection.to_latlng(ox + x, oy + y)

    def local(self, p: LatLng) -> tuple[float, float]:
        (ox, oy), (x, y) = self.origin_xy, self.deconflictor.projection.to_xy(p.lat, p.lon)
        return x - ox, y - oy


BOXES = {
    "shenzhen": AirspaceConfig().bounds,
    "svalbard-80N": BoundingBox(80.0, 15.0, 80.5, 18.0),
    "utm-edge-84N": BoundingBox(83.5, 30.0, 84.0, 35.0),
    "polar-85N": BoundingBox(84.5, -40.0, 85.0, -30.0),
    "antarctic-80S": BoundingBox(-80.5, 160.0, -80.0, 165.0),
    "fiji-antimeridian-west": BoundingBox(-17.5, 179.5, -17.0, 180.0),
    "fiji-antimeridian-east": BoundingBox(-17.5, -180.0, -17.0, -179.5),
}


@cache
def place(name: str) -> Place:
    return Place(name, Deconflictor(AirspaceConfig(bounds=BOXES[name])))


SHENZHEN = "shenzhen"


def plan_id() -> str:
    return f"g{next(_ids)}"


def area_plan(area: Shape, lower_m: float = 20.0, upper_m: float = 60.0) -> FlightPlan:
    return volume_plan(plan_id(), [volume(area, lower_m, upper_m, START, END)])


def polygon(where: Place, points: list[tuple[float, float]]) -> Polygon:
    return Polygon(tuple(where.latlng(x, y) for x, y in points))


def flight(where: Place, points: list[tuple[float, float]], altitude_m: float) -> FlightPlan:
    """Take off at the first point, fly through the others at ``altitude_m`` at 10 m/s, land."""
    climb_s = altitude_m / 2.5
    t = START
    waypoints = [Waypoint(where.latlng(*points[0]), 0.0, t)]
    for i, (x, y) in enumerate(points):
        if i:
            t += max(1.0, math.dist(points[i - 1], (x, y)) / 10.0)
        else:
            t += climb_s
        waypoints.append(Waypoint(where.latlng(x, y), altitude_m, t))
    waypoints.append(Waypoint(where.latlng(*points[-1]), 0.0, t + climb_s))
    return replace(volume_plan(plan_id(), []), waypoints=tuple(waypoints))


def accepted(where: Place, plan: FlightPlan) -> bool:
    """Validation accepts the plan or names the bad fields; any other exception fails."""
    try:
        validate_plan(plan, where.deconflictor, NOW)
    except InvalidArgument as refused:
        assert refused.violations, "refused without a reason"
        for v in refused.violations:
            assert v.field.startswith("flight_plan") and v.description, v
        return False
    return True


def keys(where: Place, plan: FlightPlan) -> set[tuple[int, int, int]] | None:
    """The plan's reservation keys; None when it is too big to book (a clear error)."""
    try:
        return set(where.deconflictor.reservation_keys(plan))
    except ResourceExhausted as exc:
        assert exc.reason == "PLAN_TOO_LARGE"
        return None


def _tally(outcome: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (outside a fuzz run: nothing)."""
    if currently_in_test_context():
        event(outcome)


def assert_judged(where: Place, a: FlightPlan, b: FlightPlan) -> bool | None:
    """Both plans validated; when both are accepted, the verdict agrees with the brute force
    and a conflict shows in the index. Returns the verdict (None: not judged)."""
    if not (accepted(where, a) and accepted(where, b)):
        _tally("refused")
        return None
    config, found = where.config, where.deconflictor.conflicts(a, [b])
    context = f"{where.name}\n{a}\n{b}"
    if found:
        assert bruteforce.conflicts(a, b, config, margin_m=-BAND_M), f"no conflict: {context}"
        keys_a, keys_b = keys(where, a), keys(where, b)
        if keys_a is not None and keys_b is not None:
            assert keys_a & keys_b, f"conflicting plans share no index key\n{context}"
    else:
        assert not bruteforce.conflicts(a, b, config, margin_m=BAND_M), f"missed: {context}"
    _tally("conflict" if found else "clear")
    return bool(found)


def assert_zone_judged(where: Place, zone: Geozone, plan: FlightPlan) -> None:
    """The zone validated; when it and the plan are accepted, the plan enters it exactly when
    the brute force, with minima of a mere touch, finds them closer than the plan's tolerance."""
    try:
        validate_geozone(zone, where.config)
    except InvalidArgument as refused:
        assert all(v.field.startswith("geozone") and v.description for v in refused.violations)
        return
    if not accepted(where, plan):
        return
    entered = bool(ZoneChecker(where.deconflictor).check(plan, [zone]).violations)
    touch = replace(where.config, horizontal_separation_m=TOUCH_M, vertical_separation_m=TOUCH_M)
    window = plan.time_window
    as_plan = area_plan(zone.area, zone.altitude.lower_m, zone.altitude.upper_m)
    as_plan = replace(as_plan, volumes=(replace(as_plan.volumes[0], time_window=window),))
    context = f"{where.name}\n{zone}\n{plan}"
    if entered:
        assert bruteforce.conflicts(plan, as_plan, touch, margin_m=-BAND_M), context
    else:
        assert not bruteforce.conflicts(plan, as_plan, touch, margin_m=BAND_M), context


# --------------------------------------------------------------------------------------------
# Degenerate, tiny and huge shapes

SCALES_M = (1e-3, 0.3, 2.0, 60.0, 400.0, 12_000.0, 30_000.0)
"""Sizes of the shapes, sub-metre to tens of kilometres."""
_unit = st.floats(-1.0, 1.0)
_centre = st.floats(-600.0, 600.0)


@st.composite
def rings(
    draw: st.DrawFn, centre: tuple[float, float] | None = None, scales: tuple[float, ...] = SCALES_M
) -> list[tuple[float, float]]:
    """A simple ring, then maybe spoiled: collinear, zero-area, repeated vertices, a spike, a
    bow-tie, explicitly closed; at any scale."""
    scale = draw(st.sampled_from(scales))
    cx, cy = centre or (draw(_centre), draw(_centre))
    n = draw(st.integers(3, 8))
    step = 2 * math.pi / n
    angles = [i * step + draw(st.floats(0, 0.8 * step)) for i in range(n)]
    radii = [draw(st.floats(0.2, 1.0)) for _ in range(n)]
    ring = [
        (cx + scale * r * math.cos(a), cy + scale * r * math.sin(a))
        for a, r in zip(angles, radii, strict=True)
    ]
    how = draw(
        st.sampled_from(
            ["simple", "collinear", "flat", "repeat", "same", "spike", "bowtie", "closed"]
        )
    )
    i = draw(st.integers(0, n - 1))
    if how == "collinear":
        ux, uy = draw(_unit), draw(_unit)
        ring = [
            (cx + scale * t * ux, cy + scale * t * uy)
            for t in sorted(draw(_unit) for _ in range(n))
        ]
    elif how == "flat":  # out and back: no area
        ring = (
            [ring[0], ring[1], ring[0]]
            if draw(st.booleans())
            else [ring[0], ring[1], ring[2], ring[1]]
        )
    elif how == "repeat":
        ring[i:i] = [ring[i]] * draw(st.integers(1, 4))
    elif how == "same":
        ring = [ring[i]] * n
    elif how == "spike":  # a needle out of vertex i and back
        tip = (ring[i][0] + 3 * scale * draw(_unit), ring[i][1] + 3 * scale * draw(_unit))
        ring[i + 1 : i + 1] = [tip, ring[i]]
    elif how == "bowtie" and n >= 4:
        ring[0], ring[1] = ring[1], ring[0]
    elif how == "closed":
        ring.append(ring[0])
    return ring


@st.composite
def probes(draw: st.DrawFn, where: Place, near: tuple[float, float]) -> FlightPlan:
    """A plan passing about one separation minimum from ``near``: a flight or a small circle."""
    angle = draw(st.floats(0, 2 * math.pi))
    gap = draw(st.floats(0.0, 2.5)) * where.config.horizontal_separation_m
    x, y = near[0] + gap * math.cos(angle), near[1] + gap * math.sin(angle)
    altitude = draw(st.floats(5.0, 115.0))
    if draw(st.booleans()):
        return area_plan(
            Circle(where.latlng(x, y), draw(st.floats(0.01, 30.0))), altitude - 5, altitude
        )
    heading = draw(st.floats(0, 2 * math.pi))
    run = draw(st.floats(1.0, 300.0))
    points = [(x - run * math.cos(heading), y - run * math.sin(heading)), (x, y)]
    points.append((x + run * math.cos(heading), y + run * math.sin(heading)))
    return flight(where, points, altitude)


@FUZZ
@given(st.data())
def test_degenerate_tiny_and_huge_polygons(data: st.DataObject) -> None:
    """A spoiled or odd-sized polygon as a plan's volume and as a zone, against a probe
    passing near one of its vertices."""
    where = place(SHENZHEN)
    ring = data.draw(rings())
    band = sorted(data.draw(st.tuples(st.floats(0, 120), st.floats(0, 120))))
    a = area_plan(polygon(where, ring), *band)
    b = data.draw(probes(where, ring[data.draw(st.integers(0, len(ring) - 1))]))
    assert_judged(where, a, b)
    zone = Geozone("z", "z", GeozoneKind.PROHIBITED, a.volumes[0].area, AltitudeBand(*band))
    assert_zone_judged(where, zone, b)


_radii = st.one_of(
    st.sampled_from(
        [0.0, -1.0, 5e-324, 1e-6, 0.01, 0.5, 49_999.0, 50_000.0, 50_000.5, math.nan, math.inf]
    ),
    st.floats(1e-4, 60_000.0),
)


@FUZZ
@given(_radii, _centre, _centre, st.data())
def test_circles_of_any_radius(radius_m: float, x: float, y: float, data: st.DataObject) -> None:
    """Circles from nothing to beyond the 50 km limit (and NaN), against a probe near the rim."""
    where = place(SHENZHEN)
    a = area_plan(Circle(where.latlng(x, y), radius_m))
    rim = radius_m if math.isfinite(radius_m) and 0 < radius_m < 1e5 else 0.0
    angle = data.draw(st.floats(0, 2 * math.pi))
    b = data.draw(probes(where, (x + rim * math.cos(angle), y + rim * math.sin(angle))))
    assert_judged(where, a, b)


# --------------------------------------------------------------------------------------------
# Cell edges and layer boundaries


@st.composite
def cell_points(draw: st.DrawFn, where: Place) -> tuple[float, float]:
    """A vertex of an H3 cell (index or grid resolution) near the origin, or a point on one of
    its edges (interpolated in degrees), in local metres."""
    config = where.config
    resolution = draw(st.sampled_from([config.index_resolution, config.grid_resolution]))
    here = where.latlng(draw(_centre), draw(_centre))
    boundary = h3.cell_to_boundary(h3.latlng_to_cell(here.lat, here.lon, resolution))
    i = draw(st.integers(0, len(boundary) - 1))
    (alat, alon), (blat, blon) = boundary[i], boundary[(i + 1) % len(boundary)]
    f = draw(st.sampled_from([0.0, 0.5]) | st.floats(0.0, 1.0))
    return where.local(LatLng(alat + f * (blat - alat), alon + f * (blon - alon)))


@FUZZ
@given(st.data())
def test_shapes_and_paths_on_cell_vertices_and_edges(data: st.DataObject) -> None:
    """A waypoint, a polygon vertex or a circle centre exactly on a cell vertex or edge, against
    a probe about one minimum away."""
    where = place(SHENZHEN)
    px, py = data.draw(cell_points(where))
    kind = data.draw(st.sampled_from(["flight", "polygon", "circle"]))
    if kind == "flight":
        other = data.draw(cell_points(where))
        a = flight(where, [other, (px, py)] if other != (px, py) else [(px, py)], 40.0)
    elif kind == "polygon":
        w = data.draw(st.floats(0.5, 200.0))
        corners = rotated(
            [(px, py), (px + w, py), (px + w, py + w), (px, py + w)],
            data.draw(st.floats(0, 6.3)),
            (px, py),
        )
        a = area_plan(polygon(where, corners))
    else:
        a = area_plan(Circle(where.latlng(px, py), data.draw(st.floats(0.01, 100.0))))
    assert_judged(where, a, data.draw(probes(where, (px, py))))


@FUZZ
@given(
    st.integers(0, 10),
    st.integers(1, 4),
    st.sampled_from([-1.0, -0.01, 0.0, 0.01, 1.0]),
    _centre,
    _centre,
)
def test_bands_on_layer_boundaries(
    lower_layer: int, layers: int, nudge_m: float, x: float, y: float
) -> None:
    """Bands that start and end on layer boundaries, stacked one vertical minimum apart (give
    or take ``nudge_m``): exactly the minimum apart is no conflict (the minima are strict)."""
    where = place(SHENZHEN)
    config = where.config
    layer, v_min = config.layer_height_m, config.vertical_separation_m
    lower = layer * lower_layer
    upper = min(config.ceiling_m - v_min - 1.0, lower + layer * layers)
    above = upper + v_min + nudge_m
    a = area_plan(Circle(where.latlng(x, y), 30.0), lower, upper)
    b = area_plan(
        Circle(where.latlng(x + 20.0, y), 30.0), above, min(config.ceiling_m, above + layer)
    )
    flight_at_edge = flight(where, [(x - 100.0, y), (x + 100.0, y)], above)
    assert assert_judged(where, a, b) is (nudge_m < 0)
    assert assert_judged(where, a, flight_at_edge) is (nudge_m < 0)


# --------------------------------------------------------------------------------------------
# Far from the demo city: the poles, and the antimeridian


@pytest.mark.parametrize("name", [n for n in BOXES if n != SHENZHEN])
@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_deployments_near_the_poles_and_the_antimeridian(name: str, data: st.DataObject) -> None:
    """Shapes anywhere in the deployment, often on its edge: near the antimeridian some cross
    it, near the poles the cells are distorted."""
    where, box = place(name), BOXES[name]
    lat = data.draw(st.floats(box.min_lat + 0.02, box.max_lat - 0.02))
    lon = data.draw(
        st.sampled_from([box.min_lon, box.max_lon]) | st.floats(box.min_lon, box.max_lon)
    )
    centre = where.local(LatLng(lat, lon))
    if data.draw(st.booleans()):
        ring = data.draw(rings(centre, SCALES_M[:-1]))
        a, near = area_plan(polygon(where, ring)), ring[0]
    else:
        a, near = area_plan(Circle(LatLng(lat, lon), data.draw(st.floats(0.5, 5000.0)))), centre
    assert_judged(where, a, data.draw(probes(where, near)))


@pytest.mark.parametrize("name", list(BOXES))
@settings(FUZZ, max_examples=30)
@given(st.data(), st.floats(0.01, 3000.0), st.floats(0.0, 60.0))
def test_circle_covers_hold_every_cell_they_touch(
    name: str, data: st.DataObject, radius_m: float, margin_m: float
) -> None:
    """Points sampled inside a circle widened by the margin all lie in covered cells (also
    across the antimeridian, and where polar cells are skewed)."""
    where, box = place(name), BOXES[name]
    lon = data.draw(
        st.sampled_from([box.min_lon, box.max_lon]) | st.floats(box.min_lon, box.max_lon)
    )
    centre = LatLng(data.draw(st.floats(box.min_lat, box.max_lat)), lon)
    projection = where.deconflictor.projection
    shape = metric_shape(Circle(centre, radius_m), projection)
    cover = where.deconflictor.grid.cover_shape(shape, margin_m)
    cx, cy = projection.to_xy(centre.lat, centre.lon)
    reach = (radius_m + margin_m) * 0.999
    for k in range(64):
        angle, f = k * 2 * math.pi / 64, (k % 4 + 1) / 4
        p = projection.to_latlng(cx + f * reach * math.cos(angle), cy + f * reach * math.sin(angle))
        cell = h3int.latlng_to_cell(p.lat, p.lon, where.config.index_resolution)
        assert cell in cover, f"{p} (cell {h3.int_to_str(cell)}) not covered"


def test_the_projection_covers_the_polar_caps() -> None:
    """UTM stops at 84° N and 80° S; beyond, the metric projection is UPS."""
    for lat in (84.5, 89.9, -80.5, -89.9):
        projection = Projection(lat, 10.0)
        x, y = projection.to_xy(lat, 10.0)
        back = projection.to_latlng(x, y)
        assert back.lat == pytest.approx(lat) and back.lon == pytest.approx(10.0)


def test_a_sliver_polygon_reserves_the_cells_it_touches() -> None:
    """Found by this fuzz: four vertices on one line, under a millimetre apart, make a polygon
    simple in degrees but not in metres. GEOS buffered it to 0.2 m², so it reserved no index
    key at all, and a flight through it could be booked beside it."""
    where = place(SHENZHEN)
    sliver = Polygon(
        (
            LatLng(22.62484209674262, 114.20000319110517),
            LatLng(22.624842096768248, 114.2000031925725),
            LatLng(22.62484209690273, 114.20000320027194),
            LatLng(22.624842096929843, 114.20000320182439),
        )
    )
    a = area_plan(sliver, 0.0, 0.0)
    b = flight(where, [(-1.0, -17.5), (1.0, -17.5)], 5.0)
    assert accepted(where, a) and accepted(where, b)
    assert where.deconflictor.reservation_keys(a)
    assert assert_judged(where, a, b) is True
