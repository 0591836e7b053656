//! How to split a campaign's money between paid seeds and paid channels:
//! every split of every budget run as an ensemble, the best per budget, and
//! the frontier of adoptions against spend.

use serde::{Deserialize, Serialize};

use crate::ensemble::{EnsembleOptions, Estimate};
use crate::error::{Error, FieldPath, Result};
use crate::kpi::{KpiSpec, run_kpis};
use crate::network::Network;
use crate::propagation::composite::{Campaign, CampaignOptions};

use super::budget::{SeedPrices, check_amount, fits_budget};

/// What the split maximises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// Expected adopters.
    #[default]
    Adoptions,
    /// Expected return on the money spent (needs a value per adoption).
    Roi,
}

/// The seed shares tried when none are given: 0, 0.25, 0.5, 0.75 and 1.
pub const DEFAULT_SEED_SHARES: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 1.0];

fn default_seed_shares() -> Vec<f64> {
    DEFAULT_SEED_SHARES.to_vec()
}

/// The budget split of a scenario document: the budgets, the seed shares
/// and what the best split maximises. It is the `seeding.split` object;
/// the rest of [`SplitOptions`] (the value of an adoption, the ensemble)
/// comes from the scenario's `kpis` and `ensemble`.
///
/// In JSON: `{"budgets": [2000, 5000], "seed_shares": [0, 0.5, 1],
/// "objective": "roi"}`; `seed_shares` may be left out
/// ([`DEFAULT_SEED_SHARES`]), and `objective` too (adoptions).
///
/// # Example
/// ```
/// use wom::seeding::{Objective, SplitPlan};
///
/// let plan: SplitPlan = serde_json::from_str(r#"{"budgets": [2000, 5000]}"#).unwrap();
/// assert_eq!(plan.seed_shares, [0.0, 0.25, 0.5, 0.75, 1.0]);
/// assert_eq!(plan.objective, Objective::Adoptions);
/// plan.validate()?;
/// let bad = SplitPlan { budgets: vec![2000.0, -1.0], ..plan };
/// assert!(bad.validate().unwrap_err().to_string().contains("budgets[1]"));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitPlan {
    /// Total budgets (the frontier's spends), each a money amount
    /// ([`check_amount`]); at least one.
    pub budgets: Vec<f64>,
    /// Shares of each budget spent on seeds, each in [0, 1]; at least one
    /// (default [`DEFAULT_SEED_SHARES`]).
    #[serde(default = "default_seed_shares")]
    pub seed_shares: Vec<f64>,
    /// What the best split of a budget maximises (default: adoptions).
    #[serde(default)]
    pub objective: Objective,
}

impl SplitPlan {
    /// Checks what needs no network or campaign: at least one budget and
    /// one share, every budget a money amount, every share in [0, 1]
    /// ([`split_budget`] makes the same checks).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the list (`budgets`,
    /// `seed_shares`) when it is empty, or the value (`budgets[1]`,
    /// `seed_shares[0]`).
    ///
    /// # Complexity
    /// O(b + s) for b budgets and s shares.
    pub fn validate(&self) -> Result<()> {
        check_lists(&self.budgets, &self.seed_shares)
    }

    /// The [`SplitOptions`] of this plan, with the value of an adoption
    /// (for the ROI) and the ensemble of every split.
    pub fn options(
        &self,
        value_per_adoption: Option<f64>,
        ensemble: EnsembleOptions,
    ) -> SplitOptions {
        SplitOptions {
            budgets: self.budgets.clone(),
            seed_shares: self.seed_shares.clone(),
            objective: self.objective,
            value_per_adoption,
            ensemble,
        }
    }
}

