//! Small graphs with answers worked out by hand, and properties on random
//! ones held against brute force.

use proptest::prelude::*;

use super::distance::diameter_by_all_searches;
use super::*;
use crate::network::Network;

/// The network with one arc per listed pair.
fn net(n: usize, arcs: &[(u32, u32)]) -> Network {
    Network::from_arcs(n, arcs.iter().map(|&(u, v)| (u, v, 1.0))).unwrap()
}

/// The undirected view of the listed pairs.
fn view(n: usize, arcs: &[(u32, u32)]) -> UndirectedGraph {
    UndirectedGraph::new(&net(n, arcs))
}

fn complete(n: u32) -> Vec<(u32, u32)> {
    (0..n)
        .flat_map(|u| (u + 1..n).map(move |v| (u, v)))
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn triangle() {
    let g = view(3, &[(0, 1), (1, 2), (2, 0)]);
    let c = clustering(&g);
    assert_eq!((c.triangles, c.connected_triples), (1, 3));
    assert_eq!((c.average_local, c.global), (1.0, 1.0));
    assert_eq!(triangles(&g).per_node, vec![1, 1, 1]);
    assert_eq!(diameter(&g).diameter, 1);
    // A regular graph: assortativity undefined.
    assert_eq!(undirected_degree_assortativity(&g), None);
}

#[test]
fn square_has_no_triangle() {
    let g = view(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
    let c = clustering(&g);
    assert_eq!((c.triangles, c.connected_triples), (0, 4));
    assert_eq!((c.average_local, c.global), (0.0, 0.0));
    let d = diameter(&g);
    assert_eq!((d.diameter, d.components, d.largest_component), (2, 1, 4));
}

#[test]
fn complete_graph_k5() {
    let g = view(5, &complete(5));
    assert_eq!(g.edge_count(), 10);
    let c = clustering(&g);
    // C(5, 3) triangles, 5 C(4, 2) triples.
    assert_eq!((c.triangles, c.connected_triples), (10, 30));
    assert_eq!((c.average_local, c.global), (1.0, 1.0));
    assert_eq!(triangles(&g).per_node, vec![6; 5]);
    assert_eq!(diameter(&g).diameter, 1);
}

#[test]
fn star() {
    // Hub 0, leaves 1..=4, listed both ways round.
    let g = view(5, &[(0, 1), (2, 0), (0, 3), (4, 0)]);
    let c = clustering(&g);
    assert_eq!((c.triangles, c.connected_triples), (0, 6));
    assert_eq!(
        (c.average_local, c.global, c.low_degree_nodes),
        (0.0, 0.0, 4)
    );
    assert_eq!(diameter(&g).diameter, 2);
    assert_eq!(undirected_degree_assortativity(&g), Some(-1.0));
}

#[test]
fn path_diameter_and_effective_diameter() {
    let arcs: Vec<(u32, u32)> = (0..9).map(|u| (u, u + 1)).collect();
    let g = view(10, &arcs);
    let d = diameter(&g);
    assert_eq!((d.diameter, d.components, d.largest_component), (9, 1, 10));
    let all = EffectiveDiameterOptions {
        percentile: 1.0,
        sources: 10,
        seed: 3,
    };
    let e = effective_diameter(&g, &all).unwrap();
    assert!(e.all_sources);
    assert_eq!(e.value, 9.0);
    // 10 pairs at distance 0, then 2 (10 - d) at distance d.
    let expected: Vec<u64> = std::iter::once(10)
        .chain((1..10).map(|d| 2 * (10 - d)))
        .collect();
    assert_eq!(e.pairs_by_distance, expected);
}

#[test]
fn two_components_measure_the_largest() {
    // A path of 4 (diameter 3) and a triangle; a self-loop and an isolated node.
    let g = view(9, &[(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 4), (7, 7)]);
    assert_eq!((g.edge_count(), g.self_loops()), (6, 1));
    let d = diameter(&g);
    assert_eq!((d.diameter, d.components, d.largest_component), (3, 4, 4));
    let c = clustering(&g);
    assert_eq!(c.triangles, 1);
    // C = 1 at the triangle's three nodes, 0 elsewhere (9 nodes).
    assert!(close(c.average_local, 3.0 / 9.0));
    assert_eq!(c.low_degree_nodes, 4);
}

#[test]
fn empty_and_edgeless_graphs() {
    for n in [0, 3] {
        let s = structure(&net(n, &[]), &StructureOptions::default()).unwrap();
        let u = &s.undirected;
        assert_eq!((u.nodes, u.edges, u.clustering.triangles), (n, 0, 0));
        assert_eq!(
            (u.clustering.average_local, u.clustering.global),
            (0.0, 0.0)
        );
        assert_eq!((u.diameter.diameter, u.diameter.components), (0, n));
        assert_eq!(u.degree_assortativity, None);
        assert_eq!(s.directed.reciprocity.share, 0.0);
        assert_eq!(s.directed.degree_assortativity, None);
    }
}

#[test]
fn directed_reciprocity_by_hand() {
    // 0 <-> 1, 1 -> 2, 2 -> 3, 3 -> 2, 3 -> 0, a repeat of 1 -> 2, a loop.
    let n = net(
        4,
        &[
            (0, 1),
            (1, 0),
            (1, 2),
            (2, 3),
            (3, 2),
            (3, 0),
            (1, 2),
            (3, 3),
        ],
    );
    let r = reciprocity(&n);
    assert_eq!((r.arcs, r.reciprocated), (6, 4));
    assert!(close(r.share, 4.0 / 6.0));
}

#[test]
fn directed_assortativity_by_hand() {
    // 0 -> 1, 0 -> 2, 0 -> 3, 1 -> 2, 3 -> 2 (and a repeat and a loop,
    // which the simple view drops). Out-degrees 3, 1, 0, 1; in-degrees
    // 0, 1, 3, 1. Pairs (out of source, in of target): (3, 1), (3, 3),
    // (3, 1), (1, 3), (1, 3).
    let n = net(4, &[(0, 1), (0, 2), (0, 3), (1, 2), (3, 2), (0, 1), (2, 2)]);
    let x = [3.0, 3.0, 3.0, 1.0, 1.0];
    let y = [1.0, 3.0, 1.0, 3.0, 3.0];
    let (mx, my) = (11.0 / 5.0, 11.0 / 5.0);
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let syy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
    let r = degree_assortativity(&n).unwrap();
    assert!(close(r, sxy / (sxx * syy).sqrt()));
    assert!(close(r, -2.0 / 3.0));
    // A directed star: every source has the same out-degree, undefined.
    assert_eq!(
        degree_assortativity(&net(4, &[(0, 1), (0, 2), (0, 3)])),
        None
    );
}

#[test]
fn effective_diameter_options_are_checked() {
    let g = view(3, &[(0, 1)]);
    for percentile in [0.0, -0.5, 1.5, f64::NAN] {
        let options = EffectiveDiameterOptions {
            percentile,
            ..EffectiveDiameterOptions::default()
        };
        assert!(matches!(
            effective_diameter(&g, &options),
            Err(crate::Error::InvalidParameter { .. })
        ));
    }
    let none = EffectiveDiameterOptions {
        sources: 0,
        ..EffectiveDiameterOptions::default()
    };
    assert!(effective_diameter(&g, &none).is_err());
    let bad = StructureOptions {
        effective_diameter: none,
    };
    assert!(structure(&net(3, &[(0, 1)]), &bad).is_err());
}

#[test]
fn sampled_sources_depend_on_the_seed_only() {
    let arcs: Vec<(u32, u32)> = (0..199).map(|u| (u, u + 1)).collect();
    let g = view(200, &arcs);
    let options = EffectiveDiameterOptions {
        percentile: 0.9,
        sources: 20,
        seed: 11,
    };
    let a = effective_diameter(&g, &options).unwrap();
    let b = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| effective_diameter(&g, &options).unwrap());
    assert_eq!(a, b);
    assert_eq!((a.sources, a.all_sources), (20, false));
    assert_eq!(a.pairs_by_distance[0], 20);
    assert_eq!(a.pairs_by_distance.iter().sum::<u64>(), 20 * 200);
}

/// Triangles by checking every triple of nodes.
fn brute_triangles(n: usize, g: &UndirectedGraph) -> u64 {
    let adjacent = |a: u32, b: u32| g.neighbors(a).binary_search(&b).is_ok();
    let mut t = 0;
    for a in 0..n as u32 {
        for b in a + 1..n as u32 {
            for c in b + 1..n as u32 {
                if adjacent(a, b) && adjacent(b, c) && adjacent(a, c) {
                    t += 1;
                }
            }
        }
    }
    t
}

/// Random arcs on up to `max_n` nodes, self-loops and repeats included.
fn random_arcs(max_n: u32) -> impl Strategy<Value = (usize, Vec<(u32, u32)>)> {
    (1..max_n).prop_flat_map(|n| {
        (
            Just(n as usize),
            prop::collection::vec((0..n, 0..n), 0..(3 * n as usize)),
        )
    })
}

proptest! {
    #[test]
    fn triangles_match_brute_force((n, arcs) in random_arcs(24)) {
        let g = view(n, &arcs);
        let t = triangles(&g);
        prop_assert_eq!(t.total, brute_triangles(n, &g));
        prop_assert_eq!(t.per_node.iter().sum::<u64>(), 3 * t.total);
        let c = clustering(&g);
        prop_assert!((0.0..=1.0).contains(&c.average_local));
        prop_assert!((0.0..=1.0).contains(&c.global));
    }

    #[test]
    fn triangles_survive_relabelling_and_reversal(
        (n, arcs) in random_arcs(40),
        shift in 0u32..1000,
    ) {
        // A relabelling: multiplication by a unit modulo a prime above n,
        // folded back onto 0..n by ranking.
        let key = |u: u32| (u64::from(u) * 7919 + u64::from(shift)) % 104_729;
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&u| key(u));
        let mut label = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            label[old as usize] = new as u32;
        }
        let moved: Vec<(u32, u32)> = arcs
            .iter()
            .map(|&(u, v)| (label[v as usize], label[u as usize]))
            .collect();
        let (a, b) = (view(n, &arcs), view(n, &moved));
        let (ta, tb) = (triangles(&a), triangles(&b));
        prop_assert_eq!(ta.total, tb.total);
        for (u, &moved_to) in label.iter().enumerate() {
            prop_assert_eq!(ta.per_node[u], tb.per_node[moved_to as usize]);
        }
        prop_assert_eq!(clustering(&a).global, clustering(&b).global);
        let (da, db) = (diameter(&a), diameter(&b));
        prop_assert_eq!(da.largest_component, db.largest_component);
        // Among largest components of equal size the one of the lowest
        // node index is measured (documented), which a relabelling can
        // change; with one largest component the diameter must not.
        let sizes = component_sizes(&a);
        if sizes.len() < 2 || sizes[1] < sizes[0] {
            prop_assert_eq!(da.diameter, db.diameter);
        }
    }

    #[test]
    fn bounding_diameters_match_all_searches((n, arcs) in random_arcs(60)) {
        let g = view(n, &arcs);
        prop_assert_eq!(diameter(&g).diameter, diameter_by_all_searches(&g));
    }

    #[test]
    fn sparse_trees_and_cycles_match_all_searches(n in 2u32..80, chords in 0usize..4, seed in 0u64..1000) {
        // A cycle (every node's eccentricity alike: the worst case of the
        // bounds) with a few chords.
        let mut arcs: Vec<(u32, u32)> = (0..n).map(|u| (u, (u + 1) % n)).collect();
        for i in 0..chords as u64 {
            let a = ((seed + 31 * i) % u64::from(n)) as u32;
            let b = ((seed * 7 + 17 * i + 3) % u64::from(n)) as u32;
            arcs.push((a, b));
        }
        let g = view(n as usize, &arcs);
        prop_assert_eq!(diameter(&g).diameter, diameter_by_all_searches(&g));
    }

    #[test]
    fn assortativity_is_a_correlation((n, arcs) in random_arcs(30)) {
        let network = net(n, &arcs);
        for r in [
            degree_assortativity(&network),
            undirected_degree_assortativity(&UndirectedGraph::new(&network)),
        ].into_iter().flatten() {
            prop_assert!((-1.0..=1.0).contains(&r));
        }
        let rec = reciprocity(&network);
        prop_assert!(rec.reciprocated <= rec.arcs);
    }
}

