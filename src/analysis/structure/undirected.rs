//! The undirected simple view of a network: each node's distinct
//! neighbours, sorted, with self-loops left out.

use rayon::prelude::*;

use crate::network::Network;

/// The undirected simple view of a [`Network`]: `u` and `v` are neighbours
/// when at least one arc joins them, in either direction; repeated arcs
/// count once and self-loops are left out (and counted apart, in
/// [`self_loops`](UndirectedGraph::self_loops)).
///
/// Triangles, clustering, diameters and the undirected assortativity are
/// all measured on this view, as SNAP and networkx measure them on
/// `G.to_undirected()` without its self-loops. Build it once and hand it to
/// each of them.
///
/// Storage: each node's neighbours sorted by index, side by side in one
/// array (CSR), 4 bytes per neighbour (8 per edge) plus 8 bytes per node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndirectedGraph {
    offsets: Vec<usize>,
    neighbors: Vec<u32>,
    self_loops: usize,
}

impl UndirectedGraph {
    /// The undirected simple view of `network`'s forward arcs.
    ///
    /// # Complexity
    /// Time O(n + m log Δ), with m the arcs and Δ the largest number of arc
    /// ends at one node: each node's arc ends (out and in) are gathered,
    /// sorted and deduplicated, in parallel over nodes (rayon). Extra space
    /// O(n + m): 8 bytes per arc while building, then 8 bytes per edge and
    /// per node.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::analysis::structure::UndirectedGraph;
    ///
    /// // 0 <-> 1 twice over, 1 -> 2, and a self-loop on 2.
    /// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 0, 1.0), (0, 1, 1.0), (1, 2, 1.0), (2, 2, 1.0)])?;
    /// let g = UndirectedGraph::new(&net);
    /// assert_eq!((g.node_count(), g.edge_count(), g.self_loops()), (3, 2, 1));
    /// assert_eq!(g.neighbors(1), &[0, 2]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn new(network: &Network) -> Self {
        let forward = network.forward();
        Self::from_arcs(network.node_count(), || {
            forward.iter().map(|(u, v, _)| (u, v))
        })
    }

    /// The view of the arcs `(u, v)` on nodes `0..n`, which must all be
    /// below `n` (a [`Network`]'s arcs are); `arcs` is called twice.
    fn from_arcs<I, F>(n: usize, arcs: F) -> Self
    where
        F: Fn() -> I,
        I: Iterator<Item = (u32, u32)>,
    {
        let mut ends = vec![0usize; n + 1];
        let mut has_loop = vec![false; n];
        for (u, v) in arcs() {
            if u == v {
                has_loop[u as usize] = true;
            } else {
                ends[u as usize + 1] += 1;
                ends[v as usize + 1] += 1;
            }
        }
        for i in 0..n {
            ends[i + 1] += ends[i];
        }
        let mut fill = ends[..n].to_vec();
        let mut neighbors = vec![0u32; ends[n]];
        for (u, v) in arcs() {
            if u != v {
                neighbors[fill[u as usize]] = v;
                fill[u as usize] += 1;
                neighbors[fill[v as usize]] = u;
                fill[v as usize] += 1;
            }
        }
        drop(fill);
        let kept: Vec<usize> = rows_mut(&mut neighbors, &ends)
            .into_par_iter()
            .map(|row| {
                row.sort_unstable();
                dedup_sorted(row)
            })
            .collect();
        let offsets = compact_rows(&mut neighbors, &ends, &kept);
        neighbors.shrink_to_fit();
        UndirectedGraph {
            offsets,
            neighbors,
            self_loops: has_loop.iter().filter(|&&l| l).count(),
        }
    }

    /// Number of nodes (the network's, isolated ones included).
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of edges: distinct unordered pairs `{u, v}`, `u != v`, joined
    /// by at least one arc.
    pub fn edge_count(&self) -> usize {
        self.neighbors.len() / 2
    }

    /// Number of nodes with at least one self-loop (the loops the view
    /// leaves out, each node's counted once).
    pub fn self_loops(&self) -> usize {
        self.self_loops
    }

    /// The distinct neighbours of `u`, sorted by index.
    ///
    /// # Panics
    /// When `u` is not below [`node_count`](UndirectedGraph::node_count).
    pub fn neighbors(&self, u: u32) -> &[u32] {
        &self.neighbors[self.offsets[u as usize]..self.offsets[u as usize + 1]]
    }

    /// The number of distinct neighbours of `u`.
    ///
    /// # Panics
    /// When `u` is not below [`node_count`](UndirectedGraph::node_count).
    pub fn degree(&self, u: u32) -> usize {
        self.offsets[u as usize + 1] - self.offsets[u as usize]
    }
}

/// `data` cut into the rows `ends[u]..ends[u + 1]`, so that rows can be
/// worked on in parallel.
pub(super) fn rows_mut<'a, T>(data: &'a mut [T], ends: &[usize]) -> Vec<&'a mut [T]> {
    let mut rows = Vec::with_capacity(ends.len().saturating_sub(1));
    let mut rest = data;
    for w in ends.windows(2) {
        let (row, tail) = std::mem::take(&mut rest).split_at_mut(w[1] - w[0]);
        rows.push(row);
        rest = tail;
    }
    rows
}

/// Packs rows stored at `bounds[u]..` (as many as `kept[u]` values each)
/// to the front of `values`, left to right, truncates it, and returns the
/// new row offsets (CSR form).
pub(super) fn compact_rows(values: &mut Vec<u32>, bounds: &[usize], kept: &[usize]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(kept.len() + 1);
    offsets.push(0);
    let mut end = 0;
    for (u, &len) in kept.iter().enumerate() {
        values.copy_within(bounds[u]..bounds[u] + len, end);
        end += len;
        offsets.push(end);
    }
    values.truncate(end);
    offsets
}

/// Moves the distinct values of a sorted slice to its front and returns
/// how many there are.
pub(super) fn dedup_sorted(row: &mut [u32]) -> usize {
    if row.is_empty() {
        return 0;
    }
    let mut len = 1;
    for i in 1..row.len() {
        if row[i] != row[len - 1] {
            row[len] = row[i];
            len += 1;
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup() {
        let mut v = [1, 1, 2, 3, 3, 3, 7];
        assert_eq!(dedup_sorted(&mut v), 4);
        assert_eq!(&v[..4], &[1, 2, 3, 7]);
        assert_eq!(dedup_sorted(&mut []), 0);
    }

    #[test]
    fn view_of_a_multigraph() {
        let arcs = [(0, 1), (1, 0), (1, 0), (2, 2), (2, 2), (3, 1)];
        let g = UndirectedGraph::from_arcs(4, || arcs.into_iter());
        assert_eq!((g.edge_count(), g.self_loops()), (2, 1));
        assert_eq!(g.neighbors(1), &[0, 3]);
        assert_eq!(g.neighbors(2), &[] as &[u32]);
        assert_eq!((g.degree(0), g.degree(1), g.degree(2)), (1, 2, 0));
    }
}
