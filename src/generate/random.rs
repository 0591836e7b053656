//! Erdős–Rényi random graphs: G(n, p) and G(n, m).

use serde::{Deserialize, Serialize};

use super::builder::{
    Builder, EdgeKind, PairSet, Triangle, check_arcs, check_expected_arcs, check_nodes, mutual,
    off_diagonal, pair_set, skip_sample, unordered_key,
};
use crate::error::{Error, Result, check_probability};
use crate::rng::{below, stream_rng};
use crate::social::SocialGraph;
use crate::tie::Relation;

/// Parameters of the Erdős–Rényi G(n, p) model (see [`gnp`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gnp {
    /// Number of nodes.
    pub n: usize,
    /// Probability of each possible edge, independently, in [0, 1].
    pub p: f64,
    /// [`Relation::Friendship`] (undirected: each unordered pair once, as a
    /// mutual pair of arcs) or [`Relation::Follow`] (directed: each ordered
    /// pair once, one arc). Default: friendship.
    #[serde(default = "mutual")]
    pub direction: Relation,
}

/// Parameters of the Erdős–Rényi G(n, m) model (see [`gnm`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gnm {
    /// Number of nodes.
    pub n: usize,
    /// Number of edges, at most n(n - 1)/2 undirected or n(n - 1) directed.
    pub m: usize,
    /// [`Relation::Friendship`] (undirected edges, two arcs each) or
    /// [`Relation::Follow`] (directed edges, one arc each). Default:
    /// friendship.
    #[serde(default = "mutual")]
    pub direction: Relation,
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
/// use wom::generate::{gnp, Gnp};
/// use wom::Relation;
///
/// let params = Gnp { n: 1_000, p: 0.01, direction: Relation::Friendship };
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
        Relation::Friendship => {
            let mut tri = Triangle::new();
            skip_sample(&mut rng, params.p, pairs, |i| {
                let (w, v) = tri.pair(i);
                b.edge(w, v)
            })?;
        }
        Relation::Follow => {
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
/// use wom::generate::{gnm, Gnm};
/// use wom::Relation;
///
/// let g = gnm(&Gnm { n: 100, m: 250, direction: Relation::Follow }, 1)?;
/// assert_eq!((g.node_count(), g.arc_count()), (100, 250));
/// // More edges than pairs is an error, not a panic.
/// assert!(gnm(&Gnm { n: 3, m: 4, direction: Relation::Friendship }, 1).is_err());
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
        Relation::Friendship => unordered_key(u, v, n),
        Relation::Follow => u * n + v,
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
                Relation::Friendship => u + 1,
                Relation::Follow => 0,
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
