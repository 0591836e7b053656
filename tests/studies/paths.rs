//! What a document can reach and what its text can do: a scenario file
//! names only files in its folder unless its reader allows more; control
//! characters of a document reach no terminal raw; charts and GraphML stay
//! well-formed XML whatever the names hold.

use std::path::{Path, PathBuf};

use wom::scenario::{GraphSpec, LoadOptions, PathPolicy, Registry, Scenario};
use wom::{Consumer, Error, SocialGraph};

/// A folder of its own, removed at the end.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("wom-paths-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    /// Writes `text` at `name` (folders made as needed) and returns its path.
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small friendship path 1 - 2 - 3 - 4.
const EDGES: &str = "1 2\n2 3\n3 4\n";

/// A scenario reading the edge list at `path` (written as a JSON string),
/// seeding node 1 of a certain cascade.
fn study(path: &str) -> String {
    format!(
        r#"{{"graph": {{"edge_list": {{"path": {path:?}, "options": {{"direction": "friendship"}}}}}},
            "seeding": {{"seeds": {{"ids": [1]}}}},
            "model": {{"independent_cascade": {{"kind": "uniform", "p": 1.0}}}},
            "ensemble": {{"budget": {{"runs": 5}}, "master_seed": 1}}}}"#
    )
}

fn anywhere() -> LoadOptions {
    LoadOptions::default().with_paths(PathPolicy::Anywhere)
}

fn with_options(path: &Path, options: &LoadOptions) -> wom::Result<Scenario> {
    Scenario::from_file_with_options(&Registry::builtin(), path, options)
}

/// The field, file and reason of a refused path.
fn refused(result: wom::Result<Scenario>) -> (String, PathBuf, String) {
    match result {
        Err(Error::PathOutsideFolder {
            field,
            path,
            reason,
        }) => (field, path, reason),
        Err(other) => panic!("not a refused path: {other}"),
        Ok(s) => panic!("accepted: {:?}", s.graph),
    }
}

/// The edge list a scenario will read.
fn edge_list(scenario: &Scenario) -> &Path {
    match &scenario.graph {
        GraphSpec::EdgeList { path, .. } => path,
        other => panic!("not an edge list: {other:?}"),
    }
}

/// Every node of the path adopts: the file was really read.
fn assert_runs(scenario: &Scenario) {
    let results = scenario.run(Some(1)).unwrap();
    assert_eq!(results.report.kpi("adoption").unwrap().mean, 4.0);
}

#[test]
fn a_path_inside_the_folder_is_read_relative_to_it() {
    let dir = Folder::new("inside");
    dir.file("data/edges.txt", EDGES);
    for written in ["data/edges.txt", "./data/edges.txt", "data/./edges.txt"] {
        let file = dir.file("study.json", &study(written));
        // The default of every reader: from_file, from_file_with, and the
        // default options.
        let scenario = Scenario::from_file(&file).unwrap();
        assert_eq!(edge_list(&scenario), dir.0.join(written));
        assert_eq!(
            Scenario::from_file_with(&Registry::builtin(), &file).unwrap(),
            scenario
        );
        assert_eq!(
            with_options(&file, &LoadOptions::default()).unwrap(),
            scenario
        );
        assert_runs(&scenario);
    }
    // A file that does not exist yet is not refused: reading it fails when
    // the scenario runs, naming it.
    let file = dir.file("study.json", &study("later.txt"));
    let scenario = Scenario::from_file(&file).unwrap();
    let err = scenario.run(Some(1)).unwrap_err();
    assert!(err.to_string().contains("later.txt"), "{err}");
}

#[test]
fn an_absolute_path_is_refused_unless_allowed() {
    let dir = Folder::new("absolute");
    // Even a file inside the folder, named absolutely.
    let edges = dir.file("edges.txt", EDGES);
    assert!(edges.is_absolute());
    let file = dir.file("study.json", &study(&edges.display().to_string()));
    let (field, path, reason) = refused(Scenario::from_file(&file));
    assert_eq!(field, "$.graph.edge_list.path");
    assert_eq!(path, edges);
    assert_eq!(reason, "is absolute");
    let message = Scenario::from_file(&file).unwrap_err().to_string();
    assert!(
        message.starts_with("refused path at $.graph.edge_list.path: ")
            && message.contains(&edges.display().to_string()),
        "{message}"
    );
    // Allowed, it is read as written.
    let scenario = with_options(&file, &anywhere()).unwrap();
    assert_eq!(edge_list(&scenario), edges);
    assert_runs(&scenario);
}

