//! Per-step curves of a model's own quantities (`Curves::quantities`):
//! exact values of a model that counts its steps (fixed and random
//! horizons, a step limit, undefined values), the last point equal to the
//! KPI bit for bit, results unchanged by reading quantities between
//! steps, built-in models' bookkeeping identities per step, and the JSON
//! of reports with and without the curves.

use crate::common::{self, net};

use rand::Rng;
use wom::Network;
use wom::ensemble::{EnsembleOptions, Estimate, RunBudget, run_ensemble};
use wom::kpi::{BaseKpi, KpiReport, KpiSpec, NamedCurve, run_kpis};
use wom::propagation::valence::{ValenceCascade, ValenceOptions};
use wom::propagation::{
    Event, IndependentCascade, Model, Observer, StepOutcome, exposed_and_adopted,
};
use wom::rng::below;

const MASTER: u64 = 0x0C0F_FEE5;

/// How long a [`Clock`] runs.
#[derive(Debug, Clone, Copy)]
enum Horizon {
    /// This many steps in every run.
    Fixed(u32),
    /// A number of steps drawn uniformly from 1..=max at the start.
    Random(u32),
}

/// A model that only keeps time: the seeds adopt at step 0 and nothing
/// else happens; it finishes after its horizon. Its quantities after step
/// t are `elapsed` = t, `odd` = t when t is odd (undefined otherwise) and
/// `debt` = -2t.
#[derive(Debug, Clone)]
struct Clock(Horizon);

#[derive(Debug, Default)]
struct ClockState {
    step: u32,
    horizon: u32,
}

impl Model for Clock {
    type State = ClockState;

    fn name(&self) -> &str {
        "clock"
    }

    fn new_state(&self, _: &Network) -> ClockState {
        ClockState::default()
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _: &Network,
        state: &mut ClockState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.step = 0;
        state.horizon = match self.0 {
            Horizon::Fixed(h) => h,
            Horizon::Random(max) => 1 + below(rng, u64::from(max)) as u32,
        };
        for &s in seeds {
            exposed_and_adopted(observer, &Event::seed(s));
        }
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _: &Network,
        state: &mut ClockState,
        step: u32,
        _: &mut R,
        _: &mut O,
    ) -> StepOutcome {
        state.step = step;
        if step >= state.horizon {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }

    fn quantity_names(&self) -> Vec<String> {
        ["elapsed", "odd", "debt"].map(String::from).to_vec()
    }

    fn quantities(&self, state: &ClockState, out: &mut [f64]) {
        let t = f64::from(state.step);
        let odd = if state.step % 2 == 1 { t } else { f64::NAN };
        out.copy_from_slice(&[t, odd, -2.0 * t]);
    }
}

fn options(runs: u64) -> EnsembleOptions {
    EnsembleOptions {
        budget: RunBudget::Runs(runs),
        master_seed: MASTER,
        batch_size: 7,
        ..EnsembleOptions::default()
    }
}

fn curve<'a>(report: &'a KpiReport, name: &str) -> &'a [Estimate] {
    &report
        .curves
        .quantity(name)
        .unwrap_or_else(|| panic!("no curve {name}"))
        .points
}

/// An estimate of `runs` runs that all had `value`: zero-width band.
fn exact(runs: u64, value: f64) -> Estimate {
    Estimate {
        runs,
        mean: value,
        std_dev: 0.0,
        ci_low: value,
        ci_high: value,
    }
}

/// Mean and sample standard deviation of `xs`, by the textbook formula.
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, var.sqrt())
}

#[test]
fn a_deterministic_clock_gives_exact_curves_with_zero_width_bands() {
    let network = net(3, &[(0, 1)]);
    let r = run_kpis(
        &network,
        &Clock(Horizon::Fixed(5)),
        &[0, 2],
        &KpiSpec::default(),
        &options(30),
    )
    .unwrap();
    let names: Vec<&str> = r
        .curves
        .quantities
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["elapsed", "odd", "debt"]);
    // Steps 0..=5, like every other curve.
    assert_eq!(r.curves.adoption.len(), 6);
    for t in 0..6u32 {
        let t64 = f64::from(t);
        let i = t as usize;
        assert_eq!(curve(&r, "elapsed")[i], exact(30, t64), "step {t}");
        assert_eq!(curve(&r, "debt")[i], exact(30, -2.0 * t64), "step {t}");
        // Undefined at even steps: no run defines it.
        let odd = curve(&r, "odd")[i];
        if t % 2 == 1 {
            assert_eq!(odd, exact(30, t64), "step {t}");
        } else {
            assert_eq!(odd.runs, 0, "step {t}");
        }
    }
    // The last point is the KPI.
    for c in &r.curves.quantities {
        assert_eq!(c.points.last(), r.kpi(&c.name), "{}", c.name);
    }
    assert_eq!(r.kpi("elapsed"), Some(&exact(30, 5.0)));
}

