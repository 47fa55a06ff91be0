-- Checks replay.lua's inversion of wrk's latency correction, inside wrk's own LuaJIT:
--   REPLAY_LUA=benchmarks/loadbench/replay.lua wrk -s uncorrect_test.lua http://127.0.0.1:9
-- wrk runs a script's top level when it loads it, so this exits before any connection.
-- For many random measured histograms it applies the correction exactly as wrk 4.1's
-- stats_correct() does, then asks replay.lua to undo it and compares with the original.
local ffi = require("ffi")
dofile(assert(os.getenv("REPLAY_LUA"), "set REPLAY_LUA"))
local internals = replay_internals

-- wrk 4.1 stats_correct(): each sample n >= 2e adds one sample at n-e, n-2e, ... while > e.
local function wrk_correct(stats, interval, high)
   for n = 2 * interval, high do
      local count = stats[4 + n]
      local m = n - interval
      while count > 0 and m > interval do
         stats[4 + m] = stats[4 + m] + count
         m = m - interval
      end
   end
end

local function random_case(seed)
   math.randomseed(seed)
   local high = math.random(1, 400)
   local interval = math.random(1, 60)
   local raw, low, top = {}, nil, nil
   for value = 0, high do
      if math.random() < 0.3 then
         raw[value] = math.random(1, 1000)
         low = low or value
         top = value
      end
   end
   return raw, low, top, interval
end

local failures, cases = 0, 500
for seed = 1, cases do
   local raw, low, high, interval = random_case(seed)
   if low then
      local stats = ffi.new("uint64_t[?]", 4 + high + 1)
      for value, n in pairs(raw) do stats[4 + value] = n end
      stats[2], stats[3] = low, high
      wrk_correct(stats, interval, high)
      local got = internals.measured_histogram(stats, interval)
      for value = low, high do
         if (got and got[value] or 0) ~= (raw[value] or 0) then
            failures = failures + 1
            print(string.format("FAIL seed %d value %d: want %d got %s", seed, value,
                                raw[value] or 0, tostring(got and got[value])))
            break
         end
      end
   end
end

-- Percentiles of a known histogram: 90 samples of 100 us, 9 of 200 us, 1 of 5000 us.
local p = internals.percentiles({ [100] = 90, [200] = 9, [5000] = 1 }, 100, 100, 5000)
if p[1] ~= 100 or p[2] ~= 100 or p[3] ~= 200 or p[4] ~= 5000 or p.max ~= 5000 then
   failures = failures + 1
   print(string.format("FAIL percentiles: p50=%s p90=%s p99=%s p999=%s", p[1], p[2], p[3], p[4]))
end
-- wrk's interval: 64 connections, 6400 requests in 2 s -> 100 per connection -> 20000 us.
if internals.correction_interval(6400, 2000000, 64) ~= 20000 then
   failures = failures + 1
   print("FAIL correction_interval")
end

if failures == 0 then
   print(string.format("PASS %d histograms", cases))
   os.exit(0)
end
os.exit(1)
