//! Valence (positive and negative WOM from product experience) against
//! exact answers: closed forms on paths and stars, and exact expectations
//! on small graphs by enumerating every world (each node's experience and
//! each arc's outcome). Statistical checks use 4 standard errors of the
//! Monte Carlo mean; every run is seeded.

use crate::common;
use common::{Moments, net};
use wom::propagation::valence::{
    NegativeEffect, NodeValence, SeedTalk, ValenceCascade, ValenceCounts, ValenceOptions,
};
use wom::propagation::{Event, Model, Observer, Recorder, Simulation};
use wom::{Error, Network};

const MASTER: u64 = 0x5EED_0001;

fn options(q: f64, p_pos: f64, p_neg: f64) -> ValenceOptions {
    ValenceOptions::new(q, p_pos, p_neg)
}

/// Runs `runs` runs and collects the moments of adopted, positive,
/// negative, rejecting, and the indicator that `watch` adopted.
fn simulate(
    network: &Network,
    model: &ValenceCascade,
    seeds: &[u32],
    runs: u64,
    watch: u32,
) -> [Moments; 5] {
    let mut m: [Moments; 5] = Default::default();
    let mut sim = Simulation::new(network, model);
    for r in 0..runs {
        sim.run(seeds, MASTER, r, &mut ()).unwrap();
        let c = sim.state().counts();
        check_invariants(&c);
        m[0].push(c.adopted as f64);
        m[1].push(c.positive as f64);
        m[2].push(c.negative as f64);
        m[3].push(c.rejecting as f64);
        let adopted = matches!(
            sim.state().node(watch),
            NodeValence::Positive | NodeValence::Negative
        );
        m[4].push(f64::from(u8::from(adopted)));
    }
    m
}

fn check_invariants(c: &ValenceCounts) {
    assert_eq!(c.adopted, c.positive + c.negative);
    assert_eq!(c.exposed, c.adopted + c.rejecting);
}

// ------------------------------------------------------------ closed forms

#[test]
fn path_with_certain_talk_matches_the_closed_form() {
    // seed 0 -> 1 -> 2, p_pos = p_neg = 1, Block, seeds experience too.
    // 1 adopts iff the seed is positive (q); 2 iff 1 adopts and is positive
    // (q^2). Negative talkers: (1-q)(1 + q + q^2). Rejecting: 1 is rejecting
    // when the seed is negative (1-q), 2 when 1 is negative (q(1-q)).
    let q = 0.6;
    let g = net(3, &[(0, 1), (1, 2)]);
    let model = ValenceCascade::new(&g, options(q, 1.0, 1.0)).unwrap();
    let m = simulate(&g, &model, &[0], 100_000, 2);
    m[0].check(1.0 + q + q * q, "adopted");
    m[1].check(q + q * q + q * q * q, "positive");
    m[2].check((1.0 - q) * (1.0 + q + q * q), "negative");
    m[3].check((1.0 - q) * (1.0 + q), "rejecting");
    m[4].check(q * q, "P(2 adopts)");

    // Seeds that always talk positively: 2 adopts iff 1 is positive (q).
    let positive_seeds = ValenceCascade::new(
        &g,
        ValenceOptions {
            seeds: SeedTalk::Positive,
            ..options(q, 1.0, 1.0)
        },
    )
    .unwrap();
    let m = simulate(&g, &positive_seeds, &[0], 100_000, 2);
    m[0].check(2.0 + q, "adopted, positive seeds");
    m[4].check(q, "P(2 adopts), positive seeds");
}

#[test]
fn same_step_positive_and_negative_talk_blocks_under_negativity_bias() {
    // Seeds 0 and 1 both point at 2 with certain talk. Negative talk is
    // delivered first, so 2 adopts iff both seeds are positive: q^2.
    let q = 0.7;
    let g = net(3, &[(0, 2), (1, 2)]);
    let model = ValenceCascade::new(&g, options(q, 1.0, 1.0)).unwrap();
    let m = simulate(&g, &model, &[0, 1], 100_000, 2);
    m[4].check(q * q, "P(2 adopts)");
    m[3].check(1.0 - q * q, "rejecting");
}

