//! The two-sample Kolmogorov–Smirnov test, for value counts with ties.

use serde::{Deserialize, Serialize};

use super::distribution::ValueCount;
use crate::error::{Error, Result};

/// The largest product of the two sample sizes for which
/// [`ks_two_sample`] computes the exact p-value (O(m n) time, O(m + n)
/// memory: about a tenth of a second here); beyond it, the asymptotic one.
pub const EXACT_LIMIT: u128 = 25_000_000;

/// How a [`KsTest`]'s p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KsMethod {
    /// Exactly, over every way to split the pooled values into samples of
    /// the two sizes, ties included (the permutation distribution of D
    /// given the pooled values).
    Exact,
    /// By Kolmogorov's limiting distribution with Stephens' small-sample
    /// correction: conservative when there are ties.
    Asymptotic,
}

/// A two-sample Kolmogorov–Smirnov test: see [`ks_two_sample`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KsTest {
    /// D = sup_x |F_a(x) − F_b(x)|, the largest gap between the two
    /// empirical distribution functions, in [0, 1].
    pub d: f64,
    /// The probability of a D at least this large if both samples came from
    /// one distribution, in [0, 1].
    pub p_value: f64,
    /// How `p_value` was computed.
    pub method: KsMethod,
    /// The first sample's size.
    pub n_a: u64,
    /// The second sample's size.
    pub n_b: u64,
}

/// Sorted distinct values with counts, checked.
fn sorted(name: &str, sample: &[ValueCount]) -> Result<Vec<(f64, u64)>> {
    let mut v: Vec<(f64, u64)> = Vec::with_capacity(sample.len());
    for (i, x) in sample.iter().enumerate() {
        if !x.value.is_finite() {
            return Err(Error::param(
                &format!("{name}[{i}].value"),
                x.value,
                "must be a finite number",
            ));
        }
        if x.count > 0 {
            v.push((x.value + 0.0, x.count));
        }
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 += later.1;
            true
        } else {
            false
        }
    });
    let n: u64 = v.iter().map(|x| x.1).sum();
    if n == 0 {
        return Err(Error::param(name, "[]", "the sample is empty"));
    }
    Ok(v)
}

/// The two-sample Kolmogorov–Smirnov test of samples `a` and `b`, each
/// given as values with their counts (any order; repeated values are
/// ties, as discrete data such as cascade sizes have).
///
/// D is the largest gap |F_a(x) − F_b(x)| between the two empirical
/// distribution functions, taken after all values equal to x (so that
/// ties within or across the samples are handled as the step functions
/// they are). The p-value is two-sided:
///
/// * **exact** when m n ≤ [`EXACT_LIMIT`] (m, n the sample sizes): the
///   probability that D ≥ d when the m + n pooled values are split into
///   samples of sizes m and n uniformly at random, counted by walking the
///   lattice of paths from (0, 0) to (m, n) and stopping only at the ends
///   of runs of tied values (Hodges 1958; with ties, the conditional test
///   of Schröer & Trenkler 1995, as R's `ks.test(exact = TRUE)`). Without
///   ties it equals `scipy.stats.ks_2samp(a, b, method="exact")`;
/// * **asymptotic** beyond: Q_KS((√N_e + 0.12 + 0.11/√N_e) D) with
///   N_e = m n / (m + n) and Q_KS(λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}
///   (Kolmogorov's distribution; the correction is Stephens 1970's, as in
///   Numerical Recipes' `kstwo`). With ties it overstates p (the test is
///   conservative).
///
/// # Errors
/// [`Error::InvalidParameter`] for an empty sample (no count above 0) or
/// a value that is NaN or infinite.
///
/// # Complexity
/// O(k log k) for k distinct values, plus O(m n) time and O(m + n) memory
/// for the exact p-value.
///
/// # Example
/// ```
/// use wom::observed::{KsMethod, ValueCount, ks_two_sample};
///
/// let v = |value| ValueCount { value, count: 1 };
/// let a: Vec<_> = [1.0, 2.0, 3.0, 4.0].map(v).to_vec();
/// let b: Vec<_> = [5.0, 6.0, 7.0].map(v).to_vec();
/// let ks = ks_two_sample(&a, &b)?;
/// // Every value of a is below every value of b: D = 1, and only 2 of the
/// // C(7, 3) = 35 splits are that extreme.
/// assert_eq!((ks.d, ks.method), (1.0, KsMethod::Exact));
/// assert!((ks.p_value - 2.0 / 35.0).abs() < 1e-15);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn ks_two_sample(a: &[ValueCount], b: &[ValueCount]) -> Result<KsTest> {
    let a = sorted("a", a)?;
    let b = sorted("b", b)?;
    let m: u64 = a.iter().map(|x| x.1).sum();
    let n: u64 = b.iter().map(|x| x.1).sum();
    // Walk the pooled distinct values; D m n = max |i n − j m| at the end
    // of each run of equal values, with i, j the counts so far.
    let (mut i, mut j) = (0u64, 0u64);
    let (mut ia, mut ib) = (0usize, 0usize);
    let mut best: u128 = 0;
    // The pooled count at the end of each run of equal values.
    let mut block_ends: Vec<u64> = Vec::new();
    while ia < a.len() || ib < b.len() {
        let x = match (a.get(ia), b.get(ib)) {
            (Some(p), Some(q)) => p.0.min(q.0),
            (Some(p), None) => p.0,
            (None, Some(q)) => q.0,
            (None, None) => break,
        };
        if a.get(ia).is_some_and(|p| p.0 == x) {
            i += a[ia].1;
            ia += 1;
        }
        if b.get(ib).is_some_and(|q| q.0 == x) {
            j += b[ib].1;
            ib += 1;
        }
        best = best.max(gap(i, j, m, n));
        block_ends.push(i + j);
    }
    let mn = u128::from(m) * u128::from(n);
    let d = (best as f64 / mn as f64).clamp(0.0, 1.0);
    let (p_value, method) = if mn <= EXACT_LIMIT {
        (exact_p(m, n, best, &block_ends), KsMethod::Exact)
    } else {
        (asymptotic_p(m, n, d), KsMethod::Asymptotic)
    };
    Ok(KsTest {
        d,
        p_value: p_value.clamp(0.0, 1.0),
        method,
        n_a: m,
        n_b: n,
    })
}

