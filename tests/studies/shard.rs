//! Studies split into shards by run index and merged back: the merged
//! results are the unsplit run's byte for byte, and parts that do not make
//! one study are refused, naming the part.

use std::path::Path;

use wom::Error;
use wom::scenario::{Results, Scenario, Shard, ShardPart};

/// A small study that holds every kind of figure a results document has:
/// KPIs with a return and ROI, curves, the adoption and tree-size
/// distributions, every run's values, the tree KPIs, and a baseline with
/// its lift. 90 runs in 12 batches of 8 (the last of 2).
fn study(master_seed: u64, p: f64) -> String {
    format!(
        r#"{{
  "name": "shards",
  "graph": {{"generate": {{"generator": {{"model": "gnp", "n": 150, "p": 0.04}}, "seed": 3}}}},
  "seeding": {{"seeds": {{"random": {{"count": 4}}}}}},
  "kpis": {{"value_per_adoption": 2.0, "tree_kpis": true}},
  "model": {{"independent_cascade": {{"kind": "uniform", "p": {p}}}}},
  "ensemble": {{"budget": {{"runs": 90}}, "batch_size": 8, "master_seed": {master_seed},
               "keep_runs": true}},
  "baseline": {{"against": {{"campaign": {{"name": "one seed",
               "seeding": {{"seeds": {{"random": {{"count": 1}}}}}}}}}}}}
}}"#
    )
}

fn parts(scenario: &Scenario, count: u64) -> Vec<ShardPart> {
    (0..count)
        .map(|i| {
            let part = scenario
                .run_shard(None, Shard::new(i, count).unwrap())
                .unwrap();
            // Through the JSON a machine would write.
            ShardPart::from_json(&part.to_json().unwrap()).unwrap()
        })
        .collect()
}

#[test]
fn every_split_and_order_merges_to_the_unsplit_results_bytes() {
    let scenario = Scenario::from_json(&study(7, 0.1)).unwrap();
    let whole = scenario.run(None).unwrap().to_json().unwrap();
    let doc = Results::from_json(&whole).unwrap();
    // The study has what must merge: a baseline, kept runs, tree KPIs.
    assert!(doc.baseline.is_some());
    assert_eq!(doc.report.per_run.as_ref().map(Vec::len), Some(90));
    assert!(doc.report.tree_kpis.is_some());
    for count in [1, 2, 3, 5, 12] {
        let parts = parts(&scenario, count);
        // The shards make every run once, in order, on batch boundaries.
        let mut next = 0;
        for p in &parts {
            assert_eq!(p.runs.from, next);
            assert_eq!(p.runs.from % 8, 0);
            assert_eq!(p.results.report.runs, p.runs.to - p.runs.from);
            next = p.runs.to;
        }
        assert_eq!(next, 90);
        // Given in order, reversed, and rotated.
        let mut orders: Vec<Vec<&ShardPart>> = vec![parts.iter().collect()];
        orders.push(parts.iter().rev().collect());
        let mut rotated: Vec<&ShardPart> = parts.iter().collect();
        rotated.rotate_left(1);
        orders.push(rotated);
        for order in orders {
            let merged = ShardPart::merge(order).unwrap().to_json().unwrap();
            assert!(
                merged == whole,
                "{count} shards do not merge to the unsplit results"
            );
        }
    }
    // More shards than batches: refused, naming the batch count.
    let err = scenario
        .run_shard(None, Shard::new(0, 13).unwrap())
        .unwrap_err();
    assert!(err.to_string().contains("12 batch(es)"), "{err}");
}

#[test]
fn shards_on_other_thread_counts_still_merge_to_the_bit() {
    let scenario = Scenario::from_json(&study(11, 0.12)).unwrap();
    let whole = scenario.run(Some(1)).unwrap().to_json().unwrap();
    let parts: Vec<ShardPart> = [1, 2, 3]
        .iter()
        .zip(0..)
        .map(|(&threads, i)| {
            scenario
                .run_shard(Some(threads), Shard::new(i, 3).unwrap())
                .unwrap()
        })
        .collect();
    assert!(ShardPart::merge(&parts).unwrap().to_json().unwrap() == whole);
}

