//! What each fuzz target gives wom and what it checks, beyond "no panic".
//!
//! Shared by the libFuzzer targets in `fuzz_targets/` and by the crate's
//! regression tests (`tests/graphs/fuzz.rs`), which replay every input saved
//! under `fuzz/regressions/<target>/` through the same function. A check
//! that fails panics, which libFuzzer reports as a crash with its input.
//!
//! Every target reads its options from the first byte of the input and the
//! document or file from the rest, so the fuzzer explores the options
//! together with the text.

#![allow(dead_code)] // each target uses one function

use std::io::Write;

use wom::ensemble::RunBudget;
use wom::io::{
    ArcDirection, BothWays, CascadeOptions, Comments, CsvOptions, Cycles, Duplicates,
    EdgeListOptions, ExtraColumns, Header, IdFormat, Loaded, Parents, SelfLoops, Weights,
};
use wom::scenario::{GraphSpec, Results, Scenario};
use wom::{Error, Relation};

/// Ensembles of the `scenario_run` target are cut to this many runs,
pub const MAX_RUNS: u64 = 8;
/// to this many steps per run,
pub const MAX_STEPS: u32 = 200;
/// and run only on generated graphs of at most this many nodes
pub const MAX_NODES: usize = 300;
/// and (for G(n, m)) this many edges: the target looks for wrong answers and
/// panics, not for the cost of big graphs, which `docs/reliability.md` bounds
/// separately.
pub const MAX_EDGES: usize = 5_000;

fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (0, data),
    }
}

fn ids(bit: bool) -> IdFormat {
    if bit {
        IdFormat::Text
    } else {
        IdFormat::Integer
    }
}

/// Edge-list options from one byte: every choice that changes how a line is
/// read.
fn edge_list_options(b: u8) -> EdgeListOptions {
    EdgeListOptions {
        direction: if b & 1 == 0 {
            Relation::Follow
        } else {
            Relation::Friendship
        },
        arc_direction: if b & 2 == 0 {
            ArcDirection::AsListed
        } else {
            ArcDirection::Reversed
        },
        self_loops: [SelfLoops::Keep, SelfLoops::Drop, SelfLoops::Error]
            [usize::from(b >> 2 & 3) % 3],
        duplicates: [
            Duplicates::Keep,
            Duplicates::Drop,
            Duplicates::Merge,
            Duplicates::Error,
        ][usize::from(b >> 4 & 3)],
        ids: ids(b & 64 != 0),
        comments: if b & 128 == 0 {
            Comments::Hash
        } else {
            Comments::None
        },
        ..EdgeListOptions::default()
    }
}

/// The less common layouts, from a second byte.
fn layout(mut options: EdgeListOptions, b: u8) -> EdgeListOptions {
    options.header = match b & 3 {
        0 => Header::None,
        1 => Header::Lines(u64::from(b >> 5)),
        2 => Header::Prefix("%".to_string()),
        _ => Header::None,
    };
    options.extra_columns = if b & 4 == 0 {
        ExtraColumns::Error
    } else {
        ExtraColumns::Ignore
    };
    options.weights = match b >> 3 & 3 {
        0 => Weights::Probability,
        1 => Weights::Count { p: 0.25 },
        2 => Weights::InWeight,
        _ => Weights::Ignore,
    };
    options.both_ways = if b & 32 == 0 {
        BothWays::Keep
    } else {
        BothWays::OneArcPerDirection
    };
    if b & 64 != 0 {
        options.columns.time = Some(3);
    }
    options
}

/// What a graph that loaded must satisfy: it freezes, its counts are those
/// of its report, and its summary can be computed.
fn check_loaded(loaded: &Loaded) {
    let graph = &loaded.graph;
    assert_eq!(
        graph.node_count() as u64,
        loaded.report.nodes,
        "nodes against the report"
    );
    assert_eq!(
        graph.arc_count() as u64,
        loaded.report.arcs,
        "arcs against the report"
    );
    match graph.freeze() {
        Ok(network) => {
            assert_eq!(network.node_count(), graph.node_count());
            assert_eq!(network.arc_count(), graph.arc_count());
            let _ = wom::stats::summarize(&network);
        }
        Err(e) => check_error(&e),
    }
}

/// An error must say something, in one line, without raw control
/// characters that would reach a terminal.
fn check_error(e: &Error) {
    let text = e.to_string();
    assert!(!text.trim().is_empty(), "an empty error message: {e:?}");
    assert!(
        !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a raw control character in an error message: {text:?}"
    );
}

