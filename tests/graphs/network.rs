//! The frozen form round-trips: every arc of the petgraph graph is in the
//! CSR with its value, and nothing else; the reverse view is its exact
//! transpose; ids map both ways.

use petgraph::graph::{DiGraph, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use proptest::prelude::*;
use wom::{Consumer, Network, NodeId, SocialGraph, SocialTie, Tie};

/// A random multigraph with self-loops: node count and (source, target,
/// trust) triples, trust a multiple of 1/64 so that it is exact in `f32`.
fn arcs_strategy() -> impl Strategy<Value = (usize, Vec<(u32, u32, f64)>)> {
    (1usize..40).prop_flat_map(|n| {
        let arc =
            (0..n as u32, 0..n as u32, 0u32..=64).prop_map(|(u, v, t)| (u, v, f64::from(t) / 64.0));
        (Just(n), prop::collection::vec(arc, 0..200))
    })
}

fn sorted(mut v: Vec<(u32, u32, f32)>) -> Vec<(u32, u32, f32)> {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(7), ..ProptestConfig::default() })]

    #[test]
    fn freeze_keeps_every_arc_and_nothing_else((n, arcs) in arcs_strategy()) {
        let mut g: SocialGraph<Consumer, SocialTie> = SocialGraph::new();
        let nodes: Vec<NodeIndex> = (0..n).map(|i| g.add_actor(format!("n{i}"), Consumer::default()).unwrap()).collect();
        for &(u, v, t) in &arcs {
            g.add_tie(nodes[u as usize], nodes[v as usize], SocialTie::follow(t)).unwrap();
        }
        let net = g.freeze().unwrap();
        prop_assert_eq!(net.node_count(), n);
        prop_assert_eq!(net.arc_count(), arcs.len());

        let want = sorted(g.graph().edge_references().map(|e| {
            (e.source().index() as u32, e.target().index() as u32, e.weight().trust() as f32)
        }).collect());
        let got = sorted(net.forward().iter().collect());
        prop_assert_eq!(&got, &want);
        // Per node, the arcs keep insertion order.
        for u in 0..n as u32 {
            let listed: Vec<(u32, f32)> = arcs.iter().filter(|a| a.0 == u).map(|a| (a.1, a.2 as f32)).collect();
            let stored: Vec<(u32, f32)> = net.forward().neighbors(u).iter().map(|a| (a.node, a.value)).collect();
            prop_assert_eq!(listed, stored);
        }
        let reversed = sorted(net.reverse().iter().map(|(v, u, t)| (u, v, t)).collect());
        prop_assert_eq!(&reversed, &want);
        for u in 0..n as u32 {
            let id = NodeId::Name(format!("n{u}"));
            prop_assert_eq!(net.index_of(&id).unwrap(), u);
            prop_assert_eq!(net.id_of(u), Some(&id));
        }
        let mem = net.memory();
        prop_assert_eq!(mem.forward, 8 * arcs.len() + 4 * (n + 1));
        prop_assert_eq!(mem.reverse, mem.forward);
    }

    #[test]
    fn from_arcs_and_from_petgraph_agree((n, arcs) in arcs_strategy()) {
        let mut pg: DiGraph<(), f64> = DiGraph::new();
        for _ in 0..n { pg.add_node(()); }
        for &(u, v, t) in &arcs { pg.add_edge(NodeIndex::new(u as usize), NodeIndex::new(v as usize), t); }
        let a = Network::from_arcs(n, arcs.iter().copied()).unwrap();
        let b = Network::from_petgraph(&pg, |e| *e.weight()).unwrap();
        prop_assert_eq!(a.forward(), b.forward());
    }
}

#[test]
fn undirected_petgraph_becomes_two_arcs_per_edge_and_one_per_loop() {
    let g = UnGraph::<(), f64>::from_edges([(0, 1, 0.5), (1, 2, 0.25), (2, 2, 1.0)]);
    let net = Network::from_petgraph(&g, |e| *e.weight()).unwrap();
    let got = sorted(net.forward().iter().collect());
    assert_eq!(
        got,
        vec![
            (0, 1, 0.5),
            (1, 0, 0.5),
            (1, 2, 0.25),
            (2, 1, 0.25),
            (2, 2, 1.0)
        ]
    );
}

#[test]
fn stable_graph_holes_become_isolated_nodes() {
    let mut g = petgraph::stable_graph::StableDiGraph::<(), f64>::new();
    let a = g.add_node(());
    let b = g.add_node(());
    let c = g.add_node(());
    g.add_edge(a, c, 0.5);
    g.remove_node(b);
    let net = Network::from_petgraph(&g, |e| *e.weight()).unwrap();
    assert_eq!(net.node_count(), 3);
    assert_eq!(net.forward().iter().collect::<Vec<_>>(), vec![(0, 2, 0.5)]);
    assert_eq!(net.forward().degree(1), 0);
}

/// Strong components by brute force: u and v share one when each reaches
/// the other (transitive closure by repeated relaxation).
fn strong_by_closure(n: usize, arcs: &[(u32, u32, f64)]) -> (usize, usize) {
    let mut reach = vec![vec![false; n]; n];
    for (u, row) in reach.iter_mut().enumerate() {
        row[u] = true;
    }
    for &(u, v, _) in arcs {
        reach[u as usize][v as usize] = true;
    }
    for k in 0..n {
        let via = reach[k].clone();
        for row in reach.iter_mut().filter(|row| row[k]) {
            for (r, &x) in row.iter_mut().zip(&via) {
                *r |= x;
            }
        }
    }
    let mut component = vec![usize::MAX; n];
    let (mut count, mut largest) = (0, 0);
    for u in 0..n {
        if component[u] != usize::MAX {
            continue;
        }
        let members: Vec<usize> = (0..n).filter(|&v| reach[u][v] && reach[v][u]).collect();
        for &v in &members {
            component[v] = count;
        }
        count += 1;
        largest = largest.max(members.len());
    }
    (count, largest)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(11), ..ProptestConfig::default() })]

    #[test]
    fn strong_components_match_mutual_reachability((n, arcs) in arcs_strategy()) {
        let net = Network::from_arcs(n, arcs.iter().copied()).unwrap();
        let s = wom::stats::summarize(&net);
        prop_assert_eq!(
            (s.strong_components, s.largest_strong_component),
            strong_by_closure(n, &arcs)
        );
        prop_assert!(s.strong_components >= s.weak_components);
    }
}

#[test]
fn strong_components_of_a_long_cycle_need_no_deep_recursion() {
    // A directed cycle of 200,000 nodes is one component; the same path
    // without the closing arc is 200,000. A recursive DFS would overflow.
    let n = 200_000u32;
    let path: Vec<(u32, u32, f64)> = (1..n).map(|v| (v - 1, v, 1.0)).collect();
    let open = Network::from_arcs(n as usize, path.iter().copied()).unwrap();
    let s = wom::stats::summarize(&open);
    assert_eq!(
        (s.strong_components, s.largest_strong_component),
        (200_000, 1)
    );
    let cycle =
        Network::from_arcs(n as usize, path.iter().copied().chain([(n - 1, 0, 1.0)])).unwrap();
    let s = wom::stats::summarize(&cycle);
    assert_eq!(
        (s.strong_components, s.largest_strong_component),
        (1, 200_000)
    );
}
