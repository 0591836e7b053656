//! Monte Carlo ensembles: many runs of a model in parallel, with every
//! result reported as a mean, a standard deviation and a 95% confidence
//! interval.
//!
//! Runs are grouped in fixed batches of [`EnsembleOptions::batch_size`]
//! consecutive run indices. Each batch runs on one thread with its own
//! engine, keeps streaming statistics (Welford 1962) of its runs, and the
//! batches' statistics are merged in batch order (Chan, Golub & LeVeque
//! 1979). Because run `i` always uses the generator of `(master_seed, i)`
//! and the merge order is fixed, the result is bit-identical whatever the
//! number of threads or the order in which rayon schedules the batches.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::ensemble::{EnsembleOptions, RunBudget, run_ensemble};
//! use wom::propagation::IndependentCascade;
//!
//! // An out-star of 10 leaves with p = 0.3: E[spread] = 1 + 10 x 0.3 = 4.
//! let net = Network::from_arcs(11, (1..=10).map(|v| (0, v, 1.0)))?;
//! let ic = IndependentCascade::uniform(&net, 0.3)?;
//! let options = EnsembleOptions { budget: RunBudget::Runs(20_000), ..EnsembleOptions::default() };
//! let result = run_ensemble(&net, &ic, &[0], &options)?;
//! assert!((result.adopted.mean - 4.0).abs() < 4.0 * result.adopted.std_error());
//! # Ok::<(), wom::Error>(())
//! ```

use std::fmt;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::Network;
use crate::propagation::{Model, Observer, RunOutcome, Simulation};

/// The 0.975 quantile of the standard normal distribution.
const Z975: f64 = 1.959_963_984_540_054;

/// How many runs an ensemble makes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RunBudget {
    /// Exactly this many runs.
    Runs(u64),
    /// Runs in rounds of batches until the 95% confidence interval of the
    /// mean adoption has at most this half-width (in nodes), with at least
    /// `min_runs` and at most `max_runs` runs.
    HalfWidth {
        /// The target half-width of the adoption's 95% interval.
        target: f64,
        /// Runs made before the interval is first looked at.
        min_runs: u64,
        /// Runs after which the ensemble stops whatever the interval.
        max_runs: u64,
    },
}

/// Options of an ensemble.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EnsembleOptions {
    /// How many runs.
    pub budget: RunBudget,
    /// The master seed: run `i` uses the generator of `(master_seed, i)`.
    pub master_seed: u64,
    /// Consecutive runs per batch (the unit of parallel work).
    pub batch_size: u64,
    /// Worker threads; `None` uses rayon's global pool.
    pub threads: Option<usize>,
    /// The step limit of each run.
    pub max_steps: u32,
    /// Keep every run's figures in the result, in run order, besides the
    /// streaming statistics (memory grows with the runs). Default `false`.
    pub keep_runs: bool,
}

/// The most worker threads an ensemble may ask for: more than any machine
/// has cores, few enough that a typo cannot exhaust the system.
pub const MAX_THREADS: usize = 1024;

impl EnsembleOptions {
    /// Checks the options: at least one run (a positive, finite half-width
    /// target with `0 < min_runs <= max_runs`), batches of at least one
    /// run, a step limit of at least one, and 1 to [`MAX_THREADS`]
    /// threads. Every ensemble and scenario calls it; this is the one
    /// place these rules live.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the field (`batch_size`,
    /// `budget.runs`, `budget.half_width.target`, `budget.half_width`,
    /// `max_steps`, `threads`).
    pub fn validate(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(Error::param("batch_size", 0, "must be at least 1"));
        }
        match self.budget {
            RunBudget::Runs(0) => {
                return Err(Error::param("budget.runs", 0, "must be at least 1"));
            }
            RunBudget::Runs(_) => {}
            RunBudget::HalfWidth {
                target,
                min_runs,
                max_runs,
            } => {
                if !(target.is_finite() && target > 0.0) {
                    return Err(Error::param(
                        "budget.half_width.target",
                        target,
                        "must be a positive number",
                    ));
                }
                if max_runs == 0 || min_runs > max_runs {
                    return Err(Error::param(
                        "budget.half_width",
                        format!("min_runs {min_runs}, max_runs {max_runs}"),
                        "needs 0 < min_runs <= max_runs",
                    ));
                }
            }
        }
        if self.max_steps == 0 {
            return Err(Error::param("max_steps", 0, "must be at least 1"));
        }
        if let Some(t) = self.threads
            && !(1..=MAX_THREADS).contains(&t)
        {
            return Err(Error::param(
                "threads",
                t,
                format!("must be in [1, {MAX_THREADS}]"),
            ));
        }
        Ok(())
    }
}

