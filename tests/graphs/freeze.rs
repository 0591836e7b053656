//! What survives freezing: sponsorship, a downstream actor type's own
//! data, ids and groups through conversions, and role assignment for any
//! actor type.

use std::mem::size_of;
use std::sync::Arc;

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use wom::centrality::PageRankOptions;
use wom::generate::{HolmeKim, holme_kim};
use wom::network::MemoryReport;
use wom::roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_account, add_business,
    assign_opinion_leaders, assign_role,
};
use wom::{
    Actor, BuiltinActor, BusinessOrganization, Consumer, Error, Network, NodeId, OpinionLeader,
    Profile, Relation, SocialGraph, SocialTie, Sponsorship,
};

/// Built-in actors: an opinion leader (sponsored or not), four consumers,
/// a friendship and a group.
fn builtin(sponsored_leader: bool) -> SocialGraph {
    let mut g: SocialGraph = SocialGraph::new();
    let leader = OpinionLeader {
        sponsorship: if sponsored_leader {
            Sponsorship::Sponsored
        } else {
            Sponsorship::Organic
        },
        fee: 100.0,
        ..OpinionLeader::default()
    };
    let l = g.add_actor("lea", leader.into()).unwrap();
    let c: Vec<NodeIndex> = (0..4u64)
        .map(|i| g.add_actor(i, Consumer::default().into()).unwrap())
        .collect();
    g.add_tie(l, c[0], SocialTie::follow(0.75)).unwrap();
    g.add_tie(l, c[1], SocialTie::follow(0.5)).unwrap();
    g.add_mutual_tie(c[1], c[2], SocialTie::friendship(0.25))
        .unwrap();
    g.add_tie(c[2], c[3], SocialTie::follow(1.0)).unwrap();
    g.add_group("runners", [c[0], c[2]]).unwrap();
    g
}

// ------------------------------------------------------------ sponsorship

#[test]
fn sponsorship_survives_freezing() {
    let mut g = builtin(true);
    let acme = g
        .add_actor("acme", BusinessOrganization::new("Acme").into())
        .unwrap();
    g.add_tie(acme, NodeIndex::new(1), SocialTie::follow(0.5))
        .unwrap();
    let net = g.freeze().unwrap();
    use Sponsorship::{Organic, Sponsored};
    assert_eq!(
        net.sponsorships(),
        [Sponsored, Organic, Organic, Organic, Organic, Sponsored]
    );
    assert_eq!(net.sponsorship(0), Sponsored);
    assert_eq!(net.sponsorship(3), Organic);
    // The business account is sponsored (its talk is paid for).
    assert_eq!(net.sponsorship(5), Sponsored);

    // An organic leader stays organic; networks from arcs are organic.
    assert_eq!(builtin(false).freeze().unwrap().sponsorship(0), Organic);
    let arcs = Network::from_arcs(3, [(0, 1, 0.5)]).unwrap();
    assert_eq!(arcs.sponsorships(), [Organic; 3]);
}

/// A downstream role whose own rule sets its sponsorship.
#[derive(Debug, Clone)]
struct Creator {
    paid: bool,
}

impl Actor for Creator {
    fn role(&self) -> &str {
        "creator"
    }
    fn sponsorship(&self) -> Sponsorship {
        if self.paid {
            Sponsorship::Sponsored
        } else {
            Sponsorship::Organic
        }
    }
}

#[test]
fn a_downstream_actors_sponsorship_survives_freezing_through_boxes() {
    let mut g: SocialGraph<Box<dyn Actor>, f64> = SocialGraph::new();
    let a = g
        .add_actor(0u64, Box::new(Creator { paid: false }))
        .unwrap();
    let b = g.add_actor(1u64, Box::new(Creator { paid: true })).unwrap();
    let c = g.add_actor(2u64, Box::new(Consumer::default())).unwrap();
    g.add_tie(a, c, 0.5).unwrap();
    g.add_tie(b, c, 0.5).unwrap();
    let net = g.freeze().unwrap();
    assert_eq!(
        net.sponsorships(),
        [
            Sponsorship::Organic,
            Sponsorship::Sponsored,
            Sponsorship::Organic
        ]
    );
}

