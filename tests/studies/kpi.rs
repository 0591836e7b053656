//! Marketing KPIs (`wom::kpi`) against exact answers: cascade shapes of
//! hand-built event lists and a brute-force O(N²) check of the structural
//! virality on random forests; every KPI of deterministic runs worked out
//! by hand; closed forms (binomial) on an out-star within 4 standard
//! errors; bookkeeping identities that hold run by run (so their means
//! agree to rounding); the economics of a campaign with paid channels; and
//! bit-identical reports whatever the number of threads. Every run is
//! seeded.

use crate::common;
use common::net;
use std::collections::VecDeque;

use petgraph::graph::NodeIndex;
use wom::channel::{Advertising, Post, PrivateMessage, RecipientChoice};
use wom::ensemble::{EnsembleOptions, Estimate, RunBudget};
use wom::kpi::{CascadeMetrics, KpiReport, KpiSpec, Target, cascade_metrics, run_kpis};
use wom::propagation::competition::{BrandProbabilities, CompetitionOptions, CompetitiveCascade};
use wom::propagation::composite::{Campaign, CampaignChannel, CampaignOptions, Sender};
use wom::propagation::valence::{ValenceCascade, ValenceOptions};
use wom::propagation::{Event, IndependentCascade, Model};
use wom::rng::{below, stream_rng, uniform_f64};
use wom::{
    BuiltinActor, ChannelId, Consumer, Error, Network, OpinionLeader, Profile, SocialGraph,
    SocialTie, Sponsorship,
};

const MASTER: u64 = 0x4B91_0005;

// ------------------------------------------------------------- helpers

/// An adoption event through channel 0.
fn ev(node: u32, sender: Option<u32>, step: u32) -> Event {
    Event {
        node,
        sender,
        channel: ChannelId(0),
        step,
    }
}

/// The path 0 -> 1 -> ... -> n-1.
fn path(n: u32) -> Network {
    let arcs: Vec<(u32, u32)> = (1..n).map(|v| (v - 1, v)).collect();
    net(n as usize, &arcs)
}

/// `runs` runs in batches of `batch` on rayon's pool.
fn options(runs: u64, batch: u64) -> EnsembleOptions {
    EnsembleOptions {
        budget: RunBudget::Runs(runs),
        master_seed: MASTER,
        batch_size: batch,
        ..EnsembleOptions::default()
    }
}

/// The KPI `name`, which the report must have.
fn kpi<'a>(report: &'a KpiReport, name: &str) -> &'a Estimate {
    report
        .kpi(name)
        .unwrap_or_else(|| panic!("no KPI {name:?} in {:?}", names(report)))
}

fn names(report: &KpiReport) -> Vec<&str> {
    report.kpis.iter().map(|k| k.name.as_str()).collect()
}

/// A KPI that every run defined with the same exact value.
fn assert_constant(report: &KpiReport, name: &str, exact: f64) {
    let e = kpi(report, name);
    assert_eq!(e.runs, report.runs, "{name}: runs");
    assert!((e.mean - exact).abs() <= 1e-12, "{name}: {e:?} vs {exact}");
    assert_eq!(e.std_dev, 0.0, "{name}: {e:?}");
    assert_eq!((e.ci_low, e.ci_high), (e.mean, e.mean), "{name}: {e:?}");
}

/// The mean of a quantity whose exact mean and standard deviation are
/// known is within 4 standard errors of the exact mean.
fn assert_close(e: &Estimate, exact: f64, sd: f64, what: &str) {
    let tol = 4.0 * sd / (e.runs as f64).sqrt();
    assert!(
        (e.mean - exact).abs() <= tol,
        "{what}: mean {} vs exact {exact} (4 se = {tol})",
        e.mean
    );
}

/// Two KPIs equal in every run: defined in the same runs, same mean and
/// spread up to rounding.
fn assert_same(report: &KpiReport, a: &str, b: &str) {
    let (x, y) = (kpi(report, a), kpi(report, b));
    assert_eq!(x.runs, y.runs, "{a} vs {b}");
    assert!((x.mean - y.mean).abs() <= 1e-9, "{a} {x:?} vs {b} {y:?}");
    assert!(
        (x.std_dev - y.std_dev).abs() <= 1e-9,
        "{a} {x:?} vs {b} {y:?}"
    );
}

fn is_invalid_parameter<T: std::fmt::Debug>(r: wom::Result<T>) -> bool {
    matches!(r, Err(Error::InvalidParameter { .. }))
}

fn binomial_pmf(k: u32, p: f64, j: u32) -> f64 {
    let mut c = 1.0;
    for i in 0..j {
        c = c * f64::from(k - i) / f64::from(i + 1);
    }
    c * p.powi(j as i32) * (1.0 - p).powi((k - j) as i32)
}

// ---------------------------------------- (1) cascade_metrics by hand

#[test]
fn a_path_has_depth_n_minus_1_and_virality_n_plus_1_over_3() {
    for n in 2..=12u32 {
        let events: Vec<Event> = (0..n).map(|v| ev(v, v.checked_sub(1), v)).collect();
        let m = cascade_metrics(&events);
        assert_eq!(
            (m.trees, m.adopters, m.largest, m.depth),
            (1, n as usize, n as usize, n - 1)
        );
        let sv = m.structural_virality.unwrap();
        assert!((sv - f64::from(n + 1) / 3.0).abs() < 1e-12, "n = {n}: {sv}");
        assert_eq!(m.mean_size(), f64::from(n));
    }
}

#[test]
fn a_star_has_depth_1_and_virality_2_n_minus_1_over_n() {
    for n in 2..=12u32 {
        let events: Vec<Event> = (0..n)
            .map(|v| {
                if v == 0 {
                    ev(0, None, 0)
                } else {
                    ev(v, Some(0), 1)
                }
            })
            .collect();
        let m = cascade_metrics(&events);
        assert_eq!((m.trees, m.largest, m.depth), (1, n as usize, 1));
        let sv = m.structural_virality.unwrap();
        let exact = 2.0 * f64::from(n - 1) / f64::from(n);
        assert!((sv - exact).abs() < 1e-12, "n = {n}: {sv} vs {exact}");
    }
}

#[test]
fn a_forest_reports_its_largest_tree_first_on_ties() {
    // Four trees, adoptions interleaved across them:
    //   A: 10 -> 11                         (2 nodes)
    //   B: star 20 -> 21, 22, 23            (4 nodes, virality 1.5)
    //   C: 30                               (1 node)
    //   D: path 40 -> 41 -> 42 -> 43        (4 nodes, virality 5/3, depth 3)
    let roots = [
        ev(10, None, 0),
        ev(20, None, 0),
        ev(30, None, 0),
        ev(40, None, 0),
    ];
    let rest = [
        ev(41, Some(40), 1),
        ev(21, Some(20), 1),
        ev(11, Some(10), 1),
        ev(22, Some(20), 1),
        ev(42, Some(41), 2),
        ev(23, Some(20), 1),
        ev(43, Some(42), 3),
    ];
    let events: Vec<Event> = roots.iter().chain(&rest).copied().collect();
    let m = cascade_metrics(&events);
    assert_eq!(
        m,
        CascadeMetrics {
            trees: 4,
            adopters: 11,
            largest: 4,
            depth: 3,
            structural_virality: Some(1.5),
        }
    );
    assert_eq!(m.mean_size(), 11.0 / 4.0);

    // Root D before root B: D is now the first of the two largest.
    let roots = [
        ev(40, None, 0),
        ev(10, None, 0),
        ev(20, None, 0),
        ev(30, None, 0),
    ];
    let events: Vec<Event> = roots.iter().chain(&rest).copied().collect();
    let m = cascade_metrics(&events);
    assert_eq!((m.trees, m.largest, m.depth), (4, 4, 3));
    assert!((m.structural_virality.unwrap() - 5.0 / 3.0).abs() < 1e-12);

    // A tree that outgrows an earlier one wins: the order of the roots
    // breaks ties only.
    let events = [
        ev(0, None, 0),
        ev(1, None, 0),
        ev(2, Some(1), 1),
        ev(3, Some(0), 1),
        ev(4, Some(1), 2),
    ];
    let m = cascade_metrics(&events);
    assert_eq!((m.trees, m.largest), (2, 3));
    // Tree of 1: star 1 -> 2, 4: distances 1, 1, 2.
    assert!((m.structural_virality.unwrap() - 4.0 / 3.0).abs() < 1e-12);
}

