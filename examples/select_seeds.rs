//! Chooses seeds on an edge list with one selector and evaluates them by an
//! independent forward Monte Carlo; prints one JSON line. The comparison
//! script `benches/seeding.sh` runs it for every selector and setting.
//!
//! ```text
//! cargo run --release --example select_seeds -- FILE [--undirected true] \
//!     --model wc|ic|lt [--p 0.01] --method METHOD [--k 50] [--eps 0.1] \
//!     [--threads 1] [--mc 10000 (0: no evaluation)] [--master-seed 1] \
//!     [--repeat 1]
//! cargo run --release --example select_seeds -- FILE ... --method given --seeds 3,17,42
//! ```
//! METHOD is one of `opim`, `imm`, `random`, `degree`, `degree_discount`
//! (with the model's p, 0.01 for `wc` and `lt`), `pagerank`, `k_core`,
//! `celf` (with `--celf-runs`, default 200, Monte Carlo runs per estimate).
//! `--method given` evaluates the listed seeds (external ids of the file)
//! by the same Monte Carlo, for selectors run outside wom.
//! `wc` is the weighted cascade p(u, v) = 1 / indeg(v), `ic` the independent
//! cascade with uniform p, `lt` the linear threshold with weights
//! 1 / indeg(v). With `--undirected true` every line is a friendship (an arc
//! each way), as for ego-Facebook. The Monte Carlo uses its own master seed
//! (`--master-seed` + 1,000), shared by every selector, so that spreads are
//! compared on the same draws. `--repeat N` makes the selection N times in
//! the one process and reports the median time (the seeds are the same
//! every time: they depend only on the master seed).

use std::error::Error;
use std::time::Instant;

use rayon::prelude::*;
use wom::Relation;
use wom::centrality::PageRankOptions;
use wom::io::{EdgeListOptions, read_edge_list};
use wom::propagation::IcProbabilities;
use wom::propagation::lt::{LinearThreshold, LtWeights};
use wom::propagation::{IndependentCascade, Model, Simulation};
use wom::seeding::{
    Celf, Degree, DegreeDiscount, DegreeKind, Diffusion, Imm, KCore, Opim, PageRankSeeds,
    RandomSeeds, SeedRequest, SeedSelector, Selection,
};
use wom::{Network, NodeId};

struct Args {
    file: String,
    undirected: bool,
    model: String,
    p: f64,
    method: String,
    k: usize,
    eps: f64,
    threads: Option<usize>,
    mc: u64,
    master_seed: u64,
    seeds: Vec<u64>,
    celf_runs: u64,
    repeat: usize,
}

