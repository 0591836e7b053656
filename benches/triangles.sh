#!/usr/bin/env bash
# Triangle counting and average clustering on Slashdot (soc-Slashdot0902,
# read as undirected: the simple graph, self-loops removed), wom against
# networkx.
#
#   bash benches/triangles.sh               # a few minutes, most of it networkx
#   REPS=3 bash benches/triangles.sh
#   FILE=facebook_combined.txt bash benches/triangles.sh
#
# wom: `examples/triangles.rs` (release build), median of REPS runs
# (default 5) in one process, after the file is read and frozen, on
# rayon's default threads and on one thread. networkx: a virtual
# environment outside the repository (VENV, default
# ${TMPDIR:-/tmp}/wom-bench-networkx) with `pip install networkx`; it times
# `sum(nx.triangles(G).values()) / 3` and `nx.average_clustering(G)` once
# each on the same graph, after reading it. Data from the folder named by
# WOM_DATA_DIR (required).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${WOM_DATA_DIR:?set WOM_DATA_DIR to the folder holding the SNAP files}"
FILE="${FILE:-soc-Slashdot0902.txt.gz}"
REPS="${REPS:-5}"
VENV="${VENV:-${TMPDIR:-/tmp}/wom-bench-networkx}"

cargo build --release --locked --example triangles >&2
BIN="${CARGO_TARGET_DIR:-target}/release/examples/triangles"
echo "wom, default threads: $("$BIN" "$DATA/$FILE" --repeat "$REPS")"
echo "wom, one thread:      $(RAYON_NUM_THREADS=1 "$BIN" "$DATA/$FILE" --repeat "$REPS")"

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" >&2
    "$VENV/bin/pip" install --quiet networkx >&2
fi
"$VENV/bin/python" - "$DATA/$FILE" <<'PY'
import gzip, json, sys, time
import networkx as nx

path = sys.argv[1]
opener = gzip.open if path.endswith(".gz") else open
G = nx.Graph()
with opener(path, "rt") as f:
    for line in f:
        if line.startswith("#") or not line.strip():
            continue
        u, v = line.split()[:2]
        G.add_edge(int(u), int(v))
G.remove_edges_from(list(nx.selfloop_edges(G)))

start = time.perf_counter()
triangles = sum(nx.triangles(G).values()) // 3
triangles_s = time.perf_counter() - start
start = time.perf_counter()
average = nx.average_clustering(G)
clustering_s = time.perf_counter() - start
print("networkx " + nx.__version__ + ": " + json.dumps({
    "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
    "triangles": triangles, "average_clustering": average,
    "triangles_s": round(triangles_s, 3), "clustering_s": round(clustering_s, 3),
}))
PY
