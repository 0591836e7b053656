//! Two brands competing (competitive independent cascade) against exact
//! answers: tie rules on hand-made graphs, exact expectations on small
//! graphs by enumerating every outcome of every attempt and every
//! tie-break, distance rules with certain transmission, and a symmetry
//! check. Statistical checks use 4 standard errors; every run is seeded.

use crate::common;
use common::{Moments, net};
use std::collections::VecDeque;

use wom::propagation::competition::{
    Brand, BrandProbabilities, CompetitionOptions, CompetitiveCascade, TieRule,
};
use wom::propagation::{Event, IndependentCascade, Model, Observer, Recorder, Simulation};
use wom::{Error, Network};

const MASTER: u64 = 0xB0A7_0002;

fn uniform(a: f64, b: f64, tie_rule: TieRule) -> CompetitionOptions {
    CompetitionOptions {
        probabilities: BrandProbabilities::Uniform { a, b },
        tie_rule,
    }
}

/// Runs and returns the moments of brand A's and B's adopters and of the
/// indicator that `watch` adopted brand A.
fn simulate(network: &Network, model: &CompetitiveCascade, runs: u64, watch: u32) -> [Moments; 3] {
    let mut m: [Moments; 3] = Default::default();
    let mut sim = Simulation::new(network, model);
    for r in 0..runs {
        let out = sim.run(model.seeds(), MASTER, r, &mut ()).unwrap();
        let c = sim.state().counts();
        assert_eq!(out.adopted, c.total_adopted());
        m[0].push(c.adopted[0] as f64);
        m[1].push(c.adopted[1] as f64);
        m[2].push(f64::from(u8::from(
            sim.state().brand_of(watch) == Some(Brand::A),
        )));
    }
    m
}

// ---------------------------------------------------------------- ties

#[test]
fn two_seeds_pointing_at_one_node_split_it_evenly() {
    // 0 (A) -> 2 <- 1 (B), p = 1: 2 is contested at step 1 and picks each
    // brand with probability 1/2 under either rule (one attempt each).
    let g = net(3, &[(0, 2), (1, 2)]);
    for rule in [TieRule::UniformBrand, TieRule::Proportional] {
        let model = CompetitiveCascade::new(&g, uniform(1.0, 1.0, rule), &[0], &[1]).unwrap();
        let runs = 40_000;
        let m = simulate(&g, &model, runs, 2);
        m[2].check(0.5, &format!("P(2 adopts A) under {rule:?}"));
        // Exactly three adopters, one contested node, in every run.
        assert_eq!(m[0].sum + m[1].sum, 3.0 * runs as f64);
        let mut sim = Simulation::new(&g, &model);
        sim.run(model.seeds(), 1, 0, &mut ()).unwrap();
        assert_eq!(sim.state().counts().contested, 1);
    }
}

#[test]
fn two_arcs_against_one() {
    // 0, 1 (A) -> 3 <- 2 (B), p = 1: proportional gives A 2/3, the uniform
    // rule 1/2.
    let g = net(4, &[(0, 3), (1, 3), (2, 3)]);
    for (rule, exact) in [
        (TieRule::Proportional, 2.0 / 3.0),
        (TieRule::UniformBrand, 0.5),
    ] {
        let model = CompetitiveCascade::new(&g, uniform(1.0, 1.0, rule), &[0, 1], &[2]).unwrap();
        let m = simulate(&g, &model, 40_000, 3);
        m[2].check(exact, &format!("P(3 adopts A) under {rule:?}"));
    }
}

// ------------------------------------------------------ exact expectation

/// Exact expected adopters per brand: a recursion over steps that
/// enumerates every outcome of every attempt on a not-yet-adopted node
/// (each attempt of brand b over arc i succeeds with `p(b, i)`) and every
/// tie-break of contested nodes.
fn exact(
    n: usize,
    arcs: &[(u32, u32)],
    p: &dyn Fn(usize, usize) -> f64,
    rule: TieRule,
    seeds: [&[u32]; 2],
) -> [f64; 2] {
    let mut brand = vec![None; n];
    let mut frontier = Vec::new();
    for (b, list) in seeds.iter().enumerate() {
        for &s in *list {
            brand[s as usize] = Some(b);
            frontier.push(s);
        }
    }
    let mut acc = [0.0; 2];
    recurse(arcs, p, rule, &brand, &frontier, 1.0, &mut acc);
    acc
}

