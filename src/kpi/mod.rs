//! Marketing KPIs of a campaign, each estimated over a Monte Carlo ensemble
//! with its uncertainty.
//!
//! [`run_kpis`] runs a model many times (in parallel, bit-identical for
//! any number of threads, like [`run_ensemble`](crate::ensemble::run_ensemble))
//! and measures in every run:
//!
//! | KPI | per run |
//! |---|---|
//! | `reach` | nodes exposed (aware), seeds included |
//! | `adoption` | adopters A, seeds included |
//! | `adoption_rate` | A / n |
//! | `target_adoption_rate` | adopters in the target audience / its size |
//! | `steps` | steps until the run ended |
//! | `time_to_50`, `time_to_90` | first step t with A(t) ≥ 0.5 A, 0.9 A |
//! | `cascade_trees` | trees in the cascade forest (seeds, outside adoptions) |
//! | `cascade_size` | mean adopters per tree |
//! | `largest_cascade` | adopters in the largest tree |
//! | `cascade_depth` | the deepest adopter's distance from its root |
//! | `structural_virality` | mean pairwise distance in the largest tree (Goel et al. 2016) |
//! | `seeds` | seeds of the run |
//! | `adoptions:channel:<c>` | adoptions attributed to channel c (seeds excluded) |
//! | `adoptions:role:<r>`, `adoptions:outside` | adoptions by the sender's role, or with no sender |
//! | the model's [`quantity_names`](crate::propagation::Model::quantity_names) | e.g. talkers, messages, share of voice |
//! | `cost` | seeding cost + the model's [`spend`](crate::propagation::Model::spend) |
//! | `cost_per_adoption` | cost / G, G = A − seeds (or the [`Returns`] quantity) |
//! | `roi` | (value × G − cost) / cost, when a value per adoption is given |
//!
//! A KPI undefined in a run (a ratio with a zero denominator, the
//! structural virality of a one-node tree) is left out of its estimate,
//! whose `runs` then says how many runs defined it. Formulas, conventions
//! and references are in `docs/kpis.md`.
//!
//! The report's [`Curves`] follow the runs over time, one point per step
//! with its band: cumulative adoption, reach, adoptions by source, and
//! each of the model's quantities ([`Curves::quantities`]: net sentiment,
//! talkers, messages per channel ... after each step).
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::ensemble::{EnsembleOptions, RunBudget};
//! use wom::kpi::{KpiSpec, run_kpis};
//! use wom::propagation::IndependentCascade;
//!
//! // A path 0 -> 1 -> 2 -> 3 with certain transmission: every run is the
//! // same chain, depth 3, mean pairwise distance (1+2+3+1+2+1)/6 = 5/3.
//! let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)])?;
//! let ic = IndependentCascade::uniform(&net, 1.0)?;
//! let options = EnsembleOptions { budget: RunBudget::Runs(10), ..Default::default() };
//! let report = run_kpis(&net, &ic, &[0], &KpiSpec::default(), &options)?;
//! assert_eq!(report.kpi("adoption").unwrap().mean, 4.0);
//! assert_eq!(report.kpi("cascade_depth").unwrap().mean, 3.0);
//! assert!((report.kpi("structural_virality").unwrap().mean - 5.0 / 3.0).abs() < 1e-12);
//! assert_eq!(report.kpi("time_to_50").unwrap().mean, 1.0);
//! # Ok::<(), wom::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ensemble::{
    Accumulate, CurveMoments, Ensemble, EnsembleOptions, Estimate, Moments, Tick, bump, drive,
    pad_through,
};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::observed::{CascadeTable, TreeAccumulator, TreeKpis, time_to_share};
use crate::propagation::kernel::EpochMarks;
use crate::propagation::{Event, Model, Observer, Simulation, StepOutcome};
use crate::rng::splitmix64;
use crate::seeding::check_amount;

pub mod lift;
pub use lift::{Arm, LiftOptions, LiftReport, LiftResult};

/// The nodes whose adoption rate is the `target_adoption_rate` KPI.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Target {
    /// Every node.
    #[default]
    All,
    /// The nodes of one role (by name, e.g. `"consumer"`).
    Role(String),
    /// The members of any of these groups (by name).
    Groups(Vec<String>),
    /// These node indices.
    Nodes(Vec<u32>),
}

impl Target {
    /// The target as a person would name it: `every node`, `role
    /// "consumer"`, `groups ["fans"]`, `3 nodes`, `an empty list of nodes`.
    pub fn describe(&self) -> String {
        match self {
            Target::All => "every node".to_string(),
            Target::Role(name) => format!("role {name:?}"),
            Target::Groups(names) => format!("groups {names:?}"),
            Target::Nodes(nodes) if nodes.is_empty() => "an empty list of nodes".to_string(),
            Target::Nodes(nodes) if nodes.len() == 1 => "1 node".to_string(),
            Target::Nodes(nodes) => format!("{} nodes", nodes.len()),
        }
    }

    /// The target as one flag per node.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a role or group the network does not
    /// have, a node index out of range, or a target with no node.
    pub fn mask(&self, network: &Network) -> Result<Vec<bool>> {
        let n = network.node_count();
        let mask = match self {
            Target::All => vec![true; n],
            Target::Role(name) => {
                let role = network.role_id(name).ok_or_else(|| {
                    Error::param(
                        "target.role",
                        name,
                        format!(
                            "the network has no such role (it has {:?})",
                            network.role_names()
                        ),
                    )
                })?;
                network.roles().iter().map(|&r| r == role).collect()
            }
            Target::Groups(names) => {
                let mut mask = vec![false; n];
                for name in names {
                    let g = (0..network.group_count() as u32)
                        .find(|&g| network.group_name(g) == Some(name.as_str()))
                        .ok_or_else(|| {
                            Error::param("target.groups", name, "the network has no such group")
                        })?;
                    for m in network.group_members(g) {
                        mask[m.node as usize] = true;
                    }
                }
                mask
            }
            Target::Nodes(nodes) => {
                let mut mask = vec![false; n];
                for &v in nodes {
                    *mask.get_mut(v as usize).ok_or_else(|| {
                        Error::param("target.nodes", v, format!("the network has {n} nodes"))
                    })? = true;
                }
                mask
            }
        };
        if !mask.contains(&true) {
            return Err(Error::param(
                "target",
                self.describe(),
                "the target audience has no node",
            ));
        }
        Ok(mask)
    }
}

/// Which adoptions are the campaign's return, for `cost_per_adoption` and
/// `roi`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Returns {
    /// Every adopter beyond the seeds: A − s.
    #[default]
    AllAdopters,
    /// One of the model's [quantities](Model::quantity_names) minus
    /// the campaign's own seeds, when not every adopter is the campaign's:
    /// in a competition, `"adopted:brand_a"` less brand A's seeds, so the
    /// rival's adopters are not counted as a return.
    Quantity {
        /// The quantity's name.
        name: String,
        /// The campaign's own seeds, subtracted from it.
        seeds: usize,
    },
}

