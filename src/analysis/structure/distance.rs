//! Distances in the undirected simple view: connected components, the
//! exact diameter of the largest one, and the sampled effective diameter.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::undirected::UndirectedGraph;
use crate::error::{Error, Result};
use crate::rng::{below, stream_rng};

const UNSEEN: u32 = u32::MAX;

/// A breadth-first search that keeps its arrays between runs: distances
/// (`UNSEEN` outside the last search) and the nodes of the last search in
/// the order they were reached.
struct Bfs {
    dist: Vec<u32>,
    queue: Vec<u32>,
}

impl Bfs {
    fn new(n: usize) -> Self {
        Bfs {
            dist: vec![UNSEEN; n],
            queue: Vec::new(),
        }
    }

    /// Searches from `source` and returns its eccentricity (the largest
    /// distance reached). The marks of the previous search are cleared
    /// first, in time proportional to what it reached.
    fn run(&mut self, graph: &UndirectedGraph, source: u32) -> u32 {
        for &v in &self.queue {
            self.dist[v as usize] = UNSEEN;
        }
        self.queue.clear();
        self.dist[source as usize] = 0;
        self.queue.push(source);
        let mut head = 0;
        while let Some(&u) = self.queue.get(head) {
            head += 1;
            let next = self.dist[u as usize] + 1;
            for &v in graph.neighbors(u) {
                if self.dist[v as usize] == UNSEEN {
                    self.dist[v as usize] = next;
                    self.queue.push(v);
                }
            }
        }
        self.queue.last().map_or(0, |&v| self.dist[v as usize])
    }
}

/// The connected components: one label per node, the number of components
/// and the label and size of the largest (the first one met, by lowest
/// node index, among equals).
fn components(graph: &UndirectedGraph) -> (Vec<u32>, usize, u32, usize) {
    let n = graph.node_count();
    let mut label = vec![UNSEEN; n];
    let mut stack = Vec::new();
    let (mut count, mut largest, mut largest_size) = (0u32, 0u32, 0usize);
    for root in 0..n as u32 {
        if label[root as usize] != UNSEEN {
            continue;
        }
        label[root as usize] = count;
        stack.push(root);
        let mut size = 0;
        while let Some(u) = stack.pop() {
            size += 1;
            for &v in graph.neighbors(u) {
                if label[v as usize] == UNSEEN {
                    label[v as usize] = count;
                    stack.push(v);
                }
            }
        }
        if size > largest_size {
            (largest, largest_size) = (count, size);
        }
        count += 1;
    }
    (label, count as usize, largest, largest_size)
}

/// The diameter of an [`UndirectedGraph`]: what [`diameter`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diameter {
    /// The exact diameter of the largest connected component: the largest
    /// number of edges on a shortest path between two of its nodes. 0 for
    /// a graph without edges.
    pub diameter: u32,
    /// Number of connected components (an isolated node is one).
    pub components: usize,
    /// Number of nodes of the largest component (the first by lowest node
    /// index among equals), the one measured.
    pub largest_component: usize,
    /// Number of breadth-first searches the bounds needed (at most
    /// `largest_component`).
    pub bfs_runs: usize,
}

