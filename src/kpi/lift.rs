//! What a campaign adds over its baseline: paired runs with common random
//! numbers, incremental adoptions and ROI, and the decomposition of the
//! campaign's value into expansion and acceleration (Libai, Muller &
//! Peres 2013).
//!
//! [`Ensemble::lift`] runs the campaign and a baseline (no seeds, organic
//! WOM only, or another campaign: any model, seeds and [`KpiSpec`] on the
//! same network) run by run: run `i` of both uses the generator of
//! `(master_seed, i)`, so the two runs of a pair share their random stream
//! (common random numbers). Each pair gives one difference per figure, and
//! the report's estimates are the mean of the paired differences with a
//! 95% interval from their spread. Where the two arms draw alike, the
//! differences vary far less than two independent runs would, and the
//! interval is narrower for the same runs;
//! [`LiftReport::variance_ratio`] says by how much.
//!
//! Per pair (c the campaign's run, b the baseline's), with each node's
//! first adoption step, sorted: t_c(1) ≤ ... ≤ t_c(N_c) and
//! t_b(1) ≤ ... ≤ t_b(N_b), and m = min(N_c, N_b):
//!
//! | figure | per pair |
//! |---|---|
//! | `incremental_adoption` | A_c − A_b (adopters, seeds included) |
//! | `incremental_return` | G_c − G_b (the return of [`KpiSpec::returns`]: adopters beyond the seeds) |
//! | `incremental_cost` | C_c − C_b |
//! | `incremental_roi` | (v (G_c − G_b) − (C_c − C_b)) / (C_c − C_b), given a value v per adoption; undefined when C_c ≤ C_b |
//! | `steps_gained` | (1/m) Σ_{k ≤ m} (t_b(k) − t_c(k)); undefined when m = 0 |
//! | `expansion` | Σ_{k > m} δ^{t_c(k)} − Σ_{k > m} δ^{t_b(k)} |
//! | `acceleration` | Σ_{k ≤ m} (δ^{t_c(k)} − δ^{t_b(k)}) |
//! | `social_value` | Σ_k δ^{t_c(k)} − Σ_k δ^{t_b(k)} = expansion + acceleration |
//!
//! with the discount factor per step δ = 1 / (1 + r) of
//! [`LiftOptions::discount_rate`] r. Expansion, acceleration and social
//! value are in discounted adoptions: multiplied by a value per adoption
//! they are the change in customer equity Libai, Muller and Peres call the
//! program's social value. With r = 0 nothing is gained by being early:
//! acceleration is 0 and expansion is the incremental adoption.
//!
//! Which customers "would have adopted anyway" is a counterfactual no run
//! observes. The split takes the campaign's first m adopters of a pair to
//! stand for the m customers the baseline has anyway (their earlier
//! adoption is acceleration) and the campaign's adopters beyond them as
//! expansion (negative when the campaign has fewer). It needs no node
//! identity, so it does not depend on how well the two runs of a pair stay
//! in step: the built-in models draw their coins in an order the seeds
//! change, so the two runs share their stream but not each node's coins.
//! Each arm alone is run exactly as [`Ensemble::kpis`] runs it (to the
//! bit); only the width of the paired intervals depends on the pairing.
//!
//! When not every adopter is the campaign's (a competition's rival), an
//! arm whose [`KpiSpec::returns`] is the quantity `adopted:<channel>` of a
//! model with that channel counts only the adoptions through that channel
//! as its adopters (A and the adoption steps above), as its return does.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
//! use wom::kpi::{Arm, KpiSpec, LiftOptions};
//! use wom::propagation::Bass;
//! use wom::propagation::bass::BassOptions;
//!
//! // Bass on a ring of 200: the campaign seeds 10 nodes, the baseline none.
//! let n = 200u32;
//! let net = Network::from_arcs(n as usize, (0..n).map(|v| (v, (v + 1) % n, 1.0)))?;
//! let bass = Bass::new(&net, BassOptions { p: 0.01, q: 0.2 })?;
//! let seeds: Vec<u32> = (0..10).map(|i| i * 20).collect();
//! let options = EnsembleOptions { budget: RunBudget::Runs(400), max_steps: 20, ..Default::default() };
//! let spec = KpiSpec::default();
//! let result = Ensemble::new(&net, &bass, &seeds)
//!     .options(options)
//!     .lift(&spec, Arm { model: &bass, seeds: &[], spec: &spec }, &LiftOptions::default())?;
//! let lift = &result.lift;
//! let added = lift.kpi("incremental_adoption").unwrap();
//! // The paired mean is the difference of the two arms' means.
//! let a = result.campaign.kpi("adoption").unwrap().mean;
//! let b = result.baseline.kpi("adoption").unwrap().mean;
//! assert!((added.mean - (a - b)).abs() < 1e-9);
//! assert!(added.ci_low > 0.0);
//! # Ok::<(), wom::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use super::{
    BaseKpi, Fold, Kpi, KpiBatch, KpiReport, KpiSpec, KpiWorker, Layout, ReportShape, Returns,
    ShardSink, fold_batches,
};
use crate::ChannelId;
use crate::ensemble::{Accumulate, Ensemble, EnsembleOptions, Moments, Tick, drive};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::propagation::Model;
use crate::propagation::kernel::EpochMarks;