/// The largest money amount accepted; one constant with the one check,
/// [`check_amount`].
pub use crate::seeding::MAX_AMOUNT;

/// What [`run_kpis`] measures beyond the run itself: the target audience
/// and the economics of the campaign.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KpiSpec {
    /// The target audience.
    pub target: Target,
    /// What the seeds cost, in total (fees of paid opinion leaders ...);
    /// added to the model's [`spend`](Model::spend) in every run.
    pub seeding_cost: f64,
    /// What one adoption beyond the seeds is worth (a margin); with it, the
    /// report has the `roi` KPI.
    pub value_per_adoption: Option<f64>,
    /// Which adoptions are the return (default: every adopter beyond the
    /// seeds).
    pub returns: Returns,
    /// Also measure every cascade tree of every run (size, depth,
    /// structural virality, times to 50% and 90%) into
    /// [`KpiReport::tree_kpis`], to compare with observed cascades
    /// ([`observed`](crate::observed)). Off by default: on large cascades
    /// it costs about a fifth more instructions per run.
    pub tree_kpis: bool,
}

impl KpiSpec {
    fn check(&self) -> Result<()> {
        check_amount("seeding_cost", self.seeding_cost)?;
        if let Some(v) = self.value_per_adoption {
            check_amount("value_per_adoption", v)?;
        }
        Ok(())
    }

    /// The index of the return quantity among the model's, and the
    /// seeds to subtract from it.
    fn returns_index(&self, quantities: &[String]) -> Result<Option<(usize, usize)>> {
        match &self.returns {
            Returns::AllAdopters => Ok(None),
            Returns::Quantity { name, seeds } => quantities
                .iter()
                .position(|q| q == name)
                .map(|i| Some((i, *seeds)))
                .ok_or_else(|| {
                    Error::param(
                        "returns",
                        name,
                        format!("the model has no such quantity (it has {quantities:?})"),
                    )
                }),
        }
    }
}

/// Shape measures of one run's cascade forest.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct CascadeMetrics {
    /// Trees: adopters with no sender among earlier adopters (seeds,
    /// adoptions from outside the network).
    pub trees: usize,
    /// Adopters in all trees.
    pub adopters: usize,
    /// Adopters in the largest tree (the first in adoption order on ties).
    pub largest: usize,
    /// The deepest adopter's distance from its root (0 for a forest of
    /// roots).
    pub depth: u32,
    /// The mean distance between two distinct adopters of the largest tree
    /// (Goel, Anderson, Hofman & Watts 2016); `None` for a one-node tree.
    pub structural_virality: Option<f64>,
}

impl CascadeMetrics {
    /// Mean adopters per tree (0 for an empty forest).
    pub fn mean_size(&self) -> f64 {
        if self.trees == 0 {
            0.0
        } else {
            self.adopters as f64 / self.trees as f64
        }
    }
}

/// The shape of a cascade given as adoption events in the order they
/// happened (as [`Recorder::cascade`](crate::propagation::Recorder::cascade)
/// returns them): an adopter's parent is its sender when the sender adopted
/// earlier in the list; otherwise the adopter roots a tree.
///
/// Structural virality uses Σ_{i<j} d(i, j) = Σ_edges s (N − s), where s is
/// the size of the subtree below the edge, so it costs O(N), not O(N²).
///
/// ```
/// use wom::ChannelId;
/// use wom::kpi::cascade_metrics;
/// use wom::propagation::Event;
///
/// // A star: root 0 with children 1, 2, 3. Distances: 3 pairs at 1, 3 at 2.
/// let e = |node, sender, step| Event { node, sender, channel: ChannelId(0), step };
/// let star = [e(0, None, 0), e(1, Some(0), 1), e(2, Some(0), 1), e(3, Some(0), 1)];
/// let m = cascade_metrics(&star);
/// assert_eq!((m.trees, m.largest, m.depth), (1, 4, 1));
/// assert_eq!(m.structural_virality, Some(1.5));
/// ```
pub fn cascade_metrics(cascade: &[Event]) -> CascadeMetrics {
    let n = cascade
        .iter()
        .map(|e| e.node as usize + 1)
        .max()
        .unwrap_or(0);
    let mut forest = Forest::new(n);
    forest.clear();
    for e in cascade {
        forest.push(e);
    }
    forest.metrics()
}

/// One adopter in the forest.
#[derive(Debug, Clone, Copy)]
struct Link {
    parent: u32,
    root: u32,
    depth: u32,
}

const NO_PARENT: u32 = u32::MAX;

/// Mixed into the master seed for the priorities of the sample of trees.
const TREE_SAMPLE_STREAM: u64 = 0x7472_6565_6b70_6973;

/// A cascade forest with reusable buffers: node -> position of its
/// adoption (epoch-stamped), and the adopters in adoption order.
#[derive(Debug, Clone)]
struct Forest {
    position: Vec<u32>,
    stamp: EpochMarks,
    links: Vec<Link>,
    sizes: Vec<u32>,
    /// The step of each adoption, in adoption order.
    steps: Vec<u32>,
    /// Buffers of [`tree_kpis`](Self::tree_kpis), reused between runs.
    tree_of: Vec<u32>,
    grouped: Vec<f64>,
}

