//! Ties: the relations between actors, with the trust that makes WOM
//! persuasive.
//!
//! A tie is an edge weight of the social graph. Its one required method is
//! its [`trust`](Tie::trust) (strength) in [0, 1]: a recommendation over a
//! strong tie weighs more than one over a weak tie. A plain `f64` (or `f32`)
//! is a tie; [`SocialTie`] adds the kind of [`Relation`].
//!
//! Arcs point the way influence flows: an arc `u -> v` means that `v` hears
//! what `u` says (for a follow relation: `v` follows `u`). A mutual relation
//! (friendship) is two arcs, one each way, added together by
//! [`SocialGraph::add_mutual_tie`](crate::SocialGraph::add_mutual_tie).

use serde::{Deserialize, Serialize};

/// An edge weight of the social graph: something with a trust in [0, 1].
///
/// The graph validates the trust when the tie is added, so implementations
/// need not.
pub trait Tie {
    /// The tie's trust or strength, in [0, 1].
    fn trust(&self) -> f64;

    /// The kind of relation. Default: [`Relation::Follow`].
    fn relation(&self) -> Relation {
        Relation::Follow
    }
}

impl Tie for f64 {
    fn trust(&self) -> f64 {
        *self
    }
}

impl Tie for f32 {
    fn trust(&self) -> f64 {
        f64::from(*self)
    }
}

impl<T: Tie + ?Sized> Tie for &T {
    fn trust(&self) -> f64 {
        (**self).trust()
    }
    fn relation(&self) -> Relation {
        (**self).relation()
    }
}

/// The kind of a relation between two actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// One-way: the target follows the source and hears what it says.
    #[default]
    Follow,
    /// Mutual (friendship): stored as two arcs, each marked `Friendship`.
    Friendship,
}

/// A tie with its trust and the kind of relation it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SocialTie {
    /// Trust in [0, 1]; validated when the tie is added to a graph.
    pub trust: f64,
    /// Follow (one-way) or friendship (one arc of a mutual pair).
    pub relation: Relation,
}

impl SocialTie {
    /// A follow tie with the given trust.
    pub const fn follow(trust: f64) -> Self {
        SocialTie {
            trust,
            relation: Relation::Follow,
        }
    }

    /// One arc of a friendship with the given trust.
    pub const fn friendship(trust: f64) -> Self {
        SocialTie {
            trust,
            relation: Relation::Friendship,
        }
    }
}

impl Default for SocialTie {
    /// A follow tie of full trust.
    fn default() -> Self {
        SocialTie::follow(1.0)
    }
}

impl Tie for SocialTie {
    fn trust(&self) -> f64 {
        self.trust
    }
    fn relation(&self) -> Relation {
        self.relation
    }
}

impl From<SocialTie> for f64 {
    /// A plain `f64` tie keeps only the trust.
    fn from(t: SocialTie) -> f64 {
        t.trust
    }
}

impl From<f64> for SocialTie {
    /// A follow tie with this trust.
    fn from(trust: f64) -> SocialTie {
        SocialTie::follow(trust)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_are_ties() {
        assert_eq!(0.25f64.trust(), 0.25);
        assert_eq!(0.5f32.trust(), 0.5);
        assert_eq!(0.5f64.relation(), Relation::Follow);
        assert_eq!(SocialTie::friendship(0.3).relation(), Relation::Friendship);
    }
}