impl Default for EnsembleOptions {
    /// 1,000 runs, master seed 0, batches of 64, rayon's pool, the engine's
    /// default step limit, runs not kept.
    fn default() -> Self {
        EnsembleOptions {
            budget: RunBudget::Runs(1_000),
            master_seed: 0,
            batch_size: 64,
            threads: None,
            max_steps: crate::propagation::DEFAULT_MAX_STEPS,
            keep_runs: false,
        }
    }
}

/// A quantity's distribution over the runs: mean, standard deviation and
/// the 95% confidence interval of the mean (normal approximation,
/// `mean ± 1.96 sd / sqrt(n)`).
///
/// In JSON, an estimate of no runs (a quantity no run defined) has `null`
/// for its mean, standard deviation and interval, not a made-up 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(into = "EstimateDoc", from = "EstimateDoc")]
pub struct Estimate {
    /// Number of runs.
    pub runs: u64,
    /// Mean over the runs.
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator).
    pub std_dev: f64,
    /// Lower end of the 95% interval of the mean.
    pub ci_low: f64,
    /// Upper end of the 95% interval of the mean.
    pub ci_high: f64,
}

/// An [`Estimate`] as a document: `null` figures when no run defined it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EstimateDoc {
    runs: u64,
    mean: Option<f64>,
    std_dev: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
}

impl From<Estimate> for EstimateDoc {
    fn from(e: Estimate) -> Self {
        let figure = |x: f64| (e.runs > 0).then_some(x);
        EstimateDoc {
            runs: e.runs,
            mean: figure(e.mean),
            std_dev: figure(e.std_dev),
            ci_low: figure(e.ci_low),
            ci_high: figure(e.ci_high),
        }
    }
}

impl From<EstimateDoc> for Estimate {
    fn from(d: EstimateDoc) -> Self {
        Estimate {
            runs: d.runs,
            mean: d.mean.unwrap_or(0.0),
            std_dev: d.std_dev.unwrap_or(0.0),
            ci_low: d.ci_low.unwrap_or(0.0),
            ci_high: d.ci_high.unwrap_or(0.0),
        }
    }
}

impl Estimate {
    /// The standard error of the mean, `sd / sqrt(n)`.
    pub fn std_error(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            self.std_dev / (self.runs as f64).sqrt()
        }
    }

    /// The half-width of the 95% interval.
    pub fn half_width(&self) -> f64 {
        Z975 * self.std_error()
    }
}

/// Streaming mean and variance (Welford), mergeable (Chan et al.).
///
/// In a shard part (`scenario::ShardPart`) it is written as `[n, mean,
/// m2]` with the two figures as the bits of their `f64`, so that every
/// value (an infinity, a NaN) reads back to the same bits.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(into = "[u64; 3]", from = "[u64; 3]")]
pub(crate) struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl From<Moments> for [u64; 3] {
    fn from(m: Moments) -> Self {
        [m.n, m.mean.to_bits(), m.m2.to_bits()]
    }
}

impl From<[u64; 3]> for Moments {
    fn from([n, mean, m2]: [u64; 3]) -> Self {
        Moments {
            n,
            mean: f64::from_bits(mean),
            m2: f64::from_bits(m2),
        }
    }
}

