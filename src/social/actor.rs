//! Actors: who takes part in word-of-mouth communication.
//!
//! Three roles are built in:
//!
//! * a [`BusinessOrganization`] implements a campaign: it chooses product,
//!   message, channels and the opinion leaders to pay, may own an account with
//!   followers, and reaches people outside the graph through advertising;
//! * an [`OpinionLeader`] receives and disseminates, is followed by a larger and
//!   more attentive audience, posts more often and is believed more; it is
//!   [`Sponsorship::Sponsored`] (paid) or [`Sponsorship::Organic`];
//! * a [`Consumer`] is the target audience: receives, talks, adopts,
//!   experiences and talks again.
//!
//! What sets roles apart for the propagation models is a [`Profile`] of four
//! probabilities. A researcher's own role (a skeptic, a bot, a brand employee
//! ...) is a new type implementing [`Actor`]: one required method, the role's
//! name. One graph mixes roles either with an enum implementing `Actor` by
//! `match` (static dispatch; [`BuiltinActor`] is that enum for the built-ins)
//! or with `Box<dyn Actor>` for prototyping.

use serde::{Deserialize, Serialize};

use crate::error::{Result, check_probability};

/// The parameters that set actors apart, each a probability in [0, 1].
///
/// | field | meaning in WOM communication |
/// |---|---|
/// | `activity` | chance per period that the actor talks (posts, messages) |
/// | `credibility` | how much receivers believe what the actor says |
/// | `susceptibility` | how easily the actor is persuaded by what it hears |
/// | `attention` | audience attention: chance that a follower notices one of the actor's posts |
///
/// Construct with [`Profile::new`], which validates, or start from a role's
/// default ([`Profile::consumer`], [`Profile::opinion_leader`],
/// [`Profile::business`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ProfileFields")]
pub struct Profile {
    activity: f64,
    credibility: f64,
    susceptibility: f64,
    attention: f64,
}

/// The unvalidated form a [`Profile`] is deserialized from.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFields {
    activity: f64,
    credibility: f64,
    susceptibility: f64,
    attention: f64,
}

impl TryFrom<ProfileFields> for Profile {
    type Error = crate::Error;
    fn try_from(f: ProfileFields) -> Result<Self> {
        Profile::new(f.activity, f.credibility, f.susceptibility, f.attention)
    }
}

impl Profile {
    /// A profile from its four probabilities.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange) or
    /// [`Error::InvalidWeight`](crate::Error::InvalidWeight) when a value is
    /// outside [0, 1] or not finite; the error names the field.
    pub fn new(
        activity: f64,
        credibility: f64,
        susceptibility: f64,
        attention: f64,
    ) -> Result<Self> {
        Ok(Profile {
            activity: check_probability("activity", activity, None)?,
            credibility: check_probability("credibility", credibility, None)?,
            susceptibility: check_probability("susceptibility", susceptibility, None)?,
            attention: check_probability("attention", attention, None)?,
        })
    }

    /// The default consumer: talks now and then (0.2), believed moderately
    /// (0.5), persuadable (0.5), half of its posts noticed (0.5).
    pub const fn consumer() -> Self {
        Profile {
            activity: 0.2,
            credibility: 0.5,
            susceptibility: 0.5,
            attention: 0.5,
        }
    }

    /// The default opinion leader: posts often (0.8), believed more (0.8),
    /// harder to persuade (0.3), followed by a more attentive audience (0.7).
    pub const fn opinion_leader() -> Self {
        Profile {
            activity: 0.8,
            credibility: 0.8,
            susceptibility: 0.3,
            attention: 0.7,
        }
    }

    /// The default business organization: always active (1.0), believed less
    /// than a peer because it is selling (0.4), not persuaded by WOM about its
    /// own product (0.0), its posts noticed less than a friend's (0.3).
    pub const fn business() -> Self {
        Profile {
            activity: 1.0,
            credibility: 0.4,
            susceptibility: 0.0,
            attention: 0.3,
        }
    }

    /// Chance per period that the actor talks.
    pub fn activity(&self) -> f64 {
        self.activity
    }
    /// How much receivers believe the actor.
    pub fn credibility(&self) -> f64 {
        self.credibility
    }
    /// How easily the actor is persuaded.
    pub fn susceptibility(&self) -> f64 {
        self.susceptibility
    }
    /// Audience attention: chance that a follower notices one of the
    /// actor's posts.
    pub fn attention(&self) -> f64 {
        self.attention
    }
}

impl Default for Profile {
    /// The consumer profile.
    fn default() -> Self {
        Profile::consumer()
    }
}

/// Whether an actor's talk is paid for by a business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sponsorship {
    /// Acting on its own: plain WOM.
    #[default]
    Organic,
    /// Paid by a business: WOM marketing.
    Sponsored,
}

/// Role names of the built-in actors, as [`Actor::role`] returns them.
pub mod roles {
    /// [`BusinessOrganization`](super::BusinessOrganization)'s role name.
    pub const BUSINESS: &str = "business";
    /// [`OpinionLeader`](super::OpinionLeader)'s role name.
    pub const OPINION_LEADER: &str = "opinion_leader";
    /// [`Consumer`](super::Consumer)'s role name.
    pub const CONSUMER: &str = "consumer";
}

