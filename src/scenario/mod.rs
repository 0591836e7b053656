//! Scenario documents: a whole campaign study as one JSON file, run into a
//! results document.
//!
//! A [`Scenario`] names the graph (an edge-list file with its reading
//! options, or a generator with its parameters and seed), the roles to
//! assign (opinion leaders, a business), the seeding (seeds by external id
//! or by a rule, a seeding budget, seed prices: a [`SeedPlan`]), what the
//! KPIs measure against (the target audience, the value of an adoption),
//! the model with its parameters, and the ensemble (runs or a
//! confidence-interval target, master seed). [`Scenario::run`] builds it
//! all and returns a [`Results`] document: the scenario echoed with every
//! default filled in, facts about the network and the seeds, every KPI with
//! its uncertainty, the curves, and the crate's version.
//!
//! Every field is checked: the schema and the ranges that need no network
//! when the document is read ([`Scenario::from_json`]), the rest (ids,
//! roles, groups, model parameters that depend on the network) when it
//! runs. A document that does not fit, or a value out of range, is an
//! [`Error::InvalidDocument`] whose `path` names the field
//! (`$.model.bass.q`, `$.seeding.seeds.ids[3]`); errors in a file the
//! scenario names (an edge list) keep their own file and line.
//! The schema is documented in `docs/scenario.md`, and `examples/scenarios/`
//! holds one scenario per built-in model.
//!
//! Documents may also name models and roles of other crates: a
//! [`Registry`] holds the names a document may use, the built-in ones
//! ([`Registry::builtin`]) and those registered with
//! [`Registry::model`] and [`Registry::role`]. The `_with` functions
//! ([`Scenario::from_json_with`], [`Scenario::run_with`] ...) read and run
//! through a registry; the others use the built-in one. A registered model
//! is checked, run and reported as a built-in is, and `wom::cli::run`
//! (feature `cli`) gives a downstream crate the `wom` command line with its
//! registry.
//!
//! # Example
//! ```
//! use wom::scenario::Scenario;
//!
//! let scenario = Scenario::from_json(r#"{
//!     "graph": {"generate": {"generator": {"model": "gnp", "n": 200, "p": 0.03}, "seed": 7}},
//!     "seeding": {"seeds": {"random": {"count": 5}}},
//!     "model": {"independent_cascade": {"kind": "uniform", "p": 0.1}},
//!     "ensemble": {"budget": {"runs": 200}, "master_seed": 1}
//! }"#)?;
//! let results = scenario.run(None)?;
//! assert_eq!(results.report.runs, 200);
//! assert!(results.report.kpi("adoption").unwrap().mean >= 5.0);
//!
//! let err = Scenario::from_json(r#"{"graph": {"generate": {"generator":
//!     {"model": "gnp", "n": 10, "p": 0.1}}}, "model": {"bass": {"p": 0.1, "qq": 0.2}}}"#)
//!     .unwrap_err();
//! assert!(err.to_string().contains("$.model.bass"), "{err}");
//! # Ok::<(), wom::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::actor::{Actor, BusinessOrganization, OpinionLeader};
use crate::ensemble::{Ensemble, EnsembleOptions, Progress, RunBudget};
use crate::error::{Error, Result};
use crate::generate::Generator;
use crate::id::NodeId;
use crate::io::{
    ArcDirection, CascadeFormat, CascadeOptions, CascadeReport, CascadeSource, Cascades,
    EdgeListOptions, LoadReport, read_cascades, read_edge_list,
};
use crate::kpi::{KpiReport, KpiSpec, Returns, Target};
use crate::network::Network;
use crate::observed::{CascadeTable, Comparison, compare};
use crate::propagation::competition::CompetitionOptions;
use crate::propagation::composite::CampaignOptions;
use crate::propagation::lt::LtThresholds;
use crate::propagation::{
    Bass, Campaign, CompetitiveCascade, ContinuousSir, FromOptions, IndependentCascade,
    LinearThreshold, Model, Rumor, Sir, Sis, ValenceCascade,
};
use crate::seeding::{
    Audience, Diffusion, LeaderSelection, Objective, RunModel, SeedPlan, Seeds, SelectionProgress,
    SplitReport, add_business, assign_opinion_leaders, check_amount, resolve_ids, split_budget,
};
use crate::social::SocialGraph;

mod baseline;
mod channels;
mod paths;
mod registry;
pub mod shard;
mod sweep;

pub use paths::{LoadOptions, PathPolicy};

pub use baseline::{Against, BaselineResults, BaselineSpec, OtherCampaign};
pub use sweep::{Combine, MAX_POINTS, SweepPoint, SweepRange, SweepResults, SweepSpec, Vary};

pub use channels::{ChannelFromOptions, DocChannel, RegisteredChannel};

use registry::DocumentActor;
pub use registry::Registry;
pub use shard::{Shard, ShardPart};

/// The seed rule, at its path before it moved to [`seeding`](crate::seeding).
pub use crate::seeding::SeedRule;

/// The largest scenario document read: 64 MiB. Real scenarios are a few
/// kilobytes (lists of ids or sweep values reach megabytes); the limit
/// keeps a document of one enormous string from taking gigabytes of memory
/// in the JSON reader before it could be refused.
pub const MAX_DOCUMENT_BYTES: usize = 64 << 20;

