//! Seed selection by reverse influence sampling, against exact answers.
//!
//! * The RR-set estimate of a seed set's spread agrees with the exact
//!   expected spread (every live-edge world enumerated, `exact.rs`) within
//!   4 standard errors, for every independent cascade setting and every
//!   linear threshold weighting: a wrong live probability, a skipped arc or
//!   a wrong backward walk moves it by tens of standard errors.
//! * On small graphs, brute force over every k-subset gives the optimum;
//!   IMM's and OPIM-C's seeds reach (1 − 1/e − ε) of it, and OPIM-C's
//!   reported guarantee is never above the ratio its seeds truly reach.
//! * Answers do not depend on the number of threads; bad requests are typed
//!   errors.

use wom::Network;
use wom::generate::{Gnp, gnp};
use wom::propagation::IcProbabilities;
use wom::propagation::lt::LtWeights;
use wom::seeding::{Diffusion, Imm, Opim, SeedRequest, SeedSelector, Selection, rr_estimate};

use crate::exact::{Case, cases, ic_exact, ic_probabilities, lt_exact, lt_weights, network};

const MASTER: u64 = 0x5EED_0010;

/// The diffusions checked, each with the label [`exact`] knows it by.
pub(crate) fn diffusions() -> Vec<(&'static str, Diffusion)> {
    let ic = |probabilities| Diffusion::IndependentCascade { probabilities };
    let lt = |weights| Diffusion::LinearThreshold { weights };
    vec![
        ("ic 0.3", ic(IcProbabilities::Uniform { p: 0.3 })),
        ("ic 0.7", ic(IcProbabilities::Uniform { p: 0.7 })),
        ("wc", ic(IcProbabilities::WeightedCascade)),
        ("trust", ic(IcProbabilities::Trust)),
        ("lt uniform", lt(LtWeights::Uniform)),
        ("lt normalized", lt(LtWeights::Normalized)),
        ("lt trust", lt(LtWeights::Trust)),
    ]
}

/// The exact expected spread of `seeds` on `case` under the diffusion
/// labelled `what` (see [`diffusions`]).
pub(crate) fn exact(case: &Case, what: &str, seeds: &[u32]) -> f64 {
    let setting = match what {
        "ic 0.3" => "0.3",
        "ic 0.7" => "0.7",
        "wc" => "wc",
        "trust" => "trust",
        lt => {
            let weights = match lt {
                "lt uniform" => LtWeights::Uniform,
                "lt normalized" => LtWeights::Normalized,
                _ => LtWeights::Trust,
            };
            let w = lt_weights(case.n, &case.arcs, weights);
            return lt_exact(case.n, &case.arcs, &w, seeds).0;
        }
    };
    let p = ic_probabilities(case.n, &case.arcs, setting);
    ic_exact(case.n, &case.arcs, &p, seeds)
}

#[test]
fn rr_estimates_match_exact_expected_spreads() {
    let sets = 200_000;
    for case in cases() {
        let net = network(&case);
        for (what, diffusion) in diffusions() {
            let truth = exact(&case, what, &case.seeds);
            let (estimate, se) = rr_estimate(&net, &diffusion, &case.seeds, sets, MASTER).unwrap();
            assert!(
                (estimate - truth).abs() <= 4.0 * se + 1e-6,
                "{} {what}: RR estimate {estimate} vs exact {truth} (4 se = {})",
                case.name,
                4.0 * se
            );
        }
    }
}

/// Every k-subset of `0..n`, in lexicographic order.
fn subsets(n: u32, k: usize) -> Vec<Vec<u32>> {
    if k == 0 {
        return vec![Vec::new()];
    }
    (0..n)
        .flat_map(|first| {
            subsets(n, k - 1)
                .into_iter()
                .filter(move |rest| rest.first().is_none_or(|&r| r > first))
                .map(move |rest| {
                    let mut s = vec![first];
                    s.extend(rest);
                    s
                })
        })
        .filter(|s: &Vec<u32>| s.len() == k)
        .collect()
}

/// The largest exact spread of k seeds on `case` under `what`, by brute
/// force over every k-subset.
pub(crate) fn optimum(case: &Case, what: &str, k: usize) -> f64 {
    subsets(case.n as u32, k)
        .iter()
        .map(|s| exact(case, what, s))
        .fold(0.0, f64::max)
}