fn recurse(
    arcs: &[(u32, u32)],
    p: &dyn Fn(usize, usize) -> f64,
    rule: TieRule,
    brand: &[Option<usize>],
    frontier: &[u32],
    weight: f64,
    acc: &mut [f64; 2],
) {
    if frontier.is_empty() {
        for (b, total) in acc.iter_mut().enumerate() {
            *total += weight * brand.iter().filter(|&&x| x == Some(b)).count() as f64;
        }
        return;
    }
    // Attempts that matter: from a frontier node to a node without a brand.
    let mut attempts = Vec::new();
    for &u in frontier {
        let b = brand[u as usize].unwrap();
        for (i, &(a, v)) in arcs.iter().enumerate() {
            if a == u && brand[v as usize].is_none() {
                attempts.push((v, b, p(b, i)));
            }
        }
    }
    let k = attempts.len();
    for mask in 0u32..(1 << k) {
        let mut w = weight;
        let mut hits = vec![[0u32; 2]; brand.len()];
        for (j, &(v, b, pj)) in attempts.iter().enumerate() {
            if mask >> j & 1 == 1 {
                w *= pj;
                hits[v as usize][b] += 1;
            } else {
                w *= 1.0 - pj;
            }
        }
        if w == 0.0 {
            continue;
        }
        let reached: Vec<u32> = (0..brand.len() as u32)
            .filter(|&v| hits[v as usize] != [0, 0])
            .collect();
        let contested: Vec<u32> = reached
            .iter()
            .copied()
            .filter(|&v| hits[v as usize][0] > 0 && hits[v as usize][1] > 0)
            .collect();
        // Every combination of tie-breaks.
        for choice in 0u32..(1 << contested.len()) {
            let mut wc = w;
            let mut next_brand = brand.to_vec();
            for &v in &reached {
                let h = hits[v as usize];
                let b = if h[1] == 0 {
                    0
                } else if h[0] == 0 {
                    1
                } else {
                    let j = contested.iter().position(|&c| c == v).unwrap();
                    let pick_b = choice >> j & 1 == 1;
                    let p_a = match rule {
                        TieRule::UniformBrand => 0.5,
                        TieRule::Proportional => f64::from(h[0]) / f64::from(h[0] + h[1]),
                    };
                    wc *= if pick_b { 1.0 - p_a } else { p_a };
                    usize::from(pick_b)
                };
                next_brand[v as usize] = Some(b);
            }
            recurse(arcs, p, rule, &next_brand, &reached, wc, acc);
        }
    }
}

/// Seeds 0 (A) and 1 (B); contested nodes at several depths, a node two
/// brand-A arcs point at (for the proportional rule), a cycle.
const SMALL: [(u32, u32); 11] = [
    (0, 2),
    (1, 2),
    (0, 3),
    (1, 4),
    (2, 5),
    (3, 5),
    (4, 5),
    (3, 6),
    (5, 6),
    (6, 3),
    (4, 6),
];

#[test]
fn mean_adopters_match_exact_enumeration() {
    let g = net(7, &SMALL);
    for rule in [TieRule::UniformBrand, TieRule::Proportional] {
        let (pa, pb) = (0.7, 0.5);
        let model = CompetitiveCascade::new(&g, uniform(pa, pb, rule), &[0], &[1]).unwrap();
        let ex = exact(7, &SMALL, &|b, _| [pa, pb][b], rule, [&[0], &[1]]);
        let m = simulate(&g, &model, 80_000, 5);
        m[0].check(ex[0], &format!("brand A adopters, {rule:?}"));
        m[1].check(ex[1], &format!("brand B adopters, {rule:?}"));
    }
}

