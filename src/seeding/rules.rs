//! Seed rules and seed plans: which nodes a campaign starts from, within
//! its budget.

use serde::{Deserialize, Serialize};

use crate::actor::roles;
use crate::error::{Error, Result};
use crate::id::NodeId;
use crate::network::Network;
use crate::rng::stream_rng;

use super::budget::{SeedPrices, check_amount, fits_budget};
use super::distinct::resolve_ids;
use super::methods::SelectRule;
use super::rank::rank_by_score;
use super::roles::Centrality;
use super::sample::sample_distinct;
use super::select::{Selection, SelectionProgress};
use super::split::SplitPlan;

/// The stream of the master seed that the `random` rule and the
/// [`RandomSeeds`](super::RandomSeeds) selector draw on; no run of an
/// ensemble uses it (runs use the low stream indices).
pub(super) const SEED_STREAM: u64 = u64::MAX;

/// How seeds are chosen (default: every opinion leader).
///
/// In JSON: `{"ids": [3, "ann"]}`, `"opinion_leaders"`, `"business"`,
/// `{"top": {"by": "followers", "count": 10}}`,
/// `{"random": {"count": 5}}` or a selector,
/// `{"select": {"k": 10, "method": {"opim": {...}}}}` ([`SelectRule`]).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SeedRule {
    /// These nodes, by external id, in this order.
    Ids(Vec<NodeId>),
    /// Every opinion leader, most followed first.
    #[default]
    OpinionLeaders,
    /// Every business account, in node order.
    Business,
    /// The `count` most central nodes.
    Top {
        /// The centrality.
        by: Centrality,
        /// How many.
        count: usize,
    },
    /// `count` distinct nodes drawn uniformly with the master seed.
    Random {
        /// How many.
        count: usize,
    },
    /// `k` seeds chosen by a selector (OPIM-C, IMM, degree ...) among the
    /// candidates.
    Select(SelectRule),
}

/// An error at `prefix` (a JSON path within a rule or plan): a document
/// error found deeper keeps its path below `prefix`.
fn nest(prefix: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::InvalidDocument { path, reason } => Error::InvalidDocument {
            path: format!("{prefix}{}", path.trim_start_matches('$')),
            reason,
        },
        other => Error::InvalidDocument {
            path: prefix.to_string(),
            reason: other.to_string(),
        },
    }
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        path: path.into(),
        reason: reason.into(),
    }
}

/// `node <id>`, or `node #<index>` for a node without an external id.
fn id_text(network: &Network, v: u32) -> String {
    network
        .id_of(v)
        .map_or_else(|| format!("node #{v}"), |id| format!("node {id}"))
}

impl SeedRule {
    /// Checks what needs no network: a rule must ask for at least one seed.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at the field, as a path within the rule's
    /// JSON (`$.ids` for no id, `$.top.count` or `$.random.count` for a
    /// count of 0).
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Example
    /// ```
    /// use wom::seeding::SeedRule;
    /// assert!(SeedRule::Random { count: 3 }.validate().is_ok());
    /// let err = SeedRule::Random { count: 0 }.validate().unwrap_err();
    /// assert!(err.to_string().contains("$.random.count"), "{err}");
    /// ```
    pub fn validate(&self) -> Result<()> {
        match self {
            SeedRule::Ids(ids) if ids.is_empty() => Err(invalid("$.ids", "no seed given")),
            SeedRule::Top { count: 0, .. } => Err(invalid("$.top.count", "must be at least 1")),
            SeedRule::Random { count: 0 } => Err(invalid("$.random.count", "must be at least 1")),
            SeedRule::Select(rule) if rule.k == 0 => {
                Err(invalid("$.select.k", "must be at least 1"))
            }
            _ => Ok(()),
        }
    }

