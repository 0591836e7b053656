#!/usr/bin/env bash
# Seed selection by a Rust peer, scirs2-graph (its `diffusion` module: IMM,
# CELF, CELF++, greedy, degree and PageRank heuristics), on the graphs and
# settings of wom's own selectors, each seed set then scored by wom's forward
# Monte Carlo (`examples/select_seeds.rs --method given`, 10,000 runs, master
# seed 1), so that a table can put both engines side by side.
#
#   bash benches/seeding_peers.sh            # every graph, model, k, method
#   QUICK=1 bash benches/seeding_peers.sh    # k = 10 and IMM ε = 0.5 only
#   GRAPHS=facebook MODELS=wc METHODS="imm degree" bash benches/seeding_peers.sh
#
# The peer is installed outside the repository: the script writes a scratch
# cargo project (Cargo.toml and src/main.rs from the heredocs below, with the
# scirs2-graph version pinned) under ${WOM_PEERS_DIR:-${TMPDIR:-/tmp}/wom-peers}/scirs2
# and builds it (the only step that reaches crates.io). One line of JSON per
# run is appended to ${OUT:-target/seeding_peers.jsonl}: the peer's method,
# graph, model, k, ε, selection seconds (loading excluded) and seeds (the
# file's ids), merged with wom's "spread" and "spread_se" for those seeds.
# A run that fails, or outlives TIME_LIMIT seconds (default 600) or MEM_GB
# GiB of address space (default 16), is recorded with its "status" and the
# script goes on.
#
# How long (2 cores, timings measured with the machine shared): the first
# build takes a few minutes. QUICK=1 on both graphs takes about 75 minutes:
# IMM at ε = 0.5 in 1-17 s except Slashdot under IC (time-out), CELF and
# CELF++ 8-260 s on facebook and 70-160 s on Slashdot under the weighted
# cascade, time-outs on Slashdot under IC; the heuristics under a second.
# The full grid (2 graphs x 2 models x k = 10, 50 x IMM ε = 0.5, 0.1, 0.01
# and the other methods; not timed as a whole) should take 4-6 hours: of its
# 2 x 2 x 2 x 5 slow runs, some 20-25 are expected to use the whole
# TIME_LIMIT; lower TIME_LIMIT to bound it.
#
# Settings (environment):
#   GRAPHS    facebook slashdot (default both)
#   MODELS    wc ic (default both; wc: p(u,v) = 1/indeg(v), ic: p = P)
#   P         uniform IC probability (default 0.01)
#   KS        seed-set sizes (default "10 50"; QUICK=1: "10")
#   EPSS      IMM's ε (default "0.5 0.1 0.01"; QUICK=1: "0.5")
#   METHODS   imm celf celfpp greedy degree pagerank pagerank_rev
#             (default all; greedy is recorded as skipped unless GREEDY=1,
#             pagerank_rev runs on directed graphs only)
#   GREEDY    1: run scirs2's plain greedy too (k n R simulations; it
#             outlived 600 s on facebook at k = 10, R = 100)
#   CELF_MC   Monte Carlo runs per spread estimate inside scirs2's CELF,
#             CELF++ and greedy (default 100, scirs2's own default; CELF
#             took 80-440 s on facebook at 100, so 1000 would time out)
#   MC        wom's evaluation runs (default 10000)
#   TIME_LIMIT, MEM_GB, WOM_DATA_DIR (default ../shared/data),
#   WOM_PEERS_DIR, OUT
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DATA="${WOM_DATA_DIR:-../shared/data}"
PEERS="${WOM_PEERS_DIR:-${TMPDIR:-/tmp}/wom-peers}"
PROJECT="${PEERS}/scirs2"
OUT="${OUT:-target/seeding_peers.jsonl}"
QUICK="${QUICK:-0}"
GRAPHS="${GRAPHS:-facebook slashdot}"
MODELS="${MODELS:-wc ic}"
P="${P:-0.01}"
if [ "${QUICK}" = 1 ]; then
    KS="${KS:-10}"
    EPSS="${EPSS:-0.5}"
else
    KS="${KS:-10 50}"
    EPSS="${EPSS:-0.5 0.1 0.01}"
fi
METHODS="${METHODS:-imm celf celfpp greedy degree pagerank pagerank_rev}"
CELF_MC="${CELF_MC:-100}"
GREEDY="${GREEDY:-0}"
MC="${MC:-10000}"
TIME_LIMIT="${TIME_LIMIT:-600}"
MEM_GB="${MEM_GB:-16}"
SEED=1

mkdir -p "${PROJECT}/src" "$(dirname "${OUT}")"

