//! Observed cascades as data: the tree KPIs of observed and simulated
//! cascades by one definition, their distributions, the two-sample
//! Kolmogorov–Smirnov test against reference values, and the scenario's
//! `observed` section.

use std::path::PathBuf;

use crate::common::net;
use wom::ensemble::{EnsembleOptions, RunBudget};
use wom::kpi::{KpiSpec, run_kpis};
use wom::observed::{
    Binning, CascadeTable, Distribution, KsMethod, ObservedArc, ObservedCascade, ObservedNode,
    TreeKpi, TreeKpis, ValueCount, compare, ks_two_sample,
};
use wom::propagation::IndependentCascade;
use wom::scenario::{Results, Scenario};
use wom::{Error, Network};

fn sample(values: &[f64]) -> Vec<ValueCount> {
    values
        .iter()
        .map(|&value| ValueCount { value, count: 1 })
        .collect()
}

// ---------------------------------------------------------------- KS test

/// No ties (no value in both samples): the exact p-value is scipy's.
/// Reference computed with SciPy 1.17.1:
/// `scipy.stats.ks_2samp(a, b, method="exact")` -> (0.4156521739130435,
/// 0.022028189890593117).
#[test]
fn ks_exact_matches_scipy_without_ties() {
    let a = [
        0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56, 0.39, 1.64, 0.05, -0.06, 0.64, -0.82,
        0.37, 1.77, 1.09, -1.28, 2.36, 1.31, 1.05, -0.32, -0.4, 1.06, -2.47,
    ];
    let b = [
        2.2, 1.66, 1.38, 0.2, 0.36, 0.0, 0.96, 1.56, 0.44, 1.5, -0.3, 0.66, 2.31, 3.29, -0.27,
        1.37, 0.28, 0.9, 1.08, 1.2, 1.93, 0.65, 2.4,
    ];
    let ks = ks_two_sample(&sample(&a), &sample(&b)).unwrap();
    assert_eq!(ks.method, KsMethod::Exact);
    assert_eq!((ks.n_a, ks.n_b), (25, 23));
    assert!((ks.d - 0.4156521739130435).abs() < 1e-15, "{}", ks.d);
    assert!(
        (ks.p_value - 0.022028189890593117).abs() < 1e-12,
        "{}",
        ks.p_value
    );
    // Symmetric in its samples.
    let back = ks_two_sample(&sample(&b), &sample(&a)).unwrap();
    assert!((back.p_value - ks.p_value).abs() < 1e-14);
    assert_eq!(back.d, ks.d);
}

/// Large samples: the asymptotic p-value with Stephens' correction.
/// Reference computed with SciPy 1.17.1 (`scipy.special.kolmogorov` is
/// Q_KS):
/// ```text
/// a = [(i*0.6180339887) % 1.0 for i in range(6000)]
/// b = [((j*0.41421356) % 1.0)*0.97+0.02 for j in range(5000)]
/// d = scipy.stats.ks_2samp(a, b).statistic              # 0.020166666666666666
/// en = sqrt(6000*5000/11000)
/// scipy.special.kolmogorov((en+0.12+0.11/en)*d)         # 0.2150637591272005
/// ```
#[test]
fn ks_asymptotic_matches_the_kolmogorov_distribution() {
    let a: Vec<f64> = (0..6000)
        .map(|i| (f64::from(i) * 0.6180339887) % 1.0)
        .collect();
    let b: Vec<f64> = (0..5000)
        .map(|j| ((f64::from(j) * 0.41421356) % 1.0) * 0.97 + 0.02)
        .collect();
    let ks = ks_two_sample(&sample(&a), &sample(&b)).unwrap();
    assert_eq!(ks.method, KsMethod::Asymptotic);
    assert!((ks.d - 0.020166666666666666).abs() < 1e-15, "{}", ks.d);
    assert!(
        (ks.p_value - 0.2150637591272005).abs() < 1e-12,
        "{}",
        ks.p_value
    );
}