#[test]
fn reduce_counts_the_negative_messages_of_the_same_step() {
    // Three seeds point at v = 3 with certain talk; Reduce(w). With k
    // negative seeds, each of the 3 - k positive messages persuades with
    // probability (1 - w)^k, so
    // P(v adopts) = sum_k C(3, k) (1-q)^k q^(3-k) [1 - (1 - (1-w)^k)^(3-k)].
    let (q, w) = (0.6, 0.4);
    let g = net(4, &[(0, 3), (1, 3), (2, 3)]);
    let model = ValenceCascade::new(
        &g,
        ValenceOptions {
            negative_effect: NegativeEffect::Reduce(w),
            ..options(q, 1.0, 1.0)
        },
    )
    .unwrap();
    let binom = [1.0, 3.0, 3.0, 1.0];
    let exact: f64 = (0..=3)
        .map(|k| {
            let pk = binom[k] * (1.0 - q).powi(k as i32) * q.powi(3 - k as i32);
            let accept = (1.0 - w).powi(k as i32);
            pk * (1.0 - (1.0 - accept).powi(3 - k as i32))
        })
        .sum();
    let m = simulate(&g, &model, &[0, 1, 2], 100_000, 3);
    m[4].check(exact, "P(v adopts) under Reduce");
    // 3 rejecting (heard negative talk) exactly when v heard some negative
    // talk and no positive message got through.
    m[3].check(1.0 - q.powi(3) - (exact - q.powi(3)), "rejecting");
}

