//! Seeded random-graph generators: the classic models of social networks,
//! as [`SocialGraph`]s of consumers.
//!
//! | function | model | paper |
//! |---|---|---|
//! | [`gnp`] | Erdős–Rényi G(n, p) | Gilbert 1959; Batagelj & Brandes 2005 |
//! | [`gnm`] | Erdős–Rényi G(n, m) | Erdős & Rényi 1959 |
//! | [`barabasi_albert`] | preferential attachment | Barabási & Albert 1999 |
//! | [`watts_strogatz`] | small world | Watts & Strogatz 1998 |
//! | [`holme_kim`] | preferential attachment with tunable clustering | Holme & Kim 2002 |
//! | [`stochastic_block_model`] | communities | Holland, Laskey & Leinhardt 1983 |
//!
//! Every generator takes its parameters as a struct (serializable, so a
//! scenario document can name a generator, see [`Generator`]) and a `seed`,
//! and runs in time near-linear in the number of edges it makes. The same
//! parameters and seed give the same graph, edge for edge and in the same
//! order, on every platform: the only source of randomness is
//! [`stream_rng(seed, 0)`](crate::rng::stream_rng) and `wom`'s own samplers
//! ([`below`], [`bernoulli`], [`geometric_skip`]), never `rand`'s
//! distributions, whose values may change between `rand` releases. Changing
//! the order or number of draws here is a value-breaking change.
//!
//! What every generated graph looks like:
//!
//! * node `i` (petgraph index `i`) is a default [`Consumer`] with external id
//!   [`NodeId::Num(i)`](NodeId::Num), for `i` in `0..n`; turn some into
//!   opinion leaders with [`roles`](crate::roles);
//! * an undirected edge `{u, v}` is a friendship, two arcs `u -> v` and
//!   `v -> u` of [`SocialTie::friendship`]; a directed edge `u -> v` is one
//!   arc of [`SocialTie::follow`] (`v` follows `u`);
//! * every tie has trust [`GENERATED_TRUST`] (1.0). Rescale it with
//!   [`SocialGraph::tie_mut`], or let a propagation model apply its own
//!   probabilities;
//! * there are no self-loops and no repeated edges.
//!
//! Parameters are validated before anything is generated; problems come back
//! as [`Error`], never as a panic.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use petgraph::graph::NodeIndex;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::{BuiltinActor, Consumer};
use crate::error::{Error, Result, check_probability};
use crate::id::NodeId;
use crate::rng::{WomRng, below, bernoulli, geometric_skip, splitmix64, stream_rng};
use crate::social::SocialGraph;
use crate::tie::SocialTie;

/// The trust of every tie a generator makes.
///
/// Rescale it afterwards with [`SocialGraph::tie_mut`], or let a propagation
/// model apply its own probabilities.
pub const GENERATED_TRUST: f64 = 1.0;

/// The most nodes a [`SocialGraph`] holds (the limit of `add_actor`).
const NODE_LIMIT: u64 = u32::MAX as u64 - 1;

/// The most arcs a [`SocialGraph`] holds (petgraph's `u32` edge index).
const ARC_LIMIT: u64 = u32::MAX as u64;

/// Whether a generator's edges are friendships (undirected) or follows
/// (directed).
///
/// In JSON: `"undirected"` or `"directed"`; it defaults to undirected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraphKind {
    /// Each edge `{u, v}` is a friendship: two arcs, `u -> v` and `v -> u`.
    #[default]
    Undirected,
    /// Each edge `u -> v` is one follow arc (`v` follows `u`).
    Directed,
}

impl GraphKind {
    /// Arcs per edge: 2 for undirected, 1 for directed.
    fn arcs_per_edge(self) -> u64 {
        match self {
            GraphKind::Undirected => 2,
            GraphKind::Directed => 1,
        }
    }

    /// The number of possible edges without self-loops among `n` nodes:
    /// n(n - 1)/2 unordered or n(n - 1) ordered pairs.
    fn pairs(self, n: u64) -> u128 {
        let ordered = u128::from(n) * u128::from(n.saturating_sub(1));
        match self {
            GraphKind::Undirected => ordered / 2,
            GraphKind::Directed => ordered,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            GraphKind::Undirected => "undirected edges",
            GraphKind::Directed => "directed edges",
        }
    }
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// Parameters of the Erdős–Rényi G(n, p) model (see [`gnp`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gnp {
    /// Number of nodes.
    pub n: usize,
    /// Probability of each possible edge, independently, in [0, 1].
    pub p: f64,
    /// Undirected (each unordered pair once) or directed (each ordered pair
    /// once). Default: undirected.
    #[serde(default)]
    pub direction: GraphKind,
}

/// Parameters of the Erdős–Rényi G(n, m) model (see [`gnm`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gnm {
    /// Number of nodes.
    pub n: usize,
    /// Number of edges, at most n(n - 1)/2 undirected or n(n - 1) directed.
    pub m: usize,
    /// Undirected or directed. Default: undirected.
    #[serde(default)]
    pub direction: GraphKind,
}

/// Parameters of the Barabási–Albert model (see [`barabasi_albert`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BarabasiAlbert {
    /// Number of nodes, more than `m`.
    pub n: usize,
    /// Edges each new node makes, at least 1 and less than `n`; also the
    /// smallest degree of the graph.
    pub m: usize,
}

/// Parameters of the Watts–Strogatz small-world model (see
/// [`watts_strogatz`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WattsStrogatz {
    /// Number of nodes on the ring, more than `k`.
    pub n: usize,
    /// Degree in the ring lattice: each node is linked to its `k / 2`
    /// nearest neighbours on each side. Even, at least 2, less than `n`.
    pub k: usize,
    /// Probability in [0, 1] that each lattice edge is rewired.
    pub beta: f64,
}

/// Parameters of the Holme–Kim model (see [`holme_kim`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolmeKim {
    /// Number of nodes, more than `m`.
    pub n: usize,
    /// Edges each new node makes, at least 1 and less than `n`; also the
    /// smallest degree of the graph.
    pub m: usize,
    /// Probability in [0, 1] that each edge after a new node's first is made
    /// by triad formation (closing a triangle) rather than by preferential
    /// attachment. Higher values give more clustering.
    pub triad_probability: f64,
}

