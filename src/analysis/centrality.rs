//! Centralities of the frozen [`Network`]: who is worth seeding.
//!
//! # Orientation
//! `wom`'s arcs point the way influence flows: an arc `u -> v` means that
//! `v` hears `u`, that is, **`v` follows `u`**. So, in `wom`'s network:
//!
//! * `u`'s **followers** are its **out-neighbours**
//!   (`network.forward().neighbors(u)`), and their number is `u`'s
//!   out-degree (`network.forward().degree(u)`). In the *follow graph*
//!   (arcs `follower -> followed`, as social platforms store them) this is
//!   `u`'s **in-degree**;
//! * the accounts `v` follows are its **in-neighbours**
//!   (`network.reverse().neighbors(v)`), and their number is `v`'s
//!   in-degree in `wom` (its out-degree in the follow graph).
//!
//! Each function below says which of the two graphs it is defined on.
//!
//! # Multiplicity
//! The functions read the network's arcs as they are. [`followers`] and
//! [`pagerank`] count a repeated arc as many times as it occurs and a
//! self-loop as a node following itself; [`core_numbers`] works on the
//! undirected simple view, where neither matters. Trust values are not used:
//! all three are unweighted.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::network::Network;

/// The number of followers of every node: its out-degree in `wom`'s
/// orientation (the in-degree of the follow graph).
///
/// # Arguments
/// * `network`: the frozen network; an arc `u -> v` means `v` follows `u`.
///
/// # Returns
/// A vector indexed by node: entry `u` is the number of arcs leaving `u`,
/// that is `network.forward().degree(u)`. A repeated arc counts each time
/// and a self-loop counts as following yourself.
///
/// # Complexity
/// Time O(n), extra space O(n) for the result (the CSR offsets are read,
/// the arcs are not).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::centrality::followers;
///
/// // 1 and 2 follow 0 (arcs 0 -> 1, 0 -> 2); 0 follows 2 (arc 2 -> 0).
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0), (2, 0, 1.0)])?;
/// assert_eq!(followers(&net), [2, 0, 1]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// Degree centrality: L. C. Freeman, "Centrality in social networks:
/// conceptual clarification", *Social Networks* 1(3), 215-239, 1979.
pub fn followers(network: &Network) -> Vec<u32> {
    let offsets = network.forward().offsets();
    offsets.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Parameters of [`pagerank`].
///
/// In JSON every field is optional and defaults to the value below:
/// `{"damping": 0.85, "tolerance": 1e-10, "max_iterations": 1000}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PageRankOptions {
    /// The damping factor d, the chance that the random surfer follows a
    /// link rather than jumping to a uniformly random node; in [0, 1).
    /// Default 0.85 (Brin & Page 1998).
    pub damping: f64,
    /// Convergence threshold on the L1 distance (sum of absolute
    /// differences) between two successive rank vectors; finite and > 0.
    /// Default 1e-10.
    pub tolerance: f64,
    /// The most power iterations to run before giving up; at least 1.
    /// Default 1000.
    pub max_iterations: u32,
}

impl Default for PageRankOptions {
    /// Damping 0.85, tolerance 1e-10 (L1), at most 1000 iterations.
    fn default() -> Self {
        PageRankOptions {
            damping: 0.85,
            tolerance: 1e-10,
            max_iterations: 1000,
        }
    }
}

