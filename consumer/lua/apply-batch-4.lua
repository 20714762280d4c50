--[[
  Applies one partition batch of counts and advances the partition's stored next offset, atomically:
  the counts and the offset they reach can never disagree, whatever crashes.

  KEYS[1] <prefix>:webservers  sorted set, DstDevice -> web requests
  KEYS[2] <prefix>:totals      hash of running totals
  KEYS[3] <prefix>:offsets     hash, "<topic>/<partition>" -> next offset to apply
  KEYS[4] <prefix>:owners      hash, "<topic>/<partition>" -> fencing epoch of its writer

  ARGV[1] "<topic>/<partition>"
  ARGV[2] the writer's fencing epoch
  ARGV[3] first offset of the batch: must equal the stored next offset
  ARGV[4] offset after the batch: the new stored next offset
  ARGV[5] next offset to assume when none is stored (the partition's first retained offset)
  ARGV[6..9] increments of totals: flows, webRequests, invalidLines, undecodable
  ARGV[10..] pairs: DstDevice, web requests to add

  Returns {1, next} when applied,
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

for i = 10, #ARGV, 2 do
  redis.call('ZINCRBY', KEYS[1], ARGV[i + 1], ARGV[i])
end

local totals = {'flows', 'webRequests', 'invalidLines', 'undecodable'}
for i, name in ipairs(totals) do
  local increment = tonumber(ARGV[5 + i])
  if increment ~= 0 then
    redis.call('HINCRBY', KEYS[2], name, increment)
  end
end

redis.call('HSET', KEYS[3], field, ARGV[4])
return {1, ARGV[4]}