/// Parameters of the stochastic block model (see
/// [`stochastic_block_model`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StochasticBlockModel {
    /// The number of nodes in each block. Block 0 is nodes
    /// `0..sizes[0]`, block 1 the next `sizes[1]` nodes, and so on.
    pub sizes: Vec<usize>,
    /// `probabilities[a][b]` is the probability of each edge between a node
    /// of block `a` and a node of block `b` (for directed graphs: of each
    /// arc from a node of `a` to a node of `b`). A square matrix with one row
    /// per block, entries in [0, 1]; symmetric when undirected.
    pub probabilities: Vec<Vec<f64>>,
    /// Undirected or directed. Default: undirected.
    #[serde(default)]
    pub direction: GraphKind,
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

fn check_nodes(n: u128) -> Result<()> {
    if n > u128::from(NODE_LIMIT) {
        return Err(Error::TooManyNodes {
            limit: NODE_LIMIT,
            location: None,
        });
    }
    Ok(())
}

fn check_arcs(arcs: u128) -> Result<()> {
    if arcs > u128::from(ARC_LIMIT) {
        return Err(Error::TooManyArcs { limit: ARC_LIMIT });
    }
    Ok(())
}

/// Rejects a random graph whose arc count (mean `mean`, variance `var`)
/// would exceed the limit with near certainty (by more than 6 standard
/// deviations), before generating it; a count nearer the limit is checked as
/// the arcs are made.
fn check_expected_arcs(mean: f64, var: f64) -> Result<()> {
    if mean - 6.0 * var.sqrt() > ARC_LIMIT as f64 {
        return Err(Error::TooManyArcs { limit: ARC_LIMIT });
    }
    Ok(())
}

/// Checks `1 <= m < n` for the growth models.
fn check_growth(n: usize, m: usize) -> Result<()> {
    check_nodes(n as u128)?;
    if m == 0 {
        return Err(Error::param(
            "m",
            m,
            "each new node must make at least 1 edge",
        ));
    }
    if m >= n {
        return Err(Error::param(
            "m",
            m,
            format!("must be less than the number of nodes n = {n}"),
        ));
    }
    check_arcs(2 * growth_edges(n, m))
}

/// Edges of a growth model with the complete seed graph on m + 1 nodes:
/// m(m + 1)/2 + m(n - m - 1). Meaningful for `1 <= m < n`; never panics.
fn growth_edges(n: usize, m: usize) -> u128 {
    let (n, m) = (n as u128, m as u128);
    m * (m + 1) / 2 + m * n.saturating_sub(m + 1)
}

/// `count` as a `u64`, saturating.
fn saturate(count: u128) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

impl Gnp {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] for `p` outside [0, 1],
    /// [`Error::InvalidWeight`] for a NaN or infinite `p`,
    /// [`Error::TooManyNodes`] for `n` past `u32::MAX - 1`,
    /// [`Error::TooManyArcs`] when the graph would certainly have more than
    /// `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        check_nodes(self.n as u128)?;
        let p = check_probability("p", self.p, None)?;
        let pairs = self.direction.pairs(self.n as u64) as f64;
        let a = self.direction.arcs_per_edge() as f64;
        check_expected_arcs(a * pairs * p, a * a * pairs * p * (1.0 - p))
    }
}

impl Gnm {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `m` exceeds the number of possible
    /// edges, [`Error::TooManyNodes`] for `n` past `u32::MAX - 1`,
    /// [`Error::TooManyArcs`] for more than `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        check_nodes(self.n as u128)?;
        let pairs = self.direction.pairs(self.n as u64);
        if self.m as u128 > pairs {
            return Err(Error::param(
                "m",
                self.m,
                format!(
                    "more than the {pairs} possible {} among n = {} nodes",
                    self.direction.noun(),
                    self.n
                ),
            ));
        }
        check_arcs(self.m as u128 * u128::from(self.direction.arcs_per_edge()))
    }
}

impl BarabasiAlbert {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `1 <= m < n`,
    /// [`Error::TooManyNodes`] for `n` past `u32::MAX - 1`,
    /// [`Error::TooManyArcs`] for more than `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        check_growth(self.n, self.m)
    }

    /// The exact number of (undirected) edges of the graph:
    /// m(m + 1)/2 + m(n - m - 1), that is m(2n - m - 1)/2. Meaningful only
    /// for valid parameters (see `validate`); never panics.
    pub fn edge_count(&self) -> u64 {
        saturate(growth_edges(self.n, self.m))
    }
}

impl HolmeKim {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `1 <= m < n`,
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a
    /// `triad_probability` outside [0, 1] or not finite,
    /// [`Error::TooManyNodes`] for `n` past `u32::MAX - 1`,
    /// [`Error::TooManyArcs`] for more than `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        check_growth(self.n, self.m)?;
        check_probability("triad_probability", self.triad_probability, None)?;
        Ok(())
    }

    /// The exact number of (undirected) edges of the graph:
    /// m(m + 1)/2 + m(n - m - 1), that is m(2n - m - 1)/2, whatever the
    /// triad probability. Meaningful only for valid parameters (see
    /// `validate`); never panics.
    pub fn edge_count(&self) -> u64 {
        saturate(growth_edges(self.n, self.m))
    }
}

impl WattsStrogatz {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `k` is even and `2 <= k < n`,
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a
    /// `beta` outside [0, 1] or not finite,
    /// [`Error::TooManyNodes`] for `n` past `u32::MAX - 1`,
    /// [`Error::TooManyArcs`] for more than `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        check_nodes(self.n as u128)?;
        if self.k < 2 || !self.k.is_multiple_of(2) {
            return Err(Error::param(
                "k",
                self.k,
                "must be even and at least 2 (k / 2 neighbours on each side)",
            ));
        }
        if self.k >= self.n {
            return Err(Error::param(
                "k",
                self.k,
                format!("must be less than the number of nodes n = {}", self.n),
            ));
        }
        check_probability("beta", self.beta, None)?;
        check_arcs(self.n as u128 * self.k as u128)
    }

    /// The exact number of (undirected) edges of the graph, n k / 2,
    /// whatever `beta`. Meaningful only for valid parameters (see
    /// `validate`); never panics.
    pub fn edge_count(&self) -> u64 {
        saturate(self.n as u128 * (self.k as u128 / 2))
    }
}

