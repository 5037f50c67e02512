-- wrk script: POST /api/v1/shares with a unique article per request, rotating through the
-- tokens in bench tokens file (one per line), so writes spread over many people.
local tokens = {}
local counter = 0
thread_id = 0 -- set per thread by setup() (a global: thread:set writes globals)

function setup(thread)
  thread:set("thread_id", math.random(1, 1000000000))
end

function init(args)
  local file = io.open(os.getenv("LANTOA_BENCH_TOKENS") or "tokens.txt", "r")
  for line in file:lines() do
    if #line > 0 then tokens[#tokens + 1] = line end
  end
  file:close()
end

-- A run label keeps the articles of repeated runs on one database apart (bench/mixed.sh).
local run = os.getenv("LANTOA_BENCH_RUN") or ""

function request()
  counter = counter + 1
  local token = tokens[(counter % #tokens) + 1]
  local body = string.format(
    '{"source_url":"https://dienbien.gov.vn/bench/%s%d-%d.html?utm_source=wrk","platform":"facebook"}',
    run, thread_id, counter)
  return wrk.format("POST", "/api/v1/shares", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end

-- Any status other than 201 is counted, so a run with failures is visible.
local failures = 0
function response(status, headers, body)
  if status ~= 201 then failures = failures + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
