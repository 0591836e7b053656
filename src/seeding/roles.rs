//! Role assignment: turning consumers into opinion leaders, and giving a
//! brand its own account with followers.
//!
//! * [`assign_opinion_leaders`] ranks the consumers of a graph by a
//!   [`Centrality`] and makes the top ones [`OpinionLeader`]s;
//! * [`add_business`] adds a [`BusinessOrganization`]'s account and makes an
//!   [`Audience`] of the existing accounts follow it.
//!
//! Both work on any actor type, not only
//! [`BuiltinActor`](crate::BuiltinActor): they read roles through
//! [`Actor::role`] (the names in [`actor::roles`](crate::actor::roles)) and
//! build the new actors with `From`. A downstream role enum qualifies when
//! it implements `From<OpinionLeader>` (for [`assign_opinion_leaders`]) or
//! `From<BusinessOrganization>` (for [`add_business`]) and its consumer and
//! business variants return `"consumer"` and `"business"`, as the built-in
//! actors do.
//!
//! Their general forms take the rules as closures and need nothing of the
//! actor type but [`Actor`]: [`assign_role`] (who is eligible, what a
//! chosen node becomes) and [`add_account`] (the new account, who may
//! follow it, each follower's tie). The two built-in functions are these
//! with the rules above, and give the same results.
//!
//! Orientation, as everywhere in `wom`: an arc `u -> v` means that `v`
//! hears `u`, that is **`v` follows `u`**. A node's followers are its
//! out-neighbours; see [`centrality`](crate::centrality) for how each
//! centrality reads the arcs.
//!
//! # Example
//! ```
//! use wom::{BusinessOrganization, Consumer, OpinionLeader, SocialGraph, SocialTie};
//! use wom::roles::{add_business, assign_opinion_leaders, Audience, Centrality, LeaderCount, LeaderSelection};
//!
//! // Five consumers; 0 is followed by 1, 2 and 3, and 1 by 4.
//! let mut g: SocialGraph = SocialGraph::new();
//! let c: Vec<_> = (0..5u64).map(|i| g.add_actor(i, Consumer::default().into())).collect::<Result<_, _>>()?;
//! for (u, v) in [(0, 1), (0, 2), (0, 3), (1, 4)] {
//!     g.add_tie(c[u], c[v], SocialTie::follow(0.5))?;
//! }
//! let selection = LeaderSelection { by: Centrality::Followers, count: LeaderCount::Top(1) };
//! let leaders = assign_opinion_leaders(&mut g, &selection, &OpinionLeader::default())?;
//! assert_eq!(leaders, [c[0]]);
//!
//! // The brand's account, followed by two of the five, drawn at random.
//! let brand = add_business(&mut g, "acme", BusinessOrganization::new("Acme"), &Audience::Count(2), 0.3, 7)?;
//! assert_eq!(g.graph().edges(brand).count(), 2);
//! # Ok::<(), wom::Error>(())
//! ```

use petgraph::graph::NodeIndex;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, BusinessOrganization, OpinionLeader, roles};
use crate::centrality::{PageRankOptions, core_numbers, followers, pagerank};
use crate::error::{Error, Result, check_probability};
use crate::id::NodeId;
use crate::network::Network;
use crate::rng::stream_rng;
use crate::social::SocialGraph;
use crate::tie::{SocialTie, Tie};

use super::distinct::first_repeat;
use super::rank::rank_by_score;
use super::sample::sample_distinct;

/// The centrality by which nodes are ranked.
///
/// In JSON: `"followers"`, `"k_core"`, or
/// `{"pagerank": {"damping": 0.85}}` (missing PageRank fields take their
/// defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Centrality {
    /// Number of followers: out-degree in `wom`'s orientation
    /// ([`centrality::followers`](crate::centrality::followers)).
    Followers,
    /// PageRank of the follow graph, where rank flows from a follower to the
    /// account it follows
    /// ([`centrality::pagerank`](crate::centrality::pagerank)).
    #[serde(rename = "pagerank")]
    PageRank(PageRankOptions),
    /// k-core number on the undirected simple view
    /// ([`centrality::core_numbers`](crate::centrality::core_numbers)).
    KCore,
}

