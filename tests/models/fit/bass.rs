//! The Bass fit: a published worked example to the digits it reports,
//! exact recovery from noise-free series, standard errors against the
//! spread over seeded noisy repetitions, input checks, and the mapping of
//! continuous p, q to the network Bass model on a complete graph.

use crate::common::complete;
use wom::Error;
use wom::fit::bass::{
    BassFitOptions, BassForm, bass_cdf, fit_bass, mean_field_curve, sales_from_cumulative,
    to_network_bass,
};
use wom::propagation::bass::Bass;
use wom::propagation::{Recorder, Simulation};
use wom::rng::{stream_rng, uniform_f64};

/// The published worked example: Wang Chengjun, "Bass model" (RPubs,
/// 2012-04-24, rpubs.com/chengjun/bass_model), reproduced in the
/// repository agk79/Bass, file AGK_BASS_MODEL/Bass_2a.r. Ten years of
/// sales from 1979:
///
///   840, 1470, 2110, 4000, 7590, 10950, 10530, 9470, 7790, 5890
///
/// fitted with R's `nls` to `Sales ~ M ((P + Q)²/P) e^{-(P+Q)t} /
/// (1 + (Q/P) e^{-(P+Q)t})²`, t = 1..10: the Bass density m f(t) at the
/// year's end, which is `BassForm::Rate` with a period of 1. R printed
///
///   M 6.80e+04  (Std. Error 3.13e+03)
///   P 6.59e-03  (Std. Error 1.43e-03)
///   Q 6.38e-01  (Std. Error 4.14e-02)
///   Residual standard error: 727 on 7 degrees of freedom
///
/// and wom agrees to every digit printed (three significant digits).
const SALES: [f64; 10] = [
    840.0, 1470.0, 2110.0, 4000.0, 7590.0, 10950.0, 10530.0, 9470.0, 7790.0, 5890.0,
];

/// `x` rounded to three significant digits equals `printed`.
fn three_digits(x: f64, printed: f64) -> bool {
    let scale = 10f64.powi(printed.abs().log10().floor() as i32 - 2);
    ((x / scale).round() - printed / scale).abs() < 1e-9
}

#[test]
fn published_worked_example_agrees_to_the_digits_printed() {
    let options = BassFitOptions {
        form: BassForm::Rate,
        ..BassFitOptions::default()
    };
    let fit = fit_bass(&SALES, &options).unwrap();
    for (what, got, printed) in [
        ("M", fit.m.estimate, 6.80e4),
        ("M se", fit.m.std_error, 3.13e3),
        ("P", fit.p.estimate, 6.59e-3),
        ("P se", fit.p.std_error, 1.43e-3),
        ("Q", fit.q.estimate, 6.38e-1),
        ("Q se", fit.q.std_error, 4.14e-2),
        ("residual standard error", fit.residual_se, 727.0),
    ] {
        assert!(
            three_digits(got, printed),
            "{what}: wom {got}, published {printed}"
        );
    }
    // R's t values, estimate / SE, to the digits printed.
    for (what, par, printed) in [
        ("M t value", &fit.m, 21.74),
        ("P t value", &fit.p, 4.61),
        ("Q t value", &fit.q, 15.41),
    ] {
        let got = par.estimate / par.std_error;
        assert!(
            ((got * 100.0).round() - printed * 100.0).abs() < 1e-6,
            "{what}: wom {got}, published {printed}"
        );
    }
    assert_eq!(fit.df, 7);
    // The t interval with 7 degrees of freedom: t = 2.364624.
    let t = (fit.q.high - fit.q.estimate) / fit.q.std_error;
    assert!((t - 2.364_624_252).abs() < 1e-8, "{t}");
}

