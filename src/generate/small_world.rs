//! The Watts–Strogatz small world.

use serde::{Deserialize, Serialize};

use super::builder::{Builder, check_arcs, check_nodes, pair_set, saturate, unordered_key};
use crate::error::{Error, Result, check_probability};
use crate::rng::{below, bernoulli, stream_rng};
use crate::social::SocialGraph;
use crate::tie::Relation;

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
    let mut b = Builder::new(params.n, Relation::Friendship, edges.len() as f64)?;
    for (u, v) in edges {
        b.edge(u, v)?;
    }
    Ok(b.finish())
}