#[test]
fn a_dot_dot_step_is_refused_unless_allowed() {
    let dir = Folder::new("dotdot");
    dir.file("edges.txt", EDGES);
    dir.file("sub/inner.txt", EDGES);
    let file = dir.file("sub/study.json", &study("../edges.txt"));
    let (field, path, reason) = refused(Scenario::from_file(&file));
    assert_eq!(field, "$.graph.edge_list.path");
    assert_eq!(path, Path::new("../edges.txt"));
    assert_eq!(reason, "has a `..` step");
    let scenario = with_options(&file, &anywhere()).unwrap();
    assert_eq!(edge_list(&scenario), dir.0.join("sub/../edges.txt"));
    assert_runs(&scenario);
    // A `..` step is refused even where the path comes back inside.
    let file = dir.file("sub/study.json", &study("deeper/../inner.txt"));
    let (_, _, reason) = refused(Scenario::from_file(&file));
    assert_eq!(reason, "has a `..` step");
}

#[cfg(unix)]
#[test]
fn a_symlink_that_leads_out_of_the_folder_is_refused() {
    use std::os::unix::fs::symlink;

    let dir = Folder::new("symlink");
    let outside = dir.file("outside/edges.txt", EDGES);
    dir.file("study/data/edges.txt", EDGES);
    // A link to a file outside, and a link to a folder outside.
    symlink(&outside, dir.0.join("study/link.txt")).unwrap();
    symlink(dir.0.join("outside"), dir.0.join("study/elsewhere")).unwrap();
    for written in ["link.txt", "elsewhere/edges.txt"] {
        let file = dir.file("study/study.json", &study(written));
        let (field, path, reason) = refused(Scenario::from_file(&file));
        assert_eq!(field, "$.graph.edge_list.path");
        assert_eq!(path, Path::new(written));
        let real = std::fs::canonicalize(&outside).unwrap();
        assert!(
            reason.starts_with(&format!("leads through a symlink to {}", real.display())),
            "{reason}"
        );
        assert_runs(&with_options(&file, &anywhere()).unwrap());
    }
    // A link that stays inside the folder is fine.
    symlink("data/edges.txt", dir.0.join("study/inner.txt")).unwrap();
    let file = dir.file("study/study.json", &study("inner.txt"));
    assert_runs(&Scenario::from_file(&file).unwrap());
    // So is a scenario reached through a symlinked folder: both sides are
    // compared where they really are.
    symlink(dir.0.join("study"), dir.0.join("alias")).unwrap();
    assert_runs(&Scenario::from_file(dir.0.join("alias/study.json")).unwrap());
}

#[test]
fn every_field_that_names_a_file_is_checked() {
    let dir = Folder::new("fields");
    let generated = r#""graph": {"generate": {"generator": {"model": "gnp", "n": 30, "p": 0.2}, "seed": 2}},
        "seeding": {"seeds": {"random": {"count": 2}}},
        "model": {"independent_cascade": {"kind": "uniform", "p": 0.1}}"#;
    let cases = [
        (
            r#""observed": {"file": "/data/trees.txt", "format": "trees"}"#,
            "$.observed.file",
        ),
        (
            r#""fit": {"bass": {"series": "/s.csv"}}"#,
            "$.fit.bass.series",
        ),
        (
            r#""fit": {"ic": {"cascades": "../c.csv"}}"#,
            "$.fit.ic.cascades",
        ),
        (
            r#""fit": {"branching": {"sizes": "/sizes.csv"}}"#,
            "$.fit.branching.sizes",
        ),
        (
            r#""fit": {"branching": {"trees": "a/../../t.csv"}}"#,
            "$.fit.branching.trees",
        ),
    ];
    for (section, want) in cases {
        let file = dir.file("study.json", &format!("{{{generated}, {section}}}"));
        let (field, _, _) = refused(Scenario::from_file(&file));
        assert_eq!(field, want, "{section}");
        // Allowed, the path is kept (made relative to the folder).
        with_options(&file, &anywhere()).unwrap();
    }
    // Files inside pass, each made relative to the folder.
    let file = dir.file(
        "study.json",
        &format!(
            r#"{{{generated}, "observed": {{"file": "t.txt", "format": "trees"}},
                "fit": {{"bass": {{"series": "s.csv"}}, "ic": {{"cascades": "c.csv"}},
                         "branching": {{"trees": "t.csv"}}}}}}"#
        ),
    );
    let scenario = Scenario::from_file(&file).unwrap();
    assert_eq!(scenario.observed.unwrap().file, dir.0.join("t.txt"));
    let fit = scenario.fit.unwrap();
    assert_eq!(fit.bass.unwrap().series, dir.0.join("s.csv"));
    assert_eq!(fit.ic.unwrap().cascades, dir.0.join("c.csv"));
    assert_eq!(fit.branching.unwrap().trees.unwrap(), dir.0.join("t.csv"));
}