/// The baseline of a paired ensemble: a model with its seeds and KPI spec,
/// run on the campaign's network with the campaign's ensemble options.
#[derive(Debug, Clone, Copy)]
pub struct Arm<'a, S: ?Sized> {
    /// The model (the campaign's own, or another).
    pub model: &'a S,
    /// Its seeds (none for an organic baseline).
    pub seeds: &'a [u32],
    /// Its target audience and economics (its seeding cost, in
    /// particular).
    pub spec: &'a KpiSpec,
}

/// Options of the lift's decomposition.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiftOptions {
    /// r, the discount rate per step: an adoption at step t is worth
    /// δ^t = (1 + r)^−t of one at step 0. Default 0 (no discounting).
    pub discount_rate: f64,
}

/// The most discount rate per step accepted: beyond it every adoption
/// after step 0 is worth less than 10^-3 of one at step 0.
const MAX_DISCOUNT_RATE: f64 = 1000.0;

impl LiftOptions {
    /// Checks the discount rate: finite, in [0, 1000].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `discount_rate`.
    pub fn validate(&self) -> Result<()> {
        let r = self.discount_rate;
        if !(0.0..=MAX_DISCOUNT_RATE).contains(&r) {
            return Err(Error::param(
                "discount_rate",
                r,
                format!("must be a finite rate per step in [0, {MAX_DISCOUNT_RATE}]"),
            ));
        }
        Ok(())
    }
}

/// The paired differences of a campaign over its baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiftReport {
    /// Pairs of runs.
    pub runs: u64,
    /// The discount rate per step of the decomposition.
    pub discount_rate: f64,
    /// The figures of the [module docs](self), each the mean of the paired
    /// differences with its 95% interval.
    pub kpis: Vec<Kpi>,
    /// How much pairing shrank the variance of `incremental_adoption`:
    /// (s_c² + s_b²) / s_d², the variance of the difference of two
    /// independent runs over that of the paired differences. Above 1 the
    /// pairing helped; `None` when the paired differences did not vary.
    pub variance_ratio: Option<f64>,
}

impl LiftReport {
    /// The estimate of the figure named `name` (`"incremental_adoption"`
    /// ...).
    pub fn kpi(&self, name: &str) -> Option<&crate::ensemble::Estimate> {
        self.kpis
            .iter()
            .find(|k| k.name == name)
            .map(|k| &k.estimate)
    }
}

impl std::fmt::Display for LiftReport {
    /// The paired differences as a table (mean, sd, 95% interval, pairs),
    /// then the variance ratio.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        super::kpi_table(f, &self.kpis)?;
        match self.variance_ratio {
            Some(r) => writeln!(
                f,
                "pairing on common random numbers: variance of incremental_adoption {} times \
                 smaller than from independent runs",
                super::number(r)
            ),
            None if self.runs < 2 => writeln!(
                f,
                "one pair of runs: no variance to compare with independent runs"
            ),
            None => writeln!(f, "incremental_adoption did not vary between pairs"),
        }
    }
}

/// A paired ensemble's reports: each arm's, as [`Ensemble::kpis`] gives
/// it, and their paired differences.
#[derive(Debug, Clone, PartialEq)]
pub struct LiftResult {
    /// The campaign's KPIs, the same bits as [`Ensemble::kpis`] gives.
    pub campaign: KpiReport,
    /// The baseline's KPIs.
    pub baseline: KpiReport,
    /// What the campaign added.
    pub lift: LiftReport,
}

/// The figures of a lift report, in order.
const FIGURES: [&str; 8] = [
    "incremental_adoption",
    "incremental_return",
    "incremental_cost",
    "incremental_roi",
    "steps_gained",
    "expansion",
    "acceleration",
    "social_value",
];