/// The checks of [`SplitPlan::validate`], on the two lists.
fn check_lists(budgets: &[f64], seed_shares: &[f64]) -> Result<()> {
    for (name, list) in [("budgets", budgets), ("seed_shares", seed_shares)] {
        if list.is_empty() {
            return Err(Error::param(name, "[]", "give at least one"));
        }
    }
    let at = |name: &str, i: usize, e: Error| match e {
        Error::InvalidParameter { value, reason, .. } => Error::InvalidParameter {
            name: FieldPath::field(name).join(i),
            value,
            reason,
        },
        other => other,
    };
    for (i, &b) in budgets.iter().enumerate() {
        check_amount("budgets", b).map_err(|e| at("budgets", i, e))?;
    }
    for (i, &s) in seed_shares.iter().enumerate() {
        if !(0.0..=1.0).contains(&s) {
            return Err(at(
                "seed_shares",
                i,
                Error::param("seed_shares", s, "must be a share in [0, 1]"),
            ));
        }
    }
    Ok(())
}

/// The splits to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitOptions {
    /// Total budgets (the frontier's spends), each >= 0.
    pub budgets: Vec<f64>,
    /// Shares of each budget spent on seeds, each in [0, 1]; the rest goes
    /// to the paid channels, in equal parts.
    pub seed_shares: Vec<f64>,
    /// What the best split maximises.
    #[serde(default)]
    pub objective: Objective,
    /// What one adoption beyond the seeds is worth (for the ROI).
    #[serde(default)]
    pub value_per_adoption: Option<f64>,
    /// Runs per split, master seed, threads.
    pub ensemble: EnsembleOptions,
}

/// One split of one budget, run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitPoint {
    /// The total budget.
    pub budget: f64,
    /// The share meant for seeds.
    pub seed_share: f64,
    /// Seeds bought: the longest prefix of the ranking within the share.
    pub seeds: usize,
    /// What they cost.
    pub seed_cost: f64,
    /// The budget of each paid channel: what the seeds left, in equal parts.
    pub channel_budget: f64,
    /// Adopters, seeds included.
    pub adoption: Estimate,
    /// Money spent per run (seeds and channel messages).
    pub cost: Estimate,
    /// Return on the money spent, when a value per adoption is given.
    pub roi: Option<Estimate>,
}

/// Every split run, and the best of each budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SplitReport {
    /// Every split, by budget then share, in the options' order.
    pub points: Vec<SplitPoint>,
    /// For each budget, the index in `points` of its best split.
    pub best: Vec<usize>,
}

impl SplitReport {
    /// The frontier: each budget's best split.
    pub fn frontier(&self) -> impl Iterator<Item = &SplitPoint> {
        self.best.iter().map(|&i| &self.points[i])
    }

    /// The points as a table, one line each, best splits marked `*`.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "budget  seed share  seeds  seed cost  channel budget  adoption (95% interval)  cost  roi\n",
        );
        for (i, p) in self.points.iter().enumerate() {
            let mark = if self.best.contains(&i) { "*" } else { " " };
            let roi = p
                .roi
                .as_ref()
                .map_or("-".to_string(), |r| format!("{:.3}", r.mean));
            out.push_str(&format!(
                "{mark}{:<8} {:<10} {:<6} {:<10} {:<15} {:.1} ({:.1} to {:.1})  {:.1}  {roi}\n",
                p.budget,
                p.seed_share,
                p.seeds,
                p.seed_cost,
                p.channel_budget,
                p.adoption.mean,
                p.adoption.ci_low,
                p.adoption.ci_high,
                p.cost.mean,
            ));
        }
        out
    }
}

