//! The Bass model fitted to a sales (or adoption) series by nonlinear
//! least squares on its continuous-time closed form (Srinivasan & Mason
//! 1986), and the mapping between the continuous p, q and the per-step
//! parameters of the network Bass model.
//!
//! # The model
//! The share of the market that has adopted by time t, from F(0) = 0,
//! solves dF/dt = (p + q F)(1 - F):
//!
//! ```text
//! F(t) = (1 - e^{-(p+q) t}) / (1 + (q/p) e^{-(p+q) t})
//! ```
//!
//! With period length Δ ([`BassFitOptions::step`]) the sales of period
//! i = 1..n are, under [`BassForm::Interval`] (Srinivasan & Mason's form,
//! the default),
//!
//! ```text
//! S_i = m [F(i Δ) - F((i - 1) Δ)] + e_i
//! ```
//!
//! and under [`BassForm::Rate`] the rate at the period's end times its
//! length, `S_i = m Δ f(i Δ) + e_i` with `f = dF/dt = (p + qF)(1 - F)`
//! (the form many textbook and R examples fit with `nls`).
//!
//! # Estimation
//! Levenberg–Marquardt (Marquardt's scaling by the diagonal of JᵀJ) on the
//! residual sum of squares, with analytic derivatives, started from the
//! discrete regression of Bass (1969), `S_i = a + b Y_{i-1} + c Y_{i-1}²`
//! (Y the cumulative sales), and from a grid of fallbacks; the smallest
//! sum of squares wins. Standard errors are the square roots of the
//! diagonal of `σ̂² (JᵀJ)⁻¹` at the estimate, with `σ̂² = RSS / (n - 3)`
//! (the residual standard error is `σ̂`, on n - 3 degrees of freedom), and
//! intervals `estimate ± t_{n-3} · SE` with Student's t quantile: what R's
//! `nls` reports.
//!
//! # References
//! * F. M. Bass, "A new product growth for model consumer durables",
//!   Management Science 15(5), 215–227 (1969).
//! * V. Srinivasan, C. H. Mason, "Nonlinear least squares estimation of new
//!   product diffusion models", Marketing Science 5(2), 169–178 (1986).
//!
//! # Example
//! ```
//! use wom::fit::bass::{bass_cdf, fit_bass, BassFitOptions};
//!
//! // Noise-free sales of m = 1000, p = 0.03, q = 0.4.
//! let sales: Vec<f64> = (1..=12)
//!     .map(|i| 1000.0 * (bass_cdf(0.03, 0.4, i as f64) - bass_cdf(0.03, 0.4, i as f64 - 1.0)))
//!     .collect();
//! let fit = fit_bass(&sales, &BassFitOptions::default())?;
//! assert!((fit.m.estimate - 1000.0).abs() < 1e-6);
//! assert!((fit.q.estimate - 0.4).abs() < 1e-9);
//! # Ok::<(), wom::Error>(())
//! ```

use serde::{Deserialize, Serialize};

use super::dist::student_t_quantile;
use super::{Parameter, check_level};
use crate::error::{Error, Result};
use crate::propagation::bass::BassOptions;

/// Which sales the model predicts for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BassForm {
    /// The adoptions within the period, `m [F(iΔ) - F((i-1)Δ)]`
    /// (Srinivasan & Mason 1986).
    #[default]
    Interval,
    /// The adoption rate at the period's end times its length,
    /// `m Δ f(iΔ)`.
    Rate,
}

/// What a series holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesKind {
    /// Sales (adoptions) per period.
    #[default]
    Sales,
    /// Cumulative sales after each period: differenced into sales per
    /// period, the first value being the first period's sales
    /// ([`sales_from_cumulative`]).
    Cumulative,
}

/// Starting values for the search.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BassStart {
    /// Market size.
    pub m: f64,
    /// Coefficient of innovation, per time unit.
    pub p: f64,
    /// Coefficient of imitation, per time unit.
    pub q: f64,
}

