//! Greedy hill-climbing on Monte Carlo spreads, with lazy evaluations
//! (CELF).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::rr::in_pool;
use super::select::{Diffusion, SeedRequest, SeedSelector, Selection};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::propagation::lt::LinearThreshold;
use crate::propagation::{IndependentCascade, Model, Simulation};

/// The stream of CELF's runs, mixed into the request's master seed.
const STREAM: u64 = 0x4345_4C46; // "CELF"

/// Runs per parallel task: enough to amortise the task on small graphs,
/// few enough to balance a single estimate over a few dozen threads.
const RUNS_PER_TASK: u64 = 64;

/// CELF: the greedy hill-climbing of Kempe, Kleinberg and Tardos (KDD
/// 2003) on Monte Carlo estimates of the expected spread σ, with the lazy
/// evaluations of Leskovec et al. (KDD 2007).
///
/// The greedy adds, k times, the candidate v of largest marginal gain
/// σ(S ∪ {v}) − σ(S) to the seeds S chosen so far. Lazily: every candidate
/// keeps the gain it was last given; the candidate on top is re-estimated
/// against the current S, and chosen when its fresh gain is still on top.
/// Since σ is submodular, a gain given against a smaller S is (in
/// expectation) at least the gain now, so the others need not be looked at.
/// Ties go to the smaller node index.
///
/// # The estimate
/// σ(S) is estimated as the mean adopted count over runs `0..runs` of the
/// [`Diffusion`]'s model ([`IndependentCascade`], or [`LinearThreshold`]
/// with random thresholds) under one master seed, `request.master_seed ^
/// 0x4345_4C46`, so that the seeds are not judged afterwards on the very
/// draws they were chosen on (a forward Monte Carlo under the request's
/// own master seed is independent of them). Every estimate uses those same
/// runs, with the candidate listed last, after the seeds in the order
/// chosen: **common random numbers**. Two candidates are compared on the
/// same generators, which share the draws the kernel makes before it meets
/// the candidate's arcs, so the noise of a comparison is smaller than on
/// independent samples (on a G(400, 0.01) graph under the weighted cascade
/// or the linear threshold, the adopted counts of two candidates in the
/// same run correlate at about 0.4, which takes about 40% off the variance
/// of their difference); and an answer is a pure function of the request.
/// [`Celf::estimate`] gives the same estimate of any seed set.
///
/// Because a kernel draws in the order it meets arcs, runs of S and of
/// S ∪ {v} are not one shared live-edge world, so the estimate is
/// submodular only in expectation: a gain's estimate may rise by noise
/// between two rounds, and then the lazy greedy may pick another node than
/// the plain greedy on the same estimates would. That takes a near tie
/// within the noise, which more `runs` shrink.
///
/// # Arguments and returns
/// The [`SeedRequest`]'s k, candidates, master seed and threads. Returns
/// the k seeds in the order chosen, with [`Selection::estimated_spread`]
/// the estimate of the final set (the winner's estimate: seeds chosen as
/// the best of many noisy estimates look somewhat better than they are, so
/// compare selectors by an independent Monte Carlo), and no
/// [`guarantee`](Selection::guarantee): the greedy's (1 − 1/e) ratio
/// (Nemhauser, Wolsey and Fisher 1978) holds for exact spreads; with
/// Monte Carlo estimates it is 1 − 1/e − ε for an ε that shrinks as `runs`
/// grows (Kempe et al. 2003) but is not computed here.
///
/// # Complexity
/// Time O(k · c · runs · R) in the worst case, c candidates and R the cost
/// of one run (O(s + m_r): the seeds and the arcs out of adopters); lazy
/// evaluation makes it c · runs · R for the first seed and usually a few
/// estimates per later seed (Leskovec et al. report it up to 700 times
/// faster than the plain greedy). Extra space: the prepared model (O(m)
/// for per-arc probabilities), O(n) for the gains and the round each was
/// estimated in, and one model's working state (O(n)) per parallel task.
/// The first round estimates every candidate in parallel and each later
/// estimate spreads its runs over the threads; sums are of integers, so
/// the answer is the same on any number of threads.
///
/// # Example
/// ```
/// use wom::seeding::{Celf, Diffusion, SeedRequest, SeedSelector};
///
/// // 0 reaches 1 and 2 for sure; 3 reaches 4.
/// let net = wom::Network::from_arcs(5, [(0, 1, 1.0), (0, 2, 1.0), (3, 4, 1.0)])?;
/// let celf = Celf { runs: 100, ..Celf::new(Diffusion::uniform_ic(1.0)) };
/// let chosen = celf.select(&SeedRequest::new(&net, 2).seeded(7))?;
/// assert_eq!(chosen.seeds, [0, 3]);
/// assert_eq!(chosen.estimated_spread, Some(5.0));
/// # Ok::<(), wom::Error>(())
/// ```
///
/// References: D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the spread
/// of influence through a social network", KDD 2003; J. Leskovec, A.
/// Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
/// "Cost-effective outbreak detection in networks", KDD 2007.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Celf {
    /// The diffusion.
    pub diffusion: Diffusion,
    /// Monte Carlo runs per estimate, >= 1 (default
    /// [`Celf::DEFAULT_RUNS`]).
    #[serde(default = "default_runs")]
    pub runs: u64,
}

