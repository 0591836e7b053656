//! Two brands competing for the same consumers: the competitive independent
//! cascade (Bharathi, Kempe & Salek 2007; Carnes et al. 2007).
//!
//! See [`CompetitiveCascade`].

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::message::ChannelId;
use crate::network::NetworkId;
use crate::network::{Csr, Network};
use crate::propagation::kernel::{EpochMarks, GeometricSkip, threshold_trials, threshold31};
use crate::propagation::{Event, Model, Observer, StepOutcome, exposed_and_adopted};
use crate::rng::below;

/// One of the two competing brands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Brand {
    /// The first brand (channel 0, `"brand_a"`).
    A,
    /// The second brand (channel 1, `"brand_b"`).
    B,
}

impl Brand {
    /// Both brands, A first.
    pub const BOTH: [Brand; 2] = [Brand::A, Brand::B];

    /// 0 for A, 1 for B: the index into per-brand arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The brand's channel: adoptions of brand A come through channel 0
    /// (`"brand_a"`), of brand B through channel 1 (`"brand_b"`).
    pub fn channel(self) -> ChannelId {
        ChannelId(self as u16)
    }

    /// The other brand.
    pub fn other(self) -> Brand {
        match self {
            Brand::A => Brand::B,
            Brand::B => Brand::A,
        }
    }
}

/// How a competitive cascade sets each brand's activation probability per
/// arc.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum BrandProbabilities {
    /// The same probability on every arc, one per brand.
    Uniform {
        /// Brand A's p, in [0, 1].
        a: f64,
        /// Brand B's p, in [0, 1].
        b: f64,
    },
    /// p_X(u, v) = X × trust(u, v): a brand's appeal times the tie's trust.
    Trust {
        /// Brand A's factor, in [0, 1].
        a: f64,
        /// Brand B's factor, in [0, 1].
        b: f64,
    },
}

/// What a node reached by both brands in the same step adopts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    /// Each brand that reached it with 1/2, whatever the number of
    /// successful attempts (random tie-breaking, Bharathi et al. 2007).
    #[default]
    UniformBrand,
    /// In proportion to the number of successful attempts of each brand in
    /// that step: `P(A) = c_A / (c_A + c_B)`. Equivalently, one successful
    /// attempt is chosen uniformly and its brand wins (in the spirit of the
    /// distance-based model of Carnes et al. 2007).
    Proportional,
}

/// The model parameters of a [`CompetitiveCascade`], as a document (seeds
/// are given separately).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompetitionOptions {
    /// Each brand's activation probability per arc.
    pub probabilities: BrandProbabilities,
    /// What a node reached by both brands in one step adopts.
    #[serde(default)]
    pub tie_rule: TieRule,
}

/// The counts of a competitive run, available at any time from
/// [`CompetitionState::counts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct CompetitionCounts {
    /// Adopters of each brand (indexed by [`Brand::index`]), seeds included.
    pub adopted: [usize; 2],
    /// Word-of-mouth messages each brand's adopters sent: each adopter
    /// talks once to each of its out-arcs, successful or not, so this is the
    /// sum of the out-degrees of the brand's adopters that have talked.
    pub messages: [u64; 2],
    /// Nodes reached by both brands in the same step (settled by the
    /// [`TieRule`]).
    pub contested: usize,
}

impl CompetitionCounts {
    /// Adopters of either brand.
    pub fn total_adopted(&self) -> usize {
        self.adopted[0] + self.adopted[1]
    }

    /// The brand's share of all adopters (market share); `None` when
    /// nobody adopted.
    pub fn market_share(&self, brand: Brand) -> Option<f64> {
        let total = self.total_adopted();
        (total > 0).then(|| self.adopted[brand.index()] as f64 / total as f64)
    }

    /// Share of voice: the brand's share of all word-of-mouth messages
    /// sent; `None` when nobody has talked.
    pub fn share_of_voice(&self, brand: Brand) -> Option<f64> {
        let total = self.messages[0] + self.messages[1];
        (total > 0).then(|| self.messages[brand.index()] as f64 / total as f64)
    }
}

