//! Ranking nodes by a score.

use crate::error::{Error, Result};

/// Sorts `nodes` by `scores`, highest first; equal scores go to the lower
/// node index, so the order is total and the same on every platform.
///
/// This is the one ranking of seeding: opinion leaders are chosen, and the
/// `top` and `opinion_leaders` seed rules order their nodes, with it.
///
/// # Arguments
/// * `nodes`: node indices to rank, in any order.
/// * `scores`: every node's score (for example from
///   [`Centrality::scores`](crate::seeding::Centrality::scores)), indexed
///   by node.
///
/// # Returns
/// `nodes`, ranked.
///
/// # Errors
/// [`Error::UnknownNode`] when a node has no score (`v >= scores.len()`);
/// `nodes` is then unchanged.
///
/// # Complexity
/// Time O(k log k) for k nodes, no extra space beyond the sort's.
///
/// # Example
/// ```
/// use wom::seeding::rank_by_score;
/// let mut nodes = vec![0, 1, 2, 3];
/// rank_by_score(&mut nodes, &[1.0, 3.0, 1.0, 2.0])?;
/// assert_eq!(nodes, [1, 3, 0, 2]);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn rank_by_score(nodes: &mut [u32], scores: &[f64]) -> Result<()> {
    if let Some(&v) = nodes.iter().find(|&&v| v as usize >= scores.len()) {
        return Err(Error::UnknownNode {
            id: format!("node index {v} (scores of {} nodes)", scores.len()),
        });
    }
    // total_cmp makes the order total, NaN included.
    nodes.sort_unstable_by(|&a, &b| {
        scores[b as usize]
            .total_cmp(&scores[a as usize])
            .then(a.cmp(&b))
    });
    Ok(())
}