#[test]
fn the_srinivasan_mason_form_of_the_same_series() {
    // The interval form (sales within the year) on the same data: no
    // published numbers to compare with. An independent reference: SciPy's
    // `least_squares` on the same model (tolerances 1e-15, 3-point
    // finite-difference Jacobian) with the covariance σ̂²(JᵀJ)⁻¹ of that
    // Jacobian, for both forms (the numbers below; columns m, p, q, their
    // SEs, the residual SE). wom agrees to 1e-5 relative (the estimates
    // to 1e-7; the SEs carry SciPy's finite differences).
    // Then internal checks: the estimate is a stationary point (the
    // normal equations hold), the fit beats the rate form's parameters
    // under this form, and the cumulative series gives the same fit.
    let fit = fit_bass(&SALES, &BassFitOptions::default()).unwrap();
    assert_eq!(fit.form, BassForm::Interval);
    let fit_as = |form| {
        fit_bass(
            &SALES,
            &BassFitOptions {
                form,
                ..BassFitOptions::default()
            },
        )
        .unwrap()
    };
    for (form, want) in [
        (
            BassForm::Interval,
            [
                67_660.024_633,
                0.008_788_962_236,
                0.642_158_909_6,
                3_070.905_896,
                0.001_776_448_650,
                0.042_571_306_93,
                724.287_459_2,
            ],
        ),
        (
            BassForm::Rate,
            [
                67_980.906_604,
                0.006_593_958_380,
                0.638_091_294_0,
                3_127.518_290,
                0.001_430_265_428,
                0.041_395_973_81,
                727.193_095_7,
            ],
        ),
    ] {
        let f = fit_as(form);
        let got = [
            f.m.estimate,
            f.p.estimate,
            f.q.estimate,
            f.m.std_error,
            f.p.std_error,
            f.q.std_error,
            f.residual_se,
        ];
        for (g, w) in got.iter().zip(want) {
            assert!((g / w - 1.0).abs() < 1e-5, "{form:?}: wom {g}, SciPy {w}");
        }
    }
    let rate = fit_bass(
        &SALES,
        &BassFitOptions {
            form: BassForm::Rate,
            ..BassFitOptions::default()
        },
    )
    .unwrap();
    let rss_of = |m: f64, p: f64, q: f64| -> f64 {
        SALES
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let t = (i + 1) as f64;
                let g = m * (bass_cdf(p, q, t) - bass_cdf(p, q, t - 1.0));
                (s - g) * (s - g)
            })
            .sum()
    };
    let own = rss_of(fit.m.estimate, fit.p.estimate, fit.q.estimate);
    assert!((own - fit.rss).abs() <= 1e-9 * own);
    assert!(own < rss_of(rate.m.estimate, rate.p.estimate, rate.q.estimate));
    // No nearby point does better.
    for k in 0..3 {
        for sign in [-1.0, 1.0] {
            let mut th = [fit.m.estimate, fit.p.estimate, fit.q.estimate];
            th[k] *= 1.0 + sign * 1e-4;
            assert!(rss_of(th[0], th[1], th[2]) >= own);
        }
    }
    let cumulative: Vec<f64> = SALES
        .iter()
        .scan(0.0, |y, s| {
            *y += s;
            Some(*y)
        })
        .collect();
    let again = fit_bass(
        &sales_from_cumulative(&cumulative).unwrap(),
        &BassFitOptions::default(),
    )
    .unwrap();
    assert_eq!(again.m, fit.m);
    // Sales peak between the sixth and seventh years.
    assert!((5.0..7.0).contains(&fit.peak_time()), "{}", fit.peak_time());
}

fn exact_series(m: f64, p: f64, q: f64, n: usize, step: f64, form: BassForm) -> Vec<f64> {
    (1..=n)
        .map(|i| {
            let t = i as f64 * step;
            match form {
                BassForm::Interval => m * (bass_cdf(p, q, t) - bass_cdf(p, q, t - step)),
                BassForm::Rate => {
                    let f = bass_cdf(p, q, t);
                    m * step * (p + q * f) * (1.0 - f)
                }
            }
        })
        .collect()
}