/// A participant in WOM communication: a node of the social graph.
///
/// The one required method names the actor's role; results attribute
/// adoptions to it, and the frozen [`Network`](crate::Network) keeps one small
/// role id per node. [`profile`](Actor::profile) gives the parameters the
/// propagation models read; it defaults to the consumer profile. It is the
/// one way to set them: freezing copies each actor's profile into the
/// network, and the models read only that copy, so an actor that believes
/// differently returns a different profile. [`sponsorship`](Actor::sponsorship)
/// is copied the same way. Fields of your own type reach the kernels as
/// node data: see [`SocialGraph::freeze_with`](crate::SocialGraph::freeze_with).
///
/// # Example: a role of your own
/// ```
/// use wom::{Actor, Profile};
///
/// /// A skeptic: hard to persuade, barely believed.
/// #[derive(Debug)]
/// struct Skeptic;
///
/// impl Actor for Skeptic {
///     fn role(&self) -> &str { "skeptic" }
///     fn profile(&self) -> Profile { Profile::new(0.1, 0.2, 0.05, 0.5).unwrap() }
/// }
/// assert_eq!(Skeptic.role(), "skeptic");
/// assert_eq!(Skeptic.profile().susceptibility(), 0.05);
/// ```
pub trait Actor {
    /// The role's name, for example `"consumer"`. Actors of one role return
    /// the same name.
    fn role(&self) -> &str;

    /// The actor's parameters, read once per node when the graph is
    /// frozen. Default: [`Profile::consumer`].
    fn profile(&self) -> Profile {
        Profile::consumer()
    }

    /// Whether the actor's talk is paid for, read once per node when the
    /// graph is frozen and kept in the network
    /// ([`Network::sponsorship`](crate::Network::sponsorship), one byte per
    /// node). Default: organic.
    fn sponsorship(&self) -> Sponsorship {
        Sponsorship::Organic
    }
}

impl<A: Actor + ?Sized> Actor for Box<A> {
    fn role(&self) -> &str {
        (**self).role()
    }
    fn profile(&self) -> Profile {
        (**self).profile()
    }
    fn sponsorship(&self) -> Sponsorship {
        (**self).sponsorship()
    }
}

impl<A: Actor + ?Sized> Actor for &A {
    fn role(&self) -> &str {
        (**self).role()
    }
    fn profile(&self) -> Profile {
        (**self).profile()
    }
    fn sponsorship(&self) -> Sponsorship {
        (**self).sponsorship()
    }
}

/// A consumer: the target audience, who receives, talks, adopts and talks
/// about the experience.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Consumer {
    /// The consumer's parameters.
    pub profile: Profile,
}

impl Actor for Consumer {
    fn role(&self) -> &str {
        roles::CONSUMER
    }
    fn profile(&self) -> Profile {
        self.profile
    }
}

/// An opinion leader: better informed, followed by a larger and more
/// attentive audience, posts more, believed more; paid or organic.
///
/// Its `fee` is checked (finite, >= 0) when it is read from a document and
/// when it is used ([`roles::assign_opinion_leaders`](crate::roles::assign_opinion_leaders)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OpinionLeaderFields")]
pub struct OpinionLeader {
    /// The leader's parameters.
    pub profile: Profile,
    /// Whether a business pays the leader.
    pub sponsorship: Sponsorship,
    /// What a business pays to seed this leader (currency units, >= 0).
    pub fee: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpinionLeaderFields {
    profile: Profile,
    sponsorship: Sponsorship,
    fee: f64,
}

impl TryFrom<OpinionLeaderFields> for OpinionLeader {
    type Error = crate::Error;
    fn try_from(f: OpinionLeaderFields) -> Result<Self> {
        OpinionLeader::new(f.profile, f.sponsorship, f.fee)
    }
}

impl OpinionLeader {
    /// An opinion leader with the given parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when `fee`
    /// is negative or not finite.
    pub fn new(profile: Profile, sponsorship: Sponsorship, fee: f64) -> Result<Self> {
        if !fee.is_finite() || fee < 0.0 {
            return Err(crate::Error::param(
                "fee",
                fee,
                "must be a finite number >= 0",
            ));
        }
        Ok(OpinionLeader {
            profile,
            sponsorship,
            fee,
        })
    }
}

impl Default for OpinionLeader {
    /// An organic leader with [`Profile::opinion_leader`] and no fee.
    fn default() -> Self {
        OpinionLeader {
            profile: Profile::opinion_leader(),
            sponsorship: Sponsorship::Organic,
            fee: 0.0,
        }
    }
}

impl Actor for OpinionLeader {
    fn role(&self) -> &str {
        roles::OPINION_LEADER
    }
    fn profile(&self) -> Profile {
        self.profile
    }
    fn sponsorship(&self) -> Sponsorship {
        self.sponsorship
    }
}

/// A business organization: the implementer of a campaign (the brand and its
/// agencies). Its account may have followers; it also reaches people outside
/// the graph through advertising channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessOrganization {
    /// The brand's name.
    pub name: String,
    /// The account's parameters.
    pub profile: Profile,
}

