//! Roles in the execution layer: the small role ids, and the per-node table
//! of roles, profiles and sponsorship that freezing builds.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::actor::{Profile, Sponsorship};
use crate::error::{Error, Result};

/// A small integer naming a role within one [`Network`](super::Network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleId(pub u16);

/// Per-node data the execution layer keeps: role ids, role names,
/// profiles and sponsorship (2 + 32 + 1 bytes per node).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NodeTable {
    pub(super) roles: Vec<RoleId>,
    pub(super) role_names: Vec<String>,
    pub(super) profiles: Vec<Profile>,
    pub(super) sponsorships: Vec<Sponsorship>,
}

impl NodeTable {
    pub(super) fn consumers(n: usize) -> Self {
        NodeTable {
            roles: vec![RoleId(0); n],
            role_names: vec![crate::actor::roles::CONSUMER.to_string()],
            profiles: vec![Profile::consumer(); n],
            sponsorships: vec![Sponsorship::Organic; n],
        }
    }
}

/// Builds a role table from role names given node by node.
#[derive(Debug, Default)]
pub(crate) struct RoleTableBuilder {
    names: Vec<String>,
    lookup: HashMap<String, u16>,
    roles: Vec<RoleId>,
    profiles: Vec<Profile>,
    sponsorships: Vec<Sponsorship>,
}

impl RoleTableBuilder {
    pub(crate) fn with_capacity(n: usize) -> Self {
        RoleTableBuilder {
            names: Vec::new(),
            lookup: HashMap::new(),
            roles: Vec::with_capacity(n),
            profiles: Vec::with_capacity(n),
            sponsorships: Vec::with_capacity(n),
        }
    }

    pub(crate) fn push(
        &mut self,
        role: &str,
        profile: Profile,
        sponsorship: Sponsorship,
    ) -> Result<()> {
        let id = match self.lookup.get(role) {
            Some(&i) => usize::from(i),
            None => {
                if self.names.len() > u16::MAX as usize {
                    return Err(Error::param(
                        "roles",
                        self.names.len() + 1,
                        "a network holds at most 65536 distinct roles",
                    ));
                }
                let i = self.names.len();
                self.names.push(role.to_string());
                self.lookup.insert(role.to_string(), i as u16);
                i
            }
        };
        self.roles.push(RoleId(id as u16));
        self.profiles.push(profile);
        self.sponsorships.push(sponsorship);
        Ok(())
    }

    pub(super) fn finish(self) -> NodeTable {
        NodeTable {
            roles: self.roles,
            role_names: self.names,
            profiles: self.profiles,
            sponsorships: self.sponsorships,
        }
    }
}
