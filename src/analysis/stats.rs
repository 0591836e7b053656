//! Summaries of a frozen network: size, reciprocity, degrees, components,
//! roles and groups.
//!
//! Orientation, as everywhere in `wom`: an arc `u -> v` means that `v`
//! hears `u` (`v` follows `u`). So a node's **out-degree** is its number of
//! **followers** and its **in-degree** the number of accounts it
//! **follows**.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::network::Network;

/// Distribution of a degree over the nodes.
///
/// All fields are 0 for a network without nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DegreeStats {
    /// The smallest degree.
    pub min: usize,
    /// The largest degree.
    pub max: usize,
    /// The mean degree (arcs / nodes).
    pub mean: f64,
    /// The median degree; for an even number of nodes, the mean of the two
    /// middle values.
    pub median: f64,
    /// The population standard deviation: the square root of the mean
    /// squared difference from the mean (divided by n, not n - 1).
    pub std_dev: f64,
}

impl DegreeStats {
    /// The statistics of a list of degrees. O(n log n) time (a sorted
    /// copy), O(n) extra space.
    fn of(degrees: &[u32]) -> Self {
        if degrees.is_empty() {
            return DegreeStats {
                min: 0,
                max: 0,
                mean: 0.0,
                median: 0.0,
                std_dev: 0.0,
            };
        }
        let mut sorted = degrees.to_vec();
        sorted.sort_unstable();
        let n = sorted.len();
        let nf = n as f64;
        let mean = sorted.iter().map(|&d| f64::from(d)).sum::<f64>() / nf;
        let variance = sorted
            .iter()
            .map(|&d| {
                let x = f64::from(d) - mean;
                x * x
            })
            .sum::<f64>()
            / nf;
        let median = if n % 2 == 1 {
            f64::from(sorted[n / 2])
        } else {
            (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0
        };
        DegreeStats {
            min: sorted[0] as usize,
            max: sorted[n - 1] as usize,
            mean,
            median,
            std_dev: variance.sqrt(),
        }
    }
}

/// A summary of a network: what [`summarize`] returns.
///
/// Its [`Display`](fmt::Display) form is a short table for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of nodes.
    pub nodes: usize,
    /// Number of arcs (a mutual tie counts twice, a self-loop once).
    pub arcs: usize,
    /// Number of arcs `u -> u`.
    pub self_loops: usize,
    /// Number of arcs `u -> v`, `u != v`, for which `v -> u` is also an arc.
    /// A mutual tie contributes 2; repeated arcs count each time.
    pub reciprocated_arcs: usize,
    /// Number of nodes per role name, for every role of the network's role
    /// table (`"consumer"`, `"opinion_leader"`, `"business"`, or your own).
    pub roles: BTreeMap<String, usize>,
    /// Out-degrees: the number of followers of each node.
    pub out_degree: DegreeStats,
    /// In-degrees: the number of accounts each node follows.
    pub in_degree: DegreeStats,
    /// Number of weakly connected components (direction ignored); an
    /// isolated node is a component of its own.
    pub weak_components: usize,
    /// Number of nodes in the largest weakly connected component (0 for an
    /// empty network).
    pub largest_weak_component: usize,
    /// Number of strongly connected components (every node reaches every
    /// other along arcs); an isolated node, or one on no cycle, is a
    /// component of its own. Equal to the weak count when every tie is
    /// mutual.
    #[serde(default)]
    pub strong_components: usize,
    /// Number of nodes in the largest strongly connected component (0 for
    /// an empty network).
    #[serde(default)]
    pub largest_strong_component: usize,
    /// Number of groups (forums, communities).
    pub groups: usize,
}

impl Summary {
    /// The share of the arcs, self-loops excluded, that are reciprocated:
    /// `reciprocated_arcs / (arcs - self_loops)`, or 0 when there are no
    /// such arcs.
    ///
    /// The fields are public and a summary can be deserialized, so they need
    /// not be consistent: more self-loops than arcs counts as no such arcs
    /// (0, never a panic or an overflow), and the counts are otherwise used
    /// as they are.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// let net = Network::from_arcs(2, [(0, 1, 1.0), (1, 0, 1.0), (1, 1, 1.0)])?;
    /// assert_eq!(wom::stats::summarize(&net).reciprocity(), 1.0);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn reciprocity(&self) -> f64 {
        let proper = self.arcs.saturating_sub(self.self_loops);
        if proper == 0 {
            0.0
        } else {
            self.reciprocated_arcs as f64 / proper as f64
        }
    }
}

