#!/usr/bin/env bash
# Load test of POST /api/v1/shares beside GET /healthz, on loopback only, bounded in time.
#   bench/load.sh                 # SQLite
#   LANTOA_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:55432/postgres bench/load.sh
# Env: DURATION (s, default 10), CONNECTIONS (default 32), PEOPLE (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/lantoa-target}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
PEOPLE="${PEOPLE:-200}"
PORT="${PORT:-18080}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/lantoa"
WORK="$(mktemp -d /tmp/lantoa-bench.XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [ -n "${LANTOA_BENCH_POSTGRES_URL:-}" ]; then
  DB="lantoa_bench_$$"
  psql "$LANTOA_BENCH_POSTGRES_URL" -qc "CREATE DATABASE $DB" >/dev/null
  export LANTOA_DATABASE_URL="${LANTOA_BENCH_POSTGRES_URL%/*}/$DB"
  BACKEND=postgres
else
  export LANTOA_DATABASE_URL="sqlite://$WORK/bench.db?mode=rwc"
  BACKEND=sqlite
fi
export LANTOA_WRITE_RATE_PER_MINUTE=0 LANTOA_API_RATE_PER_MINUTE=0 LANTOA_LOG=warn LANTOA_BIND="127.0.0.1:$PORT"

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

"$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done

run() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$1" "http://127.0.0.1:$PORT$2" | grep '^BENCH'; }
HEALTH="$(run bench/health.lua /healthz)"
SHARES="$(run bench/shares.lua /api/v1/shares)"
health_rps="$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$HEALTH")"
shares_rps="$(sed -E 's/.*rps=([0-9]+).*/\1/' <<<"$SHARES")"
echo "backend=$BACKEND connections=$CONNECTIONS duration=${DURATION}s"
echo "healthz: $HEALTH"
echo "shares:  $SHARES"
awk -v s="$shares_rps" -v h="$health_rps" 'BEGIN { printf "ratio shares/healthz = %.3f\n", s / h }'
[ -n "${LANTOA_BENCH_POSTGRES_URL:-}" ] && psql "$LANTOA_BENCH_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null
exit 0