# ---------------------------------------------------------------------------
# The scratch project: scirs2-graph pinned; nothing of wom in it.
# ---------------------------------------------------------------------------
cat > "${PROJECT}/Cargo.toml" <<'TOML'
[package]
name = "wom-peer-scirs2"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
# The version whose API the program below was written against.
scirs2-graph = { version = "=0.6.5", default-features = false, features = ["std"] }
flate2 = "1"

[profile.release]
debug = "line-tables-only"

# Not a member of any workspace above the scratch directory.
[workspace]
TOML

cat > "${PROJECT}/src/main.rs" <<'RUST'
//! One seed selection by scirs2-graph's `diffusion` module on a SNAP edge
//! list; prints one JSON line. Written for wom's benches/seeding_peers.sh.
//!
//! main FILE --graph NAME --undirected true|false --model wc|ic [--p 0.01]
//!      --method imm|celf|celfpp|greedy|degree|pagerank|pagerank_rev
//!      --k K [--eps E] [--mc R] [--seed S]
use std::collections::HashMap;
use std::error::Error;
use std::io::{BufRead, BufReader, Read};
use std::time::Instant;

use scirs2_graph::diffusion::influence_max::DiffusionModel;
use scirs2_graph::diffusion::models::AdjList;
use scirs2_graph::diffusion::{
    celf_influence_max, celf_plus_plus, degree_heuristic, greedy_influence_max, imm_algorithm,
    pagerank_heuristic, ImmConfig, InfluenceMaxConfig,
};

struct Args {
    file: String,
    graph: String,
    undirected: bool,
    model: String,
    p: f64,
    method: String,
    k: usize,
    eps: f64,
    mc: usize,
    seed: u64,
}

fn parse() -> Result<Args, Box<dyn Error>> {
    let mut it = std::env::args().skip(1);
    let file = it.next().ok_or("usage: main FILE --method M --k K ...")?;
    let mut a = Args {
        file,
        graph: String::new(),
        undirected: false,
        model: "wc".into(),
        p: 0.01,
        method: "imm".into(),
        k: 10,
        eps: 0.5,
        mc: 1000,
        seed: 1,
    };
    while let Some(flag) = it.next() {
        let v = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--graph" => a.graph = v,
            "--undirected" => a.undirected = v.parse()?,
            "--model" => a.model = v,
            "--p" => a.p = v.parse()?,
            "--method" => a.method = v,
            "--k" => a.k = v.parse()?,
            "--eps" => a.eps = v.parse()?,
            "--mc" => a.mc = v.parse()?,
            "--seed" => a.seed = v.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(a)
}

/// The arcs of a SNAP edge list (gzip if the name ends in .gz), nodes
/// numbered 0.. in order of first appearance. As wom reads it: self-loops
/// and repeated lines stay arcs; `undirected` gives each line u != v an arc
/// each way (a self-loop stays one arc).
fn load(a: &Args) -> Result<(Vec<u64>, Vec<(usize, usize)>), Box<dyn Error>> {
    let file = std::fs::File::open(&a.file)?;
    let reader: Box<dyn Read> = if a.file.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut index: HashMap<u64, usize> = HashMap::new();
    let mut ids: Vec<u64> = Vec::new();
    let mut arcs = Vec::new();
    let mut intern = |id: u64, ids: &mut Vec<u64>| -> usize {
        *index.entry(id).or_insert_with(|| {
            ids.push(id);
            ids.len() - 1
        })
    };
    for line in BufReader::new(reader).lines() {
        let line = line?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
            continue;
        }
        let mut f = t.split_whitespace();
        let (Some(s), Some(d)) = (f.next(), f.next()) else {
            return Err(format!("bad line: {t}").into());
        };
        let u = intern(s.parse()?, &mut ids);
        let v = intern(d.parse()?, &mut ids);
        arcs.push((u, v));
        if a.undirected && u != v {
            arcs.push((v, u));
        }
    }
    Ok((ids, arcs))
}

/// scirs2's adjacency: node -> [(out-neighbour, propagation probability)].
fn adjacency(n: usize, arcs: &[(usize, usize)], model: &str, p: f64, reverse: bool) -> AdjList {
    let mut indeg = vec![0u32; n];
    for &(_, v) in arcs {
        indeg[v] += 1;
    }
    let mut adj: AdjList = HashMap::new();
    for &(u, v) in arcs {
        let prob = if model == "wc" { 1.0 / f64::from(indeg[v]) } else { p };
        let (from, to) = if reverse { (v, u) } else { (u, v) };
        adj.entry(from).or_default().push((to, prob));
    }
    adj
}