impl Forest {
    fn new(n: usize) -> Self {
        Forest {
            position: vec![0; n],
            stamp: EpochMarks::new(n),
            links: Vec::new(),
            sizes: Vec::new(),
            steps: Vec::new(),
            tree_of: Vec::new(),
            grouped: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.stamp.next_epoch();
        self.links.clear();
        self.steps.clear();
    }

    fn position_of(&self, v: u32) -> Option<u32> {
        let i = v as usize;
        self.stamp.is_marked(i).then(|| self.position[i])
    }

    fn push(&mut self, e: &Event) {
        let me = self.links.len() as u32;
        let link = match e.sender.and_then(|s| self.position_of(s)) {
            Some(p) if e.sender != Some(e.node) => {
                let parent = self.links[p as usize];
                Link {
                    parent: p,
                    root: parent.root,
                    depth: parent.depth + 1,
                }
            }
            _ => Link {
                parent: NO_PARENT,
                root: me,
                depth: 0,
            },
        };
        self.links.push(link);
        self.steps.push(e.step);
        let i = e.node as usize;
        if i < self.stamp.len() {
            self.stamp.mark(i);
            self.position[i] = me;
        }
    }

    fn metrics(&mut self) -> CascadeMetrics {
        let links = &self.links;
        self.sizes.clear();
        self.sizes.resize(links.len(), 1);
        // Children come after their parents: sum subtree sizes backwards.
        for i in (0..links.len()).rev() {
            let p = links[i].parent;
            if p != NO_PARENT {
                self.sizes[p as usize] += self.sizes[i];
            }
        }
        let mut trees = 0;
        let mut largest: Option<(u32, u32)> = None;
        let mut depth = 0;
        for (i, l) in links.iter().enumerate() {
            depth = depth.max(l.depth);
            if l.parent == NO_PARENT {
                trees += 1;
                let size = self.sizes[i];
                if largest.is_none_or(|(_, s)| size > s) {
                    largest = Some((i as u32, size));
                }
            }
        }
        let (root, size) = largest.unwrap_or((0, 0));
        let structural_virality = (size >= 2).then(|| {
            let big_n = f64::from(size);
            let pairs: f64 = links
                .iter()
                .zip(&self.sizes)
                .filter(|(l, _)| l.root == root && l.parent != NO_PARENT)
                .map(|(_, &s)| f64::from(s) * (big_n - f64::from(s)))
                .sum();
            2.0 * pairs / (big_n * (big_n - 1.0))
        });
        CascadeMetrics {
            trees,
            adopters: links.len(),
            largest: size as usize,
            depth,
            structural_virality,
        }
    }

    /// The KPIs of each tree, in root order, with the tree's ordinal
    /// (after [`metrics`](Self::metrics), which sums the subtree sizes):
    /// the same definitions as
    /// [`ObservedCascade::tree_kpis`](crate::observed::ObservedCascade::tree_kpis),
    /// with adoption steps for times. O(A) for A adopters.
    fn tree_kpis(&mut self, mut each: impl FnMut(u64, &TreeKpis)) {
        let links = &self.links;
        let sizes = &self.sizes;
        // Each tree's ordinal, and where its steps start in `grouped`.
        self.tree_of.clear();
        self.tree_of.resize(links.len(), 0);
        let mut starts: Vec<usize> = Vec::new();
        let mut total = 0usize;
        for (i, l) in links.iter().enumerate() {
            if l.parent == NO_PARENT {
                self.tree_of[i] = starts.len() as u32;
                starts.push(total);
                total += sizes[i] as usize;
            }
        }
        let trees = starts.len();
        let mut fill = starts.clone();
        let mut deepest = vec![0u32; trees];
        let mut pairs = vec![0.0f64; trees];
        let mut big = vec![0u32; trees];
        self.grouped.clear();
        self.grouped.resize(total, 0.0);
        for (i, l) in links.iter().enumerate() {
            let t = self.tree_of[l.root as usize] as usize;
            deepest[t] = deepest[t].max(l.depth);
            self.grouped[fill[t]] = f64::from(self.steps[i]);
            fill[t] += 1;
            if l.parent == NO_PARENT {
                big[t] = sizes[i];
            } else {
                let n = f64::from(sizes[l.root as usize]);
                let s = f64::from(sizes[i]);
                pairs[t] += s * (n - s);
            }
        }
        for t in 0..trees {
            let n = big[t];
            let nf = f64::from(n);
            let steps = &mut self.grouped[starts[t]..starts[t] + n as usize];
            let kpis = TreeKpis {
                size: u64::from(n),
                depth: deepest[t],
                structural_virality: (n >= 2).then(|| 2.0 * pairs[t] / (nf * (nf - 1.0))),
                time_to_50: time_to_share(steps, 0.5),
                time_to_90: time_to_share(steps, 0.9),
            };
            each(t as u64, &kpis);
        }
    }

    /// The size of each tree, in root order (after [`metrics`](Self::metrics)).
    fn tree_sizes(&self) -> impl Iterator<Item = u32> + '_ {
        self.links
            .iter()
            .zip(&self.sizes)
            .filter(|(l, _)| l.parent == NO_PARENT)
            .map(|(_, &s)| s)
    }
}

/// Records what one run's KPIs need.
#[derive(Debug)]
struct RunObserver<'a> {
    network: &'a Network,
    target: &'a [bool],
    adopted: Vec<u64>,
    exposed: Vec<u64>,
    /// New adoptions per step: seeds first, then each channel.
    by_channel: Vec<Vec<u64>>,
    /// Adoptions per sender role, then from outside.
    by_role: Vec<u64>,
    target_adopted: u64,
    forest: Forest,
    /// Whether to keep the run's adoptions.
    record: bool,
    /// Records only the adoptions through this channel (the campaign's
    /// own brand), when set.
    own: Option<crate::ChannelId>,
    /// The run's adoptions as (node, step), when recorded.
    adoptions: Vec<(u32, u32)>,
}

impl<'a> RunObserver<'a> {
    fn new(network: &'a Network, target: &'a [bool], channels: usize) -> Self {
        RunObserver {
            network,
            target,
            adopted: Vec::new(),
            exposed: Vec::new(),
            by_channel: vec![Vec::new(); channels + 1],
            by_role: vec![0; network.role_names().len() + 1],
            target_adopted: 0,
            forest: Forest::new(network.node_count()),
            record: false,
            own: None,
            adoptions: Vec::new(),
        }
    }
}

impl Observer for RunObserver<'_> {
    fn step_begins(&mut self, step: u32) {
        if step == 0 {
            self.adopted.clear();
            self.exposed.clear();
            self.by_channel.iter_mut().for_each(Vec::clear);
            self.by_role.iter_mut().for_each(|c| *c = 0);
            self.target_adopted = 0;
            self.forest.clear();
            self.adoptions.clear();
        }
    }

    fn step_ends(&mut self, step: u32) {
        // One point per step, steps without adoptions or exposures
        // included, so that the curves have the run's steps + 1 points.
        pad_through(&mut self.adopted, step);
        pad_through(&mut self.exposed, step);
        for counts in &mut self.by_channel {
            pad_through(counts, step);
        }
    }

    fn exposed(&mut self, e: &Event) {
        bump(&mut self.exposed, e.step);
    }

    fn adopted(&mut self, e: &Event) {
        bump(&mut self.adopted, e.step);
        if self.target.get(e.node as usize) == Some(&true) {
            self.target_adopted += 1;
        }
        if e.step == 0 {
            bump(&mut self.by_channel[0], 0);
        } else {
            // A model naming a channel it did not declare is counted
            // in the last channel rather than dropped.
            let c = (usize::from(e.channel.0) + 1).min(self.by_channel.len() - 1);
            bump(&mut self.by_channel[c], e.step);
            let r = match e.sender {
                Some(s) => usize::from(self.network.role(s).0),
                None => self.by_role.len() - 1,
            };
            let last = self.by_role.len() - 1;
            self.by_role[r.min(last)] += 1;
        }
        self.forest.push(e);
        if self.record && self.own.is_none_or(|c| c == e.channel) {
            self.adoptions.push((e.node, e.step));
        }
    }
}