/// Discrete data with ties, worked by hand: a = {1, 1, 2}, b = {2, 3}.
/// F_a is 2/3 at 1 and 1 from 2; F_b is 0 at 1, 1/2 at 2 and 1 at 3; so
/// D = 2/3 (at 1). The p-value is the share of the C(5, 2) = 10 splits of
/// the pooled {1, 1, 2, 2, 3} with D ≥ 2/3 (listed below).
#[test]
fn ks_with_ties_by_hand() {
    let ks = ks_two_sample(&sample(&[1.0, 1.0, 2.0]), &sample(&[2.0, 3.0])).unwrap();
    assert!((ks.d - 2.0 / 3.0).abs() < 1e-15);
    // The splits of {1, 1, 2, 2, 3} into a (3) and b (2), by b:
    // {1,1}: F_a(1)=0, F_b(1)=1 -> D 1.
    // {1,2} (4 ways): F_a(1)=1/3, F_b(1)=1/2; F_a(2)=2/3, F_b(2)=1 -> D 1/3.
    // {1,3} (2 ways): F_a(1)=1/3, F_b(1)=1/2; F_a(2)=1, F_b(2)=1/2 -> D 1/2.
    // {2,2}: F_a(1)=2/3, F_b(1)=0 -> D 2/3 (at 2: 2/3 vs 1).
    // {2,3} (2 ways): F_a(1)=2/3, F_b(1)=0 -> D 2/3.
    // D >= 2/3 in 1 + 1 + 2 = 4 of 10 splits.
    assert!((ks.p_value - 0.4).abs() < 1e-14, "{}", ks.p_value);
    assert_eq!(ks.method, KsMethod::Exact);
}

/// Cascade sizes as counts: the same as the values listed one by one.
#[test]
fn ks_of_counts_equals_ks_of_repeated_values() {
    let x: Vec<f64> = [(1.0, 30), (2.0, 10), (3.0, 5), (7.0, 2)]
        .iter()
        .flat_map(|&(v, c)| std::iter::repeat_n(v, c))
        .collect();
    let counts = |pairs: &[(f64, u64)]| {
        pairs
            .iter()
            .map(|&(value, count)| ValueCount { value, count })
            .collect::<Vec<_>>()
    };
    let y = counts(&[(1.0, 12), (2.0, 10), (4.0, 6), (9.0, 4)]);
    let listed = ks_two_sample(&sample(&x), &y).unwrap();
    let counted = ks_two_sample(&counts(&[(1.0, 30), (2.0, 10), (3.0, 5), (7.0, 2)]), &y).unwrap();
    assert_eq!(listed, counted);
    // The widest gap is at 3: F_x(3) = 45/47, F_y(3) = 22/32 (scipy's D
    // is the same, 0.2699468085106383).
    assert!((listed.d - (45.0 / 47.0 - 22.0 / 32.0)).abs() < 1e-15);
    assert!((listed.d - 0.2699468085106383).abs() < 1e-15);
    // SciPy's exact p (0.09856441360836016) treats the values as distinct;
    // the exact p given the ties is smaller (fewer splits reach D).
    assert!(listed.p_value < 0.09856441360836016, "{}", listed.p_value);
    assert!(listed.p_value > 0.01, "{}", listed.p_value);
}

// --------------------------------------------- distributions and tables

