//! Seeding: who plays which role, and which actors a campaign starts from.
//!
//! * [`roles`] assigns opinion leaders and a business account on a
//!   [`SocialGraph`](crate::SocialGraph) by a centrality;
//! * [`SeedRule`] proposes seeds on a frozen [`Network`](crate::Network)
//!   (listed ids, every opinion leader, every business, the most central,
//!   or a random draw), and a [`SeedPlan`] takes them within a budget at
//!   [`SeedPrices`] by role. A plan is the `seeding` object of a scenario
//!   document, and works without one;
//! * a [`SeedSelector`] chooses `k` seeds among candidates for influence
//!   maximisation: by reverse influence sampling ([`Imm`], [`Opim`]) or by
//!   a heuristic ([`RandomSeeds`], [`Degree`], [`DegreeDiscount`],
//!   [`PageRankSeeds`], [`KCore`]).
//!
//! Each building block exists once and everything above uses it:
//! [`rank_by_score`] ranks nodes (leaders, the `top` and `opinion_leaders`
//! rules), [`sample_distinct`] draws distinct nodes (the `random` rule, a
//! brand's random followers), [`first_repeat`] finds a node listed twice
//! (seed ids, listed followers, a target audience's ids), and
//! [`check_amount`] checks every money amount (budgets, prices, and the
//! amounts given to the [`kpi`](crate::kpi)s).
//!
//! Resolution is public at every level, so that a program of its own
//! resolves a document's seeding exactly as a scenario run does:
//! [`SeedRule::propose`] turns a rule into node indices, [`SeedPrices::of`]
//! prices a node by its role, [`fits_budget`] is the budget rule, and
//! [`SeedPlan::choose`] combines them;
//! [`Scenario::seeds`](crate::scenario::Scenario::seeds) does it for a
//! whole scenario, with the scenario's master seed and error paths.
//!
//! # Example
//! ```
//! use wom::generate::{holme_kim, HolmeKim};
//! use wom::seeding::{assign_opinion_leaders, Centrality, LeaderCount, LeaderSelection};
//! use wom::seeding::{SeedPlan, SeedPrices, SeedRule};
//! use wom::OpinionLeader;
//!
//! let mut graph = holme_kim(&HolmeKim { n: 500, m: 3, triad_probability: 0.5 }, 7)?;
//! let selection = LeaderSelection { by: Centrality::Followers, count: LeaderCount::Top(10) };
//! assign_opinion_leaders(&mut graph, &selection, &OpinionLeader::default())?;
//! let network = graph.freeze()?;
//!
//! // Every leader, most followed first, at 200 each within 1,000.
//! let prices = SeedPrices([("opinion_leader".to_string(), 200.0.into())].into());
//! let plan = SeedPlan::new(SeedRule::OpinionLeaders, Some(1_000.0), prices)?;
//! let seeds = plan.choose(&network, 1)?;
//! assert_eq!((seeds.nodes.len(), seeds.proposed, seeds.cost), (5, 10, 1_000.0));
//! # Ok::<(), wom::Error>(())
//! ```

mod budget;
mod celf;
mod cover;
mod distinct;
mod heuristics;
mod methods;
mod rank;
mod ris;
pub mod roles;
mod rr;
mod rules;
mod sample;
mod select;
mod split;

pub use budget::{MAX_AMOUNT, Price, SeedPrices, check_amount, fits_budget};
pub use celf::Celf;
pub use cover::{Greedy, InvertedRr};
pub use distinct::{first_repeat, resolve_ids};
pub use heuristics::{Degree, DegreeDiscount, DegreeKind, KCore, PageRankSeeds, RandomSeeds};
pub use methods::{Candidates, RunModel, SelectMethod, SelectRule};
pub use rank::rank_by_score;
pub use ris::{BudgetedOpim, Imm, Opim, rr_estimate};
pub use roles::{
    Audience, Centrality, LeaderCount, LeaderSelection, add_business, assign_opinion_leaders,
};
pub use rr::{RrSampler, RrSets};
pub use rules::{SeedPlan, SeedRule, Seeds};
pub use sample::sample_distinct;
pub use select::{Diffusion, SeedRequest, SeedSelector, Selection, SelectionProgress, Work};
pub use split::{
    DEFAULT_SEED_SHARES, Objective, SplitOptions, SplitPlan, SplitPoint, SplitReport, split_budget,
};
