"""The pure parts: the kinematics step and the smoothed plan reference, without sockets."""

from __future__ import annotations

import numpy as np
import pytest

from sitl import px4
from sitl.dynamics import Command, Limits, step, wind_from
from sitl.reference import PlanReference, half_window_s, leg_modes

LIMITS = Limits(np.array([20.0]), np.array([3.0]), np.array([2.0]), 3.0, 3.0)


def _command(target: list[float], speed: float = 50.0, armed: bool = True) -> Command:
    return Command(np.array([target]), np.zeros((1, 3)), np.array([speed]), np.array([armed]))


def _fly(target: list[float], seconds: float, start: list[float], **kw: object) -> list[np.ndarray]:
    pos, vel = np.array([start]), np.zeros((1, 3))
    wind = np.array(kw.pop("wind", (0.0, 0.0)))
    history = []
    for _ in range(int(seconds / 0.1)):
        pos, vel = step(pos, vel, _command(target, **kw), LIMITS, wind, 0.1)  # type: ignore[arg-type]
        history.append(np.hstack([pos[0], vel[0]]))
    return history


def test_limits_acceleration_speed_climb_and_descent() -> None:
    h = np.array(_fly([5000, 0, 50], 60, [0, 0, 10]))
    speeds = np.hypot(h[:, 3], h[:, 4])
    assert speeds.max() == pytest.approx(20.0) and np.diff(speeds).max() <= 0.3 + 1e-9
    assert h[:, 5].max() == pytest.approx(3.0)
    down = np.array(_fly([0, 0, 0], 30, [0, 0, 40]))
    assert down[:, 5].min() == pytest.approx(-2.0) and down[-1, 2] == 0.0


def test_a_vehicle_lifts_off_vertically_and_stops_at_its_target() -> None:
    h = np.array(_fly([100, 0, 30], 40, [0, 0, 0]))
    assert np.all(h[h[:, 2] < 0.01, 0] == 0)  # no sliding along the ground
    assert h[-1, :3] == pytest.approx([100, 0, 30], abs=0.05)
    assert np.all(h[:, 0] < 100.2)  # brakes in time: no overshoot


def test_disarmed_vehicles_do_not_move() -> None:
    h = np.array(_fly([100, 0, 30], 5, [0, 0, 0], armed=False))
    assert np.all(h == 0)


def test_headwind_slows_the_vehicle_over_the_ground_and_tailwind_speeds_it_up() -> None:
    east_wind = wind_from(8.0, 270.0)  # from the west: blows east
    assert east_wind == pytest.approx((8.0, 0.0))
    downwind = np.array(_fly([5000, 0, 10], 40, [0, 0, 10], wind=east_wind))
    upwind = np.array(_fly([-5000, 0, 10], 40, [0, 0, 10], wind=east_wind))
    assert downwind[-1, 3] == pytest.approx(28.0, abs=0.01)  # 20 m/s air speed + 8
    assert upwind[-1, 3] == pytest.approx(-12.0, abs=0.01)


def test_the_reference_is_on_the_plan_between_corners_and_cuts_corners_by_at_most_v2_8a() -> None:
    times = np.array([0.0, 20.0, 120.0, 140.0])
    points = np.array([[0, 0, 0], [0, 0, 60], [1500, 0, 60], [1500, 0, 0]], dtype=float)
    h = half_window_s(points, times, 3.0, 3.0)
    assert h == pytest.approx(15.0 / 3.0 / 2)
    ref = PlanReference([times], [points], np.array([h]))
    pos, vel = ref.at(70.0)
    assert pos[0] == pytest.approx([750, 0, 60]) and vel[0] == pytest.approx([15, 0, 0])
    pos, _ = ref.at(120.0)
    assert np.linalg.norm(pos[0, :2] - points[2, :2]) == pytest.approx(15.0**2 / 24, rel=0.01)
    assert pos[0, 2] == pytest.approx(60 - 3.0 * 5 / 8)  # the descent's corner: v·2h/8
    samples = np.array([ref.at(t)[1][0] for t in np.arange(-5, 150, 0.1)])
    assert np.abs(np.diff(samples, axis=0)).max() <= 3.0 * 0.1 + 1e-6  # feasible: ≤ 3 m/s²
    assert list(ref.leg(-1.0)) == [-1] and list(ref.leg(130.0)) == [2]
    assert list(ref.leg(141.0)) == [3]
    assert leg_modes(points) == [px4.TAKEOFF, px4.MISSION, px4.LAND]
    hover = np.array([[0, 0, 0], [0, 0, 30], [0, 0, 30], [0, 0, 0]], dtype=float)
    assert leg_modes(hover) == [px4.TAKEOFF, px4.LOITER, px4.LAND]
