//! Bass diffusion on a network (Bass 1969): external influence
//! (advertising) and internal influence (word of mouth) from adopted
//! neighbours.
//!
//! Each step, every node that has not adopted adopts with probability
//!
//! ```text
//! P(v adopts at step t) = 1 - (1 - p) (1 - q)^a_v(t - 1)
//! ```
//!
//! where `a_v(t - 1)` is the number of arcs `u -> v` whose source `u` had
//! adopted by the end of step t - 1, `p` the external (advertising) and `q`
//! the internal (word-of-mouth) influence per adopted neighbour. See
//! [`Bass`] for the attribution of adoptions to channels, the update order
//! and the kernel.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::bass::{Bass, BassOptions};
//! use wom::propagation::{Recorder, Simulation};
//!
//! // 0 talks to 1 and 2; advertising reaches everyone eventually.
//! let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0)])?;
//! let bass = Bass::new(&net, BassOptions { p: 0.1, q: 0.5 })?;
//! let mut sim = Simulation::new(&net, &bass);
//! let mut rec = Recorder::new();
//! let outcome = sim.run(&[0], 7, 0, &mut rec)?;
//! // With p > 0 every node adopts in the end.
//! assert_eq!(outcome.adopted, 3);
//! assert!(outcome.finished);
//! // Channel 0 is word of mouth ("tie"), channel 1 advertising.
//! assert_eq!(sim.model().channel_names(), ["tie", "advertising"]);
//! for link in &rec.cascade()[1..] {
//!     assert_eq!(link.sender.is_some(), link.channel.0 == 0);
//! }
//! # use wom::propagation::Model;
//! # Ok::<(), wom::Error>(())
//! ```

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Result, check_probability};
use crate::message::ChannelId;
use crate::network::Network;
use crate::network::NetworkId;
use crate::propagation::Event;
use crate::propagation::kernel::{EpochMarks, GeometricSkip, threshold31, two_draws31};
use crate::propagation::{FromOptions, Joint, Model, Observer, StepOutcome, exposed_and_adopted};
use crate::rng::below;

/// The channel of word-of-mouth adoptions (and of seeds).
pub const TIE_CHANNEL: ChannelId = ChannelId(0);
/// The channel of adoptions caused by advertising (external influence).
pub const ADVERTISING_CHANNEL: ChannelId = ChannelId(1);

/// Marks a node that has not adopted in `adopted_at`.
const NOT_ADOPTED: u32 = u32::MAX;

/// Parameters of the Bass model on a network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BassOptions {
    /// External influence (innovation, advertising): the probability per
    /// step that an unadopted node adopts on its own, in [0, 1].
    pub p: f64,
    /// Internal influence (imitation, word of mouth) per adopted
    /// in-neighbour and step, in [0, 1].
    pub q: f64,
}

