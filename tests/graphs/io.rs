//! Tests of the edge-list and CSV readers: every bad input gives its error
//! with its location, every policy does what it says and is counted.

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use approx::assert_relative_eq;
use flate2::Compression;
use flate2::write::GzEncoder;
use proptest::prelude::*;
use wom::io::{
    ArcDirection, Comments, CsvOptions, Duplicates, EdgeListOptions, IdFormat, LoadReport, Loaded,
    NodeOrder, SelfLoops, read_csv, read_csv_from, read_edge_list, read_edge_list_from,
};
use wom::{Error, NodeId, Relation};

// ---------------------------------------------------------------------------
// Helpers.

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(suffix: &str, bytes: &[u8]) -> TempFile {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("wom-io-test-{}-{n}-{suffix}", std::process::id()));
        std::fs::write(&path, bytes).expect("write temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn edges(text: &str, options: &EdgeListOptions) -> wom::Result<Loaded> {
    read_edge_list_from(text.as_bytes(), "mem.txt", options)
}

fn csv(text: &str, options: &CsvOptions) -> wom::Result<Loaded> {
    read_csv_from(text.as_bytes(), "mem.csv", options)
}

fn directed() -> EdgeListOptions {
    EdgeListOptions::default()
}

fn undirected() -> EdgeListOptions {
    EdgeListOptions {
        direction: Relation::Friendship,
        ..EdgeListOptions::default()
    }
}

/// The arcs in storage order as `(source id, target id, trust)`.
fn arcs(loaded: &Loaded) -> Vec<(NodeId, NodeId, f64)> {
    let g = &loaded.graph;
    g.graph()
        .raw_edges()
        .iter()
        .map(|e| {
            (
                g.id_of(e.source()).unwrap().clone(),
                g.id_of(e.target()).unwrap().clone(),
                e.weight.trust,
            )
        })
        .collect()
}

/// Arcs between integer ids, without trust.
fn pairs(loaded: &Loaded) -> Vec<(u64, u64)> {
    arcs(loaded)
        .into_iter()
        .map(|(u, v, _)| match (u, v) {
            (NodeId::Num(u), NodeId::Num(v)) => (u, v),
            other => panic!("not integer ids: {other:?}"),
        })
        .collect()
}

fn trusts(loaded: &Loaded) -> Vec<f64> {
    arcs(loaded).into_iter().map(|(_, _, t)| t).collect()
}

fn ids(loaded: &Loaded) -> Vec<NodeId> {
    loaded.graph.ids().ids().to_vec()
}

fn assert_line(result: wom::Result<Loaded>, want: u64) -> Error {
    let e = result.expect_err("expected an error");
    let line = match &e {
        Error::MalformedLine { location, .. } => location.line,
        Error::InvalidWeight { location, .. } | Error::ProbabilityOutOfRange { location, .. } => {
            location.as_ref().expect("a location").line
        }
        Error::TooManyNodes { location, .. } | Error::TooManyRecords { location, .. } => {
            location.as_ref().expect("a location").line
        }
        Error::SelfLoop { location, .. } | Error::DuplicateEdge { location, .. } => location.line,
        other => panic!("error without a line: {other:?}"),
    };
    assert_eq!(line, want, "{e}");
    e
}

// ---------------------------------------------------------------------------
// Bad input.

