"""One simulated vehicle flies a drone's consecutive plans; each plan is activated before
its departure and ended once the vehicle has landed (real server on a manual clock)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace

import pytest

from airspace.sdk import AirspaceClient
from airspace.v1 import flight_plan_pb2
from sitl.drones import Legs, drones
from sitl.faults import Faults
from sitl.fleet import Fleet, FleetConfig
from sitl.routes import Route, route_from_plan
from sitl.service import ServiceLifecycle
from tests.builders import DEPOT, delivery, offset
from tests.conftest import T0, RunningServer

ACCEPTED = flight_plan_pb2.FLIGHT_PLAN_STATE_ACCEPTED
ACTIVATED = flight_plan_pb2.FLIGHT_PLAN_STATE_ACTIVATED
ENDED = flight_plan_pb2.FLIGHT_PLAN_STATE_ENDED
DROP_OFF = offset(DEPOT, 300, 0)


@pytest.fixture
def peer() -> Iterator[int]:
    """Where the vehicle's telemetry goes (nobody reads it here)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


def _sortie(operator: AirspaceClient) -> list[Route]:
    """Out to the drop-off at T0 + 20, back 30 s after landing there."""
    out = operator.submit_flight_plan(delivery(T0 + 20, DEPOT, DROP_OFF, altitude_m=30), "out")
    landed_s = route_from_plan(out.flight_plan).arrival_s
    back = operator.submit_flight_plan(
        delivery(landed_s + 30, DROP_OFF, DEPOT, altitude_m=30), "back"
    )
    return [route_from_plan(back.flight_plan), route_from_plan(out.flight_plan)]


def test_a_drones_plans_become_one_route_in_time_order(operator: AirspaceClient) -> None:
    back, out = _sortie(operator)
    later = tuple(t + 5 for t in out.times_s)
    other = replace(out, registration_id="UAS-A", flight_plan_id="other", times_s=later)
    (first, second) = drones([back, other, out])
    assert first.registration_id == "UAS-TEST-1"  # the earliest departure first
    assert [leg.flight_plan_id for leg in first.legs] == [out.flight_plan_id, back.flight_plan_id]
    assert second.legs == (other,)
    route = first.route
    assert route.flight_plan_id == ""
    assert route.times_s == out.times_s + back.times_s
    assert route.lats_deg[:4] == out.lats_deg and route.lats_deg[4:] == back.lats_deg
    with pytest.raises(ValueError, match="overlap in time"):
        drones([out, replace(back, times_s=tuple(t - 60 for t in back.times_s))])


def test_each_leg_is_activated_before_departure_and_ended_after_landing(
    running: RunningServer, operator: AirspaceClient, peer: int
) -> None:
    back, out = _sortie(operator)
    (drone,) = drones([out, back])
    announced: list[tuple[str, str]] = []
    lifecycle = ServiceLifecycle(operator)
    legs = Legs(
        [drone],
        [Faults()],
        lifecycle,
        lambda r, what, _: announced.append((r.flight_plan_id, what)),
    )
    config = FleetConfig(offboard_port_base=peer, ground_station_port=None, listen_port_base=0)
    clock = running.clock
    seen: dict[str, list[int]] = {}

    def fly_until(t_s: float, label: str) -> None:
        while clock.now() < t_s:
            clock.advance(fleet.tick_s)
            fleet.tick()
            legs.check(clock.now(), fleet.geodetic()[2].tolist())
        lifecycle.wait()
        seen[label] = [operator.get_flight_plan(r.flight_plan_id).state for r in (out, back)]

    with Fleet([drone.route], config, clock=clock) as fleet:
        fly_until(out.departure_s - 6, "before")
        fly_until(out.departure_s + 1, "out")
        fly_until(out.arrival_s + 5, "at the drop-off")
        lat, lon, alt = (float(v[0]) for v in fleet.geodetic())
        fly_until(back.departure_s + 1, "back")
        fly_until(back.arrival_s + 5, "home")
    lifecycle.close()
    assert seen == {
        "before": [ACCEPTED, ACCEPTED],
        "out": [ACTIVATED, ACCEPTED],
        "at the drop-off": [ENDED, ACCEPTED],
        "back": [ENDED, ACTIVATED],
        "home": [ENDED, ENDED],
    }
    assert alt < 0.2 and abs(lat - DROP_OFF[0]) < 2e-5 and abs(lon - DROP_OFF[1]) < 2e-5
    assert legs.done
    assert announced == [
        (out.flight_plan_id, "departing"), (out.flight_plan_id, "landed"),
        (back.flight_plan_id, "departing"), (back.flight_plan_id, "landed"),
    ]  # fmt: skip


def test_an_early_vehicle_has_its_plan_activated_before_it_departs(
    running: RunningServer, operator: AirspaceClient, peer: int
) -> None:
    _, out = _sortie(operator)
    (drone,) = drones([out])
    lifecycle = ServiceLifecycle(operator)
    departures: list[float] = []
    legs = Legs([drone], [Faults(early_s=12)], lifecycle, lambda r, what, at: departures.append(at))
    legs.check(out.departure_s - 12 - 5.1, [0.0])
    assert departures == []
    legs.check(out.departure_s - 12 - 4.9, [0.0])
    lifecycle.close()
    assert departures == [out.departure_s - 12]
    assert operator.get_flight_plan(out.flight_plan_id).state == ACTIVATED
