//! Reads the real SNAP data sets in the folder named by `WOM_DATA_DIR` and
//! checks every count against the figures published for them (see the
//! folder's README).
//!
//! Without `WOM_DATA_DIR` each test passes after writing a "skipped" line
//! straight to the process's stderr (not through `eprintln!`, which the test
//! harness captures and hides for passing tests), so a plain
//! `cargo test --test data` shows that nothing was checked. With
//! `WOM_DATA_DIR` set, a missing folder or file fails the test, naming the
//! path: CI sets the variable and must test the data.
//!
//! `WOM_DATA_DIR=/work/shared/data cargo test --release --test data`

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use wom::Relation;
use wom::io::{EdgeListOptions, Loaded, SelfLoops, read_edge_list};

/// The data folder, or `None` when `WOM_DATA_DIR` is not set; then `test`
/// is reported as skipped on stderr, visibly even when the harness captures
/// the output. Panics, naming the path, when the variable names no folder.
pub(super) fn data_dir(test: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("WOM_DATA_DIR") else {
        // Written to the real stderr: libtest captures only the print
        // macros, so this line shows in a plain `cargo test` run. One
        // `write_all` of the whole line keeps it in one piece among the
        // harness's own output.
        let note =
            format!("\nnote: {test} skipped: WOM_DATA_DIR is not set, no data was checked\n");
        let _ = std::io::stderr().write_all(note.as_bytes());
        return None;
    };
    let dir = PathBuf::from(dir);
    assert!(
        dir.is_dir(),
        "WOM_DATA_DIR is set to {}, which is not a folder",
        dir.display()
    );
    Some(dir)
}

/// Reads `file` and checks that freezing keeps every node and arc. Panics,
/// naming the path, when the file is missing or unreadable.
pub(super) fn load(dir: &Path, file: &str, options: &EdgeListOptions) -> Loaded {
    let path = dir.join(file);
    assert!(
        path.is_file(),
        "data file {} is missing (WOM_DATA_DIR = {})",
        path.display(),
        dir.display()
    );
    let start = Instant::now();
    let loaded = read_edge_list(&path, options)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let read = start.elapsed();
    let network = loaded.graph.freeze().expect("freeze");
    eprintln!(
        "{file}: read in {:.3} s, frozen in {:.3} s; {:?}",
        read.as_secs_f64(),
        (start.elapsed() - read).as_secs_f64(),
        loaded.report
    );
    assert_eq!(network.node_count(), loaded.graph.node_count());
    assert_eq!(network.arc_count(), loaded.graph.arc_count());
    assert_eq!(network.arc_count() as u64, loaded.report.arcs);
    loaded
}

#[test]
fn facebook_combined_undirected() {
    let Some(dir) = data_dir("facebook_combined_undirected") else {
        return;
    };
    let options = EdgeListOptions {
        direction: Relation::Friendship,
        ..EdgeListOptions::default()
    };
    let loaded = load(&dir, "facebook_combined.txt", &options);
    let r = &loaded.report;
    assert_eq!(r.nodes, 4_039);
    assert_eq!(r.records, 88_234);
    assert_eq!(r.arcs, 176_468);
    assert_eq!(loaded.graph.node_count(), 4_039);
    assert_eq!(loaded.graph.arc_count(), 176_468);
    assert_eq!((r.self_loops, r.duplicates), (0, 0));
    assert_eq!((r.lines, r.comment_lines, r.blank_lines), (88_234, 0, 0));
    assert!(!r.gzip);
}

