"""`airspace monitor`: the regulator's live view, as a table that refreshes in place."""

from __future__ import annotations

import itertools
import json
import math
import time
from collections import deque
from collections.abc import Iterable

from google.protobuf import json_format
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table

from airspace.sdk import Reconnected, describe_event
from airspace.sdk._events import conflict_line, conformance_line
from airspace.v1 import (
    common_pb2,
    flight_plan_pb2,
    monitor_service_pb2,
    telemetry_service_pb2,
)

KIND_NAMES = ("traffic", "conformance", "conflict", "plan", "geozone")
LOG_LINES = 12


def parse_area(text: str) -> common_pb2.Area:
    """'LAT,LON,RADIUS_M' → a circle."""
    lat, lon, radius = (float(v) for v in text.split(","))
    return common_pb2.Area(
        circle=common_pb2.Circle(
            center=common_pb2.LatLng(latitude_deg=lat, longitude_deg=lon), radius_m=radius
        )
    )


def kind_values(kinds: Iterable[str]) -> list[int]:
    return [monitor_service_pb2.EventKind.Value(f"EVENT_KIND_{k.upper()}") for k in kinds]


def alert_lines(response: telemetry_service_pb2.StreamTelemetryResponse) -> list[str]:
    """Log lines for the alerts and conflicts pushed on a telemetry stream."""
    now_s = time.time()
    return [conformance_line(a) for a in response.alerts] + [
        conflict_line(c, now_s) for c in response.conflicts
    ]


def traffic_table(snapshot: monitor_service_pb2.TrafficSnapshot) -> Table:
    table = Table(
        "vehicle",
        "operator",
        "plan",
        "state",
        "lat",
        "lon",
        "alt m",
        "speed m/s",
        title=f"{len(snapshot.tracks)} vehicles",
    )
    for track in sorted(snapshot.tracks, key=lambda t: t.state.registration_id):
        s = track.state
        state = flight_plan_pb2.FlightPlanState.Name(track.plan_state).split("_")[-1].lower()
        table.add_row(
            s.registration_id,
            track.operator_id,
            s.flight_plan_id[:8] or "-",
            "-" if track.plan_state == 0 else state,
            f"{s.position.latitude_deg:.5f}",
            f"{s.position.longitude_deg:.5f}",
            f"{s.altitude_m:.0f}",
            f"{math.hypot(s.velocity_north_mps, s.velocity_east_mps):.1f}",
        )
    return table


class View:
    """Renders watched events: a table of traffic with a log of alerts that refreshes in place,
    or one JSON object a line (``{"reconnected": ...}`` lines mark gaps after a reconnection)."""

    def __init__(self, console: Console, *, as_json: bool) -> None:
        self._console = console
        self._as_json = as_json
        self._log: deque[str] = deque(maxlen=LOG_LINES)

    def reconnected(self, news: Reconnected) -> None:
        """The stream broke and is back: say so, since events in the gap may be missing."""
        if self._as_json:
            self._json_line({"reconnected": {"gap_s": round(news.gap_s, 3), "cause": news.cause}})
        else:
            self._log.append(
                f"[yellow]RECONNECTED after {news.gap_s:.1f} s ({news.cause}); "
                "events in the gap may be missing[/]"
            )

    def show(
        self, events: Iterable[monitor_service_pb2.WatchAirspaceResponse], count: int | None
    ) -> None:
        """Render events until the stream ends or ``count`` were shown."""
        numbered = zip(itertools.count(1), events, strict=False)
        if self._as_json:
            for shown, event in numbered:
                self._json_line(json_format.MessageToDict(event, preserving_proto_field_name=True))
                if shown == count:
                    return
            return
        traffic = Table(title="waiting for traffic…")
        with Live(Group(traffic), console=self._console, refresh_per_second=4) as live:
            for shown, event in numbered:
                line = describe_event(event)
                if line is None:
                    traffic = traffic_table(event.traffic)
                else:
                    self._log.append(line)
                live.update(Group(traffic, *self._log))
                if shown == count:
                    return

    def _json_line(self, document: dict[str, object]) -> None:
        self._console.print_json(json.dumps(document), indent=None)