/// The first step at which the cumulative count reaches `fraction` of its
/// final value; NaN (undefined) when the final value is 0.
fn time_to(per_step: &[u64], fraction: f64) -> f64 {
    let total: u64 = per_step.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let goal = fraction * total as f64;
    let mut cumulative = 0u64;
    for (t, &k) in per_step.iter().enumerate() {
        cumulative += k;
        if cumulative as f64 >= goal {
            return t as f64;
        }
    }
    f64::NAN
}

/// The KPIs' names and the layout of a run's values.
#[derive(Debug, Clone)]
struct Layout {
    names: Vec<String>,
    channels: usize,
    roles: usize,
    quantities: usize,
    /// The model's quantities, in its order.
    quantity_names: Vec<String>,
    /// The return quantity's index among the quantities, and the seeds
    /// subtracted from it.
    returns: Option<(usize, usize)>,
    /// Whether every tree's KPIs are measured ([`KpiSpec::tree_kpis`]).
    tree_kpis: bool,
}

/// Declares the base KPIs once: the enum, its names and its positions all
/// come from this one list, so no index can drift from its name.
macro_rules! base_kpis {
    ($($(#[doc = $doc:literal])* $variant:ident => $name:literal,)*) => {
        /// The KPIs every run has, whatever the model, in the order they
        /// open a [`KpiReport`] and a run's values (see the
        /// [module docs](self) for the per-run definitions).
        ///
        /// ```
        /// use wom::kpi::BaseKpi;
        /// assert_eq!(BaseKpi::Adoption.name(), "adoption");
        /// assert_eq!(BaseKpi::ALL[BaseKpi::Adoption.index()], BaseKpi::Adoption);
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum BaseKpi {
            $($(#[doc = $doc])* $variant,)*
        }

        impl BaseKpi {
            /// Every base KPI, in report order.
            pub const ALL: &'static [BaseKpi] = &[$(BaseKpi::$variant,)*];

            /// The KPI's name in reports and documents.
            pub const fn name(self) -> &'static str {
                match self {
                    $(BaseKpi::$variant => $name,)*
                }
            }
        }
    };
}

base_kpis! {
    /// Nodes exposed (aware), seeds included.
    Reach => "reach",
    /// Adopters, seeds included.
    Adoption => "adoption",
    /// Adopters over the number of nodes.
    AdoptionRate => "adoption_rate",
    /// Adopters in the target audience over its size.
    TargetAdoptionRate => "target_adoption_rate",
    /// Steps until the run ended.
    Steps => "steps",
    /// First step at which half the run's final adoption was reached.
    TimeTo50 => "time_to_50",
    /// First step at which 90% of the run's final adoption was reached.
    TimeTo90 => "time_to_90",
    /// Trees in the cascade forest.
    CascadeTrees => "cascade_trees",
    /// Mean adopters per tree.
    CascadeSize => "cascade_size",
    /// Adopters in the largest tree.
    LargestCascade => "largest_cascade",
    /// The deepest adopter's distance from its root.
    CascadeDepth => "cascade_depth",
    /// Mean pairwise distance in the largest tree (Goel et al. 2016).
    StructuralVirality => "structural_virality",
    /// Seeds of the run.
    Seeds => "seeds",
}

impl BaseKpi {
    /// The KPI's position among a run's values and a report's KPIs.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The KPIs that close every report, after the model's quantities: what
/// the campaign cost, per adoption gained, and its return (only when a
/// value per adoption is given).
const COST: &str = "cost";
const COST_PER_ADOPTION: &str = "cost_per_adoption";
const ROI: &str = "roi";

impl Layout {
    fn new<S: Model + ?Sized>(network: &Network, model: &S, spec: &KpiSpec) -> Result<Self> {
        let channels = model.channel_names();
        let quantities = model.quantity_names();
        let returns = spec.returns_index(&quantities)?;
        let mut names: Vec<String> = BaseKpi::ALL.iter().map(|k| k.name().to_string()).collect();
        names.extend(channels.iter().map(|c| format!("adoptions:channel:{c}")));
        names.extend(
            network
                .role_names()
                .iter()
                .map(|r| format!("adoptions:role:{r}")),
        );
        names.push("adoptions:outside".to_string());
        names.extend(quantities.iter().cloned());
        names.extend([COST, COST_PER_ADOPTION].map(String::from));
        if spec.value_per_adoption.is_some() {
            names.push(ROI.to_string());
        }
        Ok(Layout {
            names,
            channels: channels.len(),
            roles: network.role_names().len(),
            quantities: quantities.len(),
            quantity_names: quantities,
            returns,
            tree_kpis: spec.tree_kpis,
        })
    }
}

impl Layout {
    /// The report of the runs in `total`, made by `model` as `options` say.
    fn report<S: Model + ?Sized>(
        &self,
        model: &S,
        options: &EnsembleOptions,
        total: KpiBatch,
    ) -> KpiReport {
        self.shape(model, options).report(total)
    }

    /// What a report of `model`'s runs needs besides their statistics.
    fn shape<S: Model + ?Sized>(&self, model: &S, options: &EnsembleOptions) -> ReportShape {
        let mut sources = vec!["seeds".to_string()];
        sources.extend(model.channel_names());
        ReportShape {
            model: model.name().to_string(),
            sources,
            names: self.names.clone(),
            quantity_names: self.quantity_names.clone(),
            tree_kpis: self.tree_kpis,
            master_seed: options.master_seed,
            keep_runs: options.keep_runs,
        }
    }
}

/// Everything a [`KpiReport`] holds besides the runs' statistics: the
/// model's name, the sources and KPIs in order, and the options the report
/// echoes. A shard part keeps it, so that the merge makes the report
/// without the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportShape {
    model: String,
    /// `seeds`, then the model's channels.
    sources: Vec<String>,
    names: Vec<String>,
    quantity_names: Vec<String>,
    tree_kpis: bool,
    master_seed: u64,
    keep_runs: bool,
}

impl ReportShape {
    /// The report of the runs in `total`.
    pub(crate) fn report(&self, total: KpiBatch) -> KpiReport {
        let layout = self;
        let len = total.adoption.len().max(total.reach.len()).max(
            total
                .by_channel
                .iter()
                .chain(&total.quantities)
                .map(CurveMoments::len)
                .max()
                .unwrap_or(0),
        );
        let sources = self.sources.clone();
        KpiReport {
            model: self.model.clone(),
            runs: total.runs(),
            master_seed: self.master_seed,
            finished_runs: total.finished,
            kpis: layout
                .names
                .iter()
                .zip(&total.values)
                .map(|(name, m)| Kpi {
                    name: name.clone(),
                    estimate: m.estimate(),
                })
                .collect(),
            curves: Curves {
                adoption: total.adoption.estimates(len),
                reach: total.reach.estimates(len),
                by_channel: sources
                    .into_iter()
                    .zip(&total.by_channel)
                    .map(|(name, c)| NamedCurve {
                        name,
                        points: c.estimates(len),
                    })
                    .collect(),
                quantities: layout
                    .quantity_names
                    .iter()
                    .zip(&total.quantities)
                    .map(|(name, c)| NamedCurve {
                        name: name.clone(),
                        points: c.estimates(len),
                    })
                    .collect(),
            },
            adoption_distribution: total
                .sizes
                .iter()
                .map(|(&adopters, &runs)| SizeCount { adopters, runs })
                .collect(),
            tree_size_distribution: total
                .trees
                .iter()
                .map(|(&adopters, &trees)| TreeCount { adopters, trees })
                .collect(),
            per_run: self.keep_runs.then_some(total.kept),
            tree_kpis: layout.tree_kpis.then(|| total.tree_kpis.table("step")),
        }
    }
}

/// Statistics of a batch of runs (in a shard part, every figure as its
/// bits).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KpiBatch {
    values: Vec<Moments>,
    finished: u64,
    adoption: CurveMoments,
    reach: CurveMoments,
    by_channel: Vec<CurveMoments>,
    /// The level of each model quantity after each step.
    quantities: Vec<CurveMoments>,
    sizes: BTreeMap<u64, u64>,
    trees: BTreeMap<u64, u64>,
    /// The KPIs of every tree of every run.
    tree_kpis: TreeAccumulator,
    /// Every run's KPI values, when kept.
    #[serde(with = "crate::ensemble::bits::rows")]
    kept: Vec<Vec<Option<f64>>>,
}

impl Accumulate for KpiBatch {
    fn merge(&mut self, o: KpiBatch) {
        if self.values.is_empty() {
            *self = o;
            return;
        }
        for (a, b) in self.values.iter_mut().zip(&o.values) {
            a.merge(b);
        }
        self.finished += o.finished;
        self.adoption.merge(&o.adoption);
        self.reach.merge(&o.reach);
        for (a, b) in self.by_channel.iter_mut().zip(&o.by_channel) {
            a.merge(b);
        }
        for (a, b) in self.quantities.iter_mut().zip(&o.quantities) {
            a.merge(b);
        }
        for (size, runs) in o.sizes {
            *self.sizes.entry(size).or_default() += runs;
        }
        for (size, trees) in o.trees {
            *self.trees.entry(size).or_default() += trees;
        }
        self.tree_kpis.merge(o.tree_kpis);
        self.kept.extend(o.kept);
    }
    fn runs(&self) -> u64 {
        self.values
            .get(BaseKpi::Adoption.index())
            .map_or(0, Moments::count)
    }
    fn adoption_half_width(&self) -> f64 {
        self.values
            .get(BaseKpi::Adoption.index())
            .map_or(f64::INFINITY, |m| m.estimate().half_width())
    }
}

/// One KPI and its estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    /// The KPI's name (see the [module docs](self)).
    pub name: String,
    /// Its mean, standard deviation and 95% interval over the runs that
    /// defined it.
    #[serde(flatten)]
    pub estimate: Estimate,
}

/// A named curve with its band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedCurve {
    /// What it counts.
    pub name: String,
    /// One point per step, step 0 first.
    pub points: Vec<Estimate>,
}