/// The sizes of the connected components of a view, largest first.
fn component_sizes(g: &UndirectedGraph) -> Vec<usize> {
    let n = g.node_count();
    let mut seen = vec![false; n];
    let mut sizes = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        seen[s] = true;
        let mut stack = vec![s as u32];
        let mut size = 0;
        while let Some(u) = stack.pop() {
            size += 1;
            for &v in g.neighbors(u) {
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    stack.push(v);
                }
            }
        }
        sizes.push(size);
    }
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes
}

#[test]
fn tied_largest_components_are_measured_by_lowest_index() {
    // Found by proptest: two components of 5 nodes, a path of diameter 4
    // (12-10-11-2-13) and a tree of diameter 3 (14-3-8-4, 15-8). The
    // diameter measured is the component of the lowest node index's, as
    // documented, so a relabelling that swaps which comes first changes
    // it; the property test compares diameters only when the largest
    // component is unique.
    let arcs = [
        (12, 10),
        (11, 2),
        (13, 2),
        (8, 4),
        (3, 8),
        (11, 10),
        (14, 3),
        (15, 8),
    ];
    let g = view(22, &arcs);
    assert_eq!(&component_sizes(&g)[..2], &[5, 5]);
    // Node 2 (lowest index of the path) comes before 3 (the tree's).
    assert_eq!(diameter(&g).diameter, 4);
    let swapped: Vec<(u32, u32)> = arcs
        .iter()
        .map(|&(u, v)| {
            let swap = |x: u32| match x {
                2 => 3,
                3 => 2,
                x => x,
            };
            (swap(u), swap(v))
        })
        .collect();
    assert_eq!(diameter(&view(22, &swapped)).diameter, 3);
}