/// Splits each budget between seeds and the campaign's paid channels and
/// runs every split.
///
/// For each budget B and seed share s: the seeds are the longest prefix of
/// `ranked` (a selector's order, best first) whose prices fit s·B; what
/// they leave, B − seed cost, is shared equally among the paid channels
/// (those with a [`cost_per_message`](crate::Channel::cost_per_message)),
/// each capped at its part ([`CampaignChannel::budget`](crate::propagation::composite::CampaignChannel::budget)).
/// Each split runs as an ensemble of the campaign (`ensemble`, the same
/// master seed for every split, so splits compare on common draws); the
/// best split of a budget has the highest mean adoption, or ROI.
///
/// Cost: one ensemble per (budget, share).
///
/// # Errors
/// [`Error::InvalidParameter`] for no budget or share, a budget or share
/// out of range, a campaign without a paid channel, ROI without a value per
/// adoption; the campaign's and the ensemble's own errors.
///
/// # Example
/// ```
/// use wom::channel::{Advertising, Post};
/// use wom::ensemble::{EnsembleOptions, RunBudget};
/// use wom::propagation::composite::{CampaignChannel, CampaignOptions, Sender};
/// use wom::seeding::{SeedPrices, SplitOptions, split_budget};
///
/// let net = wom::Network::from_arcs(4, [(0, 1, 0.5), (1, 2, 0.5), (2, 3, 0.5)])?;
/// let ads = Advertising::new(0.25, 0.5)?.with_cost_per_message(10.0)?;
/// let campaign = CampaignOptions::new(
///     vec![
///         CampaignChannel::new(ads, Sender::Outside),
///         CampaignChannel::new(Post::new(1.0)?, Sender::Adopters),
///     ],
///     5,
/// );
/// let prices = SeedPrices([("consumer".to_string(), 20.0.into())].into());
/// let options = SplitOptions {
///     budgets: vec![20.0, 40.0],
///     seed_shares: vec![0.0, 0.5, 1.0],
///     objective: Default::default(),
///     value_per_adoption: None,
///     ensemble: EnsembleOptions { budget: RunBudget::Runs(200), ..Default::default() },
/// };
/// let report = split_budget(&net, &campaign, &[0, 1, 2, 3], &prices, &options)?;
/// assert_eq!(report.points.len(), 6);
/// assert_eq!(report.best.len(), 2);
/// # Ok::<(), wom::Error>(())
/// ```
pub fn split_budget<C>(
    network: &Network,
    campaign: &CampaignOptions<C>,
    ranked: &[u32],
    prices: &SeedPrices,
    options: &SplitOptions,
) -> Result<SplitReport>
where
    C: crate::Channel + Clone + Sync,
{
    check_lists(&options.budgets, &options.seed_shares)?;
    if options.objective == Objective::Roi && options.value_per_adoption.is_none() {
        return Err(Error::param(
            "objective",
            "roi",
            "the ROI needs a value_per_adoption",
        ));
    }
    let paid: Vec<usize> = campaign
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| crate::Channel::cost_per_message(&c.channel) > 0.0)
        .map(|(i, _)| i)
        .collect();
    if paid.is_empty() {
        return Err(Error::param(
            "campaign",
            "no paid channel",
            "a split needs a channel with a cost per message",
        ));
    }
    prices.validate()?;
    prices.check_roles(network)?;
    let mut points = Vec::new();
    let mut best = Vec::new();
    for &budget in &options.budgets {
        let mut best_here: Option<(usize, f64)> = None;
        for &share in &options.seed_shares {
            let (mut seeds, mut seed_cost) = (Vec::new(), 0.0);
            for &v in ranked {
                let p = prices.of(network, v);
                if !fits_budget(seed_cost, p, share * budget) {
                    break;
                }
                seed_cost += p;
                seeds.push(v);
            }
            let channel_budget = (budget - seed_cost).max(0.0) / paid.len() as f64;
            let mut split = campaign.clone();
            for &c in &paid {
                split.channels[c].budget = Some(channel_budget);
            }
            let model = Campaign::new(network, split)?;
            let spec = KpiSpec {
                seeding_cost: seed_cost,
                value_per_adoption: options.value_per_adoption,
                ..KpiSpec::default()
            };
            let report = run_kpis(network, &model, &seeds, &spec, &options.ensemble)?;
            let kpi = |name: &str| report.kpi(name).copied();
            let adoption = kpi("adoption").expect("every run reports adoption");
            let cost = kpi("cost").expect("a campaign reports its cost");
            let roi = kpi("roi");
            let score = match options.objective {
                Objective::Adoptions => adoption.mean,
                Objective::Roi => roi.map_or(f64::NEG_INFINITY, |r| r.mean),
            };
            if best_here.is_none_or(|(_, s)| score > s) {
                best_here = Some((points.len(), score));
            }
            points.push(SplitPoint {
                budget,
                seed_share: share,
                seeds: seeds.len(),
                seed_cost,
                channel_budget,
                adoption,
                cost,
                roi,
            });
        }
        best.push(best_here.expect("at least one share").0);
    }
    Ok(SplitReport { points, best })
}
