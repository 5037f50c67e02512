-- wrk script: POST /api/v1/shares like shares.lua, counting answers by status, so an overload
-- run shows how many were served (201), refused with 429 or 503, anything else, or timed out.
local tokens = {}
local counter = 0
local threads = {}
thread_id = 0
c201, c429, c503, c5xx, cother, last_other = 0, 0, 0, 0, 0, 0

-- Seeded per run: the phases share one database, and repeated articles would be duplicates (409).
math.randomseed(os.time())

function setup(thread)
  thread:set("thread_id", math.random(1, 1000000000))
  table.insert(threads, thread)
end

function init(args)
  local file = io.open(os.getenv("LANTOA_BENCH_TOKENS") or "tokens.txt", "r")
  for line in file:lines() do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  file:close()
end

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = string.format(
    '{"source_url":"https://dienbien.gov.vn/overload/%d-%d.html","platform":"facebook"}',
    thread_id, counter)
  return wrk.format("POST", "/api/v1/shares", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

function response(status, headers, body)
  if status == 201 then c201 = c201 + 1
  elseif status == 429 then c429 = c429 + 1
  elseif status == 503 then c503 = c503 + 1
  elseif status >= 500 then c5xx = c5xx + 1; last_other = status
  else cother = cother + 1; last_other = status end
end

function done(summary, latency, requests)
  local a, b, c, d, e, last = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("c201"); b = b + t:get("c429"); c = c + t:get("c503"); d = d + t:get("cother")
    e = e + t:get("c5xx")
    if t:get("last_other") ~= 0 then last = t:get("last_other") end
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d rps=%.0f served_rps=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f s201=%d s429=%d s503=%d other5xx=%d other=%d (last %d) timeouts=%d connect_errors=%d\n",
    summary.requests, summary.requests / secs, a / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    a, b, c, e, d, last, summary.errors.timeout, summary.errors.connect))
end