#[derive(Debug, Clone)]
enum Kernel {
    /// Trials skipped geometrically over the frontier's arcs, per brand.
    Uniform([GeometricSkip; 2]),
    /// Per-arc 31-bit thresholds of both brands beside the target.
    PerArc(Csr<[u32; 2]>),
}

/// The competitive independent cascade: two brands spread at once, each
/// node adopts at most one.
///
/// # The model
/// Seeds of brand A and of brand B (disjoint) adopt their brand at step 0.
/// A node that adopted brand X at step t gets one chance, at step t + 1, on
/// each out-arc (u, v): it reaches v with probability p_X(u, v),
/// independently of everything else. At the end of the step every
/// not-yet-adopted node reached by at least one brand adopts:
///
/// * the brand that reached it, if only one did;
/// * if both did (a *contested* node), by the [`TieRule`]: under
///   [`UniformBrand`](TieRule::UniformBrand) each with probability 1/2;
///   under [`Proportional`](TieRule::Proportional)
///   `P(A) = c_A / (c_A + c_B)`, c_X the successful attempts of brand X on
///   it in that step.
///
/// Updates are synchronous: a node adopts at the end of the step it is
/// reached, so attempts within a step never see each other. Adoption is
/// final (a node never switches). The run ends when a step makes no new
/// adopter. With one brand's seeds empty, it is the independent cascade.
///
/// **Attribution.** The adoption comes through the chosen brand's channel
/// (`"brand_a"` = 0, `"brand_b"` = 1) with, as sender, the first talker of
/// that brand to reach the node in that step (processing order: brand A's
/// talkers, then B's, each in the order they adopted; arcs in CSR order).
/// Exposure coincides with adoption, as in the independent cascade.
///
/// **Seeds.** Given to the constructor per brand and validated there; pass
/// [`seeds`](Self::seeds) (A's then B's) to the engine. The engine refuses
/// a seed that belongs to neither brand (an error, before the run); a subset
/// of the brands' seeds may be run, for example one brand alone to measure
/// what the rival costs it.
///
/// # Complexity
/// Per run O(s + m_r) time, m_r the arcs out of adopters. With
/// [`BrandProbabilities::Uniform`] the gap to the next successful arc is
/// drawn geometrically (O(successes) draws); otherwise one 31-bit draw per
/// arc against thresholds prepared once (12 bytes per arc). A contested
/// node costs one more draw. No allocation per run (epoch-stamped marks per
/// node and per step).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::Simulation;
/// use wom::propagation::competition::{
///     Brand, BrandProbabilities, CompetitionOptions, CompetitiveCascade, TieRule,
/// };
///
/// // 0 (brand A) -> 1 -> 2 <- 3 (brand B), certain transmission: B reaches
/// // node 2 at step 1, one step before A could.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (3, 2, 1.0)])?;
/// let options = CompetitionOptions {
///     probabilities: BrandProbabilities::Uniform { a: 1.0, b: 1.0 },
///     tie_rule: TieRule::UniformBrand,
/// };
/// let model = CompetitiveCascade::new(&net, options, &[0], &[3])?;
/// let mut sim = Simulation::new(&net, &model);
/// sim.run(model.seeds(), 1, 0, &mut ())?;
/// assert_eq!(sim.state().brand_of(2), Some(Brand::B));
/// assert_eq!(sim.state().counts().adopted, [2, 2]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # References
/// S. Bharathi, D. Kempe, M. Salek, "Competitive influence maximization in
/// social networks", WINE 2007; T. Carnes, C. Nagarajan, S. M. Wild, A. van
/// Zuylen, "Maximizing influence in a competitive social network: a
/// follower's perspective", ICEC 2007.
#[derive(Debug, Clone)]
pub struct CompetitiveCascade {
    options: CompetitionOptions,
    network: NetworkId,
    kernel: Kernel,
    seeds: Vec<u32>,
    brand_a_count: usize,
    sorted: [Vec<u32>; 2],
}

