//! The `wom` command line: each command's output, and errors as one line
//! with a non-zero exit status.
#![cfg(feature = "cli")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wom::scenario::Results;

pub(crate) fn wom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wom"))
        .args(args)
        .output()
        .expect("the wom binary runs")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wom-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/scenarios")
        .join(name)
        .display()
        .to_string()
}

/// The error of a failed command: exactly one line on stderr, naming `what`.
fn assert_one_line_error(out: &Output, what: &str) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("wom: error: "), "{err}");
    assert!(err.contains(what), "{err} should name {what}");
    assert!(out.stdout.is_empty());
}

#[test]
fn run_writes_the_results_document_to_stdout() {
    let out = wom(&["run", &example("bass.json"), "--threads", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let results = Results::from_json(&text(&out.stdout)).expect("a results document");
    assert_eq!(results.report.runs, 300);
    assert_eq!(
        results.scenario.model,
        wom::scenario::Scenario::from_file(example("bass.json"))
            .unwrap()
            .model
    );
    // The library gives the same document.
    let direct = wom::scenario::Scenario::from_file(example("bass.json"))
        .unwrap()
        .run(Some(1))
        .unwrap();
    assert_eq!(results, direct);
}

#[test]
fn run_with_out_writes_the_file_and_prints_the_kpi_table_then_plot_draws_it() {
    let dir = scratch("run");
    let results = dir.join("r.json");
    let out = wom(&[
        "run",
        &example("campaign.json"),
        "--out",
        results.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("KPI"), "{table}");
    for kpi in [
        "adoption",
        "structural_virality",
        "adoptions:channel:leader_posts",
        "roi",
    ] {
        assert!(
            table.lines().any(|l| l.starts_with(kpi)),
            "{kpi} missing:\n{table}"
        );
    }
    let doc = Results::from_json(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(doc.channels.len(), 5);

    let svg = dir.join("r.svg");
    let out = wom(&[
        "plot",
        results.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.starts_with("<svg"));
    // Both charts: the band and one area per source (seeds + 5 channels).
    assert!(drawn.contains("95% interval"));
    for name in ["seeds", "brand_posts", "community_forums"] {
        assert!(drawn.contains(name), "{name} not in the legend");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stats_prints_the_summary_as_json() {
    let dir = scratch("stats");
    let file = dir.join("g.txt");
    // A directed path 1 -> 2 -> 3, a self-loop on 3, and a separate arc.
    std::fs::write(&file, "# test\n1 2\n2 3\n3 3\n7 8\n").unwrap();
    let out = wom(&["stats", file.to_str().unwrap(), "--directed"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = &doc["summary"];
    assert_eq!(s["nodes"], 5);
    assert_eq!(s["arcs"], 4);
    assert_eq!(s["self_loops"], 1);
    assert_eq!(s["weak_components"], 2);
    assert_eq!(s["largest_weak_component"], 3);
    // No cycle but the self-loop: every node is its own strong component.
    assert_eq!(s["strong_components"], 5);
    assert_eq!(s["largest_strong_component"], 1);
    assert_eq!(s["out_degree"]["max"], 1);
    // Undirected (the default): each record is two arcs, a loop one.
    let out = wom(&["stats", file.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["arcs"], 7);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stats_reads_other_layouts_with_the_options_a_scenario_takes() {
    let dir = scratch("stats_read");
    let file = dir.join("nethept.txt");
    // NetHEPT's layout: an `n m` header, then `u v p extra`.
    std::fs::write(&file, "3 2\n0 1 0.5 x\n1 2 0.25 y\n").unwrap();
    let path = file.to_str().unwrap();
    assert_one_line_error(&wom(&["stats", path, "--directed"]), "extra_columns");
    let read = r#"{"header": {"lines": 1}, "extra_columns": "ignore"}"#;
    let out = wom(&["stats", path, "--directed", "--read", read]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["arcs"], 2);
    assert_eq!(doc["load_report"]["header_lines"], 1);
    assert_eq!(doc["load_report"]["extra_column_records"], 2);
    // A field set twice, an unknown field, bad JSON: one line each.
    let twice = wom(&[
        "stats",
        path,
        "--directed",
        "--read",
        r#"{"direction": "follow"}"#,
    ]);
    assert_one_line_error(&twice, "--directed sets it too");
    assert_one_line_error(
        &wom(&["stats", path, "--read", r#"{"headr": 1}"#]),
        "unknown field `headr`",
    );
    assert_one_line_error(&wom(&["stats", path, "--read", "{"]), "--read: not JSON");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stats_prints_the_structure_and_flags_edges_listed_both_ways() {
    let dir = scratch("stats-both-ways");
    let file = dir.join("g.txt");
    // A triangle 1-2-3 listed both ways round, a pendant 3-4 listed once,
    // and a self-loop.
    std::fs::write(&file, "1 2\n2 1\n2 3\n3 2\n1 3\n3 1\n3 4\n4 4\n").unwrap();
    let out = wom(&[
        "stats",
        file.to_str().unwrap(),
        "--sources",
        "2",
        "--seed",
        "5",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Each line is a mutual tie: 7 pairs of arcs and the loop.
    assert_eq!(doc["summary"]["arcs"], 15);
    let listing = &doc["listing"];
    assert_eq!(listing["pairs"], 4);
    assert_eq!(listing["both_directions_listed"], 3);
    assert_eq!(listing["both_directions_listed_share"], 0.75);
    let note = doc["notes"][0].as_str().unwrap();
    assert!(
        note.contains("3 of 4 pairs") && note.contains("--directed"),
        "{note}"
    );
    let u = &doc["structure"]["undirected"];
    assert_eq!(
        (u["edges"].as_u64(), u["self_loops"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(u["clustering"]["triangles"], 1);
    assert_eq!(u["clustering"]["connected_triples"], 5);
    assert_eq!(u["clustering"]["global"], 0.6);
    assert_eq!(u["diameter"]["diameter"], 2);
    let e = &u["effective_diameter"];
    assert_eq!(
        (e["sources"].as_u64(), e["seed"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(doc["structure"]["directed"]["reciprocity"]["share"], 1.0);
    // Read as arcs, nothing is flagged: the listing is only for undirected reads.
    let out = wom(&["stats", file.to_str().unwrap(), "--directed"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["listing"].is_null());
    assert_eq!(doc["notes"].as_array().map(Vec::len), Some(0));
    assert_eq!(doc["structure"]["directed"]["reciprocity"]["arcs"], 7);
    assert_eq!(
        doc["structure"]["directed"]["reciprocity"]["reciprocated"],
        6
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn errors_are_one_line_with_a_non_zero_status() {
    let dir = scratch("errors");
    assert_one_line_error(
        &wom(&["run", "/no/such/scenario.json"]),
        "/no/such/scenario.json",
    );
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"graph\": {\"generate\": {\"generator\": {\"model\": \"gnp\", \"n\": 10, \"p\": 0.1}}},\n\
         \"model\": {\"bass\": {\"p\": 1.5, \"q\": 0.1}}}",
    )
    .unwrap();
    assert_one_line_error(&wom(&["run", bad.to_str().unwrap()]), "$.model.bass");
    let lines = dir.join("g.txt");
    std::fs::write(&lines, "1 2\n2 x\n").unwrap();
    assert_one_line_error(&wom(&["stats", lines.to_str().unwrap()]), "g.txt:2");
    assert_one_line_error(
        &wom(&[
            "plot",
            bad.to_str().unwrap(),
            "--out",
            dir.join("x.svg").to_str().unwrap(),
        ]),
        "bad.json",
    );
    assert_one_line_error(
        &wom(&["run", &example("bass.json"), "--threads", "0"]),
        "--threads",
    );
    // An output that cannot be written is found before the ensemble runs.
    assert_one_line_error(
        &wom(&["run", &example("bass.json"), "--out", "/no/such/dir/r.json"]),
        "/no/such/dir/r.json",
    );
    // A bad command line: one line too, status 2.
    for args in [
        &["launch"][..],
        &["run"],
        &["run", "x.json", "--threads", "many"],
    ] {
        let out = wom(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("wom: error: "), "{err}");
    }
    // Help is not an error.
    let help = wom(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help.stdout).contains("stats"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn seed_prints_the_seeds_their_cost_guarantee_and_spread() {
    let out = wom(&["seed", &example("seeding_opim.json"), "--rr-sets", "20000"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("10 seeds by opim (10 proposed): "),
        "{stdout}"
    );
    assert_eq!(lines[0].split(": ").nth(1).unwrap().split(", ").count(), 10);
    assert!(lines[1].starts_with("cost: "), "{stdout}");
    let guarantee: f64 = lines[2]
        .trim_start_matches("guarantee: ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        guarantee >= 1.0 - 1.0 / std::f64::consts::E - 0.1,
        "{stdout}"
    );
    assert!(
        stdout.contains("estimated spread: ") && stdout.contains("95% interval"),
        "{stdout}"
    );
    // The same seeds as `wom run` records.
    let results = wom(&["run", &example("seeding_opim.json"), "--threads", "1"]);
    let results = Results::from_json(&text(&results.stdout)).unwrap();
    let ids: Vec<String> = results.seeds.ids.iter().map(ToString::to_string).collect();
    assert_eq!(lines[0].split(": ").nth(1).unwrap(), ids.join(", "));
    assert!(!stdout.contains("stands in"), "{stdout}");
    // On a model no diffusion describes, the guarantee is said to be the
    // selector's diffusion's.
    let dir = scratch("seed_stand_in");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(example("seeding_opim.json")).unwrap())
            .unwrap();
    doc["model"] = serde_json::json!({"bass": {"p": 0.01, "q": 0.3}});
    let bass = dir.join("bass.json");
    std::fs::write(&bass, doc.to_string()).unwrap();
    let out = wom(&["seed", bass.to_str().unwrap(), "--rr-sets", "1000"]);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("stands in for this scenario's `bass` model"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
    // A scenario that cannot be read is one line of error.
    assert_one_line_error(&wom(&["seed", "/nonexistent.json"]), "nonexistent");
}

#[test]
fn split_prints_every_split_marks_the_best_and_draws_the_frontier() {
    let dir = scratch("split");
    let chart = dir.join("frontier.svg");
    let out = wom(&[
        "split",
        &example("campaign.json"),
        "--budgets",
        "1000,3000",
        "--shares",
        "0,1",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(lines[0].starts_with("budget"), "{stdout}");
    // One best split per budget.
    assert_eq!(
        lines[1..3].iter().filter(|l| l.starts_with('*')).count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        lines[3..5].iter().filter(|l| l.starts_with('*')).count(),
        1,
        "{stdout}"
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("best split"), "{svg}");
    // A scenario without a campaign is one line of error.
    let out = wom(&["split", &example("bass.json"), "--budgets", "10"]);
    assert_one_line_error(&out, "campaign");
}

#[test]
fn split_runs_the_documents_split_and_options_replace_it_saying_so() {
    use wom::scenario::Scenario;
    use wom::seeding::{Objective, SplitPlan};
    let doc = example("campaign_split.json");
    let scenario = Scenario::from_file(&doc).unwrap();
    let (network, _) = scenario.build_network().unwrap();
    // The table the library gives with this split (the split is seeded).
    let table = |split: SplitPlan| {
        let mut s = scenario.clone();
        s.seeding.split = Some(split);
        s.split(&network).unwrap().table()
    };
    let plan = scenario.seeding.split.clone().unwrap();
    // No option: the document's split, and nothing on stderr.
    let out = wom(&["split", &doc]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), table(plan.clone()));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // The same lists as options, on the document without its split: the
    // same table, and nothing replaced.
    let dir = scratch("split-document");
    let bare_file = dir.join("bare.json");
    let mut bare = scenario.clone();
    bare.seeding.split = None;
    std::fs::write(&bare_file, serde_json::to_string_pretty(&bare).unwrap()).unwrap();
    let bare_file = bare_file.to_str().unwrap();
    let out = wom(&[
        "split",
        bare_file,
        "--budgets",
        "1000,3000",
        "--shares",
        "0,0.5,1",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(text(&out.stdout), table(plan.clone()));
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    // Options replace the document's values, each said on stderr.
    let out = wom(&["split", &doc, "--budgets", "2000", "--objective", "roi"]);
    assert!(out.status.success(), "{out:?}");
    let replaced = SplitPlan {
        budgets: vec![2000.0],
        objective: Objective::Roi,
        ..plan.clone()
    };
    assert_eq!(text(&out.stdout), table(replaced));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "--budgets replaces the scenario's seeding.split.budgets [1000, 3000] with [2000]"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "--objective replaces the scenario's seeding.split.objective adoptions with roi"
        ),
        "{err}"
    );
    assert!(!err.contains("--shares"), "{err}");
    let out = wom(&["split", &doc, "--shares", "1", "--roi"]);
    let err = text(&out.stderr);
    assert!(err.contains("--shares replaces"), "{err}");
    assert!(err.contains("--roi replaces"), "{err}");
    // Neither a split nor --budgets: one line that says what to give.
    let out = wom(&["split", bare_file]);
    assert_one_line_error(&out, "--budgets");
    assert!(text(&out.stderr).contains("seeding.split"));
    // A bad option names the option.
    assert_one_line_error(&wom(&["split", &doc, "--shares", "0,2"]), "--shares");
    assert_one_line_error(&wom(&["split", &doc, "--budgets", "-1"]), "--budgets");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweep_writes_the_table_and_the_chart() {
    let dir = scratch("sweep");
    let (csv, json, chart) = (dir.join("t.csv"), dir.join("t.json"), dir.join("c.svg"));
    let out = wom(&[
        "sweep",
        &example("sweep.json"),
        "--csv",
        csv.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    // A header and the 20 points of the grid.
    assert_eq!(table.lines().count(), 21, "{table}");
    assert!(table.lines().next().unwrap().contains("roi [95% CI]"));
    let results =
        wom::scenario::SweepResults::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(results.points.len(), 20);
    let rows = std::fs::read_to_string(&csv).unwrap().lines().count();
    assert_eq!(rows, 1 + 20 * results.points[0].kpis.len());
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("seeding.seeds.top.count = 20"));
    // The library gives the same table.
    let direct = wom::scenario::Scenario::from_file(example("sweep.json"))
        .unwrap()
        .sweep(Some(1))
        .unwrap();
    assert_eq!(direct.points, results.points);
    // A scenario without a sweep is refused, naming the file.
    let out = wom(&["sweep", &example("bass.json")]);
    assert_one_line_error(&out, "no `sweep` section");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Two Twitter15-style trees, one line repeated.
const TREES: &str = "\
a\t['ROOT', 'ROOT', '0.0']->['1', 'a', '0.0']
a\t['1', 'a', '0.0']->['2', 'a', '30.0']
a\t['1', 'a', '0.0']->['3', 'a', '60.0']
a\t['3', 'a', '60.0']->['4', 'a', '120.0']
b\t['ROOT', 'ROOT', '0.0']->['9', 'b', '0.0']
b\t['9', 'b', '0.0']->['8', 'b', '90.0']
b\t['9', 'b', '0.0']->['8', 'b', '90.0']
";

#[test]
fn cascades_prints_the_distributions_and_the_report_and_draws_them() {
    let dir = scratch("cascades");
    let file = dir.join("trees.txt");
    std::fs::write(&file, TREES).unwrap();
    let svg = dir.join("trees.svg");
    let out = wom(&[
        "cascades",
        file.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    // The reader's report: read, merged, dropped.
    assert!(
        printed.contains("trees format, parents earliest, cycles error"),
        "{printed}"
    );
    assert!(printed.contains("7 lines"), "{printed}");
    assert!(printed.contains("merged: 1 repeated arcs"), "{printed}");
    assert!(printed.contains("dropped: 0 self-loops"), "{printed}");
    // The distributions: 2 trees, sizes 4 and 2 (mean 3).
    assert!(printed.contains("2 trees; times in minutes"), "{printed}");
    let size = printed
        .lines()
        .find(|l| l.starts_with("size "))
        .expect("a size line");
    assert!(size.contains(" 3 "), "{size}");
    for kpi in ["depth", "structural_virality", "time_to_50", "time_to_90"] {
        assert!(
            printed.lines().any(|l| l.starts_with(kpi)),
            "{kpi}: {printed}"
        );
    }
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert_eq!(drawn.matches("<svg x=").count(), 5);
    assert!(drawn.contains("share of trees"));

    // As JSON.
    let out = wom(&["cascades", file.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["trees"]["trees"], 2);
    assert_eq!(doc["report"]["duplicate_arcs"], 1);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cascades_compares_with_a_results_document_or_a_scenario() {
    let dir = scratch("cascades-compare");
    let file = dir.join("trees.txt");
    std::fs::write(&file, TREES).unwrap();
    let results = dir.join("results.json");
    // A results document measures every tree only when asked.
    let plain = dir.join("plain.json");
    let out = wom(&[
        "run",
        &example("independent_cascade.json"),
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = wom(&[
        "cascades",
        file.to_str().unwrap(),
        "--compare",
        plain.to_str().unwrap(),
    ]);
    assert_one_line_error(&out, "kpis.tree_kpis");
    let mut doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(example("independent_cascade.json")).unwrap(),
    )
    .unwrap();
    doc["kpis"]["tree_kpis"] = true.into();
    let scenario = dir.join("scenario.json").display().to_string();
    std::fs::write(&scenario, doc.to_string()).unwrap();
    let out = wom(&[
        "run",
        &scenario,
        "--out",
        results.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let svg = dir.join("compare.svg");
    let out = wom(&[
        "cascades",
        file.to_str().unwrap(),
        "--compare",
        results.to_str().unwrap(),
        "--step-length",
        "60",
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(printed.contains("simulated against observed"), "{printed}");
    assert!(printed.contains("KS D"), "{printed}");
    assert!(printed.contains("step length 60"), "{printed}");
    let size = printed
        .lines()
        .rfind(|l| l.starts_with("size "))
        .expect("a comparison line");
    assert!(size.contains("exact"), "{size}");
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.contains("KS D"));
    assert!(drawn.contains("simulated") && drawn.contains("observed"));
    // Without a step length the times are not compared.
    let out = wom(&[
        "cascades",
        file.to_str().unwrap(),
        "--compare",
        results.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("give a step length"));
    // A scenario is run to compare with.
    let out = wom(&[
        "cascades",
        file.to_str().unwrap(),
        "--compare",
        &example("observed.json"),
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("running"));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["simulated_trees"]["time_unit"], "step");
    assert_eq!(doc["comparison"]["kpis"][0]["kpi"], "size");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cascades_errors_name_the_file_and_line() {
    let dir = scratch("cascades-errors");
    let file = dir.join("bad.txt");
    std::fs::write(
        &file,
        "['ROOT', 'ROOT', '0.0']->['1', 'a', '0.0']\n['1', 'a', '0.0']->['2', 'a', 'soon']\n",
    )
    .unwrap();
    let out = wom(&["cascades", file.to_str().unwrap()]);
    assert_one_line_error(&out, "bad.txt:2");
    let csv = dir.join("bad.csv");
    std::fs::write(&csv, "parent,child\n,ann\n").unwrap();
    let out = wom(&["cascades", csv.to_str().unwrap()]);
    assert_one_line_error(&out, "bad.csv:1");
    let out = wom(&["cascades", "/no/such/file.txt"]);
    assert_one_line_error(&out, "/no/such/file.txt");
    // Options that would be ignored are refused.
    let out = wom(&["cascades", csv.to_str().unwrap(), "--kinds", "RT"]);
    assert_one_line_error(&out, "--kinds");
    let out = wom(&["cascades", file.to_str().unwrap(), "--step-length", "60"]);
    assert_one_line_error(&out, "--compare");
    // A bad value is a usage error.
    let out = wom(&["cascades", file.to_str().unwrap(), "--parents", "oldest"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("first, earliest or all"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn run_and_plot_show_a_scenarios_observed_comparison() {
    let dir = scratch("observed-run");
    let results = dir.join("results.json");
    let out = wom(&[
        "run",
        &example("observed.json"),
        "--out",
        results.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert!(
        printed.contains("simulated trees against observed"),
        "{printed}"
    );
    assert!(printed.contains("step length 60"), "{printed}");
    let doc = Results::from_json(&std::fs::read_to_string(&results).unwrap()).unwrap();
    let observed = doc.observed.expect("the observed section's results");
    assert_eq!(observed.report.cascades, 8);
    let svg = dir.join("plot.svg");
    let out = wom(&[
        "plot",
        results.to_str().unwrap(),
        "--out",
        svg.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let drawn = std::fs::read_to_string(&svg).unwrap();
    assert!(drawn.contains("simulated against trees.txt"), "plot");
    assert!(drawn.contains("KS D"));
    std::fs::remove_dir_all(&dir).ok();
}

/// A scenario on a small edge list in `dir`, with `runs` runs and seed
/// `seed` (an id the list may not have).
fn edge_list_scenario(dir: &Path, runs: u64, seed: u64) -> PathBuf {
    std::fs::write(dir.join("edges.txt"), "0 1\n1 2\n2 3\n3 0\n").unwrap();
    let doc = serde_json::json!({
        "graph": {"edge_list": {"path": "edges.txt"}},
        "seeding": {"seeds": {"ids": [seed]}},
        "model": {"independent_cascade": {"kind": "uniform", "p": 0.5}},
        "ensemble": {"budget": {"runs": runs}, "batch_size": 64}
    });
    let path = dir.join("scenario.json");
    std::fs::write(&path, doc.to_string()).unwrap();
    path
}

#[test]
fn a_failed_run_leaves_the_previous_results_as_they_were() {
    let dir = scratch("out-failed");
    let scenario = edge_list_scenario(&dir, 10, 99);
    let out = dir.join("results.json");
    std::fs::write(&out, "previous results").unwrap();
    let run = wom(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_one_line_error(&run, "99");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous results");
    // No partial file is left beside it.
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains("wom-partial")),
        "{names:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[cfg(unix)]
fn an_interrupted_run_leaves_the_previous_results_as_they_were() {
    let dir = scratch("out-killed");
    let scenario = edge_list_scenario(&dir, 1_000_000_000, 0);
    let out = dir.join("results.json");
    std::fs::write(&out, "previous results").unwrap();
    // Ctrl-C, a polite kill, and one that cannot be caught.
    for signal in ["INT", "TERM", "KILL"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wom"))
            .args([
                "run",
                scenario.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Let it read, open its output and run a while, then signal it.
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before the signal"
        );
        let sent = Command::new("kill")
            .args(["-s", signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        assert!(!status.success(), "{signal}: {status:?}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "previous results",
            "{signal}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_output_that_is_an_input_is_refused_before_anything_runs() {
    let dir = scratch("out-input");
    let scenario = edge_list_scenario(&dir, 10, 0);
    let edges = dir.join("edges.txt");
    let before = std::fs::read(&edges).unwrap();
    for input in [&scenario, &edges] {
        let run = wom(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            input.to_str().unwrap(),
        ]);
        assert_one_line_error(&run, "an input of the command");
    }
    assert_eq!(std::fs::read(&edges).unwrap(), before);
    assert!(wom::scenario::Scenario::from_file(&scenario).is_ok());
    // Through a symlink too; a symlink elsewhere is replaced, its target
    // left alone.
    #[cfg(unix)]
    {
        let link = dir.join("link.json");
        std::os::unix::fs::symlink(&edges, &link).unwrap();
        let run = wom(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            link.to_str().unwrap(),
        ]);
        assert_one_line_error(&run, "an input of the command");
        let target = dir.join("target.txt");
        std::fs::write(&target, "kept").unwrap();
        let other = dir.join("other.json");
        std::os::unix::fs::symlink(&target, &other).unwrap();
        let run = wom(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            other.to_str().unwrap(),
        ]);
        assert!(run.status.success(), "{}", text(&run.stderr));
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
        assert!(Results::from_json(&std::fs::read_to_string(&other).unwrap()).is_ok());
        assert!(
            !std::fs::symlink_metadata(&other)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    // A results document drawn onto itself.
    let results = dir.join("results.json");
    let run = wom(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
    ]);
    assert!(run.status.success());
    let kept = std::fs::read(&results).unwrap();
    let plot = wom(&[
        "plot",
        results.to_str().unwrap(),
        "--out",
        results.to_str().unwrap(),
    ]);
    assert_one_line_error(&plot, "an input of the command");
    assert_eq!(std::fs::read(&results).unwrap(), kept);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[cfg(target_os = "linux")]
fn devices_and_fifos_are_refused_not_waited_on() {
    // /dev/zero never ends; a FIFO with no writer would block forever.
    let out = wom(&["stats", "/dev/zero"]);
    assert_one_line_error(&out, "not a regular file");
    let dir = scratch("fifo");
    let fifo = dir.join("edges.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for args in [
        vec!["stats", fifo.to_str().unwrap()],
        vec!["run", fifo.to_str().unwrap()],
        vec!["plot", fifo.to_str().unwrap(), "--out", "/dev/null"],
        vec!["fit", "bass", fifo.to_str().unwrap()],
        vec!["cascades", fifo.to_str().unwrap()],
    ] {
        let out = wom(&args);
        assert_one_line_error(&out, "not a regular file");
    }
    // A device as the output is written to, not replaced by a rename.
    let out = wom(&["run", &example("bass.json"), "--out", "/dev/null"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let out = wom(&["run", &example("bass.json"), "--out", dir.to_str().unwrap()]);
    assert_one_line_error(&out, "a folder");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn wom_alone_prints_its_usage_and_commands() {
    let out = wom(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("Usage: wom <COMMAND>") && err.contains("Commands:"),
        "{err}"
    );
    assert!(
        err.contains("sweep") && err.contains("cascades") && err.contains("fit"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}
