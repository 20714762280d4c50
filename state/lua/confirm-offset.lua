#!lua
--[[
  Confirms that a partition's stored next offset is the one a member applied up to, and writes it
  again: a WAIT sent right after on the same connection then covers the batch, since WAIT counts
  only what its own connection wrote (after a reconnect it would count nothing). Changes nothing
  else; all checks come before the write.

  KEYS[1] <prefix>:offsets  hash, "<topic>/<partition>" -> next offset to apply

  ARGV[1] "<topic>/<partition>"
  ARGV[2] the next offset the member applied up to

  Returns {1, next} when the state holds it, {-1, stored next or -1 for none} when the state is
  elsewhere (a failover to a replica that lacked the batch), or {-3, why} (nothing changed).
]]
local offsets_type = redis.call('TYPE', KEYS[1]).ok
if offsets_type ~= 'none' and offsets_type ~= 'hash' then
  return {-3, KEYS[1] .. ' holds a ' .. offsets_type .. ', not a hash'}
end
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored ~= ARGV[2] then
  return {-1, stored or '-1'}
end
redis.call('HSET', KEYS[1], ARGV[1], stored)
return {1, stored}