impl PageRankOptions {
    /// Checks every field.
    ///
    /// # Errors
    /// [`Error::InvalidWeight`] for a damping that is NaN or infinite;
    /// [`Error::ProbabilityOutOfRange`] for a damping outside [0, 1];
    /// [`Error::InvalidParameter`] for a damping of exactly 1 (the chain
    /// need not converge), a tolerance that is not finite and > 0, or
    /// `max_iterations == 0`.
    pub fn validate(&self) -> Result<()> {
        let d = check_probability("damping", self.damping, None)?;
        if d >= 1.0 {
            return Err(Error::param(
                "damping",
                d,
                "must be below 1 so that the iteration converges",
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance > 0.0) {
            return Err(Error::param(
                "tolerance",
                self.tolerance,
                "must be a finite number greater than 0",
            ));
        }
        if self.max_iterations == 0 {
            return Err(Error::param("max_iterations", 0, "must be at least 1"));
        }
        Ok(())
    }
}

/// PageRank of the follow graph (Brin & Page 1998): a node is important
/// when important nodes follow it.
///
/// Rank flows from a follower to the account it follows, that is along the
/// **reverse** of `wom`'s arcs (an arc `u -> v` means `v` follows `u`, so
/// `v` passes rank to `u`). With n nodes and damping d,
///
/// ```text
/// PR(u) = (1 - d) / n  +  d * D / n  +  d * sum over followers v of u of PR(v) / f(v)
/// ```
///
/// where f(v) is the number of accounts v follows (v's in-degree in `wom`,
/// its out-degree in the follow graph) and D is the total rank of the
/// *dangling* nodes, those that follow nobody (f = 0), which is spread
/// uniformly. The ranks sum to 1. This is the same as
/// `networkx.pagerank(G)` on the follow graph `G` (`wom`'s arcs reversed),
/// with uniform personalization and dangling distribution.
///
/// It is **unweighted**: trust values are ignored. A repeated arc counts
/// as many times as it occurs (a follower passes that many shares) and a
/// self-loop is a node following itself (it keeps a share of its own rank).
///
/// The power iteration starts from the uniform vector and stops when the L1
/// distance between two successive vectors is below
/// [`tolerance`](PageRankOptions::tolerance); the result is then scaled to
/// sum to exactly 1 (up to rounding).
///
/// # Arguments
/// * `network`: the frozen network; only its forward view is read (the
///   reverse view is not built).
/// * `options`: damping, tolerance and iteration cap.
///
/// # Returns
/// A vector indexed by node, summing to 1; empty for an empty network.
///
/// # Errors
/// As [`PageRankOptions::validate`] for invalid options;
/// [`Error::InvalidParameter`] naming `max_iterations` when the iteration
/// has not reached the tolerance after `max_iterations` steps.
///
/// # Complexity
/// Time O(m) to count how many accounts each node follows, then O(n + m)
/// per iteration: O(i (n + m)) for i iterations, i being at most
/// `max_iterations` and about ln(tolerance) / ln(d) (about 140 for the
/// defaults). Extra space O(n): two `f64` (the next rank vector and each
/// node's share) and one `u32` (the follow count) per node besides the
/// result.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::centrality::{pagerank, PageRankOptions};
///
/// // A hub (0) followed by three accounts: arcs 0 -> 1, 0 -> 2, 0 -> 3.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)])?;
/// let pr = pagerank(&net, &PageRankOptions::default())?;
/// assert!(pr[0] > pr[1]);
/// assert!((pr.iter().sum::<f64>() - 1.0).abs() < 1e-12);
/// // Closed form for a star of n nodes: (1 + (n - 1) d) / (n + (n - 1) d).
/// let hub = (1.0 + 3.0 * 0.85) / (4.0 + 3.0 * 0.85);
/// assert!((pr[0] - hub).abs() < 1e-9);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// S. Brin and L. Page, "The anatomy of a large-scale hypertextual Web
/// search engine", *Computer Networks and ISDN Systems* 30(1-7), 107-117,
/// 1998.
pub fn pagerank(network: &Network, options: &PageRankOptions) -> Result<Vec<f64>> {
    options.validate()?;
    let forward = network.forward();
    let n = network.node_count();
    if n == 0 {
        return Ok(Vec::new());
    }
    let nf = n as f64;
    let d = options.damping;

    // follows[v]: how many accounts v follows = arcs into v in wom's network.
    let mut follows = vec![0u32; n];
    for a in forward.arcs() {
        follows[a.node as usize] += 1;
    }

    let mut rank = vec![1.0 / nf; n];
    let mut next = vec![0.0f64; n];
    // share[v] = PR(v) / f(v), what v passes to each account it follows.
    let mut share = vec![0.0f64; n];
    let mut last_change = f64::INFINITY;
    for _ in 0..options.max_iterations {
        let mut dangling = 0.0;
        for ((s, &r), &f) in share.iter_mut().zip(&rank).zip(&follows) {
            if f == 0 {
                dangling += r;
                *s = 0.0;
            } else {
                *s = r / f64::from(f);
            }
        }
        let base = (1.0 - d) / nf + d * dangling / nf;
        let mut change = 0.0;
        for (u, (x, &r)) in next.iter_mut().zip(&rank).enumerate() {
            // The followers of u are its out-neighbours in wom's network.
            let inflow: f64 = forward
                .neighbors(u as u32)
                .iter()
                .map(|a| share[a.node as usize])
                .sum();
            *x = base + d * inflow;
            change += (*x - r).abs();
        }
        std::mem::swap(&mut rank, &mut next);
        last_change = change;
        if change < options.tolerance {
            let total: f64 = rank.iter().sum();
            for r in &mut rank {
                *r /= total;
            }
            return Ok(rank);
        }
    }
    Err(Error::param(
        "max_iterations",
        options.max_iterations,
        format!(
            "PageRank did not converge: L1 change {last_change:e} is still above the tolerance {:e}",
            options.tolerance
        ),
    ))
}

/// The k-core number of every node (Batagelj & Zaversnik 2003), on the
/// undirected simple view of the network.
///
/// The k-core is the largest subgraph in which every node has at least k
/// neighbours; a node's core number is the largest k whose k-core holds
/// it. Direction is ignored: `u` and `v` are neighbours when `u -> v` or
/// `v -> u` (or both) is an arc, and count once however many arcs join
/// them; self-loops are ignored. So a friendship (two arcs) and a one-way
/// follow both make one neighbour.
///
/// # Arguments
/// * `network`: the frozen network. Its reverse view is built if it has not
///   been yet (and then kept by the network).
///
/// # Returns
/// A vector indexed by node; isolated nodes (and nodes with only
/// self-loops) have core number 0.
///
/// # Complexity
/// Time O(n + m): building the undirected simple view (and the reverse view
/// if needed), a bucket sort by degree, then one peeling pass. Extra space
/// O(n + m) besides the result (one `u32` per node) and the reverse view:
/// the undirected simple adjacency (4 bytes per neighbour and direction,
/// at most 8 bytes per arc, plus a `usize` offset per node), three more
/// `u32` arrays of at most n entries (degree buckets, the order by degree
/// and each node's place in it), and, while the adjacency is built, one
/// more `u32` per node.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::centrality::core_numbers;
///
/// // A triangle 0-1-2 (one-way arcs) with a pendant node 3 hanging off 2.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 0, 1.0), (2, 3, 1.0)])?;
/// assert_eq!(core_numbers(&net), [2, 2, 2, 1]);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// V. Batagelj and M. Zaversnik, "An O(m) algorithm for cores decomposition
/// of networks", arXiv:cs/0310049, 2003.
pub fn core_numbers(network: &Network) -> Vec<u32> {
    let n = network.node_count();
    let (offsets, neighbours) = simple_undirected(network);

    // Degree in the simple view (at most n - 1, so it fits a u32), and the
    // largest one.
    let mut degree: Vec<u32> = offsets.windows(2).map(|w| (w[1] - w[0]) as u32).collect();
    let max_degree = degree.iter().copied().max().unwrap_or(0) as usize;

    // bin[k]: where the nodes of degree k start in `order`.
    let mut bin = vec![0u32; max_degree + 1];
    for &k in &degree {
        bin[k as usize] += 1;
    }
    let mut start = 0u32;
    for b in &mut bin {
        let count = *b;
        *b = start;
        start += count;
    }
    // order: nodes sorted by current degree; position[v]: v's place in it.
    let mut order = vec![0u32; n];
    let mut position = vec![0u32; n];
    for (v, &k) in degree.iter().enumerate() {
        let slot = &mut bin[k as usize];
        position[v] = *slot;
        order[*slot as usize] = v as u32;
        *slot += 1;
    }
    // Restore the bin starts (they were advanced while placing the nodes).
    for k in (1..=max_degree).rev() {
        bin[k] = bin[k - 1];
    }
    if let Some(first) = bin.first_mut() {
        *first = 0;
    }

    for i in 0..n {
        let v = order[i] as usize;
        let dv = degree[v];
        for &u in &neighbours[offsets[v]..offsets[v + 1]] {
            let u = u as usize;
            let du = degree[u];
            if du > dv {
                // Move u to the front of its bin, then shrink the bin by one.
                let pu = position[u];
                let pw = bin[du as usize];
                let w = order[pw as usize];
                if u as u32 != w {
                    order[pu as usize] = w;
                    position[w as usize] = pu;
                    order[pw as usize] = u as u32;
                    position[u] = pw;
                }
                bin[du as usize] += 1;
                degree[u] = du - 1;
            }
        }
    }
    // When v is processed its degree is final: it is v's core number.
    degree
}

/// The undirected simple view as a CSR (offsets, neighbours): every pair of
/// distinct nodes joined by at least one arc, either way, appears once in
/// each endpoint's list.
pub(crate) fn simple_undirected(network: &Network) -> (Vec<usize>, Vec<u32>) {
    let n = network.node_count();
    let forward = network.forward();
    let reverse = network.reverse();
    // stamp[w] == u + 1 when w is already listed for u.
    let mut stamp = vec![0u32; n];
    let mut offsets = Vec::with_capacity(n + 1);
    let mut neighbours = Vec::with_capacity(forward.arc_count());
    offsets.push(0usize);
    for u in 0..n as u32 {
        let mark = u + 1;
        for a in forward.neighbors(u).iter().chain(reverse.neighbors(u)) {
            let w = a.node;
            if w != u && stamp[w as usize] != mark {
                stamp[w as usize] = mark;
                neighbours.push(w);
            }
        }
        // Up to 2 m entries in all, which may exceed u32: usize offsets.
        offsets.push(neighbours.len());
    }
    (offsets, neighbours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        let ok = PageRankOptions::default();
        assert!(ok.validate().is_ok());
        let bad = |o: PageRankOptions| o.validate().unwrap_err();
        assert!(matches!(
            bad(PageRankOptions { damping: 1.0, ..ok }),
            Error::InvalidParameter { .. }
        ));
        assert!(matches!(
            bad(PageRankOptions {
                damping: -0.1,
                ..ok
            }),
            Error::ProbabilityOutOfRange { .. }
        ));
        assert!(matches!(
            bad(PageRankOptions {
                damping: f64::NAN,
                ..ok
            }),
            Error::InvalidWeight { .. }
        ));
        for t in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                bad(PageRankOptions { tolerance: t, ..ok }),
                Error::InvalidParameter { .. }
            ));
        }
        assert!(matches!(
            bad(PageRankOptions {
                max_iterations: 0,
                ..ok
            }),
            Error::InvalidParameter { .. }
        ));
    }

    #[test]
    fn options_json_fills_defaults() {
        let o: PageRankOptions = serde_json::from_str(r#"{"damping": 0.5}"#).unwrap();
        assert_eq!(
            o,
            PageRankOptions {
                damping: 0.5,
                ..PageRankOptions::default()
            }
        );
    }

    #[test]
    fn empty_network() {
        let net = Network::from_arcs(0, []).unwrap();
        assert!(followers(&net).is_empty());
        assert!(
            pagerank(&net, &PageRankOptions::default())
                .unwrap()
                .is_empty()
        );
        assert!(core_numbers(&net).is_empty());
    }

    #[test]
    fn non_convergence_is_an_error_naming_max_iterations() {
        let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0)]).unwrap();
        let o = PageRankOptions {
            max_iterations: 1,
            ..PageRankOptions::default()
        };
        match pagerank(&net, &o) {
            Err(Error::InvalidParameter { name, .. }) => assert_eq!(name, "max_iterations"),
            other => panic!("{other:?}"),
        }
    }
}
