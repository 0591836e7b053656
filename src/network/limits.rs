//! The size limits of a graph, defined once for every layer.
//!
//! Node indices are `u32` everywhere: in the [`Network`](crate::Network)'s
//! adjacency lists ([`Adjacent::node`](crate::network::Adjacent::node)), in
//! the [`SocialGraph`](crate::SocialGraph)'s petgraph `DiGraph<_, _, u32>`
//! and in the results that name nodes. The value `u32::MAX` is reserved as
//! "no node" (petgraph's `NodeIndex::end()`, the file readers' empty id
//! slot, the cascade trees' missing parent), and the node count itself is
//! kept in a `u32` as well, as the exclusive bound of the indices. So a
//! graph holds at most [`MAX_NODES`] = `u32::MAX - 1` nodes: every index
//! and the count fit in a `u32` and differ from the reserved value.
//!
//! Arc indices are `u32` too: the network's CSR offsets count arcs in a
//! `u32` (they go up to the number of arcs), and petgraph reserves the edge
//! index `u32::MAX` (`EdgeIndex::end()`), so its edge indices run from 0 to
//! `u32::MAX - 1`. A graph holds at most [`MAX_ARCS`] = `u32::MAX` arcs (a
//! friendship counts two).
//!
//! Readers ([`crate::io`]), generators ([`crate::generate`]), the social
//! graph and the network all check these limits and answer
//! [`Error::TooManyNodes`] / [`Error::TooManyArcs`] rather than panic or
//! wrap around.

use crate::error::{Error, Result};

/// The most nodes a [`SocialGraph`](crate::SocialGraph) or a
/// [`Network`](crate::Network) holds: `u32::MAX - 1` (see the [module
/// documentation](self)).
pub const MAX_NODES: u64 = u32::MAX as u64 - 1;

/// The most arcs a [`SocialGraph`](crate::SocialGraph) or a
/// [`Network`](crate::Network) holds: `u32::MAX` (see the [module
/// documentation](self)). A mutual tie (friendship) counts two.
pub const MAX_ARCS: u64 = u32::MAX as u64;

/// Checks a node count against [`MAX_NODES`].
///
/// # Errors
/// [`Error::TooManyNodes`] (without a location) when `n` exceeds
/// [`MAX_NODES`].
pub fn check_nodes(n: u128) -> Result<()> {
    if n > u128::from(MAX_NODES) {
        return Err(Error::TooManyNodes {
            limit: MAX_NODES,
            location: None,
        });
    }
    Ok(())
}

/// Checks an arc count against [`MAX_ARCS`].
///
/// # Errors
/// [`Error::TooManyArcs`] when `arcs` exceeds [`MAX_ARCS`].
pub fn check_arcs(arcs: u128) -> Result<()> {
    if arcs > u128::from(MAX_ARCS) {
        return Err(Error::TooManyArcs { limit: MAX_ARCS });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_the_u32_bounds() {
        assert_eq!(MAX_NODES, 4_294_967_294);
        assert_eq!(MAX_ARCS, 4_294_967_295);
        assert!(check_nodes(u128::from(MAX_NODES)).is_ok());
        assert!(matches!(
            check_nodes(u128::from(MAX_NODES) + 1),
            Err(Error::TooManyNodes {
                limit: 4_294_967_294,
                location: None
            })
        ));
        assert!(check_arcs(u128::from(MAX_ARCS)).is_ok());
        assert!(matches!(
            check_arcs(u128::from(MAX_ARCS) + 1),
            Err(Error::TooManyArcs {
                limit: 4_294_967_295
            })
        ));
    }
}
