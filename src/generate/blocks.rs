//! The stochastic block model: communities with their own densities.

use petgraph::graph::NodeIndex;
use serde::{Deserialize, Serialize};

use super::builder::{
    Builder, EdgeKind, Triangle, check_expected_arcs, check_nodes, mutual, off_diagonal,
    skip_sample,
};
use crate::error::{Error, Result, check_probability};
use crate::rng::stream_rng;
use crate::social::SocialGraph;
use crate::tie::Relation;

/// Parameters of the stochastic block model (see
/// [`stochastic_block_model`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StochasticBlockModel {
    /// The number of nodes in each block. Block 0 is nodes
    /// `0..sizes[0]`, block 1 the next `sizes[1]` nodes, and so on.
    pub sizes: Vec<usize>,
    /// `probabilities[a][b]` is the probability of each edge between a node
    /// of block `a` and a node of block `b` (for directed graphs: of each
    /// arc from a node of `a` to a node of `b`). A square matrix with one row
    /// per block, entries in [0, 1]; symmetric when undirected.
    pub probabilities: Vec<Vec<f64>>,
    /// [`Relation::Friendship`] (undirected edges, two arcs each) or
    /// [`Relation::Follow`] (directed edges, one arc each). Default:
    /// friendship.
    #[serde(default = "mutual")]
    pub direction: Relation,
}

impl StochasticBlockModel {
    /// Checks the parameters without generating anything.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `probabilities` is not a square
    /// matrix with one row per block, or (undirected) not symmetric;
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for an
    /// entry outside [0, 1] or not finite, named `probabilities[a][b]`;
    /// [`Error::TooManyNodes`] when the sizes add up past `u32::MAX - 1`;
    /// [`Error::TooManyArcs`] when the graph would certainly have more than
    /// `u32::MAX` arcs.
    pub fn validate(&self) -> Result<()> {
        let blocks = self.sizes.len();
        let total: u128 = self.sizes.iter().map(|&s| s as u128).sum();
        check_nodes(total)?;
        if self.probabilities.len() != blocks {
            return Err(Error::param(
                "probabilities",
                format!("{} rows", self.probabilities.len()),
                format!("needs one row per block ({blocks} blocks)"),
            ));
        }
        for (a, row) in self.probabilities.iter().enumerate() {
            if row.len() != blocks {
                return Err(Error::param(
                    &format!("probabilities[{a}]"),
                    format!("{} entries", row.len()),
                    format!(
                        "needs one entry per block ({blocks} blocks): the matrix must be square"
                    ),
                ));
            }
            for (b, &p) in row.iter().enumerate() {
                check_probability(&format!("probabilities[{a}][{b}]"), p, None)?;
            }
        }
        let undirected = self.direction == Relation::Friendship;
        if undirected {
            for a in 0..blocks {
                for b in (a + 1)..blocks {
                    let (ab, ba) = (self.probabilities[a][b], self.probabilities[b][a]);
                    if ab != ba {
                        return Err(Error::param(
                            &format!("probabilities[{a}][{b}]"),
                            ab,
                            format!(
                                "differs from probabilities[{b}][{a}] = {ba}: an undirected \
                                 model needs a symmetric matrix"
                            ),
                        ));
                    }
                }
            }
        }
        let arcs = self.direction.arcs_per_edge() as f64;
        let (mut mean, mut var) = (0.0, 0.0);
        for a in 0..blocks {
            for b in 0..blocks {
                if undirected && b < a {
                    continue;
                }
                let pairs = block_pairs(self.direction, &self.sizes, a, b) as f64;
                let p = self.probabilities[a][b];
                mean += arcs * pairs * p;
                var += arcs * arcs * pairs * p * (1.0 - p);
            }
        }
        check_expected_arcs(mean, var)
    }
}

/// Possible edges between blocks `a` and `b` (within `a` when equal).
fn block_pairs(kind: Relation, sizes: &[usize], a: usize, b: usize) -> u64 {
    let (sa, sb) = (sizes[a] as u64, sizes[b] as u64);
    if a == b {
        kind.pairs(sa) as u64
    } else {
        sa * sb
    }
}