impl Centrality {
    /// Every node's score under this centrality, higher meaning more
    /// central, as `f64` (follower counts and core numbers are exact).
    ///
    /// # Errors
    /// For [`Centrality::PageRank`], as [`pagerank`]: invalid options or no
    /// convergence. The other two cannot fail.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::roles::Centrality;
    /// let net = Network::from_arcs(3, [(0, 1, 1.0), (0, 2, 1.0)])?;
    /// assert_eq!(Centrality::Followers.scores(&net)?, [2.0, 0.0, 0.0]);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn scores(&self, network: &Network) -> Result<Vec<f64>> {
        Ok(match self {
            Centrality::Followers => followers(network).into_iter().map(f64::from).collect(),
            Centrality::PageRank(options) => pagerank(network, options)?,
            Centrality::KCore => core_numbers(network).into_iter().map(f64::from).collect(),
        })
    }
}

/// How many nodes to select.
///
/// In JSON: `{"top": 20}` or `{"fraction": 0.01}`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderCount {
    /// Exactly this many; more than the eligible nodes is an error.
    Top(usize),
    /// This share of the eligible nodes, in [0, 1]: `(f * eligible).round()`
    /// nodes, where a half rounds up (away from zero): 25% of 10 is 3.
    Fraction(f64),
}

impl LeaderCount {
    /// The number of nodes this count selects out of `eligible`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `Top(k)` with `k > eligible`;
    /// [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a
    /// fraction outside [0, 1] or not finite.
    ///
    /// # Example
    /// ```
    /// use wom::roles::LeaderCount;
    /// assert_eq!(LeaderCount::Fraction(0.01).resolve(2_000)?, 20);
    /// assert_eq!(LeaderCount::Fraction(0.25).resolve(10)?, 3);
    /// assert!(LeaderCount::Top(11).resolve(10).is_err());
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn resolve(&self, eligible: usize) -> Result<usize> {
        match *self {
            LeaderCount::Top(k) => {
                if k > eligible {
                    Err(Error::param(
                        "count",
                        format!("top {k}"),
                        format!("only {eligible} nodes are eligible"),
                    ))
                } else {
                    Ok(k)
                }
            }
            LeaderCount::Fraction(f) => {
                let f = check_probability("fraction", f, None)?;
                // f in [0, 1], so the product is in [0, eligible].
                Ok(((f * eligible as f64).round() as usize).min(eligible))
            }
        }
    }
}

/// Which nodes [`assign_opinion_leaders`] makes opinion leaders: the `count`
/// best consumers `by` a centrality.
///
/// In JSON: `{"by": "followers", "count": {"fraction": 0.01}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderSelection {
    /// The centrality consumers are ranked by.
    pub by: Centrality,
    /// How many to choose.
    pub count: LeaderCount,
}

