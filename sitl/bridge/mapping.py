"""Which vehicle and flight plan each MAVLink system id stands for.

Fixed assignments come from a manifest file, ``{"vehicles": [{"system_id": 1,
"registration_id": "UAS-1", "flight_plan_id": "..."}]}`` (``flight_plan_id`` optional), and
from ``SYSID=REGISTRATION[:PLAN_ID]`` specs, which override the manifest. A system id with no
assignment flies as ``MAV-<sysid>``. A vehicle without a fixed plan id flies the plan the
service holds activated for its registration (ACTIVATED, NONCONFORMING or CONTINGENT),
looked up periodically; with none, its states carry no plan id and the service raises its own
"no activated plan" alert.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from airspace.sdk import AirspaceClient
from airspace.timestamps import from_timestamp
from airspace.v1 import flight_plan_pb2

DEFAULT_REGISTRATION_PREFIX = "MAV-"
"""Registration of an unassigned system id: ``MAV-7`` for system 7."""
FLYING_STATES = [
    flight_plan_pb2.FLIGHT_PLAN_STATE_ACTIVATED,
    flight_plan_pb2.FLIGHT_PLAN_STATE_NONCONFORMING,
    flight_plan_pb2.FLIGHT_PLAN_STATE_CONTINGENT,
]
"""Plan states in which a vehicle is flying its plan."""


@dataclass(frozen=True, slots=True)
class Assignment:
    system_id: int
    """MAVLink system id (1–255)."""
    registration_id: str
    flight_plan_id: str = ""
    """Empty: the vehicle's activated plan is looked up from the service."""


def _system_id(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 255:
        raise ValueError(f"{where}: system_id must be an integer from 1 to 255, not {value!r}")
    return value


def parse_manifest(document: object, source: str = "manifest") -> list[Assignment]:
    """The assignments of a manifest document; ValueError naming the bad entry."""
    if not isinstance(document, dict) or not isinstance(document.get("vehicles"), list):
        raise ValueError(f'{source}: expected {{"vehicles": [...]}}')
    assignments: dict[int, Assignment] = {}
    for i, entry in enumerate(document["vehicles"]):
        where = f"{source}: vehicles[{i}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected an object")
        unknown = set(entry) - {"system_id", "registration_id", "flight_plan_id"}
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        system_id = _system_id(entry.get("system_id"), where)
        registration, plan = entry.get("registration_id"), entry.get("flight_plan_id", "")
        if not isinstance(registration, str) or not registration:
            raise ValueError(f"{where}: registration_id must be a non-empty string")
        if not isinstance(plan, str):
            raise ValueError(f"{where}: flight_plan_id must be a string")
        if system_id in assignments:
            raise ValueError(f"{where}: system_id {system_id} is assigned twice")
        assignments[system_id] = Assignment(system_id, registration, plan)
    return list(assignments.values())


def load_manifest(path: Path) -> list[Assignment]:
    """The assignments of a manifest file; ValueError when it is unreadable or malformed."""
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return parse_manifest(document, str(path))


def parse_vehicle_spec(spec: str) -> Assignment:
    """``SYSID=REGISTRATION[:PLAN_ID]``, e.g. ``3=UAS-3`` or ``3=UAS-3:5f0c…``."""
    number, sep, rest = spec.partition("=")
    registration, _, plan = rest.partition(":")
    try:
        system_id = int(number)
    except ValueError:
        system_id = 0
    if not sep or not registration or not 1 <= system_id <= 255:
        raise ValueError(f"{spec!r}: expected SYSID=REGISTRATION[:PLAN_ID], SYSID in 1..255")
    return Assignment(system_id, registration, plan)


class VehicleMap:
    """System id → registration and plan id, fixed or looked up."""

    def __init__(self, assignments: Iterable[Assignment] = ()) -> None:
        self._fixed = {a.system_id: a for a in assignments}
        self._looked_up: Mapping[str, str] = {}
        self._resolved: set[str] = set()

    def registration(self, system_id: int) -> str:
        fixed = self._fixed.get(system_id)
        return fixed.registration_id if fixed else f"{DEFAULT_REGISTRATION_PREFIX}{system_id}"

    def plan(self, system_id: int) -> str:
        """The plan id to send; empty when there is none."""
        fixed = self._fixed.get(system_id)
        if fixed and fixed.flight_plan_id:
            return fixed.flight_plan_id
        return self._looked_up.get(self.registration(system_id), "")

    def needs_lookup(self, system_id: int) -> bool:
        fixed = self._fixed.get(system_id)
        return not (fixed and fixed.flight_plan_id)

    def pending(self, system_id: int) -> bool:
        """Whether the vehicle's plan must be looked up and no lookup has covered it yet."""
        return self.needs_lookup(system_id) and (self.registration(system_id) not in self._resolved)

    def set_looked_up(self, plans: Mapping[str, str], covered: Iterable[str]) -> None:
        """Take a lookup's answer: ``plans`` (registration → plan id) for the registrations
        it ``covered``, replacing the previous answer in one step."""
        self._looked_up = plans
        self._resolved.update(covered)


def flying_plans(connect: Callable[[], AirspaceClient], now_s: float) -> dict[str, str]:
    """Registration → id of the plan it flies, among the caller's plans in a flying state.

    When a vehicle has several, the one whose time window holds ``now_s`` wins, then the one
    that starts last. Raises ``airspace.sdk.AirspaceError`` when the service cannot answer.
    """
    best: dict[str, tuple[tuple[bool, float], str]] = {}
    with connect() as client:
        for plan in client.iter_flight_plans(states=FLYING_STATES):
            start = from_timestamp(plan.time_window.start_time)
            end = from_timestamp(plan.time_window.end_time)
            rank = (start <= now_s <= end, start)
            registration = plan.vehicle.registration_id
            if registration not in best or rank > best[registration][0]:
                best[registration] = (rank, plan.flight_plan_id)
    return {registration: plan_id for registration, (_, plan_id) in best.items()}