impl StochasticBlockModel {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `probabilities` is not a square
    /// matrix with one row per block, or (undirected) not symmetric;
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for an
    /// entry outside [0, 1] or not finite, named `probabilities[a][b]`;
    /// [`Error::TooManyNodes`] when the sizes add up past `u32::MAX - 1`;
    /// [`Error::TooManyArcs`] when the graph would certainly have more than
    /// `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        let blocks = self.sizes.len();
        let total: u128 = self.sizes.iter().map(|&s| s as u128).sum();
        check_nodes(total)?;
        if self.probabilities.len() != blocks {
            return Err(Error::param(
                "probabilities",
                format!("{} rows", self.probabilities.len()),
                format!("needs one row per block ({blocks} blocks)"),
            ));
        }
        for (a, row) in self.probabilities.iter().enumerate() {
            if row.len() != blocks {
                return Err(Error::param(
                    &format!("probabilities[{a}]"),
                    format!("{} entries", row.len()),
                    format!(
                        "needs one entry per block ({blocks} blocks): the matrix must be square"
                    ),
                ));
            }
            for (b, &p) in row.iter().enumerate() {
                check_probability(&format!("probabilities[{a}][{b}]"), p, None)?;
            }
        }
        let undirected = self.direction == GraphKind::Undirected;
        if undirected {
            for a in 0..blocks {
                for b in (a + 1)..blocks {
                    let (ab, ba) = (self.probabilities[a][b], self.probabilities[b][a]);
                    if ab != ba {
                        return Err(Error::param(
                            &format!("probabilities[{a}][{b}]"),
                            ab,
                            format!(
                                "differs from probabilities[{b}][{a}] = {ba}: an undirected \
                                 model needs a symmetric matrix"
                            ),
                        ));
                    }
                }
            }
        }
        let arcs = self.direction.arcs_per_edge() as f64;
        let (mut mean, mut var) = (0.0, 0.0);
        for a in 0..blocks {
            for b in 0..blocks {
                if undirected && b < a {
                    continue;
                }
                let pairs = block_pairs(self.direction, &self.sizes, a, b) as f64;
                let p = self.probabilities[a][b];
                mean += arcs * pairs * p;
                var += arcs * arcs * pairs * p * (1.0 - p);
            }
        }
        check_expected_arcs(mean, var)
    }
}

/// Possible edges between blocks `a` and `b` (within `a` when equal).
fn block_pairs(kind: GraphKind, sizes: &[usize], a: usize, b: usize) -> u64 {
    let (sa, sb) = (sizes[a] as u64, sizes[b] as u64);
    if a == b {
        kind.pairs(sa) as u64
    } else {
        sa * sb
    }
}

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

/// A social graph of `n` consumers being filled with generated edges.
struct Builder {
    graph: SocialGraph,
    kind: GraphKind,
    arcs: u64,
}

impl Builder {
    /// `n` default consumers with ids `0..n`, with room for about
    /// `expected_edges` edges.
    fn new(n: usize, kind: GraphKind, expected_edges: f64) -> Result<Self> {
        check_nodes(n as u128)?;
        let arcs = (expected_edges * kind.arcs_per_edge() as f64).clamp(0.0, ARC_LIMIT as f64);
        let mut graph = SocialGraph::with_capacity(n, arcs as usize);
        for i in 0..n {
            graph.add_actor(
                NodeId::Num(i as u64),
                BuiltinActor::Consumer(Consumer::default()),
            )?;
        }
        Ok(Builder {
            graph,
            kind,
            arcs: 0,
        })
    }

    /// Adds the edge `{u, v}` (undirected) or `u -> v` (directed).
    fn edge(&mut self, u: u64, v: u64) -> Result<()> {
        let step = self.kind.arcs_per_edge();
        if self.arcs + step > ARC_LIMIT {
            return Err(Error::TooManyArcs { limit: ARC_LIMIT });
        }
        let (a, b) = (NodeIndex::new(u as usize), NodeIndex::new(v as usize));
        match self.kind {
            GraphKind::Undirected => {
                self.graph
                    .add_mutual_tie(a, b, SocialTie::friendship(GENERATED_TRUST))?;
            }
            GraphKind::Directed => {
                self.graph
                    .add_tie(a, b, SocialTie::follow(GENERATED_TRUST))?;
            }
        }
        self.arcs += step;
        Ok(())
    }

    fn finish(self) -> SocialGraph {
        self.graph
    }
}

/// Calls `emit` with each index of `0..total` kept independently with
/// probability `p`, in increasing order, drawing one geometric skip per kept
/// index (Batagelj & Brandes 2005): O(1 + kept) time.
fn skip_sample(
    rng: &mut WomRng,
    p: f64,
    total: u64,
    mut emit: impl FnMut(u64) -> Result<()>,
) -> Result<()> {
    if p <= 0.0 || total == 0 {
        return Ok(());
    }
    // ln(1 - p), accurate for small p; minus infinity for p = 1 (skip 0).
    let log_q = libm::log1p(-p);
    let mut next = 0u64;
    loop {
        next = next.saturating_add(geometric_skip(rng, log_q));
        if next >= total {
            return Ok(());
        }
        emit(next)?;
        next += 1;
    }
}

/// Maps increasing indices of the pairs `(w, v)`, `w < v`, ordered by `v`
/// then `w` (index v(v - 1)/2 + w), back to the pairs, walking the rows:
/// O(n) in total over a pass.
struct Triangle {
    v: u64,
    row_start: u64,
}

impl Triangle {
    fn new() -> Self {
        Triangle { v: 1, row_start: 0 }
    }

    /// The pair at `index`; indices must not decrease between calls.
    fn pair(&mut self, index: u64) -> (u64, u64) {
        while index >= self.row_start + self.v {
            self.row_start += self.v;
            self.v += 1;
        }
        (index - self.row_start, self.v)
    }
}

/// The ordered pair `(u, v)`, `u != v`, at `index` of the n(n - 1) pairs in
/// row-major order (the diagonal left out).
fn off_diagonal(index: u64, n: u64) -> (u64, u64) {
    let row = index / (n - 1);
    let col = index % (n - 1);
    (row, col + u64::from(col >= row))
}

/// A fast hasher for set membership of random pair keys (SplitMix64's
/// finalizer). Only membership is used, never iteration order, so the
/// hasher cannot change a result.
#[derive(Default)]
struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        let mut s = self.0;
        splitmix64(&mut s)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 ^= x;
    }
}

type PairSet = HashSet<u64, BuildHasherDefault<MixHasher>>;