fn check<T>(result: &wom::Result<T>) -> Option<&T> {
    match result {
        Ok(value) => Some(value),
        Err(e) => {
            check_error(e);
            None
        }
    }
}

/// An SVG (or other XML) document must hold no character XML 1.0 forbids.
fn check_xml(text: &str) {
    assert!(
        !text
            .chars()
            .any(|c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{FFFE}' | '\u{FFFF}')),
        "a character XML forbids in the chart"
    );
}

/// `edge_list`: the first byte chooses the options, a second the layout;
/// the rest is the file, plain or (when it starts with gzip's magic bytes)
/// gzip.
pub fn edge_list(data: &[u8]) {
    let (a, rest) = split(data);
    let (b, rest) = split(rest);
    let options = layout(edge_list_options(a), b);
    let read = wom::io::read_edge_list_from(rest, "<fuzz>", &options);
    if let Some(loaded) = check(&read) {
        check_loaded(loaded);
    }
}

/// `edge_list_gzip`: the rest of the input is compressed (in one or two
/// gzip members, split where the first byte says) and read; the answer must
/// be the plain text's, to the byte of every count and the wording of every
/// error.
pub fn edge_list_gzip(data: &[u8]) {
    let (a, rest) = split(data);
    let options = edge_list_options(a);
    let cut = if a & 8 == 0 {
        rest.len()
    } else {
        rest.len() / 2
    };
    let mut gz = Vec::new();
    for part in [&rest[..cut], &rest[cut..]] {
        if part.is_empty() && !gz.is_empty() {
            continue;
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(part).expect("writing to memory");
        gz.extend(enc.finish().expect("writing to memory"));
    }
    let plain = wom::io::read_edge_list_from(rest, "<fuzz>", &options);
    let zipped = wom::io::read_edge_list_from(&gz[..], "<fuzz>", &options);
    match (&plain, &zipped) {
        (Ok(p), Ok(z)) => {
            assert!(z.report.gzip && !p.report.gzip || rest.starts_with(&[0x1f, 0x8b]));
            let mut z_report = z.report.clone();
            z_report.gzip = p.report.gzip;
            assert_eq!(p.report, z_report, "plain and gzip reports differ");
            assert_eq!(p.graph.node_count(), z.graph.node_count());
            assert_eq!(p.graph.arc_count(), z.graph.arc_count());
            check_loaded(z);
        }
        (Err(p), Err(z)) => {
            check_error(z);
            // The plain text may itself start with gzip's magic bytes, and
            // then it is read as a (broken) gzip stream.
            if !rest.starts_with(&[0x1f, 0x8b]) {
                assert_eq!(p.to_string(), z.to_string(), "plain and gzip errors differ");
            }
        }
        _ if rest.starts_with(&[0x1f, 0x8b]) => {}
        _ => panic!(
            "plain and gzip disagree: {:?} against {:?}",
            plain.as_ref().map(|l| &l.report),
            zipped.as_ref().map(|l| &l.report)
        ),
    }
}

/// `csv`: a table with columns `a`, `b` and (when the first byte says) `w`,
/// separated by `,`, `;`, a tab or `|`.
pub fn csv(data: &[u8]) {
    let (a, rest) = split(data);
    let options = CsvOptions {
        source_column: "a".to_string(),
        target_column: "b".to_string(),
        weight_column: (a & 1 != 0).then(|| "w".to_string()),
        delimiter: [b',', b';', b'\t', b'|'][usize::from(a >> 1 & 3)],
        direction: if a & 8 == 0 {
            Relation::Follow
        } else {
            Relation::Friendship
        },
        ids: ids(a & 16 != 0),
        duplicates: [
            Duplicates::Keep,
            Duplicates::Drop,
            Duplicates::Merge,
            Duplicates::Error,
        ][usize::from(a >> 5 & 3)],
        self_loops: if a & 128 == 0 {
            SelfLoops::Keep
        } else {
            SelfLoops::Drop
        },
        ..CsvOptions::default()
    };
    let read = wom::io::read_csv_from(rest, "<fuzz>", &options);
    if let Some(loaded) = check(&read) {
        check_loaded(loaded);
    }
}

/// `cascades`: the first byte chooses the format (Twitter15/16 trees,
/// `parent,child,time` CSV, or an activity log) and the options; every
/// cascade read must give tree KPIs, a table and its charts.
pub fn cascades(data: &[u8]) {
    let (a, rest) = split(data);
    let options = CascadeOptions {
        parents: [Parents::First, Parents::Earliest, Parents::All][usize::from(a >> 2 & 3) % 3],
        cycles: if a & 16 == 0 {
            Cycles::Error
        } else {
            Cycles::Drop
        },
        ids: ids(a & 32 == 0),
    };
    let read = match a & 3 {
        0 => wom::io::read_propagation_trees_from(rest, "<fuzz>", &options),
        1 => wom::io::read_cascade_csv_from(rest, "<fuzz>", "cascade", &options),
        _ => match wom::io::read_activity_from(rest, "<fuzz>", options.ids) {
            Ok(log) => {
                let direction = if a & 64 == 0 {
                    ArcDirection::AsListed
                } else {
                    ArcDirection::Reversed
                };
                let kinds: &[&str] = if a & 128 == 0 { &[] } else { &["RT"] };
                log.to_cascade("activity", kinds, direction, &options)
            }
            Err(e) => Err(e),
        },
    };
    let Some(read) = check(&read) else { return };
    let trees: Vec<_> = read.cascades.iter().flat_map(|c| c.tree_kpis()).collect();
    for t in &trees {
        assert!(t.size >= 1, "a tree without its root");
        assert!(u64::from(t.depth) < t.size, "a tree deeper than its size");
    }
    let table = wom::observed::CascadeTable::from_trees(&trees, "step");
    let svg = wom::chart::cascade_table_charts(&table, "fuzz");
    if let Some(svg) = check(&svg) {
        check_xml(svg);
    }
}

/// `scenario_parse`: a document that parses and validates must write back
/// to JSON that parses to the same scenario.
pub fn scenario_parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = Scenario::from_json(text);
    let Some(scenario) = check(&parsed) else {
        return;
    };
    let written = serde_json::to_string(scenario).expect("a scenario writes as JSON");
    let again = Scenario::from_json(&written)
        .unwrap_or_else(|e| panic!("a scenario wom wrote does not read back: {e}\n{written}"));
    assert_eq!(
        scenario, &again,
        "a scenario changed on its way through JSON"
    );
}

/// Whether a scenario's graph is small enough for `scenario_run`.
fn small(graph: &GraphSpec) -> bool {
    use wom::generate::Generator;
    match graph {
        GraphSpec::EdgeList { .. } => false,
        GraphSpec::Generate { generator, .. } => match generator {
            Generator::Gnp(g) => g.n <= MAX_NODES,
            Generator::Gnm(g) => g.n <= MAX_NODES && g.m <= MAX_EDGES,
            Generator::BarabasiAlbert(g) => g.n <= MAX_NODES,
            Generator::WattsStrogatz(g) => g.n <= MAX_NODES,
            Generator::HolmeKim(g) => g.n <= MAX_NODES,
            _ => false,
        },
    }
}

/// `scenario_run`: a document that parses is run on a generated graph of
/// at most [`MAX_NODES`] nodes, cut to [`MAX_RUNS`] runs of at most
/// [`MAX_STEPS`] steps (files are not read); its results must write to JSON
/// that reads back equal, and chart.
pub fn scenario_run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut scenario) = Scenario::from_json(text) else {
        return;
    };
    if !small(&scenario.graph) {
        return;
    }
    scenario.observed = None;
    scenario.sweep = None;
    scenario.fit = None;
    let ensemble = &mut scenario.ensemble;
    ensemble.budget = match ensemble.budget {
        RunBudget::Runs(n) => RunBudget::Runs(n.min(MAX_RUNS)),
        RunBudget::HalfWidth { target, .. } => RunBudget::HalfWidth {
            target,
            min_runs: 1,
            max_runs: MAX_RUNS,
        },
    };
    ensemble.max_steps = ensemble.max_steps.min(MAX_STEPS);
    ensemble.threads = Some(1);
    let ran = scenario.run(None);
    let Some(results) = check(&ran) else {
        return;
    };
    results_round_trip(results);
}

fn results_round_trip(results: &Results) {
    let json = results.to_json();
    if let Some(json) = check(&json) {
        let again = Results::from_json(json)
            .unwrap_or_else(|e| panic!("results wom wrote do not read back: {e}"));
        assert_eq!(results, &again, "results changed on their way through JSON");
    }
    let svg = wom::cli::plot_svg(results);
    if let Some(svg) = check(&svg) {
        check_xml(svg);
    }
}

/// `results`: a results document that parses must chart, and write back
/// to JSON that reads equal.
pub fn results(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = Results::from_json(text);
    if let Some(results) = check(&parsed) {
        results_round_trip(results);
    }
}