#[test]
fn a_sender_that_has_not_adopted_earlier_leaves_a_root() {
    // 1 names 2 as its sender, but 2 adopts after 1; 5 names a node that
    // never adopts (and lies beyond every adopter's index).
    let events = [
        ev(0, None, 0),
        ev(1, Some(2), 1),
        ev(2, Some(0), 1),
        ev(5, Some(99), 1),
        ev(3, Some(1), 2),
    ];
    let m = cascade_metrics(&events);
    // Trees {0, 2}, {1, 3}, {5}: the first of the two largest is 0's.
    assert_eq!((m.trees, m.adopters, m.largest, m.depth), (3, 5, 2, 1));
    assert_eq!(m.structural_virality, Some(1.0));
}

#[test]
fn a_self_sender_roots_its_own_tree() {
    let m = cascade_metrics(&[ev(0, None, 0), ev(1, Some(1), 1)]);
    assert_eq!((m.trees, m.largest, m.depth), (2, 1, 0));
    assert_eq!(m.structural_virality, None);
    // Even when the node appears earlier in the list (a repeated event), a
    // node is never its own parent.
    let m = cascade_metrics(&[ev(0, None, 0), ev(0, Some(0), 1)]);
    assert_eq!((m.trees, m.adopters, m.depth), (2, 2, 0));
}

#[test]
fn an_empty_cascade_and_a_single_node() {
    let empty = cascade_metrics(&[]);
    assert_eq!(empty, CascadeMetrics::default());
    assert_eq!((empty.trees, empty.adopters, empty.largest), (0, 0, 0));
    assert_eq!(empty.structural_virality, None);
    assert_eq!(empty.mean_size(), 0.0);

    let one = cascade_metrics(&[ev(7, None, 0)]);
    assert_eq!(
        (one.trees, one.adopters, one.largest, one.depth),
        (1, 1, 1, 0)
    );
    assert_eq!(one.structural_virality, None);
    assert_eq!(one.mean_size(), 1.0);
}

/// A random cascade: `m` adopters with distinct random node ids (not in
/// adoption order); each adopter roots a tree with probability
/// `p_root` (no sender, a sender that adopts later, or itself), else its
/// sender is a uniform earlier adopter.
fn random_cascade(seed: u64, m: usize, p_root: f64) -> Vec<Event> {
    let mut rng = stream_rng(seed, 0);
    // A random permutation of 0..2m; the first m are the adopters.
    let mut ids: Vec<u32> = (0..2 * m as u32).collect();
    for i in (1..ids.len()).rev() {
        let j = below(&mut rng, i as u64 + 1) as usize;
        ids.swap(i, j);
    }
    let mut events = Vec::with_capacity(m);
    for i in 0..m {
        let sender = if i == 0 || uniform_f64(&mut rng) < p_root {
            match below(&mut rng, 3) {
                0 => None,
                1 => Some(ids[m + below(&mut rng, m as u64) as usize]),
                _ => Some(ids[i]),
            }
        } else {
            Some(ids[below(&mut rng, i as u64) as usize])
        };
        events.push(ev(ids[i], sender, i as u32));
    }
    events
}

/// The same metrics the slow way: parents by search, trees by their root,
/// and every pairwise distance of the largest tree by BFS.
fn brute_force(events: &[Event]) -> CascadeMetrics {
    let m = events.len();
    let parent: Vec<Option<usize>> = events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let s = e.sender.filter(|&s| s != e.node)?;
            events[..i].iter().position(|x| x.node == s)
        })
        .collect();
    let root_of = |mut i: usize| {
        while let Some(p) = parent[i] {
            i = p;
        }
        i
    };
    let depth_of = |mut i: usize| {
        let mut d = 0;
        while let Some(p) = parent[i] {
            i = p;
            d += 1;
        }
        d
    };
    let roots: Vec<usize> = (0..m).filter(|&i| parent[i].is_none()).collect();
    let size = |r: usize| (0..m).filter(|&i| root_of(i) == r).count();
    let mut best: Option<(usize, usize)> = None;
    for &r in &roots {
        if best.is_none_or(|(_, s)| size(r) > s) {
            best = Some((r, size(r)));
        }
    }
    let (root, largest) = best.unwrap_or((0, 0));
    let members: Vec<usize> = (0..m).filter(|&i| root_of(i) == root).collect();
    let mut adj = vec![Vec::new(); m];
    for (i, p) in parent.iter().enumerate() {
        if let Some(p) = *p {
            adj[i].push(p);
            adj[p].push(i);
        }
    }
    let mut total = 0u64;
    for &a in &members {
        let mut dist = vec![u64::MAX; m];
        dist[a] = 0;
        let mut queue = VecDeque::from([a]);
        while let Some(u) = queue.pop_front() {
            for &w in &adj[u] {
                if dist[w] == u64::MAX {
                    dist[w] = dist[u] + 1;
                    queue.push_back(w);
                }
            }
        }
        total += members.iter().map(|&b| dist[b]).sum::<u64>();
    }
    let k = members.len() as f64;
    CascadeMetrics {
        trees: roots.len(),
        adopters: m,
        largest,
        depth: (0..m).map(depth_of).max().unwrap_or(0),
        // `total` counts each pair twice.
        structural_virality: (members.len() >= 2).then(|| total as f64 / (k * (k - 1.0))),
    }
}

#[test]
fn virality_in_linear_time_equals_the_mean_pairwise_distance_by_bfs() {
    let mut trees_seen = 0;
    for seed in 0..400u64 {
        let m = 1 + (seed % 60) as usize;
        let p_root = [0.0, 0.05, 0.3][(seed % 3) as usize];
        let events = random_cascade(seed, m, p_root);
        let fast = cascade_metrics(&events);
        let slow = brute_force(&events);
        assert_eq!(
            (fast.trees, fast.adopters, fast.largest, fast.depth),
            (slow.trees, slow.adopters, slow.largest, slow.depth),
            "seed {seed}"
        );
        match (fast.structural_virality, slow.structural_virality) {
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1e-12 * b, "seed {seed}: {a} vs {b}"),
            (a, b) => assert_eq!(a, b, "seed {seed}"),
        }
        trees_seen += slow.trees;
    }
    // The generator made forests, not only single trees.
    assert!(trees_seen > 1_000, "{trees_seen}");
}

// ------------------------------------- (2) run_kpis, deterministic runs

