"""One simulated vehicle per drone, flying each of its booked plans in turn.

A delivery drone flies several plans (out to the drop-off, back to the depot), all under one
registration; two simulated vehicles under one registration would report two positions for
one drone. So a drone's plans are joined into one route for one vehicle, and ``Legs``
activates each plan before its departure and ends it once the vehicle is back on the ground.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, pairwise

from sitl.faults import Faults
from sitl.routes import Route
from sitl.service import ServiceLifecycle
from sitl.vehicle import ANNOUNCE_LEAD_S

ON_GROUND_M = 0.2
"""A vehicle lower than this (AGL) has landed."""


@dataclass(frozen=True, slots=True)
class Drone:
    registration_id: str
    legs: tuple[Route, ...]
    """Its plans, earliest first, none overlapping in time."""

    @property
    def route(self) -> Route:
        """The whole day's route for one vehicle. With several plans it carries no plan id (the
        bridge looks up the one activated)."""
        first = self.legs[0]
        if len(self.legs) == 1:
            return first
        return replace(
            first,
            flight_plan_id="",
            times_s=sum((leg.times_s for leg in self.legs), ()),
            lats_deg=sum((leg.lats_deg for leg in self.legs), ()),
            lons_deg=sum((leg.lons_deg for leg in self.legs), ()),
            altitudes_m=sum((leg.altitudes_m for leg in self.legs), ()),
        )


def drones(routes: Sequence[Route]) -> list[Drone]:
    """The drones flying ``routes``, earliest departure first. ValueError when one drone's
    plans overlap in time."""
    found = []
    by_registration = sorted(routes, key=lambda r: (r.registration_id, r.departure_s))
    for registration, group in groupby(by_registration, key=lambda r: r.registration_id):
        legs = tuple(group)
        for a, b in pairwise(legs):
            if b.departure_s <= a.arrival_s:
                raise ValueError(
                    f"{registration}: plans {a.flight_plan_id} and "
                    f"{b.flight_plan_id} overlap in time"
                )
        found.append(Drone(registration, legs))
    return sorted(found, key=lambda d: d.legs[0].departure_s)


@dataclass
class _Leg:
    vehicle: int
    route: Route
    depart_s: float
    """When the vehicle departs on it (epoch seconds, an early departure applied)."""
    arrive_s: float
    activated: bool = False
    ended: bool = False


Announce = Callable[[Route, str, float], None]
"""Told (the plan's route, 'departing' or 'landed', when the vehicle departs on it)."""


class Legs:
    """Activates each plan ``ANNOUNCE_LEAD_S`` before its vehicle departs on it and ends it
    once the vehicle is on the ground after the plan's last waypoint. ``check`` runs on the
    fleet's thread (between its ticks)."""

    def __init__(
        self,
        flown: Sequence[Drone],
        faults: Sequence[Faults],
        lifecycle: ServiceLifecycle,
        announce: Announce,
    ) -> None:
        self._lifecycle = lifecycle
        self._announce = announce
        self._legs = [
            _Leg(i, leg, leg.departure_s - fault.early_s, leg.arrival_s - fault.early_s)
            for i, (drone, fault) in enumerate(zip(flown, faults, strict=True))
            for leg in drone.legs
        ]

    @property
    def done(self) -> bool:
        """Whether every plan has been ended."""
        return all(leg.ended for leg in self._legs)

    def check(self, now_s: float, altitudes_m: Sequence[float]) -> None:
        """Activate and end what is due at ``now_s``; ``altitudes_m`` per vehicle (AGL)."""
        for leg in self._legs:
            if not leg.activated and now_s >= leg.depart_s - ANNOUNCE_LEAD_S:
                leg.activated = True
                self._lifecycle.departing(leg.route)
                self._announce(leg.route, "departing", leg.depart_s)
            elif (
                leg.activated
                and not leg.ended
                and now_s >= leg.arrive_s
                and altitudes_m[leg.vehicle] < ON_GROUND_M
            ):
                leg.ended = True
                self._lifecycle.landed(leg.route)
                self._announce(leg.route, "landed", leg.depart_s)