/// The curves of an ensemble: cumulative counts and the model's
/// quantities after each step, with bands; a run that ended early keeps
/// its final value. All curves have the same length (the longest run's
/// steps + 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curves {
    /// Cumulative adopters.
    pub adoption: Vec<Estimate>,
    /// Cumulative exposed nodes (reach).
    pub reach: Vec<Estimate>,
    /// Cumulative adoptions by source: `seeds` first, then each channel;
    /// at every step they sum to the adoption curve's mean.
    pub by_channel: Vec<NamedCurve>,
    /// The model's own [quantities](Model::quantity_names), one curve
    /// each in the model's order: the value
    /// [`Model::quantities`] reports after each step (step 0: after the
    /// seeds are placed), not a cumulative count. A run that ended early
    /// keeps its final value. A NaN value (undefined in that run at that
    /// step) is left out of that step's estimate, whose `runs` then counts
    /// the runs that defined it; a point no run defined has `runs == 0`
    /// (`null` figures in JSON). Empty for a model without quantities.
    /// The last point's estimate equals the quantity's KPI.
    ///
    /// Absent from documents written before it existed: they read as
    /// empty.
    #[serde(default)]
    pub quantities: Vec<NamedCurve>,
}

impl Curves {
    /// The mean of each source's cumulative adoptions, per step: the
    /// series of a stacked chart (`chart::channel_adoptions`).
    pub fn by_channel_means(&self) -> Vec<(String, Vec<f64>)> {
        self.by_channel
            .iter()
            .map(|c| (c.name.clone(), c.points.iter().map(|p| p.mean).collect()))
            .collect()
    }

    /// The curve of the model quantity named `name`, if the model has it.
    pub fn quantity(&self, name: &str) -> Option<&NamedCurve> {
        self.quantities.iter().find(|c| c.name == name)
    }
}

/// How many runs ended with a given number of adopters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SizeCount {
    /// Adopters at the end of a run, seeds included.
    pub adopters: u64,
    /// Runs that ended with that many.
    pub runs: u64,
}

/// How many cascade trees, over all runs, had a given number of adopters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeCount {
    /// Adopters in a tree, its root included.
    pub adopters: u64,
    /// Trees of that size, over all runs.
    pub trees: u64,
}

/// The KPIs of an ensemble, with their uncertainty, and its curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    /// The model's name.
    pub model: String,
    /// Runs made.
    pub runs: u64,
    /// The master seed.
    pub master_seed: u64,
    /// Runs that ended on their own, not at the step limit.
    pub finished_runs: u64,
    /// Every KPI, in the order of the [module docs](self).
    pub kpis: Vec<Kpi>,
    /// Mean curves with bands.
    pub curves: Curves,
    /// The distribution of the final number of adopters over the runs,
    /// sorted by size (exact: one entry per size seen).
    pub adoption_distribution: Vec<SizeCount>,
    /// The distribution of cascade tree sizes over all the trees of all
    /// the runs (Goel et al. 2016's cascade size), sorted by size.
    #[serde(default)]
    pub tree_size_distribution: Vec<TreeCount>,
    /// Every run's KPI values, in run order and in the order of
    /// [`kpis`](KpiReport::kpis) (`None` where undefined), when
    /// [`keep_runs`](EnsembleOptions::keep_runs) asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_run: Option<Vec<Vec<Option<f64>>>>,
    /// The distributions of the tree KPIs (size, depth, structural
    /// virality, time to 50% and 90%, in steps) over every cascade tree of
    /// every run, as [`CascadeTable::from_cascades`] gives them for
    /// observed cascades; compare them with
    /// [`observed::compare`](crate::observed::compare). The structural
    /// virality keeps a uniform sample of at most
    /// [`SAMPLE_CAP`](crate::observed::SAMPLE_CAP) trees for its quantiles
    /// and test (its mean is over all). `None` in documents written before
    /// it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree_kpis: Option<CascadeTable>,
}