/// Checks the brands' seeds: nodes of the network, no repeat within a
/// brand, no node seeding both. Returns them sorted per brand.
fn check_seeds(n: usize, a: &[u32], b: &[u32]) -> Result<[Vec<u32>; 2]> {
    let mut sorted = [a.to_vec(), b.to_vec()];
    for (brand, list) in sorted.iter_mut().enumerate() {
        let name = ["seeds_a", "seeds_b"][brand];
        if let Some(&s) = list.iter().find(|&&s| s as usize >= n) {
            return Err(Error::UnknownNode {
                id: format!("{name}: seed index {s} (network has {n} nodes)"),
            });
        }
        list.sort_unstable();
        if let Some(w) = list.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::param(name, w[0], "a seed is listed twice"));
        }
    }
    if let Some(&s) = sorted[1]
        .iter()
        .find(|s| sorted[0].binary_search(s).is_ok())
    {
        return Err(Error::param(
            "seeds_b",
            s,
            "a node cannot seed both brands (the seed sets must be disjoint)",
        ));
    }
    Ok(sorted)
}

impl CompetitiveCascade {
    /// A competitive cascade on `network` with brand A seeded at `seeds_a`
    /// and brand B at `seeds_b` (internal indices), prepared for its
    /// kernel: O(m) time for per-arc probabilities, O(s log s) otherwise.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a
    /// probability or factor outside [0, 1]; [`Error::UnknownNode`] for a
    /// seed that is not a node; [`Error::InvalidParameter`] for a seed
    /// listed twice or seeding both brands.
    pub fn new(
        network: &Network,
        options: CompetitionOptions,
        seeds_a: &[u32],
        seeds_b: &[u32],
    ) -> Result<Self> {
        let kernel = match options.probabilities {
            BrandProbabilities::Uniform { a, b } => Kernel::Uniform([
                GeometricSkip::for_parameter("a", a)?,
                GeometricSkip::for_parameter("b", b)?,
            ]),
            BrandProbabilities::Trust { a, b } => {
                let a = check_probability("trust factor a", a, None)?;
                let b = check_probability("trust factor b", b, None)?;
                Kernel::PerArc(network.forward().map(|_, _, t| {
                    let t = f64::from(t);
                    [threshold31(a * t), threshold31(b * t)]
                }))
            }
        };
        Self::assemble(network, options, kernel, seeds_a, seeds_b)
    }

    /// Per-arc probabilities computed by `p(brand, source, target, trust)`,
    /// with the given tie rule.
    ///
    /// # Errors
    /// As [`new`](Self::new); a returned probability outside [0, 1] is an
    /// error naming the brand and the arc.
    pub fn with_probabilities(
        network: &Network,
        tie_rule: TieRule,
        seeds_a: &[u32],
        seeds_b: &[u32],
        mut p: impl FnMut(Brand, u32, u32, f32) -> f64,
    ) -> Result<Self> {
        let mut bad = None;
        let arcs = network.forward().map(|u, v, t| {
            Brand::BOTH.map(|brand| {
                let x = p(brand, u, v, t);
                match check_probability(&format!("p_{brand:?}({u}, {v})"), x, None) {
                    Ok(x) => threshold31(x),
                    Err(e) => {
                        bad.get_or_insert(e);
                        0
                    }
                }
            })
        });
        if let Some(e) = bad {
            return Err(e);
        }
        let options = CompetitionOptions {
            probabilities: BrandProbabilities::Trust { a: 1.0, b: 1.0 },
            tie_rule,
        };
        Self::assemble(network, options, Kernel::PerArc(arcs), seeds_a, seeds_b)
    }

    fn assemble(
        network: &Network,
        options: CompetitionOptions,
        kernel: Kernel,
        seeds_a: &[u32],
        seeds_b: &[u32],
    ) -> Result<Self> {
        let sorted = check_seeds(network.node_count(), seeds_a, seeds_b)?;
        let mut seeds = seeds_a.to_vec();
        seeds.extend_from_slice(seeds_b);
        Ok(CompetitiveCascade {
            network: network.id(),
            options,
            kernel,
            seeds,
            brand_a_count: seeds_a.len(),
            sorted,
        })
    }

