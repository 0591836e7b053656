#!/usr/bin/env bash
# Runs wom's fuzz targets one after another, each for a number of
# executions (default 10 million), and keeps each target's log in
# fuzz/logs/. Needs a nightly toolchain and cargo-fuzz:
#   rustup toolchain install nightly && cargo install cargo-fuzz
# Usage: fuzz/run.sh [RUNS] [TARGET...]   (all targets when none is named)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-10000000}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(edge_list edge_list_gzip csv cascades scenario_parse scenario_run results)
fi
# Release build with debug assertions (integer overflow panics) and no
# sanitizer: wom forbids unsafe code, so a sanitizer would only slow the
# search. Inputs up to 64 KiB; a unit over 20 s or 4 GiB is a finding.
flags=(-O -a -s none)
cargo +nightly fuzz build "${flags[@]}"
mkdir -p logs
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    echo "== $t: $runs executions"
    cargo +nightly fuzz run "${flags[@]}" "$t" "corpus/$t" "seeds/$t" -- \
        -runs="$runs" -max_len=65536 -rss_limit_mb=4096 -timeout=20 \
        -print_final_stats=1 2>&1 | tee "logs/$t.log" | grep -E "DONE|SUMMARY|panicked" || true
done