#[test]
fn ic_with_p_1_on_a_path_gives_every_kpi_exactly() {
    // 0 -> 1 -> ... -> 5, seed 0, p = 1: node t adopts at step t; step 6
    // finds nothing and ends the run.
    let network = path(6);
    let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
    let r = run_kpis(&network, &ic, &[0], &KpiSpec::default(), &options(20, 3)).unwrap();
    assert_eq!((r.runs, r.finished_runs, r.master_seed), (20, 20, MASTER));
    assert_eq!(r.model, ic.name());
    let exact = [
        ("reach", 6.0),
        ("adoption", 6.0),
        ("adoption_rate", 1.0),
        ("target_adoption_rate", 1.0),
        ("steps", 6.0),
        // Cumulative adoption 1, 2, ..., 6: 3 >= 0.5 x 6 at step 2, and
        // 6 >= 0.9 x 6 = 5.4 first at step 5.
        ("time_to_50", 2.0),
        ("time_to_90", 5.0),
        ("cascade_trees", 1.0),
        ("cascade_size", 6.0),
        ("largest_cascade", 6.0),
        ("cascade_depth", 5.0),
        ("structural_virality", 7.0 / 3.0),
        ("seeds", 1.0),
        ("adoptions:channel:tie", 5.0),
        ("adoptions:role:consumer", 5.0),
        ("adoptions:outside", 0.0),
        ("cost", 0.0),
        ("cost_per_adoption", 0.0),
    ];
    for (name, value) in exact {
        assert_constant(&r, name, value);
    }
    // Every KPI is checked above, in the documented order.
    assert_eq!(names(&r), exact.map(|(n, _)| n));
    assert!(r.kpi("roi").is_none());
    assert_eq!(r.adoption_distribution.len(), 1);
    assert_eq!(
        (
            r.adoption_distribution[0].adopters,
            r.adoption_distribution[0].runs
        ),
        (6, 20)
    );
    // Curves: one point per step 0..=6, the run keeping its final value.
    let means = |c: &[Estimate]| c.iter().map(|e| e.mean).collect::<Vec<_>>();
    assert_eq!(
        means(&r.curves.adoption),
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0]
    );
    assert_eq!(means(&r.curves.reach), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 6.0]);
    assert_eq!(r.curves.by_channel.len(), 2);
    assert_eq!(r.curves.by_channel[0].name, "seeds");
    assert_eq!(means(&r.curves.by_channel[0].points), [1.0; 7]);
    assert_eq!(r.curves.by_channel[1].name, "tie");
    assert_eq!(
        means(&r.curves.by_channel[1].points),
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 5.0]
    );
    assert!(r.curves.adoption.iter().all(|e| e.std_dev == 0.0));
    // The table names every KPI.
    let table = r.to_string();
    assert!(names(&r).iter().all(|n| table.contains(n)), "{table}");
}

#[test]
fn time_to_50_and_90_on_paths_of_every_length() {
    // On a path of n nodes the cumulative adoption at step t is t + 1, so
    // time_to_x = ceil(x n) - 1, in integers: ceil(n / 2) - 1 and
    // ceil(9 n / 10) - 1.
    for n in 1..=45u32 {
        let network = path(n);
        let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
        let r = run_kpis(&network, &ic, &[0], &KpiSpec::default(), &options(2, 1)).unwrap();
        assert_constant(&r, "time_to_50", f64::from(n.div_ceil(2) - 1));
        assert_constant(&r, "time_to_90", f64::from((9 * n).div_ceil(10) - 1));
        assert_constant(&r, "cascade_depth", f64::from(n - 1));
        assert_eq!(r.curves.adoption.len(), n as usize + 1, "n = {n}");
        if n >= 2 {
            assert_constant(&r, "structural_virality", f64::from(n + 1) / 3.0);
        } else {
            assert_eq!(kpi(&r, "structural_virality").runs, 0);
        }
    }
}

#[test]
fn ic_with_p_1_on_a_forest_of_two_seeds() {
    // A complete binary out-tree 0 -> {1, 2}, 1 -> {3, 4}, 2 -> {5, 6};
    // seed 7 isolated; node 8 points at 0 and is never reached.
    let network = net(9, &[(0, 1), (0, 2), (1, 3), (1, 4), (2, 5), (2, 6), (8, 0)]);
    let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
    let r = run_kpis(&network, &ic, &[0, 7], &KpiSpec::default(), &options(10, 4)).unwrap();
    // New adoptions per step 2, 2, 4: total 8; 4 >= 4 at step 1; 8 >= 7.2
    // at step 2. Distances in the 7-node tree: edge (parent, child) with a
    // subtree of s below splits the pairs s (7 - s): 2 x 3 x 4 + 4 x 1 x 6
    // = 48 over 21 pairs.
    for (name, value) in [
        ("reach", 8.0),
        ("adoption", 8.0),
        ("adoption_rate", 8.0 / 9.0),
        ("steps", 3.0),
        ("time_to_50", 1.0),
        ("time_to_90", 2.0),
        ("cascade_trees", 2.0),
        ("cascade_size", 4.0),
        ("largest_cascade", 7.0),
        ("cascade_depth", 2.0),
        ("structural_virality", 48.0 / 21.0),
        ("seeds", 2.0),
        ("adoptions:channel:tie", 6.0),
    ] {
        assert_constant(&r, name, value);
    }
    let means: Vec<f64> = r.curves.adoption.iter().map(|e| e.mean).collect();
    assert_eq!(means, [2.0, 4.0, 8.0, 8.0]);
}

// ---------------------------- (3) an out-star with p: closed forms

