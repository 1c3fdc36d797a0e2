"""The deployment's metric projection: WGS84 degrees to metres and back (pyproj, UTM; UPS
beyond UTM's reach, north of 84° N and south of 80° S)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyproj import CRS, Transformer
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from airspace.model import LatLng

UPS_NORTH, UPS_SOUTH = 5041, 5042
"""EPSG codes of WGS 84 / UPS North (E,N) and South (E,N): the polar caps UTM leaves out."""


def utm_crs_for(lat: float, lon: float) -> CRS:
    """The WGS84 UTM zone that holds (lat, lon), or the UPS projection of its polar cap."""
    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon, lat, lon, lat),
    )
    if not infos:
        return CRS.from_epsg(UPS_NORTH if lat > 0 else UPS_SOUTH)
    return CRS.from_epsg(int(infos[0].code))


class Projection:
    """Converts between WGS84 and the deployment's UTM zone or UPS cap (x east, y north in
    the grid, metres)."""

    def __init__(self, origin_lat: float, origin_lon: float) -> None:
        self.crs = utm_crs_for(origin_lat, origin_lon)
        self._forward = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._inverse = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self._forward.transform(lon, lat)
        return float(x), float(y)

    def to_xy_many(self, points: Sequence[LatLng]) -> tuple[np.ndarray, np.ndarray]:
        """Vectorised ``to_xy``: arrays of x and y (metres)."""
        lons = np.fromiter((p.lon for p in points), dtype=float, count=len(points))
        lats = np.fromiter((p.lat for p in points), dtype=float, count=len(points))
        x, y = self._forward.transform(lons, lats)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def grid_velocity(
        self, points: Sequence[LatLng], east_mps: np.ndarray, north_mps: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Velocities over the ground (true east, true north) as grid velocities (x, y): UTM
        grid north differs from true north by the meridian convergence, up to a few degrees."""
        xs, ys = self.to_xy_many(points)
        nudged = [LatLng(p.lat + 1e-5, p.lon) for p in points]
        nx, ny = self.to_xy_many(nudged)
        dx, dy = nx - xs, ny - ys
        length = np.hypot(dx, dy)
        ux, uy = dx / length, dy / length  # true north, in grid axes
        return east_mps * uy + north_mps * ux, -east_mps * ux + north_mps * uy

    def to_latlng(self, x: float, y: float) -> LatLng:
        lon, lat = self._inverse.transform(x, y)
        return LatLng(float(lat), float(lon))

    def inverse_arrays(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Arrays of metres to arrays of (longitude, latitude) degrees."""
        lons, lats = self._inverse.transform(xs, ys)
        return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
