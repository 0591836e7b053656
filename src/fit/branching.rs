//! The reproduction number of a branching process, estimated without a
//! network: from the sizes of cascades, or from the offspring counts of
//! full trees.
//!
//! # Cascade sizes: Borel–Tanner
//! When each active node passes the cascade on to a Poisson(R) number of
//! new nodes (the large-sparse-network limit of an independent cascade),
//! a cascade started by k seeds has total size s (seeds included) with
//! the Borel–Tanner probability
//!
//! ```text
//! P(s | k) = (k / s) e^{-R s} (R s)^{s-k} / (s - k)!,    s >= k,
//! ```
//!
//! so `ℓ(R) = Σ (s_i - k_i) ln R - R Σ s_i + const` and
//! `R̂ = Σ (s_i - k_i) / Σ s_i` (= 1 - n / Σ s with one seed each). The
//! standard error is `R̂ / sqrt(Σ (s_i - k_i))` (observed information) and
//! the interval the profile-likelihood (likelihood-ratio) one. The
//! formula gives the probability of a finite size for every R >= 0, so the
//! interval may pass 1 when the data are few. R̂ = 1 - 1/mean size also
//! holds for any offspring distribution with mean R (`E[s] = 1/(1 - R)`), so
//! it stays consistent when the offspring are overdispersed; its interval
//! does not (it is too narrow).
//!
//! # Cascade sizes: negative-binomial offspring
//! Blumberg & Lloyd-Smith (2013): offspring negative binomial with mean R
//! and dispersion k (k → ∞ is Poisson; small k, superspreading), one seed:
//!
//! ```text
//! P(s) = Γ(ks + s - 1) / (Γ(ks) Γ(s + 1)) · (R/k)^{s-1} / (1 + R/k)^{ks + s - 1}
//! ```
//!
//! [`fit_negative_binomial_sizes`] maximises it over (R, k) and gives R's
//! profile-likelihood interval (k profiled out).
//!
//! # Full trees
//! When every node's children are known (complete trees), the offspring
//! counts are observed directly: with Poisson offspring, the children C of
//! N nodes are Poisson(R N), `R̂ = C / N` (the same number as the size
//! estimate, since C = Σ s - n), with the likelihood-ratio interval of that
//! Poisson count; [`fit_offspring`] also gives the offspring variance and a
//! moment estimate of the negative-binomial dispersion
//! `k = R̂² / (variance - R̂)` when the variance exceeds the mean.
//!
//! # References
//! * J. C. Tanner, "A derivation of the Borel distribution", Biometrika 48
//!   (1961) 222–224.
//! * S. Blumberg, J. O. Lloyd-Smith, "Inference of R0 and transmission
//!   heterogeneity from the size distribution of stuttering chains", PLoS
//!   Computational Biology 9(5): e1002993 (2013).
//!
//! # Example
//! ```
//! use wom::fit::branching::{fit_borel, SizeSample};
//!
//! // Five cascades from one seed each, 12 nodes in all.
//! let sizes: Vec<SizeSample> = [1, 1, 2, 3, 5].iter().map(|&s| SizeSample::single(s)).collect();
//! let fit = fit_borel(&sizes, 0.95)?;
//! assert!((fit.r.estimate - 7.0 / 12.0).abs() < 1e-12);
//! assert!(fit.r.low < fit.r.estimate && fit.r.estimate < fit.r.high);
//! # Ok::<(), wom::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dist::chi_square_1_quantile;
use super::{Parameter, check_level};
use crate::error::{Error, Result};
use crate::observed::ObservedCascade;

/// One cascade's size, seeds included, and its number of seeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SizeSample {
    /// Nodes in the cascade, seeds included (>= seeds).
    pub size: u64,
    /// Seeds (>= 1).
    pub seeds: u64,
}

impl SizeSample {
    /// A cascade of `size` nodes from one seed.
    pub fn single(size: u64) -> Self {
        SizeSample { size, seeds: 1 }
    }
}

/// The reproduction number from cascade sizes (Borel–Tanner).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BorelFit {
    /// R, with its standard error and profile-likelihood interval.
    pub r: Parameter,
    /// The log-likelihood at R̂ (without the terms free of R).
    pub log_likelihood: f64,
    /// The intervals' confidence level.
    pub level: f64,
    /// Cascades.
    pub cascades: usize,
    /// Nodes over all cascades.
    pub nodes: u64,
    /// Seeds over all cascades.
    pub seeds: u64,
}

/// Offspring statistics of full trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OffspringFit {
    /// R = mean offspring, with the Poisson standard error and the
    /// likelihood-ratio interval.
    pub r: Parameter,
    /// The offspring variance (n - 1 denominator).
    pub variance: f64,
    /// The moment estimate of the negative-binomial dispersion k,
    /// `R̂² / (variance - R̂)`; `None` when the variance does not exceed
    /// the mean (no overdispersion).
    pub dispersion: Option<f64>,
    /// The intervals' confidence level.
    pub level: f64,
    /// Nodes whose offspring were counted.
    pub nodes: u64,
    /// Children over those nodes.
    pub children: u64,
}

