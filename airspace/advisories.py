"""Resolution advisories: the least disruptive manoeuvre that clears a predicted conflict.

The vehicle that must yield is offered candidate manoeuvres, tried in this order — the first
that works is the advisory:

1. heading changes of 15°, 30°, 45°, 60°, 90°, right before left at each size (right first, as
   the rules of the air have it for aircraft meeting head-on), ground speed and vertical speed
   kept;
2. altitude changes to ``vertical_margin_m`` beyond the vertical minimum above or below the
   other vehicle's altitude at the closest approach, the smaller change first (a climb first
   when they are equal), flown at the vertical rate limit and held level once reached; never
   below the ground (0 m AGL) — the caller's floor and ceiling come in through ``is_allowed``;
3. ground speed changes — slow to half, stop (hover), speed up to ``max_speed_mps`` — the
   smaller change first (slowing first when equal), track and vertical speed kept.

Manoeuvres start now (no reaction delay: multirotors change velocity in well under a second).
A manoeuvre is accepted when the manoeuvred vehicle, extrapolated over the look-ahead, is in
conflict with no vehicle at all — every vehicle whose swept box it can reach, found through the
same index as detection — and every sampled point of its new path is allowed by ``is_allowed``
(the caller's geozones, floor and ceiling). A loss of separation that exists now cannot be undone
at once: with a vehicle already too close, the manoeuvre must end that loss within
``loss_exit_s`` and stay clear of it afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from airspace.tactical import PredictedConflict, SweptBoxIndex, TrafficArrays, verdict

IsAllowed = Callable[[float, float, float], bool]
"""(x_m, y_m, alt_m) in the traffic's frame → may the vehicle be there?"""

AdvisoryKind = Literal["heading", "altitude", "speed"]

HEADING_CHANGES_DEG = (15.0, 30.0, 45.0, 60.0, 90.0)
_MOVING_MPS = 1e-6


def _anywhere(x_m: float, y_m: float, alt_m: float) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Advisory:
    """A manoeuvre for one vehicle, starting now."""

    vehicle_index: int
    kind: AdvisoryKind
    heading_change_deg: float
    """Track change, positive to the right (clockwise); 0 unless ``kind`` is "heading"."""
    target_alt_m: float
    """Altitude to level off at; for other kinds the current altitude (vertical speed kept)."""
    target_speed_mps: float
    """Ground speed to fly (the current one unless ``kind`` is "speed")."""
    description: str
    vx_mps: float
    """Velocity flown from now (east, north, up), metres per second."""
    vy_mps: float
    vz_mps: float
    level_off_s: float
    """When the vertical speed becomes 0 (altitude advisories); +inf otherwise."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The advisory, or None and why no manoeuvre works."""

    advisory: Advisory | None
    reason: str
    rejected: tuple[str, ...]
    """Each manoeuvre tried before the advisory (or all of them), with why it failed."""


def manoeuvred_traffic(
    traffic: TrafficArrays, advisory: Advisory, at_s: float = 0.0
) -> TrafficArrays:
    """Everyone extrapolated ``at_s`` seconds ahead, the advised vehicle flying its manoeuvre."""
    k = advisory.vehicle_index
    climb_s = min(at_s, advisory.level_off_s)
    vz = advisory.vz_mps if at_s < advisory.level_off_s else 0.0
    return traffic.advanced(at_s).with_state(
        k,
        x_m=float(traffic.x_m[k]) + advisory.vx_mps * at_s,
        y_m=float(traffic.y_m[k]) + advisory.vy_mps * at_s,
        alt_m=float(traffic.alt_m[k]) + advisory.vz_mps * climb_s,
        vx_mps=advisory.vx_mps,
        vy_mps=advisory.vy_mps,
        vz_mps=vz,
    )


def resolve(
    traffic: TrafficArrays,
    conflict: PredictedConflict,
    yielding_index: int,
    *,
    is_allowed: IsAllowed = _anywhere,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
    max_speed_mps: float = 20.0,
    max_vertical_rate_mps: float = 3.0,
    vertical_margin_m: float = 5.0,
    loss_exit_s: float = 10.0,
    index: SweptBoxIndex | None = None,
) -> Advisory | None:
    """The least disruptive manoeuvre for ``yielding_index`` that clears the look-ahead, or None.

    ``advise`` takes the same arguments and also says why nothing works.
    """
    return advise(
        traffic,
        conflict,
        yielding_index,
        is_allowed=is_allowed,
        horizontal_m=horizontal_m,
        vertical_m=vertical_m,
        lookahead_s=lookahead_s,
        max_speed_mps=max_speed_mps,
        max_vertical_rate_mps=max_vertical_rate_mps,
        vertical_margin_m=vertical_margin_m,
        loss_exit_s=loss_exit_s,
        index=index,
    ).advisory


