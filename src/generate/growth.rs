//! Growth by preferential attachment: Barabási–Albert and Holme–Kim.

use serde::{Deserialize, Serialize};

use super::builder::{Builder, check_arcs, check_nodes, saturate};
use crate::error::{Error, Result, check_probability};
use crate::rng::{WomRng, below, bernoulli, stream_rng};
use crate::social::SocialGraph;
use crate::tie::Relation;

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

/// Checks `1 <= m < n` for the growth models.
pub(super) fn check_growth(n: usize, m: usize) -> Result<()> {
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
pub(super) fn growth_edges(n: usize, m: usize) -> u128 {
    let (n, m) = (n as u128, m as u128);
    m * (m + 1) / 2 + m * n.saturating_sub(m + 1)
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
    let mut b = Builder::new(n, Relation::Friendship, edges as f64)?;
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
    let mut b = Builder::new(n, Relation::Friendship, edges as f64)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_edge_formula() {
        assert_eq!(growth_edges(10, 1), 9);
        assert_eq!(growth_edges(5, 4), 10);
        assert_eq!(growth_edges(100, 3), 3 * (200 - 3 - 1) / 2);
    }
}