#[test]
fn per_arc_probabilities_match_exact_enumeration() {
    // Trust varies per arc; p_X(u, v) = factor_X × trust.
    let trust: Vec<f64> = (0..SMALL.len()).map(|i| 0.4 + 0.05 * i as f64).collect();
    let g = Network::from_arcs(7, SMALL.iter().zip(&trust).map(|(&(u, v), &t)| (u, v, t))).unwrap();
    let (fa, fb) = (0.9, 1.0);
    let options = CompetitionOptions {
        probabilities: BrandProbabilities::Trust { a: fa, b: fb },
        tie_rule: TieRule::Proportional,
    };
    let model = CompetitiveCascade::new(&g, options, &[0], &[1]).unwrap();
    // Probabilities as the kernel stores them: trust is f32 in the network.
    let p = |b: usize, i: usize| [fa, fb][b] * f64::from(trust[i] as f32);
    let ex = exact(7, &SMALL, &p, TieRule::Proportional, [&[0], &[1]]);
    let m = simulate(&g, &model, 80_000, 5);
    m[0].check(ex[0], "brand A adopters, per arc");
    m[1].check(ex[1], "brand B adopters, per arc");

    // The same through a closure.
    let custom = CompetitiveCascade::with_probabilities(
        &g,
        TieRule::Proportional,
        &[0],
        &[1],
        |b, _, _, t| [fa, fb][b.index()] * f64::from(t),
    )
    .unwrap();
    let m = simulate(&g, &custom, 80_000, 5);
    m[0].check(ex[0], "brand A adopters, custom");
    m[1].check(ex[1], "brand B adopters, custom");
}

#[test]
fn one_brand_alone_is_the_independent_cascade() {
    // Brand B has no seeds: brand A spreads as IC with the same p. Compare
    // with the exact expectation and with wom's own IC.
    let g = net(7, &SMALL);
    let p = 0.6;
    let model =
        CompetitiveCascade::new(&g, uniform(p, 0.3, TieRule::UniformBrand), &[0], &[]).unwrap();
    let ex = exact(7, &SMALL, &|_, _| p, TieRule::UniformBrand, [&[0], &[]]);
    let m = simulate(&g, &model, 80_000, 5);
    m[0].check(ex[0], "brand A alone");
    assert_eq!(m[1].sum, 0.0);
    let ic = IndependentCascade::uniform(&g, p).unwrap();
    let mut sim = Simulation::new(&g, &ic);
    let mut mic = Moments::default();
    for r in 0..80_000 {
        mic.push(sim.run(&[0], MASTER, r, &mut ()).unwrap().adopted as f64);
    }
    mic.check(ex[0], "wom IC on the same graph");
}

// ------------------------------------------------- certain transmission

fn distances(n: usize, arcs: &[(u32, u32)], from: &[u32]) -> Vec<u32> {
    let mut d = vec![u32::MAX; n];
    let mut q = VecDeque::new();
    for &s in from {
        d[s as usize] = 0;
        q.push_back(s);
    }
    while let Some(u) = q.pop_front() {
        for &(a, v) in arcs {
            if a == u && d[v as usize] == u32::MAX {
                d[v as usize] = d[u as usize] + 1;
                q.push_back(v);
            }
        }
    }
    d
}

#[test]
fn with_certain_transmission_the_nearer_brand_wins() {
    // With p = 1 a node strictly nearer to A's seeds than to B's adopts A
    // (and vice versa), at step min(d_A, d_B); unreachable nodes stay out.
    let social = wom::generate::gnm(
        &wom::generate::Gnm {
            n: 400,
            m: 900,
            direction: wom::Relation::Follow,
        },
        21,
    )
    .unwrap();
    let g = social.freeze().unwrap();
    let arcs: Vec<(u32, u32)> = g.forward().iter().map(|(u, v, _)| (u, v)).collect();
    let (sa, sb) = ([0u32, 1, 2], [3u32, 4]);
    let da = distances(400, &arcs, &sa);
    let db = distances(400, &arcs, &sb);
    let model =
        CompetitiveCascade::new(&g, uniform(1.0, 1.0, TieRule::UniformBrand), &sa, &sb).unwrap();
    let mut sim = Simulation::new(&g, &model);
    for r in 0..20 {
        let mut rec = Recorder::new();
        sim.run(model.seeds(), MASTER, r, &mut rec).unwrap();
        let st = sim.state();
        let mut step_of = vec![u32::MAX; 400];
        for e in rec.cascade() {
            step_of[e.node as usize] = e.step;
        }
        for v in 0..400u32 {
            let (a, b) = (da[v as usize], db[v as usize]);
            let expect = match a.cmp(&b) {
                std::cmp::Ordering::Less => Some(Some(Brand::A)),
                std::cmp::Ordering::Greater => Some(Some(Brand::B)),
                std::cmp::Ordering::Equal if a == u32::MAX => Some(None),
                std::cmp::Ordering::Equal => None, // contested or decided upstream
            };
            if let Some(e) = expect {
                assert_eq!(st.brand_of(v), e, "node {v}: d_A {a}, d_B {b}");
            }
            if a.min(b) != u32::MAX {
                assert_eq!(step_of[v as usize], a.min(b), "step of node {v}");
            }
        }
    }
}

