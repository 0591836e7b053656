//! Influence maximisation by reverse influence sampling: IMM and OPIM-C.

use std::f64::consts::{E, LN_2};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::budget::{SeedPrices, check_amount, fits_budget};
use super::cover::InvertedRr;
use super::rr::{RrSampler, RrSets, count_meeting, in_pool};
use super::select::{Diffusion, SeedRequest, SeedSelector, Selection};
use crate::error::{Error, Result};
use crate::network::Network;

/// 1 − 1/e, the greedy's ratio on a submodular function.
const GREEDY: f64 = 1.0 - 1.0 / E;

/// The stream of the first collection of RR sets a method draws from the
/// request's master seed, and of the second.
const FIRST: u64 = 0x5252_5331;
const SECOND: u64 = 0x5252_5332;
/// The stream of the fresh RR sets that validate OPIM-C's final choice.
const THIRD: u64 = 0x5252_5333;

/// ln C(c, k), summed term by term (k <= c).
fn ln_choose(c: usize, k: usize) -> f64 {
    (0..k)
        .map(|i| ((c - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum()
}

/// ε must lie in (0, 1).
fn check_epsilon(epsilon: f64) -> Result<f64> {
    if epsilon.is_finite() && epsilon > 0.0 && epsilon < 1.0 {
        Ok(epsilon)
    } else {
        Err(Error::param(
            "epsilon",
            epsilon,
            "must lie strictly between 0 and 1",
        ))
    }
}

/// OPIM-C: online processing for influence maximisation (Tang, Tang, Xiao
/// and Yuan, SIGMOD 2018), with its tighter upper bound on the optimum, and
/// a final choice on both collections validated on fresh RR sets.
///
/// **Rounds (OPIM-C's).** It draws two independent collections of RR sets,
/// R1 and R2, of θ sets each, starting from θ_0 = ⌊2((1 − 1/e)α + β)²⌋
/// with α = √ln(6/δ) and β = √((1 − 1/e)(ln C(c, k) + ln(6/δ))) (c
/// candidates). Each round it chooses k seeds S greedily on R1, and bounds,
/// each with probability at least 1 − δ/(3 i_max) (a = ln(3 i_max/δ)):
///
/// ```text
/// σ(S)   >= n/θ × ((√(Λ2(S) + 2a/9) − √(a/2))² − a/18)      Λ2: sets of R2 met by S
/// σ(OPT) <= n/θ × (√(Λ1ᵘ + a/2) + √(a/2))²                   Λ1ᵘ: the greedy's bound on R1
/// ```
///
/// where Λ1ᵘ is the least, over the greedy's steps, of the sets covered so
/// far plus the k largest marginal coverages (a bound on what any k
/// candidates cover in R1, by submodularity). The rounds end as soon as
/// the ratio of the two reaches 1 − 1/e − ε, or after i_max =
/// ⌊log2(θ_max/θ_0)⌋ + 1 rounds, θ doubling each round up to θ_max =
/// 2n((1 − 1/e)α + β)² / (k ε²): the same sets, in the same rounds, as
/// OPIM-C.
///
/// **The answer.** OPIM-C answers with the seeds chosen on R1 alone. Here
/// the seeds are chosen greedily on R = R1 ∪ R2 ∪ R3, 4θ sets, R3 being 2θ
/// more sets of R1's stream (twice what the rounds ended with), and
/// validated on θ_v = 4θ fresh RR sets drawn after the choice, each stopped
/// at the first seed it meets (Guo, Wang, Wei and Chen, SIGMOD 2020,
/// validate OPIM-C's choice on such truncated sets). With Λ_v the fresh
/// sets the seeds meet and Λᵘ the greedy's bound on R, the reported
/// guarantee is
///
/// ```text
/// α(S) = [((√(Λ_v + 2b/9) − √(b/2))² − b/18) / θ_v] / [(√(Λᵘ + c/2) + √(c/2))² / 4θ]
/// ```
///
/// with b = ln(2/δ) and c = ln(2 i_max/δ): the lower bound holds with
/// probability 1 − δ/2 given the choice (the fresh sets do not depend on
/// it), the upper bound with 1 − δ/2 over the i_max sizes 4θ may take, so
/// the seeds reach α(S) × σ(OPT) with probability at least 1 − δ. More
/// sets improve the seeds and tighten both bounds, for about twice the
/// work of the last round. The estimate of the spread is n Λ_v / θ_v, and
/// the RR sets reported are 4θ + θ_v.
///
/// Cost: O((k + ln(1/δ)) n ε⁻² / k × EPT) expected RR-set work, EPT the
/// mean size of an RR set; memory 4 bytes per RR-set entry (R1 and R2
/// inverted by node) and 4 bytes per node and batch; the fresh sets are
/// counted, not kept. RR sets are drawn in parallel; the answer does not
/// depend on the number of threads. A progress callback
/// ([`SeedRequest::reporting`]) hears of the stages `"RR sets"` (per
/// round), `"RR sets for the answer"` and `"validation"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opim {
    /// The diffusion.
    pub diffusion: Diffusion,
    /// ε in (0, 1): the target is a (1 − 1/e − ε)-approximation.
    pub epsilon: f64,
    /// δ in (0, 1): the guarantee fails with probability at most δ
    /// (default 1/n, as in the authors' code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
}

impl Opim {
    /// OPIM-C for `diffusion` with this ε and δ = 1/n.
    pub fn new(diffusion: Diffusion, epsilon: f64) -> Self {
        Opim {
            diffusion,
            epsilon,
            delta: None,
        }
    }
}

fn check_delta(delta: f64) -> Result<f64> {
    if delta.is_finite() && delta > 0.0 && delta < 1.0 {
        Ok(delta)
    } else {
        Err(Error::param(
            "delta",
            delta,
            "must lie strictly between 0 and 1",
        ))
    }
}

/// OPIM-C's sample schedule: θ_0 sets per collection to start with, the
/// most rounds, and a = ln(3 i_max / δ) of the bounds.
struct Schedule {
    base: u64,
    rounds: u32,
    a: f64,
    delta: f64,
}

impl Schedule {
    /// For n nodes, failure probability δ, ln of the number of feasible
    /// seed sets, the greedy's ratio `approx`, a floor of the optimum's
    /// spread (k seeds spread to at least k nodes) and ε.
    fn new(n: usize, delta: f64, ln_sets: f64, approx: f64, floor: f64, epsilon: f64) -> Self {
        let alpha = (6.0 / delta).ln().sqrt();
        let beta = (approx * (ln_sets + (6.0 / delta).ln())).sqrt();
        let spread = (approx * alpha + beta).powi(2);
        let base = ((2.0 * spread) as u64).max(1);
        let max = (2.0 * n as f64 * spread / floor / (epsilon * epsilon)) as u64 + 1;
        let rounds = (max as f64 / base as f64).log2().max(0.0).floor() as u32 + 1;
        Schedule {
            base,
            rounds,
            a: (3.0 * f64::from(rounds) / delta).ln(),
            delta,
        }
    }

    /// The approximation proved for the final seeds, which meet `met` of
    /// `fresh` RR sets drawn after they were chosen, when no seed set
    /// covers more than `upper_cover` of the `sets` RR sets they were
    /// chosen on: each bound fails with probability at most δ/2 (the upper
    /// one over each of the `rounds` sizes `sets` may take).
    fn final_ratio(&self, met: u64, fresh: u64, upper_cover: u64, sets: u64) -> f64 {
        let a_lower = (2.0 / self.delta).ln();
        let a_upper = (2.0 * f64::from(self.rounds) / self.delta).ln();
        let lower = lower_count(met as f64, a_lower) / fresh as f64;
        let upper = upper_count(upper_cover as f64, a_upper) / sets as f64;
        (lower / upper).min(1.0)
    }

    /// The approximation proved for seeds that meet `met` sets of R2, when
    /// no seed set of the size or budget covers more than `upper_cover`
    /// sets of R1 (both collections of the same size).
    fn proved(&self, met: f64, upper_cover: u64) -> f64 {
        let lower = lower_count(met, self.a);
        let upper = upper_count(upper_cover as f64, self.a);
        (lower / upper).min(1.0)
    }
}

/// A count that `met` of some RR sets exceeds in expectation with
/// probability at most e^(−a) (Tang et al. 2018, from a martingale bound).
fn lower_count(met: f64, a: f64) -> f64 {
    (((met + 2.0 * a / 9.0).sqrt() - (a / 2.0).sqrt()).powi(2) - a / 18.0).max(0.0)
}

/// A count that falls short of the expected coverage of a fixed set that
/// covers at most `cover` of the RR sets with probability at most e^(−a).
fn upper_count(cover: f64, a: f64) -> f64 {
    ((cover + a / 2.0).sqrt() + (a / 2.0).sqrt()).powi(2)
}

/// What one round's choice on R1 gives: the seeds, a bound on the best
/// coverage of R1, and their cost where a budget applies.
type Choice = (Vec<u32>, u64, Option<f64>);

/// OPIM-C's rounds: R1 and R2 grow to θ_0, 2θ_0, ... sets; each round
/// `choose` picks seeds on R1, R2 and the bound give the proved ratio, and
/// the first round reaching `target` (or the last) ends the rounds. The
/// answer is then chosen on R1, R2 and 2θ more sets, and validated on
/// fresh RR sets drawn after it was chosen (see [`Opim`]).
#[allow(clippy::too_many_arguments)]
fn online_rounds(
    request: &SeedRequest<'_>,
    sampler: &RrSampler<'_>,
    schedule: &Schedule,
    target: f64,
    method: &str,
    started: Instant,
    choose: impl Fn(&InvertedRr) -> Choice + Send + Sync,
) -> Result<Selection> {
    let n = request.network.node_count();
    let (m1, m2) = (request.master_seed ^ FIRST, request.master_seed ^ SECOND);
    in_pool(request.threads, || {
        let mut r1 = InvertedRr::new(n);
        let mut r2 = InvertedRr::new(n);
        let mut round = 0;
        let theta = loop {
            let theta = schedule.base << round;
            let (had1, had2) = (r1.len(), r2.len());
            let report = |done| request.report("RR sets", done, 2 * theta);
            r1.extend_reporting(sampler, m1, theta - had1, &|d| report(had1 + had2 + d))?;
            r2.extend_reporting(sampler, m2, theta - had2, &|d| report(theta + had2 + d))?;
            let (seeds, upper_cover, _) = choose(&r1);
            let met = r2.covered_by(&seeds) as f64;
            round += 1;
            if schedule.proved(met, upper_cover) >= target || round == schedule.rounds {
                break theta;
            }
        };
        // The answer's sets: R1, 2θ more of its stream, and R2.
        let extra = ANSWER_SETS * theta - 2 * theta;
        r1.extend_reporting(sampler, m1, extra, &|done| {
            request.report("RR sets for the answer", done, extra)
        })?;
        r1.append(r2)?;
        let (seeds, upper_cover, cost) = choose(&r1);
        let fresh = validation_sets(theta);
        let mut is_seed = vec![false; n];
        for &s in &seeds {
            is_seed[s as usize] = true;
        }
        let met = count_meeting(
            sampler,
            request.master_seed ^ THIRD,
            0,
            fresh,
            &is_seed,
            &|done| request.report("validation", done, fresh),
        );
        Ok(Selection {
            seeds,
            method: method.into(),
            estimated_spread: Some(n as f64 * met as f64 / fresh as f64),
            guarantee: Some(schedule.final_ratio(met, fresh, upper_cover, r1.len())),
            rr_sets: Some(r1.len() + fresh),
            cost,
            seconds: started.elapsed().as_secs_f64(),
        })
    })?
}

/// The answer is chosen on this many times θ sets (R1, R2 and fresh ones
/// of R1's stream): twice what the rounds ended with.
const ANSWER_SETS: u64 = 4;

/// Fresh RR sets that validate a choice made on 4θ sets: as many. Each
/// stops at the first seed it meets, so on graphs where the seeds meet a
/// good share of the sets they cost less than as many full sets; the lower
/// bound on the seeds' spread tightens with their number.
fn validation_sets(theta: u64) -> u64 {
    4 * theta
}

impl SeedSelector for Opim {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let epsilon = check_epsilon(self.epsilon)?;
        let candidates = request.checked_candidates()?;
        let network = request.network;
        let n = network.node_count();
        let k = request.k;
        let delta = check_delta(self.delta.unwrap_or(1.0 / n as f64))?;
        let sampler = RrSampler::new(network, &self.diffusion)?;
        let ln_sets = ln_choose(candidates.len(), k);
        let schedule = Schedule::new(n, delta, ln_sets, GREEDY, k as f64, epsilon);
        online_rounds(
            request,
            &sampler,
            &schedule,
            GREEDY - epsilon,
            "opim",
            started,
            |r1| {
                let greedy = r1.greedy(&candidates, k, true);
                (greedy.seeds, greedy.upper_bound, None)
            },
        )
    }
}

/// IMM: influence maximisation via martingales (Tang, Shi and Xiao, SIGMOD
/// 2015), with Chen's fix (arXiv:1808.09363): the RR sets the seeds are
/// chosen on are drawn afresh after the number needed is known.
///
/// With ε' = √2 ε and ℓ' = ℓ(1 + ln 2 / ln n), it first finds a lower
/// bound LB of the optimum: for x = n/2, n/4, ..., it draws
/// θ_x = λ'/x RR sets, λ' = (2 + 2ε'/3)(ln C(c, k) + ℓ' ln n + ln log2 n) n / ε'²,
/// and stops at the first x where the greedy seeds' estimate n F(S) reaches
/// (1 + ε')x, with LB = n F(S)/(1 + ε'). It then draws θ = λ*/LB fresh RR
/// sets, λ* = 2n((1 − 1/e)α + β)² / ε², α = √(ℓ' ln n + ln 2),
/// β = √((1 − 1/e)(ln C(c, k) + ℓ' ln n + ln 2)), and returns the greedy
/// seeds on them: a (1 − 1/e − ε)-approximation with probability at least
/// 1 − 1/n^ℓ, which it reports as the guarantee.
///
/// Cost: O((k + ℓ)(n + m) ln n / ε²) expected time; memory 4 bytes per
/// RR-set entry. The answer does not depend on the number of threads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imm {
    /// The diffusion.
    pub diffusion: Diffusion,
    /// ε in (0, 1).
    pub epsilon: f64,
    /// ℓ > 0: the guarantee fails with probability at most 1/n^ℓ (default
    /// 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ell: Option<f64>,
}

