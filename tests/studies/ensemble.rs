//! Ensembles: the same master seed gives bit-identical results whatever the
//! number of threads, and the estimates agree with exact answers.

use wom::Network;
use wom::Relation;
use wom::ensemble::{EnsembleOptions, RunBudget, run_ensemble};
use wom::generate::{Gnp, gnp};
use wom::propagation::IndependentCascade;

fn network() -> Network {
    let spec = Gnp {
        n: 2_000,
        p: 0.003,
        direction: Relation::Follow,
    };
    gnp(&spec, 11).unwrap().freeze().unwrap()
}

#[test]
fn results_are_bit_identical_with_1_2_and_4_threads() {
    let net = network();
    let ic = IndependentCascade::weighted_cascade(&net);
    let run = |threads| {
        let options = EnsembleOptions {
            budget: RunBudget::Runs(1_000),
            master_seed: 42,
            batch_size: 16,
            threads: Some(threads),
            ..EnsembleOptions::default()
        };
        run_ensemble(&net, &ic, &[0, 1, 2, 3, 4], &options).unwrap()
    };
    let one = run(1);
    assert_eq!(one.runs, 1_000);
    for threads in [2, 4] {
        let other = run(threads);
        assert_eq!(other, one, "{threads} threads");
        // Bit for bit, not merely equal as floats.
        assert_eq!(other.adopted.mean.to_bits(), one.adopted.mean.to_bits());
        assert_eq!(
            other.adopted.std_dev.to_bits(),
            one.adopted.std_dev.to_bits()
        );
    }
    // The curve ends at the mean adoption and never decreases.
    let last = one.adoption_curve.last().unwrap();
    assert!((last.mean - one.adopted.mean).abs() < 1e-9);
    assert!(
        one.adoption_curve
            .windows(2)
            .all(|w| w[0].mean <= w[1].mean)
    );
    assert_eq!(one.adoption_curve[0].mean, 5.0);
}

#[test]
fn the_mean_of_a_star_matches_its_closed_form() {
    // Out-star of 20 leaves, p = 0.25: spread = 1 + Binomial(20, 0.25), so
    // mean 6 and standard deviation sqrt(20 x 0.25 x 0.75) = 1.936.
    let net = Network::from_arcs(21, (1..=20).map(|v| (0, v, 1.0))).unwrap();
    let ic = IndependentCascade::uniform(&net, 0.25).unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::Runs(40_000),
        master_seed: 3,
        ..EnsembleOptions::default()
    };
    let r = run_ensemble(&net, &ic, &[0], &options).unwrap();
    let se = 1.936 / (40_000f64).sqrt();
    assert!((r.adopted.mean - 6.0).abs() < 4.0 * se, "{:?}", r.adopted);
    // The sample sd estimates 1.936: its own standard error is about
    // sd / sqrt(2 n) = 0.0068.
    assert!(
        (r.adopted.std_dev - 1.936).abs() < 4.0 * 0.0068,
        "{:?}",
        r.adopted
    );
    assert!(r.adopted.ci_low < 6.0 + 4.0 * se && r.adopted.ci_high > 6.0 - 4.0 * se);
    assert_eq!(r.finished_runs, 40_000);
}

#[test]
fn a_half_width_budget_stops_when_the_interval_is_narrow_enough() {
    let net = Network::from_arcs(21, (1..=20).map(|v| (0, v, 1.0))).unwrap();
    let ic = IndependentCascade::uniform(&net, 0.25).unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::HalfWidth {
            target: 0.05,
            min_runs: 100,
            max_runs: 1_000_000,
        },
        master_seed: 5,
        ..EnsembleOptions::default()
    };
    let r = run_ensemble(&net, &ic, &[0], &options).unwrap();
    assert!(r.adopted.half_width() <= 0.05);
    // Needs about (1.96 x 1.936 / 0.05)^2 = 5,760 runs; rounds double.
    assert!(r.runs >= 4_000 && r.runs <= 20_000, "{}", r.runs);
    // Same with other thread counts.
    let again = run_ensemble(
        &net,
        &ic,
        &[0],
        &EnsembleOptions {
            threads: Some(3),
            ..options
        },
    )
    .unwrap();
    assert_eq!(again, r);
}

#[test]
fn bad_options_are_errors() {
    let net = Network::from_arcs(2, [(0, 1, 1.0)]).unwrap();
    let ic = IndependentCascade::uniform(&net, 0.5).unwrap();
    let bad = |options: EnsembleOptions| run_ensemble(&net, &ic, &[0], &options).is_err();
    assert!(bad(EnsembleOptions {
        batch_size: 0,
        ..EnsembleOptions::default()
    }));
    assert!(bad(EnsembleOptions {
        budget: RunBudget::Runs(0),
        ..EnsembleOptions::default()
    }));
    assert!(bad(EnsembleOptions {
        budget: RunBudget::HalfWidth {
            target: 0.0,
            min_runs: 1,
            max_runs: 10
        },
        ..EnsembleOptions::default()
    }));
    assert!(run_ensemble(&net, &ic, &[5], &EnsembleOptions::default()).is_err());
}