/// How to fit: see [`fit_bass`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BassFitOptions {
    /// Which sales the model predicts. Default [`BassForm::Interval`].
    pub form: BassForm,
    /// The length Δ of a period in the time unit of p and q. Default 1.
    pub step: f64,
    /// Confidence level of the intervals, in (0, 1). Default 0.95.
    pub level: f64,
    /// A starting point tried besides the regression's and the grid's.
    pub start: Option<BassStart>,
}

impl Default for BassFitOptions {
    fn default() -> Self {
        BassFitOptions {
            form: BassForm::Interval,
            step: 1.0,
            level: 0.95,
            start: None,
        }
    }
}

/// Where the winning search started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartFrom {
    /// Bass's (1969) discrete regression.
    Regression,
    /// [`BassFitOptions::start`].
    Given,
    /// A point of the fallback grid.
    Grid,
}

/// A Bass model fitted to a series: estimates, standard errors, intervals
/// and the residual standard error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BassFit {
    /// Market size m.
    pub m: Parameter,
    /// Coefficient of innovation p, per time unit.
    pub p: Parameter,
    /// Coefficient of imitation q, per time unit.
    pub q: Parameter,
    /// Residual standard error `sqrt(RSS / (n - 3))`.
    pub residual_se: f64,
    /// Its degrees of freedom, n - 3.
    pub df: usize,
    /// Residual sum of squares.
    pub rss: f64,
    /// `1 - RSS / TSS` (TSS about the mean sales).
    pub r_squared: f64,
    /// The covariance matrix of (m, p, q), `σ̂² (JᵀJ)⁻¹`.
    pub covariance: [[f64; 3]; 3],
    /// The form fitted.
    pub form: BassForm,
    /// The period length Δ.
    pub step: f64,
    /// The intervals' confidence level.
    pub level: f64,
    /// The sales fitted (per period).
    pub observed: Vec<f64>,
    /// The model's sales per period at the estimate.
    pub fitted: Vec<f64>,
    /// Where the winning search started.
    pub start_from: StartFrom,
    /// Levenberg–Marquardt iterations of the winning search.
    pub iterations: u32,
    /// Whether the winning search stopped at a minimum (no step lowered
    /// the sum of squares, or the steps and gains fell below the
    /// tolerances) rather than at its cap of 1,000 iterations. A search
    /// still improving at the cap is usually creeping along m → ∞ on a
    /// series with no sign of saturation: m, and with it p, is not
    /// identified, and the estimates and standard errors are those of the
    /// point where it stopped.
    pub converged: bool,
}

impl BassFit {
    /// The fitted share adopted by time `t`, `F(t)`.
    pub fn share(&self, t: f64) -> f64 {
        bass_cdf(self.p.estimate, self.q.estimate, t)
    }

    /// The fitted cumulative sales by time `t`, `m F(t)`.
    pub fn cumulative(&self, t: f64) -> f64 {
        self.m.estimate * self.share(t)
    }

    /// The model's sales in the period that ends at time `t` (as fitted:
    /// [`BassForm::Interval`] or [`BassForm::Rate`]).
    pub fn sales_at(&self, t: f64) -> f64 {
        let (m, p, q) = (self.m.estimate, self.p.estimate, self.q.estimate);
        model_sales(self.form, self.step, m, p, q, t)
    }

    /// The time of peak sales `ln(q/p) / (p + q)` (0 when q <= p).
    pub fn peak_time(&self) -> f64 {
        let (p, q) = (self.p.estimate, self.q.estimate);
        if q <= p { 0.0 } else { (q / p).ln() / (p + q) }
    }
}

/// Bass's share adopted by time `t >= 0`,
/// `F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t})`, for `p > 0`,
/// `p + q > 0`.
pub fn bass_cdf(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    // 1 - e without cancellation for small (p+q)t.
    -(-(p + q) * t).exp_m1() / (1.0 + (q / p) * e)
}

