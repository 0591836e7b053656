#!/usr/bin/env bash
# wom's OPIM-C against the published OPIM-C 1.1 figures of issue 10 (one
# thread, the weighted cascade, k = 50): the median time of REPS selections
# (default 7) with one master seed, on one and on two threads, with the RR
# sets drawn and the guarantee reached, beside OPIM-C's. The spreads of the
# seeds are benches/seeding.sh's (10,000 forward runs).
#
#   bash benches/seeding_timing.sh       # about a minute
#
# Data from WOM_DATA_DIR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${WOM_DATA_DIR:-../shared/data}"
REPS="${REPS:-7}"
cargo build --release --locked --example select_seeds >&2
BIN=target/release/examples/select_seeds
echo "| graph | eps | OPIM-C 1.1: RR sets, guarantee, s | wom: RR sets | guarantee | median s, 1 thread | median s, 2 threads |"
echo "|---|---:|---|---:|---:|---:|---:|"
for spec in "facebook 0.5 926,0.243,0.004" "facebook 0.1 7408,0.553,0.029" "facebook 0.01 29632,0.681,0.082" \
            "slashdot 0.5 2820,0.231,0.011" "slashdot 0.1 22560,0.542,0.091"; do
    set -- $spec
    graph=$1; eps=$2; theirs=$3
    if [ "$graph" = facebook ]; then args=("$DATA/facebook_combined.txt" --undirected true); else args=("$DATA/soc-Slashdot0902.txt.gz"); fi
    for threads in 1 2; do
        for rep in $(seq 1 "$REPS"); do
            "$BIN" "${args[@]}" --model wc --method opim --k 50 --eps "$eps" --threads "$threads" --mc 0 --master-seed 1
        done > "target/timing_$threads.jsonl"
    done
    python3 - "$graph" "$eps" "$theirs" <<'PY'
import json, statistics, sys
graph, eps, theirs = sys.argv[1:]
rows = {t: [json.loads(l) for l in open(f"target/timing_{t}.jsonl")] for t in (1, 2)}
r = rows[1][0]
med = {t: statistics.median(x["seconds"] for x in rows[t]) for t in (1, 2)}
sets, g, s = theirs.split(",")
print(f"| {graph} | {eps} | {int(sets):,}, {g}, {s} | {r['rr_sets']:,} | {r['guarantee']:.3f} | {med[1]:.4f} | {med[2]:.4f} |")
PY
done
