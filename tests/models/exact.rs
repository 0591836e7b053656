//! Propagation checked against exact answers.
//!
//! * Independent cascade: the exact expected spread, by enumerating all 2^m
//!   live-edge worlds of a small graph (each arc live with its probability,
//!   independently; the spread is what the seeds reach over live arcs), and
//!   closed forms on a path and stars; with p = 1, the adopted set is
//!   exactly the set reachable from the seeds (petgraph's BFS).
//! * Linear threshold: the exact expected spread (and awareness) by
//!   enumerating the live-edge worlds of Kempe, Kleinberg & Tardos (2003,
//!   Theorem 2.5), where each node keeps at most one in-arc, arc (u, v)
//!   with probability w(u, v); fixed thresholds give exact outcomes.
//! * Reproducibility and pinned values.
//!
//! A simulated mean passes when it is within 4 standard errors of the exact
//! value, the standard error being the sample standard deviation of the
//! runs over sqrt(runs). Every run is seeded: run index i under a fixed
//! master seed, [`MASTER`] mixed with the estimate's label so that no two
//! estimates share their random streams. With 100,000 runs per estimate,
//! 4 standard errors are 0.006 to 0.03 node on these graphs: a wrong
//! weight, a skipped arc or a lost accumulation moves the mean by 10 to
//! 300 standard errors. Differences of one part in 2^31 (a `>` for a `>=`)
//! are out of any Monte Carlo test's reach; the fixed-threshold test
//! checks those boundaries exactly.

use std::collections::BTreeSet;

use petgraph::algo::dijkstra;
use petgraph::graph::NodeIndex;
use petgraph::visit::Bfs;
use wom::Relation;
use wom::generate::{Gnp, gnp};
use wom::propagation::lt::{LinearThreshold, LtOptions, LtThresholds, LtWeights};
use wom::propagation::{CascadeLink, IndependentCascade, Model, Recorder, Simulation};
use wom::{Error, Network};

/// The master seed of the Monte Carlo estimates (mixed with each one's
/// label, see [`master_for`]).
const MASTER: u64 = 0x5EED_2003;

/// Runs per Monte Carlo estimate.
const RUNS: u64 = 100_000;

/// `(source, target, trust)`; trusts are multiples of 1/64, exact in `f32`.
pub(crate) type Arcs = Vec<(u32, u32, f64)>;

// ---------------------------------------------------------------------------
// Monte Carlo
// ---------------------------------------------------------------------------

/// A sample mean and its standard error.
#[derive(Debug, Clone, Copy)]
struct Estimate {
    mean: f64,
    se: f64,
}

/// Accumulates a sample (Welford) for its mean and standard error.
#[derive(Debug, Default)]
struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Moments {
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }
    fn estimate(&self) -> Estimate {
        let var = self.m2 / (self.n - 1.0);
        Estimate {
            mean: self.mean,
            se: (var / self.n).sqrt(),
        }
    }
}

/// The master seed of the estimate labelled `what`: [`MASTER`] mixed with
/// the label (FNV-1a), so that estimates do not share their random streams
/// (with one master seed for all, a stream that happens to start high
/// would push every estimate the same way).
fn master_for(what: &str) -> u64 {
    let hash = what.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    });
    MASTER ^ hash
}

/// Mean adopted and exposed counts over `runs` seeded runs: master seed
/// [`master_for`]`(what)`, run index i.
fn simulate<S: Model>(
    what: &str,
    net: &Network,
    model: S,
    seeds: &[u32],
    runs: u64,
) -> (Estimate, Estimate) {
    let master = master_for(what);
    let mut sim = Simulation::new(net, model);
    let (mut adopted, mut exposed) = (Moments::default(), Moments::default());
    for i in 0..runs {
        let out = sim.run(seeds, master, i, &mut ()).unwrap();
        assert!(out.finished);
        adopted.push(out.adopted as f64);
        exposed.push(out.exposed as f64);
    }
    (adopted.estimate(), exposed.estimate())
}

/// The simulated mean adopted count is within 4 standard errors of
/// `exact` (see [`assert_within`]).
#[track_caller]
fn check_spread<S: Model>(
    what: &str,
    net: &Network,
    model: S,
    seeds: &[u32],
    runs: u64,
    exact: f64,
) {
    assert_within(what, simulate(what, net, model, seeds, runs).0, exact);
}