/// Statistics of a batch of paired runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PairBatch {
    campaign: KpiBatch,
    baseline: KpiBatch,
    lift: Vec<Moments>,
}

/// What the reports of paired runs need besides their statistics: both
/// arms' report shapes, the discount rate and the value of an adoption
/// (the latter two as the bits of their numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PairShape {
    campaign: ReportShape,
    baseline: ReportShape,
    #[serde(with = "crate::ensemble::bits")]
    discount_rate: f64,
    #[serde(with = "crate::ensemble::bits::option")]
    value: Option<f64>,
}

impl PairBatch {
    /// Whether both arms' statistics fit their shapes and the lift has
    /// its figures (a check of statistics read from a file).
    pub(crate) fn fits(&self, shape: &PairShape) -> bool {
        self.campaign.fits(&shape.campaign)
            && self.baseline.fits(&shape.baseline)
            && self.lift.len() == FIGURES.len() + 2
    }
}

impl PairShape {
    /// Both arms' reports and the paired differences of the runs in
    /// `total`.
    pub(crate) fn finish(&self, total: PairBatch) -> LiftResult {
        let value = self.value;
        let campaign_report = self.campaign.report(total.campaign);
        let baseline_report = self.baseline.report(total.baseline);
        let kpis: Vec<Kpi> = FIGURES
            .iter()
            .zip(&total.lift)
            .filter(|(name, _)| **name != "incremental_roi" || value.is_some())
            .map(|(name, m)| Kpi {
                name: (*name).to_string(),
                estimate: m.estimate(),
            })
            .collect();
        let sd = |k: usize| total.lift.get(k).map_or(0.0, |m| m.estimate().std_dev);
        let paired = sd(0);
        let variance_ratio = (paired > 0.0)
            .then(|| (sd(FIGURES.len()).powi(2) + sd(FIGURES.len() + 1).powi(2)) / paired.powi(2));
        LiftResult {
            lift: LiftReport {
                runs: campaign_report.runs,
                discount_rate: self.discount_rate,
                kpis,
                variance_ratio,
            },
            campaign: campaign_report,
            baseline: baseline_report,
        }
    }
}

impl Accumulate for PairBatch {
    fn merge(&mut self, o: PairBatch) {
        self.campaign.merge(o.campaign);
        self.baseline.merge(o.baseline);
        if self.lift.is_empty() {
            self.lift = o.lift;
        } else {
            for (a, b) in self.lift.iter_mut().zip(&o.lift) {
                a.merge(b);
            }
        }
    }
    fn runs(&self) -> u64 {
        self.campaign.runs()
    }
    // A half-width budget watches the campaign's adoption, as it would
    // without a baseline: the campaign's report does not depend on it.
    fn adoption_half_width(&self) -> f64 {
        self.campaign.adoption_half_width()
    }
}

/// Per-thread scratch of the comparison of two runs' adoption times.
struct Compare {
    /// Nodes already counted in the run being read.
    seen: EpochMarks,
    /// The first-adoption steps of the campaign's and the baseline's run,
    /// in order.
    campaign: Vec<u32>,
    baseline: Vec<u32>,
    /// δ = 1 / (1 + r).
    delta: f64,
}

impl Compare {
    fn new(n: usize, discount_rate: f64) -> Self {
        Compare {
            seen: EpochMarks::new(n),
            campaign: Vec::new(),
            baseline: Vec::new(),
            delta: 1.0 / (1.0 + discount_rate),
        }
    }

    fn worth(&self, step: u32) -> f64 {
        self.delta.powf(f64::from(step))
    }

    /// Each node's first adoption step, in order.
    fn first_steps(seen: &mut EpochMarks, adoptions: &[(u32, u32)], into: &mut Vec<u32>) {
        seen.next_epoch();
        into.clear();
        into.extend(
            adoptions
                .iter()
                .filter(|&&(v, _)| !seen.test_and_mark(v as usize))
                .map(|&(_, t)| t),
        );
        if !into.is_sorted() {
            into.sort_unstable();
        }
    }

