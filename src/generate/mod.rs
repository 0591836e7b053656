//! Seeded random-graph generators: the classic models of social networks,
//! as [`SocialGraph`]s of consumers.
//!
//! | function | model | paper |
//! |---|---|---|
//! | [`gnp`] | Erdős–Rényi G(n, p) | Gilbert 1959; Batagelj & Brandes 2005 |
//! | [`gnm`] | Erdős–Rényi G(n, m) | Erdős & Rényi 1959 |
//! | [`barabasi_albert`] | preferential attachment | Barabási & Albert 1999 |
//! | [`watts_strogatz`] | small world | Watts & Strogatz 1998 |
//! | [`holme_kim`] | preferential attachment with tunable clustering | Holme & Kim 2002 |
//! | [`stochastic_block_model`] | communities | Holland, Laskey & Leinhardt 1983 |
//!
//! Every generator takes its parameters as a struct (serializable, so a
//! scenario document can name a generator, see [`Generator`]) and a `seed`,
//! and runs in time near-linear in the number of edges it makes. The same
//! parameters and seed give the same graph, edge for edge and in the same
//! order, on every platform: the only source of randomness is
//! [`stream_rng(seed, 0)`](crate::rng::stream_rng) and `wom`'s own samplers
//! ([`below`], [`bernoulli`], [`geometric_skip`]), never `rand`'s
//! distributions, whose values may change between `rand` releases. Changing
//! the order or number of draws here is a value-breaking change.
//!
//! What every generated graph looks like:
//!
//! * node `i` (petgraph index `i`) is a default [`Consumer`] with external id
//!   [`NodeId::Num(i)`](NodeId::Num), for `i` in `0..n`; turn some into
//!   opinion leaders with [`roles`](crate::roles);
//! * an undirected edge `{u, v}` is a friendship, two arcs `u -> v` and
//!   `v -> u` of [`SocialTie::friendship`]; a directed edge `u -> v` is one
//!   arc of [`SocialTie::follow`] (`v` follows `u`). The parameters that
//!   choose between them are a [`Relation`] (`direction`), as for the file
//!   readers;
//! * every tie has trust [`GENERATED_TRUST`] (1.0). Rescale it with
//!   [`SocialGraph::tie_mut`], or let a propagation model apply its own
//!   probabilities;
//! * there are no self-loops and no repeated edges.
//!
//! Parameters are validated before anything is generated; problems come back
//! as [`Error`], never as a panic.

// Items named in the documentation only.
#[cfg(doc)]
use crate::rng::{below, bernoulli, geometric_skip};
#[cfg(doc)]
use crate::{Consumer, Error, NodeId, Relation, SocialGraph, SocialTie};

mod blocks;
mod builder;
mod growth;
mod random;
mod small_world;
mod spec;

pub use blocks::{StochasticBlockModel, stochastic_block_model};
pub use growth::{BarabasiAlbert, HolmeKim, barabasi_albert, holme_kim};
pub use random::{Gnm, Gnp, gnm, gnp};
pub use small_world::{WattsStrogatz, watts_strogatz};
pub(crate) use spec::Fields;
pub use spec::Generator;

/// The trust of every tie a generator makes.
///
/// Rescale it afterwards with [`SocialGraph::tie_mut`], or let a propagation
/// model apply its own probabilities.
pub const GENERATED_TRUST: f64 = 1.0;
