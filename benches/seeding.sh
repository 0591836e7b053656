#!/usr/bin/env bash
# Every seed selector of wom on ego-Facebook (undirected: both directions)
# and soc-Slashdot0902, under the weighted cascade and the independent
# cascade with p = 0.01, for k = 10 and 50 and, for the RR-set methods,
# eps = 0.5, 0.1 and 0.01; OPIM-C also on two threads. Each selection is
# timed (the selection only, after the graph and its reverse view are
# loaded) and its seeds are evaluated by the same MC forward runs (default
# 10,000) from one master seed, so spreads compare on the same draws.
#
#   bash benches/seeding.sh            # about 10 minutes on 2 cores
#   QUICK=1 bash benches/seeding.sh    # k = 10 and eps = 0.5 only
#   APPEND=1 GRAPHS=slashdot bash benches/seeding.sh   # add to $OUT
#   PEERS=1 bash benches/seeding.sh    # then scirs2-graph's selectors too
#                                      # (benches/seeding_peers.sh; hours)
#   GRAPHS=facebook MC=2000 bash benches/seeding.sh
#   IMM_MIN_EPS=0.01 bash benches/seeding.sh   # IMM at every eps (hours)
#   CELF_RUNS=0 bash benches/seeding.sh        # without CELF
#
# CELF (lazy greedy on Monte Carlo) runs with CELF_RUNS forward runs per
# estimate (default 100) on two threads: its first step estimates every
# candidate alone, minutes on Slashdot.
#
# IMM runs only for eps >= IMM_MIN_EPS (default 0.1): at eps = 0.01 it
# draws tens of millions of RR sets (34 million, 101 s, on ego-Facebook
# under IC p = 0.01 with k = 10), which is what OPIM-C's online bounds
# avoid.
#
# Output: one JSON line per selection in ${OUT:-target/seeding.jsonl}, then
# a Markdown table of them on stdout (benches/seeding_table.py). Data from
# WOM_DATA_DIR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${WOM_DATA_DIR:-../shared/data}"
OUT="${OUT:-target/seeding.jsonl}"
MC="${MC:-10000}"
IMM_MIN_EPS="${IMM_MIN_EPS:-0.1}"
CELF_RUNS="${CELF_RUNS:-100}"
GRAPHS="${GRAPHS:-facebook slashdot}"
if [ -n "${QUICK:-}" ]; then KS="10"; EPS="0.5"; else KS="10 50"; EPS="0.5 0.1 0.01"; fi
cargo build --release --locked --example select_seeds >&2
BIN=target/release/examples/select_seeds
mkdir -p "$(dirname "$OUT")"
[ -n "${APPEND:-}" ] || : > "$OUT"
run() { # graph file flags...
    local graph=$1; shift
    local line
    if line=$(timeout 1800 "$BIN" "$@" --mc "$MC" --master-seed 1); then
        echo "${line%\}},\"graph\":\"$graph\"}" >> "$OUT"
    else
        echo "{\"engine\":\"wom\",\"graph\":\"$graph\",\"failed\":\"$*\"}" >> "$OUT"
    fi
}
for graph in $GRAPHS; do
    case $graph in
        facebook) FILE=(--undirected true); PATH_=$DATA/facebook_combined.txt ;;
        slashdot) FILE=(); PATH_=$DATA/soc-Slashdot0902.txt.gz ;;
        *) echo "unknown graph $graph" >&2; exit 2 ;;
    esac
    for model in wc ic; do
        for k in $KS; do
            args=("$PATH_" "${FILE[@]}" --model "$model" --p 0.01 --k "$k")
            for eps in $EPS; do
                run "$graph" "${args[@]}" --method opim --eps "$eps" --threads 1
                run "$graph" "${args[@]}" --method opim --eps "$eps" --threads 2
                if python3 -c "import sys; sys.exit(0 if $eps >= $IMM_MIN_EPS else 1)"; then
                    run "$graph" "${args[@]}" --method imm --eps "$eps" --threads 1
                fi
            done
            for method in degree degree_discount pagerank k_core random; do
                run "$graph" "${args[@]}" --method "$method" --threads 1
            done
            if [ "$CELF_RUNS" != 0 ]; then
                run "$graph" "${args[@]}" --method celf --celf-runs "$CELF_RUNS" --threads 2
            fi
            echo "done: $graph $model k=$k" >&2
        done
    done
done
if [ -n "${PEERS:-}" ]; then
    OUT="${OUT%.jsonl}_peers.jsonl" GRAPHS="$GRAPHS" MC="$MC" bash benches/seeding_peers.sh >&2
    python3 benches/seeding_table.py "$OUT" "${OUT%.jsonl}_peers.jsonl"
else
    python3 benches/seeding_table.py "$OUT"
fi
