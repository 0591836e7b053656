//! Reverse-reachable (RR) sets: the sampling behind IMM and OPIM-C.
//!
//! An RR set is drawn by picking a root v uniformly among the n nodes and
//! collecting every node that would have reached v in one random
//! realisation of the diffusion: for the independent cascade, the nodes
//! with a path of live arcs to v (each arc u → v live with probability
//! p(u, v), walked backwards from v); for the linear threshold, the nodes
//! of one backward random walk in which v picks at most one in-neighbour u
//! with probability w(u, v). Borgs, Brautbar, Chayes and Lucier (SODA 2014)
//! showed that a seed set S reaches v in the realisation exactly when S
//! meets the RR set, so
//!
//! ```text
//! σ(S) = n × P(S ∩ R ≠ ∅)  ≈  n × (RR sets met by S) / (RR sets drawn)
//! ```
//!
//! RR set number j is drawn from the generator `stream_rng(master, j)`
//! alone, so a collection is the same whatever the number of threads that
//! drew it. Entries are node indices of 4 bytes, stored once.

use rand::Rng;
use rayon::prelude::*;

use crate::error::Result;
use crate::network::{Adjacent, Csr, Network};
use crate::propagation::ic::IcProbabilities;
use crate::propagation::kernel::{EpochMarks, GeometricSkip, threshold_trials, threshold31};
use crate::propagation::lt::LtWeights;
use crate::rng::{below, stream_rng};

use super::select::Diffusion;

/// RR sets drawn per parallel task: large enough to amortise the task,
/// small enough to balance two to a few dozen threads.
const BLOCK: u64 = 512;

/// How the in-arcs of a node are live (independent cascade) or chosen
/// (linear threshold), prepared on the reverse view of a network.
#[derive(Debug, Clone)]
enum Backward {
    /// Every arc live with the same probability.
    Uniform(GeometricSkip),
    /// The arcs into v live with the same probability p_v each (the
    /// weighted cascade: p_v = 1 / indeg(v)).
    PerTarget(Vec<GeometricSkip>),
    /// Each arc live below its 31-bit threshold.
    PerArc(Csr<u32>),
    /// Linear threshold: v picks the in-arc whose cumulative 31-bit weight
    /// first exceeds a uniform draw, or none when the draw is above the
    /// total.
    Walk(Csr<u32>),
}

/// A diffusion prepared for drawing RR sets on one network.
#[derive(Debug, Clone)]
pub struct RrSampler<'a> {
    reverse: &'a Csr<f32>,
    backward: Backward,
    n: u32,
}

/// The weighted cascade's skipper of each node v, for p_v = 1 / indeg(v)
/// (parallel arcs counted): one logarithm per in-degree up to the largest,
/// not one per node.
fn weighted_cascade(reverse: &Csr<f32>) -> Result<Vec<GeometricSkip>> {
    let n = reverse.node_count() as u32;
    let most = (0..n).map(|v| reverse.degree(v)).max().unwrap_or(0);
    let by_degree = (0..=most)
        .map(|d| GeometricSkip::new(if d == 0 { 0.0 } else { 1.0 / d as f64 }))
        .collect::<Result<Vec<_>>>()?;
    Ok((0..n).map(|v| by_degree[reverse.degree(v)]).collect())
}

impl<'a> RrSampler<'a> {
    /// Prepares `diffusion` on `network`'s reverse view: O(n + m).
    ///
    /// # Errors
    /// A uniform probability outside [0, 1].
    pub fn new(network: &'a Network, diffusion: &Diffusion) -> Result<Self> {
        let reverse = network.reverse();
        let backward = match *diffusion {
            Diffusion::IndependentCascade { probabilities } => match probabilities {
                IcProbabilities::Uniform { p } => Backward::Uniform(GeometricSkip::new(p)?),
                IcProbabilities::WeightedCascade => Backward::PerTarget(weighted_cascade(reverse)?),
                IcProbabilities::Trust => {
                    Backward::PerArc(reverse.map(|_, _, t| threshold31(f64::from(t))))
                }
                IcProbabilities::TrustAndActors => Backward::PerArc(reverse.map(|v, u, t| {
                    threshold31(
                        f64::from(t)
                            * network.profile(u).credibility()
                            * network.profile(v).susceptibility(),
                    )
                })),
            },
            Diffusion::LinearThreshold { weights } => Backward::Walk(cumulative(reverse, weights)),
        };
        Ok(RrSampler {
            reverse,
            backward,
            n: network.node_count() as u32,
        })
    }

    /// Nodes of the network.
    pub fn node_count(&self) -> usize {
        self.n as usize
    }

    /// Draws RR set number `index` of the stream `master` into `out`
    /// (cleared first), root first; `marks` must hold one slot per node.
    pub fn draw(&self, master: u64, index: u64, marks: &mut EpochMarks, out: &mut Vec<u32>) {
        self.walk(master, index, marks, out, |_| false);
    }