#[test]
fn observed_comparison_and_a_competition_merge_to_the_bit() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios");
    for name in ["observed.json", "competition.json"] {
        let mut scenario = Scenario::from_file(examples.join(name)).unwrap();
        scenario.ensemble.budget = wom::ensemble::RunBudget::Runs(60);
        scenario.ensemble.batch_size = 8;
        let whole = scenario.run(None).unwrap().to_json().unwrap();
        let merged = ShardPart::merge(&parts(&scenario, 3)).unwrap();
        if name == "observed.json" {
            assert!(merged.observed.is_some());
        } else {
            assert!(merged.seeds.rival_ids.is_some());
        }
        assert!(merged.to_json().unwrap() == whole, "{name}");
    }
}

/// The part's error, with the positions of the part at fault and the one
/// it was compared with.
fn mismatch(parts: &[&ShardPart]) -> (Option<usize>, Option<usize>, String) {
    match ShardPart::merge(parts.iter().copied()) {
        Err(Error::ShardMismatch {
            part,
            other,
            reason,
        }) => (part, other, reason),
        other => panic!("not a mismatch: {other:?}"),
    }
}

#[test]
fn parts_that_are_not_one_study_are_refused_naming_the_part() {
    let a = parts(&Scenario::from_json(&study(7, 0.1)).unwrap(), 3);
    // A missing shard.
    let (part, _, reason) = mismatch(&[&a[0], &a[2]]);
    assert_eq!(part, None);
    assert!(reason.contains("shard 1/3 is missing"), "{reason}");
    // A shard given twice: the second copy is at fault.
    let (part, other, reason) = mismatch(&[&a[0], &a[1], &a[2], &a[1]]);
    assert_eq!((part, other), (Some(3), Some(1)));
    assert!(reason.contains("shard 1/3 is given twice"), "{reason}");
    // Another master seed.
    let seed = parts(&Scenario::from_json(&study(8, 0.1)).unwrap(), 3);
    let (part, other, reason) = mismatch(&[&a[0], &seed[1], &a[2]]);
    assert_eq!((part, other), (Some(1), Some(0)));
    assert!(reason.contains("master seed is 8"), "{reason}");
    // Another scenario with the same master seed.
    let other_p = parts(&Scenario::from_json(&study(7, 0.2)).unwrap(), 3);
    let (part, _, reason) = mismatch(&[&a[0], &a[1], &other_p[2]]);
    assert_eq!(part, Some(2));
    assert!(reason.contains("its scenario differs"), "{reason}");
    // Another number of shards.
    let halves = parts(&Scenario::from_json(&study(7, 0.1)).unwrap(), 2);
    let (part, _, reason) = mismatch(&[&a[0], &halves[1], &a[2]]);
    assert_eq!(part, Some(1));
    assert!(reason.contains("split into 2 shards"), "{reason}");
    // Nothing at all.
    let (part, _, reason) = mismatch(&[]);
    assert_eq!(part, None);
    assert!(reason.contains("no part"), "{reason}");
}

/// A change made to a part's JSON.
type Edit = dyn Fn(&mut serde_json::Value);

#[test]
fn damaged_parts_are_refused_not_misread() {
    let a = parts(&Scenario::from_json(&study(7, 0.1)).unwrap(), 2);
    let edit = |part: &ShardPart, change: &Edit| {
        let mut doc: serde_json::Value = serde_json::from_str(&part.to_json().unwrap()).unwrap();
        change(&mut doc);
        ShardPart::from_json(&doc.to_string()).unwrap()
    };
    let cases: [(&str, &Edit); 4] = [
        ("a KPI's statistics missing", &|d| {
            let values = &mut d["fold"]["paired"]["batches"][0]["campaign"]["values"];
            values.as_array_mut().unwrap().pop();
        }),
        ("a tree KPI's counts missing", &|d| {
            let exact = &mut d["fold"]["paired"]["batches"][1]["baseline"]["tree_kpis"]["exact"];
            exact.as_array_mut().unwrap().pop();
        }),
        ("a batch missing", &|d| {
            d["fold"]["paired"]["batches"].as_array_mut().unwrap().pop();
        }),
        ("a count of shards out of all proportion", &|d| {
            d["shard"]["count"] = serde_json::json!(u64::MAX);
        }),
    ];
    for (what, change) in cases {
        let damaged = edit(&a[1], change);
        match ShardPart::merge([&a[0], &damaged]) {
            Err(Error::ShardMismatch { reason, .. }) => {
                assert!(
                    reason.contains("damaged") || reason.contains("split into"),
                    "{what}: {reason}"
                );
            }
            other => panic!("{what}: {other:?}"),
        }
        // Alone or first, too.
        assert!(ShardPart::merge([&damaged, &a[0]]).is_err(), "{what}");
    }
}

