//! Parameter sweeps (`Scenario::sweep`, the scenario's `sweep` section).

use serde_json::{Value, json};
use wom::scenario::{Scenario, SweepResults};

fn doc(sweep: Value) -> String {
    json!({
        "graph": {"generate": {"generator": {"model": "gnp", "n": 300, "p": 0.02}, "seed": 4}},
        "seeding": {"seeds": {"top": {"by": "followers", "count": 5}}, "prices": {"consumer": 10}},
        "kpis": {"value_per_adoption": 3},
        "model": {"independent_cascade": {"kind": "uniform", "p": 0.08}},
        "ensemble": {"budget": {"runs": 120}, "master_seed": 3},
        "sweep": sweep
    })
    .to_string()
}

fn sweep(sweep: Value) -> SweepResults {
    Scenario::from_json(&doc(sweep))
        .unwrap()
        .sweep(None)
        .unwrap()
}

fn err(sweep: Value) -> String {
    Scenario::from_json(&doc(sweep)).unwrap_err().to_string()
}

#[test]
fn every_point_is_the_scenario_run_with_its_values_to_the_bit() {
    let results = sweep(json!({"vary": [
        {"path": "$.model.independent_cascade.p", "values": [0.05, 0.12]},
        {"path": "$.seeding.seeds.top.count", "range": {"from": 2, "to": 6, "step": 2}}
    ]}));
    assert_eq!(
        results.parameters,
        ["$.model.independent_cascade.p", "$.seeding.seeds.top.count"]
    );
    let values: Vec<Vec<f64>> = results.points.iter().map(|p| p.values.clone()).collect();
    let grid = [
        [0.05, 2.0],
        [0.05, 4.0],
        [0.05, 6.0],
        [0.12, 2.0],
        [0.12, 4.0],
        [0.12, 6.0],
    ];
    assert_eq!(values, grid.map(|g| g.to_vec()));
    for point in &results.points {
        let mut v: Value = serde_json::from_str(&doc(json!(null))).unwrap();
        v.as_object_mut().unwrap().remove("sweep");
        v["model"]["independent_cascade"]["p"] = json!(point.values[0]);
        v["seeding"]["seeds"]["top"]["count"] = json!(point.values[1] as u64);
        let alone = Scenario::from_json(&v.to_string())
            .unwrap()
            .run(None)
            .unwrap();
        assert_eq!(point.kpis, alone.report.kpis, "{:?}", point.values);
        assert_eq!(point.runs, 120);
    }
}

#[test]
fn points_share_their_random_numbers() {
    // The value of an adoption changes no run: every point makes the same
    // runs, so their adoption is the same to the bit.
    let results =
        sweep(json!({"vary": [{"path": "$.kpis.value_per_adoption", "values": [1, 2.5, 7]}]}));
    let adoption: Vec<_> = results
        .points
        .iter()
        .map(|p| *p.kpi("adoption").unwrap())
        .collect();
    assert!(adoption.windows(2).all(|w| w[0] == w[1]));
    let roi: Vec<f64> = results
        .points
        .iter()
        .map(|p| p.kpi("roi").unwrap().mean)
        .collect();
    assert!(roi[0] < roi[1] && roi[1] < roi[2]);
}

#[test]
fn threads_do_not_change_a_sweep_and_zip_pairs_the_lists() {
    let spec = json!({"combine": "zip", "vary": [
        {"path": "$.model.independent_cascade.p", "values": [0.02, 0.06, 0.1]},
        {"path": "$.graph.generate.seed", "values": [1, 2, 3]}
    ]});
    let scenario = Scenario::from_json(&doc(spec)).unwrap();
    let one = scenario.sweep(Some(1)).unwrap();
    let three = scenario.sweep(Some(3)).unwrap();
    assert_eq!(one, three);
    assert_eq!(one.points.len(), 3);
    assert_eq!(one.points[2].values, [0.1, 3.0]);
    let back = SweepResults::from_json(&one.to_json().unwrap()).unwrap();
    assert_eq!(back, one);
}

#[test]
fn a_range_lands_on_its_decimal_values() {
    let results = sweep(json!({"vary": [
        {"path": "$.model.independent_cascade.p", "range": {"from": 0.01, "to": 0.1, "step": 0.01}}
    ]}));
    let p: Vec<f64> = results.points.iter().map(|p| p.values[0]).collect();
    assert_eq!(
        p,
        [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1]
    );
}

#[test]
fn the_table_has_a_row_per_point_and_kpi_and_the_lift_joins_it() {
    let mut v: Value = serde_json::from_str(&doc(json!({"vary": [
        {"path": "$.seeding.seeds.top.count", "values": [1, 8]}
    ]})))
    .unwrap();
    v["baseline"] = json!({"against": "no_seeds"});
    let results = Scenario::from_json(&v.to_string())
        .unwrap()
        .sweep(None)
        .unwrap();
    let kpis = results.points[0].kpis.len();
    assert!(results.points[0].kpi("lift:incremental_adoption").is_some());
    let csv = results.to_csv().unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "point,$.seeding.seeds.top.count,kpi,runs,mean,std_dev,ci_low,ci_high"
    );
    assert_eq!(lines.count(), 2 * kpis);
    // Every row has the header's eight fields.
    assert!(csv.lines().all(|l| l.split(',').count() == 8), "{csv}");
    let series = results.series("lift:incremental_adoption");
    assert_eq!(series.len(), 1);
    assert!(series[0].1[1].1.mean > series[0].1[0].1.mean);
}