    /// The seeds this rule proposes on `network`, in the rule's order,
    /// before any budget.
    ///
    /// * [`Ids`](SeedRule::Ids): the listed nodes, in the order given.
    /// * [`OpinionLeaders`](SeedRule::OpinionLeaders): every node of role
    ///   `"opinion_leader"`, ranked by followers
    ///   ([`rank_by_score`](crate::seeding::rank_by_score): most first,
    ///   ties to the lower index).
    /// * [`Business`](SeedRule::Business): every node of role
    ///   `"business"`, in node order.
    /// * [`Top`](SeedRule::Top): every node ranked by the centrality
    ///   (as above), the first `count`.
    /// * [`Random`](SeedRule::Random): `count` distinct nodes drawn by
    ///   [`sample_distinct`](crate::seeding::sample_distinct) from the nodes
    ///   in index order, on stream `u64::MAX` of `master_seed`
    ///   ([`stream_rng`](crate::rng::stream_rng)), which no run uses.
    ///
    /// The nodes in `taken` (another brand's seeds) are not eligible: the
    /// role, `top` and `random` rules choose among the others, and a listed
    /// id that is taken is an error.
    ///
    /// # Arguments
    /// * `network`: the network, with roles assigned.
    /// * `master_seed`: the seed of the `random` rule's draw (ignored by
    ///   the others).
    /// * `taken`: node indices that may not be seeds; usually empty.
    ///
    /// # Returns
    /// The proposed node indices, without repeats.
    ///
    /// # Errors
    /// [`Error::UnknownNode`] when a node of `taken` is not in `network`.
    /// Otherwise [`Error::InvalidDocument`], its path within the rule's
    /// JSON:
    /// * as [`validate`](SeedRule::validate);
    /// * `$.ids[i]`: an id that is not in the network, is listed twice or is
    ///   taken;
    /// * `$.opinion_leaders`, `$.business`: no node of that role (or every
    ///   one taken);
    /// * `$.top.count`, `$.random.count`: more seeds than eligible nodes;
    /// * `$.top.by`: the centrality failed (invalid PageRank options, no
    ///   convergence).
    ///
    /// # Complexity
    /// Time O(n) for n nodes to mark the taken ones and list the eligible,
    /// plus: O(k log k) for k ids; O(n) for a role and O(c log c) to rank
    /// its c nodes by followers; the centrality's cost and O(n log n) to
    /// rank for `top`; O(count) draws for `random`. Extra space O(n).
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::seeding::{Centrality, SeedRule};
    /// // 0 has two followers, 1 has one.
    /// let net = Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (1, 3, 1.0)])?;
    /// let top = SeedRule::Top { by: Centrality::Followers, count: 2 };
    /// assert_eq!(top.propose(&net, 0, &[])?, [0, 1]);
    /// // With 0 taken by a rival, the next two.
    /// assert_eq!(top.propose(&net, 0, &[0])?, [1, 2]);
    /// let drawn = SeedRule::Random { count: 3 }.propose(&net, 42, &[])?;
    /// assert_eq!(drawn.len(), 3);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn propose(&self, network: &Network, master_seed: u64, taken: &[u32]) -> Result<Vec<u32>> {
        self.validate()?;
        let n = network.node_count();
        let mut skip = vec![false; n];
        for &v in taken {
            let Some(s) = skip.get_mut(v as usize) else {
                return Err(Error::UnknownNode {
                    id: format!("taken node index {v} (network has {n} nodes)"),
                });
            };
            *s = true;
        }
        let eligible = |v: &u32| !skip[*v as usize];
        let available = (0..n as u32).filter(eligible).count();
        let too_many = |count: usize| {
            if taken.is_empty() {
                format!("{count} seeds asked of a network of {n} nodes")
            } else {
                format!(
                    "{count} seeds asked of the {available} nodes that are not the campaign's seeds"
                )
            }
        };
        // The eligible nodes of a role; none is an error at `key` that says
        // whether the role is missing or taken (`what` its name).
        let by_role = |role: &str, key: &str, what: &str, setting: &str| -> Result<Vec<u32>> {
            let nodes: Vec<u32> = match network.role_id(role) {
                Some(r) => (0..n as u32)
                    .filter(|v| network.role(*v) == r && eligible(v))
                    .collect(),
                None => Vec::new(),
            };
            if nodes.is_empty() {
                let reason = if taken.is_empty() {
                    format!("the network has no {what} (set {setting})")
                } else {
                    format!("every {what} is already a seed of the campaign")
                };
                return Err(invalid(format!("$.{key}"), reason));
            }
            Ok(nodes)
        };
        Ok(match self {
            SeedRule::Ids(ids) => {
                let nodes = resolve_ids(network, ids).map_err(nest("$.ids"))?;
                if let Some(i) = nodes.iter().position(|v| !eligible(v)) {
                    return Err(invalid(
                        format!("$.ids[{i}]"),
                        format!(
                            "{} is already a seed of the campaign",
                            id_text(network, nodes[i])
                        ),
                    ));
                }
                nodes
            }
            SeedRule::OpinionLeaders => {
                let mut leaders = by_role(
                    roles::OPINION_LEADER,
                    "opinion_leaders",
                    "opinion leader",
                    "roles.opinion_leaders",
                )?;
                let scores = Centrality::Followers.scores(network)?;
                rank_by_score(&mut leaders, &scores)?;
                leaders
            }
            SeedRule::Business => {
                by_role(roles::BUSINESS, "business", "business", "roles.business")?
            }
            SeedRule::Top { by, count } => {
                if *count > available {
                    return Err(invalid("$.top.count", too_many(*count)));
                }
                let scores = by.scores(network).map_err(nest("$.top.by"))?;
                let mut all: Vec<u32> = (0..n as u32).filter(eligible).collect();
                rank_by_score(&mut all, &scores)?;
                all.truncate(*count);
                all
            }
            SeedRule::Random { count } => {
                if *count > available {
                    return Err(invalid("$.random.count", too_many(*count)));
                }
                let all: Vec<u32> = (0..n as u32).filter(eligible).collect();
                sample_distinct(all, *count, &mut stream_rng(master_seed, SEED_STREAM))?
            }
            SeedRule::Select(rule) => {
                rule.select(network, master_seed, taken)
                    .map_err(nest("$.select"))?
                    .seeds
            }
        })
    }
}