#[test]
fn sponsorship_enters_the_fingerprint_only_when_some_node_is_sponsored() {
    // Values computed before sponsorship was kept: networks whose nodes
    // are all organic keep them exactly.
    let arcs = Network::from_arcs(3, [(0, 1, 0.5), (1, 2, 0.25), (2, 0, 1.0)]).unwrap();
    assert_eq!(arcs.id().value(), 18_293_110_346_914_884_440);
    let organic = builtin(false).freeze().unwrap();
    assert_eq!(organic.id().value(), 13_569_857_899_140_892_742);
    // The same network with its leader paid is another network: before,
    // both had the value above.
    let sponsored = builtin(true).freeze().unwrap();
    assert_eq!(organic.forward(), sponsored.forward());
    assert_eq!(organic.roles(), sponsored.roles());
    assert_ne!(organic.id(), sponsored.id());
    assert!(organic.id().check(&sponsored, "this model").is_err());
    assert_eq!(sponsored.id(), builtin(true).freeze().unwrap().id());
}

// -------------------------------------------------------------- node data

/// A paid micro-influencer of a downstream crate, with fields of its own.
#[derive(Debug, Clone, PartialEq)]
struct Micro {
    fee: f64,
    discloses: bool,
}

impl Actor for Micro {
    fn role(&self) -> &str {
        "micro_influencer"
    }
    fn profile(&self) -> Profile {
        Profile::new(0.6, 0.7, 0.3, 0.6).unwrap()
    }
}

/// What a kernel reads of each node.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Terms {
    fee: f64,
    discloses: bool,
    followers: u32,
}

fn micros() -> SocialGraph<Micro, f64> {
    let mut g: SocialGraph<Micro, f64> = SocialGraph::new();
    let nodes: Vec<NodeIndex> = (0..5u64)
        .map(|i| {
            g.add_actor(
                format!("m{i}"),
                Micro {
                    fee: 10.0 * i as f64,
                    discloses: i % 2 == 0,
                },
            )
            .unwrap()
        })
        .collect();
    for (u, v) in [(0, 1), (0, 2), (0, 3), (3, 4), (4, 0)] {
        g.add_tie(nodes[u], nodes[v], 0.5).unwrap();
    }
    g.add_group("club", [nodes[1], nodes[4]]).unwrap();
    g
}

#[test]
fn a_downstream_actors_own_fields_survive_freezing_and_are_read_by_index() {
    let g = micros();
    let net = g
        .freeze_with(|m| Terms {
            fee: m.fee,
            discloses: m.discloses,
            followers: 0,
        })
        .unwrap();
    let terms = net.node_data::<Terms>().expect("attached");
    assert_eq!(terms.len(), 5);
    for (u, t) in terms.iter().enumerate() {
        assert_eq!(t.fee, 10.0 * u as f64);
        assert_eq!(t.discloses, u % 2 == 0);
    }
    let m3 = net.index_of(&NodeId::from("m3")).unwrap();
    assert_eq!(terms[m3 as usize].fee, 30.0);
    // Another type is not there.
    assert_eq!(net.node_data::<f64>(), None);
    assert!(net.node_data_type().unwrap().ends_with("Terms"));
    // Everything else is as `freeze` makes it, the id included.
    let plain = g.freeze().unwrap();
    assert_eq!(plain.node_data::<Terms>(), None);
    assert_eq!(net.id(), plain.id());
    assert_eq!(net.forward(), plain.forward());
    assert_eq!(net.profile(2), plain.profile(2));
}

#[test]
fn node_data_attached_after_freezing_is_shared_by_clones_and_threads() {
    let net = micros().freeze().unwrap();
    // Follower-based credibility, computed from the frozen network.
    let followers: Vec<u32> = (0..net.node_count() as u32)
        .map(|u| net.out_degree(u) as u32)
        .collect();
    let terms: Vec<Terms> = followers
        .iter()
        .map(|&f| Terms {
            fee: 0.0,
            discloses: true,
            followers: f,
        })
        .collect();
    let net = Arc::new(net.with_node_data(terms).unwrap());
    let copy = (*net).clone();
    assert!(std::ptr::eq(
        copy.node_data::<Terms>().unwrap(),
        net.node_data::<Terms>().unwrap()
    ));
    let shared = Arc::clone(&net);
    let read = std::thread::spawn(move || {
        shared
            .node_data::<Terms>()
            .unwrap()
            .iter()
            .map(|t| t.followers)
            .collect::<Vec<u32>>()
    })
    .join()
    .unwrap();
    assert_eq!(read, [3, 0, 0, 1, 1]);
    // Attaching again replaces.
    let replaced = copy.with_node_data(vec![7u8; 5]).unwrap();
    assert_eq!(replaced.node_data::<Terms>(), None);
    assert_eq!(replaced.node_data::<u8>(), Some(&[7u8; 5][..]));
}

