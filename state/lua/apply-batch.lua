#!lua
--[[
  Applies one partition batch and advances the partition's stored next offset, all or nothing: the
  counts, the event-time windows and the offset they reach can never disagree, whatever crashes.

  All or nothing, because Redis never rolls a script back: everything that can fail is read and
  checked first (arguments, key types, stored values, the fencing epoch, the offset), and only then
  does the script write, with commands that cannot fail on what was checked. The shebang without
  the no-writes flag makes Redis refuse the script before it starts when it is over its maxmemory.
  Every key it touches is declared, so on a Redis Cluster they must (and, under one hash tag in the
  prefix, do) share a slot.

  KEYS[1] <prefix>:webservers   sorted set, DstDevice -> web requests
  KEYS[2] <prefix>:totals       hash of running totals
  KEYS[3] <prefix>:offsets      hash, "<topic>/<partition>" -> next offset to apply
  KEYS[4] <prefix>:owners       hash, "<topic>/<partition>" -> fencing epoch of its writer
  KEYS[5] <prefix>:hours        sorted set, hour H -> web requests in that hour
  KEYS[6] <prefix>:late         sorted set, DstDevice -> web requests that came after their hour was final
  KEYS[7] <prefix>:event-times  hash, "<topic>/<partition>" -> highest event Time seen
  KEYS[8] <prefix>:watermark    string, event-time seconds
  KEYS[9..] <prefix>:hour:H     sorted set per hour of the batch, in the order of the hours in ARGV

  ARGV[1] "<topic>/<partition>"
  ARGV[2] the writer's fencing epoch
  ARGV[3] first offset of the batch: must equal the stored next offset
  ARGV[4] offset after the batch: the new stored next offset
  ARGV[5] next offset to assume when none is stored (the partition's first retained offset)
  ARGV[6] highest event Time in the batch, or -1 (no flows: the dead-letter topic)
  ARGV[7] partitions of the flow topic: the watermark waits until each has been seen
  ARGV[8] allowed lateness, seconds
  ARGV[9] T, the number of (total name, increment) pairs that follow, then the pairs
  then    D, the number of (DstDevice, web requests) pairs that follow, then the pairs
  then    for each hour key KEYS[9..]: H, N, then N pairs (DstDevice, web requests in hour H)

  Returns (codes read by state/script-replies.ts, which treats any other reply as an error)
          {1, next} when applied,
          {-1, stored next} when the batch does not start at the stored next offset (nothing applied),
          {-2, owner epoch} when another writer owns the partition (nothing applied),
          {-3, why} when the state or the request cannot take the batch (nothing applied).
]]

-- Checks --------------------------------------------------------------------------------------------

--- @include "value-checks"

local HOUR_KEYS_FROM = 9
local expected_types = {'zset', 'hash', 'hash', 'hash', 'zset', 'zset', 'hash', 'string'}
for i = 1, #KEYS do
  local expected = expected_types[i] or 'zset'
  local actual = redis.call('TYPE', KEYS[i]).ok
  if actual ~= 'none' and actual ~= expected then
    return refuse(KEYS[i] .. ' holds a ' .. actual .. ', not a ' .. expected)
  end
end

for i = 2, 8 do
  local valid = i == 6 and is_integer(ARGV[i]) or is_counter(ARGV[i])
  if not valid then
    return refuse('argument ' .. i .. ' is not an integer')
  end
end
local field = ARGV[1]

-- The request, walked once: its totals, devices and hours, each count an integer.
local at = 9
local function take_count(what)
  local n = ARGV[at]
  if not is_increment(n) then
    return nil, refuse('the count of ' .. what .. ' (argument ' .. at .. ') is not a count')
  end
  at = at + 1
  return tonumber(n)
end

local function take_pairs(what, n)
  local from = at
  for i = 0, n - 1 do
    local increment = ARGV[at + 2 * i + 1]
    if ARGV[at + 2 * i] == nil or not is_increment(increment) then
      return nil, refuse('pair ' .. (i + 1) .. ' of ' .. what .. ' has no integer increment')
    end
  end
  at = at + 2 * n
  return from
end

local totals_count, totals_error = take_count('totals')
if totals_error then return totals_error end
local totals_at, totals_pairs_error = take_pairs('totals', totals_count)
if totals_pairs_error then return totals_pairs_error end

local devices_count, devices_error = take_count('devices')
if devices_error then return devices_error end
local devices_at, devices_pairs_error = take_pairs('devices', devices_count)
if devices_pairs_error then return devices_pairs_error end

local hours = {}
for k = HOUR_KEYS_FROM, #KEYS do
  local hour = ARGV[at]
  if not is_integer(hour) then
    return refuse('the hour of ' .. KEYS[k] .. ' (argument ' .. at .. ') is not an integer')
  end
  at = at + 1
  local n, count_error = take_count('devices of hour ' .. hour)
  if count_error then return count_error end
  local pairs_at, pairs_error = take_pairs('hour ' .. hour, n)
  if pairs_error then return pairs_error end
  hours[#hours + 1] = {key = KEYS[k], hour = tonumber(hour), name = hour, at = pairs_at, n = n}
end
if at ~= #ARGV + 1 then
  return refuse('the request has ' .. #ARGV .. ' arguments, not the ' .. (at - 1) .. ' its counts say')
end

-- Stored values the script computes with or adds to.
for i = totals_at, totals_at + 2 * totals_count - 1, 2 do
  local value = redis.call('HGET', KEYS[2], ARGV[i])
  if value and not is_counter(value) then
    return refuse(KEYS[2] .. ' field ' .. ARGV[i] .. ' holds ' .. shown(value) .. ', not an integer')
  end
end

local watermark_value = redis.call('GET', KEYS[8])
if watermark_value and not is_number(watermark_value) then
  return refuse(KEYS[8] .. ' holds ' .. shown(watermark_value) .. ', not a number')
end
local watermark = tonumber(watermark_value or '-1')

local times = redis.call('HGETALL', KEYS[7])
for i = 1, #times, 2 do
  if not is_number(times[i + 1]) then
    return refuse(KEYS[7] .. ' field ' .. times[i] .. ' holds ' .. shown(times[i + 1]) .. ', not a number')
  end
end

-- Fencing and the offset: a batch that is not this writer's, or not the next one, changes nothing.
local owner = redis.call('HGET', KEYS[4], field)
if owner and not is_counter(owner) then
  return refuse(KEYS[4] .. ' field ' .. field .. ' holds ' .. shown(owner) .. ', not an epoch')
end
if owner and tonumber(owner) ~= tonumber(ARGV[2]) then
  return {-2, owner}
end

local stored = redis.call('HGET', KEYS[3], field) or ARGV[5]
if not is_counter(stored) then
  return refuse(KEYS[3] .. ' field ' .. field .. ' holds ' .. shown(stored) .. ', not an offset')
end
if tonumber(stored) ~= tonumber(ARGV[3]) then
  return {-1, stored}
end

-- The watermark this batch moves to (computed before any write, from the checked values).
local batch_time = tonumber(ARGV[6])
local new_time = nil
local new_watermark = nil
if batch_time >= 0 then
  local seen = -1
  local seen_partitions = 0
  local lowest = math.huge
  for i = 1, #times, 2 do
    local t = tonumber(times[i + 1])
    if times[i] == field then
      seen = t
    else
      lowest = math.min(lowest, t)
      seen_partitions = seen_partitions + 1
    end
  end
  if batch_time > seen then new_time = batch_time end
  lowest = math.min(lowest, math.max(seen, batch_time))
  seen_partitions = seen_partitions + 1
  if seen_partitions >= tonumber(ARGV[7]) then
    local candidate = lowest - tonumber(ARGV[8])
    if candidate > watermark then new_watermark = candidate end
  end
end

-- Writes ----------------------------------------------------------------------------------------------

-- State lost (FLUSHALL) or never claimed: the first writer claims the partition.
if not owner then
  redis.call('HSET', KEYS[4], field, ARGV[2])
end

for i = totals_at, totals_at + 2 * totals_count - 1, 2 do
  local increment = tonumber(ARGV[i + 1])
  if increment ~= 0 then
    redis.call('HINCRBY', KEYS[2], ARGV[i], increment)
  end
end

for i = devices_at, devices_at + 2 * devices_count - 1, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
end

-- Hours that ended at or before the watermark (as it stood before this batch) are final: a flow
-- for one of them is counted as late instead, so a final hour never changes.
for _, hour in ipairs(hours) do
  local final = (hour.hour + 1) * 3600 <= watermark
  local sum = 0
  for i = hour.at, hour.at + 2 * hour.n - 1, 2 do
    if final then
      redis.call('ZINCRBY', KEYS[6], ARGV[i + 1], ARGV[i])
    else
      redis.call('ZINCRBY', hour.key, ARGV[i + 1], ARGV[i])
    end
    sum = sum + tonumber(ARGV[i + 1])
  end
  if not final and sum > 0 then
    redis.call('ZINCRBY', KEYS[5], sum, hour.name)
  end
end

-- The watermark: the lowest, over the flow topic's partitions, of the highest event time seen,
-- minus the allowed lateness. It only moves forward.
if new_time then
  redis.call('HSET', KEYS[7], field, new_time)
end
if new_watermark then
  redis.call('SET', KEYS[8], new_watermark)
end

redis.call('HSET', KEYS[3], field, ARGV[4])
return {1, ARGV[4]}