/// The model's sales of the period ending at `t` and their derivatives
/// with respect to (m, p, q).
fn sales_and_gradient(
    form: BassForm,
    step: f64,
    m: f64,
    p: f64,
    q: f64,
    t: f64,
) -> (f64, [f64; 3]) {
    match form {
        BassForm::Interval => {
            let (f1, dp1, dq1) = cdf_gradient(p, q, t);
            let (f0, dp0, dq0) = cdf_gradient(p, q, (t - step).max(0.0));
            let d = f1 - f0;
            (m * d, [d, m * (dp1 - dp0), m * (dq1 - dq0)])
        }
        BassForm::Rate => {
            let (f, dp, dq) = cdf_gradient(p, q, t);
            let rate = (p + q * f) * (1.0 - f);
            // d/dθ [(p + qF)(1 - F)] = (∂(p + qF)/∂θ)(1 - F) - (p + qF) ∂F/∂θ.
            let drp = (1.0 + q * dp) * (1.0 - f) - (p + q * f) * dp;
            let drq = (f + q * dq) * (1.0 - f) - (p + q * f) * dq;
            (
                m * step * rate,
                [step * rate, m * step * drp, m * step * drq],
            )
        }
    }
}

fn model_sales(form: BassForm, step: f64, m: f64, p: f64, q: f64, t: f64) -> f64 {
    sales_and_gradient(form, step, m, p, q, t).0
}

/// F(t) and its derivatives with respect to p and q.
///
/// With s = p + q, E = e^{-st}, r = q/p: F = (1 - E)/(1 + rE),
/// ∂F/∂E = -(1 + r)/(1 + rE)², ∂F/∂r = -(1 - E)E/(1 + rE)², ∂E/∂s = -tE.
fn cdf_gradient(p: f64, q: f64, t: f64) -> (f64, f64, f64) {
    let e = (-(p + q) * t).exp();
    let r = q / p;
    let den = 1.0 + r * e;
    let f = -(-(p + q) * t).exp_m1() / den;
    let df_de = -(1.0 + r) / (den * den);
    let df_dr = -(1.0 - e) * e / (den * den);
    let via_s = df_de * (-t * e);
    (f, via_s + df_dr * (-q / (p * p)), via_s + df_dr / p)
}

/// Differences a cumulative series into sales per period: the first
/// value is the first period's sales (the series starts at launch).
///
/// # Errors
/// [`Error::InvalidParameter`] naming `cumulative[i]` when a value is not
/// finite, is negative, or is below the one before it.
pub fn sales_from_cumulative(cumulative: &[f64]) -> Result<Vec<f64>> {
    let mut previous = 0.0;
    let mut sales = Vec::with_capacity(cumulative.len());
    for (i, &y) in cumulative.iter().enumerate() {
        if !y.is_finite() || y < 0.0 {
            return Err(Error::param(
                &format!("cumulative[{i}]"),
                y,
                "a cumulative count must be a finite number >= 0",
            ));
        }
        if y < previous {
            return Err(Error::param(
                &format!("cumulative[{i}]"),
                y,
                format!("a cumulative series cannot fall (the value before is {previous})"),
            ));
        }
        sales.push(y - previous);
        previous = y;
    }
    Ok(sales)
}

/// Checks a sales series: at least 4 values, each finite and `>= 0`, not
/// all zero.
fn check_sales(sales: &[f64]) -> Result<()> {
    if sales.len() < 4 {
        return Err(Error::param(
            "sales",
            format!("{} values", sales.len()),
            "the fit of m, p and q needs at least 4 periods (n - 3 >= 1 degrees of freedom)",
        ));
    }
    for (i, &s) in sales.iter().enumerate() {
        if !s.is_finite() || s < 0.0 {
            return Err(Error::param(
                &format!("sales[{i}]"),
                s,
                "sales must be finite numbers >= 0",
            ));
        }
    }
    if sales.iter().all(|&s| s == 0.0) {
        return Err(Error::param("sales", "all 0", "no sales to fit"));
    }
    Ok(())
}