    /// The options this cascade was built with (for
    /// [`with_probabilities`](Self::with_probabilities), `Trust { a: 1, b:
    /// 1 }` stands for the custom probabilities).
    pub fn options(&self) -> &CompetitionOptions {
        &self.options
    }

    /// All seeds, brand A's then brand B's, as given: what to pass to the
    /// engine.
    pub fn seeds(&self) -> &[u32] {
        &self.seeds
    }

    /// One brand's seeds, as given.
    pub fn brand_seeds(&self, brand: Brand) -> &[u32] {
        match brand {
            Brand::A => &self.seeds[..self.brand_a_count],
            Brand::B => &self.seeds[self.brand_a_count..],
        }
    }

    /// The brand a seed belongs to.
    fn seed_brand(&self, s: u32) -> Option<Brand> {
        Brand::BOTH
            .into_iter()
            .find(|b| self.sorted[b.index()].binary_search(&s).is_ok())
    }
}

/// Successful attempts on one node in one step.
#[derive(Debug, Clone, Copy, Default)]
struct Hits {
    count: [u32; 2],
    /// The first talker of each brand to reach the node in the step.
    sender: [u32; 2],
}

/// Working memory of a competitive run; after (or during) a run it answers
/// [`counts`](CompetitionState::counts) and
/// [`brand_of`](CompetitionState::brand_of).
#[derive(Debug, Clone)]
pub struct CompetitionState {
    /// Adopters in this run; `brand` is meaningful for them.
    adopted: EpochMarks,
    brand: Vec<Brand>,
    /// Nodes reached in this step, with their hits.
    hits: EpochMarks<Hits>,
    touched: Vec<u32>,
    frontier: [Vec<u32>; 2],
    next: [Vec<u32>; 2],
    skip: [u64; 2],
    counts: CompetitionCounts,
}

impl CompetitionState {
    /// The counts of the current (or last) run.
    pub fn counts(&self) -> CompetitionCounts {
        self.counts
    }

    /// The brand `v` adopted in the current run, if any.
    pub fn brand_of(&self, v: u32) -> Option<Brand> {
        self.adopted
            .is_marked(v as usize)
            .then(|| self.brand[v as usize])
    }

    fn adopt<O: Observer + ?Sized>(
        &mut self,
        v: u32,
        brand: Brand,
        sender: Option<u32>,
        step: u32,
        observer: &mut O,
    ) {
        self.adopted.mark(v as usize);
        self.brand[v as usize] = brand;
        self.next[brand.index()].push(v);
        self.counts.adopted[brand.index()] += 1;
        exposed_and_adopted(observer, &Event::new(v, sender, brand.channel(), step));
    }

    /// A successful attempt of `brand` from `u` on `v`.
    #[inline]
    fn hit(&mut self, v: u32, u: u32, brand: usize) {
        if self.adopted.is_marked(v as usize) {
            return;
        }
        let (was, h) = self.hits.entry(v as usize, || Hits {
            count: [0, 0],
            sender: [u32::MAX; 2],
        });
        if !was {
            self.touched.push(v);
        }
        if h.count[brand] == 0 {
            h.sender[brand] = u;
        }
        h.count[brand] = h.count[brand].saturating_add(1);
    }
}