#[test]
fn runs_that_end_early_keep_their_final_value() {
    let network = net(2, &[(0, 1)]);
    let model = Clock(Horizon::Random(4));
    let opts = EnsembleOptions {
        keep_runs: true,
        ..options(200)
    };
    let r = run_kpis(&network, &model, &[0], &KpiSpec::default(), &opts).unwrap();
    // Each run's horizon is its `steps` KPI.
    let steps = BaseKpi::Steps.index();
    let horizons: Vec<u32> = r
        .per_run
        .as_ref()
        .unwrap()
        .iter()
        .map(|run| run[steps].unwrap() as u32)
        .collect();
    assert_eq!(horizons.len(), 200);
    for h in 1..=4 {
        assert!(horizons.contains(&h), "the test needs horizon {h}");
    }
    let len = r.curves.adoption.len();
    assert_eq!(len, 5, "the longest run: 4 steps");
    for t in 0..len as u32 {
        let i = t as usize;
        // After its end a run stays at its last step.
        let levels: Vec<f64> = horizons.iter().map(|&h| f64::from(t.min(h))).collect();
        let (m, sd) = mean_sd(&levels);
        let e = curve(&r, "elapsed")[i];
        assert_eq!(e.runs, 200);
        assert!((e.mean - m).abs() < 1e-12, "step {t}: {} vs {m}", e.mean);
        assert!((e.std_dev - sd).abs() < 1e-12, "step {t}");
        assert!(t < 2 || e.std_dev > 0.0, "step {t}: random horizons");
        // `odd` is defined in the runs whose level is odd.
        let odd: Vec<f64> = levels.iter().copied().filter(|l| l % 2.0 == 1.0).collect();
        let o = curve(&r, "odd")[i];
        assert_eq!(o.runs as usize, odd.len(), "step {t}");
        if !odd.is_empty() {
            let m = odd.iter().sum::<f64>() / odd.len() as f64;
            assert!((o.mean - m).abs() < 1e-12, "step {t}: {} vs {m}", o.mean);
        }
    }
    // The last point is the KPI, bit for bit.
    for c in &r.curves.quantities {
        assert_eq!(c.points.last(), r.kpi(&c.name), "{}", c.name);
    }
}

#[test]
fn the_step_limit_ends_the_curves() {
    let network = net(2, &[(0, 1)]);
    let opts = EnsembleOptions {
        max_steps: 3,
        ..options(10)
    };
    let r = run_kpis(
        &network,
        &Clock(Horizon::Fixed(10)),
        &[0],
        &KpiSpec::default(),
        &opts,
    )
    .unwrap();
    assert_eq!(r.finished_runs, 0);
    let means: Vec<f64> = curve(&r, "elapsed").iter().map(|e| e.mean).collect();
    assert_eq!(means, [0.0, 1.0, 2.0, 3.0]);
}

/// A model that names a quantity and never writes it: undefined
/// everywhere.
#[derive(Debug, Clone)]
struct Silent(Clock);

impl Model for Silent {
    type State = ClockState;
    fn name(&self) -> &str {
        "silent"
    }
    fn new_state(&self, n: &Network) -> ClockState {
        self.0.new_state(n)
    }
    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        n: &Network,
        s: &mut ClockState,
        seeds: &[u32],
        rng: &mut R,
        o: &mut O,
    ) {
        self.0.start(n, s, seeds, rng, o);
    }
    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        n: &Network,
        s: &mut ClockState,
        step: u32,
        rng: &mut R,
        o: &mut O,
    ) -> StepOutcome {
        self.0.step(n, s, step, rng, o)
    }
    fn quantity_names(&self) -> Vec<String> {
        vec!["never".to_string()]
    }
}