/// The simulated mean is within 4 standard errors of `exact` (or equal to
/// it when every run gave the same value).
#[track_caller]
fn assert_within(what: &str, got: Estimate, exact: f64) {
    let z = (got.mean - exact) / got.se;
    println!(
        "{what}: simulated {:.5} ± {:.5}, exact {exact:.5}{}",
        got.mean,
        got.se,
        if got.se > 0.0 {
            format!(", z = {z:+.2}")
        } else {
            String::new()
        }
    );
    if got.se == 0.0 {
        assert!(
            (got.mean - exact).abs() < 1e-9,
            "{what}: every run gave {}, exact {exact}",
            got.mean
        );
    } else {
        assert!(
            z.abs() <= 4.0,
            "{what}: simulated {} ± {} is {z:.2} standard errors from the exact {exact}",
            got.mean,
            got.se
        );
    }
}

// ---------------------------------------------------------------------------
// Exact answers
// ---------------------------------------------------------------------------

/// Which nodes the seeds reach over the arcs `live` picks.
fn reachable(
    n: usize,
    arcs: &[(u32, u32)],
    live: impl Fn(usize) -> bool,
    seeds: &[u32],
) -> Vec<bool> {
    let mut seen = vec![false; n];
    let mut queue: Vec<u32> = Vec::new();
    for &s in seeds {
        seen[s as usize] = true;
        queue.push(s);
    }
    while let Some(u) = queue.pop() {
        for (i, &(a, b)) in arcs.iter().enumerate() {
            if a == u && live(i) && !seen[b as usize] {
                seen[b as usize] = true;
                queue.push(b);
            }
        }
    }
    seen
}

/// The exact expected spread of an independent cascade with per-arc
/// probabilities `p`: Σ over the 2^m live-arc sets L of
/// Π_{a in L} p_a Π_{a not in L} (1 - p_a) × |reach(seeds, L)|.
pub(crate) fn ic_exact(n: usize, arcs: &Arcs, p: &[f64], seeds: &[u32]) -> f64 {
    let m = arcs.len();
    assert!(m <= 20, "2^{m} worlds is too many");
    let ends: Vec<(u32, u32)> = arcs.iter().map(|&(u, v, _)| (u, v)).collect();
    let mut total = 0.0;
    for mask in 0u32..1 << m {
        let live = |i: usize| mask >> i & 1 == 1;
        let prob: f64 = (0..m)
            .map(|i| if live(i) { p[i] } else { 1.0 - p[i] })
            .product();
        if prob > 0.0 {
            let size = reachable(n, &ends, live, seeds)
                .iter()
                .filter(|&&r| r)
                .count();
            total += prob * size as f64;
        }
    }
    total
}

/// In-degrees, parallel arcs and self-loops included.
fn in_degrees(n: usize, arcs: &Arcs) -> Vec<f64> {
    let mut d = vec![0.0; n];
    for &(_, v, _) in arcs {
        d[v as usize] += 1.0;
    }
    d
}

/// The three IC probability settings, computed here from their
/// definitions: uniform p, weighted cascade 1 / indeg(v), trust.
pub(crate) fn ic_probabilities(n: usize, arcs: &Arcs, setting: &str) -> Vec<f64> {
    let indeg = in_degrees(n, arcs);
    arcs.iter()
        .map(|&(_, v, t)| match setting {
            "wc" => 1.0 / indeg[v as usize],
            "trust" => t,
            _ => setting.parse().unwrap(),
        })
        .collect()
}

/// The linear threshold weights, computed here from the definitions in
/// `LtWeights`' docs.
pub(crate) fn lt_weights(n: usize, arcs: &Arcs, weights: LtWeights) -> Vec<f64> {
    let indeg = in_degrees(n, arcs);
    let mut total = vec![0.0; n];
    for &(_, v, t) in arcs {
        total[v as usize] += t;
    }
    arcs.iter()
        .map(|&(_, v, t)| {
            let s = total[v as usize];
            match weights {
                LtWeights::Trust if s > 1.0 => t / s,
                LtWeights::Trust => t,
                LtWeights::Normalized if s > 0.0 => t / s,
                LtWeights::Normalized => 0.0,
                LtWeights::Uniform => 1.0 / indeg[v as usize],
            }
        })
        .collect()
}

