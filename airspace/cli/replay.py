"""`airspace telemetry replay`: stream recorded vehicle states to the service, in real time.

The file is CSV with the header
``registration_id,flight_plan_id,t_s,lat,lon,alt_m,vn_mps,ve_mps,vd_mps`` where ``t_s`` counts
seconds from the start of the replay; states are sent when their time comes (``speed`` times
faster) and stamped with the wall clock, so a recording replays as live traffic.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

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
Sent = Callable[[int], None]


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


@contextmanager
def progress(console: Console, rows: list[Row], *, enabled: bool) -> Iterator[Sent | None]:
    """A progress bar of the states sent (None when ``enabled`` is false, e.g. for --json);
    lines printed meanwhile appear above it."""
    if not enabled:
        yield None
        return
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("replaying", total=len(rows))
        yield lambda count: bar.advance(task, count)


def requests(
    rows: list[Row], speed: float = 1.0, sent: Sent | None = None
) -> Iterator[pb.StreamTelemetryRequest]:
    """One request per distinct time, sent when that time comes; ``sent`` is told how many
    states went out each time."""
    start = time.time()
    for t_s, grouped in groupby(rows, key=lambda r: r.t_s):
        group = list(grouped)
        delay = start + t_s / speed - time.time()
        if delay > 0:
            time.sleep(delay)
        stamp = to_timestamp(time.time())
        if sent is not None:
            sent(len(group))
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
