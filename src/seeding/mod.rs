//! Seeding: which actors a campaign starts from, and who plays which role.
//!
//! [`roles`] assigns opinion leaders and a business account on a
//! [`SocialGraph`](crate::SocialGraph) by a centrality.

pub mod roles;
