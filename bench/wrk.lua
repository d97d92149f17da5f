-- wrk script for the Papers benchmark: POSTs one GraphQL operation (BENCH_BODY), optionally as a
-- signed-in user (BENCH_TOKEN), and counts every response that is not HTTP 200 or carries
-- `errors` (or an MCP tool's `"isError":true`). BENCH_METHOD=GET sends GETs (no body) instead;
-- BENCH_ACCEPT sets `Accept`. Prints one RESULT line that the bench scripts parse.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
if wrk.method == "POST" then
  wrk.body = os.getenv("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/json"
end
local accept = os.getenv("BENCH_ACCEPT")
if accept and accept ~= "" then
  wrk.headers["Accept"] = accept
end
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true)
      or string.find(body, '"isError":true', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local bad_total = 0
  for _, thread in ipairs(threads) do
    bad_total = bad_total + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d bad=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    bad_total, e.connect + e.read + e.write + e.timeout))
end
