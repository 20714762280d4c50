#!lua
--[[
  Starts a partial count of a partition: the state holds no position for it and Kafka no longer
  holds its first messages, and a partial count was asked for (consume --accept-partial). Stores the
  first retained offset as the partition's next offset and marks the partition partial from there,
  together, so a state never counts from a later offset without saying so. All or nothing, like
  apply-batch.lua: the checks come before the first write.

  KEYS[1] <prefix>:offsets  hash, "<topic>/<partition>" -> next offset to apply
  KEYS[2] <prefix>:owners   hash, "<topic>/<partition>" -> fencing epoch of its writer
  KEYS[3] <prefix>:partial  hash, "<topic>/<partition>" -> the offset its count starts at

  ARGV[1] "<topic>/<partition>"
  ARGV[2] the writer's fencing epoch
  ARGV[3] the partition's first retained offset

  Returns {1, next} when started, {-1, stored next} when the state holds a position already (nothing
  changed: follow it), {-2, owner epoch} when another writer owns the partition, or {-3, why}.
]]
local expected = {'hash', 'hash', 'hash'}
for i = 1, 3 do
  local actual = redis.call('TYPE', KEYS[i]).ok
  if actual ~= 'none' and actual ~= expected[i] then
    return {-3, KEYS[i] .. ' holds a ' .. actual .. ', not a ' .. expected[i]}
  end
end
for i = 2, 3 do
  if not string.match(ARGV[i], '^%d+$') or #ARGV[i] > 18 then
    return {-3, 'argument ' .. i .. ' is not an integer'}
  end
end

local field = ARGV[1]
local owner = redis.call('HGET', KEYS[2], field)
if owner and owner ~= ARGV[2] then
  return {-2, owner}
end
local stored = redis.call('HGET', KEYS[1], field)
if stored then
  return {-1, stored}
end

if not owner then
  redis.call('HSET', KEYS[2], field, ARGV[2])
end
redis.call('HSET', KEYS[1], field, ARGV[3])
redis.call('HSET', KEYS[3], field, ARGV[3])
return {1, ARGV[3]}
