"""Fleet delivery planning end to end in the core: OR-Tools assignment, conflict-free legs."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from airspace.config import AirspaceConfig
from airspace.deconfliction import Deconflictor
from airspace.model import AltitudeBand, LatLng, NavigationTolerance, Vehicle
from airspace.zone_formats import load_demo_city
from airspace.zones import ZoneChecker
from planner.fleet import (
    DeliveryOrder,
    DeliveryRequest,
    DepotSite,
    FleetDrone,
    plan_deliveries,
)
from tests import bruteforce
from tests.builders import offset

CONFIG = AirspaceConfig()
T0 = 1_796_112_000.0
VEHICLE = Vehicle("UAS-FLEET", 15.0, 20.0, 3.0, 3.0, 1800.0)
DEPOT_A = (22.5400, 114.0570)
DEPOT_B = (22.5600, 114.1050)


def request(order_count: int, seed: int = 1) -> DeliveryRequest:
    rng = random.Random(seed)
    depots = [DepotSite("A", LatLng(*DEPOT_A)), DepotSite("B", LatLng(*DEPOT_B))]
    drones = [FleetDrone(f"D{i}", "AB"[i % 2], VEHICLE, 2.5) for i in range(4)]
    orders = []
    for k in range(order_count):
        depot = "AB"[k % 2]
        origin = DEPOT_A if depot == "A" else DEPOT_B
        drop = offset(origin, rng.uniform(-2500, 2500), rng.uniform(-1500, 1500))
        start = T0 + rng.uniform(600, 3000)
        orders.append(
            DeliveryOrder(f"O{k}", depot, LatLng(*drop), rng.uniform(0.5, 2.0), start, start + 1800)
        )
    orders.append(
        DeliveryOrder("HEAVY", "A", LatLng(*offset(DEPOT_A, 500, 0)), 9.0, T0 + 600, T0 + 3600)
    )
    return DeliveryRequest(
        depots,
        drones,
        orders,
        "op-demo",
        AltitudeBand(40, 80),
        NavigationTolerance(5, 5),
        T0,
        T0 + 4 * 3600,
    )


@pytest.fixture(scope="module")
def planned() -> tuple[DeliveryRequest, object]:
    deconflictor = Deconflictor(CONFIG)
    req = request(12)
    result = plan_deliveries(
        req,
        zones=load_demo_city(),
        existing=(),
        deconflictor=deconflictor,
        zone_checker=ZoneChecker(deconflictor),
        time_limit_s=3.0,
    )
    return req, result


def test_every_order_is_delivered_or_listed_with_a_reason(planned) -> None:  # type: ignore[no-untyped-def]
    req, result = planned
    delivered = [o for f in result.flights for o in f.order_ids]
    unserved = [u.order_id for u in result.unserved]
    assert sorted(delivered + unserved) == sorted(o.order_id for o in req.orders)
    assert len(set(delivered)) == len(delivered)
    assert dict((u.order_id, u.reason) for u in result.unserved)["HEAVY"] == "TOO_HEAVY"
    assert len(delivered) >= 10


def test_deliveries_arrive_inside_their_windows(planned) -> None:  # type: ignore[no-untyped-def]
    req, result = planned
    orders = {o.order_id: o for o in req.orders}
    for flight in result.flights:
        for order_id in flight.order_ids:
            landing = flight.plan.waypoints[-1]
            order = orders[order_id]
            assert landing.time_s <= order.latest_s + 1e-6
            assert abs(landing.position.lat - order.dropoff.lat) < 1e-6


def test_flights_are_conflict_free_with_each_other_and_avoid_zones(planned) -> None:  # type: ignore[no-untyped-def]
    _, result = planned
    plans = [f.plan for f in result.flights]
    for i, (a, b) in enumerate(itertools.combinations(plans, 2)):
        a_id, b_id = replace(a, flight_plan_id=f"a{i}"), replace(b, flight_plan_id=f"b{i}")
        assert not bruteforce.conflicts(a_id, b_id, CONFIG, margin_m=1e-6)
    deconflictor = Deconflictor(CONFIG)
    zones = ZoneChecker(deconflictor)
    for plan in plans:
        assert not zones.check(plan, load_demo_city()).violations


def test_no_order_is_both_delivered_and_unserved(planned) -> None:  # type: ignore[no-untyped-def]
    _, result = planned
    delivered = {o for f in result.flights for o in f.order_ids}
    assert not delivered & {u.order_id for u in result.unserved}
