//! Times triangle counting and clustering on an edge list read as
//! undirected (each line a friendship; the undirected simple view drops
//! repeats and self-loops), and prints one JSON line with the counts and
//! the median times. The comparison script `benches/triangles.sh` runs it
//! beside networkx.
//!
//! ```text
//! cargo run --release --example triangles -- FILE [--repeat 5]
//! ```
//!
//! Times: `view`, building the undirected simple view from the frozen
//! network; `triangles`, [`triangles`] on it; `clustering`, [`clustering`]
//! on it (which counts the triangles again, then averages). Reading and
//! freezing the file are not timed. Threads: rayon's default (all cores,
//! or `RAYON_NUM_THREADS`).

use std::error::Error;
use std::time::Instant;

use wom::Relation;
use wom::analysis::structure::{UndirectedGraph, clustering, triangles};
use wom::io::{EdgeListOptions, read_edge_list};

/// The median of some seconds.
fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

/// The median time of `repeat` calls of `f`, and its last value.
fn time<T>(repeat: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64());
    }
    (median(times), last.expect("at least one repetition"))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args.first().ok_or("usage: triangles FILE [--repeat N]")?;
    let repeat = match args.get(1).map(String::as_str) {
        Some("--repeat") => args.get(2).ok_or("--repeat needs a number")?.parse()?,
        Some(other) => return Err(format!("unknown argument {other}").into()),
        None => 5,
    };
    let options = EdgeListOptions {
        direction: Relation::Friendship,
        ..EdgeListOptions::default()
    };
    let network = read_edge_list(file, &options)?.graph.freeze()?;
    let (view_s, graph) = time(repeat, || UndirectedGraph::new(&network));
    let (triangles_s, t) = time(repeat, || triangles(&graph));
    let (clustering_s, c) = time(repeat, || clustering(&graph));
    println!(
        "{{\"nodes\":{},\"edges\":{},\"triangles\":{},\"average_clustering\":{},\
         \"threads\":{},\"view_s\":{view_s:.4},\"triangles_s\":{triangles_s:.4},\
         \"clustering_s\":{clustering_s:.4}}}",
        graph.node_count(),
        graph.edge_count(),
        t.total,
        c.average_local,
        rayon::current_num_threads(),
    );
    Ok(())
}