/// Makes the most central consumers opinion leaders.
///
/// Freezes the graph, scores every node by `selection.by` on the whole
/// network (every node included, whatever its role, so all of them shape
/// the scores), then ranks the **consumers only**: the nodes whose
/// [`Actor::role`] is [`roles::CONSUMER`] (`"consumer"`). No other node is
/// ever chosen: business accounts are never made leaders, nodes that
/// already are opinion leaders stay leaders but are not eligible again and
/// are not counted, and the same holds for any role of your own (a
/// skeptic, a bot ...). Ties are broken by the lower node index, so the
/// result is deterministic. The chosen nodes' actors are replaced by
/// `A::from(*template)`.
///
/// The actor type is generic: [`BuiltinActor`](crate::BuiltinActor) works,
/// and so does a role enum of your own that implements `From<OpinionLeader>`
/// and whose consumer variant's `role()` returns `"consumer"` (for example
/// by delegating to [`Consumer`](crate::Consumer)).
///
/// The count is resolved against the number of eligible consumers (see
/// [`LeaderCount::resolve`]): `Fraction(0.01)` of a graph of 2,000
/// consumers is 20 leaders. Calling the function again selects among the
/// consumers that are left.
///
/// # Arguments
/// * `graph`: the social graph; only the actors of the chosen nodes change.
/// * `selection`: the centrality and how many to choose.
/// * `template`: the leader every chosen consumer becomes.
///
/// # Returns
/// The newly made leaders, most central first.
///
/// # Errors
/// Nothing is changed when an error is returned.
/// * as [`SocialGraph::freeze`] (an invalid trust edited in);
/// * as [`Centrality::scores`] (invalid PageRank options, no convergence);
/// * as [`LeaderCount::resolve`] (`Top(k)` with more than the eligible
///   consumers, a fraction outside [0, 1]);
/// * [`Error::InvalidParameter`] when the template's fee is negative or not
///   finite.
///
/// # Complexity
/// Time O(n + m) to freeze, plus the centrality's cost (O(n) followers,
/// O(n + m) k-core, O(i (n + m)) PageRank for i iterations), plus O(n) to
/// find the c consumers and O(c log c) to rank them with
/// [`rank_by_score`] (one call of
/// [`Actor::role`] per node). Extra space O(n + m): the frozen network (and
/// the centrality's own working space, see
/// [`centrality`](crate::centrality)), the n scores and the c ranked
/// consumers.
///
/// # Example
/// ```
/// use wom::{Consumer, OpinionLeader, SocialGraph, SocialTie, Actor};
/// use wom::roles::{assign_opinion_leaders, Centrality, LeaderCount, LeaderSelection};
///
/// // Node 0 has two followers, 1 has one, 2 has one: 0 first, then 1 (lower index than 2).
/// let mut g: SocialGraph = SocialGraph::new();
/// let n: Vec<_> = (0..4u64).map(|i| g.add_actor(i, Consumer::default().into())).collect::<Result<_, _>>()?;
/// for (u, v) in [(0, 1), (0, 3), (1, 2), (2, 3)] {
///     g.add_tie(n[u], n[v], SocialTie::follow(1.0))?;
/// }
/// let selection = LeaderSelection { by: Centrality::Followers, count: LeaderCount::Top(2) };
/// let leaders = assign_opinion_leaders(&mut g, &selection, &OpinionLeader::default())?;
/// assert_eq!(leaders, [n[0], n[1]]);
/// assert_eq!(g.actor(n[1]).map(|a| a.role()), Some("opinion_leader"));
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # Reference
/// Seeding by degree and PageRank: J. Goldenberg, S. Han, D. R. Lehmann and
/// J. W. Hong, "The role of hubs in the adoption process", *Journal of
/// Marketing* 73(2), 1-13, 2009; O. Hinz, B. Skiera, C. Barrot and J. U.
/// Becker, "Seeding models for viral marketing: an empirical comparison",
/// *Journal of Marketing* 75(6), 55-71, 2011. k-core: M. Kitsak et al.,
/// "Identification of influential spreaders in complex networks", *Nature
/// Physics* 6, 888-893, 2010.
pub fn assign_opinion_leaders<A, T>(
    graph: &mut SocialGraph<A, T>,
    selection: &LeaderSelection,
    template: &OpinionLeader,
) -> Result<Vec<NodeIndex>>
where
    A: Actor + From<OpinionLeader>,
    T: Tie,
{
    if !(template.fee.is_finite() && template.fee >= 0.0) {
        return Err(Error::param(
            "fee",
            template.fee,
            "an opinion leader's fee must be a finite number >= 0",
        ));
    }
    assign_role(
        graph,
        selection,
        |a| a.role() == roles::CONSUMER,
        |_| A::from(*template),
    )
}