    /// Steps gained, expansion, acceleration and social value of one pair
    /// of runs.
    fn pair(&mut self, c: &[(u32, u32)], b: &[(u32, u32)]) -> [f64; 4] {
        Self::first_steps(&mut self.seen, c, &mut self.campaign);
        Self::first_steps(&mut self.seen, b, &mut self.baseline);
        let (c, b) = (&self.campaign, &self.baseline);
        // The campaign's first m adopters stand for the m the baseline
        // would have had anyway.
        let m = c.len().min(b.len());
        let mut acceleration = 0.0;
        let mut gained_steps = 0.0;
        for (&tc, &tb) in c[..m].iter().zip(&b[..m]) {
            acceleration += self.worth(tc) - self.worth(tb);
            gained_steps += f64::from(tb) - f64::from(tc);
        }
        let beyond = |times: &[u32]| times[m..].iter().map(|&t| self.worth(t)).sum::<f64>();
        let expansion = beyond(c) - beyond(b);
        let steps_gained = if m == 0 {
            f64::NAN
        } else {
            gained_steps / m as f64
        };
        [
            steps_gained,
            expansion,
            acceleration,
            expansion + acceleration,
        ]
    }
}

impl<S: Model + Sync + ?Sized> Ensemble<'_, S> {
    /// Runs the campaign (this ensemble, measured by `spec`) and the
    /// `baseline` in pairs with common random numbers, and returns both
    /// arms' KPIs and the paired differences (see the [module
    /// docs](self)).
    ///
    /// The campaign's report is bit-identical to
    /// [`kpis`](Ensemble::kpis)`(spec)`, and the baseline's to its own
    /// ensemble's; a half-width budget watches the campaign's adoption.
    /// The baseline runs on this ensemble's network with its options
    /// (runs, master seed, steps).
    ///
    /// Complexity: the two arms' runs plus O(adopters of both) per pair;
    /// three marks of n slots per thread.
    ///
    /// # Errors
    /// Those of [`kpis`](Ensemble::kpis) for either arm (the baseline's
    /// seeds and spec included), and [`Error::InvalidParameter`] for a
    /// discount rate [`LiftOptions::validate`] refuses.
    pub fn lift<B: Model + Sync + ?Sized>(
        &self,
        spec: &KpiSpec,
        baseline: Arm<'_, B>,
        lift: &LiftOptions,
    ) -> Result<LiftResult> {
        let campaign = Prepared::new(self.network, self.model, self.seeds, spec, &self.options)?;
        let base = Prepared::new(
            self.network,
            baseline.model,
            baseline.seeds,
            baseline.spec,
            &self.options,
        )?;
        run_pair(&campaign, &base, lift, self.progress, self.shard)
    }
}

/// One arm of a paired ensemble, its model's type erased: what the paired
/// driver needs of it.
pub(crate) trait Side: Sync {
    /// A worker for one batch.
    fn worker(&self) -> Box<dyn SideRun + '_>;
    /// What the arm's report needs besides the runs' statistics.
    fn shape(&self) -> ReportShape;
    /// The arm's KPI spec.
    fn spec(&self) -> &KpiSpec;
    /// The ensemble options both arms run with.
    fn options(&self) -> &EnsembleOptions;
    /// The network.
    fn network(&self) -> &Network;
}

/// One batch's runs of one arm.
pub(crate) trait SideRun {
    /// Makes run `run`.
    fn run(&mut self, run: u64) -> Result<()>;
    /// The last run's adoption (the campaign's own adopters: see
    /// [`own_channel`]), return and cost.
    fn figures(&self) -> (f64, f64, f64);
    /// The last run's adoptions as (node, step).
    fn adoptions(&self) -> &[(u32, u32)];
    /// The statistics of the batch.
    fn finish(self: Box<Self>) -> KpiBatch;
}

impl<S: Model + ?Sized> SideRun for KpiWorker<'_, S> {
    fn run(&mut self, run: u64) -> Result<()> {
        KpiWorker::run(self, run)
    }
    fn figures(&self) -> (f64, f64, f64) {
        let (g, c) = self.returns_and_cost();
        let adopted = if self.obs.own.is_some() {
            // Every node adopts at most once: the recorded adoptions are
            // the own brand's adopters.
            self.adoptions().len() as f64
        } else {
            self.values()[BaseKpi::Adoption.index()]
        };
        (adopted, g, c)
    }
    fn adoptions(&self) -> &[(u32, u32)] {
        KpiWorker::adoptions(self)
    }
    fn finish(self: Box<Self>) -> KpiBatch {
        self.into_batch()
    }
}

/// A model with its seeds, spec, target and layout: an arm ready to run.
pub(crate) struct Prepared<'a, S: ?Sized> {
    network: &'a Network,
    model: &'a S,
    seeds: &'a [u32],
    spec: &'a KpiSpec,
    options: &'a EnsembleOptions,
    target: Vec<bool>,
    layout: Layout,
    own: Option<ChannelId>,
}