impl BusinessOrganization {
    /// A business called `name` with [`Profile::business`].
    pub fn new(name: impl Into<String>) -> Self {
        BusinessOrganization {
            name: name.into(),
            profile: Profile::business(),
        }
    }
}

impl Actor for BusinessOrganization {
    fn role(&self) -> &str {
        roles::BUSINESS
    }
    fn profile(&self) -> Profile {
        self.profile
    }
    fn sponsorship(&self) -> Sponsorship {
        Sponsorship::Sponsored
    }
}

/// The built-in roles in one enum, so a graph can mix them with static
/// dispatch. Downstream crates write the same kind of enum with their own
/// roles added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum BuiltinActor {
    /// A brand's account.
    Business(BusinessOrganization),
    /// An opinion leader.
    OpinionLeader(OpinionLeader),
    /// A consumer.
    Consumer(Consumer),
}

impl Default for BuiltinActor {
    /// A default consumer.
    fn default() -> Self {
        BuiltinActor::Consumer(Consumer::default())
    }
}

impl Actor for BuiltinActor {
    fn role(&self) -> &str {
        match self {
            BuiltinActor::Business(a) => a.role(),
            BuiltinActor::OpinionLeader(a) => a.role(),
            BuiltinActor::Consumer(a) => a.role(),
        }
    }
    fn profile(&self) -> Profile {
        match self {
            BuiltinActor::Business(a) => a.profile(),
            BuiltinActor::OpinionLeader(a) => a.profile(),
            BuiltinActor::Consumer(a) => a.profile(),
        }
    }
    fn sponsorship(&self) -> Sponsorship {
        match self {
            BuiltinActor::Business(a) => a.sponsorship(),
            BuiltinActor::OpinionLeader(a) => a.sponsorship(),
            BuiltinActor::Consumer(a) => a.sponsorship(),
        }
    }
}

impl From<Consumer> for BuiltinActor {
    fn from(a: Consumer) -> Self {
        BuiltinActor::Consumer(a)
    }
}
impl From<OpinionLeader> for BuiltinActor {
    fn from(a: OpinionLeader) -> Self {
        BuiltinActor::OpinionLeader(a)
    }
}
impl From<BusinessOrganization> for BuiltinActor {
    fn from(a: BusinessOrganization) -> Self {
        BuiltinActor::Business(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_rejects_out_of_range_and_names_the_field() {
        let e = Profile::new(0.5, 1.2, 0.5, 0.5).unwrap_err();
        assert!(e.to_string().contains("credibility"), "{e}");
        assert!(Profile::new(f64::NAN, 0.5, 0.5, 0.5).is_err());
        let e = serde_json::from_str::<Profile>(
            r#"{"activity":0.1,"credibility":0.1,"susceptibility":-1,"attention":0.1}"#,
        )
        .unwrap_err();
        assert!(e.to_string().contains("susceptibility"), "{e}");
    }

    #[test]
    fn roles_dispatch_through_the_enum_and_boxes() {
        let mixed: Vec<BuiltinActor> = vec![
            BusinessOrganization::new("Acme").into(),
            OpinionLeader::default().into(),
            Consumer::default().into(),
        ];
        let names: Vec<&str> = mixed.iter().map(|a| a.role()).collect();
        assert_eq!(
            names,
            [roles::BUSINESS, roles::OPINION_LEADER, roles::CONSUMER]
        );
        let boxed: Vec<Box<dyn Actor>> = vec![Box::new(Consumer::default())];
        assert_eq!(boxed[0].role(), roles::CONSUMER);
        assert_eq!(boxed[0].profile().credibility(), 0.5);
        assert_eq!(mixed[0].sponsorship(), Sponsorship::Sponsored);
    }

    #[test]
    fn opinion_leader_fee_is_validated_from_documents() {
        let text = r#"{"role":"opinion_leader","profile":{"activity":0.5,"credibility":0.5,"susceptibility":0.5,"attention":0.5},"sponsorship":"sponsored","fee":-5}"#;
        let e = serde_json::from_str::<BuiltinActor>(text).unwrap_err();
        assert!(e.to_string().contains("fee"), "{e}");
        assert!(
            OpinionLeader::new(Profile::opinion_leader(), Sponsorship::Organic, f64::NAN).is_err()
        );
    }

    #[test]
    fn builtin_actor_round_trips_through_json() {
        let a: BuiltinActor = OpinionLeader {
            sponsorship: Sponsorship::Sponsored,
            fee: 250.0,
            ..OpinionLeader::default()
        }
        .into();
        let text = serde_json::to_string(&a).unwrap();
        assert!(text.contains(r#""role":"opinion_leader""#), "{text}");
        let back: BuiltinActor = serde_json::from_str(&text).unwrap();
        assert_eq!(a, back);
    }
}