/// Gives the most central eligible nodes a new actor, for any actor type:
/// the general form of [`assign_opinion_leaders`].
///
/// Freezes the graph, scores every node by `selection.by` on the whole
/// network (every node included, eligible or not), then ranks the nodes
/// for which `eligible(actor)` is true by score, ties broken by the lower
/// node index, and replaces the actor of each of the first
/// `selection.count` of them (resolved against the number of eligible
/// nodes, see [`LeaderCount::resolve`]) by `make(&old_actor)`. `eligible`
/// is called once per node in index order, `make` once per chosen node,
/// most central first. Ids, ties and groups do not change.
///
/// [`assign_opinion_leaders`] is this function with `eligible` = "the role
/// is `"consumer"`" and `make` = "the template leader", and chooses the
/// same nodes in the same order.
///
/// # Arguments
/// * `graph`: the social graph; only the actors of the chosen nodes change.
/// * `selection`: the centrality and how many to choose.
/// * `eligible`: which actors may be chosen.
/// * `make`: the new actor of a chosen node, from its old one (to keep
///   its fields, or to ignore it).
///
/// # Returns
/// The chosen nodes, most central first.
///
/// # Errors
/// Nothing is changed when an error is returned.
/// * as [`SocialGraph::freeze`] (an invalid trust edited in);
/// * as [`Centrality::scores`] (invalid PageRank options, no convergence);
/// * as [`LeaderCount::resolve`] (`Top(k)` with more than the eligible
///   nodes, a fraction outside [0, 1]).
///
/// # Complexity
/// As [`assign_opinion_leaders`], with one call of `eligible` per node and
/// one of `make` per chosen node instead of the role comparisons.
///
/// # Example
/// ```
/// use wom::{Actor, SocialGraph};
/// use wom::roles::{assign_role, Centrality, LeaderCount, LeaderSelection};
///
/// /// A downstream role type: followers of a creator may become creators.
/// #[derive(Debug, Clone, PartialEq)]
/// enum Mine { Follower { since: u32 }, Creator { since: u32 }, Bot }
/// impl Actor for Mine {
///     fn role(&self) -> &str {
///         match self { Mine::Follower { .. } => "follower", Mine::Creator { .. } => "creator", Mine::Bot => "bot" }
///     }
/// }
///
/// // 0 (a bot) has three followers, 1 has two, 2 has one.
/// let mut g: SocialGraph<Mine, f64> = SocialGraph::new();
/// let n: Vec<_> = (0..5u32)
///     .map(|i| g.add_actor(i, if i == 0 { Mine::Bot } else { Mine::Follower { since: 2020 + i } }))
///     .collect::<Result<_, _>>()?;
/// for (u, v) in [(0, 2), (0, 3), (0, 4), (1, 3), (1, 4), (2, 4)] {
///     g.add_tie(n[u], n[v], 1.0)?;
/// }
/// let selection = LeaderSelection { by: Centrality::Followers, count: LeaderCount::Top(2) };
/// let chosen = assign_role(
///     &mut g,
///     &selection,
///     |a| matches!(a, Mine::Follower { .. }),
///     |a| match a { Mine::Follower { since } => Mine::Creator { since: *since }, other => other.clone() },
/// )?;
/// assert_eq!(chosen, [n[1], n[2]]); // the bot is not eligible
/// assert_eq!(g.actor(n[1]), Some(&Mine::Creator { since: 2021 }));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn assign_role<A, T, E, M>(
    graph: &mut SocialGraph<A, T>,
    selection: &LeaderSelection,
    mut eligible: E,
    mut make: M,
) -> Result<Vec<NodeIndex>>
where
    A: Actor,
    T: Tie,
    E: FnMut(&A) -> bool,
    M: FnMut(&A) -> A,
{
    let network = graph.freeze()?;
    let scores = selection.by.scores(&network)?;
    // A frozen network has fewer than 2^32 nodes, so indices fit a u32.
    let mut candidates: Vec<u32> = graph
        .graph()
        .node_indices()
        .filter(|&v| graph.actor(v).is_some_and(&mut eligible))
        .map(|v| v.index() as u32)
        .collect();
    let k = selection.count.resolve(candidates.len())?;
    rank_by_score(&mut candidates, &scores)?;
    let chosen: Vec<NodeIndex> = candidates
        .iter()
        .take(k)
        .map(|&v| NodeIndex::new(v as usize))
        .collect();
    for &v in &chosen {
        if let Some(actor) = graph.actor_mut(v) {
            let new = make(actor);
            *actor = new;
        }
    }
    Ok(chosen)
}

/// Who follows a brand's new account in [`add_business`].
///
/// Only existing **non-business** accounts can be followers: every node
/// whose [`Actor::role`] is not [`roles::BUSINESS`] (`"business"`), that
/// is consumers, opinion leaders and any role of your own. The random
/// variants draw a uniform sample without replacement.
///
/// In JSON: `"all"`, `{"fraction": 0.1}`, `{"count": 50}` or
/// `{"nodes": [3, "ann"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Every existing non-business account.
    All,
    /// This share of the non-business accounts, in [0, 1], drawn at random:
    /// `(f * eligible).round()` of them (a half rounds up).
    Fraction(f64),
    /// Exactly this many non-business accounts, drawn at random.
    Count(usize),
    /// These accounts, by external id, in this order. Each must exist, must
    /// not be a business and must be listed once.
    Nodes(Vec<NodeId>),
}

