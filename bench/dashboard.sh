#!/usr/bin/env bash
# End-to-end timings of the review pages over HTTP on the generated province of
# `examples/province_bench.rs` (25,000 people in ~340 units, ~10 million shares in a year): the
# unit dashboard page and the unit tally API for the ~100-person unit, and the province-wide
# evaluation export (JSON) through the API. A release `lantoa serve` on 127.0.0.1 is started
# on the database, a Home Affairs token is made with the CLI, and each URL is fetched RUNS
# times (default 20) with curl; the median and the slowest are printed.
#
#   bench/dashboard.sh                                  # SQLite, /var/tmp/lantoa-bench/province.db
#   bench/dashboard.sh postgres://postgres@127.0.0.1:55433/lantoa_bench
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:-sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc}
year=${YEAR:-2025}
runs=${RUNS:-20}
port=${PORT:-18093}
target=${CARGO_TARGET_DIR:-target}

cargo build --quiet --release --bin lantoa --example province_bench
# Seeds the province when the database is empty (and prints the in-process tally benchmark).
"$target/release/examples/province_bench" "$url" >&2

export LANTOA_DATABASE_URL=$url LANTOA_LOG=warn LANTOA_BIND=127.0.0.1:$port
lantoa="$target/release/lantoa"
# The generated province's first person is made Home Affairs for the run (idempotent).
staff=${STAFF:-DB000001}
"$lantoa" role grant --staff-code "$staff" --role home_affairs >/dev/null
token=$("$lantoa" token create --staff-code "$staff" --name "bench-dashboard" --read-only | tail -1)

"$lantoa" serve >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

unit=${UNIT:-X-THANHNUA-TH}
measure() {
    local label=$1 path=$2 times=()
    for _ in $(seq "$runs"); do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
            "http://127.0.0.1:$port$path")")
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-44s median %7.1f ms   slowest %7.1f ms   (%s runs)\n' "$label" \
        "$(awk "BEGIN { print $(sed -n "$(((runs + 1) / 2))p" <<<"$sorted") * 1000 }")" \
        "$(awk "BEGIN { print $(tail -1 <<<"$sorted") * 1000 }")" "$runs"
}

backend=$([[ $url == sqlite* ]] && echo sqlite || echo postgres)
echo "backend=$backend year=$year unit=$unit"
measure "unit dashboard page /units/$unit" "/units/$unit?year=$year"
measure "unit tally API" "/api/v1/units/$unit/tally?year=$year"
RUNS=5 runs=5 measure "province evaluation export (JSON, API)" \
    "/api/v1/exports/evaluation?year=$year&format=json"
