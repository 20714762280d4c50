--[[
  Claims partitions for a member that has just joined the group: hands out a new fencing epoch and
  makes it the owner of each partition, so a member that lost them (a zombie) can no longer write.

  KEYS[1] <prefix>:owners  hash, "<topic>/<partition>" -> fencing epoch
  KEYS[2] <prefix>:epoch   counter of epochs

  ARGV[1] the highest epoch this member has held (0 if none): the new one is above it even if the
          counter was lost with the rest of the state
  ARGV[2..] "<topic>/<partition>" fields to claim

  Returns the new epoch.
]]
local epoch = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[1])
if epoch <= floor then
  epoch = floor + 1
  redis.call('SET', KEYS[2], epoch)
end
for i = 2, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], epoch)
end
return epoch
