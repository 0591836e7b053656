//! Scenario documents: every example scenario runs, results documents
//! round-trip, and invalid documents name the field that is wrong.

use std::path::{Path, PathBuf};

use wom::Error;
use wom::scenario::{Results, Scenario};

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/scenarios exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

/// The scenario's error, which must be an invalid document at `path`.
fn error_path(text: &str) -> (String, String) {
    match Scenario::from_json(text) {
        Err(Error::InvalidDocument { path, reason }) => (path, reason),
        Err(other) => panic!("expected an invalid document, got {other}"),
        Ok(_) => panic!("accepted: {text}"),
    }
}

/// Like [`error_path`] for errors found only when the scenario runs.
fn run_error_path(text: &str) -> (String, String) {
    let scenario = Scenario::from_json(text).expect("valid document");
    match scenario.run(Some(1)) {
        Err(Error::InvalidDocument { path, reason }) => (path, reason),
        Err(other) => panic!("expected an invalid document, got {other}"),
        Ok(_) => panic!("ran: {text}"),
    }
}

const GRAPH: &str =
    r#""graph": {"generate": {"generator": {"model": "gnp", "n": 50, "p": 0.1}, "seed": 3}}"#;

fn doc(rest: &str) -> String {
    format!("{{{GRAPH}, {rest}}}")
}

#[test]
fn there_is_one_example_per_built_in_model_and_a_campaign() {
    let names: Vec<String> = examples()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for model in [
        "independent_cascade",
        "linear_threshold",
        "bass",
        "rumor",
        "sir",
        "sis",
        "continuous_sir",
        "valence",
        "competition",
        "campaign",
    ] {
        assert!(names.iter().any(|n| n == model), "no example for {model}");
    }
}

#[test]
fn every_example_scenario_runs_and_its_results_round_trip() {
    for path in examples() {
        let scenario = Scenario::from_file(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let results = scenario
            .run(None)
            .unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let report = &results.report;
        assert_eq!(report.runs, scenario.planned_runs(), "{path:?}");
        assert_eq!(results.wom_version, env!("CARGO_PKG_VERSION"));
        let adoption = report.kpi("adoption").expect("adoption KPI");
        assert_eq!(adoption.runs, report.runs);
        assert!(
            adoption.mean >= results.seeds.ids.len() as f64,
            "{path:?}: seeds adopt"
        );
        assert!(adoption.ci_low <= adoption.mean && adoption.mean <= adoption.ci_high);
        // The curve ends at the mean adoption; its sources sum to it.
        let last = report.curves.adoption.last().expect("a curve");
        assert!((last.mean - adoption.mean).abs() < 1e-9 * adoption.mean.max(1.0));
        let by_source: f64 = report
            .curves
            .by_channel
            .iter()
            .map(|c| c.points.last().unwrap().mean)
            .sum();
        assert!((by_source - adoption.mean).abs() < 1e-9 * adoption.mean.max(1.0));
        // The results document is its own schema.
        let text = results.to_json().unwrap();
        let back = Results::from_json(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        assert_eq!(back, results, "{path:?}");
        // The echoed scenario runs again to the same results.
        assert_eq!(back.scenario, scenario);
    }
}

#[test]
fn the_same_scenario_gives_the_same_results_on_any_thread_count() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/campaign.json");
    let scenario = Scenario::from_file(path).unwrap();
    let one = scenario.run(Some(1)).unwrap();
    let two = scenario.run(Some(2)).unwrap();
    assert_eq!(one.report, two.report);
    assert_eq!(one.to_json().unwrap(), two.to_json().unwrap());
}

#[test]
fn the_campaign_example_prices_its_seeds_and_attributes_its_channels() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/campaign.json");
    let results = Scenario::from_file(path).unwrap().run(None).unwrap();
    // 3,000 consumers, 1% leaders at 200 each within a budget of 5,000.
    assert_eq!(results.network.roles["opinion_leader"], 30);
    assert_eq!(results.seeds.proposed, 30);
    assert_eq!(results.seeds.ids.len(), 25);
    assert_eq!(results.seeds.cost, 5000.0);
    assert_eq!(results.channels.len(), 5);
    let report = &results.report;
    let channel_sum: f64 = results
        .channels
        .iter()
        .map(|c| report.kpi(&format!("adoptions:channel:{c}")).unwrap().mean)
        .sum();
    let adoption = report.kpi("adoption").unwrap().mean;
    assert!((channel_sum - (adoption - 25.0)).abs() < 1e-9 * adoption);
    // Advertising costs 250 per burst, sent by the business every step it
    // is active (activity 1): 30 steps unless the run ends first.
    let cost = report.kpi("cost").unwrap();
    let bursts = report.kpi("messages:advertising").unwrap();
    assert!((cost.mean - (5000.0 + 250.0 * bursts.mean)).abs() < 1e-6);
}

#[test]
fn seeds_by_id_resolve_and_unknown_ids_are_named() {
    let ok = doc(
        r#""seeding": {"seeds": {"ids": [3, 7]}}, "model": {"independent_cascade": {"kind": "uniform", "p": 0.2}},
           "ensemble": {"budget": {"runs": 50}}"#,
    );
    let results = Scenario::from_json(&ok).unwrap().run(None).unwrap();
    assert_eq!(results.seeds.ids, vec![3u64.into(), 7u64.into()]);
    let bad = doc(
        r#""seeding": {"seeds": {"ids": [3, 99]}}, "model": {"independent_cascade": {"kind": "uniform", "p": 0.2}}"#,
    );
    let (path, reason) = run_error_path(&bad);
    assert_eq!(path, "$.seeding.seeds.ids[1]");
    assert!(reason.contains("99"), "{reason}");
    let twice = doc(
        r#""seeding": {"seeds": {"ids": [3, 3]}}, "model": {"independent_cascade": {"kind": "uniform", "p": 0.2}}"#,
    );
    assert_eq!(run_error_path(&twice).0, "$.seeding.seeds.ids[1]");
}

