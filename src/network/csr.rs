//! The compressed sparse row structure both views of a
//! [`Network`](super::Network) are stored in, and its entries.

use std::mem::size_of;

use serde::{Deserialize, Serialize};

use super::limits::{check_arcs, check_nodes};
use crate::error::{Error, Result, try_filled};

/// One entry of an adjacency list: the node at the other end and the arc's
/// value, side by side. With `V = f32` it takes 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[repr(C)]
pub struct Adjacent<V> {
    /// The node at the other end of the arc.
    pub node: u32,
    /// The arc's value (trust, probability, prepared threshold ...).
    pub value: V,
}

/// A compressed sparse row adjacency structure: for node `u`, its arcs are
/// `arcs[offsets[u] .. offsets[u + 1]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Csr<V> {
    offsets: Vec<u32>,
    arcs: Vec<Adjacent<V>>,
}

impl<V: Copy> Csr<V> {
    /// Builds the CSR of `n` nodes from `(source, target, value)` arcs with a
    /// stable counting sort: O(n + m) time; extra space besides the result,
    /// a cursor array of `n` `u32`. Arcs of one source keep their order in
    /// `arcs`.
    ///
    /// # Errors
    /// [`Error::TooManyArcs`] for more than `u32::MAX` arcs;
    /// [`Error::UnknownNode`] for an endpoint `>= n`;
    /// [`Error::TooManyNodes`] for `n >= u32::MAX`;
    /// [`Error::AllocationFailed`] when the arrays cannot be allocated.
    pub fn from_arcs(n: usize, arcs: &[(u32, u32, V)]) -> Result<Self> {
        Csr::from_arcs_rectangular(n, n, arcs)
    }

    /// As [`from_arcs`](Csr::from_arcs) with `rows` sources and targets in
    /// `0..cols` (for example group -> member).
    pub(super) fn from_arcs_rectangular(
        rows: usize,
        cols: usize,
        arcs: &[(u32, u32, V)],
    ) -> Result<Self> {
        let n = rows;
        check_nodes(n as u128)?;
        check_arcs(arcs.len() as u128)?;
        check_nodes(cols as u128)?;
        let mut offsets = try_filled("CSR offsets", n + 1, 0u32)?;
        for &(u, v, _) in arcs {
            for (x, bound) in [(u, n), (v, cols)] {
                if x as usize >= bound {
                    return Err(Error::UnknownNode {
                        id: format!("index {x} (network has {bound} nodes)"),
                    });
                }
            }
            offsets[u as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        // Every slot is written exactly once below; fill with the first arc's
        // value to stay in safe Rust.
        let mut out: Vec<Adjacent<V>> = match arcs.first() {
            Some(&(_, _, v0)) => {
                try_filled("CSR arcs", arcs.len(), Adjacent { node: 0, value: v0 })?
            }
            None => Vec::new(),
        };
        for &(u, v, value) in arcs {
            let slot = &mut cursor[u as usize];
            out[*slot as usize] = Adjacent { node: v, value };
            *slot += 1;
        }
        Ok(Csr { offsets, arcs: out })
    }

    /// Number of nodes.
    #[inline]
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of arcs.
    #[inline]
    pub fn arc_count(&self) -> usize {
        self.arcs.len()
    }

    /// The arcs of node `u`.
    ///
    /// # Panics
    /// If `u >= node_count()`. Indices are internal, not user input: look
    /// external ids up with [`Network::index_of`](super::Network::index_of), which validates.
    #[inline]
    pub fn neighbors(&self, u: u32) -> &[Adjacent<V>] {
        let u = u as usize;
        &self.arcs[self.offsets[u] as usize..self.offsets[u + 1] as usize]
    }

    /// Number of arcs of node `u`.
    ///
    /// # Panics
    /// If `u >= node_count()`.
    #[inline]
    pub fn degree(&self, u: u32) -> usize {
        let u = u as usize;
        (self.offsets[u + 1] - self.offsets[u]) as usize
    }

    /// The offsets array (`node_count() + 1` entries).
    pub fn offsets(&self) -> &[u32] {
        &self.offsets
    }

    /// All arcs, grouped by source.
    pub fn arcs(&self) -> &[Adjacent<V>] {
        &self.arcs
    }

    /// Every arc as `(source, target, value)`, in storage order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, u32, V)> + '_ {
        (0..self.node_count() as u32)
            .flat_map(move |u| self.neighbors(u).iter().map(move |a| (u, a.node, a.value)))
    }

    /// A CSR with the same structure and values `f(source, target, value)`;
    /// the way a kernel prepares its per-arc values before its loop.
    pub fn map<W: Copy>(&self, mut f: impl FnMut(u32, u32, V) -> W) -> Csr<W> {
        let mut arcs = Vec::with_capacity(self.arcs.len());
        for u in 0..self.node_count() as u32 {
            for a in self.neighbors(u) {
                arcs.push(Adjacent {
                    node: a.node,
                    value: f(u, a.node, a.value),
                });
            }
        }
        Csr {
            offsets: self.offsets.clone(),
            arcs,
        }
    }

    /// The transpose: arc `v -> u` with value x for every arc `u -> v` with
    /// value x. O(n + m) time; extra space besides the result, a cursor
    /// array of `n` `u32`. Arcs into a node are ordered by source index.
    pub fn transpose(&self) -> Csr<V> {
        let n = self.node_count();
        let mut offsets = vec![0u32; n + 1];
        for a in &self.arcs {
            offsets[a.node as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut cursor: Vec<u32> = offsets[..n].to_vec();
        let mut out = self.arcs.clone();
        for u in 0..n as u32 {
            for a in self.neighbors(u) {
                let slot = &mut cursor[a.node as usize];
                out[*slot as usize] = Adjacent {
                    node: u,
                    value: a.value,
                };
                *slot += 1;
            }
        }
        Csr { offsets, arcs: out }
    }

    /// Bytes held by the two arrays (capacity not counted):
    /// `4 (n + 1) + m * size_of::<Adjacent<V>>()`.
    pub fn memory_bytes(&self) -> usize {
        self.offsets.len() * size_of::<u32>() + self.arcs.len() * size_of::<Adjacent<V>>()
    }

    /// Capacity of the offsets array, to check that nothing is over-allocated.
    #[cfg(test)]
    pub(super) fn offsets_capacity(&self) -> usize {
        self.offsets.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_keeps_arcs_in_insertion_order_per_source() {
        let arcs = [(2, 0, 1.0f32), (0, 2, 0.5), (0, 1, 0.25), (2, 1, 0.75)];
        let csr = Csr::from_arcs(3, &arcs).unwrap();
        assert_eq!(csr.offsets(), &[0, 2, 2, 4]);
        let got: Vec<_> = csr.iter().collect();
        assert_eq!(
            got,
            vec![(0, 2, 0.5), (0, 1, 0.25), (2, 0, 1.0), (2, 1, 0.75)]
        );
        let t = csr.transpose();
        let back: Vec<_> = t.iter().collect();
        assert_eq!(
            back,
            vec![(0, 2, 1.0), (1, 0, 0.25), (1, 2, 0.75), (2, 0, 0.5)]
        );
        assert_eq!(t.transpose().iter().collect::<Vec<_>>().len(), 4);
    }

    #[test]
    fn csr_rejects_out_of_range_endpoints() {
        assert!(matches!(
            Csr::from_arcs(2, &[(0, 2, ())]),
            Err(Error::UnknownNode { .. })
        ));
    }
}
