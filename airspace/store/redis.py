"""The shared store: many replicas serve one airspace held in Redis (one node or a cluster).

Where things live. Keys come in hash-tag groups, so a Redis Cluster spreads them by region:
- the global group ``{NS}``: every plan (JSON by id, with a version), the ids of plans holding
  airspace, sorted id sets for listing, each request id's outcome, zones, and the *event
  stream*: every committed change, in one total order;
- one group per region ``{NS:REGION}`` (REGION: the H3 cell at resolution 5 — about 250 km²
  — that holds a reserved index cell): the region's *intent log*;
- ``{NS}-states``: the vehicle states each replica accepted, for the others to monitor.

How a plan is booked (``submit``). Each replica keeps a local copy of the reservations,
built from the event stream and the intent logs of the regions it books in. It reads those
to their ends, judges the plan (the exact verdict is Python, not Lua), then:
1. ``PREPARE`` in every region of the plan: append an intent only if no intent written to
   that region since the replica read it shares a sub-region (H3 resolution 7, 10 minutes)
   with the plan. Otherwise the replica reads on and judges again.
2. ``DECIDE`` in the global group: the commit point. It fails if the transaction was aborted
   or is older than ``INTENT_LIFETIME_S``, and it checks that every plan being preempted is
   still as judged.
An intent counts as a reservation from the moment it is written, decided or not, so two
conflicting plans can never both commit: they share a region, the later intent is refused
or was judged against the earlier one. A replica that dies between the steps leaves intents
that no one decided; the first submission they block aborts them (``ABORT`` sets the
transaction's decision to abort unless it was committed; exactly one of the two wins), so no
reservation blocks the sky for longer than a submission takes to notice it.

Changes of state (cancel, activate, preemption, conformance) are one script in the global
group; every replica learns them from the event stream, which also fans out zone changes.
When Redis cannot be reached, every call raises ``Unavailable`` and the local copy is
reloaded once Redis answers again (or when a log shows a gap).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import h3.api.basic_int as h3
import redis.asyncio as aioredis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException
from redis.exceptions import TimeoutError as RedisTimeoutError

from airspace.errors import AlreadyExists, FailedPrecondition, NotFound, Unavailable
from airspace.grid import Key, ReservedKeys, layer_masks
from airspace.model import FlightPlan, Geozone, LatLng, PlanState, SubmissionOutcome
from airspace.store import Decide, KeysOf, RemoteChange, Submission, codec, redis_scripts
from airspace.store.index import ReservationIndex
from airspace.telemetry import VehicleState

log = logging.getLogger(__name__)
T = TypeVar("T")

REGION_RESOLUTION = 5
"""Regions (hash tags, so cluster shards) are H3 cells at this resolution."""
SUB_REGION_RESOLUTION = 7
SUB_REGION_BUCKETS = 5
"""Sub-regions (the grain of the intent check): H3 resolution 7 × 5 time buckets."""
INTENT_LIFETIME_S = 10.0
"""An intent must be decided within this long, or it is aborted."""
LOG_MAX_ENTRIES = 100_000
STATES_MAX_ENTRIES = 20_000
STATES_LOOKBACK_S = 5.0
MAX_SUBMIT_ATTEMPTS = 50
_READ = 1000
_BLOCK_MS = 1000
_SETTLED_MEMORY = 100_000
_UNREACHABLE = (RedisConnectionError, RedisTimeoutError, RedisClusterException, OSError)


def regions_of(keys: Iterable[Key]) -> dict[str, str]:
    """Region → the plan's sub-regions in it (space-separated words, as the scripts read)."""
    found: dict[str, set[str]] = {}
    for cell, bucket in layer_masks(keys):
        region = f"{h3.cell_to_parent(cell, REGION_RESOLUTION):x}"
        sub = f"{h3.cell_to_parent(cell, SUB_REGION_RESOLUTION):x}:{bucket // SUB_REGION_BUCKETS}"
        found.setdefault(region, set()).add(sub)
    return {region: " ".join(sorted(subs)) for region, subs in sorted(found.items())}


@dataclass(slots=True)
class _Log:
    """How far this replica has read one stream."""

    position: str = "0-0"
    seq: int = 0