/// The exact expected (adopted, exposed) counts of a linear threshold run
/// with random thresholds: enumerate every choice of at most one in-arc
/// per node (arc a into v with probability w_a, none with 1 - Σ w into v);
/// the adopted set has the law of what the seeds reach over the chosen
/// arcs (Kempe et al. 2003, Theorem 2.5), and a node is exposed when it is
/// adopted or an adopted node has a positive-weight arc to it.
pub(crate) fn lt_exact(n: usize, arcs: &Arcs, w: &[f64], seeds: &[u32]) -> (f64, f64) {
    // Per node, its options: Some(arc index) or None.
    let options: Vec<Vec<(Option<usize>, f64)>> = (0..n as u32)
        .map(|v| {
            let mut o: Vec<(Option<usize>, f64)> = arcs
                .iter()
                .enumerate()
                .filter(|(_, a)| a.1 == v)
                .map(|(i, _)| (Some(i), w[i]))
                .collect();
            let rest = 1.0 - o.iter().map(|x| x.1).sum::<f64>();
            assert!(rest > -1e-12, "weights into {v} sum to more than 1");
            o.push((None, rest.max(0.0)));
            o
        })
        .collect();
    let worlds: usize = options.iter().map(Vec::len).product();
    assert!(worlds <= 1 << 20, "{worlds} worlds is too many");
    let ends: Vec<(u32, u32)> = arcs.iter().map(|&(u, v, _)| (u, v)).collect();
    let (mut adopted, mut exposed) = (0.0, 0.0);
    let mut pick = vec![0usize; n];
    for _ in 0..worlds {
        let prob: f64 = (0..n).map(|v| options[v][pick[v]].1).product();
        if prob > 0.0 {
            let chosen: Vec<Option<usize>> = (0..n).map(|v| options[v][pick[v]].0).collect();
            let live = |i: usize| chosen[ends[i].1 as usize] == Some(i);
            let active = reachable(n, &ends, live, seeds);
            let mut aware = active.clone();
            for (i, &(u, v)) in ends.iter().enumerate() {
                if active[u as usize] && w[i] > 0.0 {
                    aware[v as usize] = true;
                }
            }
            adopted += prob * active.iter().filter(|&&a| a).count() as f64;
            exposed += prob * aware.iter().filter(|&&a| a).count() as f64;
        }
        // Next world (mixed radix).
        for v in 0..n {
            pick[v] += 1;
            if pick[v] < options[v].len() {
                break;
            }
            pick[v] = 0;
        }
    }
    (adopted, exposed)
}

// ---------------------------------------------------------------------------
// Graphs
// ---------------------------------------------------------------------------

/// A named small graph with its seeds.
pub(crate) struct Case {
    pub(crate) name: &'static str,
    pub(crate) n: usize,
    pub(crate) arcs: Arcs,
    pub(crate) seeds: Vec<u32>,
}

pub(crate) fn cases() -> Vec<Case> {
    vec![
        // Two routes to 3; trust into 3 sums to 1.25 (> 1).
        Case {
            name: "diamond",
            n: 4,
            arcs: vec![(0, 1, 0.5), (0, 2, 0.25), (1, 3, 0.75), (2, 3, 0.5)],
            seeds: vec![0],
        },
        // A 5-cycle with chords both ways and a back arc to the seed.
        Case {
            name: "cycle",
            n: 5,
            arcs: vec![
                (0, 1, 0.75),
                (1, 2, 0.5),
                (2, 3, 0.625),
                (3, 4, 0.5),
                (4, 0, 0.25),
                (1, 3, 0.25),
                (3, 1, 0.375),
                (2, 0, 0.5),
                (4, 2, 0.125),
            ],
            seeds: vec![0],
        },
        // Parallel arcs 0 -> 1, self-loops on 1 and 3, a zero-trust arc.
        Case {
            name: "parallel_and_loops",
            n: 4,
            arcs: vec![
                (0, 1, 0.25),
                (0, 1, 0.5),
                (1, 1, 0.5),
                (1, 2, 0.75),
                (2, 0, 0.5),
                (0, 2, 0.125),
                (2, 3, 0.375),
                (3, 3, 1.0),
                (3, 1, 0.25),
                (1, 3, 0.0),
            ],
            seeds: vec![0],
        },
        // 16 arcs on 6 nodes, mutual pairs, two seeds.
        Case {
            name: "sixteen_arcs_two_seeds",
            n: 6,
            arcs: vec![
                (0, 1, 0.5),
                (1, 0, 0.25),
                (0, 2, 0.375),
                (1, 2, 0.25),
                (2, 3, 0.75),
                (3, 2, 0.5),
                (3, 4, 0.625),
                (4, 3, 0.125),
                (2, 4, 0.25),
                (5, 4, 0.5),
                (4, 5, 0.375),
                (5, 1, 0.875),
                (1, 5, 0.25),
                (3, 0, 0.5),
                (4, 1, 0.125),
                (5, 3, 0.1875),
            ],
            seeds: vec![0, 5],
        },
    ]
}

