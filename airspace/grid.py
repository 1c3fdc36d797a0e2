"""The reservation index: H3 cells × altitude layers × time buckets.

A footprint reserves every key whose cell, layer and bucket its nominal geometry comes within
a margin of. With the margin of each plan set to its own tolerance plus half the separation
minimum, two plans in conflict always share a key: at the moment of conflict, the point that
splits the gap between them in proportion to their margins is within both margins, and its key
is reserved by both. The index is a conservative pre-filter; the verdict stays exact geometry.

Covering a straight leg: points are sampled along it, each sample's cell and its ``k``-ring are
candidates, and a candidate is kept when its centre is within margin + circumradius of the leg.
``k`` comes from the cell sizes measured over the deployment, so that every cell that can touch
the widened leg is among the candidates.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator
from itertools import product

import h3.api.basic_int as h3
import numpy as np
import shapely

from airspace.config import AirspaceConfig
from airspace.errors import ResourceExhausted
from airspace.footprint import Footprint, MetricShape
from airspace.geo import Projection

Key = tuple[int, int, int]
"""(H3 cell at the index resolution, altitude layer, time bucket)."""
Column = tuple[int, int]
"""(H3 cell, time bucket): a key but for its layer."""
LOWEST_LAYER = -64
"""The lowest layer that layer masks tell apart from those below it (640 m below the ground in
10 m layers): lower layers count as it, a superset, as a pre-filter may be."""

MAX_KEYS_PER_PLAN = 250_000
_CIRCLE_SIDES_PER_QUADRANT = 8


class ReservedKeys(Collection[Key]):
    """The index keys a footprint reserves, held by column: ``masks`` maps each (cell, bucket)
    to a non-zero mask with bit ``layer - LOWEST_LAYER`` set for each layer reserved there. A
    plan reserves a few columns but many layers, so this is what is built, kept and compared;
    iterating yields every key (layers below ``LOWEST_LAYER`` as ``LOWEST_LAYER``)."""

    __slots__ = ("masks",)

    def __init__(self, masks: dict[Column, int] | None = None) -> None:
        self.masks: dict[Column, int] = {} if masks is None else masks

    @classmethod
    def of(cls, keys: Iterable[Key]) -> ReservedKeys:
        return keys if isinstance(keys, ReservedKeys) else cls(layer_masks(keys))

    def cells(self) -> set[int]:
        return {cell for cell, _ in self.masks}

    def __iter__(self) -> Iterator[Key]:
        for (cell, bucket), mask in self.masks.items():
            layer = LOWEST_LAYER
            while mask:
                if mask & 1:
                    yield cell, layer, bucket
                mask >>= 1
                layer += 1

    def __len__(self) -> int:
        return sum(mask.bit_count() for mask in self.masks.values())

    def __bool__(self) -> bool:
        return any(self.masks.values())

    def __contains__(self, key: object) -> bool:
        """Whether the key's layer, or ``LOWEST_LAYER`` for any below it, is reserved."""
        if not isinstance(key, tuple) or len(key) != 3:
            return False
        cell, layer, bucket = key
        return bool(self.masks.get((cell, bucket), 0) & _layer_bits(layer, layer))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReservedKeys) and self.masks == other.masks

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ReservedKeys({self.masks!r})"


def layer_masks(keys: Iterable[Key]) -> dict[Column, int]:
    """The keys by column: (cell, bucket) → a mask with bit ``layer - LOWEST_LAYER`` set for each
    layer held there."""
    if isinstance(keys, ReservedKeys):
        return keys.masks
    masks: dict[Column, int] = {}
    for cell, layer, bucket in keys:
        column = (cell, bucket)
        masks[column] = masks.get(column, 0) | _layer_bits(layer, layer)
    return masks


def _layer_bits(lowest: int, highest: int) -> int:
    """The mask of layers ``lowest`` to ``highest``, both included (none if inverted)."""
    if highest < lowest:
        return 0
    lowest, highest = max(lowest, LOWEST_LAYER), max(highest, LOWEST_LAYER)
    return ((1 << (highest - lowest + 1)) - 1) << (lowest - LOWEST_LAYER)