#[test]
fn one_column_is_a_malformed_line_with_its_number() {
    let e = assert_line(edges("1 2\n# note\n\n3\n4 5\n", &directed()), 4);
    match e {
        Error::MalformedLine { location, reason } => {
            assert_eq!(location.file, "mem.txt");
            assert!(reason.contains("found 1"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn more_than_three_columns_name_the_count() {
    let e = assert_line(edges("1 2\n1 2 0.5 x y\n", &directed()), 2);
    assert!(e.to_string().contains("found 5"), "{e}");
}

#[test]
fn integer_ids_reject_names_and_name_the_token() {
    let e = assert_line(edges("1 2\n3 bob\n", &directed()), 2);
    assert!(matches!(e, Error::MalformedLine { .. }));
    assert!(e.to_string().contains("\"bob\""), "{e}");
    let e = assert_line(edges("-1 2\n", &directed()), 1);
    assert!(e.to_string().contains("\"-1\""), "{e}");
    // u64::MAX fits, one more does not.
    assert!(edges("18446744073709551615 0\n", &directed()).is_ok());
    assert_line(edges("18446744073709551616 0\n", &directed()), 1);
}

#[test]
fn non_numeric_weight_is_invalid_weight() {
    let e = assert_line(edges("1 2 0.5\n2 3 high\n", &directed()), 2);
    match e {
        Error::InvalidWeight { text, location } => {
            assert_eq!(text, "high");
            assert_eq!(location.unwrap().file, "mem.txt");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn nan_and_infinite_weights_are_invalid_weights() {
    for bad in ["NaN", "nan", "inf", "-inf", "infinity"] {
        let e = assert_line(edges(&format!("1 2\n1 3 {bad}\n"), &directed()), 2);
        assert!(matches!(e, Error::InvalidWeight { .. }), "{bad}: {e:?}");
    }
}

#[test]
fn weight_outside_zero_one_is_out_of_range() {
    let e = assert_line(edges("1 2 1.5\n", &directed()), 1);
    match e {
        Error::ProbabilityOutOfRange { name, value, .. } => {
            assert_eq!(name, "trust");
            assert_eq!(value, 1.5);
        }
        other => panic!("{other:?}"),
    }
    let e = assert_line(edges("1 2\n\n1 3 -0.1\n", &directed()), 3);
    assert!(matches!(e, Error::ProbabilityOutOfRange { value, .. } if value == -0.1));
    // The ends are allowed, in any number format Rust reads.
    let loaded = edges("1 2 0\n1 3 1\n1 4 1e-3\n1 5 -0\n", &directed()).unwrap();
    assert_eq!(trusts(&loaded), [0.0, 1.0, 0.001, 0.0]);
}

#[test]
fn nonzero_weights_that_underflow_to_zero_are_errors() {
    for bad in ["1e-400", "0.5e-330", "-1e-400", "0.000001e-320", "1E-400"] {
        let e = assert_line(edges(&format!("1 2 0.5\n\n1 3 {bad}\n"), &directed()), 3);
        match &e {
            Error::MalformedLine { location, reason } => {
                assert_eq!(location.file, "mem.txt");
                assert!(reason.contains("underflows to 0"), "{bad}: {reason}");
                assert!(reason.contains(bad), "{bad}: {reason}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // The same in a CSV trust cell.
    let options = CsvOptions {
        weight_column: Some("w".into()),
        ..CsvOptions::default()
    };
    let e = assert_line(csv("source,target,w\na,b,0.5\nb,c,1e-400\n", &options), 3);
    assert!(e.to_string().contains("underflows to 0"), "{e}");
    // Zeros written as zeros are zeros, however they are written, and all
    // are +0.
    let zeros = ["0", "-0", "0.000", "-0.0e0", "0e-400", "0E999", "+0", ".0"];
    let text: String = zeros.iter().map(|z| format!("1 2 {z}\n")).collect();
    let loaded = edges(&text, &directed()).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t.len(), zeros.len());
    assert!(t.iter().all(|&w| w == 0.0 && w.is_sign_positive()), "{t:?}");
    // Subnormals that do not underflow are kept (rounded as any decimal).
    let loaded = edges("1 2 1e-310\n1 3 5e-324\n", &directed()).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t, [1e-310, 5e-324]);
    assert!(t.iter().all(|&w| w > 0.0));
}

#[test]
fn negative_zero_default_trust_is_zero() {
    let options = EdgeListOptions {
        default_trust: -0.0,
        ..directed()
    };
    let loaded = edges("1 2\n1 3 -0\n", &options).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t, [0.0, 0.0]);
    assert!(t.iter().all(|w| w.is_sign_positive()), "{t:?}");
    assert_eq!(loaded.report.default_trust_records, 1);
    let options = CsvOptions {
        default_trust: -0.0,
        weight_column: Some("w".into()),
        ..CsvOptions::default()
    };
    let loaded = csv("source,target,w\na,b,\nb,c,-0\n", &options).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t, [0.0, 0.0]);
    assert!(t.iter().all(|w| w.is_sign_positive()), "{t:?}");
}

#[test]
fn invalid_default_trust_is_rejected_before_reading() {
    let options = EdgeListOptions {
        default_trust: 2.0,
        ..directed()
    };
    assert!(matches!(
        edges("1 2\n", &options),
        Err(Error::ProbabilityOutOfRange { location: None, .. })
    ));
    let options = EdgeListOptions {
        default_trust: f64::NAN,
        ..directed()
    };
    assert!(matches!(
        edges("1 2\n", &options),
        Err(Error::InvalidWeight { .. })
    ));
}

#[test]
fn empty_inputs_are_errors() {
    for text in ["", "\n\n", "# only a comment\n  # and another\n\t\n"] {
        match edges(text, &directed()) {
            Err(Error::EmptyInput { file, what }) => {
                assert_eq!(file, "mem.txt");
                assert_eq!(what, "edges");
            }
            other => panic!("{text:?}: {other:?}"),
        }
    }
    let empty_gzip = gzip(b"");
    assert!(matches!(
        read_edge_list_from(&empty_gzip[..], "e.gz", &directed()),
        Err(Error::EmptyInput { .. })
    ));
    let file = TempFile::new("empty.txt", b"");
    assert!(matches!(
        read_edge_list(&file.0, &directed()),
        Err(Error::EmptyInput { .. })
    ));
}

#[test]
fn missing_file_is_file_not_found() {
    let path = std::env::temp_dir().join("wom-io-test-this-file-does-not-exist.txt");
    match read_edge_list(&path, &directed()) {
        Err(Error::FileNotFound { path: p }) => assert_eq!(p, path),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read_csv(&path, &CsvOptions::default()),
        Err(Error::FileNotFound { .. })
    ));
}

#[test]
fn a_folder_is_an_io_error() {
    let dir = std::env::temp_dir();
    assert!(matches!(
        read_edge_list(&dir, &directed()),
        Err(Error::Io { .. })
    ));
}

fn many_lines(n: u64) -> String {
    (0..n).map(|i| format!("{i} {}\n", i + 1)).collect()
}

#[test]
fn truncated_gzip_is_corrupt_gzip_naming_the_last_complete_line() {
    let text = many_lines(20_000);
    let compressed = gzip(text.as_bytes());
    let half = &compressed[..compressed.len() / 2];
    match read_edge_list_from(half, "cut.txt.gz", &directed()) {
        Err(Error::CorruptGzip { file, line, detail }) => {
            assert_eq!(file, "cut.txt.gz");
            assert!(line > 0 && line < 20_000, "line {line}");
            assert!(!detail.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // From a file too, whatever its name says.
    let file = TempFile::new("cut.txt", half);
    assert!(matches!(
        read_edge_list(&file.0, &directed()),
        Err(Error::CorruptGzip { .. })
    ));
    // Cut inside the header, and with the trailer missing.
    for cut in [&compressed[..5], &compressed[..compressed.len() - 4]] {
        assert!(matches!(
            read_edge_list_from(cut, "cut.gz", &directed()),
            Err(Error::CorruptGzip { .. })
        ));
    }
    // A flipped byte in the checksum: every line was read, then the check
    // fails.
    let mut flipped = compressed.clone();
    let crc = flipped.len() - 8;
    flipped[crc] ^= 0xff;
    match read_edge_list_from(&flipped[..], "bad.gz", &directed()) {
        Err(Error::CorruptGzip { line, .. }) => assert_eq!(line, 20_000),
        other => panic!("{other:?}"),
    }
    // A flipped byte in the middle decodes to junk before the checksum can
    // tell: some error, never a graph and never a panic.
    let mut flipped = compressed.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    assert!(read_edge_list_from(&flipped[..], "bad.gz", &directed()).is_err());
}

#[test]
fn truncated_gzip_csv_is_corrupt_gzip() {
    let mut text = String::from("source,target\n");
    for i in 0..20_000 {
        text.push_str(&format!("n{i},n{}\n", i + 1));
    }
    let compressed = gzip(text.as_bytes());
    let half = &compressed[..compressed.len() / 2];
    match read_csv_from(half, "cut.csv.gz", &CsvOptions::default()) {
        Err(Error::CorruptGzip { line, .. }) => assert!(line > 1 && line < 20_001, "{line}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn too_many_nodes_names_the_line() {
    let options = EdgeListOptions {
        max_nodes: 2,
        ..directed()
    };
    let e = assert_line(edges("1 2\n# c\n2 1\n2 3\n", &options), 4);
    assert!(matches!(e, Error::TooManyNodes { limit: 2, .. }));
    // Exactly at the limit is fine.
    let loaded = edges("1 2\n2 1\n", &options).unwrap();
    assert_eq!(loaded.report.nodes, 2);
}

/// A gzip bomb of `1 2` lines (10 million of them, 40 MB, compressed to
/// about 40 kB) stops at the record cap, naming the line, in CSV as in edge
/// lists; the default cap is 100 million and exactly the cap is accepted.
#[test]
fn too_many_records_stops_a_gzip_bomb_at_the_cap() {
    assert_eq!(EdgeListOptions::default().max_records, 100_000_000);
    assert_eq!(CsvOptions::default().max_records, 100_000_000);
    let bomb = gzip("1 2\n".repeat(10_000_000).as_bytes());
    assert!(bomb.len() < 200_000, "{}", bomb.len());
    let options = EdgeListOptions {
        max_records: 1_000,
        ..directed()
    };
    let e = assert_line(read_edge_list_from(&bomb[..], "bomb.gz", &options), 1_001);
    assert!(
        matches!(e, Error::TooManyRecords { limit: 1_000, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("max_records"), "{e}");
    // Comment and blank lines do not count; exactly the cap is fine.
    let loaded = edges(
        "# c\n1 2\n\n2 3\n",
        &EdgeListOptions {
            max_records: 2,
            ..directed()
        },
    );
    assert_eq!(loaded.unwrap().report.records, 2);
    let csv_options = CsvOptions {
        max_records: 2,
        ..CsvOptions::default()
    };
    let e = assert_line(csv("source,target\na,b\nb,c\nc,a\n", &csv_options), 4);
    assert!(matches!(e, Error::TooManyRecords { limit: 2, .. }), "{e:?}");
}

#[test]
fn unknown_node_lookup_is_unknown_node() {
    let loaded = edges("1 2\n", &directed()).unwrap();
    assert!(matches!(
        loaded.graph.node(&NodeId::Num(3)),
        Err(Error::UnknownNode { .. })
    ));
    // Integer ids are numbers, not names.
    assert!(matches!(
        loaded.graph.node(&NodeId::Name("1".into())),
        Err(Error::UnknownNode { .. })
    ));
    let one = loaded.graph.node(&NodeId::Num(1)).unwrap();
    assert_eq!(loaded.graph.id_of(one), Some(&NodeId::Num(1)));
}

// ---------------------------------------------------------------------------
// Policies.

const LOOPS: &str = "1 1 0.5\n1 2\n2 2\n";

#[test]
fn self_loops_keep() {
    let options = EdgeListOptions {
        self_loops: SelfLoops::Keep,
        ..directed()
    };
    let loaded = edges(LOOPS, &options).unwrap();
    assert_eq!(pairs(&loaded), [(1, 1), (1, 2), (2, 2)]);
    assert_eq!(trusts(&loaded), [0.5, 1.0, 1.0]);
    let r = &loaded.report;
    assert_eq!((r.records, r.self_loops, r.self_loops_dropped), (3, 2, 0));
    assert_eq!((r.nodes, r.arcs), (2, 3));
    // Undirected, a self-loop is one arc.
    let options = EdgeListOptions {
        direction: Relation::Friendship,
        ..options
    };
    let loaded = edges(LOOPS, &options).unwrap();
    assert_eq!(pairs(&loaded), [(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn self_loops_drop_keeps_the_node() {
    let options = EdgeListOptions {
        self_loops: SelfLoops::Drop,
        ..directed()
    };
    let loaded = edges("1 1 0.5\n1 2\n2 2\n3 3\n", &options).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2)]);
    let r = &loaded.report;
    assert_eq!((r.records, r.self_loops, r.self_loops_dropped), (4, 3, 3));
    assert_eq!(r.kept_records(), 1);
    // Node 3 was named by the input: it stays, isolated.
    assert_eq!(r.nodes, 3);
    assert!(loaded.graph.node(&NodeId::Num(3)).is_ok());
}

#[test]
fn self_loops_error() {
    let options = EdgeListOptions {
        self_loops: SelfLoops::Error,
        ..directed()
    };
    let e = assert_line(edges("1 2\n\n2 2\n", &options), 3);
    match e {
        Error::SelfLoop { id, .. } => assert_eq!(id, "2"),
        other => panic!("{other:?}"),
    }
}

/// Pair 1-2 three times, 2-3 and 3-2 once each.
const DUPS: &str = "1 2 0.5\n2 3 0.1\n1 2 0.2\n1 2 0.4\n3 2 0.4\n";

fn with_duplicates(policy: Duplicates, direction: Relation) -> wom::Result<Loaded> {
    let options = EdgeListOptions {
        duplicates: policy,
        direction,
        ..directed()
    };
    edges(DUPS, &options)
}

#[test]
fn duplicates_keep() {
    let loaded = with_duplicates(Duplicates::Keep, Relation::Follow).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3), (1, 2), (1, 2), (3, 2)]);
    assert_eq!(trusts(&loaded), [0.5, 0.1, 0.2, 0.4, 0.4]);
    let r = &loaded.report;
    assert_eq!(
        (r.duplicates, r.duplicates_dropped, r.duplicates_merged),
        (2, 0, 0)
    );
    assert_eq!(r.arcs, 5);
}

#[test]
fn duplicates_drop_keeps_the_first() {
    let loaded = with_duplicates(Duplicates::Drop, Relation::Follow).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3), (3, 2)]);
    assert_eq!(trusts(&loaded), [0.5, 0.1, 0.4]);
    let r = &loaded.report;
    assert_eq!(
        (r.duplicates, r.duplicates_dropped, r.duplicates_merged),
        (2, 2, 0)
    );
    assert_eq!((r.records, r.kept_records(), r.arcs), (5, 3, 3));
}

#[test]
fn duplicates_merge_with_noisy_or() {
    let loaded = with_duplicates(Duplicates::Merge, Relation::Follow).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3), (3, 2)]);
    let t = trusts(&loaded);
    assert_relative_eq!(t[0], 1.0 - 0.5 * 0.8 * 0.6, epsilon = 1e-15);
    assert_relative_eq!(t[0], 0.76, epsilon = 1e-15);
    assert_eq!(&t[1..], [0.1, 0.4]);
    let r = &loaded.report;
    assert_eq!(
        (r.duplicates, r.duplicates_dropped, r.duplicates_merged),
        (2, 0, 2)
    );
    assert_eq!(r.arcs, 3);
}

#[test]
fn merging_keeps_tiny_trusts_and_full_trust() {
    let merge = EdgeListOptions {
        duplicates: Duplicates::Merge,
        ..directed()
    };
    // 1 - (1 - 1e-17)^2 is 2e-17; the plain product rounds 1 - 1e-17 to 1
    // and gives 0.
    let loaded = edges("1 2 1e-17\n1 2 1e-17\n", &merge).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t.len(), 1);
    assert_relative_eq!(t[0], 2e-17, epsilon = 0.0, max_relative = 1e-15);
    // Many tiny records add up.
    let text = "1 2 1e-300\n".repeat(1_000);
    let loaded = edges(&text, &merge).unwrap();
    assert_relative_eq!(
        trusts(&loaded)[0],
        1e-297,
        epsilon = 0.0,
        max_relative = 1e-12
    );
    // A record of full trust makes the pair fully trusted, exactly.
    let loaded = edges("1 2 0.3\n1 2 1\n1 2 0.2\n", &merge).unwrap();
    assert_eq!(trusts(&loaded), [1.0]);
    // Records all of trust 0 merge to +0.
    let loaded = edges("1 2 0\n1 2 -0\n", &merge).unwrap();
    let t = trusts(&loaded);
    assert_eq!(t, [0.0]);
    assert!(t[0].is_sign_positive());
    // One half twice is three quarters.
    let loaded = edges("1 2 0.5\n1 2 0.5\n", &merge).unwrap();
    assert_relative_eq!(trusts(&loaded)[0], 0.75, epsilon = 1e-15);
}

#[test]
fn duplicates_error_names_both_lines() {
    match with_duplicates(Duplicates::Error, Relation::Follow) {
        Err(Error::DuplicateEdge {
            from,
            to,
            location,
            first_line,
        }) => {
            assert_eq!((from.as_str(), to.as_str()), ("1", "2"));
            assert_eq!((location.line, first_line), (3, 1));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn undirected_duplicates_are_unordered_pairs() {
    let loaded = with_duplicates(Duplicates::Keep, Relation::Friendship).unwrap();
    assert_eq!(loaded.report.duplicates, 3);
    assert_eq!(loaded.report.arcs, 10);

    let loaded = with_duplicates(Duplicates::Drop, Relation::Friendship).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 1), (2, 3), (3, 2)]);
    assert_eq!(loaded.report.duplicates_dropped, 3);

    let loaded = with_duplicates(Duplicates::Merge, Relation::Friendship).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 1), (2, 3), (3, 2)]);
    let t = trusts(&loaded);
    assert_relative_eq!(t[0], 0.76, epsilon = 1e-15);
    assert_relative_eq!(t[1], 0.76, epsilon = 1e-15);
    assert_relative_eq!(t[2], 1.0 - 0.9 * 0.6, epsilon = 1e-15);
    assert_relative_eq!(t[3], 0.46, epsilon = 1e-15);
    assert_eq!(loaded.report.duplicates_merged, 3);

    match with_duplicates(Duplicates::Error, Relation::Friendship) {
        Err(Error::DuplicateEdge {
            location,
            first_line,
            ..
        }) => assert_eq!((location.line, first_line), (3, 1)),
        other => panic!("{other:?}"),
    }
    // Directed, 2 3 and 3 2 are different arcs.
    let options = EdgeListOptions {
        duplicates: Duplicates::Error,
        ..directed()
    };
    assert!(edges("2 3\n3 2\n", &options).is_ok());
}

#[test]
fn duplicate_self_loops_are_duplicates_unless_dropped() {
    let options = EdgeListOptions {
        duplicates: Duplicates::Drop,
        ..directed()
    };
    let loaded = edges("4 4\n4 4\n", &options).unwrap();
    assert_eq!(pairs(&loaded), [(4, 4)]);
    assert_eq!((loaded.report.self_loops, loaded.report.duplicates), (2, 1));
    let options = EdgeListOptions {
        self_loops: SelfLoops::Drop,
        ..options
    };
    let loaded = edges("4 4\n4 4\n1 2\n", &options).unwrap();
    assert_eq!(
        (loaded.report.self_loops_dropped, loaded.report.duplicates),
        (2, 0)
    );
}

#[test]
fn undirected_input_gives_two_friendship_arcs_per_edge() {
    let loaded = edges("1 2 0.3\n2 3\n", &undirected()).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 1), (2, 3), (3, 2)]);
    assert_eq!(trusts(&loaded), [0.3, 0.3, 1.0, 1.0]);
    assert!(
        loaded
            .graph
            .graph()
            .edge_weights()
            .all(|t| t.relation == Relation::Friendship)
    );
    assert_eq!((loaded.report.records, loaded.report.arcs), (2, 4));
    let directed = edges("1 2 0.3\n", &directed()).unwrap();
    assert!(
        directed
            .graph
            .graph()
            .edge_weights()
            .all(|t| t.relation == Relation::Follow)
    );
}

