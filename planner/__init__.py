"""Route planning on the airspace grid: pure functions, no I/O.

``plan_route`` answers PlanRoute: a 4-D trajectory between two points in a departure window that
avoids every geozone forbidding the operator and is strategically conflict-free against the
accepted plans, or the reason there is none. ``alternatives`` offers conflict-free variants of a
rejected plan (later departure, other layer, detour), nearest first.
"""

from planner.model import NoRoute, Route, RouteRequest
from planner.route import plan_route
from planner.trajectory import ENERGY_MODEL, EnergyModel
from planner.variants import alternatives

__all__ = [
    "ENERGY_MODEL",
    "EnergyModel",
    "NoRoute",
    "Route",
    "RouteRequest",
    "alternatives",
    "plan_route",
]
