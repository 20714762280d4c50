--[[
  Deletes a prefix's whole state in one step, the per-hour sets included: for a fresh run, or to
  reproduce what a FLUSHALL does to it. Atomic, so no hour created meanwhile survives.

  KEYS[1..10] the fixed state keys (webservers, totals, offsets, owners, epoch, hours, late,
              event-times, watermark, check)
  ARGV[1] "<prefix>:hour:" (the per-hour sorted sets are this plus H)

  Returns the number of keys deleted.
]]
local deleted = 0
local hours = redis.call('ZRANGE', KEYS[6], 0, -1)
for _, hour in ipairs(hours) do
  deleted = deleted + redis.call('DEL', ARGV[1] .. hour)
end
return deleted + redis.call('DEL', unpack(KEYS))
