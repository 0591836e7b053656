//! The `fit` section of a scenario document and what `wom fit` runs: which
//! fits, on which files, and the report they give.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::bass::{BassFit, BassFitOptions, BassForm, SeriesKind, fit_bass, sales_from_cumulative};
use super::branching::{
    BorelFit, NegativeBinomialFit, OffspringFit, SizeSample, fit_borel,
    fit_negative_binomial_sizes, fit_offspring, offspring_counts,
};
use super::ic::{
    IcArcFit, IcFitOptions, IcUniformFit, TimedCascade, Unexplained, fit_ic_arcs, fit_ic_uniform,
};
use super::series::{ReadReport, read_series, read_sizes, read_timed_cascades};
use super::{Parameter, check_level};
use crate::error::{Error, Result};
use crate::io::{CascadeOptions, CascadeReport, read_cascade_csv};
use crate::network::Network;

fn default_level() -> f64 {
    0.95
}

fn default_step() -> f64 {
    1.0
}

/// What to fit: any of the three, each on its own file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitSpec {
    /// A Bass model fitted to a sales series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bass: Option<BassSpec>,
    /// The transmission probability of an independent cascade over the
    /// scenario's network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ic: Option<IcSpec>,
    /// The reproduction number of a branching process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branching: Option<BranchingSpec>,
}

/// `fit.bass`: the series and how to fit it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BassSpec {
    /// The series file (see [`read_series`]).
    pub series: PathBuf,
    /// Its column: a header name or a 1-based position; the last one when
    /// left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Sales per period (default) or cumulative sales.
    #[serde(default)]
    pub kind: SeriesKind,
    /// `interval` (default) or `rate`.
    #[serde(default)]
    pub form: BassForm,
    /// The period length in the time unit of p and q. Default 1.
    #[serde(default = "default_step")]
    pub step: f64,
    /// Confidence level. Default 0.95.
    #[serde(default = "default_level")]
    pub level: f64,
}

/// `fit.ic`: timed cascades over the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IcSpec {
    /// The cascades file (see [`read_timed_cascades`]).
    pub cascades: PathBuf,
    /// The length of a step, for a `time` column. Default 1.
    #[serde(default = "default_step")]
    pub time_step: f64,
    /// Also fit one probability per arc (EM).
    #[serde(default)]
    pub per_arc: bool,
    /// What to do with an activation no in-neighbour explains.
    #[serde(default)]
    pub unexplained: Unexplained,
    /// Confidence level. Default 0.95.
    #[serde(default = "default_level")]
    pub level: f64,
}

/// `fit.branching`: cascade sizes, or full trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchingSpec {
    /// A file of cascade sizes (see [`read_sizes`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sizes: Option<PathBuf>,
    /// A `parent,child,time` CSV of complete trees
    /// ([`read_cascade_csv`]): sizes and offspring counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trees: Option<PathBuf>,
    /// Also fit negative-binomial offspring (R and dispersion k).
    #[serde(default)]
    pub negative_binomial: bool,
    /// Confidence level. Default 0.95.
    #[serde(default = "default_level")]
    pub level: f64,
}