def advise(
    traffic: TrafficArrays,
    conflict: PredictedConflict,
    yielding_index: int,
    *,
    is_allowed: IsAllowed = _anywhere,
    horizontal_m: float = 50.0,
    vertical_m: float = 15.0,
    lookahead_s: float = 30.0,
    max_speed_mps: float = 20.0,
    max_vertical_rate_mps: float = 3.0,
    vertical_margin_m: float = 5.0,
    loss_exit_s: float = 10.0,
    index: SweptBoxIndex | None = None,
    sample_spacing_m: float = 5.0,
) -> Resolution:
    """Tries the manoeuvres in order of disruption (see the module docstring).

    ``index`` may be passed when it was built over the same traffic object and minima;
    otherwise one is built here, and kept for the next call on the same traffic object (so a
    monitor advising on every conflict of one snapshot builds it once; the traffic arrays must
    not be changed in place). ``is_allowed`` is sampled along each new path at least every
    ``sample_spacing_m`` metres and every second, from just after now to the end of the
    look-ahead.
    """
    if yielding_index not in (conflict.i, conflict.j):
        raise ValueError("the yielding vehicle must be one of the conflicting pair")
    if max_vertical_rate_mps <= 0 or max_speed_mps < 0:
        raise ValueError("rate and speed limits must be positive")
    index = _index_for(traffic, horizontal_m, vertical_m, lookahead_s, index)
    checker = _Checker(
        traffic,
        yielding_index,
        index,
        is_allowed,
        horizontal_m,
        vertical_m,
        lookahead_s,
        max_speed_mps,
        loss_exit_s,
        sample_spacing_m,
    )
    other = conflict.j if yielding_index == conflict.i else conflict.i
    rejected: list[str] = []
    for advisory in _candidates(
        traffic,
        yielding_index,
        other,
        conflict.t_cpa_s,
        vertical_m + vertical_margin_m,
        max_speed_mps,
        max_vertical_rate_mps,
        lookahead_s,
    ):
        why = checker.why_not(advisory)
        if why is None:
            return Resolution(advisory, "", tuple(rejected))
        rejected.append(f"{advisory.description}: {why}")
    if not rejected:
        return Resolution(None, "the vehicle can neither turn, change altitude nor speed", ())
    return Resolution(
        None, f"none of {len(rejected)} manoeuvres restores separation", tuple(rejected)
    )


_last_index: list[SweptBoxIndex] = []
"""The index built for the last snapshot advised on: one pass of a monitor advises on many
conflicts of the same snapshot, and building an index costs as much as detection."""


def _index_for(
    traffic: TrafficArrays,
    horizontal_m: float,
    vertical_m: float,
    lookahead_s: float,
    given: SweptBoxIndex | None,
) -> SweptBoxIndex:
    for index in (given, *_last_index):
        if (
            index is not None
            and index.traffic is traffic
            and (index.horizontal_m, index.lookahead_s) == (horizontal_m, lookahead_s)
        ):
            return index
    built = SweptBoxIndex(traffic, horizontal_m, vertical_m, lookahead_s)
    _last_index[:] = [built]
    return built


def _candidates(
    t: TrafficArrays,
    k: int,
    other: int,
    t_cpa_s: float,
    offset_m: float,
    max_speed_mps: float,
    max_rate_mps: float,
    lookahead_s: float,
) -> Iterator[Advisory]:
    vx, vy, vz = float(t.vx_mps[k]), float(t.vy_mps[k]), float(t.vz_mps[k])
    alt = float(t.alt_m[k])
    speed = math.hypot(vx, vy)
    track = math.degrees(math.atan2(vx, vy)) % 360.0
    moving = speed > _MOVING_MPS
    if moving:
        for size in HEADING_CHANGES_DEG:
            for change in (size, -size):
                new = math.radians(track + change)
                side = "right" if change > 0 else "left"
                yield Advisory(
                    k,
                    "heading",
                    change,
                    alt,
                    speed,
                    f"turn {side} {size:.0f}° onto track {(track + change) % 360:03.0f}°, "
                    f"keep {speed:.1f} m/s",
                    speed * math.sin(new),
                    speed * math.cos(new),
                    vz,
                    math.inf,
                )
    reference = float(t.alt_m[other] + t.vz_mps[other] * t_cpa_s)
    targets = sorted(
        ((reference + offset_m, 0), (reference - offset_m, 1)),
        key=lambda target: (abs(target[0] - alt), target[1]),
    )
    for target, _ in targets:
        change = target - alt
        if abs(change) < 1e-9 or target < 0.0:  # no change, or into the ground
            continue
        rate = math.copysign(max_rate_mps, change)
        level_s = abs(change) / max_rate_mps
        verb = "climb" if change > 0 else "descend"
        when = f"level in {level_s:.1f} s" if level_s < lookahead_s else "beyond the look-ahead"
        yield Advisory(
            k,
            "altitude",
            0.0,
            target,
            speed,
            f"{verb} to {target:.0f} m at {max_rate_mps:.1f} m/s ({when})",
            vx,
            vy,
            rate,
            level_s,
        )
    speeds = [0.5 * speed, 0.0] if moving else []
    if moving and max_speed_mps > speed:
        speeds.append(max_speed_mps)
    for target in sorted(speeds, key=lambda s: (abs(s - speed), s > speed)):
        scale = target / speed
        if target == 0:
            text = "stop and hover" if vz == 0 else f"stop over the ground, keep {vz:+.1f} m/s up"
        elif target < speed:
            text = f"slow to {target:.1f} m/s on track {track:03.0f}°"
        else:
            text = f"speed up to {target:.1f} m/s on track {track:03.0f}°"
        yield Advisory(k, "speed", 0.0, alt, target, text, vx * scale, vy * scale, vz, math.inf)


