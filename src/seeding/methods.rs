//! Selectors as a seed rule of documents: `{"select": {...}}`.

use serde::{Deserialize, Serialize};

use crate::actor::roles;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::propagation::ic::IcProbabilities;

use super::celf::Celf;
use super::heuristics::{Degree, DegreeDiscount, KCore, PageRankSeeds, RandomSeeds};
use super::ris::{Imm, Opim};
use super::select::{Diffusion, SeedRequest, SeedSelector, Selection, SelectionProgress};

/// Who a selector may choose.
///
/// In JSON `"all"`, `"not_business"` (the default), `"opinion_leaders"` or
/// `{"roles": ["opinion_leader", "consumer"]}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Candidates {
    /// Every node.
    All,
    /// Every node but the business accounts (which talk for the brand and
    /// are not paid to).
    #[default]
    NotBusiness,
    /// The opinion leaders only (the ones who can be paid).
    OpinionLeaders,
    /// The nodes of these roles.
    Roles(Vec<String>),
}

impl Candidates {
    /// The candidate nodes of `network`, in index order, leaving out
    /// `taken`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `candidates` for a role the
    /// network does not have.
    pub fn resolve(&self, network: &Network, taken: &[u32]) -> Result<Vec<u32>> {
        let n = network.node_count();
        let mut skip = vec![false; n];
        for &v in taken {
            if let Some(s) = skip.get_mut(v as usize) {
                *s = true;
            }
        }
        let role_ids = |names: &[&str]| -> Result<Vec<_>> {
            names
                .iter()
                .map(|name| {
                    network.role_id(name).ok_or_else(|| {
                        Error::param(
                            "candidates",
                            name,
                            format!(
                                "the network has no role {name:?} (it has {:?})",
                                network.role_names()
                            ),
                        )
                    })
                })
                .collect()
        };
        let keep: Box<dyn Fn(u32) -> bool> = match self {
            Candidates::All => Box::new(|_| true),
            Candidates::NotBusiness => match network.role_id(roles::BUSINESS) {
                Some(b) => Box::new(move |v| network.role(v) != b),
                None => Box::new(|_| true),
            },
            Candidates::OpinionLeaders => {
                let ids = role_ids(&[roles::OPINION_LEADER])?;
                Box::new(move |v| ids.contains(&network.role(v)))
            }
            Candidates::Roles(names) => {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let ids = role_ids(&names)?;
                Box::new(move |v| ids.contains(&network.role(v)))
            }
        };
        Ok((0..n as u32)
            .filter(|&v| !skip[v as usize] && keep(v))
            .collect())
    }
}

/// A selector and its options, as a document names it.
///
/// In JSON `{"opim": {"diffusion": {...}, "epsilon": 0.1}}`,
/// `{"imm": {...}}`, `"random"`, `{"degree": {"by": "out"}}`,
/// `{"degree_discount": {"p": 0.01}}`, `{"pagerank": {}}`, `"k_core"` or
/// `{"celf": {"diffusion": {...}, "runs": 1000}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SelectMethod {
    /// [`Opim`]: OPIM-C.
    Opim(Opim),
    /// [`Imm`]: IMM.
    Imm(Imm),
    /// [`RandomSeeds`].
    Random,
    /// [`Degree`].
    Degree(Degree),
    /// [`DegreeDiscount`].
    DegreeDiscount(DegreeDiscount),
    /// [`PageRankSeeds`].
    Pagerank(PageRankSeeds),
    /// [`KCore`].
    KCore,
    /// [`Celf`]: greedy with lazy evaluations on Monte Carlo.
    Celf(Celf),
}

impl SelectMethod {
    /// The selector.
    pub fn selector(&self) -> &dyn SeedSelector {
        match self {
            SelectMethod::Opim(s) => s,
            SelectMethod::Imm(s) => s,
            SelectMethod::Random => &RandomSeeds,
            SelectMethod::Degree(s) => s,
            SelectMethod::DegreeDiscount(s) => s,
            SelectMethod::Pagerank(s) => s,
            SelectMethod::KCore => &KCore,
            SelectMethod::Celf(s) => s,
        }
    }

