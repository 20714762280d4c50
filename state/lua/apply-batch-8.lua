--[[
  Applies one partition batch and advances the partition's stored next offset, atomically: the
  counts, the event-time windows and the offset they reach can never disagree, whatever crashes.
  (flowwatch targets one Redis, not a cluster: the per-hour keys are built here from ARGV[7].)

  KEYS[1] <prefix>:webservers   sorted set, DstDevice -> web requests
  KEYS[2] <prefix>:totals       hash of running totals
  KEYS[3] <prefix>:offsets      hash, "<topic>/<partition>" -> next offset to apply
  KEYS[4] <prefix>:owners       hash, "<topic>/<partition>" -> fencing epoch of its writer
  KEYS[5] <prefix>:hours        sorted set, hour H -> web requests in that hour
  KEYS[6] <prefix>:late         sorted set, DstDevice -> web requests that came after their hour was final
  KEYS[7] <prefix>:event-times  hash, "<topic>/<partition>" -> highest event Time seen
  KEYS[8] <prefix>:watermark    string, event-time seconds

  ARGV[1] "<topic>/<partition>"
  ARGV[2] the writer's fencing epoch
  ARGV[3] first offset of the batch: must equal the stored next offset
  ARGV[4] offset after the batch: the new stored next offset
  ARGV[5] next offset to assume when none is stored (the partition's first retained offset)
  ARGV[6] highest event Time in the batch, or -1 (no flows: the dead-letter topic)
  ARGV[7] "<prefix>:hour:" (the per-hour sorted sets are this plus H)
  ARGV[8] partitions of the flow topic: the watermark waits until each has been seen
  ARGV[9] allowed lateness, seconds
  ARGV[10] T, the number of (total name, increment) pairs that follow
  ARGV[11..10+2T] pairs: field of the totals hash, increment
  ARGV[11+2T] D, the number of (DstDevice, web requests) pairs that follow
  ARGV[12+2T..11+2T+2D] pairs: DstDevice, web requests to add to the all-time score
  ARGV[12+2T+2D..] triples: hour H, DstDevice, web requests in that hour

  Returns (codes read by state/script-replies.ts, which treats any other reply as an error)
          {1, next} when applied,
          {-1, stored next} when the batch does not start at the stored next offset (nothing applied),
          {-2, owner epoch} when another writer owns the partition (nothing applied).
]]
local field = ARGV[1]

local owner = redis.call('HGET', KEYS[4], field)
if owner and tonumber(owner) ~= tonumber(ARGV[2]) then
  return {-2, owner}
end

local stored = redis.call('HGET', KEYS[3], field) or ARGV[5]
if tonumber(stored) ~= tonumber(ARGV[3]) then
  return {-1, stored}
end

-- State lost (FLUSHALL) or never claimed: the first writer claims the partition.
if not owner then
  redis.call('HSET', KEYS[4], field, ARGV[2])
end

local totals_end = 10 + 2 * tonumber(ARGV[10])
for i = 11, totals_end, 2 do
  local increment = tonumber(ARGV[i + 1])
  if increment ~= 0 then
    redis.call('HINCRBY', KEYS[2], ARGV[i], increment)
  end
end

local devices_at = totals_end + 1
local pairs_end = devices_at + 2 * tonumber(ARGV[devices_at])
for i = devices_at + 1, pairs_end, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
end

-- Hours that ended at or before the watermark (as it stood before this batch) are final: a flow
-- for one of them is counted as late instead, so a final hour never changes.
local watermark = tonumber(redis.call('GET', KEYS[8]) or '-1')
for i = pairs_end + 1, #ARGV, 3 do
  local hour = tonumber(ARGV[i])
  if (hour + 1) * 3600 <= watermark then
    redis.call('ZINCRBY', KEYS[6], ARGV[i + 2], ARGV[i + 1])
  else
    redis.call('ZINCRBY', ARGV[7] .. ARGV[i], ARGV[i + 2], ARGV[i + 1])
    redis.call('ZINCRBY', KEYS[5], ARGV[i + 2], ARGV[i])
  end
end

-- The watermark: the lowest, over the flow topic's partitions, of the highest event time seen,
-- minus the allowed lateness. It only moves forward.
local batch_time = tonumber(ARGV[6])
if batch_time >= 0 then
  local seen = tonumber(redis.call('HGET', KEYS[7], field) or '-1')
  if batch_time > seen then
    redis.call('HSET', KEYS[7], field, batch_time)
  end
  local times = redis.call('HVALS', KEYS[7])
  if #times >= tonumber(ARGV[8]) then
    local lowest = math.huge
    for _, t in ipairs(times) do
      lowest = math.min(lowest, tonumber(t))
    end
    local candidate = lowest - tonumber(ARGV[9])
    if candidate > watermark then
      redis.call('SET', KEYS[8], candidate)
    end
  end
end

redis.call('HSET', KEYS[3], field, ARGV[4])
return {1, ARGV[4]}
