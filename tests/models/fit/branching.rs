//! The branching-process estimates against their closed forms and against
//! synthetic Galton–Watson cascades with Poisson and geometric offspring.

use wom::NodeId;
use wom::fit::branching::{
    SizeSample, fit_borel, fit_negative_binomial_sizes, fit_offspring, offspring_counts,
};
use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
use wom::rng::{WomRng, stream_rng, uniform_f64};

#[test]
fn closed_forms() {
    // R̂ = Σ(s - k) / Σ s; the profile interval solves
    // 2(ℓ(R̂) - ℓ(R)) = 3.8415 with ℓ(R) = C ln R - R S.
    let sizes = [
        SizeSample::single(1),
        SizeSample::single(4),
        SizeSample { size: 9, seeds: 3 },
    ];
    let fit = fit_borel(&sizes, 0.95).unwrap();
    let (c, s) = (3.0 + 6.0, 14.0);
    assert!((fit.r.estimate - c / s).abs() < 1e-15);
    assert!((fit.r.std_error - c.sqrt() / s).abs() < 1e-15);
    let ll = |r: f64| c * f64::ln(r) - r * s;
    for end in [fit.r.low, fit.r.high] {
        assert!(
            (2.0 * (ll(c / s) - ll(end)) - 3.841_458_821).abs() < 1e-6,
            "{end}"
        );
    }
    // Only seeds: R̂ = 0, interval [0, 1.92/S].
    let fit = fit_borel(&[SizeSample::single(1); 10], 0.95).unwrap();
    assert_eq!((fit.r.estimate, fit.r.low), (0.0, 0.0));
    assert!((fit.r.high - 3.841_458_821 / 2.0 / 10.0).abs() < 1e-9);
    // Bad samples are named.
    let err = fit_borel(
        &[SizeSample::single(2), SizeSample { size: 1, seeds: 2 }],
        0.95,
    )
    .unwrap_err();
    assert!(err.to_string().contains("sizes[1]"), "{err}");
    assert!(fit_borel(&[], 0.95).is_err());
    // Full trees: offspring of a small tree: 0 -> 1, 0 -> 2, 2 -> 3.
    let node = |id: &str| ObservedNode {
        id: NodeId::from(id),
        time: 0.0,
    };
    let arc = |parent, child| ObservedArc { parent, child };
    let tree = ObservedCascade::new(
        "t",
        vec![node("a"), node("b"), node("c"), node("d")],
        vec![arc(0, 1), arc(0, 2), arc(2, 3)],
    )
    .unwrap();
    let counts = offspring_counts(&tree);
    assert_eq!(counts, vec![2, 0, 1, 0]);
    let fit = fit_offspring(&counts, 0.95).unwrap();
    assert_eq!((fit.nodes, fit.children), (4, 3));
    assert!((fit.r.estimate - 0.75).abs() < 1e-15);
    assert!((fit.variance - (1.5625 + 0.5625 + 0.0625 + 0.5625) / 3.0).abs() < 1e-12);
}

/// A Poisson(mean) draw by inversion.
fn poisson(rng: &mut WomRng, mean: f64) -> u64 {
    let u = uniform_f64(rng);
    let (mut k, mut p) = (0u64, (-mean).exp());
    let mut cdf = p;
    while u >= cdf && k < 1000 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
    }
    k
}

/// A geometric draw on {0, 1, ...} with mean `mean`: negative binomial
/// with k = 1.
fn geometric(rng: &mut WomRng, mean: f64) -> u64 {
    let theta = mean / (1.0 + mean);
    let u = 1.0 - uniform_f64(rng);
    (u.ln() / theta.ln()).floor() as u64
}

/// Galton–Watson cascades from one seed: sizes and offspring counts.
fn galton_watson(
    rng: &mut WomRng,
    cascades: usize,
    offspring: impl Fn(&mut WomRng) -> u64,
) -> (Vec<SizeSample>, Vec<u64>) {
    let mut sizes = Vec::new();
    let mut counts = Vec::new();
    for _ in 0..cascades {
        let (mut size, mut pending) = (1u64, 1u64);
        while pending > 0 && size < 1_000_000 {
            pending -= 1;
            let c = offspring(rng);
            counts.push(c);
            size += c;
            pending += c;
        }
        sizes.push(SizeSample::single(size));
    }
    (sizes, counts)
}

/// Poisson offspring, R = 0.6, 40 repetitions of 300 cascades: the Borel
/// interval covers R in at least 34 of 40 (the 95% interval's expected 38,
/// less 3 binomial standard deviations of 1.4), every estimate is within
/// 4.5 standard errors, and the full-tree estimate equals the size one.
#[test]
fn poisson_galton_watson_cascades() {
    let r = 0.6;
    let mut covered = 0;
    for rep in 0..40 {
        let mut rng = stream_rng(31, rep);
        let (sizes, counts) = galton_watson(&mut rng, 300, |g| poisson(g, r));
        let fit = fit_borel(&sizes, 0.95).unwrap();
        assert!(
            (fit.r.estimate - r).abs() < 4.5 * fit.r.std_error,
            "{:?}",
            fit.r
        );
        covered += usize::from(fit.r.covers(r));
        let trees = fit_offspring(&counts, 0.95).unwrap();
        assert!((trees.r.estimate - fit.r.estimate).abs() < 1e-12);
    }
    assert!(covered >= 34, "covered {covered} of 40");
}

/// Geometric offspring (negative binomial with k = 1), R = 0.8, 3,000
/// cascades: the negative-binomial size fit finds R within 0.1 and k
/// within a factor of 2 of 1, and its interval covers R; the Borel
/// estimate of R is still consistent (1 - 1/mean size); the full trees'
/// moment estimate of k is within 25% of 1.
#[test]
fn overdispersed_galton_watson_cascades() {
    let (r, k) = (0.8, 1.0);
    let mut rng = stream_rng(32, 0);
    let (sizes, counts) = galton_watson(&mut rng, 3000, |g| geometric(g, r));
    let nb = fit_negative_binomial_sizes(&sizes, 0.95).unwrap();
    assert!((nb.r.estimate - r).abs() < 0.1, "{:?}", nb.r);
    assert!(nb.r.covers(r), "{:?}", nb.r);
    assert!((nb.k / k).ln().abs() < 2f64.ln(), "k = {}", nb.k);
    let borel = fit_borel(&sizes, 0.95).unwrap();
    assert!((borel.r.estimate - r).abs() < 0.05, "{:?}", borel.r);
    let trees = fit_offspring(&counts, 0.95).unwrap();
    let kd = trees.dispersion.unwrap();
    assert!((kd - k).abs() < 0.25, "k = {kd}");
}

/// Sizes whose sum passes u64 are refused by name, not summed with an
/// overflow (a panic in a debug build, a wrapped, wrong R in a release
/// one).
#[test]
fn sizes_too_large_to_sum_are_refused() {
    let sizes = [SizeSample::single(u64::MAX), SizeSample::single(u64::MAX)];
    let err = fit_borel(&sizes, 0.95).unwrap_err();
    assert!(err.to_string().contains("sizes[1]"), "{err}");
    let err = fit_negative_binomial_sizes(&sizes, 0.95).unwrap_err();
    assert!(err.to_string().contains("sizes[1]"), "{err}");
}