    /// The diffusion the method optimises for, if it takes one.
    pub fn diffusion(&self) -> Option<&Diffusion> {
        match self {
            SelectMethod::Opim(s) => Some(&s.diffusion),
            SelectMethod::Imm(s) => Some(&s.diffusion),
            SelectMethod::Celf(s) => Some(&s.diffusion),
            _ => None,
        }
    }

    /// The method's key in documents: `"opim"`, `"degree_discount"` ...
    pub fn key(&self) -> &'static str {
        match self {
            SelectMethod::Opim(_) => "opim",
            SelectMethod::Imm(_) => "imm",
            SelectMethod::Random => "random",
            SelectMethod::Degree(_) => "degree",
            SelectMethod::DegreeDiscount(_) => "degree_discount",
            SelectMethod::Pagerank(_) => "pagerank",
            SelectMethod::KCore => "k_core",
            SelectMethod::Celf(_) => "celf",
        }
    }

    /// Checks that the method serves seeds to a scenario whose model is
    /// `model`: that what it optimises, or the formula it ranks by, is
    /// about the diffusion the scenario runs.
    ///
    /// * `random`, `degree`, `pagerank` and `k_core` read only the network:
    ///   they serve every model.
    /// * `opim`, `imm` and `celf` choose for their own `diffusion`. On a
    ///   model that is a diffusion ([`RunModel::Diffusion`]) it must be
    ///   that one, or their guarantee (and CELF's greedy) would be about a
    ///   diffusion the scenario does not run; a model that looks like one
    ///   but is not ([`RunModel::Unlike`]: fixed thresholds) is refused.
    ///   On any other model ([`RunModel::Other`]: Bass, SIR, a campaign
    ///   ...) their diffusion is the stated stand-in for it, and their
    ///   guarantee and estimates hold for the stand-in only.
    /// * `degree_discount` is derived for the independent cascade with one
    ///   `p` on every arc: on a model that is a diffusion it must be that
    ///   cascade with the same `p`; on any other model its `p` is the
    ///   stand-in, as above.
    ///
    /// # Errors
    /// [`Error::InvalidDocument`] at the option that does not fit, as a
    /// path within the method's JSON (`$.opim.diffusion`,
    /// `$.degree_discount.p`, `$.degree_discount`), whose reason names the
    /// method, the scenario's model and what would serve it.
    ///
    /// # Complexity
    /// O(1).
    ///
    /// # Example
    /// ```
    /// use wom::seeding::{DegreeDiscount, Diffusion, RunModel, SelectMethod};
    ///
    /// let dd = SelectMethod::DegreeDiscount(DegreeDiscount { p: 0.01 });
    /// assert!(dd.check_serves(&RunModel::Diffusion(Diffusion::uniform_ic(0.01))).is_ok());
    /// assert!(dd.check_serves(&RunModel::Other("bass".to_string())).is_ok());
    /// let err = dd.check_serves(&RunModel::Diffusion(Diffusion::WEIGHTED_CASCADE)).unwrap_err();
    /// assert!(err.to_string().contains("$.degree_discount"), "{err}");
    /// ```
    pub fn check_serves(&self, model: &RunModel) -> Result<()> {
        let key = self.key();
        let heuristics =
            "a heuristic that reads only the network (degree, pagerank, k_core, random)";
        if let Some(own) = self.diffusion() {
            return match model {
                RunModel::Diffusion(run) if run == own => Ok(()),
                RunModel::Diffusion(run) => Err(invalid(
                    format!("$.{key}.diffusion"),
                    format!(
                        "`{key}` chooses seeds for the diffusion {}, but the scenario runs {}: \
                         it would optimise a diffusion the scenario does not run; write the \
                         scenario's diffusion here (\"diffusion\": {}), or choose with {heuristics}",
                        json(own),
                        json(run),
                        json(run)
                    ),
                )),
                RunModel::Unlike { what, remedy } => Err(invalid(
                    format!("$.{key}.diffusion"),
                    format!(
                        "`{key}` chooses seeds for a diffusion it can sample (an independent \
                         cascade, or a linear threshold with random thresholds), and the \
                         scenario's model is {what}, which it cannot serve: {remedy}, or choose \
                         with {heuristics}"
                    ),
                )),
                RunModel::Other(_) => Ok(()),
            };
        }
        let SelectMethod::DegreeDiscount(dd) = self else {
            // The structural heuristics.
            return Ok(());
        };
        let derived = "degree discount is derived for an independent cascade with one p on every \
                       arc (Chen, Wang and Yang 2009)";
        let samplers = "opim, imm or celf";
        match model {
            RunModel::Diffusion(Diffusion::IndependentCascade {
                probabilities: IcProbabilities::Uniform { p },
            }) => {
                if *p == dd.p {
                    Ok(())
                } else {
                    Err(invalid(
                        "$.degree_discount.p",
                        format!(
                            "`degree_discount` discounts for p = {}, but the scenario's \
                             independent cascade has p = {p}: set p to {p}",
                            dd.p
                        ),
                    ))
                }
            }
            RunModel::Diffusion(run) => Err(invalid(
                "$.degree_discount",
                format!(
                    "{derived}, and the scenario runs {}: choose with {samplers} and \
                     \"diffusion\": {}, or with {heuristics}",
                    json(run),
                    json(run)
                ),
            )),
            RunModel::Unlike { what, .. } => Err(invalid(
                "$.degree_discount",
                format!("{derived}, and the scenario's model is {what}: choose with {heuristics}"),
            )),
            RunModel::Other(_) => Ok(()),
        }
    }
}