class ReservationGrid:
    """Maps footprints to the index keys they reserve."""

    def __init__(self, config: AirspaceConfig, projection: Projection) -> None:
        self.resolution = config.index_resolution
        self.layer_height_m = config.layer_height_m
        self.bucket_s = config.time_bucket_s
        self._projection = projection
        self.circumradius_m, self.spacing_m = measure_cells(config, projection)
        self._centres: dict[int, tuple[float, float]] = {}
        self._disks: dict[tuple[int, int], list[int]] = {}

    # -- keys --------------------------------------------------------------------------------
    def keys(self, footprint: Footprint, margin_h_m: float, margin_v_m: float) -> ReservedKeys:
        """Every key the footprint, widened by the margins, touches."""
        reserving = _Reserving()
        if footprint.track is not None:
            pieces = list(self._track_pieces(footprint))
            cells = self._cover_segments([(p[1], p[2]) for p in pieces], margin_h_m)
            for (bucket, _, _, z_lo, z_hi), piece_cells in zip(pieces, cells, strict=True):
                layers = self.layers(z_lo - margin_v_m, z_hi + margin_v_m)
                reserving.add(piece_cells, layers, (bucket,))
        for volume in footprint.volumes:
            cells_v = self.cover_shape(volume.shape, margin_h_m)
            layers = self.layers(volume.lower_m - margin_v_m, volume.upper_m + margin_v_m)
            reserving.add(cells_v, layers, self.buckets(volume.start_s, volume.end_s))
        return reserving.reserved

    def layers(self, lower_m: float, upper_m: float) -> range:
        return range(
            math.floor(lower_m / self.layer_height_m), math.floor(upper_m / self.layer_height_m) + 1
        )

    def buckets(self, start_s: float, end_s: float) -> range:
        return range(math.floor(start_s / self.bucket_s), math.floor(end_s / self.bucket_s) + 1)

    def _track_pieces(
        self, footprint: Footprint
    ) -> Iterator[tuple[int, tuple[float, float], tuple[float, float], float, float]]:
        """(bucket, start xy, end xy, lowest z, highest z) of each leg cut at bucket edges."""
        track = footprint.track
        assert track is not None
        t, x, y, z = track.t, track.x, track.y, track.z
        for i in range(len(t) - 1):
            t0, t1 = t[i], t[i + 1]
            for bucket in self.buckets(t0, t1):
                a = max(t0, bucket * self.bucket_s)
                b = min(t1, (bucket + 1) * self.bucket_s)
                fa, fb = (a - t0) / (t1 - t0), (b - t0) / (t1 - t0)
                za, zb = z[i] + fa * (z[i + 1] - z[i]), z[i] + fb * (z[i + 1] - z[i])
                yield (
                    bucket,
                    (x[i] + fa * (x[i + 1] - x[i]), y[i] + fa * (y[i + 1] - y[i])),
                    (x[i] + fb * (x[i + 1] - x[i]), y[i] + fb * (y[i + 1] - y[i])),
                    min(za, zb),
                    max(za, zb),
                )

    # -- covers ------------------------------------------------------------------------------
    def _cover_segments(
        self, segments: list[tuple[tuple[float, float], tuple[float, float]]], margin_m: float
    ) -> list[set[int]]:
        """For each segment, the cells within ``margin_m`` of it."""
        step = self.spacing_m / 2
        reach = margin_m + 2 * self.circumradius_m + step / 2
        k = max(1, math.ceil(reach / (self.spacing_m * math.sqrt(3) / 2)) - 1)
        keep_within = margin_m + self.circumradius_m
        counts: list[int] = []
        xs: list[float] = []
        ys: list[float] = []
        for (ax, ay), (bx, by) in segments:
            n = max(1, math.ceil(math.hypot(bx - ax, by - ay) / step) + 1)
            counts.append(n)
            fractions = [i / (n - 1) for i in range(n)] if n > 1 else [0.0]
            xs.extend(ax + f * (bx - ax) for f in fractions)
            ys.extend(ay + f * (by - ay) for f in fractions)
        if not segments:
            return []
        lons, lats = self._projection.inverse_arrays(np.asarray(xs), np.asarray(ys))
        sample_cells = [
            h3.latlng_to_cell(lat, lon, self.resolution)
            for lat, lon in zip(lats.tolist(), lons.tolist(), strict=True)
        ]
        out: list[set[int]] = []
        start = 0
        for ((ax, ay), (bx, by)), n in zip(segments, counts, strict=True):
            candidates: set[int] = set()
            for cell in set(sample_cells[start : start + n]):
                candidates.update(self._disk(cell, k))
            start += n
            out.append(self._near_segment(candidates, ax, ay, bx, by, keep_within))
        return out

    def _disk(self, cell: int, k: int) -> list[int]:
        disk = self._disks.get((cell, k))
        if disk is None:
            disk = self._disks[(cell, k)] = h3.grid_disk(cell, k)
        return disk

    def cover_shape(self, shape: MetricShape, margin_m: float) -> set[int]:
        """The cells within ``margin_m`` of a polygon or circle."""
        reach = shape.radius_m + margin_m + self.circumradius_m + 1.0
        reach /= math.cos(math.pi / (4 * _CIRCLE_SIDES_PER_QUADRANT))
        core = shape.core
        if not core.is_valid:  # a sliver simple in degrees but not in metres: GEOS buffers
            core = core.convex_hull  # it wrongly (to almost nothing); its hull holds it all
        area = shapely.segmentize(
            core.buffer(reach, quad_segs=_CIRCLE_SIDES_PER_QUADRANT), self.spacing_m / 4
        )
        xs, ys = area.exterior.coords.xy
        lons, lats = self._projection.inverse_arrays(np.asarray(xs), np.asarray(ys))
        ring = list(zip(lats.tolist(), lons.tolist(), strict=True))
        return set(h3.h3shape_to_cells(h3.LatLngPoly(ring), self.resolution))

    def _near_segment(
        self, cells: set[int], ax: float, ay: float, bx: float, by: float, within_m: float
    ) -> set[int]:
        """The cells whose centre is within ``within_m`` of the segment (the hot loop of every
        submission: kept inline)."""
        centres = self._centres
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        limit2 = within_m * within_m
        kept = set()
        for cell in cells:
            centre = centres.get(cell)
            if centre is None:
                centre = centres[cell] = self._projection.to_xy(*h3.cell_to_latlng(cell))
            px, py = centre[0] - ax, centre[1] - ay
            f = (px * dx + py * dy) / length2 if length2 else 0.0
            f = 0.0 if f < 0.0 else 1.0 if f > 1.0 else f
            ex, ey = px - f * dx, py - f * dy
            if ex * ex + ey * ey <= limit2:
                kept.add(cell)
        return kept


