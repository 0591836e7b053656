//! # wom: word-of-mouth marketing communication on social networks
//!
//! `wom` simulates how opinions about a product travel over a social
//! network: businesses plan campaigns and pay opinion leaders, opinion
//! leaders and consumers pass opinions on through private messages,
//! comments, posts, groups and advertising, and consumers adopt and talk
//! about their experience. See `docs/concepts.md` for the domain and how it
//! maps onto these types.
//!
//! Two layers:
//!
//! * the **modelling layer**, a [`SocialGraph`]: a petgraph graph whose nodes
//!   are [`Actor`]s and whose edges are [`Tie`]s, with external ids and
//!   groups; easy to build, edit and inspect;
//! * the **execution layer**, a [`Network`]: the compact frozen form (CSR
//!   arrays, 8 bytes per arc) that propagation kernels run on. Freeze once,
//!   run many times.
//!
//! Around them: [`Channel`]s (who can receive a sender's message, and how
//! persuasively), [`Message`]s (what travels), readers for edge-list files
//! ([`io`]), seeded graph generators ([`generate`]), centralities and role
//! assignment ([`centrality`], [`roles`]), summaries ([`stats`]) and the
//! structural figures researchers quote ([`analysis::structure`]:
//! triangles, clustering, diameters, reciprocity, assortativity).
//! Models are fitted to data with standard errors and intervals by
//! [`fit`]: the Bass model to a sales series, an independent cascade's
//! transmission probability to observed cascades, a branching process's
//! reproduction number to cascade sizes (`docs/fitting.md`).
//! A whole study is one JSON [`scenario`] document; a
//! [`scenario::Registry`] lets documents name models and roles of other
//! crates, and `wom::cli::run` (feature `cli`) is the `wom` command line
//! as a function of a registry, for a downstream crate's own binary
//! (`docs/scenario.md`, "Your own models in documents").
//!
//! ## Quick start
//! ```
//! use wom::generate::{holme_kim, HolmeKim};
//! use wom::roles::{assign_opinion_leaders, LeaderSelection, Centrality, LeaderCount};
//! use wom::OpinionLeader;
//!
//! // A 2,000-consumer network with a power-law degree and clustering.
//! let mut graph = holme_kim(&HolmeKim { n: 2_000, m: 3, triad_probability: 0.5 }, 7)?;
//! // The 1% with the most followers become opinion leaders.
//! let selection = LeaderSelection { by: Centrality::Followers, count: LeaderCount::Fraction(0.01) };
//! let leaders = assign_opinion_leaders(&mut graph, &selection, &OpinionLeader::default())?;
//! assert_eq!(leaders.len(), 20);
//!
//! let network = graph.freeze()?;
//! let summary = wom::stats::summarize(&network);
//! assert_eq!(summary.nodes, 2_000);
//! assert_eq!(summary.roles["opinion_leader"], 20);
//! # Ok::<(), wom::Error>(())
//! ```
//!
//! ## How a message travels, and where your types plug in
//! A campaign ([`propagation::Campaign`]) follows one sentence: a sender
//! chooses a channel and says a message to receivers over ties; each
//! receiver responds according to who spoke, through which medium, what
//! was said and what it has heard before; adopters experience the product
//! and speak in turn. Each arrow is a small trait with one required method,
//! and the built-ins are its defaults:
//!
//! ```text
//! Voice::compose -> Message::relay -> Channel::deliver(Outgoing) -> Delivery (+ delay)
//!   -> Response::persuasion(Reception) -> adoption record (once per node)
//!   -> OnAdopt::adopt (the adopter's memory) -> what it says next -> observers
//! ```
//!
//! Roles are [`Actor`]s (their profile, sponsorship and any data of your
//! own survive freezing: [`SocialGraph::freeze_with`]); several models
//! compose over one adoption record. `docs/extending.md` walks a study of
//! your own from `cargo new` to a chart: a skeptic role, a story channel,
//! a response that discounts sponsored talk, product-experience WOM, an
//! ensemble with KPIs and a chart; `examples/product_experience.rs` is the
//! full version.
//!
//! ## Reproducibility
//! Every random choice goes through the named generator [`rng::WomRng`]
//! (xoshiro256++) seeded from a master seed and a stream index
//! ([`rng::stream_rng`]); the same seed gives the same graph and the same
//! results on every platform.
//!
//! ## Errors
//! Nothing supplied from outside (files, parameters, node ids) makes `wom`
//! panic: problems come back as [`Error`], naming the file and line where
//! there is one.

#![doc(test(attr(deny(warnings))))]

pub mod analysis;
#[cfg(feature = "cli")]
pub mod cli;
pub mod communication;
pub mod ensemble;
pub mod error;
pub mod fit;
pub mod generate;
pub mod io;
pub mod kpi;
pub mod network;
pub mod observed;
pub mod output;
pub mod propagation;
pub mod rng;
pub mod scenario;
pub mod seeding;
pub mod social;

// The paths of the flat layout before 0.2 keep working.
pub use analysis::{centrality, stats};
pub use communication::{channel, message};
#[cfg(feature = "charts")]
pub use output::chart;
pub use output::export;
pub use seeding::roles;
pub use social::{actor, id, tie};

pub use communication::{
    BuiltinChannel, Channel, ChannelId, Delivery, Hop, Message, OUTSIDE, Outgoing, Polarity,
    ProductId, Valence, WomMessage,
};
pub use error::{Error, FieldPath, Location, Result, Segment};
pub use network::{Adjacent, Csr, Network, NetworkId, RoleId};
pub use social::{
    Actor, BuiltinActor, BusinessOrganization, Consumer, Group, IdMap, NodeId, OpinionLeader,
    Profile, Relation, SocialGraph, SocialTie, Sponsorship, Tie,
};

/// The README's code runs as a doctest, so its example cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

/// The Rust examples of the guides in `docs/` run as doctests too.
#[cfg(doctest)]
pub mod guides {
    /// `docs/architecture.md`.
    #[doc = include_str!("../docs/architecture.md")]
    pub struct Architecture;
    /// `docs/concepts.md`.
    #[doc = include_str!("../docs/concepts.md")]
    pub struct Concepts;
    /// `docs/fitting.md`.
    #[doc = include_str!("../docs/fitting.md")]
    pub struct Fitting;
    /// `docs/extending.md` (its last example is the command line's).
    #[cfg(feature = "cli")]
    #[doc = include_str!("../docs/extending.md")]
    pub struct Extending;
    /// `docs/kpis.md`.
    #[doc = include_str!("../docs/kpis.md")]
    pub struct Kpis;
    /// `docs/models.md`.
    #[doc = include_str!("../docs/models.md")]
    pub struct Models;
    /// `docs/network.md`.
    #[doc = include_str!("../docs/network.md")]
    pub struct Network;
    /// `docs/performance.md`.
    #[doc = include_str!("../docs/performance.md")]
    pub struct Performance;
    /// `docs/reliability.md`.
    #[doc = include_str!("../docs/reliability.md")]
    pub struct Reliability;
    /// `docs/scenario.md`.
    #[doc = include_str!("../docs/scenario.md")]
    pub struct Scenario;
    /// `docs/scale.md`.
    #[doc = include_str!("../docs/scale.md")]
    pub struct Scale;
    /// `docs/seeding.md`.
    #[doc = include_str!("../docs/seeding.md")]
    pub struct Seeding;
}
