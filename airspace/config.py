"""Deployment settings shared by every part of the service."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """The horizontal extent of the managed airspace (degrees)."""

    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def __post_init__(self) -> None:
        if not (-90 <= self.min_lat < self.max_lat <= 90):
            raise ValueError("bounds: need -90 <= min_lat < max_lat <= 90")
        if not (-180 <= self.min_lon < self.max_lon <= 180):
            raise ValueError(
                "bounds: need -180 <= min_lon < max_lon <= 180 (an airspace across the "
                "antimeridian is not supported)"
            )

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lon) of the middle of the box."""
        return ((self.min_lat + self.max_lat) / 2, (self.min_lon + self.max_lon) / 2)


SHENZHEN = BoundingBox(min_lat=22.40, min_lon=113.75, max_lat=22.85, max_lon=114.65)
"""The demo city: Shenzhen, Guangdong."""

DAY_S = 86_400.0


@dataclass(frozen=True, slots=True)
class AirspaceConfig:
    """Semantics of one deployment: separation minima, grid, limits."""

    bounds: BoundingBox = SHENZHEN
    """The managed airspace; positions outside it are refused."""
    horizontal_separation_m: float = 50.0
    """Strategic and tactical horizontal separation minimum (metres)."""
    vertical_separation_m: float = 15.0
    """Strategic and tactical vertical separation minimum (metres)."""
    tactical_lookahead_s: float = 30.0
    """How far ahead live conflict detection extrapolates (seconds)."""
    floor_m: float = 0.0
    """Lowest managed altitude (metres AGL)."""
    ceiling_m: float = 120.0
    """Highest managed altitude (metres AGL)."""
    ground_elevation_m: float = 0.0
    """Ground elevation above mean sea level (metres), used to turn AMSL telemetry into AGL."""
    grid_resolution: int = 11
    """H3 resolution of the airspace grid used for route search and occupancy (edge about 29 m)."""
    layer_height_m: float = 10.0
    """Height of one altitude layer of the grid and of the reservation index (metres)."""
    index_resolution: int = 8
    """H3 resolution of the reservation index that finds candidate conflicts (edge about 530 m,
    0.74 km²). Coarse on purpose, like the ~1 km² S2 level-13 cells of ASTM F3548: it is only
    a pre-filter, the verdict is exact geometry. Finer cells mean more keys per plan and fewer
    candidates; at city traffic densities resolution 8 costs least (see bench.strategic)."""
    time_bucket_s: float = 120.0
    """Length of one time bucket of the reservation index (seconds)."""
    max_plan_lead_s: float = 30 * DAY_S
    """How far ahead a plan may start (seconds)."""
    max_plan_duration_s: float = DAY_S
    """Longest span of one plan (seconds)."""
    max_vertices: int = 10_000
    """Most vertices (waypoints plus polygon vertices) in one plan or zone."""
    conformance_time_tolerance_s: float = 10.0
    """How far ahead of or behind its schedule a vehicle may be and still conform (ASTM F3548's
    10 s excursion)."""
    contingent_after_s: float = 60.0
    """How long a vehicle may stay non-conforming before its plan becomes contingent (F3548)."""
    max_state_rate_hz: float = 100.0
    """Most states a second one vehicle's track takes: a state less than ``1 / rate`` after the
    vehicle's previous one is refused (a storm from one vehicle costs its own states only)."""
    telemetry_timeout_s: float = 15.0
    """Silence after which an activated flight is contingent (lost link)."""
    monitor_period_s: float = 0.5
    """How often the live monitor checks conformance and tactical conflicts (seconds): events
    reach watchers within about this long of the state that caused them."""
    activation_lead_s: float = 900.0
    """How long before its start a plan may be activated (seconds)."""
    max_tolerance_m: float = 500.0
    """Largest navigation tolerance a plan may declare (metres)."""

    @property
    def projection_origin(self) -> tuple[float, float]:
        """(lat, lon) the metric projection is chosen for."""
        return self.bounds.center