#[test]
fn email_eu_core_directed_with_self_loops() {
    let Some(dir) = data_dir("email_eu_core_directed_with_self_loops") else {
        return;
    };
    let options = EdgeListOptions {
        direction: Relation::Follow,
        self_loops: SelfLoops::Keep,
        ..EdgeListOptions::default()
    };
    let loaded = load(&dir, "email-Eu-core.txt", &options);
    // SNAP's published figures: largest WCC 986 nodes, largest SCC 803.
    let s = wom::stats::summarize(&loaded.graph.clone().freeze().unwrap());
    assert_eq!(
        (s.largest_weak_component, s.largest_strong_component),
        (986, 803)
    );
    let r = &loaded.report;
    assert_eq!(r.nodes, 1_005);
    assert_eq!(r.records, 25_571);
    assert_eq!(r.arcs, 25_571);
    assert_eq!(loaded.graph.arc_count(), 25_571);
    assert_eq!((r.self_loops, r.self_loops_dropped), (642, 0));
    assert_eq!(r.duplicates, 0);

    // Dropping the loops leaves the nodes and removes exactly 642 arcs.
    let options = EdgeListOptions {
        self_loops: SelfLoops::Drop,
        ..options
    };
    let loaded = load(&dir, "email-Eu-core.txt", &options);
    assert_eq!(
        (loaded.report.nodes, loaded.report.arcs),
        (1_005, 25_571 - 642)
    );
}

#[test]
fn wiki_vote_directed_with_header_comments() {
    let Some(dir) = data_dir("wiki_vote_directed_with_header_comments") else {
        return;
    };
    let options = EdgeListOptions {
        direction: Relation::Follow,
        ..EdgeListOptions::default()
    };
    let loaded = load(&dir, "wiki-Vote.txt", &options);
    let r = &loaded.report;
    assert_eq!(r.nodes, 7_115);
    assert_eq!(r.records, 103_689);
    assert_eq!(r.arcs, 103_689);
    assert_eq!(r.comment_lines, 3);
    assert_eq!(r.lines, 103_689 + 3);
    assert_eq!((r.self_loops, r.duplicates), (0, 0));
    // The first line's source is the first node.
    assert_eq!(loaded.graph.ids().ids()[0], wom::NodeId::Num(30));
    // SNAP's published figures: largest WCC 7,066 nodes, largest SCC 1,300.
    let s = wom::stats::summarize(&loaded.graph.freeze().unwrap());
    assert_eq!((s.weak_components, s.largest_weak_component), (24, 7_066));
    assert_eq!(s.largest_strong_component, 1_300);
}

#[test]
fn slashdot_gzip_directed() {
    let Some(dir) = data_dir("slashdot_gzip_directed") else {
        return;
    };
    let options = EdgeListOptions {
        direction: Relation::Follow,
        ..EdgeListOptions::default()
    };
    let loaded = load(&dir, "soc-Slashdot0902.txt.gz", &options);
    let r = &loaded.report;
    assert!(r.gzip);
    assert_eq!(r.nodes, 82_168);
    assert_eq!(r.records, 948_464);
    assert_eq!(r.arcs, 948_464);
    assert_eq!(loaded.graph.arc_count(), 948_464);
    assert_eq!((r.self_loops, r.self_loops_dropped), (78_303, 0));
    assert_eq!(r.duplicates, 0);
    assert_eq!(r.comment_lines, 4);
}

/// Mean and standard error of the spread of `seeds` over `runs` forward
/// runs of `model` (run i of `master`).
fn forward<S: wom::propagation::Model>(
    net: &wom::Network,
    model: &S,
    seeds: &[u32],
    runs: u64,
    master: u64,
) -> (f64, f64) {
    let mut sim = wom::propagation::Simulation::new(net, model);
    let (mut sum, mut sq) = (0.0, 0.0);
    for run in 0..runs {
        let x = sim.run(seeds, master, run, &mut ()).unwrap().adopted as f64;
        sum += x;
        sq += x * x;
    }
    let r = runs as f64;
    let mean = sum / r;
    (mean, ((sq / r - mean * mean) * r / (r - 1.0) / r).sqrt())
}