/// Summarizes a network: counts, reciprocity, degree distributions, weak
/// components, roles and groups.
///
/// # Arguments
/// * `network`: the frozen network. Only its forward view is read; the
///   reverse view is not built.
///
/// # Returns
/// The [`Summary`]. Out-degree is the number of followers, in-degree the
/// number of accounts followed (arc `u -> v`: `v` follows `u`).
///
/// # Complexity
/// Time O(n log n + m (log Δ + α(n)) + r), with Δ the largest out-degree, α
/// the inverse Ackermann function and r the number of role names: sorting
/// the degrees for the medians, sorting each node's targets and one binary
/// search per arc to find reciprocated arcs, union-find for the weak
/// components, Tarjan's algorithm (O(n + m)) for the strong ones, and one
/// count per role. Extra space O(n + m + r): a sorted
/// copy of the arc targets (4 bytes per arc, freed before the components
/// are found), `u32` arrays of n entries (degrees, their sorted copies,
/// union-find parents and sizes) and the role counts.
///
/// # Example
/// ```
/// use wom::Network;
/// // 0 <-> 1 mutual, 1 -> 2, a self-loop on 2, and an isolated node 3.
/// let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 2, 1.0)])?;
/// let s = wom::stats::summarize(&net);
/// assert_eq!((s.nodes, s.arcs, s.self_loops, s.reciprocated_arcs), (4, 4, 1, 2));
/// assert_eq!((s.weak_components, s.largest_weak_component), (2, 3));
/// // {0, 1} is a cycle; 2 and 3 are on none.
/// assert_eq!((s.strong_components, s.largest_strong_component), (3, 2));
/// assert_eq!(s.out_degree.max, 2);
/// assert_eq!(s.roles["consumer"], 4);
/// println!("{s}");
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// Weak components by union-find with union by size and path halving: R. E.
/// Tarjan and J. van Leeuwen, "Worst-case analysis of set union
/// algorithms", *Journal of the ACM* 31(2), 245-281, 1984.
pub fn summarize(network: &Network) -> Summary {
    let n = network.node_count();
    let forward = network.forward();

    let mut out_degrees = Vec::with_capacity(n);
    let mut in_degrees = vec![0u32; n];
    let mut self_loops = 0;
    for u in 0..n as u32 {
        let arcs = forward.neighbors(u);
        out_degrees.push(arcs.len() as u32);
        for a in arcs {
            in_degrees[a.node as usize] += 1;
            if a.node == u {
                self_loops += 1;
            }
        }
    }

    // Reciprocity: each node's targets sorted, then one binary search per arc.
    let offsets = forward.offsets();
    let mut targets: Vec<u32> = forward.arcs().iter().map(|a| a.node).collect();
    for w in offsets.windows(2) {
        targets[w[0] as usize..w[1] as usize].sort_unstable();
    }
    let row = |v: u32| &targets[offsets[v as usize] as usize..offsets[v as usize + 1] as usize];
    let mut reciprocated_arcs = 0;
    for u in 0..n as u32 {
        for &v in row(u) {
            if v != u && row(v).binary_search(&u).is_ok() {
                reciprocated_arcs += 1;
            }
        }
    }
    drop(targets);

    let (weak_components, largest_weak_component) = weak_components(network);
    let (strong_components, largest_strong_component) = strong_components(network);

    let mut counts = vec![0usize; network.role_names().len()];
    for r in network.roles() {
        if let Some(c) = counts.get_mut(r.0 as usize) {
            *c += 1;
        }
    }
    let roles = network.role_names().iter().cloned().zip(counts).collect();

    Summary {
        nodes: n,
        arcs: network.arc_count(),
        self_loops,
        reciprocated_arcs,
        roles,
        out_degree: DegreeStats::of(&out_degrees),
        in_degree: DegreeStats::of(&in_degrees),
        weak_components,
        largest_weak_component,
        strong_components,
        largest_strong_component,
        groups: network.group_count(),
    }
}

/// Number of weak components and the size of the largest, by union-find
/// over the forward arcs.
fn weak_components(network: &Network) -> (usize, usize) {
    let n = network.node_count();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut size = vec![1u32; n];
    let find = |parent: &mut [u32], mut x: u32| {
        while parent[x as usize] != x {
            let grand = parent[parent[x as usize] as usize];
            parent[x as usize] = grand;
            x = grand;
        }
        x
    };
    let mut components = n;
    for (u, v, _) in network.forward().iter() {
        let (a, b) = (find(&mut parent, u), find(&mut parent, v));
        if a != b {
            let (big, small) = if size[a as usize] >= size[b as usize] {
                (a, b)
            } else {
                (b, a)
            };
            parent[small as usize] = big;
            size[big as usize] += size[small as usize];
            components -= 1;
        }
    }
    let largest = (0..n as u32)
        .filter(|&x| parent[x as usize] == x)
        .map(|x| size[x as usize] as usize)
        .max()
        .unwrap_or(0);
    (components, largest)
}