/// The channel of the campaign's own adopters when not every adopter is
/// the campaign's: a return counted by the quantity `adopted:<channel>`
/// of a model with that channel (brand A of a competition, whose seeds
/// and adoptions are reported through channel `brand_a`).
fn own_channel<S: Model + ?Sized>(model: &S, spec: &KpiSpec) -> Option<ChannelId> {
    let Returns::Quantity { name, .. } = &spec.returns else {
        return None;
    };
    let channel = name.strip_prefix("adopted:")?;
    let index = model.channel_names().iter().position(|c| c == channel)?;
    u16::try_from(index).ok().map(ChannelId)
}

impl<'a, S: Model + Sync + ?Sized> Prepared<'a, S> {
    /// Checks the arm (options, spec, target, seeds) as
    /// [`Ensemble::kpis`] does, and lays out its KPIs.
    pub(crate) fn new(
        network: &'a Network,
        model: &'a S,
        seeds: &'a [u32],
        spec: &'a KpiSpec,
        options: &'a EnsembleOptions,
    ) -> Result<Self> {
        spec.check()?;
        let target = spec.target.mask(network)?;
        let layout = Layout::new(network, model, spec)?;
        Ensemble::new(network, model, seeds)
            .options(*options)
            .check()?;
        Ok(Prepared {
            network,
            model,
            seeds,
            spec,
            options,
            target,
            layout,
            own: own_channel(model, spec),
        })
    }
}

impl<S: Model + Sync + ?Sized> Side for Prepared<'_, S> {
    fn worker(&self) -> Box<dyn SideRun + '_> {
        let mut worker = KpiWorker::new(
            self.network,
            self.model,
            self.seeds,
            self.spec,
            &self.target,
            &self.layout,
            self.options,
            true,
        );
        worker.record_only(self.own);
        Box::new(worker)
    }
    fn shape(&self) -> ReportShape {
        self.layout.shape(self.model, self.options)
    }
    fn spec(&self) -> &KpiSpec {
        self.spec
    }
    fn options(&self) -> &EnsembleOptions {
        self.options
    }
    fn network(&self) -> &Network {
        self.network
    }
}

/// Runs two arms in pairs (the options and network are the campaign's)
/// and reports both and their paired differences; with a shard, only its
/// batches, left in the sink.
pub(crate) fn run_pair(
    campaign: &dyn Side,
    baseline: &dyn Side,
    lift: &LiftOptions,
    progress: &crate::ensemble::Progress<'_>,
    shard: Option<&ShardSink>,
) -> Result<LiftResult> {
    lift.validate()?;
    let options = campaign.options();
    let n = campaign.network().node_count();
    let value = campaign.spec().value_per_adoption;
    let batch = |from, to, tick: &Tick<'_>| {
        let mut c = campaign.worker();
        let mut b = baseline.worker();
        let mut compare = Compare::new(n, lift.discount_rate);
        // The figures, then each arm's adoption (for the variance ratio).
        let mut figures = vec![Moments::default(); FIGURES.len() + 2];
        for run in from..to {
            c.run(run)?;
            b.run(run)?;
            let (ac, gc, cc) = c.figures();
            let (ab, gb, cb) = b.figures();
            let (dg, dc) = (gc - gb, cc - cb);
            let roi = match value {
                Some(v) if dc > 0.0 => (v * dg - dc) / dc,
                _ => f64::NAN,
            };
            let head = [ac - ab, dg, dc, roi];
            let tail = compare.pair(c.adoptions(), b.adoptions());
            let arms = [ac, ab];
            for (m, v) in figures
                .iter_mut()
                .zip(head.into_iter().chain(tail).chain(arms))
            {
                m.push(v);
            }
            tick.run_ended();
        }
        Ok(PairBatch {
            campaign: c.finish(),
            baseline: b.finish(),
            lift: figures,
        })
    };
    let shape = PairShape {
        campaign: campaign.shape(),
        baseline: baseline.shape(),
        discount_rate: lift.discount_rate,
        value,
    };
    let Some(sink) = shard else {
        let total: PairBatch = drive(options, progress, batch)?;
        return Ok(shape.finish(total));
    };
    let batches: Vec<PairBatch> = sink.drive(options, progress, batch)?;
    let result = shape.finish(fold_batches(&batches));
    sink.record(Fold::Paired { shape, batches })?;
    Ok(result)
}
