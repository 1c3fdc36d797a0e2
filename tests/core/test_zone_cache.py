"""The zone checker keeps one metric shape per zone, whatever how often the zone changes."""

from __future__ import annotations

from dataclasses import replace

from airspace.deconfliction import Deconflictor
from airspace.model import AltitudeBand, Geozone, GeozoneKind
from airspace.zones import ZoneChecker
from tests import strategies


def test_a_zone_updated_many_times_is_cached_once_with_its_latest_shape() -> None:
    checker = ZoneChecker(Deconflictor(strategies.CONFIG))
    zone = Geozone(
        "park", "Park", GeozoneKind.PROHIBITED, strategies.circle(0, 0, 100), AltitudeBand(0, 120)
    )
    plan = strategies.trajectory("p", [(-500, 0, 0, 0.0), (-500, 0, 40, 10.0), (500, 0, 40, 110.0),
                                       (500, 0, 0, 120.0)])  # fmt: skip
    for version in range(1, 100):  # on the plan's track
        assert checker.check(plan, [replace(zone, update_time_s=version)]).violations
    moved = replace(zone, area=strategies.circle(0, 300, 10), update_time_s=100)
    assert not checker.check(plan, [moved]).violations  # the latest shape, not a cached one
    assert len(checker._shapes) == 1
    assert checker.check(plan, [replace(zone, update_time_s=101)]).violations