/// Refuses a document over [`MAX_DOCUMENT_BYTES`].
fn check_document_size(bytes: usize) -> Result<()> {
    if bytes > MAX_DOCUMENT_BYTES {
        return Err(invalid(
            "$".to_string(),
            format!(
                "the document is larger than {} MiB, the most a scenario may be",
                MAX_DOCUMENT_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

/// The most worker threads a scenario may ask for.
pub use crate::ensemble::MAX_THREADS;

/// Mixed into the master seed for the draw of the business's followers.
const BUSINESS_STREAM: u64 = 0x6275_7369_6e65_7373;

/// A campaign study: graph, roles, seeding, KPIs, model and ensemble.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A name for the study (free text).
    #[serde(default)]
    pub name: String,
    /// The social network.
    pub graph: GraphSpec,
    /// Roles to assign before the campaign.
    #[serde(default)]
    pub roles: RolesSpec,
    /// Seeds, budget and seed prices.
    #[serde(default)]
    pub seeding: SeedPlan,
    /// The target audience and the value of an adoption.
    #[serde(default)]
    pub kpis: KpisSpec,
    /// The propagation model and its parameters.
    pub model: ModelSpec,
    /// Runs, master seed, batch size, step limit.
    #[serde(default)]
    pub ensemble: EnsembleOptions,
    /// What the campaign is measured against: the results then report the
    /// baseline's KPIs and what the campaign added, from runs paired on
    /// common random numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineSpec>,
    /// Fields to vary over lists or a grid of values: `wom sweep` and
    /// [`Scenario::sweep`] run every point; [`Scenario::run`] runs the
    /// document as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<SweepSpec>,
    /// Models to fit to data (`wom fit`; see docs/fitting.md): a Bass
    /// model to a sales series, an independent cascade's p to cascades
    /// over this scenario's network, a branching process's R to cascade
    /// sizes. `wom run` does not read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit: Option<crate::fit::spec::FitSpec>,
    /// Observed cascades to set beside the simulated ones: their tree KPIs
    /// and a Kolmogorov–Smirnov comparison go into the results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<ObservedSpec>,
}

/// The `observed` object: a file of observed cascades whose trees are
/// compared with the simulated ones ([`compare`]).
///
/// In JSON: `{"file": "trees.txt.gz", "format": "trees", "options":
/// {"parents": "first", "cycles": "drop"}, "step_length": 60}`; for an
/// activity log also `"kinds": ["RT"]` and `"direction"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObservedSpec {
    /// The file, plain or gzip; a relative path is relative to the
    /// scenario file's folder (or the working folder for a scenario given
    /// as text), as an edge list's, and a scenario file may name only
    /// files in its folder or below unless its reader allows others
    /// ([`PathPolicy`]).
    pub file: PathBuf,
    /// `trees`, `csv` or `activity`.
    pub format: CascadeFormat,
    /// Parents, cycles and id format ([`CascadeOptions`]).
    #[serde(default)]
    pub options: CascadeOptions,
    /// Of an activity log: the kinds of lines that are arcs; empty takes
    /// every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Of an activity log: which way influence flows on a line (default
    /// `reversed`: `u v` means u heard it from v, as for a retweet).
    #[serde(default)]
    pub direction: Option<ArcDirection>,
    /// File time units per simulation step (60: minutes in the file, hours
    /// in the model); without it the time KPIs are not compared.
    #[serde(default)]
    pub step_length: Option<f64>,
}

impl ObservedSpec {
    /// The reader's view of it.
    pub fn source(&self) -> CascadeSource {
        CascadeSource {
            path: self.file.clone(),
            format: self.format,
            options: self.options.clone(),
            kinds: self.kinds.clone(),
            direction: self.direction.unwrap_or(ArcDirection::Reversed),
        }
    }

    /// The checks that need no file.
    fn check(&self) -> Result<()> {
        if self.file.as_os_str().is_empty() {
            return Err(invalid("$.observed.file", "the file's path is empty"));
        }
        if self.format != CascadeFormat::Activity {
            if !self.kinds.is_empty() {
                return Err(invalid(
                    "$.observed.kinds",
                    format!(
                        "kinds choose lines of an activity log; this file's format is {}",
                        self.format.name()
                    ),
                ));
            }
            if self.direction.is_some() {
                return Err(invalid(
                    "$.observed.direction",
                    format!(
                        "the direction is that of an activity log's lines; this file's format \
                         is {}",
                        self.format.name()
                    ),
                ));
            }
        }
        if let Some(l) = self.step_length
            && !(l.is_finite() && l > 0.0)
        {
            return Err(invalid(
                "$.observed.step_length",
                format!("{l} is not a positive number (file time units per step)"),
            ));
        }
        Ok(())
    }

    /// Reads the file and its trees' KPIs.
    ///
    /// # Errors
    /// Errors of the file keep its name and line; a kind the log does not
    /// hold is an [`Error::InvalidDocument`] at `$.observed.kinds`.
    pub fn read(&self) -> Result<(Cascades, CascadeTable)> {
        self.check()?;
        let read = read_cascades(&self.source()).map_err(|e| match e {
            // The document names the file: say where.
            Error::FileNotFound { .. } => invalid("$.observed.file", e.to_string()),
            other => field_at("$.observed")(other),
        })?;
        let table = CascadeTable::from_cascades(&read.cascades, self.format.time_unit());
        Ok((read, table))
    }
}

/// The observed cascades of a results document, beside the simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedResults {
    /// The file read.
    pub file: PathBuf,
    /// What reading it met and did (merged, dropped and kept counts).
    pub report: CascadeReport,
    /// The observed trees' KPI distributions.
    pub trees: CascadeTable,
    /// Simulated (the report's `tree_kpis`) against observed, KPI by KPI.
    pub comparison: Comparison,
}

/// Where the network comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum GraphSpec {
    /// A SNAP-style edge list, plain or gzip.
    EdgeList {
        /// The file; a relative path is relative to the scenario file's
        /// folder (or the working folder for a scenario given as text). A
        /// scenario file may name only files in its folder or below
        /// unless its reader allows others ([`PathPolicy`]); a scenario
        /// given as text may name any file.
        path: PathBuf,
        /// How to read it.
        #[serde(default)]
        options: EdgeListOptions,
    },
    /// A random graph.
    Generate {
        /// The model and its parameters.
        generator: Generator,
        /// The generator's seed.
        #[serde(default)]
        seed: u64,
    },
}

/// Roles assigned to the graph's nodes (every node starts a consumer).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesSpec {
    /// Turn the most central consumers into opinion leaders.
    #[serde(default)]
    pub opinion_leaders: Option<LeadersSpec>,
    /// Add a business account with followers.
    #[serde(default)]
    pub business: Option<BusinessSpec>,
    /// Turn the most central consumers into actors of roles other crates
    /// registered ([`Registry::role`]), in this order, after the opinion
    /// leaders and before the business.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assign: Vec<RoleAssignment>,
}

/// Consumers that become actors of a registered role: an entry of
/// `roles.assign`.
///
/// In JSON: `{"role": "micro_influencer", "selection": {"by": "followers",
/// "count": {"top": 20}}, "actor": {...}}`; `actor` holds the fields of the
/// role's actor type as that type deserializes them (left out: its
/// default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignment {
    /// The role's name, as registered.
    pub role: String,
    /// By which centrality, how many (among the nodes still consumers).
    pub selection: LeaderSelection,
    /// The actor's fields; a scenario read through a registry writes them
    /// back with every default filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Value>,
}

/// Which consumers become opinion leaders, and as what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadersSpec {
    /// By which centrality, how many.
    pub selection: LeaderSelection,
    /// The leaders' profile and sponsorship.
    #[serde(default)]
    pub leader: OpinionLeader,
}

/// A business account added to the graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessSpec {
    /// Its external id (must be new).
    pub id: NodeId,
    /// The brand.
    #[serde(default = "default_business")]
    pub business: BusinessOrganization,
    /// Who follows it.
    pub followers: Audience,
    /// The trust of each follow tie, in [0, 1].
    #[serde(default = "half")]
    pub trust: f64,
}

fn default_business() -> BusinessOrganization {
    BusinessOrganization::new("brand")
}

fn half() -> f64 {
    0.5
}

/// The target audience of the `target_adoption_rate` KPI.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TargetSpec {
    /// Everyone.
    #[default]
    All,
    /// The nodes of a role.
    Role(String),
    /// The members of any of these groups.
    Groups(Vec<String>),
    /// These nodes, by external id.
    Ids(Vec<NodeId>),
}

/// The `kpis` object: what a scenario's KPIs measure against (the rest of
/// [`KpiSpec`] follows from the seeding and the model).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KpisSpec {
    /// Whose adoption rate is the `target_adoption_rate` KPI.
    #[serde(default)]
    pub target: TargetSpec,
    /// What one adoption beyond the seeds is worth; gives the `roi` KPI.
    #[serde(default)]
    pub value_per_adoption: Option<f64>,
    /// Also measure every cascade tree's KPIs (`report.tree_kpis`), to
    /// compare with observed cascades; on whenever the scenario has an
    /// `observed` section. Default `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tree_kpis: bool,
}

