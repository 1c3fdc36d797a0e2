"""The reservation index covers every cell a widened footprint touches (checked against H3's own
'overlap' polygon fill), so it can never hide a conflict."""

from __future__ import annotations

from collections.abc import Iterable

import h3
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from airspace import grid
from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.errors import ResourceExhausted
from airspace.footprint import Footprint, MetricShape, MetricVolume, Track, volumes_footprint
from airspace.model import Priority

CONFIG = AirspaceConfig()
DECONFLICTOR = Deconflictor(CONFIG)
GRID = DECONFLICTOR.grid
PROJECTION = DECONFLICTOR.projection
ORIGIN_X, ORIGIN_Y = PROJECTION.to_xy(22.55, 114.06)


def reference_cells(geometry: shapely.Geometry, margin_m: float) -> set[str]:
    """Cells that overlap the geometry widened by ``margin_m`` (H3's own fill)."""
    area = shapely.segmentize(geometry.buffer(margin_m, quad_segs=16), 20)
    xs, ys = area.exterior.coords.xy
    lons, lats = PROJECTION.inverse_arrays(xs, ys)
    shape = h3.LatLngPoly(list(zip(lats.tolist(), lons.tolist(), strict=True)))
    return set(h3.h3shape_to_cells_experimental(shape, CONFIG.index_resolution, contain="overlap"))


def cells_of(keys: Iterable[tuple[int, int, int]]) -> set[str]:
    return {h3.int_to_str(cell) for cell, _, _ in keys}


coordinate = st.floats(-3000, 3000)


@settings(max_examples=150, deadline=None)
@given(coordinate, coordinate, coordinate, coordinate, st.floats(0, 80))
def test_a_leg_reserves_every_cell_its_margin_touches(
    x0: float, y0: float, x1: float, y1: float, margin_m: float
) -> None:
    ax, ay, bx, by = ORIGIN_X + x0, ORIGIN_Y + y0, ORIGIN_X + x1, ORIGIN_Y + y1
    start = 1_796_112_000.0  # a bucket boundary: the leg stays in one bucket
    footprint = Footprint(
        "p",
        Priority.COMMERCIAL,
        0,
        0,
        Track((start, start + 30), (ax, bx), (ay, by), (50, 50)),
        (),
        start,
        start + 30,
        (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)),
    )
    reserved = cells_of(GRID.keys(footprint, margin_m, 0))
    line = (
        shapely.LineString([(ax, ay), (bx, by)]) if (ax, ay) != (bx, by) else shapely.Point(ax, ay)
    )
    assert reference_cells(line, margin_m) <= reserved


@settings(max_examples=60, deadline=None)
@given(coordinate, coordinate, st.floats(1, 800), st.floats(0, 80))
def test_a_circle_reserves_every_cell_its_margin_touches(
    x: float, y: float, radius_m: float, margin_m: float
) -> None:
    shape = MetricShape(shapely.Point(ORIGIN_X + x, ORIGIN_Y + y), radius_m)
    reserved = {h3.int_to_str(c) for c in GRID.cover_shape(shape, margin_m)}
    assert reference_cells(shape.core, radius_m + margin_m) <= reserved


def test_layers_and_buckets_are_closed_at_their_edges() -> None:
    layer, bucket = GRID.layer_height_m, GRID.bucket_s
    assert list(GRID.layers(layer, 2 * layer)) == [1, 2]
    assert list(GRID.buckets(bucket, 2 * bucket)) == [1, 2]


def test_a_plan_is_refused_past_the_key_limit_and_only_past_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    disc = MetricShape(shapely.Point(ORIGIN_X, ORIGIN_Y), 1500.0)
    start = 1_796_112_000.0
    volume = MetricVolume(disc, 0.0, 25.0, start, start + 900)
    beside = MetricVolume(disc, 40.0, 95.0, start, start + 900)  # 8 layers, 7 new
    reserved = GRID.keys(volumes_footprint("big", (volume,)), 30.0, 7.5)
    count = len(reserved)
    assert count == len(set(reserved)) > 100
    monkeypatch.setattr(grid, "MAX_KEYS_PER_PLAN", count)
    assert GRID.keys(volumes_footprint("big", (volume,)), 30.0, 7.5) == reserved
    monkeypatch.setattr(grid, "MAX_KEYS_PER_PLAN", count - 1)
    with pytest.raises(ResourceExhausted) as refused:
        GRID.keys(volumes_footprint("big", (volume,)), 30.0, 7.5)
    assert refused.value.reason == "PLAN_TOO_LARGE"
    # Near the limit the count is exact: the same volume again and again adds no key...
    monkeypatch.setattr(grid, "MAX_KEYS_PER_PLAN", 2 * count)
    again = volumes_footprint("again", (volume,) * 5)
    assert GRID.keys(again, 30.0, 7.5) == reserved
    # ... and the keys of another volume count in full.
    with pytest.raises(ResourceExhausted):
        GRID.keys(volumes_footprint("beside", (volume,) * 3 + (beside,)), 30.0, 7.5)


def test_reserved_keys_without_a_layer_are_empty() -> None:
    assert not grid.ReservedKeys({(0x8841A9C3A3FFFFF, 10): 0})