#[test]
fn out_star_kpis_match_the_binomial() {
    // Seed 0 with k leaves, p: L ~ Binomial(k, p) leaves adopt at step 1.
    // time_to_50 = 1 iff 1 < (1 + L) / 2 iff L >= 2;
    // time_to_90 = 1 iff 1 < 0.9 (1 + L) iff L >= 1.
    let (k, p, runs) = (10u32, 0.3, 20_000u64);
    let network = net(k as usize + 1, &(1..=k).map(|v| (0, v)).collect::<Vec<_>>());
    let ic = IndependentCascade::uniform(&network, p).unwrap();
    let r = run_kpis(&network, &ic, &[0], &KpiSpec::default(), &options(runs, 64)).unwrap();
    assert_eq!(r.runs, runs);
    let kf = f64::from(k);
    let adoption = kpi(&r, "adoption");
    assert_close(
        adoption,
        1.0 + kf * p,
        (kf * p * (1.0 - p)).sqrt(),
        "adoption",
    );
    // The sample sd estimates sqrt(k p q) = 1.449; its standard error is
    // about sd / sqrt(2 runs) = 0.0072.
    assert!((adoption.std_dev - (kf * p * (1.0 - p)).sqrt()).abs() < 4.0 * 0.0073);

    // Each run: adoptions through the tie = adopters - seeds; reach =
    // adoption (IC exposes exactly the adopters).
    let tie = kpi(&r, "adoptions:channel:tie");
    assert_eq!(tie.runs, runs);
    assert!((tie.mean - (adoption.mean - 1.0)).abs() < 1e-9, "{tie:?}");
    assert!((tie.std_dev - adoption.std_dev).abs() < 1e-9);
    assert_eq!(kpi(&r, "reach"), adoption);
    let by_role: f64 = r
        .kpis
        .iter()
        .filter(|k| k.name.starts_with("adoptions:role:") || k.name == "adoptions:outside")
        .map(|k| k.estimate.mean)
        .sum();
    assert!((by_role - (adoption.mean - 1.0)).abs() < 1e-9);
    assert_eq!(kpi(&r, "adoptions:outside").mean, 0.0);

    let q = 1.0 - p;
    let p50 = 1.0 - q.powi(k as i32) - kf * p * q.powi(k as i32 - 1);
    let p90 = 1.0 - q.powi(k as i32);
    let bern_sd = |x: f64| (x * (1.0 - x)).sqrt();
    assert_close(kpi(&r, "time_to_50"), p50, bern_sd(p50), "time_to_50");
    assert_close(kpi(&r, "time_to_90"), p90, bern_sd(p90), "time_to_90");
    // Steps: 1 when no leaf adopts (the frontier is empty after step 1),
    // else 2.
    assert_close(kpi(&r, "steps"), 1.0 + p90, bern_sd(p90), "steps");
    // Structural virality: a star of 1 + L nodes, 2 L / (1 + L), undefined
    // when L = 0.
    let sv = kpi(&r, "structural_virality");
    let defined: Vec<(f64, f64)> = (1..=k)
        .map(|j| {
            let jf = f64::from(j);
            (binomial_pmf(k, p, j) / p90, 2.0 * jf / (1.0 + jf))
        })
        .collect();
    let mean: f64 = defined.iter().map(|(w, x)| w * x).sum();
    let var: f64 = defined.iter().map(|(w, x)| w * (x - mean).powi(2)).sum();
    assert_close(sv, mean, var.sqrt(), "structural_virality");
    // Its runs are those with L >= 1: binomial.
    let sv_runs = Estimate {
        runs,
        mean: sv.runs as f64 / runs as f64,
        ..Estimate::default()
    };
    assert_close(&sv_runs, p90, bern_sd(p90), "runs defining the virality");

    // The distribution of final adoption: 1 + Binomial(k, p), bucket by
    // bucket where the expected count is large enough for the normal
    // approximation.
    let total: u64 = r.adoption_distribution.iter().map(|s| s.runs).sum();
    assert_eq!(total, runs);
    for j in 0..=k {
        let expected = runs as f64 * binomial_pmf(k, p, j);
        if expected < 20.0 {
            continue;
        }
        let got = r
            .adoption_distribution
            .iter()
            .find(|s| s.adopters == u64::from(j) + 1)
            .map_or(0, |s| s.runs) as f64;
        let sd = (expected * (1.0 - binomial_pmf(k, p, j))).sqrt();
        assert!(
            (got - expected).abs() <= 4.0 * sd,
            "L = {j}: {got} vs {expected}"
        );
    }
}

// ------------------------------------------------ (4) target audience

fn consumer(activity: f64, credibility: f64, susceptibility: f64) -> BuiltinActor {
    Consumer {
        profile: Profile::new(activity, credibility, susceptibility, 1.0).unwrap(),
    }
    .into()
}

fn leader() -> BuiltinActor {
    OpinionLeader::new(
        Profile::new(1.0, 1.0, 1.0, 1.0).unwrap(),
        Sponsorship::Organic,
        0.0,
    )
    .unwrap()
    .into()
}

/// A graph of the given actors, full-trust arcs and named groups.
fn graph(
    actors: Vec<BuiltinActor>,
    arcs: &[(usize, usize)],
    groups: &[(&str, &[usize])],
) -> Network {
    let mut g: SocialGraph = SocialGraph::new();
    for (i, a) in actors.into_iter().enumerate() {
        g.add_actor(i as u64, a).unwrap();
    }
    for &(u, v) in arcs {
        g.add_tie(NodeIndex::new(u), NodeIndex::new(v), SocialTie::follow(1.0))
            .unwrap();
    }
    for (name, members) in groups {
        g.add_group(*name, members.iter().map(|&m| NodeIndex::new(m)))
            .unwrap();
    }
    g.freeze().unwrap()
}

#[test]
fn target_audiences_give_the_rates_of_their_nodes() {
    // Leaders 0 and 3, consumers 1, 2, 4, 5. Arcs 0 -> 1, 0 -> 2, 1 -> 4;
    // with p = 1 from seed 0 the adopters are {0, 1, 2, 4}.
    let c = || consumer(1.0, 1.0, 1.0);
    let network = graph(
        vec![leader(), c(), c(), leader(), c(), c()],
        &[(0, 1), (0, 2), (1, 4)],
        &[
            ("g1", &[1, 3]),
            ("g2", &[3, 5]),
            ("g3", &[2, 4]),
            ("empty", &[]),
        ],
    );
    let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
    let rate = |target: Target| {
        let spec = KpiSpec {
            target,
            ..KpiSpec::default()
        };
        run_kpis(&network, &ic, &[0], &spec, &options(5, 2))
    };
    let s = |x: &str| x.to_string();
    for (target, exact) in [
        (Target::All, 4.0 / 6.0),
        (Target::Role(s("opinion_leader")), 1.0 / 2.0),
        (Target::Role(s("consumer")), 3.0 / 4.0),
        (Target::Groups(vec![s("g1")]), 1.0 / 2.0),
        (Target::Groups(vec![s("g2")]), 0.0),
        (Target::Groups(vec![s("g1"), s("g3")]), 3.0 / 4.0),
        // Overlapping groups count a member once: {1, 3, 5}.
        (Target::Groups(vec![s("g1"), s("g2")]), 1.0 / 3.0),
        (Target::Groups(vec![s("g1"), s("empty")]), 1.0 / 2.0),
        (Target::Nodes(vec![1, 3, 5]), 1.0 / 3.0),
        (Target::Nodes(vec![1, 1, 3]), 1.0 / 2.0),
        (Target::Nodes(vec![4]), 1.0),
    ] {
        let r = rate(target.clone()).unwrap();
        assert_constant(&r, "target_adoption_rate", exact);
        // The target changes nothing else.
        assert_constant(&r, "adoption_rate", 4.0 / 6.0);
    }
    // Adoptions by the sender's role: 1 and 2 from leader 0, 4 from
    // consumer 1.
    let r = rate(Target::All).unwrap();
    assert_constant(&r, "adoptions:role:opinion_leader", 2.0);
    assert_constant(&r, "adoptions:role:consumer", 1.0);
    assert_constant(&r, "adoptions:outside", 0.0);

    for bad in [
        Target::Role(s("business")),
        Target::Role(s("")),
        Target::Groups(vec![s("nope")]),
        Target::Groups(vec![s("g1"), s("nope")]),
        Target::Groups(vec![s("empty")]),
        Target::Groups(Vec::new()),
        Target::Nodes(vec![6]),
        Target::Nodes(vec![0, u32::MAX]),
        Target::Nodes(Vec::new()),
    ] {
        assert!(is_invalid_parameter(bad.mask(&network)), "{bad:?}");
        assert!(is_invalid_parameter(rate(bad.clone())), "{bad:?}");
    }
    // The mask itself.
    assert_eq!(
        Target::Groups(vec![s("g1"), s("g3")])
            .mask(&network)
            .unwrap(),
        [false, true, true, true, true, false]
    );
    assert_eq!(Target::All.mask(&network).unwrap(), [true; 6]);
}

// ------------------------------------------------------------ (5) curves

fn marketing_network() -> Network {
    common::marketing_network(300, 23)
}

