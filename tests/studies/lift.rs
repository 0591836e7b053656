//! Paired ensembles: a campaign against its baseline with common random
//! numbers (`wom::kpi::lift`).

use approx::assert_relative_eq;
use wom::Network;
use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
use wom::kpi::{Arm, KpiSpec, LiftOptions, LiftResult};
use wom::propagation::bass::BassOptions;
use wom::propagation::{Bass, IndependentCascade};

fn runs(n: u64) -> EnsembleOptions {
    EnsembleOptions {
        budget: RunBudget::Runs(n),
        master_seed: 11,
        batch_size: 16,
        ..EnsembleOptions::default()
    }
}

/// A seeded directed G(n, p), frozen.
fn gnp(n: usize, p: f64, seed: u64) -> Network {
    use wom::generate::{Gnp, gnp};
    use wom::social::Relation;
    gnp(
        &Gnp {
            n,
            p,
            direction: Relation::Follow,
        },
        seed,
    )
    .unwrap()
    .freeze()
    .unwrap()
}

/// A path 0 -> 1 -> ... -> n-1.
fn path(n: u32) -> Network {
    Network::from_arcs(n as usize, (1..n).map(|v| (v - 1, v, 1.0))).unwrap()
}

#[allow(clippy::too_many_arguments)]
fn lift_of<M: wom::propagation::Model + Sync>(
    net: &Network,
    model: &M,
    seeds: &[u32],
    base_seeds: &[u32],
    options: EnsembleOptions,
    spec: &KpiSpec,
    base_spec: &KpiSpec,
    r: f64,
) -> LiftResult {
    Ensemble::new(net, model, seeds)
        .options(options)
        .lift(
            spec,
            Arm {
                model,
                seeds: base_seeds,
                spec: base_spec,
            },
            &LiftOptions { discount_rate: r },
        )
        .unwrap()
}

fn mean(result: &LiftResult, name: &str) -> f64 {
    result.lift.kpi(name).unwrap().mean
}

#[test]
fn certain_cascade_on_a_path_decomposes_by_hand() {
    // IC with p = 1 on 0 -> 1 -> 2 -> 3 -> 4, discount rate 0.1.
    let net = path(5);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let spec = KpiSpec::default();
    let d = |t: i32| 1.1f64.powi(-t);
    // Seeding 0 and 2 against 0 alone: the same five customers, at steps
    // 0, 0, 1, 1, 2 instead of 0, 1, 2, 3, 4: all acceleration.
    let both = lift_of(&net, &ic, &[0, 2], &[0], runs(20), &spec, &spec, 0.1);
    assert_eq!(mean(&both, "incremental_adoption"), 0.0);
    assert_eq!(mean(&both, "steps_gained"), 6.0 / 5.0);
    let acceleration = (d(0) - d(1)) + (d(1) - d(2)) + (d(1) - d(3)) + (d(2) - d(4));
    assert_relative_eq!(mean(&both, "acceleration"), acceleration, epsilon = 1e-12);
    assert_eq!(mean(&both, "expansion"), 0.0);
    assert_relative_eq!(mean(&both, "social_value"), acceleration, epsilon = 1e-12);
    // Seeding 2 against 0: three customers at 0, 1, 2 where the baseline
    // has five at 0..4. The first three stand for the baseline's first
    // three, at the same steps; the last two are lost.
    let fewer = lift_of(&net, &ic, &[2], &[0], runs(20), &spec, &spec, 0.1);
    assert_eq!(mean(&fewer, "incremental_adoption"), -2.0);
    assert_eq!(mean(&fewer, "steps_gained"), 0.0);
    assert_eq!(mean(&fewer, "acceleration"), 0.0);
    assert_relative_eq!(mean(&fewer, "expansion"), -(d(3) + d(4)), epsilon = 1e-12);
    // Every pair is the same: no spread, and no variance ratio to give.
    assert_eq!(fewer.lift.kpi("incremental_adoption").unwrap().std_dev, 0.0);
    assert_eq!(fewer.lift.variance_ratio, None);
    assert_eq!(fewer.lift.runs, 20);
}

#[test]
fn without_discounting_acceleration_is_zero_and_expansion_is_the_added_adoption() {
    let net = path(6);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let spec = KpiSpec::default();
    let result = lift_of(&net, &ic, &[0], &[], runs(8), &spec, &spec, 0.0);
    assert_eq!(mean(&result, "incremental_adoption"), 6.0);
    assert_eq!(mean(&result, "expansion"), 6.0);
    // No baseline adopter to stand for: steps gained is undefined.
    assert_eq!(result.lift.kpi("steps_gained").unwrap().runs, 0);
    assert_eq!(mean(&result, "acceleration"), 0.0);
    assert_eq!(mean(&result, "social_value"), 6.0);
}