#[test]
fn a_distribution_has_exact_quantiles_and_log_bins() {
    let v = |value, count| ValueCount { value, count };
    let d = Distribution::from_values(
        "size",
        &[v(1.0, 50), v(3.0, 20), v(2.0, 20), v(100.0, 10)],
        0,
        Binning::Log2,
    )
    .unwrap();
    assert_eq!(d.count, 100);
    assert_eq!(d.mean, Some((50.0 + 60.0 + 40.0 + 1000.0) / 100.0));
    assert_eq!(d.median(), Some(1.0));
    assert_eq!(d.quantile(0.75), Some(3.0));
    assert_eq!(d.quantile(0.9), Some(3.0));
    assert_eq!(d.quantile(0.99), Some(100.0));
    assert_eq!(d.max(), Some(100.0));
    assert_eq!(d.min, Some(1.0));
    // Bins [1,2) [2,4) [4,8) [8,16) [16,32) [32,64) [64,128).
    let bins: Vec<(f64, u64)> = d.histogram.iter().map(|b| (b.low, b.count)).collect();
    assert_eq!(
        bins,
        [
            (1.0, 50),
            (2.0, 40),
            (4.0, 0),
            (8.0, 0),
            (16.0, 0),
            (32.0, 0),
            (64.0, 10)
        ]
    );
    // A zero bin of its own; linear bins per integer.
    let z = Distribution::from_values("t", &[v(0.0, 3), v(0.5, 1), v(5.0, 1)], 0, Binning::Log2)
        .unwrap();
    let bins: Vec<(f64, f64, u64)> = z
        .histogram
        .iter()
        .map(|b| (b.low, b.high, b.count))
        .collect();
    assert_eq!(
        bins,
        [
            (0.0, 0.0, 3),
            (0.5, 1.0, 1),
            (1.0, 2.0, 0),
            (2.0, 4.0, 0),
            (4.0, 8.0, 1)
        ]
    );
    let l =
        Distribution::from_values("depth", &[v(0.0, 2), v(3.0, 1)], 0, Binning::Linear).unwrap();
    assert_eq!(
        l.histogram.iter().map(|b| b.count).collect::<Vec<_>>(),
        [2, 0, 0, 1]
    );
    assert!(Distribution::from_values("x", &[v(f64::NAN, 1)], 0, Binning::Linear).is_err());
    let empty = Distribution::from_values("x", &[], 4, Binning::Linear).unwrap();
    assert_eq!((empty.count, empty.undefined, empty.mean), (0, 4, None));
    assert!(empty.quantiles.is_empty() && empty.histogram.is_empty());
}

fn node(i: u64, time: f64) -> ObservedNode {
    ObservedNode { id: i.into(), time }
}

fn arc(parent: u32, child: u32) -> ObservedArc {
    ObservedArc { parent, child }
}

#[test]
fn observed_tree_kpis_follow_the_first_parent_of_a_dag() {
    // 0 -> 1, 0 -> 2, 1 -> 3 and 2 -> 3 (a DAG): 3 counts under 1, its
    // first parent; a second tree 4 -> 5 starts at 50.
    let c = ObservedCascade::new(
        "dag",
        vec![
            node(0, 10.0),
            node(1, 11.0),
            node(2, 12.0),
            node(3, 20.0),
            node(4, 50.0),
            node(5, 49.0),
        ],
        vec![arc(0, 1), arc(0, 2), arc(1, 3), arc(2, 3), arc(4, 5)],
    )
    .unwrap();
    let t = c.tree_kpis();
    assert_eq!(t.len(), 2);
    // Tree 0: 0-1, 0-2, 1-3; distances 1,1,2,2,1,3: mean 10/6.
    assert_eq!((t[0].size, t[0].depth), (4, 2));
    assert_eq!(t[0].structural_virality, Some(10.0 / 6.0));
    // Times 10, 11, 12, 20: the 2nd is 1 after the first, the 4th 10.
    assert_eq!((t[0].time_to_50, t[0].time_to_90), (1.0, 10.0));
    // Tree 1: the child joined before its root (kept as read): times from
    // the earliest, 49.
    assert_eq!((t[1].size, t[1].time_to_50, t[1].time_to_90), (2, 0.0, 1.0));
    // The largest tree is what metrics() measures.
    let m = c.metrics();
    assert_eq!(m.largest as u64, t[0].size);
    assert_eq!(m.structural_virality, t[0].structural_virality);
}