#[test]
fn a_half_width_budget_cannot_be_sharded() {
    let text = study(7, 0.1).replace(
        r#"{"runs": 90}"#,
        r#"{"half_width": {"target": 0.5, "min_runs": 16, "max_runs": 200}}"#,
    );
    let scenario = Scenario::from_json(&text).unwrap();
    let err = scenario
        .run_shard(None, Shard::new(0, 2).unwrap())
        .unwrap_err();
    match err {
        Error::InvalidDocument { path, reason } => {
            assert_eq!(path, "$.ensemble.budget");
            assert!(reason.contains("half-width"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn shards_parse_as_zero_based_index_over_count_and_cover_every_batch_once() {
    assert_eq!(
        "0/1".parse::<Shard>().unwrap(),
        Shard { index: 0, count: 1 }
    );
    assert_eq!("3/4".parse::<Shard>().unwrap().to_string(), "3/4");
    for (text, says) in [
        ("4/4", "out of range"),
        ("1/0", "at least 1"),
        ("1", "write I/N"),
        ("a/b", "write I/N"),
        ("-1/3", "write I/N"),
        ("1/3/4", "write I/N"),
        (" 1/3", "write I/N"),
        ("", "write I/N"),
    ] {
        let err = text.parse::<Shard>().unwrap_err().to_string();
        assert!(err.contains(says), "{text:?}: {err}");
    }
    for total in [1u64, 2, 7, 12, 100] {
        for count in 1..=total.min(13) {
            let mut next = 0;
            for index in 0..count {
                let b = Shard { index, count }.batches(total);
                assert_eq!(b.start, next);
                // Sizes at most one apart, none empty.
                let size = b.end - b.start;
                assert!(size == total / count || size == total / count + 1);
                next = b.end;
            }
            assert_eq!(next, total);
        }
    }
}

#[test]
fn results_numbers_read_back_to_the_same_bits() {
    // serde_json parses some decimals 1 ULP off unless its
    // `float_roundtrip` feature is on; results and parts rely on it.
    let mut state = 0x5eed_u64;
    let mut values = vec![
        0.1 + 0.2,
        5e-324,
        2.225_073_858_507_201_4e-308,
        f64::MAX,
        -0.0,
        1.0 / 3.0,
        9_007_199_254_740_993.0,
    ];
    for _ in 0..10_000 {
        // splitmix64 bits, kept finite.
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        let x = f64::from_bits(z ^ (z >> 31));
        if x.is_finite() {
            values.push(x);
        }
    }
    for x in values {
        let back: f64 = serde_json::from_str(&serde_json::to_string(&x).unwrap()).unwrap();
        assert_eq!(back.to_bits(), x.to_bits(), "{x:e}");
    }
    // A whole results document reads back equal.
    let results = Scenario::from_json(&study(7, 0.1))
        .unwrap()
        .run(None)
        .unwrap();
    let text = results.to_json().unwrap();
    assert_eq!(Results::from_json(&text).unwrap(), results);
}

#[cfg(feature = "cli")]
mod cli {
    use super::*;
    use crate::cli::{scratch, text, wom};
    use std::path::PathBuf;

    fn path(p: &Path) -> &str {
        p.to_str().unwrap()
    }

    /// Writes the study and runs its 3 shards as separate processes of
    /// the `wom` binary (on 1, 2 and 1 threads); the parts' paths.
    fn shard_files(dir: &Path, name: &str, doc: &str) -> (PathBuf, Vec<PathBuf>) {
        let scenario = dir.join(format!("{name}.json"));
        std::fs::write(&scenario, doc).unwrap();
        let parts: Vec<PathBuf> = (0..3)
            .map(|i| {
                let part = dir.join(format!("{name}_part_{i}.json"));
                let threads = if i == 1 { "2" } else { "1" };
                let out = wom(&[
                    "run",
                    path(&scenario),
                    "--shard",
                    &format!("{i}/3"),
                    "--threads",
                    threads,
                    "--out",
                    path(&part),
                ]);
                assert!(out.status.success(), "{}", text(&out.stderr));
                assert!(
                    text(&out.stdout).starts_with(&format!("shard {i}/3 of ")),
                    "{}",
                    text(&out.stdout)
                );
                part
            })
            .collect();
        (scenario, parts)
    }

    /// A failed merge: status 1, one line on stderr naming `what`.
    fn refused(args: &[&str], what: &[&str]) {
        let out = wom(args);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        for w in what {
            assert!(err.contains(w), "{err} should say {w}");
        }
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn three_shard_processes_merge_to_the_unsplit_file_byte_for_byte() {
        let dir = scratch("shard_merge");
        let (scenario, parts) = shard_files(&dir, "study", &study(7, 0.1));
        let whole = dir.join("whole.json");
        let out = wom(&["run", path(&scenario), "--out", path(&whole)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let table = text(&out.stdout);
        // Merged from the parts given out of order.
        let merged = dir.join("merged.json");
        let out = wom(&[
            "merge",
            path(&parts[2]),
            path(&parts[0]),
            path(&parts[1]),
            "--out",
            path(&merged),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(std::fs::read(&merged).unwrap() == std::fs::read(&whole).unwrap());
        // The same KPI table as the unsplit run's.
        assert_eq!(text(&out.stdout), table);
        // Without --out, the document on stdout, as `wom run` writes it.
        let out = wom(&["merge", path(&parts[1]), path(&parts[2]), path(&parts[0])]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let run = wom(&["run", path(&scenario)]);
        assert!(out.stdout == run.stdout);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn merge_refuses_parts_of_other_studies_and_names_the_file() {
        let dir = scratch("shard_refuse");
        let (_, a) = shard_files(&dir, "a", &study(7, 0.1));
        let (_, seed) = shard_files(&dir, "seed", &study(8, 0.1));
        let (_, other) = shard_files(&dir, "other", &study(7, 0.2));
        let [a0, a1, a2] = [path(&a[0]), path(&a[1]), path(&a[2])];
        // A missing shard.
        refused(&["merge", a0, a2], &["shard 1/3 is missing"]);
        // A shard given twice (the same file, or a copy).
        let copy = dir.join("copy.json");
        std::fs::copy(&a[1], &copy).unwrap();
        refused(
            &["merge", a0, a1, path(&copy), a2],
            &[&format!("{}: shard 1/3 is given twice", path(&copy)), a1],
        );
        // Another master seed; another scenario.
        refused(
            &["merge", a0, path(&seed[1]), a2],
            &[
                path(&seed[1]),
                "master seed is 8, where the other part's is 7",
            ],
        );
        refused(
            &["merge", a0, a1, path(&other[2])],
            &[path(&other[2]), "its scenario differs"],
        );
        // A results document is not a part.
        let whole = dir.join("whole.json");
        std::fs::write(&whole, "{}").unwrap();
        refused(&["merge", a0, path(&whole)], &[path(&whole), "not a part"]);
        // The output may not be one of the parts: refused, the part kept.
        let before = std::fs::read(&a[2]).unwrap();
        refused(
            &["merge", a0, a1, a2, "--out", a2],
            &["an input of the command"],
        );
        assert!(std::fs::read(&a[2]).unwrap() == before);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn run_refuses_a_bad_shard_and_a_half_width_budget() {
        let dir = scratch("shard_bad");
        let scenario = dir.join("s.json");
        std::fs::write(&scenario, study(7, 0.1)).unwrap();
        for (shard, says) in [
            ("3/3", "index 3 is out of range"),
            ("0/0", "at least 1"),
            ("1of3", "write I/N"),
            ("-1/3", "write I/N"),
        ] {
            let out = wom(&["run", path(&scenario), "--shard", shard]);
            assert_eq!(out.status.code(), Some(2), "{shard}: {out:?}");
            let err = text(&out.stderr);
            assert!(err.contains(says), "{shard}: {err}");
        }
        refused(
            &["run", path(&scenario), "--shard", "0/13"],
            &["--shard 0/13", "at most 12 shards"],
        );
        let half = dir.join("half.json");
        std::fs::write(
            &half,
            study(7, 0.1).replace(
                r#"{"runs": 90}"#,
                r#"{"half_width": {"target": 0.5, "min_runs": 16, "max_runs": 200}}"#,
            ),
        )
        .unwrap();
        refused(
            &["run", path(&half), "--shard", "0/2"],
            &["$.ensemble.budget", "half-width budget", "cannot be split"],
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
