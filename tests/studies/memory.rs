//! Peak memory of hostile inputs, measured in a process of their own.
//!
//! A process's peak resident memory (`VmHWM` in `/proc/self/status`) covers
//! every thread, and the tests of this binary run side by side; so each case
//! runs in a child process of this very test binary, started with
//! `WOM_MEMORY_CASE=<case>` and the name of the [`child`] test, which runs
//! that one case and prints its peak. Without the variable, [`child`] does
//! nothing. Linux only (elsewhere the tests pass after saying so).
//!
//! The bounds are generous against what the capped code needs (a few MB)
//! and far below what the same inputs took before their caps (gigabytes, or
//! an abort).

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use wom::Error;
use wom::io::{EdgeListOptions, read_edge_list_from};
use wom::scenario::Scenario;

/// The process's peak resident memory in KiB.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `repeat` copies of `chunk`, gzipped a chunk at a time (never all of it
/// in memory).
fn gzip_stream(chunk: &[u8], repeat: usize) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
    for _ in 0..repeat {
        enc.write_all(chunk).unwrap();
    }
    enc.finish().unwrap()
}

/// Runs one case in this process; each asserts its typed error or result.
fn run_case(case: &str) {
    match case {
        // 40 million `1 2` lines (160 MB) in a 160 kB gzip, with a cap of
        // 1,000 records.
        "records" => {
            let bomb = gzip_stream(&b"1 2\n".repeat(1 << 14), 10_000_000 / (1 << 12));
            let options = EdgeListOptions {
                max_records: 1_000,
                ..EdgeListOptions::default()
            };
            let e = read_edge_list_from(&bomb[..], "bomb.gz", &options).unwrap_err();
            assert!(
                matches!(e, Error::TooManyRecords { limit: 1_000, .. }),
                "{e}"
            );
        }
        // 256 MiB of zeros without a line end, gzipped.
        "line" => {
            let zeros = gzip_stream(&[0u8; 1 << 20], 256);
            let e = read_edge_list_from(&zeros[..], "zeros.gz", &EdgeListOptions::default())
                .unwrap_err();
            assert!(matches!(e, Error::MalformedLine { .. }), "{e}");
        }
        // A 3-node SIS that never ends, 16 runs to the default limit of a
        // million steps: without the curve cap, each of the batch's curves
        // took a million points (24 MB each).
        "steps" => {
            let text = r#"{"graph": {"generate": {"generator": {"model": "gnp", "n": 3, "p": 1.0}, "seed": 1}},
                "seeding": {"seeds": {"random": {"count": 3}}},
                "model": {"sis": {"beta": 1.0, "gamma": 0.0}},
                "ensemble": {"budget": {"runs": 16}, "master_seed": 1}}"#;
            let results = Scenario::from_json(text).unwrap().run(Some(1)).unwrap();
            // Steps 0 to a million, cut at the cap.
            let points = wom::ensemble::MAX_CURVE_POINTS.min(1_000_001);
            assert_eq!(results.report.curves.adoption.len(), points);
        }
        // A billion-node Barabási–Albert graph.
        "generator" => {
            let params = wom::generate::BarabasiAlbert {
                n: 2_000_000_000,
                m: 1,
            };
            let e = wom::generate::barabasi_albert(&params, 0).unwrap_err();
            assert!(matches!(e, Error::AllocationFailed { .. }), "{e}");
        }
        other => panic!("no memory case {other}"),
    }
}

/// The child's side: runs `WOM_MEMORY_CASE` and prints its peak.
#[test]
fn child() {
    let Ok(case) = std::env::var("WOM_MEMORY_CASE") else {
        return;
    };
    run_case(&case);
    // On a line of its own: the harness writes the test's name before it.
    println!("\nWOM_PEAK_KIB={}", peak_kib().expect("VmHWM"));
}

/// Runs `case` in a child process and returns its peak memory in MiB, or
/// `None` where `/proc` has no `VmHWM`.
fn peak_mib(case: &str) -> Option<f64> {
    peak_kib()?;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "memory::child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("WOM_MEMORY_CASE", case)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "case {case} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kib: f64 = stdout
        .lines()
        .find_map(|l| l.split("WOM_PEAK_KIB=").nth(1))
        .expect("the child's peak")
        .parse()
        .unwrap();
    Some(kib / 1024.0)
}

fn assert_peak_below(case: &str, mib: f64) {
    match peak_mib(case) {
        Some(peak) => assert!(
            peak < mib,
            "case {case}: peak {peak:.1} MiB, bound {mib} MiB"
        ),
        None => {
            let _ = std::io::stderr().write_all(
                format!("\nnote: memory case {case} skipped: no /proc/self/status\n").as_bytes(),
            );
        }
    }
}

#[test]
fn a_gzip_bomb_of_records_stops_at_the_cap_in_little_memory() {
    assert_peak_below("records", 32.0);
}

#[test]
fn an_endless_line_stops_at_the_line_limit_in_little_memory() {
    assert_peak_below("line", 32.0);
}

#[test]
fn a_run_that_never_ends_holds_capped_curves() {
    assert_peak_below("steps", 64.0);
}

#[test]
fn a_graph_larger_than_memory_allocates_nothing() {
    assert_peak_below("generator", 32.0);
}