fn default_runs() -> u64 {
    Celf::DEFAULT_RUNS
}

impl Celf {
    /// Runs per estimate unless set otherwise: 1,000.
    pub const DEFAULT_RUNS: u64 = 1_000;

    /// CELF for `diffusion` with [`Celf::DEFAULT_RUNS`] runs per estimate.
    pub fn new(diffusion: Diffusion) -> Self {
        Celf {
            diffusion,
            runs: Celf::DEFAULT_RUNS,
        }
    }

    /// The estimate of σ(`seeds`) that CELF makes for a request seeded
    /// `master_seed`: the mean adopted count over runs `0..runs` of the
    /// master seed `master_seed ^ 0x4345_4C46`. CELF's
    /// [`estimated_spread`](Selection::estimated_spread) is this estimate of
    /// its seeds, listed in the order chosen. Runs in parallel on rayon's
    /// current pool.
    ///
    /// # Errors
    /// Those of [`Celf::select`] for `runs` and the diffusion; a seed that
    /// is not a node index or is listed twice.
    pub fn estimate(&self, network: &Network, seeds: &[u32], master_seed: u64) -> Result<f64> {
        let runs = self.checked_runs(network)?;
        let master = master_seed ^ STREAM;
        let total = match self.diffusion {
            Diffusion::IndependentCascade { probabilities } => {
                let model = IndependentCascade::new(network, probabilities)?;
                totals(network, &model, seeds, None, master, runs)?
            }
            Diffusion::LinearThreshold { weights } => {
                let model = LinearThreshold::random(network, weights);
                totals(network, &model, seeds, None, master, runs)?
            }
        };
        Ok(total[0] as f64 / runs as f64)
    }

    /// `runs`, checked: at least 1, and few enough that a total of
    /// adopted counts fits an `i64`.
    fn checked_runs(&self, network: &Network) -> Result<u64> {
        let n = network.node_count().max(1) as u64;
        if self.runs == 0 {
            return Err(Error::param(
                "runs",
                0,
                "at least one Monte Carlo run per estimate",
            ));
        }
        if self.runs > i64::MAX as u64 / n {
            return Err(Error::param(
                "runs",
                self.runs,
                format!("runs × {n} nodes must stay below 2^63"),
            ));
        }
        Ok(self.runs)
    }
}

