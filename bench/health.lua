-- wrk script: GET /healthz, printing the same summary line as shares.lua.
function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.timeout))
end
