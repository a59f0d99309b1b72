-- wrk script: requests at a fixed rate instead of as fast as possible. Each wrk thread keeps its own
-- schedule of RATE/THREADS requests per second; a connection that comes free takes the next slot,
-- and a slot already past is sent at once, so slow replies do not lower the rate while some
-- connection is free. Latency is wrk's own (from writing the request to the whole reply).
-- Arguments after "--": RATE THREADS [BODY_FILE]  (a body makes it a JSON POST)
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local interval, next_slot

function init(args)
  local rate, threads = tonumber(args[1]), tonumber(args[2])
  assert(rate and rate > 0 and threads and threads > 0, "usage: -- RATE THREADS [BODY_FILE]")
  interval = 1000 * threads / rate
  if args[3] and args[3] ~= "" then
    local f = assert(io.open(args[3], "rb"))
    wrk.method = "POST"
    wrk.body = f:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    f:close()
  end
end

-- wrk calls this before every request and waits the returned whole milliseconds.
function delay()
  local now = now_ms()
  next_slot = (next_slot or now) + interval
  local wait = next_slot - now
  return wait > 0 and math.floor(wait) or 0
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("%.1f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, %d requests, %d errors\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000, summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout))
end