/// Declares the models a scenario document can name, one line each:
/// `Variant(ModelType)`. The document key is the model's
/// [`FromOptions::KEY`]; the options are the model's
/// [`FromOptions::Options`]. The macro generates [`ModelSpec`], its serde
/// form (`{"<key>": options}`), its checks before the network exists, the
/// dispatch that builds and runs the model, and the built-in [`Registry`].
macro_rules! models {
    ($($(#[$doc:meta])* $variant:ident($model:ty),)*) => {
        /// The propagation model and its parameters: `{"<key>": options}`.
        ///
        /// A key that is no built-in model's is read as
        /// [`Registered`](ModelSpec::Registered); whether a model of that
        /// key exists is the [`Registry`]'s to say, when the scenario is
        /// checked or run.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ModelSpec {
            $($(#[$doc])* $variant(<$model as FromOptions>::Options),)*
            /// Two competing brands ([`CompetitiveCascade`]); the seeding's
            /// seeds are brand A's. Not in the table: brand B's seeds are a
            /// seed rule the seeding module resolves, not model options.
            Competition {
                /// Probabilities and tie rule.
                options: CompetitionOptions,
                /// Brand B's seeds.
                rival_seeds: SeedRule,
            },
            /// A model another crate registered ([`Registry::model`]).
            Registered {
                /// Its [`FromOptions::KEY`].
                key: String,
                /// Its options as JSON: as written until the scenario is
                /// read through a registry, which writes them back with
                /// every default filled in.
                options: Value,
            },
        }

        impl Serialize for ModelSpec {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(1))?;
                match self {
                    $(ModelSpec::$variant(o) => {
                        map.serialize_entry(<$model as FromOptions>::KEY, o)?
                    })*
                    ModelSpec::Competition {
                        options,
                        rival_seeds,
                    } => map.serialize_entry(
                        registry::COMPETITION,
                        &CompetitionFields {
                            options: *options,
                            rival_seeds: rival_seeds.clone(),
                        },
                    )?,
                    ModelSpec::Registered { key, options } => map.serialize_entry(key, options)?,
                }
                map.end()
            }
        }

        impl<'de> Deserialize<'de> for ModelSpec {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<ModelSpec, D::Error> {
                use serde::de::{Error as _, MapAccess, Visitor};

                struct Spec;

                impl<'de> Visitor<'de> for Spec {
                    type Value = ModelSpec;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object with one key, the model's name, holding its options")
                    }

                    fn visit_map<A: MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> std::result::Result<ModelSpec, A::Error> {
                        let Some(key) = map.next_key::<String>()? else {
                            return Err(A::Error::custom(
                                "no model given: write one key, the model's name",
                            ));
                        };
                        let spec = $(if key == <$model as FromOptions>::KEY {
                            ModelSpec::$variant(map.next_value()?)
                        } else)* if key == registry::COMPETITION {
                            let c: CompetitionFields = map.next_value()?;
                            ModelSpec::Competition {
                                options: c.options,
                                rival_seeds: c.rival_seeds,
                            }
                        } else {
                            ModelSpec::Registered {
                                options: map.next_value()?,
                                key,
                            }
                        };
                        if let Some(other) = map.next_key::<String>()? {
                            return Err(A::Error::custom(format!(
                                "a second model `{other}`: a scenario runs one model"
                            )));
                        }
                        Ok(spec)
                    }
                }

                d.deserialize_map(Spec)
            }
        }

        impl ModelSpec {
            /// The keys of the models of the table, in its order.
            #[cfg(test)]
            const TABLE_KEYS: &[&str] = &[$(<$model as FromOptions>::KEY,)*];

            /// The registry of the table's models.
            fn register_table(registry: Registry) -> Result<Registry> {
                $(let registry = registry.model::<$model>()?;)*
                Ok(registry)
            }

            /// The model's key in documents: `"bass"`, `"competition"`, a
            /// registered model's [`FromOptions::KEY`].
            pub fn key(&self) -> &str {
                match self {
                    $(ModelSpec::$variant(_) => <$model as FromOptions>::KEY,)*
                    ModelSpec::Competition { .. } => registry::COMPETITION,
                    ModelSpec::Registered { key, .. } => key,
                }
            }

            /// Checks the options that need no network; a registered
            /// model's options are written back with every default filled
            /// in.
            fn check(&mut self, registry: &Registry) -> Result<()> {
                match self {
                    $(ModelSpec::$variant(o) => {
                        let path = format!("$.model.{}", <$model as FromOptions>::KEY);
                        <$model as FromOptions>::check_options(o).map_err(field_at(&path))
                    })*
                    ModelSpec::Competition { rival_seeds, .. } => rival_seeds
                        .validate()
                        .map_err(at("$.model.competition.rival_seeds")),
                    ModelSpec::Registered { key, options } => {
                        let entry = registry.model_entry(key)?;
                        *options = (entry.check)(options, &format!("$.model.{key}"))?;
                        Ok(())
                    }
                }
            }

            /// Builds the model of the table (or the registry) on the
            /// runner's network and runs it; the competition's options are
            /// handed back instead.
            fn run_table(&self, run: &Runner<'_>, registry: &Registry) -> Ran<'_> {
                match self {
                    $(ModelSpec::$variant(o) => Ok(run.build::<$model>(o)),)*
                    ModelSpec::Competition {
                        options,
                        rival_seeds,
                    } => Err((options, rival_seeds)),
                    ModelSpec::Registered { key, options } => Ok(registry
                        .model_entry(key)
                        .and_then(|entry| (entry.run)(options, run))),
                }
            }
        }
    };
}

impl ModelSpec {
    /// The model as selectors see it
    /// ([`SelectMethod::check_serves`](crate::seeding::SelectMethod::check_serves)): an
    /// independent cascade is [`RunModel::Diffusion`] with its
    /// probabilities, a linear threshold is one with its weights when its
    /// thresholds are random and [`RunModel::Unlike`] when they are fixed,
    /// and every other model is [`RunModel::Other`] under its key.
    ///
    /// # Example
    /// ```
    /// use wom::scenario::ModelSpec;
    /// use wom::seeding::{Diffusion, RunModel};
    ///
    /// let ic: ModelSpec = serde_json::from_str(r#"{"independent_cascade": {"kind": "weighted_cascade"}}"#).unwrap();
    /// assert_eq!(ic.run_model(), RunModel::Diffusion(Diffusion::WEIGHTED_CASCADE));
    /// let bass: ModelSpec = serde_json::from_str(r#"{"bass": {"p": 0.01, "q": 0.3}}"#).unwrap();
    /// assert_eq!(bass.run_model(), RunModel::Other("bass".to_string()));
    /// ```
    pub fn run_model(&self) -> RunModel {
        match self {
            ModelSpec::IndependentCascade(probabilities) => {
                RunModel::Diffusion(Diffusion::IndependentCascade {
                    probabilities: *probabilities,
                })
            }
            ModelSpec::LinearThreshold(o) => match o.thresholds {
                LtThresholds::Random => {
                    RunModel::Diffusion(Diffusion::LinearThreshold { weights: o.weights })
                }
                LtThresholds::Fixed(_) => RunModel::Unlike {
                    what: "a linear threshold with fixed thresholds".to_string(),
                    remedy: "leave out the model's `thresholds` (random, drawn in every run) to \
                             choose seeds for a linear threshold"
                        .to_string(),
                },
            },
            other => RunModel::Other(other.key().to_string()),
        }
    }
}

/// The `competition` model's object.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompetitionFields {
    options: CompetitionOptions,
    rival_seeds: SeedRule,
}

/// A model of the table run, or the competition's options to run.
type Ran<'a> =
    std::result::Result<Result<(KpiReport, Vec<String>)>, (&'a CompetitionOptions, &'a SeedRule)>;

models! {
    /// Independent cascade ([`IndependentCascade`]).
    IndependentCascade(IndependentCascade),
    /// Linear threshold ([`LinearThreshold`]).
    LinearThreshold(LinearThreshold),
    /// Bass diffusion on the network ([`Bass`]).
    Bass(Bass),
    /// Maki–Thompson / Daley–Kendall rumor ([`Rumor`]).
    Rumor(Rumor),
    /// Discrete SIR ([`Sir`]).
    Sir(Sir),
    /// Discrete SIS ([`Sis`]).
    Sis(Sis),
    /// Event-driven SIR ([`ContinuousSir`]).
    ContinuousSir(ContinuousSir),
    /// Positive and negative WOM ([`ValenceCascade`]).
    Valence(ValenceCascade),
    /// A multi-channel campaign ([`Campaign`]) of built-in and registered
    /// channels ([`DocChannel`]).
    Campaign(Campaign<DocChannel>),
}

/// Facts about the network a scenario ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkFacts {
    /// Nodes.
    pub nodes: usize,
    /// Arcs.
    pub arcs: usize,
    /// Nodes per role.
    pub roles: BTreeMap<String, usize>,
    /// Groups (communities).
    pub groups: usize,
    /// The content fingerprint of the network.
    pub fingerprint: u64,
    /// What reading the edge list met and did (for an edge list).
    pub load_report: Option<LoadReport>,
}

/// The seeds a scenario ran with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedFacts {
    /// The seeds, by external id, in the rule's order.
    pub ids: Vec<NodeId>,
    /// How many the rule proposed before the budget.
    pub proposed: usize,
    /// What they cost in total.
    pub cost: f64,
    /// Brand B's seeds (competition only).
    pub rival_ids: Option<Vec<NodeId>>,
    /// How a selector chose them (the `select` seed rule only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection: Option<SelectionFacts>,
}

/// How a selector chose a scenario's seeds: its report without its
/// running time, so that results stay the same from run to run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelectionFacts {
    /// The method (`"opim"`, `"degree"` ...).
    pub method: String,
    /// The approximation it proved, if it proves one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<f64>,
    /// Its own estimate of the seeds' spread, if it makes one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_spread: Option<f64>,
    /// RR sets it drew.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rr_sets: Option<u64>,
}

impl From<&crate::seeding::Selection> for SelectionFacts {
    fn from(s: &crate::seeding::Selection) -> Self {
        SelectionFacts {
            method: s.method.clone(),
            guarantee: s.guarantee,
            estimated_spread: s.estimated_spread,
            rr_sets: s.rr_sets,
        }
    }
}

/// The results document of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The `wom` version that produced it.
    pub wom_version: String,
    /// The scenario, with every default filled in.
    pub scenario: Scenario,
    /// The network.
    pub network: NetworkFacts,
    /// The seeds.
    pub seeds: SeedFacts,
    /// The channels adoptions are attributed to.
    pub channels: Vec<String>,
    /// KPIs with uncertainty, curves, adoption distribution.
    pub report: KpiReport,
    /// The baseline's seeds and KPIs, and what the campaign added over it
    /// (when the scenario names a baseline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineResults>,
    /// The observed cascades and their comparison with the simulated
    /// ones, when the scenario has an `observed` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<ObservedResults>,
}

