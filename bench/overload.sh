#!/usr/bin/env bash
# Overload test, loopback only, bounded in time: measures the load the server can serve, then
# offers ten times that many concurrent clients (each sending again as soon as it is answered,
# so the offered rate is far above ten times the servable one) while a separate client keeps
# probing /healthz. Shows that /healthz keeps answering, excess requests get 503 (concurrency
# limit, `LANTOA_MAX_CONCURRENT_REQUESTS`) or 429 (per-person limits) at once rather than timing
# out, and that memory stays bounded (RSS sampled every 0.5 s).
#   bench/overload.sh                                   # SQLite
#   LANTOA_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:55432/postgres bench/overload.sh
# Env: DURATION (s per phase, default 15), BASE_CONNECTIONS (default 32), FACTOR (default 10).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/lantoa-target}"
DURATION="${DURATION:-15}"
BASE_CONNECTIONS="${BASE_CONNECTIONS:-32}"
FACTOR="${FACTOR:-10}"
PEOPLE="${PEOPLE:-200}"
PORT="${PORT:-18081}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/lantoa"
WORK="$(mktemp -d /tmp/lantoa-overload.XXXXXX)"
SERVER_PID=""
SAMPLER_PID=""
cleanup() {
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${LANTOA_BENCH_POSTGRES_URL:-}" ]; then
  DB="lantoa_overload_$$"
  psql "$LANTOA_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $DB" >/dev/null
  export LANTOA_DATABASE_URL="${LANTOA_BENCH_POSTGRES_URL%/*}/$DB"
  BACKEND=postgres
else
  export LANTOA_DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc"
  BACKEND=sqlite
fi
export LANTOA_LOG=warn LANTOA_BIND="127.0.0.1:$PORT"

printf 'code,name,kind,parent_code\nDB,Tỉnh Điện Biên,province,\nSNV,Sở Nội vụ,department,DB\n' > "$WORK/units.csv"
{
  echo "staff_code,full_name,email,unit_code,position,employment_type,joined_on,left_on"
  for i in $(seq 1 "$PEOPLE"); do printf 'B%05d,Người Thử %d,,SNV,,cong_chuc,,\n' "$i" "$i"; done
} > "$WORK/roster.csv"
"$BIN" import-units "$WORK/units.csv" >/dev/null
"$BIN" import-roster "$WORK/roster.csv" >/dev/null
: > "$WORK/tokens.txt"
for i in $(seq 1 32); do
  "$BIN" token create --staff-code "$(printf 'B%05d' "$i")" --name bench | tail -n 1 >> "$WORK/tokens.txt"
done
export LANTOA_BENCH_TOKENS="$WORK/tokens.txt"

start_server() {
  "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  ( while kill -0 "$SERVER_PID" 2>/dev/null; do
      awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null >> "$WORK/rss.txt"; sleep 0.5
    done ) &
  SAMPLER_PID=$!
}
stop_server() {
  kill "$SAMPLER_PID" 2>/dev/null || true
  HWM="$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)"
  kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""; SAMPLER_PID=""
}
shares() { wrk -t2 -c"$1" -d"${2}s" --timeout 5s --latency -s bench/overload.lua "http://127.0.0.1:$PORT/api/v1/shares" | grep '^BENCH'; }
health() { wrk -t1 -c4 -d"${1}s" --timeout 5s --latency -s bench/health.lua "http://127.0.0.1:$PORT/healthz" | grep '^BENCH'; }
field() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$2"; }

# Phase 1 and 2: the concurrency limit alone (per-person limits off).
export LANTOA_WRITE_RATE_PER_MINUTE=0 LANTOA_API_RATE_PER_MINUTE=0
: > "$WORK/rss.txt"
start_server
BASE="$(shares "$BASE_CONNECTIONS" "$DURATION")"
OVER_CONNECTIONS=$((BASE_CONNECTIONS * FACTOR))
health "$DURATION" > "$WORK/health.txt" &
HEALTH_JOB=$!
OVER="$(shares "$OVER_CONNECTIONS" "$DURATION")"
wait "$HEALTH_JOB"
HEALTH="$(cat "$WORK/health.txt")"
stop_server
HWM1="$HWM"
RSS1="$(sort -n "$WORK/rss.txt" | tail -n 1)"

# Phase 3: default per-person limits on, same overload: the excess is 429.
unset LANTOA_WRITE_RATE_PER_MINUTE LANTOA_API_RATE_PER_MINUTE
: > "$WORK/rss.txt"
start_server
LIMITED="$(shares "$OVER_CONNECTIONS" "$DURATION")"
stop_server

echo "backend=$BACKEND duration=${DURATION}s per phase, concurrency limit=${LANTOA_MAX_CONCURRENT_REQUESTS:-128}"
echo "servable   (${BASE_CONNECTIONS} connections):  $BASE"
echo "overload   (${OVER_CONNECTIONS} connections): $OVER"
echo "healthz during overload (4 connections):        $HEALTH"
echo "overload with per-person limits on:             $LIMITED"
awk -v b="$(field rps "$BASE")" -v o="$(field rps "$OVER")" -v s="$(field served_rps "$OVER")" \
  'BEGIN { printf "offered/servable = %.1fx, served during overload = %.0f%% of servable\n", o / b, 100 * s / b }'
echo "server RSS: max sampled ${RSS1} kB, high-water mark ${HWM1} kB (phase 3: ${HWM} kB)"
[ -n "${LANTOA_BENCH_POSTGRES_URL:-}" ] && psql "$LANTOA_BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
exit 0
