//! Parameter sweeps: one scenario run at every point of a list or grid of
//! values of its numeric fields, named by JSON path, with common random
//! numbers across the points (what NetLogo's BehaviorSpace and Mesa's
//! `batch_run` give their users).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Registry, RunSettings, Scenario, invalid};
use crate::ensemble::Estimate;
use crate::error::{Error, Result};
use crate::kpi::Kpi;

/// The most points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// The `sweep` section of a scenario: which fields vary over which values,
/// how the lists combine, and which KPIs the chart shows.
///
/// ```
/// use wom::scenario::Scenario;
///
/// let scenario = Scenario::from_json(r#"{
///     "graph": {"generate": {"generator": {"model": "gnp", "n": 200, "p": 0.03}, "seed": 7}},
///     "seeding": {"seeds": {"random": {"count": 5}}},
///     "model": {"independent_cascade": {"kind": "uniform", "p": 0.05}},
///     "ensemble": {"budget": {"runs": 100}, "master_seed": 1},
///     "sweep": {"vary": [
///         {"path": "$.model.independent_cascade.p", "values": [0.02, 0.1]},
///         {"path": "$.seeding.seeds.random.count", "range": {"from": 5, "to": 15, "step": 5}}
///     ]}
/// }"#)?;
/// let sweep = scenario.sweep(None)?;
/// assert_eq!(sweep.points.len(), 6); // a grid: 2 x 3
/// assert_eq!(sweep.points[5].values, [0.1, 15.0]);
/// let more = sweep.points[5].kpi("adoption").unwrap().mean;
/// let fewer = sweep.points[0].kpi("adoption").unwrap().mean;
/// assert!(more > fewer);
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// The fields that vary, each over its values.
    pub vary: Vec<Vary>,
    /// How the lists combine into points (default: every combination).
    #[serde(default)]
    pub combine: Combine,
    /// The KPIs the chart draws against the first field (default:
    /// `adoption`); the table has every KPI.
    #[serde(default = "adoption")]
    pub kpis: Vec<String>,
}

fn adoption() -> Vec<String> {
    vec!["adoption".to_string()]
}

/// How a sweep's lists combine into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// Every combination, the first field varying slowest (nested loops).
    #[default]
    Grid,
    /// The lists side by side: point k takes the k-th value of each (all
    /// lists of one length).
    Zip,
}

/// One field of a sweep and its values: a list or a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vary {
    /// The field's JSON path in the scenario: `$.model.bass.q`,
    /// `$.model.campaign.channels[1].channel.persuasion`. It must be a
    /// number (or `null`) in the scenario with its defaults filled in.
    pub path: String,
    /// The values, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<f64>>,
    /// Or a range of values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<SweepRange>,
}

/// The values `from`, `from + step`, ... up to `to` (included, give or
/// take a rounding error of 10^-9 steps).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepRange {
    /// The first value.
    pub from: f64,
    /// The last value, if a whole number of steps reaches it.
    pub to: f64,
    /// The step, > 0.
    pub step: f64,
}

/// A sweep's results: for each point, its values and its KPIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepResults {
    /// The `wom` version that produced it.
    pub wom_version: String,
    /// The scenario swept, with every default filled in.
    pub scenario: Scenario,
    /// The fields varied, as JSON paths, in the order of each point's
    /// values.
    pub parameters: Vec<String>,
    /// The points, in the sweep's order.
    pub points: Vec<SweepPoint>,
}

/// One point of a sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The value of each varied field, in the order of
    /// [`SweepResults::parameters`].
    pub values: Vec<f64>,
    /// Runs made.
    pub runs: u64,
    /// Every KPI of the point's report, then, with a baseline, the lift's
    /// figures named `lift:<figure>`.
    pub kpis: Vec<Kpi>,
}

impl SweepPoint {
    /// The estimate of the KPI named `name`.
    pub fn kpi(&self, name: &str) -> Option<&Estimate> {
        self.kpis
            .iter()
            .find(|k| k.name == name)
            .map(|k| &k.estimate)
    }
}