#[test]
fn reversed_arcs_point_from_the_followed() {
    // "A follows B": B -> A, A hears B.
    let options = EdgeListOptions {
        arc_direction: ArcDirection::Reversed,
        ..directed()
    };
    let loaded = edges("1 2 0.3\n1 3\n", &options).unwrap();
    assert_eq!(pairs(&loaded), [(2, 1), (3, 1)]);
    assert_eq!(trusts(&loaded), [0.3, 1.0]);
    // Ids still in order of first appearance, left to right.
    assert_eq!(
        ids(&loaded),
        [NodeId::Num(1), NodeId::Num(2), NodeId::Num(3)]
    );
    // Errors name the pair as listed.
    let options = EdgeListOptions {
        duplicates: Duplicates::Error,
        ..options
    };
    match edges("1 2\n1 2\n", &options) {
        Err(Error::DuplicateEdge { from, to, .. }) => {
            assert_eq!((from, to), ("1".into(), "2".into()))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn default_trust_fills_missing_weights_and_is_counted() {
    let options = EdgeListOptions {
        default_trust: 0.25,
        ..directed()
    };
    let loaded = edges("1 2\n2 3 0.5\n3 1\n", &options).unwrap();
    assert_eq!(trusts(&loaded), [0.25, 0.5, 0.25]);
    assert_eq!(loaded.report.default_trust_records, 2);
}

// ---------------------------------------------------------------------------
// Layout of the text.

#[test]
fn comments_blank_lines_tabs_and_crlf() {
    let text = "\u{feff}# header\r\n  # indented comment\r\n\r\n1\t2\r\n \t \r\n3  \t 4   0.25\r\n\t5 6\t\r\n# end";
    let loaded = edges(text, &directed()).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (3, 4), (5, 6)]);
    assert_eq!(trusts(&loaded), [1.0, 0.25, 1.0]);
    let r = &loaded.report;
    assert_eq!(
        (r.lines, r.comment_lines, r.blank_lines, r.records),
        (8, 3, 2, 3)
    );
    assert!(!r.gzip);
    // The line count after CRLF lines is right in errors.
    assert_line(edges("1 2\r\n\r\n3\r\n", &directed()), 3);
}

#[test]
fn a_hash_at_the_start_of_a_line_is_a_comment_also_with_text_ids() {
    let text = "#tag bob\nann #tag\n  #x y 0.5\nbob ann\n";
    let options = EdgeListOptions {
        ids: IdFormat::Text,
        ..directed()
    };
    let loaded = edges(text, &options).unwrap();
    // Lines 1 and 3 are comments, counted; a '#' after the first column is
    // part of the id.
    assert_eq!(
        ids(&loaded),
        ["ann", "#tag", "bob"].map(|n| NodeId::Name(n.into()))
    );
    let r = &loaded.report;
    assert_eq!(
        (r.lines, r.comment_lines, r.blank_lines, r.records),
        (4, 2, 0, 2)
    );

    // Without comments every line is a record.
    let options = EdgeListOptions {
        comments: Comments::None,
        ..options
    };
    let loaded = edges(text, &options).unwrap();
    assert_eq!(
        ids(&loaded),
        ["#tag", "bob", "ann", "#x", "y"].map(|n| NodeId::Name(n.into()))
    );
    assert_eq!(trusts(&loaded), [1.0, 1.0, 0.5, 1.0]);
    let r = &loaded.report;
    assert_eq!(
        (r.lines, r.comment_lines, r.blank_lines, r.records),
        (4, 0, 0, 4)
    );
    // ... and with integer ids a '#' line is then malformed.
    let options = EdgeListOptions {
        comments: Comments::None,
        ..directed()
    };
    let e = assert_line(edges("1 2\n# note\n", &options), 2);
    assert!(matches!(e, Error::MalformedLine { .. }), "{e:?}");
}

#[test]
fn a_last_line_without_line_end_is_read() {
    let loaded = edges("1 2\n2 3", &directed()).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3)]);
    assert_eq!(loaded.report.lines, 2);
}