pub(crate) fn network(case: &Case) -> Network {
    Network::from_arcs(case.n, case.arcs.iter().copied()).unwrap()
}

/// A directed path 0 -> 1 -> ... -> len.
fn path(len: u32, trust: f64) -> Arcs {
    (0..len).map(|i| (i, i + 1, trust)).collect()
}

/// An out-star: centre 0 -> leaves 1..=d.
fn out_star(d: u32, trust: f64) -> Arcs {
    (1..=d).map(|i| (0, i, trust)).collect()
}

/// A bidirected star: centre 0 <-> leaves 1..=d.
fn bidirected_star(d: u32, trust: f64) -> Arcs {
    (1..=d)
        .flat_map(|i| [(0, i, trust), (i, 0, trust)])
        .collect()
}

// ---------------------------------------------------------------------------
// Independent cascade
// ---------------------------------------------------------------------------

#[test]
fn enumeration_reproduces_the_closed_forms() {
    // Checks the checker: the enumeration against hand-derived formulas.
    let p: f64 = 0.6;
    let exact = ic_exact(7, &path(6, 1.0), &[p; 6], &[0]);
    let closed: f64 = (0..=6).map(|k| p.powi(k)).sum();
    assert!((exact - closed).abs() < 1e-12, "{exact} vs {closed}");
    let exact = ic_exact(9, &out_star(8, 1.0), &[0.35; 8], &[0]);
    assert!((exact - (1.0 + 8.0 * 0.35)).abs() < 1e-12);
    let exact = ic_exact(7, &bidirected_star(6, 1.0), &[0.5; 12], &[1]);
    assert!((exact - (1.0 + 0.5 * (1.0 + 5.0 * 0.5))).abs() < 1e-12);
}

#[test]
fn ic_closed_forms_on_a_path_and_stars() {
    // A directed path of length L from the seed: node k is reached when the
    // k arcs before it are all live, so E[spread] = Σ_{k=0..L} p^k.
    let (len, p) = (6, 0.6_f64);
    let net = Network::from_arcs(len as usize + 1, path(len, 1.0)).unwrap();
    let exact: f64 = (0..=len as i32).map(|k| p.powi(k)).sum();
    let ic = IndependentCascade::uniform(&net, p).unwrap();
    check_spread("path L=6, uniform p=0.6", &net, &ic, &[0], RUNS, exact);
    // The same path, per-arc kernel: trust 0.75 on every arc.
    let net = Network::from_arcs(len as usize + 1, path(len, 0.75)).unwrap();
    let exact: f64 = (0..=len as i32).map(|k| 0.75f64.powi(k)).sum();
    let ic = IndependentCascade::new(&net, wom::propagation::IcProbabilities::Trust).unwrap();
    check_spread("path L=6, trust 0.75", &net, &ic, &[0], RUNS, exact);

    // An out-star with d leaves, seed at the centre: each leaf is reached
    // by its own arc, E = 1 + d p.
    let (d, p) = (8, 0.35);
    let net = Network::from_arcs(d as usize + 1, out_star(d, 1.0)).unwrap();
    let ic = IndependentCascade::uniform(&net, p).unwrap();
    check_spread(
        "out-star d=8, p=0.35",
        &net,
        &ic,
        &[0],
        RUNS,
        1.0 + f64::from(d) * p,
    );

    // A bidirected star, seed at a leaf: the centre is reached with p, and
    // then each of the other d - 1 leaves with p: E = 1 + p (1 + (d - 1) p).
    let (d, p) = (6, 0.5);
    let net = Network::from_arcs(d as usize + 1, bidirected_star(d, 1.0)).unwrap();
    let ic = IndependentCascade::uniform(&net, p).unwrap();
    let exact = 1.0 + p * (1.0 + f64::from(d - 1) * p);
    check_spread(
        "bidirected star d=6, leaf seed, p=0.5",
        &net,
        &ic,
        &[1],
        RUNS,
        exact,
    );
    // Weighted cascade on it: leaf -> centre has p = 1/d (the centre has d
    // in-arcs), centre -> leaf p = 1 (a leaf has one): E = 1 + (1/d) d = 2.
    let ic = IndependentCascade::weighted_cascade(&net);
    check_spread(
        "bidirected star d=6, leaf seed, weighted cascade",
        &net,
        &ic,
        &[1],
        RUNS,
        2.0,
    );
}