impl KpiReport {
    /// The estimate of a base KPI, one every report has.
    pub fn base(&self, kpi: BaseKpi) -> Option<&Estimate> {
        self.kpi(kpi.name())
    }

    /// The estimate of the KPI named `name`.
    pub fn kpi(&self, name: &str) -> Option<&Estimate> {
        self.kpis
            .iter()
            .find(|k| k.name == name)
            .map(|k| &k.estimate)
    }
}

impl fmt::Display for KpiReport {
    /// A table: one KPI a line with its mean, standard deviation, 95%
    /// interval and the runs that defined it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        kpi_table(f, &self.kpis)
    }
}

/// One KPI a line with its mean, standard deviation, 95% interval and
/// the runs that defined it.
fn kpi_table(f: &mut fmt::Formatter<'_>, kpis: &[Kpi]) -> fmt::Result {
    let width = kpis.iter().map(|k| k.name.len()).max().unwrap_or(3).max(3);
    writeln!(
        f,
        "{:<width$}  {:>12}  {:>10}  {:>27}  {:>6}",
        "KPI", "mean", "sd", "95% CI", "runs"
    )?;
    for k in kpis {
        let e = &k.estimate;
        if e.runs == 0 {
            writeln!(f, "{:<width$}  {:>12}", k.name, "undefined")?;
            continue;
        }
        let ci = format!("[{}, {}]", number(e.ci_low), number(e.ci_high));
        writeln!(
            f,
            "{:<width$}  {:>12}  {:>10}  {:>27}  {:>6}",
            k.name,
            number(e.mean),
            number(e.std_dev),
            ci,
            e.runs
        )?;
    }
    Ok(())
}

/// A number with four significant digits, or scientific notation when
/// very large or small.
pub(crate) fn number(x: f64) -> String {
    let a = x.abs();
    if x == 0.0 {
        "0".to_string()
    } else if !(1e-3..1e7).contains(&a) {
        format!("{x:.3e}")
    } else {
        let decimals = (3 - a.log10().floor() as i32).clamp(0, 6) as usize;
        format!("{x:.decimals$}")
    }
}

impl<S: Model + Sync + ?Sized> Ensemble<'_, S> {
    /// Runs the ensemble and returns every KPI (see the
    /// [module docs](self)) with its uncertainty, the curves and the
    /// distribution of final adoption.
    ///
    /// Runs are batched and merged in batch order as in
    /// [`Ensemble::run`], so the report is bit-identical whatever the
    /// number of threads; a half-width budget watches the `adoption` KPI.
    ///
    /// A model with [quantities](Model::quantity_names) is stepped here
    /// rather than by [`Simulation::run`] (the same engine calls, so the
    /// same draws), and [`Model::quantities`] is read after the start and
    /// after every step for the [quantity curves](Curves::quantities); a
    /// model without quantities runs the engine's own loop.
    ///
    /// Complexity: the runs' cost plus O(adopters + exposures) per run,
    /// plus T calls of [`Model::quantities`] for a run of T steps when the
    /// model has quantities; memory O(n) per thread plus
    /// O(T × (channels + quantities)) for curves of T steps.
    ///
    /// # Errors
    /// The engine's errors (seeds, network), the ensemble's (budget, batch
    /// size, threads), and [`Error::InvalidParameter`] for an invalid spec
    /// or target.
    pub fn kpis(&self, spec: &KpiSpec) -> Result<KpiReport> {
        spec.check()?;
        let Ensemble {
            network,
            model,
            seeds,
            ref options,
            progress,
            ..
        } = *self;
        let target = spec.target.mask(network)?;
        let layout = Layout::new(network, model, spec)?;
        self.check()?;
        let batch = |from, to, tick: &Tick<'_>| {
            kpi_batch(
                network, model, seeds, spec, &target, &layout, options, from, to, tick,
            )
        };
        let Some(sink) = self.shard else {
            let total: KpiBatch = drive(options, progress, batch)?;
            return Ok(layout.report(model, options, total));
        };
        let batches: Vec<KpiBatch> = sink.drive(options, progress, batch)?;
        let shape = layout.shape(model, options);
        let report = shape.report(fold_batches(&batches));
        sink.record(Fold::Kpis { shape, batches })?;
        Ok(report)
    }
}

/// The left fold of `batches` in order from empty statistics: what
/// [`drive`] makes of them.
pub(crate) fn fold_batches<A: Accumulate + Clone>(batches: &[A]) -> A {
    let mut total = A::default();
    for b in batches {
        total.merge(b.clone());
    }
    total
}

/// Where the ensemble of a shard (`scenario::ShardPart`) runs only the
/// shard's batches and leaves their statistics.
#[derive(Debug)]
pub(crate) struct ShardSink {
    /// The study's runs.
    pub(crate) runs: u64,
    /// The shard's batches, as batch indices.
    pub(crate) batches: std::ops::Range<u64>,
    fold: std::sync::Mutex<Option<Fold>>,
}

impl ShardSink {
    /// A sink for batches `batches` of a study of `runs` runs.
    pub(crate) fn new(runs: u64, batches: std::ops::Range<u64>) -> Self {
        ShardSink {
            runs,
            batches,
            fold: std::sync::Mutex::new(None),
        }
    }

    /// Runs the shard's batches ([`crate::ensemble::drive_shard`]).
    pub(crate) fn drive<A, F>(
        &self,
        options: &EnsembleOptions,
        progress: &crate::ensemble::Progress<'_>,
        batch: F,
    ) -> Result<Vec<A>>
    where
        A: Accumulate,
        F: Fn(u64, u64, &Tick<'_>) -> Result<A> + Sync,
    {
        crate::ensemble::drive_shard(options, progress, self.runs, self.batches.clone(), batch)
    }

    /// Keeps the statistics of the shard's one ensemble.
    pub(crate) fn record(&self, fold: Fold) -> Result<()> {
        let mut slot = self
            .fold
            .lock()
            .map_err(|_| Error::param("shard", self.describe(), "a worker thread failed"))?;
        if slot.is_some() {
            return Err(Error::param(
                "shard",
                self.describe(),
                "this scenario runs more than one ensemble, which a shard cannot hold",
            ));
        }
        *slot = Some(fold);
        Ok(())
    }

    /// The shard's batches, for messages.
    fn describe(&self) -> String {
        format!("batches {}..{}", self.batches.start, self.batches.end)
    }

    /// The statistics recorded, if the ensemble ran.
    pub(crate) fn take(&self) -> Option<Fold> {
        self.fold.lock().ok().and_then(|mut f| f.take())
    }
}

/// The statistics of a shard's batches, in batch order, with what the
/// report needs besides: a plain ensemble's, or the campaign's and the
/// baseline's of a paired one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Fold {
    /// [`Ensemble::kpis`].
    Kpis {
        /// The report's shape.
        shape: ReportShape,
        /// Each batch's statistics.
        batches: Vec<KpiBatch>,
    },
    /// [`Ensemble::lift`] (a scenario with a baseline).
    Paired {
        /// Both reports' shapes and the lift's options.
        shape: lift::PairShape,
        /// Each batch's statistics.
        batches: Vec<lift::PairBatch>,
    },
}