/// One step of a JSON path.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// Reads `$.a.b[2].c` into its steps.
fn parse_path(path: &str) -> std::result::Result<Vec<Step>, String> {
    let Some(mut rest) = path.strip_prefix('$') else {
        return Err("a path starts with `$` (the document), as in `$.model.bass.q`".to_string());
    };
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return Err("an empty key after `.`".to_string());
            }
            steps.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r
                .find(']')
                .ok_or_else(|| "a `[` without its `]`".to_string())?;
            let index = r[..end]
                .parse()
                .map_err(|_| format!("`[{}]` is not an index (a whole number)", &r[..end]))?;
            steps.push(Step::Index(index));
            rest = &r[end + 1..];
        } else {
            return Err(format!("`{rest}`: expected `.key` or `[index]`"));
        }
    }
    if steps.is_empty() {
        return Err("the path names the whole document, not a field".to_string());
    }
    Ok(steps)
}

/// The value at `steps` in `doc`, to be replaced.
fn slot<'a>(doc: &'a mut Value, steps: &[Step]) -> std::result::Result<&'a mut Value, String> {
    let mut at = doc;
    let mut walked = String::from("$");
    for step in steps {
        at = match (step, at) {
            (Step::Key(k), Value::Object(map)) => {
                walked.push('.');
                walked.push_str(k);
                map.get_mut(k)
                    .ok_or_else(|| format!("the scenario has no field `{walked}`"))?
            }
            (Step::Index(i), Value::Array(list)) => {
                let len = list.len();
                walked.push_str(&format!("[{i}]"));
                list.get_mut(*i)
                    .ok_or_else(|| format!("`{walked}` is past the end of a list of {len}"))?
            }
            (Step::Key(k), _) => {
                return Err(format!(
                    "`{walked}` is not an object, so it has no field `{k}`"
                ));
            }
            (Step::Index(i), _) => {
                return Err(format!("`{walked}` is not a list, so it has no item [{i}]"));
            }
        };
    }
    Ok(at)
}

impl Vary {
    /// The values, checked: finite, at least one, at most [`MAX_POINTS`].
    fn list(&self, at: &str) -> Result<Vec<f64>> {
        let values = match (&self.values, &self.range) {
            (Some(v), None) => v.clone(),
            (None, Some(r)) => {
                if !(r.from.is_finite() && r.to.is_finite() && r.step.is_finite() && r.step > 0.0) {
                    return Err(invalid(
                        format!("{at}.range"),
                        "`from`, `to` and `step` must be finite, and `step` > 0",
                    ));
                }
                if r.to < r.from {
                    return Err(invalid(
                        format!("{at}.range"),
                        format!("`to` ({}) is below `from` ({})", r.to, r.from),
                    ));
                }
                let count = ((r.to - r.from) / r.step + 1e-9).floor() + 1.0;
                if count > MAX_POINTS as f64 {
                    return Err(invalid(
                        format!("{at}.range"),
                        format!("{count} values: a sweep has at most {MAX_POINTS} points"),
                    ));
                }
                // Rounded to 12 significant digits, so that 0.01 + 5 x 0.01
                // is 0.06, not 0.060000000000000005.
                (0..count as usize)
                    .map(|k| {
                        let v = r.from + k as f64 * r.step;
                        format!("{v:.11e}").parse().unwrap_or(v)
                    })
                    .collect()
            }
            _ => {
                return Err(invalid(
                    at,
                    "give the values as `values` (a list) or `range` ({from, to, step}), one \
                     of the two",
                ));
            }
        };
        if values.is_empty() {
            return Err(invalid(format!("{at}.values"), "no value to sweep over"));
        }
        if let Some(k) = values.iter().position(|v| !v.is_finite()) {
            return Err(invalid(format!("{at}.values[{k}]"), "not a finite number"));
        }
        if values.len() > MAX_POINTS {
            return Err(invalid(
                format!("{at}.values"),
                format!(
                    "{} values: a sweep has at most {MAX_POINTS} points",
                    values.len()
                ),
            ));
        }
        Ok(values)
    }
}

/// A JSON number for `v`: an integer when `v` is whole (so integer fields
/// read it), else a float.
fn number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 {
        if v < 0.0 {
            Value::from(v as i64)
        } else {
            Value::from(v as u64)
        }
    } else {
        Value::from(v)
    }
}