    /// Whether RR set number `index` of the stream `master` meets the nodes
    /// marked in `is_seed` (one flag per node). The draw stops at the first
    /// seed it reaches, so the answer is that of [`draw`](Self::draw) on
    /// the same set, at a fraction of its cost when the seeds are reached
    /// often; `marks` and `queue` are scratch space.
    pub fn meets(
        &self,
        master: u64,
        index: u64,
        is_seed: &[bool],
        marks: &mut EpochMarks,
        queue: &mut Vec<u32>,
    ) -> bool {
        self.walk(master, index, marks, queue, |v| is_seed[v as usize])
    }

    /// Draws RR set `index` into `out` until `stop` holds for a node it
    /// collects (then returns true) or the set is complete (false). The
    /// draws taken do not depend on `stop`: a set that stops is the prefix
    /// of the complete one.
    fn walk(
        &self,
        master: u64,
        index: u64,
        marks: &mut EpochMarks,
        out: &mut Vec<u32>,
        mut stop: impl FnMut(u32) -> bool,
    ) -> bool {
        out.clear();
        if self.n == 0 {
            return false;
        }
        let mut rng = stream_rng(master, index);
        marks.next_epoch();
        let root = below(&mut rng, u64::from(self.n)) as u32;
        marks.mark(root as usize);
        out.push(root);
        if stop(root) {
            return true;
        }
        match &self.backward {
            Backward::Walk(weights) => {
                let mut v = root;
                loop {
                    let arcs = weights.neighbors(v);
                    let r = (rng.next_u64() >> 33) as u32;
                    // Cumulative weights: the first arc whose value exceeds r.
                    let i = arcs.partition_point(|a| a.value <= r);
                    let Some(a) = arcs.get(i) else { break };
                    if marks.test_and_mark(a.node as usize) {
                        break;
                    }
                    out.push(a.node);
                    if stop(a.node) {
                        return true;
                    }
                    v = a.node;
                }
            }
            backward => {
                let mut head = 0;
                let mut met = false;
                while head < out.len() && !met {
                    let v = out[head];
                    head += 1;
                    let mut reach = |u: u32, out: &mut Vec<u32>| {
                        if !met && !marks.test_and_mark(u as usize) {
                            out.push(u);
                            met = stop(u);
                        }
                    };
                    match backward {
                        Backward::Uniform(skip) => {
                            walk_skip(skip, self.reverse.neighbors(v), &mut rng, |u| reach(u, out))
                        }
                        Backward::PerTarget(skips) => walk_skip(
                            &skips[v as usize],
                            self.reverse.neighbors(v),
                            &mut rng,
                            |u| reach(u, out),
                        ),
                        Backward::PerArc(arcs) => {
                            threshold_trials(arcs.neighbors(v), &mut rng, |&t| t, |u| reach(u, out))
                        }
                        Backward::Walk(_) => unreachable!("handled above"),
                    }
                }
                return met;
            }
        }
        false
    }
}

/// Visits the live arcs among `sources` (each live with the skipper's
/// probability), drawing one gap per success.
fn walk_skip<R: Rng + ?Sized>(
    skip: &GeometricSkip,
    sources: &[Adjacent<f32>],
    rng: &mut R,
    mut live: impl FnMut(u32),
) {
    let len = sources.len() as u64;
    let mut i = 0u64;
    while i < len {
        let gap = skip.sample(rng);
        if gap >= len - i {
            break;
        }
        i += gap;
        live(sources[i as usize].node);
        i += 1;
    }
}

/// Cumulative 31-bit weights of the in-arcs of every node for the linear
/// threshold's backward walk: arc j of v holds Σ_{i <= j} W(i), where W are
/// the weights of [`LtWeights`] times 2^31 rounded down; a draw r below 2^31
/// picks the first arc whose cumulative value exceeds r.
fn cumulative(reverse: &Csr<f32>, weights: LtWeights) -> Csr<u32> {
    let n = reverse.node_count() as u32;
    let totals: Vec<f64> = (0..n)
        .map(|v| {
            reverse
                .neighbors(v)
                .iter()
                .map(|a| f64::from(a.value))
                .sum()
        })
        .collect();
    let mut running = 0f64;
    let mut last = u32::MAX;
    reverse.map(|v, _, t| {
        if v != last {
            last = v;
            running = 0.0;
        }
        let total = totals[v as usize];
        let deg = reverse.degree(v) as f64;
        let w = match weights {
            LtWeights::Uniform => 1.0 / deg,
            LtWeights::Normalized if total > 0.0 => f64::from(t) / total,
            LtWeights::Normalized => 0.0,
            LtWeights::Trust if total > 1.0 => f64::from(t) / total,
            LtWeights::Trust => f64::from(t),
        };
        running += w;
        threshold31(running.min(1.0))
    })
}

/// The threads to draw with: a pool of `threads`, or rayon's global pool.
pub(crate) fn in_pool<T: Send>(threads: Option<usize>, f: impl FnOnce() -> T + Send) -> Result<T> {
    match threads {
        None => Ok(f()),
        Some(t) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t.max(1))
                .build()
                .map_err(|e| crate::Error::param("threads", t, e.to_string()))?;
            Ok(pool.install(f))
        }
    }
}