/// A seeding plan: a rule, a budget and the prices of seeds, and the
/// budget split to study. It is the `seeding` object of a scenario
/// document, and works on any network without one.
///
/// In JSON: `{"seeds": "opinion_leaders", "budget": 5000, "prices":
/// {"opinion_leader": 200}, "split": {"budgets": [2000, 5000]}}`; every
/// field may be left out (default: every opinion leader, no budget, every
/// seed free, no split).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedPlan {
    /// How the seeds are proposed (default: every opinion leader).
    #[serde(default)]
    pub seeds: SeedRule,
    /// The seeding budget: a rule's seeds are taken in its order while
    /// their prices fit; listed ids that do not fit are an error.
    #[serde(default)]
    pub budget: Option<f64>,
    /// The price of seeding a node of each role.
    #[serde(default)]
    pub prices: SeedPrices,
    /// The budget split between seeds and paid channels that
    /// [`Scenario::split`](crate::scenario::Scenario::split) and `wom
    /// split` run: seeds bought in the rule's order at these prices, each
    /// budget's rest on the campaign's paid channels. A run of the scenario
    /// does not read it (its seeds are those within `budget`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitPlan>,
}

/// The seeds a [`SeedPlan`] chose.
#[derive(Debug, Clone, PartialEq)]
pub struct Seeds {
    /// The chosen node indices, in the rule's order.
    pub nodes: Vec<u32>,
    /// How many the rule proposed before the budget.
    pub proposed: usize,
    /// What the chosen seeds cost in total.
    pub cost: f64,
    /// How a selector chose them (the `select` rule only).
    pub selection: Option<Selection>,
}

impl SeedPlan {
    /// A checked plan.
    ///
    /// # Arguments
    /// * `seeds`: the rule.
    /// * `budget`: the most the seeds may cost, if anything.
    /// * `prices`: the price of a seed of each role.
    ///
    /// # Returns
    /// The plan.
    ///
    /// # Errors
    /// As [`validate`](SeedPlan::validate).
    ///
    /// # Complexity
    /// O(r) for r roles priced.
    ///
    /// # Example
    /// ```
    /// use wom::seeding::{SeedPlan, SeedPrices, SeedRule};
    /// let plan = SeedPlan::new(SeedRule::Random { count: 5 }, Some(100.0), SeedPrices::default())?;
    /// assert_eq!(plan.budget, Some(100.0));
    /// assert!(SeedPlan::new(SeedRule::Random { count: 5 }, Some(-1.0), SeedPrices::default()).is_err());
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn new(seeds: SeedRule, budget: Option<f64>, prices: SeedPrices) -> Result<SeedPlan> {
        let plan = SeedPlan {
            seeds,
            budget,
            prices,
            split: None,
        };
        plan.validate()?;
        Ok(plan)
    }

