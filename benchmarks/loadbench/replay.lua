-- wrk script for dynafed's peer benchmark: replays pre-signed HTTP requests and accounts for
-- every response.
--
--   wrk -t1 -c8 -d5s -s replay.lua http://127.0.0.1:PORT -- REQUESTS_FILE 8
--
-- REQUESTS_FILE holds complete HTTP/1.1 requests, each preceded by a line with its length in
-- bytes (written by loadbench/wrk_runner.py). The last argument must repeat -c: it is needed to
-- undo wrk's latency correction (below).
--
-- done() prints one line "BENCHRESULT <json>": request count, duration, a histogram of every
-- HTTP status seen, the non-2xx count with a few sample bodies, wrk's socket errors, and raw
-- latency percentiles in microseconds.
--
-- Why "raw": before done() runs, wrk 4.x rewrites its latency histogram to "correct" for
-- coordinated omission. With interval e = duration / (requests / connections), every sample of
-- v >= 2e also adds one synthetic sample at v-e, v-2e, ... (while above e). So for v > e
--   corrected[v] = raw[v] + raw[v+e] + raw[v+2e] + ...
-- and raw[v] = corrected[v] - (sum of raw[w] for w > v, w = v mod e). Walking down from the
-- largest value while keeping one running sum per residue class recovers the measured
-- histogram exactly. A closed-loop benchmark reports per-request latency under the given
-- concurrency; the synthetic samples would turn a few scheduler hiccups into a fat tail.

local ffi_ok, ffi = pcall(require, "ffi")

local all_threads = {}

function setup(thread)
   thread:set("thread_index", #all_threads)
   all_threads[#all_threads + 1] = thread
end

local function read_requests(path)
   local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
   local data = file:read("*a")
   file:close()
   local list, pos = {}, 1
   while pos <= #data do
      local eol = string.find(data, "\n", pos, true)
      local length = tonumber(string.sub(data, pos, eol - 1))
      list[#list + 1] = string.sub(data, eol + 1, eol + length)
      pos = eol + length + 1
   end
   return list
end

local requests, count, cursor

function init(args)
   requests = read_requests(args[1])
   count = #requests
   assert(count > 0, "no requests in " .. tostring(args[1]))
   connections = tonumber(args[2])
   -- Threads start at different places so they do not send the same keys in step.
   cursor = (thread_index * 7907) % count
   responses, non2xx, samples = 0, 0, {}
   statuses = {}
end

function request()
   cursor = cursor + 1
   if cursor > count then cursor = 1 end
   return requests[cursor]
end

function response(status, headers, body)
   responses = responses + 1
   statuses[status] = (statuses[status] or 0) + 1
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if #samples < 3 then
         samples[#samples + 1] = status .. " " .. string.sub(body or "", 1, 240)
      end
   end
end

local function json_string(text)
   local escaped = string.gsub(text, '[%c"\\\128-\255]', function(c)
      return string.format("\\u%04x", string.byte(c))
   end)
   return '"' .. escaped .. '"'
end

-- wrk's interval for the correction: duration / (requests per connection), in whole units.
local function correction_interval(requests, duration_us, connections)
   local per_connection = math.floor(requests / connections)
   if per_connection > 0 then return math.floor(duration_us / per_connection) end
   return 0
end

-- Recovers the measured histogram from wrk's corrected one (see the header comment).
-- `stats` points at wrk's `stats` struct: count, limit, min, max, data[limit].
-- Returns a table of {value_us = count}, the sample total, min and max.
local function measured_histogram(stats, interval)
   local low, high = tonumber(stats[2]), tonumber(stats[3])
   local histogram, above, total = {}, {}, 0
   for value = high, low, -1 do
      local n = tonumber(stats[4 + value])
      if interval > 0 and value > interval then
         local residue = value % interval
         n = n - (above[residue] or 0)
         above[residue] = (above[residue] or 0) + n
      end
      if n < 0 then return nil, "histogram does not invert" end
      if n > 0 then
         histogram[value] = n
         total = total + n
      end
   end
   return histogram, total, low, high
end

local function percentiles(histogram, total, low, high)
   local wanted = { 0.50, 0.90, 0.99, 0.999 }
   local result, next_q, seen, sum = {}, 1, 0, 0
   for value = low, high do
      local n = histogram[value]
      if n then
         seen = seen + n
         sum = sum + n * value
         while next_q <= #wanted and seen >= math.ceil(wanted[next_q] * total) do
            result[next_q] = value
            next_q = next_q + 1
         end
         result.max = value
         result.min = result.min or value
      end
   end
   result.mean = sum / total
   return result
end

-- For benchmarks/tests/uncorrect_test.lua, which runs these through wrk's own LuaJIT.
replay_internals = {
   measured_histogram = measured_histogram,
   correction_interval = correction_interval,
   percentiles = percentiles,
}

function done(summary, latency, _requests)
   local responses_seen, bad, by_status, bodies, conns = 0, 0, {}, {}, nil
   for _, thread in ipairs(all_threads) do
      responses_seen = responses_seen + thread:get("responses")
      bad = bad + thread:get("non2xx")
      conns = conns or thread:get("connections")
      for status, n in pairs(thread:get("statuses")) do
         local key = tostring(status)
         by_status[key] = (by_status[key] or 0) + n
      end
      for _, body in ipairs(thread:get("samples")) do
         if #bodies < 5 then bodies[#bodies + 1] = json_string(body) end
      end
   end
   local status_parts = {}
   for status, n in pairs(by_status) do
      status_parts[#status_parts + 1] = json_string(status) .. ":" .. n
   end

   local latency_json
   local histogram, total, low, high
   if not ffi_ok then
      total = "LuaJIT ffi unavailable"
   elseif not conns or conns < 1 then
      total = "connection count not given"
   else
      -- `latency` is a userdata holding a pointer to wrk's stats struct.
      local stats = ffi.cast("uint64_t **", latency)[0]
      if tonumber(stats[2]) ~= latency.min or tonumber(stats[3]) ~= latency.max then
         total = "unexpected layout of wrk's stats struct"
      else
         local interval = correction_interval(summary.requests, summary.duration, conns)
         histogram, total, low, high = measured_histogram(stats, interval)
      end
   end
   if histogram and total > 0 then
      local p = percentiles(histogram, total, low, high)
      latency_json = string.format(
         '{"kind":"raw","samples":%d,"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}',
         total, p.min, p.mean, p[1], p[2], p[3], p[4], p.max)
   else
      -- Say so rather than pass wrk's corrected figures off as measured ones.
      latency_json = string.format(
         '{"kind":"wrk-corrected","why":%s,"samples":0,"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}',
         json_string(tostring(total or "empty")), latency.min, latency.mean,
         latency:percentile(50), latency:percentile(90), latency:percentile(99),
         latency:percentile(99.9), latency.max)
   end

   local e = summary.errors
   io.write(string.format(
      'BENCHRESULT {"requests":%d,"responses_seen":%d,"duration_us":%d,"bytes":%d,' ..
      '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
      '"non2xx":%d,"status":{%s},"error_samples":[%s],"latency_us":%s}\n',
      summary.requests, responses_seen, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.timeout,
      bad, table.concat(status_parts, ","), table.concat(bodies, ","), latency_json))
end