/// The RR-set estimate of a seed set's spread agrees with forward Monte
/// Carlo within 4 standard errors (of the difference) on real graphs, for
/// the weighted cascade, an independent cascade with uniform p and the
/// linear threshold; seeds are the 10 nodes with most out-arcs.
#[test]
fn rr_estimates_agree_with_forward_monte_carlo_on_real_graphs() {
    use wom::propagation::lt::{LinearThreshold, LtWeights};
    use wom::propagation::{IcProbabilities, IndependentCascade};
    use wom::seeding::{Diffusion, rr_estimate};
    let Some(dir) = data_dir("rr_estimates_agree_with_forward_monte_carlo_on_real_graphs") else {
        return;
    };
    for (file, direction) in [
        ("email-Eu-core.txt", Relation::Follow),
        ("facebook_combined.txt", Relation::Friendship),
    ] {
        let options = EdgeListOptions {
            direction,
            ..EdgeListOptions::default()
        };
        let net = load(&dir, file, &options).graph.freeze().unwrap();
        let mut seeds: Vec<u32> = (0..net.node_count() as u32).collect();
        seeds.sort_by_key(|&v| (std::cmp::Reverse(net.forward().degree(v)), v));
        seeds.truncate(10);
        let p = IcProbabilities::Uniform { p: 0.02 };
        let cases: Vec<(&str, Diffusion, (f64, f64))> = vec![
            (
                "wc",
                Diffusion::WEIGHTED_CASCADE,
                forward(
                    &net,
                    &IndependentCascade::weighted_cascade(&net),
                    &seeds,
                    20_000,
                    7,
                ),
            ),
            (
                "ic 0.02",
                Diffusion::IndependentCascade { probabilities: p },
                forward(
                    &net,
                    &IndependentCascade::new(&net, p).unwrap(),
                    &seeds,
                    20_000,
                    7,
                ),
            ),
            (
                "lt",
                Diffusion::LinearThreshold {
                    weights: LtWeights::Uniform,
                },
                forward(
                    &net,
                    &LinearThreshold::random(&net, LtWeights::Uniform),
                    &seeds,
                    20_000,
                    7,
                ),
            ),
        ];
        for (what, diffusion, (mc, mc_se)) in cases {
            let (rr, rr_se) = rr_estimate(&net, &diffusion, &seeds, 200_000, 11).unwrap();
            let se = (rr_se * rr_se + mc_se * mc_se).sqrt();
            assert!(
                (rr - mc).abs() <= 4.0 * se,
                "{file} {what}: RR {rr} vs Monte Carlo {mc} (4 se = {})",
                4.0 * se
            );
        }
    }
}

