"""Concurrency soak: many clients submitting, retrying, cancelling, listing, streaming telemetry
and watching at once against one server on loopback, then a check of what it stored.

    python -m bench.soak [--seconds 180] [--steady-seconds 60] [--submitters 8] [--watchers 4]
                         [--stations 4]

The server runs in its own process on the embedded store and the wall clock (``python -m
bench.servers airspace``). Plans are deliveries packed into one hour over a 20 km city, so
that many are refused for conflicts. Afterwards, checked independently of the service:
- the brute-force checker finds no conflicting pair among the plans holding airspace;
- every plan the service acknowledged is stored, in the state the soak left it in;
- a retried request id got the first answer back;
- only expected statuses came back (no INTERNAL, UNKNOWN);
- the server's memory (RSS, sampled each second): it grows with the plans stored while they
  are booked; then, in a steady phase where the same load goes on but books nothing new (the
  submitters re-send request ids already answered), it must stay flat.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from airspace.config import AirspaceConfig
from airspace.errors import AirspaceError, FailedPrecondition, ResourceExhausted, Unavailable
from airspace.model import HOLDING_STATES, FlightPlan
from airspace.sdk import NO_RETRY, AsyncAirspaceClient
from airspace.server import convert
from airspace.timestamps import to_timestamp
from airspace.v1 import common_pb2, telemetry_pb2
from airspace.v1 import flight_plan_pb2 as fp
from airspace.v1 import telemetry_service_pb2 as telemetry_pb
from bench.machine import describe
from bench.servers import free_port, spawn
from bench.traffic import CITY_CENTER, delivery_plans
from tests.bruteforce import find_conflicting_pairs

OPERATORS = ("demo-operator", "demo-operator-2", "bench")
REGULATOR = "demo-regulator"
STEADY_WARM_UP_S = 5.0
"""Seconds of the steady phase before its memory baseline (calls booked last still finish)."""
EXPECTED_FAILURES = (ResourceExhausted, FailedPrecondition, Unavailable)
"""Statuses a busy, healthy server may answer with (UNAVAILABLE: a deadline under load)."""
STATE_OF = {message: state for state, message in convert.STATES_OUT.items()}
CANCEL_SHARE = 0.1
RETRY_SHARE = 0.05


@dataclass
class Ledger:
    """What the clients saw, to check against what the server stored."""

    acknowledged: dict[str, int] = field(default_factory=dict)
    """Plan id → the state the soak last saw it in (accepted, then perhaps cancelled)."""
    statuses: Counter[str] = field(default_factory=Counter)
    """Answers by kind: OK, or the SDK's error class."""
    unexpected: Counter[str] = field(default_factory=Counter)
    """The errors among them that a busy, healthy server does not answer with."""
    calls: Counter[str] = field(default_factory=Counter)
    replays_differing: int = 0
    events_watched: int = 0
    states_sent: int = 0
    rss_kib: list[tuple[float, int]] = field(default_factory=list)
    """(seconds since the start, server RSS in KiB), one sample a second."""


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def submitter(
    target: str, token: str, seed: int, ledger: Ledger, stop_booking: float, stop: float
) -> None:
    """Submits new plans until ``stop_booking``, then re-sends the ones it sent until ``stop``."""
    rng = random.Random(seed)
    plans = delivery_plans(seed=seed, start_s=time.time() + 300, day_s=3600.0)
    sent: list[tuple[fp.FlightPlan, str]] = []
    async with AsyncAirspaceClient(target, token, timeout_s=10.0) as client:
        mine: list[str] = []
        for n, plan in enumerate(plans):
            if time.monotonic() > stop_booking:
                break
            request_id = f"soak-{seed}-{n}"
            message = convert.plan_out(plan)
            sent.append((message, request_id))
            first = await _call(ledger, "submit", client.submit_flight_plan(message, request_id))
            if first is None:
                continue
            plan_id = first.flight_plan.flight_plan_id
            if first.flight_plan.state == fp.FLIGHT_PLAN_STATE_ACCEPTED:
                ledger.acknowledged[plan_id] = fp.FLIGHT_PLAN_STATE_ACCEPTED
                mine.append(plan_id)
            if rng.random() < RETRY_SHARE:
                again = await _call(
                    ledger, "submit (retry)", client.submit_flight_plan(message, request_id)
                )
                ledger.replays_differing += again is not None and _answer(again) != _answer(first)
            if mine and rng.random() < CANCEL_SHARE:
                victim = mine.pop(rng.randrange(len(mine)))
                if await _call(ledger, "cancel", client.cancel_flight_plan(victim)) is not None:
                    ledger.acknowledged[victim] = fp.FLIGHT_PLAN_STATE_CANCELLED
            if n % 50 == 0:
                await _call(ledger, "list", _count(client.iter_flight_plans()))
        for n, (message, request_id) in enumerate(itertools.cycle(sent)):
            if time.monotonic() > stop:
                return
            await _call(ledger, "submit (replay)", client.submit_flight_plan(message, request_id))
            if n % 50 == 0:
                await _call(ledger, "list", _count(client.iter_flight_plans()))