impl SweepSpec {
    /// Every point's values, in the sweep's order.
    fn points(&self) -> Result<Vec<Vec<f64>>> {
        if self.vary.is_empty() {
            return Err(invalid("$.sweep.vary", "no field to vary"));
        }
        let lists = self
            .vary
            .iter()
            .enumerate()
            .map(|(i, v)| v.list(&format!("$.sweep.vary[{i}]")))
            .collect::<Result<Vec<_>>>()?;
        match self.combine {
            Combine::Zip => {
                let len = lists[0].len();
                if let Some(i) = lists.iter().position(|l| l.len() != len) {
                    return Err(invalid(
                        format!("$.sweep.vary[{i}]"),
                        format!(
                            "{} values where `vary[0]` has {len}: zipped lists must have one length",
                            lists[i].len()
                        ),
                    ));
                }
                Ok((0..len)
                    .map(|k| lists.iter().map(|l| l[k]).collect())
                    .collect())
            }
            Combine::Grid => {
                let total = lists
                    .iter()
                    .try_fold(1usize, |n, l| n.checked_mul(l.len()))
                    .filter(|&n| n <= MAX_POINTS)
                    .ok_or_else(|| {
                        invalid(
                            "$.sweep.vary",
                            format!(
                                "the grid has {} points: a sweep has at most {MAX_POINTS}",
                                lists
                                    .iter()
                                    .map(|l| l.len().to_string())
                                    .collect::<Vec<_>>()
                                    .join(" x ")
                            ),
                        )
                    })?;
                let mut points = Vec::with_capacity(total);
                let mut index = vec![0usize; lists.len()];
                for _ in 0..total {
                    points.push(index.iter().zip(&lists).map(|(&k, l)| l[k]).collect());
                    // The last field varies fastest.
                    for d in (0..lists.len()).rev() {
                        index[d] += 1;
                        if index[d] < lists[d].len() {
                            break;
                        }
                        index[d] = 0;
                    }
                }
                Ok(points)
            }
        }
    }
}

/// The paths whose values change the network: a point that varies none
/// of them runs on the scenario's own network.
const NETWORK_PATHS: [&str; 3] = ["$.graph", "$.roles", "$.ensemble.master_seed"];

impl Scenario {
    /// The scenario of each point of its sweep, with the point's values,
    /// each read and checked as a document of its own (through
    /// `registry`); a scenario without a sweep has none.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.sweep...` for a path the scenario
    /// does not have or that is not a number, a value an integer field
    /// cannot take, too many points, and a point whose document is
    /// invalid (with the point's values and the field).
    pub fn sweep_points(&self, registry: &Registry) -> Result<Vec<(Vec<f64>, Scenario)>> {
        let Some(sweep) = &self.sweep else {
            return Ok(Vec::new());
        };
        let points = sweep.points()?;
        let base = serde_json::to_value(Scenario {
            sweep: None,
            ..self.clone()
        })
        .map_err(|e| invalid("$", e.to_string()))?;
        let mut paths = Vec::with_capacity(sweep.vary.len());
        let mut template = base.clone();
        for (i, v) in sweep.vary.iter().enumerate() {
            let at = format!("$.sweep.vary[{i}].path");
            let steps = parse_path(&v.path).map_err(|e| invalid(&at, e))?;
            if steps.first() == Some(&Step::Key("sweep".to_string())) {
                return Err(invalid(&at, "a sweep cannot vary its own fields"));
            }
            if steps.first() == Some(&Step::Key("fit".to_string())) {
                return Err(invalid(
                    &at,
                    "a sweep runs the scenario and does not fit: `$.fit` changes no point \
                     (`wom fit` reads it)",
                ));
            }
            if steps[..] == [Step::Key("ensemble".into()), Step::Key("threads".into())] {
                return Err(invalid(
                    &at,
                    "the threads change no result, and the sweep runs every point on its own \
                     threads (`wom sweep --threads`, or `ensemble.threads` as written)",
                ));
            }
            let now = slot(&mut template, &steps).map_err(|e| invalid(&at, e))?;
            let integer = now.is_u64() || now.is_i64();
            if !(now.is_number() || now.is_null()) {
                return Err(invalid(
                    &at,
                    format!(
                        "`{}` is {now}, not a number: a sweep varies numeric fields",
                        v.path
                    ),
                ));
            }
            paths.push((steps, integer, i));
        }
        points
            .into_iter()
            .map(|values| {
                let mut doc = base.clone();
                for ((steps, integer, i), &x) in paths.iter().zip(&values) {
                    if *integer && x.fract() != 0.0 {
                        return Err(invalid(
                            format!("$.sweep.vary[{i}]"),
                            format!("{x} for `{}`, a whole number", sweep.vary[*i].path),
                        ));
                    }
                    *slot(&mut doc, steps).map_err(|e| invalid("$.sweep", e))? = number(x);
                }
                let point = Scenario::from_json_with(registry, &doc.to_string()).map_err(|e| {
                    let at = paths
                        .iter()
                        .zip(&values)
                        .map(|((_, _, i), x)| format!("{} = {x}", sweep.vary[*i].path))
                        .collect::<Vec<_>>()
                        .join(", ");
                    invalid("$.sweep", format!("at the point {at}: {e}"))
                })?;
                Ok((values, point))
            })
            .collect()
    }