/// Twitter15 (Ma, Gao & Wong 2017): 1,490 trees concatenated, each line
/// prefixed with its tree's source tweet id and a TAB (see the folder's
/// README). A node is a user within a tree. The counts below were checked
/// with a separate script applying the same rules (ROOT lines declare the
/// root; self-loops and arcs into the root left out; repeated
/// parent-child pairs are one arc).
#[test]
fn twitter15_propagation_trees() {
    use wom::io::{CascadeOptions, Cycles, Parents, read_propagation_trees};
    let Some(dir) = data_dir("twitter15_propagation_trees") else {
        return;
    };
    let path = dir.join("twitter15_trees.txt.gz");
    assert!(
        path.is_file(),
        "data file {} is missing (WOM_DATA_DIR = {})",
        path.display(),
        dir.display()
    );
    let read_with = |parents, cycles| {
        let options = CascadeOptions {
            parents,
            cycles,
            ..CascadeOptions::default()
        };
        let read = read_propagation_trees(&path, &options)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        eprintln!("{parents:?}, {cycles:?}: {:?}", read.report);
        read
    };

    // Every parent kept (a DAG), the arcs closing cycles left out.
    let dag = read_with(Parents::All, Cycles::Drop);
    let r = &dag.report;
    assert_eq!(
        (r.lines, r.cascades, r.root_records),
        (624_458, 1_490, 1_490)
    );
    assert_eq!(r.arc_records, 622_968);
    assert_eq!(r.nodes, 599_196);
    assert_eq!(dag.cascades.len(), 1_490);
    // What the data hold beyond trees, counted.
    assert_eq!(r.duplicate_arcs, 16_545);
    assert_eq!(r.self_loops_dropped, 1_218);
    assert_eq!(r.arcs_into_roots_dropped, 428);
    assert_eq!(r.multi_parent_children, 5_729);
    assert_eq!(r.cascades_with_multi_parents, 1_068);
    assert_eq!(r.time_conflicts, 0);
    assert_eq!((r.cycle_arcs_dropped, r.arcs), (2_771, 602_006));
    let nodes: usize = dag.cascades.iter().map(|c| c.node_count()).sum();
    assert_eq!(nodes, 599_196);

    // One parent each: 7,071 extra parent arcs left out. Under `first`
    // every non-root node keeps a parent (597,706 = nodes - trees); under
    // `earliest` one pair of users are each other's earliest parent, and
    // one of the two arcs goes.
    let first = read_with(Parents::First, Cycles::Drop);
    let r = &first.report;
    assert_eq!((r.extra_parents_dropped, r.cycle_arcs_dropped), (7_071, 0));
    assert_eq!(r.arcs, 597_706);
    assert!(
        first
            .cascades
            .iter()
            .all(|c| c.is_tree() && c.roots().count() == 1)
    );
    let earliest = read_with(Parents::Earliest, Cycles::Drop);
    let r = &earliest.report;
    assert_eq!((r.extra_parents_dropped, r.cycle_arcs_dropped), (7_071, 1));
    assert_eq!((r.arcs, r.arcs_back_in_time), (597_705, 10));

    // The KPIs of simulated cascades apply: every tree is one tree of its
    // nodes.
    let sizes: Vec<usize> = first.cascades.iter().map(|c| c.metrics().largest).collect();
    assert!(
        first
            .cascades
            .iter()
            .zip(&sizes)
            .all(|(c, &s)| s == c.node_count())
    );
    assert_eq!(
        (sizes.iter().min(), sizes.iter().max()),
        (Some(&56), Some(&2_990))
    );

    // The default refuses cycles, naming the line of the first one met.
    let e = read_propagation_trees(&path, &CascadeOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains("twitter15_trees.txt.gz:263276"),
        "{e}"
    );
}