impl FitSpec {
    /// Checks the values, naming each by its path under `at` (`$.fit`).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the field.
    pub fn check(&self, at: &str) -> Result<()> {
        let invalid = |path: String, reason: String| Error::InvalidDocument { path, reason };
        let level = |path: String, v: f64| {
            check_level(v).map_err(|_| invalid(path, format!("{v} is not in (0, 1)")))
        };
        let positive = |path: String, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(invalid(path, format!("{v} is not > 0")))
            }
        };
        if self.bass.is_none() && self.ic.is_none() && self.branching.is_none() {
            return Err(invalid(
                at.to_string(),
                "nothing to fit: give bass, ic or branching".to_string(),
            ));
        }
        if let Some(b) = &self.bass {
            level(format!("{at}.bass.level"), b.level)?;
            positive(format!("{at}.bass.step"), b.step)?;
        }
        if let Some(i) = &self.ic {
            level(format!("{at}.ic.level"), i.level)?;
            positive(format!("{at}.ic.time_step"), i.time_step)?;
        }
        if let Some(b) = &self.branching {
            level(format!("{at}.branching.level"), b.level)?;
            if b.sizes.is_some() == b.trees.is_some() {
                return Err(invalid(
                    format!("{at}.branching"),
                    "give exactly one of sizes and trees".to_string(),
                ));
            }
        }
        Ok(())
    }

    /// Makes the relative file paths relative to `folder`, whatever they
    /// name (absolute paths and `..` steps included): reading a scenario
    /// file checks them first
    /// ([`PathPolicy`](crate::scenario::PathPolicy)).
    pub fn resolve(&mut self, folder: &Path) {
        for (_, p) in self.files_mut() {
            if p.is_relative() {
                *p = folder.join(&*p);
            }
        }
    }

    /// The files it names, each with its path under the section
    /// (`.bass.series`, `.ic.cascades`, `.branching.sizes`,
    /// `.branching.trees`).
    pub(crate) fn files_mut(&mut self) -> Vec<(&'static str, &mut PathBuf)> {
        let mut files = Vec::new();
        if let Some(b) = &mut self.bass {
            files.push((".bass.series", &mut b.series));
        }
        if let Some(i) = &mut self.ic {
            files.push((".ic.cascades", &mut i.cascades));
        }
        if let Some(b) = &mut self.branching {
            if let Some(p) = &mut b.sizes {
                files.push((".branching.sizes", p));
            }
            if let Some(p) = &mut b.trees {
                files.push((".branching.trees", p));
            }
        }
        files
    }

    /// Whether a fit needs the network (`ic`).
    pub fn needs_network(&self) -> bool {
        self.ic.is_some()
    }

    /// Reads the files and runs the fits.
    ///
    /// # Errors
    /// Those of the readers (naming the file and line) and of the fits;
    /// [`Error::InvalidParameter`] when `ic` is asked for without a
    /// network. A fit's error names its file.
    pub fn run(&self, network: Option<&Network>) -> Result<FitReport> {
        let mut report = FitReport::default();
        if let Some(b) = &self.bass {
            report.bass = Some(run_bass(b)?);
        }
        if let Some(i) = &self.ic {
            let network = network.ok_or_else(|| {
                Error::param(
                    "ic",
                    "no network",
                    "the ic fit needs the network the cascades ran on",
                )
            })?;
            report.ic = Some(run_ic(i, network)?);
        }
        if let Some(b) = &self.branching {
            report.branching = Some(run_branching(b)?);
        }
        Ok(report)
    }
}

/// A fit's error, prefixed with the file it read.
fn in_file(path: &Path) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::InvalidParameter {
            name,
            value,
            reason,
        } => Error::InvalidParameter {
            name: name.within(path.display().to_string()),
            value,
            reason,
        },
        other => other,
    }
}

fn run_bass(spec: &BassSpec) -> Result<BassReport> {
    let series = read_series(&spec.series, spec.column.as_deref())?;
    // A bad value was refused by the reader with its line; a cumulative
    // series that falls is named by its line here.
    let sales = match spec.kind {
        SeriesKind::Sales => series.values.clone(),
        SeriesKind::Cumulative => {
            let mut previous = 0.0;
            for (i, &y) in series.values.iter().enumerate() {
                if y < previous {
                    return Err(Error::MalformedLine {
                        location: crate::error::Location::new(
                            spec.series.display().to_string(),
                            series.lines[i],
                        ),
                        reason: format!("a cumulative series cannot fall: {y} after {previous}"),
                    });
                }
                previous = y;
            }
            sales_from_cumulative(&series.values)?
        }
    };
    let options = BassFitOptions {
        form: spec.form,
        step: spec.step,
        level: spec.level,
        start: None,
    };
    let fit = fit_bass(&sales, &options).map_err(in_file(&spec.series))?;
    Ok(BassReport {
        file: spec.series.display().to_string(),
        column: series.column,
        kind: spec.kind,
        read: series.report,
        fit,
    })
}

fn run_ic(spec: &IcSpec, network: &Network) -> Result<IcReport> {
    let (cascades, read) = read_timed_cascades(&spec.cascades, network, spec.time_step)?;
    let options = IcFitOptions {
        level: spec.level,
        unexplained: spec.unexplained,
        ..IcFitOptions::default()
    };
    let uniform = fit_ic_uniform(network, &cascades, &options).map_err(in_file(&spec.cascades))?;
    let per_arc = if spec.per_arc {
        Some(fit_ic_arcs(network, &cascades, &options).map_err(in_file(&spec.cascades))?)
    } else {
        None
    };
    Ok(IcReport {
        file: spec.cascades.display().to_string(),
        read,
        uniform,
        per_arc,
        cascades,
    })
}

