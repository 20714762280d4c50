#!lua
--[[
  Claims partitions for a member that has just joined the group: hands out a new fencing epoch and
  makes it the owner of each partition, so a member that lost them (a zombie) can no longer write.
  One group per state: the first claim records its group, and a member of any other group is
  refused before it takes anything (epochs are per state, so its claims would fence the real group).
  All or nothing, like apply-batch.lua: the checks come before the first write.

  KEYS[1] <prefix>:owners  hash, "<topic>/<partition>" -> fencing epoch
  KEYS[2] <prefix>:epoch   counter of epochs
  KEYS[3] <prefix>:group   string, the consumer group that counts into this state

  ARGV[1] the highest epoch this member has held (0 if none): the new one is above it even if the
          counter was lost with the rest of the state
  ARGV[2] the member's consumer group
  ARGV[3..] "<topic>/<partition>" fields to claim

  Returns {1, the new epoch}, {-4, the owning group} when another group owns the state, or {-3, why}
  when the state cannot take the claim (nothing changed in either case).
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
local group_type = redis.call('TYPE', KEYS[3]).ok
if group_type ~= 'none' and group_type ~= 'string' then
  return {-3, KEYS[3] .. ' holds a ' .. group_type .. ', not a string'}
end
local group = redis.call('GET', KEYS[3])
if group and group ~= ARGV[2] then
  return {-4, group}
end
if ARGV[2] == '' then
  return {-3, 'argument 2 is not a group'}
end

local epoch = math.max(tonumber(counter) + 1, tonumber(ARGV[1]) + 1)
redis.call('SET', KEYS[2], epoch)
if not group then
  redis.call('SET', KEYS[3], ARGV[2])
end
for i = 3, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], epoch)
end
return {1, epoch}