    /// Runs every point of the scenario's sweep (see [`SweepSpec`]) and
    /// returns one row of KPIs per point, as [`sweep_with`](Scenario::sweep_with)
    /// does with the built-in registry.
    ///
    /// # Errors
    /// Those of [`sweep_with`](Scenario::sweep_with).
    pub fn sweep<'a>(&self, settings: impl Into<RunSettings<'a>>) -> Result<SweepResults> {
        self.sweep_with(super::registry::builtin_ref(), settings)
    }

    /// Runs every point of the scenario's sweep through `registry`.
    ///
    /// Every point runs with the scenario's master seed, so run i of every
    /// point draws from the generator of (master seed, i): differences
    /// between points are measured on common random numbers. Points run in
    /// parallel (each point's ensemble in parallel too) on `settings`'
    /// threads, or on rayon's pool; the results are the same bits for any
    /// thread count. Points that vary nothing under `$.graph`, `$.roles`
    /// or `$.ensemble.master_seed` share the scenario's network, built
    /// once. `settings.progress` is told the runs of every point.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.sweep` for a scenario without a
    /// sweep or with an invalid one ([`sweep_points`](Scenario::sweep_points)),
    /// and the errors of [`run_with`](Scenario::run_with) for any point.
    pub fn sweep_with<'a>(
        &self,
        registry: &Registry,
        settings: impl Into<RunSettings<'a>>,
    ) -> Result<SweepResults> {
        let RunSettings { threads, progress } = settings.into();
        let mut checked = self.clone();
        checked.check(registry)?;
        let Some(sweep) = &checked.sweep else {
            return Err(invalid(
                "$.sweep",
                "the scenario has no `sweep`: give `sweep.vary`, or run it with `run`",
            ));
        };
        let points = checked.sweep_points(registry)?;
        let shared = !sweep.vary.iter().any(|v| {
            NETWORK_PATHS
                .iter()
                .any(|p| v.path == *p || v.path.starts_with(&format!("{p}.")))
        });
        let network = if shared {
            Some(checked.build_network_with(registry)?)
        } else {
            None
        };
        let one = |(values, point): &(Vec<f64>, Scenario)| -> Result<SweepPoint> {
            let mut point = point.clone();
            // The sweep's pool runs everything.
            point.ensemble.threads = None;
            let settings = RunSettings {
                threads: None,
                progress,
            };
            let results = match &network {
                Some((net, report)) => point.run_on(registry, settings, net, report.clone()),
                None => point.run_checked(registry, settings),
            }
            .map_err(|e| at_point(sweep, values, e))?;
            let mut kpis = results.report.kpis;
            if let Some(b) = results.baseline {
                kpis.extend(b.lift.kpis.into_iter().map(|k| Kpi {
                    name: format!("lift:{}", k.name),
                    estimate: k.estimate,
                }));
            }
            Ok(SweepPoint {
                values: values.clone(),
                runs: results.report.runs,
                kpis,
            })
        };
        // A chunk of points as wide as the pool at a time: a thread waiting
        // inside one point's ensemble may start another point, so without
        // the chunks every point (and its network) could be under way at
        // once. The first chunk also tells whether `kpis` are the points'.
        let run = || {
            let width = rayon::current_num_threads().max(1);
            let mut rows: Vec<SweepPoint> = Vec::with_capacity(points.len());
            for chunk in points.chunks(width) {
                rows.extend(chunk.par_iter().map(one).collect::<Result<Vec<_>>>()?);
                check_kpis(sweep, &rows)?;
            }
            Ok::<_, Error>(rows)
        };
        let threads = threads.or(checked.ensemble.threads);
        let rows = match threads {
            None => run()?,
            Some(t) => rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| Error::param("threads", t, e.to_string()))?
                .install(run)?,
        };
        Ok(SweepResults {
            wom_version: env!("CARGO_PKG_VERSION").to_string(),
            parameters: sweep.vary.iter().map(|v| v.path.clone()).collect(),
            scenario: checked.clone(),
            points: rows,
        })
    }

    /// The runs a sweep makes in all (the progress bar's length).
    pub fn planned_sweep_runs(&self, registry: &Registry) -> Result<u64> {
        Ok(self
            .sweep_points(registry)?
            .iter()
            .fold(0u64, |total, (_, p)| total.saturating_add(p.planned_runs())))
    }
}

