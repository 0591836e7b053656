//! Read-only measures of a frozen [`Network`](crate::Network): who is
//! central ([`centrality`]: followers, PageRank, k-core), what the
//! network looks like ([`stats`]: sizes, degrees, components) and the
//! structural figures researchers quote ([`structure`]: triangles,
//! clustering, diameters, reciprocity, assortativity).

pub mod centrality;
pub mod stats;
pub mod structure;
