//! Simulated against observed cascade trees, KPI by KPI.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::distribution::{CascadeTable, Distribution, TreeKpi, ValueCount, number};
use super::ks::{KsMethod, KsTest, ks_two_sample};
use crate::error::{Error, Result};

/// A few figures of one side of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// Trees with a value.
    pub count: u64,
    /// The values in the test: `count`, or the sample's size when the
    /// distribution keeps a sample.
    pub tested: u64,
    /// The mean (`None` without values).
    pub mean: Option<f64>,
    /// The median (`None` without values).
    pub median: Option<f64>,
    /// The 90th percentile (`None` without values).
    pub p90: Option<f64>,
}

/// One KPI of a [`Comparison`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiComparison {
    /// The KPI's name ([`TreeKpi::name`]).
    pub kpi: String,
    /// The simulated trees.
    pub simulated: Side,
    /// The observed trees; times divided by the step length.
    pub observed: Side,
    /// The two-sample Kolmogorov–Smirnov test, simulated as sample a,
    /// observed as sample b; `None` when it was not made (see `note`).
    pub ks: Option<KsTest>,
    /// Why the test was not made, when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Simulated and observed cascade trees side by side: each tree KPI's
/// figures and a two-sample Kolmogorov–Smirnov test ([`compare`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// How many of the observed file's time units one simulation step
    /// stands for; `None`: the times were not compared.
    pub step_length: Option<f64>,
    /// One entry per KPI, in [`TreeKpi::ALL`] order.
    pub kpis: Vec<KpiComparison>,
}

impl Comparison {
    /// The entry of `kpi`, if the comparison has it.
    pub fn kpi(&self, kpi: TreeKpi) -> Option<&KpiComparison> {
        self.kpis.iter().find(|k| k.kpi == kpi.name())
    }
}

fn side(d: &Distribution, scale: f64) -> Side {
    let s = |x: Option<f64>| x.map(|v| v / scale);
    Side {
        count: d.count,
        tested: d.sample_size(),
        mean: s(d.mean),
        median: s(d.median()),
        p90: s(d.quantile(0.9)),
    }
}

/// Compares simulated trees (a report's `tree_kpis`) with observed ones
/// ([`CascadeTable::from_cascades`]), KPI by KPI: the count, mean, median
/// and 90th percentile of each side, and the two-sample
/// Kolmogorov–Smirnov test of their distributions
/// ([`ks_two_sample`]).
///
/// Simulated times are in steps and observed ones in the file's unit:
/// with `step_length` (file units per step, e.g. 60 for minutes in the
/// file and hours in the model) the observed times are divided by it
/// before they are compared; without, the time KPIs are listed with a
/// note and no test. A KPI with no value on a side has no test either.
///
/// # Errors
/// [`Error::InvalidParameter`] for a `step_length` that is not a positive
/// finite number.
///
/// # Example
/// ```
/// use wom::observed::{CascadeTable, TreeKpi, TreeKpis, compare};
///
/// let tree = |size, depth| TreeKpis { size, depth, structural_virality: None,
///                                     time_to_50: 0.0, time_to_90: 0.0 };
/// let simulated = CascadeTable::from_trees(&[tree(1, 0), tree(1, 0), tree(2, 1), tree(3, 1)], "step");
/// let observed = CascadeTable::from_trees(&[tree(3, 2), tree(5, 2)], "minute");
/// let c = compare(&simulated, &observed, None)?;
/// let size = c.kpi(TreeKpi::Size).unwrap();
/// // F_sim(2) = 3/4, F_obs(2) = 0.
/// assert_eq!(size.ks.unwrap().d, 0.75);
/// assert!(c.kpi(TreeKpi::TimeTo50).unwrap().ks.is_none());
/// # Ok::<(), wom::Error>(())
/// ```
pub fn compare(
    simulated: &CascadeTable,
    observed: &CascadeTable,
    step_length: Option<f64>,
) -> Result<Comparison> {
    if let Some(l) = step_length
        && !(l.is_finite() && l > 0.0)
    {
        return Err(Error::param(
            "step_length",
            l,
            "must be a positive number (file time units per step)",
        ));
    }
    let mut kpis = Vec::with_capacity(TreeKpi::ALL.len());
    for &kpi in TreeKpi::ALL {
        let (sim, obs) = (simulated.kpi(kpi), observed.kpi(kpi));
        let scale = if kpi.is_time() {
            step_length.unwrap_or(1.0)
        } else {
            1.0
        };
        let scaled: Vec<ValueCount> = obs
            .values
            .iter()
            .map(|v| ValueCount {
                value: v.value / scale,
                count: v.count,
            })
            .collect();
        let (ks, note) = if kpi.is_time() && step_length.is_none() {
            (
                None,
                Some(format!(
                    "simulated times are in steps, observed ones in {}: give a step length \
                     (file time units per step) to compare them",
                    unit(observed)
                )),
            )
        } else if sim.sample_size() == 0 || obs.sample_size() == 0 {
            let which = if sim.sample_size() == 0 {
                "simulated"
            } else {
                "observed"
            };
            (None, Some(format!("no {which} tree has a value")))
        } else {
            (Some(ks_two_sample(&sim.values, &scaled)?), None)
        };
        kpis.push(KpiComparison {
            kpi: kpi.name().to_string(),
            simulated: side(sim, 1.0),
            observed: side(obs, scale),
            ks,
            note,
        });
    }
    Ok(Comparison { step_length, kpis })
}

fn unit(t: &CascadeTable) -> String {
    if t.time_unit.is_empty() {
        "the file's unit".to_string()
    } else {
        format!("{}s", t.time_unit)
    }
}

/// A p-value as text: four significant digits, `< 1e-15` below that.
pub(crate) fn p_text(p: f64) -> String {
    if p < 1e-15 {
        "< 1e-15".to_string()
    } else {
        number(p)
    }
}

impl fmt::Display for Comparison {
    /// One KPI a line: each side's trees, mean and median, then KS D, p
    /// and how p was computed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.step_length {
            Some(l) => writeln!(f, "observed times divided by the step length {}", number(l))?,
            None => writeln!(f, "no step length: times not compared")?,
        }
        writeln!(
            f,
            "{:<20}  {:>9} {:>9} {:>9}  {:>9} {:>9} {:>9}  {:>7}  {:>9}  method",
            "KPI", "sim n", "mean", "median", "obs n", "mean", "median", "KS D", "p"
        )?;
        let figure = |x: Option<f64>| x.map_or("-".to_string(), number);
        for k in &self.kpis {
            let (d, p, method) = match &k.ks {
                Some(t) => (
                    format!("{:.4}", t.d),
                    p_text(t.p_value),
                    match t.method {
                        KsMethod::Exact => "exact",
                        KsMethod::Asymptotic => "asymptotic",
                    }
                    .to_string(),
                ),
                None => ("-".into(), "-".into(), String::new()),
            };
            write!(
                f,
                "{:<20}  {:>9} {:>9} {:>9}  {:>9} {:>9} {:>9}  {:>7}  {:>9}  {}",
                k.kpi,
                k.simulated.count,
                figure(k.simulated.mean),
                figure(k.simulated.median),
                k.observed.count,
                figure(k.observed.mean),
                figure(k.observed.median),
                d,
                p,
                method
            )?;
            if let Some(t) = &k.ks
                && (t.n_a != k.simulated.count || t.n_b != k.observed.count)
            {
                write!(f, " (tested on samples of {} and {})", t.n_a, t.n_b)?;
            }
            if let Some(note) = &k.note {
                write!(f, " ({note})")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