def _answer(response: Any) -> Any:
    """A submission's answer but for its suggested alternative, which is advice about the
    airspace at the moment of answering (found anew for a retry, so it may differ)."""
    answer = type(response)()
    answer.CopyFrom(response)
    answer.ClearField("suggested_alternative")
    return answer


async def watcher(target: str, ledger: Ledger, stop: float) -> None:
    async with AsyncAirspaceClient(target, REGULATOR, retry=NO_RETRY) as client:
        try:
            async with asyncio.timeout(max(0.0, stop - time.monotonic())):
                async for _ in client.watch_airspace():
                    ledger.events_watched += 1
        except TimeoutError:
            pass


async def station(target: str, token: str, seed: int, ledger: Ledger, stop: float) -> None:
    """A ground station reporting 20 vehicles without plans (each raises one alert) at 5 Hz."""
    rng = random.Random(seed)

    async def batches() -> Any:
        while time.monotonic() < stop:
            now_s = time.time()
            states = [
                telemetry_pb2.VehicleState(
                    registration_id=f"SOAK-{seed}-{v}",
                    time=to_timestamp(now_s),
                    position=common_pb2.LatLng(
                        latitude_deg=CITY_CENTER[0] + rng.uniform(-0.05, 0.05),
                        longitude_deg=CITY_CENTER[1] + rng.uniform(-0.05, 0.05),
                    ),
                    altitude_m=rng.uniform(30, 100),
                )
                for v in range(20)
            ]
            ledger.states_sent += len(states)
            yield telemetry_pb.StreamTelemetryRequest(states=states)
            await asyncio.sleep(0.2)

    async with AsyncAirspaceClient(target, token, retry=NO_RETRY) as client:
        await _call(ledger, "telemetry stream", _count(client.stream_telemetry(batches())))


async def _count(responses: Any) -> int:
    return sum([1 async for _ in responses])


async def _call(ledger: Ledger, kind: str, call: Any) -> Any:
    """Await one call, counting its kind and its outcome's status."""
    ledger.calls[kind] += 1
    try:
        answer = await call
    except AirspaceError as exc:
        ledger.statuses[type(exc).__name__] += 1
        if not isinstance(exc, EXPECTED_FAILURES):
            ledger.unexpected[type(exc).__name__] += 1
        return None
    ledger.statuses["OK"] += 1
    return answer


async def sample_memory(pid: int, ledger: Ledger, stop: float) -> None:
    started = time.monotonic()
    while time.monotonic() < stop:
        ledger.rss_kib.append((time.monotonic() - started, rss_kib(pid)))
        await asyncio.sleep(1.0)


async def stored_plans(target: str) -> list[fp.FlightPlan]:
    async with AsyncAirspaceClient(target, REGULATOR, timeout_s=60.0) as client:
        return [p async for p in client.iter_flight_plans()]


def domain_plan(message: fp.FlightPlan) -> FlightPlan:
    """A listed plan as the checker reads it: its geometry, id and state."""
    return replace(
        convert.plan_in(message),
        flight_plan_id=message.flight_plan_id,
        operator_id=message.operator_id,
        state=STATE_OF[message.state],
    )