/// Adds a brand's account to the graph, followed by an [`Audience`] of the
/// existing accounts.
///
/// The account gets the external id `id` and the actor `A::from(business)`.
/// For each follower `v` one arc `brand -> v` with tie
/// `T::from(`[`SocialTie::follow`]`(trust))` is added: `v` follows the brand
/// and hears what it posts. Followers drawn at random
/// ([`Audience::Fraction`], [`Audience::Count`]) are a uniform sample
/// without replacement of the existing non-business accounts, drawn by
/// [`sample_distinct`] (a partial
/// Fisher-Yates shuffle) on
/// [`rng::stream_rng`](crate::rng::stream_rng)`(seed, 0)`, so the same
/// graph and seed give the same followers on every platform; their arcs are
/// added in increasing node order. For [`Audience::All`] the arcs are added
/// in node order, for [`Audience::Nodes`] in the order given.
///
/// The actor and tie types are generic:
/// [`BuiltinActor`](crate::BuiltinActor) with [`SocialTie`] works, and so
/// does a role enum of your own that implements `From<BusinessOrganization>`
/// (its business variant's `role()` should return `"business"`, so that the
/// account cannot be drawn as a follower of a later brand) with any tie that
/// implements `From<SocialTie>`, such as `f64` (which keeps the trust).
///
/// # Arguments
/// * `graph`: the graph to add the account to.
/// * `id`: the new account's external id; must not be taken.
/// * `business`: the brand.
/// * `followers`: who follows the account.
/// * `trust`: the trust of every new follow tie, in [0, 1].
/// * `seed`: master seed of the random draw (ignored by `All` and `Nodes`).
///
/// # Returns
/// The index of the new account.
///
/// # Errors
/// Everything is checked before the graph is changed; on error it is left
/// as it was.
/// * [`Error::DuplicateNodeId`] when `id` is taken;
/// * [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for a trust
///   or an audience fraction outside [0, 1] or not finite, including a
///   trust that `T::from` turns into one;
/// * [`Error::InvalidParameter`] for a count larger than the number of
///   non-business accounts, or a listed account that is a business or is
///   listed twice (the first repeat in list order is named);
/// * [`Error::UnknownNode`] for a listed id that is not in the graph
///   (unknown and business ids are reported before repeated ones);
/// * [`Error::TooManyNodes`] when the graph is full.
///
/// # Complexity
/// For k followers, with an expected O(1) hash lookup per external id:
/// * [`Audience::All`]: time O(n), extra space O(n) (the list of the
///   k <= n eligible accounts and their ties);
/// * [`Audience::Fraction`], [`Audience::Count`]: time O(n + k log k) (list
///   the eligible accounts, shuffle k of them, sort those k), extra space
///   O(n) for the list;
/// * [`Audience::Nodes`]: time O(k log k)
///   ([`first_repeat`] finds a repeated
///   one), extra space O(k), whatever the size of the graph.
///
/// Plus one call of [`Actor::role`] per node checked, and amortised O(1) per
/// node and arc added to the graph.
///
/// # Example
/// ```
/// use wom::{BusinessOrganization, Consumer, NodeId, SocialGraph};
/// use wom::roles::{add_business, Audience};
///
/// let mut g: SocialGraph = SocialGraph::new();
/// for i in 0..10u64 {
///     g.add_actor(i, Consumer::default().into())?;
/// }
/// let audience = Audience::Nodes(vec![NodeId::Num(2), NodeId::Num(5)]);
/// let brand = add_business(&mut g, "acme", BusinessOrganization::new("Acme"), &audience, 0.4, 0)?;
/// let followers: Vec<_> = g.graph().neighbors(brand).map(|v| v.index()).collect();
/// assert_eq!(followers.len(), 2);
/// assert!(followers.contains(&2) && followers.contains(&5));
/// # Ok::<(), wom::Error>(())
/// ```
pub fn add_business<A, T>(
    graph: &mut SocialGraph<A, T>,
    id: impl Into<NodeId>,
    business: BusinessOrganization,
    followers: &Audience,
    trust: f64,
    seed: u64,
) -> Result<NodeIndex>
where
    A: Actor + From<BusinessOrganization>,
    T: Tie + From<SocialTie>,
{
    let id = id.into();
    if graph.node(&id).is_ok() {
        return Err(Error::DuplicateNodeId { id: id.to_string() });
    }
    let trust = check_probability("trust", trust, None)?;
    add_followed(
        graph,
        id,
        A::from(business),
        followers,
        |a| a.role() != roles::BUSINESS,
        |_| T::from(SocialTie::follow(trust)),
        seed,
        Wording::Brand,
    )
}