fn pair_set(capacity: usize) -> PairSet {
    HashSet::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// The key of the unordered pair `{u, v}` among `n` nodes.
fn unordered_key(u: u64, v: u64, n: u64) -> u64 {
    u.min(v) * n + u.max(v)
}

// ---------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------

/// An Erdős–Rényi G(n, p) random graph: every possible edge is present
/// independently with probability `p`.
///
/// Undirected, each of the n(n - 1)/2 unordered pairs is an edge with
/// probability `p`; directed, each of the n(n - 1) ordered pairs. There are
/// no self-loops. Instead of one coin flip per pair, the generator draws the
/// geometric gap to the next edge (Batagelj & Brandes 2005), so the time is
/// proportional to the nodes and edges made, not to n².
///
/// # Arguments
/// * `params` - see [`Gnp`];
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A graph of `n` consumers whose number of edges is
/// Binomial(pairs, p), of mean p n(n - 1)/2 (undirected) or p n(n - 1)
/// (directed). Edges come in increasing order of the larger endpoint
/// (undirected) or of the source (directed).
///
/// # Complexity
/// O(n + m) expected time for m edges; no extra space beyond the graph.
///
/// # Errors
/// As [`Gnp::validate`].
///
/// # Example
/// ```
/// use wom::generate::{gnp, Gnp, GraphKind};
///
/// let params = Gnp { n: 1_000, p: 0.01, direction: GraphKind::Undirected };
/// let g = gnp(&params, 42)?;
/// assert_eq!(g.node_count(), 1_000);
/// // About 0.01 x 499,500 = 4,995 friendships, two arcs each.
/// let edges = g.arc_count() / 2;
/// assert!((4_500..5_500).contains(&edges));
/// // The same seed gives the same graph.
/// assert_eq!(gnp(&params, 42)?.arc_count(), g.arc_count());
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// E. N. Gilbert, "Random graphs", *Ann. Math. Statist.* 30 (1959);
/// V. Batagelj and U. Brandes, "Efficient generation of large random
/// networks", *Physical Review E* 71, 036113 (2005).
pub fn gnp(params: &Gnp, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let kind = params.direction;
    let n = params.n as u64;
    let pairs = kind.pairs(n) as u64;
    let mut b = Builder::new(params.n, kind, pairs as f64 * params.p)?;
    let mut rng = stream_rng(seed, 0);
    match kind {
        GraphKind::Undirected => {
            let mut tri = Triangle::new();
            skip_sample(&mut rng, params.p, pairs, |i| {
                let (w, v) = tri.pair(i);
                b.edge(w, v)
            })?;
        }
        GraphKind::Directed => {
            skip_sample(&mut rng, params.p, pairs, |i| {
                let (u, v) = off_diagonal(i, n);
                b.edge(u, v)
            })?;
        }
    }
    Ok(b.finish())
}

/// An Erdős–Rényi G(n, m) random graph: exactly `m` distinct edges, every
/// such set of edges equally likely.
///
/// When `m` is at most half of the possible edges, random pairs are drawn
/// and repeats rejected (fewer than 2m draws expected); otherwise the
/// `pairs - m` edges left out are drawn that way and every other pair is
/// kept. There are no self-loops.
///
/// # Arguments
/// * `params` - see [`Gnm`];
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A graph of `n` consumers and exactly `m` edges (2m arcs undirected),
/// in increasing order of their smaller endpoint (undirected) or of their
/// source (directed), then of the other endpoint.
///
/// # Complexity
/// O(n + m log m) expected time (the log is from putting the edges in
/// order), O(m) extra space.
///
/// # Errors
/// As [`Gnm::validate`]; in particular [`Error::InvalidParameter`] when `m`
/// is more than the number of possible edges.
///
/// # Example
/// ```
/// use wom::generate::{gnm, Gnm, GraphKind};
///
/// let g = gnm(&Gnm { n: 100, m: 250, direction: GraphKind::Directed }, 1)?;
/// assert_eq!((g.node_count(), g.arc_count()), (100, 250));
/// // More edges than pairs is an error, not a panic.
/// assert!(gnm(&Gnm { n: 3, m: 4, direction: GraphKind::Undirected }, 1).is_err());
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// P. Erdős and A. Rényi, "On random graphs I", *Publicationes
/// Mathematicae* 6 (1959).
pub fn gnm(params: &Gnm, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let kind = params.direction;
    let n = params.n as u64;
    // Both fit: validate bounds n by u32 and m by the number of pairs.
    let pairs = kind.pairs(n) as u64;
    let m = params.m as u64;
    let mut b = Builder::new(params.n, kind, m as f64)?;
    let mut rng = stream_rng(seed, 0);
    // A pair's key: u * n + v, with u < v when undirected.
    let key = |u: u64, v: u64| match kind {
        GraphKind::Undirected => unordered_key(u, v, n),
        GraphKind::Directed => u * n + v,
    };
    // Draws `count` distinct pairs uniformly, by rejection.
    let mut draw = |count: u64| -> PairSet {
        let mut set = pair_set(count as usize);
        while (set.len() as u64) < count {
            let u = below(&mut rng, n);
            let v = below(&mut rng, n - 1);
            let v = v + u64::from(v >= u);
            set.insert(key(u, v));
        }
        set
    };
    if m <= pairs / 2 {
        let mut keys: Vec<u64> = draw(m).into_iter().collect();
        keys.sort_unstable();
        for k in keys {
            b.edge(k / n, k % n)?;
        }
    } else {
        let left_out = draw(pairs - m);
        for u in 0..n {
            let first = match kind {
                GraphKind::Undirected => u + 1,
                GraphKind::Directed => 0,
            };
            for v in first..n {
                if v != u && !left_out.contains(&key(u, v)) {
                    b.edge(u, v)?;
                }
            }
        }
    }
    Ok(b.finish())
}

/// Adds the complete graph on nodes `0..=m`, the seed of the growth models,
/// and returns its repeated-nodes list (each node once per unit of degree).
fn complete_seed(b: &mut Builder, m: usize, capacity: usize) -> Result<Vec<u32>> {
    for v in 1..=m as u64 {
        for u in 0..v {
            b.edge(u, v)?;
        }
    }
    let mut repeated = Vec::with_capacity(capacity);
    for v in 0..=m as u32 {
        repeated.extend(std::iter::repeat_n(v, m));
    }
    Ok(repeated)
}

/// A Barabási–Albert scale-free graph, grown by preferential attachment.
///
/// The seed graph is the complete graph on nodes `0..=m`. Each later node
/// `s = m + 1, ..., n - 1` then links to `m` distinct earlier nodes, each
/// chosen with probability proportional to its degree (drawn uniformly from
/// a list holding every node once per unit of degree, repeats rejected).
/// The degree distribution has a power-law tail P(k) ~ k⁻³, and the largest
/// degree grows like m √n.
///
/// # Arguments
/// * `params` - see [`BarabasiAlbert`]; `1 <= m < n`;
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A connected undirected graph of `n` consumers with exactly
/// **m(m + 1)/2 + m(n - m - 1) = m(2n - m - 1)/2 edges**
/// ([`BarabasiAlbert::edge_count`]) and every degree at least `m`. For
/// `m = 1` it is a tree (n - 1 edges); for `m = n - 1`, the complete graph.
///
/// # Complexity
/// O(n m) expected time and extra space. (A new node's draws are rejected
/// only when they hit a node it already chose.)
///
/// # Errors
/// As [`BarabasiAlbert::validate`]: [`Error::InvalidParameter`] unless
/// `1 <= m < n`.
///
/// # Example
/// ```
/// use wom::generate::{barabasi_albert, BarabasiAlbert};
///
/// let params = BarabasiAlbert { n: 1_000, m: 2 };
/// let g = barabasi_albert(&params, 3)?;
/// // 2 x 3 / 2 + 2 x (1000 - 3) = 1,997 friendships.
/// assert_eq!(params.edge_count(), 1_997);
/// assert_eq!(g.arc_count(), 2 * 1_997);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// A.-L. Barabási and R. Albert, "Emergence of scaling in random
/// networks", *Science* 286, 509-512 (1999).
pub fn barabasi_albert(params: &BarabasiAlbert, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let (n, m) = (params.n, params.m);
    let edges = params.edge_count();
    let mut b = Builder::new(n, GraphKind::Undirected, edges as f64)?;
    let mut rng = stream_rng(seed, 0);
    let mut repeated = complete_seed(&mut b, m, 2 * edges as usize)?;
    // chosen[t] == s when node s has already picked t.
    let mut chosen = vec![u32::MAX; n];
    let mut targets: Vec<u32> = Vec::with_capacity(m);
    for s in (m + 1)..n {
        let s32 = s as u32;
        let len = repeated.len() as u64;
        targets.clear();
        while targets.len() < m {
            let t = repeated[below(&mut rng, len) as usize];
            if chosen[t as usize] != s32 {
                chosen[t as usize] = s32;
                targets.push(t);
            }
        }
        for &t in &targets {
            b.edge(u64::from(t), s as u64)?;
        }
        repeated.extend_from_slice(&targets);
        repeated.extend(std::iter::repeat_n(s32, m));
    }
    Ok(b.finish())
}

/// A uniformly chosen neighbour `x` of a node (its list `nbrs`) with
/// `mark[x] != s`, or `None` when there is none: a few rejection draws, then
/// a scan. Either way the choice is uniform over the eligible neighbours.
fn eligible_neighbour(rng: &mut WomRng, nbrs: &[u32], mark: &[u32], s: u32) -> Option<u32> {
    if nbrs.is_empty() {
        return None;
    }
    let len = nbrs.len() as u64;
    for _ in 0..4 {
        let x = nbrs[below(rng, len) as usize];
        if mark[x as usize] != s {
            return Some(x);
        }
    }
    let eligible = nbrs.iter().filter(|&&x| mark[x as usize] != s).count() as u64;
    if eligible == 0 {
        return None;
    }
    let k = below(rng, eligible) as usize;
    nbrs.iter()
        .copied()
        .filter(|&x| mark[x as usize] != s)
        .nth(k)
}

/// A Holme–Kim scale-free graph with tunable clustering: preferential
/// attachment plus triad formation.
///
/// The seed graph is the complete graph on nodes `0..=m`. Each later node
/// `s` makes `m` edges to distinct earlier nodes:
///
/// * the first is a preferential-attachment (PA) step: a link to a node
///   chosen with probability proportional to its degree (degrees as they
///   were before `s` arrived), among the nodes `s` is not yet linked to;
/// * each of the other `m - 1` is, with probability `triad_probability`, a
///   triad-formation (TF) step: a link to a uniformly chosen neighbour of the
///   last PA step's target that `s` is not yet linked to, closing a
///   triangle. Otherwise, or when there is no such neighbour, it is a PA
///   step.
///
/// With `triad_probability = 0` this is the Barabási–Albert model; higher
/// values raise the clustering coefficient while keeping the power-law
/// degree tail. This is networkx's `powerlaw_cluster_graph` procedure except
/// for the seed graph, and for PA steps never repeating an edge, which makes
/// the edge count exact.
///
/// # Arguments
/// * `params` - see [`HolmeKim`]; `1 <= m < n`;
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A connected undirected graph of `n` consumers with exactly
/// **m(m + 1)/2 + m(n - m - 1) = m(2n - m - 1)/2 edges**
/// ([`HolmeKim::edge_count`]) and every degree at least `m`.
///
/// # Complexity
/// O(n m) expected draws, plus, for a TF step whose few rejection draws
/// all hit nodes already linked, a scan of the PA target's neighbours;
/// O(n m) extra space.
///
/// # Errors
/// As [`HolmeKim::validate`]: [`Error::InvalidParameter`] unless
/// `1 <= m < n`, [`Error::ProbabilityOutOfRange`] for a
/// `triad_probability` outside [0, 1].
///
/// # Example
/// ```
/// use wom::generate::{holme_kim, HolmeKim};
///
/// let params = HolmeKim { n: 2_000, m: 3, triad_probability: 0.5 };
/// let g = holme_kim(&params, 7)?;
/// assert_eq!(params.edge_count(), 3 * (2 * 2_000 - 3 - 1) / 2);
/// assert_eq!(g.arc_count() as u64, 2 * params.edge_count());
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// P. Holme and B. J. Kim, "Growing scale-free networks with tunable
/// clustering", *Physical Review E* 65, 026107 (2002).
pub fn holme_kim(params: &HolmeKim, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let (n, m, pt) = (params.n, params.m, params.triad_probability);
    let edges = params.edge_count();
    let mut b = Builder::new(n, GraphKind::Undirected, edges as f64)?;
    let mut rng = stream_rng(seed, 0);
    let mut repeated = complete_seed(&mut b, m, 2 * edges as usize)?;
    let mut adjacency: Vec<Vec<u32>> = vec![Vec::new(); n];
    for v in 1..=m {
        for u in 0..v {
            adjacency[u].push(v as u32);
            adjacency[v].push(u as u32);
        }
    }
    // linked[x] == s when x is s itself or already linked to s.
    let mut linked = vec![u32::MAX; n];
    let mut targets: Vec<u32> = Vec::with_capacity(m);
    for s in (m + 1)..n {
        let s32 = s as u32;
        let len = repeated.len() as u64;
        linked[s] = s32;
        targets.clear();
        let mut last_pa = 0u32;
        while targets.len() < m {
            let mut target = None;
            if !targets.is_empty() && bernoulli(&mut rng, pt) {
                target = eligible_neighbour(&mut rng, &adjacency[last_pa as usize], &linked, s32);
            }
            let t = match target {
                Some(t) => t,
                None => {
                    // PA: by degree before s arrived, skipping linked nodes.
                    let t = loop {
                        let t = repeated[below(&mut rng, len) as usize];
                        if linked[t as usize] != s32 {
                            break t;
                        }
                    };
                    last_pa = t;
                    t
                }
            };
            linked[t as usize] = s32;
            adjacency[t as usize].push(s32);
            adjacency[s].push(t);
            targets.push(t);
            b.edge(u64::from(t), s as u64)?;
        }
        repeated.extend_from_slice(&targets);
        repeated.extend(std::iter::repeat_n(s32, m));
    }
    Ok(b.finish())
}

/// A Watts–Strogatz small-world graph: a ring lattice with randomly
/// rewired edges.
///
/// Nodes `0..n` sit on a ring and each is linked to its `k / 2` nearest
/// neighbours on each side: the lattice edges `(u, u + j mod n)` for
/// `j = 1..=k/2`. Then, for `j = 1..=k/2` and `u = 0..n` in that order, the
/// edge `(u, u + j)` is rewired with probability `beta`: replaced by
/// `(u, w)` with `w` uniform among the nodes that are neither `u` nor
/// already linked to `u` (if `u` is linked to every other node, the edge is
/// kept). This is the procedure of Watts & Strogatz 1998 as networkx
/// implements it. `beta = 0` gives exactly the ring lattice; small `beta`
/// keeps its high clustering while making paths short; `beta = 1` gives a
/// random graph (with every node keeping at least `k / 2` edges).
///
/// # Arguments
/// * `params` - see [`WattsStrogatz`]; `k` even, `2 <= k < n`;
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// An undirected graph of `n` consumers with exactly n k / 2 edges
/// ([`WattsStrogatz::edge_count`]), each at its lattice position in the
/// order above (rewired or not).
///
/// # Complexity
/// O(n k) expected time and extra space.
///
/// # Errors
/// As [`WattsStrogatz::validate`]: [`Error::InvalidParameter`] unless `k`
/// is even and `2 <= k < n`, [`Error::ProbabilityOutOfRange`] for `beta`
/// outside [0, 1].
///
/// # Example
/// ```
/// use wom::generate::{watts_strogatz, WattsStrogatz};
///
/// let g = watts_strogatz(&WattsStrogatz { n: 500, k: 6, beta: 0.1 }, 11)?;
/// assert_eq!(g.arc_count(), 2 * 500 * 6 / 2);
/// // An odd k has no lattice.
/// assert!(watts_strogatz(&WattsStrogatz { n: 500, k: 5, beta: 0.1 }, 11).is_err());
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// D. J. Watts and S. H. Strogatz, "Collective dynamics of 'small-world'
/// networks", *Nature* 393, 440-442 (1998).
pub fn watts_strogatz(params: &WattsStrogatz, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let (n, half) = (params.n as u64, params.k as u64 / 2);
    let mut edges: Vec<(u64, u64)> = Vec::with_capacity(params.edge_count() as usize);
    for j in 1..=half {
        for u in 0..n {
            edges.push((u, (u + j) % n));
        }
    }
    let mut rng = stream_rng(seed, 0);
    if params.beta > 0.0 {
        let mut present = pair_set(edges.len());
        present.extend(edges.iter().map(|&(u, v)| unordered_key(u, v, n)));
        let mut degree = vec![params.k as u64; params.n];
        for edge in &mut edges {
            let (u, v) = *edge;
            if !bernoulli(&mut rng, params.beta) || degree[u as usize] >= n - 1 {
                continue;
            }
            // Some w is free: u has fewer than n - 1 neighbours.
            let w = loop {
                let w = below(&mut rng, n);
                if w != u && !present.contains(&unordered_key(u, w, n)) {
                    break w;
                }
            };
            present.remove(&unordered_key(u, v, n));
            present.insert(unordered_key(u, w, n));
            degree[v as usize] -= 1;
            degree[w as usize] += 1;
            *edge = (u, w);
        }
    }
    let mut b = Builder::new(params.n, GraphKind::Undirected, edges.len() as f64)?;
    for (u, v) in edges {
        b.edge(u, v)?;
    }
    Ok(b.finish())
}

/// A stochastic block model: communities with their own edge densities.
///
/// The nodes are split into consecutive blocks of the given sizes, and each
/// possible edge between a node of block `a` and a node of block `b` is
/// present independently with probability `probabilities[a][b]` (no
/// self-loops). Each block pair is sampled with geometric skips (Batagelj &
/// Brandes 2005), so the time is proportional to the edges made. Each block
/// also becomes a group of the graph, named `"block 0"`, `"block 1"`, ...,
/// with the block's nodes as members, so the communities serve as groups or
/// forums for group channels.
///
/// # Arguments
/// * `params` - see [`StochasticBlockModel`]; a square matrix with one row
///   per block, symmetric when undirected;
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A graph of `sizes.iter().sum()` consumers. The number of edges within
/// block `a` is Binomial(s_a (s_a - 1)/2, p_aa) undirected or
/// Binomial(s_a (s_a - 1), p_aa) directed, and between blocks `a != b`
/// Binomial(s_a s_b, p_ab). Undirected, the block pairs are sampled for
/// `a <= b`, in order; directed, for every `(a, b)`. Group `b` is block `b`.
///
/// # Complexity
/// O(n + B² + m) expected time for B blocks and m edges (plus what adding
/// B groups costs the graph); no extra space beyond the graph.
///
/// # Errors
/// As [`StochasticBlockModel::validate`]: [`Error::InvalidParameter`] for a
/// matrix that is not square, has the wrong size or (undirected) is not
/// symmetric; [`Error::ProbabilityOutOfRange`] for an entry outside [0, 1].
///
/// # Example
/// ```
/// use wom::generate::{stochastic_block_model, GraphKind, StochasticBlockModel};
///
/// // Two communities, dense inside, sparse between.
/// let params = StochasticBlockModel {
///     sizes: vec![60, 40],
///     probabilities: vec![vec![0.3, 0.01], vec![0.01, 0.4]],
///     direction: GraphKind::Undirected,
/// };
/// let g = stochastic_block_model(&params, 5)?;
/// assert_eq!(g.node_count(), 100);
/// assert_eq!(g.groups().len(), 2);
/// assert_eq!(g.groups()[1].name, "block 1");
/// assert_eq!(g.groups()[1].members().len(), 40);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// P. W. Holland, K. B. Laskey and S. Leinhardt, "Stochastic blockmodels:
/// first steps", *Social Networks* 5(2), 109-137 (1983).
pub fn stochastic_block_model(params: &StochasticBlockModel, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let kind = params.direction;
    let blocks = params.sizes.len();
    let mut starts = Vec::with_capacity(blocks);
    let mut total = 0u64;
    for &s in &params.sizes {
        starts.push(total);
        total += s as u64;
    }
    let mut expected = 0.0;
    for a in 0..blocks {
        for c in 0..blocks {
            if kind == GraphKind::Directed || a <= c {
                expected +=
                    block_pairs(kind, &params.sizes, a, c) as f64 * params.probabilities[a][c];
            }
        }
    }
    let mut b = Builder::new(total as usize, kind, expected)?;
    let mut rng = stream_rng(seed, 0);
    for a in 0..blocks {
        let first = match kind {
            GraphKind::Undirected => a,
            GraphKind::Directed => 0,
        };
        for c in first..blocks {
            let p = params.probabilities[a][c];
            let pairs = block_pairs(kind, &params.sizes, a, c);
            let (sa, sc) = (starts[a], starts[c]);
            if a != c {
                let cols = params.sizes[c] as u64;
                skip_sample(&mut rng, p, pairs, |i| b.edge(sa + i / cols, sc + i % cols))?;
            } else if kind == GraphKind::Undirected {
                let mut tri = Triangle::new();
                skip_sample(&mut rng, p, pairs, |i| {
                    let (w, v) = tri.pair(i);
                    b.edge(sa + w, sa + v)
                })?;
            } else {
                let size = params.sizes[a] as u64;
                skip_sample(&mut rng, p, pairs, |i| {
                    let (u, v) = off_diagonal(i, size);
                    b.edge(sa + u, sa + v)
                })?;
            }
        }
    }
    let mut graph = b.finish();
    for (block, (&start, &size)) in starts.iter().zip(&params.sizes).enumerate() {
        let first = start as usize;
        graph.add_group(
            format!("block {block}"),
            (first..first + size).map(NodeIndex::new),
        )?;
    }
    Ok(graph)
}

// ---------------------------------------------------------------------------
// Generator specs in documents
// ---------------------------------------------------------------------------

/// Any of the generators with its parameters: what a scenario document
/// names to build its graph.
///
/// In JSON it is an object whose `"model"` names the generator (in snake
/// case) next to that generator's parameters; `"direction"` may be left out
/// (undirected), and unknown fields are rejected:
///
/// ```json
/// {"model": "gnp", "n": 1000, "p": 0.01}
/// {"model": "gnm", "n": 1000, "m": 5000, "direction": "directed"}
/// {"model": "barabasi_albert", "n": 1000, "m": 3}
/// {"model": "watts_strogatz", "n": 1000, "k": 10, "beta": 0.1}
/// {"model": "holme_kim", "n": 1000, "m": 3, "triad_probability": 0.5}
/// {"model": "stochastic_block_model", "sizes": [50, 50],
///  "probabilities": [[0.2, 0.01], [0.01, 0.2]]}
/// ```
///
/// # Example
/// ```
/// use wom::generate::{Generator, HolmeKim};
///
/// let spec = Generator::from_json(
///     r#"{"model": "holme_kim", "n": 500, "m": 2, "triad_probability": 0.3}"#,
/// )?;
/// assert_eq!(spec, Generator::HolmeKim(HolmeKim { n: 500, m: 2, triad_probability: 0.3 }));
/// let g = spec.generate(9)?;
/// assert_eq!(g.node_count(), 500);
///
/// // A negative size is an error that names the field.
/// let err = Generator::from_json(r#"{"model": "gnp", "n": -5, "p": 0.1}"#).unwrap_err();
/// assert!(matches!(err, wom::Error::InvalidDocument { ref path, .. } if path == "$.n"));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case")]
pub enum Generator {
    /// Erdős–Rényi G(n, p): [`gnp`].
    Gnp(Gnp),
    /// Erdős–Rényi G(n, m): [`gnm`].
    Gnm(Gnm),
    /// Barabási–Albert: [`barabasi_albert`].
    BarabasiAlbert(BarabasiAlbert),
    /// Watts–Strogatz: [`watts_strogatz`].
    WattsStrogatz(WattsStrogatz),
    /// Holme–Kim: [`holme_kim`].
    HolmeKim(HolmeKim),
    /// Stochastic block model: [`stochastic_block_model`].
    StochasticBlockModel(StochasticBlockModel),
}

impl Generator {
    /// Runs the generator with `seed`.
    ///
    /// # Errors
    /// Those of the generator named.
    pub fn generate(&self, seed: u64) -> Result<SocialGraph> {
        match self {
            Generator::Gnp(p) => gnp(p, seed),
            Generator::Gnm(p) => gnm(p, seed),
            Generator::BarabasiAlbert(p) => barabasi_albert(p, seed),
            Generator::WattsStrogatz(p) => watts_strogatz(p, seed),
            Generator::HolmeKim(p) => holme_kim(p, seed),
            Generator::StochasticBlockModel(p) => stochastic_block_model(p, seed),
        }
    }

    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// Those of the parameters' own `validate`.
    pub fn validate(&self) -> Result<()> {
        match self {
            Generator::Gnp(p) => p.validate(),
            Generator::Gnm(p) => p.validate(),
            Generator::BarabasiAlbert(p) => p.validate(),
            Generator::WattsStrogatz(p) => p.validate(),
            Generator::HolmeKim(p) => p.validate(),
            Generator::StochasticBlockModel(p) => p.validate(),
        }
    }

    /// The model's name as it appears in JSON (`"gnp"`, `"holme_kim"` ...).
    pub fn model(&self) -> &'static str {
        match self {
            Generator::Gnp(_) => "gnp",
            Generator::Gnm(_) => "gnm",
            Generator::BarabasiAlbert(_) => "barabasi_albert",
            Generator::WattsStrogatz(_) => "watts_strogatz",
            Generator::HolmeKim(_) => "holme_kim",
            Generator::StochasticBlockModel(_) => "stochastic_block_model",
        }
    }

    /// Reads a generator spec from JSON and validates its parameters.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] when the text is not JSON or does not fit
    /// the schema (unknown model, missing, unknown or mistyped field, a
    /// negative count ...); its `path` names the field where it can (for
    /// example `"$.n"` or `"$.sizes[1]"`, else `"$"`) and its `reason` holds
    /// serde's message. Then the errors of [`Generator::validate`] for
    /// values out of range.
    pub fn from_json(text: &str) -> Result<Generator> {
        let generator: Generator = serde_json::from_str(text).map_err(|e| {
            let (path, reason) = locate(text, e.to_string());
            Error::InvalidDocument { path, reason }
        })?;
        generator.validate()?;
        Ok(generator)
    }
}

