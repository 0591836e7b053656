//! Choosing seeds: the [`SeedSelector`] trait, what it is asked
//! ([`SeedRequest`]) and what it answers ([`Selection`]).

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::Network;
use crate::propagation::ic::IcProbabilities;
use crate::propagation::lt::LtWeights;

/// The diffusion a selector chooses seeds for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum Diffusion {
    /// The independent cascade with these arc probabilities.
    IndependentCascade {
        /// How p(u, v) is set.
        probabilities: IcProbabilities,
    },
    /// The linear threshold with random thresholds and these weights.
    LinearThreshold {
        /// How w(u, v) is set.
        weights: LtWeights,
    },
}

impl Diffusion {
    /// The weighted cascade: p(u, v) = 1 / indeg(v).
    pub const WEIGHTED_CASCADE: Diffusion = Diffusion::IndependentCascade {
        probabilities: IcProbabilities::WeightedCascade,
    };

    /// The independent cascade with the same `p` on every arc.
    pub fn uniform_ic(p: f64) -> Self {
        Diffusion::IndependentCascade {
            probabilities: IcProbabilities::Uniform { p },
        }
    }
}

/// How far a selection has got, for a progress bar: `done` of the `of`
/// units of its current `stage`. A selection goes through one stage or
/// more (drawing RR sets round by round, validating, estimating), each
/// counted from 0; a stage may end before `of` when the selection has what
/// it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// What is being done: `"RR sets"`, `"validation"`, `"first
    /// estimates"`, `"seeds"` ...
    pub stage: &'static str,
    /// Units done in this stage.
    pub done: u64,
    /// Units the stage takes at most.
    pub of: u64,
}

/// A callback told of a selection's [`Work`], from the thread that runs the
/// selection, between parallel parts.
pub type SelectionProgress<'a> = dyn Fn(Work) + Sync + 'a;

/// What a selector is asked: `k` seeds on `network`, among `candidates`.
#[derive(Clone, Copy)]
pub struct SeedRequest<'a> {
    /// The network.
    pub network: &'a Network,
    /// How many seeds, >= 1.
    pub k: usize,
    /// The nodes that may be chosen (say, the opinion leaders, who can be
    /// paid; the business account left out); `None`: every node.
    pub candidates: Option<&'a [u32]>,
    /// The master seed of every random draw.
    pub master_seed: u64,
    /// Threads for the parallel parts; `None`: rayon's global pool. Results
    /// do not depend on it.
    pub threads: Option<usize>,
    /// Told how far the selection has got (selectors that take long report
    /// it; the others may not); `None`: nobody.
    pub progress: Option<&'a SelectionProgress<'a>>,
}

impl std::fmt::Debug for SeedRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedRequest")
            .field("network", &self.network)
            .field("k", &self.k)
            .field("candidates", &self.candidates)
            .field("master_seed", &self.master_seed)
            .field("threads", &self.threads)
            .field("progress", &self.progress.map(|_| "callback"))
            .finish()
    }
}

impl<'a> SeedRequest<'a> {
    /// `k` seeds among every node of `network`, master seed 0.
    pub fn new(network: &'a Network, k: usize) -> Self {
        SeedRequest {
            network,
            k,
            candidates: None,
            master_seed: 0,
            threads: None,
            progress: None,
        }
    }

    /// The same request, telling `progress` how far the selection has got.
    #[must_use]
    pub fn reporting(mut self, progress: &'a SelectionProgress<'a>) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Tells the progress callback, if any, of `done` of `of` in `stage`.
    pub(crate) fn report(&self, stage: &'static str, done: u64, of: u64) {
        if let Some(progress) = self.progress {
            progress(Work { stage, done, of });
        }
    }

    /// The same request among `candidates` only.
    #[must_use]
    pub fn among(mut self, candidates: &'a [u32]) -> Self {
        self.candidates = Some(candidates);
        self
    }

    /// The same request with this master seed.
    #[must_use]
    pub fn seeded(mut self, master_seed: u64) -> Self {
        self.master_seed = master_seed;
        self
    }

