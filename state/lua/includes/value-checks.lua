--[[
  The checks a script makes before it writes anything (Redis never rolls a script back): what an
  argument or a stored value must look like, and the refusal that says why one does not.
  Included where a script has `--- @include "value-checks"` (state/scripts.ts).
]]

local function refuse(why)
  return {-3, why}
end

-- A stored value, quoted and cut short, for a refusal's reason.
local function shown(value)
  if #value > 40 then value = string.sub(value, 1, 40) .. '...' end
  return string.format('%q', value)
end

-- Any integer in digits (event times, hours: Lua compares them as numbers, Redis never adds them).
local function is_integer(value)
  return type(value) == 'string' and string.match(value, '^%-?%d+$') ~= nil
end

-- An integer as HINCRBY reads one, small enough that adding an increment cannot overflow 64 bits:
-- no leading zero, no '-0', at most 18 digits.
local function is_counter(value)
  return type(value) == 'string' and #value <= 19
    and (value == '0' or string.match(value, '^%-?[1-9]%d*$') ~= nil)
    and #string.gsub(value, '^%-', '') <= 18
end

-- An increment: a count from 0 to below 10^15, written as HINCRBY and ZINCRBY read it.
local function is_increment(value)
  return type(value) == 'string' and #value <= 15 and (value == '0' or string.match(value, '^[1-9]%d*$') ~= nil)
end

local function is_number(value)
  return type(value) == 'string' and tonumber(value) ~= nil and string.match(value, '^[%-%d.e+]+$') ~= nil
end
