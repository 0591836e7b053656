//! What every generator shares: the graph builder, the skip sampler, the
//! pair enumerations, the pair set and its hasher, and the size checks.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use petgraph::graph::NodeIndex;

use super::GENERATED_TRUST;
use crate::actor::{BuiltinActor, Consumer};
use crate::error::{Error, Result};
use crate::id::NodeId;
use crate::network::limits::MAX_ARCS;
pub(super) use crate::network::limits::{check_arcs, check_nodes};
use crate::propagation::kernel::GeometricSkip;
use crate::rng::{WomRng, splitmix64};
use crate::social::SocialGraph;
use crate::tie::{Relation, SocialTie};

/// The default relation of a generator's edges: [`Relation::Friendship`],
/// each edge a mutual pair of arcs.
pub(super) fn mutual() -> Relation {
    Relation::Friendship
}

/// What the generators need to know of the relation their edges stand for.
pub(super) trait EdgeKind {
    /// Arcs per edge: 2 for a friendship, 1 for a follow.
    fn arcs_per_edge(self) -> u64;

    /// The number of possible edges without self-loops among `n` nodes:
    /// n(n - 1)/2 unordered (friendships) or n(n - 1) ordered (follows)
    /// pairs.
    fn pairs(self, n: u64) -> u128;

    /// The edges' name in messages.
    fn noun(self) -> &'static str;
}

impl EdgeKind for Relation {
    fn arcs_per_edge(self) -> u64 {
        match self {
            Relation::Friendship => 2,
            Relation::Follow => 1,
        }
    }

    fn pairs(self, n: u64) -> u128 {
        let ordered = u128::from(n) * u128::from(n.saturating_sub(1));
        match self {
            Relation::Friendship => ordered / 2,
            Relation::Follow => ordered,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Relation::Friendship => "undirected edges",
            Relation::Follow => "directed edges",
        }
    }
}

/// Rejects a random graph whose arc count (mean `mean`, variance `var`)
/// would exceed the limit with near certainty (by more than 6 standard
/// deviations), before generating it; a count nearer the limit is checked as
/// the arcs are made.
pub(super) fn check_expected_arcs(mean: f64, var: f64) -> Result<()> {
    if mean - 6.0 * var.sqrt() > MAX_ARCS as f64 {
        return Err(Error::TooManyArcs { limit: MAX_ARCS });
    }
    Ok(())
}

/// `count` as a `u64`, saturating.
pub(super) fn saturate(count: u128) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// A social graph of `n` consumers being filled with generated edges.
pub(super) struct Builder {
    graph: SocialGraph,
    kind: Relation,
    arcs: u64,
}

impl Builder {
    /// `n` default consumers with ids `0..n`, with room for about
    /// `expected_edges` edges.
    pub(super) fn new(n: usize, kind: Relation, expected_edges: f64) -> Result<Self> {
        check_nodes(n as u128)?;
        let arcs = (expected_edges * kind.arcs_per_edge() as f64).clamp(0.0, MAX_ARCS as f64);
        let mut graph = SocialGraph::try_with_capacity(n, arcs as usize)?;
        for i in 0..n {
            graph.add_actor(
                NodeId::Num(i as u64),
                BuiltinActor::Consumer(Consumer::default()),
            )?;
        }
        Ok(Builder {
            graph,
            kind,
            arcs: 0,
        })
    }

    /// Adds the edge `{u, v}` (undirected) or `u -> v` (directed).
    pub(super) fn edge(&mut self, u: u64, v: u64) -> Result<()> {
        let step = self.kind.arcs_per_edge();
        if self.arcs + step > MAX_ARCS {
            return Err(Error::TooManyArcs { limit: MAX_ARCS });
        }
        let (a, b) = (NodeIndex::new(u as usize), NodeIndex::new(v as usize));
        match self.kind {
            Relation::Friendship => {
                self.graph
                    .add_mutual_tie(a, b, SocialTie::friendship(GENERATED_TRUST))?;
            }
            Relation::Follow => {
                self.graph
                    .add_tie(a, b, SocialTie::follow(GENERATED_TRUST))?;
            }
        }
        self.arcs += step;
        Ok(())
    }