/// Checks that every KPI of the sweep's chart is one the first point has.
fn check_kpis(sweep: &SweepSpec, rows: &[SweepPoint]) -> Result<()> {
    if let Some(first) = rows.first() {
        for (i, name) in sweep.kpis.iter().enumerate() {
            if first.kpi(name).is_none() {
                let names: Vec<&str> = first.kpis.iter().map(|k| k.name.as_str()).collect();
                return Err(invalid(
                    format!("$.sweep.kpis[{i}]"),
                    format!(
                        "no KPI is named `{name}`; the points have {}",
                        names.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A point's run error, naming the point.
fn at_point(sweep: &SweepSpec, values: &[f64], e: Error) -> Error {
    let at = sweep
        .vary
        .iter()
        .zip(values)
        .map(|(v, x)| format!("{} = {x}", v.path))
        .collect::<Vec<_>>()
        .join(", ");
    match e {
        Error::InvalidDocument { path, reason } => {
            invalid(path, format!("{reason} (at the sweep's point {at})"))
        }
        other => invalid("$.sweep", format!("at the point {at}: {other}")),
    }
}

impl SweepResults {
    /// The results as pretty JSON.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] if serialization fails (it does not for
    /// results a sweep made).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| invalid("$", e.to_string()))
    }

    /// Reads results written by [`to_json`](SweepResults::to_json).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming where the text does not fit.
    pub fn from_json(text: &str) -> Result<SweepResults> {
        super::parse(text, "")
    }

    /// The table in long form, one row per point and KPI: `point`, one
    /// column per varied field (its path), `kpi`, `runs`, `mean`,
    /// `std_dev`, `ci_low`, `ci_high` (empty where no run defined the
    /// KPI).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] if the CSV writer fails (it does not
    /// writing to memory).
    pub fn to_csv(&self) -> Result<String> {
        let fail = |e: csv::Error| invalid("$", e.to_string());
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec!["point".to_string()];
        header.extend(self.parameters.iter().cloned());
        header.extend(["kpi", "runs", "mean", "std_dev", "ci_low", "ci_high"].map(String::from));
        w.write_record(&header).map_err(fail)?;
        for (k, p) in self.points.iter().enumerate() {
            for kpi in &p.kpis {
                let e = &kpi.estimate;
                let figure = |x: f64| {
                    if e.runs == 0 {
                        String::new()
                    } else {
                        x.to_string()
                    }
                };
                let mut row = vec![k.to_string()];
                row.extend(p.values.iter().map(f64::to_string));
                row.push(kpi.name.clone());
                row.push(e.runs.to_string());
                row.extend([e.mean, e.std_dev, e.ci_low, e.ci_high].map(figure));
                w.write_record(&row).map_err(fail)?;
            }
        }
        let bytes = w.into_inner().map_err(|e| invalid("$", e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| invalid("$", e.to_string()))
    }

    /// The KPI `name` against the first varied field: one series per
    /// combination of the other fields' values (one series when only one
    /// field varies), named by those values, points sorted by the first
    /// field.
    pub fn series(&self, name: &str) -> Vec<(String, Vec<(f64, Estimate)>)> {
        let mut series: Vec<(String, Vec<(f64, Estimate)>)> = Vec::new();
        for p in &self.points {
            let Some(e) = p.kpi(name) else { continue };
            let label = self
                .parameters
                .iter()
                .zip(&p.values)
                .skip(1)
                .map(|(path, x)| format!("{} = {x}", path.trim_start_matches("$.")))
                .collect::<Vec<_>>()
                .join(", ");
            let x = p.values.first().copied().unwrap_or(0.0);
            match series.iter_mut().find(|(l, _)| *l == label) {
                Some((_, points)) => points.push((x, *e)),
                None => series.push((label, vec![(x, *e)])),
            }
        }
        for (_, points) in &mut series {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        series
    }
}