/// Draws RR sets `first..first + count` of the stream `master` in parallel
/// blocks and hands each block's sets (node lists end to end, and their
/// lengths) to `sink` in index order; `drawn` is told how many of the
/// `count` are drawn after each wave of blocks.
pub(crate) fn draw_blocks(
    sampler: &RrSampler<'_>,
    master: u64,
    first: u64,
    count: u64,
    drawn: &dyn Fn(u64),
    mut sink: impl FnMut(&[u32], &[u32]),
) {
    let blocks: Vec<u64> = (0..count.div_ceil(BLOCK)).collect();
    let n = sampler.node_count();
    // Blocks in waves of a few per thread, so that memory stays bounded by
    // the wave while the order of the sets is kept.
    let wave = (rayon::current_num_threads() * 8).max(1);
    for group in blocks.chunks(wave) {
        let sets: Vec<(Vec<u32>, Vec<u32>)> = group
            .par_iter()
            .map_init(
                || (EpochMarks::new(n), Vec::new()),
                |(marks, set), &b| {
                    let start = first + b * BLOCK;
                    let end = (start + BLOCK).min(first + count);
                    let (mut nodes, mut lens) =
                        (Vec::new(), Vec::with_capacity((end - start) as usize));
                    for j in start..end {
                        sampler.draw(master, j, marks, set);
                        nodes.extend_from_slice(set);
                        lens.push(set.len() as u32);
                    }
                    (nodes, lens)
                },
            )
            .collect();
        for (nodes, lens) in &sets {
            sink(nodes, lens);
        }
        let last = group.last().map_or(0, |&b| (b + 1) * BLOCK);
        drawn(last.min(count));
    }
}

/// How many of RR sets `first..first + count` of the stream `master` meet
/// the nodes marked in `is_seed`, drawn in parallel blocks and each stopped
/// at its first seed ([`RrSampler::meets`]); nothing is stored. The count
/// does not depend on the number of threads.
pub(crate) fn count_meeting(
    sampler: &RrSampler<'_>,
    master: u64,
    first: u64,
    count: u64,
    is_seed: &[bool],
    drawn: &dyn Fn(u64),
) -> u64 {
    let n = sampler.node_count();
    let blocks: Vec<u64> = (0..count.div_ceil(BLOCK)).collect();
    let wave = (rayon::current_num_threads() * 64).max(1);
    let mut met = 0;
    for group in blocks.chunks(wave) {
        met += group
            .par_iter()
            .map_init(
                || (EpochMarks::new(n), Vec::new()),
                |(marks, queue), &b| {
                    let start = first + b * BLOCK;
                    let end = (start + BLOCK).min(first + count);
                    (start..end)
                        .filter(|&j| sampler.meets(master, j, is_seed, marks, queue))
                        .count() as u64
                },
            )
            .sum::<u64>();
        let last = group.last().map_or(0, |&b| (b + 1) * BLOCK);
        drawn(last.min(count));
    }
    met
}

/// RR sets stored as node lists end to end (4 bytes per entry, 8 per set):
/// what a seed set's coverage is counted on.
#[derive(Debug, Clone, Default)]
pub struct RrSets {
    nodes: Vec<u32>,
    ends: Vec<u64>,
}

impl RrSets {
    /// No RR set.
    pub fn new() -> Self {
        RrSets::default()
    }

    /// The number of RR sets.
    pub fn len(&self) -> u64 {
        self.ends.len() as u64
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Total entries (nodes summed over the sets).
    pub fn entries(&self) -> u64 {
        self.nodes.len() as u64
    }

    /// RR set `i`, root first.
    pub fn set(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.nodes[start..self.ends[i] as usize]
    }

    /// Draws `count` more sets of the stream `master` (continuing its
    /// numbering), in parallel.
    pub fn extend(&mut self, sampler: &RrSampler<'_>, master: u64, count: u64) {
        let first = self.len();
        draw_blocks(sampler, master, first, count, &|_| {}, |nodes, lens| {
            let mut end = self.nodes.len() as u64;
            self.nodes.extend_from_slice(nodes);
            for &l in lens {
                end += u64::from(l);
                self.ends.push(end);
            }
        });
    }

    /// How many sets `seeds` meets. O(entries) with one mark per node.
    pub fn covered_by(&self, seeds: &[u32], node_count: usize) -> u64 {
        let mut is_seed = vec![false; node_count];
        for &s in seeds {
            if let Some(x) = is_seed.get_mut(s as usize) {
                *x = true;
            }
        }
        (0..self.ends.len())
            .into_par_iter()
            .with_min_len(1024)
            .filter(|&i| self.set(i).iter().any(|&v| is_seed[v as usize]))
            .count() as u64
    }

    /// The RR estimate of the expected spread of `seeds`:
    /// `n × covered / len` (0 with no set).
    pub fn estimate(&self, seeds: &[u32], node_count: usize) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        node_count as f64 * self.covered_by(seeds, node_count) as f64 / self.len() as f64
    }
}
