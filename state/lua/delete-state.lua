#!lua flags=allow-oom
--[[
  Deletes a prefix's whole state in one step, the per-hour sets included: for a fresh run, or to
  reproduce what a FLUSHALL does to it. Atomic, so no hour created meanwhile survives. Allowed at
  maxmemory (allow-oom): deleting is how memory is given back.

  KEYS[1..F]  the F fixed state keys (webservers, totals, offsets, owners, epoch, hours, late,
              event-times, watermark, check, and those keys.ts lists after them)
  KEYS[F+1..] the per-hour sets, as the hours set (KEYS[6]) listed them when the caller read it
  ARGV[1]     "<prefix>:hour:" (a per-hour set's key is this plus H)
  ARGV[2]     F, how many fixed keys come first

  Returns {1, keys deleted}, or {0, hours now listed} when the hours set names an hour whose key was
  not declared (an hour appeared since the caller read the list): nothing is deleted, read again.
]]
local fixed = tonumber(ARGV[2])
if not fixed or fixed < 6 or fixed > #KEYS then
  return {-3, 'argument 2 is not the number of fixed keys'}
end
local declared = {}
for i = fixed + 1, #KEYS do
  declared[KEYS[i]] = true
end
if redis.call('TYPE', KEYS[6]).ok == 'zset' then
  local hours = redis.call('ZRANGE', KEYS[6], 0, -1)
  for _, hour in ipairs(hours) do
    if not declared[ARGV[1] .. hour] then
      return {0, #hours}
    end
  end
end
return {1, redis.call('DEL', unpack(KEYS))}
