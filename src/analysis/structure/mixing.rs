//! Who is tied to whom: reciprocity and degree assortativity.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::undirected::{UndirectedGraph, compact_rows, dedup_sorted, rows_mut};
use crate::network::Network;

/// The directed simple view: each node's distinct targets other than
/// itself, sorted, as CSR rows.
struct SimpleArcs {
    ends: Vec<usize>,
    targets: Vec<u32>,
}

impl SimpleArcs {
    fn new(network: &Network) -> Self {
        let forward = network.forward();
        let offsets = forward.offsets();
        let mut targets: Vec<u32> = forward.arcs().iter().map(|a| a.node).collect();
        let bounds: Vec<usize> = offsets.iter().map(|&o| o as usize).collect();
        let kept: Vec<usize> = rows_mut(&mut targets, &bounds)
            .into_par_iter()
            .enumerate()
            .map(|(u, row)| {
                row.sort_unstable();
                let len = dedup_sorted(row);
                // Drop the self-loop, if any, keeping the order.
                match row[..len].binary_search(&(u as u32)) {
                    Ok(at) => {
                        row.copy_within(at + 1..len, at);
                        len - 1
                    }
                    Err(_) => len,
                }
            })
            .collect();
        let ends = compact_rows(&mut targets, &bounds, &kept);
        SimpleArcs { ends, targets }
    }

    fn row(&self, u: u32) -> &[u32] {
        &self.targets[self.ends[u as usize]..self.ends[u as usize + 1]]
    }

    fn node_count(&self) -> usize {
        self.ends.len() - 1
    }
}

/// Reciprocity of a network: what [`reciprocity`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reciprocity {
    /// Number of distinct arcs `u -> v`, `u != v` (repeated arcs count
    /// once, self-loops not at all).
    pub arcs: usize,
    /// How many of them have their reverse `v -> u` among the arcs too (a
    /// mutual pair contributes 2).
    pub reciprocated: usize,
    /// `reciprocated / arcs`, the share of arcs whose reverse arc exists;
    /// 0 when there are no arcs.
    pub share: f64,
}

/// The reciprocity of the network's arcs: the share of distinct arcs
/// `u -> v` (`u != v`) whose reverse `v -> u` is an arc too.
///
/// A network read from an undirected file (each line a friendship, two
/// arcs) has reciprocity 1. [`Summary::reciprocity`](crate::stats::Summary::reciprocity)
/// counts repeated arcs each time; this one counts each distinct arc once,
/// as networkx's `overall_reciprocity` does on a `DiGraph`, so the two
/// differ only on networks with repeated arcs.
///
/// # Complexity
/// Time O(m log Δ), Δ the largest out-degree: each node's targets sorted,
/// then one binary search per arc. Extra space O(n + m): a sorted copy of
/// the targets (4 bytes per arc) and 8 bytes per node.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::reciprocity;
///
/// // 0 <-> 1, 1 -> 2 (twice), and a self-loop on 2.
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (1, 2, 1.0), (2, 2, 1.0)])?;
/// let r = reciprocity(&net);
/// assert_eq!((r.arcs, r.reciprocated), (3, 2));
/// assert_eq!(r.share, 2.0 / 3.0);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// S. Wasserman and K. Faust, *Social Network Analysis*, Cambridge
/// University Press, 1994, section 13.2 (mutuality).
pub fn reciprocity(network: &Network) -> Reciprocity {
    reciprocity_of(&SimpleArcs::new(network))
}

fn reciprocity_of(arcs: &SimpleArcs) -> Reciprocity {
    let reciprocated: usize = (0..arcs.node_count() as u32)
        .into_par_iter()
        .map(|u| {
            arcs.row(u)
                .iter()
                .filter(|&&v| arcs.row(v).binary_search(&u).is_ok())
                .count()
        })
        .sum();
    let total = arcs.targets.len();
    Reciprocity {
        arcs: total,
        reciprocated,
        share: if total == 0 {
            0.0
        } else {
            reciprocated as f64 / total as f64
        },
    }
}