impl Results {
    /// The document as pretty JSON.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] if serialization fails (it does not for
    /// documents that [`Scenario::run`] produces).
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| invalid("$", e.to_string()))
    }

    /// Reads a results document.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] with the path of the field that does not
    /// fit.
    pub fn from_json(text: &str) -> Result<Results> {
        parse(text, "")
    }
}

/// Deserializes `text`, naming the path of a field that does not fit.
fn parse<T: serde::de::DeserializeOwned>(text: &str, prefix: &str) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Error::InvalidDocument {
            path: json_path(prefix, &path),
            reason: inner.to_string(),
        }
    })
}

/// `$` followed by serde_path_to_error's dotted path.
fn json_path(prefix: &str, path: &str) -> String {
    let path = if path == "." { "" } else { path };
    match (prefix.is_empty(), path.is_empty()) {
        (true, true) => "$".to_string(),
        (true, false) => format!("$.{path}"),
        (false, true) => format!("$.{prefix}"),
        (false, false) => format!("$.{prefix}.{path}"),
    }
}

/// An error found while building part `path` of a scenario, as a document
/// error naming that path; errors about a file the scenario names (not
/// found, unreadable, a bad line) keep their own file and line.
fn at(path: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::FileNotFound { .. }
        | Error::Io { .. }
        | Error::CorruptGzip { .. }
        | Error::EmptyInput { .. }
        | Error::MalformedLine { .. }
        | Error::AllocationFailed { .. }
        | Error::InvalidWeight {
            location: Some(_), ..
        }
        | Error::ProbabilityOutOfRange {
            location: Some(_), ..
        }
        | Error::TooManyNodes {
            location: Some(_), ..
        } => e,
        Error::InvalidDocument {
            path: inner,
            reason,
        } => Error::InvalidDocument {
            path: format!("{path}{}", inner.trim_start_matches('$')),
            reason,
        },
        other => Error::InvalidDocument {
            path: path.to_string(),
            reason: other.to_string(),
        },
    }
}

/// Like [`at`], but a parameter error of options held at `path` names its
/// own field there: `EnsembleOptions`' `budget.runs` becomes
/// `$.ensemble.budget.runs`.
fn field_at(path: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::InvalidParameter { name, reason, .. } => invalid(format!("{path}.{name}"), reason),
        other => at(path)(other),
    }
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        path: path.into(),
        reason: reason.into(),
    }
}

impl Scenario {
    /// Reads a scenario from JSON text; relative paths in it are relative
    /// to the working folder. Text has no folder to keep its files in, so
    /// any path is taken as written, absolute paths and `..` steps
    /// included: the caller chose the text (read a document from a file
    /// with [`from_file`](Scenario::from_file) to have its paths checked).
    /// The models and roles it may name are the built-in ones
    /// ([`Registry::builtin`]).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the path of the first field that
    /// does not fit the schema or is out of range.
    pub fn from_json(text: &str) -> Result<Scenario> {
        Scenario::from_json_with(registry::builtin_ref(), text)
    }

    /// Reads a scenario from JSON text that may name the models and roles
    /// of `registry`; relative paths in it are relative to the working
    /// folder, and any path is taken as written, as with
    /// [`from_json`](Scenario::from_json).
    ///
    /// A registered model's options and a registered role's actor are
    /// checked as a built-in's are, and kept with every default filled in.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the path of the first field that
    /// does not fit the schema or is out of range, or does not fit the rest
    /// of the document (a selector for another diffusion than the model's,
    /// at `$.seeding.seeds.select.method...`; a split without a campaign,
    /// at `$.seeding.split`); a model the registry does not know is an
    /// error at `$.model` that lists the ones it knows.
    pub fn from_json_with(registry: &Registry, text: &str) -> Result<Scenario> {
        check_document_size(text.len())?;
        // serde keeps the last of two equal keys in a map (`seeding.prices`):
        // refuse them before anything is dropped.
        if let Some(path) = duplicate_key(text) {
            return Err(invalid(path, "this key is given twice in one object"));
        }
        if let Some(e) = moved_campaign(text) {
            return Err(e);
        }
        let mut scenario: Scenario = parse(text, "").map_err(|e| refine_generator(text, e))?;
        // A field that serde accepted but no part of the scenario kept
        // (an extra key beside a parameter-less `kind`, say) would be
        // silently dropped: compare the document with its echo.
        let input: Value = serde_json::from_str(text).map_err(|e| invalid("$", e.to_string()))?;
        let echo = serde_json::to_value(&scenario).map_err(|e| invalid("$", e.to_string()))?;
        if let Some(path) = ignored_field(&input, &echo, "$") {
            return Err(invalid(
                path,
                "unknown field: no part of the scenario reads it",
            ));
        }
        scenario.check(registry)?;
        Ok(scenario)
    }

