//! Edge lists as real files come: header lines, chosen columns, extra
//! columns, weights that are counts or strengths, and friendships listed
//! from both sides.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use wom::io::{
    BothWays, Columns, Duplicates, EdgeListOptions, ExtraColumns, Header, IdFormat, Loaded,
    Weights, read_edge_list, read_edge_list_from,
};
use wom::{Error, NodeId, Relation};

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(suffix: &str, text: &str) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "wom-layouts-test-{}-{n}-{suffix}",
            std::process::id()
        ));
        std::fs::write(&path, text).expect("write temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn edges(text: &str, options: &EdgeListOptions) -> wom::Result<Loaded> {
    read_edge_list_from(text.as_bytes(), "mem.txt", options)
}

/// The arcs in storage order as `(source, target, trust)` of integer ids.
fn arcs(loaded: &Loaded) -> Vec<(u64, u64, f64)> {
    let g = &loaded.graph;
    let num = |i| match g.id_of(i) {
        Some(NodeId::Num(n)) => *n,
        other => panic!("not an integer id: {other:?}"),
    };
    g.graph()
        .raw_edges()
        .iter()
        .map(|e| (num(e.source()), num(e.target()), e.weight.trust))
        .collect()
}

/// The line and reason of a malformed-line error.
fn malformed(result: wom::Result<Loaded>) -> (String, u64, String) {
    match result {
        Err(Error::MalformedLine { location, reason }) => (location.file, location.line, reason),
        other => panic!("expected a malformed line, got {other:?}"),
    }
}

#[test]
fn nethept_header_and_fourth_column_read_with_options() {
    // NetHEPT: `n m`, then `u v p extra`.
    let text = "3 2\n0 1 0.25 7\n1 2 0.5 9\n";
    let file = TempFile::new("nethept.txt", text);
    // Defaults read the header `3 2` as an edge, then reject the fourth
    // column: an error naming the file and line, nothing dropped silently.
    let path = file.0.display().to_string();
    let e = read_edge_list(&file.0, &EdgeListOptions::default()).unwrap_err();
    assert!(e.to_string().contains(&format!("{path}:2")), "{e}");
    let options = EdgeListOptions {
        header: Header::Lines(1),
        ..EdgeListOptions::default()
    };
    let e = read_edge_list(&file.0, &options).unwrap_err();
    assert!(e.to_string().contains(&format!("{path}:2")), "{e}");
    assert!(e.to_string().contains("found 4"), "{e}");
    assert!(e.to_string().contains("extra_columns"), "{e}");
    let options = EdgeListOptions {
        extra_columns: ExtraColumns::Ignore,
        ..options
    };
    let loaded = read_edge_list(&file.0, &options).unwrap();
    assert_eq!(arcs(&loaded), [(0, 1, 0.25), (1, 2, 0.5)]);
    let r = &loaded.report;
    assert_eq!((r.lines, r.header_lines, r.records), (3, 1, 2));
    assert_eq!(r.extra_column_records, 2);
}