/// The exact diameter of the largest connected component of the undirected
/// simple view, by the bounding-diameters algorithm of Takes and Kosters.
///
/// Every node `w` of the component keeps bounds `lo(w) <= ecc(w) <= hi(w)`
/// on its eccentricity. A breadth-first search from `v` gives `ecc(v)` and
/// tightens, for every `w` at distance `d`, `lo(w)` to
/// `max(lo(w), d, ecc(v) - d)` and `hi(w)` to `min(hi(w), ecc(v) + d)`.
/// The diameter lies between the largest eccentricity found and the
/// largest upper bound; a node whose upper bound cannot beat the best
/// eccentricity found (and whose lower bound is at least half the best
/// upper bound) is set aside. Sources alternate between the node of
/// largest upper bound and the node of smallest lower bound, ties going to
/// the higher degree. The answer is exact: the search stops only when the
/// two bounds of the diameter meet.
///
/// # Returns
/// The [`Diameter`], with the component count, the size of the component
/// measured and the number of searches run.
///
/// # Complexity
/// Time O(k (n + m)) for k searches: k is a handful to a few dozen on
/// social networks, and at worst the component's size (a cycle, say), as
/// for one search from every node. Extra space O(n): bounds, component
/// labels and one search's distances and queue.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::{UndirectedGraph, diameter};
///
/// // A path 0-1-2-3 and, apart, an edge 4-5.
/// let net = Network::from_arcs(6, [(0, 1, 1.0), (1, 2, 1.0), (3, 2, 1.0), (4, 5, 1.0)])?;
/// let d = diameter(&UndirectedGraph::new(&net));
/// assert_eq!((d.diameter, d.components, d.largest_component), (3, 2, 4));
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// F. W. Takes and W. A. Kosters, "Determining the diameter of small world
/// networks", CIKM 2011, 1191-1196.
pub fn diameter(graph: &UndirectedGraph) -> Diameter {
    let n = graph.node_count();
    let (label, components, largest, largest_component) = components(graph);
    let mut candidates: Vec<u32> = (0..n as u32)
        .filter(|&u| label[u as usize] == largest)
        .collect();
    drop(label);
    let mut lo = vec![0u32; n];
    let mut hi = vec![UNSEEN; n];
    let mut bfs = Bfs::new(n);
    let (mut best, mut bound) = (0u32, UNSEEN);
    let mut bfs_runs = 0;
    let mut pick_high = true;
    while best < bound && !candidates.is_empty() {
        let degree = |u: &u32| graph.degree(*u);
        let source = if pick_high {
            candidates
                .iter()
                .copied()
                .max_by_key(|u| (hi[*u as usize], degree(u), std::cmp::Reverse(*u)))
        } else {
            candidates
                .iter()
                .copied()
                .min_by_key(|u| (lo[*u as usize], std::cmp::Reverse(degree(u)), *u))
        };
        let Some(source) = source else { break };
        pick_high = !pick_high;
        let ecc = bfs.run(graph, source);
        bfs_runs += 1;
        best = best.max(ecc);
        bound = best;
        for &w in &candidates {
            let i = w as usize;
            let d = bfs.dist[i];
            lo[i] = lo[i].max(d).max(ecc - d);
            hi[i] = hi[i].min(ecc.saturating_add(d));
            if lo[i] == hi[i] {
                best = best.max(lo[i]);
            } else {
                bound = bound.max(hi[i]);
            }
        }
        bound = bound.max(best);
        // Set aside the nodes that can neither hold the diameter nor help
        // to bound others: their eccentricity is known, or at most the best
        // found while their lower bound is at least half the best bound.
        candidates.retain(|&w| {
            let i = w as usize;
            lo[i] != hi[i] && !(hi[i] <= best && 2 * u64::from(lo[i]) >= u64::from(bound))
        });
    }
    Diameter {
        diameter: best,
        components,
        largest_component,
        bfs_runs,
    }
}

/// How [`effective_diameter`] samples: the percentile, the number of
/// source nodes and the seed.
///
/// In JSON every field may be left out and takes its default value;
/// unknown fields are errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EffectiveDiameterOptions {
    /// The share of connected pairs to cover, in (0, 1]. Default `0.9`.
    pub percentile: f64,
    /// Number of source nodes to search from, at least 1; all nodes when
    /// the network has no more. Default `1000`, as in SNAP's figures.
    pub sources: usize,
    /// Seed of the sample of sources. Default `0`.
    pub seed: u64,
}

impl Default for EffectiveDiameterOptions {
    fn default() -> Self {
        EffectiveDiameterOptions {
            percentile: 0.9,
            sources: 1000,
            seed: 0,
        }
    }
}

/// The effective diameter of an [`UndirectedGraph`]: what
/// [`effective_diameter`] returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectiveDiameter {
    /// The percentile asked for.
    pub percentile: f64,
    /// The effective diameter: the (interpolated) distance within which
    /// `percentile` of the sampled connected pairs lie. 0 for a graph
    /// without nodes.
    pub value: f64,
    /// Number of sources searched from.
    pub sources: usize,
    /// Whether every node was a source (then `value` is exact, not an
    /// estimate).
    pub all_sources: bool,
    /// Seed of the sample of sources.
    pub seed: u64,
    /// `pairs_by_distance[d]`: number of (source, node) pairs at distance
    /// `d`, over the sources; entry 0 counts the sources themselves. Its
    /// last index is the largest distance seen from the sources, a lower
    /// bound of the diameter.
    pub pairs_by_distance: Vec<u64>,
}