impl Imm {
    /// IMM for `diffusion` with this ε and ℓ = 1.
    pub fn new(diffusion: Diffusion, epsilon: f64) -> Self {
        Imm {
            diffusion,
            epsilon,
            ell: None,
        }
    }
}

impl SeedSelector for Imm {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let epsilon = check_epsilon(self.epsilon)?;
        let ell = self.ell.unwrap_or(1.0);
        if !(ell.is_finite() && ell > 0.0) {
            return Err(Error::param("ell", ell, "must be a finite number > 0"));
        }
        let candidates = request.checked_candidates()?;
        let network: &Network = request.network;
        let n = network.node_count();
        let k = request.k;
        let sampler = RrSampler::new(network, &self.diffusion)?;
        let nf = n as f64;
        let ln_n = nf.ln().max(f64::MIN_POSITIVE);
        let ell = ell * (1.0 + LN_2 / ln_n);
        let lnck = ln_choose(candidates.len(), k);
        let eps1 = std::f64::consts::SQRT_2 * epsilon;
        let lambda1 = (2.0 + 2.0 * eps1 / 3.0) * (lnck + ell * ln_n + nf.log2().max(1.0).ln()) * nf
            / (eps1 * eps1);
        let alpha = (ell * ln_n + LN_2).sqrt();
        let beta = (GREEDY * (lnck + ell * ln_n + LN_2)).sqrt();
        let lambda_star = 2.0 * nf * (GREEDY * alpha + beta).powi(2) / (epsilon * epsilon);
        let (m1, m2) = (request.master_seed ^ FIRST, request.master_seed ^ SECOND);
        in_pool(request.threads, || {
            let mut r = InvertedRr::new(n);
            let mut lb = 1.0f64;
            let steps = nf.log2().floor() as i32;
            for i in 1..steps {
                let x = nf / 2f64.powi(i);
                let theta = (lambda1 / x).ceil() as u64;
                let had = r.len();
                r.extend_reporting(&sampler, m1, theta.saturating_sub(had), &|done| {
                    request.report("RR sets for a lower bound", had + done, theta.max(had))
                })?;
                let greedy = r.greedy(&candidates, k, false);
                let estimate = nf * greedy.covered as f64 / r.len() as f64;
                if estimate >= (1.0 + eps1) * x {
                    lb = estimate / (1.0 + eps1);
                    break;
                }
            }
            let theta = ((lambda_star / lb).ceil() as u64).max(1);
            let sampled = r.len();
            drop(r);
            let mut fresh = InvertedRr::new(n);
            fresh.extend_reporting(&sampler, m2, theta, &|done| {
                request.report("RR sets", done, theta)
            })?;
            let greedy = fresh.greedy(&candidates, k, false);
            Ok(Selection {
                seeds: greedy.seeds,
                method: "imm".into(),
                estimated_spread: Some(nf * greedy.covered as f64 / theta as f64),
                guarantee: Some(GREEDY - epsilon),
                rr_sets: Some(sampled + theta),
                cost: None,
                seconds: started.elapsed().as_secs_f64(),
            })
        })?
    }
}