/// A stochastic block model: communities with their own edge densities.
///
/// The nodes are split into consecutive blocks of the given sizes, and each
/// possible edge between a node of block `a` and a node of block `b` is
/// present independently with probability `probabilities[a][b]` (no
/// self-loops). Each block pair is sampled with geometric skips (Batagelj &
/// Brandes 2005), so the time is proportional to the edges made. Each block
/// also becomes a group of the graph, named `"block 0"`, `"block 1"`, ...,
/// with the block's nodes as members, so the communities serve as groups or
/// forums for group channels.
///
/// # Arguments
/// * `params` - see [`StochasticBlockModel`]; a square matrix with one row
///   per block, symmetric when undirected;
/// * `seed` - the seed of the one random stream used.
///
/// # Returns
/// A graph of `sizes.iter().sum()` consumers. The number of edges within
/// block `a` is Binomial(s_a (s_a - 1)/2, p_aa) undirected or
/// Binomial(s_a (s_a - 1), p_aa) directed, and between blocks `a != b`
/// Binomial(s_a s_b, p_ab). Undirected, the block pairs are sampled for
/// `a <= b`, in order; directed, for every `(a, b)`. Group `b` is block `b`.
///
/// # Complexity
/// O(n + B² + m) expected time for B blocks and m edges (plus what adding
/// B groups costs the graph); no extra space beyond the graph.
///
/// # Errors
/// As [`StochasticBlockModel::validate`]: [`Error::InvalidParameter`] for a
/// matrix that is not square, has the wrong size or (undirected) is not
/// symmetric; [`Error::ProbabilityOutOfRange`] for an entry outside [0, 1].
///
/// # Example
/// ```
/// use wom::generate::{stochastic_block_model, StochasticBlockModel};
/// use wom::Relation;
///
/// // Two communities, dense inside, sparse between.
/// let params = StochasticBlockModel {
///     sizes: vec![60, 40],
///     probabilities: vec![vec![0.3, 0.01], vec![0.01, 0.4]],
///     direction: Relation::Friendship,
/// };
/// let g = stochastic_block_model(&params, 5)?;
/// assert_eq!(g.node_count(), 100);
/// assert_eq!(g.groups().len(), 2);
/// assert_eq!(g.groups()[1].name, "block 1");
/// assert_eq!(g.groups()[1].members().len(), 40);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// P. W. Holland, K. B. Laskey and S. Leinhardt, "Stochastic blockmodels:
/// first steps", *Social Networks* 5(2), 109-137 (1983).
pub fn stochastic_block_model(params: &StochasticBlockModel, seed: u64) -> Result<SocialGraph> {
    params.validate()?;
    let kind = params.direction;
    let blocks = params.sizes.len();
    let mut starts = Vec::with_capacity(blocks);
    let mut total = 0u64;
    for &s in &params.sizes {
        starts.push(total);
        total += s as u64;
    }
    let mut expected = 0.0;
    for a in 0..blocks {
        for c in 0..blocks {
            if kind == Relation::Follow || a <= c {
                expected +=
                    block_pairs(kind, &params.sizes, a, c) as f64 * params.probabilities[a][c];
            }
        }
    }
    let mut b = Builder::new(total as usize, kind, expected)?;
    let mut rng = stream_rng(seed, 0);
    for a in 0..blocks {
        let first = match kind {
            Relation::Friendship => a,
            Relation::Follow => 0,
        };
        for c in first..blocks {
            let p = params.probabilities[a][c];
            let pairs = block_pairs(kind, &params.sizes, a, c);
            let (sa, sc) = (starts[a], starts[c]);
            if a != c {
                let cols = params.sizes[c] as u64;
                skip_sample(&mut rng, p, pairs, |i| b.edge(sa + i / cols, sc + i % cols))?;
            } else if kind == Relation::Friendship {
                let mut tri = Triangle::new();
                skip_sample(&mut rng, p, pairs, |i| {
                    let (w, v) = tri.pair(i);
                    b.edge(sa + w, sa + v)
                })?;
            } else {
                let size = params.sizes[a] as u64;
                skip_sample(&mut rng, p, pairs, |i| {
                    let (u, v) = off_diagonal(i, size);
                    b.edge(sa + u, sa + v)
                })?;
            }
        }
    }
    let mut graph = b.finish();
    for (block, (&start, &size)) in starts.iter().zip(&params.sizes).enumerate() {
        let first = start as usize;
        graph.add_group(
            format!("block {block}"),
            (first..first + size).map(NodeIndex::new),
        )?;
    }
    Ok(graph)
}