/// Ads by the business (paid), posts by leaders, private messages and
/// posts by adopters.
pub(crate) fn marketing_campaign(network: &Network) -> Campaign {
    let ch = |c: wom::BuiltinChannel, senders| CampaignChannel::new(c, senders);
    Campaign::new(
        network,
        CampaignOptions::new(
            vec![
                ch(
                    Advertising::new(0.01, 0.8)
                        .unwrap()
                        .with_cost_per_message(0.25)
                        .unwrap()
                        .into(),
                    Sender::Business,
                ),
                ch(Post::new(0.9).unwrap().into(), Sender::OpinionLeaders),
                ch(
                    PrivateMessage::new(1.0, RecipientChoice::ByTrust)
                        .unwrap()
                        .into(),
                    Sender::AdoptersOfRole("consumer".into()),
                ),
                ch(Post::new(0.5).unwrap().into(), Sender::Adopters),
            ],
            12,
        )
        .with_talk_periods(3),
    )
    .unwrap()
}

#[test]
fn curves_add_up_and_end_at_the_kpis() {
    let network = marketing_network();
    let campaign = marketing_campaign(&network);
    let seeds = [5u32, 50, 150];
    let spec = KpiSpec {
        seeding_cost: 30.0,
        value_per_adoption: Some(2.0),
        ..KpiSpec::default()
    };
    let r = run_kpis(&network, &campaign, &seeds, &spec, &options(600, 16)).unwrap();
    let c = &r.curves;
    let adoption = kpi(&r, "adoption");
    assert!(adoption.std_dev > 0.0, "the test needs random outcomes");

    // Same length everywhere: every run lasts the horizon (the business
    // always sends), so steps 0..=12.
    assert_constant(&r, "steps", 12.0);
    let len = c.adoption.len();
    assert_eq!(len, 13);
    assert_eq!(c.reach.len(), len);
    let mut sources = vec!["seeds".to_string()];
    sources.extend(campaign.channel_names());
    assert_eq!(
        c.by_channel
            .iter()
            .map(|n| n.name.clone())
            .collect::<Vec<_>>(),
        sources
    );
    assert!(c.by_channel.iter().all(|n| n.points.len() == len));

    // The last points are the KPIs.
    assert!((c.adoption[len - 1].mean - adoption.mean).abs() < 1e-9);
    assert!((c.adoption[len - 1].std_dev - adoption.std_dev).abs() < 1e-9);
    assert!((c.reach[len - 1].mean - kpi(&r, "reach").mean).abs() < 1e-9);
    for (curve, name) in c.by_channel[1..].iter().zip(campaign.channel_names()) {
        let total = kpi(&r, &format!("adoptions:channel:{name}"));
        assert!(
            (curve.points[len - 1].mean - total.mean).abs() < 1e-9,
            "{name}"
        );
    }
    // Sources add up to the adoption curve at every step; curves never
    // decrease; seeds are the seeds throughout.
    for t in 0..len {
        let sum: f64 = c.by_channel.iter().map(|n| n.points[t].mean).sum();
        assert!((sum - c.adoption[t].mean).abs() < 1e-9, "step {t}");
        assert!(c.adoption[t].mean <= c.reach[t].mean + 1e-9, "step {t}");
        assert_eq!(c.by_channel[0].points[t].mean, 3.0);
        if t > 0 {
            assert!(c.adoption[t].mean >= c.adoption[t - 1].mean);
            assert!(c.reach[t].mean >= c.reach[t - 1].mean);
        }
    }
    assert_eq!(c.adoption[0].mean, 3.0);
    assert!(c.adoption.iter().all(|e| e.runs == r.runs));

    // The distribution of final adoption: sorted, one entry per size,
    // summing to the runs, its weighted mean the adoption mean.
    let d = &r.adoption_distribution;
    assert!(d.windows(2).all(|w| w[0].adopters < w[1].adopters));
    assert!(d.iter().all(|s| s.runs > 0));
    assert_eq!(d.iter().map(|s| s.runs).sum::<u64>(), r.runs);
    let weighted: f64 = d.iter().map(|s| (s.adopters * s.runs) as f64).sum::<f64>() / r.runs as f64;
    assert!((weighted - adoption.mean).abs() < 1e-9);
    // The seeds always adopt.
    assert!(d[0].adopters >= 3);

    // Attribution adds up per run, so in the means.
    let channels: f64 = campaign
        .channel_names()
        .iter()
        .map(|n| kpi(&r, &format!("adoptions:channel:{n}")).mean)
        .sum();
    assert!((channels - (adoption.mean - 3.0)).abs() < 1e-9);
    let roles: f64 = r
        .kpis
        .iter()
        .filter(|k| k.name.starts_with("adoptions:role:") || k.name == "adoptions:outside")
        .map(|k| k.estimate.mean)
        .sum();
    assert!((roles - (adoption.mean - 3.0)).abs() < 1e-9);
    // The business node exists, so no advertising comes from outside.
    assert_eq!(kpi(&r, "adoptions:outside").mean, 0.0);
    assert!(
        (kpi(&r, "adoptions:channel:advertising").mean - kpi(&r, "adoptions:role:business").mean)
            .abs()
            < 1e-9
    );
    // Cost: seeding + 0.25 per ad message.
    let messages = kpi(&r, "messages:advertising");
    assert!((kpi(&r, "cost").mean - (30.0 + 0.25 * messages.mean)).abs() < 1e-9);
    // The business sends at most one message per step, as its activity
    // allows.
    assert!(messages.mean <= 12.0 && messages.mean > 0.0);
}

// ------------------------------------------------------- (6) economics

/// Nodes 0, 1, 2 consumers (susceptibility 1), node 3 never persuaded; no
/// ties. Ads from outside with share 1 reach all 4 every step.
fn ad_network() -> Network {
    let c = |s| consumer(1.0, 1.0, s);
    graph(vec![c(1.0), c(1.0), c(1.0), c(0.0)], &[], &[])
}

/// Ads from outside, one channel per `(share, cost per message)`.
fn ad_campaign(network: &Network, ads: &[(f64, f64)], horizon: u32) -> Campaign {
    let channels = ads
        .iter()
        .map(|&(share, cost)| {
            CampaignChannel::new(
                Advertising::new(share, 1.0)
                    .unwrap()
                    .with_cost_per_message(cost)
                    .unwrap(),
                Sender::Outside,
            )
        })
        .collect();
    Campaign::new(
        network,
        CampaignOptions::new(channels, horizon).with_talk_periods(1),
    )
    .unwrap()
}