/// The reports a fold makes: the campaign's, and with a baseline the
/// baseline's and the lift.
#[derive(Debug)]
pub(crate) struct Folded {
    /// The campaign's report.
    pub(crate) report: KpiReport,
    /// The baseline's report and the lift, for a paired fold.
    pub(crate) paired: Option<(KpiReport, LiftReport)>,
}

impl KpiBatch {
    /// Whether its lists have the lengths `shape` reports (every batch a
    /// worker makes has them): a check of statistics read from a file.
    fn fits(&self, shape: &ReportShape) -> bool {
        self.values.len() == shape.names.len()
            && self.by_channel.len() == shape.sources.len()
            && self.quantities.len() == shape.quantity_names.len()
            && self.tree_kpis.is_well_formed()
            && self.kept.iter().all(|r| r.len() == shape.names.len())
    }
}

impl Fold {
    /// Checks that every batch has the lists its shape reports, so that a
    /// damaged part is refused rather than misread.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        let bad = match self {
            Fold::Kpis { shape, batches } => batches.iter().position(|b| !b.fits(shape)),
            Fold::Paired { shape, batches } => batches.iter().position(|b| !b.fits(shape)),
        };
        match bad {
            None => Ok(()),
            Some(i) => Err(format!(
                "the statistics of its batch {i} do not have the lists its report needs"
            )),
        }
    }

    /// Batches held.
    pub(crate) fn batches(&self) -> usize {
        match self {
            Fold::Kpis { batches, .. } => batches.len(),
            Fold::Paired { batches, .. } => batches.len(),
        }
    }

    /// Whether `other` makes the same reports from its batches (the same
    /// kind, KPIs, sources and options).
    pub(crate) fn same_shape(&self, other: &Fold) -> bool {
        match (self, other) {
            (Fold::Kpis { shape: a, .. }, Fold::Kpis { shape: b, .. }) => a == b,
            (Fold::Paired { shape: a, .. }, Fold::Paired { shape: b, .. }) => a == b,
            _ => false,
        }
    }

    /// The reports of the batches of `folds`, in order: the batches folded
    /// one by one from empty statistics, as an unsplit run folds them, so
    /// the reports are bit-identical to its. The shape is the first fold's
    /// (the caller checks [`same_shape`](Fold::same_shape)).
    pub(crate) fn finish(folds: &[&Fold]) -> Option<Folded> {
        match folds.first()? {
            Fold::Kpis { shape, .. } => {
                let mut total = KpiBatch::default();
                for f in folds {
                    if let Fold::Kpis { batches, .. } = f {
                        batches.iter().for_each(|b| total.merge(b.clone()));
                    }
                }
                Some(Folded {
                    report: shape.report(total),
                    paired: None,
                })
            }
            Fold::Paired { shape, .. } => {
                let mut total = lift::PairBatch::default();
                for f in folds {
                    if let Fold::Paired { batches, .. } = f {
                        batches.iter().for_each(|b| total.merge(b.clone()));
                    }
                }
                let result = shape.finish(total);
                Some(Folded {
                    report: result.campaign,
                    paired: Some((result.baseline, result.lift)),
                })
            }
        }
    }
}

/// Runs `model` on `network` from `seeds` as `options` say and returns
/// every KPI with its uncertainty: shorthand for
/// [`Ensemble::new`]`(network, model, seeds).options(*options).kpis(spec)`.
///
/// # Errors
/// Those of [`Ensemble::kpis`].
pub fn run_kpis<S>(
    network: &Network,
    model: &S,
    seeds: &[u32],
    spec: &KpiSpec,
    options: &EnsembleOptions,
) -> Result<KpiReport>
where
    S: Model + Sync + ?Sized,
{
    Ensemble::new(network, model, seeds)
        .options(*options)
        .kpis(spec)
}

#[allow(clippy::too_many_arguments)]
fn kpi_batch<S: Model + ?Sized>(
    network: &Network,
    model: &S,
    seeds: &[u32],
    spec: &KpiSpec,
    target: &[bool],
    layout: &Layout,
    options: &EnsembleOptions,
    from: u64,
    to: u64,
    tick: &Tick<'_>,
) -> Result<KpiBatch> {
    let mut worker = KpiWorker::new(network, model, seeds, spec, target, layout, options, false);
    for run in from..to {
        worker.run(run)?;
        tick.run_ended();
    }
    Ok(worker.batch)
}

/// Runs one model's runs one at a time and keeps their statistics: the
/// work of a batch, and of one arm of a [paired](lift) batch, which reads
/// each run's values and adoptions after it.
struct KpiWorker<'a, S: Model + ?Sized> {
    model: &'a S,
    seeds: &'a [u32],
    spec: &'a KpiSpec,
    layout: &'a Layout,
    options: &'a EnsembleOptions,
    sim: Simulation<'a, &'a S>,
    obs: RunObserver<'a>,
    target_size: f64,
    n: f64,
    batch: KpiBatch,
    /// The last run's KPI values, in the layout's order.
    values: Vec<f64>,
    /// The model's quantities now, and each one's level after every step
    /// of the run (reused between runs).
    now: Vec<f64>,
    levels: Vec<Vec<f64>>,
    /// The last run's return G and cost C.
    last: (f64, f64),
}

impl<'a, S: Model + ?Sized> KpiWorker<'a, S> {
    /// A worker with empty statistics; `record` keeps each run's
    /// adoptions (node and step) for [`adoptions`](Self::adoptions).
    #[allow(clippy::too_many_arguments)]
    fn new(
        network: &'a Network,
        model: &'a S,
        seeds: &'a [u32],
        spec: &'a KpiSpec,
        target: &'a [bool],
        layout: &'a Layout,
        options: &'a EnsembleOptions,
        record: bool,
    ) -> Self {
        let mut obs = RunObserver::new(network, target, layout.channels);
        obs.record = record;
        KpiWorker {
            model,
            seeds,
            spec,
            layout,
            options,
            sim: Simulation::new(network, model).with_max_steps(options.max_steps),
            obs,
            target_size: target.iter().filter(|&&t| t).count() as f64,
            n: network.node_count() as f64,
            batch: KpiBatch {
                values: vec![Moments::default(); layout.names.len()],
                by_channel: vec![CurveMoments::default(); layout.channels + 1],
                quantities: vec![CurveMoments::default(); layout.quantities],
                ..KpiBatch::default()
            },
            values: vec![0.0; layout.names.len()],
            now: vec![f64::NAN; layout.quantities],
            levels: vec![Vec::new(); layout.quantities],
            last: (0.0, 0.0),
        }
    }

