//! Positive and negative word of mouth from product experience (after
//! Goldenberg, Libai, Moldovan & Muller 2007, "The NPV of bad news").
//!
//! Adopters experience the product and talk about it: with probability
//! `quality` positively, otherwise negatively. Positive talk persuades,
//! negative talk turns people away. See [`ValenceCascade`].

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Result, check_probability};
use crate::message::ChannelId;
use crate::network::Network;
use crate::propagation::kernel::{EpochMarks, GeometricSkip};
use crate::propagation::{Event, FromOptions, Model, Observer, StepOutcome};
use crate::rng::bernoulli;

/// The channel of positive talk (and of every adoption, seeds included).
pub const POSITIVE_WOM: ChannelId = ChannelId(0);
/// The channel of negative talk (it exposes and turns away; it never makes
/// anyone adopt).
pub const NEGATIVE_WOM: ChannelId = ChannelId(1);

/// What negative word of mouth does to a node that hears it before it
/// adopts.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegativeEffect {
    /// The reference model: the node becomes *rejecting* and never adopts.
    #[default]
    Block,
    /// `Reduce(w)`, `w` the negative weight in [0, 1]: each negative message
    /// heard multiplies the chance that a later positive message persuades
    /// the node by `1 - w`. A node that heard `k` negative messages adopts
    /// on a positive message with probability `(1 - w)^k`.
    /// `Reduce(1.0)` is [`Block`](NegativeEffect::Block) (bit for bit);
    /// `Reduce(0.0)` makes negative talk harmless.
    Reduce(f64),
}

/// How the seeds talk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedTalk {
    /// Seeds are adopters like any other: they experience the product and
    /// talk positively with probability `quality` (the reference model).
    #[default]
    Experience,
    /// Seeds always talk positively (for example, leaders paid to
    /// recommend the product whatever they think of it).
    Positive,
}

/// The parameters of a [`ValenceCascade`], as a document.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValenceOptions {
    /// Probability that an adopter's experience is good and it talks
    /// positively, in [0, 1].
    pub quality: f64,
    /// Probability that a positive talker persuades an out-neighbour, per
    /// arc, in [0, 1].
    pub p_positive: f64,
    /// Probability that a negative talker reaches an out-neighbour, per
    /// arc, in [0, 1].
    pub p_negative: f64,
    /// What negative talk does to a node that has not adopted.
    #[serde(default)]
    pub negative_effect: NegativeEffect,
    /// How the seeds talk.
    #[serde(default)]
    pub seeds: SeedTalk,
}

impl ValenceOptions {
    /// Options with the reference rules ([`NegativeEffect::Block`],
    /// [`SeedTalk::Experience`]).
    pub fn new(quality: f64, p_positive: f64, p_negative: f64) -> Self {
        ValenceOptions {
            quality,
            p_positive,
            p_negative,
            negative_effect: NegativeEffect::Block,
            seeds: SeedTalk::Experience,
        }
    }
}

/// Where a node stands in a valence run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum NodeValence {
    /// Has heard nothing.
    #[default]
    Unaware,
    /// Heard negative talk before adopting and has not adopted (under
    /// [`NegativeEffect::Block`], never will).
    Rejecting,
    /// Adopted and talks positively.
    Positive,
    /// Adopted and talks negatively.
    Negative,
}

/// The counts of a valence run, available at any time from
/// [`ValenceState::counts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ValenceCounts {
    /// Adopters, seeds included (= `positive + negative`).
    pub adopted: usize,
    /// Adopters who talk positively.
    pub positive: usize,
    /// Adopters who talk negatively.
    pub negative: usize,
    /// Nodes that heard negative talk and have not adopted.
    pub rejecting: usize,
    /// Nodes that heard anything, seeds included (= `adopted + rejecting`).
    pub exposed: usize,
}

impl ValenceCounts {
    /// Net sentiment: positive minus negative talkers.
    pub fn net_sentiment(&self) -> i64 {
        self.positive as i64 - self.negative as i64
    }
}

