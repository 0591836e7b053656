//! The modelling layer: who is in the network and how they are tied.
//!
//! A [`SocialGraph`] is a petgraph graph whose nodes are [`Actor`]s
//! (business organizations, opinion leaders, consumers, or a role of your
//! own) and whose edges are [`Tie`]s (follow or friendship, with a trust in
//! [0, 1]), with the external id of every node ([`IdMap`]) and the groups
//! (forums, communities) it belongs to. It is the form a researcher builds,
//! edits and inspects; [`SocialGraph::freeze`] turns it into the
//! [`Network`](crate::Network) that propagation runs on.

pub mod actor;
pub mod graph;
pub mod id;
pub mod tie;

pub use actor::{
    Actor, BuiltinActor, BusinessOrganization, Consumer, OpinionLeader, Profile, Sponsorship,
};
pub use graph::{Group, SocialGraph};
pub use id::{IdMap, NodeId};
pub use tie::{Relation, SocialTie, Tie};