    /// The last run's KPI values, in the report's order (NaN where the run
    /// left one undefined).
    fn values(&self) -> &[f64] {
        &self.values
    }

    /// Records only the adoptions through channel `own` (with `Some`).
    fn record_only(&mut self, own: Option<crate::ChannelId>) {
        self.obs.own = own;
    }

    /// The last run's adoptions as (node, step), in the order they
    /// happened (empty unless the worker records; only those through
    /// the channel of [`record_only`](Self::record_only) if set).
    fn adoptions(&self) -> &[(u32, u32)] {
        &self.obs.adoptions
    }

    /// The last run's return G (adoptions beyond the seeds, or the
    /// [`Returns`] quantity) and cost.
    fn returns_and_cost(&self) -> (f64, f64) {
        self.last
    }

    /// The statistics of the runs made.
    fn into_batch(self) -> KpiBatch {
        self.batch
    }

    /// Makes run `run` and adds it to the statistics.
    fn run(&mut self, run: u64) -> Result<()> {
        let KpiWorker {
            model,
            seeds,
            spec,
            layout,
            options,
            ref mut sim,
            ref mut obs,
            target_size,
            n,
            ref mut batch,
            ref mut values,
            ref mut now,
            ref mut levels,
            ref mut last,
        } = *self;
        let out = if layout.quantities == 0 {
            // Nothing to read between steps: the engine's own loop.
            sim.run(seeds, options.master_seed, run, obs)?
        } else {
            // The same calls as `Simulation::run`, so the same draws and
            // results, with the quantities read after the start and after
            // every step the engine makes.
            levels.iter_mut().for_each(Vec::clear);
            sim.start(seeds, options.master_seed, run, obs)?;
            read_quantities(model, sim.state(), now, levels);
            loop {
                let status = sim.step(obs);
                read_quantities(model, sim.state(), now, levels);
                if status != StepOutcome::Active {
                    break;
                }
            }
            sim.outcome()
        };
        debug_assert!(levels.iter().all(|l| l.len() == out.steps as usize + 1));
        let cascade = obs.forest.metrics();
        let adopted = out.adopted as f64;
        let (head, rest) = values.split_at_mut(BaseKpi::ALL.len());
        for &kpi in BaseKpi::ALL {
            head[kpi.index()] = match kpi {
                BaseKpi::Reach => out.exposed as f64,
                BaseKpi::Adoption => adopted,
                BaseKpi::AdoptionRate => adopted / n,
                BaseKpi::TargetAdoptionRate => obs.target_adopted as f64 / target_size,
                BaseKpi::Steps => f64::from(out.steps),
                BaseKpi::TimeTo50 => time_to(&obs.adopted, 0.5),
                BaseKpi::TimeTo90 => time_to(&obs.adopted, 0.9),
                BaseKpi::CascadeTrees => cascade.trees as f64,
                // Mean adopters per tree: undefined without a tree.
                BaseKpi::CascadeSize if cascade.trees == 0 => f64::NAN,
                BaseKpi::CascadeSize => cascade.mean_size(),
                BaseKpi::LargestCascade => cascade.largest as f64,
                BaseKpi::CascadeDepth => f64::from(cascade.depth),
                BaseKpi::StructuralVirality => cascade.structural_virality.unwrap_or(f64::NAN),
                BaseKpi::Seeds => seeds.len() as f64,
            };
        }
        let (channels, rest) = rest.split_at_mut(layout.channels);
        for (c, v) in channels.iter_mut().enumerate() {
            *v = obs.by_channel[c + 1].iter().sum::<u64>() as f64;
        }
        let (roles, rest) = rest.split_at_mut(layout.roles + 1);
        for (r, v) in roles.iter_mut().enumerate() {
            *v = obs.by_role[r] as f64;
        }
        let (quantities, rest) = rest.split_at_mut(layout.quantities);
        // The values after the last step, read above.
        quantities.copy_from_slice(now);
        let gained = match layout.returns {
            None => adopted - seeds.len() as f64,
            Some((q, own)) => quantities[q] - own as f64,
        };
        let cost = spec.seeding_cost + model.spend(sim.state());
        *last = (gained, cost);
        let per_adoption = if gained > 0.0 {
            cost / gained
        } else {
            f64::NAN
        };
        let roi = match spec.value_per_adoption {
            Some(value) if cost > 0.0 => (value * gained - cost) / cost,
            _ => f64::NAN,
        };
        // Written in the order `Layout::new` names them.
        for (slot, v) in rest.iter_mut().zip([cost, per_adoption, roi]) {
            *slot = v;
        }
        for (m, &v) in batch.values.iter_mut().zip(values.iter()) {
            m.push(v);
        }
        if options.keep_runs {
            let run: Vec<Option<f64>> =
                values.iter().map(|&v| (!v.is_nan()).then_some(v)).collect();
            batch.kept.push(run);
        }
        batch.finished += u64::from(out.finished);
        batch.adoption.push_run(&obs.adopted);
        batch.reach.push_run(&obs.exposed);
        for (curve, counts) in batch.by_channel.iter_mut().zip(&obs.by_channel) {
            curve.push_run(counts);
        }
        for (curve, run_levels) in batch.quantities.iter_mut().zip(levels.iter()) {
            curve.push_levels(run_levels);
        }
        *batch.sizes.entry(out.adopted as u64).or_default() += 1;
        for size in obs.forest.tree_sizes() {
            *batch.trees.entry(u64::from(size)).or_default() += 1;
        }
        if layout.tree_kpis {
            // Each tree's place in the sample of structural virality: a hash
            // of the master seed, the run and the tree, whatever the
            // batching.
            let mut run_state = options.master_seed ^ TREE_SAMPLE_STREAM ^ run.rotate_left(32);
            let run_key = splitmix64(&mut run_state);
            let trees = &mut batch.tree_kpis;
            obs.forest.tree_kpis(|t, kpis| {
                let mut state = run_key ^ t;
                trees.push(kpis, splitmix64(&mut state));
            });
        }
        Ok(())
    }
}

/// Reads the model's quantities into `now` (NaN where the model writes
/// nothing) and appends each to its levels.
fn read_quantities<S: Model + ?Sized>(
    model: &S,
    state: &S::State,
    now: &mut [f64],
    levels: &mut [Vec<f64>],
) {
    now.iter_mut().for_each(|q| *q = f64::NAN);
    model.quantities(state, now);
    for (l, &q) in levels.iter_mut().zip(now.iter()) {
        l.push(q);
    }
}