    /// Reads a scenario file; relative paths in it become relative to the
    /// file's folder, and every file it names must be in that folder or
    /// below ([`PathPolicy::InsideFolder`];
    /// [`from_file_with_options`](Scenario::from_file_with_options) allows
    /// others). The models and roles it may name are the built-in ones.
    ///
    /// # Errors
    /// [`Error::FileNotFound`] or [`Error::Io`] for the file, then those of
    /// [`from_json`](Scenario::from_json), then
    /// [`Error::PathOutsideFolder`] for a file outside the folder.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenario> {
        Scenario::from_file_with(registry::builtin_ref(), path)
    }

    /// Reads a scenario file that may name the models and roles of
    /// `registry`; relative paths in it become relative to the file's
    /// folder, and every file it names must be in that folder or below
    /// ([`PathPolicy::InsideFolder`]).
    ///
    /// # Errors
    /// [`Error::FileNotFound`] or [`Error::Io`] for the file, then those of
    /// [`from_json_with`](Scenario::from_json_with), then
    /// [`Error::PathOutsideFolder`] for a file outside the folder.
    pub fn from_file_with(registry: &Registry, path: impl AsRef<Path>) -> Result<Scenario> {
        Scenario::from_file_with_options(registry, path, &LoadOptions::default())
    }

    /// Reads a scenario file that may name the models and roles of
    /// `registry`, as `options` say: relative paths in it become relative
    /// to the file's folder, and the files it names (`$.graph.edge_list.path`,
    /// `$.observed.file`, the `fit` section's) are checked against
    /// `options.paths`. Under [`PathPolicy::InsideFolder`] (the default) an
    /// absolute path, a `..` step, or a path to an existing file whose real
    /// location (symlinks followed) is outside the folder's is refused;
    /// under [`PathPolicy::Anywhere`] every path is taken.
    ///
    /// ```
    /// use wom::scenario::{LoadOptions, PathPolicy, Registry, Scenario};
    ///
    /// let folder = std::env::temp_dir().join(format!("wom-doc-paths-{}", std::process::id()));
    /// std::fs::create_dir_all(&folder)?;
    /// let file = folder.join("study.json");
    /// std::fs::write(&file, r#"{
    ///     "graph": {"edge_list": {"path": "/etc/hosts"}},
    ///     "seeding": {"seeds": {"ids": [1]}},
    ///     "model": {"bass": {"p": 0.01, "q": 0.3}}
    /// }"#)?;
    /// let refused = Scenario::from_file(&file).unwrap_err();
    /// assert!(refused.to_string().contains("$.graph.edge_list.path"), "{refused}");
    ///
    /// let trusting = LoadOptions::default().with_paths(PathPolicy::Anywhere);
    /// let read = Scenario::from_file_with_options(&Registry::builtin(), &file, &trusting)?;
    /// assert!(matches!(&read.graph, wom::scenario::GraphSpec::EdgeList { path, .. }
    ///     if path == std::path::Path::new("/etc/hosts")));
    /// # std::fs::remove_dir_all(&folder)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::FileNotFound`] or [`Error::Io`] for the file, then those of
    /// [`from_json_with`](Scenario::from_json_with), then
    /// [`Error::PathOutsideFolder`] naming the field of a file the policy
    /// refuses.
    pub fn from_file_with_options(
        registry: &Registry,
        path: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<Scenario> {
        use std::io::Read as _;
        let path = path.as_ref();
        crate::io::check_regular_file(path)?;
        let io_error = |source: std::io::Error| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::FileNotFound {
                    path: path.to_path_buf(),
                }
            } else {
                Error::Io {
                    file: path.display().to_string(),
                    line: None,
                    source,
                }
            }
        };
        // One byte past the limit tells a document that is too large,
        // without reading more of it.
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| {
                f.take(MAX_DOCUMENT_BYTES as u64 + 1)
                    .read_to_end(&mut bytes)
            })
            .map_err(io_error)?;
        check_document_size(bytes.len())?;
        let text = String::from_utf8(bytes).map_err(|e| Error::Io {
            file: path.display().to_string(),
            line: None,
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        })?;
        let mut scenario = Scenario::from_json_with(registry, &text)?;
        let folder = path.parent().unwrap_or(Path::new(""));
        let mut placer = paths::Placer::new(folder, options.paths);
        if let GraphSpec::EdgeList { path: file, .. } = &mut scenario.graph {
            placer.place("$.graph.edge_list.path", file)?;
        }
        if let Some(o) = &mut scenario.observed {
            placer.place("$.observed.file", &mut o.file)?;
        }
        if let Some(fit) = &mut scenario.fit {
            for (field, file) in fit.files_mut() {
                placer.place(&format!("$.fit{field}"), file)?;
            }
        }
        Ok(scenario)
    }

    /// Checks the values the schema alone does not: ranges, counts, and
    /// the model's and generator's own parameters (networks and files are
    /// checked when the scenario runs), against the built-in registry.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the field.
    pub fn validate(&self) -> Result<()> {
        self.validate_with(registry::builtin_ref())
    }

    /// Checks the values the schema alone does not, as
    /// [`validate`](Scenario::validate) does, with the models and roles of
    /// `registry`.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the field; a model or role the
    /// registry does not know is one at `$.model` or
    /// `$.roles.assign[i].role`.
    pub fn validate_with(&self, registry: &Registry) -> Result<()> {
        self.clone().check(registry)
    }

    /// The checks of [`validate_with`](Scenario::validate_with), writing
    /// registered options and actors back with their defaults. Besides each
    /// part's own ranges: a `select` seed rule's method must serve the model
    /// ([`SelectMethod::check_serves`](crate::seeding::SelectMethod::check_serves)),
    /// and a split needs a campaign ([`check_split`](Scenario::check_split)).
    fn check(&mut self, registry: &Registry) -> Result<()> {
        if let Some(fit) = &self.fit {
            fit.check("$.fit")?;
        }
        if let GraphSpec::Generate { generator, .. } = &self.graph {
            generator
                .validate()
                .map_err(at("$.graph.generate.generator"))?;
        }
        if let Some(b) = &self.roles.business
            && !(0.0..=1.0).contains(&b.trust)
        {
            return Err(invalid(
                "$.roles.business.trust",
                format!("{} is not in [0, 1]", b.trust),
            ));
        }
        for (i, a) in self.roles.assign.iter_mut().enumerate() {
            let path = format!("$.roles.assign[{i}]");
            let (actor, _) = registry.read_role(&a.role, a.actor.as_ref(), &path)?;
            a.actor = Some(actor);
        }
        self.seeding.validate().map_err(at("$.seeding"))?;
        if let Some(v) = self.kpis.value_per_adoption {
            check_amount("value_per_adoption", v).map_err(at("$.kpis.value_per_adoption"))?;
        }
        if let ModelSpec::Campaign(options) = &mut self.model {
            registry.resolve_channels(options, "$.model.campaign")?;
        }
        self.model.check(registry)?;
        if let SeedRule::Select(rule) = &self.seeding.seeds {
            rule.method
                .check_serves(&self.model.run_model())
                .map_err(at("$.seeding.seeds.select.method"))?;
        }
        self.check_split()?;
        if let Some(o) = &mut self.observed {
            o.check()?;
            if o.format == CascadeFormat::Activity && o.direction.is_none() {
                o.direction = Some(ArcDirection::Reversed);
            }
        }
        self.ensemble.validate().map_err(field_at("$.ensemble"))?;
        if let Some(mut baseline) = self.baseline.take() {
            let checked = baseline.check(self, registry);
            self.baseline = Some(baseline);
            checked?;
        }
        // Every point must be a valid document before anything runs.
        self.sweep_points(registry).map(drop)
    }

    /// The checks of `seeding.split` against the rest of the document: the
    /// model must be a campaign with a paid channel (or a registered
    /// channel, which may be paid once built), and the ROI needs a value
    /// per adoption.
    fn check_split(&self) -> Result<()> {
        let Some(split) = &self.seeding.split else {
            return Ok(());
        };
        let ModelSpec::Campaign(campaign) = &self.model else {
            return Err(invalid(
                "$.seeding.split",
                format!(
                    "the budget split shares money between seeds and a campaign's paid channels, \
                     so it needs a `campaign` model with a paid channel; this scenario's model \
                     is `{}`",
                    self.model.key()
                ),
            ));
        };
        paid_channel(campaign)?;
        if split.objective == Objective::Roi && self.kpis.value_per_adoption.is_none() {
            return Err(invalid(
                "$.seeding.split.objective",
                "the ROI needs `kpis.value_per_adoption` (what one adoption is worth)",
            ));
        }
        Ok(())
    }

    /// The total runs a progress bar should expect: the run count, or the
    /// most runs of a half-width budget.
    pub fn planned_runs(&self) -> u64 {
        match self.ensemble.budget {
            RunBudget::Runs(n) => n,
            RunBudget::HalfWidth { max_runs, .. } => max_runs,
        }
    }

    /// Builds the network, assigns roles, chooses seeds and runs the
    /// ensemble, as `settings` say: `None` or `Some(threads)` (the thread
    /// count overrides the scenario's; results are the same for any), or
    /// [`RunSettings`] with a progress callback.
    ///
    /// ```no_run
    /// # use wom::scenario::{RunSettings, Scenario};
    /// # let scenario = Scenario::from_file("study.json")?;
    /// let plain = scenario.run(None)?;
    /// let tell = |runs: u64| eprintln!("{runs} more runs");
    /// let watched = scenario.run(RunSettings { threads: Some(2), progress: Some(&tell) })?;
    /// assert_eq!(plain.report, watched.report); // the same bits, whatever the threads
    /// # Ok::<(), wom::Error>(())
    /// ```
    ///
    /// # Errors
    /// File errors of the edge list (with file and line), and
    /// [`Error::InvalidDocument`] naming the field for anything the network
    /// makes invalid (an unknown seed id, a role with no node ...).
    pub fn run<'a>(&self, settings: impl Into<RunSettings<'a>>) -> Result<Results> {
        self.run_with(registry::builtin_ref(), settings)
    }

    /// Runs the scenario as [`run`](Scenario::run) does, with the models
    /// and roles of `registry`: a registered model is built from its
    /// options by its [`FromOptions::from_options`] and run by the same
    /// ensemble, KPIs and results document as a built-in.
    ///
    /// # Errors
    /// Those of [`run`](Scenario::run); a model or role the registry does
    /// not know is an [`Error::InvalidDocument`] at `$.model` or
    /// `$.roles.assign[i].role`.
    pub fn run_with<'a>(
        &self,
        registry: &Registry,
        settings: impl Into<RunSettings<'a>>,
    ) -> Result<Results> {
        // Checked through `registry` again: a scenario built in code, or
        // read through another registry, gets the registry's channel kinds.
        let mut checked = self.clone();
        checked.check(registry)?;
        checked.run_checked(registry, settings.into())
    }

    /// [`run_with`](Scenario::run_with) on a scenario checked through
    /// `registry`.
    fn run_checked(&self, registry: &Registry, settings: RunSettings<'_>) -> Result<Results> {
        let (network, load_report) = self.build_network_with(registry)?;
        self.run_on(registry, settings, &network, load_report)
    }

    /// [`run_checked`](Scenario::run_checked) on the scenario's network,
    /// already built.
    fn run_on(
        &self,
        registry: &Registry,
        settings: RunSettings<'_>,
        network: &Network,
        load_report: Option<LoadReport>,
    ) -> Result<Results> {
        self.run_part(registry, settings, network, load_report, None)
    }

    /// [`run_on`](Scenario::run_on), running only the batches of `shard`
    /// when given (their statistics are left in it).
    fn run_part(
        &self,
        registry: &Registry,
        settings: RunSettings<'_>,
        network: &Network,
        load_report: Option<LoadReport>,
        shard: Option<&crate::kpi::ShardSink>,
    ) -> Result<Results> {
        let RunSettings { threads, progress } = settings;
        let progress = progress.unwrap_or(&|_| {});
        // The observed file first: a bad line fails before the runs.
        let observed = self.observed.as_ref().map(ObservedSpec::read).transpose()?;
        let chosen = self.seeds(network)?;
        let selection = chosen.selection.as_ref().map(SelectionFacts::from);
        let (seeds, proposed, cost) = (chosen.nodes, chosen.proposed, chosen.cost);
        let spec = self.kpi_spec(network, cost)?;
        let mut options = self.ensemble;
        if threads.is_some() {
            // An argument, not a document field: its error is the plain one.
            options.threads = threads;
            options.validate()?;
        }
        let resolved = self
            .baseline
            .as_ref()
            .map(|b| self.resolve_baseline(b, network))
            .transpose()?;
        let pairing = resolved.as_ref().map(|r| baseline::Pairing {
            model: &r.model,
            seeds: &r.seeds,
            spec: &r.spec,
            registry,
            lift: r.lift,
            rivals: std::cell::RefCell::new(None),
            out: std::cell::RefCell::new(None),
        });
        let run = Runner {
            network,
            seeds: &seeds,
            spec: &spec,
            options: &options,
            progress,
            model_path: "$.model",
            pairing: pairing.as_ref(),
            campaign: None,
            shard,
        };
        let (report, channels, rivals) = run.run_spec(&self.model, registry)?;
        let rival_ids = rivals.map(|r| ids_of(network, &r));
        let paired = pairing.map(|p| p.out.into_inner());
        let baseline = match (resolved, paired) {
            (Some(resolved), Some(Some(paired))) => Some(resolved.results(network, paired)),
            (Some(_), _) => {
                // Every model reaches `Runner::go`, which pairs the runs.
                return Err(invalid(
                    "$.baseline",
                    "the baseline was not run: the model ran without the scenario's runner",
                ));
            }
            _ => None,
        };
        let observed = match (observed, &self.observed) {
            (Some((read, trees)), Some(spec)) => {
                let simulated = report
                    .tree_kpis
                    .as_ref()
                    .ok_or_else(|| invalid("$.observed", "the run kept no tree KPIs"))?;
                Some(ObservedResults {
                    file: spec.file.clone(),
                    report: read.report,
                    comparison: compare(simulated, &trees, spec.step_length)
                        .map_err(field_at("$.observed"))?,
                    trees,
                })
            }
            _ => None,
        };
        Ok(Results {
            wom_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: self.clone(),
            network: network_facts(network, load_report),
            seeds: SeedFacts {
                ids: ids_of(network, &seeds),
                proposed,
                cost,
                rival_ids,
                selection,
            },
            channels,
            report,
            baseline,
            observed,
        })
    }

    /// The seeds of the scenario on `network` (built by
    /// [`build_network`](Scenario::build_network)), chosen as a run
    /// chooses them: the seeding rule's proposal, in its order, within the
    /// budget at the seed prices ([`SeedPlan::choose`] with the scenario's
    /// master seed).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at the field of `$.seeding` that the
    /// network makes invalid (an unknown id, a priced role nobody has, a
    /// budget that buys no seed).
    ///
    /// # Example
    /// ```
    /// use wom::scenario::Scenario;
    ///
    /// let scenario = Scenario::from_json(r#"{
    ///     "graph": {"generate": {"generator": {"model": "gnp", "n": 50, "p": 0.1}, "seed": 7}},
    ///     "seeding": {"seeds": {"top": {"by": "followers", "count": 4}},
    ///                 "budget": 30, "prices": {"consumer": 10}},
    ///     "model": {"bass": {"p": 0.01, "q": 0.3}}
    /// }"#)?;
    /// let (network, _) = scenario.build_network()?;
    /// let seeds = scenario.seeds(&network)?;
    /// assert_eq!((seeds.nodes.len(), seeds.proposed, seeds.cost), (3, 4, 30.0));
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn seeds(&self, network: &Network) -> Result<Seeds> {
        self.seeding
            .choose(network, self.ensemble.master_seed)
            .map_err(at("$.seeding"))
    }

    /// As [`seeds`](Scenario::seeds), telling `progress` how far a
    /// selector that takes long has got (`wom seed` draws it as a progress
    /// bar); the seeds are the same.
    ///
    /// # Errors
    /// As [`seeds`](Scenario::seeds).
    pub fn seeds_reporting(
        &self,
        network: &Network,
        progress: &SelectionProgress<'_>,
    ) -> Result<Seeds> {
        self.seeding
            .choose_reporting(network, self.ensemble.master_seed, Some(progress))
            .map_err(at("$.seeding"))
    }

    /// The scenario's budget split on `network` (built by
    /// [`build_network`](Scenario::build_network)): its `seeding.split`
    /// run by [`split_budget`]. The seeds of a split are bought in the
    /// order of the seeding rule's proposal ([`SeedRule::propose`] with the
    /// scenario's master seed; `seeding.budget` is not used: each split has
    /// its own) at `seeding.prices`; what they leave of a budget goes to the
    /// campaign's paid channels in equal parts. Every split runs as the
    /// scenario's ensemble, with `kpis.value_per_adoption` for the ROI.
    ///
    /// To run other budgets or shares, set `seeding.split` on a copy of
    /// the scenario first (`wom split --budgets ...` does).
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] naming the field:
    /// * `$.seeding.split`: the scenario has no split, its model is not a
    ///   campaign, or the campaign has no paid channel;
    /// * `$.seeding.split.budgets[i]`, `$.seeding.split.seed_shares[i]`: a
    ///   value out of range (an empty list at the list);
    /// * `$.seeding.split.objective`: the ROI without
    ///   `kpis.value_per_adoption`;
    /// * `$.seeding.seeds...`, `$.seeding.prices...`: as for
    ///   [`seeds`](Scenario::seeds);
    /// * `$.model.campaign...`: a registered channel that cannot be built.
    ///
    /// # Complexity
    /// One ensemble of the campaign per (budget, share), after the seed
    /// rule's proposal.
    ///
    /// # Example
    /// ```
    /// use wom::scenario::Scenario;
    ///
    /// let scenario = Scenario::from_json(r#"{
    ///     "graph": {"generate": {"generator": {"model": "gnp", "n": 100, "p": 0.05}, "seed": 7}},
    ///     "seeding": {"seeds": {"top": {"by": "followers", "count": 5}},
    ///                 "prices": {"consumer": 10},
    ///                 "split": {"budgets": [20, 60], "seed_shares": [0, 1]}},
    ///     "model": {"campaign": {"channels": [
    ///         {"channel": {"kind": "advertising", "share": 0.05, "persuasion": 0.2,
    ///                      "cost_per_message": 10}, "senders": "outside"},
    ///         {"channel": {"kind": "post", "persuasion": 0.3}, "senders": "adopters"}],
    ///         "horizon": 5}},
    ///     "ensemble": {"budget": {"runs": 50}}
    /// }"#)?;
    /// let (network, _) = scenario.build_network()?;
    /// let report = scenario.split(&network)?;
    /// assert_eq!(report.points.len(), 4);
    /// // All of 20 on seeds buys two of the five proposed (10 each); all
    /// // of 60 buys the five, and leaves 10 for advertising.
    /// assert_eq!((report.points[1].seeds, report.points[3].seeds), (2, 5));
    /// assert_eq!(report.points[3].channel_budget, 10.0);
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn split(&self, network: &Network) -> Result<SplitReport> {
        // A scenario built in code was not checked when read.
        self.seeding.validate().map_err(at("$.seeding"))?;
        let Some(plan) = &self.seeding.split else {
            return Err(invalid(
                "$.seeding.split",
                "the scenario has no budget split: add `seeding.split` \
                 ({\"budgets\": [...], \"seed_shares\": [...]})",
            ));
        };
        self.check_split()?;
        let ModelSpec::Campaign(campaign) = &self.model else {
            // check_split refused every other model.
            return Err(invalid("$.seeding.split", "the model is not a campaign"));
        };
        let mut campaign = campaign.clone();
        channels::build_registered(network, &mut campaign).map_err(at("$.model.campaign"))?;
        // Built, a registered channel says whether it is paid.
        paid_channel(&campaign)?;
        let ranked = self
            .seeding
            .seeds
            .propose(network, self.ensemble.master_seed, &[])
            .map_err(at("$.seeding.seeds"))?;
        self.seeding
            .prices
            .check_roles(network)
            .map_err(at("$.seeding.prices"))?;
        let options = plan.options(self.kpis.value_per_adoption, self.ensemble);
        // The lists, the objective and the channels were checked above;
        // what is left is the campaign's and the ensemble's word.
        split_budget(network, &campaign, &ranked, &self.seeding.prices, &options)
            .map_err(at("$.seeding.split"))
    }

    /// What the scenario's KPIs measure against on `network`: its target
    /// audience resolved to nodes, the seeding cost given, the value of an
    /// adoption, and returns counted over all adopters.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at `$.kpis.target` for a target the
    /// network does not have (an unknown id, a role or group nobody is in).
    pub fn kpi_spec(&self, network: &Network, seeding_cost: f64) -> Result<KpiSpec> {
        let target = match &self.kpis.target {
            TargetSpec::All => Target::All,
            TargetSpec::Role(r) => Target::Role(r.clone()),
            TargetSpec::Groups(g) => Target::Groups(g.clone()),
            TargetSpec::Ids(ids) => {
                Target::Nodes(resolve_ids(network, ids).map_err(at("$.kpis.target.ids"))?)
            }
        };
        let spec = KpiSpec {
            target,
            seeding_cost,
            value_per_adoption: self.kpis.value_per_adoption,
            returns: Returns::AllAdopters,
            tree_kpis: self.kpis.tree_kpis || self.observed.is_some(),
        };
        target_check(&spec, network)?;
        Ok(spec)
    }

    /// The network of the scenario, with roles assigned, and the load
    /// report of its edge list.
    ///
    /// # Errors
    /// Those of [`run`](Scenario::run) that concern the graph and roles.
    pub fn build_network(&self) -> Result<(Network, Option<LoadReport>)> {
        self.build_network_with(registry::builtin_ref())
    }

    /// The network of the scenario, with built-in and registered roles
    /// assigned, and the load report of its edge list.
    ///
    /// # Errors
    /// Those of [`run_with`](Scenario::run_with) that concern the graph and
    /// roles.
    pub fn build_network_with(&self, registry: &Registry) -> Result<(Network, Option<LoadReport>)> {
        let (mut graph, report) = match &self.graph {
            GraphSpec::EdgeList { path, options } => {
                let loaded =
                    read_edge_list(path, options).map_err(at("$.graph.edge_list.options"))?;
                (loaded.graph, Some(loaded.report))
            }
            GraphSpec::Generate { generator, seed } => (
                generator
                    .generate(*seed)
                    .map_err(at("$.graph.generate.generator"))?,
                None,
            ),
        };
        if let Some(l) = &self.roles.opinion_leaders {
            assign_opinion_leaders(&mut graph, &l.selection, &l.leader)
                .map_err(at("$.roles.opinion_leaders"))?;
        }
        let network = if self.roles.assign.is_empty() {
            self.add_business(&mut graph)?;
            graph.freeze()
        } else {
            // Registered roles need actors the built-in enum cannot hold:
            // the graph is copied into one that can (only then).
            let mut graph = document_graph(graph).map_err(at("$.graph"))?;
            for (i, a) in self.roles.assign.iter().enumerate() {
                let path = format!("$.roles.assign[{i}]");
                let (_, actor) = registry.read_role(&a.role, a.actor.as_ref(), &path)?;
                // Chosen as opinion leaders are, among the consumers left,
                // then given the registered role.
                let chosen =
                    assign_opinion_leaders(&mut graph, &a.selection, &OpinionLeader::default())
                        .map_err(at(&format!("{path}.selection")))?;
                for v in chosen {
                    if let Some(slot) = graph.actor_mut(v) {
                        *slot = DocumentActor::Registered(actor.clone());
                    }
                }
            }
            self.add_business(&mut graph)?;
            graph.freeze()
        };
        let network = network.map_err(at("$.graph"))?;
        Ok((network, report))
    }

    /// Adds the scenario's business account, if any, to `graph`.
    fn add_business<A>(&self, graph: &mut SocialGraph<A>) -> Result<()>
    where
        A: Actor + From<BusinessOrganization>,
    {
        if let Some(b) = &self.roles.business {
            add_business(
                graph,
                b.id.clone(),
                b.business.clone(),
                &b.followers,
                b.trust,
                // A stream of its own, apart from every run's.
                crate::rng::splitmix64(&mut (self.ensemble.master_seed ^ BUSINESS_STREAM)),
            )
            .map_err(at("$.roles.business"))?;
        }
        Ok(())
    }
}

