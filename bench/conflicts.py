"""Live conflict detection: one full pass over n airborne drones, indexed against all pairs.

    python -m bench.conflicts [--sizes 1000,5000,10000,20000] [--passes 20] [--seed 7]
    python -m bench.conflicts --density 25      (constant density: the square grows with n)
    python -m bench.conflicts --states FILE.csv --pairs-out PAIRS.csv
    python -m bench.conflicts --generate N --states-out FILE.csv [--seed 7]

Scenario: n drones spread uniformly over a 20 km × 20 km square of the demo city (Shenzhen),
altitude uniform in 0–120 m AGL, ground speed uniform in 0–20 m/s on a uniform random track,
vertical speed uniform in −3..3 m/s; separation 50 m / 15 m, look-ahead 30 s. The snapshot is
made in WGS84 (the CSV format below) and projected like a real one, so the table, ``--generate``
and ``--states`` all exercise the same path.

Snapshot CSV: ``id,lat,lon,alt_m,gs_mps,trk_deg,vs_mps`` (degrees, metres AGL, ground speed
m/s, true track degrees clockwise from north, vertical speed m/s up). Positions are projected
with ``airspace.geo.Projection`` (UTM) at the snapshot's mean position, and velocities turned
from true north to grid north with ``Projection.grid_velocity``, as the live service does (the
two are about 1° apart in Shenzhen). Pairs CSV:
``id1,id2,tin_s,tcpa_s,dcpa_m``, one row per unordered pair, ``id1 < id2`` as strings, sorted.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from airspace.geo import Projection
from airspace.model import LatLng
from airspace.tactical import (
    PredictedConflict,
    TrafficArrays,
    detect_conflicts,
    detect_conflicts_all_pairs,
)
from bench.machine import describe

CITY_CENTER = (22.60, 114.20)
"""The same 20 km square as ``bench.traffic``: Longgang/Futian side of Shenzhen."""
CITY_SIDE_M = 20_000.0
H_M, V_M, LOOKAHEAD_S = 50.0, 15.0, 30.0
HEADER = ["id", "lat", "lon", "alt_m", "gs_mps", "trk_deg", "vs_mps"]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Airborne states as telemetry reports them."""

    ids: tuple[str, ...]
    lat: np.ndarray
    lon: np.ndarray
    alt_m: np.ndarray
    gs_mps: np.ndarray
    trk_deg: np.ndarray
    vs_mps: np.ndarray


def synthetic(n: int, seed: int, side_m: float = CITY_SIDE_M) -> Snapshot:
    """n drones over a square of ``side_m`` around the city centre, from ``seed`` (PCG64)."""
    rng = np.random.default_rng(seed)
    projection = Projection(*CITY_CENTER)
    cx, cy = projection.to_xy(*CITY_CENTER)
    half = side_m / 2
    east = rng.uniform(-half, half, n)
    north = rng.uniform(-half, half, n)
    alt = rng.uniform(0.0, 120.0, n)
    gs = rng.uniform(0.0, 20.0, n)
    trk = rng.uniform(0.0, 360.0, n)
    vs = rng.uniform(-3.0, 3.0, n)
    lon, lat = projection.inverse_arrays(cx + east, cy + north)
    ids = tuple(f"UAS-{k:06d}" for k in range(n))
    return Snapshot(ids, lat, lon, alt, gs, trk, vs)


def read_states(path: Path) -> Snapshot:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        missing = set(HEADER) - set(reader.fieldnames or ())
        if missing:
            raise SystemExit(f"{path}: missing columns {sorted(missing)}")
        rows = list(reader)
    columns = {name: np.array([float(r[name]) for r in rows]) for name in HEADER[1:]}
    return Snapshot(
        tuple(r["id"] for r in rows),
        columns["lat"],
        columns["lon"],
        columns["alt_m"],
        columns["gs_mps"],
        columns["trk_deg"],
        columns["vs_mps"],
    )


def write_states(snapshot: Snapshot, path: Path) -> None:
    s = snapshot
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for k, ident in enumerate(s.ids):
            out.writerow(
                [
                    ident,
                    f"{s.lat[k]:.9f}",
                    f"{s.lon[k]:.9f}",
                    f"{s.alt_m[k]:.3f}",
                    f"{s.gs_mps[k]:.3f}",
                    f"{s.trk_deg[k]:.3f}",
                    f"{s.vs_mps[k]:.3f}",
                ]
            )


def to_traffic(snapshot: Snapshot) -> tuple[TrafficArrays, Projection]:
    """Project at the snapshot's mean position; velocities turned to grid axes like the live
    service does (``Projection.grid_velocity``)."""
    s = snapshot
    if not s.ids:
        projection = Projection(*CITY_CENTER)
        return TrafficArrays.from_columns((), [], [], [], [], [], []), projection
    projection = Projection(float(np.mean(s.lat)), float(np.mean(s.lon)))
    points = [LatLng(a, b) for a, b in zip(s.lat.tolist(), s.lon.tolist(), strict=True)]
    x, y = projection.to_xy_many(points)
    track = np.radians(s.trk_deg)
    vx, vy = projection.grid_velocity(points, s.gs_mps * np.sin(track), s.gs_mps * np.cos(track))
    traffic = TrafficArrays.from_columns(s.ids, x, y, s.alt_m, vx, vy, s.vs_mps)
    return traffic, projection