#[test]
fn ic_expected_spread_is_exact_on_small_graphs() {
    for case in cases() {
        let net = network(&case);
        for setting in ["0.3", "0.7", "wc", "trust"] {
            let p = ic_probabilities(case.n, &case.arcs, setting);
            let exact = ic_exact(case.n, &case.arcs, &p, &case.seeds);
            let ic = match setting {
                "wc" => IndependentCascade::weighted_cascade(&net),
                "trust" => {
                    IndependentCascade::new(&net, wom::propagation::IcProbabilities::Trust).unwrap()
                }
                p => IndependentCascade::uniform(&net, p.parse().unwrap()).unwrap(),
            };
            let what = format!("IC {} {setting}", case.name);
            let (adopted, exposed) = simulate(&what, &net, &ic, &case.seeds, RUNS);
            assert_within(&what, adopted, exact);
            // In an independent cascade awareness is adoption.
            assert_eq!(adopted.mean, exposed.mean);
        }
        // The per-arc kernel with probabilities given by a closure.
        let p = ic_probabilities(case.n, &case.arcs, "0.3");
        let exact = ic_exact(case.n, &case.arcs, &p, &case.seeds);
        let ic = IndependentCascade::with_probabilities(&net, |_, _, _| 0.3).unwrap();
        let what = format!("IC {} per-arc 0.3", case.name);
        check_spread(&what, &net, &ic, &case.seeds, RUNS, exact);
    }
}

/// The adopted nodes of a recorded run.
fn adopted_set(rec: &Recorder) -> BTreeSet<u32> {
    rec.cascade().iter().map(|l| l.node).collect()
}