/// The same graph (ids, actors, ties in order, groups) with actors that
/// may also be of registered roles.
fn document_graph(graph: SocialGraph) -> Result<SocialGraph<DocumentActor>> {
    let (inner, ids, groups) = graph.into_parts();
    let mut out = SocialGraph::with_capacity(inner.node_count(), inner.edge_count());
    for v in inner.node_indices() {
        let id = ids
            .id_of(v.index() as u32)
            .cloned()
            .unwrap_or_else(|| NodeId::from(v.index() as u64));
        out.add_actor(id, DocumentActor::Builtin(inner[v].clone()))?;
    }
    for e in inner.edge_indices() {
        if let Some((from, to)) = inner.edge_endpoints(e) {
            out.add_tie(from, to, inner[e])?;
        }
    }
    for g in groups {
        out.add_group(g.name.clone(), g.members().iter().copied())?;
    }
    Ok(out)
}

/// How [`Scenario::run`] runs: a thread count that overrides the
/// scenario's, and a callback told how many runs each batch made as it ends
/// (from worker threads; sum them for a progress bar). `None` and
/// `Some(threads)` convert into it.
#[derive(Clone, Copy, Default)]
pub struct RunSettings<'a> {
    /// Worker threads, overriding the scenario's `ensemble.threads`.
    pub threads: Option<usize>,
    /// Told the number of runs of each batch as it ends.
    pub progress: Option<&'a Progress<'a>>,
}

