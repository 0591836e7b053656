//! Read-only measures of a frozen [`Network`](crate::Network): who is
//! central ([`centrality`]: followers, PageRank, k-core) and what the
//! network looks like ([`stats`]: sizes, degrees, components).

pub mod centrality;
pub mod stats;