    /// Checks what needs no network: the budget and every price with
    /// [`check_amount`], the rule ([`SeedRule::validate`]), then the
    /// split's lists ([`SplitPlan::validate`]).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at the field, as a path within the plan's
    /// JSON: `$.budget`, `$.prices.<role>`, `$.seeds...`,
    /// `$.split.budgets[i]`, `$.split.seed_shares[i]` (or the list, when
    /// it is empty).
    ///
    /// # Complexity
    /// O(r) for r roles priced.
    ///
    /// # Example
    /// ```
    /// use wom::seeding::SeedPlan;
    /// let plan: SeedPlan = serde_json::from_str(r#"{"prices": {"consumer": -5}}"#).unwrap();
    /// let err = plan.validate().unwrap_err();
    /// assert!(err.to_string().contains("$.prices.consumer"), "{err}");
    /// ```
    pub fn validate(&self) -> Result<()> {
        if let Some(budget) = self.budget {
            check_amount("budget", budget).map_err(nest("$.budget"))?;
        }
        self.prices.validate().map_err(nest("$.prices"))?;
        self.seeds.validate().map_err(nest("$.seeds"))?;
        if let Some(split) = &self.split {
            split.validate().map_err(|e| match &e {
                // The field the parameter names, within the split.
                Error::InvalidParameter { name, .. } => {
                    invalid(format!("$.split.{name}"), e.to_string())
                }
                _ => nest("$.split")(e),
            })?;
        }
        Ok(())
    }