    /// The same request on `threads` threads.
    #[must_use]
    pub fn on_threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// The candidates, checked: distinct node indices of the network, at
    /// least `k` of them, `k` >= 1. Every node when none are given.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `k` or `candidates`.
    pub fn checked_candidates(&self) -> Result<Vec<u32>> {
        let n = self.network.node_count();
        let candidates: Vec<u32> = match self.candidates {
            None => (0..n as u32).collect(),
            Some(c) => {
                let mut seen = vec![false; n];
                for (i, &v) in c.iter().enumerate() {
                    let Some(s) = seen.get_mut(v as usize) else {
                        return Err(Error::param(
                            &format!("candidates[{i}]"),
                            v,
                            format!("not a node index of this network of {n} nodes"),
                        ));
                    };
                    if *s {
                        return Err(Error::param(&format!("candidates[{i}]"), v, "listed twice"));
                    }
                    *s = true;
                }
                c.to_vec()
            }
        };
        if self.k == 0 {
            return Err(Error::param("k", 0, "at least one seed must be chosen"));
        }
        if self.k > candidates.len() {
            return Err(Error::param(
                "k",
                self.k,
                format!(
                    "more seeds than the {} candidates to choose from",
                    candidates.len()
                ),
            ));
        }
        Ok(candidates)
    }
}

/// A selector's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Selection {
    /// The chosen nodes, in the order chosen (best first where the method
    /// ranks).
    pub seeds: Vec<u32>,
    /// The method, as named in documents (`"opim"`, `"degree"` ...).
    pub method: String,
    /// The method's own estimate of the seeds' expected spread, if it
    /// makes one (RR-set methods: on sets it did not choose from). Compare
    /// selectors by an independent Monte Carlo instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_spread: Option<f64>,
    /// The approximation ratio the method proved for these seeds, with
    /// probability at least 1 − δ (see its docs), if it proves one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<f64>,
    /// RR sets drawn, for RR-set methods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rr_sets: Option<u64>,
    /// What the seeds cost, for methods that choose within a budget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    /// Wall-clock seconds the selection took.
    pub seconds: f64,
}

impl Selection {
    /// A selection of `seeds` by `method`, started at `started`, with
    /// nothing else to report.
    pub fn plain(method: &str, seeds: Vec<u32>, started: Instant) -> Self {
        Selection {
            seeds,
            method: method.to_string(),
            estimated_spread: None,
            guarantee: None,
            rr_sets: None,
            cost: None,
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// A way of choosing seeds.
///
/// One required method. Implementations validate the request with
/// [`SeedRequest::checked_candidates`], return exactly `k` distinct
/// candidates, and give the same answer for the same request whatever
/// the number of threads.
///
/// # Example: the k candidates with the most followers
/// ```
/// use std::time::Instant;
/// use wom::seeding::{SeedRequest, SeedSelector, Selection};
///
/// struct MostFollowed;
///
/// impl SeedSelector for MostFollowed {
///     fn select(&self, request: &SeedRequest<'_>) -> wom::Result<Selection> {
///         let started = Instant::now();
///         let mut candidates = request.checked_candidates()?;
///         let net = request.network;
///         candidates.sort_by_key(|&v| (std::cmp::Reverse(net.forward().degree(v)), v));
///         candidates.truncate(request.k);
///         Ok(Selection::plain("most_followed", candidates, started))
///     }
/// }
///
/// let net = wom::Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (3, 1, 1.0)])?;
/// let chosen = MostFollowed.select(&SeedRequest::new(&net, 1))?;
/// assert_eq!(chosen.seeds, [0]);
/// # Ok::<(), wom::Error>(())
/// ```
pub trait SeedSelector {
    /// Chooses `request.k` seeds.
    ///
    /// # Errors
    /// Invalid requests (see [`SeedRequest::checked_candidates`]) and
    /// whatever the method cannot serve.
    fn select(&self, request: &SeedRequest<'_>) -> Result<Selection>;
}
