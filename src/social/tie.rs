//! Ties: the relations between actors, with the trust that makes WOM
//! persuasive.
//!
//! A tie is an edge weight of the social graph. Its one required method is
//! its [`trust`](Tie::trust) (strength) in [0, 1]: a recommendation over a
//! strong tie weighs more than one over a weak tie. A plain `f64` (or `f32`)
//! is a tie; [`SocialTie`] adds the kind of [`Relation`] (a field of its
//! own, for the modelling layer: freezing keeps only the arcs and their
//! trust, so a friendship is its two arcs).
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
}

/// The kind of a relation between two actors: one-way (a follow, a
/// directed edge) or mutual (a friendship, an undirected edge).
///
/// It is the one type for this choice everywhere: the kind of a
/// [`SocialTie`], how the file readers take each record
/// ([`EdgeListOptions::direction`](crate::io::EdgeListOptions::direction)),
/// and whether a generator's edges are directed (for example
/// [`Gnp::direction`](crate::generate::Gnp::direction)).
///
/// In JSON: `"follow"` or `"friendship"`; the older spellings `"directed"`
/// and `"undirected"` are read as `"follow"` and `"friendship"`. Where it
/// may be left out, the default is the place's own: one-way for file
/// readers (and [`Relation::default`]), mutual for generators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// One-way: the target follows the source and hears what it says. One
    /// arc.
    #[default]
    #[serde(alias = "directed")]
    Follow,
    /// Mutual (friendship): stored as two arcs, one each way, each marked
    /// `Friendship` (a mutual self-relation is one arc).
    #[serde(alias = "undirected")]
    Friendship,
}

impl Relation {
    /// Whether the relation is mutual (a friendship, an undirected edge).
    pub const fn is_mutual(self) -> bool {
        matches!(self, Relation::Friendship)
    }

    /// A tie of this kind with the given trust.
    pub const fn tie(self, trust: f64) -> SocialTie {
        SocialTie {
            trust,
            relation: self,
        }
    }
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
        assert_eq!(SocialTie::friendship(0.3).relation, Relation::Friendship);
    }

    #[test]
    fn relations_read_the_old_spellings() {
        for (text, want) in [
            ("\"follow\"", Relation::Follow),
            ("\"directed\"", Relation::Follow),
            ("\"friendship\"", Relation::Friendship),
            ("\"undirected\"", Relation::Friendship),
        ] {
            assert_eq!(serde_json::from_str::<Relation>(text).unwrap(), want);
        }
        assert!(serde_json::from_str::<Relation>("\"both\"").is_err());
        assert_eq!(
            serde_json::to_string(&Relation::Friendship).unwrap(),
            "\"friendship\""
        );
        assert_eq!(
            serde_json::to_string(&Relation::Follow).unwrap(),
            "\"follow\""
        );
        assert_eq!(Relation::default(), Relation::Follow);
        assert!(Relation::Friendship.is_mutual() && !Relation::Follow.is_mutual());
        assert_eq!(Relation::Friendship.tie(0.25), SocialTie::friendship(0.25));
        assert_eq!(Relation::Follow.tie(0.5), SocialTie::follow(0.5));
    }
}
