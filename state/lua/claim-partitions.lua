#!lua
--[[
  Claims partitions for a member that has just joined the group: hands out a new fencing epoch and
  makes it the owner of each partition, so a member that lost them (a zombie) can no longer write.
  All or nothing, like apply-batch.lua: the checks come before the first write.

  KEYS[1] <prefix>:owners  hash, "<topic>/<partition>" -> fencing epoch
  KEYS[2] <prefix>:epoch   counter of epochs

  ARGV[1] the highest epoch this member has held (0 if none): the new one is above it even if the
          counter was lost with the rest of the state
  ARGV[2..] "<topic>/<partition>" fields to claim

  Returns {1, the new epoch}, or {-3, why} when the state cannot take the claim (nothing changed).
]]
local owners_type = redis.call('TYPE', KEYS[1]).ok
if owners_type ~= 'none' and owners_type ~= 'hash' then
  return {-3, KEYS[1] .. ' holds a ' .. owners_type .. ', not a hash'}
end
local counter_type = redis.call('TYPE', KEYS[2]).ok
local counter = '0'
if counter_type ~= 'none' then
  counter = counter_type == 'string' and redis.call('GET', KEYS[2]) or ''
  if not string.match(counter, '^%d+$') then
    return {-3, KEYS[2] .. ' does not hold an epoch counter'}
  end
end
if not string.match(ARGV[1], '^%d+$') then
  return {-3, 'argument 1 is not an epoch'}
end

local epoch = math.max(tonumber(counter) + 1, tonumber(ARGV[1]) + 1)
redis.call('SET', KEYS[2], epoch)
for i = 2, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], epoch)
end
return {1, epoch}