/// Twitter15's trees as first-class data: the distributions of the tree
/// KPIs, read with each user's first parent and cycles dropped (none are,
/// under `first`). The figures were checked with a separate Python script
/// applying the same rules (first parent of each user in line order after
/// self-loops and arcs into the root are left out; sizes, depths and
/// Wiener indices by breadth-first search; the ⌈q N⌉-th smallest delay
/// minus the smallest).
#[test]
fn twitter15_tree_kpi_distributions() {
    use wom::io::{CascadeFormat, CascadeOptions, CascadeSource, Cycles, Parents, read_cascades};
    use wom::observed::{CascadeTable, TreeKpi};
    let Some(dir) = data_dir("twitter15_tree_kpi_distributions") else {
        return;
    };
    let path = dir.join("twitter15_trees.txt.gz");
    assert!(path.is_file(), "data file {} is missing", path.display());
    let source = CascadeSource {
        path,
        format: CascadeFormat::Trees,
        options: CascadeOptions {
            parents: Parents::First,
            cycles: Cycles::Drop,
            ..CascadeOptions::default()
        },
        kinds: Vec::new(),
        direction: wom::io::ArcDirection::Reversed,
    };
    let read = read_cascades(&source).unwrap();
    let table = CascadeTable::from_cascades(&read.cascades, "minute");
    eprintln!("{table}");
    // One tree per cascade.
    assert_eq!(table.trees, 1_490);
    let close = |x: Option<f64>, want: f64| {
        let x = x.unwrap();
        assert!(
            (x - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{x} vs {want}"
        );
    };
    // Size: 599,196 users in 1,490 trees; median 260, from 56 to 2,990.
    let size = table.kpi(TreeKpi::Size);
    close(size.mean, 599_196.0 / 1_490.0);
    assert_eq!(
        (size.min, size.median(), size.max()),
        (Some(56.0), Some(260.0), Some(2_990.0))
    );
    // Depth: mean 3.6604, median 3, deepest 12.
    let depth = table.kpi(TreeKpi::Depth);
    close(depth.mean, 3.6604026845637585);
    assert_eq!((depth.median(), depth.max()), (Some(3.0), Some(12.0)));
    // Structural virality: defined for every tree (none is a lone node);
    // mean 2.5088, median 2.3415, from 1.978 (a near star) to 5.103.
    let sv = table.kpi(TreeKpi::StructuralVirality);
    assert_eq!((sv.count, sv.undefined, sv.sampled), (1_490, 0, false));
    close(sv.mean, 2.5087991441623076);
    close(sv.median(), 2.3415022412131874);
    close(sv.min, 1.978021978021978);
    close(sv.max(), 5.102777660339069);
    // Times in minutes: half a tree's users within a median 41.48 minutes,
    // 90% within a median 525.25; the mean is pulled up by slow trees.
    let t50 = table.kpi(TreeKpi::TimeTo50);
    close(t50.median(), 41.48);
    close(t50.mean, 2365.500959731543);
    let t90 = table.kpi(TreeKpi::TimeTo90);
    close(t90.median(), 525.25);
    close(t90.quantile(0.9), 2898.63);
    // Sizes are binned by powers of two: 32..64 holds the smallest.
    assert_eq!(size.histogram.first().map(|b| b.low), Some(32.0));
    let binned: u64 = size.histogram.iter().map(|b| b.count).sum();
    assert_eq!(binned, 1_490);
}

/// The lines of ego-Facebook in another order (a fixed permutation: sorted
/// by a mixed hash of their index).
fn shuffled_facebook(dir: &Path) -> String {
    let text = std::fs::read_to_string(dir.join("facebook_combined.txt")).expect("ego-Facebook");
    let mut lines: Vec<(u64, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| {
            // splitmix64's finaliser
            let mut x = (i as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
            x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            (x ^ (x >> 31), line)
        })
        .collect();
    lines.sort_unstable();
    lines.iter().map(|(_, l)| format!("{l}\n")).collect()
}

/// Shuffling ego-Facebook's lines changes the graph's node order, its
/// fingerprint and a study with random seeds (the documented dependence of
/// the default `first_seen` order); with `node_order: sorted` the graph,
/// the fingerprint and the study's results are the same bits.
#[test]
fn facebook_line_order_matters_only_without_sorted_node_order() {
    let Some(dir) = data_dir("facebook_line_order_matters_only_without_sorted_node_order") else {
        return;
    };
    let tmp = std::env::temp_dir().join(format!("wom-line-order-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let shuffled = tmp.join("facebook_shuffled.txt");
    std::fs::write(&shuffled, shuffled_facebook(&dir)).unwrap();
    let original = dir.join("facebook_combined.txt");
    let study = |path: &Path, order: &str| {
        let doc = format!(
            r#"{{"graph": {{"edge_list": {{"path": {path:?}, "options":
                   {{"direction": "undirected", "node_order": "{order}"}}}}}},
                "seeding": {{"seeds": {{"random": {{"count": 10}}}}}},
                "model": {{"independent_cascade": {{"kind": "uniform", "p": 0.02}}}},
                "ensemble": {{"budget": {{"runs": 200}}, "master_seed": 7}}}}"#,
            path = path.display().to_string()
        );
        let results = wom::scenario::Scenario::from_json(&doc)
            .unwrap()
            .run(None)
            .unwrap();
        (
            results.network.clone(),
            results.seeds.clone(),
            results.report.clone(),
        )
    };
    let (net_a, seeds_a, report_a) = study(&original, "first_seen");
    let (net_b, seeds_b, report_b) = study(&shuffled, "first_seen");
    assert_ne!(net_a.fingerprint, net_b.fingerprint);
    assert_ne!(seeds_a, seeds_b);
    assert_ne!(report_a.kpis, report_b.kpis);
    let (net_a, seeds_a, report_a) = study(&original, "sorted");
    let (net_b, seeds_b, report_b) = study(&shuffled, "sorted");
    assert_eq!(net_a.fingerprint, net_b.fingerprint);
    assert_eq!(seeds_a, seeds_b);
    assert_eq!(report_a, report_b);
    std::fs::remove_dir_all(&tmp).unwrap();
}