/// |i n − j m|, the gap between the two distribution functions times m n.
fn gap(i: u64, j: u64, m: u64, n: u64) -> u128 {
    let x = u128::from(i) * u128::from(n);
    let y = u128::from(j) * u128::from(m);
    x.abs_diff(y)
}

/// P(D ≥ best / (m n)) over the uniform splits of the pooled values, the
/// paths checked at the ends of tied runs (pooled counts `ends`).
///
/// The path moves from (i, j) to (i + 1, j) with probability
/// (m − i) / (m + n − i − j), and to (i, j + 1) otherwise; the mass that
/// reaches a checked point at or beyond the observed gap is summed (and
/// stops there), which gives p directly, not as 1 minus a number near 1.
fn exact_p(m: u64, n: u64, best: u128, ends: &[u64]) -> f64 {
    if best == 0 {
        return 1.0;
    }
    let (m_, n_) = (m as usize, n as usize);
    let mut checked = vec![false; m_ + n_ + 1];
    for &e in ends {
        checked[e as usize] = true;
    }
    let mut row = vec![0.0f64; n_ + 1];
    let mut p = 0.0;
    for i in 0..=m_ {
        for j in 0..=n_ {
            let mut u = if i == 0 && j == 0 { 1.0 } else { 0.0 };
            if i > 0 {
                // From (i − 1, j), a step of sample a.
                let left = (m_ + n_ - (i - 1) - j) as f64;
                u += row[j] * (m_ - (i - 1)) as f64 / left;
            }
            if j > 0 {
                // From (i, j − 1), a step of sample b.
                let left = (m_ + n_ - i - (j - 1)) as f64;
                u += row[j - 1] * (n_ - (j - 1)) as f64 / left;
            }
            if checked[i + j] && gap(i as u64, j as u64, m, n) >= best {
                p += u;
                u = 0.0;
            }
            row[j] = u;
        }
    }
    p
}

/// Stephens-corrected asymptotic p-value.
fn asymptotic_p(m: u64, n: u64, d: f64) -> f64 {
    let en = (m as f64 * n as f64 / (m as f64 + n as f64)).sqrt();
    kolmogorov_q((en + 0.12 + 0.11 / en) * d)
}