/// The RR-set estimate of the expected spread of `seeds` under `diffusion`,
/// from `sets` RR sets of the stream `master_seed`, and its standard error
/// `n √(p̂(1 − p̂)/sets)`.
///
/// # Errors
/// A diffusion whose parameters are out of range; a seed that is not a node
/// index.
pub fn rr_estimate(
    network: &Network,
    diffusion: &Diffusion,
    seeds: &[u32],
    sets: u64,
    master_seed: u64,
) -> Result<(f64, f64)> {
    let n = network.node_count();
    if let Some(&bad) = seeds.iter().find(|&&s| s as usize >= n) {
        return Err(Error::param(
            "seeds",
            bad,
            format!("not a node index of this network of {n} nodes"),
        ));
    }
    let sampler = RrSampler::new(network, diffusion)?;
    let mut r = RrSets::new();
    r.extend(&sampler, master_seed, sets);
    if r.is_empty() {
        return Ok((0.0, 0.0));
    }
    let p = r.covered_by(seeds, n) as f64 / r.len() as f64;
    let nf = n as f64;
    Ok((nf * p, nf * (p * (1.0 - p) / r.len() as f64).sqrt()))
}

/// Seeds within a budget on RR sets: OPIM-C's online bounds around the
/// cost-effective greedy with its guard (Leskovec, Krause, Guestrin,
/// Faloutsos, VanBriesen and Glance, KDD 2007; after Khuller, Moss and
/// Naor 1999).
///
/// Each seed v costs `prices.of(network, v)` (by role, and by followers
/// where a role's price says so); the seeds' total cost stays within
/// `budget`, and at most `request.k` seeds are chosen. On R1 it runs two
/// lazy greedy choices: by marginal coverage per unit cost, and by marginal
/// coverage among the nodes still affordable; it keeps the one that covers
/// more, which covers at least ½(1 − 1/e) of the best set within the
/// budget. As in [`Opim`], R2 gives a lower bound on the spread of the
/// choice and the greedy gives an upper bound on the optimum (here a
/// fractional knapsack over the marginal coverages), each with probability
/// at least 1 − δ/(3 i_max); the sets double until their ratio reaches
/// ½(1 − 1/e) − ε or the rounds run out (θ_max as OPIM-C's with k = 1 and
/// ln C(c, k) replaced by K ln(e c/K), K the most seeds the budget buys).
/// As in [`Opim`], the answer is then chosen on 4θ sets (R1, R2 and 2θ
/// more) and its guarantee proved on 4θ fresh RR sets.
///
/// Candidates priced above the budget are never chosen; a budget below
/// every candidate's price is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetedOpim {
    /// The diffusion.
    pub diffusion: Diffusion,
    /// ε in (0, 1).
    pub epsilon: f64,
    /// The money for seeds.
    pub budget: f64,
    /// The price of each seed by role.
    #[serde(default)]
    pub prices: SeedPrices,
    /// δ in (0, 1) (default 1/n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
}