fn parse() -> Result<Args, Box<dyn Error>> {
    let mut it = std::env::args().skip(1);
    let file = it
        .next()
        .ok_or("usage: select_seeds FILE --model wc|ic|lt --method opim|imm ...")?;
    let mut a = Args {
        file,
        undirected: false,
        model: "wc".into(),
        p: 0.01,
        method: "opim".into(),
        k: 50,
        eps: 0.1,
        threads: None,
        mc: 10_000,
        master_seed: 1,
        seeds: Vec::new(),
        celf_runs: 200,
        repeat: 1,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--undirected" => a.undirected = value.parse()?,
            "--model" => a.model = value,
            "--p" => a.p = value.parse()?,
            "--method" => a.method = value,
            "--k" => a.k = value.parse()?,
            "--eps" => a.eps = value.parse()?,
            "--threads" => a.threads = Some(value.parse()?),
            "--mc" => a.mc = value.parse()?,
            "--master-seed" => a.master_seed = value.parse()?,
            "--celf-runs" => a.celf_runs = value.parse()?,
            "--repeat" => a.repeat = value.parse::<usize>()?.max(1),
            "--seeds" => a.seeds = value.split(',').map(str::parse).collect::<Result<_, _>>()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(a)
}

/// Mean and standard error of the spread of `seeds` over `runs` forward
/// runs of `model`, in parallel (the same draws on any thread count).
fn forward<S: Model + Sync>(
    net: &Network,
    model: &S,
    seeds: &[u32],
    runs: u64,
    master: u64,
) -> (f64, f64)
where
    S::State: Send,
{
    let sizes: Vec<f64> = (0..runs)
        .into_par_iter()
        .map_init(
            || Simulation::new(net, model),
            |sim, run| {
                sim.run(seeds, master, run, &mut ())
                    .expect("valid seeds")
                    .adopted as f64
            },
        )
        .collect();
    let r = runs as f64;
    let mean = sizes.iter().sum::<f64>() / r;
    let var = sizes.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (r - 1.0).max(1.0);
    (mean, (var / r).sqrt())
}

/// One selection by the method `a.method`.
fn choose(
    a: &Args,
    net: &Network,
    request: &SeedRequest<'_>,
    diffusion: Diffusion,
    started: Instant,
) -> Result<Selection, Box<dyn Error>> {
    Ok(match a.method.as_str() {
        "opim" => Opim::new(diffusion, a.eps).select(request)?,
        "imm" => Imm::new(diffusion, a.eps).select(request)?,
        "random" => RandomSeeds.select(request)?,
        "degree" => Degree {
            by: DegreeKind::Out,
        }
        .select(request)?,
        "degree_discount" => DegreeDiscount { p: a.p }.select(request)?,
        "pagerank" => PageRankSeeds {
            options: PageRankOptions::default(),
        }
        .select(request)?,
        "k_core" => KCore.select(request)?,
        "celf" => Celf {
            diffusion,
            runs: a.celf_runs,
        }
        .select(request)?,
        "given" => Selection::plain(
            "given",
            a.seeds
                .iter()
                .map(|&s| net.index_of(&NodeId::Num(s)))
                .collect::<Result<_, _>>()?,
            started,
        ),
        other => return Err(format!("unknown method {other}").into()),
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    let a = parse()?;
    let mut options = EdgeListOptions::default();
    if a.undirected {
        options.direction = Relation::Friendship;
    }
    let net = read_edge_list(&a.file, &options)?.graph.freeze()?;
    let diffusion = match a.model.as_str() {
        "wc" => Diffusion::WEIGHTED_CASCADE,
        "ic" => Diffusion::uniform_ic(a.p),
        "lt" => Diffusion::LinearThreshold {
            weights: LtWeights::Uniform,
        },
        other => return Err(format!("unknown model {other}").into()),
    };
    let mut request = SeedRequest::new(&net, a.k).seeded(a.master_seed);
    if let Some(t) = a.threads {
        request = request.on_threads(t);
    }
    // The reverse view is part of loading the graph (OPIM-C's timer also
    // starts after its reverse graph is read).
    let _ = net.reverse();
    let mut times = Vec::with_capacity(a.repeat);
    let mut chosen = None;
    for _ in 0..a.repeat {
        let started = Instant::now();
        let this = choose(&a, &net, &request, diffusion, started)?;
        times.push(started.elapsed().as_secs_f64());
        chosen = Some(this);
    }
    let chosen = chosen.expect("at least one selection");
    times.sort_by(f64::total_cmp);
    let seconds = times[times.len() / 2];
    let master = a.master_seed + 1_000;
    let (mean, se) = if a.mc == 0 {
        (f64::NAN, f64::NAN)
    } else {
        match a.model.as_str() {
            "wc" => forward(
                &net,
                &IndependentCascade::weighted_cascade(&net),
                &chosen.seeds,
                a.mc,
                master,
            ),
            "ic" => forward(
                &net,
                &IndependentCascade::new(&net, IcProbabilities::Uniform { p: a.p })?,
                &chosen.seeds,
                a.mc,
                master,
            ),
            _ => forward(
                &net,
                &LinearThreshold::random(&net, LtWeights::Uniform),
                &chosen.seeds,
                a.mc,
                master,
            ),
        }
    };
    let num = |x: Option<f64>| x.map_or("null".to_string(), |v| format!("{v}"));
    println!(
        "{{\"engine\":\"wom\",\"method\":\"{}\",\"model\":\"{}\",\"k\":{},\"eps\":{},\"threads\":{},\"rr_sets\":{},\"guarantee\":{},\"seconds\":{seconds:.4},\"estimated_spread\":{},\"mc_runs\":{},\"spread\":{},\"spread_se\":{},\"seeds\":{:?}}}",
        chosen.method,
        a.model,
        chosen.seeds.len(),
        a.eps,
        a.threads.map_or("null".to_string(), |t| t.to_string()),
        num(chosen.rr_sets.map(|r| r as f64)),
        num(chosen.guarantee),
        num(chosen.estimated_spread),
        a.mc,
        num((a.mc > 0).then_some((mean * 100.0).round() / 100.0)),
        num((a.mc > 0).then_some((se * 100.0).round() / 100.0)),
        chosen
            .seeds
            .iter()
            .map(|&s| net.id_of(s).map_or(s.to_string(), ToString::to_string))
            .collect::<Vec<_>>(),
    );
    Ok(())
}