/// Independent cascade with positive and negative word of mouth from
/// product experience.
///
/// # The model
/// Every adopter experiences the product when it adopts. With probability
/// `q` (`quality`) the experience is good and it becomes a *positive
/// talker*; otherwise a *negative talker*. A talker that adopted at step t
/// gets one chance, at step t + 1, on each of its out-arcs (u, v):
///
/// * a positive talker reaches v with probability `p_pos`; an unaware v
///   adopts (and experiences the product in turn);
/// * a negative talker reaches v with probability `p_neg`; a v that has not
///   adopted becomes *rejecting*.
///
/// What a rejecting node does when positive talk reaches it later is the
/// [`NegativeEffect`]: under `Block` (the reference model) it never adopts;
/// under `Reduce(w)`, after hearing k negative messages it adopts on a
/// positive message with probability `(1 - w)^k`:
///
/// ```text
/// P(v adopts on a positive message | k negative heard) = (1 - w)^k      (0^0 = 1)
/// ```
///
/// Talk does not change an adopter's mind: it has its own experience.
/// Rejecting nodes stay silent: negative talk spreads only from disappointed
/// adopters, as in Goldenberg et al. (2007). The run ends when a step makes
/// no new talker.
///
/// **Seeds** adopt at step 0 and, under [`SeedTalk::Experience`] (the
/// default), experience the product like everyone else: each is positive
/// with probability q. Under [`SeedTalk::Positive`] they all talk
/// positively.
///
/// **Ties in a step** (negativity bias, as in the IC-N model of Chen et al.
/// 2011): within a step, all negative talk is delivered first, then all
/// positive talk. A node reached by both in the same step is therefore
/// rejecting under `Block`, and under `Reduce(w)` its positive messages of
/// that step see the negative ones of the same step (k counts them).
/// Several positive messages reaching an unaware node in one step: it
/// adopts once, attributed to the first in processing order (talkers in the
/// order they adopted, arcs in CSR order).
///
/// **Special cases.** `q = 1` is the independent cascade with p = `p_pos`
/// (nobody talks negatively). `q = 0` with `Experience` seeds: every seed
/// is a negative talker, nobody else adopts, and the out-neighbours of the
/// seeds each become rejecting with probability `1 - (1 - p_neg)^c`, c the
/// number of arcs into them from seeds.
///
/// # Observer events and channels
/// Channels are [`POSITIVE_WOM`] (`"positive_wom"`) and [`NEGATIVE_WOM`]
/// (`"negative_wom"`). A node is exposed the first time any talk reaches it
/// (with that talker as sender and that talk's channel); adoptions come
/// through `positive_wom`, with the persuading talker as sender. A talker is
/// reported [deactivated](Observer::deactivated) at the end of the step in
/// which it used its one chance.
///
/// # Complexity
/// Per run O(s + m_r) expected time, m_r the arcs out of adopters, with
/// O(successes) random draws for the arcs (the gap to the next successful
/// arc is drawn geometrically, as in
/// [`IndependentCascade`](super::IndependentCascade)), one draw per
/// adoption (the experience) and, under `Reduce`, one per positive message
/// to a rejecting node. No allocation per run: the state holds an
/// epoch-stamped mark, a status and a counter per node and four frontier
/// vectors.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::Simulation;
/// use wom::propagation::valence::{ValenceCascade, ValenceOptions};
///
/// // 0 -> 1 -> 2, certain talk, perfect product: everyone adopts.
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let model = ValenceCascade::new(&net, ValenceOptions::new(1.0, 1.0, 1.0))?;
/// let mut sim = Simulation::new(&net, &model);
/// sim.run(&[0], 7, 0, &mut ())?;
/// let counts = sim.state().counts();
/// assert_eq!((counts.adopted, counts.positive, counts.negative), (3, 3, 0));
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # References
/// J. Goldenberg, B. Libai, S. Moldovan, E. Muller, "The NPV of bad news",
/// International Journal of Research in Marketing 24(3), 2007;
/// W. Chen et al., "Influence maximization in social networks when negative
/// opinions may emerge and propagate", SIAM SDM 2011; D. Kempe, J.
/// Kleinberg, É. Tardos, "Maximizing the spread of influence through a
/// social network", KDD 2003.
#[derive(Debug, Clone, PartialEq)]
pub struct ValenceCascade {
    options: ValenceOptions,
    /// Skips over the trials of positive and of negative talk.
    positive_talk: GeometricSkip,
    negative_talk: GeometricSkip,
    /// 1 - w under `Reduce(w)`, 0 under `Block`.
    keep: f64,
}

