//! Cascades observed in the real world: who passed something on to whom,
//! and when.
//!
//! An [`ObservedCascade`] is a set of nodes, each with an external id and
//! the time it joined the cascade, and parent arcs `parent -> child`
//! (influence flows from parent to child). Each node has at most one parent
//! (a tree, or a forest when there are several roots) or, when a reader
//! keeps every parent, several (a directed acyclic graph). It is always
//! acyclic: [`ObservedCascade::new`] refuses a cycle.
//!
//! The readers in [`io`](crate::io) build them from files
//! ([`read_propagation_trees`](crate::io::read_propagation_trees),
//! [`read_cascade_csv`](crate::io::read_cascade_csv),
//! [`ActivityLog::to_cascade`](crate::io::ActivityLog::to_cascade)). The
//! shape measures of simulated cascades apply to them:
//! [`ObservedCascade::metrics`] gives the same [`CascadeMetrics`] (trees,
//! size, depth, structural virality) as
//! [`cascade_metrics`] gives for a simulated
//! run, and [`ObservedCascade::time_to_fraction`] the time by which a
//! share of the nodes had joined (the `time_to_50` and `time_to_90` KPIs,
//! in the cascade's own time unit).
//!
//! # Example
//! ```
//! use wom::NodeId;
//! use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
//!
//! let node = |id: &str, time| ObservedNode { id: NodeId::from(id), time };
//! let arc = |parent, child| ObservedArc { parent, child };
//! // ann posts at 0; bob and cy pass it on; dan hears it from cy.
//! let cascade = ObservedCascade::new(
//!     "post 1",
//!     vec![node("ann", 0.0), node("bob", 1.0), node("cy", 2.0), node("dan", 5.0)],
//!     vec![arc(0, 1), arc(0, 2), arc(2, 3)],
//! )?;
//! let m = cascade.metrics();
//! assert_eq!((m.trees, m.largest, m.depth), (1, 4, 2));
//! // Distances: ann-bob 1, ann-cy 1, ann-dan 2, bob-cy 2, bob-dan 3, cy-dan 1.
//! assert_eq!(m.structural_virality, Some(10.0 / 6.0));
//! assert_eq!(cascade.time_to_fraction(0.5), Some(1.0));
//! # Ok::<(), wom::Error>(())
//! ```

use std::cmp::Ordering;
use std::collections::BinaryHeap;

mod compare;
mod distribution;
mod ks;

pub use compare::{Comparison, KpiComparison, Side, compare};
pub(crate) use distribution::TreeAccumulator;
pub(crate) use distribution::time_to_share;
pub use distribution::{
    Bin, Binning, CascadeTable, Distribution, LINEAR_BINS, QUANTILES, Quantile, SAMPLE_CAP,
    TreeKpi, TreeKpis, ValueCount,
};
#[cfg(feature = "charts")]
pub(crate) use distribution::{bin_counts, common_edges};
pub use ks::{EXACT_LIMIT, KsMethod, KsTest, ks_two_sample};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::NodeId;
use crate::kpi::{CascadeMetrics, cascade_metrics};
use crate::message::ChannelId;
use crate::propagation::Event;

/// One node of an observed cascade: who, and when it joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedNode {
    /// The node's external id (a user id).
    pub id: NodeId,
    /// When it joined the cascade, in the source's unit (minutes since the
    /// source post in Twitter15/16, seconds in a Unix time stamp ...). A
    /// finite number.
    pub time: f64,
}

/// A parent arc: `child` heard it from `parent` (indices into
/// [`ObservedCascade::nodes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObservedArc {
    /// The node it came from.
    pub parent: u32,
    /// The node it reached.
    pub child: u32,
}

/// A cascade observed in data: nodes with times, and acyclic parent arcs.
///
/// Nodes keep the order they are given in; [`order`](Self::order) lists
/// them parents first (a topological order that follows time where the
/// arcs allow). See the [module documentation](self) for an example.
///
/// Serialized as `{"name", "nodes", "arcs"}`; reading one back checks it
/// as [`ObservedCascade::new`] does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CascadeParts", into = "CascadeParts")]
pub struct ObservedCascade {
    name: String,
    nodes: Vec<ObservedNode>,
    arcs: Vec<ObservedArc>,
    /// Node indices, parents before children.
    order: Vec<u32>,
    /// For each node, its first parent in `arcs` order.
    first_parent: Vec<Option<u32>>,
}

