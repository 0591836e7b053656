//! Greedy maximum coverage over RR sets, stored the other way round: for
//! each node, the RR sets it belongs to.
//!
//! The sets are kept only in this inverted form (4 bytes per entry, plus
//! one offset per node for each batch of sets), which is all the greedy
//! needs: it marks the sets a chosen node covers, and finds a node's
//! marginal coverage by counting its sets not yet covered. Marginals are
//! re-counted lazily (Minoux's accelerated greedy; Leskovec et al. 2007
//! call it CELF): a stale count is an upper bound of the true one, since
//! coverage is submodular.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::rr::{RrSampler, draw_blocks};
use crate::error::{Error, Result};

/// One batch of RR sets, inverted: node → the ids of its sets.
#[derive(Debug, Clone)]
struct Batch {
    /// `offsets[v]..offsets[v + 1]` indexes `sets` for node v.
    offsets: Vec<u32>,
    sets: Vec<u32>,
}

/// RR sets inverted by node, in batches.
#[derive(Debug, Clone)]
pub struct InvertedRr {
    n: usize,
    batches: Vec<Batch>,
    count: u64,
    entries: u64,
}

/// The greedy's answer on an [`InvertedRr`].
#[derive(Debug, Clone, PartialEq)]
pub struct Greedy {
    /// The chosen nodes, in the order chosen.
    pub seeds: Vec<u32>,
    /// RR sets the seeds cover.
    pub covered: u64,
    /// An upper bound on the RR sets any k candidates cover: the least, over
    /// the greedy's steps i = 0..k, of (covered by the first i seeds) + (the
    /// k largest marginal coverages after them) (Tang, Tang, Xiao and Yuan,
    /// SIGMOD 2018).
    pub upper_bound: u64,
}

impl InvertedRr {
    /// No RR set on `n` nodes.
    pub fn new(n: usize) -> Self {
        InvertedRr {
            n,
            batches: Vec::new(),
            count: 0,
            entries: 0,
        }
    }

    /// The number of RR sets.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Total entries.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Bytes held: 4 per entry and 4 per node and batch.
    pub fn bytes(&self) -> u64 {
        self.batches
            .iter()
            .map(|b| 4 * (b.offsets.len() + b.sets.len()) as u64)
            .sum()
    }

    /// Draws `count` more sets of the stream `master` (continuing its
    /// numbering) and inverts them as one batch; the drawn lists are freed
    /// block by block once counted, and refilled.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the sets would number 2^32 or more,
    /// or one batch would hold 2^32 entries or more.
    pub fn extend(&mut self, sampler: &RrSampler<'_>, master: u64, count: u64) -> Result<()> {
        if count == 0 {
            return Ok(());
        }
        let first = self.count;
        if first + count > u64::from(u32::MAX) {
            return Err(Error::param(
                "rr_sets",
                first + count,
                "at most 4,294,967,295 RR sets are held (set ids take 4 bytes)",
            ));
        }
        // The sets as drawn, end to end, then counted per node.
        let (mut nodes, mut lens) = (Vec::new(), Vec::new());
        draw_blocks(sampler, master, first, count, |n, l| {
            nodes.extend_from_slice(n);
            lens.extend_from_slice(l);
        });
        if nodes.len() as u64 >= u64::from(u32::MAX) {
            return Err(Error::param(
                "rr_sets",
                nodes.len(),
                "one batch of RR sets holds fewer than 2^32 entries",
            ));
        }
        let mut offsets = vec![0u32; self.n + 1];
        for &v in &nodes {
            offsets[v as usize + 1] += 1;
        }
        for v in 0..self.n {
            offsets[v + 1] += offsets[v];
        }
        let mut fill = offsets.clone();
        let mut sets = vec![0u32; nodes.len()];
        let mut at = 0usize;
        for (j, &l) in lens.iter().enumerate() {
            let id = (first + j as u64) as u32;
            for &v in &nodes[at..at + l as usize] {
                let slot = &mut fill[v as usize];
                sets[*slot as usize] = id;
                *slot += 1;
            }
            at += l as usize;
        }
        drop(nodes);
        self.entries += sets.len() as u64;
        self.count += count;
        self.batches.push(Batch { offsets, sets });
        Ok(())
    }

    /// The sets of `v` across batches.
    fn sets_of(&self, v: u32) -> impl Iterator<Item = u32> + '_ {
        let v = v as usize;
        self.batches.iter().flat_map(move |b| {
            b.sets[b.offsets[v] as usize..b.offsets[v + 1] as usize]
                .iter()
                .copied()
        })
    }

    /// Greedy maximum coverage by `k` of `candidates` (distinct, in range),
    /// ties broken towards the smaller index; with `bound`, also the upper
    /// bound of [`Greedy::upper_bound`] (else it is `u64::MAX`).
    pub fn greedy(&self, candidates: &[u32], k: usize, bound: bool) -> Greedy {
        let words = self.count.div_ceil(64) as usize;
        let mut covered_sets = vec![0u64; words];
        let is_covered = |c: &[u64], s: u32| c[s as usize / 64] >> (s % 64) & 1 == 1;
        // (marginal, Reverse(node)), with the step its marginal was counted at.
        let mut heap: BinaryHeap<(u64, Reverse<u32>)> = candidates
            .iter()
            .map(|&v| (self.sets_of(v).count() as u64, Reverse(v)))
            .collect();
        let mut counted_at = vec![0u32; self.n];
        let mut seeds = Vec::with_capacity(k);
        let (mut covered, mut upper) = (0u64, u64::MAX);
        let want = if bound { k } else { 1 };
        let mut top: Vec<(u64, Reverse<u32>)> = Vec::with_capacity(want);
        for step in 0..=k as u32 {
            // The `want` largest marginals, exact at this step.
            top.clear();
            while top.len() < want {
                let Some((m, Reverse(v))) = heap.pop() else {
                    break;
                };
                if counted_at[v as usize] == step {
                    top.push((m, Reverse(v)));
                } else {
                    let fresh = self
                        .sets_of(v)
                        .filter(|&s| !is_covered(&covered_sets, s))
                        .count() as u64;
                    counted_at[v as usize] = step;
                    heap.push((fresh, Reverse(v)));
                }
            }
            if bound {
                upper = upper.min(covered + top.iter().map(|t| t.0).sum::<u64>());
            }
            if step as usize == k || top.is_empty() {
                break;
            }
            let (gain, Reverse(best)) = top[0];
            seeds.push(best);
            covered += gain;
            for s in self.sets_of(best) {
                covered_sets[s as usize / 64] |= 1 << (s % 64);
            }
            heap.extend(top.drain(1..));
        }
        Greedy {
            seeds,
            covered,
            upper_bound: upper,
        }
    }
}
