//! Seed selection by reverse influence sampling, against exact answers.
//!
//! * The RR-set estimate of a seed set's spread agrees with the exact
//!   expected spread (every live-edge world enumerated, `exact.rs`) within
//!   4 standard errors, for every independent cascade setting and every
//!   linear threshold weighting: a wrong live probability, a skipped arc or
//!   a wrong backward walk moves it by tens of standard errors.
//! * On small graphs, brute force over every k-subset gives the optimum;
//!   IMM's and OPIM-C's seeds reach (1 − 1/e − ε) of it, and OPIM-C's
//!   reported guarantee is never above the ratio its seeds truly reach;
//!   its estimate, from fresh validation sets, is within 4 standard errors
//!   of the exact spread.
//! * A validation set stopped at the first seed meets the seeds exactly
//!   when the full set does; joined collections count as the two did;
//!   progress reports come in stages and do not change the answer.
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

/// Seeds that spread `got` reach `floor` of the optimum `opt`, and the
/// ratio their selector proved (`proved`) is not above the one they reach.
fn check_reaches(label: &str, got: f64, opt: f64, floor: f64, proved: f64) {
    assert!(
        got >= floor * opt - 1e-9,
        "{label}: {got} < {floor} x OPT {opt}"
    );
    assert!(
        got / opt >= proved - 1e-9,
        "{label}: proved {proved} but reaches {}",
        got / opt
    );
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
                    check_reaches(&label, got, opt, floor, chosen.guarantee.unwrap());
                    if chosen.method == "opim" {
                        // Its estimate is the fresh sets' (4θ of the 8θ
                        // drawn): within 4 standard errors of the truth.
                        let fresh = chosen.rr_sets.unwrap() as f64 / 2.0;
                        let n = case.n as f64;
                        let estimate = chosen.estimated_spread.unwrap();
                        let p = (got / n).clamp(0.0, 1.0);
                        let se = n * (p * (1.0 - p) / fresh).sqrt();
                        assert!(
                            (estimate - got).abs() <= 4.0 * se + 1e-9,
                            "{label}: estimate {estimate}, exact {got}, se {se}"
                        );
                    }
                }
            }
        }
    }
}

pub(crate) fn without_time(mut s: Selection) -> Selection {
    s.seconds = 0.0;
    s
}

/// `selector` answers `request` the same on one thread and on each of
/// `threads`, and otherwise with another master seed.
pub(crate) fn assert_thread_independent(
    selector: &dyn SeedSelector,
    request: SeedRequest<'_>,
    threads: &[usize],
) {
    let one = without_time(selector.select(&request.on_threads(1)).unwrap());
    for &t in threads {
        let many = without_time(selector.select(&request.on_threads(t)).unwrap());
        assert_eq!(one, many, "{t} threads");
    }
    let other = without_time(
        selector
            .select(&request.seeded(request.master_seed + 1))
            .unwrap(),
    );
    assert_ne!(one.estimated_spread, other.estimated_spread);
}

/// A star whose centre 0 reaches the 29 others, and the arcs 1 -> 2 and
/// 3 -> 4, all of trust 1.
pub(crate) fn star_with_two_pairs() -> Network {
    let arcs: Vec<(u32, u32, f64)> = (1..30)
        .map(|v| (0, v, 1.0))
        .chain([(1, 2, 1.0), (3, 4, 1.0)])
        .collect();
    Network::from_arcs(30, arcs).unwrap()
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
            assert_thread_independent(selector, request, &[2, 3, 8]);
        }
    }
}

#[test]
fn seeds_come_from_the_candidates() {
    // A star whose centre 0 reaches everyone; the candidates leave it out.
    let net = star_with_two_pairs();
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
        assert!(
            e.contains(&format!("invalid parameter {field} =")),
            "{field}: {e}"
        );
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
            assert!(e.to_string().contains("invalid parameter epsilon ="), "{e}");
        }
    }
    let e = Opim::new(Diffusion::uniform_ic(1.5), 0.1)
        .select(&SeedRequest::new(&net, 1))
        .unwrap_err();
    assert!(matches!(e, wom::Error::ProbabilityOutOfRange { .. }), "{e}");
    assert!(e.to_string().contains("1.5"), "{e}");
    let e = Opim {
        delta: Some(2.0),
        ..Opim::new(Diffusion::WEIGHTED_CASCADE, 0.1)
    }
    .select(&SeedRequest::new(&net, 1))
    .unwrap_err();
    assert!(e.to_string().contains("invalid parameter delta ="), "{e}");
}