#[test]
fn a_document_given_as_text_takes_its_paths_as_written() {
    // No folder to keep to: the caller chose the text.
    let dir = Folder::new("text");
    let edges = dir.file("edges.txt", EDGES);
    let scenario = Scenario::from_json(&study(&edges.display().to_string())).unwrap();
    assert_eq!(edge_list(&scenario), edges);
    assert_runs(&scenario);
    let scenario = Scenario::from_json(&study("../x/edges.txt")).unwrap();
    assert_eq!(edge_list(&scenario), Path::new("../x/edges.txt"));
}

// ---------------------------------------------------------------------------
// Well-formed XML whatever the names hold.

/// Characters XML 1.0 does not allow, not even as references.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Checks `text` with a real XML parser (Python's minidom) when python3
/// is there, and for characters XML forbids in any case.
fn assert_well_formed_xml(text: &str, name: &str) {
    assert!(
        !text.chars().any(xml_forbidden),
        "{name} holds a character XML forbids"
    );
    let dir = Folder::new(&format!("xml-{name}"));
    let file = dir.file(name, text);
    let parsed = std::process::Command::new("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])",
        ])
        .arg(&file)
        .output();
    match parsed {
        Ok(out) => assert!(
            out.status.success(),
            "{name} is not well-formed XML: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => eprintln!("python3 not run ({e}): {name} checked for forbidden characters only"),
    }
}

/// Control characters a document may hold.
const NASTY: &str = "a\u{0}b\u{1b}[31mc\u{7f}<&>\"'";

#[cfg(feature = "charts")]
#[test]
fn charts_of_names_with_control_characters_are_well_formed_xml() {
    // A scenario name (the title), a channel label (the legend).
    let doc = serde_json::json!({
        "name": NASTY,
        "graph": {"generate": {"generator": {"model": "gnp", "n": 60, "p": 0.1}, "seed": 4}},
        "seeding": {"seeds": {"random": {"count": 3}}},
        "model": {"campaign": {"channels": [{"channel": {"kind": "post", "persuasion": 0.3},
            "senders": "adopters", "label": format!("{NASTY} channel")}], "horizon": 5}},
        "ensemble": {"budget": {"runs": 10}, "master_seed": 2}
    });
    let results = Scenario::from_json(&doc.to_string())
        .unwrap()
        .run(Some(1))
        .unwrap();
    // Nothing of the document was changed: only the chart replaces.
    assert_eq!(results.scenario.name, NASTY);
    // What `wom plot` draws.
    let svg = wom::chart::report_charts(&results.report, &results.scenario.name).unwrap();
    assert_well_formed_xml(&svg, "chart.svg");
    // The text is there, escaped, the forbidden characters replaced.
    assert!(
        svg.contains("a\u{fffd}b\u{fffd}[31mc\u{7f}&lt;&amp;&gt;&quot;&apos;"),
        "{svg}"
    );
}

#[test]
fn graphml_of_ids_with_control_characters_is_well_formed_xml() {
    let mut g: SocialGraph = SocialGraph::new();
    let a = g
        .add_actor(format!("{NASTY}1"), Consumer::default().into())
        .unwrap();
    let b = g
        .add_actor("\u{1b}]0;title\u{7}", Consumer::default().into())
        .unwrap();
    g.add_tie(a, b, wom::SocialTie::default()).unwrap();
    let net = g.freeze().unwrap();
    let ic = wom::propagation::IndependentCascade::uniform(&net, 1.0).unwrap();
    let mut rec = wom::propagation::Recorder::new();
    wom::propagation::Simulation::new(&net, &ic)
        .run(&[0], 1, 0, &mut rec)
        .unwrap();
    let mut channels = wom::propagation::Model::channel_names(&ic);
    channels[0] = format!("{NASTY} tie");
    let mut xml = Vec::new();
    wom::export::write_cascade_graphml(&mut xml, &net, rec.cascade(), &channels).unwrap();
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(xml.matches("<node id=").count(), 2, "{xml}");
    assert_well_formed_xml(&xml, "cascade.graphml");
}

// ---------------------------------------------------------------------------
// The command line.

/// A scenario for every command that reads one: the edge list at `edges`,
/// a sweep, a fit of `sales.csv` beside it.
#[cfg(feature = "cli")]
fn every_command_study(edges: &str) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&study(edges)).unwrap();
    doc["sweep"] = serde_json::json!({"vary": [
        {"path": "$.model.independent_cascade.p", "values": [0.5, 1.0]}]});
    doc["fit"] = serde_json::json!({"bass": {"series": "sales.csv"}});
    doc.to_string()
}

