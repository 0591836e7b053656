//! A scenario's baseline: what its campaign is measured against, run in
//! pairs with the campaign on common random numbers
//! ([`kpi::lift`](crate::kpi::lift)).

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::{
    ModelSpec, Registry, Runner, Scenario, SeedFacts, SelectionFacts, at, ids_of, invalid,
};
use crate::error::{Error, Result};
use crate::kpi::{KpiReport, KpiSpec, LiftOptions, LiftReport};
use crate::network::Network;
use crate::propagation::composite::Sender;
use crate::seeding::SeedPlan;

/// What a scenario's campaign is measured against, and how its value is
/// discounted: `{"against": "no_seeds", "discount_rate": 0.01}`.
///
/// The baseline runs on the scenario's network, roles, KPIs and ensemble
/// (runs, master seed, steps), run `i` of both on the same random stream;
/// the results then hold the baseline's KPIs and what the campaign added
/// ([`LiftReport`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineSpec {
    /// The world without the campaign, or another campaign.
    pub against: Against,
    /// r, the discount rate per step of the expansion and acceleration
    /// split: an adoption at step t is worth (1 + r)^−t of one at step 0.
    /// Default 0.
    #[serde(default)]
    pub discount_rate: f64,
}

/// The baseline a campaign is measured against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Against {
    /// Organic WOM only: the scenario's model with no seeds. Whatever the
    /// model does without them still happens: Bass's external influence,
    /// a campaign's broadcast channels, the WOM these start.
    NoSeeds,
    /// No campaign at all: no seeds and, in a `campaign` model, none of
    /// the campaign's own voices (channels sent by the business, opinion
    /// leaders, a role or from outside); consumers' WOM channels
    /// (`adopters`, `adopters_of_role`) stay. Other models run as with
    /// `no_seeds`.
    NoCampaign,
    /// Another campaign: its seeding and/or model replace the scenario's.
    Campaign(Box<OtherCampaign>),
}

/// Another campaign as a baseline: the scenario with its seeding and/or
/// model replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtherCampaign {
    /// A name for it (free text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Its seeding (default: the scenario's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeding: Option<SeedPlan>,
    /// Its model (default: the scenario's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSpec>,
}

/// The baseline's part of a results document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineResults {
    /// `"no_seeds"`, `"no_campaign"`, or the other campaign's name
    /// (`"campaign"` when it has none).
    pub name: String,
    /// The baseline's seeds.
    pub seeds: SeedFacts,
    /// The channels its adoptions are attributed to.
    pub channels: Vec<String>,
    /// Its KPIs, as a run of it alone gives them.
    pub report: KpiReport,
    /// What the campaign added over it: paired differences with 95%
    /// intervals.
    pub lift: LiftReport,
}

/// Where another campaign's fields sit in a document.
const OTHER: &str = "$.baseline.against.campaign";

/// Rewrites an error of the baseline's own seeding or model, which the
/// scenario's checks name `$.seeding...` and `$.model...`, to its place
/// under `$.baseline.against.campaign`.
fn rebased(e: Error) -> Error {
    match e {
        Error::InvalidDocument { path, reason }
            if path.starts_with("$.seeding") || path.starts_with("$.model") =>
        {
            Error::InvalidDocument {
                path: format!("{OTHER}{}", path.trim_start_matches('$')),
                reason,
            }
        }
        other => other,
    }
}

/// The campaign model without the campaign's own voices.
fn without_campaign(model: &ModelSpec) -> Result<ModelSpec> {
    let ModelSpec::Campaign(options) = model else {
        return Ok(model.clone());
    };
    let mut options = options.clone();
    options
        .channels
        .retain(|c| matches!(c.senders, Sender::Adopters | Sender::AdoptersOfRole(_)));
    if options.channels.is_empty() {
        return Err(invalid(
            "$.baseline.against",
            "`no_campaign` leaves this campaign no channel: every channel of \
             `model.campaign.channels` is the campaign's own (sent by the business, opinion \
             leaders, a role or from outside), so without seeds nobody could adopt; measure \
             against `no_seeds` (its broadcasts kept) or name another campaign",
        ));
    }
    Ok(ModelSpec::Campaign(options))
}

impl BaselineSpec {
    /// The name the results give the baseline.
    fn name(&self) -> String {
        match &self.against {
            Against::NoSeeds => "no_seeds".to_string(),
            Against::NoCampaign => "no_campaign".to_string(),
            Against::Campaign(o) if o.name.is_empty() => "campaign".to_string(),
            Against::Campaign(o) => o.name.clone(),
        }
    }

    /// The baseline as a scenario of its own: the scenario with the
    /// baseline's seeding and model, and no baseline.
    fn scenario(&self, scenario: &Scenario) -> Result<Scenario> {
        let mut base = Scenario {
            baseline: None,
            ..scenario.clone()
        };
        match &self.against {
            Against::NoSeeds => {}
            Against::NoCampaign => base.model = without_campaign(&scenario.model)?,
            Against::Campaign(o) => {
                if let Some(seeding) = &o.seeding {
                    base.seeding = seeding.clone();
                }
                if let Some(model) = &o.model {
                    base.model = model.clone();
                }
            }
        }
        Ok(base)
    }

