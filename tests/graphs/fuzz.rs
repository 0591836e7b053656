//! Replays the fuzz targets' seed inputs and every input a fuzzer found a
//! fault with (`fuzz/regressions/<target>/`) through the targets' own
//! checks (`fuzz/harness.rs`), so a fault fixed stays fixed without a
//! nightly toolchain. See docs/reliability.md.

use std::path::Path;

#[path = "../../fuzz/harness.rs"]
mod harness;

/// Feeds every file of `fuzz/<folder>/<target>/` to `check`; returns how
/// many there were.
fn replay(folder: &str, target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("a readable folder").path())
        .collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).expect("a readable input");
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(
            outcome.is_ok(),
            "{} fails its fuzz target's checks",
            file.display()
        );
    }
    files.len()
}

fn replay_all(target: &str, check: fn(&[u8])) {
    let seeds = replay("seeds", target, check);
    assert!(seeds > 0, "the fuzz target {target} has no seed inputs");
    replay("regressions", target, check);
}

#[test]
fn edge_list_inputs_pass_their_checks() {
    replay_all("edge_list", harness::edge_list);
}

#[test]
fn gzip_edge_list_inputs_read_as_their_plain_text() {
    replay_all("edge_list_gzip", harness::edge_list_gzip);
}

#[test]
fn csv_inputs_pass_their_checks() {
    replay_all("csv", harness::csv);
}

#[test]
fn cascade_inputs_pass_their_checks() {
    replay_all("cascades", harness::cascades);
}

#[test]
fn scenario_documents_read_back_as_written() {
    replay_all("scenario_parse", harness::scenario_parse);
}

#[test]
fn scenario_runs_pass_their_checks() {
    replay_all("scenario_run", harness::scenario_run);
}

#[test]
fn results_documents_read_back_and_chart() {
    replay_all("results", harness::results);
}