/// ½(1 − 1/e): the cost-effective greedy's ratio with its guard.
const BUDGETED: f64 = 0.5 * GREEDY;

impl SeedSelector for BudgetedOpim {
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let epsilon = check_epsilon(self.epsilon)?;
        let budget = check_amount("budget", self.budget)?;
        self.prices.validate()?;
        self.prices.check_roles(request.network)?;
        let all = request.checked_candidates()?;
        let network = request.network;
        let n = network.node_count();
        let delta = check_delta(self.delta.unwrap_or(1.0 / n as f64))?;
        // Candidates the budget can buy, with their prices.
        let priced: Vec<(u32, f64)> = all
            .iter()
            .map(|&v| (v, self.prices.of(network, v)))
            .filter(|&(_, p)| fits_budget(0.0, p, budget))
            .collect();
        if priced.is_empty() {
            let cheapest = all
                .iter()
                .map(|&v| self.prices.of(network, v))
                .fold(f64::INFINITY, f64::min);
            return Err(Error::param(
                "budget",
                budget,
                format!("below the cheapest candidate's price, {cheapest}"),
            ));
        }
        let candidates: Vec<u32> = priced.iter().map(|x| x.0).collect();
        let costs: Vec<f64> = priced.iter().map(|x| x.1).collect();
        let cheapest = costs.iter().copied().fold(f64::INFINITY, f64::min);
        let most = if cheapest > 0.0 {
            ((budget / cheapest).floor() as usize).min(request.k)
        } else {
            request.k
        }
        .clamp(1, candidates.len());
        let c = candidates.len() as f64;
        let sets_ln = most as f64 * (std::f64::consts::E * c / most as f64).ln();
        let sampler = RrSampler::new(network, &self.diffusion)?;
        let schedule = Schedule::new(n, delta, sets_ln, BUDGETED, 1.0, epsilon);
        let k = request.k;
        let target = BUDGETED - epsilon;
        online_rounds(
            request,
            &sampler,
            &schedule,
            target,
            "budgeted_opim",
            started,
            |r1| {
                let by_cost = r1.greedy_within(&candidates, &costs, budget, k, true, true);
                let by_gain = r1.greedy_within(&candidates, &costs, budget, k, false, true);
                let upper_cover = by_cost.0.upper_bound.min(by_gain.0.upper_bound);
                let (greedy, cost) = if by_gain.0.covered > by_cost.0.covered {
                    by_gain
                } else {
                    by_cost
                };
                (greedy.seeds, upper_cover, Some(cost))
            },
        )
    }
}