#[test]
fn messages_and_shares_are_counted_exactly() {
    // 0 (A) -> 2, 3; 1 (B) -> 4; 2 -> 5, 6; p = 1. A's talkers: 0, 2, 3
    // with out-degrees 2 + 2 + 0; B's: 1, 4 with 1 + 0.
    let g = net(7, &[(0, 2), (0, 3), (1, 4), (2, 5), (2, 6)]);
    let model =
        CompetitiveCascade::new(&g, uniform(1.0, 1.0, TieRule::UniformBrand), &[0], &[1]).unwrap();
    let mut sim = Simulation::new(&g, &model);
    sim.run(model.seeds(), 1, 0, &mut ()).unwrap();
    let c = sim.state().counts();
    assert_eq!(c.adopted, [5, 2]);
    assert_eq!(c.messages, [4, 1]);
    assert_eq!(c.contested, 0);
    assert_eq!(c.market_share(Brand::A), Some(5.0 / 7.0));
    assert_eq!(c.share_of_voice(Brand::B), Some(0.2));
}

// ------------------------------------------------------------- symmetry

#[test]
fn swapping_the_brands_swaps_the_means() {
    let g = wom::generate::holme_kim(
        &wom::generate::HolmeKim {
            n: 300,
            m: 2,
            triad_probability: 0.4,
        },
        8,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let (x, y) = ([0u32, 10, 20], [5u32, 15]);
    let (px, py) = (0.15, 0.25);
    let runs = 4_000;
    for rule in [TieRule::UniformBrand, TieRule::Proportional] {
        let one = CompetitiveCascade::new(&g, uniform(px, py, rule), &x, &y).unwrap();
        let two = CompetitiveCascade::new(&g, uniform(py, px, rule), &y, &x).unwrap();
        let m1 = simulate(&g, &one, runs, 0);
        // Another master seed for independence between the two estimates.
        let mut m2: [Moments; 2] = Default::default();
        let mut sim = Simulation::new(&g, &two);
        for r in 0..runs {
            sim.run(two.seeds(), MASTER + 1, r, &mut ()).unwrap();
            let c = sim.state().counts();
            m2[0].push(c.adopted[0] as f64);
            m2[1].push(c.adopted[1] as f64);
        }
        for (a, b, what) in [(&m1[0], &m2[1], "x's brand"), (&m1[1], &m2[0], "y's brand")] {
            let tol = 4.0 * (a.se().powi(2) + b.se().powi(2)).sqrt();
            assert!(
                (a.mean() - b.mean()).abs() <= tol,
                "{what} under {rule:?}: {} vs {} (4 se {tol})",
                a.mean(),
                b.mean()
            );
        }
    }
}

// -------------------------------------------------------------- observer

/// Checks attribution: the channel is the adopted brand's, the sender holds
/// that brand already.
struct Audit<'a> {
    brand: Vec<Option<u16>>,
    adoptions: usize,
    seeds: &'a [u32],
    split: usize,
}

impl Observer for Audit<'_> {
    fn adopted(&mut self, e: &Event) {
        assert!(self.brand[e.node as usize].is_none(), "adopted twice");
        match e.sender {
            None => {
                assert_eq!(e.step, 0);
                let i = self.seeds.iter().position(|&s| s == e.node).unwrap();
                assert_eq!(e.channel.0, u16::from(i >= self.split));
            }
            Some(s) => assert_eq!(self.brand[s as usize], Some(e.channel.0)),
        }
        self.brand[e.node as usize] = Some(e.channel.0);
        self.adoptions += 1;
    }
}