fn main() -> Result<(), Box<dyn Error>> {
    let a = parse()?;
    if a.model != "wc" && a.model != "ic" {
        return Err(format!("model {} not served: scirs2's selectors take IC arc probabilities", a.model).into());
    }
    let (ids, arcs) = load(&a)?;
    let n = ids.len();
    let adj = adjacency(n, &arcs, &a.model, a.p, a.method == "pagerank_rev");
    // Every selector below draws its Monte Carlo from scirs2-core's thread
    // RNG (unseeded); only IMM takes a seed.
    let cfg = InfluenceMaxConfig { num_simulations: a.mc, model: DiffusionModel::IC };
    // The heuristics end with a spread estimate of their own: one run.
    let one = InfluenceMaxConfig { num_simulations: 1, model: DiffusionModel::IC };
    let started = Instant::now();
    let (seeds, estimate, rr_sets, oracle_calls) = match a.method.as_str() {
        "imm" => {
            let config = ImmConfig {
                k: a.k,
                epsilon: a.eps,
                // δ = 1/n, as wom's IMM and the authors' code.
                delta: 1.0 / n as f64,
                seed: Some(a.seed),
            };
            let r = imm_algorithm(&adj, n, &config)?;
            (r.seeds, Some(r.estimated_spread), Some(r.num_rr_sets), None)
        }
        "celf" | "celfpp" | "greedy" => {
            let r = match a.method.as_str() {
                "celf" => celf_influence_max(&adj, n, a.k, &cfg)?,
                "celfpp" => celf_plus_plus(&adj, n, a.k, &cfg)?,
                _ => greedy_influence_max(&adj, n, a.k, &cfg)?,
            };
            (r.seeds, Some(r.estimated_spread), None, Some(r.oracle_calls))
        }
        "degree" => (degree_heuristic(&adj, n, a.k, &one)?.seeds, None, None, None),
        // On the reversed arcs for pagerank_rev: a node reached by many
        // (as PageRank ranks) is then one that reaches many.
        "pagerank" | "pagerank_rev" => (
            pagerank_heuristic(&adj, n, a.k, &one, 0.85, 100, 1e-6)?.seeds,
            None,
            None,
            None,
        ),
        other => return Err(format!("unknown method {other}").into()),
    };
    let seconds = started.elapsed().as_secs_f64();
    let opt = |x: Option<String>| x.unwrap_or_else(|| "null".into());
    let eps = if a.method == "imm" { a.eps.to_string() } else { "null".into() };
    let mc = if matches!(a.method.as_str(), "celf" | "celfpp" | "greedy") {
        a.mc.to_string()
    } else {
        "null".into()
    };
    let seeds: Vec<String> = seeds.iter().map(|&s| format!("\"{}\"", ids[s])).collect();
    println!(
        "{{\"engine\":\"scirs2-graph\",\"method\":\"{}\",\"graph\":\"{}\",\"model\":\"{}\",\"k\":{},\"eps\":{eps},\"mc\":{mc},\"nodes\":{n},\"arcs\":{},\"seconds\":{seconds:.4},\"estimated_spread\":{},\"rr_sets\":{},\"oracle_calls\":{},\"seeds\":[{}]}}",
        a.method,
        a.graph,
        a.model,
        a.k,
        arcs.len(),
        opt(estimate.map(|x| format!("{x:.2}"))),
        opt(rr_sets.map(|x| x.to_string())),
        opt(oracle_calls.map(|x| x.to_string())),
        seeds.join(","),
    );
    Ok(())
}
RUST

echo "building scirs2-graph's scratch project in ${PROJECT}" >&2
(cd "${PROJECT}" && cargo build --release --quiet)
PEER="${PROJECT}/target/release/wom-peer-scirs2"
cargo build --release --quiet --example select_seeds
WOM=target/release/examples/select_seeds

# Merges the peer's line with wom's evaluation line (or records a failure).
merge() {
    python3 - "$@" <<'PY'
import json, sys
status, peer_out, wom_out, meta, rc = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), int(sys.argv[5])
def last_json(path):
    try:
        lines = [l for l in open(path) if l.lstrip().startswith("{")]
        return json.loads(lines[-1]) if lines else None
    except (OSError, ValueError):
        return None
def tail(path):
    try:
        return " | ".join(open(path).read().strip().splitlines()[-3:])[-400:]
    except OSError:
        return ""
row = {"engine": "scirs2-graph", **meta}
peer = last_json(peer_out)
if status == "ok" and peer is not None:
    row.update(peer)
    wom = last_json(wom_out)
    if wom is None:
        row["status"] = "eval_failed"
        row["error"] = tail(wom_out)
    else:
        row["status"] = "ok"
        row["spread"] = wom["spread"]
        row["spread_se"] = wom["spread_se"]
        row["mc_runs"] = wom["mc_runs"]
