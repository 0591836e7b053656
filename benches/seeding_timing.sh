#!/usr/bin/env bash
# wom's OPIM-C against the published OPIM-C 1.1 figures of issue 10 (one
# thread, the weighted cascade, k = 50), over master seeds 1..SEEDS
# (default 10): for each setting, the least, median and largest guarantee
# and spread of the chosen seeds (10,000 forward runs from master seed
# 1,001, the same runs for every seed set), the RR sets drawn, and the
# median time of REPS selections (default 7) in one process, after the
# graph and its reverse view are loaded, on one and on two threads.
#
#   bash benches/seeding_timing.sh              # about four minutes
#   SEEDS=3 MC=1000 bash benches/seeding_timing.sh
#   DETAIL=1 bash benches/seeding_timing.sh     # also one row per seed
#
# Data from WOM_DATA_DIR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${WOM_DATA_DIR:-../shared/data}"
REPS="${REPS:-7}"
SEEDS="${SEEDS:-10}"
MC="${MC:-10000}"
cargo build --release --locked --example select_seeds >&2
BIN=target/release/examples/select_seeds
OUT=target/seeding_timing.jsonl
: > "$OUT"
for spec in "facebook 0.5" "facebook 0.1" "facebook 0.01" "slashdot 0.5" "slashdot 0.1"; do
    set -- $spec
    graph=$1; eps=$2
    if [ "$graph" = facebook ]; then args=("$DATA/facebook_combined.txt" --undirected true); else args=("$DATA/soc-Slashdot0902.txt.gz"); fi
    for seed in $(seq 1 "$SEEDS"); do
        one=$("$BIN" "${args[@]}" --model wc --method opim --k 50 --eps "$eps" --threads 1 --mc "$MC" --master-seed "$seed" --repeat "$REPS")
        two=$("$BIN" "${args[@]}" --model wc --method opim --k 50 --eps "$eps" --threads 2 --mc 0 --master-seed "$seed" --repeat "$REPS")
        echo "{\"graph\":\"$graph\",\"seed\":$seed,\"one\":$one,\"two\":$two}" >> "$OUT"
    done
done
python3 - "$OUT" "${DETAIL:-0}" <<'PY'
import json, statistics as st, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
detail = sys.argv[2] == "1"
# OPIM-C 1.1, issue 10: RR sets, guarantee, seconds, spread of its seeds.
theirs = {("facebook", 0.5): (926, 0.243, 0.004, 1021.4), ("facebook", 0.1): (7408, 0.553, 0.029, 1163.6),
          ("facebook", 0.01): (29632, 0.681, 0.082, 1199.4), ("slashdot", 0.5): (2820, 0.231, 0.011, 8743),
          ("slashdot", 0.1): (22560, 0.542, 0.091, 10538.3)}
def span(xs, f):
    return f"{f(min(xs))} / {f(st.median(xs))} / {f(max(xs))}"
print("| graph | eps | OPIM-C 1.1: RR sets, guarantee, s, spread | wom RR sets | wom guarantee (least / median / most) | wom spread (least / median / most) | wom median s, 1 thread | 2 threads |")
print("|---|---:|---|---|---|---|---:|---:|")
for (graph, eps), (sets, g, s, spread) in theirs.items():
    x = [r for r in rows if r["graph"] == graph and r["one"]["eps"] == eps]
    if not x:
        continue
    one = [r["one"] for r in x]
    rr = sorted({o["rr_sets"] for o in one})
    rr = ", ".join(f"{int(v):,}" for v in rr)
    sp = [o["spread"] for o in one] if one[0]["spread"] is not None else None
    print(f"| {graph} | {eps} | {sets:,}, {g}, {s}, {spread:,} | {rr} | "
          f"{span([o['guarantee'] for o in one], lambda v: f'{v:.3f}')} | "
          f"{span(sp, lambda v: f'{v:,.1f}') if sp else ''} | "
          f"{st.median(o['seconds'] for o in one):.4f} | {st.median(r['two']['seconds'] for r in x):.4f} |")
if detail:
    print()
    print("| graph | eps | master seed | RR sets | guarantee | s, 1 thread | s, 2 threads | spread | se |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        o, t = r["one"], r["two"]
        print(f"| {r['graph']} | {o['eps']} | {r['seed']} | {int(o['rr_sets']):,} | {o['guarantee']:.3f} | "
              f"{o['seconds']:.4f} | {t['seconds']:.4f} | {o['spread']} | {o['spread_se']} |")
PY