/// The Bass diffusion model on a network (Bass 1969).
///
/// # Model
/// Arcs `u -> v` mean that v hears u. Each step t = 1, 2, ..., every node v
/// that has not adopted adopts with probability
///
/// ```text
/// 1 - (1 - p) (1 - q)^a_v,      a_v = #{arcs u -> v : u adopted by step t - 1}
/// ```
///
/// independently of every other node, parallel arcs counting once each.
/// The update is **synchronous**: decisions at step t see only adoptions up
/// to step t - 1, so a node that adopts at step t influences others from
/// step t + 1. On a complete graph of N nodes with q replaced by q / N, the
/// expected fraction F_t follows, as N grows, the recursion
/// F_{t+1} = F_t + (1 - F_t)(1 - (1 - p) e^{-q F_t}), a discrete-time form
/// of Bass's equation dF/dt = (1 - F)(p + q F), whose solution from F(0) = 0
/// is F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
///
/// # Attribution
/// The adoption probability factors as two coins drawn in this order:
/// first the external coin, with probability p: on success v adopts through
/// channel 1, `"advertising"`, with no sender; otherwise the word-of-mouth
/// coin, with probability 1 - (1 - q)^a_v: on success v adopts through
/// channel 0, `"tie"`, and the sender is one of the a_v adopted arcs into v
/// chosen uniformly (an in-neighbour with two parallel arcs is twice as
/// likely). Then P(advertising) = p and P(tie) = (1 - p)(1 - (1 - q)^a_v),
/// which add up to the model's probability. Seeds adopt at step 0 through
/// channel 0 with no sender.
///
/// A node is reported as exposed when it adopts (Bass models adoption, not
/// awareness), so exposed and adopted counts agree.
///
/// # Assumptions
/// p and q are the same for every node and arc (ties' trust and actors'
/// profiles are not used); adoption is permanent; a run ends when every
/// node has adopted, or, with p = 0, when no unadopted node has an adopted
/// in-neighbour (or q = 0), or at the engine's step limit. With p > 0 every
/// node adopts eventually (a geometric number of steps at most).
///
/// # Kernel and complexity
/// * External influence: each step, the unadopted nodes kept in a dense pool
///   are sampled by skipping a geometric number of them between successes
///   (Batagelj & Brandes 2005), so the step costs O(1 + p·U) draws for U
///   unadopted nodes rather than one per node.
/// * Internal influence: each node keeps its count a_v, pushed along the
///   out-arcs of every new adopter after the step (O(out-degree) per
///   adopter, O(m) per run). Only unadopted nodes with a_v > 0 are tried:
///   one 31-bit draw each, compared with the prepared integer threshold of
///   1 - (1 - q)^a (a table indexed by a, built once per network; see
///   [`THRESHOLD_SCALE`](crate::propagation::THRESHOLD_SCALE)). The sender of a
///   word-of-mouth adoption is found by scanning v's in-arcs (reverse view),
///   O(in-degree) once per node per run.
/// * Per step: O(1 + p·U + C + arcs out of new adopters), C the number of
///   unadopted nodes with an adopted in-neighbour. Per run O(n + m) besides
///   that, and no allocation: every array is sized once and epoch-stamped or
///   overwritten.
/// * Memory: three `u32` per node of state (five with p > 0: the pool and
///   the positions in it), the network's reverse view (8 bytes per arc,
///   built when q > 0) and 4 bytes per possible value of a_v.
///
/// # Reference
/// F. M. Bass, "A new product growth for model consumer durables",
/// *Management Science* 15(5), 215–227 (1969); on networks, e.g.
/// J. Goldenberg, B. Libai, E. Muller, "Talk of the network", *Marketing
/// Letters* 12 (2001).
#[derive(Debug, Clone)]
pub struct Bass {
    options: BassOptions,
    network: NetworkId,
    /// Skips over the unadopted nodes' trials of external influence.
    external: GeometricSkip,
    /// round(2^31 (1 - (1 - q)^a)) for a = 0 ..= max in-degree; empty when
    /// q = 0.
    wom: Vec<u32>,
}

/// Working memory of a Bass run.
#[derive(Debug, Clone)]
pub struct BassState {
    /// Nodes whose `count` and `adopted_at` were reset in this run.
    seen: EpochMarks,
    /// Arcs from adopted nodes into each node (as of the previous step).
    count: Vec<u32>,
    /// The step a node adopted at, or `NOT_ADOPTED`.
    adopted_at: Vec<u32>,
    /// Unadopted nodes (kept only when p > 0) and each one's position.
    pool: Vec<u32>,
    pos: Vec<u32>,
    /// Unadopted nodes with an adopted in-neighbour (stale entries, adopted
    /// since, are dropped when met).
    candidates: Vec<u32>,
    /// Adopters of the current step.
    fresh: Vec<u32>,
    /// Adopters of the current step from another model of a composition,
    /// reported before this model's own step: their counts are pushed
    /// after it.
    external: Vec<u32>,
    adopted: usize,
    /// The last step run (0 after the start).
    stepped: u32,
}

impl BassState {
    /// Whether `v` has adopted in the current run.
    pub fn is_adopted(&self, v: u32) -> bool {
        let i = v as usize;
        self.seen.is_marked(i) && self.adopted_at[i] != NOT_ADOPTED
    }

    /// The step at which `v` adopted in the current run (0 for seeds).
    pub fn adoption_step(&self, v: u32) -> Option<u32> {
        self.is_adopted(v).then(|| self.adopted_at[v as usize])
    }

    /// Nodes that have adopted so far, seeds included.
    pub fn adopted_count(&self) -> usize {
        self.adopted
    }

    /// Resets node `v` for this run if it has not been touched yet.
    #[inline]
    fn touch(&mut self, v: u32) {
        let i = v as usize;
        if !self.seen.test_and_mark(i) {
            self.count[i] = 0;
            self.adopted_at[i] = NOT_ADOPTED;
        }
    }