    pub(super) fn finish(self) -> SocialGraph {
        self.graph
    }
}

/// Calls `emit` with each index of `0..total` kept independently with
/// probability `p`, in increasing order, drawing one geometric skip per kept
/// index (Batagelj & Brandes 2005): O(1 + kept) time.
pub(super) fn skip_sample(
    rng: &mut WomRng,
    p: f64,
    total: u64,
    mut emit: impl FnMut(u64) -> Result<()>,
) -> Result<()> {
    // No draw at all when nothing can be kept: the stream stays where it is.
    if p <= 0.0 || total == 0 {
        return Ok(());
    }
    let skip = GeometricSkip::new(p)?;
    let mut gap = skip.sample(rng);
    skip.try_walk(&mut gap, total, rng, |i, _| emit(i))
}

/// Maps increasing indices of the pairs `(w, v)`, `w < v`, ordered by `v`
/// then `w` (index v(v - 1)/2 + w), back to the pairs, walking the rows:
/// O(n) in total over a pass.
pub(super) struct Triangle {
    v: u64,
    row_start: u64,
}

impl Triangle {
    pub(super) fn new() -> Self {
        Triangle { v: 1, row_start: 0 }
    }

    /// The pair at `index`; indices must not decrease between calls.
    pub(super) fn pair(&mut self, index: u64) -> (u64, u64) {
        while index >= self.row_start + self.v {
            self.row_start += self.v;
            self.v += 1;
        }
        (index - self.row_start, self.v)
    }
}

/// The ordered pair `(u, v)`, `u != v`, at `index` of the n(n - 1) pairs in
/// row-major order (the diagonal left out).
pub(super) fn off_diagonal(index: u64, n: u64) -> (u64, u64) {
    let row = index / (n - 1);
    let col = index % (n - 1);
    (row, col + u64::from(col >= row))
}

/// A fast hasher for set membership of random pair keys (SplitMix64's
/// finalizer). Only membership is used, never iteration order, so the
/// hasher cannot change a result.
#[derive(Default)]
pub(super) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        let mut s = self.0;
        splitmix64(&mut s)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
        }
    }
    fn write_u64(&mut self, x: u64) {
        self.0 ^= x;
    }
}

pub(super) type PairSet = HashSet<u64, BuildHasherDefault<MixHasher>>;

pub(super) fn pair_set(capacity: usize) -> PairSet {
    HashSet::with_capacity_and_hasher(capacity, BuildHasherDefault::default())
}

/// The key of the unordered pair `{u, v}` among `n` nodes.
pub(super) fn unordered_key(u: u64, v: u64, n: u64) -> u64 {
    u.min(v) * n + u.max(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream_rng;

    #[test]
    fn triangle_walk_matches_the_closed_form() {
        let mut tri = Triangle::new();
        let mut i = 0;
        for v in 1..20u64 {
            for w in 0..v {
                assert_eq!(tri.pair(i), (w, v));
                i += 1;
            }
        }
    }

    #[test]
    fn off_diagonal_enumerates_ordered_pairs() {
        let n = 5;
        let got: Vec<(u64, u64)> = (0..n * (n - 1)).map(|i| off_diagonal(i, n)).collect();
        let want: Vec<(u64, u64)> = (0..n)
            .flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v)))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn skip_sample_keeps_everything_at_p_one_and_nothing_at_zero() {
        let mut rng = stream_rng(1, 0);
        let mut kept = Vec::new();
        skip_sample(&mut rng, 1.0, 7, |i| {
            kept.push(i);
            Ok(())
        })
        .unwrap();
        assert_eq!(kept, (0..7).collect::<Vec<_>>());
        kept.clear();
        skip_sample(&mut rng, 0.0, 7, |i| {
            kept.push(i);
            Ok(())
        })
        .unwrap();
        assert!(kept.is_empty());
    }
}