#[test]
fn imm_and_opim_reach_their_guarantee_against_brute_force() {
    let epsilon = 0.1;
    let floor = 1.0 - 1.0 / std::f64::consts::E - epsilon;
    for case in cases() {
        let net = network(&case);
        for (what, diffusion) in diffusions() {
            for k in 1..=3.min(case.n - 1) {
                let opt = optimum(&case, what, k);
                let request = SeedRequest::new(&net, k).seeded(MASTER);
                let opim = Opim {
                    delta: Some(1e-3),
                    ..Opim::new(diffusion, epsilon)
                };
                let imm = Imm::new(diffusion, epsilon);
                for chosen in [
                    opim.select(&request).unwrap(),
                    imm.select(&request).unwrap(),
                ] {
                    assert_eq!(chosen.seeds.len(), k);
                    let got = exact(&case, what, &chosen.seeds);
                    let label = format!("{} {what} k={k} {}", case.name, chosen.method);
                    assert!(
                        got >= floor * opt - 1e-9,
                        "{label}: {got} < {floor} x OPT {opt}"
                    );
                    let proved = chosen.guarantee.unwrap();
                    assert!(
                        got / opt >= proved - 1e-9,
                        "{label}: proved {proved} but reaches {}",
                        got / opt
                    );
                }
            }
        }
    }
}

fn without_time(mut s: Selection) -> Selection {
    s.seconds = 0.0;
    s
}

#[test]
fn selections_do_not_depend_on_the_thread_count() {
    let params = Gnp {
        n: 3_000,
        p: 0.002,
        direction: wom::Relation::Follow,
    };
    let net = gnp(&params, 11).unwrap().freeze().unwrap();
    for diffusion in [
        Diffusion::WEIGHTED_CASCADE,
        Diffusion::LinearThreshold {
            weights: LtWeights::Uniform,
        },
    ] {
        let opim = Opim::new(diffusion, 0.1);
        let imm = Imm::new(diffusion, 0.3);
        for selector in [&opim as &dyn SeedSelector, &imm] {
            let request = SeedRequest::new(&net, 20).seeded(MASTER);
            let one = without_time(selector.select(&request.on_threads(1)).unwrap());
            for threads in [2, 3, 8] {
                let many = without_time(selector.select(&request.on_threads(threads)).unwrap());
                assert_eq!(one, many, "{threads} threads");
            }
            let other = without_time(selector.select(&request.seeded(MASTER + 1)).unwrap());
            assert_ne!(one.estimated_spread, other.estimated_spread);
        }
    }
}

#[test]
fn seeds_come_from_the_candidates() {
    // A star whose centre 0 reaches everyone; the candidates leave it out.
    let arcs: Vec<(u32, u32, f64)> = (1..30)
        .map(|v| (0, v, 1.0))
        .chain([(1, 2, 1.0), (3, 4, 1.0)])
        .collect();
    let net = Network::from_arcs(30, arcs).unwrap();
    let all = SeedRequest::new(&net, 1).seeded(MASTER);
    let opim = Opim::new(Diffusion::uniform_ic(1.0), 0.2);
    assert_eq!(opim.select(&all).unwrap().seeds, [0]);
    let candidates: Vec<u32> = (1..30).collect();
    let chosen = opim.select(&all.among(&candidates)).unwrap();
    assert!(
        chosen.seeds[0] == 1 || chosen.seeds[0] == 3,
        "{:?}",
        chosen.seeds
    );
    let chosen = Imm::new(Diffusion::uniform_ic(1.0), 0.2)
        .select(&SeedRequest::new(&net, 2).seeded(MASTER).among(&candidates))
        .unwrap();
    assert!(chosen.seeds.iter().all(|s| candidates.contains(s)));
}

#[test]
fn bad_requests_are_typed_errors_naming_the_parameter() {
    let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0)]).unwrap();
    let opim = Opim::new(Diffusion::WEIGHTED_CASCADE, 0.1);
    let cases: Vec<(SeedRequest<'_>, &str)> = vec![
        (SeedRequest::new(&net, 5), "k"),
        (SeedRequest::new(&net, 0), "k"),
        (SeedRequest::new(&net, 3).among(&[0, 1]), "k"),
        (SeedRequest::new(&net, 1).among(&[0, 0]), "candidates[1]"),
        (SeedRequest::new(&net, 1).among(&[9]), "candidates[0]"),
    ];
    for (request, field) in cases {
        let e = opim.select(&request).unwrap_err().to_string();
        assert!(e.contains(field), "{field}: {e}");
    }
    for eps in [0.0, 1.0, -0.2, f64::NAN] {
        let request = SeedRequest::new(&net, 1);
        for e in [
            Opim::new(Diffusion::WEIGHTED_CASCADE, eps)
                .select(&request)
                .unwrap_err(),
            Imm::new(Diffusion::WEIGHTED_CASCADE, eps)
                .select(&request)
                .unwrap_err(),
        ] {
            assert!(e.to_string().contains("epsilon"), "{e}");
        }
    }
    let e = Opim::new(Diffusion::uniform_ic(1.5), 0.1)
        .select(&SeedRequest::new(&net, 1))
        .unwrap_err();
    assert!(e.to_string().contains('p'), "{e}");
    let e = Opim {
        delta: Some(2.0),
        ..Opim::new(Diffusion::WEIGHTED_CASCADE, 0.1)
    }
    .select(&SeedRequest::new(&net, 1))
    .unwrap_err();
    assert!(e.to_string().contains("delta"), "{e}");
}