impl ValenceCascade {
    /// A valence cascade with the given options. Nothing depends on
    /// `network`: one value runs on any.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange) / [`Error::InvalidWeight`](crate::Error::InvalidWeight) when
    /// `quality`, `p_positive`, `p_negative` or the negative weight of
    /// [`NegativeEffect::Reduce`] is outside [0, 1] or not finite; the error
    /// names the parameter.
    pub fn new(network: &Network, options: ValenceOptions) -> Result<Self> {
        let _ = network;
        Self::check_options(&options)?;
        let positive_talk = GeometricSkip::for_parameter("p_positive", options.p_positive)?;
        let negative_talk = GeometricSkip::for_parameter("p_negative", options.p_negative)?;
        let keep = match options.negative_effect {
            NegativeEffect::Block => 0.0,
            NegativeEffect::Reduce(w) => 1.0 - w,
        };
        Ok(ValenceCascade {
            options,
            positive_talk,
            negative_talk,
            keep,
        })
    }

    /// The options this cascade was built with.
    pub fn options(&self) -> &ValenceOptions {
        &self.options
    }
}

/// Working memory of a valence run; after (or during) a run it answers
/// [`counts`](ValenceState::counts) and [`node`](ValenceState::node).
#[derive(Debug, Clone)]
pub struct ValenceState {
    /// Nodes aware in this run; `status` is meaningful for them.
    aware: EpochMarks,
    status: Vec<NodeValence>,
    /// Negative messages heard before adopting (meaningful while rejecting).
    negatives: Vec<u32>,
    positive_talkers: Vec<u32>,
    negative_talkers: Vec<u32>,
    next_positive: Vec<u32>,
    next_negative: Vec<u32>,
    skip_positive: u64,
    skip_negative: u64,
    counts: ValenceCounts,
}

impl ValenceState {
    /// The counts of the current (or last) run.
    pub fn counts(&self) -> ValenceCounts {
        self.counts
    }

    /// Where node `v` stands in the current run ([`NodeValence::Unaware`]
    /// for an index outside the network).
    pub fn node(&self, v: u32) -> NodeValence {
        if self.aware.is_marked(v as usize) {
            self.status[v as usize]
        } else {
            NodeValence::Unaware
        }
    }

    /// How many negative messages `v` heard before it adopted (or so far,
    /// if it has not adopted); 0 for an unaware node.
    pub fn negative_messages(&self, v: u32) -> u32 {
        match self.node(v) {
            NodeValence::Unaware => 0,
            _ => self.negatives[v as usize],
        }
    }

    fn status_of(&self, v: u32) -> NodeValence {
        if self.aware.is_marked(v as usize) {
            self.status[v as usize]
        } else {
            NodeValence::Unaware
        }
    }

    /// `v` adopts, experiences the product and joins a talker frontier.
    fn adopt<O: Observer + ?Sized>(
        &mut self,
        v: u32,
        positive: bool,
        event: &Event,
        was_unaware: bool,
        observer: &mut O,
    ) {
        let i = v as usize;
        self.aware.mark(i);
        if was_unaware {
            self.negatives[i] = 0;
            self.counts.exposed += 1;
            observer.exposed(event);
        } else {
            self.counts.rejecting -= 1;
        }
        self.counts.adopted += 1;
        if positive {
            self.status[i] = NodeValence::Positive;
            self.counts.positive += 1;
            self.next_positive.push(v);
        } else {
            self.status[i] = NodeValence::Negative;
            self.counts.negative += 1;
            self.next_negative.push(v);
        }
        observer.adopted(event);
    }

    /// Negative talk from `u` reaches `v`.
    fn hear_negative<O: Observer + ?Sized>(&mut self, v: u32, u: u32, step: u32, observer: &mut O) {
        let i = v as usize;
        match self.status_of(v) {
            NodeValence::Unaware => {
                self.aware.mark(i);
                self.status[i] = NodeValence::Rejecting;
                self.negatives[i] = 1;
                self.counts.rejecting += 1;
                self.counts.exposed += 1;
                observer.exposed(&Event::new(v, Some(u), NEGATIVE_WOM, step));
            }
            NodeValence::Rejecting => {
                self.negatives[i] = self.negatives[i].saturating_add(1);
            }
            NodeValence::Positive | NodeValence::Negative => {}
        }
    }
}

impl ValenceCascade {
    /// Positive talk from `u` reaches `v`.
    fn hear_positive<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        state: &mut ValenceState,
        v: u32,
        u: u32,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) {
        let was_unaware = match state.status_of(v) {
            NodeValence::Unaware => true,
            NodeValence::Rejecting => {
                // (1 - w)^k with k >= 1; no draw when it is 0 (Block) or 1.
                let k = state.negatives[v as usize];
                let accept = libm::pow(self.keep, f64::from(k));
                if !(accept >= 1.0 || (accept > 0.0 && bernoulli(rng, accept))) {
                    return;
                }
                false
            }
            NodeValence::Positive | NodeValence::Negative => return,
        };
        let positive = bernoulli(rng, self.options.quality);
        let event = Event::new(v, Some(u), POSITIVE_WOM, step);
        state.adopt(v, positive, &event, was_unaware, observer);
    }
}