    /// Removes `v` from the pool of unadopted nodes (swap with the last).
    #[inline]
    fn leave_pool(&mut self, v: u32) {
        let i = self.pos[v as usize] as usize;
        let last = self.pool.len() - 1;
        let moved = self.pool[last];
        self.pool[i] = moved;
        self.pos[moved as usize] = i as u32;
        self.pool.pop();
    }
}

impl Bass {
    /// The Bass model on `network` with external influence `p` and internal
    /// influence `q` per adopted in-neighbour. Prepares the threshold table
    /// and, when q > 0, the network's reverse view: O(n + m).
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange)
    /// when p or q is outside [0, 1];
    /// [`Error::InvalidWeight`](crate::Error::InvalidWeight) when one is NaN
    /// or infinite.
    pub fn new(network: &Network, options: BassOptions) -> Result<Self> {
        Self::check_options(&options)?;
        let external = GeometricSkip::for_parameter("p", options.p)?;
        let q = options.q;
        let wom = if q > 0.0 {
            let reverse = network.reverse();
            let max_in = (0..network.node_count() as u32)
                .map(|v| reverse.degree(v))
                .max()
                .unwrap_or(0);
            let log_keep_q = libm::log1p(-q);
            (0..=max_in)
                .map(|a| threshold31(-libm::expm1(a as f64 * log_keep_q)))
                .collect()
        } else {
            Vec::new()
        };
        Ok(Bass {
            network: network.id(),
            options,
            external,
            wom,
        })
    }

    /// The parameters.
    pub fn options(&self) -> BassOptions {
        self.options
    }

    fn external(&self) -> bool {
        self.options.p > 0.0
    }

    /// Whether WOM can ever persuade anyone: a q so small that every
    /// threshold rounds to 0 (below 2^-32) cannot, and must not keep a run
    /// alive waiting for it.
    fn internal(&self) -> bool {
        self.wom.last().is_some_and(|&t| t > 0)
    }

    /// Counts the new adopters of this step (or the seeds) on their
    /// out-neighbours and makes those neighbours candidates; then those of
    /// other models of a composition, reported before this step.
    fn push_counts(&self, network: &Network, state: &mut BassState) {
        if !self.internal() {
            return;
        }
        let fresh = std::mem::take(&mut state.fresh);
        for &u in &fresh {
            count_adopter(network, state, u);
        }
        state.fresh = fresh;
        if !state.external.is_empty() {
            let external = std::mem::take(&mut state.external);
            for &u in &external {
                count_adopter(network, state, u);
            }
            state.external = external;
            state.external.clear();
        }
    }
}

/// Counts adopter `u` on its out-neighbours, making the unadopted ones
/// candidates.
#[inline]
fn count_adopter(network: &Network, state: &mut BassState, u: u32) {
    for arc in network.forward().neighbors(u) {
        let w = arc.node;
        state.touch(w);
        let i = w as usize;
        if state.adopted_at[i] == NOT_ADOPTED {
            if state.count[i] == 0 {
                state.candidates.push(w);
            }
            state.count[i] += 1;
        }
    }
}

/// The sender of a word-of-mouth adoption of `v` at `step`: the `k`-th
/// (from 0) arc into `v` whose source adopted before `step`.
fn kth_adopted_in_neighbour(
    network: &Network,
    state: &BassState,
    v: u32,
    step: u32,
    mut k: u64,
) -> Option<u32> {
    for arc in network.reverse().neighbors(v) {
        let u = arc.node as usize;
        if state.seen.is_marked(u) && state.adopted_at[u] < step {
            if k == 0 {
                return Some(arc.node);
            }
            k -= 1;
        }
    }
    None
}

impl FromOptions for Bass {
    type Options = BassOptions;
    const KEY: &'static str = "bass";

    fn check_options(options: &BassOptions) -> Result<()> {
        check_probability("p", options.p, None)?;
        check_probability("q", options.q, None)?;
        Ok(())
    }

    fn from_options(network: &Network, options: BassOptions) -> Result<Self> {
        Bass::new(network, options)
    }
}