#[test]
fn budgeted_selection_reaches_its_guard_against_brute_force() {
    use wom::seeding::{BudgetedOpim, Price, SeedPrices};
    let epsilon = 0.1;
    let floor = 0.5 * (1.0 - 1.0 / std::f64::consts::E) - epsilon;
    // Every node is a consumer costing 1 + its number of followers.
    let price = Price::PerFollower {
        base: 1.0,
        per_follower: 1.0,
    };
    let prices = SeedPrices([("consumer".to_string(), price)].into());
    for case in cases() {
        let net = network(&case);
        let cost = |s: &[u32]| s.iter().map(|&v| prices.of(&net, v)).sum::<f64>();
        for (what, diffusion) in diffusions() {
            for budget in [3.0, 6.0] {
                let mut opt = 0.0f64;
                for k in 1..=case.n.min(4) {
                    for s in subsets(case.n as u32, k) {
                        if cost(&s) <= budget {
                            opt = opt.max(exact(&case, what, &s));
                        }
                    }
                }
                let selector = BudgetedOpim {
                    diffusion,
                    epsilon,
                    budget,
                    prices: prices.clone(),
                    delta: Some(1e-3),
                };
                let request = SeedRequest::new(&net, case.n).seeded(MASTER);
                let chosen = selector.select(&request).unwrap();
                let label = format!("{} {what} budget {budget}", case.name);
                let spent = cost(&chosen.seeds);
                assert!(spent <= budget, "{label}: cost {spent}");
                assert_eq!(chosen.cost, Some(spent), "{label}");
                let got = exact(&case, what, &chosen.seeds);
                check_reaches(&label, got, opt, floor, chosen.guarantee.unwrap());
            }
        }
    }
}

