#!/usr/bin/env bash
# Builds wom's mc_throughput example, creates a Python virtual environment
# with cynetdiff and NDlib outside the repository, and compares them on one
# edge list (default: soc-Slashdot0902 from WOM_DATA_DIR).
#   bash benches/compare_peers.sh [EDGELIST] [extra compare_peers.py flags]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${WOM_PEERS_VENV:-${TMPDIR:-/tmp}/wom-peers-venv}"
if [ ! -x "${VENV}/bin/python" ]; then
    python3 -m venv "${VENV}"
    "${VENV}/bin/pip" install --quiet cynetdiff ndlib six networkx numpy
fi
cargo build --release --example mc_throughput
EDGES="${1:-${WOM_DATA_DIR:-../shared/data}/soc-Slashdot0902.txt.gz}"
shift || true
"${VENV}/bin/python" benches/compare_peers.py "${EDGES}" \
    --wom target/release/examples/mc_throughput "$@"
