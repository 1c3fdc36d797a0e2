"""Faults injected into single vehicles, and the small syntax the CLI reads them from.

``INDEX:KIND=VALUE[,KIND=VALUE...]``, INDEX a vehicle index (0-based) or a range FIRST-LAST:

    drift=M       drifts sideways (to the right of its track) by up to M metres, at 1 m/s
                  from departure: the plan stays put, the vehicle leaves it
    early=S       departs S seconds before its plan's first waypoint time (and flies the
                  whole plan S seconds early)
    lost=T+D      lost link T seconds after departure (after the fleet starts, for a
                  vehicle without a plan), for D seconds: it sends nothing and hears
                  nothing, but keeps flying
    gps=SIGMA     reported positions carry Gaussian noise of SIGMA metres (1.5 × SIGMA
                  vertically); the vehicle itself flies true

Example: ``3:drift=40`` · ``0-4:gps=3`` · ``7:early=60,lost=30+20``
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

DRIFT_RATE_MPS = 1.0
"""How fast a drifting vehicle moves off its track, until it is ``drift_m`` away."""


@dataclass(frozen=True, slots=True)
class Faults:
    drift_m: float = 0.0
    early_s: float = 0.0
    lost_after_s: float | None = None
    """Seconds after departure when the link goes down."""
    lost_for_s: float = 0.0
    gps_sigma_m: float = 0.0

    def link_down(self, since_departure_s: float) -> bool:
        """Whether the link is down this long after departure."""
        if self.lost_after_s is None:
            return False
        return self.lost_after_s <= since_departure_s < self.lost_after_s + self.lost_for_s

    def drift_at(self, since_departure_s: float) -> float:
        """How far off its track the vehicle is this long after departure (metres)."""
        return min(self.drift_m, max(0.0, since_departure_s) * DRIFT_RATE_MPS)


def parse_fault(text: str) -> tuple[range, Faults]:
    """One ``INDEX:KIND=VALUE,...`` specification; ValueError saying what is wrong."""
    where, sep, what = text.partition(":")
    if not sep or not what:
        raise ValueError(f"{text!r}: expected INDEX:KIND=VALUE, e.g. 3:drift=40")
    try:
        first, _, last = where.partition("-")
        indices = range(int(first), int(last or first) + 1)
    except ValueError:
        raise ValueError(f"{text!r}: {where!r} is not an index or FIRST-LAST range") from None
    if not indices or indices.start < 0:
        raise ValueError(f"{text!r}: empty or negative index range")
    faults = Faults()
    for item in what.split(","):
        kind, _, value = item.partition("=")
        try:
            faults = _with(faults, kind.strip(), value.strip())
        except ValueError as exc:
            raise ValueError(f"{text!r}: {item!r}: {exc}") from None
    return indices, faults


def faults_by_vehicle(specs: Iterable[str]) -> dict[int, Faults]:
    """Every vehicle's faults from repeated specifications; later ones add to earlier ones."""
    found: dict[int, Faults] = {}
    for spec in specs:
        indices, faults = parse_fault(spec)
        for i in indices:
            found[i] = _merge(found.get(i, Faults()), faults)
    return found


def _with(faults: Faults, kind: str, value: str) -> Faults:
    if kind == "lost":
        after, plus, duration = value.partition("+")
        if not plus:
            raise ValueError("use lost=T+D (seconds after departure + seconds)")
        return replace(faults, lost_after_s=_number(after), lost_for_s=_number(duration))
    fields = {"drift": "drift_m", "early": "early_s", "gps": "gps_sigma_m"}
    if kind not in fields:
        raise ValueError("the kinds are drift, early, lost and gps")
    return replace(faults, **{fields[kind]: _number(value)})


def _number(text: str) -> float:
    number = float(text)
    if not number >= 0 or number == float("inf"):
        raise ValueError(f"{text!r} must be a finite number ≥ 0")
    return number


def _merge(a: Faults, b: Faults) -> Faults:
    default = Faults()
    return replace(
        a,
        **{
            name: getattr(b, name)
            for name in Faults.__dataclass_fields__
            if getattr(b, name) != getattr(default, name)
        },
    )
