//! The frozen form round-trips: every arc of the petgraph graph is in the
//! CSR with its value, and nothing else; the reverse view is its exact
//! transpose; ids map both ways.

use petgraph::graph::{DiGraph, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use proptest::prelude::*;
use wom::actor::roles;
use wom::channel::Post;
use wom::propagation::Simulation;
use wom::propagation::composite::{Campaign, CampaignChannel, CampaignOptions, Sender};
use wom::{
    Actor, Consumer, Error, Network, NetworkId, NodeId, Profile, SocialGraph, SocialTie, Tie,
};

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

// ------------------------------------------------ the network's fingerprint

/// An actor of any role name who always talks, is always believed, is
/// always persuaded and always noticed: networks built from it differ in
/// roles only, and campaigns on them are deterministic.
#[derive(Debug, Clone)]
struct Named(&'static str);

impl Actor for Named {
    fn role(&self) -> &str {
        self.0
    }
    fn profile(&self) -> Profile {
        Profile::new(1.0, 1.0, 1.0, 1.0).unwrap()
    }
}

/// A directed triangle 0 -> 1 -> 2 -> 0 of full trust (node 1 hears node
/// 0, ...) whose nodes have the given roles and external ids `prefix0`,
/// `prefix1` ..., with the given groups.
fn triangle(prefix: &str, roles: [&'static str; 3], groups: &[(&str, &[usize])]) -> Network {
    let mut g: SocialGraph<Named, SocialTie> = SocialGraph::new();
    let nodes: Vec<NodeIndex> = roles
        .iter()
        .enumerate()
        .map(|(i, &r)| g.add_actor(format!("{prefix}{i}"), Named(r)).unwrap())
        .collect();
    for (u, v) in [(0, 1), (1, 2), (2, 0)] {
        g.add_tie(nodes[u], nodes[v], SocialTie::follow(1.0))
            .unwrap();
    }
    for &(name, members) in groups {
        g.add_group(name, members.iter().map(|&m| nodes[m]))
            .unwrap();
    }
    g.freeze().unwrap()
}

const LEADER_FIRST: [&str; 3] = [roles::OPINION_LEADER, roles::CONSUMER, roles::CONSUMER];
const LEADER_SECOND: [&str; 3] = [roles::CONSUMER, roles::OPINION_LEADER, roles::CONSUMER];

/// A campaign in which opinion leaders post to their followers.
fn leader_posts(net: &Network) -> Campaign {
    Campaign::new(
        net,
        CampaignOptions::new(
            vec![CampaignChannel::new(
                Post::new(1.0).unwrap(),
                Sender::OpinionLeaders,
            )],
            3,
        )
        .with_talk_periods(1),
    )
    .unwrap()
}

#[test]
fn a_campaign_prepared_by_role_refuses_a_network_with_other_roles() {
    let a = triangle("n", LEADER_FIRST, &[]);
    let b = triangle("n", LEADER_SECOND, &[]);
    // Same arcs, trust and profiles: only the roles differ.
    assert_eq!(a.forward(), b.forward());
    assert!((0..3).all(|u| a.profile(u) == b.profile(u)));
    assert_ne!(a.id(), b.id());

    // Prepared for `a`, the campaign's senders are `a`'s leader, node 0,
    // whose post persuades node 1: with the seed, 2 adopters.
    let campaign = leader_posts(&a);
    let on_a = Simulation::new(&a, &campaign)
        .run(&[2], 11, 0, &mut ())
        .unwrap();
    assert_eq!(on_a.adopted, 2);
    // On `b` it would still make node 0 post, though `b`'s leader is node
    // 1: refused.
    let err = Simulation::new(&b, &campaign)
        .run(&[2], 11, 0, &mut ())
        .unwrap_err();
    match err {
        Error::InvalidParameter { name, reason, .. } => {
            assert_eq!(name, "network");
            assert!(reason.contains("this campaign"), "{reason}");
        }
        other => panic!("expected InvalidParameter, got {other:?}"),
    }
    // Prepared for `b`, node 1 posts to node 2, the seed: 1 adopter.
    let on_b = Simulation::new(&b, &leader_posts(&b))
        .run(&[2], 11, 0, &mut ())
        .unwrap();
    assert_eq!(on_b.adopted, 1);
}

#[test]
fn role_names_are_part_of_the_fingerprint() {
    // The same role ids node by node and the same profiles; one name differs.
    let a = triangle("n", [roles::CONSUMER, "skeptic", "skeptic"], &[]);
    let b = triangle("n", [roles::CONSUMER, "bot", "bot"], &[]);
    assert_eq!(a.roles(), b.roles());
    assert_ne!(a.id(), b.id());
    assert!(
        NetworkId::check(a.id(), &b, "this model").is_err(),
        "a model prepared for `a` must not run on `b`"
    );
}

#[test]
fn equal_content_gives_equal_ids_whatever_the_freeze_or_the_ids() {
    let groups: &[(&str, &[usize])] = &[("club", &[0, 2]), ("forum", &[1])];
    let a = triangle("n", LEADER_FIRST, groups);
    // Another graph built alike, with other external ids: the same content.
    let b = triangle("m", LEADER_FIRST, groups);
    assert_eq!(a.id(), b.id());
    assert_eq!(a.id(), a.clone().id());
    assert_eq!(a.id().value(), b.id().value());
    assert!(a.id().check(&b, "this model").is_ok());

    // Groups count: another member, another name, another order of
    // members, or no groups at all all give another network.
    let others = [
        triangle("n", LEADER_FIRST, &[("club", &[0, 1]), ("forum", &[1])]),
        triangle("n", LEADER_FIRST, &[("club", &[0, 2]), ("forum", &[2])]),
        triangle("n", LEADER_FIRST, &[("team", &[0, 2]), ("forum", &[1])]),
        triangle("n", LEADER_FIRST, &[("club", &[2, 0]), ("forum", &[1])]),
        triangle("n", LEADER_FIRST, &[("club", &[0, 2])]),
        triangle("n", LEADER_FIRST, &[]),
    ];
    for (i, o) in others.iter().enumerate() {
        assert_ne!(a.id(), o.id(), "variant {i}");
        for (j, p) in others.iter().enumerate().skip(i + 1) {
            assert_ne!(o.id(), p.id(), "variants {i} and {j}");
        }
    }
}

#[test]
fn network_ids_serialize_as_their_value() {
    let a = triangle("n", LEADER_FIRST, &[]);
    let text = serde_json::to_string(&a.id()).unwrap();
    assert_eq!(text, a.id().value().to_string());
    let back: NetworkId = serde_json::from_str(&text).unwrap();
    assert_eq!(back, a.id());
}