#[test]
fn noise_free_series_give_the_parameters_back() {
    for (m, p, q, n, step) in [
        (1000.0, 0.03, 0.38, 15, 1.0),
        (5.0e6, 0.002, 0.9, 20, 0.5),
        (250.0, 0.1, 0.0, 12, 1.0),
        (80_000.0, 0.01, 0.5, 6, 1.0),
    ] {
        for form in [BassForm::Interval, BassForm::Rate] {
            let sales = exact_series(m, p, q, n, step, form);
            let options = BassFitOptions {
                form,
                step,
                ..BassFitOptions::default()
            };
            let fit = fit_bass(&sales, &options).unwrap();
            let close = |got: f64, want: f64, what: &str| {
                assert!(
                    (got - want).abs() <= 1e-6 * want.abs().max(1e-3),
                    "{form:?} m={m} p={p} q={q}: {what} {got} vs {want}"
                );
            };
            close(fit.m.estimate, m, "m");
            close(fit.p.estimate, p, "p");
            close(fit.q.estimate, q, "q");
            assert!(fit.residual_se <= 1e-6 * m, "{}", fit.residual_se);
            assert!(fit.converged, "{form:?} m={m} p={p} q={q}");
        }
    }
}

#[test]
fn standard_errors_match_the_spread_over_noisy_repetitions() {
    // Gaussian noise of sd 4 on 20 periods of m = 1000, p = 0.02, q = 0.5
    // (peak sales about 120). Over 400 seeded series: the mean reported SE
    // of each parameter is within 15% of the standard deviation of its
    // estimates (the sampling error of a standard deviation over 400
    // draws is 3.5%; the rest is left to the asymptotic approximation),
    // and each 95% t interval covers the truth in 90.5% to 99.5% of the
    // series (95% ± 4 binomial standard deviations of 1.1%).
    let (m, p, q) = (1000.0, 0.02, 0.5);
    let clean = exact_series(m, p, q, 20, 1.0, BassForm::Interval);
    let reps = 400;
    let mut rng = stream_rng(11, 0);
    let mut estimates = vec![Vec::new(); 3];
    let mut ses = [0.0; 3];
    let mut covered = [0; 3];
    for _ in 0..reps {
        let noisy: Vec<f64> = clean
            .iter()
            .map(|&s| {
                // Box-Muller.
                let (u1, u2) = (uniform_f64(&mut rng), uniform_f64(&mut rng));
                let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
                (s + 4.0 * z).max(0.0)
            })
            .collect();
        let fit = fit_bass(&noisy, &BassFitOptions::default()).unwrap();
        for (k, (par, truth)) in [(&fit.m, m), (&fit.p, p), (&fit.q, q)]
            .into_iter()
            .enumerate()
        {
            estimates[k].push(par.estimate);
            ses[k] += par.std_error / f64::from(reps);
            covered[k] += usize::from(par.covers(truth));
        }
    }
    for k in 0..3 {
        let (mean, _) = crate::common::mean_se(&estimates[k]);
        let sd = (estimates[k]
            .iter()
            .map(|x| (x - mean) * (x - mean))
            .sum::<f64>()
            / f64::from(reps - 1))
        .sqrt();
        assert!(
            (ses[k] / sd - 1.0).abs() < 0.15,
            "parameter {k}: SE {} vs sd {sd}",
            ses[k]
        );
        let share = covered[k] as f64 / f64::from(reps);
        assert!(
            (0.905..=0.995).contains(&share),
            "parameter {k}: coverage {share}"
        );
    }
}