/// The simulated and the observed definitions agree: a certain cascade on
/// a tree-shaped network gives one tree per run, the network's shape.
#[test]
fn simulated_trees_have_the_observed_definitions() {
    // 0 -> 1, 0 -> 2, 1 -> 3, 3 -> 4: adoption steps 0, 1, 1, 2, 3.
    let network = net(5, &[(0, 1), (0, 2), (1, 3), (3, 4)]);
    let ic = IndependentCascade::uniform(&network, 1.0).unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::Runs(20),
        ..EnsembleOptions::default()
    };
    let report = run_kpis(
        &network,
        &ic,
        &[0],
        &KpiSpec {
            tree_kpis: true,
            ..KpiSpec::default()
        },
        &options,
    )
    .unwrap();
    let sim = report.tree_kpis.as_ref().unwrap();
    assert_eq!(sim.trees, 20);
    assert_eq!(sim.time_unit, "step");
    let observed = ObservedCascade::new(
        "same",
        vec![
            node(0, 0.0),
            node(1, 1.0),
            node(2, 1.0),
            node(3, 2.0),
            node(4, 3.0),
        ],
        vec![arc(0, 1), arc(0, 2), arc(1, 3), arc(3, 4)],
    )
    .unwrap();
    let obs = CascadeTable::from_cascades(&[observed], "step");
    for &kpi in TreeKpi::ALL {
        let (s, o) = (sim.kpi(kpi), obs.kpi(kpi));
        assert_eq!(s.count, 20, "{kpi:?}");
        assert_eq!(s.values.len(), 1, "{kpi:?}");
        assert_eq!(s.values[0].value, o.values[0].value, "{kpi:?}");
    }
    // Size 5, depth 3, times 1 (3rd adoption at step 1) and 3.
    let value = |kpi| obs.kpi(kpi).values[0].value;
    assert_eq!(value(TreeKpi::Size), 5.0);
    assert_eq!(value(TreeKpi::Depth), 3.0);
    assert_eq!(value(TreeKpi::TimeTo50), 1.0);
    assert_eq!(value(TreeKpi::TimeTo90), 3.0);
    // The run's own KPIs say the same of its one tree.
    assert_eq!(report.kpi("cascade_depth").unwrap().mean, 3.0);
    assert_eq!(report.kpi("time_to_50").unwrap().mean, 1.0);
    assert_eq!(
        report.kpi("structural_virality").unwrap().mean,
        value(TreeKpi::StructuralVirality)
    );
    // Identical distributions: D = 0, p = 1.
    let c = compare(sim, &obs, Some(1.0)).unwrap();
    for k in &c.kpis {
        let ks = k.ks.unwrap();
        assert_eq!((ks.d, ks.p_value), (0.0, 1.0), "{}", k.kpi);
    }
}

fn random_network() -> Network {
    let spec = wom::generate::Gnp {
        n: 300,
        p: 0.02,
        direction: wom::Relation::Friendship,
    };
    wom::generate::gnp(&spec, 3).unwrap().freeze().unwrap()
}

/// Every tree of every run: the sizes agree with `tree_size_distribution`,
/// and the table is the same whatever the threads and batches.
#[test]
fn simulated_tree_distributions_count_every_tree() {
    let network = random_network();
    let ic = IndependentCascade::uniform(&network, 0.08).unwrap();
    let run = |threads, batch_size| {
        let options = EnsembleOptions {
            budget: RunBudget::Runs(400),
            master_seed: 11,
            threads: Some(threads),
            batch_size,
            ..EnsembleOptions::default()
        };
        run_kpis(
            &network,
            &ic,
            &[0, 5, 9],
            &KpiSpec {
                tree_kpis: true,
                ..KpiSpec::default()
            },
            &options,
        )
        .unwrap()
    };
    let report = run(1, 64);
    let table = report.tree_kpis.clone().unwrap();
    let trees: u64 = report.tree_size_distribution.iter().map(|t| t.trees).sum();
    assert_eq!(table.trees, trees);
    let size = table.kpi(TreeKpi::Size);
    let from_report: Vec<(f64, u64)> = report
        .tree_size_distribution
        .iter()
        .map(|t| (t.adopters as f64, t.trees))
        .collect();
    let from_table: Vec<(f64, u64)> = size.values.iter().map(|v| (v.value, v.count)).collect();
    assert_eq!(from_table, from_report);
    // One-node trees have no structural virality; every other tree has.
    let lone = size
        .values
        .first()
        .filter(|v| v.value == 1.0)
        .map_or(0, |v| v.count);
    let sv = table.kpi(TreeKpi::StructuralVirality);
    assert_eq!(sv.undefined, lone);
    assert_eq!(sv.count + lone, trees);
    // Mean size over trees is total adopters over trees.
    let adopters = report.kpi("adoption").unwrap().mean * 400.0;
    assert!((size.mean.unwrap() - adopters / trees as f64).abs() < 1e-9);
    // The same bits for any threads; another batch size merges the
    // virality's moments in another order (last digits of its mean), all
    // else the same.
    assert_eq!(run(2, 64).tree_kpis, report.tree_kpis);
    let other = run(2, 7).tree_kpis.unwrap();
    for &kpi in TreeKpi::ALL {
        let (a, b) = (other.kpi(kpi), table.kpi(kpi));
        assert_eq!(a.values, b.values, "{kpi:?}");
        assert_eq!(a.quantiles, b.quantiles, "{kpi:?}");
        assert!((a.mean.unwrap() - b.mean.unwrap()).abs() < 1e-12, "{kpi:?}");
        if kpi != TreeKpi::StructuralVirality {
            assert_eq!(a, b, "{kpi:?}");
        }
    }
    // A results document keeps them.
    let text = serde_json::to_string(&report).unwrap();
    let back: wom::kpi::KpiReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back.tree_kpis, report.tree_kpis);
}