/// Serde of `f64` figures as the bits of the number (a `u64`), for the
/// statistics of shard parts: exact for every value, infinities and NaN
/// included, whatever the JSON reader's float parsing.
pub(crate) mod bits {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `x` as its bits.
    pub(crate) fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        x.to_bits().serialize(s)
    }

    /// Reads a number written by [`serialize`].
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        u64::deserialize(d).map(f64::from_bits)
    }

    /// Serde of an optional `f64` as the bits of the number.
    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        /// Writes `x` as its bits, or `null`.
        pub(crate) fn serialize<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
            x.map(f64::to_bits).serialize(s)
        }

        /// Reads a value written by [`serialize`].
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<f64>, D::Error> {
            Option::<u64>::deserialize(d).map(|b| b.map(f64::from_bits))
        }
    }

    /// Serde of rows of optional `f64` (runs' kept values) as bits.
    pub(crate) mod rows {
        use serde::{Deserialize, Deserializer, Serialize, Serializer};

        /// Writes every value as its bits, `null` for `None`.
        pub(crate) fn serialize<S: Serializer>(
            rows: &[Vec<Option<f64>>],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            let as_bits: Vec<Vec<Option<u64>>> = rows
                .iter()
                .map(|r| r.iter().map(|x| x.map(f64::to_bits)).collect())
                .collect();
            as_bits.serialize(s)
        }

        /// Reads rows written by [`serialize`].
        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<Vec<Option<f64>>>, D::Error> {
            let as_bits = Vec::<Vec<Option<u64>>>::deserialize(d)?;
            Ok(as_bits
                .into_iter()
                .map(|r| r.into_iter().map(|x| x.map(f64::from_bits)).collect())
                .collect())
        }
    }
}

impl Moments {
    /// Runs seen.
    pub(crate) fn count(&self) -> u64 {
        self.n
    }

    /// Adds one run's value; a NaN (undefined in that run) is left out.
    pub(crate) fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// The moments of `n` values of mean `mean` whose squared deviations
    /// from it sum to `m2`.
    pub(crate) fn from_parts(n: u64, mean: f64, m2: f64) -> Moments {
        Moments { n, mean, m2 }
    }

    pub(crate) fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64 * o.n as f64 / n as f64);
        self.n = n;
    }

    pub(crate) fn estimate(&self) -> Estimate {
        let sd = if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).max(0.0).sqrt()
        } else {
            0.0
        };
        let half = if self.n > 0 {
            Z975 * sd / (self.n as f64).sqrt()
        } else {
            0.0
        };
        Estimate {
            runs: self.n,
            mean: self.mean,
            std_dev: sd,
            ci_low: self.mean - half,
            ci_high: self.mean + half,
        }
    }
}

/// Per-step adoption counts of one run, for the curves.
#[derive(Debug, Default)]
struct Curve(Vec<u64>);

impl Observer for Curve {
    fn step_begins(&mut self, step: u32) {
        if step == 0 {
            self.0.clear();
        }
    }
    fn adopted(&mut self, e: &crate::propagation::Event) {
        bump(&mut self.0, e.step);
    }
    fn step_ends(&mut self, step: u32) {
        pad_through(&mut self.0, step);
    }
}

/// Adds one to `counts[step]`, growing the vector as needed.
#[inline]
pub(crate) fn bump(counts: &mut Vec<u64>, step: u32) {
    let i = step as usize;
    if counts.len() <= i {
        counts.resize(i + 1, 0);
    }
    counts[i] += 1;
}

/// Pads per-step counts with zeros through `step`: a step without events is
/// still a point of the curve.
#[inline]
pub(crate) fn pad_through(counts: &mut Vec<u64>, step: u32) {
    let len = step as usize + 1;
    if counts.len() < len {
        counts.resize(len, 0);
    }
}

/// The most points a curve of an ensemble holds: steps 0 to 10,000.
///
/// A run's KPIs (adoption, reach, steps, cost ...) count every step up to
/// `max_steps`; its curves stop at step 10,000. Diffusions on social
/// networks end in tens or hundreds of steps, so the cap touches only runs
/// that do not end (an SIS model above its threshold, a model that keeps
/// talking) or that step in very small time units; without it, such a run
/// to the default step limit of a million made every curve a million points
/// long (a 3-node SIS of 8 runs held 790 MB and wrote a 620 MB results
/// document). Curves of runs that end by step 10,000 are unchanged.
pub const MAX_CURVE_POINTS: usize = 10_001;

/// Streaming moments of a cumulative per-step curve over runs. A run that
/// ended before the longest run keeps its final value for the later steps,
/// so the moments of those points equal those of its last point; curves of
/// different lengths therefore pad with their last point. At most
/// [`MAX_CURVE_POINTS`] points are kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct CurveMoments {
    points: Vec<Moments>,
    runs: u64,
}