/// Adds an account of any actor type to the graph, followed by an
/// [`Audience`] of the existing accounts that `may_follow` accepts: the
/// general form of [`add_business`].
///
/// The account gets the external id `id` and the actor `account`. For
/// each follower `v` one arc `account -> v` with tie `tie(v)` is added
/// (`v` follows the account). The audience is resolved exactly as in
/// [`add_business`], among the existing nodes whose actor `may_follow`
/// accepts instead of the non-business ones: random audiences are a
/// uniform sample without replacement drawn on
/// [`rng::stream_rng`](crate::rng::stream_rng)`(seed, 0)`, their arcs
/// added in increasing node order; [`Audience::All`] in node order;
/// [`Audience::Nodes`] in the order given. [`add_business`] is this
/// function with `may_follow` = "the role is not `"business"`" and
/// `tie` = a follow tie of the given trust, and adds the same arcs.
///
/// # Arguments
/// * `graph`: the graph to add the account to.
/// * `id`: the new account's external id; must not be taken.
/// * `account`: the new account's actor.
/// * `followers`: who follows the account.
/// * `may_follow`: which existing actors can be followers.
/// * `tie`: the tie of the arc to each follower (its trust must be in
///   [0, 1]).
/// * `seed`: master seed of the random draw (ignored by `All` and `Nodes`).
///
/// # Returns
/// The index of the new account.
///
/// # Errors
/// Everything is checked before the graph is changed; on error it is left
/// as it was.
/// * [`Error::DuplicateNodeId`] when `id` is taken;
/// * [`Error::ProbabilityOutOfRange`] / [`Error::InvalidWeight`] for an
///   audience fraction or a tie's trust outside [0, 1] or not finite;
/// * [`Error::InvalidParameter`] for a count larger than the number of
///   accounts that may follow, or a listed account that may not follow or
///   is listed twice;
/// * [`Error::UnknownNode`] for a listed id that is not in the graph;
/// * [`Error::TooManyNodes`] when the graph is full.
///
/// # Complexity
/// As [`add_business`], with one call of `may_follow` per node checked and
/// one of `tie` per follower.
///
/// # Example
/// ```
/// use wom::{Actor, SocialGraph};
/// use wom::roles::{add_account, Audience};
///
/// #[derive(Debug)]
/// enum Mine { Fan, Shop }
/// impl Actor for Mine {
///     fn role(&self) -> &str { match self { Mine::Fan => "fan", Mine::Shop => "shop" } }
/// }
///
/// let mut g: SocialGraph<Mine, f64> = SocialGraph::new();
/// g.add_actor("shop", Mine::Shop)?;
/// for i in 0..4u64 {
///     g.add_actor(i, Mine::Fan)?;
/// }
/// // Every fan follows the new shop, with a trust that grows with the index.
/// let shop = add_account(&mut g, "shop2", Mine::Shop, &Audience::All,
///     |a| matches!(a, Mine::Fan), |v| 0.1 * v.index() as f64, 0)?;
/// let trust: Vec<f64> = g.graph().edges(shop).map(|e| *e.weight()).collect();
/// assert_eq!(trust.len(), 4);
/// assert!(trust.iter().all(|&t| t > 0.0)); // the first shop (trust 0) is no follower
/// # Ok::<(), wom::Error>(())
/// ```
pub fn add_account<A, T, E, F>(
    graph: &mut SocialGraph<A, T>,
    id: impl Into<NodeId>,
    account: A,
    followers: &Audience,
    may_follow: E,
    tie: F,
    seed: u64,
) -> Result<NodeIndex>
where
    A: Actor,
    T: Tie,
    E: FnMut(&A) -> bool,
    F: FnMut(NodeIndex) -> T,
{
    let id = id.into();
    if graph.node(&id).is_ok() {
        return Err(Error::DuplicateNodeId { id: id.to_string() });
    }
    add_followed(
        graph,
        id,
        account,
        followers,
        may_follow,
        tie,
        seed,
        Wording::Account,
    )
}

/// How the errors of [`add_followed`] name the account and its followers.
#[derive(Debug, Clone, Copy)]
enum Wording {
    /// [`add_business`]: a brand and its non-business followers.
    Brand,
    /// [`add_account`]: any account and the accounts that may follow it.
    Account,
}