/// Q_KS(λ) = P(K > λ) for Kolmogorov's K: 2 Σ (−1)^{k−1} e^{−2k²λ²} for
/// λ ≥ 1.18, and 1 − (√(2π)/λ) Σ e^{−(2k−1)²π²/(8λ²)} below, where that
/// series converges fast.
pub(crate) fn kolmogorov_q(lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    if lambda < 1.18 {
        let c = std::f64::consts::PI * std::f64::consts::PI / (8.0 * lambda * lambda);
        let mut sum = 0.0;
        for k in 1..=20 {
            let odd = (2 * k - 1) as f64;
            let term = (-odd * odd * c).exp();
            sum += term;
            if term < 1e-18 * sum {
                break;
            }
        }
        (1.0 - (2.0 * std::f64::consts::PI).sqrt() / lambda * sum).clamp(0.0, 1.0)
    } else {
        let mut sum = 0.0;
        for k in 1..=100 {
            let kf = k as f64;
            let term = (-2.0 * kf * kf * lambda * lambda).exp();
            sum += if k % 2 == 1 { term } else { -term };
            if term < 1e-18 {
                break;
            }
        }
        (2.0 * sum).clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(values: &[f64]) -> Vec<ValueCount> {
        values
            .iter()
            .map(|&value| ValueCount { value, count: 1 })
            .collect()
    }

    /// D of every split of the pooled values, brute force.
    fn brute_force_p(a: &[f64], b: &[f64]) -> (f64, f64) {
        let pooled: Vec<f64> = a.iter().chain(b).copied().collect();
        let total = pooled.len();
        let d_of = |x: &[f64], y: &[f64]| {
            let mut all: Vec<f64> = x.iter().chain(y).copied().collect();
            all.sort_by(f64::total_cmp);
            all.iter()
                .map(|&t| {
                    let fx = x.iter().filter(|&&v| v <= t).count() as f64 / x.len() as f64;
                    let fy = y.iter().filter(|&&v| v <= t).count() as f64 / y.len() as f64;
                    (fx - fy).abs()
                })
                .fold(0.0, f64::max)
        };
        let observed = d_of(a, b);
        let (mut hits, mut all) = (0u64, 0u64);
        for mask in 0u32..(1 << total) {
            if mask.count_ones() as usize != a.len() {
                continue;
            }
            let x: Vec<f64> = (0..total)
                .filter(|k| mask >> k & 1 == 1)
                .map(|k| pooled[k])
                .collect();
            let y: Vec<f64> = (0..total)
                .filter(|k| mask >> k & 1 == 0)
                .map(|k| pooled[k])
                .collect();
            all += 1;
            if d_of(&x, &y) >= observed - 1e-12 {
                hits += 1;
            }
        }
        (observed, hits as f64 / all as f64)
    }

    #[test]
    fn the_exact_p_value_is_the_share_of_splits_as_extreme() {
        // With ties within and across the samples, and without.
        let cases: [(&[f64], &[f64]); 5] = [
            (&[1.0, 2.0, 2.0, 3.0, 5.0], &[2.0, 3.0, 3.0, 4.0, 6.0, 6.0]),
            (&[1.0, 1.0, 1.0, 2.0], &[1.0, 2.0, 2.0, 2.0, 3.0]),
            (&[0.5, 1.5, 2.5, 3.5], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),
            (&[1.0, 1.0, 1.0], &[1.0, 1.0]),
            (
                &[3.0, 1.0, 2.0, 9.0, 4.0, 4.0, 4.0],
                &[4.0, 5.0, 4.0, 8.0, 7.0],
            ),
        ];
        for (a, b) in cases {
            let ks = ks_two_sample(&sample(a), &sample(b)).unwrap();
            let (d, p) = brute_force_p(a, b);
            assert_eq!(ks.method, KsMethod::Exact);
            assert!((ks.d - d).abs() < 1e-15, "{a:?} {b:?}: D {} vs {d}", ks.d);
            assert!(
                (ks.p_value - p).abs() < 1e-12,
                "{a:?} {b:?}: p {} vs {p}",
                ks.p_value
            );
        }
    }

    #[test]
    fn counts_are_repeated_values() {
        let a = [
            ValueCount {
                value: 2.0,
                count: 3,
            },
            ValueCount {
                value: 1.0,
                count: 1,
            },
            ValueCount {
                value: 2.0,
                count: 0,
            },
        ];
        let b = sample(&[1.0, 1.0, 2.0, 3.0]);
        let ks = ks_two_sample(&a, &b).unwrap();
        let plain = ks_two_sample(&sample(&[2.0, 1.0, 2.0, 2.0]), &b).unwrap();
        assert_eq!(ks, plain);
        // F_a(1) = 1/4, F_b(1) = 1/2: D = 1/4.
        assert_eq!(ks.d, 0.25);
    }

    #[test]
    fn bad_samples_are_refused() {
        assert!(ks_two_sample(&[], &sample(&[1.0])).is_err());
        assert!(ks_two_sample(&sample(&[f64::NAN]), &sample(&[1.0])).is_err());
        let zero = [ValueCount {
            value: 1.0,
            count: 0,
        }];
        assert!(ks_two_sample(&zero, &sample(&[1.0])).is_err());
    }

    #[test]
    fn identical_samples_have_p_one() {
        let a = sample(&[1.0, 2.0, 3.0]);
        let ks = ks_two_sample(&a, &a).unwrap();
        assert_eq!((ks.d, ks.p_value), (0.0, 1.0));
    }
}