impl CurveMoments {
    /// Adds one run, given its new counts per step (not cumulative); summed
    /// in place, without a per-run vector.
    pub(crate) fn push_run(&mut self, per_step: &[u64]) {
        // A run that counted nothing is a run of zeros.
        let per_step = if per_step.is_empty() { &[0] } else { per_step };
        let per_step = &per_step[..per_step.len().min(MAX_CURVE_POINTS)];
        let len = self.points.len().max(per_step.len());
        if self.runs == 0 {
            self.points.resize(len, Moments::default());
        } else {
            extend_curve(&mut self.points, len);
        }
        self.runs += 1;
        let mut cumulative = 0u64;
        for (i, m) in self.points.iter_mut().enumerate() {
            if let Some(&k) = per_step.get(i) {
                cumulative += k;
            }
            m.push(cumulative as f64);
        }
    }

    /// Adds one run, given its level after each step (a value, not a count
    /// to accumulate). A run shorter than the curve keeps its last level
    /// for the later steps; a NaN level (undefined at that step) is left
    /// out of that step's moments, and a run whose last level is NaN stays
    /// out of every later step. A run with no level is one NaN.
    pub(crate) fn push_levels(&mut self, levels: &[f64]) {
        let levels = if levels.is_empty() {
            &[f64::NAN]
        } else {
            &levels[..levels.len().min(MAX_CURVE_POINTS)]
        };
        let len = self.points.len().max(levels.len());
        if self.runs == 0 {
            self.points.resize(len, Moments::default());
        } else {
            extend_curve(&mut self.points, len);
        }
        self.runs += 1;
        let last = levels[levels.len() - 1];
        for (i, m) in self.points.iter_mut().enumerate() {
            m.push(levels.get(i).copied().unwrap_or(last));
        }
    }

    /// Adds the runs of `other` (which come after this one's).
    pub(crate) fn merge(&mut self, other: &CurveMoments) {
        if other.runs == 0 {
            return;
        }
        if self.runs == 0 {
            *self = other.clone();
            return;
        }
        let len = self.points.len().max(other.points.len());
        extend_curve(&mut self.points, len);
        let mut o = other.points.clone();
        extend_curve(&mut o, len);
        for (a, b) in self.points.iter_mut().zip(&o) {
            a.merge(b);
        }
        self.runs += other.runs;
    }

    /// The curve padded to `len` points, as estimates.
    pub(crate) fn estimates(&self, len: usize) -> Vec<Estimate> {
        let mut points = self.points.clone();
        extend_curve(&mut points, len);
        points.iter().map(Moments::estimate).collect()
    }

    /// Points in the curve (steps of the longest run + 1).
    pub(crate) fn len(&self) -> usize {
        self.points.len()
    }
}

/// Pads a curve of moments to `len` points: runs that ended keep their last
/// cumulative value, whose moments are those of the last point.
fn extend_curve(curve: &mut Vec<Moments>, len: usize) {
    if let Some(&last) = curve.last() {
        curve.resize(len, last);
    }
}

/// The statistics of a batch of runs, mergeable in batch order.
pub(crate) trait Accumulate: Default + Send {
    /// Adds the runs of `other`, which come after this one's.
    fn merge(&mut self, other: Self);
    /// Runs accumulated.
    fn runs(&self) -> u64;
    /// The half-width of the mean adoption's 95% interval, which a
    /// [`RunBudget::HalfWidth`] budget watches.
    fn adoption_half_width(&self) -> f64;
}

/// A callback told how many runs have just ended (called from worker
/// threads, every [`TICK_RUNS`] runs within a batch and at its end, so
/// that it moves within a batch of any size).
pub type Progress<'a> = dyn Fn(u64) + Sync + 'a;

/// Runs between two calls of a [`Progress`] callback within a batch.
pub const TICK_RUNS: u64 = 16;

/// Tells a [`Progress`] callback of the runs of one batch as they end,
/// [`TICK_RUNS`] at a time; the driver reports the rest when the batch
/// ends.
pub(crate) struct Tick<'a> {
    progress: &'a Progress<'a>,
    pending: std::cell::Cell<u64>,
    reported: std::cell::Cell<u64>,
}

