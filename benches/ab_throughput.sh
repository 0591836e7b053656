#!/usr/bin/env bash
# Side-by-side throughput of two builds of examples/mc_throughput (say, the
# commit before a refactor and after it), alternating A and B so that the
# load of the machine falls on both alike, on one edge list with the 10
# nodes of most out-arcs as seeds (as compare_peers.py picks them on
# Slashdot). With --instructions, counts instructions with callgrind
# instead (deterministic: unaffected by the load).
#   bash benches/ab_throughput.sh A_BINARY B_BINARY [EDGELIST] [--instructions]
set -euo pipefail
A="$1"; B="$2"; shift 2
F="${WOM_DATA_DIR:-../shared/data}/soc-Slashdot0902.txt.gz"
if [ $# -gt 0 ] && [ "$1" != --instructions ]; then F="$1"; shift; fi
MODE="${1:-wall}"
S="${WOM_AB_SEEDS:-2494,4805,398,381,226,37,5706,4826,5513,49}"
REPS="${WOM_AB_REPS:-5}"
field() { sed 's/.*"mean":\([0-9.]*\).*"runs_per_second":\([0-9.]*\).*/mean \1 runs_per_second \2/'; }
if [ "$MODE" = --instructions ]; then
    for spec in "ic 300" "wc 60" "lt 30"; do
        set -- $spec
        for w in A B; do
            bin=$A; [ $w = B ] && bin=$B
            n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect='*measure*' \
                "$bin" "$F" --model "$1" --runs "$2" --seeds "$S" 2>&1 | sed -n 's/.*Collected : //p')
            echo "$w $1 $2 runs: $n instructions"
        done
    done
    exit 0
fi
for rep in $(seq 1 "$REPS"); do
    for spec in "ic 5000" "wc 1000" "lt 500"; do
        set -- $spec
        order="A B"; [ $((rep % 2)) -eq 0 ] && order="B A"
        for w in $order; do
            bin=$A; [ $w = B ] && bin=$B
            echo "$rep $w $1 $("$bin" "$F" --model "$1" --runs "$2" --seeds "$S" | field)"
        done
    done
done
