"""Strategic deconfliction: in-process check latency and gRPC submission rate, 10,000 plans.

    python -m bench.strategic [--plans 10000] [--checks 2000] [--seconds 10] [--rounds 3]

Scenario: delivery flights (1–5 km, 30–110 m, climb and descent included, 5 m tolerance) over a
20 km × 20 km square of the demo city, departures spread over 12 hours, booked until ``--plans``
are accepted. Then:
- in process: the check of a new plan (index keys, candidates from the store, exact verdict),
  next to the brute-force baseline (exact verdict against every booked plan), which must agree;
- through gRPC: SubmitFlightPlan calls/s from one client process with 64 calls in flight against
  the server in its own process (embedded store, demo geozones), next to a bare gRPC echo
  service measured the same way just before, ``--rounds`` times: the median and the range.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Sequence
from itertools import islice

import grpc

from airspace.server import convert
from airspace.v1 import flight_plan_service_pb2 as pb
from bench.machine import describe
from bench.servers import ECHO_METHOD, cpu_seconds, free_port, spawn
from bench.traffic import START_S, book, delivery_plans

SUBMIT_METHOD = "/airspace.v1.FlightPlanService/SubmitFlightPlan"
IN_FLIGHT = 64


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def in_process(plans: int, checks: int, baseline_checks: int) -> dict[str, float]:
    t0 = time.perf_counter()
    _, store, deconflictor, submitted = await book(plans, seed=1)
    load_s = time.perf_counter() - t0
    holding = await store.holding_plans()
    probes = list(islice(delivery_plans(seed=2, start_s=START_S), checks))
    indexed, verdicts = [], []
    for plan in probes:
        t = time.perf_counter()
        keys = deconflictor.reservation_keys(plan)
        verdict = deconflictor.decide(plan, await store.plans_holding(keys))
        indexed.append(time.perf_counter() - t)
        verdicts.append(verdict)
    brute, mismatches = [], 0
    for plan, verdict in zip(probes[:baseline_checks], verdicts, strict=False):
        t = time.perf_counter()
        full = deconflictor.decide(plan, holding)
        brute.append(time.perf_counter() - t)
        mismatches += {c.flight_plan_id for c in full.conflicts} != {
            c.flight_plan_id for c in verdict.conflicts
        }
    return {
        "plans": len(holding),
        "load_submissions": submitted,
        "load_s": load_s,
        "check_p50_ms": percentile(indexed, 0.5) * 1e3,
        "check_p99_ms": percentile(indexed, 0.99) * 1e3,
        "brute_p50_ms": percentile(brute, 0.5) * 1e3,
        "brute_p99_ms": percentile(brute, 0.99) * 1e3,
        "rejected_share": sum(not v.accepted for v in verdicts) / len(verdicts),
        "mismatches": mismatches,
        "baseline_checks": len(brute),
    }


# -- gRPC ------------------------------------------------------------------------------------
async def drive(
    targets: Sequence[str], method: str, payloads: list[bytes], seconds: float
) -> float:
    """Calls per second with ``IN_FLIGHT`` concurrent calls, spread evenly over ``targets``,
    for ``seconds``."""
    channels = [grpc.aio.insecure_channel(t) for t in targets]
    calls = [c.unary_unary(method) for c in channels]
    metadata = (("authorization", "Bearer bench"),)
    deadline = time.perf_counter() + seconds
    done = 0
    cursor = iter(payloads)

    async def worker(index: int) -> None:
        nonlocal done
        call = calls[index % len(calls)]
        for payload in cursor:
            if time.perf_counter() > deadline:
                return
            await call(payload, metadata=metadata)
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(IN_FLIGHT)))
    elapsed = time.perf_counter() - start
    for channel in channels:
        await channel.close()
    return done / elapsed


def submit_requests(tag: str, count: int) -> list[bytes]:
    """``count`` serialized SubmitFlightPlanRequests of new deliveries, request ids TAG-i."""
    return [
        pb.SubmitFlightPlanRequest(
            request_id=f"{tag}-{i}", flight_plan=convert.plan_out(p)
        ).SerializeToString()
        for i, p in enumerate(islice(delivery_plans(seed=3, start_s=START_S), count))
    ]


def through_grpc(plans: int, seconds: float, rounds: int) -> dict[str, list[float]]:
    """Echo, then submissions, ``rounds`` times over (a fresh server each time): this machine's
    speed drifts from minute to minute, so each round's pair is measured side by side."""
    requests = submit_requests("grpc", 60_000)
    results: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, args, method in (
            ("echo", ("echo",), ECHO_METHOD),
            ("submit", ("airspace", "--plans", str(plans)), SUBMIT_METHOD),
        ):
            port = free_port()
            process = spawn(*args, "--port", str(port))
            try:
                cpu_before = cpu_seconds(process.pid)
                rate = asyncio.run(drive([f"127.0.0.1:{port}"], method, requests, seconds))
                cpu = (cpu_seconds(process.pid) - cpu_before) / seconds
            finally:
                process.kill()
                process.wait()
            results.setdefault(f"{name}_per_s", []).append(rate)
            results.setdefault(f"{name}_server_cpu", []).append(cpu)
    results["submit_per_echo"] = [
        s / e for s, e in zip(results["submit_per_s"], results["echo_per_s"], strict=True)
    ]
    return results


def spread(values: Sequence[float], form: str) -> str:
    """The median, and the range when there are several values."""
    middle = format(percentile(values, 0.5), form)
    if len(values) == 1:
        return middle
    low, high = format(min(values), form), format(max(values), form)
    return f"{middle} ({low}–{high}, {len(values)} rounds)"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--checks", type=int, default=2_000)
    parser.add_argument("--baseline-checks", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    local = asyncio.run(in_process(args.plans, args.checks, args.baseline_checks))
    remote = through_grpc(args.plans, args.seconds, args.rounds)
    print(f"strategic deconfliction — {describe()}")
    print(
        f"scenario: {local['plans']} accepted deliveries over 20 km × 20 km, 12 h "
        f"({local['load_submissions']} submissions to book them, {local['load_s']:.1f} s)"
    )
    rows = [
        (
            "in-process check, indexed (p50 / p99 ms)",
            f"{local['check_p50_ms']:.3f} / {local['check_p99_ms']:.3f}",
        ),
        (
            "in-process check, brute force (p50 / p99 ms)",
            f"{local['brute_p50_ms']:.1f} / {local['brute_p99_ms']:.1f}",
        ),
        (
            "speed-up at p50 (brute / indexed)",
            f"{local['brute_p50_ms'] / local['check_p50_ms']:.0f}×",
        ),
        (
            "verdict mismatches, indexed vs brute force",
            f"{local['mismatches']} of {local['baseline_checks']}",
        ),
        ("share of probe plans rejected", f"{local['rejected_share']:.0%}"),
        ("gRPC SubmitFlightPlan (calls/s)", spread(remote["submit_per_s"], ",.0f")),
        ("gRPC bare echo, same client (calls/s)", spread(remote["echo_per_s"], ",.0f")),
        ("submit / echo", spread(remote["submit_per_echo"], ".2f")),
        (
            "server CPU busy during submit / echo",
            f"{percentile(remote['submit_server_cpu'], 0.5):.0%} / "
            f"{percentile(remote['echo_server_cpu'], 0.5):.0%}",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    print(json.dumps({**local, **remote}))


if __name__ == "__main__":
    main()