impl<'a> Tick<'a> {
    fn new(progress: &'a Progress<'a>) -> Self {
        Tick {
            progress,
            pending: std::cell::Cell::new(0),
            reported: std::cell::Cell::new(0),
        }
    }

    /// One run of the batch has ended.
    pub(crate) fn run_ended(&self) {
        let pending = self.pending.get() + 1;
        if pending >= TICK_RUNS {
            (self.progress)(pending);
            self.reported.set(self.reported.get() + pending);
            self.pending.set(0);
        } else {
            self.pending.set(pending);
        }
    }

    /// Runs `batch` over `lo..hi` and reports what it has not yet.
    fn batch<A>(
        progress: &'a Progress<'a>,
        lo: u64,
        hi: u64,
        batch: &impl Fn(u64, u64, &Tick<'_>) -> Result<A>,
    ) -> Result<A> {
        let tick = Tick::new(progress);
        let result = batch(lo, hi, &tick);
        let rest = (hi - lo).saturating_sub(tick.reported.get());
        if rest > 0 {
            progress(rest);
        }
        result
    }
}

/// Statistics of a set of runs.
#[derive(Debug, Clone, Default)]
struct Batch {
    adopted: Moments,
    exposed: Moments,
    steps: Moments,
    finished: u64,
    /// Cumulative adoption after each step.
    curve: CurveMoments,
    /// Every run's outcome, when kept.
    kept: Vec<RunOutcome>,
}

impl Accumulate for Batch {
    fn merge(&mut self, o: Batch) {
        self.adopted.merge(&o.adopted);
        self.exposed.merge(&o.exposed);
        self.steps.merge(&o.steps);
        self.finished += o.finished;
        self.curve.merge(&o.curve);
        self.kept.extend(o.kept);
    }
    fn runs(&self) -> u64 {
        self.adopted.n
    }
    fn adoption_half_width(&self) -> f64 {
        self.adopted.estimate().half_width()
    }
}

/// Batches run in parallel before their statistics are merged: the most
/// batch statistics held at once.
const CHUNK_BATCHES: u64 = 256;

/// Runs the batches the budget asks for, in parallel on the pool the
/// options name, and merges them in batch order. `batch(from, to, tick)`
/// runs the run indices `from..to`, calling `tick.run_ended()` after each.
///
/// `progress` is called, from worker threads, with the number of runs
/// that have ended: every [`TICK_RUNS`] runs of a batch and at its end.
pub(crate) fn drive<A, F>(options: &EnsembleOptions, progress: &Progress<'_>, batch: F) -> Result<A>
where
    A: Accumulate,
    F: Fn(u64, u64, &Tick<'_>) -> Result<A> + Sync,
{
    options.validate()?;
    on_pool(options, || drive_batches(options, progress, &batch))
}

/// Calls `work` on the pool the options name: rayon's global pool, or one
/// of `options.threads` threads.
fn on_pool<T: Send>(
    options: &EnsembleOptions,
    work: impl FnOnce() -> Result<T> + Send,
) -> Result<T> {
    match options.threads {
        None => work(),
        Some(t) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| Error::param("threads", t, e.to_string()))?;
            pool.install(work)
        }
    }
}

/// The batches of a run count of `runs` in batches of `batch_size`: the
/// last may be short.
pub(crate) fn batch_count(runs: u64, batch_size: u64) -> u64 {
    runs.div_ceil(batch_size.max(1))
}

/// Runs batches `batches` (batch indices) of a [`RunBudget::Runs`] budget
/// of `runs` runs, in parallel on the pool the options name, and returns
/// each batch's statistics in batch order, unmerged: a shard of a study,
/// whose batches a merge folds in order with every other shard's exactly
/// as [`drive`] folds them.
pub(crate) fn drive_shard<A, F>(
    options: &EnsembleOptions,
    progress: &Progress<'_>,
    runs: u64,
    batches: std::ops::Range<u64>,
    batch: F,
) -> Result<Vec<A>>
where
    A: Accumulate,
    F: Fn(u64, u64, &Tick<'_>) -> Result<A> + Sync,
{
    options.validate()?;
    on_pool(options, || {
        let mut out = Vec::new();
        in_chunks(options, progress, batches, runs, &batch, |one| {
            out.push(one);
            Ok(())
        })?;
        Ok(out)
    })
}

/// Runs batches `batches` (batch indices; the last run is `runs - 1`) in
/// parallel, a chunk of [`CHUNK_BATCHES`] at a time, and hands each batch's
/// statistics to `sink` in batch order: memory stays bounded by the chunk
/// whatever the number of runs, and the order (hence every bit of a fold)
/// does not depend on the threads or on the chunk size.
fn in_chunks<A, F>(
    options: &EnsembleOptions,
    progress: &Progress<'_>,
    batches: std::ops::Range<u64>,
    runs: u64,
    batch: &F,
    mut sink: impl FnMut(A) -> Result<()>,
) -> Result<()>
where
    A: Accumulate,
    F: Fn(u64, u64, &Tick<'_>) -> Result<A> + Sync,
{
    let b = options.batch_size;
    let mut start = batches.start;
    while start < batches.end {
        let end = start.saturating_add(CHUNK_BATCHES).min(batches.end);
        let chunk: Vec<Result<A>> = (start..end)
            .into_par_iter()
            .map(|k| {
                let lo = k.saturating_mul(b);
                let hi = k.saturating_add(1).saturating_mul(b).min(runs);
                Tick::batch(progress, lo, hi, batch)
            })
            .collect();
        for one in chunk {
            sink(one?)?;
        }
        start = end;
    }
    Ok(())
}

fn drive_batches<A, F>(options: &EnsembleOptions, progress: &Progress<'_>, batch: &F) -> Result<A>
where
    A: Accumulate,
    F: Fn(u64, u64, &Tick<'_>) -> Result<A> + Sync,
{
    let b = options.batch_size;
    // Batches are merged in batch order as they come (`in_chunks`).
    let run_batches = |from: u64, to: u64, total: &mut A| -> Result<()> {
        let batches = from.div_ceil(b)..to.div_ceil(b);
        in_chunks(options, progress, batches, to, batch, |one| {
            total.merge(one);
            Ok(())
        })
    };
    let mut total = A::default();
    match options.budget {
        RunBudget::Runs(n) => run_batches(0, n, &mut total)?,
        RunBudget::HalfWidth {
            target,
            min_runs,
            max_runs,
        } => {
            // Rounds end on batch boundaries, so the runs made depend only
            // on the results, not on the threads.
            let mut done = 0;
            let mut next = min_runs.max(1).div_ceil(b).saturating_mul(b);
            loop {
                let to = next.min(max_runs);
                run_batches(done, to, &mut total)?;
                done = to;
                if done >= max_runs || total.adoption_half_width() <= target {
                    break;
                }
                next = done.saturating_add(done.max(b));
            }
        }
    }
    Ok(total)
}

/// The result of an ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnsembleResult {
    /// The model's name.
    pub model: String,
    /// Runs made.
    pub runs: u64,
    /// The master seed.
    pub master_seed: u64,
    /// Nodes that adopted, seeds included.
    pub adopted: Estimate,
    /// Nodes exposed, seeds included.
    pub exposed: Estimate,
    /// Steps per run.
    pub steps: Estimate,
    /// Runs that ended on their own (not at the step limit).
    pub finished_runs: u64,
    /// Mean cumulative adoption after each step (step 0 = seeds), with its
    /// interval as a band.
    pub adoption_curve: Vec<Estimate>,
    /// Every run's outcome in run order, when
    /// [`keep_runs`](EnsembleOptions::keep_runs) asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_run: Option<Vec<RunOutcome>>,
}

/// One ensemble: a model on a network from given seeds, run as its
/// options say. The one entry point for Monte Carlo runs: [`run`] gives
/// the lean summary (adoption, exposure, steps, the adoption curve),
/// [`kpis`] every marketing KPI ([`crate::kpi`]); a progress callback is
/// an option of the ensemble, not a second function.
///
/// [`run`]: Ensemble::run
/// [`kpis`]: Ensemble::kpis
///
/// # Example
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use wom::Network;
/// use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
/// use wom::kpi::{BaseKpi, KpiSpec};
/// use wom::propagation::IndependentCascade;
///
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let ic = IndependentCascade::uniform(&net, 1.0)?;
/// let done = AtomicU64::new(0);
/// let count = |runs: u64| {
///     done.fetch_add(runs, Ordering::Relaxed);
/// };
/// let ensemble = Ensemble::new(&net, &ic, &[0])
///     .options(EnsembleOptions { budget: RunBudget::Runs(100), ..Default::default() })
///     .progress(&count);
/// assert_eq!(ensemble.run()?.adopted.mean, 3.0);
/// let report = ensemble.kpis(&KpiSpec::default())?;
/// assert_eq!(report.base(BaseKpi::CascadeDepth).unwrap().mean, 2.0);
/// assert_eq!(done.load(Ordering::Relaxed), 200);
/// # Ok::<(), wom::Error>(())
/// ```
pub struct Ensemble<'a, S: ?Sized> {
    pub(crate) network: &'a Network,
    pub(crate) model: &'a S,
    pub(crate) seeds: &'a [u32],
    pub(crate) options: EnsembleOptions,
    pub(crate) progress: &'a Progress<'a>,
    /// A shard of a scenario's runs: only its batches run, and their
    /// statistics are left here for its part file.
    pub(crate) shard: Option<&'a crate::kpi::ShardSink>,
}

impl<S: ?Sized> fmt::Debug for Ensemble<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ensemble")
            .field("network", &self.network.id())
            .field("seeds", &self.seeds.len())
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<'a, S: Model + Sync + ?Sized> Ensemble<'a, S> {
    /// An ensemble of `model` on `network` from `seeds` (internal
    /// indices), with the default options and no progress callback.
    pub fn new(network: &'a Network, model: &'a S, seeds: &'a [u32]) -> Self {
        Ensemble {
            network,
            model,
            seeds,
            options: EnsembleOptions::default(),
            progress: &|_| {},
            shard: None,
        }
    }

    /// The ensemble with these options.
    #[must_use]
    pub fn options(mut self, options: EnsembleOptions) -> Self {
        self.options = options;
        self
    }

    /// The ensemble telling `progress` how many runs each batch made as it
    /// ends (from worker threads; sum them for a progress bar).
    #[must_use]
    pub fn progress(mut self, progress: &'a Progress<'a>) -> Self {
        self.progress = progress;
        self
    }

    /// The ensemble running only the batches of `shard`, when given.
    pub(crate) fn shard(mut self, shard: Option<&'a crate::kpi::ShardSink>) -> Self {
        self.shard = shard;
        self
    }

    /// Checks the options, then the seeds and network with the engine's own
    /// message on run 0, before any batch starts.
    pub(crate) fn check(&self) -> Result<()> {
        self.options.validate()?;
        Simulation::new(self.network, self.model).start(
            self.seeds,
            self.options.master_seed,
            0,
            &mut (),
        )
    }

    /// Runs the ensemble and returns adoption, exposure and steps with
    /// their uncertainty, and the mean adoption curve.
    ///
    /// Complexity: the runs' cost, spread over the threads; O(T) extra
    /// memory per batch for a curve of T steps.
    ///
    /// # Errors
    /// The engine's errors (seeds, network); [`Error::InvalidParameter`]
    /// for options that [`EnsembleOptions::validate`] refuses, or a thread
    /// pool that cannot be built.
    pub fn run(&self) -> Result<EnsembleResult> {
        self.check()?;
        let options = &self.options;
        let total: Batch = drive(options, self.progress, |from, to, tick| {
            run_batch(
                self.network,
                self.model,
                self.seeds,
                options,
                from,
                to,
                tick,
            )
        })?;
        Ok(EnsembleResult {
            model: self.model.name().to_string(),
            runs: total.adopted.n,
            master_seed: options.master_seed,
            adopted: total.adopted.estimate(),
            exposed: total.exposed.estimate(),
            steps: total.steps.estimate(),
            finished_runs: total.finished,
            adoption_curve: total.curve.estimates(total.curve.len()),
            per_run: options.keep_runs.then_some(total.kept),
        })
    }
}

/// Runs `model` on `network` from `seeds` as the options say, in
/// parallel, and returns every quantity with its uncertainty: shorthand
/// for [`Ensemble::new`]`(network, model, seeds).options(*options).run()`.
///
/// # Errors
/// Those of [`Ensemble::run`].
pub fn run_ensemble<S>(
    network: &Network,
    model: &S,
    seeds: &[u32],
    options: &EnsembleOptions,
) -> Result<EnsembleResult>
where
    S: Model + Sync + ?Sized,
{
    Ensemble::new(network, model, seeds).options(*options).run()
}

fn run_batch<S: Model + ?Sized>(
    network: &Network,
    model: &S,
    seeds: &[u32],
    options: &EnsembleOptions,
    from: u64,
    to: u64,
    tick: &Tick<'_>,
) -> Result<Batch> {
    let mut sim = Simulation::new(network, model).with_max_steps(options.max_steps);
    let mut curve = Curve::default();
    let mut batch = Batch::default();
    for run in from..to {
        let out = sim.run(seeds, options.master_seed, run, &mut curve)?;
        batch.adopted.push(out.adopted as f64);
        batch.exposed.push(out.exposed as f64);
        batch.steps.push(f64::from(out.steps));
        batch.finished += u64::from(out.finished);
        batch.curve.push_run(&curve.0);
        if options.keep_runs {
            batch.kept.push(out);
        }
        tick.run_ended();
    }
    Ok(batch)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn means(c: &CurveMoments, len: usize) -> Vec<(u64, f64)> {
        c.estimates(len).iter().map(|e| (e.runs, e.mean)).collect()
    }

    #[test]
    fn levels_of_a_short_run_stay_at_its_last_level() {
        let mut c = CurveMoments::default();
        c.push_levels(&[1.0, 3.0]);
        c.push_levels(&[5.0, 7.0, 9.0, 11.0]);
        // The first run stays at 3 for steps 2 and 3.
        assert_eq!(means(&c, 4), [(2, 3.0), (2, 5.0), (2, 6.0), (2, 7.0)]);
        // A longer run after them pads both with their last levels.
        c.push_levels(&[0.0, 0.0, 0.0, 0.0, 3.0]);
        assert_eq!(means(&c, 5)[4], (3, (3.0 + 11.0 + 3.0) / 3.0));
    }

    #[test]
    fn nan_levels_are_left_out_of_their_steps() {
        let mut c = CurveMoments::default();
        c.push_levels(&[f64::NAN, 2.0, f64::NAN]);
        c.push_levels(&[4.0, 4.0, 4.0, 6.0]);
        // Step 0: only the second run; step 1: both; from step 2 on the
        // first run's last level is NaN, so it stays out.
        assert_eq!(means(&c, 4), [(1, 4.0), (2, 3.0), (1, 4.0), (1, 6.0)]);
        let mut empty = CurveMoments::default();
        empty.push_levels(&[]);
        assert_eq!(means(&empty, 2), [(0, 0.0), (0, 0.0)]);
    }

    #[test]
    fn merged_levels_equal_levels_pushed_in_one_batch() {
        let runs: [&[f64]; 4] = [
            &[1.0],
            &[2.0, f64::NAN, 5.0],
            &[0.5, 0.25],
            &[7.0, 1.0, 2.0, 3.0],
        ];
        let mut one = CurveMoments::default();
        runs.iter().for_each(|r| one.push_levels(r));
        let (mut a, mut b) = (CurveMoments::default(), CurveMoments::default());
        runs[..2].iter().for_each(|r| a.push_levels(r));
        runs[2..].iter().for_each(|r| b.push_levels(r));
        a.merge(&b);
        let (x, y) = (one.estimates(4), a.estimates(4));
        for (p, q) in x.iter().zip(&y) {
            assert_eq!(p.runs, q.runs);
            assert!((p.mean - q.mean).abs() < 1e-12 && (p.std_dev - q.std_dev).abs() < 1e-12);
        }
        // Step 1: 1, NaN (left out), 0.25, 1; step 2: 1, 5, 0.25, 2.
        assert_eq!((x[1].runs, x[2].runs), (3, 4));
        assert!((x[1].mean - 0.75).abs() < 1e-12);
        assert!((x[2].mean - 2.0625).abs() < 1e-12);
    }
}