#[test]
fn node_data_of_the_wrong_length_is_a_typed_error() {
    let net = micros().freeze().unwrap();
    for len in [0usize, 4, 6] {
        match net.clone().with_node_data(vec![1.0f64; len]) {
            Err(Error::InvalidParameter {
                name,
                value,
                reason,
            }) => {
                assert_eq!(name.to_string(), "node_data");
                assert_eq!(value, format!("{len} values"));
                assert!(reason.contains("5 nodes"), "{reason}");
            }
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }
}

#[test]
fn memory_report_counts_sponsorship_and_node_data() {
    let g = micros();
    let plain = g.freeze().unwrap();
    let mem = plain.memory();
    // Role id (2) + profile (32) + sponsorship (1) per node.
    assert_eq!(mem.nodes, 5 * 35);
    assert_eq!(mem.node_data, 0);
    // The forward view is still 8 bytes per arc and 4 per node (+ 4).
    assert_eq!(mem.forward, 8 * 5 + 4 * 6);
    let with = g
        .freeze_with(|m| Terms {
            fee: m.fee,
            discloses: m.discloses,
            followers: 0,
        })
        .unwrap();
    let mem2 = with.memory();
    assert_eq!(mem2.node_data, 5 * size_of::<Terms>());
    assert_eq!(
        MemoryReport {
            node_data: 0,
            ..mem2
        },
        mem
    );
    // A report written before `node_data` existed still reads.
    let old = r#"{"forward":1,"reverse":0,"nodes":2,"groups":3,"ids":4}"#;
    let back: MemoryReport = serde_json::from_str(old).unwrap();
    assert_eq!(back.node_data, 0);
}

// -------------------------------------------------------------- conversion

#[test]
fn map_actors_keeps_indices_ids_groups_and_ties() {
    let g = builtin(true);
    let arcs: Vec<(usize, usize, SocialTie)> = g
        .graph()
        .edge_references()
        .map(|e| (e.source().index(), e.target().index(), *e.weight()))
        .collect();
    let mut seen = Vec::new();
    let mine: SocialGraph<Mine, SocialTie> = g.clone().map_actors(|a| {
        seen.push(a.role().to_string());
        Mine::from(a)
    });
    // Called once per node, in index order.
    assert_eq!(
        seen,
        [
            "opinion_leader",
            "consumer",
            "consumer",
            "consumer",
            "consumer"
        ]
    );
    assert_eq!(mine.node_count(), 5);
    for i in 0..5 {
        let v = NodeIndex::new(i);
        assert_eq!(mine.id_of(v), g.id_of(v));
        assert_eq!(mine.node(g.id_of(v).unwrap()).unwrap(), v);
    }
    assert_eq!(
        mine.actor(NodeIndex::new(0)),
        Some(&Mine::Leader { fee: 100.0 })
    );
    assert_eq!(mine.groups(), g.groups());
    assert_eq!(mine.groups()[0].name, "runners");
    assert_eq!(
        mine.groups()[0].members(),
        [NodeIndex::new(1), NodeIndex::new(3)]
    );
    let mapped: Vec<(usize, usize, SocialTie)> = mine
        .graph()
        .edge_references()
        .map(|e| (e.source().index(), e.target().index(), *e.weight()))
        .collect();
    assert_eq!(mapped, arcs);

    // Frozen, the converted graph is the same network to a model: same
    // arcs, roles, profiles, sponsorship, groups and ids.
    let a = g.freeze().unwrap();
    let b = mine.freeze().unwrap();
    assert_eq!(a.id(), b.id());
    assert_eq!(a.sponsorships(), b.sponsorships());
    assert_eq!(b.index_of(&NodeId::from("lea")).unwrap(), 0);
    assert_eq!(b.group_name(0), Some("runners"));
}

#[test]
fn map_ties_keeps_everything_else_and_checks_the_new_trust() {
    let g = builtin(false);
    let plain: SocialGraph<BuiltinActor, f64> = g
        .clone()
        .map_ties(|t| match t.relation {
            Relation::Friendship => t.trust,
            Relation::Follow => t.trust / 2.0,
        })
        .unwrap();
    let weights: Vec<f64> = plain.graph().edge_weights().copied().collect();
    assert_eq!(weights, [0.375, 0.25, 0.25, 0.25, 0.5]);
    assert_eq!(plain.groups(), g.groups());
    assert_eq!(plain.id_of(NodeIndex::new(0)), Some(&NodeId::from("lea")));
    assert!(matches!(
        g.map_ties(|t| t.trust * 2.0),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
}

// ---------------------------------------------------------- role assignment

/// A downstream role enum with no `From<OpinionLeader>`: built-in roles
/// mapped to its own variants, plus one of its own.
#[derive(Debug, Clone, PartialEq)]
enum Mine {
    Consumer,
    Leader { fee: f64 },
    Brand,
    Skeptic,
}

impl From<BuiltinActor> for Mine {
    fn from(a: BuiltinActor) -> Mine {
        match a {
            BuiltinActor::Consumer(_) => Mine::Consumer,
            BuiltinActor::OpinionLeader(l) => Mine::Leader { fee: l.fee },
            BuiltinActor::Business(_) => Mine::Brand,
        }
    }
}

impl Actor for Mine {
    fn role(&self) -> &str {
        match self {
            Mine::Consumer => "consumer",
            Mine::Leader { .. } => "opinion_leader",
            Mine::Brand => "business",
            Mine::Skeptic => "skeptic",
        }
    }
    fn profile(&self) -> Profile {
        match self {
            Mine::Consumer => Profile::consumer(),
            Mine::Leader { .. } => Profile::opinion_leader(),
            Mine::Brand => Profile::business(),
            Mine::Skeptic => Profile::new(0.1, 0.2, 0.05, 0.5).unwrap(),
        }
    }
    fn sponsorship(&self) -> Sponsorship {
        match self {
            Mine::Leader { fee } if *fee > 0.0 => Sponsorship::Sponsored,
            Mine::Brand => Sponsorship::Sponsored,
            _ => Sponsorship::Organic,
        }
    }
}

/// A Holme-Kim graph of consumers with a brand, some leaders already
/// made and every seventh node a skeptic (as a built-in graph, the
/// skeptics are organic leaders, so neither is eligible).
fn mixed(seed: u64) -> SocialGraph {
    let spec = HolmeKim {
        n: 600,
        m: 3,
        triad_probability: 0.4,
    };
    let mut g = holme_kim(&spec, seed).unwrap();
    for i in (0..600).step_by(7) {
        *g.actor_mut(NodeIndex::new(i)).unwrap() = OpinionLeader::default().into();
    }
    add_business(
        &mut g,
        "acme",
        BusinessOrganization::new("Acme"),
        &Audience::Fraction(0.3),
        0.5,
        seed,
    )
    .unwrap();
    g
}

#[test]
fn assign_role_on_a_custom_type_picks_what_assign_opinion_leaders_picks() {
    let selections = [
        (Centrality::Followers, LeaderCount::Fraction(0.05)),
        (Centrality::Followers, LeaderCount::Top(40)),
        (
            Centrality::PageRank(PageRankOptions::default()),
            LeaderCount::Top(25),
        ),
        (Centrality::KCore, LeaderCount::Fraction(0.1)),
    ];
    let template = OpinionLeader {
        sponsorship: Sponsorship::Sponsored,
        fee: 75.0,
        ..OpinionLeader::default()
    };
    for seed in [1u64, 2] {
        for (by, count) in selections.clone() {
            let selection = LeaderSelection { by, count };
            let mut builtin = mixed(seed);
            let mut mine: SocialGraph<Mine, SocialTie> = builtin.clone().map_actors(|a| {
                if a.role() == "opinion_leader" {
                    Mine::Skeptic
                } else {
                    Mine::from(a)
                }
            });
            let want = assign_opinion_leaders(&mut builtin, &selection, &template).unwrap();
            let got = assign_role(
                &mut mine,
                &selection,
                |a| *a == Mine::Consumer,
                |_| Mine::Leader { fee: 75.0 },
            )
            .unwrap();
            assert!(!want.is_empty());
            assert_eq!(got, want, "{selection:?} seed {seed}");
            // The same nodes changed, to the same role and sponsorship.
            let a = builtin.freeze().unwrap();
            let b = mine.freeze().unwrap();
            for &v in &want {
                let u = v.index() as u32;
                assert_eq!(b.role_name(b.role(u)), Some("opinion_leader"));
                assert_eq!(b.sponsorship(u), Sponsorship::Sponsored);
                assert_eq!(a.sponsorship(u), Sponsorship::Sponsored);
            }
            let leaders = |n: &Network| {
                (0..n.node_count() as u32)
                    .filter(|&u| n.role_name(n.role(u)) == Some("opinion_leader"))
                    .count()
            };
            assert_eq!(leaders(&b), want.len());
            assert_eq!(leaders(&a), want.len() + 600_usize.div_ceil(7));
        }
    }
}

#[test]
fn assign_role_gives_make_the_old_actor_and_changes_nothing_on_error() {
    let mut g: SocialGraph<Micro, f64> = micros();
    let selection = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Top(2),
    };
    let chosen = assign_role(
        &mut g,
        &selection,
        |m| m.fee < 40.0,
        |m| Micro {
            fee: m.fee * 2.0,
            discloses: true,
        },
    )
    .unwrap();
    // Followers: m0 has 3, m3 and m4 one each; m4 (fee 40) is not eligible.
    assert_eq!(chosen, [NodeIndex::new(0), NodeIndex::new(3)]);
    assert_eq!(g.actor(NodeIndex::new(3)).unwrap().fee, 60.0);
    assert!(g.actor(NodeIndex::new(3)).unwrap().discloses);
    let before: Vec<Micro> = g.graph().node_weights().cloned().collect();
    let too_many = LeaderSelection {
        by: Centrality::Followers,
        count: LeaderCount::Top(5),
    };
    assert!(matches!(
        assign_role(&mut g, &too_many, |m| m.fee < 40.0, |_| unreachable!()),
        Err(Error::InvalidParameter { .. })
    ));
    let after: Vec<Micro> = g.graph().node_weights().cloned().collect();
    assert_eq!(before, after);
}

fn arcs_of<A>(g: &petgraph::graph::DiGraph<A, SocialTie>) -> Vec<(usize, usize, f64)> {
    g.edge_references()
        .map(|e| (e.source().index(), e.target().index(), e.weight().trust))
        .collect()
}

#[test]
fn add_account_on_a_custom_type_adds_what_add_business_adds() {
    for audience in [
        Audience::All,
        Audience::Fraction(0.25),
        Audience::Count(17),
        Audience::Nodes(vec![NodeId::Num(5), NodeId::Num(2), NodeId::Num(40)]),
    ] {
        let mut builtin = mixed(3);
        let mut mine: SocialGraph<Mine, SocialTie> = builtin.clone().map_actors(Mine::from);
        let a = add_business(
            &mut builtin,
            "brand2",
            BusinessOrganization::new("Brand 2"),
            &audience,
            0.4,
            11,
        )
        .unwrap();
        let b = add_account(
            &mut mine,
            "brand2",
            Mine::Brand,
            &audience,
            |a| *a != Mine::Brand,
            |_| SocialTie::follow(0.4),
            11,
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(
            arcs_of(builtin.graph()),
            arcs_of(mine.graph()),
            "{audience:?}"
        );
        assert_eq!(builtin.freeze().unwrap().id(), mine.freeze().unwrap().id());
    }
    // A listed account that may not follow is refused, the graph unchanged.
    let mut mine: SocialGraph<Mine, SocialTie> = mixed(3).map_actors(Mine::from);
    let (nodes, arcs) = (mine.node_count(), mine.arc_count());
    let err = add_account(
        &mut mine,
        "brand2",
        Mine::Brand,
        &Audience::Nodes(vec![NodeId::from("acme")]),
        |a| *a != Mine::Brand,
        |_| SocialTie::follow(0.4),
        11,
    )
    .unwrap_err();
    assert!(err.to_string().contains("may not follow"), "{err}");
    // A tie of invalid trust too.
    assert!(matches!(
        add_account(
            &mut mine,
            "brand2",
            Mine::Brand,
            &Audience::All,
            |_| true,
            |_| SocialTie::follow(1.5),
            0,
        ),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
    assert_eq!((mine.node_count(), mine.arc_count()), (nodes, arcs));
}