class _Checker:
    """Tests a manoeuvre of one vehicle against the traffic near it and the allowed airspace."""

    def __init__(
        self,
        traffic: TrafficArrays,
        k: int,
        index: SweptBoxIndex,
        is_allowed: IsAllowed,
        horizontal_m: float,
        vertical_m: float,
        lookahead_s: float,
        max_speed_mps: float,
        loss_exit_s: float,
        sample_spacing_m: float,
    ) -> None:
        t = traffic
        self.traffic, self.k = t, k
        self.is_allowed = is_allowed
        self.h, self.v, self.lookahead = horizontal_m, vertical_m, lookahead_s
        self.loss_exit_s = loss_exit_s
        self.spacing = sample_spacing_m
        x, y = float(t.x_m[k]), float(t.y_m[k])
        reach = max(math.hypot(float(t.vx_mps[k]), float(t.vy_mps[k])), max_speed_mps)
        reach *= lookahead_s
        reach += horizontal_m / 2 + 1e-3 + 1e-9 * (abs(x) + abs(y) + reach)
        near = index.query(x - reach, y - reach, x + reach, y + reach)
        self.others = near[near != k]
        o = self.others
        dx, dy, dz = t.x_m[o] - x, t.y_m[o] - y, t.alt_m[o] - t.alt_m[k]
        self.in_loss = (dx * dx + dy * dy < horizontal_m**2) & (np.abs(dz) < vertical_m)

    def why_not(self, advisory: Advisory) -> str | None:
        return self._traffic_problem(advisory) or self._airspace_problem(advisory)

    def _segments(self, a: Advisory) -> list[tuple[float, float, float]]:
        """(start, end, vertical speed) of the manoeuvred path's straight pieces."""
        if a.level_off_s < self.lookahead:
            return [(0.0, a.level_off_s, a.vz_mps), (a.level_off_s, self.lookahead, 0.0)]
        return [(0.0, self.lookahead, a.vz_mps)]

    def _traffic_problem(self, a: Advisory) -> str | None:
        t, k, o = self.traffic, self.k, self.others
        if o.shape[0] == 0:
            return None
        for start, end, vz in self._segments(a):
            x = float(t.x_m[k]) + a.vx_mps * start
            y = float(t.y_m[k]) + a.vy_mps * start
            z = float(t.alt_m[k]) + a.vz_mps * min(start, a.level_off_s)
            found = verdict(
                t.x_m[o] + t.vx_mps[o] * start - x,
                t.y_m[o] + t.vy_mps[o] * start - y,
                t.alt_m[o] + t.vz_mps[o] * start - z,
                t.vx_mps[o] - a.vx_mps,
                t.vy_mps[o] - a.vy_mps,
                t.vz_mps[o] - vz,
                horizontal_m=self.h,
                vertical_m=self.v,
                lookahead_s=end - start,
            )
            ends = start + np.minimum(found.t_out_s, end - start)
            bad = found.conflict & (~self.in_loss | (ends > self.loss_exit_s))
            if np.any(bad):
                first = int(np.argmin(np.where(bad, found.t_in_s, np.inf)))
                who = t.ids[int(o[first])]
                if self.in_loss[first]:
                    return f"does not end the loss of separation with {who} in time"
                return f"conflicts with {who} at {start + float(found.t_in_s[first]):.1f} s"
        return None

    def _airspace_problem(self, a: Advisory) -> str | None:
        t, k = self.traffic, self.k
        x0, y0, z0 = float(t.x_m[k]), float(t.y_m[k]), float(t.alt_m[k])
        length = math.hypot(a.vx_mps, a.vy_mps, a.vz_mps) * self.lookahead
        count = max(1, math.ceil(self.lookahead), math.ceil(length / self.spacing))
        times = [self.lookahead * step / count for step in range(1, count + 1)]
        if 0 < a.level_off_s < self.lookahead:
            times.append(a.level_off_s)
        for when in sorted(times):
            x, y = x0 + a.vx_mps * when, y0 + a.vy_mps * when
            z = z0 + a.vz_mps * min(when, a.level_off_s)
            if not self.is_allowed(x, y, z):
                return f"leaves the allowed airspace at {when:.1f} s ({x:.0f}, {y:.0f}, {z:.0f} m)"
        return None