#[test]
fn each_arm_is_reported_to_the_bit_as_alone_and_the_pairs_match_the_means() {
    let net = gnp(300, 0.02, 5);
    let bass = Bass::new(&net, BassOptions { p: 0.01, q: 0.1 }).unwrap();
    let options = EnsembleOptions {
        max_steps: 25,
        ..runs(300)
    };
    let seeds: Vec<u32> = (0..15).map(|i| i * 20).collect();
    let spec = KpiSpec {
        seeding_cost: 150.0,
        value_per_adoption: Some(20.0),
        ..KpiSpec::default()
    };
    let base_spec = KpiSpec {
        value_per_adoption: Some(20.0),
        ..KpiSpec::default()
    };
    let result = lift_of(&net, &bass, &seeds, &[], options, &spec, &base_spec, 0.05);
    let alone = Ensemble::new(&net, &bass, &seeds)
        .options(options)
        .kpis(&spec)
        .unwrap();
    assert_eq!(result.campaign, alone);
    let base_alone = Ensemble::new(&net, &bass, &[])
        .options(options)
        .kpis(&base_spec)
        .unwrap();
    assert_eq!(result.baseline, base_alone);
    let kpi = |r: &wom::kpi::KpiReport, name: &str| r.kpi(name).unwrap().mean;
    // Means of paired differences are differences of means.
    let pairs = [
        ("incremental_adoption", "adoption"),
        ("incremental_cost", "cost"),
    ];
    for (lift, arm) in pairs {
        assert_relative_eq!(
            mean(&result, lift),
            kpi(&result.campaign, arm) - kpi(&result.baseline, arm),
            max_relative = 1e-9
        );
    }
    // The decomposition adds up.
    assert_relative_eq!(
        mean(&result, "expansion") + mean(&result, "acceleration"),
        mean(&result, "social_value"),
        max_relative = 1e-9
    );
    // Ten seeds at step 0 move adoption earlier.
    assert!(result.lift.kpi("steps_gained").unwrap().ci_low > 0.0);
    // The seeds' fixed cost is the only cost: the ROI of each pair is
    // v ΔG / ΔC − 1, so its mean is v E[ΔG] / ΔC − 1.
    assert_eq!(mean(&result, "incremental_cost"), 150.0);
    assert_relative_eq!(
        mean(&result, "incremental_roi"),
        20.0 * mean(&result, "incremental_return") / 150.0 - 1.0,
        max_relative = 1e-9
    );
    // The variance ratio is what its definition says.
    let sd = |r: &wom::kpi::KpiReport| r.kpi("adoption").unwrap().std_dev;
    let paired = result.lift.kpi("incremental_adoption").unwrap().std_dev;
    assert_relative_eq!(
        result.lift.variance_ratio.unwrap(),
        (sd(&result.campaign).powi(2) + sd(&result.baseline).powi(2)) / paired.powi(2),
        max_relative = 1e-12
    );
}

#[test]
fn a_baseline_equal_to_the_campaign_pairs_every_run_exactly() {
    // The same model and seeds in both arms draw the same stream run by
    // run: every difference is 0. Unpaired runs would differ.
    let net = gnp(400, 0.01, 9);
    let ic = IndependentCascade::uniform(&net, 0.15).unwrap();
    let spec = KpiSpec::default();
    let result = lift_of(
        &net,
        &ic,
        &[1, 2, 3],
        &[1, 2, 3],
        runs(200),
        &spec,
        &spec,
        0.02,
    );
    for name in [
        "incremental_adoption",
        "steps_gained",
        "expansion",
        "acceleration",
        "social_value",
    ] {
        let e = result.lift.kpi(name).unwrap();
        assert_eq!((e.mean, e.std_dev), (0.0, 0.0), "{name}");
    }
    assert!(result.campaign.kpi("adoption").unwrap().std_dev > 1.0);
}

#[test]
fn threads_do_not_change_a_paired_report() {
    let net = gnp(200, 0.03, 3);
    let ic = IndependentCascade::uniform(&net, 0.1).unwrap();
    let spec = KpiSpec::default();
    let one = lift_of(
        &net,
        &ic,
        &[0, 1],
        &[0],
        EnsembleOptions {
            threads: Some(1),
            ..runs(500)
        },
        &spec,
        &spec,
        0.1,
    );
    let three = lift_of(
        &net,
        &ic,
        &[0, 1],
        &[0],
        EnsembleOptions {
            threads: Some(3),
            ..runs(500)
        },
        &spec,
        &spec,
        0.1,
    );
    assert_eq!(one, three);
}