#[test]
fn ids_come_in_order_of_first_appearance() {
    let loaded = edges("30 1412\n30 3352\n5 30\n", &directed()).unwrap();
    assert_eq!(
        ids(&loaded),
        [30u64, 1412, 3352, 5].map(NodeId::Num).to_vec()
    );
    for (i, id) in ids(&loaded).iter().enumerate() {
        assert_eq!(loaded.graph.node(id).unwrap().index(), i);
    }
}

#[test]
fn leading_zeros_are_numbers_with_integer_ids_and_kept_with_text_ids() {
    // Integer: "007" is 7, so this line is a self-loop on node 7.
    let loaded = edges("007 7\n", &directed()).unwrap();
    assert_eq!(ids(&loaded), [NodeId::Num(7)]);
    assert_eq!(loaded.report.self_loops, 1);
    // Text: two different nodes, kept verbatim.
    let options = EdgeListOptions {
        ids: IdFormat::Text,
        ..directed()
    };
    let loaded = edges("007 7\nbob 007\n", &options).unwrap();
    assert_eq!(
        ids(&loaded),
        [
            NodeId::Name("007".into()),
            NodeId::Name("7".into()),
            NodeId::Name("bob".into())
        ]
    );
    assert_eq!(loaded.report.self_loops, 0);
    assert!(loaded.graph.node(&NodeId::Num(7)).is_err());
}

