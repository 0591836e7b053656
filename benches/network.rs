//! Building the execution layer: generating graphs, freezing them into CSR,
//! building the reverse view, and (with `WOM_DATA_DIR`) reading a real edge
//! list. Run with `cargo bench --bench network`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use wom::Relation;
use wom::generate::{BarabasiAlbert, Gnp, barabasi_albert, gnp};
use wom::io::{EdgeListOptions, read_edge_list};

fn generators(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    let spec = Gnp {
        n: 100_000,
        p: 10.0 / 100_000.0,
        direction: Relation::Follow,
    };
    group.bench_function("gnp_directed_n100k_m1M", |b| {
        b.iter(|| gnp(black_box(&spec), 1).expect("valid spec"))
    });
    let ba = BarabasiAlbert { n: 100_000, m: 5 };
    group.bench_function("barabasi_albert_n100k_m5", |b| {
        b.iter(|| barabasi_albert(black_box(&ba), 1).expect("valid spec"))
    });
    group.finish();
}

fn freezing(c: &mut Criterion) {
    let mut group = c.benchmark_group("freeze");
    group.sample_size(10);
    let graph = barabasi_albert(&BarabasiAlbert { n: 100_000, m: 5 }, 1).expect("valid spec");
    group.bench_function("freeze_ba_n100k_arcs1M", |b| {
        b.iter(|| black_box(&graph).freeze().expect("valid graph"))
    });
    let network = graph.freeze().expect("valid graph");
    group.bench_function("transpose_ba_n100k_arcs1M", |b| {
        b.iter(|| black_box(network.forward()).transpose())
    });
    group.finish();
}

fn reading(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("WOM_DATA_DIR").map(PathBuf::from) else {
        eprintln!("skipped: WOM_DATA_DIR is not set, no real edge list to read");
        return;
    };
    let path = dir.join("soc-Slashdot0902.txt.gz");
    let options = EdgeListOptions::default();
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    group.bench_function("slashdot_gz_948k_arcs", |b| {
        b.iter(|| read_edge_list(black_box(&path), &options).expect("readable file"))
    });
    let loaded = read_edge_list(&path, &options).expect("readable file");
    group.bench_function("slashdot_freeze", |b| {
        b.iter(|| black_box(&loaded.graph).freeze().expect("valid graph"))
    });
    group.finish();
}

criterion_group!(benches, generators, freezing, reading);
criterion_main!(benches);
