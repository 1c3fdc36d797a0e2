"""The Lua scripts that make the Redis store's writes atomic.

Why Lua: Redis runs a script to the end before it serves any other command, on one node, so
a script's checks and writes form one indivisible step across every replica. The exact
verdict (Python geometry) cannot run inside Redis, so a submission is optimistic: a replica
judges the plan against its local copy of the reservations, current up to a position in the
shared change log, and the submit script books it only if no log entry written since that
position touches any of the plan's regions (else the replica catches up and judges again).
That is a check-and-set over the log, the same guarantee WATCH/MULTI/EXEC gives, with
region granularity instead of whole keys, so replicas booking far apart never retry.

Every write appends one entry to the log with a gap-free sequence number ``n``, so a replica
that missed entries (the log was trimmed, or Redis came back empty) notices and reloads.
"""

from __future__ import annotations

# Shared by the scripts: append one change-log entry (fields after the sequence number).
_APPEND = """
local function append(log, seq, maxlen, fields)
  local n = redis.call('INCR', seq)
  redis.call('XADD', log, 'MAXLEN', '~', maxlen, '*', 'n', n, unpack(fields))
end
"""

SUBMIT = (
    _APPEND
    + """
-- KEYS: plans, plan ids, holding set, log, log sequence, submission key, operator's plan ids
-- ARGV: log position, its sequence number, regions (space-separated), origin, outcome json,
--       log max length, plans json (array), then id, json, holds (1/0) per changed plan
local seen = redis.call('GET', KEYS[6])
if seen then return {'seen', seen} end
local expected = tonumber(ARGV[2])
if tonumber(redis.call('GET', KEYS[5]) or '0') ~= expected then
  local mine = {}
  for region in string.gmatch(ARGV[3], '%S+') do mine[region] = true end
  local since = redis.call('XRANGE', KEYS[4], '(' .. ARGV[1], '+')
  if #since == 0 then return {'stale'} end
  for i, entry in ipairs(since) do
    local fields = entry[2]
    local n, regions = nil, ''
    for f = 1, #fields, 2 do
      if fields[f] == 'n' then n = tonumber(fields[f + 1]) end
      if fields[f] == 'r' then regions = fields[f + 1] end
    end
    if n ~= expected + i then return {'stale'} end
    for region in string.gmatch(regions, '%S+') do
      if mine[region] then return {'stale'} end
    end
  end
end
for i = 8, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], 0, ARGV[i])
  if ARGV[i + 2] == '1' then
    redis.call('SADD', KEYS[3], ARGV[i])
  else
    redis.call('SREM', KEYS[3], ARGV[i])
  end
end
redis.call('ZADD', KEYS[7], 0, ARGV[8])
redis.call('SET', KEYS[6], ARGV[5])
append(KEYS[4], KEYS[5], ARGV[6], {'o', ARGV[4], 'r', ARGV[3], 'p', ARGV[7]})
return {'ok'}
"""
)

REPLACE_PLAN = (
    _APPEND
    + """
-- KEYS: plans, holding set, log, log sequence
-- ARGV: plan id, the json it must still have, new json, holds (1/0), regions, origin,
--       log max length
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] == '1' then
  redis.call('SADD', KEYS[2], ARGV[1])
else
  redis.call('SREM', KEYS[2], ARGV[1])
end
append(KEYS[3], KEYS[4], ARGV[7], {'o', ARGV[6], 'r', ARGV[5], 'p', '[' .. ARGV[3] .. ']'})
return 1
"""
)

PUT_ZONES = (
    _APPEND
    + """
-- KEYS: zones, log, log sequence
-- ARGV: create only (1/0), origin, log max length, zones json (array), then id, json per zone
if ARGV[1] == '1' then
  local taken = {}
  for i = 5, #ARGV, 2 do
    if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then table.insert(taken, ARGV[i]) end
  end
  if #taken > 0 then return taken end
end
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
append(KEYS[2], KEYS[3], ARGV[3], {'o', ARGV[2], 'r', '', 'z', ARGV[4]})
return {}
"""
)

DELETE_ZONE = (
    _APPEND
    + """
-- KEYS: zones, log, log sequence
-- ARGV: zone id, origin, log max length, deleted ids json
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
append(KEYS[2], KEYS[3], ARGV[3], {'o', ARGV[2], 'r', '', 'd', ARGV[4]})
return 1
"""
)