#[test]
fn cost_cost_per_adoption_and_roi_of_a_certain_campaign() {
    // Seed 0; at step 1 the ad (share 1) persuades 1 and 2; 3 never
    // adopts, so the campaign runs its whole horizon H, sending one
    // message per channel per step (the second channel, share 0, reaches
    // nobody but is paid for): cost = seeding + H (c1 + c2).
    let network = ad_network();
    let h = 7u32;
    let (c1, c2) = (1.5, 0.25);
    let campaign = ad_campaign(&network, &[(1.0, c1), (0.0, c2)], h);
    assert_eq!(campaign.channel_names(), ["advertising", "advertising_2"]);
    let (seeding, value) = (10.0, 25.0);
    let spec = KpiSpec {
        seeding_cost: seeding,
        value_per_adoption: Some(value),
        ..KpiSpec::default()
    };
    let r = run_kpis(&network, &campaign, &[0], &spec, &options(9, 2)).unwrap();
    let hf = f64::from(h);
    let cost = seeding + hf * (c1 + c2);
    let gained = 2.0;
    for (name, exact) in [
        ("adoption", 3.0),
        ("reach", 4.0),
        ("steps", hf),
        ("adoptions:channel:advertising", 2.0),
        ("adoptions:channel:advertising_2", 0.0),
        ("adoptions:outside", 2.0),
        ("messages:advertising", hf),
        ("messages:advertising_2", hf),
        ("deliveries:advertising", 4.0 * hf),
        ("deliveries:advertising_2", 0.0),
        ("cost", cost),
        ("cost_per_adoption", cost / gained),
        ("roi", (value * gained - cost) / cost),
    ] {
        assert_constant(&r, name, exact);
    }
    assert_eq!(cost, 22.25);
    // The curves have a point for every step the campaign ran, also after
    // the last adoption: steps 0..=H.
    let means: Vec<f64> = r.curves.adoption.iter().map(|e| e.mean).collect();
    assert_eq!(means.len(), h as usize + 1);
    assert_eq!(means[..3], [1.0, 3.0, 3.0]);
    assert!(means[2..].iter().all(|&m| m == 3.0));
    assert!(r.curves.reach.iter().skip(1).all(|e| e.mean == 4.0));
    // roi is the last KPI, after cost and cost_per_adoption.
    let n = r.kpis.len();
    assert_eq!(names(&r)[n - 3..], ["cost", "cost_per_adoption", "roi"]);

    // Everyone persuadable: the run ends after step 1 with one message
    // per channel.
    let everyone = graph(vec![consumer(1.0, 1.0, 1.0); 4], &[], &[]);
    let campaign = ad_campaign(&everyone, &[(1.0, c1), (0.0, c2)], h);
    let r = run_kpis(&everyone, &campaign, &[0], &spec, &options(3, 1)).unwrap();
    assert_constant(&r, "steps", 1.0);
    assert_constant(&r, "messages:advertising", 1.0);
    assert_constant(&r, "cost", seeding + c1 + c2);
    assert_constant(&r, "cost_per_adoption", (seeding + c1 + c2) / 3.0);

    // No value per adoption: no roi. A value of 0: roi = -1.
    let campaign = ad_campaign(&network, &[(1.0, c1)], h);
    let no_value = KpiSpec {
        seeding_cost: seeding,
        ..KpiSpec::default()
    };
    let r = run_kpis(&network, &campaign, &[0], &no_value, &options(3, 1)).unwrap();
    assert!(r.kpi("roi").is_none());
    assert_constant(&r, "cost", seeding + hf * c1);
    let zero_value = KpiSpec {
        value_per_adoption: Some(0.0),
        ..no_value.clone()
    };
    let r = run_kpis(&network, &campaign, &[0], &zero_value, &options(3, 1)).unwrap();
    assert_constant(&r, "roi", -1.0);

    // Free campaign: cost 0, cost per adoption 0, roi undefined (0 cost).
    let free = ad_campaign(&network, &[(1.0, 0.0)], h);
    let spec = KpiSpec {
        value_per_adoption: Some(value),
        ..KpiSpec::default()
    };
    let r = run_kpis(&network, &free, &[0], &spec, &options(3, 1)).unwrap();
    assert_constant(&r, "cost", 0.0);
    assert_constant(&r, "cost_per_adoption", 0.0);
    assert_eq!(kpi(&r, "roi").runs, 0);

    // No adoption beyond the seeds: cost per adoption undefined.
    let star = net(3, &[(0, 1), (0, 2)]);
    let ic = IndependentCascade::uniform(&star, 0.0).unwrap();
    let spec = KpiSpec {
        seeding_cost: 5.0,
        value_per_adoption: Some(1.0),
        ..KpiSpec::default()
    };
    let r = run_kpis(&star, &ic, &[0], &spec, &options(4, 2)).unwrap();
    assert_constant(&r, "cost", 5.0);
    assert_eq!(kpi(&r, "cost_per_adoption").runs, 0);
    assert_constant(&r, "roi", -1.0);
    // Display shows undefined KPIs without a panic.
    assert!(r.to_string().contains("undefined"));
}

#[test]
fn a_run_without_adopters_leaves_ratios_and_times_undefined() {
    // No seeds, and ads that reach nobody: nothing happens for H steps.
    let network = ad_network();
    let h = 5;
    let campaign = ad_campaign(&network, &[(0.0, 2.0)], h);
    let spec = KpiSpec {
        seeding_cost: 1.0,
        value_per_adoption: Some(4.0),
        ..KpiSpec::default()
    };
    let r = run_kpis(&network, &campaign, &[], &spec, &options(6, 4)).unwrap();
    for (name, exact) in [
        ("adoption", 0.0),
        ("reach", 0.0),
        ("adoption_rate", 0.0),
        ("target_adoption_rate", 0.0),
        ("steps", f64::from(h)),
        ("cascade_trees", 0.0),
        ("largest_cascade", 0.0),
        ("cascade_depth", 0.0),
        ("seeds", 0.0),
        ("messages:advertising", f64::from(h)),
        ("cost", 1.0 + 2.0 * f64::from(h)),
        // value x 0 - cost = -cost.
        ("roi", -1.0),
    ] {
        assert_constant(&r, name, exact);
    }
    // No adopter: no time to half of them, no mean tree size, no
    // virality, no cost per adoption.
    for name in [
        "time_to_50",
        "time_to_90",
        "cascade_size",
        "structural_virality",
        "cost_per_adoption",
    ] {
        assert_eq!(kpi(&r, name).runs, 0, "{name}");
    }
    assert_eq!(r.curves.adoption.len(), h as usize + 1);
    assert!(r.curves.adoption.iter().all(|e| e.mean == 0.0));
    assert_eq!(r.adoption_distribution.len(), 1);
    assert_eq!(r.adoption_distribution[0].adopters, 0);
}

#[test]
fn roi_of_a_random_campaign_follows_from_its_adoption() {
    // Ads with share s from outside on 50 unconnected consumers for H
    // steps: each non-seed adopts with 1 - (1 - s)^H independently; the
    // campaign always lasts H steps unless everyone adopted (negligible).
    let (n, s, h, c, seeding, value) = (50usize, 0.05f64, 6u32, 2.0, 20.0, 3.0);
    let network = graph(vec![consumer(1.0, 1.0, 1.0); n], &[], &[]);
    let campaign = ad_campaign(&network, &[(s, c)], h);
    let spec = KpiSpec {
        seeding_cost: seeding,
        value_per_adoption: Some(value),
        ..KpiSpec::default()
    };
    let runs = 4_000;
    let r = run_kpis(&network, &campaign, &[0], &spec, &options(runs, 32)).unwrap();
    let cost = seeding + f64::from(h) * c;
    assert_constant(&r, "cost", cost);
    let pa = 1.0 - (1.0 - s).powi(h as i32);
    let k = (n - 1) as f64;
    let gained_sd = (k * pa * (1.0 - pa)).sqrt();
    assert_close(kpi(&r, "adoption"), 1.0 + k * pa, gained_sd, "adoption");
    // roi is linear in the gain: its mean and sd follow exactly from the
    // adoption's.
    let adoption = kpi(&r, "adoption");
    let roi = kpi(&r, "roi");
    assert_eq!(roi.runs, runs);
    assert!((roi.mean - (value * (adoption.mean - 1.0) - cost) / cost).abs() < 1e-9);
    assert!((roi.std_dev - value * adoption.std_dev / cost).abs() < 1e-9);
}