impl std::fmt::Debug for RunSettings<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunSettings")
            .field("threads", &self.threads)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl From<Option<usize>> for RunSettings<'_> {
    fn from(threads: Option<usize>) -> Self {
        RunSettings {
            threads,
            progress: None,
        }
    }
}

/// The pieces every model's ensemble shares.
#[derive(Clone, Copy)]
struct Runner<'a> {
    network: &'a Network,
    seeds: &'a [u32],
    spec: &'a KpiSpec,
    options: &'a EnsembleOptions,
    progress: &'a Progress<'a>,
    /// Where the model's options sit in the document, for build errors.
    model_path: &'a str,
    /// The baseline to pair this model's runs with (the campaign's runner).
    pairing: Option<&'a baseline::Pairing<'a>>,
    /// The campaign to pair this model's runs with (the baseline's runner).
    campaign: Option<(&'a dyn crate::kpi::lift::Side, &'a baseline::Pairing<'a>)>,
    /// The shard whose batches alone run ([`ShardPart`]).
    shard: Option<&'a crate::kpi::ShardSink>,
}

impl Runner<'_> {
    /// Builds model `M` from its options on the network and runs it; build
    /// errors name `$.model.<key>`.
    fn build<M: FromOptions + Sync>(
        &self,
        options: &M::Options,
    ) -> Result<(KpiReport, Vec<String>)> {
        let path = format!("{}.{}", self.model_path, M::KEY);
        let model = M::from_options(self.network, options.clone()).map_err(at(&path))?;
        self.go(&model)
    }

    /// Builds the model of `spec` (of the table, the registry, or a
    /// competition with its rivals) and runs it; the rivals' seeds of a
    /// competition.
    fn run_spec(
        &self,
        spec: &ModelSpec,
        registry: &Registry,
    ) -> Result<(KpiReport, Vec<String>, Option<Vec<u32>>)> {
        let (o, rival_seeds) = match spec.run_table(self, registry) {
            Ok(ran) => return ran.map(|(report, channels)| (report, channels, None)),
            Err(competition) => competition,
        };
        let path = format!("{}.competition", self.model_path);
        // A baseline keeps the campaign's rivals when its rule is the same
        // and they are none of the baseline's seeds: the counterfactual
        // changes our campaign, not the rival's.
        let kept = self.campaign.and_then(|(_, pairing)| {
            let campaign = pairing.rivals.borrow();
            campaign
                .as_ref()
                .filter(|(rule, r)| {
                    rule == rival_seeds && r.iter().all(|v| !self.seeds.contains(v))
                })
                .map(|(_, r)| r.clone())
        });
        let rivals = match kept {
            Some(rivals) => rivals,
            // The rival pays nothing from our budget; its rules pick among
            // the nodes that are not our seeds.
            None => rival_seeds
                .propose(
                    self.network,
                    self.options.master_seed.wrapping_add(1),
                    self.seeds,
                )
                .map_err(at(&format!("{path}.rival_seeds")))?,
        };
        if let Some(pairing) = self.pairing {
            *pairing.rivals.borrow_mut() = Some((rival_seeds.clone(), rivals.clone()));
        }
        let model =
            CompetitiveCascade::new(self.network, *o, self.seeds, &rivals).map_err(at(&path))?;
        let all: Vec<u32> = self.seeds.iter().chain(&rivals).copied().collect();
        // The campaign's return is brand A's adopters, not the rival's.
        let ours = KpiSpec {
            returns: Returns::Quantity {
                name: "adopted:brand_a".to_string(),
                seeds: self.seeds.len(),
            },
            ..self.spec.clone()
        };
        let (report, channels) = Runner {
            seeds: &all,
            spec: &ours,
            ..*self
        }
        .go(&model)?;
        Ok((report, channels, Some(rivals)))
    }

    fn go<S: Model + Sync>(&self, model: &S) -> Result<(KpiReport, Vec<String>)> {
        if let Some(paired) = self.go_paired(model) {
            return paired;
        }
        let report = Ensemble::new(self.network, model, self.seeds)
            .options(*self.options)
            .progress(self.progress)
            .shard(self.shard)
            .kpis(self.spec)
            // The options, prices and target were checked against the
            // document before the runs; what is left is the engine's word
            // on the seeds.
            .map_err(at("$.seeding.seeds"))?;
        Ok((report, model.channel_names()))
    }
}