/// Number of strong components and the size of the largest: Tarjan's
/// algorithm (1972) with an explicit stack, so deep graphs cannot overflow
/// the call stack. O(n + m) time, O(n) memory, forward arcs only.
fn strong_components(network: &Network) -> (usize, usize) {
    /// Tarjan's marks, and the DFS path: a node and its next arc.
    struct Walk {
        index: Vec<u32>,
        low: Vec<u32>,
        on_stack: Vec<bool>,
        stack: Vec<u32>,
        path: Vec<(u32, usize)>,
        next: u32,
    }
    impl Walk {
        fn visit(&mut self, v: u32) {
            let i = v as usize;
            self.index[i] = self.next;
            self.low[i] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[i] = true;
            self.path.push((v, 0));
        }
    }
    const UNSEEN: u32 = u32::MAX;
    let n = network.node_count();
    let forward = network.forward();
    let mut w = Walk {
        index: vec![UNSEEN; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        next: 0,
    };
    let (mut count, mut largest) = (0usize, 0usize);
    for root in 0..n as u32 {
        if w.index[root as usize] != UNSEEN {
            continue;
        }
        w.visit(root);
        while let Some(&(u, pos)) = w.path.last() {
            let ui = u as usize;
            if let Some(arc) = forward.neighbors(u).get(pos) {
                if let Some(top) = w.path.last_mut() {
                    top.1 += 1;
                }
                let v = arc.node as usize;
                if w.index[v] == UNSEEN {
                    w.visit(arc.node);
                } else if w.on_stack[v] {
                    w.low[ui] = w.low[ui].min(w.index[v]);
                }
                continue;
            }
            w.path.pop();
            if let Some(&(parent, _)) = w.path.last() {
                let p = parent as usize;
                w.low[p] = w.low[p].min(w.low[ui]);
            }
            if w.low[ui] == w.index[ui] {
                let mut size = 0;
                while let Some(x) = w.stack.pop() {
                    w.on_stack[x as usize] = false;
                    size += 1;
                    if x == u {
                        break;
                    }
                }
                count += 1;
                largest = largest.max(size);
            }
        }
    }
    (count, largest)
}

impl fmt::Display for Summary {
    /// A short table, for example:
    ///
    /// ```text
    /// nodes                    4
    /// arcs                     4
    ///   self-loops             1
    ///   reciprocated           2  (66.7% of the others)
    /// weak components          2  (largest 3)
    /// strong components        3  (largest 2)
    /// groups                   0
    /// degree       min    max      mean    median   std dev
    ///   out          0      2     1.000     1.000     0.707
    ///   in           0      2     1.000     1.000     0.707
    /// roles
    ///   consumer               4
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{:<18}{:>7}", "nodes", self.nodes)?;
        writeln!(f, "{:<18}{:>7}", "arcs", self.arcs)?;
        writeln!(f, "{:<18}{:>7}", "  self-loops", self.self_loops)?;
        writeln!(
            f,
            "{:<18}{:>7}  ({:.1}% of the others)",
            "  reciprocated",
            self.reciprocated_arcs,
            100.0 * self.reciprocity()
        )?;
        writeln!(
            f,
            "{:<18}{:>7}  (largest {})",
            "weak components", self.weak_components, self.largest_weak_component
        )?;
        writeln!(
            f,
            "{:<18}{:>7}  (largest {})",
            "strong components", self.strong_components, self.largest_strong_component
        )?;
        writeln!(f, "{:<18}{:>7}", "groups", self.groups)?;
        writeln!(
            f,
            "{:<10}{:>6}{:>7}{:>10}{:>10}{:>10}",
            "degree", "min", "max", "mean", "median", "std dev"
        )?;
        for (name, d) in [("  out", &self.out_degree), ("  in", &self.in_degree)] {
            writeln!(
                f,
                "{:<10}{:>6}{:>7}{:>10.3}{:>10.3}{:>10.3}",
                name, d.min, d.max, d.mean, d.median, d.std_dev
            )?;
        }
        write!(f, "roles")?;
        for (role, count) in &self.roles {
            write!(f, "\n  {:<16}{:>7}", role, count)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degree_stats() {
        let s = DegreeStats::of(&[1, 3, 2, 2]);
        assert_eq!((s.min, s.max), (1, 3));
        assert_eq!((s.mean, s.median), (2.0, 2.0));
        assert!((s.std_dev - 0.5f64.sqrt()).abs() < 1e-15);
        assert_eq!(DegreeStats::of(&[5, 1, 4]).median, 4.0);
        assert_eq!(DegreeStats::of(&[]).max, 0);
    }

    #[test]
    fn reciprocity_of_inconsistent_counts_does_not_underflow() {
        let mut s = summarize(&Network::from_arcs(1, [(0, 0, 1.0)]).unwrap());
        s.self_loops = 5;
        assert_eq!(s.reciprocity(), 0.0);
        assert!(s.to_string().contains("reciprocated"));
    }

    #[test]
    fn empty_network() {
        let net = Network::from_arcs(0, []).unwrap();
        let s = summarize(&net);
        assert_eq!(
            (s.nodes, s.arcs, s.weak_components, s.largest_weak_component),
            (0, 0, 0, 0)
        );
        assert!(!s.to_string().is_empty());
        assert_eq!(s.reciprocity(), 0.0);
    }
}