#[test]
fn kept_runs_are_each_run_in_order_and_agree_with_the_estimates() {
    let net = network();
    let ic = IndependentCascade::weighted_cascade(&net);
    let seeds = [0, 1, 2, 3, 4];
    let options = |threads, keep_runs| EnsembleOptions {
        budget: RunBudget::Runs(300),
        master_seed: 5,
        batch_size: 7,
        threads: Some(threads),
        keep_runs,
        ..EnsembleOptions::default()
    };
    let streamed = run_ensemble(&net, &ic, &seeds, &options(2, false)).unwrap();
    assert_eq!(streamed.per_run, None);
    let kept = run_ensemble(&net, &ic, &seeds, &options(2, true)).unwrap();
    let runs = kept.per_run.as_ref().expect("runs kept");
    assert_eq!(runs.len(), 300);
    // Keeping the runs changes no estimate.
    assert_eq!(kept.adopted, streamed.adopted);
    // Run i is the engine's run i, whatever the thread that made it.
    let mut sim = wom::propagation::Simulation::new(&net, &ic);
    for i in [0u64, 6, 7, 150, 299] {
        let alone = sim.run(&seeds, 5, i, &mut ()).unwrap();
        assert_eq!(runs[i as usize], alone, "run {i}");
    }
    let mean = runs.iter().map(|r| r.adopted as f64).sum::<f64>() / 300.0;
    assert!((mean - kept.adopted.mean).abs() < 1e-9 * mean);
    assert_eq!(
        run_ensemble(&net, &ic, &seeds, &options(1, true)).unwrap(),
        kept
    );
}

#[test]
fn ensembles_of_many_batches_are_merged_in_order_chunk_after_chunk() {
    // 700 batches of one run: more batches than are held at once, so the
    // batches are made and merged in several chunks.
    let net = network();
    let ic = IndependentCascade::weighted_cascade(&net);
    let options = |threads, batch_size| EnsembleOptions {
        budget: RunBudget::Runs(700),
        master_seed: 9,
        batch_size,
        threads: Some(threads),
        keep_runs: true,
        ..EnsembleOptions::default()
    };
    let one = run_ensemble(&net, &ic, &[0, 1], &options(1, 1)).unwrap();
    assert_eq!(
        run_ensemble(&net, &ic, &[0, 1], &options(2, 1)).unwrap(),
        one
    );
    // The same runs in one batch give the same kept runs and, up to the
    // rounding of a different merge tree, the same mean.
    let single = run_ensemble(&net, &ic, &[0, 1], &options(1, 700)).unwrap();
    assert_eq!(single.per_run, one.per_run);
    let exact = one
        .per_run
        .as_ref()
        .unwrap()
        .iter()
        .map(|r| r.adopted as f64)
        .sum::<f64>()
        / 700.0;
    assert!((one.adopted.mean - exact).abs() < 1e-9 * exact);
    assert!((single.adopted.mean - exact).abs() < 1e-9 * exact);
}

#[test]
fn an_estimate_of_no_runs_is_null_in_json_not_zero() {
    use wom::ensemble::Estimate;
    let none = Estimate::default();
    let text = serde_json::to_string(&none).unwrap();
    assert_eq!(
        text,
        r#"{"runs":0,"mean":null,"std_dev":null,"ci_low":null,"ci_high":null}"#
    );
    assert_eq!(serde_json::from_str::<Estimate>(&text).unwrap(), none);
    let some = Estimate {
        runs: 3,
        mean: 0.0,
        std_dev: 0.5,
        ci_low: -0.5,
        ci_high: 0.5,
    };
    let text = serde_json::to_string(&some).unwrap();
    assert!(text.contains(r#""mean":0.0"#), "{text}");
    assert_eq!(serde_json::from_str::<Estimate>(&text).unwrap(), some);
}

/// Progress moves within a batch: one batch of 1,000 runs reports every
/// `TICK_RUNS` runs (62 calls of 16, then the last 8), the counts add up to
/// the runs, for the lean ensemble and the KPI ensemble alike, and the
/// results are the same bits as without a callback.
#[test]
fn progress_moves_within_a_large_batch() {
    use std::sync::Mutex;
    use wom::ensemble::{Ensemble, TICK_RUNS};
    use wom::kpi::KpiSpec;
    assert_eq!(TICK_RUNS, 16);
    let net = network();
    let ic = IndependentCascade::uniform(&net, 0.1).unwrap();
    let options = EnsembleOptions {
        budget: RunBudget::Runs(1_000),
        batch_size: 1_000,
        threads: Some(2),
        ..EnsembleOptions::default()
    };
    let calls = Mutex::new(Vec::new());
    let progress = |k: u64| calls.lock().unwrap().push(k);
    let seeds = [0, 1, 2];
    let with = Ensemble::new(&net, &ic, &seeds)
        .options(options)
        .progress(&progress);
    let lean = with.run().unwrap();
    let mut want = vec![16; 62];
    want.push(8);
    assert_eq!(*calls.lock().unwrap(), want);
    calls.lock().unwrap().clear();
    let spec = KpiSpec::default();
    let report = with.kpis(&spec).unwrap();
    assert_eq!(*calls.lock().unwrap(), want);
    let without = Ensemble::new(&net, &ic, &seeds).options(options);
    assert_eq!(without.run().unwrap(), lean);
    assert_eq!(without.kpis(&spec).unwrap(), report);
}