/// The path of the first key repeated within one JSON object of `text`
/// (`None` when there is none, or when `text` is not JSON: the parser
/// reports that).
fn duplicate_key(text: &str) -> Option<String> {
    use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::cell::RefCell;

    /// Walks a value at `path`, recording the first repeated key.
    struct Walk<'a> {
        path: String,
        found: &'a RefCell<Option<String>>,
    }

    impl<'de> DeserializeSeed<'de> for Walk<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Walk<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> std::result::Result<(), E> {
            Ok(())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
            let mut i = 0;
            while let Some(()) = seq.next_element_seed(Walk {
                path: format!("{}[{i}]", self.path),
                found: self.found,
            })? {
                i += 1;
            }
            Ok(())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
            let mut keys = std::collections::HashSet::new();
            while let Some(key) = map.next_key::<String>()? {
                let here = format!("{}.{key}", self.path);
                if !keys.insert(key) && self.found.borrow().is_none() {
                    *self.found.borrow_mut() = Some(here.clone());
                }
                map.next_value_seed(Walk {
                    path: here,
                    found: self.found,
                })?;
            }
            Ok(())
        }
    }

    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let walked = Walk {
        path: "$".to_string(),
        found: &found,
    }
    .deserialize(&mut de);
    walked.ok()?;
    found.into_inner()
}

/// The path of the first field of `input` that `echo` (the parsed
/// document written back) lacks; a `null` field may be left out.
fn ignored_field(input: &Value, echo: &Value, path: &str) -> Option<String> {
    match (input, echo) {
        (Value::Object(given), Value::Object(kept)) => given.iter().find_map(|(key, v)| {
            let here = format!("{path}.{key}");
            match kept.get(key) {
                None if v.is_null() => None,
                None => Some(here),
                Some(w) => ignored_field(v, w, &here),
            }
        }),
        (Value::Array(given), Value::Array(kept)) => given
            .iter()
            .zip(kept)
            .enumerate()
            .find_map(|(i, (v, w))| ignored_field(v, w, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// A generator error deep inside `$.graph.generate.generator` is located
/// by the generator's own reader, which knows its fields: the spec's fields
/// are read again as written and handed to it.
fn refine_generator(text: &str, e: Error) -> Error {
    /// The part of a document down to the generator spec.
    #[derive(Deserialize)]
    struct Document {
        graph: Graph,
    }
    #[derive(Deserialize)]
    struct Graph {
        generate: Generate,
    }
    #[derive(Deserialize)]
    struct Generate {
        generator: crate::generate::Fields,
    }

    const AT: &str = "$.graph.generate.generator";
    let Error::InvalidDocument { path, .. } = &e else {
        return e;
    };
    if !path.starts_with(AT) {
        return e;
    }
    let Ok(document) = serde_json::from_str::<Document>(text) else {
        return e;
    };
    match document.graph.generate.generator.read() {
        Err((inner, reason)) => invalid(format!("{AT}{}", inner.trim_start_matches('$')), reason),
        Ok(_) => e,
    }
}

fn ids_of(network: &Network, nodes: &[u32]) -> Vec<NodeId> {
    nodes
        .iter()
        .filter_map(|&v| network.id_of(v).cloned())
        .collect()
}

/// The error for a document in the earlier layout, whose top-level
/// `campaign` object (seeds, budget, prices, target) clashed with the
/// `campaign` model; `None` for any other text.
fn moved_campaign(text: &str) -> Option<Error> {
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text) else {
        return None;
    };
    doc.contains_key("campaign").then(|| {
        invalid(
            "$.campaign",
            "the top-level `campaign` object was split: `seeds`, `budget` and `prices.seed` \
             are now `seeding.seeds`, `seeding.budget` and `seeding.prices`; `target` and \
             `prices.value_per_adoption` are now `kpis.target` and `kpis.value_per_adoption` \
             (the multi-channel model stays `model.campaign`)",
        )
    })
}

/// The budget split needs a channel to spend on: one with a cost per
/// message, or a registered channel not built yet (which may have one).
fn paid_channel(campaign: &CampaignOptions<DocChannel>) -> Result<()> {
    let may_pay = |c: &DocChannel| match c {
        DocChannel::Registered(r) if r.channel().is_none() => true,
        c => crate::Channel::cost_per_message(c) > 0.0,
    };
    if campaign.channels.iter().any(|c| may_pay(&c.channel)) {
        return Ok(());
    }
    Err(invalid(
        "$.seeding.split",
        "the campaign has no paid channel to spend the budgets on: give a channel of \
         `model.campaign.channels` a `cost_per_message` (advertising's, say)",
    ))
}

fn target_check(spec: &KpiSpec, network: &Network) -> Result<()> {
    spec.target.mask(network).map(drop).map_err(|e| match e {
        Error::InvalidParameter { value, reason, .. } => {
            invalid("$.kpis.target", format!("{value}: {reason}"))
        }
        other => other,
    })
}

fn network_facts(network: &Network, load_report: Option<LoadReport>) -> NetworkFacts {
    let mut roles = BTreeMap::new();
    for &r in network.roles() {
        if let Some(name) = network.role_name(r) {
            *roles.entry(name.to_string()).or_insert(0) += 1;
        }
    }
    NetworkFacts {
        nodes: network.node_count(),
        arcs: network.arc_count(),
        roles,
        groups: network.group_count(),
        fingerprint: network.id().value(),
        load_report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_of_the_table_is_its_variant_in_documents() {
        assert_eq!(ModelSpec::TABLE_KEYS.len(), 9);
        for key in ModelSpec::TABLE_KEYS {
            // A known key with bad options fails on its options; an
            // unknown one would be read as a registered model's.
            let err = serde_json::from_str::<ModelSpec>(&format!(r#"{{"{key}": 0}}"#))
                .unwrap_err()
                .to_string();
            assert!(err.contains("invalid type"), "{key}: {err}");
            assert!(registry::builtin_ref().has_model(key));
        }
        let spec = serde_json::from_str::<ModelSpec>(r#"{"nope": 0}"#).unwrap();
        assert_eq!(spec.key(), "nope");
        let err = registry::builtin_ref().model_entry("nope").err().unwrap();
        assert!(
            err.to_string().contains("$.model: unknown model `nope`"),
            "{err}"
        );
    }

    #[test]
    fn a_model_spec_is_written_as_its_derived_form_was() {
        // The hand-written serde keeps the externally tagged layout.
        for text in [
            r#"{"bass":{"p":0.01,"q":0.3}}"#,
            r#"{"competition":{"options":{"probabilities":{"kind":"uniform","a":0.06,"b":0.06},"tie_rule":"uniform_brand"},"rival_seeds":{"random":{"count":40}}}}"#,
            r#"{"mine":{"x":[1,2]}}"#,
        ] {
            match serde_json::from_str::<ModelSpec>(text) {
                Ok(spec) => assert_eq!(serde_json::to_string(&spec).unwrap(), text),
                Err(e) => panic!("{text}: {e}"),
            }
        }
        let two = serde_json::from_str::<ModelSpec>(r#"{"bass": {"p": 0.1, "q": 0.1}, "sir": {}}"#);
        assert!(
            two.unwrap_err()
                .to_string()
                .contains("a second model `sir`")
        );
    }
}