fn run_branching(spec: &BranchingSpec) -> Result<BranchingReport> {
    let mut trees_read = None;
    let (file, sizes, offspring, read) = match (&spec.sizes, &spec.trees) {
        (Some(path), _) => {
            let (sizes, read) = read_sizes(path)?;
            (path, sizes, None, Some(read))
        }
        (None, Some(path)) => {
            let read = read_cascade_csv(path, &CascadeOptions::default())?;
            let mut sizes = Vec::with_capacity(read.cascades.len());
            let mut counts = Vec::new();
            for c in &read.cascades {
                sizes.push(SizeSample {
                    size: c.node_count() as u64,
                    seeds: c.roots().count() as u64,
                });
                counts.extend(offspring_counts(c));
            }
            let offspring = fit_offspring(&counts, spec.level).map_err(in_file(path))?;
            trees_read = Some(read.report);
            (path, sizes, Some(offspring), None)
        }
        (None, None) => {
            return Err(Error::param("branching", "{}", "give sizes or trees"));
        }
    };
    let borel = fit_borel(&sizes, spec.level).map_err(in_file(file))?;
    let negative_binomial = if spec.negative_binomial {
        Some(fit_negative_binomial_sizes(&sizes, spec.level).map_err(in_file(file))?)
    } else {
        None
    };
    Ok(BranchingReport {
        file: file.display().to_string(),
        read,
        trees_read,
        borel,
        offspring,
        negative_binomial,
        sizes,
    })
}

/// The Bass fit of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BassReport {
    /// The series file.
    pub file: String,
    /// The column read.
    pub column: String,
    /// Whether it held sales or cumulative sales.
    pub kind: SeriesKind,
    /// What the reader read and skipped.
    pub read: ReadReport,
    /// The fit.
    pub fit: BassFit,
}

/// The independent-cascade fits of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IcReport {
    /// The cascades file.
    pub file: String,
    /// What the reader read and skipped.
    pub read: ReadReport,
    /// One p for every arc.
    pub uniform: IcUniformFit,
    /// One p per arc, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_arc: Option<IcArcFit>,
    /// The cascades read.
    #[serde(skip)]
    pub cascades: Vec<TimedCascade>,
}

/// The branching-process fits of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BranchingReport {
    /// The sizes or trees file.
    pub file: String,
    /// What the sizes reader read and skipped (trees: `None`).
    pub read: Option<ReadReport>,
    /// What the trees reader read and left out (sizes: `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trees_read: Option<CascadeReport>,
    /// R from the sizes, Poisson offspring.
    pub borel: BorelFit,
    /// The offspring of full trees, when trees were given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offspring: Option<OffspringFit>,
    /// Negative-binomial offspring, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative_binomial: Option<NegativeBinomialFit>,
    /// The sizes fitted.
    #[serde(skip)]
    pub sizes: Vec<SizeSample>,
}

/// What the fits of a [`FitSpec`] gave.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FitReport {
    /// The Bass fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bass: Option<BassReport>,
    /// The independent-cascade fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ic: Option<IcReport>,
    /// The branching-process fits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branching: Option<BranchingReport>,
}

fn row(out: &mut String, p: &Parameter) {
    let _ = writeln!(
        out,
        "  {:<4} {:>14} {:>14}   [{}, {}]",
        p.name,
        sig(p.estimate),
        sig(p.std_error),
        sig(p.low),
        sig(p.high)
    );
}

/// Six significant digits, plain or scientific.
fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if (1e-4..1e7).contains(&a) {
        let decimals = (5 - a.log10().floor() as i32).max(0) as usize;
        format!("{v:.decimals$}")
    } else {
        format!("{v:.5e}")
    }
}

/// What a reader skipped, when it skipped anything.
fn skipped(out: &mut String, read: &ReadReport) {
    if read.blank_lines + read.comment_lines + read.header_lines > 0 {
        let _ = writeln!(
            out,
            "  read {} records; skipped {} header, {} comment and {} blank lines",
            read.records, read.header_lines, read.comment_lines, read.blank_lines
        );
    }
}

fn header(out: &mut String, level: f64) {
    let _ = writeln!(
        out,
        "  {:<4} {:>14} {:>14}   {}% interval",
        "",
        "estimate",
        "std. error",
        format!("{:.4}", level * 100.0)
            .trim_end_matches('0')
            .trim_end_matches('.')
    );
}