/// The model a selector's seeds will run under, as far as selectors can
/// tell: what [`SelectMethod::check_serves`] checks a method against.
///
/// A scenario's model gives it with
/// [`ModelSpec::run_model`](crate::scenario::ModelSpec::run_model).
#[derive(Debug, Clone, PartialEq)]
pub enum RunModel {
    /// A model that is this diffusion: an independent cascade, or a linear
    /// threshold with random thresholds.
    Diffusion(Diffusion),
    /// An independent cascade or linear threshold that no [`Diffusion`]
    /// is (a linear threshold with fixed thresholds).
    Unlike {
        /// What it is: `"a linear threshold with fixed thresholds"`.
        what: String,
        /// What would make it a diffusion: `"leave out the model's
        /// thresholds (random)"`.
        remedy: String,
    },
    /// A model of another kind (Bass, SIR, a campaign, a registered model
    /// ...), by its key in documents.
    Other(String),
}

/// A diffusion as a document writes it.
fn json(d: &Diffusion) -> String {
    serde_json::to_string(d).unwrap_or_else(|_| format!("{d:?}"))
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidDocument {
        path: path.into(),
        reason: reason.into(),
    }
}

/// The `select` seed rule: `k` seeds chosen by a selector among the
/// candidates.
///
/// In JSON `{"k": 50, "candidates": "opinion_leaders", "method": {"opim":
/// {"diffusion": {"model": "independent_cascade", "probabilities":
/// {"kind": "weighted_cascade"}}, "epsilon": 0.1}}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelectRule {
    /// How many seeds, >= 1.
    pub k: usize,
    /// Who may be chosen (default: every node but the business accounts).
    #[serde(default)]
    pub candidates: Candidates,
    /// The selector.
    pub method: SelectMethod,
}

impl SelectRule {
    /// Runs the selector on `network`, leaving out `taken`.
    ///
    /// # Errors
    /// Those of [`Candidates::resolve`] and of the selector (k larger than
    /// the candidates, options out of range).
    pub fn select(&self, network: &Network, master_seed: u64, taken: &[u32]) -> Result<Selection> {
        self.select_reporting(network, master_seed, taken, None)
    }

    /// As [`select`](Self::select), telling `progress` (if any) how far
    /// the selector has got.
    ///
    /// # Errors
    /// As [`select`](Self::select).
    pub fn select_reporting(
        &self,
        network: &Network,
        master_seed: u64,
        taken: &[u32],
        progress: Option<&SelectionProgress<'_>>,
    ) -> Result<Selection> {
        let candidates = self.candidates.resolve(network, taken)?;
        let mut request = SeedRequest::new(network, self.k)
            .among(&candidates)
            .seeded(master_seed);
        if let Some(progress) = progress {
            request = request.reporting(progress);
        }
        self.method.selector().select(&request)
    }
}
