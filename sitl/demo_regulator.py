"""The regulator's side of the demo: every event of the live airspace, as log lines and as a
tally for the summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format

from airspace.live import ON_GROUND_M
from airspace.sdk import AsyncAirspaceClient, Reconnected, describe_event
from airspace.timestamps import from_timestamp
from airspace.v1 import flight_plan_pb2, monitor_service_pb2, telemetry_pb2
from sitl.demo_log import Level, Line, Tell

ALERT_LEVELS: dict[str, Level] = {
    "NONCONFORMING": "alert",
    "CONTINGENT": "alert",
    "TELEMETRY_LOST": "alert",
    "NO_ACTIVATED_PLAN": "warn",
    "CONFORMING": "good",
}
PLAN_LEVELS: dict[str, Level] = {
    "ACTIVATED": "good",
    "NONCONFORMING": "alert",
    "CONTINGENT": "alert",
    "REJECTED": "warn",
}


@dataclass
class Tally:
    """What the story did, for the summary."""

    plans_booked: int = 0
    flights_flown: int = 0
    """Plans that ended (their vehicle landed)."""
    plan_events: Counter[str] = field(default_factory=Counter)
    alerts: Counter[str] = field(default_factory=Counter)
    """Conformance alerts by kind."""
    conflict_pairs: set[tuple[str, str]] = field(default_factory=set)
    conflict_reports: int = 0
    losses_of_separation: int = 0
    advisories: int = 0
    mavlink_messages: int = 0
    states_forwarded: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "plans_booked": self.plans_booked,
            "flights_flown": self.flights_flown,
            "plan_events": dict(self.plan_events),
            "alerts": dict(self.alerts),
            "conflicts": [list(pair) for pair in sorted(self.conflict_pairs)],
            "conflict_reports": self.conflict_reports,
            "losses_of_separation": self.losses_of_separation,
            "advisories": self.advisories,
            "mavlink_messages": self.mavlink_messages,
            "states_forwarded": self.states_forwarded,
        }


class Regulator:
    """Watches the whole airspace as a regulator; says what happens, tallies it, and shows
    the traffic every ``traffic_every_s``."""

    def __init__(self, tell: Tell, tally: Tally, traffic_every_s: float) -> None:
        self._tell = tell
        self._tally = tally
        self._traffic_every_s = traffic_every_s
        self._traffic_due_s = 0.0
        self._registrations: dict[str, str] = {}
        """Plan id → registration (plan events carry no vehicle), looked up once per plan."""

    async def watch(self, client: AsyncAirspaceClient) -> None:
        """Follow the live airspace until cancelled."""
        async for event in client.watch_airspace(on_reconnect=self._reconnected):
            if event.WhichOneof("event") == "plan":
                await self._look_up(client, event.plan.flight_plan_id)
            self.take(event)

    async def _look_up(self, client: AsyncAirspaceClient, plan_id: str) -> None:
        if plan_id not in self._registrations:
            plan = await client.get_flight_plan(plan_id)
            self._registrations[plan_id] = plan.vehicle.registration_id

    def take(self, event: monitor_service_pb2.WatchAirspaceResponse) -> None:
        which = event.WhichOneof("event")
        if which == "traffic":
            self._traffic(event)
            return
        text = describe_event(event) or which or "event"
        level: Level = "info"
        if which == "conformance":
            text, level = self._conformance(event.conformance, text)
        elif which == "conflict":
            level = "alert"
            self._conflict(event.conflict)
        elif which == "plan":
            text, level = self._plan(event.plan, text)
        data = json_format.MessageToDict(event, preserving_proto_field_name=True)
        self._tell(Line("regulator", text, level, {"event": data}))

    def _conformance(self, alert: telemetry_pb2.ConformanceAlert, text: str) -> tuple[str, Level]:
        kind = telemetry_pb2.AlertKind.Name(alert.kind).removeprefix("ALERT_KIND_")
        self._tally.alerts[kind] += 1
        return text, ALERT_LEVELS.get(kind, "info")

    def _conflict(self, conflict: telemetry_pb2.TacticalConflict) -> None:
        pair = sorted((conflict.registration_id_a, conflict.registration_id_b))
        self._tally.conflict_pairs.add((pair[0], pair[1]))
        self._tally.conflict_reports += 1
        self._tally.losses_of_separation += conflict.loss_of_separation
        self._tally.advisories += len(conflict.advisories)

    def _plan(self, plan: monitor_service_pb2.PlanEvent, text: str) -> tuple[str, Level]:
        state = flight_plan_pb2.FlightPlanState.Name(plan.state).removeprefix("FLIGHT_PLAN_STATE_")
        self._tally.plan_events[state] += 1
        self._tally.flights_flown += state == "ENDED"
        registration = self._registrations.get(plan.flight_plan_id)
        if registration:
            text += f" {registration}"
        if plan.reason:
            text += f": {plan.reason}"
        return text, PLAN_LEVELS.get(state, "info")

    def _traffic(self, event: monitor_service_pb2.WatchAirspaceResponse) -> None:
        now_s = from_timestamp(event.time)
        if now_s < self._traffic_due_s:
            return
        self._traffic_due_s = now_s + self._traffic_every_s
        tracks = event.traffic.tracks
        airborne = sorted(
            (t.state.registration_id, t.state.altitude_m)
            for t in tracks
            if t.state.altitude_m > ON_GROUND_M  # the service's own line
        )
        if not tracks:
            return
        flying = ", ".join(f"{r} {alt:.0f} m" for r, alt in airborne) or "none"
        self._tell(
            Line(
                "regulator",
                f"TRAFFIC            {len(tracks)} tracked, airborne: {flying}",
                data={"traffic": {"tracked": len(tracks), "airborne": [r for r, _ in airborne]}},
            )
        )

    def _reconnected(self, news: Reconnected) -> None:
        self._tell(
            Line("regulator", f"RECONNECTED after {news.gap_s:.1f} s ({news.cause})", "warn")
        )
