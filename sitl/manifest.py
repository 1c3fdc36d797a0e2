"""The fleet's manifest for the bridge: which MAVLink system flies which registration and plan.

    {"vehicles": [{"system_id": 1, "registration_id": "UAS-1", "flight_plan_id": "3f0c…"}]}

A vehicle without a plan has an empty ``flight_plan_id``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sitl.vehicle import Vehicle


def manifest(vehicles: Iterable[Vehicle]) -> dict[str, Any]:
    return {
        "vehicles": [
            {
                "system_id": v.system_id,
                "registration_id": v.registration_id,
                "flight_plan_id": v.flight_plan_id,
            }
            for v in vehicles
        ]
    }


def write_manifest(path: Path, vehicles: Iterable[Vehicle]) -> None:
    path.write_text(json.dumps(manifest(vehicles), indent=1) + "\n")