#[test]
fn prices_by_role_and_followers_read_and_check() {
    use wom::seeding::{BudgetedOpim, Price, SeedPrices};
    let prices: SeedPrices =
        serde_json::from_str(r#"{"consumer": {"base": 2, "per_follower": 0.5}, "business": 7}"#)
            .unwrap();
    let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0)]).unwrap();
    assert_eq!(prices.of(&net, 0), 3.0);
    assert_eq!(prices.of(&net, 2), 2.0);
    assert_eq!(prices.0["business"], Price::Fixed(7.0));
    for (text, needle) in [
        (r#"{"consumer": {"bse": 2, "per_follower": 1}}"#, "bse"),
        (r#"{"consumer": {"base": 2}}"#, "per_follower"),
        (r#"{"consumer": "cheap"}"#, "price"),
    ] {
        let e = serde_json::from_str::<SeedPrices>(text)
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{text}: {e}");
    }
    let bad: SeedPrices =
        serde_json::from_str(r#"{"consumer": {"base": 2, "per_follower": -1}}"#).unwrap();
    let e = bad.validate().unwrap_err().to_string();
    assert!(
        e.contains("per_follower") && e.contains("$.consumer"),
        "{e}"
    );
    // Prices name roles the network has ...
    let mut selector = BudgetedOpim {
        diffusion: Diffusion::WEIGHTED_CASCADE,
        epsilon: 0.1,
        budget: 1.0,
        prices,
        delta: None,
    };
    let request = SeedRequest::new(&net, 2);
    let e = selector.select(&request).unwrap_err().to_string();
    assert!(e.contains("business"), "{e}");
    // ... and a budget below every candidate's price is an error naming it.
    selector.prices.0.remove("business");
    let e = selector.select(&request).unwrap_err().to_string();
    assert!(e.contains("budget") && e.contains("cheapest"), "{e}");
}

#[test]
fn greedy_coverage_and_its_bounds_hold_on_the_sets_drawn() {
    // On the RR sets themselves, every claim is exact: the greedy covers
    // at least (1 − 1/e) of the best k-set, the cost-effective greedy with
    // its guard at least ½(1 − 1/e) of the best set within the budget, and
    // each upper bound is at least the best coverage (brute force).
    use wom::seeding::{InvertedRr, Price, RrSampler, SeedPrices};
    let g = 1.0 - 1.0 / std::f64::consts::E;
    let price = Price::PerFollower {
        base: 1.0,
        per_follower: 1.0,
    };
    let prices = SeedPrices([("consumer".to_string(), price)].into());
    for case in cases() {
        let net = network(&case);
        for (what, diffusion) in diffusions() {
            let mut r = InvertedRr::new(case.n);
            r.extend(&RrSampler::new(&net, &diffusion).unwrap(), MASTER, 3_000)
                .unwrap();
            let all: Vec<u32> = (0..case.n as u32).collect();
            let costs: Vec<f64> = all.iter().map(|&v| prices.of(&net, v)).collect();
            let label = format!("{} {what}", case.name);
            for k in 1..=3.min(case.n) {
                let best = subsets(case.n as u32, k)
                    .iter()
                    .map(|s| r.covered_by(s))
                    .max()
                    .unwrap();
                let greedy = r.greedy(&all, k, true);
                assert_eq!(r.covered_by(&greedy.seeds), greedy.covered, "{label}");
                assert!(greedy.covered as f64 >= g * best as f64, "{label} k={k}");
                assert!(
                    greedy.upper_bound >= best,
                    "{label} k={k}: bound {} < {best}",
                    greedy.upper_bound
                );
            }
            for budget in [2.0, 4.0, 7.0] {
                let mut best = 0;
                for k in 1..=case.n {
                    for s in subsets(case.n as u32, k) {
                        if s.iter().map(|&v| costs[v as usize]).sum::<f64>() <= budget {
                            best = best.max(r.covered_by(&s));
                        }
                    }
                }
                let runs = [true, false]
                    .map(|per_cost| r.greedy_within(&all, &costs, budget, case.n, per_cost, true));
                for (greedy, spent) in &runs {
                    assert!(*spent <= budget, "{label}");
                    assert_eq!(r.covered_by(&greedy.seeds), greedy.covered, "{label}");
                    assert!(
                        greedy.upper_bound >= best,
                        "{label} budget {budget}: bound {} < {best}",
                        greedy.upper_bound
                    );
                }
                let guarded = runs[0].0.covered.max(runs[1].0.covered);
                assert!(
                    guarded as f64 >= 0.5 * g * best as f64,
                    "{label} budget {budget}"
                );
            }
        }
    }
}

#[test]
fn the_budget_split_finds_the_better_use_of_the_money() {
    use wom::channel::{Advertising, Post};
    use wom::ensemble::{EnsembleOptions, RunBudget};
    use wom::propagation::composite::{CampaignChannel, CampaignOptions, Sender};
    use wom::seeding::{Objective, SeedPrices, SplitOptions, split_budget};
    // A hub reaching 30 followers for sure: seeding it (price 100) wins 31
    // adopters, where 100 of weak advertising (10 a burst) wins a handful.
    let sure: wom::BuiltinActor = wom::Consumer {
        profile: wom::Profile::new(1.0, 1.0, 1.0, 1.0).unwrap(),
    }
    .into();
    let arcs: Vec<(usize, usize)> = (1..=30).map(|v| (0, v)).collect();
    let net = crate::composite::graph(vec![sure; 31], &arcs);
    let ads = Advertising::new(0.1, 0.2)
        .unwrap()
        .with_cost_per_message(10.0)
        .unwrap();
    let campaign = CampaignOptions::new(
        vec![
            CampaignChannel::new(ads, Sender::Outside),
            CampaignChannel::new(Post::new(1.0).unwrap(), Sender::Adopters),
        ],
        20,
    )
    .with_talk_periods(1);
    let prices = SeedPrices([("consumer".to_string(), 100.0.into())].into());
    let options = SplitOptions {
        budgets: vec![50.0, 100.0, 150.0],
        seed_shares: vec![0.0, 0.5, 1.0],
        objective: Objective::Adoptions,
        value_per_adoption: Some(10.0),
        ensemble: EnsembleOptions {
            budget: RunBudget::Runs(400),
            master_seed: MASTER,
            ..EnsembleOptions::default()
        },
    };
    let report = split_budget(&net, &campaign, &[0, 1, 2], &prices, &options).unwrap();
    assert_eq!(report.points.len(), 9);
    for p in &report.points {
        let bought = if p.seed_share * p.budget >= 100.0 {
            1
        } else {
            0
        };
        assert_eq!(p.seeds, bought, "{p:?}");
        assert_eq!(p.seed_cost, 100.0 * bought as f64);
        assert_eq!(p.channel_budget, p.budget - p.seed_cost);
        // Ads spend whole bursts within the channel budget.
        assert!(p.cost.mean <= p.budget + 1e-9, "{p:?}");
        // (fewer when everyone adopted before the money ran out).
        let most = p.seed_cost + 10.0 * (p.channel_budget / 10.0).floor();
        assert!(
            p.cost.mean <= most + 1e-9 && p.cost.mean >= p.seed_cost,
            "{p:?}"
        );
        assert!(p.roi.is_some());
    }
    // 50 buys no seed: every share is advertising only, the first kept.
    assert_eq!(report.best[0], 0);
    // 100 and 150: the hub, bought with the share that reaches 100.
    let best: Vec<(f64, f64)> = report
        .frontier()
        .map(|p| (p.budget, p.seed_share))
        .collect();
    assert_eq!(best, [(50.0, 0.0), (100.0, 1.0), (150.0, 1.0)]);
    let hub = &report.points[report.best[1]];
    assert!(hub.adoption.mean > 30.9, "{hub:?}");
    let ads_only = &report.points[3];
    assert!(
        ads_only.adoption.ci_high < hub.adoption.ci_low,
        "{ads_only:?}"
    );
    assert!(report.table().lines().count() == 10);
    #[cfg(feature = "charts")]
    {
        let options = wom::chart::ChartOptions::default();
        let svg = wom::chart::budget_frontier(&report, &options).unwrap();
        assert!(
            svg.contains("best split") && svg.contains("seeds 50%"),
            "{svg}"
        );
    }
    // Bad options name the field.
    let mut bad = options.clone();
    bad.seed_shares = vec![1.5];
    let e = split_budget(&net, &campaign, &[0], &prices, &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("seed_shares[0]"), "{e}");
    let mut bad = options;
    bad.value_per_adoption = None;
    bad.objective = Objective::Roi;
    let e = split_budget(&net, &campaign, &[0], &prices, &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("objective"), "{e}");
}

#[test]
fn a_draw_stopped_at_the_seeds_meets_them_exactly_when_the_full_draw_does() {
    // OPIM-C's fresh validation sets stop at the first seed they reach; the
    // answer must be the full set's, set by set, and what was drawn a
    // prefix of it (a stop that skipped a draw would shift every later
    // one).
    use wom::propagation::kernel::EpochMarks;
    use wom::seeding::RrSampler;
    let params = Gnp {
        n: 400,
        p: 0.012,
        direction: wom::Relation::Follow,
    };
    let mut nets: Vec<(&str, Network)> = cases().iter().map(|c| (c.name, network(c))).collect();
    nets.push(("gnp", gnp(&params, 5).unwrap().freeze().unwrap()));
    for (name, net) in &nets {
        let n = net.node_count();
        let seed_sets: [Vec<u32>; 3] = [
            vec![0],
            vec![1, n as u32 / 2],
            (0..n as u32).step_by(7).collect(),
        ];
        for (what, diffusion) in diffusions() {
            let sampler = RrSampler::new(net, &diffusion).unwrap();
            let (mut marks, mut set, mut queue) = (EpochMarks::new(n), Vec::new(), Vec::new());
            for seeds in &seed_sets {
                let mut is_seed = vec![false; n];
                seeds.iter().for_each(|&s| is_seed[s as usize] = true);
                for j in 0..1_000 {
                    sampler.draw(MASTER, j, &mut marks, &mut set);
                    let full = set.iter().any(|&v| is_seed[v as usize]);
                    let stopped = sampler.meets(MASTER, j, &is_seed, &mut marks, &mut queue);
                    assert_eq!(full, stopped, "{name} {what} {seeds:?} set {j}");
                    assert_eq!(set[..queue.len()], queue[..], "{name} {what} set {j}");
                    assert_eq!(stopped, is_seed[*queue.last().unwrap() as usize]);
                }
            }
        }
    }
}

#[test]
fn joined_collections_count_as_the_two_did() {
    use wom::seeding::{InvertedRr, RrSampler};
    let params = Gnp {
        n: 300,
        p: 0.015,
        direction: wom::Relation::Follow,
    };
    let net = gnp(&params, 9).unwrap().freeze().unwrap();
    let sampler = RrSampler::new(&net, &Diffusion::WEIGHTED_CASCADE).unwrap();
    let (mut a, mut b) = (InvertedRr::new(300), InvertedRr::new(300));
    a.extend(&sampler, 1, 700).unwrap();
    a.extend(&sampler, 1, 300).unwrap();
    b.extend(&sampler, 2, 500).unwrap();
    let mut joined = a.clone();
    joined.append(b.clone()).unwrap();
    assert_eq!(joined.len(), 1_500);
    assert_eq!(joined.entries(), a.entries() + b.entries());
    for seeds in [vec![0u32], vec![3, 17, 42], (0..300).step_by(5).collect()] {
        assert_eq!(
            joined.covered_by(&seeds),
            a.covered_by(&seeds) + b.covered_by(&seeds),
            "{seeds:?}"
        );
    }
    // The greedy on the joined sets covers what its seeds cover there.
    let all: Vec<u32> = (0..300).collect();
    let greedy = joined.greedy(&all, 10, true);
    assert_eq!(joined.covered_by(&greedy.seeds), greedy.covered);
    assert!(greedy.upper_bound >= greedy.covered);
    let e = joined.append(InvertedRr::new(301)).unwrap_err();
    assert!(e.to_string().contains("301"), "{e}");
}

#[test]
fn opim_reports_its_stages_and_answers_the_same_when_watched() {
    use std::sync::Mutex;
    use wom::seeding::{Celf, Work};
    let params = Gnp {
        n: 2_000,
        p: 0.003,
        direction: wom::Relation::Follow,
    };
    let net = gnp(&params, 3).unwrap().freeze().unwrap();
    let request = SeedRequest::new(&net, 10).seeded(MASTER);
    let celf = Celf {
        diffusion: Diffusion::uniform_ic(0.05),
        runs: 20,
    };
    let opim = Opim::new(Diffusion::WEIGHTED_CASCADE, 0.1);
    let imm = Imm::new(Diffusion::WEIGHTED_CASCADE, 0.3);
    let selectors: [(&dyn SeedSelector, &[&str]); 3] = [
        (&opim, &["RR sets", "RR sets for the answer", "validation"]),
        (&imm, &["RR sets for a lower bound", "RR sets"]),
        (&celf, &["first estimates", "seeds"]),
    ];
    for (selector, stages) in selectors {
        let heard: Mutex<Vec<Work>> = Mutex::new(Vec::new());
        let listen = |w: Work| heard.lock().unwrap().push(w);
        let watched = selector
            .select(&request.reporting(&listen).on_threads(2))
            .unwrap();
        let quiet = selector.select(&request).unwrap();
        assert_eq!(without_time(watched), without_time(quiet));
        let heard = heard.into_inner().unwrap();
        // Stages in order, each counting up to at most its end, the last
        // one finished.
        let order: Vec<&str> = heard.iter().map(|w| w.stage).fold(Vec::new(), |mut o, s| {
            if o.last() != Some(&s) {
                o.push(s);
            }
            o
        });
        assert_eq!(
            order.iter().filter(|s| !stages.contains(s)).count(),
            0,
            "{order:?}"
        );
        assert_eq!(order.last(), stages.last(), "{order:?}");
        for pair in heard.windows(2) {
            if pair[0].stage == pair[1].stage && pair[0].of == pair[1].of {
                assert!(pair[0].done <= pair[1].done, "{pair:?}");
            }
        }
        assert!(heard.iter().all(|w| w.done <= w.of), "{heard:?}");
        let last = heard.last().unwrap();
        assert_eq!(last.done, last.of, "{last:?}");
    }
}

#[test]
fn how_sets_are_batched_does_not_change_the_answer() {
    // A long draw is inverted in several batches as it goes (to bound the
    // lists held), short draws one batch each: the same sets either way.
    use wom::seeding::{InvertedRr, RrSampler};
    let params = Gnp {
        n: 300,
        p: 0.015,
        direction: wom::Relation::Follow,
    };
    let net = gnp(&params, 9).unwrap().freeze().unwrap();
    let sampler = RrSampler::new(&net, &Diffusion::uniform_ic(0.2)).unwrap();
    let mut long = InvertedRr::new(300);
    long.extend(&sampler, 4, 200_000).unwrap();
    let mut short = InvertedRr::new(300);
    for _ in 0..8 {
        short.extend(&sampler, 4, 25_000).unwrap();
    }
    assert_eq!((long.len(), long.entries()), (short.len(), short.entries()));
    // More than one batch: each adds 301 offsets.
    let one_batch = 4 * (long.entries() + 301 + 300);
    assert!(long.bytes() > one_batch, "{} entries", long.entries());
    let all: Vec<u32> = (0..300).collect();
    assert_eq!(long.greedy(&all, 15, true), short.greedy(&all, 15, true));
    for seeds in [vec![7u32], (0..300).step_by(11).collect()] {
        assert_eq!(long.covered_by(&seeds), short.covered_by(&seeds));
    }
}