/// Structural virality keeps a bounded sample, the same for any batching.
#[test]
fn the_virality_sample_is_bounded_and_deterministic() {
    // Many small trees: 40 seeds on a sparse graph, 400 runs.
    let network = random_network();
    let ic = IndependentCascade::uniform(&network, 0.3).unwrap();
    let seeds: Vec<u32> = (0..300).step_by(3).collect();
    let run = |threads, batch_size| {
        let options = EnsembleOptions {
            budget: RunBudget::Runs(200),
            threads: Some(threads),
            batch_size,
            ..EnsembleOptions::default()
        };
        run_kpis(
            &network,
            &ic,
            &seeds,
            &KpiSpec {
                tree_kpis: true,
                ..KpiSpec::default()
            },
            &options,
        )
        .unwrap()
    };
    let report = run(1, 64);
    let sv = report
        .tree_kpis
        .as_ref()
        .unwrap()
        .kpi(TreeKpi::StructuralVirality);
    assert!(
        sv.count as usize > wom::observed::SAMPLE_CAP,
        "{}",
        sv.count
    );
    assert!(sv.sampled);
    assert_eq!(sv.sample_size() as usize, wom::observed::SAMPLE_CAP);
    assert_eq!(run(2, 64).tree_kpis, report.tree_kpis);
    // Another batching keeps the very same sample.
    let other = run(2, 5).tree_kpis.unwrap();
    assert_eq!(other.kpi(TreeKpi::StructuralVirality).values, sv.values);
    // The sample's median is near the mean of all ... within the range.
    let (lo, hi) = (sv.min.unwrap(), sv.max().unwrap());
    assert!(lo >= 1.0 && sv.mean.unwrap() <= hi);
}

#[test]
fn compare_refuses_a_bad_step_length_and_notes_untested_kpis() {
    let t = |size| TreeKpis {
        size,
        depth: 0,
        structural_virality: None,
        time_to_50: 2.0,
        time_to_90: 4.0,
    };
    let a = CascadeTable::from_trees(&[t(1), t(1)], "step");
    let b = CascadeTable::from_trees(&[t(1)], "minute");
    assert!(matches!(
        compare(&a, &b, Some(0.0)),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(compare(&a, &b, Some(f64::NAN)).is_err());
    let c = compare(&a, &b, None).unwrap();
    let sv = c.kpi(TreeKpi::StructuralVirality).unwrap();
    assert!(sv.ks.is_none());
    assert!(sv.note.as_deref().unwrap().contains("no simulated tree"));
    let t50 = c.kpi(TreeKpi::TimeTo50).unwrap();
    assert!(t50.note.as_deref().unwrap().contains("step length"));
    // With a step length of 2 minutes, 2 minutes is one step.
    let c = compare(&a, &b, Some(2.0)).unwrap();
    assert_eq!(c.kpi(TreeKpi::TimeTo50).unwrap().observed.mean, Some(1.0));
    let text = c.to_string();
    assert!(
        text.contains("time_to_50") && text.contains("exact"),
        "{text}"
    );
}

// ------------------------------------------------------ scenario section

/// A folder in the temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("wom-observed-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const TREES: &str = "\
a\t['ROOT', 'ROOT', '0.0']->['1', 'a', '0.0']
a\t['1', 'a', '0.0']->['2', 'a', '30.0']
a\t['1', 'a', '0.0']->['3', 'a', '60.0']
a\t['3', 'a', '60.0']->['4', 'a', '120.0']
b\t['ROOT', 'ROOT', '0.0']->['9', 'b', '0.0']
b\t['9', 'b', '0.0']->['8', 'b', '90.0']
b\t['9', 'b', '0.0']->['8', 'b', '90.0']
";

fn scenario_text(observed: &str) -> String {
    format!(
        r#"{{
    "graph": {{"generate": {{"generator": {{"model": "gnp", "n": 100, "p": 0.05}}, "seed": 7}}}},
    "seeding": {{"seeds": {{"random": {{"count": 3}}}}}},
    "model": {{"independent_cascade": {{"kind": "uniform", "p": 0.1}}}},
    "ensemble": {{"budget": {{"runs": 50}}}},
    "observed": {observed}
}}"#
    )
}