#[test]
fn bad_series_are_refused_by_position() {
    let err = fit_bass(&[1.0, 2.0, 3.0], &BassFitOptions::default()).unwrap_err();
    assert!(err.to_string().contains("at least 4 periods"), "{err}");
    let err = fit_bass(&[1.0, 2.0, f64::NAN, 3.0, 1.0], &BassFitOptions::default()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidParameter { name, .. } if name == "sales[2]"),
        "{err}"
    );
    let err = fit_bass(&[1.0, -2.0, 3.0, 3.0, 1.0], &BassFitOptions::default()).unwrap_err();
    assert!(err.to_string().contains("sales[1]"), "{err}");
    let err = sales_from_cumulative(&[1.0, 5.0, 4.0]).unwrap_err();
    assert!(
        err.to_string().contains("cumulative[2]") && err.to_string().contains("cannot fall"),
        "{err}"
    );
    let err = fit_bass(&[0.0; 6], &BassFitOptions::default()).unwrap_err();
    assert!(err.to_string().contains("no sales"), "{err}");
    let options = BassFitOptions {
        level: 1.0,
        ..BassFitOptions::default()
    };
    assert!(fit_bass(&SALES, &options).is_err());
}

/// The mapped network Bass model on a complete graph reproduces the
/// continuous curve.
///
/// m = 1000 consumers as a complete graph of N = 1000 nodes, p = 0.03 and
/// q = 0.38 per period, 10 steps per period (Δ = 0.1), k = N - 1 in-arcs
/// per node; 200 runs. At each period end the simulated mean share is
/// compared with F(t). The tolerance adds three terms:
/// * 4 standard errors of the simulated mean (Monte Carlo);
/// * the discretisation error |r_j - F(jΔ)|, computed exactly from the
///   mean-field recursion r of the mapped model (`mean_field_curve`);
/// * the finite-N lag of the mean below the recursion, which the network
///   Bass tests derive as O(1/N) and measure at about 4/N at this size
///   (tests/models/bass.rs); 5/N is allowed.
///
/// The discretisation term itself must be small: O(Δ), it reaches 0.0102
/// at period 6 with Δ = 0.1 (0.020 with Δ = 0.25), and must stay under
/// 0.0125: the mapping is meant to be used with several steps per period.
#[test]
fn mapped_network_bass_reproduces_the_continuous_curve() {
    let (p, q, n, step) = (0.03, 0.38, 1000u32, 0.1);
    let per_period = 10;
    let periods = 20;
    let net = complete(n);
    let options = to_network_bass(p, q, step, f64::from(n - 1)).unwrap();
    let bass = Bass::new(&net, options).unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let mut rec = Recorder::new();
    let runs = 200;
    let mut shares = vec![Vec::new(); periods + 1];
    for run in 0..runs {
        sim.run(&[], 2024, run, &mut rec).unwrap();
        let curve = rec.adoption_curve();
        for (j, column) in shares.iter_mut().enumerate() {
            let a = curve.get(j * per_period).copied().unwrap_or(n as usize);
            column.push(a as f64 / f64::from(n));
        }
    }
    let recursion = mean_field_curve(p, q, step, periods * per_period);
    for (j, column) in shares.iter().enumerate().skip(1) {
        let t = j as f64;
        let (mean, se) = crate::common::mean_se(column);
        let exact = bass_cdf(p, q, t);
        let discretisation = (recursion[j * per_period] - exact).abs();
        assert!(discretisation < 0.0125, "period {j}: {discretisation}");
        let tolerance = 4.0 * se + discretisation + 5.0 / f64::from(n);
        assert!(
            (mean - exact).abs() <= tolerance,
            "period {j}: simulated {mean}, F(t) = {exact}, tolerance {tolerance}"
        );
    }
}

/// A series with no bend towards saturation (pure exponential growth)
/// has no finite least-squares m: the search creeps along m → ∞ until its
/// iteration cap. The fit says so instead of passing the point where it
/// stopped off as an estimate; a series with a peak converges.
#[test]
fn a_search_that_does_not_converge_says_so() {
    let growth: Vec<f64> = (0..7).map(|i| f64::from(1u32 << i)).collect();
    let fit = fit_bass(&growth, &BassFitOptions::default()).unwrap();
    assert!(!fit.converged, "{} iterations", fit.iterations);
    let fit = fit_bass(&SALES, &BassFitOptions::default()).unwrap();
    assert!(fit.converged, "{} iterations", fit.iterations);
}