impl FitReport {
    /// The report as text for people: each fit's estimates, standard
    /// errors and intervals, and what was read.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Some(b) = &self.bass {
            let f = &b.fit;
            let form = match f.form {
                BassForm::Interval => "sales within each period, m[F(t) - F(t - step)]",
                BassForm::Rate => "rate at each period's end, m step f(t)",
            };
            let _ = writeln!(
                out,
                "Bass model, nonlinear least squares (Srinivasan & Mason 1986)"
            );
            let _ = writeln!(
                out,
                "  {}: column {}, {} periods of length {} ({}){}",
                b.file,
                b.column,
                f.observed.len(),
                f.step,
                form,
                if b.kind == SeriesKind::Cumulative {
                    "; read as cumulative sales and differenced"
                } else {
                    ""
                }
            );
            skipped(&mut out, &b.read);
            header(&mut out, f.level);
            for p in [&f.m, &f.p, &f.q] {
                row(&mut out, p);
            }
            let _ = writeln!(
                out,
                "  residual standard error {} on {} degrees of freedom; R² {:.4}; peak at t = {}",
                sig(f.residual_se),
                f.df,
                f.r_squared,
                sig(f.peak_time())
            );
            if !f.converged {
                let _ = writeln!(
                    out,
                    "  warning: the search was still improving after {} iterations (m drifting \
                     towards infinity?): the series may show no sign of saturation, and these \
                     estimates and standard errors are those of the point where it stopped",
                    f.iterations
                );
            }
        }
        if let Some(i) = &self.ic {
            let u = &i.uniform;
            let c = &u.counts;
            if !out.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "Independent cascade, maximum likelihood");
            let _ = writeln!(
                out,
                "  {}: {} cascades, {} seeds, {} activations explained, {} failed attempts",
                i.file, c.cascades, c.seeds, c.activations, c.failures
            );
            skipped(&mut out, &i.read);
            if !c.unexplained.is_empty() {
                let _ = writeln!(
                    out,
                    "  {} activations no in-neighbour explains, treated as seeds",
                    c.unexplained.len()
                );
            }
            header(&mut out, u.level);
            row(&mut out, &u.p);
            let _ = writeln!(
                out,
                "  (profile-likelihood interval; Wald standard error); log-likelihood {}",
                sig(u.log_likelihood)
            );
            if let Some(a) = &i.per_arc {
                let _ = writeln!(
                    out,
                    "  per arc (EM, Saito, Nakano & Kimura 2008): {} arcs identified, {} never \
                     tried (unidentified); {} iterations{}",
                    a.identified,
                    a.unidentified,
                    a.iterations,
                    if a.converged { "" } else { ", NOT converged" }
                );
                let mut tried: Vec<_> = a.arcs.iter().filter(|x| x.p.is_some()).collect();
                tried.sort_by_key(|x| std::cmp::Reverse(x.candidate + x.failed));
                for x in tried.iter().take(10) {
                    let (lo, hi) = x.interval.unwrap_or((0.0, 1.0));
                    let _ = writeln!(
                        out,
                        "    {} -> {}: {} [{}, {}] over {} trials",
                        x.from,
                        x.to,
                        sig(x.p.unwrap_or(0.0)),
                        sig(lo),
                        sig(hi),
                        x.candidate + x.failed
                    );
                }
                if tried.len() > 10 {
                    let _ = writeln!(
                        out,
                        "    ... {} more in the JSON report (--json)",
                        tried.len() - 10
                    );
                }
            }
        }
        if let Some(b) = &self.branching {
            if !out.is_empty() {
                out.push('\n');
            }
            let r = &b.borel;
            let _ = writeln!(out, "Branching process");
            let _ = writeln!(
                out,
                "  {}: {} cascades, {} nodes, {} seeds; Poisson offspring (Borel-Tanner), \
                 profile-likelihood interval",
                b.file, r.cascades, r.nodes, r.seeds
            );
            if let Some(read) = &b.read {
                skipped(&mut out, read);
            }
            if let Some(t) = &b.trees_read {
                let left_out = t.duplicate_arcs
                    + t.self_loops_dropped
                    + t.arcs_into_roots_dropped
                    + t.extra_parents_dropped
                    + t.cycle_arcs_dropped;
                if left_out > 0 {
                    let _ = writeln!(
                        out,
                        "  the trees reader left out {left_out} arc lines (duplicates, self-loops, \
                         arcs into roots, extra parents, cycles: see --json)"
                    );
                }
            }
            header(&mut out, r.level);
            row(&mut out, &r.r);
            if let Some(o) = &b.offspring {
                let _ = writeln!(
                    out,
                    "  full trees: {} children of {} nodes; offspring variance {}{}",
                    o.children,
                    o.nodes,
                    sig(o.variance),
                    o.dispersion.map_or(String::new(), |k| format!(
                        ", dispersion k = {} (moments)",
                        sig(k)
                    ))
                );
                row(&mut out, &o.r);
            }
            if let Some(n) = &b.negative_binomial {
                let _ = writeln!(
                    out,
                    "  negative-binomial offspring (Blumberg & Lloyd-Smith 2013): dispersion k = {}",
                    sig(n.k)
                );
                row(&mut out, &n.r);
            }
        }
        out
    }
}

