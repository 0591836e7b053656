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
    // IC with p = 1 on 0 -> 1 -> 2 -> 3 -> 4. The campaign seeds node 2:
    // 2, 3, 4 adopt at steps 0, 1, 2. The baseline seeds node 0: all five
    // adopt at steps 0..4. Nodes 2, 3, 4 adopt two steps earlier in the
    // campaign; 0 and 1 are lost.
    let net = path(5);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let spec = KpiSpec::default();
    let r = 0.1;
    let d = |t: i32| 1.1f64.powi(-t);
    let result = lift_of(&net, &ic, &[2], &[0], runs(20), &spec, &spec, r);
    assert_eq!(mean(&result, "incremental_adoption"), -2.0);
    assert_eq!(mean(&result, "gained"), 0.0);
    assert_eq!(mean(&result, "lost"), 2.0);
    assert_eq!(mean(&result, "accelerated"), 3.0);
    assert_eq!(mean(&result, "delayed"), 0.0);
    let acceleration = (d(0) - d(2)) + (d(1) - d(3)) + (d(2) - d(4));
    let expansion = -(d(0) + d(1));
    assert_relative_eq!(mean(&result, "acceleration"), acceleration, epsilon = 1e-12);
    assert_relative_eq!(mean(&result, "expansion"), expansion, epsilon = 1e-12);
    assert_relative_eq!(
        mean(&result, "social_value"),
        acceleration + expansion,
        epsilon = 1e-12
    );
    // Every pair is the same: no spread, and no variance ratio to give.
    assert_eq!(
        result.lift.kpi("incremental_adoption").unwrap().std_dev,
        0.0
    );
    assert_eq!(result.lift.variance_ratio, None);
    assert_eq!(result.lift.runs, 20);
}

#[test]
fn without_discounting_acceleration_is_zero_and_expansion_is_the_added_adoption() {
    let net = path(6);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let spec = KpiSpec::default();
    let result = lift_of(&net, &ic, &[0], &[], runs(8), &spec, &spec, 0.0);
    assert_eq!(mean(&result, "incremental_adoption"), 6.0);
    assert_eq!(mean(&result, "gained"), 6.0);
    assert_eq!(mean(&result, "expansion"), 6.0);
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
    // The decomposition adds up, and adoptions add up by node.
    assert_relative_eq!(
        mean(&result, "expansion") + mean(&result, "acceleration"),
        mean(&result, "social_value"),
        max_relative = 1e-9
    );
    assert_relative_eq!(
        mean(&result, "gained") - mean(&result, "lost"),
        mean(&result, "incremental_adoption"),
        max_relative = 1e-9
    );
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
        "gained",
        "lost",
        "accelerated",
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