def timed(run: Callable[[], object], passes: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds per call, after one warm-up call."""
    run()
    wall, cpu = [], []
    for _ in range(passes):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return wall, cpu


def write_pairs(traffic: TrafficArrays, found: Sequence[PredictedConflict], path: Path) -> None:
    rows = []
    for c in found:
        a, b = traffic.ids[c.i], traffic.ids[c.j]
        rows.append((min(a, b), max(a, b), c.t_in_s, c.t_cpa_s, c.d_cpa_m))
    rows.sort()
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id1", "id2", "tin_s", "tcpa_s", "dcpa_m"])
        for id1, id2, tin, tcpa, dcpa in rows:
            out.writerow([id1, id2, f"{tin:.3f}", f"{tcpa:.3f}", f"{dcpa:.3f}"])


def table(sizes: Sequence[int], passes: int, seed: int, density_per_km2: float | None) -> None:
    if density_per_km2 is None:
        area = f"{CITY_SIDE_M / 1000:.0f} km × {CITY_SIDE_M / 1000:.0f} km"
    else:
        area = f"a square growing with n at {density_per_km2:g} drones per km²"
    print(
        f"live conflict detection — {area} of Shenzhen, uniform positions, 0–120 m AGL, "
        f"0–20 m/s on random tracks, −3..3 m/s vertical; H {H_M:.0f} m, V {V_M:.0f} m, "
        f"look-ahead {LOOKAHEAD_S:.0f} s; seed {seed}"
    )
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"machine: {describe()}; load average {load}")
    print(
        f"indexed: detect_conflicts, wall-clock median and minimum and CPU-time median of {passes} "
        "passes after a warm-up; all pairs: detect_conflicts_all_pairs, median of 3 passes "
        "(1 from 10,000 up); ratio = all pairs / indexed median"
    )
    head = (
        "n",
        "pairs",
        "losses",
        "indexed ms",
        "min ms",
        "cpu ms",
        "all-pairs ms",
        "ratio",
        "identical",
    )
    rows = []
    for n in sizes:
        side = CITY_SIDE_M if density_per_km2 is None else 1000 * math.sqrt(n / density_per_km2)
        traffic, _ = to_traffic(synthetic(n, seed, side))
        found = detect_conflicts(traffic, H_M, V_M, LOOKAHEAD_S)
        wall, cpu = timed(partial(detect_conflicts, traffic, H_M, V_M, LOOKAHEAD_S), passes)
        indexed = statistics.median(wall)
        brute = []
        for _ in range(3 if n < 10_000 else 1):
            start = time.perf_counter()
            baseline = detect_conflicts_all_pairs(traffic, H_M, V_M, LOOKAHEAD_S)
            brute.append(time.perf_counter() - start)
        all_pairs = statistics.median(brute)
        rows.append(
            (
                f"{n:,}",
                f"{len(found):,}",
                f"{sum(c.is_loss for c in found):,}",
                f"{indexed * 1e3:.1f}",
                f"{min(wall) * 1e3:.1f}",
                f"{statistics.median(cpu) * 1e3:.1f}",
                f"{all_pairs * 1e3:,.0f}",
                f"{all_pairs / indexed:,.0f}×",
                "yes" if found == baseline else "NO",
            )
        )
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    print("  ".join(h.rjust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)))


def from_file(states: Path, pairs_out: Path | None, passes: int) -> None:
    snapshot = read_states(states)
    traffic, projection = to_traffic(snapshot)
    found = detect_conflicts(traffic, H_M, V_M, LOOKAHEAD_S)
    times, cpu = timed(partial(detect_conflicts, traffic, H_M, V_M, LOOKAHEAD_S), passes)
    if pairs_out is not None:
        write_pairs(traffic, found, pairs_out)
    print(f"machine: {describe()}")
    print(
        f"{len(traffic):,} states from {states}, projected to {projection.crs.to_string()}: "
        f"{len(found):,} pairs in predicted conflict"
    )
    print(
        json.dumps(
            {
                "n": len(traffic),
                "pairs": len(found),
                "losses": sum(c.is_loss for c in found),
                "detect_s": statistics.median(times),
                "detect_min_s": min(times),
                "detect_cpu_s": statistics.median(cpu),
                "passes": passes,
                "crs": projection.crs.to_string(),
                "horizontal_m": H_M,
                "vertical_m": V_M,
                "lookahead_s": LOOKAHEAD_S,
            }
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000,20000")
    parser.add_argument("--passes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--density",
        type=float,
        metavar="PER_KM2",
        help="instead of the 20 km square, a square sized for this many drones per km²",
    )
    parser.add_argument("--states", type=Path, help="detect on this snapshot CSV")
    parser.add_argument("--pairs-out", type=Path, help="with --states: write the pairs here")
    parser.add_argument("--generate", type=int, metavar="N", help="write a synthetic snapshot")
    parser.add_argument("--states-out", type=Path, help="with --generate: where to write it")
    args = parser.parse_args(argv)
    if args.generate is not None:
        if args.states_out is None:
            parser.error("--generate needs --states-out")
        write_states(synthetic(args.generate, args.seed), args.states_out)
        print(f"wrote {args.generate:,} states (seed {args.seed}) to {args.states_out}")
        return
    if args.states is not None:
        from_file(args.states, args.pairs_out, max(1, min(args.passes, 5)))
        return
    table([int(s) for s in args.sizes.split(",") if s], args.passes, args.seed, args.density)


if __name__ == "__main__":
    main()