#[test]
fn a_scenario_compares_its_trees_with_an_observed_file() {
    let dir = TempDir::new("scenario");
    std::fs::write(dir.0.join("trees.txt"), TREES).unwrap();
    let path = dir.0.join("study.json");
    std::fs::write(
        &path,
        scenario_text(r#"{"file": "trees.txt", "format": "trees", "step_length": 60}"#),
    )
    .unwrap();
    let scenario = Scenario::from_file(&path).unwrap();
    // Relative to the scenario's folder, as an edge list's path.
    assert_eq!(
        scenario.observed.as_ref().unwrap().file,
        dir.0.join("trees.txt")
    );
    let results = scenario.run(None).unwrap();
    let observed = results.observed.as_ref().unwrap();
    assert_eq!(observed.report.cascades, 2);
    assert_eq!(observed.report.duplicate_arcs, 1);
    assert_eq!(observed.trees.trees, 2);
    assert_eq!(observed.trees.time_unit, "minute");
    let size = observed.trees.kpi(TreeKpi::Size);
    assert_eq!(size.mean, Some(3.0));
    // Tree a: times 0, 30, 60, 120: half (the 2nd) at 30. Tree b: times
    // 0, 90: half (the 1st of 2) at 0, 90% (the 2nd) at 90.
    let t50 = observed.trees.kpi(TreeKpi::TimeTo50);
    assert_eq!(
        t50.values.iter().map(|v| v.value).collect::<Vec<_>>(),
        [0.0, 30.0]
    );
    let t90 = observed.trees.kpi(TreeKpi::TimeTo90);
    assert_eq!(
        t90.values.iter().map(|v| v.value).collect::<Vec<_>>(),
        [90.0, 120.0]
    );
    // Compared in steps of 60 minutes.
    let c = &observed.comparison;
    assert_eq!(c.step_length, Some(60.0));
    assert_eq!(c.kpi(TreeKpi::TimeTo50).unwrap().observed.mean, Some(0.25));
    for &kpi in TreeKpi::ALL {
        assert!(c.kpi(kpi).unwrap().ks.is_some(), "{kpi:?}");
    }
    // The results document carries it all and reads back.
    let text = results.to_json().unwrap();
    let back = Results::from_json(&text).unwrap();
    assert_eq!(back, results);
    // A scenario without the section writes none.
    let plain = Scenario::from_json(&scenario_text("null")).unwrap();
    assert!(plain.observed.is_none());
    let doc = serde_json::to_value(&plain).unwrap();
    assert!(doc.get("observed").is_none());
}

fn document_error(text: &str) -> (String, String) {
    match Scenario::from_json(text) {
        Err(Error::InvalidDocument { path, reason }) => (path, reason),
        other => panic!("expected a document error, got {other:?}"),
    }
}

#[test]
fn bad_observed_sections_name_their_field_or_line() {
    let (path, _) = document_error(&scenario_text(r#"{"file": "x", "format": "tree"}"#));
    assert_eq!(path, "$.observed.format");
    let (path, reason) = document_error(&scenario_text(r#"{"file": "x"}"#));
    assert!(path.starts_with("$.observed"), "{path}");
    assert!(reason.contains("format"), "{reason}");
    let (path, _) = document_error(&scenario_text(
        r#"{"file": "x", "format": "trees", "parent": "first"}"#,
    ));
    assert_eq!(path, "$.observed.parent");
    let (path, _) = document_error(&scenario_text(
        r#"{"file": "x", "format": "trees", "options": {"parents": "oldest"}}"#,
    ));
    assert_eq!(path, "$.observed.options.parents");
    let (path, reason) = document_error(&scenario_text(
        r#"{"file": "x", "format": "csv", "kinds": ["RT"]}"#,
    ));
    assert_eq!(path, "$.observed.kinds");
    assert!(reason.contains("activity"), "{reason}");
    let (path, _) = document_error(&scenario_text(
        r#"{"file": "x", "format": "trees", "direction": "reversed"}"#,
    ));
    assert_eq!(path, "$.observed.direction");
    let (path, _) = document_error(&scenario_text(
        r#"{"file": "x", "format": "trees", "step_length": -1}"#,
    ));
    assert_eq!(path, "$.observed.step_length");

    // A bad line of the file: its name and line, before any run.
    let dir = TempDir::new("bad");
    let file = dir.0.join("bad.csv");
    std::fs::write(&file, "parent,child,time\n,ann,0\nann,bob,soon\n").unwrap();
    let text = scenario_text(&format!(
        r#"{{"file": {:?}, "format": "csv"}}"#,
        file.display().to_string()
    ));
    match Scenario::from_json(&text).unwrap().run(None) {
        Err(Error::MalformedLine { location, .. }) => {
            assert_eq!(location.line, 3);
            assert!(location.file.ends_with("bad.csv"));
        }
        other => panic!("expected a malformed line, got {other:?}"),
    }
    // A kind the activity log does not hold: at its field.
    let log = dir.0.join("log.txt");
    std::fs::write(&log, "2 1 100 RT\n3 2 160 RT\n").unwrap();
    let text = scenario_text(&format!(
        r#"{{"file": {:?}, "format": "activity", "kinds": ["MT"]}}"#,
        log.display().to_string()
    ));
    let scenario = Scenario::from_json(&text).unwrap();
    // The default direction is filled in.
    assert_eq!(
        scenario.observed.as_ref().unwrap().direction,
        Some(wom::io::ArcDirection::Reversed)
    );
    match scenario.run(None) {
        Err(Error::InvalidDocument { path, reason }) => {
            assert_eq!(path, "$.observed.kinds");
            assert!(reason.contains("RT"), "{reason}");
        }
        other => panic!("expected a document error, got {other:?}"),
    }
    // A missing file names it.
    let text = scenario_text(r#"{"file": "/no/such/trees.txt", "format": "trees"}"#);
    let e = Scenario::from_json(&text).unwrap().run(None).unwrap_err();
    assert!(e.to_string().contains("/no/such/trees.txt"), "{e}");
    assert!(e.to_string().contains("$.observed.file"), "{e}");
}

#[test]
fn an_activity_log_counts_the_lines_of_other_kinds() {
    let dir = TempDir::new("activity");
    let log = dir.0.join("higgs.txt");
    std::fs::write(&log, "2 1 100 RT\n3 2 160 RT\n4 1 170 MT\n\n").unwrap();
    let source = wom::io::CascadeSource {
        path: log,
        format: wom::io::CascadeFormat::Activity,
        options: wom::io::CascadeOptions::default(),
        kinds: vec!["RT".to_string()],
        direction: wom::io::ArcDirection::Reversed,
    };
    let read = wom::io::read_cascades(&source).unwrap();
    let r = &read.report;
    assert_eq!(
        (r.lines, r.blank_lines, r.arc_records, r.other_kind_lines),
        (4, 1, 2, 1)
    );
    let t = read.cascades[0].tree_kpis();
    // 1 -> 2 -> 3: depth 2. A user's time is their first activity: 1 and
    // 2 at 100, 3 at 160; half (2 of 3) at once, 90% 60 later.
    assert_eq!((t.len(), t[0].size, t[0].depth), (1, 3, 2));
    assert_eq!((t[0].time_to_50, t[0].time_to_90), (0.0, 60.0));
    // Kinds for another format are refused, not ignored.
    let csv = wom::io::CascadeSource {
        format: wom::io::CascadeFormat::Csv,
        ..source
    };
    assert!(matches!(
        wom::io::read_cascades(&csv),
        Err(Error::InvalidParameter { .. })
    ));
}