#[cfg(feature = "cli")]
#[test]
fn every_command_that_reads_a_scenario_refuses_outside_paths_unless_allowed() {
    use crate::cli::{text, wom};

    let dir = Folder::new("cli");
    let edges = dir.file("edges.txt", EDGES);
    dir.file("sales.csv", "sales\n5\n12\n20\n25\n22\n15\n9\n5\n3\n1\n");
    let study = dir.file(
        "study.json",
        &every_command_study(&edges.display().to_string()),
    );
    let study = study.to_str().unwrap();
    let trees = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/data/trees.txt");
    let trees = trees.to_str().unwrap();
    let commands: [(&[&str], bool); 6] = [
        (&["run", study], true),
        (&["seed", study, "--rr-sets", "100"], true),
        (&["sweep", study], true),
        (&["cascades", trees, "--compare", study], true),
        // These fail for other reasons once the path is allowed: the
        // series is too short to fit, the model has no paid channel.
        (&["fit", study], false),
        (&["split", study, "--budgets", "10"], false),
    ];
    for (args, runs) in commands {
        let out = wom(args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("refused path at $.graph.edge_list.path: ")
                && err.contains(&edges.display().to_string())
                && err.contains("--allow-outside-paths"),
            "{args:?}: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        let allowed = wom(&[args, &["--allow-outside-paths"]].concat());
        let err = text(&allowed.stderr);
        assert!(!err.contains("refused path"), "{args:?}: {err}");
        if runs {
            assert!(allowed.status.success(), "{args:?}: {err}");
        }
    }
    // The flag is not silently ignored where no scenario is read.
    let out = wom(&["cascades", trees, "--allow-outside-paths"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("give --compare"), "{out:?}");
    // A path inside the folder needs no flag.
    let study = dir.file("study.json", &every_command_study("edges.txt"));
    let out = wom(&["run", study.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[cfg(feature = "cli")]
#[test]
fn control_characters_of_documents_and_files_reach_the_terminal_escaped() {
    use crate::cli::{text, wom};

    let dir = Folder::new("escapes");
    dir.file("names.txt", "\u{1b}[31mann bob\nbob cat\n");
    dir.file("numbers.txt", "1 2\n2 \u{1b}[2J3\n");
    // A scenario reading `edges` with text ids, seeding `ids`.
    let scenario = |name: &str, edges: &str, ids: &str, extra: &str| {
        let format = if edges == "numbers.txt" {
            "integer"
        } else {
            "text"
        };
        let doc = format!(
            r#"{{"graph": {{"edge_list": {{"path": {edges:?}, "options": {{"ids": {format:?}}}}}}},
                "seeding": {{"seeds": {{"ids": {ids}}}}},
                "model": {{"independent_cascade": {{"kind": "uniform", "p": 0.5}}}},
                "ensemble": {{"budget": {{"runs": 5}}}}{extra}}}"#
        );
        dir.file(name, &doc).display().to_string()
    };
    let cases = [
        // A key of the document, which the JSON reader's message quotes.
        scenario(
            "key.json",
            "names.txt",
            r#"["bob"]"#,
            r#", "\u001b[31mextra": 1"#,
        ),
        // A role name.
        scenario(
            "role.json",
            "names.txt",
            r#"["bob"]"#,
            r#", "kpis": {"target": {"role": "\u001b[31minfluencer"}}"#,
        ),
        // A node id the network does not hold.
        scenario("id.json", "names.txt", r#"["\u001b[31mzed"]"#, ""),
        // A bad line of a data file (integer ids).
        scenario("line.json", "numbers.txt", "[1]", ""),
    ];
    for file in &cases {
        let out = wom(&["run", file]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(!err.contains('\u{1b}'), "{file}: a raw escape on stderr");
        assert!(err.contains(r"\u{1b}["), "{file}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // Tables on stdout escape them too: the seeds' ids.
    let seeded = scenario("seed.json", "names.txt", r#"["\u001b[31mann"]"#, "");
    let out = wom(&["seed", &seeded, "--rr-sets", "100"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(!shown.contains('\u{1b}'), "a raw escape on stdout");
    assert!(shown.contains(r"\u{1b}[31mann"), "{shown}");
    // The results document keeps the name as it was (JSON escapes it), and
    // `wom plot` draws it as well-formed XML.
    let named = scenario(
        "named.json",
        "names.txt",
        r#"["bob"]"#,
        r#", "name": "a\u0000b\u001b[31mc""#,
    );
    let results = dir.0.join("results.json");
    let out = wom(&["run", &named, "--out", results.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let document =
        wom::scenario::Results::from_json(&std::fs::read_to_string(&results).unwrap()).unwrap();
    assert_eq!(document.scenario.name, "a\u{0}b\u{1b}[31mc");
    let chart = dir.0.join("chart.svg");
    let out = wom(&[
        "plot",
        results.to_str().unwrap(),
        "--out",
        chart.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_well_formed_xml(&std::fs::read_to_string(&chart).unwrap(), "plot.svg");
}
