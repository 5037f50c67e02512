#!/usr/bin/env bash
# The province-wide evaluation export: wall time and peak memory (max RSS) of the whole
# `lantoa export evaluation` process, XLSX and CSV (and JSON, and the annual report for scale),
# on the generated province of the review benchmark (25,000 people in ~340 units, ~10 million
# shares in a year). `examples/province_bench.rs` seeds that database the first time (minutes).
#
#   bench/export.sh                                   # SQLite, /var/tmp/lantoa-bench/province.db
#   bench/export.sh postgres://postgres@127.0.0.1:55433/lantoa_bench
#
# Needs GNU time (/usr/bin/time, Debian package `time`). Prints the median time of RUNS runs
# (default 5) and the largest peak memory seen.
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:-sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc}
year=${YEAR:-2025}
runs=${RUNS:-5}
target=${CARGO_TARGET_DIR:-target}

cargo build --quiet --release --bin lantoa --example province_bench
# Seeds the province when the database is empty (and prints the tally benchmark).
"$target/release/examples/province_bench" "$url" >&2

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

measure() {
    local label=$1
    shift
    local times=() peak=0 secs kb
    for _ in $(seq "$runs"); do
        LANTOA_DATABASE_URL=$url LANTOA_MIGRATE_ON_START=false LANTOA_LOG=warn \
            /usr/bin/time -f "%e %M" -o "$out/time" "$target/release/lantoa" "$@" 2>/dev/null
        read -r secs kb <"$out/time"
        times+=("$secs")
        ((kb > peak)) && peak=$kb
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
    printf '%-34s median %6.2f s   peak %6.1f MB   (%s runs: %s)\n' \
        "$label" "$median" "$(awk "BEGIN { print $peak / 1024 }")" "$runs" "${times[*]}"
}

backend=$([[ $url == sqlite* ]] && echo sqlite || echo postgres)
echo "backend=$backend year=$year"
for format in xlsx csv json; do
    measure "export evaluation --format $format" \
        export evaluation --year "$year" --format "$format" -o "$out/evaluation.$format"
    ls -l "$out/evaluation.$format" | awk '{printf "%34s %s bytes\n", "", $5}'
done
runs=1 measure "export annual-report (xlsx)" \
    export annual-report --year "$year" -o "$out/report.xlsx"