impl Model for CompetitiveCascade {
    type State = CompetitionState;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this competitive cascade")
    }

    fn name(&self) -> &str {
        "competitive_cascade"
    }

    fn channel_names(&self) -> Vec<String> {
        vec!["brand_a".to_string(), "brand_b".to_string()]
    }

    /// Per brand: adopters, messages, market share and share of voice;
    /// then contested nodes. A share is undefined (NaN) in a run where
    /// nobody adopted or talked.
    fn quantity_names(&self) -> Vec<String> {
        let mut names = Vec::with_capacity(9);
        for kind in ["adopted", "messages", "market_share", "share_of_voice"] {
            for brand in ["brand_a", "brand_b"] {
                names.push(format!("{kind}:{brand}"));
            }
        }
        names.push("contested".to_string());
        names
    }

    fn quantities(&self, state: &CompetitionState, out: &mut [f64]) {
        let c = state.counts();
        let share = |s: Option<f64>| s.unwrap_or(f64::NAN);
        let values = [
            c.adopted[0] as f64,
            c.adopted[1] as f64,
            c.messages[0] as f64,
            c.messages[1] as f64,
            share(c.market_share(Brand::A)),
            share(c.market_share(Brand::B)),
            share(c.share_of_voice(Brand::A)),
            share(c.share_of_voice(Brand::B)),
            c.contested as f64,
        ];
        for (o, v) in out.iter_mut().zip(values) {
            *o = v;
        }
    }

    fn new_state(&self, network: &Network) -> CompetitionState {
        let n = network.node_count();
        CompetitionState {
            adopted: EpochMarks::new(n),
            brand: vec![Brand::A; n],
            hits: EpochMarks::new(n),
            touched: Vec::new(),
            frontier: [Vec::new(), Vec::new()],
            next: [Vec::new(), Vec::new()],
            skip: [0, 0],
            counts: CompetitionCounts::default(),
        }
    }

    /// Every seed handed to the engine must be a seed of one of the brands
    /// given to the constructor (a subset of them may be run).
    fn check_seeds(&self, _network: &Network, seeds: &[u32]) -> crate::Result<()> {
        match seeds.iter().find(|&&s| self.seed_brand(s).is_none()) {
            Some(&s) => Err(crate::Error::param(
                "seeds",
                s,
                "is not a seed of either brand: give each brand's seeds to CompetitiveCascade",
            )),
            None => Ok(()),
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut CompetitionState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.adopted.next_epoch();
        for b in 0..2 {
            state.frontier[b].clear();
            state.next[b].clear();
        }
        state.touched.clear();
        state.counts = CompetitionCounts::default();
        for &s in seeds {
            if let Some(brand) = self.seed_brand(s) {
                state.adopt(s, brand, None, 0, observer);
            }
        }
        std::mem::swap(&mut state.frontier, &mut state.next);
        state.skip = match self.kernel {
            Kernel::Uniform(skips) => skips.map(|s| s.sample(rng)),
            Kernel::PerArc(_) => [0, 0],
        };
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CompetitionState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.hits.next_epoch();
        for b in 0..2 {
            for t in 0..state.frontier[b].len() {
                let u = state.frontier[b][t];
                state.counts.messages[b] += network.out_degree(u) as u64;
                match &self.kernel {
                    Kernel::Uniform(skips) => {
                        let arcs = network.forward().neighbors(u);
                        let mut gap = state.skip[b];
                        skips[b].walk(&mut gap, arcs.len() as u64, rng, |i, _| {
                            state.hit(arcs[i as usize].node, u, b)
                        });
                        state.skip[b] = gap;
                    }
                    Kernel::PerArc(csr) => {
                        threshold_trials(csr.neighbors(u), rng, |t| t[b], |v| state.hit(v, u, b));
                    }
                }
            }
        }
        // Settle the step: every reached node adopts one brand.
        for t in 0..state.touched.len() {
            let v = state.touched[t];
            let Some(&h) = state.hits.get(v as usize) else {
                continue; // not reached: every touched node has hits
            };
            let brand = match (h.count[0], h.count[1]) {
                (_, 0) => Brand::A,
                (0, _) => Brand::B,
                (ca, cb) => {
                    state.counts.contested += 1;
                    let a_wins = match self.options.tie_rule {
                        TieRule::UniformBrand => below(rng, 2) == 0,
                        TieRule::Proportional => {
                            below(rng, u64::from(ca) + u64::from(cb)) < u64::from(ca)
                        }
                    };
                    if a_wins { Brand::A } else { Brand::B }
                }
            };
            state.adopt(v, brand, Some(h.sender[brand.index()]), step, observer);
        }
        state.touched.clear();
        std::mem::swap(&mut state.frontier, &mut state.next);
        state.next[0].clear();
        state.next[1].clear();
        if state.frontier[0].is_empty() && state.frontier[1].is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}
