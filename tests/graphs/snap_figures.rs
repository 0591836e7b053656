//! The structural figures SNAP publishes for its data sets, reproduced by
//! `wom::analysis::structure` on the files in `WOM_DATA_DIR` (skipped, with
//! a note on stderr, when the variable is not set; see `data.rs`).
//!
//! SNAP computes triangles, clustering and diameters on the undirected
//! simple graph, as `structure` does, whatever direction the file is read
//! with. Its average clustering counts nodes of degree below 2 as 0 and
//! averages over all nodes (networkx's `average_clustering` does the
//! same); averaging over the nodes of degree 2 or more only would give
//! 0.6170, 0.4505 and 0.2090 instead of 0.6055, 0.3994 and 0.1409.

use wom::Relation;
use wom::analysis::structure::{Structure, StructureOptions, structure};
use wom::io::EdgeListOptions;

use super::data::{data_dir, load};

/// The structure of `file` read with `direction`, or `None` without
/// `WOM_DATA_DIR`.
fn measure(test: &str, file: &str, direction: Relation) -> Option<Structure> {
    let dir = data_dir(test)?;
    let options = EdgeListOptions {
        direction,
        ..EdgeListOptions::default()
    };
    let network = load(&dir, file, &options).graph.freeze().expect("freeze");
    let s = structure(&network, &StructureOptions::default()).expect("structure");
    Some(s)
}

/// `x` rounded to 4 decimals, as SNAP prints it.
fn four(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Checks the effective diameter against SNAP's figure, an estimate from
/// its own sample of sources: within 0.1 of it.
fn near_snap(s: &Structure, published: f64) {
    let e = &s.undirected.effective_diameter;
    assert_eq!((e.percentile, e.sources, e.seed), (0.9, 1000, 0));
    assert!(
        (e.value - published).abs() < 0.1,
        "effective diameter {} against SNAP's {published}",
        e.value
    );
}

#[test]
fn facebook_combined_snap_figures() {
    let Some(s) = measure(
        "facebook_combined_snap_figures",
        "facebook_combined.txt",
        Relation::Friendship,
    ) else {
        return;
    };
    let u = &s.undirected;
    assert_eq!((u.nodes, u.edges, u.self_loops), (4_039, 88_234, 0));
    assert_eq!(u.clustering.triangles, 1_612_010);
    assert_eq!(four(u.clustering.average_local), 0.6055);
    assert_eq!(u.clustering.low_degree_nodes, 75);
    assert_eq!(
        (u.diameter.components, u.diameter.largest_component),
        (1, 4_039)
    );
    assert_eq!(u.diameter.diameter, 8);
    near_snap(&s, 4.7);
    // Read as friendships, every arc has its reverse.
    assert_eq!(s.directed.reciprocity.share, 1.0);
    assert_eq!(s.directed.degree_assortativity, u.degree_assortativity);
}

#[test]
fn email_eu_core_snap_figures() {
    let Some(s) = measure(
        "email_eu_core_snap_figures",
        "email-Eu-core.txt",
        Relation::Follow,
    ) else {
        return;
    };
    let u = &s.undirected;
    // 642 self-loops left out; 16,064 distinct unordered pairs.
    assert_eq!((u.nodes, u.edges, u.self_loops), (1_005, 16_064, 642));
    assert_eq!(u.clustering.triangles, 105_461);
    assert_eq!(four(u.clustering.average_local), 0.3994);
    assert_eq!(
        (u.diameter.components, u.diameter.largest_component),
        (20, 986)
    );
    assert_eq!(u.diameter.diameter, 7);
    near_snap(&s, 2.9);
    // 25,571 arcs less 642 self-loops; 17,730 of them have their reverse.
    let r = &s.directed.reciprocity;
    assert_eq!((r.arcs, r.reciprocated), (24_929, 17_730));
}

#[test]
fn wiki_vote_snap_figures() {
    let Some(s) = measure("wiki_vote_snap_figures", "wiki-Vote.txt", Relation::Follow) else {
        return;
    };
    let u = &s.undirected;
    assert_eq!((u.nodes, u.edges, u.self_loops), (7_115, 100_762, 0));
    assert_eq!(u.clustering.triangles, 608_389);
    assert_eq!(four(u.clustering.average_local), 0.1409);
    assert_eq!(
        (u.diameter.components, u.diameter.largest_component),
        (24, 7_066)
    );
    assert_eq!(u.diameter.diameter, 7);
    near_snap(&s, 3.8);
    // 5,854 arcs have their reverse: 2,927 mutual pairs.
    let r = &s.directed.reciprocity;
    assert_eq!((r.arcs, r.reciprocated), (103_689, 5_854));
}