async def soak(target: str, pid: int, args: argparse.Namespace) -> Ledger:
    ledger = Ledger()
    stop_booking = time.monotonic() + args.seconds
    stop = stop_booking + args.steady_seconds
    tasks = [sample_memory(pid, ledger, stop)]
    tasks += [
        submitter(target, OPERATORS[i % len(OPERATORS)], i, ledger, stop_booking, stop)
        for i in range(args.submitters)
    ]
    tasks += [watcher(target, ledger, stop) for _ in range(args.watchers)]
    tasks += [
        station(target, OPERATORS[i % len(OPERATORS)], 1000 + i, ledger, stop)
        for i in range(args.stations)
    ]
    await asyncio.gather(*tasks)
    return ledger


def check(ledger: Ledger, listed: list[fp.FlightPlan], booking_s: float) -> dict[str, Any]:
    """The figures of one soak and what the checks found."""
    state_of = {p.flight_plan_id: p.state for p in listed}
    plans = [domain_plan(p) for p in listed]
    holding = [p for p in plans if p.state in HOLDING_STATES]
    missing = [i for i, state in ledger.acknowledged.items() if state_of.get(i) != state]
    steady = [kib for at_s, kib in ledger.rss_kib if at_s > booking_s + STEADY_WARM_UP_S]
    return {
        "calls": sum(ledger.calls.values()),
        "calls_by_kind": dict(ledger.calls),
        "statuses": dict(ledger.statuses),
        "unexpected_statuses": dict(ledger.unexpected),
        "plans_stored": len(plans),
        "plans_holding": len(holding),
        "acknowledged": len(ledger.acknowledged),
        "acknowledged_missing": missing,
        "replays_differing": ledger.replays_differing,
        "conflicting_pairs": find_conflicting_pairs(holding, AirspaceConfig()),
        "events_watched": ledger.events_watched,
        "states_sent": ledger.states_sent,
        "rss_start_kib": ledger.rss_kib[0][1],
        "rss_steady_start_kib": steady[0],
        "rss_end_kib": ledger.rss_kib[-1][1],
        "rss_peak_kib": max(kib for _, kib in ledger.rss_kib),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start a server, soak it, check it, stop it."""
    port = free_port()
    process = spawn("airspace", "--port", str(port))
    target = f"127.0.0.1:{port}"
    try:
        ledger = asyncio.run(soak(target, process.pid, args))
        plans = asyncio.run(stored_plans(target))
        figures = check(ledger, plans, args.seconds)
        figures["server_alive"] = process.poll() is None
        return figures
    finally:
        process.kill()
        process.wait()
        assert process.stdout is not None
        process.stdout.close()


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="booking phase")
    parser.add_argument("--steady-seconds", type=float, default=60.0, help="no new bookings")
    parser.add_argument("--submitters", type=int, default=8)
    parser.add_argument("--watchers", type=int, default=4)
    parser.add_argument("--stations", type=int, default=4)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    figures = run(args)
    print(
        f"# Soak: {args.seconds:.0f} s booking + {args.steady_seconds:.0f} s steady, "
        f"{args.submitters} submitters, {args.watchers} "
        f"watchers, {args.stations} telemetry streams, one server (embedded store)"
    )
    print(f"# Machine: {describe()}")
    rows = [
        ("calls made", f"{figures['calls']:,}"),
        ("statuses", ", ".join(f"{k} {v:,}" for k, v in sorted(figures["statuses"].items()))),
        ("unexpected statuses", str(figures["unexpected_statuses"] or "none")),
        ("plans stored / holding airspace", f"{figures['plans_stored']:,} / "
                                             f"{figures['plans_holding']:,}"),
        ("acknowledged plans missing or changed", str(len(figures["acknowledged_missing"]))),
        ("retries answered differently", str(figures["replays_differing"])),
        ("conflicting pairs (brute force)", str(len(figures["conflicting_pairs"]))),
        ("watch events / states sent", f"{figures['events_watched']:,} / "
                                       f"{figures['states_sent']:,}"),
        ("server RSS: start / steady phase start / end (MiB)",
         " / ".join(f"{figures[k] / 1024:.0f}"
                    for k in ("rss_start_kib", "rss_steady_start_kib", "rss_end_kib"))),
        ("server alive at the end", str(figures["server_alive"])),
    ]  # fmt: skip
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