/// Charts of data against the fitted models (feature `charts`).
#[cfg(feature = "charts")]
impl FitReport {
    /// One SVG chart per fit, stacked into one document: the Bass series
    /// against the fitted sales; the cascades' activations per step
    /// against independent cascades simulated with p̂ from the same seeds
    /// (mean and 95% band of `runs` repetitions of every cascade, master
    /// seed `seed`); the share of cascades of each size against the
    /// fitted size distributions.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the IC fit is there but `network`
    /// is not, and those of [`crate::chart::fit_chart`].
    pub fn chart(&self, network: Option<&Network>, runs: u64, seed: u64) -> Result<String> {
        use crate::chart::{ChartOptions, FitCurve, fit_chart, stack_vertically};
        let mut charts = Vec::new();
        if let Some(b) = &self.bass {
            let f = &b.fit;
            let data: Vec<(f64, f64)> = f
                .observed
                .iter()
                .enumerate()
                .map(|(i, &s)| ((i + 1) as f64 * f.step, s))
                .collect();
            let end = f.observed.len() as f64 * f.step;
            let points: Vec<(f64, f64)> = (0..=400)
                .map(|j| {
                    let t = f.step + (end - f.step) * f64::from(j) / 400.0;
                    (t, f.sales_at(t))
                })
                .collect();
            let options = ChartOptions {
                title: format!(
                    "Bass fit: m = {}, p = {}, q = {}",
                    sig(f.m.estimate),
                    sig(f.p.estimate),
                    sig(f.q.estimate)
                ),
                x_label: "time (end of period)".to_string(),
                y_label: "sales per period".to_string(),
                ..ChartOptions::default()
            };
            let curve = FitCurve {
                name: "fitted Bass model".to_string(),
                points,
                band: None,
            };
            charts.push(fit_chart(&b.column, &data, &[curve], &options)?);
        }
        if let Some(i) = &self.ic {
            let network = network.ok_or_else(|| {
                Error::param(
                    "network",
                    "none",
                    "the cascade chart simulates on the network",
                )
            })?;
            charts.push(ic_chart(i, network, runs, seed)?);
        }
        if let Some(b) = &self.branching {
            charts.push(size_chart(b)?);
        }
        match charts.len() {
            0 => Err(Error::param("report", "empty", "no fit to draw")),
            1 => Ok(charts.pop().unwrap_or_default()),
            _ => stack_vertically(&charts),
        }
    }
}