#[test]
fn invalid_specs_are_errors() {
    let network = path(3);
    let ic = IndependentCascade::uniform(&network, 0.5).unwrap();
    for spec in [
        KpiSpec {
            seeding_cost: -1.0,
            ..KpiSpec::default()
        },
        KpiSpec {
            seeding_cost: f64::NAN,
            ..KpiSpec::default()
        },
        KpiSpec {
            seeding_cost: f64::INFINITY,
            ..KpiSpec::default()
        },
        KpiSpec {
            value_per_adoption: Some(f64::NAN),
            ..KpiSpec::default()
        },
        KpiSpec {
            value_per_adoption: Some(-0.5),
            ..KpiSpec::default()
        },
        KpiSpec {
            value_per_adoption: Some(f64::INFINITY),
            ..KpiSpec::default()
        },
    ] {
        let got = run_kpis(&network, &ic, &[0], &spec, &options(2, 1));
        assert!(is_invalid_parameter(got), "{spec:?}");
    }
    // Bad seeds and options are the engine's and the ensemble's errors.
    let spec = KpiSpec::default();
    assert!(matches!(
        run_kpis(&network, &ic, &[3], &spec, &options(2, 1)),
        Err(Error::UnknownNode { .. })
    ));
    assert!(is_invalid_parameter(run_kpis(
        &network,
        &ic,
        &[0, 0],
        &spec,
        &options(2, 1)
    )));
    assert!(is_invalid_parameter(run_kpis(
        &network,
        &ic,
        &[0],
        &spec,
        &options(2, 0)
    )));
    assert!(is_invalid_parameter(run_kpis(
        &network,
        &ic,
        &[0],
        &spec,
        &options(0, 1)
    )));
}

// --------------------------------------------------------- (7) valence

fn random_network(n: usize, p: f64, seed: u64) -> Network {
    let spec = wom::generate::Gnp {
        n,
        p,
        direction: wom::Relation::Follow,
    };
    wom::generate::gnp(&spec, seed).unwrap().freeze().unwrap()
}

#[test]
fn valence_talkers_add_up_to_the_adopters() {
    let network = random_network(400, 0.01, 7);
    let seeds = [0u32, 1, 2, 3];
    let model = ValenceCascade::new(&network, ValenceOptions::new(0.7, 0.4, 0.4)).unwrap();
    let r = run_kpis(
        &network,
        &model,
        &seeds,
        &KpiSpec::default(),
        &options(800, 32),
    )
    .unwrap();
    let (pos, neg) = (kpi(&r, "positive_talkers"), kpi(&r, "negative_talkers"));
    let adoption = kpi(&r, "adoption");
    assert!(neg.mean > 0.0 && adoption.std_dev > 0.0);
    assert_eq!((pos.runs, neg.runs), (r.runs, r.runs));
    assert!((pos.mean + neg.mean - adoption.mean).abs() < 1e-9);
    assert!((kpi(&r, "net_sentiment").mean - (pos.mean - neg.mean)).abs() < 1e-9);
    // Exposed = adopters + rejecting, run by run.
    assert!((kpi(&r, "reach").mean - adoption.mean - kpi(&r, "rejecting").mean).abs() < 1e-9);
    // Every adoption beyond the seeds is positive word of mouth.
    assert!((kpi(&r, "adoptions:channel:positive_wom").mean - (adoption.mean - 4.0)).abs() < 1e-9);
    assert_constant(&r, "adoptions:channel:negative_wom", 0.0);

    // Quality 1: nobody talks negatively, nobody rejects.
    let perfect = ValenceCascade::new(&network, ValenceOptions::new(1.0, 0.4, 0.4)).unwrap();
    let r = run_kpis(
        &network,
        &perfect,
        &seeds,
        &KpiSpec::default(),
        &options(300, 32),
    )
    .unwrap();
    assert_constant(&r, "negative_talkers", 0.0);
    assert_constant(&r, "rejecting", 0.0);
    assert_same(&r, "positive_talkers", "adoption");
    assert_same(&r, "net_sentiment", "adoption");
}

// ------------------------------------------------------ (8) competition

#[test]
fn competing_shares_add_up_to_one() {
    let network = random_network(400, 0.01, 9);
    let options_ab = CompetitionOptions {
        probabilities: BrandProbabilities::Uniform { a: 0.3, b: 0.5 },
        tie_rule: Default::default(),
    };
    let model = CompetitiveCascade::new(&network, options_ab, &[0, 1, 2], &[3, 4]).unwrap();
    let seeds = model.seeds().to_vec();
    let r = run_kpis(
        &network,
        &model,
        &seeds,
        &KpiSpec::default(),
        &options(800, 32),
    )
    .unwrap();
    for kind in ["share_of_voice", "market_share"] {
        let (a, b) = (
            kpi(&r, &format!("{kind}:brand_a")),
            kpi(&r, &format!("{kind}:brand_b")),
        );
        assert_eq!(a.runs, b.runs, "{kind}");
        assert!(a.runs > 0, "{kind}");
        assert!((a.mean + b.mean - 1.0).abs() < 1e-9, "{kind}: {a:?} {b:?}");
        // b = 1 - a in each run: the same spread.
        assert!((a.std_dev - b.std_dev).abs() < 1e-9, "{kind}");
    }
    let adopted = kpi(&r, "adopted:brand_a").mean + kpi(&r, "adopted:brand_b").mean;
    assert!((adopted - kpi(&r, "adoption").mean).abs() < 1e-9);
    let by_channel =
        kpi(&r, "adoptions:channel:brand_a").mean + kpi(&r, "adoptions:channel:brand_b").mean;
    assert!((by_channel - (kpi(&r, "adoption").mean - 5.0)).abs() < 1e-9);

    // No transmission: the market shares are the seeds' shares exactly.
    // Seeds that follow nobody never talk: share of voice is undefined in
    // every run.
    let sinks = net(6, &[(5, 0)]);
    let none = CompetitionOptions {
        probabilities: BrandProbabilities::Uniform { a: 0.0, b: 0.0 },
        tie_rule: Default::default(),
    };
    let model = CompetitiveCascade::new(&sinks, none, &[0, 1, 2], &[3]).unwrap();
    let seeds = model.seeds().to_vec();
    let r = run_kpis(&sinks, &model, &seeds, &KpiSpec::default(), &options(5, 2)).unwrap();
    assert_constant(&r, "market_share:brand_a", 0.75);
    assert_constant(&r, "market_share:brand_b", 0.25);
    for brand in ["brand_a", "brand_b"] {
        assert_eq!(kpi(&r, &format!("share_of_voice:{brand}")).runs, 0);
    }
}

// ---------------------------------------- (9) threads and the budget