#[test]
fn arcs_keep_input_order_and_freeze() {
    let text = many_lines(1_000);
    let loaded = edges(&text, &directed()).unwrap();
    let want: Vec<(u64, u64)> = (0..1_000).map(|i| (i, i + 1)).collect();
    assert_eq!(pairs(&loaded), want);
    let net = loaded.graph.freeze().unwrap();
    assert_eq!((net.node_count(), net.arc_count()), (1_001, 1_000));
    assert_eq!(net.index_of(&NodeId::Num(1_000)).unwrap(), 1_000);
}

// ---------------------------------------------------------------------------
// Gzip.

#[test]
fn gzip_from_a_reader_is_detected_by_magic_bytes() {
    let text = "# c\n1 2 0.5\n2 3\n";
    let compressed = gzip(text.as_bytes());
    let loaded = read_edge_list_from(&compressed[..], "no-extension", &directed()).unwrap();
    assert!(loaded.report.gzip);
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3)]);
    assert_eq!(loaded.report.lines, 3);
    // Two concatenated gzip members are one input.
    let mut two = gzip(b"1 2\n");
    two.extend(gzip(b"2 3\n"));
    let loaded = read_edge_list_from(&two[..], "two", &directed()).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 3)]);
}

#[test]
fn gzip_is_told_by_content_not_by_file_name() {
    let compressed = gzip(b"1 2\n");
    let looks_plain = TempFile::new("edges.txt", &compressed);
    let loaded = read_edge_list(&looks_plain.0, &directed()).unwrap();
    assert!(loaded.report.gzip);
    assert_eq!(pairs(&loaded), [(1, 2)]);
    let looks_gzip = TempFile::new("edges.txt.gz", b"1 2\n");
    let loaded = read_edge_list(&looks_gzip.0, &directed()).unwrap();
    assert!(!loaded.report.gzip);
    assert_eq!(pairs(&loaded), [(1, 2)]);
}