else:
    row["status"] = status
    row["exit_code"] = rc
    row["error"] = tail(peer_out)
print(json.dumps(row))
PY
}

file_of() {
    case "$1" in
    facebook) echo "${DATA}/facebook_combined.txt true" ;;
    slashdot) echo "${DATA}/soc-Slashdot0902.txt.gz false" ;;
    *) echo "unknown graph $1" >&2; return 1 ;;
    esac
}

TMP="$(mktemp -d)"
trap 'rm -rf "${TMP}"' EXIT

run() { # graph file undirected model k method eps
    local graph=$1 file=$2 undirected=$3 model=$4 k=$5 method=$6 eps=$7
    local meta status=ok rc=0
    # The 1-minute load average before the run: a busy machine slows it.
    local load
    load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)
    meta=$(printf '{"method":"%s","graph":"%s","model":"%s","k":%s,"eps":%s,"time_limit":%s,"load_before":%s}' \
        "${method}" "${graph}" "${model}" "${k}" "${eps}" "${TIME_LIMIT}" "${load}")
    local args=("${file}" --graph "${graph}" --undirected "${undirected}" --model "${model}"
        --p "${P}" --method "${method}" --k "${k}" --mc "${CELF_MC}" --seed "${SEED}")
    [ "${eps}" != null ] && args+=(--eps "${eps}")
    echo "scirs2-graph ${method} ${graph} ${model} k=${k} eps=${eps}" >&2
    # scirs2-core is built with rayon: one thread, though the diffusion
    # functions run their loops sequentially anyway.
    if (ulimit -v $((MEM_GB * 1024 * 1024)) &&
        RAYON_NUM_THREADS=1 timeout "${TIME_LIMIT}" "${PEER}" "${args[@]}") \
        > "${TMP}/peer" 2>&1; then
        local seeds
        seeds=$(python3 -c 'import json,sys; print(",".join(json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])["seeds"]))' "${TMP}/peer")
        local wom_args=("${file}" --model "${model}" --method given --seeds "${seeds}"
            --mc "${MC}" --master-seed "${SEED}")
        [ "${undirected}" = true ] && wom_args+=(--undirected true)
        [ "${model}" = ic ] && wom_args+=(--p "${P}")
        "${WOM}" "${wom_args[@]}" > "${TMP}/wom" 2>&1 || true
    else
        rc=$?
        case ${rc} in
        124) status=timeout ;;
        134 | 137) status=out_of_memory_or_killed ;;
        *) status=failed ;;
        esac
        : > "${TMP}/wom"
    fi
    merge "${status}" "${TMP}/peer" "${TMP}/wom" "${meta}" "${rc}" | tee -a "${OUT}"
}

skip() { # graph model k method why
    printf '{"engine":"scirs2-graph","method":"%s","graph":"%s","model":"%s","k":%s,"eps":null,"status":"skipped","error":"%s"}\n' \
        "$4" "$1" "$2" "$3" "$5" | tee -a "${OUT}"
}

for graph in ${GRAPHS}; do
    read -r file undirected <<< "$(file_of "${graph}")"
    if [ ! -r "${file}" ]; then
        echo "no ${file}: set WOM_DATA_DIR to the folder of the SNAP files" >&2
        exit 1
    fi
    for model in ${MODELS}; do
        for k in ${KS}; do
            for method in ${METHODS}; do
                case "${method}" in
                imm)
                    for eps in ${EPSS}; do
                        run "${graph}" "${file}" "${undirected}" "${model}" "${k}" imm "${eps}"
                    done
                    ;;
                greedy)
                    # k n R simulations: it outlived 600 s on facebook at
                    # k = 10, R = 100 (wc and ic) already.
                    if [ "${GREEDY}" = 1 ]; then
                        run "${graph}" "${file}" "${undirected}" "${model}" "${k}" greedy null
                    else
                        skip "${graph}" "${model}" "${k}" greedy "k n R Monte Carlo runs: outlives 600 s even on facebook at k = 10, R = 100; GREEDY=1 runs it"
                    fi
                    ;;
                pagerank_rev)
                    if [ "${undirected}" = true ]; then
                        skip "${graph}" "${model}" "${k}" pagerank_rev "undirected graph: same as pagerank"
                    else
                        run "${graph}" "${file}" "${undirected}" "${model}" "${k}" pagerank_rev null
                    fi
                    ;;
                *) run "${graph}" "${file}" "${undirected}" "${model}" "${k}" "${method}" null ;;
                esac
            done
        done
    done
done
echo "results appended to ${OUT}" >&2