#[test]
fn bad_sweeps_are_refused_at_their_path_before_anything_runs() {
    let p = "$.model.independent_cascade.p";
    let cases = [
        (json!({"vary": []}), "$.sweep.vary"),
        (
            json!({"vary": [{"path": "$.model.independent_cascade.q", "values": [1]}]}),
            "$.sweep.vary[0].path",
        ),
        (
            json!({"vary": [{"path": "$.model", "values": [1]}]}),
            "not a number",
        ),
        (
            json!({"vary": [{"path": "model.p", "values": [1]}]}),
            "starts with `$`",
        ),
        (
            json!({"vary": [{"path": "$.seeding.seeds.top.count", "values": [2.5]}]}),
            "whole number",
        ),
        (
            json!({"vary": [{"path": p, "values": [0.1, 1.5]}]}),
            "p = 1.5",
        ),
        (
            json!({"vary": [{"path": p}]}),
            "`values` (a list) or `range`",
        ),
        (json!({"vary": [{"path": p, "values": []}]}), "no value"),
        (
            json!({"vary": [{"path": p, "range": {"from": 0, "to": 1, "step": 0}}]}),
            "$.sweep.vary[0].range",
        ),
        (
            json!({"vary": [{"path": p, "range": {"from": 0, "to": 1, "step": 1e-6}}]}),
            "at most 10000",
        ),
        (
            json!({"vary": [{"path": p, "values": (0..200).map(|k| k as f64 / 1000.0).collect::<Vec<_>>()},
                            {"path": "$.kpis.value_per_adoption", "values": (0..200).collect::<Vec<_>>()}]}),
            "200 x 200",
        ),
        (
            json!({"combine": "zip", "vary": [{"path": p, "values": [0.1, 0.2]},
                                               {"path": "$.kpis.value_per_adoption", "values": [1]}]}),
            "one length",
        ),
        (
            json!({"vary": [{"path": "$.sweep.kpis", "values": [1]}]}),
            "its own fields",
        ),
        (
            json!({"vary": [{"path": p, "values": [0.1]}], "step": 3}),
            "step",
        ),
    ];
    for (spec, what) in cases {
        let e = err(spec.clone());
        assert!(e.contains(what), "{spec}: {e}");
    }
    // A KPI the chart cannot find is named when the points have run.
    let e = Scenario::from_json(&doc(
        json!({"vary": [{"path": p, "values": [0.1]}], "kpis": ["adoptions"]}),
    ))
    .unwrap()
    .sweep(None)
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("$.sweep.kpis[0]") && e.contains("adoption_rate"),
        "{e}"
    );
    // A scenario without a sweep is run, not swept.
    let mut v: Value = serde_json::from_str(&doc(json!(null))).unwrap();
    v.as_object_mut().unwrap().remove("sweep");
    let e = Scenario::from_json(&v.to_string())
        .unwrap()
        .sweep(None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no `sweep`"), "{e}");
}

#[test]
fn fields_that_change_no_point_are_refused() {
    // `wom sweep` runs every point on the sweep's threads and does not
    // fit: varying the threads or the fit section would change nothing
    // the points report.
    let mut v: Value = serde_json::from_str(&doc(json!({"vary": [
        {"path": "$.ensemble.threads", "values": [1, 2]}
    ]})))
    .unwrap();
    v["ensemble"]["threads"] = json!(2);
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.contains("$.sweep.vary[0].path") && e.contains("threads"),
        "{e}"
    );
    v["sweep"] = json!({"vary": [{"path": "$.fit.bass.level", "values": [0.9, 0.95]}]});
    v["fit"] = json!({"bass": {"series": "sales.csv"}});
    let e = Scenario::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.contains("$.sweep.vary[0].path") && e.contains("fit"),
        "{e}"
    );
}

#[test]
fn a_sweep_of_huge_run_counts_plans_without_overflow() {
    let mut v: Value = serde_json::from_str(&doc(json!({"vary": [
        {"path": "$.model.independent_cascade.p", "values": [0.1, 0.2]}
    ]})))
    .unwrap();
    v["ensemble"]["budget"]["runs"] = json!(u64::MAX);
    let scenario = Scenario::from_json(&v.to_string()).unwrap();
    let registry = wom::scenario::Registry::builtin();
    assert_eq!(scenario.planned_sweep_runs(&registry).unwrap(), u64::MAX);
}

#[test]
fn a_kpi_the_points_lack_stops_the_sweep_after_the_first_points() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let scenario = Scenario::from_json(&doc(json!({"vary": [
        {"path": "$.model.independent_cascade.p", "values": [0.01, 0.02, 0.03, 0.04, 0.05]}
    ], "kpis": ["adoptoin"]})))
    .unwrap();
    let runs = AtomicU64::new(0);
    let tell = |n: u64| {
        runs.fetch_add(n, Ordering::Relaxed);
    };
    let e = scenario
        .sweep(wom::scenario::RunSettings {
            threads: Some(1),
            progress: Some(&tell),
        })
        .unwrap_err()
        .to_string();
    assert!(e.contains("$.sweep.kpis[0]"), "{e}");
    // One thread: the first point's 120 runs, not the five points'.
    assert_eq!(runs.load(Ordering::Relaxed), 120);
}
