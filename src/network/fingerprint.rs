//! The fingerprint that ties a prepared model to the network it was
//! prepared for.

use serde::{Deserialize, Serialize};

use super::roles::NodeTable;
use super::{Adjacent, Csr, Network};
use crate::actor::Sponsorship;
use crate::error::{Error, Result};

/// Identifies the content of a frozen [`Network`]: a 64-bit fingerprint of
/// everything a model may prepare from. Networks with the same content
/// (clones, two freezes of one graph, or two graphs built alike) share it.
///
/// The content is the node count; the arcs, in order, with their targets
/// and trust; each node's profile and role id; the role names; the
/// groups, their names and members in order; and, when at least one node
/// is [`Sponsored`](Sponsorship::Sponsored), every node's sponsorship (a
/// network whose nodes are all organic has the value it had before
/// sponsorship was kept). External ids are left out: models and seeding
/// work on indices, and nothing is prepared from the ids, so a network
/// whose nodes are only named differently is the same network to a model.
///
/// **Node data is not part of the fingerprint**
/// ([`Network::node_data`]): two networks that differ only in the values
/// attached with [`Network::with_node_data`] or
/// [`SocialGraph::freeze_with`](crate::SocialGraph::freeze_with) have the
/// same id. A model that prepares anything from node data must check
/// those values itself (or read them when it runs).
///
/// Models prepared for a network record it, and the engine refuses to run
/// them on a network with another. It can be read
/// ([`value`](NetworkId::value)) but not made from a number, so only
/// [`Network::id`] hands one out (a deserialized id is as good as the
/// document it came from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetworkId(u64);

/// Marks the start of the sponsorship words ("sponsor" in ASCII).
const SPONSORSHIP_TAG: u64 = 0x0073_706F_6E73_6F72;

/// FNV-1a over 64-bit words, finished with SplitMix64's mixer.
struct Fingerprint(u64);

impl Fingerprint {
    fn new() -> Self {
        Fingerprint(0xCBF2_9CE4_8422_2325)
    }

    fn eat(&mut self, x: u64) {
        self.0 = (self.0 ^ x).wrapping_mul(0x0000_0100_0000_01B3);
    }

    /// A string as its length, then its bytes eight at a time (the last
    /// word padded with zeros), so no two lists of strings run together.
    fn eat_str(&mut self, s: &str) {
        self.eat(s.len() as u64);
        for chunk in s.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.eat(u64::from_le_bytes(word));
        }
    }

    /// A CSR's shape and entries, `value` turning an entry's value into
    /// the low 32 bits of its word.
    fn eat_csr<V: Copy>(&mut self, csr: &Csr<V>, value: impl Fn(V) -> u32) {
        self.eat(csr.node_count() as u64);
        self.eat(csr.arc_count() as u64);
        for &o in csr.offsets() {
            self.eat(u64::from(o));
        }
        for &Adjacent { node, value: v } in csr.arcs() {
            self.eat(u64::from(node) << 32 | u64::from(value(v)));
        }
    }

    fn finish(self) -> u64 {
        let mut state = self.0;
        crate::rng::splitmix64(&mut state)
    }
}

impl NetworkId {
    /// The fingerprint of a network's content. O(n + m + memberships +
    /// length of the role and group names).
    pub(super) fn of(
        forward: &Csr<f32>,
        nodes: &NodeTable,
        group_names: &[String],
        group_members: &Csr<()>,
    ) -> NetworkId {
        let mut h = Fingerprint::new();
        h.eat_csr(forward, f32::to_bits);
        for p in &nodes.profiles {
            for x in [
                p.activity(),
                p.credibility(),
                p.susceptibility(),
                p.attention(),
            ] {
                h.eat(x.to_bits());
            }
        }
        h.eat(nodes.roles.len() as u64);
        for r in &nodes.roles {
            h.eat(u64::from(r.0));
        }
        h.eat(nodes.role_names.len() as u64);
        for name in &nodes.role_names {
            h.eat_str(name);
        }
        h.eat(group_names.len() as u64);
        for name in group_names {
            h.eat_str(name);
        }
        h.eat_csr(group_members, |()| 0);
        // Sponsorship counts only when some node is sponsored, so that a
        // network of organic nodes keeps the value it had before
        // sponsorship was kept.
        if nodes.sponsorships.contains(&Sponsorship::Sponsored) {
            h.eat(SPONSORSHIP_TAG);
            for &s in &nodes.sponsorships {
                h.eat(u64::from(s == Sponsorship::Sponsored));
            }
        }
        NetworkId(h.finish())
    }

    /// The fingerprint as a number, for reports. Two networks with equal
    /// content have equal values; which value is not promised across
    /// versions of the crate.
    pub fn value(self) -> u64 {
        self.0
    }

    /// Checks that `network` is the one this id names.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming `what` when it is another network.
    pub fn check(self, network: &Network, what: &str) -> Result<()> {
        if network.id() == self {
            Ok(())
        } else {
            Err(Error::param(
                "network",
                network.id().value(),
                format!(
                    "{what} was prepared for network {} (fingerprint): prepare it again \
                     for this one",
                    self.value()
                ),
            ))
        }
    }
}
