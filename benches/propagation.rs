//! Monte Carlo throughput of independent cascade and linear threshold on a
//! generated graph and (with `WOM_DATA_DIR`) on soc-Slashdot0902. One
//! iteration is one complete run from 10 seeds. Beside the built-in
//! cascade with uniform p runs the same model written as a downstream crate
//! would, from the public kernel helpers (`ext_ic_uniform_p0.01`, from
//! `tests/models/extension/uniform_cascade.rs`). Run with
//! `cargo bench --bench propagation`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use wom::Network;
use wom::generate::{BarabasiAlbert, barabasi_albert};
use wom::io::{EdgeListOptions, read_edge_list};
use wom::propagation::lt::{LinearThreshold, LtWeights};
use wom::propagation::{IndependentCascade, Model, Simulation};

#[path = "../tests/models/extension/uniform_cascade.rs"]
mod uniform_cascade;
use uniform_cascade::UniformCascade;

/// The 10 nodes with the most followers, as seeds.
fn top_seeds(net: &Network) -> Vec<u32> {
    let mut nodes: Vec<u32> = (0..net.node_count() as u32).collect();
    nodes.sort_by_key(|&u| (std::cmp::Reverse(net.out_degree(u)), u));
    nodes.truncate(10);
    nodes
}

fn bench_model<S: Model>(c: &mut Criterion, group: &str, name: &str, net: &Network, s: S) {
    let seeds = top_seeds(net);
    let mut sim = Simulation::new(net, s);
    let mut run = 0u64;
    let mut g = c.benchmark_group(group);
    g.bench_function(BenchmarkId::from_parameter(name), |b| {
        b.iter(|| {
            run += 1;
            black_box(sim.run(&seeds, 1, run, &mut ()).expect("valid seeds"))
        })
    });
    g.finish();
}

fn all_models(c: &mut Criterion, group: &str, net: &Network) {
    let ic = IndependentCascade::uniform(net, 0.01).expect("valid p");
    bench_model(c, group, "ic_uniform_p0.01", net, ic);
    let ext = UniformCascade::new(0.01).expect("valid p");
    bench_model(c, group, "ext_ic_uniform_p0.01", net, ext);
    bench_model(
        c,
        group,
        "ic_weighted_cascade",
        net,
        IndependentCascade::weighted_cascade(net),
    );
    let lt = LinearThreshold::random(net, LtWeights::Uniform);
    bench_model(c, group, "lt_uniform_weights", net, lt);
}

fn generated(c: &mut Criterion) {
    let graph = barabasi_albert(&BarabasiAlbert { n: 100_000, m: 5 }, 7).expect("valid spec");
    let net = graph.freeze().expect("valid graph");
    all_models(c, "mc_ba_n100k_arcs1M", &net);
}

fn slashdot(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("WOM_DATA_DIR").map(PathBuf::from) else {
        eprintln!("skipped: WOM_DATA_DIR is not set, no Slashdot bench");
        return;
    };
    let path = dir.join("soc-Slashdot0902.txt.gz");
    let loaded = read_edge_list(&path, &EdgeListOptions::default()).expect("readable file");
    let net = loaded.graph.freeze().expect("valid graph");
    all_models(c, "mc_slashdot", &net);
}

criterion_group!(benches, generated, slashdot);
criterion_main!(benches);