#[test]
fn header_by_prefix_ends_at_the_first_other_line() {
    let text = "% bipartite\n% 3 2\n1 2\n% not a header\n";
    let options = EdgeListOptions {
        header: Header::Prefix("%".into()),
        ..EdgeListOptions::default()
    };
    let (_, line, reason) = malformed(edges(text, &options));
    assert_eq!(line, 4, "{reason}");
    let loaded = edges("% a\n%b\n\n1 2\n", &options).unwrap();
    assert_eq!(
        (loaded.report.header_lines, loaded.report.blank_lines),
        (2, 1)
    );
    // More header lines than the file has: no edge.
    let options = EdgeListOptions {
        header: Header::Lines(5),
        ..EdgeListOptions::default()
    };
    assert!(matches!(
        edges("1 2\n", &options),
        Err(Error::EmptyInput { .. })
    ));
    let options = EdgeListOptions {
        header: Header::Prefix(String::new()),
        ..EdgeListOptions::default()
    };
    assert!(matches!(
        edges("1 2\n", &options),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn columns_are_chosen_and_checked() {
    // `time weight target source`
    let text = "10 0.5 2 1\n5 0.25 3 2 \n";
    let options = EdgeListOptions {
        columns: Columns {
            source: 3,
            target: 2,
            weight: Some(1),
            time: Some(0),
        },
        ..EdgeListOptions::default()
    };
    let loaded = edges(text, &options).unwrap();
    assert_eq!(arcs(&loaded), [(1, 2, 0.5), (2, 3, 0.25)]);
    let r = &loaded.report;
    assert_eq!(
        (r.timed_records, r.first_time, r.last_time),
        (2, Some(5.0), Some(10.0))
    );

    // A missing source column, an unparsable time: errors naming the line.
    let (file, line, reason) = malformed(edges("10 0.5 2 1\n10 0.5 2\n", &options));
    assert_eq!((file.as_str(), line), ("mem.txt", 2));
    assert!(reason.contains("source in column 3"), "{reason}");
    let (_, line, reason) = malformed(edges("10 0.5 2 1\nsoon 0.5 2 1\n", &options));
    assert_eq!(line, 2);
    assert!(reason.contains("\"soon\""), "{reason}");
    let (_, line, _) = malformed(edges("inf 0.5 2 1\n", &options));
    assert_eq!(line, 1);

    // The same column twice is refused before reading.
    let options = EdgeListOptions {
        columns: Columns {
            source: 0,
            target: 0,
            ..Columns::default()
        },
        ..EdgeListOptions::default()
    };
    assert!(matches!(
        edges("1 2\n", &options),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn weight_beyond_the_line_gets_the_default_and_no_weight_column_means_extra() {
    let options = EdgeListOptions {
        columns: Columns {
            weight: Some(3),
            ..Columns::default()
        },
        extra_columns: ExtraColumns::Error,
        ..EdgeListOptions::default()
    };
    // Column 2 lies between the chosen ones and is not read.
    let loaded = edges("1 2 x\n2 3 x 0.5\n", &options).unwrap();
    assert_eq!(arcs(&loaded), [(1, 2, 1.0), (2, 3, 0.5)]);
    assert_eq!(loaded.report.default_trust_records, 1);
    let options = EdgeListOptions {
        columns: Columns {
            weight: None,
            ..Columns::default()
        },
        ..EdgeListOptions::default()
    };
    let (_, line, reason) = malformed(edges("1 2\n2 3 0.5\n", &options));
    assert_eq!(line, 2, "{reason}");
}

#[test]
fn counts_become_trusts() {
    // Higgs-style `u v count`: rejected as trusts, read as counts.
    let text = "1 2 1\n2 3 2\n3 1 0\n";
    assert!(matches!(
        edges(text, &EdgeListOptions::default()),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
    let options = EdgeListOptions {
        weights: Weights::Count { p: 0.1 },
        ..EdgeListOptions::default()
    };
    let loaded = edges(text, &options).unwrap();
    let t: Vec<f64> = arcs(&loaded).into_iter().map(|a| a.2).collect();
    assert!((t[0] - 0.1).abs() < 1e-15);
    assert!((t[1] - 0.19).abs() < 1e-15);
    assert_eq!(t[2], 0.0);
    // Certain interactions: any positive count is certain.
    let options = EdgeListOptions {
        weights: Weights::Count { p: 1.0 },
        ..EdgeListOptions::default()
    };
    let t: Vec<f64> = arcs(&edges(text, &options).unwrap())
        .into_iter()
        .map(|a| a.2)
        .collect();
    assert_eq!(t, [1.0, 1.0, 0.0]);
    // A negative count names the line; p outside [0, 1] is refused.
    let (_, line, reason) = malformed(edges("1 2 1\n2 3 -1\n", &options));
    assert_eq!(line, 2);
    assert!(reason.contains("negative"), "{reason}");
    let options = EdgeListOptions {
        weights: Weights::Count { p: 1.5 },
        ..EdgeListOptions::default()
    };
    assert!(matches!(
        edges(text, &options),
        Err(Error::ProbabilityOutOfRange { .. })
    ));
}

#[test]
fn in_weight_normalises_by_the_receiver() {
    let options = EdgeListOptions {
        weights: Weights::InWeight,
        ..EdgeListOptions::default()
    };
    // Into 3: weights 1 and 3; into 2: one arc of weight 0 (trust 0).
    let loaded = edges("1 3 1\n2 3 3\n1 2 0\n", &options).unwrap();
    assert_eq!(arcs(&loaded), [(1, 3, 0.25), (2, 3, 0.75), (1, 2, 0.0)]);
    // Friendships: each arc by its own receiver.
    let options = EdgeListOptions {
        direction: Relation::Friendship,
        ..options
    };
    let loaded = edges("1 2 1\n1 3 3\n", &options).unwrap();
    assert_eq!(
        arcs(&loaded),
        [(1, 2, 1.0), (2, 1, 0.25), (1, 3, 1.0), (3, 1, 0.75)]
    );
    // Merge cannot be had with strengths.
    let options = EdgeListOptions {
        duplicates: Duplicates::Merge,
        ..options
    };
    assert!(matches!(
        edges("1 2 1\n", &options),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn ignored_weights_are_counted() {
    let options = EdgeListOptions {
        weights: Weights::Ignore,
        default_trust: 0.5,
        ..EdgeListOptions::default()
    };
    let loaded = edges("1 2 9\n2 3\n", &options).unwrap();
    assert_eq!(arcs(&loaded), [(1, 2, 0.5), (2, 3, 0.5)]);
    let r = &loaded.report;
    assert_eq!((r.ignored_weights, r.default_trust_records), (1, 2));
}

#[test]
fn friendships_listed_both_ways_are_reported_and_can_be_joined() {
    let text = "1 2 0.5\n2 3\n2 1 0.25\n3 4\n";
    let undirected = EdgeListOptions {
        direction: Relation::Friendship,
        ..EdgeListOptions::default()
    };
    // Today's reading: four arcs for the pair {1, 2}, doubled degrees.
    let loaded = edges(text, &undirected).unwrap();
    let r = &loaded.report;
    assert_eq!(
        (r.listed_both_ways, r.both_ways_joined, r.duplicates),
        (1, 0, 1)
    );
    assert_eq!(r.arcs, 8);
    // One arc per direction, each with its own line's trust.
    let options = EdgeListOptions {
        both_ways: BothWays::OneArcPerDirection,
        ..undirected.clone()
    };
    let loaded = edges(text, &options).unwrap();
    assert_eq!(
        arcs(&loaded),
        [
            (1, 2, 0.5),
            (2, 3, 1.0),
            (3, 2, 1.0),
            (2, 1, 0.25),
            (3, 4, 1.0),
            (4, 3, 1.0)
        ]
    );
    let r = &loaded.report;
    assert_eq!(
        (r.listed_both_ways, r.both_ways_joined, r.duplicates),
        (1, 1, 0)
    );
    assert_eq!(r.arcs, 6);
    // Every degree as if each friendship were listed once.
    let net = loaded.graph.freeze().unwrap();
    let degrees: Vec<usize> = (0..4).map(|i| net.out_degree(i)).collect();
    assert_eq!(degrees, [1, 2, 2, 1]);
    // Same-way repeats are still duplicates under its policy.
    let options = EdgeListOptions {
        duplicates: Duplicates::Drop,
        ..options
    };
    let loaded = edges("1 2\n1 2\n2 1\n", &options).unwrap();
    let r = &loaded.report;
    assert_eq!(
        (r.duplicates_dropped, r.both_ways_joined, r.arcs),
        (1, 1, 2)
    );
    // Follow reads do not count pairs both ways.
    let loaded = edges(text, &EdgeListOptions::default()).unwrap();
    assert_eq!(loaded.report.listed_both_ways, 0);
}

#[test]
fn options_read_from_json_and_refuse_unknown_fields() {
    let json = r#"{
        "header": {"lines": 1},
        "columns": {"source": 0, "target": 1, "weight": 2},
        "extra_columns": "ignore",
        "weights": {"count": {"p": 0.05}},
        "both_ways": "one_arc_per_direction",
        "direction": "friendship",
        "ids": "text"
    }"#;
    let options: EdgeListOptions = serde_json::from_str(json).unwrap();
    assert_eq!(options.header, Header::Lines(1));
    assert_eq!(options.weights, Weights::Count { p: 0.05 });
    assert_eq!(options.ids, IdFormat::Text);
    let back: EdgeListOptions =
        serde_json::from_str(&serde_json::to_string(&options).unwrap()).unwrap();
    assert_eq!(back, options);
    assert!(serde_json::from_str::<EdgeListOptions>(r#"{"columns": {"src": 0}}"#).is_err());
    assert!(serde_json::from_str::<EdgeListOptions>(r#"{"weights": "counts"}"#).is_err());
    // A report stored before the new fields still reads.
    let old = r#"{"gzip":false,"lines":1,"header_lines":0,"comment_lines":0,"blank_lines":0,
        "records":1,"default_trust_records":1,"self_loops":0,"self_loops_dropped":0,
        "duplicates":0,"duplicates_dropped":0,"duplicates_merged":0,"nodes":2,"arcs":1}"#;
    let report: wom::io::LoadReport = serde_json::from_str(old).unwrap();
    assert_eq!(
        (report.arcs, report.listed_both_ways, report.first_time),
        (1, 0, None)
    );
}
