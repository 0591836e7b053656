#!/usr/bin/env python3
"""Compare wom's Monte Carlo throughput and mean spread with cynetdiff and NDlib.

Same edge list, same model and parameters, same seeds, single-threaded.
Prints a table: mean spread with its 95% confidence interval per engine,
runs per second, and wom's speed-up over each peer, and says whether the
means agree within their confidence intervals.

Run through `benches/compare_peers.sh`, which creates the virtual
environment with cynetdiff and NDlib and builds wom's `mc_throughput`
example. Directly:

    python3 benches/compare_peers.py EDGELIST --wom target/release/examples/mc_throughput \
        [--runs 10000] [--ndlib-runs 20] [--p 0.01] [--seeds 10]
"""

import argparse
import gzip
import json
import math
import subprocess
import sys
import time

import numpy as np


def read_edges(path):
    """Directed edges as (source index, target index) in file order; ids
    numbered in order of first appearance, as wom does."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    index, ids, src, dst = {}, [], [], []
    with opener(path, "rt") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            u, v = line.split()[:2]
            for x in (u, v):
                if x not in index:
                    index[x] = len(ids)
                    ids.append(x)
            src.append(index[u])
            dst.append(index[v])
    return ids, np.array(src, dtype=np.uint32), np.array(dst, dtype=np.uint32)


def csr(n, src, dst):
    """cynetdiff's CSR: starts[u] (n entries) and edges, arcs of a node in
    file order (a stable sort by source)."""
    order = np.argsort(src, kind="stable")
    edges = dst[order].astype(np.uint32)
    counts = np.bincount(src, minlength=n)
    starts = np.zeros(n, dtype=np.uint32)
    starts[1:] = np.cumsum(counts)[:-1]
    return starts, edges


def t975(df):
    """Student's t quantile 0.975 for df degrees of freedom (Cornish-Fisher
    expansion around the normal 1.96; within 0.2% for df >= 3)."""
    z = 1.959964
    if df <= 0:
        return float("inf")
    return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))


def summary(values, seconds):
    x = np.asarray(values, dtype=float)
    sd = x.std(ddof=1) if len(x) > 1 else 0.0
    return {
        "runs": len(x),
        "mean": float(x.mean()),
        "sd": float(sd),
        "ci95": float(t975(len(x) - 1) * sd / math.sqrt(len(x))),
        "seconds": seconds,
        "runs_per_second": len(x) / seconds,
    }


def run_cynetdiff(model, n, starts, edges, dst, seeds, p, runs, master_seed):
    from cynetdiff.models import IndependentCascadeModel, LinearThresholdModel

    if model == "ic":
        m = IndependentCascadeModel(starts, edges, activation_prob=p, rng=master_seed)
    elif model == "wc":
        indeg = np.bincount(edges, minlength=n).astype(np.float32)
        probs = (1.0 / indeg[edges]).astype(np.float32)
        m = IndependentCascadeModel(starts, edges, activation_probs=probs, rng=master_seed)
    else:
        m = LinearThresholdModel(starts, edges, rng=master_seed)
    m.set_seeds(seeds)
    values = []
    t0 = time.perf_counter()
    for _ in range(runs):
        m.reset_model()
        m.advance_until_completion()
        values.append(m.get_num_activated_nodes())
    return summary(values, time.perf_counter() - t0)


def run_ndlib(model, n, src, dst, seeds, p, runs, master_seed):
    import networkx as nx
    import ndlib.models.ModelConfig as mc
    import ndlib.models.epidemics as ep

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    indeg = dict(g.in_degree())
    np.random.seed(master_seed)

    def configured():
        m = ep.ThresholdModel(g) if model == "lt" else ep.IndependentCascadesModel(g)
        cfg = mc.Configuration()
        cfg.add_model_initial_configuration("Infected", list(seeds))
        for u, v in g.edges():
            if model == "ic":
                cfg.add_edge_configuration("threshold", (u, v), p)
            elif model == "wc":
                cfg.add_edge_configuration("threshold", (u, v), 1.0 / indeg[v])
        if model == "lt":
            for v in g.nodes():
                cfg.add_node_configuration("threshold", v, float(np.random.random_sample()))
        m.set_initial_status(cfg)
        return m

    # IC keeps one configured model and resets it between runs, so NDlib's
    # time is its simulation, not its set-up; LT needs fresh thresholds, so
    # its configuration is part of every run.
    m = None if model == "lt" else configured()
    values = []
    t0 = time.perf_counter()
    for _ in range(runs):
        if model == "lt":
            m = configured()
        else:
            m.reset()
        while True:
            it = m.iteration()
            if it["iteration"] > 0 and it["node_count"].get(1, 0) == 0:
                break
        values.append(sum(1 for s in m.status.values() if s != 0))
    return summary(values, time.perf_counter() - t0)


def run_wom(binary, path, model, ids, seeds, p, runs, master_seed):
    seed_ids = ",".join(ids[s] for s in seeds)
    cmd = [binary, path, "--model", model, "--p", str(p), "--runs", str(runs),
           "--seeds", seed_ids, "--master-seed", str(master_seed)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("edgelist")
    ap.add_argument("--wom", required=True, help="path to the mc_throughput binary")
    ap.add_argument("--models", default="ic,wc,lt")
    ap.add_argument("--p", type=float, default=0.01)
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--ndlib-runs", type=int, default=10, help="0 to skip NDlib")
    ap.add_argument("--seeds", type=int, default=10, help="top nodes by out-degree")
    ap.add_argument("--master-seed", type=int, default=1)
    a = ap.parse_args()

    ids, src, dst = read_edges(a.edgelist)
    n = len(ids)
    starts, edges = csr(n, src, dst)
    outdeg = np.bincount(src, minlength=n)
    seeds = [int(s) for s in np.argsort(-outdeg, kind="stable")[: a.seeds]]
    print(f"# {a.edgelist}: {n} nodes, {len(src)} arcs; seeds = top {a.seeds} by out-degree "
          f"(ids {','.join(ids[s] for s in seeds)}); p = {a.p} for ic")
    print(f"{'model':<6} {'engine':<10} {'runs':>7} {'mean spread':>12} {'95% CI':>10} "
          f"{'runs/s':>10} {'wom x':>7} {'agree':>6}")
    ok = True
    for model in a.models.split(","):
        rows = {"wom": run_wom(a.wom, a.edgelist, model, ids, seeds, a.p, a.runs, a.master_seed)}
        rows["cynetdiff"] = run_cynetdiff(model, n, starts, edges, dst, seeds, a.p, a.runs,
                                          a.master_seed)
        if a.ndlib_runs > 0:
            rows["ndlib"] = run_ndlib(model, n, src, dst, seeds, a.p, a.ndlib_runs,
                                      a.master_seed)
        w = rows["wom"]
        for engine, r in rows.items():
            speedup = w["runs_per_second"] / r["runs_per_second"]
            # Two means agree when their difference is within the combined
            # 95% half-width sqrt(ci_a^2 + ci_b^2).
            agree = abs(r["mean"] - w["mean"]) <= math.hypot(r["ci95"], w["ci95"])
            ok &= agree
            print(f"{model:<6} {engine:<10} {r['runs']:>7} {r['mean']:>12.2f} "
                  f"{r['ci95']:>10.2f} {r['runs_per_second']:>10.1f} "
                  f"{speedup:>7.2f} {('yes' if agree else 'NO'):>6}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