/// Bass's (1969) discrete regression `S_i = a + b Y_{i-1} + c Y_{i-1}²`
/// by ordinary least squares, turned into (m, p, q):
/// `m = (-b - sqrt(b² - 4ac)) / (2c)`, `p = a/m`, `q = -cm`, per period.
/// `None` when the regression does not give a valid point.
fn regression_start(sales: &[f64]) -> Option<[f64; 3]> {
    let mut xtx = [[0.0; 3]; 3];
    let mut xty = [0.0; 3];
    let mut y_prev = 0.0;
    for &s in sales {
        let x = [1.0, y_prev, y_prev * y_prev];
        for i in 0..3 {
            for j in 0..3 {
                xtx[i][j] += x[i] * x[j];
            }
            xty[i] += x[i] * s;
        }
        y_prev += s;
    }
    let [a, b, c] = solve3(xtx, xty)?;
    if c >= 0.0 {
        return None;
    }
    let disc = b * b - 4.0 * a * c;
    if disc < 0.0 {
        return None;
    }
    let m = (-b - disc.sqrt()) / (2.0 * c);
    let (p, q) = (a / m, -c * m);
    (m.is_finite() && m > 0.0 && p > 0.0 && p.is_finite() && q.is_finite() && p + q > 0.0)
        .then_some([m, p, q])
}

