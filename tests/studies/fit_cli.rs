//! `wom fit`: the three fits from files and from a scenario's `fit`
//! section, their charts, and errors that name the file and line or the
//! JSON path.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Output;

use crate::cli::{scratch, text, wom};

use wom::fit::bass::{BassFitOptions, fit_bass};
use wom::fit::ic::TimedCascade;
use wom::io::{EdgeListOptions, read_edge_list};
use wom::propagation::{IndependentCascade, Recorder, Simulation};
use wom::{Network, Relation};

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One line on stderr, exit status 1, naming every one of `what`.
fn assert_error(out: &Output, what: &[&str]) {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    for w in what {
        assert!(err.contains(w), "{err} should name {w}");
    }
}

const SALES: [f64; 10] = [
    840.0, 1470.0, 2110.0, 4000.0, 7590.0, 10950.0, 10530.0, 9470.0, 7790.0, 5890.0,
];

#[test]
fn bass_from_a_series_file_with_json_plot_and_cumulative() {
    let dir = scratch("bass");
    let series = dir.join("sales.csv");
    let mut csv = String::from("# published series\nyear,sales\n");
    for (i, s) in SALES.iter().enumerate() {
        csv.push_str(&format!("{},{s}\n", 1980 + i));
    }
    std::fs::write(&series, &csv).unwrap();
    let plot = dir.join("bass.svg");
    let out = wom(&["fit", "bass", path(&series), "--plot", path(&plot)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let fit = fit_bass(&SALES, &BassFitOptions::default()).unwrap();
    for needle in [
        "Srinivasan & Mason",
        "column sales, 10 periods",
        "95% interval",
        "residual standard error",
        "on 7 degrees of freedom",
    ] {
        assert!(report.contains(needle), "{report}");
    }
    assert!(
        report.contains(&format!("{:.1}", fit.m.estimate)),
        "{report}"
    );
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("fitted Bass model"),
        "{svg}"
    );
    // JSON: the library's numbers.
    let out = wom(&["fit", "bass", path(&series), "--json", "--form", "rate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = doc["bass"]["fit"]["m"]["estimate"].as_f64().unwrap();
    assert!((m - 67_980.9).abs() < 0.1, "{m}");
    assert_eq!(doc["bass"]["read"]["comment_lines"], 1);
    assert_eq!(doc["bass"]["read"]["header_lines"], 1);
    // The same series, cumulative.
    let cumulative = dir.join("cumulative.txt");
    let mut total = 0.0;
    let lines: Vec<String> = SALES
        .iter()
        .map(|s| {
            total += s;
            total.to_string()
        })
        .collect();
    std::fs::write(&cumulative, lines.join("\n")).unwrap();
    let out = wom(&["fit", "bass", path(&cumulative), "--cumulative", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = doc["bass"]["fit"]["m"]["estimate"].as_f64().unwrap();
    assert!((m - fit.m.estimate).abs() < 1e-6 * m, "{m}");
    // A cumulative series that falls, a bad value, a missing column, a
    // bad flag: each named.
    std::fs::write(&cumulative, "10\n20\n15\n30\n40\n").unwrap();
    let out = wom(&["fit", "bass", path(&cumulative), "--cumulative"]);
    assert_error(&out, &["cumulative.txt:3", "cannot fall"]);
    std::fs::write(&series, "sales\n1\n2\n-3\n4\n5\n").unwrap();
    let out = wom(&["fit", "bass", path(&series)]);
    assert_error(&out, &["sales.csv:4", "\"-3\""]);
    let out = wom(&["fit", "bass", path(&series), "--column", "units"]);
    assert_error(&out, &["sales.csv:1", "units"]);
    let out = wom(&["fit", "bass", path(&series), "--step", "0"]);
    assert_error(&out, &["--step"]);
    let out = wom(&["fit", "bass", path(&dir.join("missing.csv"))]);
    assert_error(&out, &["missing.csv"]);
    std::fs::remove_dir_all(&dir).ok();
}

/// A 300-node directed graph as an edge list, cascades of p = 0.15 on it
/// written as `cascade,node,step`, and `wom fit ic` on the two files.
#[test]
fn ic_from_an_edge_list_and_cascades() {
    let dir = scratch("ic");
    let edges = dir.join("edges.txt");
    let graph = wom::generate::gnp(
        &wom::generate::Gnp {
            n: 300,
            p: 0.02,
            direction: Relation::Follow,
        },
        9,
    )
    .unwrap();
    let generated = graph.freeze().unwrap();
    let mut list = String::new();
    for (u, v, _) in generated.forward().iter() {
        list.push_str(&format!("{u} {v}\n"));
    }
    std::fs::write(&edges, list).unwrap();
    let options = EdgeListOptions {
        direction: Relation::Follow,
        ..EdgeListOptions::default()
    };
    let net: Network = read_edge_list(&edges, &options)
        .unwrap()
        .graph
        .freeze()
        .unwrap();
    let model = IndependentCascade::uniform(&net, 0.15).unwrap();
    let mut sim = Simulation::new(&net, &model);
    let mut rec = Recorder::new();
    let mut csv = String::from("cascade,node,step\n");
    for run in 0..150u64 {
        let seed = (run * 7 % net.node_count() as u64) as u32;
        sim.run(&[seed], 4, run, &mut rec).unwrap();
        for &(v, step) in &TimedCascade::from_events("", rec.cascade()).activations {
            csv.push_str(&format!("c{run},{},{step}\n", net.id_of(v).unwrap()));
        }
    }
    let cascades = dir.join("cascades.csv");
    std::fs::write(&cascades, &csv).unwrap();
    let plot = dir.join("ic.svg");
    let out = wom(&[
        "fit",
        "ic",
        "--edges",
        path(&edges),
        "--cascades",
        path(&cascades),
        "--directed",
        "--per-arc",
        "--plot",
        path(&plot),
        "--runs",
        "20",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("150 cascades, 150 seeds"), "{report}");
    assert!(report.contains("never tried (unidentified)"), "{report}");
    let out = wom(&[
        "fit",
        "ic",
        "--edges",
        path(&edges),
        "--cascades",
        path(&cascades),
        "--directed",
        "--json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &doc["ic"]["uniform"]["p"];
    let (low, high) = (p["low"].as_f64().unwrap(), p["high"].as_f64().unwrap());
    assert!(low < 0.15 && 0.15 < high, "{p}");
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert!(svg.contains("simulated with p =") && svg.contains("observed"));
    // A node not in the network, named with its line; an activation the
    // model cannot explain, named with its cascade and node.
    std::fs::write(&cascades, "cascade,node,step\na,0,0\na,9999,1\n").unwrap();
    let out = wom(&[
        "fit",
        "ic",
        "--edges",
        path(&edges),
        "--cascades",
        path(&cascades),
        "--directed",
    ]);
    assert_error(&out, &["cascades.csv:3", "9999", "not in the network"]);
    let far = (0..300u32)
        .find(|&v| !net.forward().neighbors(0).iter().any(|a| a.node == v) && v != 0)
        .unwrap();
    std::fs::write(
        &cascades,
        format!(
            "cascade,node,step\nz,{},0\nz,{},1\n",
            net.id_of(0).unwrap(),
            net.id_of(far).unwrap()
        ),
    )
    .unwrap();
    let out = wom(&[
        "fit",
        "ic",
        "--edges",
        path(&edges),
        "--cascades",
        path(&cascades),
        "--directed",
    ]);
    assert_error(&out, &["cascade \"z\"", "as_seed"]);
    let out = wom(&[
        "fit",
        "ic",
        "--edges",
        path(&edges),
        "--cascades",
        path(&cascades),
        "--directed",
        "--as-seed",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("1 activations no in-neighbour explains"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn branching_from_sizes_and_trees() {
    let dir = scratch("branching");
    let sizes = dir.join("sizes.txt");
    std::fs::write(&sizes, "1\n1\n2\n3\n5\n").unwrap();
    let out = wom(&["fit", "branching", "--sizes", path(&sizes), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = doc["branching"]["borel"]["r"]["estimate"].as_f64().unwrap();
    assert!((r - 7.0 / 12.0).abs() < 1e-12);
    let trees = dir.join("trees.csv");
    std::fs::write(
        &trees,
        "cascade,parent,child,time\nx,,a,0\nx,a,b,1\nx,a,c,1\nx,c,d,2\ny,,e,0\n",
    )
    .unwrap();
    let plot = dir.join("sizes.svg");
    let out = wom(&[
        "fit",
        "branching",
        "--trees",
        path(&trees),
        "--plot",
        path(&plot),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("full trees: 3 children of 5 nodes"),
        "{report}"
    );
    assert!(
        std::fs::read_to_string(&plot)
            .unwrap()
            .contains("Borel, R =")
    );
    std::fs::write(&sizes, "size,seeds\n4,1\n2,3\n").unwrap();
    let out = wom(&["fit", "branching", "--sizes", path(&sizes)]);
    assert_error(&out, &["sizes.txt:3", "below its 3 seeds"]);
    // A first size that is not an integer makes the line read as a
    // header; the error says why, not only that a column is missing.
    std::fs::write(&sizes, "2.5\n3\n").unwrap();
    let out = wom(&["fit", "branching", "--sizes", path(&sizes)]);
    assert_error(&out, &["sizes.txt:1", "\"2.5\"", "not an integer"]);
    let out = wom(&["fit", "branching"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_scenarios_fit_section() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/fit.json");
    let out = wom(&["fit", path(&example)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains("Bass model") && report.contains("Branching process"),
        "{report}"
    );
    // The ic fit on the scenario's own network, paths relative to the
    // document; bad values named by their JSON path.
    let dir = scratch("scenario");
    std::fs::write(dir.join("casc.csv"), "node,step\n0,0\n").unwrap();
    let doc = |fit: &str| {
        format!(
            r#"{{"graph": {{"generate": {{"generator": {{"model": "gnp", "n": 30, "p": 0.2}}, "seed": 2}}}},
                "model": {{"independent_cascade": {{"kind": "uniform", "p": 0.1}}}}, "fit": {fit}}}"#
        )
    };
    let file = dir.join("study.json");
    std::fs::write(&file, doc(r#"{"ic": {"cascades": "casc.csv"}}"#)).unwrap();
    let out = wom(&["fit", path(&file), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ic"]["uniform"]["p"]["estimate"], 0.0);
    std::fs::write(&file, doc(r#"{"bass": {"series": "s.csv", "step": -1}}"#)).unwrap();
    assert_error(&wom(&["fit", path(&file)]), &["$.fit.bass.step"]);
    std::fs::write(&file, doc(r#"{"bass": {"series": "s.csv", "colum": "x"}}"#)).unwrap();
    assert_error(&wom(&["fit", path(&file)]), &["$.fit.bass", "colum"]);
    std::fs::write(&file, doc(r#"{}"#)).unwrap();
    assert_error(&wom(&["fit", path(&file)]), &["$.fit", "nothing to fit"]);
    std::fs::write(
        &file,
        doc(r#"{"bass": {"series": "s.csv"}}"#)
            .replace(r#", "fit": {"bass": {"series": "s.csv"}}"#, ""),
    )
    .unwrap();
    assert_error(&wom(&["fit", path(&file)]), &["no `fit` section"]);
    std::fs::remove_dir_all(&dir).ok();
}