impl FromOptions for ValenceCascade {
    type Options = ValenceOptions;
    const KEY: &'static str = "valence";

    fn check_options(options: &ValenceOptions) -> Result<()> {
        check_probability("quality", options.quality, None)?;
        check_probability("p_positive", options.p_positive, None)?;
        check_probability("p_negative", options.p_negative, None)?;
        if let NegativeEffect::Reduce(w) = options.negative_effect {
            check_probability("negative_weight", w, None)?;
        }
        Ok(())
    }

    fn from_options(network: &Network, options: ValenceOptions) -> Result<Self> {
        ValenceCascade::new(network, options)
    }
}

impl Model for ValenceCascade {
    type State = ValenceState;

    fn name(&self) -> &str {
        "valence_cascade"
    }

    fn channel_names(&self) -> Vec<String> {
        vec!["positive_wom".to_string(), "negative_wom".to_string()]
    }

    /// Positive and negative talkers, rejecters, and net sentiment
    /// (positive − negative talkers).
    fn quantity_names(&self) -> Vec<String> {
        [
            "positive_talkers",
            "negative_talkers",
            "rejecting",
            "net_sentiment",
        ]
        .map(String::from)
        .to_vec()
    }

    fn quantities(&self, state: &ValenceState, out: &mut [f64]) {
        let c = state.counts();
        let values = [
            c.positive as f64,
            c.negative as f64,
            c.rejecting as f64,
            c.net_sentiment() as f64,
        ];
        for (o, v) in out.iter_mut().zip(values) {
            *o = v;
        }
    }

    fn new_state(&self, network: &Network) -> ValenceState {
        let n = network.node_count();
        ValenceState {
            aware: EpochMarks::new(n),
            status: vec![NodeValence::Unaware; n],
            negatives: vec![0; n],
            positive_talkers: Vec::new(),
            negative_talkers: Vec::new(),
            next_positive: Vec::new(),
            next_negative: Vec::new(),
            skip_positive: 0,
            skip_negative: 0,
            counts: ValenceCounts::default(),
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut ValenceState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.aware.next_epoch();
        state.positive_talkers.clear();
        state.negative_talkers.clear();
        state.next_positive.clear();
        state.next_negative.clear();
        state.counts = ValenceCounts::default();
        for &s in seeds {
            let positive = match self.options.seeds {
                SeedTalk::Experience => bernoulli(rng, self.options.quality),
                SeedTalk::Positive => true,
            };
            let event = Event::new(s, None, POSITIVE_WOM, 0);
            state.adopt(s, positive, &event, true, observer);
        }
        std::mem::swap(&mut state.positive_talkers, &mut state.next_positive);
        std::mem::swap(&mut state.negative_talkers, &mut state.next_negative);
        state.skip_positive = self.positive_talk.sample(rng);
        state.skip_negative = self.negative_talk.sample(rng);
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut ValenceState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let csr = network.forward();
        // Negative talk first (negativity bias), over the concatenated arcs
        // of the negative talkers.
        let mut gap = state.skip_negative;
        for t in 0..state.negative_talkers.len() {
            let u = state.negative_talkers[t];
            let arcs = csr.neighbors(u);
            self.negative_talk
                .walk(&mut gap, arcs.len() as u64, rng, |i, _| {
                    state.hear_negative(arcs[i as usize].node, u, step, observer)
                });
        }
        state.skip_negative = gap;
        // Then positive talk.
        let mut gap = state.skip_positive;
        for t in 0..state.positive_talkers.len() {
            let u = state.positive_talkers[t];
            let arcs = csr.neighbors(u);
            self.positive_talk
                .walk(&mut gap, arcs.len() as u64, rng, |i, rng| {
                    self.hear_positive(state, arcs[i as usize].node, u, step, rng, observer)
                });
        }
        state.skip_positive = gap;
        for &u in state.negative_talkers.iter().chain(&state.positive_talkers) {
            observer.deactivated(u, step);
        }
        std::mem::swap(&mut state.positive_talkers, &mut state.next_positive);
        std::mem::swap(&mut state.negative_talkers, &mut state.next_negative);
        state.next_positive.clear();
        state.next_negative.clear();
        if state.positive_talkers.is_empty() && state.negative_talkers.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}