impl Wording {
    fn ineligible(self) -> &'static str {
        match self {
            Wording::Brand => "a business account cannot follow the brand",
            Wording::Account => "this account may not follow the new account",
        }
    }

    fn too_few(self, eligible: usize) -> String {
        match self {
            Wording::Brand => {
                format!("only {eligible} non-business accounts can follow the brand")
            }
            Wording::Account => {
                format!("only {eligible} accounts may follow the new account")
            }
        }
    }
}

/// The shared body of [`add_business`] and [`add_account`], once the id
/// is known to be free.
#[allow(clippy::too_many_arguments)]
fn add_followed<A, T, E, F>(
    graph: &mut SocialGraph<A, T>,
    id: NodeId,
    account: A,
    followers: &Audience,
    mut may_follow: E,
    mut tie: F,
    seed: u64,
    wording: Wording,
) -> Result<NodeIndex>
where
    A: Actor,
    T: Tie,
    E: FnMut(&A) -> bool,
    F: FnMut(NodeIndex) -> T,
{
    let existing: &SocialGraph<A, T> = graph;
    let mut eligible = |v: NodeIndex| existing.actor(v).is_some_and(&mut may_follow);
    // The existing accounts that may follow, in node order.
    let mut pool = || -> Vec<NodeIndex> {
        existing
            .graph()
            .node_indices()
            .filter(|&v| eligible(v))
            .collect()
    };
    let chosen: Vec<NodeIndex> = match followers {
        Audience::All => pool(),
        Audience::Fraction(f) => {
            let pool = pool();
            let f = check_probability("fraction", *f, None)?;
            let k = ((f * pool.len() as f64).round() as usize).min(pool.len());
            followers_drawn(pool, k, seed)?
        }
        Audience::Count(k) => {
            let pool = pool();
            if *k > pool.len() {
                return Err(Error::param("count", k, wording.too_few(pool.len())));
            }
            followers_drawn(pool, *k, seed)?
        }
        Audience::Nodes(ids) => {
            let mut nodes = Vec::with_capacity(ids.len());
            for node_id in ids {
                let v = existing.node(node_id)?;
                if !eligible(v) {
                    return Err(Error::param("audience", node_id, wording.ineligible()));
                }
                nodes.push(v);
            }
            if let Some(i) = first_repeat(&nodes) {
                return Err(Error::param("audience", &ids[i], "listed twice"));
            }
            nodes
        }
    };
    // Make and check every tie before the graph changes, so that an
    // invalid trust leaves it as it was.
    let ties = chosen
        .into_iter()
        .map(|v| {
            let t = tie(v);
            check_probability("trust", t.trust(), None)?;
            Ok((v, t))
        })
        .collect::<Result<Vec<(NodeIndex, T)>>>()?;
    let brand = graph.add_actor(id, account)?;
    for (v, t) in ties {
        graph.add_tie(brand, v, t)?;
    }
    Ok(brand)
}

/// A uniform sample of `k` of the accounts in `pool`, drawn on
/// `stream_rng(seed, 0)`, in increasing order.
fn followers_drawn(pool: Vec<NodeIndex>, k: usize, seed: u64) -> Result<Vec<NodeIndex>> {
    let mut drawn = sample_distinct(pool, k, &mut stream_rng(seed, 0))?;
    drawn.sort_unstable();
    Ok(drawn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_forms() {
        let s: LeaderSelection =
            serde_json::from_str(r#"{"by": {"pagerank": {"damping": 0.5}}, "count": {"top": 3}}"#)
                .unwrap();
        assert_eq!(
            s,
            LeaderSelection {
                by: Centrality::PageRank(PageRankOptions {
                    damping: 0.5,
                    ..PageRankOptions::default()
                }),
                count: LeaderCount::Top(3),
            }
        );
        let s: LeaderSelection =
            serde_json::from_str(r#"{"by": "k_core", "count": {"fraction": 0.1}}"#).unwrap();
        assert_eq!(s.by, Centrality::KCore);
        let a: Audience = serde_json::from_str(r#"{"nodes": [3, "ann"]}"#).unwrap();
        assert_eq!(
            a,
            Audience::Nodes(vec![NodeId::Num(3), NodeId::Name("ann".into())])
        );
        assert_eq!(serde_json::to_string(&Audience::All).unwrap(), r#""all""#);
    }
}