#[test]
fn a_bad_discount_rate_or_baseline_seed_is_refused() {
    let net = path(4);
    let ic = IndependentCascade::uniform(&net, 0.5).unwrap();
    let spec = KpiSpec::default();
    for r in [-0.1, f64::NAN, f64::INFINITY] {
        let e = Ensemble::new(&net, &ic, &[0])
            .options(runs(4))
            .lift(
                &spec,
                Arm {
                    model: &ic,
                    seeds: &[],
                    spec: &spec,
                },
                &LiftOptions { discount_rate: r },
            )
            .unwrap_err();
        assert!(e.to_string().contains("discount_rate"), "{e}");
    }
    let e = Ensemble::new(&net, &ic, &[0])
        .options(runs(4))
        .lift(
            &spec,
            Arm {
                model: &ic,
                seeds: &[9],
                spec: &spec,
            },
            &LiftOptions::default(),
        )
        .unwrap_err();
    assert!(e.to_string().contains('9'), "{e}");
}

mod scenario {
    use wom::scenario::{Results, Scenario};

    const IC: &str = r#"{
        "graph": {"generate": {"generator": {"model": "gnp", "n": 300, "p": 0.02}, "seed": 4}},
        "seeding": {"seeds": {"top": {"by": "followers", "count": 5}}, "budget": 50, "prices": {"consumer": 10}},
        "kpis": {"value_per_adoption": 4},
        "model": {"independent_cascade": {"kind": "uniform", "p": 0.08}},
        "ensemble": {"budget": {"runs": 300}, "master_seed": 3}
    }"#;

    fn with(doc: &str, baseline: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
        v["baseline"] = serde_json::from_str(baseline).unwrap();
        v.to_string()
    }

    fn err(doc: &str) -> String {
        let e = Scenario::from_json(doc).unwrap_err();
        e.to_string()
    }

    #[test]
    fn a_baseline_leaves_the_campaigns_results_as_they_were() {
        let plain = Scenario::from_json(IC).unwrap().run(None).unwrap();
        let paired = Scenario::from_json(&with(IC, r#"{"against": "no_seeds"}"#))
            .unwrap()
            .run(None)
            .unwrap();
        assert_eq!(plain.report, paired.report);
        assert_eq!(plain.seeds, paired.seeds);
        assert!(plain.baseline.is_none());
        let b = paired.baseline.as_ref().unwrap();
        assert_eq!(b.name, "no_seeds");
        assert!(b.seeds.ids.is_empty());
        // IC with no seeds: nothing happens, so every run's lift is the
        // campaign's own adoption and return, at the seeds' cost.
        assert_eq!(b.report.kpi("adoption").unwrap().mean, 0.0);
        let lift = &b.lift;
        assert_eq!(
            lift.kpi("incremental_adoption").unwrap(),
            paired.report.kpi("adoption").unwrap()
        );
        assert_eq!(lift.kpi("incremental_cost").unwrap().mean, 50.0);
        assert_eq!(
            lift.kpi("incremental_roi").unwrap().mean,
            paired.report.kpi("roi").unwrap().mean
        );
        // The document reads back.
        let back = Results::from_json(&paired.to_json().unwrap()).unwrap();
        assert_eq!(back, paired);
    }

    #[test]
    fn another_campaign_is_measured_against_with_its_own_seeds_and_cost() {
        let doc = with(
            IC,
            r#"{"against": {"campaign": {"name": "random five",
                "seeding": {"seeds": {"random": {"count": 5}}, "budget": 50, "prices": {"consumer": 10}}}},
                "discount_rate": 0.05}"#,
        );
        let results = Scenario::from_json(&doc).unwrap().run(None).unwrap();
        let b = results.baseline.unwrap();
        assert_eq!(b.name, "random five");
        assert_eq!((b.seeds.ids.len(), b.seeds.cost), (5, 50.0));
        assert_eq!(b.lift.discount_rate, 0.05);
        // Same cost: the ROI of a pair is undefined, and left out.
        assert_eq!(b.lift.kpi("incremental_cost").unwrap().mean, 0.0);
        assert_eq!(b.lift.kpi("incremental_roi").unwrap().runs, 0);
        let a = results.report.kpi("adoption").unwrap().mean;
        let base = b.report.kpi("adoption").unwrap().mean;
        assert!((b.lift.kpi("incremental_adoption").unwrap().mean - (a - base)).abs() < 1e-9);
    }

    #[test]
    fn no_campaign_silences_the_campaigns_own_voices() {
        let doc = include_str!("../../examples/scenarios/campaign.json");
        let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
        v["ensemble"]["budget"]["runs"] = 40.into();
        let doc = with(&v.to_string(), r#"{"against": "no_campaign"}"#);
        let results = Scenario::from_json(&doc).unwrap().run(None).unwrap();
        let b = results.baseline.unwrap();
        assert_eq!(b.channels, ["private_messages", "community_forums"]);
        // Without seeds or broadcasts nobody adopts.
        assert_eq!(b.report.kpi("adoption").unwrap().mean, 0.0);
        assert_eq!(
            b.lift.kpi("incremental_adoption").unwrap(),
            results.report.kpi("adoption").unwrap()
        );
        // no_seeds keeps the brand's posts and ads: some adopt.
        let doc = with(&v.to_string(), r#"{"against": "no_seeds"}"#);
        let results = Scenario::from_json(&doc).unwrap().run(None).unwrap();
        let b = results.baseline.unwrap();
        assert_eq!(b.channels, results.channels);
        assert!(b.report.kpi("adoption").unwrap().mean > 0.0);
    }

    #[test]
    fn a_competition_is_measured_by_its_own_brand() {
        // Brand A's campaign against the same market without A's seeds:
        // the rival's adopters are not the campaign's, so the lift counts
        // brand A's adopters (Libai, Muller & Peres: customers of the
        // firm's product), as the return does.
        let doc = include_str!("../../examples/scenarios/competition.json");
        let mut v: serde_json::Value = serde_json::from_str(doc).unwrap();
        v["ensemble"]["budget"]["runs"] = 60.into();
        let doc = with(&v.to_string(), r#"{"against": "no_seeds"}"#);
        let results = Scenario::from_json(&doc).unwrap().run(None).unwrap();
        let b = results.baseline.as_ref().unwrap();
        let ours = |r: &wom::kpi::KpiReport| r.kpi("adopted:brand_a").unwrap().mean;
        assert_eq!(ours(&b.report), 0.0);
        let added = b.lift.kpi("incremental_adoption").unwrap().mean;
        assert!((added - ours(&results.report)).abs() < 1e-9, "{added}");
        // Without discounting, expansion is the added adoption.
        assert!((b.lift.kpi("expansion").unwrap().mean - added).abs() < 1e-9);
        // The variance ratio is of brand A's adopters too.
        let sd = results.report.kpi("adopted:brand_a").unwrap().std_dev;
        let paired = b.lift.kpi("incremental_adoption").unwrap().std_dev;
        assert_eq!(paired, sd);
        assert!((b.lift.variance_ratio.unwrap() - 1.0).abs() < 1e-9);
        // The rival seeds the same 40 nodes in both: the counterfactual
        // changes brand A's campaign, not the rival's.
        assert_eq!(b.seeds.rival_ids, results.seeds.rival_ids);
        assert_eq!(b.seeds.rival_ids.as_ref().map(Vec::len), Some(40));
        // Another campaign whose seeds take some of the rival's nodes: the
        // rival's rule picks again among the nodes left.
        let taken = results.seeds.rival_ids.as_ref().unwrap()[..3].to_vec();
        let other = format!(
            r#"{{"against": {{"campaign": {{"seeding": {{"seeds": {{"ids": {}}}}}}}}}}}"#,
            serde_json::to_string(&taken).unwrap()
        );
        let results = Scenario::from_json(&with(&v.to_string(), &other))
            .unwrap()
            .run(None)
            .unwrap();
        let b = results.baseline.unwrap();
        let rivals = b.seeds.rival_ids.unwrap();
        assert_eq!(rivals.len(), 40);
        assert!(taken.iter().all(|t| !rivals.contains(t)));
    }

    #[test]
    fn bad_baselines_are_refused_at_their_path() {
        let e = err(&with(IC, r#"{"against": "no_seeds", "discount_rate": -1}"#));
        assert!(e.contains("$.baseline.discount_rate"), "{e}");
        let e = err(&with(IC, r#"{"against": {"campaign": {}}}"#));
        assert!(
            e.contains("$.baseline.against.campaign") && e.contains("seeding"),
            "{e}"
        );
        let e = err(&with(
            IC,
            r#"{"against": {"campaign": {"model": {"bass": {"p": 0.1, "q": 2}}}}}"#,
        ));
        assert!(e.contains("$.baseline.against.campaign.model.bass"), "{e}");
        let e = err(&with(
            IC,
            r#"{"against": {"campaign": {"seeding": {"seeds": {"random": {"count": 2}},
                "split": {"budgets": [10]}}}}}"#,
        ));
        assert!(e.contains("$.baseline.against.campaign.seeding"), "{e}");
        let e = err(&with(IC, r#"{"against": "nothing"}"#));
        assert!(e.contains("$.baseline"), "{e}");
        let e = err(&with(IC, r#"{"against": "no_seeds", "discount": 0.1}"#));
        assert!(e.contains("discount"), "{e}");
        // A seed the network lacks is found when the baseline runs.
        let doc = with(
            IC,
            r#"{"against": {"campaign": {"seeding": {"seeds": {"ids": [100000]}}}}}"#,
        );
        let e = Scenario::from_json(&doc)
            .unwrap()
            .run(None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("$.baseline.against.campaign.seeding"), "{e}");
    }
}