    /// Checks the baseline against the scenario (already checked), writing
    /// a registered model's options back with their defaults.
    pub(super) fn check(&mut self, scenario: &Scenario, registry: &Registry) -> Result<()> {
        LiftOptions {
            discount_rate: self.discount_rate,
        }
        .validate()
        .map_err(|e| match e {
            Error::InvalidParameter { reason, .. } => invalid(
                "$.baseline.discount_rate",
                format!("{}: {reason}", self.discount_rate),
            ),
            other => other,
        })?;
        let Against::Campaign(other) = &mut self.against else {
            // Checked for the scenario's own model; `no_campaign` must
            // leave a channel.
            return self.scenario(scenario).map(drop);
        };
        if other.seeding.is_none() && other.model.is_none() {
            return Err(invalid(
                OTHER,
                "another campaign needs its own `seeding` or `model` (or both): with neither it \
                 is the campaign itself",
            ));
        }
        if other.seeding.as_ref().is_some_and(|s| s.split.is_some()) {
            return Err(invalid(
                format!("{OTHER}.seeding.split"),
                "a baseline is run, not split: `split` belongs to the scenario's own seeding",
            ));
        }
        let mut base = Scenario {
            baseline: None,
            seeding: other
                .seeding
                .clone()
                .unwrap_or_else(|| scenario.seeding.clone()),
            model: other
                .model
                .clone()
                .unwrap_or_else(|| scenario.model.clone()),
            ..scenario.clone()
        };
        base.check(registry).map_err(rebased)?;
        if other.model.is_some() {
            other.model = Some(base.model);
        }
        Ok(())
    }
}

/// The baseline's arm, resolved on the network.
pub(super) struct Resolved {
    pub(super) name: String,
    pub(super) model: ModelSpec,
    pub(super) seeds: Vec<u32>,
    pub(super) proposed: usize,
    pub(super) cost: f64,
    pub(super) selection: Option<SelectionFacts>,
    pub(super) spec: KpiSpec,
    pub(super) lift: LiftOptions,
}

impl Scenario {
    /// The baseline's model, seeds and KPI spec on `network`.
    pub(super) fn resolve_baseline(
        &self,
        baseline: &BaselineSpec,
        network: &Network,
    ) -> Result<Resolved> {
        let base = baseline.scenario(self)?;
        let name = baseline.name();
        let lift = LiftOptions {
            discount_rate: baseline.discount_rate,
        };
        let (seeds, proposed, cost, selection) = match &baseline.against {
            Against::NoSeeds | Against::NoCampaign => (Vec::new(), 0, 0.0, None),
            Against::Campaign(_) => {
                let chosen = base.seeds(network).map_err(rebased)?;
                let selection = chosen.selection.as_ref().map(SelectionFacts::from);
                (chosen.nodes, chosen.proposed, chosen.cost, selection)
            }
        };
        let spec = base.kpi_spec(network, cost)?;
        Ok(Resolved {
            name,
            model: base.model,
            seeds,
            proposed,
            cost,
            selection,
            spec,
            lift,
        })
    }
}

impl Resolved {
    /// The results document's part for the baseline.
    pub(super) fn results(self, network: &Network, paired: Paired) -> BaselineResults {
        BaselineResults {
            name: self.name,
            seeds: SeedFacts {
                ids: ids_of(network, &self.seeds),
                proposed: self.proposed,
                cost: self.cost,
                rival_ids: paired.rivals.map(|r| ids_of(network, &r)),
                selection: self.selection,
            },
            channels: paired.channels,
            report: paired.report,
            lift: paired.lift,
        }
    }
}

/// What a paired run needs of the baseline while the campaign's model is
/// being run, and where it leaves the baseline's results.
pub(super) struct Pairing<'a> {
    pub(super) model: &'a ModelSpec,
    pub(super) seeds: &'a [u32],
    pub(super) spec: &'a KpiSpec,
    pub(super) registry: &'a Registry,
    pub(super) lift: LiftOptions,
    /// The campaign's rival rule and seeds, in a competition, for the
    /// baseline to keep.
    pub(super) rivals: RefCell<Option<(crate::seeding::SeedRule, Vec<u32>)>>,
    pub(super) out: RefCell<Option<Paired>>,
}

/// The baseline's side of a paired run.
pub(super) struct Paired {
    pub(super) report: KpiReport,
    pub(super) channels: Vec<String>,
    pub(super) lift: LiftReport,
    pub(super) rivals: Option<Vec<u32>>,
}

impl Runner<'_> {
    /// The model's runs, paired with the baseline's when the runner has
    /// one: called by [`Runner::go`] with the concrete model.
    pub(super) fn go_paired<S: crate::propagation::Model + Sync>(
        &self,
        model: &S,
    ) -> Option<Result<(KpiReport, Vec<String>)>> {
        use crate::kpi::lift::{Prepared, run_pair};
        if let Some(pairing) = self.pairing {
            // The campaign's model: prepared, then the baseline's model is
            // built and run with it.
            let run = || {
                let side = Prepared::new(self.network, model, self.seeds, self.spec, self.options)
                    .map_err(at("$.seeding.seeds"))?;
                let inner = Runner {
                    seeds: pairing.seeds,
                    spec: pairing.spec,
                    pairing: None,
                    campaign: Some((&side, pairing)),
                    model_path: "$.baseline",
                    ..*self
                };
                let (report, _, rivals) = inner.run_spec(pairing.model, pairing.registry)?;
                if let Some(paired) = pairing.out.borrow_mut().as_mut() {
                    paired.rivals = rivals;
                }
                Ok((report, model.channel_names()))
            };
            return Some(run());
        }
        let (campaign, pairing) = self.campaign?;
        let run = || {
            let side = Prepared::new(self.network, model, self.seeds, self.spec, self.options)
                .map_err(at("$.baseline"))?;
            let result = run_pair(campaign, &side, &pairing.lift, self.progress, self.shard)?;
            *pairing.out.borrow_mut() = Some(Paired {
                report: result.baseline,
                channels: model.channel_names(),
                lift: result.lift,
                rivals: None,
            });
            Ok((result.campaign, Vec::new()))
        };
        Some(run())
    }
}