#[test]
fn reports_are_bit_identical_whatever_the_threads() {
    let network = marketing_network();
    let campaign = marketing_campaign(&network);
    let spec = KpiSpec {
        target: Target::Role("consumer".into()),
        seeding_cost: 12.5,
        value_per_adoption: Some(1.5),
        ..KpiSpec::default()
    };
    let run = |threads| {
        let options = EnsembleOptions {
            budget: RunBudget::Runs(500),
            master_seed: 77,
            batch_size: 7,
            threads,
            ..EnsembleOptions::default()
        };
        run_kpis(&network, &campaign, &[5, 50, 150], &spec, &options).unwrap()
    };
    let one = run(Some(1));
    assert_eq!(one.runs, 500);
    for threads in [Some(2), Some(4), None] {
        let other = run(threads);
        assert!(other == one, "{threads:?} threads");
        // Bit for bit, not merely equal as floats.
        for (a, b) in one.kpis.iter().zip(&other.kpis) {
            assert_eq!(
                a.estimate.mean.to_bits(),
                b.estimate.mean.to_bits(),
                "{}",
                a.name
            );
            assert_eq!(
                a.estimate.std_dev.to_bits(),
                b.estimate.std_dev.to_bits(),
                "{}",
                a.name
            );
        }
    }
    // A different seed gives a different report (the comparison has
    // teeth).
    let other_seed = run_kpis(
        &network,
        &campaign,
        &[5, 50, 150],
        &spec,
        &EnsembleOptions {
            budget: RunBudget::Runs(500),
            master_seed: 78,
            batch_size: 7,
            threads: Some(2),
            ..EnsembleOptions::default()
        },
    )
    .unwrap();
    assert!(other_seed != one);
    // The report survives JSON.
    let text = serde_json::to_string(&one).unwrap();
    let back: KpiReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back.runs, one.runs);
    assert_eq!(back.kpis.len(), one.kpis.len());
}

#[test]
fn a_half_width_budget_stops_once_the_adoption_interval_is_narrow() {
    // Out-star of 20 leaves with p = 0.25: sd of adoption 1.936, so a
    // half-width of 0.05 needs about (1.96 x 1.936 / 0.05)^2 = 5,760 runs.
    let network = net(21, &(1..=20).map(|v| (0, v)).collect::<Vec<_>>());
    let ic = IndependentCascade::uniform(&network, 0.25).unwrap();
    let budget = |target, max_runs, threads| EnsembleOptions {
        budget: RunBudget::HalfWidth {
            target,
            min_runs: 100,
            max_runs,
        },
        master_seed: 5,
        batch_size: 50,
        threads,
        ..EnsembleOptions::default()
    };
    let r = run_kpis(
        &network,
        &ic,
        &[0],
        &KpiSpec::default(),
        &budget(0.05, 1_000_000, Some(3)),
    )
    .unwrap();
    let adoption = kpi(&r, "adoption");
    assert!(adoption.half_width() <= 0.05, "{adoption:?}");
    assert_eq!(adoption.runs, r.runs);
    assert!(r.runs >= 4_000 && r.runs <= 20_000, "{}", r.runs);
    assert_eq!(r.runs % 50, 0);
    let again = run_kpis(
        &network,
        &ic,
        &[0],
        &KpiSpec::default(),
        &budget(0.05, 1_000_000, Some(1)),
    )
    .unwrap();
    assert!(again == r);

    // An unreachable target stops at max_runs.
    let r = run_kpis(
        &network,
        &ic,
        &[0],
        &KpiSpec::default(),
        &budget(1e-6, 730, None),
    )
    .unwrap();
    assert_eq!(r.runs, 730);
    assert!(kpi(&r, "adoption").half_width() > 1e-6);
}

#[test]
fn kept_runs_hold_every_kpi_of_every_run_and_none_where_undefined() {
    // Out-star, k = 10, p = 0.3: a run where no leaf adopts has no
    // structural virality.
    let star = net(11, &(1..=10).map(|v| (0, v)).collect::<Vec<_>>());
    let ic = IndependentCascade::uniform(&star, 0.3).unwrap();
    let keep = EnsembleOptions {
        keep_runs: true,
        ..options(500, 16)
    };
    let report = run_kpis(&star, &ic, &[0], &KpiSpec::default(), &keep).unwrap();
    let runs = report.per_run.as_ref().expect("runs kept");
    assert_eq!(runs.len(), 500);
    for (j, k) in report.kpis.iter().enumerate() {
        let defined: Vec<f64> = runs.iter().filter_map(|r| r[j]).collect();
        assert_eq!(defined.len() as u64, k.estimate.runs, "{}", k.name);
        if !defined.is_empty() {
            let mean = defined.iter().sum::<f64>() / defined.len() as f64;
            assert!(
                (mean - k.estimate.mean).abs() <= 1e-9 * mean.abs().max(1.0),
                "{}",
                k.name
            );
        }
    }
    let v = report
        .kpis
        .iter()
        .position(|k| k.name == "structural_virality")
        .unwrap();
    let a = report
        .kpis
        .iter()
        .position(|k| k.name == "adoption")
        .unwrap();
    for r in runs {
        assert_eq!(r[v].is_none(), r[a] == Some(1.0));
    }
    // Streaming alone gives the same estimates and no runs.
    let streamed = run_kpis(&star, &ic, &[0], &KpiSpec::default(), &options(500, 16)).unwrap();
    assert_eq!(streamed.per_run, None);
    assert_eq!(streamed.kpis, report.kpis);
    // The kept runs survive a JSON round trip.
    let text = serde_json::to_string(&report).unwrap();
    assert_eq!(serde_json::from_str::<KpiReport>(&text).unwrap(), report);
}

#[test]
fn a_return_quantity_the_strategy_lacks_is_an_error() {
    use wom::kpi::Returns;
    let network = path(4);
    let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
    let spec = KpiSpec {
        returns: Returns::Quantity {
            name: "adopted:brand_a".into(),
            seeds: 1,
        },
        ..KpiSpec::default()
    };
    let err = run_kpis(&network, &ic, &[0], &spec, &options(3, 1)).unwrap_err();
    assert!(err.to_string().contains("adopted:brand_a"), "{err}");
    // Amounts beyond MAX_AMOUNT are refused.
    let dear = KpiSpec {
        seeding_cost: wom::kpi::MAX_AMOUNT * 2.0,
        ..KpiSpec::default()
    };
    assert!(run_kpis(&network, &ic, &[0], &dear, &options(3, 1)).is_err());
}

#[test]
fn the_tree_size_distribution_counts_every_tree_of_every_run() {
    let network = marketing_network();
    let campaign = marketing_campaign(&network);
    let seeds: Vec<u32> = (0..5).collect();
    let report = run_kpis(
        &network,
        &campaign,
        &seeds,
        &KpiSpec::default(),
        &options(300, 16),
    )
    .unwrap();
    let runs = report.runs as f64;
    let trees: u64 = report.tree_size_distribution.iter().map(|t| t.trees).sum();
    let adopters: u64 = report
        .tree_size_distribution
        .iter()
        .map(|t| t.adopters * t.trees)
        .sum();
    let mean_trees = kpi(&report, "cascade_trees").mean;
    let mean_adoption = kpi(&report, "adoption").mean;
    assert!((trees as f64 - mean_trees * runs).abs() < 1e-6 * trees as f64);
    assert!((adopters as f64 - mean_adoption * runs).abs() < 1e-6 * adopters as f64);
    // Sorted, distinct, and the largest tree seen is the largest size.
    let sizes: Vec<u64> = report
        .tree_size_distribution
        .iter()
        .map(|t| t.adopters)
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] < w[1]));
    assert!(sizes[0] >= 1);
    let largest = kpi(&report, "largest_cascade");
    assert!(*sizes.last().unwrap() as f64 >= largest.mean);
}