    /// Chooses the seeds on `network`: the rule's proposal
    /// ([`SeedRule::propose`]), taken in its order while the prices fit
    /// the budget. A proposed seed that does not fit ends the choice, except
    /// for listed ids, which must all fit. The sum may exceed the budget by
    /// a relative 1e-12, so that three seeds at 0.1 fit a budget of 0.3.
    ///
    /// # Arguments
    /// * `network`: the network, with roles assigned.
    /// * `master_seed`: the seed of the `random` rule's draw.
    ///
    /// # Returns
    /// The chosen seeds, how many were proposed, and their cost.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`], its path within the plan's JSON:
    /// * as [`validate`](SeedPlan::validate);
    /// * `$.prices.<role>`: a priced role the network does not have (a typo
    ///   must not make seeds free);
    /// * `$.seeds...`: as [`SeedRule::propose`];
    /// * `$.seeds.ids[i]`: a listed id whose price would exceed the budget;
    /// * `$.budget`: the budget buys none of the proposed seeds;
    /// * `$.prices`: the seeds cost more than
    ///   [`MAX_AMOUNT`](crate::seeding::MAX_AMOUNT) in total.
    ///
    /// # Complexity
    /// As [`SeedRule::propose`], plus O(s log r) to price s proposed seeds
    /// over r priced roles.
    ///
    /// # Example
    /// ```
    /// use wom::Network;
    /// use wom::seeding::{SeedPlan, SeedPrices, SeedRule};
    /// let net = Network::from_arcs(10, [(0, 1, 1.0)])?;
    /// let prices = SeedPrices([("consumer".to_string(), 10.0.into())].into());
    /// let plan = SeedPlan::new(SeedRule::Random { count: 4 }, Some(25.0), prices)?;
    /// let seeds = plan.choose(&net, 7)?;
    /// assert_eq!((seeds.nodes.len(), seeds.proposed, seeds.cost), (2, 4, 20.0));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn choose(&self, network: &Network, master_seed: u64) -> Result<Seeds> {
        self.choose_reporting(network, master_seed, None)
    }

    /// As [`choose`](Self::choose), telling `progress` (if any) how far a
    /// `select` rule's selector has got.
    ///
    /// # Errors
    /// As [`choose`](Self::choose).
    pub fn choose_reporting(
        &self,
        network: &Network,
        master_seed: u64,
        progress: Option<&SelectionProgress<'_>>,
    ) -> Result<Seeds> {
        self.validate()?;
        self.prices.check_roles(network).map_err(nest("$.prices"))?;
        // A selector's report is kept beside its seeds.
        let (proposed, selection) = match &self.seeds {
            SeedRule::Select(rule) => {
                let s = rule
                    .select_reporting(network, master_seed, &[], progress)
                    .map_err(nest("$.seeds.select"))?;
                (s.seeds.clone(), Some(s))
            }
            rule => (
                rule.propose(network, master_seed, &[])
                    .map_err(nest("$.seeds"))?,
                None,
            ),
        };
        let explicit = matches!(self.seeds, SeedRule::Ids(_));
        let mut cost = 0.0;
        let mut chosen = Vec::with_capacity(proposed.len());
        for (i, &v) in proposed.iter().enumerate() {
            let p = self.prices.of(network, v);
            if let Some(budget) = self.budget
                && !fits_budget(cost, p, budget)
            {
                if explicit {
                    return Err(invalid(
                        format!("$.seeds.ids[{i}]"),
                        format!(
                            "seeding {} (price {p}) would exceed the budget {budget} (spent {cost})",
                            id_text(network, v)
                        ),
                    ));
                }
                break;
            }
            cost += p;
            chosen.push(v);
        }
        if chosen.is_empty() {
            return Err(invalid(
                "$.budget",
                format!(
                    "the budget {} buys none of the {} seeds proposed",
                    self.budget.unwrap_or(0.0),
                    proposed.len()
                ),
            ));
        }
        check_amount("seeding cost", cost).map_err(nest("$.prices"))?;
        Ok(Seeds {
            nodes: chosen,
            proposed: proposed.len(),
            cost,
            selection,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ten() -> Network {
        Network::from_arcs(10, [(0, 1, 1.0), (0, 2, 1.0), (3, 4, 1.0)]).unwrap()
    }

    #[test]
    fn the_random_rule_draws_the_pinned_nodes() {
        // Pinned: a change here changes every scenario with a random rule.
        let rule = SeedRule::Random { count: 4 };
        assert_eq!(rule.propose(&ten(), 42, &[]).unwrap(), [2, 4, 0, 7]);
        // Nodes 0 and 1 taken: the draw is among the eight others.
        assert_eq!(rule.propose(&ten(), 42, &[0, 1]).unwrap(), [4, 5, 2, 8]);
    }

    #[test]
    fn listed_ids_over_budget_are_named_and_a_rule_stops_at_the_first_misfit() {
        let prices = SeedPrices([("consumer".to_string(), 10.0.into())].into());
        let ids = SeedRule::Ids((0..3u64).map(NodeId::Num).collect());
        let plan = SeedPlan::new(ids, Some(25.0), prices.clone()).unwrap();
        match plan.choose(&ten(), 0) {
            Err(Error::InvalidDocument { path, reason }) => {
                assert_eq!(path, "$.seeds.ids[2]");
                assert_eq!(
                    reason,
                    "seeding node 2 (price 10) would exceed the budget 25 (spent 20)"
                );
            }
            other => panic!("{other:?}"),
        }
        let top = SeedRule::Top {
            by: Centrality::Followers,
            count: 5,
        };
        let seeds = SeedPlan::new(top, Some(25.0), prices)
            .unwrap()
            .choose(&ten(), 0)
            .unwrap();
        assert_eq!(
            (seeds.nodes, seeds.proposed, seeds.cost),
            (vec![0, 3], 5, 20.0)
        );
    }

    #[test]
    fn errors_name_their_place_in_the_plan() {
        let path = |r: Result<Seeds>| match r {
            Err(Error::InvalidDocument { path, .. }) => path,
            other => panic!("{other:?}"),
        };
        let plan = |seeds, budget| SeedPlan {
            seeds,
            budget,
            prices: SeedPrices::default(),
            split: None,
        };
        let net = ten();
        assert_eq!(
            path(plan(SeedRule::OpinionLeaders, None).choose(&net, 0)),
            "$.seeds.opinion_leaders"
        );
        assert_eq!(
            path(plan(SeedRule::Random { count: 11 }, None).choose(&net, 0)),
            "$.seeds.random.count"
        );
        assert_eq!(
            path(plan(SeedRule::Ids(vec![]), None).choose(&net, 0)),
            "$.seeds.ids"
        );
        assert_eq!(
            path(plan(SeedRule::Business, Some(-1.0)).choose(&net, 0)),
            "$.budget"
        );
        let ids = SeedRule::Ids(vec![NodeId::Num(3), NodeId::Num(3), NodeId::Num(99)]);
        assert_eq!(path(plan(ids, None).choose(&net, 0)), "$.seeds.ids[1]");
        let ids = SeedRule::Ids(vec![NodeId::Num(3), NodeId::Num(99), NodeId::Num(3)]);
        assert_eq!(path(plan(ids, None).choose(&net, 0)), "$.seeds.ids[1]");
        let typo = SeedPlan {
            prices: SeedPrices([("consumers".to_string(), 1.0.into())].into()),
            ..plan(SeedRule::Random { count: 1 }, None)
        };
        assert_eq!(path(typo.choose(&net, 0)), "$.prices.consumers");
    }
}