/// The observed new activations per step (all cascades) against the
/// simulated ones under p̂.
#[cfg(feature = "charts")]
fn ic_chart(report: &IcReport, network: &Network, runs: u64, seed: u64) -> Result<String> {
    use crate::chart::{ChartOptions, FitBand, FitCurve, fit_chart};
    use crate::propagation::{IndependentCascade, Recorder, Simulation};
    let p = report.uniform.p.estimate;
    let unexplained: std::collections::HashSet<(&str, u32)> = report
        .uniform
        .counts
        .unexplained
        .iter()
        .map(|(c, v)| (c.as_str(), *v))
        .collect();
    let mut observed: Vec<f64> = Vec::new();
    let mut seeds: Vec<Vec<u32>> = Vec::new();
    for c in &report.cascades {
        let mut s = Vec::new();
        for &(v, step) in &c.activations {
            if step as usize >= observed.len() {
                observed.resize(step as usize + 1, 0.0);
            }
            observed[step as usize] += 1.0;
            if step == 0 || unexplained.contains(&(c.name.as_str(), v)) {
                s.push(v);
            }
        }
        s.sort_unstable();
        seeds.push(s);
    }
    let model = IndependentCascade::uniform(network, p)?;
    let mut sim = Simulation::new(network, &model);
    let mut rec = Recorder::new();
    let runs = runs.max(1);
    let mut curves: Vec<Vec<f64>> = Vec::with_capacity(runs as usize);
    let mut index = 0;
    for _ in 0..runs {
        let mut total: Vec<f64> = Vec::new();
        for s in &seeds {
            if s.is_empty() {
                continue;
            }
            sim.run(s, seed, index, &mut rec)?;
            index += 1;
            let per_step = rec.new_adoptions_per_step();
            if per_step.len() > total.len() {
                total.resize(per_step.len(), 0.0);
            }
            for (t, &n) in per_step.iter().enumerate() {
                total[t] += n as f64;
            }
        }
        curves.push(total);
    }
    let steps = curves
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(observed.len());
    let mut mean = Vec::with_capacity(steps);
    let mut band = Vec::with_capacity(steps);
    for t in 0..steps {
        let mut column: Vec<f64> = curves
            .iter()
            .map(|c| c.get(t).copied().unwrap_or(0.0))
            .collect();
        column.sort_by(f64::total_cmp);
        let m = column.iter().sum::<f64>() / column.len() as f64;
        let q = |x: f64| column[((column.len() - 1) as f64 * x).round() as usize];
        mean.push((t as f64, m));
        band.push((t as f64, q(0.025), q(0.975)));
    }
    let data: Vec<(f64, f64)> = observed
        .iter()
        .enumerate()
        .map(|(t, &n)| (t as f64, n))
        .collect();
    let options = ChartOptions {
        title: format!("Independent cascade: p = {}", sig(p)),
        x_label: "step".to_string(),
        y_label: "new activations (all cascades)".to_string(),
        ..ChartOptions::default()
    };
    let curve = FitCurve {
        name: format!("simulated with p = {}, mean of {runs}", sig(p)),
        points: mean,
        band: Some(FitBand {
            name: "95% of simulations".to_string(),
            points: band,
        }),
    };
    fit_chart("observed", &data, &[curve], &options)
}

/// The share of cascades of each size against the fitted distributions.
#[cfg(feature = "charts")]
fn size_chart(report: &BranchingReport) -> Result<String> {
    use crate::chart::{ChartOptions, FitCurve, fit_chart};
    let single: Vec<u64> = report
        .sizes
        .iter()
        .filter(|s| s.seeds == 1)
        .map(|s| s.size)
        .collect();
    let n = single.len() as f64;
    let largest = single.iter().copied().max().unwrap_or(1).min(200);
    let mut data = Vec::new();
    for s in 1..=largest {
        let count = single.iter().filter(|&&x| x == s).count();
        if count > 0 {
            data.push((s as f64, count as f64 / n));
        }
    }
    if data.is_empty() {
        return Err(Error::param(
            "sizes",
            "no single-seed cascade",
            "the size chart draws cascades from one seed",
        ));
    }
    let r = report.borel.r.estimate;
    let borel = |s: f64| -> f64 {
        if r <= 0.0 {
            return if s == 1.0 { 1.0 } else { 0.0 };
        }
        (-r * s + (s - 1.0) * (r * s).ln() - libm::lgamma(s + 1.0)).exp()
    };
    let mut curves = vec![FitCurve {
        name: format!("Borel, R = {}", sig(r)),
        points: (1..=largest).map(|s| (s as f64, borel(s as f64))).collect(),
        band: None,
    }];
    if let Some(nb) = &report.negative_binomial {
        let (r, k) = (nb.r.estimate, nb.k);
        let pmf = |s: f64| -> f64 {
            if s == 1.0 {
                return (-k * (r / k).ln_1p()).exp();
            }
            (libm::lgamma(k * s + s - 1.0) - libm::lgamma(k * s) - libm::lgamma(s + 1.0)
                + (s - 1.0) * (r / k).ln()
                - (k * s + s - 1.0) * (r / k).ln_1p())
            .exp()
        };
        curves.push(FitCurve {
            name: format!("negative binomial, R = {}, k = {}", sig(r), sig(k)),
            points: (1..=largest).map(|s| (s as f64, pmf(s as f64))).collect(),
            band: None,
        });
    }
    let options = ChartOptions {
        title: "Cascade sizes (one seed)".to_string(),
        x_label: "size".to_string(),
        y_label: "share of cascades".to_string(),
        ..ChartOptions::default()
    };
    fit_chart("observed", &data, &curves, &options)
}
