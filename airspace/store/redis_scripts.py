"""The Lua scripts that make the Redis store's writes atomic.

Why Lua: Redis runs a script to the end before it serves any other command on that node, so
a script's checks and writes form one indivisible step for every replica. In a cluster a
script may touch only keys of one hash slot, so the store's keys come in groups that share a
hash tag (see ``redis``): one group per region of the city ("tags") and one global group.

Every abort, by ``ABORT`` or by ``DECIDE`` finding a transaction too old, appends an event, so
every replica releases the transaction's intents.

Booking is optimistic, in two steps (``redis`` explains why it is sound):
``PREPARE`` runs on each region the plan touches: it appends the plan's *intent* to that
region's log only if no intent appended since the replica last read the log shares a
sub-region with the plan (a check-and-set over the log). ``DECIDE`` runs on the global group:
it records the decision for the transaction (once: ``SET NX`` semantics against ``ABORT``),
the plan, the request id's outcome, and an event every replica reads.
"""

from __future__ import annotations

# An entry of a log stream with a gap-free sequence number n (fields after n).
_APPEND = """
local function append(log, seq, maxlen, fields)
  local n = redis.call('INCR', seq)
  return redis.call('XADD', log, 'MAXLEN', '~', maxlen, '*', 'n', n, unpack(fields))
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
"""

PREPARE = (
    _APPEND
    + """
-- KEYS: region log, its sequence
-- ARGV: log position read, its sequence number, sub-regions (space-separated), origin,
--       log max length, plan id, plan json, transaction id
local expected = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[2]) or '0') ~= expected then
  local mine = {}
  for r in string.gmatch(ARGV[3], '%S+') do mine[r] = true end
  local since = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+')
  if #since == 0 then return {'stale'} end
  for i, entry in ipairs(since) do
    local fields, n, regions = entry[2], nil, ''
    for f = 1, #fields, 2 do
      if fields[f] == 'n' then n = tonumber(fields[f + 1]) end
      if fields[f] == 'r' then regions = fields[f + 1] end
    end
    if n ~= expected + i then return {'stale'} end
    for r in string.gmatch(regions, '%S+') do
      if mine[r] then return {'stale'} end
    end
  end
end
local at = now_ms()
append(KEYS[1], KEYS[2], ARGV[5], {'o', ARGV[4], 'r', ARGV[3], 'id', ARGV[6], 'p', ARGV[7],
  'x', ARGV[8], 't', at})
return {'ok', tostring(at)}
"""
)

DECIDE = (
    _APPEND
    + """
-- KEYS: plans, versions, plan ids, holding set, events, event sequence, request key,
--       operator's plan ids, transaction key
-- ARGV: transaction id ('' when nothing was prepared), oldest intent time (ms),
--       intent lifetime (ms), origin, events max length, outcome json, the new plan's id,
--       json and holds (1/0), then id, expected json, new json per preempted plan
local seen = redis.call('GET', KEYS[7])
if seen then return {'seen', seen} end
for i = 10, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) ~= ARGV[i + 1] then return {'changed', ARGV[i]} end
end
if ARGV[1] ~= '' then
  if redis.call('EXISTS', KEYS[9]) == 1 then return {'aborted'} end
  if now_ms() - tonumber(ARGV[2]) > tonumber(ARGV[3]) then
    redis.call('SET', KEYS[9], 'abort', 'EX', 86400)
    append(KEYS[5], KEYS[6], ARGV[5], {'o', ARGV[4], 'a', ARGV[7], 'x', ARGV[1]})
    return {'aborted'}
  end
  redis.call('SET', KEYS[9], 'commit', 'EX', 86400)
end
local changed = {}
local function store(id, json, holds)
  redis.call('HSET', KEYS[1], id, json)
  local v = redis.call('HINCRBY', KEYS[2], id, 1)
  if holds == '1' then redis.call('SADD', KEYS[4], id) else redis.call('SREM', KEYS[4], id) end
  table.insert(changed, '[' .. v .. ',' .. json .. ']')
end
store(ARGV[7], ARGV[8], ARGV[9])
redis.call('ZADD', KEYS[3], 0, ARGV[7])
redis.call('ZADD', KEYS[8], 0, ARGV[7])
for i = 10, #ARGV, 3 do store(ARGV[i], ARGV[i + 2], '0') end
redis.call('SET', KEYS[7], ARGV[6])
append(KEYS[5], KEYS[6], ARGV[5], {'o', ARGV[4], 'p', '[' .. table.concat(changed, ',') .. ']'})
return {'ok'}
"""
)

ABORT = (
    _APPEND
    + """
-- KEYS: events, event sequence, transaction key
-- ARGV: plan id, origin, events max length, transaction id
-- Settles a transaction's intents: abort them unless the transaction was committed.
if redis.call('SET', KEYS[3], 'abort', 'NX', 'EX', 86400) then
  append(KEYS[1], KEYS[2], ARGV[3], {'o', ARGV[2], 'a', ARGV[1], 'x', ARGV[4]})
  return 1
end
return 0
"""
)

REPLACE_PLAN = (
    _APPEND
    + """
-- KEYS: plans, versions, holding set, events, event sequence
-- ARGV: plan id, the json it must still have, new json, holds (1/0), origin, events max length
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
local v = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[3], ARGV[1])
else
  redis.call('SREM', KEYS[3], ARGV[1])
end
append(KEYS[4], KEYS[5], ARGV[6], {'o', ARGV[5], 'p', '[[' .. v .. ',' .. ARGV[3] .. ']]'})
return 1
"""
)

PUT_ZONES = (
    _APPEND
    + """
-- KEYS: zones, events, event sequence
-- ARGV: create only (1/0), origin, events max length, zones json (array), then id, json per zone
if ARGV[1] == '1' then
  local taken = {}
  for i = 5, #ARGV, 2 do
    if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then table.insert(taken, ARGV[i]) end
  end
  if #taken > 0 then return taken end
end
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
append(KEYS[2], KEYS[3], ARGV[3], {'o', ARGV[2], 'z', ARGV[4]})
return {}
"""
)

DELETE_ZONE = (
    _APPEND
    + """
-- KEYS: zones, events, event sequence
-- ARGV: zone id, origin, events max length, deleted ids json
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
append(KEYS[2], KEYS[3], ARGV[3], {'o', ARGV[2], 'd', ARGV[4]})
return 1
"""
)