impl SeedSelector for Celf {
    /// # Errors
    /// An invalid request (see [`SeedRequest::checked_candidates`]);
    /// `runs` of 0 ([`Error::InvalidParameter`] naming `runs`); a diffusion
    /// whose parameters are out of range; a thread pool that cannot be
    /// built.
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection> {
        let started = Instant::now();
        let candidates = request.checked_candidates()?;
        let network = request.network;
        let runs = self.checked_runs(network)?;
        let master = request.master_seed ^ STREAM;
        let (seeds, total) = in_pool(request.threads, || match self.diffusion {
            Diffusion::IndependentCascade { probabilities } => {
                let model = IndependentCascade::new(network, probabilities)?;
                lazy_greedy(network, &model, &candidates, request, master, runs)
            }
            Diffusion::LinearThreshold { weights } => {
                let model = LinearThreshold::random(network, weights);
                lazy_greedy(network, &model, &candidates, request, master, runs)
            }
        })??;
        Ok(Selection {
            seeds,
            method: "celf".into(),
            estimated_spread: Some(total as f64 / runs as f64),
            guarantee: None,
            rr_sets: None,
            cost: None,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// Candidates estimated alone per parallel call in CELF's first round,
/// between two progress reports.
const FIRST_GROUP: usize = 256;

/// The lazy greedy: `request.k` of `candidates` (distinct, in range, at
/// least k), and the total adopted count of the chosen set over the runs.
fn lazy_greedy<M: Model + Sync>(
    network: &Network,
    model: &M,
    candidates: &[u32],
    request: &SeedRequest<'_>,
    master: u64,
    runs: u64,
) -> Result<(Vec<u32>, u64)> {
    let k = request.k;
    let c = candidates.len() as u64;
    // The first round: every candidate alone, in parallel, by groups (each
    // candidate's total does not depend on the grouping).
    let mut first = Vec::with_capacity(candidates.len());
    request.report("first estimates", 0, c);
    for group in candidates.chunks(FIRST_GROUP) {
        first.extend(totals(network, model, &[], Some(group), master, runs)?);
        request.report("first estimates", first.len() as u64, c);
    }
    // (gain, Reverse(node)): the largest gain on top, then the smaller node.
    let mut heap: BinaryHeap<(i64, Reverse<u32>)> = candidates
        .iter()
        .zip(&first)
        .map(|(&v, &t)| (t as i64, Reverse(v)))
        .collect();
    // The round each candidate's gain was estimated in (0: the first).
    let mut round_of = vec![0usize; network.node_count()];
    let mut seeds = Vec::with_capacity(k);
    // The chosen set's total (below 2^63: see `checked_runs`).
    let mut total = 0i64;
    while seeds.len() < k {
        let Some((gain, Reverse(v))) = heap.pop() else {
            break;
        };
        if round_of[v as usize] == seeds.len() {
            seeds.push(v);
            total += gain;
            request.report("seeds", seeds.len() as u64, k as u64);
        } else {
            let fresh = totals(network, model, &seeds, Some(&[v]), master, runs)?[0];
            round_of[v as usize] = seeds.len();
            heap.push((fresh as i64 - total, Reverse(v)));
        }
    }
    Ok((seeds, total as u64))
}

/// Total adopted counts over runs `0..runs` of `master`: of `base` plus
/// each of `extra` (listed last), or of `base` alone when `extra` is
/// `None`. In parallel over (set, block of runs) pairs; integer sums, so
/// the same on any number of threads.
fn totals<M: Model + Sync>(
    network: &Network,
    model: &M,
    base: &[u32],
    extra: Option<&[u32]>,
    master: u64,
    runs: u64,
) -> Result<Vec<u64>> {
    let sets = extra.map_or(1, |e| e.len() as u64);
    let blocks = runs.div_ceil(RUNS_PER_TASK);
    let parts: Vec<u64> = (0..sets * blocks)
        .into_par_iter()
        .map_init(
            || (Simulation::new(network, model), base.to_vec()),
            |(sim, seeds), task| {
                let (set, block) = (task / blocks, task % blocks);
                seeds.truncate(base.len());
                if let Some(extra) = extra {
                    seeds.push(extra[set as usize]);
                }
                let end = ((block + 1) * RUNS_PER_TASK).min(runs);
                (block * RUNS_PER_TASK..end).try_fold(0u64, |sum, run| {
                    Ok(sum + sim.run(seeds, master, run, &mut ())?.adopted as u64)
                })
            },
        )
        .collect::<Result<_>>()?;
    Ok(parts
        .chunks(blocks as usize)
        .map(|c| c.iter().sum())
        .collect())
}