#[test]
fn a_quantity_never_written_is_undefined_at_every_step() {
    let network = net(2, &[(0, 1)]);
    let model = Silent(Clock(Horizon::Fixed(3)));
    let r = run_kpis(&network, &model, &[0], &KpiSpec::default(), &options(5)).unwrap();
    let never = curve(&r, "never");
    assert_eq!(never.len(), 4);
    assert!(never.iter().all(|e| e.runs == 0));
    assert_eq!(r.kpi("never").unwrap().runs, 0);
    // In JSON its figures are null, and they read back.
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.contains(r#""runs":0,"mean":null"#));
    let back: KpiReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
}

#[test]
fn models_without_quantities_have_no_quantity_curves() {
    let network = net(4, &[(0, 1), (1, 2), (2, 3)]);
    let ic = IndependentCascade::uniform(&network, 0.5).unwrap();
    let r = run_kpis(&network, &ic, &[0], &KpiSpec::default(), &options(50)).unwrap();
    assert!(r.curves.quantities.is_empty());
    assert!(r.curves.quantity("anything").is_none());
}

#[test]
fn reading_quantities_between_steps_changes_no_result() {
    // The valence cascade draws at every step; its KPI ensemble reads the
    // quantities after every step, `run_ensemble` runs the engine's own
    // loop. Same draws, so the same figures, bit for bit.
    let network = common::marketing_network(300, 5);
    let model = ValenceCascade::new(&network, ValenceOptions::new(0.6, 0.3, 0.4)).unwrap();
    let seeds = [1u32, 20, 200];
    let opts = options(300);
    let r = run_kpis(&network, &model, &seeds, &KpiSpec::default(), &opts).unwrap();
    let e = run_ensemble(&network, &model, &seeds, &opts).unwrap();
    assert!(e.adopted.std_dev > 0.0, "the test needs random outcomes");
    assert_eq!(r.base(BaseKpi::Adoption), Some(&e.adopted));
    assert_eq!(r.base(BaseKpi::Reach), Some(&e.exposed));
    assert_eq!(r.base(BaseKpi::Steps), Some(&e.steps));
    assert_eq!(r.finished_runs, e.finished_runs);
    assert_eq!(r.curves.adoption, e.adoption_curve);
}

#[test]
fn valence_talkers_add_up_to_the_adopters_at_every_step() {
    let network = common::marketing_network(300, 5);
    let model = ValenceCascade::new(&network, ValenceOptions::new(0.6, 0.3, 0.4)).unwrap();
    let r = run_kpis(
        &network,
        &model,
        &[1, 20, 200],
        &KpiSpec::default(),
        &options(400),
    )
    .unwrap();
    let (pos, neg, net_sentiment) = (
        curve(&r, "positive_talkers"),
        curve(&r, "negative_talkers"),
        curve(&r, "net_sentiment"),
    );
    let len = r.curves.adoption.len();
    assert!(len > 3);
    assert!(neg[len - 1].mean > 0.0 && net_sentiment[len - 1].std_dev > 0.0);
    for t in 0..len {
        // Run by run, positive + negative = adopters and net = pos - neg,
        // so the means agree to rounding.
        let adopters = r.curves.adoption[t].mean;
        assert!(
            (pos[t].mean + neg[t].mean - adopters).abs() < 1e-9,
            "step {t}"
        );
        assert!((net_sentiment[t].mean - (pos[t].mean - neg[t].mean)).abs() < 1e-9);
        assert_eq!(pos[t].runs, r.runs);
    }
    // Step 0: the three seeds, each with its own experience.
    assert_eq!(r.curves.adoption[0], exact(r.runs, 3.0));
    assert!(pos[0].std_dev > 0.0 && (pos[0].mean + neg[0].mean - 3.0).abs() < 1e-12);
}

#[test]
fn a_campaign_reports_its_messages_per_channel_per_step() {
    let network = common::marketing_network(300, 23);
    let campaign = crate::kpi::marketing_campaign(&network);
    let r = run_kpis(
        &network,
        &campaign,
        &[5, 50, 150],
        &KpiSpec::default(),
        &options(200),
    )
    .unwrap();
    let names: Vec<String> = r.curves.quantities.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, campaign.quantity_names());
    for c in &r.curves.quantities {
        assert_eq!(c.points.len(), 13, "{}", c.name);
        // Messages so far: nothing before the first step, never fewer.
        assert_eq!(c.points[0], exact(r.runs, 0.0), "{}", c.name);
        assert!(
            c.points.windows(2).all(|w| w[1].mean >= w[0].mean),
            "{}",
            c.name
        );
        assert_eq!(c.points.last(), r.kpi(&c.name), "{}", c.name);
    }
    assert!(curve(&r, "messages:advertising")[12].mean > 0.0);
}

#[test]
fn reports_with_quantity_curves_survive_json_and_old_documents_still_parse() {
    let network = net(2, &[(0, 1)]);
    let r = run_kpis(
        &network,
        &Clock(Horizon::Random(4)),
        &[0],
        &KpiSpec::default(),
        &options(40),
    )
    .unwrap();
    let text = serde_json::to_string_pretty(&r).unwrap();
    let back: KpiReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);

    // A document written before the field existed: no `quantities` in its
    // curves. It reads, with no quantity curve and all else the same.
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let curves = doc["curves"].as_object_mut().unwrap();
    assert!(curves.remove("quantities").is_some());
    let old: KpiReport = serde_json::from_value(doc).unwrap();
    assert!(old.curves.quantities.is_empty());
    assert_eq!(
        KpiReport {
            curves: wom::kpi::Curves {
                quantities: r.curves.quantities.clone(),
                ..old.curves.clone()
            },
            ..old
        },
        r
    );
}

#[test]
fn quantity_curves_are_bit_identical_whatever_the_threads() {
    let network = net(2, &[(0, 1)]);
    let run = |threads| {
        let opts = EnsembleOptions {
            threads,
            ..options(500)
        };
        run_kpis(
            &network,
            &Clock(Horizon::Random(6)),
            &[0],
            &KpiSpec::default(),
            &opts,
        )
        .unwrap()
    };
    let one = run(Some(1));
    for threads in [Some(3), None] {
        let other = run(threads);
        for (a, b) in one.curves.quantities.iter().zip(&other.curves.quantities) {
            let bits = |c: &NamedCurve| -> Vec<(u64, u64, u64)> {
                c.points
                    .iter()
                    .map(|e| (e.runs, e.mean.to_bits(), e.std_dev.to_bits()))
                    .collect()
            };
            assert_eq!(bits(a), bits(b), "{} with {threads:?} threads", a.name);
        }
    }
}
