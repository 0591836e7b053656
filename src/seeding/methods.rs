//! Selectors as a seed rule of documents: `{"select": {...}}`.

use serde::{Deserialize, Serialize};

use crate::actor::roles;
use crate::error::{Error, Result};
use crate::network::Network;

use super::celf::Celf;
use super::heuristics::{Degree, DegreeDiscount, KCore, PageRankSeeds, RandomSeeds};
use super::ris::{Imm, Opim};
use super::select::{Diffusion, SeedRequest, SeedSelector, Selection};

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
        let candidates = self.candidates.resolve(network, taken)?;
        let request = SeedRequest::new(network, self.k)
            .among(&candidates)
            .seeded(master_seed);
        self.method.selector().select(&request)
    }
}