#[test]
fn reduce_one_is_block_bit_for_bit() {
    let g = wom::generate::gnp(
        &wom::generate::Gnp {
            n: 200,
            p: 0.03,
            direction: wom::Relation::Follow,
        },
        5,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let block = ValenceCascade::new(&anywhere, options(0.5, 0.4, 0.6)).unwrap();
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let reduce = ValenceCascade::new(
        &anywhere,
        ValenceOptions {
            negative_effect: NegativeEffect::Reduce(1.0),
            ..options(0.5, 0.4, 0.6)
        },
    )
    .unwrap();
    let mut a = Simulation::new(&g, &block);
    let mut b = Simulation::new(&g, &reduce);
    for r in 0..200 {
        let (mut ra, mut rb) = (Recorder::new(), Recorder::new());
        a.run(&[0, 1, 2], 9, r, &mut ra).unwrap();
        b.run(&[0, 1, 2], 9, r, &mut rb).unwrap();
        assert_eq!(ra, rb);
        assert_eq!(a.state().counts(), b.state().counts());
    }
}

// ---------------------------------------------------- exact enumeration

/// The exact expected (adopted, positive, negative, rejecting) under
/// Block, by enumerating every node's experience and every arc's outcome
/// (an arc out of a positive node succeeds with p_pos, out of a negative
/// one with p_neg), then running the deterministic dynamics of the model:
/// in each step negative talk first, then positive.
fn exact_block(n: usize, arcs: &[(u32, u32)], seeds: &[u32], o: &ValenceOptions) -> [f64; 4] {
    let m = arcs.len();
    let mut acc = [0.0; 4];
    for types in 0u32..(1 << n) {
        // Bit v set: v's experience is good (positive).
        let positive = |v: u32| types >> v & 1 == 1;
        let mut w_types = 1.0;
        for v in 0..n as u32 {
            let forced = o.seeds == SeedTalk::Positive && seeds.contains(&v);
            w_types *= match (forced, positive(v)) {
                (true, true) => 1.0,
                (true, false) => 0.0,
                (false, true) => o.quality,
                (false, false) => 1.0 - o.quality,
            };
        }
        if w_types == 0.0 {
            continue;
        }
        for live in 0u32..(1 << m) {
            let mut w = w_types;
            for (i, &(u, _)) in arcs.iter().enumerate() {
                let p = if positive(u) {
                    o.p_positive
                } else {
                    o.p_negative
                };
                w *= if live >> i & 1 == 1 { p } else { 1.0 - p };
            }
            if w == 0.0 {
                continue;
            }
            // 0 unaware, 1 rejecting, 2 positive, 3 negative.
            let mut status = vec![0u8; n];
            let kind = |v: u32| if positive(v) { 2 } else { 3 };
            let mut frontier: Vec<u32> = seeds.to_vec();
            for &s in seeds {
                status[s as usize] = kind(s);
            }
            while !frontier.is_empty() {
                for &u in &frontier {
                    if status[u as usize] == 3 {
                        for (i, &(a, v)) in arcs.iter().enumerate() {
                            if a == u && live >> i & 1 == 1 && status[v as usize] == 0 {
                                status[v as usize] = 1;
                            }
                        }
                    }
                }
                let mut next = Vec::new();
                for &u in &frontier {
                    if status[u as usize] == 2 {
                        for (i, &(a, v)) in arcs.iter().enumerate() {
                            if a == u && live >> i & 1 == 1 && status[v as usize] == 0 {
                                status[v as usize] = kind(v);
                                next.push(v);
                            }
                        }
                    }
                }
                frontier = next;
            }
            let count = |k: u8| status.iter().filter(|&&s| s == k).count() as f64;
            let (pos, neg, rej) = (count(2), count(3), count(1));
            acc[0] += w * (pos + neg);
            acc[1] += w * pos;
            acc[2] += w * neg;
            acc[3] += w * rej;
        }
    }
    acc
}

/// A 6-node graph with a node reached by both seeds in the same step (2),
/// converging paths (4, 5) and a back arc (5 -> 3).
const SMALL: [(u32, u32); 9] = [
    (0, 2),
    (1, 2),
    (0, 3),
    (1, 3),
    (2, 4),
    (3, 4),
    (4, 5),
    (3, 5),
    (5, 3),
];

#[test]
fn mean_counts_match_exact_enumeration_on_a_small_graph() {
    let g = net(6, &SMALL);
    for o in [
        options(0.6, 0.7, 0.5),
        options(0.3, 0.9, 0.2),
        ValenceOptions {
            seeds: SeedTalk::Positive,
            ..options(0.5, 0.6, 0.8)
        },
    ] {
        let exact = exact_block(6, &SMALL, &[0, 1], &o);
        let model = ValenceCascade::new(&g, o).unwrap();
        let m = simulate(&g, &model, &[0, 1], 60_000, 5);
        for (k, what) in ["adopted", "positive", "negative", "rejecting"]
            .iter()
            .enumerate()
        {
            m[k].check(exact[k], &format!("{what} with {o:?}"));
        }
    }
}

/// Exact expected spread of the independent cascade: every live-edge world.
fn exact_ic(n: usize, arcs: &[(u32, u32)], seeds: &[u32], p: f64) -> f64 {
    let m = arcs.len();
    let mut total = 0.0;
    for live in 0u32..(1 << m) {
        let k = live.count_ones() as i32;
        let w = p.powi(k) * (1.0 - p).powi(m as i32 - k);
        let mut seen = vec![false; n];
        let mut stack: Vec<u32> = seeds.to_vec();
        for &s in seeds {
            seen[s as usize] = true;
        }
        while let Some(u) = stack.pop() {
            for (i, &(a, v)) in arcs.iter().enumerate() {
                if a == u && live >> i & 1 == 1 && !seen[v as usize] {
                    seen[v as usize] = true;
                    stack.push(v);
                }
            }
        }
        total += w * seen.iter().filter(|&&s| s).count() as f64;
    }
    total
}

#[test]
fn quality_one_is_the_independent_cascade() {
    // 7 nodes, 12 arcs with cycles and mutual ties.
    let arcs = [
        (0, 1),
        (1, 0),
        (0, 2),
        (1, 3),
        (2, 3),
        (3, 2),
        (3, 4),
        (2, 5),
        (4, 5),
        (5, 6),
        (6, 4),
        (4, 1),
    ];
    let g = net(7, &arcs);
    let p = 0.45;
    let exact = exact_ic(7, &arcs, &[0], p);
    let model = ValenceCascade::new(&g, options(1.0, p, 0.9)).unwrap();
    let m = simulate(&g, &model, &[0], 100_000, 6);
    m[0].check(exact, "adopted with q = 1");
    // Nobody talks negatively, nobody rejects: exactly, in every run.
    assert_eq!((m[2].sum, m[3].sum), (0.0, 0.0));
    assert_eq!(m[0].sum, m[1].sum);
}

#[test]
fn quality_zero_only_the_seeds_adopt() {
    // All seeds turn negative; each non-seed becomes rejecting with
    // probability 1 - (1 - p_neg)^c, c = arcs into it from seeds; nothing
    // spreads further (rejecting nodes are silent).
    let arcs = [(0, 2), (1, 2), (0, 3), (0, 3), (1, 4), (2, 5), (3, 5)];
    let g = net(6, &arcs);
    let p_neg = 0.35;
    let model = ValenceCascade::new(&g, options(0.0, 0.9, p_neg)).unwrap();
    let seeds = [0, 1];
    let exact: f64 = (0..6u32)
        .filter(|v| !seeds.contains(v))
        .map(|v| {
            let c = arcs
                .iter()
                .filter(|&&(u, t)| t == v && seeds.contains(&u))
                .count() as i32;
            1.0 - (1.0 - p_neg).powi(c)
        })
        .sum();
    let runs = 100_000;
    let m = simulate(&g, &model, &seeds, runs, 5);
    assert_eq!(m[0].sum, 2.0 * runs as f64, "only the seeds adopt");
    assert_eq!(m[2].sum, 2.0 * runs as f64, "both seeds talk negatively");
    m[3].check(exact, "rejecting with q = 0");
}

// --------------------------------------------------------------- observer

/// Checks the event stream: exposure before adoption, one deactivation per
/// talker after its adoption, channels and senders consistent.
#[derive(Default)]
struct Audit {
    exposed: Vec<bool>,
    adopted: Vec<bool>,
    deactivated: Vec<bool>,
    deactivations: usize,
    negative_exposures: usize,
}

impl Observer for Audit {
    fn exposed(&mut self, e: &Event) {
        assert!(!self.exposed[e.node as usize], "exposed twice");
        self.exposed[e.node as usize] = true;
        if e.channel.0 == 1 {
            self.negative_exposures += 1;
        }
    }
    fn adopted(&mut self, e: &Event) {
        assert!(self.exposed[e.node as usize], "adopted before exposed");
        assert!(!self.adopted[e.node as usize], "adopted twice");
        assert_eq!(e.channel.0, 0, "adoptions come through positive_wom");
        if let Some(s) = e.sender {
            assert!(self.adopted[s as usize], "the sender is an adopter");
        }
        self.adopted[e.node as usize] = true;
    }
    fn deactivated(&mut self, node: u32, _: u32) {
        assert!(self.adopted[node as usize], "only talkers stop talking");
        assert!(!self.deactivated[node as usize], "deactivated twice");
        self.deactivated[node as usize] = true;
        self.deactivations += 1;
    }
}

#[test]
fn observer_sees_consistent_events_and_counts() {
    let g = wom::generate::gnp(
        &wom::generate::Gnp {
            n: 300,
            p: 0.02,
            direction: wom::Relation::Follow,
        },
        11,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let model = ValenceCascade::new(
        &anywhere,
        ValenceOptions {
            negative_effect: NegativeEffect::Reduce(0.5),
            ..options(0.6, 0.5, 0.5)
        },
    )
    .unwrap();
    assert_eq!(model.channel_names(), ["positive_wom", "negative_wom"]);
    let mut sim = Simulation::new(&g, &model);
    for r in 0..100 {
        let mut audit = Audit {
            exposed: vec![false; 300],
            adopted: vec![false; 300],
            deactivated: vec![false; 300],
            ..Audit::default()
        };
        let mut rec = Recorder::new();
        let out = sim
            .run(&[3, 4, 5], MASTER, r, &mut (&mut audit, &mut rec))
            .unwrap();
        assert!(out.finished);
        let c = sim.state().counts();
        check_invariants(&c);
        assert_eq!(out.adopted, c.adopted);
        assert_eq!(out.exposed, c.exposed);
        assert_eq!(rec.adopted(), c.adopted);
        assert_eq!(audit.deactivations, c.adopted, "every adopter talks once");
        // Every rejecting node was first exposed by negative talk.
        assert!(audit.negative_exposures >= c.rejecting);
        for v in 0..300u32 {
            let s = sim.state().node(v);
            assert_eq!(audit.exposed[v as usize], s != NodeValence::Unaware);
            assert_eq!(
                audit.adopted[v as usize],
                matches!(s, NodeValence::Positive | NodeValence::Negative)
            );
        }
    }
}

// ------------------------------------------------ parameters, documents

#[test]
fn invalid_parameters_are_typed_errors() {
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let bad = |o: ValenceOptions| ValenceCascade::new(&anywhere, o).unwrap_err();
    assert!(matches!(
        bad(options(1.5, 0.5, 0.5)),
        Error::ProbabilityOutOfRange { ref name, .. } if name == "quality"
    ));
    assert!(matches!(
        bad(options(0.5, -0.1, 0.5)),
        Error::ProbabilityOutOfRange { ref name, .. } if name == "p_positive"
    ));
    assert!(matches!(
        bad(options(0.5, 0.5, f64::NAN)),
        Error::InvalidWeight { .. }
    ));
    assert!(matches!(
        bad(ValenceOptions {
            negative_effect: NegativeEffect::Reduce(2.0),
            ..options(0.5, 0.5, 0.5)
        }),
        Error::ProbabilityOutOfRange { ref name, .. } if name == "negative_weight"
    ));
}

#[test]
fn options_round_trip_and_the_model_validates_them() {
    use wom::propagation::FromOptions;
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let options = ValenceOptions {
        negative_effect: NegativeEffect::Reduce(0.25),
        seeds: SeedTalk::Positive,
        ..options(0.8, 0.3, 0.4)
    };
    let text = serde_json::to_string(&options).unwrap();
    let back: ValenceOptions = serde_json::from_str(&text).unwrap();
    assert_eq!(back, options);
    let model = ValenceCascade::from_options(&anywhere, back).unwrap();
    assert_eq!(model.options(), &options);
    // Defaults: Block, seeds experience.
    let doc = r#"{"quality":0.5,"p_positive":0.2,"p_negative":0.1}"#;
    let m: ValenceOptions = serde_json::from_str(doc).unwrap();
    assert_eq!(m.negative_effect, NegativeEffect::Block);
    assert_eq!(m.seeds, SeedTalk::Experience);
    let bad: ValenceOptions =
        serde_json::from_str(r#"{"quality":1.5,"p_positive":0.2,"p_negative":0.1}"#).unwrap();
    assert!(matches!(
        ValenceCascade::check_options(&bad),
        Err(Error::ProbabilityOutOfRange { ref name, .. }) if name == "quality"
    ));
    assert!(ValenceCascade::new(&anywhere, bad).is_err());
}

#[test]
fn same_seed_same_run_different_seed_differs() {
    let g = wom::generate::gnp(
        &wom::generate::Gnp {
            n: 500,
            p: 0.01,
            direction: wom::Relation::Follow,
        },
        3,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let model = ValenceCascade::new(&anywhere, options(0.7, 0.4, 0.4)).unwrap();
    let run = |master: u64, index: u64| {
        let mut sim = Simulation::new(&g, &model);
        let mut rec = Recorder::new();
        sim.run(&[0, 1, 2, 3], master, index, &mut rec).unwrap();
        (rec, sim.state().counts())
    };
    assert_eq!(run(1, 2), run(1, 2));
    let differs = (0..20).any(|i| run(1, i).0 != run(1, 2).0 || run(2, i).0 != run(1, 2).0);
    assert!(differs);
    assert_ne!(run(1, 2).0, run(2, 2).0);
}