class RedisStore:
    """A ``Store`` on Redis, shared by any number of replicas."""

    def __init__(
        self, client: aioredis.Redis | RedisCluster, keys_of: KeysOf, *, namespace: str = "airspace"
    ) -> None:
        self._redis: Any = client  # redis-py's reply types depend on the protocol: read as Any
        self._keys_of = keys_of
        self._origin = uuid.uuid4().hex[:12]
        self.namespace = ns = namespace
        g = f"{{{ns}}}"
        self._k_plans, self._k_versions = f"{g}:plans", f"{g}:versions"
        self._k_ids, self._k_holding = f"{g}:plan-ids", f"{g}:holding"
        self._k_events, self._k_events_seq = f"{g}:events", f"{g}:events-seq"
        self._k_zones = f"{g}:zones"
        self._k_states = f"{{{ns}-states}}:states"
        self._g = g
        scripts = redis_scripts
        self._prepare = client.register_script(scripts.PREPARE)
        self._decide = client.register_script(scripts.DECIDE)
        self._abort = client.register_script(scripts.ABORT)
        self._replace_plan = client.register_script(scripts.REPLACE_PLAN)
        self._put_zones = client.register_script(scripts.PUT_ZONES)
        self._delete_zone = client.register_script(scripts.DELETE_ZONE)
        self._index = ReservationIndex()
        self._zones: dict[str, Geozone] = {}
        self._versions: dict[str, int] = {}
        self._pending: dict[str, dict[str, float]] = {}
        """Plan id → its undecided transactions → when each wrote its first intent (s)."""
        self._settled: OrderedDict[str, None] = OrderedDict()
        """Aborted transactions (an intent of theirs read late must not revive them). A plan
        retried after a refused intent has several; only its live ones hold airspace."""
        self._booked_keys: dict[str, ReservedKeys] = {}
        self._events: _Log | None = None  # None: nothing loaded
        self._regions: dict[str, _Log] = {}
        self._sync = asyncio.Lock()
        self._started = not isinstance(client, RedisCluster)
        self._starting = asyncio.Lock()
        self._on_change: Callable[[RemoteChange], None] | None = None

    @classmethod
    def from_url(cls, url: str, keys_of: KeysOf, *, namespace: str = "airspace") -> RedisStore:
        """``redis://HOST:PORT/DB`` for one node, ``redis+cluster://HOST:PORT`` for a cluster
        (any of its nodes)."""
        if url.startswith("redis+cluster://"):
            client: Any = RedisCluster.from_url("redis://" + url.removeprefix("redis+cluster://"))
        else:
            client = aioredis.Redis.from_url(url)
        return cls(client, keys_of, namespace=namespace)

    # -- geozones ----------------------------------------------------------------------------
    async def list_zones(self) -> list[Geozone]:
        await self._fresh()
        return [self._zones[k] for k in sorted(self._zones)]

    async def get_zone(self, zone_id: str) -> Geozone | None:
        await self._fresh()
        return self._zones.get(zone_id)

    async def put_zones(self, zones: Sequence[Geozone], *, create_only: bool = False) -> None:
        bodies = [codec.dumps(z) for z in zones]
        args: list[Any] = ["1" if create_only else "0", self._origin, LOG_MAX_ENTRIES]
        args.append("[" + ",".join(bodies) + "]")
        for zone, body in zip(zones, bodies, strict=True):
            args += [zone.geozone_id, body]
        taken = await self._run(self._put_zones(keys=self._zone_keys(), args=args))
        if taken:
            names = ", ".join(sorted(t.decode() for t in taken))
            raise AlreadyExists(f"geozone {names} already exists")
        await self._catch_up(())

    async def delete_zone(self, zone_id: str) -> bool:
        args: list[Any] = [zone_id, self._origin, LOG_MAX_ENTRIES, json.dumps([zone_id])]
        deleted = await self._run(self._delete_zone(keys=self._zone_keys(), args=args))
        await self._catch_up(())
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
        await self._fresh()
        return list(self._index.plans.values())

    async def holding_count(self, operator_id: str) -> int:
        await self._fresh()
        return self._index.count_of(operator_id)

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
        start: str | bytes = f"({after_id}" if after_id else "-"
        while len(out) < limit:
            ids = await self._run(self._redis.zrangebylex(ids_key, start, "+", 0, 500))
            if not ids:
                break
            plans = await self.get_plans(i.decode() for i in ids)
            out += [
                plans[i.decode()] for i in ids if not states or plans[i.decode()].state in states
            ]
            start = b"(" + ids[-1]
        return out[:limit]

    async def plans_holding(
        self, keys: Iterable[Key], *, any_layer: bool = False
    ) -> list[FlightPlan]:
        keys = ReservedKeys.of(keys)
        await self._catch_up(regions_of(keys))
        return self._index.holding(keys, any_layer=any_layer)

    async def find_submission(self, operator_id: str, request_id: str) -> SubmissionOutcome | None:
        body = await self._run(self._redis.get(self._request_key(operator_id, request_id)))
        return None if body is None else codec.loads(body, SubmissionOutcome)

    async def submit(self, submission: Submission, decide: Decide) -> SubmissionOutcome:
        regions = regions_of(submission.keys)
        for attempt in range(MAX_SUBMIT_ATTEMPTS):
            if attempt:  # others are booking nearby: let them finish
                await asyncio.sleep(min(0.001 * 2**attempt, 0.1))
            await self._catch_up(regions)
            outcome = decide(self._index.holding(submission.keys))
            blocking = [c.flight_plan_id for c in outcome.conflicts]
            if await self._settle_abandoned([*blocking, *outcome.preempted_plan_ids]):
                continue
            transaction, oldest_s = "", 0.0
            if outcome.accepted:
                transaction = uuid.uuid4().hex
                prepared = await self._prepare_all(regions, outcome.plan, transaction)
                if prepared is None:
                    continue
                oldest_s = prepared
            answer = await self._run(
                self._decide_outcome(submission, outcome, transaction, oldest_s)
            )
            verdict = answer[0].decode()
            if verdict == "ok":
                if outcome.accepted:
                    self._booked_keys[outcome.plan.flight_plan_id] = submission.keys
                return outcome
            if transaction:
                await self._run(self._abort_transaction(transaction, outcome.plan.flight_plan_id))
            if verdict == "seen":
                return codec.loads(answer[1], SubmissionOutcome)
        raise Unavailable("the airspace is too busy to book this plan now; retry shortly")

    async def _prepare_all(
        self, regions: dict[str, str], plan: FlightPlan, transaction: str
    ) -> float | None:
        """Write the plan's intent in each region; the oldest intent's time (s), or None when
        a region had news (the intents written are aborted)."""
        body = codec.dumps(plan)
        calls = []
        for region, subs in regions.items():
            read = self._regions[region]
            keys = list(self._region_keys(region))
            args: list[Any] = [read.position, read.seq, subs, self._origin, LOG_MAX_ENTRIES,
                    plan.flight_plan_id, body, transaction]  # fmt: skip
            calls.append(self._prepare(keys=keys, args=args))
        answers = await self._run(asyncio.gather(*calls))
        if all(a[0] == b"ok" for a in answers):
            return min(int(a[1]) for a in answers) / 1000.0
        # Abort even when no region said ok: a reply lost and re-sent may hide an intent.
        await self._run(self._abort_transaction(transaction, plan.flight_plan_id))
        return None

    def _decide_outcome(
        self, submission: Submission, outcome: SubmissionOutcome, transaction: str, oldest_s: float
    ) -> Awaitable[Any]:
        plan = outcome.plan
        keys = [
            self._k_plans, self._k_versions, self._k_ids, self._k_holding, self._k_events,
            self._k_events_seq, self._request_key(submission.operator_id, submission.request_id),
            self._operator_ids(submission.operator_id), self._transaction_key(transaction),
        ]  # fmt: skip
        args: list[Any] = [
            transaction, int(oldest_s * 1000), int(INTENT_LIFETIME_S * 1000), self._origin,
            LOG_MAX_ENTRIES, codec.dumps(outcome), plan.flight_plan_id, codec.dumps(plan),
            "1" if plan.state.holds_airspace else "0",
        ]  # fmt: skip
        for victim_id in outcome.preempted_plan_ids:
            victim = self._index.plans[victim_id]
            reason = f"preempted by higher-priority plan {plan.flight_plan_id}"
            preempted = victim.with_state(PlanState.PREEMPTED, reason, plan.create_time_s)
            args += [victim_id, codec.dumps(victim), codec.dumps(preempted)]
        return self._decide(keys=keys, args=args)

    def _abort_transaction(self, transaction: str, plan_id: str) -> Awaitable[Any]:
        keys = [self._k_events, self._k_events_seq, self._transaction_key(transaction)]
        return self._abort(keys=keys, args=[plan_id, self._origin, LOG_MAX_ENTRIES, transaction])

    async def _settle_abandoned(self, plan_ids: Sequence[str]) -> bool:
        """Abort the undecided intents, older than their lifetime, of the plans that block
        (or would be preempted by) a submission: their owner died or stalled. Whether there
        were any."""
        cutoff = time.time() - 2 * INTENT_LIFETIME_S
        stale = [
            (plan_id, transaction)
            for plan_id in plan_ids
            for transaction, at_s in self._pending.get(plan_id, {}).items()
            if at_s < cutoff
        ]
        for plan_id, transaction in stale:
            log.warning("aborting plan %s: its intent was never decided", plan_id)
            await self._run(self._abort_transaction(transaction, plan_id))
        return bool(stale)

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
            keys = [self._k_plans, self._k_versions, self._k_holding, self._k_events,
                    self._k_events_seq]  # fmt: skip
            args = [plan_id, body, codec.dumps(updated), "1" if to.holds_airspace else "0",
                    self._origin, LOG_MAX_ENTRIES]  # fmt: skip
            if await self._run(self._replace_plan(keys=keys, args=args)):
                await self._catch_up(())
                return updated

    # -- replicas ----------------------------------------------------------------------------
    async def follow(self, on_change: Callable[[RemoteChange], None]) -> None:
        self._on_change = on_change
        await asyncio.gather(self._follow(self._next_events), self._follow(self._next_states()))

    async def _follow(self, step: Callable[[], Awaitable[None]]) -> None:
        """Run ``step`` (one blocking read of a stream) forever, riding out Redis outages."""
        pause_s = 0.1
        while True:
            try:
                await step()
                pause_s = 0.1
            except (*_UNREACHABLE, Unavailable) as exc:
                log.warning("shared store unreachable (%s); retrying in %.1f s", exc, pause_s)
                self._events = None
                await asyncio.sleep(pause_s)
                pause_s = min(pause_s * 2, 5.0)

    async def _next_events(self) -> None:
        await self._catch_up(())
        events = self._events
        assert events is not None
        found = await self._redis.xread(
            {self._k_events: events.position}, count=_READ, block=_BLOCK_MS
        )
        if entries := _entries(found):
            async with self._sync:
                if self._events is not None:
                    await self._apply_events(entries)

    def _next_states(self) -> Callable[[], Awaitable[None]]:
        # From a little before now, not "$": states shared while this replica was starting
        # up would otherwise be missed (stream ids are Redis's clock in ms; latest state wins,
        # so reading a few twice is harmless).
        states = _Log(position=f"{int((time.time() - STATES_LOOKBACK_S) * 1000)}-0")

        async def step() -> None:
            found = await self._redis.xread(
                {self._k_states: states.position}, count=_READ, block=_BLOCK_MS
            )
            if entries := _entries(found):
                states.position = entries[-1][0].decode()
                self._hand_over_states(entries)

        return step

    async def share_states(self, operator_id: str, states: Sequence[VehicleState]) -> None:
        body = json.dumps([_state_row(s) for s in states], separators=(",", ":"))
        fields = {"o": self._origin, "op": operator_id, "s": body}
        await self._run(
            self._redis.xadd(self._k_states, fields, maxlen=STATES_MAX_ENTRIES, approximate=True)
        )

    async def close(self) -> None:
        await self._redis.aclose()

    # -- the local copy ----------------------------------------------------------------------
    async def _fresh(self) -> None:
        """Reads of the whole copy (zones, every holding plan) trust ``follow`` to keep it
        within milliseconds of Redis: a plan is judged against the zones as they were when it
        was judged, in any store. Without a follower, or after losing Redis, read first."""
        if self._events is None or self._on_change is None:
            await self._catch_up(())

    async def _catch_up(self, regions: Iterable[str]) -> None:
        """Bring the copy up to the end of the event stream and of the regions' intent logs."""
        wanted = list(regions)
        if not self._started:  # before the concurrent reads below
            await self._run(self._start_cluster_client())
        async with self._sync:
            while True:
                if self._events is None:
                    await self._reload()
                for region in wanted:
                    if region not in self._regions:
                        await self._open_region(region)
                events = self._events
                assert events is not None
                reads = [self._redis.xread({self._k_events: events.position}, count=_READ)]
                reads += [
                    self._redis.xread(
                        {self._region_keys(r)[0]: self._regions[r].position}, count=_READ
                    )
                    for r in wanted
                ]
                found = [_entries(f) for f in await self._run(asyncio.gather(*reads))]
                await self._apply_events(found[0])
                for region, entries in zip(wanted, found[1:], strict=True):
                    if region in self._regions:
                        self._apply_intents(region, entries)
                settled = self._events is not None and all(r in self._regions for r in wanted)
                if settled and all(len(f) < _READ for f in found):
                    return

    def _apply_intents(self, region: str, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        read = self._regions[region]
        for entry_id, fields in entries:
            seq = int(fields[b"n"])
            if not _after(entry_id, read.position):
                continue
            if seq != read.seq + 1:
                log.warning("intent log %s skipped %d entries: reloading", region, seq - read.seq)
                self._events = None
                return
            read.position, read.seq = entry_id.decode(), seq
            self._take_intent(fields)

    def _take_intent(self, fields: dict[bytes, bytes]) -> None:
        plan_id, transaction = fields[b"id"].decode(), fields[b"x"].decode()
        if plan_id in self._versions or transaction in self._settled:
            return  # decided already: the event stream has the truth
        transactions = self._pending.setdefault(plan_id, {})
        transactions.setdefault(transaction, int(fields[b"t"]) / 1000.0)
        self._hold(codec.loads(fields[b"p"], FlightPlan))

    async def _apply_events(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        events = self._events
        assert events is not None
        for entry_id, fields in entries:
            seq = int(fields[b"n"])
            if not _after(entry_id, events.position):
                continue  # read already (a read that started before a catch-up)
            if seq != events.seq + 1:  # a gap, or numbers going back: Redis lost writes
                log.warning("event stream gap (at %d, next %d): reloading", events.seq, seq)
                self._events = None
                return
            change = self._take_event(fields)
            events.position, events.seq = entry_id.decode(), seq
            if self._on_change is not None and fields[b"o"].decode() != self._origin:
                self._on_change(change)

    def _take_event(self, fields: dict[bytes, bytes]) -> RemoteChange:
        plans = []
        for version, plain in _json(fields, b"p"):
            plan = codec.from_plain(plain, FlightPlan)
            plans.append(plan)
            if version > self._versions.get(plan.flight_plan_id, 0):
                self._versions[plan.flight_plan_id] = version
                self._pending.pop(plan.flight_plan_id, None)
                self._hold(plan)
        if b"a" in fields:
            self._settle(fields[b"a"].decode(), fields[b"x"].decode())
        zones = tuple(codec.from_plain(z, Geozone) for z in _json(fields, b"z"))
        deleted = tuple(str(z) for z in _json(fields, b"d"))
        self._zones.update((z.geozone_id, z) for z in zones)
        for zone_id in deleted:
            self._zones.pop(zone_id, None)
        return RemoteChange(plans=tuple(plans), zones=zones, deleted_zone_ids=deleted)

    def _settle(self, plan_id: str, transaction: str) -> None:
        """An aborted transaction: its intents no longer hold the plan's airspace."""
        self._settled[transaction] = None
        if len(self._settled) > _SETTLED_MEMORY:
            self._settled.popitem(last=False)
        transactions = self._pending.get(plan_id)
        if transactions is not None:
            transactions.pop(transaction, None)
            if not transactions:
                del self._pending[plan_id]
                self._index.release(plan_id)

    def _hold(self, plan: FlightPlan) -> None:
        plan_id = plan.flight_plan_id
        if plan.state.holds_airspace:
            booked = self._booked_keys.pop(plan_id, None)
            self._index.put(plan, self._index.keys_of(plan_id) or booked or self._keys_of(plan))
        else:
            self._index.release(plan_id)

    async def _reload(self) -> None:
        """Rebuild the copy from Redis (caller holds ``_sync``)."""
        # The event stream's end first: whatever changes after it is read from the stream.
        last = await self._run(self._redis.xrevrange(self._k_events, "+", "-", count=1))
        holding, zones = await self._run(
            asyncio.gather(
                self._redis.smembers(self._k_holding), self._redis.hgetall(self._k_zones)
            )
        )
        self._events = _end_of(last)
        self._index.clear()
        self._pending.clear()
        self._regions.clear()
        ids = [i.decode() for i in holding]
        versions = await self._run(self._redis.hmget(self._k_versions, ids)) if ids else []
        self._versions = {i: int(v) for i, v in zip(ids, versions, strict=True) if v}
        for plan in (await self.get_plans(ids)).values():
            self._hold(plan)
        self._zones = {k.decode(): codec.loads(v, Geozone) for k, v in zones.items()}

    async def _open_region(self, region: str) -> None:
        """Start reading a region's intent log: its end, plus the intents recent enough to
        be still undecided (caller holds ``_sync``)."""
        log_key = self._region_keys(region)[0]
        since_ms = int((time.time() - 3 * INTENT_LIFETIME_S) * 1000)
        # The end first, then what came before it: read together, a later intent could be
        # the end yet missing from the recent ones.
        last = await self._run(self._redis.xrevrange(log_key, "+", "-", count=1))
        recent = await self._run(self._redis.xrange(log_key, f"{since_ms}-0", "+"))
        read = self._regions[region] = _end_of(last)
        intents = [f for _, f in recent if int(f[b"n"]) <= read.seq]  # later: the next read
        undecided = await self._undecided([f[b"x"].decode() for f in intents])
        for fields in intents:
            if fields[b"x"].decode() in undecided:
                self._take_intent(fields)

    async def _undecided(self, transactions: list[str]) -> set[str]:
        """The transactions with no decision yet."""
        if not transactions:
            return set()
        keys = [self._transaction_key(t) for t in transactions]
        decisions = await self._run(self._redis.mget(keys))
        return {t for t, d in zip(transactions, decisions, strict=True) if d is None}

    def _hand_over_states(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        states: list[tuple[str, VehicleState]] = []
        for _entry_id, fields in entries:
            if fields[b"o"].decode() == self._origin:
                continue
            operator_id = fields[b"op"].decode()
            states += [(operator_id, _state(row)) for row in json.loads(fields[b"s"])]
        if states and self._on_change is not None:
            self._on_change(RemoteChange(states=tuple(states)))

    async def _start_cluster_client(self) -> None:
        """Learn the cluster's slots once, before any command: redis-py's cluster client
        breaks connections when many first commands each try to (found by our race test)."""
        async with self._starting:
            if not self._started:
                await self._redis.initialize()
                self._started = True

    # -- keys --------------------------------------------------------------------------------
    def _region_keys(self, region: str) -> tuple[str, str]:
        tag = f"{{{self.namespace}:{region}}}"
        return f"{tag}:intents", f"{tag}:seq"

    def _zone_keys(self) -> list[str]:
        return [self._k_zones, self._k_events, self._k_events_seq]

    def _request_key(self, operator_id: str, request_id: str) -> str:
        return f"{self._g}:request:{operator_id}:{request_id}"

    def _operator_ids(self, operator_id: str) -> str:
        return f"{self._g}:operator-plan-ids:{operator_id}"

    def _transaction_key(self, transaction: str) -> str:
        return f"{self._g}:transaction:{transaction}"

    async def _run(self, call: Awaitable[T]) -> T:
        try:
            if not self._started:  # calls not yet running: start the client first
                await self._start_cluster_client()
            return await call
        except _UNREACHABLE as exc:
            self._events = None  # whatever we hold may be stale: reload when Redis is back
            raise Unavailable(f"the shared store is unreachable: {exc}") from exc


def _after(entry_id: bytes, position: str) -> bool:
    """Whether a stream entry comes after a position (ids compare as (ms, sequence))."""
    ms, _, seq = entry_id.decode().partition("-")
    at_ms, _, at_seq = position.partition("-")
    return (int(ms), int(seq)) > (int(at_ms), int(at_seq or 0))


def _end_of(last: list[tuple[bytes, dict[bytes, bytes]]]) -> _Log:
    """The position after a stream's last entry (from XREVRANGE ... COUNT 1): its id and its
    sequence number, read together."""
    if not last:
        return _Log()
    entry_id, fields = last[0]
    return _Log(entry_id.decode(), int(fields[b"n"]))


def _entries(found: Any) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """The entries of a one-stream XREAD reply (RESP2 list or RESP3 map)."""
    if not found:
        return []
    if isinstance(found, dict):
        return next(iter(found.values()))[0]
    return found[0][1]


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
