//! Prints the size of the frozen network of an edge list, part by part,
//! against the crate's memory budget (8 bytes per arc plus 8 per node for
//! the forward view; the same again for the reverse view).
//!
//! `cargo run --release --example network_memory -- FILE [--undirected]`

use std::error::Error;

use wom::Relation;
use wom::io::{EdgeListOptions, read_edge_list};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: network_memory FILE [--undirected]")?;
    let mut options = EdgeListOptions::default();
    for flag in args {
        match flag.as_str() {
            "--undirected" => options.direction = Relation::Friendship,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let loaded = read_edge_list(&path, &options)?;
    let network = loaded.graph.freeze()?;
    network.reverse();
    let (n, m) = (network.node_count(), network.arc_count());
    let mem = network.memory();
    let budget = 8 * m + 8 * n;
    println!("{path}: {n} nodes, {m} arcs");
    println!("{:<10} {:>12} {:>14}", "part", "bytes", "bytes per arc");
    for (part, bytes) in [
        ("forward", mem.forward),
        ("reverse", mem.reverse),
        ("nodes", mem.nodes),
        ("groups", mem.groups),
        ("ids", mem.ids),
    ] {
        println!("{part:<10} {bytes:>12} {:>14.3}", bytes as f64 / m as f64);
    }
    println!(
        "forward view within budget 8 m + 8 n = {budget}: {}",
        mem.forward <= budget
    );
    Ok(())
}