#[test]
fn schema_errors_name_the_field() {
    let cases = [
        // An unknown top-level field.
        (format!("{{{GRAPH}, \"model\": {{\"bass\": {{\"p\": 0.1, \"q\": 0.1}}}}, \"runz\": 5}}"), "$"),
        // A missing model.
        (format!("{{{GRAPH}}}"), "$"),
        // A mistyped number inside the model.
        (doc(r#""model": {"bass": {"p": "high", "q": 0.1}}"#), "$.model.bass.p"),
        // An unknown model.
        (doc(r#""model": {"tipping": {"p": 0.1}}"#), "$.model"),
        // A mistyped run count.
        (
            doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "ensemble": {"budget": {"runs": -3}}"#),
            "$.ensemble.budget.runs",
        ),
        // A generator's own field, located by the generator's reader.
        (
            r#"{"graph": {"generate": {"generator": {"model": "gnp", "n": 10, "p": "x"}}}, "model": {"bass": {"p": 0.1, "q": 0.1}}}"#.to_string(),
            "$.graph.generate.generator.p",
        ),
        // A seed id of the wrong type.
        (
            doc(r#""seeding": {"seeds": {"ids": [1, true]}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#),
            "$.seeding.seeds.ids[1]",
        ),
    ];
    for (text, want) in cases {
        let (path, reason) = error_path(&text);
        assert!(
            path == want || (want == "$" && path.starts_with('$')),
            "{text}\n -> {path}: {reason} (wanted {want})"
        );
        assert!(!reason.is_empty());
    }
}

#[test]
fn value_errors_name_the_field() {
    let cases = [
        (doc(r#""model": {"bass": {"p": 1.5, "q": 0.1}}"#), "$.model.bass"),
        (
            doc(r#""model": {"independent_cascade": {"kind": "uniform", "p": -0.1}}"#),
            "$.model.independent_cascade",
        ),
        (doc(r#""model": {"sir": {"beta": 0.1, "gamma": 0.0}}"#), "$.model.sir"),
        (
            doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "ensemble": {"budget": {"runs": 0}}"#),
            "$.ensemble.budget.runs",
        ),
        (
            doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "seeding": {"budget": -1}"#),
            "$.seeding.budget",
        ),
        (
            doc(
                r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "seeding": {"prices": {"consumer": -5}}"#,
            ),
            "$.seeding.prices.consumer",
        ),
        (
            doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "seeding": {"seeds": {"random": {"count": 0}}}"#),
            "$.seeding.seeds.random.count",
        ),
        (
            r#"{"graph": {"generate": {"generator": {"model": "gnp", "n": 10, "p": 2.0}}}, "model": {"bass": {"p": 0.1, "q": 0.1}}}"#.to_string(),
            "$.graph.generate.generator",
        ),
        (
            doc(r#""model": {"campaign": {"channels": [], "horizon": 5}}"#),
            "$.model.campaign.channels",
        ),
    ];
    for (text, want) in cases {
        let (path, reason) = error_path(&text);
        assert!(
            path.starts_with(want),
            "{text}\n -> {path}: {reason} (wanted {want})"
        );
    }
}

#[test]
fn errors_found_on_the_network_name_the_field() {
    // No opinion leaders assigned, yet seeded with them.
    let (path, _) = run_error_path(&doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}"#));
    assert_eq!(path, "$.seeding.seeds.opinion_leaders");
    // More random seeds than nodes.
    let (path, _) = run_error_path(&doc(
        r#""seeding": {"seeds": {"random": {"count": 51}}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    ));
    assert_eq!(path, "$.seeding.seeds.random.count");
    // A target role nobody has.
    let (path, reason) = run_error_path(&doc(
        r#""seeding": {"seeds": {"random": {"count": 2}}}, "kpis": {"target": {"role": "influencer"}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    ));
    assert_eq!(path, "$.kpis.target", "{reason}");
    // A budget that buys no seed.
    let (path, _) = run_error_path(&doc(
        r#""seeding": {"seeds": {"random": {"count": 2}}, "budget": 5, "prices": {"consumer": 10}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    ));
    assert_eq!(path, "$.seeding.budget");
    // Explicit ids over budget are refused, not dropped.
    let (path, reason) = run_error_path(&doc(
        r#""seeding": {"seeds": {"ids": [1, 2, 3]}, "budget": 25, "prices": {"consumer": 10}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    ));
    assert_eq!(path, "$.seeding.seeds.ids[2]", "{reason}");
}

#[test]
fn a_missing_edge_list_names_the_file() {
    let text = r#"{"graph": {"edge_list": {"path": "/nonexistent/graph.txt"}}, "seeding": {"seeds": {"ids": [1]}},
                  "model": {"independent_cascade": {"kind": "uniform", "p": 0.1}}}"#;
    let err = Scenario::from_json(text).unwrap().run(None).unwrap_err();
    assert!(matches!(err, Error::FileNotFound { .. }), "{err}");
    assert!(err.to_string().contains("/nonexistent/graph.txt"), "{err}");
}

#[test]
fn an_edge_list_scenario_reads_its_file_relative_to_the_scenario() {
    let dir = std::env::temp_dir().join(format!("wom-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("g.txt"), "# a path\n1 2\n2 3\n3 4\n").unwrap();
    std::fs::write(
        dir.join("s.json"),
        r#"{"graph": {"edge_list": {"path": "g.txt"}}, "seeding": {"seeds": {"ids": [1]}},
            "model": {"independent_cascade": {"kind": "uniform", "p": 1.0}},
            "ensemble": {"budget": {"runs": 10}}}"#,
    )
    .unwrap();
    let results = Scenario::from_file(dir.join("s.json"))
        .unwrap()
        .run(None)
        .unwrap();
    let report = &results.report;
    assert_eq!(report.kpi("adoption").unwrap().mean, 4.0);
    assert_eq!(report.kpi("cascade_depth").unwrap().mean, 3.0);
    assert_eq!(results.network.load_report.as_ref().unwrap().records, 3);
    // A bad line in the file keeps its file and line.
    std::fs::write(dir.join("g.txt"), "1 2\n2 x\n").unwrap();
    let err = Scenario::from_file(dir.join("s.json"))
        .unwrap()
        .run(None)
        .unwrap_err();
    assert!(
        err.to_string().contains("g.txt") && err.to_string().contains('2'),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unknown_fields_inside_library_objects_are_refused() {
    // A post has no cost: a cost given to it must not vanish silently.
    let text = doc(
        r#""seeding": {"seeds": {"ids": [1]}}, "model": {"campaign": {"channels": [
            {"channel": {"kind": "post", "persuasion": 0.2, "cost_per_message": 5}, "senders": "adopters"}],
            "horizon": 5}}"#,
    );
    let (path, reason) = error_path(&text);
    assert!(
        path.starts_with("$.model.campaign.channels"),
        "{path}: {reason}"
    );
    assert!(reason.contains("cost_per_message"), "{reason}");
    // A misspelt PageRank option.
    let text = doc(
        r#""seeding": {"seeds": {"top": {"by": {"pagerank": {"dampin": 0.5}}, "count": 2}}},
           "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    );
    let (path, reason) = error_path(&text);
    assert!(
        path.starts_with("$.seeding.seeds.top.by"),
        "{path}: {reason}"
    );
    assert!(reason.contains("dampin"), "{reason}");
}

#[test]
fn a_price_for_a_role_the_network_lacks_is_a_typo_not_a_free_seed() {
    let text = doc(
        r#""seeding": {"seeds": {"ids": [1]}, "prices": {"opinion_leaders": 100}},
           "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    );
    let (path, reason) = run_error_path(&text);
    assert_eq!(path, "$.seeding.prices.opinion_leaders", "{reason}");
}

#[test]
fn a_zero_step_limit_is_refused() {
    let text = doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "ensemble": {"max_steps": 0}"#);
    assert_eq!(error_path(&text).0, "$.ensemble.max_steps");
}

#[test]
fn a_field_that_serde_would_ignore_is_refused_with_its_path() {
    let text = doc(r#""model": {"independent_cascade": {"kind": "weighted_cascade", "p": 0.5}}"#);
    assert_eq!(error_path(&text).0, "$.model.independent_cascade.p");
    let text = doc(
        r#""model": {"linear_threshold": {"weights": {"kind": "uniform"},
            "thresholds": {"kind": "random", "values": [1]}}}"#,
    );
    assert_eq!(
        error_path(&text).0,
        "$.model.linear_threshold.thresholds.values"
    );
    // A null where a default is meant is not a dropped value.
    let text = doc(r#""seeding": {"seeds": {"ids": [1]}, "budget": null},
           "model": {"bass": {"p": 0.1, "q": 0.1}}"#);
    assert!(Scenario::from_json(&text).is_ok());
}

#[test]
fn a_budget_that_the_prices_fill_exactly_buys_every_seed() {
    // 0.1 + 0.1 + 0.1 exceeds 0.3 in binary floating point.
    let text = doc(
        r#""seeding": {"seeds": {"ids": [1, 2, 3]}, "budget": 0.3, "prices": {"consumer": 0.1}},
           "model": {"bass": {"p": 0.1, "q": 0.1}}, "ensemble": {"budget": {"runs": 5}}"#,
    );
    let results = Scenario::from_json(&text).unwrap().run(None).unwrap();
    assert_eq!(results.seeds.ids.len(), 3);
}

#[test]
fn amounts_and_threads_have_bounds() {
    let text = doc(
        r#""seeding": {"prices": {"consumer": 1e307}}, "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    );
    assert_eq!(error_path(&text).0, "$.seeding.prices.consumer");
    let text = doc(r#""model": {"bass": {"p": 0.1, "q": 0.1}}, "ensemble": {"threads": 100000}"#);
    assert_eq!(error_path(&text).0, "$.ensemble.threads");
}

#[test]
fn a_competition_counts_only_its_own_adopters_as_return() {
    // Brand A cannot spread (a = 0): its return is nothing, whatever the
    // rival does, so cost per adoption is undefined and ROI is -1.
    let text = doc(
        r#""seeding": {"seeds": {"ids": [1, 2]}, "budget": 1000, "prices": {"consumer": 50}},
                        "kpis": {"value_per_adoption": 10},
           "model": {"competition": {"options": {"probabilities": {"kind": "uniform", "a": 0.0, "b": 0.5}},
                                     "rival_seeds": {"ids": [3, 4]}}},
           "ensemble": {"budget": {"runs": 200}}"#,
    );
    let results = Scenario::from_json(&text).unwrap().run(None).unwrap();
    let report = &results.report;
    assert_eq!(report.kpi("adopted:brand_a").unwrap().mean, 2.0);
    assert!(
        report.kpi("adopted:brand_b").unwrap().mean > 2.0,
        "the rival spreads"
    );
    assert_eq!(report.kpi("cost").unwrap().mean, 100.0);
    assert_eq!(report.kpi("cost_per_adoption").unwrap().runs, 0);
    let roi = report.kpi("roi").unwrap();
    assert_eq!((roi.runs, roi.mean, roi.std_dev), (200, -1.0, 0.0));
}

#[test]
fn a_key_given_twice_is_refused_not_overwritten() {
    let text = doc(r#""seeding": {"prices": {"consumer": 10, "consumer": 0}},
           "model": {"bass": {"p": 0.1, "q": 0.1}}"#);
    assert_eq!(error_path(&text).0, "$.seeding.prices.consumer");
    let text = doc(r#""model": {"bass": {"p": 0.1, "q": 0.1, "p": 0.2}}"#);
    assert_eq!(error_path(&text).0, "$.model.bass.p");
}

#[test]
fn the_former_top_level_campaign_object_says_where_its_fields_went() {
    let text = doc(
        r#""campaign": {"seeds": {"ids": [1]}, "prices": {"seed": {"consumer": 10}}},
           "model": {"bass": {"p": 0.1, "q": 0.1}}"#,
    );
    let (path, reason) = error_path(&text);
    assert_eq!(path, "$.campaign");
    for moved in [
        "seeding.seeds",
        "seeding.budget",
        "seeding.prices",
        "kpis.target",
        "kpis.value_per_adoption",
    ] {
        assert!(reason.contains(moved), "{reason} should name {moved}");
    }
    // The multi-channel model keeps its name.
    let text = doc(
        r#""seeding": {"seeds": {"ids": [1]}}, "model": {"campaign": {"channels": [
            {"channel": {"kind": "post", "persuasion": 0.2}, "senders": "adopters"}], "horizon": 5}},
           "ensemble": {"budget": {"runs": 5}}"#,
    );
    assert!(Scenario::from_json(&text).unwrap().run(Some(1)).is_ok());
}

#[test]
fn a_listed_rival_seed_that_is_ours_is_named() {
    let text = doc(r#""seeding": {"seeds": {"ids": [1, 2]}},
           "model": {"competition": {"options": {"probabilities": {"kind": "uniform", "a": 0.1, "b": 0.1}},
                                     "rival_seeds": {"ids": [3, 2]}}}"#);
    let (path, reason) = run_error_path(&text);
    assert_eq!(path, "$.model.competition.rival_seeds.ids[1]");
    assert_eq!(reason, "node 2 is already a seed of the campaign");
}

/// The fenced blocks of a Markdown text: (language, body).
fn fenced_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in text.lines() {
        let fence = line.trim_start().strip_prefix("```");
        match (open.take(), fence) {
            (None, Some(lang)) => open = Some((lang.trim().to_string(), String::new())),
            (Some(block), Some(_)) => blocks.push(block),
            (Some((lang, mut body)), None) => {
                body.push_str(line);
                body.push('\n');
                open = Some((lang, body));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Every JSON snippet of the scenario guide and the README parses; a
/// complete scenario runs (or fails with the message printed after it), and
/// a fragment (a field, a generator, a channel) runs inside a small
/// scenario.
#[test]
fn every_json_snippet_of_the_docs_parses_and_runs() {
    use serde_json::{Value, json};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let guide = std::fs::read_to_string(root.join("docs/scenario.md")).unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = std::env::temp_dir().join(format!("wom-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The guide's downstream role (`roles.assign`) is the registry test's.
    let registry = crate::registry::registry();
    // The small scenario around a fragment: leaders, a business "acme".
    let base = json!({
        "graph": {"generate": {"generator": {"model": "holme_kim", "n": 300, "m": 3, "triad_probability": 0.5}, "seed": 3}},
        "roles": {
            "opinion_leaders": {"selection": {"by": "followers", "count": {"fraction": 0.02}}},
            "business": {"id": "acme", "followers": {"fraction": 0.05}}
        },
        "model": {"independent_cascade": {"kind": "uniform", "p": 0.05}},
        "ensemble": {"budget": {"runs": 20}}
    });
    let mut checked = 0;
    let mut documented_results = None;
    for text in [&guide, &readme] {
        let blocks = fenced_blocks(text);
        for (k, (lang, body)) in blocks.iter().enumerate() {
            if lang != "json" {
                continue;
            }
            checked += 1;
            let value: Value =
                serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON: {e}\n{body}"));
            let printed = blocks
                .get(k + 1)
                .filter(|(lang, _)| lang == "text")
                .map(|(_, b)| b.trim().to_string());
            if value.get("wom_version").is_some() {
                documented_results =
                    Some(Results::from_json(body).unwrap_or_else(|e| panic!("{e}\n{body}")));
                continue;
            }
            let error = |m: &String| {
                m.starts_with("invalid document at $") || m.starts_with("file not found")
            };
            if let Some(message) = printed.filter(error) {
                // An example of an error, with the message printed after it.
                let err = Scenario::from_json(body)
                    .and_then(|s| s.run(Some(1)))
                    .expect_err(body);
                assert_eq!(err.to_string(), message, "{body}");
                continue;
            }
            let scenario = if value.get("graph").is_some() && value.get("model").is_some() {
                if body.contains("friends.txt") {
                    // The edge-list example reads the file printed before it.
                    let friends = blocks[..k]
                        .iter()
                        .rev()
                        .find(|(lang, b)| lang == "text" && b.contains("ann bob"))
                        .expect("friends.txt is printed before");
                    std::fs::write(dir.join("friends.txt"), &friends.1).unwrap();
                    std::fs::write(dir.join("friends.json"), body).unwrap();
                    Scenario::from_file(dir.join("friends.json"))
                } else {
                    Scenario::from_json(body)
                }
            } else {
                let mut whole = base.clone();
                if value.get("model").is_some_and(Value::is_string) {
                    whole["graph"]["generate"]["generator"] = value;
                } else if value.get("quality").is_some() {
                    // A campaign's product experience.
                    whole["model"] = json!({"campaign": {"channels": [
                        {"channel": {"kind": "post", "persuasion": 0.3}, "senders": "adopters"}],
                        "horizon": 5, "experience": value}});
                } else if value.get("kind").is_some() {
                    whole["model"] = json!({"campaign": {"channels": [
                        {"channel": value, "senders": "adopters"}], "horizon": 5}});
                } else {
                    for (key, v) in value.as_object().expect("an object") {
                        whole[key] = v.clone();
                    }
                }
                Scenario::from_json_with(&registry, &whole.to_string()).map(|mut s| {
                    // The guide's observed file is the one of
                    // examples/scenarios/observed.json, beside it.
                    if let Some(o) = &mut s.observed {
                        o.file = root.join("examples/scenarios").join(&o.file);
                    }
                    s
                })
            };
            let results = scenario
                .and_then(|s| s.run_with(&registry, Some(1)))
                .unwrap_or_else(|e| panic!("{e}\n{body}"));
            if body.contains("friends.txt") {
                std::fs::write(dir.join("friends.results.json"), results.to_json().unwrap())
                    .unwrap();
            }
        }
    }
    // The results document of the guide is the four friends' results.
    let printed = documented_results.expect("the guide prints a results document");
    let ran =
        Results::from_json(&std::fs::read_to_string(dir.join("friends.results.json")).unwrap())
            .unwrap();
    assert_eq!(printed.seeds, ran.seeds);
    assert_eq!(printed.report, ran.report);
    assert_eq!(printed.scenario.seeding, ran.scenario.seeding);
    assert_eq!(printed.scenario.kpis, ran.scenario.kpis);
    assert!(checked >= 40, "only {checked} JSON blocks found");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_selector_chooses_the_seeds_and_the_results_say_how() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/seeding_opim.json");
    let scenario = Scenario::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    let results = scenario.run(Some(2)).unwrap();
    let selection = results
        .seeds
        .selection
        .as_ref()
        .expect("the select rule reports");
    assert_eq!(selection.method, "opim");
    assert!(selection.guarantee.unwrap() >= 1.0 - 1.0 / std::f64::consts::E - 0.1);
    assert!(selection.rr_sets.unwrap() > 0);
    assert_eq!(results.seeds.ids.len(), 10);
    // Only opinion leaders were candidates, each priced 100 + 0.5 per follower.
    let (network, _) = scenario.build_network().unwrap();
    let chosen = scenario.seeds(&network).unwrap();
    let leader = network.role_id("opinion_leader").unwrap();
    assert!(chosen.nodes.iter().all(|&v| network.role(v) == leader));
    let cost: f64 = chosen
        .nodes
        .iter()
        .map(|&v| 100.0 + 0.5 * network.forward().degree(v) as f64)
        .sum();
    assert!((results.seeds.cost - cost).abs() < 1e-9);
    // The same results on one thread: the selection too.
    assert_eq!(scenario.run(Some(1)).unwrap(), results);
    // The report survives the document's round trip.
    let back = Results::from_json(&results.to_json().unwrap()).unwrap();
    assert_eq!(back.seeds.selection, results.seeds.selection);
}

#[test]
fn select_rules_name_what_is_wrong() {
    let opim = r#"{"opim": {"diffusion": {"model": "independent_cascade", "probabilities": {"kind": "weighted_cascade"}}, "epsilon": 0.1}}"#;
    // The cascade the selector chooses for (another is refused: see
    // `a_selector_serves_only_the_diffusion_the_scenario_runs`).
    let model = r#""model": {"independent_cascade": {"kind": "weighted_cascade"}}"#;
    // Unknown fields and k = 0 are refused when the document is read.
    let (path, reason) = error_path(&doc(&format!(
        r#""seeding": {{"seeds": {{"select": {{"k": 3, "method": {opim}, "kk": 1}}}}}}, {model}"#
    )));
    assert!(path.starts_with("$.seeding"), "{path}");
    assert!(reason.contains("kk"), "{reason}");
    let (path, _) = error_path(&doc(&format!(
        r#""seeding": {{"seeds": {{"select": {{"k": 0, "method": {opim}}}}}}}, {model}"#
    )));
    assert_eq!(path, "$.seeding.seeds.select.k");
    // More seeds than candidates, and a role nobody has, when it runs.
    let (path, reason) = run_error_path(&doc(&format!(
        r#""seeding": {{"seeds": {{"select": {{"k": 60, "method": {opim}}}}}}}, {model}"#
    )));
    assert_eq!(path, "$.seeding.seeds.select");
    assert!(reason.contains("invalid parameter k = 60"), "{reason}");
    let (path, reason) = run_error_path(&doc(&format!(
        r#""seeding": {{"seeds": {{"select": {{"k": 2, "candidates": {{"roles": ["influencer"]}}, "method": "k_core"}}}}}}, {model}"#
    )));
    assert_eq!(path, "$.seeding.seeds.select");
    assert!(reason.contains("influencer"), "{reason}");
}

#[test]
fn a_budget_split_in_the_document_round_trips_and_runs_as_split_budget_would() {
    use wom::scenario::ModelSpec;
    use wom::seeding::{Objective, SplitPlan, split_budget};
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/campaign_split.json");
    let scenario = Scenario::from_file(path).unwrap();
    let plan = scenario
        .seeding
        .split
        .clone()
        .expect("the example has a split");
    assert_eq!(plan.budgets, [1000.0, 3000.0]);
    assert_eq!(plan.seed_shares, [0.0, 0.5, 1.0]);
    assert_eq!(plan.objective, Objective::Adoptions);
    // The field round-trips, alone and in its scenario.
    let back: SplitPlan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    assert_eq!(back, plan);
    let text = serde_json::to_string(&scenario).unwrap();
    assert_eq!(Scenario::from_json(&text).unwrap(), scenario);
    // Left out, the shares and the objective take their defaults, which
    // the echo writes.
    let short: SplitPlan = serde_json::from_str(r#"{"budgets": [10]}"#).unwrap();
    assert_eq!(short.seed_shares, wom::seeding::DEFAULT_SEED_SHARES);
    assert_eq!(short.objective, Objective::Adoptions);
    // A scenario without a split writes no `split`.
    let mut bare = scenario.clone();
    bare.seeding.split = None;
    assert!(!serde_json::to_string(&bare).unwrap().contains("\"split\""));
    // The scenario's split is split_budget on the rule's proposal, the
    // prices, the value of an adoption and the ensemble.
    let (network, _) = scenario.build_network().unwrap();
    let report = scenario.split(&network).unwrap();
    assert_eq!((report.points.len(), report.best.len()), (6, 2));
    let ranked = scenario
        .seeding
        .seeds
        .propose(&network, scenario.ensemble.master_seed, &[])
        .unwrap();
    let ModelSpec::Campaign(campaign) = &scenario.model else {
        panic!("a campaign");
    };
    let options = plan.options(scenario.kpis.value_per_adoption, scenario.ensemble);
    let direct = split_budget(
        &network,
        campaign,
        &ranked,
        &scenario.seeding.prices,
        &options,
    )
    .unwrap();
    assert_eq!(report, direct);
    // Seeded: the same report again.
    assert_eq!(scenario.split(&network).unwrap(), report);
    // A scenario without a split has none to run.
    match bare.split(&network) {
        Err(Error::InvalidDocument { path, reason }) => {
            assert_eq!(path, "$.seeding.split");
            assert!(reason.contains("no budget split"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A value no document can hold (JSON has no infinity) is named too.
    let mut infinite = scenario.clone();
    infinite.seeding.split = Some(SplitPlan {
        budgets: vec![f64::INFINITY],
        ..plan
    });
    match infinite.split(&network) {
        Err(Error::InvalidDocument { path, .. }) => {
            assert_eq!(path, "$.seeding.split.budgets[0]")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_budget_split_names_what_is_wrong() {
    let paid = r#""model": {"campaign": {"channels": [
        {"channel": {"kind": "advertising", "share": 0.05, "persuasion": 0.2, "cost_per_message": 10}, "senders": "outside"},
        {"channel": {"kind": "post", "persuasion": 0.3}, "senders": "adopters"}], "horizon": 5}}"#;
    let unpaid = r#""model": {"campaign": {"channels": [
        {"channel": {"kind": "post", "persuasion": 0.3}, "senders": "adopters"}], "horizon": 5}}"#;
    let bass = r#""model": {"bass": {"p": 0.01, "q": 0.3}}"#;
    let with = |split: &str, rest: &str| {
        doc(&format!(
            r#""seeding": {{"seeds": {{"random": {{"count": 3}}}}, "split": {split}}}, {rest}"#
        ))
    };
    let value = r#"{"value_per_adoption": 20}"#;
    for (split, rest, at, says) in [
        (
            r#"{"budgets": []}"#,
            paid,
            "$.seeding.split.budgets",
            "at least one",
        ),
        (
            r#"{"budgets": [100, -5]}"#,
            paid,
            "$.seeding.split.budgets[1]",
            "-5",
        ),
        (
            r#"{"budgets": [1e16]}"#,
            paid,
            "$.seeding.split.budgets[0]",
            "1e15",
        ),
        (
            r#"{"budgets": 100}"#,
            paid,
            "$.seeding.split.budgets",
            "invalid type",
        ),
        (
            r#"{"seed_shares": [0]}"#,
            paid,
            "$.seeding.split",
            "budgets",
        ),
        (
            r#"{"budgets": [100], "seed_shares": []}"#,
            paid,
            "$.seeding.split.seed_shares",
            "at least one",
        ),
        (
            r#"{"budgets": [100], "seed_shares": [0.5, 1.5]}"#,
            paid,
            "$.seeding.split.seed_shares[1]",
            "[0, 1]",
        ),
        (
            r#"{"budgets": [100], "seed_shares": [-0.1]}"#,
            paid,
            "$.seeding.split.seed_shares[0]",
            "[0, 1]",
        ),
        (
            r#"{"budgets": [100], "objective": "profit"}"#,
            paid,
            "$.seeding.split.objective",
            "profit",
        ),
        (
            r#"{"budgets": [100], "budget": 5}"#,
            paid,
            "$.seeding.split",
            "budget",
        ),
        (
            r#"{"budgets": [100], "objective": "roi"}"#,
            paid,
            "$.seeding.split.objective",
            "value_per_adoption",
        ),
        (r#"{"budgets": [100]}"#, bass, "$.seeding.split", "`bass`"),
        (
            r#"{"budgets": [100]}"#,
            unpaid,
            "$.seeding.split",
            "paid channel",
        ),
    ] {
        let (path, reason) = error_path(&with(split, rest));
        assert!(
            path.starts_with(at),
            "{split} with {rest}: {path}: {reason}"
        );
        assert!(reason.contains(says), "{split}: {reason} should say {says}");
    }
    // The ROI with a value per adoption is fine.
    let rest = format!(r#""kpis": {value}, {paid}"#);
    assert!(Scenario::from_json(&with(r#"{"budgets": [100], "objective": "roi"}"#, &rest)).is_ok());
}

/// The models of the seeding tests, by name, on the 50 nodes of `GRAPH`.
fn selector_models() -> Vec<(&'static str, String)> {
    let fixed = vec!["0.5"; 50].join(", ");
    vec![
        ("ic_uniform", r#"{"independent_cascade": {"kind": "uniform", "p": 0.1}}"#.to_string()),
        ("ic_weighted", r#"{"independent_cascade": {"kind": "weighted_cascade"}}"#.to_string()),
        ("lt_random", r#"{"linear_threshold": {"weights": {"kind": "uniform"}}}"#.to_string()),
        (
            "lt_fixed",
            format!(
                r#"{{"linear_threshold": {{"weights": {{"kind": "uniform"}}, "thresholds": {{"kind": "fixed", "thresholds": [{fixed}]}}}}}}"#
            ),
        ),
        ("bass", r#"{"bass": {"p": 0.01, "q": 0.3}}"#.to_string()),
        ("sir", r#"{"sir": {"beta": 0.08, "gamma": 0.5}}"#.to_string()),
        ("sis", r#"{"sis": {"beta": 0.08, "gamma": 0.5}}"#.to_string()),
        ("continuous_sir", r#"{"continuous_sir": {"tau": 0.15, "gamma": 1.0}}"#.to_string()),
        (
            "rumor",
            r#"{"rumor": {"update": "sweep", "contacts": "network", "stifling": "maki_thompson"}}"#
                .to_string(),
        ),
        (
            "valence",
            r#"{"valence": {"quality": 0.8, "p_positive": 0.08, "p_negative": 0.12}}"#.to_string(),
        ),
        (
            "campaign",
            r#"{"campaign": {"channels": [{"channel": {"kind": "post", "persuasion": 0.3}, "senders": "adopters"}], "horizon": 5}}"#
                .to_string(),
        ),
        (
            "competition",
            r#"{"competition": {"options": {"probabilities": {"kind": "uniform", "a": 0.06, "b": 0.06}}, "rival_seeds": {"random": {"count": 3}}}}"#
                .to_string(),
        ),
    ]
}

/// A scenario choosing 3 seeds by `method` under `model`.
fn selected(method: &str, model: &str) -> String {
    doc(&format!(
        r#""seeding": {{"seeds": {{"select": {{"k": 3, "method": {method}}}}}}}, "model": {model}, "ensemble": {{"budget": {{"runs": 5}}}}"#
    ))
}

const IC_UNIFORM: &str =
    r#"{"model": "independent_cascade", "probabilities": {"kind": "uniform", "p": 0.1}}"#;
const IC_WEIGHTED: &str =
    r#"{"model": "independent_cascade", "probabilities": {"kind": "weighted_cascade"}}"#;
const LT_UNIFORM: &str = r#"{"model": "linear_threshold", "weights": {"kind": "uniform"}}"#;

#[test]
fn a_selector_serves_only_the_diffusion_the_scenario_runs() {
    let models: std::collections::HashMap<_, _> = selector_models().into_iter().collect();
    let opim = |d: &str| format!(r#"{{"opim": {{"diffusion": {d}, "epsilon": 0.3}}}}"#);
    let imm = |d: &str| format!(r#"{{"imm": {{"diffusion": {d}, "epsilon": 0.3}}}}"#);
    let celf = |d: &str| format!(r#"{{"celf": {{"diffusion": {d}, "runs": 20}}}}"#);
    let dd = |p: f64| format!(r#"{{"degree_discount": {{"p": {p}}}}}"#);
    // Each refused pairing: the option at fault, and the words that name
    // the selector, the scenario's model and what would serve it.
    let at = "$.seeding.seeds.select.method";
    for (method, model, path, says) in [
        // A sampler for another cascade than the scenario's.
        (
            opim(IC_WEIGHTED),
            "ic_uniform",
            "opim.diffusion",
            &[
                "`opim`",
                r#"{"kind":"uniform","p":0.1}"#,
                "write the scenario's diffusion",
            ][..],
        ),
        // For the other family.
        (
            imm(IC_WEIGHTED),
            "lt_random",
            "imm.diffusion",
            &[
                "`imm`",
                r#"{"model":"linear_threshold""#,
                "write the scenario's diffusion",
            ],
        ),
        (
            celf(LT_UNIFORM),
            "ic_weighted",
            "celf.diffusion",
            &[
                "`celf`",
                "weighted_cascade",
                "write the scenario's diffusion",
            ],
        ),
        // A linear threshold no sampler can draw.
        (
            opim(LT_UNIFORM),
            "lt_fixed",
            "opim.diffusion",
            &[
                "`opim`",
                "fixed thresholds",
                "leave out the model's `thresholds`",
                "degree",
            ],
        ),
        // Degree discount: another p, another cascade, a threshold model.
        (
            dd(0.01),
            "ic_uniform",
            "degree_discount.p",
            &["p = 0.01", "set p to 0.1"],
        ),
        (
            dd(0.1),
            "ic_weighted",
            "degree_discount",
            &[
                "one p on every arc",
                "weighted_cascade",
                "opim, imm or celf",
            ],
        ),
        (
            dd(0.1),
            "lt_random",
            "degree_discount",
            &[
                "one p on every arc",
                "linear_threshold",
                "opim, imm or celf",
            ],
        ),
        (
            dd(0.1),
            "lt_fixed",
            "degree_discount",
            &["fixed thresholds", "pagerank"],
        ),
    ] {
        let (got, reason) = error_path(&selected(&method, &models[model]));
        assert_eq!(got, format!("{at}.{path}"), "{method} on {model}: {reason}");
        for word in says {
            assert!(
                reason.contains(word),
                "{method} on {model}: {reason} should say {word}"
            );
        }
    }
}

#[test]
fn selectors_serve_their_own_diffusion_stand_in_for_other_models_and_heuristics_serve_all() {
    let opim = |d: &str| format!(r#"{{"opim": {{"diffusion": {d}, "epsilon": 0.3}}}}"#);
    let runs = |method: &str, model: &str| {
        let scenario = Scenario::from_json(&selected(method, model))
            .unwrap_or_else(|e| panic!("{method} on {model}: {e}"));
        scenario
            .run(Some(1))
            .unwrap_or_else(|e| panic!("{method} on {model}: {e}"))
    };
    let models = selector_models();
    let model = |name: &str| &models.iter().find(|(n, _)| *n == name).unwrap().1;
    // A sampler and degree discount for the very diffusion the scenario runs.
    runs(&opim(IC_UNIFORM), model("ic_uniform"));
    runs(&opim(IC_WEIGHTED), model("ic_weighted"));
    runs(
        &format!(r#"{{"imm": {{"diffusion": {LT_UNIFORM}, "epsilon": 0.3}}}}"#),
        model("lt_random"),
    );
    runs(
        &format!(r#"{{"celf": {{"diffusion": {IC_UNIFORM}, "runs": 20}}}}"#),
        model("ic_uniform"),
    );
    runs(r#"{"degree_discount": {"p": 0.1}}"#, model("ic_uniform"));
    // On a model no diffusion describes, a sampler's diffusion and degree
    // discount's p stand in for it: accepted, the guarantee theirs.
    let diffusions = ["ic_uniform", "ic_weighted", "lt_random", "lt_fixed"];
    for (name, text) in models.iter().filter(|(n, _)| !diffusions.contains(n)) {
        for method in [
            opim(IC_WEIGHTED),
            format!(r#"{{"imm": {{"diffusion": {LT_UNIFORM}, "epsilon": 0.3}}}}"#),
            format!(r#"{{"celf": {{"diffusion": {IC_UNIFORM}, "runs": 20}}}}"#),
            r#"{"degree_discount": {"p": 0.05}}"#.to_string(),
        ] {
            Scenario::from_json(&selected(&method, text))
                .unwrap_or_else(|e| panic!("{method} on {name}: {e}"));
        }
    }
    let results = runs(&opim(IC_WEIGHTED), model("bass"));
    assert!(results.seeds.selection.unwrap().guarantee.is_some());
    // The heuristics that read only the network serve every model.
    for (name, text) in &models {
        for method in [
            r#""random""#,
            r#"{"degree": {"by": "out"}}"#,
            r#"{"pagerank": {}}"#,
            r#""k_core""#,
        ] {
            Scenario::from_json(&selected(method, text))
                .unwrap_or_else(|e| panic!("{method} on {name}: {e}"));
        }
    }
    runs(r#""k_core""#, model("lt_fixed"));
}

/// An empty list of target ids is named in words, not as Rust debug text
/// (`Nodes([])`).
#[test]
fn an_empty_target_is_named_in_words() {
    let (path, reason) = run_error_path(&doc(r#""seeding": {"seeds": {"random": {"count": 3}}},
           "kpis": {"target": {"ids": []}},
           "model": {"independent_cascade": {"kind": "uniform", "p": 0.1}},
           "ensemble": {"budget": {"runs": 10}}"#));
    assert_eq!(path, "$.kpis.target");
    assert!(reason.contains("an empty list of nodes"), "{reason}");
    assert!(!reason.contains("Nodes("), "{reason}");
}

/// A 3-node SIS that never dies out runs to its step limit (here 50,000
/// steps); its KPIs count every step, but every curve stops at
/// `MAX_CURVE_POINTS` points, so memory and the results document stay
/// bounded by the cap, not by the step limit.
#[test]
fn curves_of_runs_that_never_end_stop_at_the_cap() {
    use wom::ensemble::MAX_CURVE_POINTS;
    let text = r#"{"graph": {"generate": {"generator": {"model": "gnp", "n": 3, "p": 1.0}, "seed": 1}},
        "seeding": {"seeds": {"random": {"count": 3}}},
        "model": {"sis": {"beta": 1.0, "gamma": 0.0}},
        "ensemble": {"budget": {"runs": 4}, "master_seed": 1, "max_steps": 50000}}"#;
    let results = Scenario::from_json(text).unwrap().run(Some(1)).unwrap();
    let report = &results.report;
    assert_eq!(report.finished_runs, 0);
    let steps = report
        .kpis
        .iter()
        .find(|k| k.name == "steps")
        .expect("steps");
    assert_eq!(steps.estimate.mean, 50_000.0);
    assert_eq!(report.curves.adoption.len(), MAX_CURVE_POINTS);
    assert_eq!(report.curves.reach.len(), MAX_CURVE_POINTS);
    for q in &report.curves.quantities {
        assert_eq!(q.points.len(), MAX_CURVE_POINTS, "{}", q.name);
    }
    let json = results.to_json().unwrap();
    assert!(json.len() < 8 << 20, "{} bytes", json.len());
}

/// A document of one enormous string (a 65 MiB name) is refused by its
/// size, as text and as a file, before the JSON reader takes it in.
#[test]
fn a_document_over_the_size_limit_is_refused() {
    use wom::scenario::MAX_DOCUMENT_BYTES;
    assert_eq!(MAX_DOCUMENT_BYTES, 64 << 20);
    let text = format!(
        "{{\"name\": \"{}\", {}}}",
        "a".repeat(MAX_DOCUMENT_BYTES),
        &doc(r#""model": {"bass": {"p": 0.01, "q": 0.3}}"#)[1..]
    );
    let (path, reason) = error_path(&text);
    assert_eq!(path, "$");
    assert!(reason.contains("larger than 64 MiB"), "{reason}");
    let dir = std::env::temp_dir().join(format!("wom-doc-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("huge.json");
    std::fs::write(&file, &text).unwrap();
    match Scenario::from_file(&file) {
        Err(Error::InvalidDocument { path, reason }) => {
            assert_eq!(path, "$");
            assert!(reason.contains("larger than 64 MiB"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
