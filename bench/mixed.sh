#!/usr/bin/env bash
# Submissions under load while the province-wide annual report and evaluation export run in a
# loop: wrk against POST /api/v1/shares (as bench/load.sh) on a seeded province, once quiet and
# once with a loop of report and export downloads over HTTP from the same server; prints submit
# throughput and p99 of both runs. Loopback only, bounded in time and in loop rounds.
#
#   bench/mixed.sh [DATABASE_URL]
#       default sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc (examples/province_bench.rs)
#   bench/mixed.sh postgres://postgres@127.0.0.1:55432/lantoa_bench
#
# It migrates the database and adds shares dated today for 32 people of the province (the
# benchmark year 2025 is left as it is): point it at a copy when other benchmarks use it.
# Env: DURATION (s, default 10), CONNECTIONS (default 32), YEAR (default 2025), PORT,
# LANTOA_BIN (a built release binary: skips the build).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/lantoa-target}"
URL="${1:-sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
YEAR="${YEAR:-2025}"
PORT="${PORT:-18081}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ -z "${LANTOA_BIN:-}" ]; then
  cargo build --release --quiet --bin lantoa
fi
BIN="${LANTOA_BIN:-$CARGO_TARGET_DIR/release/lantoa}"
WORK="$(mktemp -d /tmp/lantoa-mixed.XXXXXX)"
SERVER_PID=""
LOOP_PID=""
cleanup() {
  [ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export LANTOA_DATABASE_URL="$URL" LANTOA_WRITE_RATE_PER_MINUTE=0 LANTOA_API_RATE_PER_MINUTE=0
export LANTOA_LOG=warn LANTOA_BIND="127.0.0.1:$PORT"
"$BIN" migrate >/dev/null

sql() {
  if [[ $URL == sqlite* ]]; then
    local file="${URL#sqlite://}"
    sqlite3 "${file%%\?*}" "$1"
  else
    psql "$URL" -Atc "$1"
  fi
}
BACKEND=$([[ $URL == sqlite* ]] && echo sqlite || echo postgres)
[ "$(sql "SELECT COUNT(*) FROM shares")" -gt 0 ] || {
  echo "no shares: seed the province first (cargo run --release --example province_bench)" >&2
  exit 1
}

# 32 people still in post submit; the Home Affairs holder downloads.
: > "$WORK/tokens.txt"
for code in $(sql "SELECT staff_code FROM people WHERE left_on IS NULL AND active ORDER BY id LIMIT 32"); do
  "$BIN" token create --staff-code "$code" --name bench-mixed | tail -n 1 >> "$WORK/tokens.txt"
done
export LANTOA_BENCH_TOKENS="$WORK/tokens.txt"
READER_CODE="$(sql "SELECT p.staff_code FROM role_grants g JOIN people p ON p.id = g.person_id WHERE g.role = 'home_affairs' LIMIT 1")"
READER="$("$BIN" token create --staff-code "$READER_CODE" --name bench-mixed --read-only | tail -n 1)"

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

run() { LANTOA_BENCH_RUN="r$(date +%s%N)-" wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/shares.lua "http://127.0.0.1:$PORT/api/v1/shares" | grep '^BENCH'; }

# The report and the export, one after the other, until told to stop (at most 1,000 rounds).
downloads() {
  local rounds=0 base="http://127.0.0.1:$PORT/api/v1"
  while [ ! -e "$WORK/stop" ] && [ "$rounds" -lt 1000 ]; do
    curl -sf -o /dev/null -H "Authorization: Bearer $READER" "$base/reports/annual?year=$YEAR&format=xlsx"
    curl -sf -o /dev/null -H "Authorization: Bearer $READER" "$base/exports/evaluation?year=$YEAR&format=xlsx"
    rounds=$((rounds + 1))
    echo "$rounds" > "$WORK/rounds"
  done
}

QUIET="$(run)"
echo 0 > "$WORK/rounds"
downloads &
LOOP_PID=$!
sleep 1
BUSY="$(run)"
touch "$WORK/stop"
wait "$LOOP_PID" 2>/dev/null || true
LOOP_PID=""

rps() { sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$1"; }
p99() { sed -E 's/.*p99_ms=([0-9.]+).*/\1/' <<<"$1"; }
echo "backend=$BACKEND connections=$CONNECTIONS duration=${DURATION}s year=$YEAR"
echo "quiet:                    $QUIET"
echo "with report+export loop:  $BUSY"
echo "report+export rounds during the loaded run: $(cat "$WORK/rounds")"
awk -v q="$(rps "$QUIET")" -v b="$(rps "$BUSY")" -v qp="$(p99 "$QUIET")" -v bp="$(p99 "$BUSY")" \
  'BEGIN { printf "submit throughput with/without = %.2f; p99 %.1f ms → %.1f ms\n", b / q, qp, bp }'
exit 0
