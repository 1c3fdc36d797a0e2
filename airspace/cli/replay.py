"""`airspace telemetry replay`: stream recorded vehicle states to the service, in real time.

The file is CSV with the header
``registration_id,flight_plan_id,t_s,lat,lon,alt_m,vn_mps,ve_mps,vd_mps`` where ``t_s`` counts
seconds from the start of the replay; states are sent when their time comes (``speed`` times
faster) and stamped with the wall clock, so a recording replays as live traffic.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, telemetry_pb2
from airspace.v1 import telemetry_service_pb2 as pb

COLUMNS = (
    "registration_id",
    "flight_plan_id",
    "t_s",
    "lat",
    "lon",
    "alt_m",
    "vn_mps",
    "ve_mps",
    "vd_mps",
)


@dataclass(frozen=True, slots=True)
class Row:
    registration_id: str
    flight_plan_id: str
    t_s: float
    lat: float
    lon: float
    alt_m: float
    vn_mps: float
    ve_mps: float
    vd_mps: float


def read_rows(path: Path) -> list[Row]:
    """The file's states, ordered by time; ValueError naming the line when one is bad."""
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: the header must be {','.join(COLUMNS)}")
        rows = []
        for line, record in enumerate(reader, start=2):
            try:
                rows.append(
                    Row(
                        record["registration_id"],
                        record["flight_plan_id"],
                        *(float(record[c]) for c in COLUMNS[2:]),
                    )
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}, line {line}: {exc}") from exc
    return sorted(rows, key=lambda r: r.t_s)


def requests(rows: list[Row], speed: float = 1.0) -> Iterator[pb.StreamTelemetryRequest]:
    """One request per distinct time, sent when that time comes."""
    start = time.time()
    for t_s, group in groupby(rows, key=lambda r: r.t_s):
        delay = start + t_s / speed - time.time()
        if delay > 0:
            time.sleep(delay)
        stamp = to_timestamp(time.time())
        yield pb.StreamTelemetryRequest(
            states=[
                telemetry_pb2.VehicleState(
                    registration_id=r.registration_id,
                    flight_plan_id=r.flight_plan_id,
                    time=stamp,
                    position=common_pb2.LatLng(latitude_deg=r.lat, longitude_deg=r.lon),
                    altitude_m=r.alt_m,
                    velocity_north_mps=r.vn_mps,
                    velocity_east_mps=r.ve_mps,
                    velocity_down_mps=r.vd_mps,
                )
                for r in group
            ]
        )