/// The type a field of a generator spec must have.
#[derive(Clone, Copy)]
enum Shape {
    Count,
    Real,
    Kind,
    List(&'static Shape),
}

/// A spec field: name, shape, whether it may be left out.
type Field = (&'static str, Shape, bool);

const GNP_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("p", Shape::Real, false),
    ("direction", Shape::Kind, true),
];
const GNM_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("m", Shape::Count, false),
    ("direction", Shape::Kind, true),
];
const GROWTH_FIELDS: &[Field] = &[("n", Shape::Count, false), ("m", Shape::Count, false)];
const WS_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("k", Shape::Count, false),
    ("beta", Shape::Real, false),
];
const HK_FIELDS: &[Field] = &[
    ("n", Shape::Count, false),
    ("m", Shape::Count, false),
    ("triad_probability", Shape::Real, false),
];
const SBM_FIELDS: &[Field] = &[
    ("sizes", Shape::List(&Shape::Count), false),
    (
        "probabilities",
        Shape::List(&Shape::List(&Shape::Real)),
        false,
    ),
    ("direction", Shape::Kind, true),
];

/// Serde's complaint about `value` as a `T`, if any.
fn complaint<T: DeserializeOwned>(value: &Value) -> Option<String> {
    serde_json::from_value::<T>(value.clone())
        .err()
        .map(|e| e.to_string())
}

