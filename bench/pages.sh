#!/usr/bin/env bash
# Size and time of the pages a province-level reader opens first, over HTTP, on the generated
# province of `examples/province_bench.rs` (25,000 people, ~10 million shares): the province's
# units-first view, its dashboard (first page of people), and the first page of the province
# tally API. For each: the bytes sent plain, with gzip and with Brotli, and the median and
# slowest time of RUNS fetches (default 10, Brotli-compressed as a phone browser asks).
#
# The database must already hold the province (this script does not seed it; seeding takes
# 20+ minutes: `cargo run --release --example province_bench [URL]`). Any other database works
# too, e.g. the demo province (`lantoa demo --database FILE`, stopped once it has started).
#
#   bench/pages.sh                                  # SQLite, /var/tmp/lantoa-bench/province.db
#   bench/pages.sh postgres://postgres@127.0.0.1:55432/lantoa_bench
set -euo pipefail
cd "$(dirname "$0")/.."

url=${1:-sqlite:///var/tmp/lantoa-bench/province.db?mode=rwc}
year=${YEAR:-2025}
runs=${RUNS:-10}
port=${PORT:-18094}
target=${CARGO_TARGET_DIR:-target}
staff=${STAFF:-DB000001}

# LANTOA_BIN: an already built binary (skips the release build).
lantoa=${LANTOA_BIN:-$target/release/lantoa}
[[ -n ${LANTOA_BIN:-} ]] || cargo build --quiet --release --bin lantoa
export LANTOA_DATABASE_URL=$url LANTOA_LOG=warn LANTOA_BIND=127.0.0.1:$port
# A Home Affairs reader (the generated province's first person unless STAFF says otherwise).
"$lantoa" role grant --staff-code "$staff" --role home_affairs >/dev/null
token=$("$lantoa" token create --staff-code "$staff" --name "bench-pages" --read-only | tail -1)

"$lantoa" serve >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.1
done

base="http://127.0.0.1:$port"
auth="Authorization: Bearer $token"
# Home Affairs opens /units on the province (the root unit).
root=$(curl -fsS -o /dev/null -w '%{redirect_url}' -H "$auth" "$base/units")
root=${root##*/units/}
[[ -n $root ]] || { echo "no province unit found" >&2; exit 1; }

# Bytes of one fetch with the given Accept-Encoding (curl does not decode: the bytes on the wire).
bytes() {
    curl -fsS -o /dev/null -w '%{size_download}' -H "$auth" ${2:+-H "Accept-Encoding: $2"} "$base$1"
}

measure() {
    local label=$1 path=$2 times=() plain gz br
    plain=$(bytes "$path" "")
    gz=$(bytes "$path" gzip)
    br=$(bytes "$path" br)
    for _ in $(seq "$runs"); do
        times+=("$(curl -fsS -o /dev/null -w '%{time_total}' -H "$auth" \
            -H 'Accept-Encoding: gzip, deflate, br' "$base$path")")
    done
    local sorted
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf '%-30s raw %9s B  gzip %8s B  br %8s B  median %7.1f ms  slowest %7.1f ms\n' \
        "$label" "$plain" "$gz" "$br" \
        "$(awk "BEGIN { print $(sed -n "$(((runs + 1) / 2))p" <<<"$sorted") * 1000 }")" \
        "$(awk "BEGIN { print $(tail -1 <<<"$sorted") * 1000 }")"
}

backend=$([[ $url == sqlite* ]] && echo sqlite || echo postgres)
echo "backend=$backend year=$year province=$root runs=$runs"
measure "units-first view" "/units/$root?year=$year"
measure "province dashboard (page 1)" "/units/$root?year=$year&view=people"
measure "province tally API (page 1)" "/api/v1/units/$root/tally?year=$year"