class _Reserving:
    """Builds a ``ReservedKeys``, refusing a plan of more than ``MAX_KEYS_PER_PLAN`` keys before
    building them. ``count`` bounds the keys reserved so far: the sum of what each addition may
    add while far from the limit, the exact number once near it."""

    __slots__ = ("count", "exact", "reserved")

    def __init__(self) -> None:
        self.reserved = ReservedKeys()
        self.count = 0
        self.exact = False

    def add(self, cells: Collection[int], layers: range, buckets: Collection[int]) -> None:
        """Reserve ``layers`` in each column of ``cells`` × ``buckets``."""
        adding = len(cells) * len(layers) * len(buckets)
        if not self.exact and self.count + adding > MAX_KEYS_PER_PLAN:
            self.count, self.exact = len(self.reserved), True
        if self.count + adding > MAX_KEYS_PER_PLAN:
            raise ResourceExhausted(
                f"the plan would reserve more than {MAX_KEYS_PER_PLAN} index keys; "
                "split it into shorter or smaller plans",
                reason="PLAN_TOO_LARGE",
            )
        bits = _layer_bits(layers.start, layers.stop - 1)
        if not bits:
            return
        masks, exact, added = self.reserved.masks, self.exact, 0
        for column in product(cells, buckets):
            held = masks.get(column, 0)
            masks[column] = held | bits
            if exact:
                added += (bits & ~held).bit_count()
        self.count += added if exact else adding


def measure_cells(config: AirspaceConfig, projection: Projection) -> tuple[float, float]:
    """(largest circumradius, smallest centre spacing) of index cells over the deployment, metres,
    with a safety factor for the distortion between the sampled places."""
    b = config.bounds
    circumradius, spacing = 0.0, math.inf
    for lat in np.linspace(b.min_lat, b.max_lat, 5):
        for lon in np.linspace(b.min_lon, b.max_lon, 5):
            cell = h3.latlng_to_cell(float(lat), float(lon), config.index_resolution)
            cx, cy = projection.to_xy(*h3.cell_to_latlng(cell))
            for vlat, vlon in h3.cell_to_boundary(cell):
                vx, vy = projection.to_xy(vlat, vlon)
                circumradius = max(circumradius, math.hypot(vx - cx, vy - cy))
            for neighbour in h3.grid_ring(cell, 1):
                nx, ny = projection.to_xy(*h3.cell_to_latlng(neighbour))
                spacing = min(spacing, math.hypot(nx - cx, ny - cy))
    return circumradius * 1.05 + 1.0, spacing * 0.95
