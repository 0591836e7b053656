//! The few distribution functions the fits need: Student's t and the
//! standard normal quantiles, and the chi-square(1) quantile that bounds a
//! profile-likelihood interval.
//!
//! Student's t distribution function is written through the regularised
//! incomplete beta function (continued fraction, modified Lentz), and its
//! quantile found by bisection to full precision; the normal quantile by
//! bisection on `libm::erfc`. Both are accurate to about 1e-12, far past
//! what an interval needs, and deterministic on every platform.

/// `ln Γ(x)` for `x > 0`.
fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// The continued fraction of the regularised incomplete beta function
/// (Numerical Recipes' `betacf`, modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let away_from_zero = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / away_from_zero(1.0 - qab * x / qap);
    let mut h = d;
    // One Lentz step with the fraction's next coefficient: the factor the
    // running value is multiplied by.
    let mut step = |aa: f64| {
        d = 1.0 / away_from_zero(1.0 + aa * d);
        c = away_from_zero(1.0 + aa / c);
        d * c
    };
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)));
        let delta = step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)));
        h *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularised incomplete beta function `I_x(a, b)`, `0 <= x <= 1`.
pub(crate) fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// Student's t distribution function with `df > 0` degrees of freedom.
pub(crate) fn student_t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The quantile of Student's t with `df > 0` degrees of freedom at
/// probability `prob` in (0, 1): `t` with `P(T <= t) = prob`.
///
/// ```text
/// t(0.975, 7) = 2.364624, t(0.975, 1) = 12.7062, t(0.975, 30) = 2.042272
/// ```
pub fn student_t_quantile(prob: f64, df: f64) -> f64 {
    if prob == 0.5 {
        return 0.0;
    }
    if prob < 0.5 {
        return -student_t_quantile(1.0 - prob, df);
    }
    // Bracket, then bisect to the last bit.
    let mut hi = 1.0;
    while student_t_cdf(hi, df) < prob && hi < 1e300 {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if student_t_cdf(mid, df) < prob {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The standard normal distribution function.
pub(crate) fn normal_cdf(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// The standard normal quantile at `prob` in (0, 1): 1.959964 at 0.975.
pub fn normal_quantile(prob: f64) -> f64 {
    if prob == 0.5 {
        return 0.0;
    }
    if prob < 0.5 {
        return -normal_quantile(1.0 - prob);
    }
    let (mut lo, mut hi) = (0.0, 40.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if normal_cdf(mid) < prob {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The chi-square(1) quantile at `level`: the square of the normal
/// quantile at `(1 + level) / 2` (3.841459 at 0.95).
pub fn chi_square_1_quantile(level: f64) -> f64 {
    let z = normal_quantile(0.5 + level / 2.0);
    z * z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_tables() {
        // Published tables (e.g. Abramowitz & Stegun 26.10, 26.2).
        for (p, df, t) in [
            (0.975, 1.0, 12.706_204_736),
            (0.975, 2.0, 4.302_652_730),
            (0.975, 7.0, 2.364_624_252),
            (0.975, 10.0, 2.228_138_852),
            (0.975, 30.0, 2.042_272_456),
            (0.995, 5.0, 4.032_142_984),
            (0.9, 3.0, 1.637_744_354),
        ] {
            let got = student_t_quantile(p, df);
            assert!((got - t).abs() < 1e-8, "t({p}, {df}) = {got}, table {t}");
            assert!((student_t_quantile(1.0 - p, df) + t).abs() < 1e-8);
        }
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.995) - 2.575_829_304).abs() < 1e-8);
        assert!((chi_square_1_quantile(0.95) - 3.841_458_821).abs() < 1e-8);
    }
}
