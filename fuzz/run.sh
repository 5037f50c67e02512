#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time on its corpus in fuzz/corpus/, then minimises
# the corpus (cmin) so the repository keeps a small one. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`). Not part of CI: `.ci/run` replays the corpora instead
# (tests/app/bad_input.rs, `the_fuzz_corpora_replay_cleanly`).
#   fuzz/run.sh                 # 300 s per target
#   SECONDS_PER_TARGET=60 fuzz/run.sh import_csv
set -euo pipefail
cd "$(dirname "$0")"
export CARGO_TARGET_DIR="${LANTOA_FUZZ_TARGET_DIR:-/var/tmp/lantoa-fuzz-target}"
SECONDS_PER_TARGET="${SECONDS_PER_TARGET:-300}"
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(verify_source check_post import_csv)
cargo +nightly fuzz build
for target in "${TARGETS[@]}"; do
  mkdir -p "corpus/$target"
  before=$(ls "corpus/$target" | wc -l)
  log="$(mktemp)"
  # -timeout: one input may take at most 10 s; -rss_limit_mb bounds memory.
  timeout $((SECONDS_PER_TARGET + 120)) cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1 || true
  # A finding is a crash, a sanitizer report, a timeout or an out-of-memory, with its input saved
  # under fuzz/artifacts/; an interrupted run (a signal from outside) is not.
  if grep -qE 'deadly signal|ERROR: (libFuzzer|AddressSanitizer)|panicked at|SUMMARY: (libFuzzer|AddressSanitizer)' "$log"; then
    grep -vE '^#[0-9]' "$log" | tail -n 40
    echo "fuzz: $target FOUND A FAILURE (input in fuzz/artifacts/$target)"
    exit 1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo "?")
  # Keep the repository's corpus minimal: only inputs that add coverage (in place), plus the
  # hand-written seeds (the files not named by a hash), which say what the target is about.
  seeds="$(mktemp -d)"
  find "corpus/$target" -maxdepth 1 -type f ! -regex '.*/[0-9a-f]\{40\}' -exec cp {} "$seeds/" \;
  cargo +nightly fuzz cmin "$target" "corpus/$target" >/dev/null 2>&1 || true
  cp "$seeds"/* "corpus/$target/" 2>/dev/null || true
  rm -rf "$seeds"
  rm -f "$log"
  after=$(ls "corpus/$target" | wc -l)
  echo "fuzz: $target ${SECONDS_PER_TARGET}s runs=$runs exec/s=$rate cov=$cov corpus $before -> $after files, no crash"
done