#[test]
fn errors_in_files_name_the_path() {
    let file = TempFile::new("bad.txt", b"1 2\n1 2 x\n");
    match read_edge_list(&file.0, &directed()) {
        Err(Error::InvalidWeight {
            location: Some(location),
            ..
        }) => {
            assert_eq!(location.file, file.0.display().to_string());
            assert_eq!(location.line, 2);
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------
// CSV.

fn csv_options() -> CsvOptions {
    CsvOptions {
        source_column: "from".into(),
        target_column: "to".into(),
        weight_column: Some("w".into()),
        ..CsvOptions::default()
    }
}

#[test]
fn csv_with_header_string_ids_and_weights() {
    let table = "note,from,to,w\nx,alice,bob,0.5\ny,bob,\"carol, jr\",\nz,007,7,1\n";
    let loaded = csv(table, &csv_options()).unwrap();
    let name = |s: &str| NodeId::Name(s.into());
    assert_eq!(
        arcs(&loaded),
        [
            (name("alice"), name("bob"), 0.5),
            (name("bob"), name("carol, jr"), 1.0),
            (name("007"), name("7"), 1.0),
        ]
    );
    let r = &loaded.report;
    assert_eq!(
        (r.lines, r.header_lines, r.blank_lines, r.records),
        (4, 1, 0, 3)
    );
    assert_eq!((r.nodes, r.arcs, r.default_trust_records), (5, 3, 1));
    assert!(loaded.graph.node(&name("carol, jr")).is_ok());
}

#[test]
fn csv_with_integer_ids_tabs_and_undirected() {
    let table = "a\tb\n 1\t2 \n2\t3\n";
    let options = CsvOptions {
        source_column: "a".into(),
        target_column: "b".into(),
        delimiter: b'\t',
        ids: IdFormat::Integer,
        direction: Relation::Friendship,
        ..CsvOptions::default()
    };
    let loaded = csv(table, &options).unwrap();
    assert_eq!(pairs(&loaded), [(1, 2), (2, 1), (2, 3), (3, 2)]);
    let e = assert_line(csv("a\tb\n1\tbob\n", &options), 2);
    assert!(e.to_string().contains("\"bob\""), "{e}");
}

#[test]
fn csv_ignores_a_byte_order_mark() {
    let plain = "source,target\na,b\nb,c\n";
    for text in [
        format!("\u{feff}{plain}"),
        "\u{feff}\"source\",target\na,b\nb,c\n".to_string(),
        format!("\u{feff}{}", plain.replace('\n', "\r\n")),
    ] {
        let loaded = csv(&text, &CsvOptions::default()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(
            ids(&loaded),
            ["a", "b", "c"].map(|n| NodeId::Name(n.into())),
            "{text:?}"
        );
        let r = &loaded.report;
        assert_eq!((r.lines, r.header_lines, r.records), (3, 1, 2), "{text:?}");
        // Compressed, from a file.
        let file = TempFile::new("bom.csv.gz", &gzip(text.as_bytes()));
        let loaded = read_csv(&file.0, &CsvOptions::default()).unwrap();
        assert_eq!(loaded.report.records, 2);
    }
    // Lines are still counted right after the mark.
    let e = assert_line(
        csv("\u{feff}source,target\na,b\nc\n", &CsvOptions::default()),
        3,
    );
    assert!(matches!(e, Error::MalformedLine { .. }));
    // Only a mark at the very start is taken away: one in a cell is data.
    let loaded = csv("source,target\n\u{feff}a,b\n", &CsvOptions::default()).unwrap();
    assert_eq!(ids(&loaded)[0], NodeId::Name("\u{feff}a".into()));
    // Short inputs that begin like a mark are kept whole.
    assert!(matches!(
        read_csv_from(&b"\xEF\xBB"[..], "m", &CsvOptions::default()),
        Err(Error::MalformedLine { .. } | Error::EmptyInput { .. })
    ));
}

#[test]
fn csv_missing_column_is_a_clear_error() {
    let table = "source,dest\na,b\n";
    match csv(table, &CsvOptions::default()) {
        Err(Error::MalformedLine { location, reason }) => {
            assert_eq!(location.line, 1);
            assert!(reason.contains("\"target\""), "{reason}");
            assert!(reason.contains("\"dest\""), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let options = CsvOptions {
        target_column: "dest".into(),
        weight_column: Some("trust".into()),
        ..CsvOptions::default()
    };
    let e = csv(table, &options).unwrap_err();
    assert!(e.to_string().contains("\"trust\""), "{e}");
    // A column named twice is ambiguous.
    let e = csv("source,source,target\na,b,c\n", &CsvOptions::default()).unwrap_err();
    assert!(e.to_string().contains("more than once"), "{e}");
}

#[test]
fn csv_errors_name_the_true_line_with_crlf_and_blank_lines() {
    let options = csv_options();
    let table = "from,to,w\r\nann,bob,0.5\r\n\r\n\r\ncy,dan,2\r\n";
    let e = assert_line(csv(table, &options), 5);
    assert!(matches!(e, Error::ProbabilityOutOfRange { .. }));
    let table = "from,to,w\nann,bob,0.5\n\nann,bob\n";
    let e = assert_line(csv(table, &options), 4);
    assert!(e.to_string().contains("found 2 fields"), "{e}");
    // After a quoted field holding a line end.
    let table = "from,to,w\n\"a\nb\",c,0.5\nd,e,x\n";
    assert_line(csv(table, &options), 4);
    let loaded = csv("from,to,w\n\"a\nb\",c,0.5\n\nd,e,\n", &options).unwrap();
    let r = &loaded.report;
    assert_eq!(
        (r.lines, r.header_lines, r.blank_lines, r.records),
        (5, 1, 1, 2)
    );
}

#[test]
fn csv_empty_inputs_are_errors() {
    for table in ["", "\n\n", "from,to,w\n", "from,to,w\n\n"] {
        assert!(
            matches!(csv(table, &csv_options()), Err(Error::EmptyInput { .. })),
            "{table:?}"
        );
    }
}

#[test]
fn csv_options_are_checked() {
    let bad = [
        CsvOptions {
            delimiter: b'"',
            ..CsvOptions::default()
        },
        CsvOptions {
            delimiter: 0xE9,
            ..CsvOptions::default()
        },
        CsvOptions {
            target_column: "source".into(),
            ..CsvOptions::default()
        },
        CsvOptions {
            weight_column: Some("target".into()),
            ..CsvOptions::default()
        },
    ];
    for options in bad {
        assert!(
            matches!(
                csv("source,target\na,b\n", &options),
                Err(Error::InvalidParameter { .. })
            ),
            "{options:?}"
        );
    }
}

#[test]
fn csv_policies_and_gzip_from_a_file() {
    let table = "source,target,trust\na,b,0.5\nb,a,0.5\na,a,0.1\n";
    let file = TempFile::new("edges.csv", &gzip(table.as_bytes()));
    let options = CsvOptions {
        weight_column: Some("trust".into()),
        direction: Relation::Friendship,
        duplicates: Duplicates::Merge,
        self_loops: SelfLoops::Drop,
        arc_direction: ArcDirection::Reversed,
        ..CsvOptions::default()
    };
    let loaded = read_csv(&file.0, &options).unwrap();
    let name = |s: &str| NodeId::Name(s.into());
    assert_eq!(
        arcs(&loaded),
        [(name("b"), name("a"), 0.75), (name("a"), name("b"), 0.75)]
    );
    let r = &loaded.report;
    assert!(r.gzip);
    assert_eq!(
        (r.duplicates_merged, r.self_loops_dropped, r.arcs),
        (1, 1, 2)
    );
}

// ---------------------------------------------------------------------------
// Options and reports as documents.

#[test]
fn options_are_documents_with_defaults() {
    let o: EdgeListOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(o, EdgeListOptions::default());
    assert_eq!(o.direction, Relation::Follow);
    assert_eq!(o.arc_direction, ArcDirection::AsListed);
    assert_eq!(o.self_loops, SelfLoops::Keep);
    assert_eq!(o.duplicates, Duplicates::Keep);
    assert_eq!(o.ids, IdFormat::Integer);
    assert_eq!(o.comments, Comments::Hash);
    assert_eq!(o.default_trust, 1.0);
    assert_eq!(o.max_nodes, u64::from(u32::MAX - 1));

    let o: EdgeListOptions = serde_json::from_str(
        r#"{"direction":"undirected","arc_direction":"reversed","self_loops":"drop",
            "duplicates":"merge","ids":"text","comments":"none","default_trust":0.5,
            "max_nodes":10}"#,
    )
    .unwrap();
    assert_eq!(o.duplicates, Duplicates::Merge);
    assert_eq!(o.comments, Comments::None);
    let back: EdgeListOptions = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
    assert_eq!(back, o);
    assert!(serde_json::from_str::<EdgeListOptions>(r#"{"directon":"directed"}"#).is_err());
    // The relation's own names and the older spellings read the same.
    for (text, want) in [
        ("follow", Relation::Follow),
        ("directed", Relation::Follow),
        ("friendship", Relation::Friendship),
        ("undirected", Relation::Friendship),
    ] {
        let o: EdgeListOptions =
            serde_json::from_str(&format!(r#"{{"direction":"{text}"}}"#)).unwrap();
        assert_eq!(o.direction, want, "{text}");
        let c: CsvOptions = serde_json::from_str(&format!(r#"{{"direction":"{text}"}}"#)).unwrap();
        assert_eq!(c.direction, want, "{text}");
    }
    let text = serde_json::to_string(&EdgeListOptions::default()).unwrap();
    assert!(text.contains(r#""direction":"follow""#), "{text}");

    let c: CsvOptions = serde_json::from_str(r#"{"delimiter":"\t","weight_column":"w"}"#).unwrap();
    assert_eq!((c.delimiter, c.ids), (b'\t', IdFormat::Text));
    let text = serde_json::to_string(&CsvOptions::default()).unwrap();
    assert!(text.contains(r#""delimiter":",""#), "{text}");
    assert!(serde_json::from_str::<CsvOptions>(r#"{"delimiter":",,"}"#).is_err());
}

#[test]
fn report_is_a_document() {
    let loaded = edges("1 2\n", &directed()).unwrap();
    let text = serde_json::to_string(&loaded.report).unwrap();
    let back: LoadReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, loaded.report);
    assert!(text.contains(r#""arcs":1"#), "{text}");
}

// ---------------------------------------------------------------------------
// Against a plain model of the policies.

#[derive(Debug, Clone, Copy)]
struct Policies {
    direction: Relation,
    self_loops: SelfLoops,
    duplicates: Duplicates,
}

/// What the reader must give, computed the slow, obvious way.
fn model(records: &[(u8, u8, u8)], p: Policies) -> (Vec<(u64, u64, f64)>, [u64; 5]) {
    let mut kept: Vec<(u64, u64, f64)> = Vec::new();
    let mut first = std::collections::HashMap::new();
    let [
        mut loops,
        mut loops_dropped,
        mut dups,
        mut dropped,
        mut merged,
    ] = [0u64; 5];
    for &(u, v, w) in records {
        let (u, v, w) = (u64::from(u), u64::from(v), f64::from(w) / 100.0);
        if u == v {
            loops += 1;
            if p.self_loops == SelfLoops::Drop {
                loops_dropped += 1;
                continue;
            }
        }
        let key = match p.direction {
            Relation::Friendship => (u.min(v), u.max(v)),
            Relation::Follow => (u, v),
        };
        if let Some(&k) = first.get(&key) {
            dups += 1;
            match p.duplicates {
                Duplicates::Drop => {
                    dropped += 1;
                    continue;
                }
                Duplicates::Merge => {
                    merged += 1;
                    let t: &mut (u64, u64, f64) = &mut kept[k];
                    t.2 = 1.0 - (1.0 - t.2) * (1.0 - w);
                    continue;
                }
                _ => {}
            }
        } else {
            first.insert(key, kept.len());
        }
        kept.push((u, v, w));
    }
    let mut arcs = Vec::new();
    for (u, v, w) in kept {
        arcs.push((u, v, w));
        if p.direction == Relation::Friendship && u != v {
            arcs.push((v, u, w));
        }
    }
    (arcs, [loops, loops_dropped, dups, dropped, merged])
}

fn policies() -> impl Strategy<Value = Policies> {
    (
        prop_oneof![Just(Relation::Follow), Just(Relation::Friendship)],
        prop_oneof![Just(SelfLoops::Keep), Just(SelfLoops::Drop)],
        prop_oneof![
            Just(Duplicates::Keep),
            Just(Duplicates::Drop),
            Just(Duplicates::Merge)
        ],
    )
        .prop_map(|(direction, self_loops, duplicates)| Policies {
            direction,
            self_loops,
            duplicates,
        })
}

proptest! {
    #[test]
    fn reader_matches_the_model(
        records in prop::collection::vec((0u8..6, 0u8..6, 0u8..=100), 1..40),
        p in policies(),
        gz in any::<bool>(),
    ) {
        let mut text = String::from("# generated\n");
        for (u, v, w) in &records {
            text.push_str(&format!("{u}\t{v} {}\n", f64::from(*w) / 100.0));
        }
        let options = EdgeListOptions {
            direction: p.direction,
            self_loops: p.self_loops,
            duplicates: p.duplicates,
            ..EdgeListOptions::default()
        };
        let bytes = if gz { gzip(text.as_bytes()) } else { text.into_bytes() };
        let loaded = read_edge_list_from(&bytes[..], "gen", &options).unwrap();
        let (want, [loops, loops_dropped, dups, dropped, merged]) = model(&records, p);
        let got: Vec<(u64, u64, f64)> = arcs(&loaded)
            .into_iter()
            .map(|(u, v, t)| match (u, v) {
                (NodeId::Num(u), NodeId::Num(v)) => (u, v, t),
                other => panic!("{other:?}"),
            })
            .collect();
        prop_assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            prop_assert_eq!((g.0, g.1), (w.0, w.1));
            prop_assert!((g.2 - w.2).abs() < 1e-12, "{:?} vs {:?}", g, w);
        }
        let r = &loaded.report;
        prop_assert_eq!(
            [r.self_loops, r.self_loops_dropped, r.duplicates, r.duplicates_dropped, r.duplicates_merged],
            [loops, loops_dropped, dups, dropped, merged]
        );
        prop_assert_eq!(r.records, records.len() as u64);
        prop_assert_eq!(r.arcs, want.len() as u64);
        prop_assert_eq!(r.gzip, gz);
        prop_assert_eq!(r.lines, r.records + r.comment_lines + r.blank_lines);
    }
}

#[test]
fn a_line_longer_than_the_limit_is_an_error_not_an_allocation() {
    use wom::io::MAX_LINE_BYTES;
    let options = EdgeListOptions::default();
    // A comment line of exactly the limit (break included) is read.
    let mut text = vec![b'#'; MAX_LINE_BYTES - 1];
    text.extend_from_slice(b"\n0 1\n");
    let loaded = read_edge_list_from(text.as_slice(), "long.txt", &options).unwrap();
    assert_eq!(loaded.report.records, 1);
    // One byte more is refused, naming the file and the line.
    let mut text = vec![b'#'; MAX_LINE_BYTES];
    text.extend_from_slice(b"\n0 1\n");
    let e = read_edge_list_from(text.as_slice(), "long.txt", &options).unwrap_err();
    assert!(
        matches!(&e, Error::MalformedLine { location, reason }
            if location.line == 1 && location.file == "long.txt" && reason.contains("longer than")),
        "{e}"
    );
    // 64 MiB of zeros without a break, gzipped to a few kilobytes: refused
    // at its first line after reading one megabyte.
    let zeros = gzip(&vec![0u8; 64 << 20]);
    assert!(zeros.len() < 1 << 20);
    let e = read_edge_list_from(zeros.as_slice(), "zeros.gz", &options).unwrap_err();
    assert!(
        matches!(&e, Error::MalformedLine { location, .. } if location.line == 1),
        "{e}"
    );
    // The cascade readers share the loop.
    let long_tree = format!("{}\n", "x".repeat(MAX_LINE_BYTES + 10));
    let e = wom::io::read_propagation_trees_from(
        long_tree.as_bytes(),
        "trees.txt",
        &wom::io::CascadeOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("longer than"), "{e}");
}

/// Every order of `lines`, by Heap's algorithm.
fn permutations(lines: &[&'static str]) -> Vec<Vec<&'static str>> {
    fn heap(k: usize, a: &mut Vec<&'static str>, out: &mut Vec<Vec<&'static str>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, a, out);
            let j = if k.is_multiple_of(2) { i } else { 0 };
            a.swap(j, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(lines.len(), &mut lines.to_vec(), &mut out);
    out
}

/// With `node_order: sorted`, all 120 orders of five lines (a repeated
/// pair with two trusts, a pair listed both ways, a self-loop) give the same
/// ids, arcs, trusts and fingerprint, under every duplicate policy that
/// reads them and both directions; with the default, the order shows.
#[test]
fn sorted_node_order_makes_the_graph_independent_of_line_order() {
    let lines = [
        "30 10 0.5",
        "10 20",
        "20 10 0.25",
        "30 10 0.75",
        "20 20 0.5",
    ];
    let orders = permutations(&lines);
    assert_eq!(orders.len(), 120);
    for direction in [Relation::Follow, Relation::Friendship] {
        for duplicates in [Duplicates::Keep, Duplicates::Drop, Duplicates::Merge] {
            let options = EdgeListOptions {
                direction,
                duplicates,
                node_order: NodeOrder::Sorted,
                ..EdgeListOptions::default()
            };
            let read = |order: &[&str]| edges(&(order.join("\n") + "\n"), &options).unwrap();
            let first = read(&orders[0]);
            assert_eq!(ids(&first), [10, 20, 30].map(NodeId::Num));
            let fingerprint = first.graph.freeze().unwrap().id();
            for order in &orders[1..] {
                let other = read(order);
                assert_eq!(ids(&other), ids(&first), "{order:?}");
                assert_eq!(
                    arcs(&other),
                    arcs(&first),
                    "{order:?} {direction:?} {duplicates:?}"
                );
                assert_eq!(other.graph.freeze().unwrap().id(), fingerprint);
                assert_eq!(other.report, first.report);
            }
        }
    }
    // Drop keeps the smallest trust of the repeated pair 30 -> 10, merge
    // combines both (1 - 0.5 x 0.25), whatever the order.
    let trust_30_10 = |duplicates| {
        let options = EdgeListOptions {
            duplicates,
            node_order: NodeOrder::Sorted,
            ..EdgeListOptions::default()
        };
        let loaded = edges("30 10 0.75\n10 20\n30 10 0.5\n", &options).unwrap();
        arcs(&loaded)
            .into_iter()
            .filter(|(u, v, _)| (u, v) == (&NodeId::Num(30), &NodeId::Num(10)))
            .map(|(_, _, t)| t)
            .collect::<Vec<_>>()
    };
    assert_eq!(trust_30_10(Duplicates::Drop), [0.5]);
    assert_eq!(trust_30_10(Duplicates::Keep), [0.5, 0.75]);
    assert_relative_eq!(
        trust_30_10(Duplicates::Merge)[0],
        0.875,
        max_relative = 1e-15
    );
    // The default keeps the order of first appearance.
    let default = edges("30 10\n10 20\n", &directed()).unwrap();
    assert_eq!(ids(&default), [30, 10, 20].map(NodeId::Num));
}

/// Text ids sort by their bytes, in CSV as in edge lists, and the sort
/// renumbers every id the reader has met (also the ones only one record
/// names).
#[test]
fn sorted_text_ids_follow_their_bytes() {
    let options = EdgeListOptions {
        ids: IdFormat::Text,
        node_order: NodeOrder::Sorted,
        ..EdgeListOptions::default()
    };
    let loaded = edges("bob ann\nÉmile bob\nZoe ann\n", &options).unwrap();
    let name = |s: &str| NodeId::Name(s.to_string());
    // Upper-case ASCII sorts before lower-case, and 'É' (0xC3 0x89) after
    // both.
    assert_eq!(ids(&loaded), ["Zoe", "ann", "bob", "Émile"].map(name));
    let csv_options = CsvOptions {
        node_order: NodeOrder::Sorted,
        ..CsvOptions::default()
    };
    let table = csv("source,target\nbob,ann\ncy,bob\n", &csv_options).unwrap();
    assert_eq!(ids(&table), ["ann", "bob", "cy"].map(name));
    assert_eq!(
        arcs(&table),
        [
            (name("bob"), name("ann"), 1.0),
            (name("cy"), name("bob"), 1.0)
        ]
    );
}

/// The CSV reader has the edge lists' line limit: a field of 2 MiB on the
/// third line is refused there, naming the line, and 64 MiB of zeros
/// gzipped are refused at line 1, before the `csv` crate buffers them.
#[test]
fn a_csv_line_longer_than_the_limit_is_an_error() {
    use wom::io::MAX_LINE_BYTES;
    let long = format!("source,target\na,b\nc,{}\n", "d".repeat(2 * MAX_LINE_BYTES));
    let e = csv(&long, &CsvOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::MalformedLine { location, reason }
            if location.line == 3 && reason.contains("longer than")),
        "{e}"
    );
    // Exactly the limit (line end included) is read.
    let fits = format!("source,target\na,{}\n", "b".repeat(MAX_LINE_BYTES - 3));
    assert_eq!(
        csv(&fits, &CsvOptions::default()).unwrap().report.records,
        1
    );
    let zeros = gzip(&vec![0u8; 64 << 20]);
    let e = read_csv_from(zeros.as_slice(), "zeros.csv.gz", &CsvOptions::default()).unwrap_err();
    assert!(
        matches!(&e, Error::MalformedLine { location, .. } if location.line == 1),
        "{e}"
    );
}
