"""The shared store: many replicas serve one airspace held in Redis.

Redis holds the truth: every plan (a hash of JSON by id, with sorted id sets for listing),
the set of plans holding airspace, zones, the outcome of each request id, and a change log
(a stream) that every write appends to in the same atomic script (``redis_scripts``).

Each replica keeps a local copy of what a submission is judged against (the plans holding
airspace, indexed by key, and the zones), current up to a position in the log. Before it
judges, a replica reads the log from that position; the submit script then books only if
nothing written meanwhile touched the plan's regions. The same log tells each replica what
the others changed (``follow``), and a second stream carries the vehicle states each one
takes in (``share_states``), so every replica monitors all the traffic.

When Redis cannot be reached, every call raises ``Unavailable``; the local copy is rebuilt
from Redis when the log shows a gap (trimmed, or Redis came back without its data).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

import h3.api.basic_int as h3
import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from airspace.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable
from airspace.grid import Key
from airspace.model import FlightPlan, Geozone, LatLng, PlanState, SubmissionOutcome
from airspace.store import Decide, KeysOf, RemoteChange, Submission, codec, redis_scripts
from airspace.store.index import ReservationIndex
from airspace.telemetry import VehicleState

log = logging.getLogger(__name__)
T = TypeVar("T")

LOG_MAX_ENTRIES = 200_000
STATES_MAX_ENTRIES = 20_000
MAX_SUBMIT_ATTEMPTS = 50
REGION_BUCKETS = 5
"""Time buckets per region: with 120 s buckets, a region spans 10 minutes."""
_PAGE = 500
_BLOCK_MS = 1000


def regions(keys: Iterable[Key]) -> str:
    """The regions (parent H3 cell one resolution up, 10-minute span) the keys lie in, as
    the space-separated words the scripts compare."""
    found = {
        (h3.cell_to_parent(cell, h3.get_resolution(cell) - 1), bucket // REGION_BUCKETS)
        for cell, _layer, bucket in keys
    }
    return " ".join(f"{cell:x}:{span}" for cell, span in sorted(found))


class RedisStore:
    """A ``Store`` on one Redis server, shared by any number of replicas."""

    def __init__(
        self, client: aioredis.Redis, keys_of: KeysOf, *, namespace: str = "airspace"
    ) -> None:
        self._redis: Any = client  # redis-py's reply types depend on the protocol: read as Any
        self._keys_of = keys_of
        self._origin = uuid.uuid4().hex[:12]
        self.namespace = ns = namespace
        self._k_plans, self._k_ids, self._k_holding = (
            f"{ns}:plans",
            f"{ns}:plan-ids",
            f"{ns}:holding",
        )
        self._k_zones, self._k_log, self._k_seq = f"{ns}:zones", f"{ns}:log", f"{ns}:log-seq"
        self._k_states = f"{ns}:states"
        self._submit = client.register_script(redis_scripts.SUBMIT)
        self._replace_plan = client.register_script(redis_scripts.REPLACE_PLAN)
        self._put_zones = client.register_script(redis_scripts.PUT_ZONES)
        self._delete_zone = client.register_script(redis_scripts.DELETE_ZONE)
        self._index = ReservationIndex()
        self._booked_keys: dict[str, frozenset[Key]] = {}
        """Keys of plans this replica just booked, until the log brings them back."""
        self._zones: dict[str, Geozone] = {}
        self._position = "0-0"
        self._seq = -1  # nothing loaded yet
        self._sync = asyncio.Lock()
        self._on_change: Callable[[RemoteChange], None] | None = None

    @classmethod
    def from_url(cls, url: str, keys_of: KeysOf, *, namespace: str = "airspace") -> RedisStore:
        """``redis://HOST:PORT/DB`` (as redis-py reads it)."""
        return cls(aioredis.Redis.from_url(url), keys_of, namespace=namespace)

    # -- geozones ----------------------------------------------------------------------------
    async def list_zones(self) -> list[Geozone]:
        await self._loaded()
        return [self._zones[k] for k in sorted(self._zones)]

    async def get_zone(self, zone_id: str) -> Geozone | None:
        await self._loaded()
        return self._zones.get(zone_id)

    async def put_zones(self, zones: Sequence[Geozone], *, create_only: bool = False) -> None:
        bodies = [codec.dumps(z) for z in zones]
        args: list[Any] = ["1" if create_only else "0", self._origin, LOG_MAX_ENTRIES]
        args.append("[" + ",".join(bodies) + "]")
        for zone, body in zip(zones, bodies, strict=True):
            args += [zone.geozone_id, body]
        taken = await self._run(self._put_zones(keys=self._log_keys(self._k_zones), args=args))
        if taken:
            names = ", ".join(sorted(t.decode() for t in taken))
            raise AlreadyExists(f"geozone {names} already exists")
        await self._catch_up()

    async def delete_zone(self, zone_id: str) -> bool:
        args: list[Any] = [zone_id, self._origin, LOG_MAX_ENTRIES, json.dumps([zone_id])]
        deleted = await self._run(self._delete_zone(keys=self._log_keys(self._k_zones), args=args))
        await self._catch_up()
        return bool(deleted)

    # -- flight plans ------------------------------------------------------------------------
    async def get_plan(self, plan_id: str) -> FlightPlan | None:
        body = await self._run(self._redis.hget(self._k_plans, plan_id))
        return None if body is None else codec.loads(body, FlightPlan)

    async def get_plans(self, plan_ids: Iterable[str]) -> dict[str, FlightPlan]:
        ids = list(plan_ids)
        if not ids:
            return {}
        bodies = await self._run(self._redis.hmget(self._k_plans, ids))
        return {i: codec.loads(b, FlightPlan) for i, b in zip(ids, bodies, strict=True) if b}

    async def holding_plans(self) -> list[FlightPlan]:
        await self._catch_up()
        return list(self._index.plans.values())

    async def list_plans(
        self,
        *,
        operator_id: str | None,
        states: frozenset[PlanState],
        after_id: str,
        limit: int,
    ) -> list[FlightPlan]:
        ids_key = self._k_ids if operator_id is None else self._operator_ids(operator_id)
        out: list[FlightPlan] = []
        start = f"({after_id}" if after_id else "-"
        while len(out) < limit:
            ids = await self._run(self._redis.zrangebylex(ids_key, start, "+", 0, _PAGE))
            if not ids:
                break
            plans = await self.get_plans(i.decode() for i in ids)
            for plan in sorted(plans.values(), key=lambda p: p.flight_plan_id):
                if not states or plan.state in states:
                    out.append(plan)
            start = b"(" + ids[-1]
        return out[:limit]

    async def plans_holding(self, keys: Iterable[Key]) -> list[FlightPlan]:
        await self._catch_up()
        return self._index.holding(keys)

    async def find_submission(self, operator_id: str, request_id: str) -> SubmissionOutcome | None:
        body = await self._run(self._redis.get(self._submission_key(operator_id, request_id)))
        return None if body is None else codec.loads(body, SubmissionOutcome)

    async def submit(self, submission: Submission, decide: Decide) -> SubmissionOutcome:
        keys = [
            self._k_plans, self._k_ids, self._k_holding, self._k_log, self._k_seq,
            self._submission_key(submission.operator_id, submission.request_id),
            self._operator_ids(submission.operator_id),
        ]  # fmt: skip
        for _ in range(MAX_SUBMIT_ATTEMPTS):
            await self._catch_up()
            position, seq = self._position, self._seq
            outcome = decide(self._index.holding(submission.keys))
            changed = [outcome.plan]
            touched = set(submission.keys) if outcome.accepted else set()
            for victim_id in outcome.preempted_plan_ids:
                victim = self._index.plans[victim_id]
                reason = f"preempted by higher-priority plan {outcome.plan.flight_plan_id}"
                changed.append(
                    victim.with_state(PlanState.PREEMPTED, reason, outcome.plan.create_time_s)
                )
                touched |= self._index.keys_of(victim_id)
            bodies = [codec.dumps(p) for p in changed]
            args: list[Any] = [position, seq, regions(touched), self._origin]
            args += [codec.dumps(outcome), LOG_MAX_ENTRIES, "[" + ",".join(bodies) + "]"]
            for plan, body in zip(changed, bodies, strict=True):
                args += [plan.flight_plan_id, body, "1" if plan.state.holds_airspace else "0"]
            answer = await self._run(self._submit(keys=keys, args=args))
            if answer[0] == b"seen":
                return codec.loads(answer[1], SubmissionOutcome)
            if answer[0] == b"ok":
                if outcome.accepted:
                    self._booked_keys[outcome.plan.flight_plan_id] = submission.keys
                return outcome
        raise Unavailable("the airspace is too busy to book this plan now; retry shortly")

    async def transition(
        self,
        plan_id: str,
        allowed_from: frozenset[PlanState],
        to: PlanState,
        reason: str,
        time_s: float,
    ) -> FlightPlan:
        while True:
            body = await self._run(self._redis.hget(self._k_plans, plan_id))
            if body is None:
                raise NotFound(f"flight plan {plan_id!r} does not exist")
            plan = codec.loads(body, FlightPlan)
            if plan.state not in allowed_from:
                raise FailedPrecondition(
                    f"flight plan {plan_id} is {plan.state.value}; it cannot become {to.value}",
                    reason="STATE_TRANSITION_NOT_ALLOWED",
                )
            updated = plan.with_state(to, reason, time_s)
            args = [
                plan_id, body, codec.dumps(updated), "1" if to.holds_airspace else "0",
                regions(self._keys_of(plan)), self._origin, LOG_MAX_ENTRIES,
            ]  # fmt: skip
            keys = [self._k_plans, self._k_holding, self._k_log, self._k_seq]
            if await self._run(self._replace_plan(keys=keys, args=args)):
                await self._catch_up()
                return updated

    # -- replicas ----------------------------------------------------------------------------
    async def follow(self, on_change: Callable[[RemoteChange], None]) -> None:
        self._on_change = on_change
        states_position = "$"
        pause_s = 0.1
        while True:
            try:
                await self._catch_up()
                streams = {self._k_log: self._position, self._k_states: states_position}
                found = await self._redis.xread(streams, count=1000, block=_BLOCK_MS)
                pause_s = 0.1
            except (RedisConnectionError, RedisTimeoutError, Unavailable) as exc:
                log.warning("shared store unreachable (%s); retrying in %.1f s", exc, pause_s)
                await asyncio.sleep(pause_s)
                pause_s = min(pause_s * 2, 5.0)
                continue
            for stream, entries in found:
                if stream.decode() == self._k_log:
                    async with self._sync:
                        await self._apply(entries)
                elif entries:
                    states_position = entries[-1][0].decode()
                    self._hand_over_states(entries)

    async def share_states(self, operator_id: str, states: Sequence[VehicleState]) -> None:
        body = json.dumps([_state_row(s) for s in states], separators=(",", ":"))
        fields = {"o": self._origin, "op": operator_id, "s": body}
        await self._run(
            self._redis.xadd(self._k_states, fields, maxlen=STATES_MAX_ENTRIES, approximate=True)
        )

    async def close(self) -> None:
        await self._redis.aclose()

    # -- the local copy ----------------------------------------------------------------------
    async def _loaded(self) -> None:
        """Zones are read from the local copy, which ``follow`` keeps within milliseconds of
        Redis (zone checks race zone changes in any store: a plan is judged against the zones
        as they were when it was judged). Only a copy never loaded, or lost with Redis, is
        fetched first."""
        if self._seq < 0 or self._on_change is None:
            await self._catch_up()

    async def _catch_up(self) -> None:
        """Bring the local copy up to the end of the log."""
        async with self._sync:
            if self._seq < 0:
                await self._reload()
            while True:
                found = await self._run(
                    self._redis.xread({self._k_log: self._position}, count=1000)
                )
                entries = found[0][1] if found else []
                await self._apply(entries)
                if len(entries) < 1000:
                    return

    async def _apply(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        """Apply log entries after our position, in order (caller holds ``_sync``)."""
        for entry_id, fields in entries:
            if _at_or_after(self._position, entry_id):
                continue  # applied already, by a catch-up that ran meanwhile
            seq = int(fields[b"n"])
            if seq != self._seq + 1:
                log.warning("change log gap (at %d, next %d): reloading from Redis", self._seq, seq)
                await self._reload()
                return
            change = self._absorb(fields)
            self._position, self._seq = entry_id.decode(), seq
            if self._on_change is not None and fields[b"o"].decode() != self._origin:
                self._on_change(change)

    def _absorb(self, fields: dict[bytes, bytes]) -> RemoteChange:
        plans = tuple(codec.from_plain(p, FlightPlan) for p in _json(fields, b"p"))
        zones = tuple(codec.from_plain(z, Geozone) for z in _json(fields, b"z"))
        deleted = tuple(str(z) for z in _json(fields, b"d"))
        for plan in plans:
            self._hold(plan)
        self._zones.update((z.geozone_id, z) for z in zones)
        for zone_id in deleted:
            self._zones.pop(zone_id, None)
        return RemoteChange(plans=plans, zones=zones, deleted_zone_ids=deleted)

    def _hold(self, plan: FlightPlan) -> None:
        if plan.state.holds_airspace:
            known = self._index.keys_of(plan.flight_plan_id) or self._booked_keys.pop(
                plan.flight_plan_id, frozenset()
            )
            self._index.put(plan, known or self._keys_of(plan))
        else:
            self._index.release(plan.flight_plan_id)

    async def _reload(self) -> None:
        """Rebuild the local copy from Redis (caller holds ``_sync``)."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._k_seq)
            pipe.xrevrange(self._k_log, "+", "-", count=1)
            pipe.smembers(self._k_holding)
            pipe.hgetall(self._k_zones)
            seq, last, holding, zones = await self._run(pipe.execute())
        self._seq = int(seq or 0)
        self._position = last[0][0].decode() if last else "0-0"
        self._index.clear()
        plans = await self.get_plans(i.decode() for i in holding)
        for plan in plans.values():
            if plan.state.holds_airspace:
                self._index.put(plan, self._keys_of(plan))
        self._zones = {k.decode(): codec.loads(v, Geozone) for k, v in zones.items()}

    def _hand_over_states(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        states: list[tuple[str, VehicleState]] = []
        for _entry_id, fields in entries:
            if fields[b"o"].decode() == self._origin:
                continue
            operator_id = fields[b"op"].decode()
            states += [(operator_id, _state(row)) for row in json.loads(fields[b"s"])]
        if states and self._on_change is not None:
            self._on_change(RemoteChange(states=tuple(states)))

    # -- helpers -----------------------------------------------------------------------------
    def _log_keys(self, key: str) -> list[str]:
        return [key, self._k_log, self._k_seq]

    def _submission_key(self, operator_id: str, request_id: str) -> str:
        return f"{self.namespace}:request:{operator_id}:{request_id}"

    def _operator_ids(self, operator_id: str) -> str:
        return f"{self.namespace}:operator-plan-ids:{operator_id}"

    async def _run(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except (RedisConnectionError, RedisTimeoutError) as exc:
            self._seq = -1  # whatever we hold may be stale: reload when Redis is back
            raise Unavailable(f"the shared store is unreachable: {exc}") from exc


def _at_or_after(position: str, entry_id: bytes) -> bool:
    """Whether stream id ``position`` is at or after ``entry_id``."""
    ms, _, seq = position.partition("-")
    e_ms, _, e_seq = entry_id.decode().partition("-")
    return (int(ms), int(seq or 0)) >= (int(e_ms), int(e_seq or 0))


def _json(fields: dict[bytes, bytes], name: bytes) -> list[Any]:
    raw = fields.get(name)
    return json.loads(raw) if raw else []


def _state_row(s: VehicleState) -> list[Any]:
    return [
        s.registration_id, s.flight_plan_id, s.time_s, s.position.lat, s.position.lon,
        s.altitude_m, s.velocity_north_mps, s.velocity_east_mps, s.velocity_down_mps,
        s.horizontal_accuracy_m, s.vertical_accuracy_m,
    ]  # fmt: skip


def _state(row: list[Any]) -> VehicleState:
    reg, plan, t, lat, lon, alt, vn, ve, vd, ha, va = row
    return VehicleState(reg, plan, t, LatLng(lat, lon), alt, vn, ve, vd, ha, va)
