//! Monte Carlo throughput of one propagation model on an edge list,
//! single-threaded, printed as one JSON line. The comparison script
//! `benches/compare_peers.py` runs it beside cynetdiff and NDlib.
//!
//! ```text
//! cargo run --release --example mc_throughput -- FILE --model ic|wc|lt|ext_ic \
//!     [--p 0.01] [--runs 10000] [--seeds 1,2,3] [--master-seed 1] [--kpis true]
//! ```
//! With `--kpis true` the runs go through `wom::kpi::run_kpis` on one
//! thread instead of a bare engine loop, which measures what computing every
//! KPI and curve costs.
//! `ic` is the independent cascade with uniform p, `wc` the weighted cascade
//! p(u, v) = 1 / indeg(v), `lt` the linear threshold with weights
//! 1 / indeg(v) and uniform random thresholds; `ext_ic` the cascade with
//! uniform p written as a downstream crate would, from the public kernel
//! helpers (`tests/models/extension/uniform_cascade.rs`), to compare with `ic`.
//! Seeds are external ids of the file.

use std::error::Error;
use std::time::Instant;

use wom::ensemble::{EnsembleOptions, RunBudget};
use wom::io::{EdgeListOptions, read_edge_list};
use wom::kpi::{KpiSpec, run_kpis};
use wom::propagation::lt::{LinearThreshold, LtWeights};
use wom::propagation::{IndependentCascade, Model, Simulation};
use wom::{Network, NodeId};

#[path = "../tests/models/extension/uniform_cascade.rs"]
mod uniform_cascade;
use uniform_cascade::UniformCascade;

struct Args {
    file: String,
    model: String,
    p: f64,
    runs: u64,
    seeds: Vec<u64>,
    master_seed: u64,
    kpis: bool,
}

fn parse() -> Result<Args, Box<dyn Error>> {
    let mut it = std::env::args().skip(1);
    let file = it
        .next()
        .ok_or("usage: mc_throughput FILE --model ic|wc|lt|ext_ic ...")?;
    let mut args = Args {
        file,
        model: "ic".into(),
        p: 0.01,
        runs: 10_000,
        seeds: vec![0],
        master_seed: 1,
        kpis: false,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--model" => args.model = value,
            "--p" => args.p = value.parse()?,
            "--runs" => args.runs = value.parse()?,
            "--master-seed" => args.master_seed = value.parse()?,
            "--kpis" => args.kpis = value.parse()?,
            "--seeds" => args.seeds = value.split(',').map(str::parse).collect::<Result<_, _>>()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(args)
}

/// Runs `runs` simulations; returns (mean, sample sd, seconds).
fn measure<S: Model + Sync>(
    net: &Network,
    model: S,
    seeds: &[u32],
    args: &Args,
) -> (f64, f64, f64) {
    if args.kpis {
        let options = EnsembleOptions {
            budget: RunBudget::Runs(args.runs),
            master_seed: args.master_seed,
            threads: Some(1),
            ..EnsembleOptions::default()
        };
        let started = Instant::now();
        let report = run_kpis(net, &model, seeds, &KpiSpec::default(), &options)
            .expect("seeds were validated");
        let seconds = started.elapsed().as_secs_f64();
        let adoption = report.kpi("adoption").expect("always reported");
        return (adoption.mean, adoption.std_dev, seconds);
    }
    let mut sim = Simulation::new(net, model);
    let started = Instant::now();
    let (mut sum, mut sum_sq) = (0.0f64, 0.0f64);
    for run in 0..args.runs {
        let out = sim
            .run(seeds, args.master_seed, run, &mut ())
            .expect("seeds were validated");
        let x = out.adopted as f64;
        sum += x;
        sum_sq += x * x;
    }
    let seconds = started.elapsed().as_secs_f64();
    let r = args.runs as f64;
    let mean = sum / r;
    let var = ((sum_sq - r * mean * mean) / (r - 1.0).max(1.0)).max(0.0);
    (mean, var.sqrt(), seconds)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse()?;
    let loaded = read_edge_list(&args.file, &EdgeListOptions::default())?;
    let net = loaded.graph.freeze()?;
    let seeds: Vec<u32> = args
        .seeds
        .iter()
        .map(|&s| net.index_of(&NodeId::Num(s)))
        .collect::<Result<_, _>>()?;
    let (mean, sd, seconds) = match args.model.as_str() {
        "ic" => measure(
            &net,
            IndependentCascade::uniform(&net, args.p)?,
            &seeds,
            &args,
        ),
        "ext_ic" => measure(&net, UniformCascade::new(args.p)?, &seeds, &args),
        "wc" => measure(
            &net,
            IndependentCascade::weighted_cascade(&net),
            &seeds,
            &args,
        ),
        "lt" => {
            let lt = LinearThreshold::random(&net, LtWeights::Uniform);
            measure(&net, lt, &seeds, &args)
        }
        other => return Err(format!("unknown model {other}").into()),
    };
    let half = 1.96 * sd / (args.runs as f64).sqrt();
    println!(
        "{{\"engine\":\"wom{}\",\"model\":\"{}\",\"runs\":{},\"mean\":{mean},\"sd\":{sd},\"ci95\":{half},\"seconds\":{seconds},\"runs_per_second\":{}}}",
        if args.kpis { "+kpis" } else { "" },
        args.model,
        args.runs,
        args.runs as f64 / seconds
    );
    Ok(())
}