impl Shape {
    /// The path and complaint of the first part of `value` (at `path`) that
    /// does not fit this shape.
    fn first_misfit(self, value: &Value, path: String) -> Option<(String, String)> {
        let problem = match self {
            Shape::Count => complaint::<usize>(value),
            Shape::Real => complaint::<f64>(value),
            Shape::Kind => complaint::<GraphKind>(value),
            Shape::List(inner) => match value.as_array() {
                Some(items) => {
                    return items
                        .iter()
                        .enumerate()
                        .find_map(|(i, x)| inner.first_misfit(x, format!("{path}[{i}]")));
                }
                None => complaint::<Vec<Value>>(value),
            },
        };
        problem.map(|reason| (path, reason))
    }
}

/// The JSON path and the reason for serde's rejection (`message`) of the
/// spec `text`: the first field that is missing, unknown or of the wrong
/// type, with serde's complaint about it; `"$"` and `message` when no one
/// field is to blame (not JSON, not an object ...).
fn locate(text: &str, message: String) -> (String, String) {
    let whole = || ("$".to_string(), message.clone());
    let Ok(Value::Object(object)) = serde_json::from_str::<Value>(text) else {
        return whole();
    };
    let fields = match object.get("model").map(Value::as_str) {
        None => return ("$.model".to_string(), "missing field `model`".to_string()),
        Some(None) => return ("$.model".to_string(), message),
        Some(Some(model)) => match model {
            "gnp" => GNP_FIELDS,
            "gnm" => GNM_FIELDS,
            "barabasi_albert" => GROWTH_FIELDS,
            "watts_strogatz" => WS_FIELDS,
            "holme_kim" => HK_FIELDS,
            "stochastic_block_model" => SBM_FIELDS,
            _ => return ("$.model".to_string(), message),
        },
    };
    for &(name, shape, optional) in fields {
        match object.get(name) {
            None if optional => {}
            None => return (format!("$.{name}"), format!("missing field `{name}`")),
            Some(value) => {
                if let Some(found) = shape.first_misfit(value, format!("$.{name}")) {
                    return found;
                }
            }
        }
    }
    for key in object.keys() {
        if key != "model" && !fields.iter().any(|&(name, _, _)| name == key) {
            let expected: Vec<&str> = fields.iter().map(|&(name, _, _)| name).collect();
            return (
                format!("$.{key}"),
                format!(
                    "unknown field `{key}`, expected one of {}",
                    expected.join(", ")
                ),
            );
        }
    }
    whole()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangle_walk_matches_the_closed_form() {
        let mut tri = Triangle::new();
        let mut i = 0;
        for v in 1..20u64 {
            for w in 0..v {
                assert_eq!(tri.pair(i), (w, v));
                i += 1;
            }
        }
    }

    #[test]
    fn off_diagonal_enumerates_ordered_pairs() {
        let n = 5;
        let got: Vec<(u64, u64)> = (0..n * (n - 1)).map(|i| off_diagonal(i, n)).collect();
        let want: Vec<(u64, u64)> = (0..n)
            .flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v)))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn skip_sample_keeps_everything_at_p_one_and_nothing_at_zero() {
        let mut rng = stream_rng(1, 0);
        let mut kept = Vec::new();
        skip_sample(&mut rng, 1.0, 7, |i| {
            kept.push(i);
            Ok(())
        })
        .unwrap();
        assert_eq!(kept, (0..7).collect::<Vec<_>>());
        kept.clear();
        skip_sample(&mut rng, 0.0, 7, |i| {
            kept.push(i);
            Ok(())
        })
        .unwrap();
        assert!(kept.is_empty());
    }

    #[test]
    fn growth_edge_formula() {
        assert_eq!(growth_edges(10, 1), 9);
        assert_eq!(growth_edges(5, 4), 10);
        assert_eq!(growth_edges(100, 3), 3 * (200 - 3 - 1) / 2);
    }
}