/// Degree assortativity of the directed network: the Pearson correlation,
/// over the distinct arcs `u -> v` (`u != v`), between the **out-degree of
/// the source** `u` and the **in-degree of the target** `v`, degrees
/// counted in that same simple view.
///
/// Of the four directed pairs (Newman 2003, Foster et al. 2010) this is the
/// one networkx computes by default and the one that follows the flow: in
/// `wom` an arc `u -> v` means that `v` hears `u`, so the out-degree of `u`
/// is its audience (followers) and the in-degree of `v` the number of
/// accounts `v` listens to. A positive value says that accounts with a
/// large audience are heard by people who follow many; a negative one,
/// that they reach people who follow few.
///
/// # Returns
/// `r` in [-1, 1]; `None` when it is undefined: fewer than one arc, or one
/// of the two degrees the same at every arc (zero variance), as for a
/// directed star.
///
/// # Complexity
/// Time O(m log Δ) (the simple view, as for [`reciprocity`]), then O(m)
/// summing in a fixed order. Extra space O(n + m).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::degree_assortativity;
///
/// // 0 -> 1, 0 -> 2, 1 -> 2: the pairs (out of source, in of target) are
/// // (2, 1), (2, 2) and (1, 2).
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0), (1, 2, 1.0)])?;
/// let r = degree_assortativity(&net).unwrap();
/// assert!((r + 0.5).abs() < 1e-12);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// M. E. J. Newman, "Mixing patterns in networks", *Physical Review E* 67,
/// 026126, 2003, eq. (25); J. G. Foster, D. V. Foster, P. Grassberger and
/// M. Paczuski, "Edge direction and the structure of networks", *PNAS*
/// 107(24), 10815-10820, 2010.
pub fn degree_assortativity(network: &Network) -> Option<f64> {
    directed_assortativity_of(&SimpleArcs::new(network))
}

fn directed_assortativity_of(arcs: &SimpleArcs) -> Option<f64> {
    let n = arcs.node_count();
    let mut in_degree = vec![0u64; n];
    for &v in &arcs.targets {
        in_degree[v as usize] += 1;
    }
    let pairs = (0..n as u32).flat_map(|u| {
        let out = arcs.row(u).len() as f64;
        let in_degree = &in_degree;
        arcs.row(u)
            .iter()
            .map(move |&v| (out, in_degree[v as usize] as f64))
    });
    pearson(pairs)
}

/// Degree assortativity of the undirected simple view: the Pearson
/// correlation of the degrees at the two ends of an edge, each edge taken
/// both ways (Newman 2002, eq. (4)).
///
/// # Returns
/// `r` in [-1, 1] (-1 for a star); `None` when undefined: no edge, or
/// every edge joining nodes of one same degree (a regular graph such as a
/// triangle or a complete graph).
///
/// # Complexity
/// Time O(n + m), summing in a fixed order; no extra space.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::{UndirectedGraph, undirected_degree_assortativity};
///
/// // A star: the hub 0 and three leaves.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (3, 0, 1.0)])?;
/// let r = undirected_degree_assortativity(&UndirectedGraph::new(&net));
/// assert_eq!(r, Some(-1.0));
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// M. E. J. Newman, "Assortative mixing in networks", *Physical Review
/// Letters* 89, 208701, 2002.
pub fn undirected_degree_assortativity(graph: &UndirectedGraph) -> Option<f64> {
    let pairs = (0..graph.node_count() as u32).flat_map(|u| {
        let du = graph.degree(u) as f64;
        graph
            .neighbors(u)
            .iter()
            .map(move |&v| (du, graph.degree(v) as f64))
    });
    pearson(pairs)
}

/// The Pearson correlation of the pairs, in two passes (means first, then
/// centred sums, which keeps large degrees from cancelling); `None` for no
/// pair or a zero variance.
fn pearson<I>(pairs: I) -> Option<f64>
where
    I: Iterator<Item = (f64, f64)> + Clone,
{
    let (mut count, mut sx, mut sy) = (0u64, 0.0, 0.0);
    for (x, y) in pairs.clone() {
        count += 1;
        sx += x;
        sy += y;
    }
    if count == 0 {
        return None;
    }
    let (mx, my) = (sx / count as f64, sy / count as f64);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        let (a, b) = (x - mx, y - my);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Reciprocity and directed assortativity from one simple view.
pub(super) fn directed_mixing(network: &Network) -> (Reciprocity, Option<f64>) {
    let arcs = SimpleArcs::new(network);
    (reciprocity_of(&arcs), directed_assortativity_of(&arcs))
}
