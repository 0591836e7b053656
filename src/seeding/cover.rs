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
    /// The number of sets of each node, over all batches (empty until the
    /// first batch).
    degree: Vec<u32>,
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
            degree: Vec::new(),
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

    /// Bytes held: 4 per entry, 4 per node and batch, and 4 per node for
    /// the nodes' set counts.
    pub fn bytes(&self) -> u64 {
        self.batches
            .iter()
            .map(|b| 4 * (b.offsets.len() + b.sets.len()) as u64)
            .sum::<u64>()
            + 4 * self.degree.len() as u64
    }

    /// The number of sets node `v` is in.
    fn degree_of(&self, v: u32) -> u64 {
        self.degree.get(v as usize).map_or(0, |&d| u64::from(d))
    }

    /// Adds a batch, counting its nodes' sets.
    fn push_batch(&mut self, batch: Batch) {
        if self.degree.is_empty() {
            self.degree = vec![0; self.n];
        }
        for (v, d) in self.degree.iter_mut().enumerate() {
            *d += batch.offsets[v + 1] - batch.offsets[v];
        }
        self.batches.push(batch);
    }

    /// Draws `count` more sets of the stream `master` (continuing its
    /// numbering) and inverts them in batches: the drawn lists are inverted
    /// once they hold an eighth of the entries stored (at least 2^16 and 4
    /// per node), so that while drawing, memory stays within about 5 bytes
    /// per stored entry (4 stored, 8 for each entry drawn and not yet
    /// inverted) and the batches number O(log(entries / n)).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the sets would number 2^32 or more,
    /// or one batch would hold 2^32 entries or more.
    pub fn extend(&mut self, sampler: &RrSampler<'_>, master: u64, count: u64) -> Result<()> {
        self.extend_reporting(sampler, master, count, &|_| {})
    }

    /// As [`extend`](Self::extend), telling `drawn` how many of the
    /// `count` sets are drawn as the draws go on.
    pub(crate) fn extend_reporting(
        &mut self,
        sampler: &RrSampler<'_>,
        master: u64,
        count: u64,
        drawn: &dyn Fn(u64),
    ) -> Result<()> {
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
        // The sets as drawn, end to end, inverted into a batch whenever
        // they hold a good share of what is stored (and at the end), so
        // that the drawn lists held at once stay small beside the
        // collection. Where the batches end depends on the draws alone, not
        // on the threads; the greedy's answer does not depend on it.
        let (mut nodes, mut lens) = (Vec::new(), Vec::new());
        let mut failed = None;
        draw_blocks(sampler, master, first, count, drawn, |n, l| {
            nodes.extend_from_slice(n);
            lens.extend_from_slice(l);
            if nodes.len() as u64 >= self.flush_at() && failed.is_none() {
                failed = self.invert(&nodes, &lens).err();
                nodes.clear();
                lens.clear();
            }
        });
        if let Some(e) = failed {
            return Err(e);
        }
        self.invert(&nodes, &lens)
    }

    /// Drawn entries held before they are inverted into a batch: an eighth
    /// of those stored, and at least 2^16 and 4 per node.
    fn flush_at(&self) -> u64 {
        (self.entries / 8).max(1 << 16).max(4 * self.n as u64)
    }

    /// Inverts sets drawn end to end (`nodes`, with the length of each in
    /// `lens`), numbered from [`len`](Self::len), into a new batch.
    fn invert(&mut self, nodes: &[u32], lens: &[u32]) -> Result<()> {
        if lens.is_empty() {
            return Ok(());
        }
        if nodes.len() as u64 >= u64::from(u32::MAX) {
            return Err(Error::param(
                "rr_sets",
                nodes.len(),
                "one batch of RR sets holds fewer than 2^32 entries",
            ));
        }
        let first = self.count;
        let mut offsets = vec![0u32; self.n + 1];
        for &v in nodes {
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
        self.entries += sets.len() as u64;
        self.count += lens.len() as u64;
        self.push_batch(Batch { offsets, sets });
        Ok(())
    }

    /// Takes in the sets of `other` (on the same nodes), numbered after
    /// this collection's own: the two become one collection. O(entries of
    /// `other`), renumbering in place.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the sets would number 2^32 or more,
    /// or the two are on different numbers of nodes.
    pub fn append(&mut self, other: InvertedRr) -> Result<()> {
        if other.n != self.n {
            return Err(Error::param(
                "rr_sets",
                other.n,
                format!("RR sets on {} nodes joined to sets on {}", other.n, self.n),
            ));
        }
        let total = self.count + other.count;
        if total > u64::from(u32::MAX) {
            return Err(Error::param(
                "rr_sets",
                total,
                "at most 4,294,967,295 RR sets are held (set ids take 4 bytes)",
            ));
        }
        let shift = self.count as u32;
        for mut batch in other.batches {
            batch.sets.iter_mut().for_each(|s| *s += shift);
            self.push_batch(batch);
        }
        self.count = total;
        self.entries += other.entries;
        Ok(())
    }

    /// How many sets `seeds` meets (each counted once).
    pub fn covered_by(&self, seeds: &[u32]) -> u64 {
        let mut met = vec![false; self.count as usize];
        let mut count = 0;
        for &v in seeds {
            if (v as usize) < self.n {
                for s in self.sets_of(v) {
                    if !std::mem::replace(&mut met[s as usize], true) {
                        count += 1;
                    }
                }
            }
        }
        count
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
        // Candidates in no set stay out of the heap, in index order: once
        // the best marginal is 0 they are taken by index, merged with the
        // heap's own zeros, as the heap alone would order them.
        let mut zeros = Vec::new();
        let mut heap: BinaryHeap<(u64, Reverse<u32>)> = BinaryHeap::from(
            candidates
                .iter()
                .filter_map(|&v| {
                    let count = self.degree_of(v);
                    if count == 0 {
                        zeros.push(v);
                        None
                    } else {
                        Some((count, Reverse(v)))
                    }
                })
                .collect::<Vec<_>>(),
        );
        zeros.sort_unstable();
        let mut zeros = zeros.into_iter().peekable();
        let mut counted_at = vec![0u32; self.n];
        let mut seeds = Vec::with_capacity(k);
        let (mut covered, mut upper) = (0u64, u64::MAX);
        let want = if bound { k } else { 1 };
        let mut top: Vec<(u64, Reverse<u32>)> = Vec::with_capacity(want);
        for step in 0..=k as u32 {
            // The `want` largest marginals, exact at this step.
            top.clear();
            while top.len() < want {
                let from_heap = match (heap.peek(), zeros.peek()) {
                    (Some(&(m, Reverse(v))), Some(&z)) => m > 0 || v < z,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                if !from_heap {
                    top.extend(zeros.next().map(|z| (0, Reverse(z))));
                    continue;
                }
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
                    let entry = (fresh, Reverse(v));
                    // Still ahead of everything left: it would be popped
                    // next, so it is taken now (zeros keep the merge).
                    if fresh > 0 && heap.peek().is_none_or(|top| entry > *top) {
                        top.push(entry);
                    } else {
                        heap.push(entry);
                    }
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

/// A non-negative key as bits that order the same way.
fn key_bits(x: f64) -> u64 {
    if x.is_nan() { 0 } else { x.max(0.0).to_bits() }
}

/// The least coverage any set within `budget` (and of at most `k` nodes)
/// can add to what is covered: fractional knapsack over `gains` (upper
/// bounds of the marginal coverages) at `costs`, capped by the `k` largest
/// gains. O(c log c).
fn knapsack_bound(gains: &[(u64, usize)], costs: &[f64], budget: f64, k: usize) -> f64 {
    let mut items: Vec<(f64, f64)> = gains
        .iter()
        .map(|&(g, i)| (g as f64, costs[i]))
        .filter(|&(g, _)| g > 0.0)
        .collect();
    // Free items first, then by gain per cost, best first.
    items.sort_by(|a, b| {
        let ra = if a.1 > 0.0 { a.0 / a.1 } else { f64::INFINITY };
        let rb = if b.1 > 0.0 { b.0 / b.1 } else { f64::INFINITY };
        rb.total_cmp(&ra)
    });
    let (mut left, mut total) = (budget, 0.0);
    for &(g, c) in &items {
        if c <= left {
            total += g;
            left -= c;
        } else {
            total += g * left / c;
            break;
        }
    }
    let mut largest: Vec<f64> = items.iter().map(|x| x.0).collect();
    largest.sort_by(|a, b| b.total_cmp(a));
    let top: f64 = largest.iter().take(k).sum();
    total.min(top)
}

impl InvertedRr {
    /// Greedy coverage within `budget` (and at most `k` nodes) among
    /// `candidates` (distinct, in range) at `costs` (one per candidate),
    /// lazily: by marginal coverage per unit cost when `per_cost`, else by
    /// marginal coverage among the nodes still affordable (the two halves
    /// of the cost-effective greedy of Leskovec et al. 2007). Ties go to
    /// the earlier candidate; it stops when nothing affordable adds
    /// coverage. With `bound`, [`Greedy::upper_bound`] bounds what any set
    /// within the budget covers (fractional knapsack over the marginals,
    /// at steps 0, 1, 2, 4, 8 ... and the last); else `u64::MAX`.
    pub fn greedy_within(
        &self,
        candidates: &[u32],
        costs: &[f64],
        budget: f64,
        k: usize,
        per_cost: bool,
        bound: bool,
    ) -> (Greedy, f64) {
        let words = self.count.div_ceil(64) as usize;
        let mut covered_sets = vec![0u64; words];
        let is_covered = |c: &[u64], s: u32| c[s as usize / 64] >> (s % 64) & 1 == 1;
        let key = |gain: u64, i: usize| {
            if per_cost {
                if costs[i] > 0.0 {
                    key_bits(gain as f64 / costs[i])
                } else if gain > 0 {
                    u64::MAX
                } else {
                    0
                }
            } else {
                gain
            }
        };
        // (key, Reverse(candidate position)); gains kept beside.
        let mut gain: Vec<u64> = candidates.iter().map(|&v| self.degree_of(v)).collect();
        let mut heap: BinaryHeap<(u64, Reverse<usize>)> = (0..candidates.len())
            .map(|i| (key(gain[i], i), Reverse(i)))
            .collect();
        let mut counted_at = vec![0u32; candidates.len()];
        let mut selected = vec![false; candidates.len()];
        // Every candidate not chosen may be in the best set within the
        // budget (which spends from zero), affordable now or not; stale
        // gains are upper bounds of the true ones.
        let others = |gain: &[u64], selected: &[bool]| -> Vec<(u64, usize)> {
            (0..gain.len())
                .filter(|&i| !selected[i])
                .map(|i| (gain[i], i))
                .collect()
        };
        let (mut seeds, mut covered, mut spent) = (Vec::new(), 0u64, 0.0f64);
        let mut upper = f64::INFINITY;
        let mut step = 0u32;
        loop {
            if bound && (step.is_power_of_two() || step == 0) {
                let gains = others(&gain, &selected);
                upper = upper.min(covered as f64 + knapsack_bound(&gains, costs, budget, k));
            }
            if seeds.len() == k {
                break;
            }
            let mut chosen = None;
            while let Some((_, Reverse(i))) = heap.pop() {
                if !super::budget::fits_budget(spent, costs[i], budget) {
                    continue; // never affordable again: spending only grows
                }
                if counted_at[i] == step {
                    chosen = Some(i);
                    break;
                }
                gain[i] = self
                    .sets_of(candidates[i])
                    .filter(|&s| !is_covered(&covered_sets, s))
                    .count() as u64;
                counted_at[i] = step;
                heap.push((key(gain[i], i), Reverse(i)));
            }
            let Some(i) = chosen else { break };
            if gain[i] == 0 {
                break;
            }
            seeds.push(candidates[i]);
            selected[i] = true;
            covered += gain[i];
            spent += costs[i];
            for s in self.sets_of(candidates[i]) {
                covered_sets[s as usize / 64] |= 1 << (s % 64);
            }
            step += 1;
        }
        if bound {
            let gains = others(&gain, &selected);
            upper = upper.min(covered as f64 + knapsack_bound(&gains, costs, budget, k));
        }
        let upper_bound = if bound { upper.ceil() as u64 } else { u64::MAX };
        (
            Greedy {
                seeds,
                covered,
                upper_bound,
            },
            spent,
        )
    }
}
