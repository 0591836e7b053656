//! Lists of nodes: finding a repeat, and resolving external ids.

use crate::error::{Error, Result};
use crate::id::NodeId;
use crate::network::Network;

/// The position of the first item of `items` that repeats an earlier one,
/// in list order.
///
/// This is the one duplicate check of seeding: seed ids, a brand's listed
/// followers and a target audience's ids all use it.
///
/// # Arguments
/// * `items`: the list (node indices, ids ...).
///
/// # Returns
/// `Some(i)` for the smallest `i` such that `items[i] == items[j]` for some
/// `j < i`; `None` when every item is distinct.
///
/// # Errors
/// None.
///
/// # Complexity
/// Time O(k log k) for k items (a sorted list of positions), whatever the
/// size of the network; extra space O(k).
///
/// # Example
/// ```
/// use wom::seeding::first_repeat;
/// assert_eq!(first_repeat(&[17, 3, 17, 3]), Some(2));
/// assert_eq!(first_repeat(&[4, 3, 3]), Some(2));
/// assert_eq!(first_repeat(&[1, 2, 3]), None);
/// ```
pub fn first_repeat<T: Ord>(items: &[T]) -> Option<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Equal items end up side by side, earliest first.
    order.sort_unstable_by(|&a, &b| items[a].cmp(&items[b]).then(a.cmp(&b)));
    order
        .windows(2)
        .filter(|w| items[w[0]] == items[w[1]])
        .map(|w| w[1])
        .min()
}

/// Resolves external ids to node indices, each checked, none repeated.
///
/// # Arguments
/// * `network`: where the ids live.
/// * `ids`: the external ids, in order.
///
/// # Returns
/// The node indices, in the order of `ids`.
///
/// # Errors
/// [`Error::InvalidDocument`] at `$[i]` (the position in `ids`) for the
/// first id, in list order, that is not in the network or repeats an
/// earlier one.
///
/// # Complexity
/// Time O(k log k) for k ids (plus an expected O(1) hash lookup each),
/// extra space O(k).
///
/// # Example
/// ```
/// use wom::{Network, NodeId};
/// use wom::seeding::resolve_ids;
/// let net = Network::from_arcs(5, [(0, 1, 1.0)])?;
/// let ids = [NodeId::Num(3), NodeId::Num(1)];
/// assert_eq!(resolve_ids(&net, &ids)?, [3, 1]);
/// let err = resolve_ids(&net, &[NodeId::Num(3), NodeId::Num(3)]).unwrap_err();
/// assert!(err.to_string().contains("$[1]"), "{err}");
/// # Ok::<(), wom::Error>(())
/// ```
pub fn resolve_ids(network: &Network, ids: &[NodeId]) -> Result<Vec<u32>> {
    let mut nodes = Vec::with_capacity(ids.len());
    let mut unknown = None;
    for (i, id) in ids.iter().enumerate() {
        match network.index_of(id) {
            Ok(v) => nodes.push(v),
            Err(_) => {
                unknown = Some((i, id));
                break;
            }
        }
    }
    // A repeat before the first unknown id is the first error in the list.
    if let Some(i) = first_repeat(&nodes) {
        return Err(Error::InvalidDocument {
            path: format!("$[{i}]"),
            reason: format!("node {} is listed twice", ids[i]),
        });
    }
    if let Some((i, id)) = unknown {
        return Err(Error::InvalidDocument {
            path: format!("$[{i}]"),
            reason: format!("the network has no node {id}"),
        });
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_repeat_is_in_list_order() {
        assert_eq!(first_repeat::<u32>(&[]), None);
        assert_eq!(first_repeat(&[5]), None);
        assert_eq!(first_repeat(&[9, 1, 9, 1]), Some(2));
        assert_eq!(first_repeat(&[9, 1, 1, 9]), Some(2));
        assert_eq!(first_repeat(&[7, 7, 7]), Some(1));
    }

    #[test]
    fn an_unknown_id_after_a_repeat_is_reported_second() {
        let net = Network::from_arcs(4, [(0, 1, 1.0)]).unwrap();
        let err = |ids: &[u64]| {
            let ids: Vec<NodeId> = ids.iter().map(|&i| NodeId::Num(i)).collect();
            resolve_ids(&net, &ids).unwrap_err().to_string()
        };
        assert_eq!(
            err(&[1, 1, 9]),
            "invalid document at $[1]: node 1 is listed twice"
        );
        assert_eq!(
            err(&[1, 9, 1]),
            "invalid document at $[1]: the network has no node 9"
        );
    }
}