#[test]
fn adoptions_are_attributed_to_the_brand_channels() {
    let g = wom::generate::holme_kim(
        &wom::generate::HolmeKim {
            n: 500,
            m: 3,
            triad_probability: 0.3,
        },
        4,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let model =
        CompetitiveCascade::new(&g, uniform(0.2, 0.3, TieRule::Proportional), &[1, 2], &[3])
            .unwrap();
    assert_eq!(model.channel_names(), ["brand_a", "brand_b"]);
    assert_eq!(model.brand_seeds(Brand::B), [3]);
    let mut sim = Simulation::new(&g, &model);
    for r in 0..50 {
        let mut audit = Audit {
            brand: vec![None; 500],
            adoptions: 0,
            seeds: model.seeds(),
            split: 2,
        };
        sim.run(model.seeds(), MASTER, r, &mut audit).unwrap();
        let st = sim.state();
        assert_eq!(audit.adoptions, st.counts().total_adopted());
        for v in 0..500u32 {
            assert_eq!(
                audit.brand[v as usize],
                st.brand_of(v).map(|b| b.channel().0)
            );
        }
    }
}

// ------------------------------------------------ parameters, documents

#[test]
fn invalid_seeds_and_probabilities_are_typed_errors() {
    let g = net(4, &[(0, 1), (1, 2)]);
    let o = uniform(0.5, 0.5, TieRule::UniformBrand);
    let overlap = CompetitiveCascade::new(&g, o, &[0, 1], &[1]).unwrap_err();
    assert!(
        matches!(overlap, Error::InvalidParameter { ref name, .. } if name == "seeds_b"),
        "{overlap}"
    );
    let repeat = CompetitiveCascade::new(&g, o, &[0, 0], &[1]).unwrap_err();
    assert!(matches!(repeat, Error::InvalidParameter { ref name, .. } if name == "seeds_a"));
    assert!(matches!(
        CompetitiveCascade::new(&g, o, &[0], &[9]).unwrap_err(),
        Error::UnknownNode { .. }
    ));
    assert!(matches!(
        CompetitiveCascade::new(&g, uniform(1.2, 0.5, TieRule::UniformBrand), &[0], &[1])
            .unwrap_err(),
        Error::ProbabilityOutOfRange { .. }
    ));
    assert!(matches!(
        CompetitiveCascade::with_probabilities(
            &g,
            TieRule::UniformBrand,
            &[0],
            &[1],
            |_, _, _, _| { f64::NAN }
        )
        .unwrap_err(),
        Error::InvalidWeight { .. }
    ));
}

#[test]
fn options_are_documents() {
    let o = CompetitionOptions {
        probabilities: BrandProbabilities::Trust { a: 0.5, b: 0.75 },
        tie_rule: TieRule::Proportional,
    };
    let text = serde_json::to_string(&o).unwrap();
    assert_eq!(
        serde_json::from_str::<CompetitionOptions>(&text).unwrap(),
        o
    );
    let doc = r#"{"probabilities":{"kind":"uniform","a":0.1,"b":0.2}}"#;
    let parsed: CompetitionOptions = serde_json::from_str(doc).unwrap();
    assert_eq!(parsed.tie_rule, TieRule::UniformBrand);
}

#[test]
fn same_seed_same_run_different_seed_differs() {
    let g = wom::generate::holme_kim(
        &wom::generate::HolmeKim {
            n: 400,
            m: 3,
            triad_probability: 0.3,
        },
        2,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let model = CompetitiveCascade::new(
        &g,
        uniform(0.2, 0.2, TieRule::UniformBrand),
        &[0, 1],
        &[2, 3],
    )
    .unwrap();
    let run = |master: u64, index: u64| {
        let mut sim = Simulation::new(&g, &model);
        let mut rec = Recorder::new();
        sim.run(model.seeds(), master, index, &mut rec).unwrap();
        (rec, sim.state().counts())
    };
    assert_eq!(run(5, 1), run(5, 1));
    assert_ne!(run(5, 1).0, run(6, 1).0);
}

#[test]
fn seeds_that_belong_to_no_brand_are_refused_not_ignored() {
    let g = net(4, &[(0, 2), (1, 3)]);
    let model =
        CompetitiveCascade::new(&g, uniform(1.0, 1.0, TieRule::UniformBrand), &[0], &[1]).unwrap();
    let mut sim = Simulation::new(&g, &model);
    let err = sim.run(&[0, 2], 1, 0, &mut ()).unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err}");
    assert!(err.to_string().contains("either brand"), "{err}");
    // A subset of the brands' seeds runs: brand A alone reaches 2.
    let out = sim.run(&[0], 1, 0, &mut ()).unwrap();
    assert_eq!(out.adopted, 2);
}
