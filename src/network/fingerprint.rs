//! The fingerprint that ties a prepared model to the network it was
//! prepared for.

use serde::{Deserialize, Serialize};

use super::{Csr, Network};
use crate::actor::Profile;
use crate::error::{Error, Result};

/// Identifies the content of a frozen [`Network`]: a 64-bit fingerprint of
/// its node count, arcs (targets and trust) and node profiles. Networks with
/// the same content (clones, or two freezes of one graph) share it.
/// Models prepared for a network record it, and the engine refuses to
/// run them on a network with another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NetworkId(pub u64);

impl NetworkId {
    /// The fingerprint of a network's content: FNV-1a over 64-bit words,
    /// finished with SplitMix64's mixer. O(n + m).
    pub(super) fn of(forward: &Csr<f32>, profiles: &[Profile]) -> NetworkId {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        let mut eat = |x: u64| h = (h ^ x).wrapping_mul(0x0000_0100_0000_01B3);
        eat(forward.node_count() as u64);
        eat(forward.arc_count() as u64);
        for &o in forward.offsets() {
            eat(u64::from(o));
        }
        for a in forward.arcs() {
            eat(u64::from(a.node) << 32 | u64::from(a.value.to_bits()));
        }
        for p in profiles {
            for x in [
                p.activity(),
                p.credibility(),
                p.susceptibility(),
                p.attention(),
            ] {
                eat(x.to_bits());
            }
        }
        let mut state = h;
        NetworkId(crate::rng::splitmix64(&mut state))
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
                format!("{:?}", network.id()),
                format!(
                    "{what} was prepared for network {:?}: prepare it again for this one",
                    self
                ),
            ))
        }
    }
}