impl Model for Bass {
    type State = BassState;
    /// Every report follows a test of the node's own mark.
    const ADOPTS_ONCE: bool = true;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this Bass model")
    }

    fn name(&self) -> &str {
        "bass"
    }

    fn new_state(&self, network: &Network) -> BassState {
        let n = network.node_count();
        BassState {
            seen: EpochMarks::new(n),
            count: vec![0; n],
            adopted_at: vec![NOT_ADOPTED; n],
            pool: Vec::with_capacity(if self.external() { n } else { 0 }),
            pos: vec![0; if self.external() { n } else { 0 }],
            candidates: Vec::new(),
            fresh: Vec::new(),
            external: Vec::new(),
            adopted: 0,
            stepped: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut BassState,
        seeds: &[u32],
        _rng: &mut R,
        observer: &mut O,
    ) {
        state.seen.next_epoch();
        state.candidates.clear();
        state.fresh.clear();
        state.external.clear();
        state.adopted = 0;
        state.stepped = 0;
        if self.external() {
            let n = network.node_count() as u32;
            state.pool.clear();
            state.pool.extend(0..n);
            for (i, p) in state.pos.iter_mut().enumerate() {
                *p = i as u32;
            }
        }
        for &s in seeds {
            state.touch(s);
            state.adopted_at[s as usize] = 0;
            if self.external() {
                state.leave_pool(s);
            }
            state.fresh.push(s);
            state.adopted += 1;
            exposed_and_adopted(observer, &Event::seed(s));
        }
        self.push_counts(network, state);
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut BassState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.stepped = step;
        state.fresh.clear();
        // External influence: each unadopted node with probability p; the
        // pool is not changed until every decision of the step is made.
        if self.external() {
            let mut gap = self.external.sample(rng);
            let len = state.pool.len() as u64;
            self.external.walk(&mut gap, len, rng, |i, _| {
                let v = state.pool[i as usize];
                state.touch(v);
                state.adopted_at[v as usize] = step;
                state.fresh.push(v);
                let e = Event::new(v, None, ADVERTISING_CHANNEL, step);
                exposed_and_adopted(observer, &e);
            });
        }
        // Internal influence: candidates that the external coin spared, with
        // the counts of the previous step (synchronous update).
        if self.internal() {
            let mut candidates = std::mem::take(&mut state.candidates);
            let mut spare: Option<u32> = None;
            candidates.retain(|&v| {
                let i = v as usize;
                if state.adopted_at[i] != NOT_ADOPTED {
                    return false;
                }
                let draw = match spare.take() {
                    Some(d) => d,
                    None => {
                        let (a, b) = two_draws31(rng);
                        spare = Some(b);
                        a
                    }
                };
                let a = state.count[i];
                if draw >= self.wom[a as usize] {
                    return true;
                }
                let sender =
                    kth_adopted_in_neighbour(network, state, v, step, below(rng, a.into()));
                state.adopted_at[i] = step;
                state.fresh.push(v);
                exposed_and_adopted(observer, &Event::new(v, sender, TIE_CHANNEL, step));
                false
            });
            state.candidates = candidates;
        }
        state.adopted += state.fresh.len();
        if self.external() {
            for j in 0..state.fresh.len() {
                let v = state.fresh[j];
                state.leave_pool(v);
            }
        }
        self.push_counts(network, state);
        let done = state.adopted == network.node_count()
            || (!self.external() && (!self.internal() || state.candidates.is_empty()));
        if done {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }

    fn channel_names(&self) -> Vec<String> {
        vec!["tie".to_string(), "advertising".to_string()]
    }
}

/// In a composition, a node another model adopted at step t has adopted
/// here at step t: it leaves the pool of unadopted nodes (no coin is drawn
/// for it any more), counts in [`BassState::adopted_count`], and counts as
/// an adopted in-neighbour, a_x, of each out-neighbour x from step t + 1 on
/// (the same synchronous rule as for the model's own adopters; it may then
/// be drawn as the sender of a word-of-mouth adoption). A model that had
/// finished (p = 0 and no candidate left) goes on from there.
impl Joint for Bass {
    fn adopt_external(&self, network: &Network, state: &mut BassState, node: u32, step: u32) {
        let i = node as usize;
        state.touch(node);
        if state.adopted_at[i] != NOT_ADOPTED {
            return;
        }
        state.adopted_at[i] = step;
        state.adopted += 1;
        if self.external() {
            state.leave_pool(node);
        }
        if !self.internal() {
            return;
        }
        if state.stepped >= step {
            // This model's step t has run: the count is for step t + 1.
            count_adopter(network, state, node);
        } else {
            // Step t's decisions must not see it: counted after them.
            state.external.push(node);
        }
    }
}