/// The effective diameter of the undirected simple view, estimated from
/// breadth-first searches out of a sample of source nodes, as SNAP's
/// `GetBfsEffDiam` estimates it.
///
/// `sources` nodes are drawn uniformly without replacement among all the
/// nodes (a partial Fisher-Yates shuffle driven by
/// [`stream_rng`](crate::rng::stream_rng)`(seed, 0)`); each is searched
/// from, and `N(d)`, the number of (source, node) pairs at distance at most
/// `d`, is counted, the source itself at distance 0 included. With `p` the
/// percentile and `P = p N(D)` (`D` the largest distance seen), the
/// effective diameter is the first distance `d` with `N(d) > P`,
/// interpolated linearly below it:
///
/// ```text
/// d_eff = (d - 1) + (P - N(d - 1)) / (N(d) - N(d - 1))
/// ```
///
/// `D` when no `N(d)` exceeds `P` (`p = 1`) and 1 when already `N(0) > P`.
/// These are SNAP's rules, so figures compare with those SNAP publishes
/// (which are estimates from their own sample).
///
/// # Arguments
/// * `graph`: the undirected simple view.
/// * `options`: percentile, number of sources and seed.
///
/// # Returns
/// The [`EffectiveDiameter`] with the distance counts it came from. The
/// same seed gives the same answer on any number of threads.
///
/// # Errors
/// [`Error::InvalidParameter`] when the percentile is not in (0, 1] or
/// `sources` is 0.
///
/// # Complexity
/// Time O(s (n + m)) for s sources, in parallel (rayon). Extra space O(n)
/// per thread (one search's distances and queue) and O(n) for the shuffle.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::analysis::structure::{EffectiveDiameterOptions, UndirectedGraph, effective_diameter};
///
/// // A path 0-1-2, every node a source: 3 pairs at distance 0, 4 at 1, 2 at 2.
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let options = EffectiveDiameterOptions { percentile: 0.9, sources: 10, seed: 1 };
/// let e = effective_diameter(&UndirectedGraph::new(&net), &options)?;
/// assert_eq!(e.pairs_by_distance, vec![3, 4, 2]);
/// assert!(e.all_sources);
/// // P = 0.9 * 9 = 8.1 lies between N(1) = 7 and N(2) = 9.
/// assert!((e.value - (1.0 + 1.1 / 2.0)).abs() < 1e-12);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// J. Leskovec, J. Kleinberg and C. Faloutsos, "Graphs over time:
/// densification laws, shrinking diameters and possible explanations",
/// KDD 2005 (the effective diameter); J. Leskovec and R. Sosič, "SNAP: A
/// general-purpose network analysis and graph-mining library", *ACM TIST*
/// 8(1), 2016.
pub fn effective_diameter(
    graph: &UndirectedGraph,
    options: &EffectiveDiameterOptions,
) -> Result<EffectiveDiameter> {
    let p = options.percentile;
    if !(p > 0.0 && p <= 1.0) {
        return Err(Error::param("percentile", p, "must be in (0, 1]"));
    }
    if options.sources == 0 {
        return Err(Error::param("sources", 0, "must be at least 1"));
    }
    let n = graph.node_count();
    let all_sources = options.sources >= n;
    let mut nodes: Vec<u32> = (0..n as u32).collect();
    if !all_sources {
        let mut rng = stream_rng(options.seed, 0);
        for i in 0..options.sources {
            let j = i + below(&mut rng, (n - i) as u64) as usize;
            nodes.swap(i, j);
        }
        nodes.truncate(options.sources);
    }
    let pairs_by_distance = nodes
        .par_iter()
        .map_init(
            || Bfs::new(n),
            |bfs, &s| {
                let ecc = bfs.run(graph, s);
                let mut counts = vec![0u64; ecc as usize + 1];
                for &v in &bfs.queue {
                    counts[bfs.dist[v as usize] as usize] += 1;
                }
                counts
            },
        )
        .reduce(Vec::new, add_counts);
    Ok(EffectiveDiameter {
        percentile: p,
        value: interpolate(&pairs_by_distance, p),
        sources: nodes.len(),
        all_sources,
        seed: options.seed,
        pairs_by_distance,
    })
}

/// Element-wise sum of two count vectors (integers, so any order of
/// summing gives the same answer).
fn add_counts(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    if a.len() < b.len() {
        return add_counts(b, a);
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

/// SNAP's interpolated percentile of the distance distribution whose
/// counts at each distance are `counts`.
fn interpolate(counts: &[u64], p: f64) -> f64 {
    let cumulative: Vec<f64> = counts
        .iter()
        .scan(0u64, |sum, &c| {
            *sum += c;
            Some(*sum as f64)
        })
        .collect();
    let Some(&total) = cumulative.last() else {
        return 0.0;
    };
    let target = p * total;
    match cumulative.iter().position(|&c| c > target) {
        None => (cumulative.len() - 1) as f64,
        Some(0) => 1.0,
        Some(d) => {
            let step = cumulative[d] - cumulative[d - 1];
            if step == 0.0 {
                d as f64
            } else {
                (d - 1) as f64 + (target - cumulative[d - 1]) / step
            }
        }
    }
}

/// The diameter of the largest component by one search from each of its
/// nodes, in parallel: the reference that tests hold [`diameter`] to.
#[cfg(test)]
pub(super) fn diameter_by_all_searches(graph: &UndirectedGraph) -> u32 {
    let n = graph.node_count();
    let (label, _, largest, _) = components(graph);
    (0..n as u32)
        .into_par_iter()
        .filter(|&u| label[u as usize] == largest)
        .map_init(|| Bfs::new(n), |bfs, u| bfs.run(graph, u))
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snap_interpolation_rules() {
        // N = 1, 3, 10: P = 9 lies between N(1) = 3 and N(2) = 10.
        assert!((interpolate(&[1, 2, 7], 0.9) - (1.0 + 6.0 / 7.0)).abs() < 1e-12);
        assert_eq!(interpolate(&[1, 2, 7], 1.0), 2.0);
        // N(0) = 5 > P already.
        assert_eq!(interpolate(&[5, 1], 0.5), 1.0);
        assert_eq!(interpolate(&[], 0.9), 0.0);
    }
}