/// The negative-binomial fit of cascade sizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NegativeBinomialFit {
    /// R, with the profile-likelihood interval (k profiled out); its
    /// standard error is the interval's half-width over the normal
    /// quantile.
    pub r: Parameter,
    /// The dispersion k at the maximum.
    pub k: f64,
    /// The log-likelihood at the maximum.
    pub log_likelihood: f64,
    /// The intervals' confidence level.
    pub level: f64,
    /// Cascades.
    pub cascades: usize,
}

/// `{x >= 0 : 2(ℓ(x̂) - ℓ(x)) <= cut}` for a unimodal `ll` with its
/// maximum at `hat`, searching up to `limit`.
fn lr_interval(hat: f64, level: f64, limit: f64, ll: impl Fn(f64) -> f64) -> (f64, f64) {
    let cut = ll(hat) - chi_square_1_quantile(level) / 2.0;
    let within = |x: f64| {
        let v = ll(x);
        v.is_finite() && v >= cut
    };
    let bisect = |mut lo: f64, mut hi: f64, lo_within: bool| {
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if within(mid) == lo_within {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    let low = if hat <= 0.0 || within(0.0) {
        0.0
    } else {
        bisect(0.0, hat, false)
    };
    let mut top = (2.0 * hat).max(1.0);
    while within(top) && top < limit {
        top *= 2.0;
    }
    let high = if within(top) {
        top
    } else {
        bisect(hat, top, true)
    };
    (low, high)
}

/// `ℓ(R) = c ln R - R s` with its maximum at c / s: the likelihood of both
/// Borel–Tanner sizes and Poisson offspring counts.
fn poisson_like(c: f64, s: f64, level: f64, name: &str) -> (Parameter, f64) {
    let hat = c / s;
    let ll = |r: f64| if c > 0.0 { c * r.ln() - r * s } else { -r * s };
    let (low, high) = lr_interval(hat, level, 1e9, ll);
    (
        Parameter {
            name: name.to_string(),
            estimate: hat,
            std_error: c.sqrt() / s,
            low,
            high,
        },
        ll(hat),
    )
}

/// Fits R to cascade sizes under Poisson offspring (Borel–Tanner; see the
/// [module documentation](self)).
///
/// # Errors
/// [`Error::InvalidParameter`] for no cascade, a sample with no seed or
/// with fewer nodes than seeds, sizes whose total passes `u64::MAX`
/// (naming `sizes[i]`), or a level outside (0, 1).
pub fn fit_borel(sizes: &[SizeSample], level: f64) -> Result<BorelFit> {
    check_level(level)?;
    check_sizes(sizes)?;
    let nodes: u64 = sizes.iter().map(|s| s.size).sum();
    let seeds: u64 = sizes.iter().map(|s| s.seeds).sum();
    let (r, log_likelihood) = poisson_like((nodes - seeds) as f64, nodes as f64, level, "R");
    Ok(BorelFit {
        r,
        log_likelihood,
        level,
        cascades: sizes.len(),
        nodes,
        seeds,
    })
}

fn check_sizes(sizes: &[SizeSample]) -> Result<()> {
    if sizes.is_empty() {
        return Err(Error::param("sizes", "[]", "no cascade to fit"));
    }
    // The seeds never exceed the sizes, so a total of sizes that fits in
    // u64 bounds every sum the fits take.
    let mut total: u64 = 0;
    for (i, s) in sizes.iter().enumerate() {
        if s.seeds == 0 || s.size < s.seeds {
            return Err(Error::param(
                &format!("sizes[{i}]"),
                format!("size {}, seeds {}", s.size, s.seeds),
                "a cascade needs at least one seed and at least as many nodes as seeds",
            ));
        }
        total = total.checked_add(s.size).ok_or_else(|| {
            Error::param(
                &format!("sizes[{i}]"),
                format!("size {}", s.size),
                format!("the sizes add up to more than {} nodes", u64::MAX),
            )
        })?;
    }
    Ok(())
}

/// Fits R = mean offspring to the offspring counts of full trees (every
/// node's children known), with the variance and a dispersion estimate.
///
/// # Errors
/// [`Error::InvalidParameter`] for no count or a level outside (0, 1).
pub fn fit_offspring(counts: &[u64], level: f64) -> Result<OffspringFit> {
    check_level(level)?;
    if counts.is_empty() {
        return Err(Error::param("offspring", "[]", "no node to count"));
    }
    let nodes = counts.len() as u64;
    let children: u64 = counts.iter().sum();
    let (r, _) = poisson_like(children as f64, nodes as f64, level, "R");
    let mean = r.estimate;
    let variance = if nodes > 1 {
        counts
            .iter()
            .map(|&c| (c as f64 - mean) * (c as f64 - mean))
            .sum::<f64>()
            / (nodes - 1) as f64
    } else {
        0.0
    };
    Ok(OffspringFit {
        r,
        variance,
        dispersion: (variance > mean && mean > 0.0).then(|| mean * mean / (variance - mean)),
        level,
        nodes,
        children,
    })
}

/// The offspring count of every node of an observed cascade: its
/// children along the cascade's arcs. Meaningful as a sample of offspring
/// when the cascade is complete (every child recorded).
pub fn offspring_counts(cascade: &ObservedCascade) -> Vec<u64> {
    let mut counts = vec![0u64; cascade.node_count()];
    for arc in cascade.arcs() {
        counts[arc.parent as usize] += 1;
    }
    counts
}

/// `ln P(s)` of the negative-binomial size distribution, one seed.
fn nb_log_size(s: f64, r: f64, k: f64) -> f64 {
    let lg = libm::lgamma;
    let base = lg(k * s + s - 1.0) - lg(k * s) - lg(s + 1.0);
    if s == 1.0 {
        // P(1) = (1 + R/k)^{-k}.
        return -k * (r / k).ln_1p();
    }
    base + (s - 1.0) * (r / k).ln() - (k * s + s - 1.0) * (r / k).ln_1p()
}

/// The maximum of a unimodal `f` on `[lo, hi]` by golden-section search.
fn golden(mut lo: f64, mut hi: f64, f: impl Fn(f64) -> f64) -> (f64, f64) {
    const G: f64 = 0.618_033_988_749_894_9;
    let mut a = hi - G * (hi - lo);
    let mut b = lo + G * (hi - lo);
    let (mut fa, mut fb) = (f(a), f(b));
    for _ in 0..80 {
        if fa < fb {
            lo = a;
            a = b;
            fa = fb;
            b = lo + G * (hi - lo);
            fb = f(b);
        } else {
            hi = b;
            b = a;
            fb = fa;
            a = hi - G * (hi - lo);
            fa = f(a);
        }
    }
    if fa > fb { (a, fa) } else { (b, fb) }
}

/// Fits R and the dispersion k of negative-binomial offspring to the
/// sizes of single-seed cascades (Blumberg & Lloyd-Smith 2013).
///
/// The search runs over ln k in [-7, 7] (k from 0.001 to 1100; k at the
/// top means no detectable overdispersion) and R in [0, 20].
///
/// # Errors
/// [`Error::InvalidParameter`] for no cascade, a cascade with other than
/// one seed (naming `sizes[i]`), or a level outside (0, 1).
pub fn fit_negative_binomial_sizes(
    sizes: &[SizeSample],
    level: f64,
) -> Result<NegativeBinomialFit> {
    check_level(level)?;
    check_sizes(sizes)?;
    if let Some(i) = sizes.iter().position(|s| s.seeds != 1) {
        return Err(Error::param(
            &format!("sizes[{i}]"),
            format!("seeds {}", sizes[i].seeds),
            "the negative-binomial size distribution is for cascades from one seed",
        ));
    }
    let mut groups: BTreeMap<u64, f64> = BTreeMap::new();
    for s in sizes {
        *groups.entry(s.size).or_insert(0.0) += 1.0;
    }
    let ll = |r: f64, k: f64| -> f64 {
        if r <= 0.0 {
            // R = 0: every cascade is its seed.
            return if groups.keys().all(|&s| s == 1) {
                0.0
            } else {
                f64::NEG_INFINITY
            };
        }
        groups
            .iter()
            .map(|(&s, &n)| n * nb_log_size(s as f64, r, k))
            .sum()
    };
    let r_max = 20.0;
    // The profile over k at a given R.
    let profile = |r: f64| golden(-7.0, 7.0, |lk| ll(r, lk.exp()));
    let (r_hat, best) = golden(0.0, r_max, |r| profile(r).1);
    let (lk_hat, _) = profile(r_hat);
    let cut = best - chi_square_1_quantile(level) / 2.0;
    let within = |r: f64| profile(r).1 >= cut;
    let bisect = |mut lo: f64, mut hi: f64, lo_within: bool| {
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if within(mid) == lo_within {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    };
    let low = if within(1e-12) {
        0.0
    } else {
        bisect(1e-12, r_hat, false)
    };
    let high = if within(r_max) {
        r_max
    } else {
        bisect(r_hat, r_max, true)
    };
    let z = super::dist::normal_quantile(0.5 + level / 2.0);
    Ok(NegativeBinomialFit {
        r: Parameter {
            name: "R".to_string(),
            estimate: r_hat,
            std_error: (high - low) / (2.0 * z),
            low,
            high,
        },
        k: lk_hat.exp(),
        log_likelihood: best,
        level,
        cascades: sizes.len(),
    })
}