#[allow(clippy::needless_range_loop)] // Index loops read as the algebra.
/// Solves the 3×3 system `a x = b` by Gaussian elimination with partial
/// pivoting; `None` when singular.
fn solve3(mut a: [[f64; 3]; 3], mut b: [f64; 3]) -> Option<[f64; 3]> {
    // Scale rows and columns by the diagonal to tame the ranges of m, p, q.
    let scale: Vec<f64> = (0..3)
        .map(|i| if a[i][i] > 0.0 { a[i][i].sqrt() } else { 1.0 })
        .collect();
    for i in 0..3 {
        for j in 0..3 {
            a[i][j] /= scale[i] * scale[j];
        }
        b[i] /= scale[i];
    }
    for col in 0..3 {
        let pivot = (col..3).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-14 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..3 {
            let f = a[row][col] / a[col][col];
            for k in col..3 {
                a[row][k] -= f * a[col][k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; 3];
    for row in (0..3).rev() {
        let mut s = b[row];
        for k in row + 1..3 {
            s -= a[row][k] * x[k];
        }
        x[row] = s / a[row][row];
    }
    let x = [x[0] / scale[0], x[1] / scale[1], x[2] / scale[2]];
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The inverse of a symmetric positive definite 3×3 matrix; `None` when
/// singular.
fn invert3(a: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let mut inv = [[0.0; 3]; 3];
    for col in 0..3 {
        let mut e = [0.0; 3];
        e[col] = 1.0;
        let x = solve3(a, e)?;
        for row in 0..3 {
            inv[row][col] = x[row];
        }
    }
    Some(inv)
}

/// A point is feasible when m > 0, p > 0 and p + q > 0.
fn feasible(theta: [f64; 3]) -> bool {
    theta.iter().all(|v| v.is_finite())
        && theta[0] > 0.0
        && theta[1] > 0.0
        && theta[1] + theta[2] > 0.0
}

/// The iteration cap of one Levenberg–Marquardt search.
const MAX_ITERATIONS: u32 = 1000;

struct Problem<'a> {
    sales: &'a [f64],
    form: BassForm,
    step: f64,
}

impl Problem<'_> {
    fn rss(&self, theta: [f64; 3]) -> f64 {
        let [m, p, q] = theta;
        self.sales
            .iter()
            .enumerate()
            .map(|(i, &s)| {
                let t = (i + 1) as f64 * self.step;
                let r = s - model_sales(self.form, self.step, m, p, q, t);
                r * r
            })
            .sum()
    }

    /// JᵀJ and Jᵀr at θ.
    fn normal_equations(&self, theta: [f64; 3]) -> ([[f64; 3]; 3], [f64; 3]) {
        let [m, p, q] = theta;
        let mut jtj = [[0.0; 3]; 3];
        let mut jtr = [0.0; 3];
        for (i, &s) in self.sales.iter().enumerate() {
            let t = (i + 1) as f64 * self.step;
            let (g, grad) = sales_and_gradient(self.form, self.step, m, p, q, t);
            let r = s - g;
            for a in 0..3 {
                for b in 0..3 {
                    jtj[a][b] += grad[a] * grad[b];
                }
                jtr[a] += grad[a] * r;
            }
        }
        (jtj, jtr)
    }

    /// Levenberg–Marquardt from `start`: the point reached, its RSS, the
    /// iterations taken and whether it stopped at a minimum (not at the
    /// iteration cap).
    fn minimise(&self, start: [f64; 3]) -> ([f64; 3], f64, u32, bool) {
        let mut theta = start;
        let mut rss = self.rss(theta);
        let mut lambda = 1e-3;
        let mut iterations = 0;
        let mut converged = false;
        while iterations < MAX_ITERATIONS && lambda < 1e20 {
            iterations += 1;
            let (jtj, jtr) = self.normal_equations(theta);
            let mut improved = false;
            while lambda < 1e20 {
                let mut a = jtj;
                for (k, row) in a.iter_mut().enumerate() {
                    row[k] += lambda * jtj[k][k].max(1e-300);
                }
                let Some(delta) = solve3(a, jtr) else {
                    lambda *= 10.0;
                    continue;
                };
                let next = [
                    theta[0] + delta[0],
                    theta[1] + delta[1],
                    theta[2] + delta[2],
                ];
                let next_rss = if feasible(next) {
                    self.rss(next)
                } else {
                    f64::INFINITY
                };
                if next_rss.is_finite() && next_rss <= rss {
                    let small_step =
                        (0..3).all(|k| delta[k].abs() <= 1e-12 * (theta[k].abs() + 1e-300));
                    let small_gain = rss - next_rss <= 1e-15 * rss;
                    theta = next;
                    rss = next_rss;
                    lambda = (lambda / 3.0).max(1e-12);
                    improved = !(small_step || small_gain);
                    break;
                }
                lambda *= 4.0;
            }
            if !improved {
                converged = true;
                break;
            }
        }
        // Only reached with the damping at its ceiling: no step helps.
        converged |= lambda >= 1e20;
        (theta, rss, iterations, converged)
    }
}

/// Fits m, p and q to sales per period by nonlinear least squares (see the
/// [module documentation](self)).
///
/// # Arguments
/// * `sales` - sales (adoptions) in periods 1..n, each finite and `>= 0`
///   (a cumulative series first goes through [`sales_from_cumulative`]).
/// * `options` - form, period length, confidence level, a start.
///
/// # Returns
/// The fit, with standard errors, t intervals and the residual standard
/// error.
///
/// # Errors
/// [`Error::InvalidParameter`] for fewer than 4 periods, a value that is
/// not finite or is negative (naming `sales[i]`), all zeros, a step that
/// is not positive, a level outside (0, 1); and when no search reaches a
/// point where m, p, q and their covariance are defined (a series with no
/// diffusion curve in it).
pub fn fit_bass(sales: &[f64], options: &BassFitOptions) -> Result<BassFit> {
    check_sales(sales)?;
    if !(options.step.is_finite() && options.step > 0.0) {
        return Err(Error::param(
            "step",
            options.step,
            "the period length must be > 0",
        ));
    }
    check_level(options.level)?;
    if let Some(s) = options.start
        && !feasible([s.m, s.p, s.q])
    {
        return Err(Error::param(
            "start",
            format!("m = {}, p = {}, q = {}", s.m, s.p, s.q),
            "a start needs m > 0, p > 0 and p + q > 0",
        ));
    }
    let problem = Problem {
        sales,
        form: options.form,
        step: options.step,
    };
    let total: f64 = sales.iter().sum();
    let h = options.step;
    let mut starts: Vec<([f64; 3], StartFrom)> = Vec::new();
    if let Some(s) = options.start {
        starts.push(([s.m, s.p, s.q], StartFrom::Given));
    }
    if let Some([m, p, q]) = regression_start(sales) {
        // The regression's p and q are per period.
        starts.push(([m, p / h, q / h], StartFrom::Regression));
    }
    for m in [1.2, 2.0, 5.0] {
        for p in [0.002, 0.02, 0.1] {
            for q in [0.1, 0.4, 1.0] {
                starts.push(([m * total, p / h, q / h], StartFrom::Grid));
            }
        }
    }
    let mut best: Option<([f64; 3], f64, u32, StartFrom, bool)> = None;
    for (start, from) in starts {
        let (theta, rss, iterations, converged) = problem.minimise(start);
        if rss.is_finite() && best.as_ref().is_none_or(|b| rss < b.1 * (1.0 - 1e-12)) {
            best = Some((theta, rss, iterations, from, converged));
        }
    }
    let degenerate = || {
        Error::param(
            "sales",
            format!("{} values", sales.len()),
            "no Bass curve fits this series with defined standard errors (is there a rise and a fall, or at least a bend?)",
        )
    };
    let (theta, rss, iterations, start_from, converged) = best.ok_or_else(degenerate)?;
    let (jtj, _) = problem.normal_equations(theta);
    let inverse = invert3(jtj).ok_or_else(degenerate)?;
    let n = sales.len();
    let df = n - 3;
    let sigma2 = rss / df as f64;
    let mut covariance = [[0.0; 3]; 3];
    for a in 0..3 {
        for b in 0..3 {
            covariance[a][b] = sigma2 * inverse[a][b];
        }
    }
    if (0..3).any(|k| {
        covariance[k][k].is_nan() || covariance[k][k] < 0.0 || !covariance[k][k].is_finite()
    }) {
        return Err(degenerate());
    }
    let t = student_t_quantile(0.5 + options.level / 2.0, df as f64);
    let parameter = |k: usize, name: &str| {
        let se = covariance[k][k].sqrt();
        Parameter {
            name: name.to_string(),
            estimate: theta[k],
            std_error: se,
            low: theta[k] - t * se,
            high: theta[k] + t * se,
        }
    };
    let fitted: Vec<f64> = (1..=n)
        .map(|i| model_sales(options.form, h, theta[0], theta[1], theta[2], i as f64 * h))
        .collect();
    let mean = total / n as f64;
    let tss: f64 = sales.iter().map(|s| (s - mean) * (s - mean)).sum();
    Ok(BassFit {
        m: parameter(0, "m"),
        p: parameter(1, "p"),
        q: parameter(2, "q"),
        residual_se: sigma2.sqrt(),
        df,
        rss,
        r_squared: if tss > 0.0 { 1.0 - rss / tss } else { 1.0 },
        covariance,
        form: options.form,
        step: h,
        level: options.level,
        observed: sales.to_vec(),
        fitted,
        start_from,
        iterations,
        converged,
    })
}

/// The per-step parameters of the network Bass model
/// ([`Bass`](crate::propagation::bass::Bass)) that match a continuous-time
/// Bass model's hazards, for steps of length `step` (Δ, in the time unit
/// of p and q) on a network whose nodes have `mean_in_degree` in-arcs on
/// average (N - 1 on a complete graph of N nodes):
///
/// ```text
/// p_step = 1 - e^{-p Δ},      q_step = 1 - e^{-q Δ / k}
/// ```
///
/// # Derivation
/// In continuous time an unadopted consumer adopts at the hazard
/// `p + q F`, F the share adopted. A network Bass step adopts with
/// probability `1 - (1 - p_step)(1 - q_step)^{a}`, a the adopted
/// in-neighbours, which is `1 - e^{-(h_p + h_q a)}` with the per-step
/// hazards `h_p = -ln(1 - p_step)` and `h_q = -ln(1 - q_step)`. Over a step
/// of length Δ the continuous hazard accumulates `(p + q F) Δ`; with
/// `a ≈ k F` (mean field: each in-neighbour adopted with probability F)
/// the two agree for every F when `h_p = p Δ` and `h_q k = q Δ`.
///
/// # Limits
/// * Mean field: on a graph other than the complete one, a node's adopted
///   in-neighbours are not k F; clustering and degree spread slow or speed
///   the curve. The mapping is exact in expectation only on the complete
///   graph, up to an O(1/N) finite-size lag.
/// * Discrete steps: the network model holds F fixed within a step (its
///   update is synchronous), so its mean follows
///   `F_{j+1} = F_j + (1 - F_j)(1 - e^{-(p + q F_j)Δ})`
///   ([`mean_field_curve`]), whose distance from F(t) is O(Δ): take
///   several steps per period (Δ = 0.1 to 0.25 of a period) for a close
///   match.
///
/// # Errors
/// [`Error::InvalidParameter`] when p or q is negative or not finite, or
/// step or mean_in_degree is not positive.
pub fn to_network_bass(p: f64, q: f64, step: f64, mean_in_degree: f64) -> Result<BassOptions> {
    check_mapping(p, q, step, mean_in_degree)?;
    Ok(BassOptions {
        p: -(-p * step).exp_m1(),
        q: -(-q * step / mean_in_degree).exp_m1(),
    })
}

/// The continuous-time p and q (per time unit) whose hazards a network
/// Bass model's per-step parameters match: the inverse of
/// [`to_network_bass`], `p = -ln(1 - p_step)/Δ`,
/// `q = -k ln(1 - q_step)/Δ`.
///
/// # Errors
/// [`Error::InvalidParameter`] when a per-step parameter is outside
/// [0, 1), or step or mean_in_degree is not positive.
pub fn from_network_bass(
    options: BassOptions,
    step: f64,
    mean_in_degree: f64,
) -> Result<(f64, f64)> {
    for (name, v) in [("p", options.p), ("q", options.q)] {
        if !(v.is_finite() && (0.0..1.0).contains(&v)) {
            return Err(Error::param(
                name,
                v,
                "a per-step probability must be in [0, 1)",
            ));
        }
    }
    check_mapping(0.0, 0.0, step, mean_in_degree)?;
    Ok((
        -(-options.p).ln_1p() / step,
        -mean_in_degree * (-options.q).ln_1p() / step,
    ))
}

fn check_mapping(p: f64, q: f64, step: f64, mean_in_degree: f64) -> Result<()> {
    for (name, v) in [("p", p), ("q", q)] {
        if !(v.is_finite() && v >= 0.0) {
            return Err(Error::param(name, v, "must be a finite number >= 0"));
        }
    }
    if !(step.is_finite() && step > 0.0) {
        return Err(Error::param("step", step, "the step length must be > 0"));
    }
    if !(mean_in_degree.is_finite() && mean_in_degree > 0.0) {
        return Err(Error::param(
            "mean_in_degree",
            mean_in_degree,
            "the mean in-degree must be > 0",
        ));
    }
    Ok(())
}

/// The mean-field share adopted after steps 0..=steps of the network Bass
/// model mapped by [`to_network_bass`] with step length `step`:
/// `F_0 = 0`, `F_{j+1} = F_j + (1 - F_j)(1 - e^{-(p + q F_j)Δ})`.
/// It tends to F(jΔ) as Δ → 0, with an O(Δ) error.
pub fn mean_field_curve(p: f64, q: f64, step: f64, steps: usize) -> Vec<f64> {
    let mut f = 0.0;
    let mut curve = Vec::with_capacity(steps + 1);
    curve.push(f);
    for _ in 0..steps {
        f += (1.0 - f) * -(-(p + q * f) * step).exp_m1();
        curve.push(f);
    }
    curve
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::needless_range_loop)]
    fn gradient_matches_finite_differences() {
        for form in [BassForm::Interval, BassForm::Rate] {
            let (m, p, q, t, h) = (500.0, 0.02, 0.5, 3.0, 1.0);
            let (_, g) = sales_and_gradient(form, h, m, p, q, t);
            let e = 1e-6;
            let num = |k: usize| {
                let mut hi = [m, p, q];
                let mut lo = [m, p, q];
                let d = e * hi[k].abs();
                hi[k] += d;
                lo[k] -= d;
                (model_sales(form, h, hi[0], hi[1], hi[2], t)
                    - model_sales(form, h, lo[0], lo[1], lo[2], t))
                    / (2.0 * d)
            };
            for k in 0..3 {
                assert!(
                    (g[k] - num(k)).abs() <= 1e-6 * g[k].abs().max(1.0),
                    "{form:?} {k}"
                );
            }
        }
    }

    #[test]
    fn mapping_round_trips() {
        let o = to_network_bass(0.03, 0.38, 0.25, 99.0).unwrap();
        let (p, q) = from_network_bass(o, 0.25, 99.0).unwrap();
        assert!((p - 0.03).abs() < 1e-15 && (q - 0.38).abs() < 1e-14);
    }
}
