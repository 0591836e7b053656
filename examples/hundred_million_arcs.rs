//! A graph of more than 100 million arcs on one machine: a Barabási–Albert
//! friendship network (10.5 million people, 5 friendships each made on
//! arrival, 105 million arcs) is generated, frozen, and an independent
//! cascade and a weighted cascade are run on it as ensembles; the example
//! prints the time of each stage, the network's bytes per arc, the process's
//! peak memory and the runs per second, as recorded in docs/performance.md.
//!
//! ```text
//! cargo run --release --example hundred_million_arcs -- \
//!     [--n 10500000] [--m 5] [--p 0.01] [--ic-runs 2000] [--wc-runs 200] [--seeds 50]
//! ```
//!
//! The seeds are the `--seeds` nodes of highest degree. Peak memory is the
//! process's high-water mark (`VmHWM` of `/proc/self/status`, Linux only).

use std::error::Error;
use std::time::Instant;

use wom::Network;
use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
use wom::generate::{BarabasiAlbert, barabasi_albert};
use wom::propagation::{IndependentCascade, Model};

struct Args {
    n: usize,
    m: usize,
    p: f64,
    ic_runs: u64,
    wc_runs: u64,
    seeds: usize,
}

fn parse() -> Result<Args, Box<dyn Error>> {
    let mut args = Args {
        n: 10_500_000,
        m: 5,
        p: 0.01,
        ic_runs: 2_000,
        wc_runs: 200,
        seeds: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--n" => args.n = value.parse()?,
            "--m" => args.m = value.parse()?,
            "--p" => args.p = value.parse()?,
            "--ic-runs" => args.ic_runs = value.parse()?,
            "--wc-runs" => args.wc_runs = value.parse()?,
            "--seeds" => args.seeds = value.parse()?,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    Ok(args)
}

/// A field of `/proc/self/status` in MiB (`VmHWM`, `VmRSS`), where Linux
/// has one.
fn status_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn memory_line(stage: &str) {
    match (status_mib("VmRSS:"), status_mib("VmHWM:")) {
        (Some(rss), Some(peak)) => {
            println!("  memory after {stage}: {rss:.0} MiB resident, peak {peak:.0} MiB");
        }
        _ => println!("  memory after {stage}: not available on this platform"),
    }
}

/// The `k` nodes of highest out-degree, ties to the lower index.
fn top_degree(net: &Network, k: usize) -> Vec<u32> {
    let mut nodes: Vec<u32> = (0..net.node_count() as u32).collect();
    nodes.sort_unstable_by_key(|&u| (std::cmp::Reverse(net.out_degree(u)), u));
    nodes.truncate(k);
    nodes
}

fn ensemble<M: Model + Sync>(
    name: &str,
    net: &Network,
    model: &M,
    seeds: &[u32],
    runs: u64,
) -> Result<(), Box<dyn Error>> {
    let options = EnsembleOptions {
        budget: RunBudget::Runs(runs),
        master_seed: 1,
        ..EnsembleOptions::default()
    };
    let start = Instant::now();
    let result = Ensemble::new(net, model, seeds).options(options).run()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{name}: {runs} runs in {secs:.1} s = {:.1} runs/s on {} threads; \
         mean adoption {:.1} (95% CI {:.1} to {:.1}), mean steps {:.1}",
        runs as f64 / secs,
        rayon::current_num_threads(),
        result.adopted.mean,
        result.adopted.ci_low,
        result.adopted.ci_high,
        result.steps.mean,
    );
    memory_line(name);
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse()?;
    let params = BarabasiAlbert {
        n: args.n,
        m: args.m,
    };
    println!(
        "Barabási–Albert n = {}, m = {}: {} friendships expected",
        args.n,
        args.m,
        params.edge_count()
    );
    let start = Instant::now();
    let graph = barabasi_albert(&params, 42)?;
    let generated = start.elapsed().as_secs_f64();
    println!(
        "generated {} nodes and {} arcs in {generated:.1} s",
        graph.node_count(),
        graph.arc_count()
    );
    memory_line("generation");
    let start = Instant::now();
    let net = graph.freeze()?;
    let frozen = start.elapsed().as_secs_f64();
    drop(graph);
    let (n, m) = (net.node_count(), net.arc_count());
    println!("froze it in {frozen:.1} s; the social graph is then dropped");
    memory_line("freezing");
    let memory = net.memory();
    let total = memory.forward + memory.nodes + memory.groups + memory.ids;
    println!(
        "frozen network: {n} nodes, {m} arcs; forward view {} bytes ({:.2} per arc), \
         node table {} bytes, ids {} bytes, {:.2} bytes per arc in all",
        memory.forward,
        memory.forward as f64 / m as f64,
        memory.nodes,
        memory.ids,
        total as f64 / m as f64
    );
    let seeds = top_degree(&net, args.seeds);
    let ic = IndependentCascade::uniform(&net, args.p)?;
    ensemble(
        &format!("independent cascade p = {}", args.p),
        &net,
        &ic,
        &seeds,
        args.ic_runs,
    )?;
    drop(ic);
    let wc = IndependentCascade::weighted_cascade(&net);
    ensemble("weighted cascade", &net, &wc, &seeds, args.wc_runs)?;
    Ok(())
}