/// The serialized form of an [`ObservedCascade`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CascadeParts {
    name: String,
    nodes: Vec<ObservedNode>,
    arcs: Vec<ObservedArc>,
}

impl TryFrom<CascadeParts> for ObservedCascade {
    type Error = Error;
    fn try_from(p: CascadeParts) -> Result<Self> {
        ObservedCascade::new(p.name, p.nodes, p.arcs)
    }
}

impl From<ObservedCascade> for CascadeParts {
    fn from(c: ObservedCascade) -> Self {
        CascadeParts {
            name: c.name,
            nodes: c.nodes,
            arcs: c.arcs,
        }
    }
}

/// A node waiting in the topological sort: earliest time first, then
/// lowest index.
#[derive(Debug, PartialEq)]
struct Ready(f64, u32);

impl Eq for Ready {}

impl PartialOrd for Ready {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ready {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap pops the greatest.
        other.0.total_cmp(&self.0).then(other.1.cmp(&self.1))
    }
}

impl ObservedCascade {
    /// A cascade from its nodes and parent arcs, checked.
    ///
    /// # Arguments
    /// * `name` - what the cascade is (a source post's id, a file name).
    /// * `nodes` - the nodes, each with a finite time; ids need not be
    ///   distinct from other cascades' but must be within this one.
    /// * `arcs` - parent arcs between them; a node may have several parents.
    ///
    /// # Returns
    /// The cascade.
    ///
    /// # Complexity
    /// Time O(m + n log n), space O(n + m), for n nodes and m arcs.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when a time is not finite, an id repeats,
    /// an arc names a node out of range or is a self-loop, the same arc is
    /// given twice, or the arcs form a cycle (naming an arc on it);
    /// [`Error::TooManyNodes`] past `u32::MAX - 1` nodes.
    ///
    /// # Example
    /// ```
    /// use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
    ///
    /// let nodes = vec![
    ///     ObservedNode { id: 1.into(), time: 0.0 },
    ///     ObservedNode { id: 2.into(), time: 1.0 },
    /// ];
    /// let cycle = vec![ObservedArc { parent: 0, child: 1 }, ObservedArc { parent: 1, child: 0 }];
    /// assert!(ObservedCascade::new("loop", nodes, cycle).is_err());
    /// ```
    pub fn new(
        name: impl Into<String>,
        nodes: Vec<ObservedNode>,
        arcs: Vec<ObservedArc>,
    ) -> Result<Self> {
        let name = name.into();
        let n = nodes.len();
        if n as u64 >= u64::from(u32::MAX) {
            return Err(Error::TooManyNodes {
                limit: u64::from(u32::MAX) - 1,
                location: None,
            });
        }
        if let Some((i, node)) = nodes.iter().enumerate().find(|(_, v)| !v.time.is_finite()) {
            return Err(Error::param(
                &format!("nodes[{i}].time"),
                node.time,
                "must be a finite number",
            ));
        }
        let mut ids: Vec<&NodeId> = nodes.iter().map(|v| &v.id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::param("nodes", w[0], "the id is given twice"));
        }
        let mut first_parent: Vec<Option<u32>> = vec![None; n];
        let mut in_degree: Vec<u32> = vec![0; n];
        let mut children: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (k, a) in arcs.iter().enumerate() {
            let bad = |reason: &str| Error::param(&format!("arcs[{k}]"), format!("{a:?}"), reason);
            let (p, c) = (a.parent as usize, a.child as usize);
            if p >= n || c >= n {
                return Err(bad("names a node out of range"));
            }
            if p == c {
                return Err(bad("is a self-loop"));
            }
            if children[p].contains(&a.child) {
                return Err(bad("is given twice"));
            }
            children[p].push(a.child);
            in_degree[c] += 1;
            first_parent[c].get_or_insert(a.parent);
        }
        // Kahn's algorithm, earliest ready node first.
        let mut heap: BinaryHeap<Ready> = (0..n as u32)
            .filter(|&i| in_degree[i as usize] == 0)
            .map(|i| Ready(nodes[i as usize].time, i))
            .collect();
        let mut order = Vec::with_capacity(n);
        while let Some(Ready(_, u)) = heap.pop() {
            order.push(u);
            for &c in &children[u as usize] {
                let d = &mut in_degree[c as usize];
                *d -= 1;
                if *d == 0 {
                    heap.push(Ready(nodes[c as usize].time, c));
                }
            }
        }
        if order.len() < n {
            let k = arcs
                .iter()
                .position(|a| in_degree[a.child as usize] > 0 && in_degree[a.parent as usize] > 0)
                .unwrap_or(0);
            let a = arcs.get(k).copied().unwrap_or(ObservedArc {
                parent: 0,
                child: 0,
            });
            return Err(Error::param(
                &format!("arcs[{k}]"),
                format!(
                    "{} -> {}",
                    nodes[a.parent as usize].id, nodes[a.child as usize].id
                ),
                "lies on a cycle (or below one): a cascade's arcs must be acyclic",
            ));
        }
        Ok(ObservedCascade {
            name,
            nodes,
            arcs,
            order,
            first_parent,
        })
    }

    /// What the cascade is: a source post's id, or a file's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The nodes, in the order given.
    pub fn nodes(&self) -> &[ObservedNode] {
        &self.nodes
    }

    /// The parent arcs, in the order given.
    pub fn arcs(&self) -> &[ObservedArc] {
        &self.arcs
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of parent arcs.
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// The node indices, parents before children; among nodes whose
    /// parents are all listed, the earliest first (then the lowest index).
    pub fn order(&self) -> &[u32] {
        &self.order
    }

    /// The nodes without a parent, in index order.
    ///
    /// ```
    /// use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
    ///
    /// let nodes = (0..3).map(|i| ObservedNode { id: i.into(), time: i as f64 }).collect();
    /// let c = ObservedCascade::new("two trees", nodes, vec![ObservedArc { parent: 0, child: 1 }])?;
    /// assert_eq!(c.roots().collect::<Vec<_>>(), [0, 2]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn roots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.nodes.len() as u32).filter(|&i| self.first_parent[i as usize].is_none())
    }

    /// Whether every node has at most one parent (a tree or a forest).
    pub fn is_tree(&self) -> bool {
        self.arcs.len() + self.roots().count() == self.nodes.len()
    }

    /// The cascade as adoption events, parents before children (as
    /// [`order`](Self::order)): each node's sender is its first parent in
    /// [`arcs`](Self::arcs) order (its only one in a tree), `step` its
    /// depth below its root along those first parents, channel 0. This is
    /// what [`cascade_metrics`] and the KPIs of simulated runs read.
    ///
    /// ```
    /// use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
    ///
    /// let nodes = (0..3).map(|i| ObservedNode { id: i.into(), time: i as f64 }).collect();
    /// let arcs = vec![ObservedArc { parent: 0, child: 1 }, ObservedArc { parent: 1, child: 2 }];
    /// let events = ObservedCascade::new("chain", nodes, arcs)?.events();
    /// assert_eq!(events.iter().map(|e| (e.sender, e.step)).collect::<Vec<_>>(),
    ///            [(None, 0), (Some(0), 1), (Some(1), 2)]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn events(&self) -> Vec<Event> {
        let mut depth = vec![0u32; self.nodes.len()];
        self.order
            .iter()
            .map(|&v| {
                let sender = self.first_parent[v as usize];
                let step = sender.map_or(0, |p| depth[p as usize] + 1);
                depth[v as usize] = step;
                Event {
                    node: v,
                    sender,
                    channel: ChannelId(0),
                    step,
                }
            })
            .collect()
    }

    /// The shape of the cascade, as for a simulated run: trees, nodes,
    /// largest tree, depth and structural virality of the largest tree
    /// (Goel, Anderson, Hofman & Watts 2016, "The structural virality of
    /// online diffusion", Management Science 62(1)). On a DAG each node
    /// counts under its first parent (see [`events`](Self::events)).
    ///
    /// Time O(n + m).
    pub fn metrics(&self) -> CascadeMetrics {
        cascade_metrics(&self.events())
    }

    /// The time by which a share `q` of the nodes had joined: the
    /// ⌈q n⌉-th smallest time (the first for `q = 0`); `None` for an empty
    /// cascade or a `q` outside [0, 1].
    ///
    /// ```
    /// use wom::observed::{ObservedCascade, ObservedNode};
    ///
    /// let nodes = [3.0, 0.0, 1.0, 2.0].iter().enumerate()
    ///     .map(|(i, &t)| ObservedNode { id: (i as u64).into(), time: t }).collect();
    /// let c = ObservedCascade::new("four", nodes, Vec::new())?;
    /// assert_eq!(c.time_to_fraction(0.5), Some(1.0));
    /// assert_eq!(c.time_to_fraction(0.9), Some(3.0));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn time_to_fraction(&self, q: f64) -> Option<f64> {
        if self.nodes.is_empty() || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let mut times: Vec<f64> = self.nodes.iter().map(|v| v.time).collect();
        times.sort_unstable_by(f64::total_cmp);
        let k = ((q * times.len() as f64).ceil() as usize).clamp(1, times.len());
        times.get(k - 1).copied()
    }

    /// The KPIs of each tree of the cascade, one per root in index order
    /// (see [`TreeKpis`] for the definitions, the same as for a simulated
    /// run's trees).
    ///
    /// A tree is a root and the nodes below it; on a DAG each node counts
    /// under its first parent, as in [`events`](Self::events) (the tree a
    /// reader's [`Parents::First`](crate::io::Parents::First) would have
    /// kept, when the arcs are in line order). A cascade with several roots
    /// (an activity log, a CSV with several roots) gives several trees.
    /// Times are measured from the tree's earliest node, in the cascade's
    /// own unit.
    ///
    /// Time O(n log n + m), space O(n).
    ///
    /// ```
    /// use wom::observed::{ObservedArc, ObservedCascade, ObservedNode};
    ///
    /// let node = |i: u64, time| ObservedNode { id: i.into(), time };
    /// let arc = |parent, child| ObservedArc { parent, child };
    /// // 0 -> 1 -> 2 from 100, and a lone node 3.
    /// let c = ObservedCascade::new("two",
    ///     vec![node(0, 100.0), node(1, 101.0), node(2, 104.0), node(3, 7.0)],
    ///     vec![arc(0, 1), arc(1, 2)])?;
    /// let trees = c.tree_kpis();
    /// assert_eq!(trees.len(), 2);
    /// assert_eq!((trees[0].size, trees[0].depth), (3, 2));
    /// // Distances 1, 2, 1: mean 4/3.
    /// assert_eq!(trees[0].structural_virality, Some(4.0 / 3.0));
    /// // Half the nodes (2 of 3) had joined 1 after the first, 90% (3) 4 after.
    /// assert_eq!((trees[0].time_to_50, trees[0].time_to_90), (1.0, 4.0));
    /// assert_eq!((trees[1].size, trees[1].structural_virality), (1, None));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn tree_kpis(&self) -> Vec<TreeKpis> {
        let n = self.nodes.len();
        // Root and depth of each node, parents first.
        let mut root = vec![0u32; n];
        let mut depth = vec![0u32; n];
        for &v in &self.order {
            let k = v as usize;
            match self.first_parent[k] {
                Some(p) => {
                    root[k] = root[p as usize];
                    depth[k] = depth[p as usize] + 1;
                }
                None => root[k] = v,
            }
        }
        // Subtree sizes, children before parents.
        let mut size = vec![1u64; n];
        for &v in self.order.iter().rev() {
            if let Some(p) = self.first_parent[v as usize] {
                size[p as usize] += size[v as usize];
            }
        }
        // Per tree: its index among the roots, depth, and Σ s (N − s).
        let mut tree = vec![u32::MAX; n];
        let roots: Vec<u32> = self.roots().collect();
        for (t, &r) in roots.iter().enumerate() {
            tree[r as usize] = t as u32;
        }
        let mut deepest = vec![0u32; roots.len()];
        let mut pairs = vec![0.0f64; roots.len()];
        let mut times: Vec<Vec<f64>> = roots
            .iter()
            .map(|&r| Vec::with_capacity(size[r as usize] as usize))
            .collect();
        for &v in &self.order {
            let k = v as usize;
            let t = tree[root[k] as usize] as usize;
            deepest[t] = deepest[t].max(depth[k]);
            times[t].push(self.nodes[k].time);
            if self.first_parent[k].is_some() {
                let big_n = size[root[k] as usize] as f64;
                let s = size[k] as f64;
                pairs[t] += s * (big_n - s);
            }
        }
        roots
            .iter()
            .enumerate()
            .map(|(t, &r)| {
                let big_n = size[r as usize];
                let nf = big_n as f64;
                TreeKpis {
                    size: big_n,
                    depth: deepest[t],
                    structural_virality: (big_n >= 2).then(|| 2.0 * pairs[t] / (nf * (nf - 1.0))),
                    time_to_50: time_to_share(&mut times[t], 0.5),
                    time_to_90: time_to_share(&mut times[t], 0.9),
                }
            })
            .collect()
    }
}