#[test]
fn ic_with_certain_transmission_adopts_exactly_the_reachable_set() {
    for (graph_seed, p) in [(1u64, 0.004), (2, 0.006), (3, 0.01), (4, 0.02)] {
        let g = gnp(
            &Gnp {
                n: 300,
                p,
                direction: Relation::Follow,
            },
            graph_seed,
        )
        .unwrap();
        let net = g.freeze().unwrap();
        let seeds = [0u32, 17, 150];
        // Reachable set and BFS distance from the seeds, by petgraph.
        let mut reach = BTreeSet::new();
        let mut dist = vec![u32::MAX; 300];
        for &s in &seeds {
            let mut bfs = Bfs::new(g.graph(), NodeIndex::new(s as usize));
            while let Some(x) = bfs.next(g.graph()) {
                reach.insert(x.index() as u32);
            }
            for (x, d) in dijkstra(g.graph(), NodeIndex::new(s as usize), None, |_| 1u32) {
                let slot = &mut dist[x.index()];
                *slot = (*slot).min(d);
            }
        }
        assert!(reach.len() > seeds.len(), "the test graph should spread");
        let uniform = IndependentCascade::uniform(&net, 1.0).unwrap();
        let per_arc = IndependentCascade::with_probabilities(&net, |_, _, _| 1.0).unwrap();
        let mut rec = Recorder::new();
        for (kernel, ic) in [("uniform", &uniform), ("per-arc", &per_arc)] {
            let mut sim = Simulation::new(&net, ic);
            for run in 0..3 {
                let out = sim.run(&seeds, MASTER, run, &mut rec).unwrap();
                assert_eq!(adopted_set(&rec), reach, "graph {graph_seed}, {kernel}");
                assert_eq!(out.adopted, reach.len());
                // Every node adopts at its BFS distance, from a node one
                // step closer that has an arc to it.
                for l in rec.cascade() {
                    assert_eq!(l.step, dist[l.node as usize], "{kernel}: {l:?}");
                    if let Some(u) = l.sender {
                        assert_eq!(dist[u as usize] + 1, l.step);
                        assert!(net.forward().neighbors(u).iter().any(|a| a.node == l.node));
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Linear threshold
// ---------------------------------------------------------------------------

const ALL_WEIGHTS: [LtWeights; 3] = [LtWeights::Trust, LtWeights::Normalized, LtWeights::Uniform];

#[test]
fn lt_expected_spread_is_exact_on_small_graphs() {
    for case in cases() {
        let net = network(&case);
        for weights in ALL_WEIGHTS {
            let w = lt_weights(case.n, &case.arcs, weights);
            let (adopted, exposed) = lt_exact(case.n, &case.arcs, &w, &case.seeds);
            let lt = LinearThreshold::random(&net, weights);
            let got = simulate(
                &format!("LT {} {weights:?}", case.name),
                &net,
                &lt,
                &case.seeds,
                RUNS,
            );
            assert_within(
                &format!("LT {} {weights:?} adopted", case.name),
                got.0,
                adopted,
            );
            assert_within(
                &format!("LT {} {weights:?} exposed", case.name),
                got.1,
                exposed,
            );
        }
    }
}

#[test]
fn lt_closed_form_on_a_path() {
    // Each node of a path has one in-arc: under Trust weights node k + 1
    // adopts when θ <= t, with probability t, given k is active; so
    // E = Σ_k t^k, as for IC with p = t. Under Uniform (and Normalized)
    // the weight is 1 and the whole path adopts.
    let (len, t) = (6u32, 0.625);
    let net = Network::from_arcs(len as usize + 1, path(len, t)).unwrap();
    let exact: f64 = (0..=len as i32).map(|k| t.powi(k)).sum();
    let lt = LinearThreshold::random(&net, LtWeights::Trust);
    check_spread("LT path trust 0.625", &net, &lt, &[0], RUNS, exact);
    for weights in [LtWeights::Uniform, LtWeights::Normalized] {
        let lt = LinearThreshold::random(&net, weights);
        let what = format!("LT path {weights:?}, weight 1");
        check_spread(&what, &net, &lt, &[0], 1000, 7.0);
    }
}

/// A cascade link as `(node, sender, step)`.
type Link = (u32, Option<u32>, u32);

/// `(node, sender, step)` of each link of a recorded cascade.
fn links(rec: &Recorder) -> Vec<Link> {
    rec.cascade()
        .iter()
        .map(|l| (l.node, l.sender, l.step))
        .collect()
}

#[test]
fn lt_fixed_thresholds_give_exact_outcomes() {
    // 0 and 1 -> 2 (0.25 each, θ2 = 0.5: needs both, and equality is
    // enough: Σ w >= θ); 2 -> 3 (0.5, θ3 = 0.5: equality again);
    // 3 -> 4 (trust 0: never counts, even for θ4 = 0);
    // 3 -> 5 (0.25) and 4 -> 5 (0.75), θ5 = 0.25: 3 alone is enough;
    // 5 -> 6 (1.0), θ6 = 1: total in-weight 1 always activates.
    let arcs = vec![
        (0, 2, 0.25),
        (1, 2, 0.25),
        (2, 3, 0.5),
        (3, 4, 0.0),
        (3, 5, 0.25),
        (4, 5, 0.75),
        (5, 6, 1.0),
    ];
    let net = Network::from_arcs(7, arcs).unwrap();
    let theta = vec![1.0, 1.0, 0.5, 0.5, 0.0, 0.25, 1.0];
    let lt = LinearThreshold::new(
        &net,
        LtOptions {
            weights: LtWeights::Trust,
            thresholds: LtThresholds::Fixed(theta.clone()),
        },
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &lt);
    let mut rec = Recorder::new();
    for run in 0..5 {
        // One of the two is not enough: 2 hears (exposed) but waits.
        let out = sim.run(&[0], MASTER, run, &mut rec).unwrap();
        assert_eq!((out.adopted, out.exposed, out.steps), (1, 2, 1));
        assert_eq!(links(&rec), [(0, None, 0)]);
        assert!(sim.state().is_exposed(2) && !sim.state().is_active(2));
        // Both: 2 adopts at step 1, tipped over by 1 (processed second),
        // then 3, 5 and 6 one step each; 4 never hears (weight 0).
        let out = sim.run(&[0, 1], MASTER, run, &mut rec).unwrap();
        assert_eq!(
            links(&rec),
            [
                (0, None, 0),
                (1, None, 0),
                (2, Some(1), 1),
                (3, Some(2), 2),
                (5, Some(3), 3),
                (6, Some(5), 4)
            ]
        );
        assert_eq!((out.adopted, out.exposed, out.steps), (6, 6, 5));
        assert_eq!(rec.new_adoptions_per_step(), &[2, 1, 1, 1, 1, 0]);
        assert!(!sim.state().is_exposed(4));
        // Seed order decides the sender, not the outcome.
        sim.run(&[1, 0], MASTER, run, &mut rec).unwrap();
        assert_eq!(links(&rec)[2], (2, Some(0), 1));
    }
    // Normalized: 0.25 / 0.5 = 0.5 from each of 0 and 1, so one is enough;
    // 3 -> 5 is 0.25 of 1.0 into 5, θ5 = 0.25 still met.
    let lt = LinearThreshold::new(
        &net,
        LtOptions {
            weights: LtWeights::Normalized,
            thresholds: LtThresholds::Fixed(theta.clone()),
        },
    )
    .unwrap();
    let out = Simulation::new(&net, &lt)
        .run(&[0], MASTER, 0, &mut rec)
        .unwrap();
    assert_eq!(
        links(&rec),
        [
            (0, None, 0),
            (2, Some(0), 1),
            (3, Some(2), 2),
            (5, Some(3), 3),
            (6, Some(5), 4)
        ]
    );
    assert_eq!(out.exposed, 5);
    // Uniform: 3 -> 4 now weighs 1 (4's only in-arc), so 4 adopts too, and
    // 3 and 4 each bring 0.5 to 5.
    let lt = LinearThreshold::new(
        &net,
        LtOptions {
            weights: LtWeights::Uniform,
            thresholds: LtThresholds::Fixed(theta),
        },
    )
    .unwrap();
    Simulation::new(&net, &lt)
        .run(&[0], MASTER, 0, &mut rec)
        .unwrap();
    assert_eq!(
        links(&rec),
        [
            (0, None, 0),
            (2, Some(0), 1),
            (3, Some(2), 2),
            (4, Some(3), 3),
            (5, Some(3), 3),
            (6, Some(5), 4)
        ]
    );
}

#[test]
fn lt_rejects_bad_fixed_thresholds() {
    let net = Network::from_arcs(3, [(0, 1, 0.5), (1, 2, 0.5)]).unwrap();
    let fixed = |t: Vec<f64>| {
        LinearThreshold::new(
            &net,
            LtOptions {
                weights: LtWeights::Trust,
                thresholds: LtThresholds::Fixed(t),
            },
        )
    };
    assert!(matches!(
        fixed(vec![0.5; 2]),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        fixed(vec![0.5; 4]),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        fixed(vec![0.5, 1.5, 0.5]),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
    assert!(matches!(
        fixed(vec![0.5, -0.1, 0.5]),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
    assert!(matches!(
        fixed(vec![f64::NAN, 0.5, 0.5]),
        Err(Error::InvalidWeight { .. })
    ));
    assert!(fixed(vec![0.0, 1.0, 0.5]).is_ok());
}

// ---------------------------------------------------------------------------
// Reproducibility
// ---------------------------------------------------------------------------

/// The cascades of runs `runs` under `master`, from a fresh simulation.
fn cascades<S: Model>(
    net: &Network,
    s: S,
    seeds: &[u32],
    master: u64,
    runs: &[u64],
) -> Vec<Vec<CascadeLink>> {
    let mut sim = Simulation::new(net, s);
    let mut rec = Recorder::new();
    runs.iter()
        .map(|&i| {
            sim.run(seeds, master, i, &mut rec).unwrap();
            rec.cascade().to_vec()
        })
        .collect()
}

#[test]
fn same_seed_same_cascades_different_seed_different_ones() {
    let g = gnp(
        &Gnp {
            n: 500,
            p: 0.008,
            direction: Relation::Follow,
        },
        11,
    )
    .unwrap();
    let net = g.freeze().unwrap();
    let seeds = [3u32, 99, 250, 401];
    let forward: Vec<u64> = (0..40).collect();
    let backward: Vec<u64> = forward.iter().rev().copied().collect();
    let check = |name: &str,
                 a: Vec<Vec<CascadeLink>>,
                 b: Vec<Vec<CascadeLink>>,
                 c: Vec<Vec<CascadeLink>>| {
        // Same (master, run index), whatever the order and the state's past.
        let b: Vec<_> = b.into_iter().rev().collect();
        assert_eq!(a, b, "{name}");
        // Another master seed: most runs differ.
        let differ = a.iter().zip(&c).filter(|(x, y)| x != y).count();
        assert!(differ >= 30, "{name}: only {differ} of 40 runs differ");
        // Another run index: most differ.
        let shifted = a.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(
            shifted >= 30,
            "{name}: only {shifted} of 39 neighbours differ"
        );
    };
    let ic = IndependentCascade::uniform(&net, 0.3).unwrap();
    check(
        "IC uniform",
        cascades(&net, &ic, &seeds, 1, &forward),
        cascades(&net, &ic, &seeds, 1, &backward),
        cascades(&net, &ic, &seeds, 2, &forward),
    );
    let ic = IndependentCascade::weighted_cascade(&net);
    check(
        "IC weighted cascade",
        cascades(&net, &ic, &seeds, 1, &forward),
        cascades(&net, &ic, &seeds, 1, &backward),
        cascades(&net, &ic, &seeds, 2, &forward),
    );
    for weights in ALL_WEIGHTS {
        let lt = LinearThreshold::random(&net, weights);
        check(
            &format!("LT {weights:?}"),
            cascades(&net, &lt, &seeds, 1, &forward),
            cascades(&net, &lt, &seeds, 1, &backward),
            cascades(&net, &lt, &seeds, 2, &forward),
        );
    }
}

// ---------------------------------------------------------------------------
// Value stability
// ---------------------------------------------------------------------------

/// A fixed 10-node graph of 22 arcs (a self-loop and a parallel arc among
/// them) for the pinned values.
fn pinned_network() -> Network {
    Network::from_arcs(
        10,
        [
            (0, 1, 0.5),
            (0, 2, 0.25),
            (0, 3, 0.75),
            (1, 4, 0.5),
            (1, 2, 0.5),
            (2, 5, 0.375),
            (3, 5, 0.625),
            (3, 6, 0.5),
            (4, 7, 0.25),
            (5, 7, 0.5),
            (5, 8, 0.75),
            (6, 8, 0.5),
            (7, 9, 0.5),
            (8, 9, 0.25),
            (9, 0, 0.5),
            (2, 1, 0.125),
            (6, 3, 0.875),
            (8, 4, 0.5),
            (7, 2, 0.625),
            (9, 6, 0.375),
            (4, 4, 0.5),
            (1, 4, 0.25),
        ],
    )
    .unwrap()
}

/// Adopted counts of runs 0..8 and the cascade of run 0, as
/// `(node, sender, step)`.
fn pinned_outcome<S: Model>(s: S) -> (Vec<usize>, Vec<Link>) {
    let net = pinned_network();
    let mut sim = Simulation::new(&net, s);
    let mut rec = Recorder::new();
    let counts = (0..8)
        .map(|i| sim.run(&[0], 2024, i, &mut rec).unwrap().adopted)
        .collect();
    sim.run(&[0], 2024, 0, &mut rec).unwrap();
    (counts, links(&rec))
}

/// Pinned outputs for master seed 2024 from seed node 0. They depend on the
/// generator, on the order and number of draws and on the kernels' rules:
/// changing any of them is a value-breaking change, to be recorded as such
/// in the CHANGELOG together with the new values.
#[test]
fn value_stability() {
    let net = pinned_network();
    let got = [
        (
            "IC uniform 0.5",
            pinned_outcome(IndependentCascade::uniform(&net, 0.5).unwrap()),
        ),
        (
            "IC trust",
            pinned_outcome(
                IndependentCascade::new(&net, wom::propagation::IcProbabilities::Trust).unwrap(),
            ),
        ),
        (
            "LT normalized",
            pinned_outcome(LinearThreshold::random(&net, LtWeights::Normalized)),
        ),
        (
            "LT trust",
            pinned_outcome(LinearThreshold::random(&net, LtWeights::Trust)),
        ),
    ];
    for (name, (counts, cascade)) in &got {
        println!("{name}: {counts:?}\n    {cascade:?}");
    }
    let want: [(Vec<usize>, Vec<Link>); 4] = [
        (
            vec![4, 8, 1, 8, 6, 10, 3, 7],
            vec![
                (0, None, 0),
                (1, Some(0), 1),
                (2, Some(0), 1),
                (4, Some(1), 2),
            ],
        ),
        (
            vec![5, 9, 1, 8, 2, 5, 6, 5],
            vec![
                (0, None, 0),
                (1, Some(0), 1),
                (3, Some(0), 1),
                (2, Some(1), 2),
                (5, Some(3), 2),
            ],
        ),
        (
            vec![9, 10, 1, 10, 4, 4, 3, 8],
            vec![
                (0, None, 0),
                (1, Some(0), 1),
                (3, Some(0), 1),
                (2, Some(1), 2),
                (6, Some(3), 2),
                (5, Some(2), 3),
                (8, Some(6), 3),
                (7, Some(5), 4),
                (9, Some(8), 4),
            ],
        ),
        (
            vec![9, 10, 1, 10, 4, 4, 2, 6],
            vec![
                (0, None, 0),
                (1, Some(0), 1),
                (3, Some(0), 1),
                (2, Some(1), 2),
                (6, Some(3), 2),
                (5, Some(2), 3),
                (8, Some(6), 3),
                (7, Some(5), 4),
                (9, Some(8), 4),
            ],
        ),
    ];
    for ((name, got), want) in got.iter().zip(&want) {
        assert_eq!(got, want, "{name}: a value-breaking change (CHANGELOG)");
    }
}
