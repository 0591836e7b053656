//! The campaign's decision points: what a sender says ([`Voice`]), how a
//! receiver responds to a delivery ([`Response`]) and what happens when a
//! node adopts ([`OnAdopt`]). Each is a small trait with one required
//! method, in the style of rand's core traits; the built-ins
//! ([`StandardVoice`], [`StandardResponse`], [`ProductExperience`]) are the
//! defaults of [`Campaign`](super::Campaign) and follow the formulas of its
//! documentation.

use std::fmt;
use std::marker::PhantomData;

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::CampaignState;
use crate::actor::Sponsorship;
use crate::message::{ChannelId, Message, Polarity, ProductId, Valence, WomMessage};
use crate::network::Network;
use crate::rng::bernoulli;

/// What a receiver has heard in the current run before a delivery, as
/// counts of deliveries (every delivery to it while it had not adopted).
///
/// The kernel keeps it only when the response asks for it
/// ([`Response::needs_history`]); otherwise every count reads 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct History {
    /// Deliveries received.
    pub received: u32,
    /// Of which carried a positive message.
    pub positive: u32,
    /// Of which carried a negative message.
    pub negative: u32,
    /// Of which carried a sponsored message.
    pub sponsored: u32,
}

impl History {
    /// The history after one more delivery of `message`.
    pub(crate) fn record<M: Message>(&mut self, message: &M) {
        self.received = self.received.saturating_add(1);
        match message.valence().polarity() {
            Polarity::Positive => self.positive = self.positive.saturating_add(1),
            Polarity::Negative => self.negative = self.negative.saturating_add(1),
            Polarity::Neutral => {}
        }
        if message.sponsorship() == Sponsorship::Sponsored {
            self.sponsored = self.sponsored.saturating_add(1);
        }
    }
}

/// One delivery as its receiver meets it: who spoke, through which
/// channel, over what tie, what was said, when, and what the receiver has
/// heard before.
#[derive(Debug, Clone, Copy)]
pub struct Reception<'a, M> {
    /// The network (profiles, roles, node data of the actors).
    pub network: &'a Network,
    /// The sender's node, `None` from outside the network.
    pub sender: Option<u32>,
    /// The sender's credibility: its profile's, 1 from outside.
    pub credibility: f64,
    /// The receiver's node; it has not adopted.
    pub receiver: u32,
    /// The delivery's weight, in [0, 1]: for the built-in channels the
    /// tie's trust times the channel's persuasion.
    pub weight: f64,
    /// The channel's index in the campaign.
    pub channel: ChannelId,
    /// The message it carries (relayed: its hops count this one).
    pub message: &'a M,
    /// The step at which the receiver gets it.
    pub step: u32,
    /// What the receiver heard before (see [`History`]).
    pub history: History,
}

impl<M> Reception<'_, M> {
    /// The receiver's susceptibility (its profile's).
    pub fn susceptibility(&self) -> f64 {
        self.network.profile(self.receiver).susceptibility()
    }
}

/// One send as each of its receivers will meet it, before any receiver is
/// known: who spoke, through which channel, what, when. Handed to
/// [`Response::shortcut`].
#[derive(Debug, Clone, Copy)]
pub struct Dispatch<'a, M> {
    /// The network.
    pub network: &'a Network,
    /// The sender's node, `None` from outside the network.
    pub sender: Option<u32>,
    /// The sender's credibility: its profile's, 1 from outside.
    pub credibility: f64,
    /// The channel's index in the campaign.
    pub channel: ChannelId,
    /// The message (relayed: its hops count this one).
    pub message: &'a M,
    /// The step.
    pub step: u32,
}

/// How a receiver responds to a delivery: the probability that it is
/// persuaded (and adopts at the end of the step).
///
/// One required method. The kernel draws once per delivery with 0 < p < 1
/// and not at all for p = 0 or p = 1 (values outside [0, 1] act as the
/// nearer bound). [`shortcut`](Response::shortcut) is an optional way to
/// say, once per send, what the response would answer for every delivery
/// of it; the standard response takes it when it can.
///
/// # Example: a skeptic who discounts sponsored talk
/// ```
/// use wom::propagation::composite::{Reception, Response, StandardResponse};
/// use wom::{Message, Sponsorship};
///
/// #[derive(Debug, Clone)]
/// struct Skeptics { discount: f64 }
///
/// impl<M: Message> Response<M> for Skeptics {
///     fn persuasion(&self, r: &Reception<'_, M>) -> f64 {
///         let p = StandardResponse::default().persuasion(r);
///         let skeptic = r.network.role_name(r.network.role(r.receiver)) == Some("skeptic");
///         if skeptic && r.message.sponsorship() == Sponsorship::Sponsored {
///             p * (1.0 - self.discount)
///         } else {
///             p
///         }
///     }
/// }
/// # let _ = Skeptics { discount: 0.5 };
/// ```
pub trait Response<M> {
    /// The probability, in [0, 1], that this delivery persuades its
    /// receiver.
    fn persuasion(&self, reception: &Reception<'_, M>) -> f64;

    /// Whether [`Reception::history`] must be kept (one counter update per
    /// delivery). Default: `true`.
    fn needs_history(&self) -> bool {
        true
    }

    /// For speed, optional: `Some(f)` when this response would persuade
    /// the receiver v of every delivery of `dispatch` with probability
    /// `weight × f × susceptibility(v)` (multiplied in that order),
    /// whatever v has heard. The kernel then computes that product for the
    /// deliveries of this send that arrive at once, and does not ask
    /// [`persuasion`](Response::persuasion) for them. Default: `None` (ask
    /// for each delivery).
    ///
    /// Implement it only to agree with `persuasion` bit for bit: results
    /// must not depend on which of the two the kernel used.
    fn shortcut(&self, dispatch: &Dispatch<'_, M>) -> Option<f64> {
        let _ = dispatch;
        None
    }
}

/// The built-in response: the campaign's documented formula.
///
/// ```text
/// p = w × credibility(u) × susceptibility(v) × s(m) × (1 − δ)^[m sponsored] × (1 − λ)^neg(v)
/// ```
///
/// for a positive message m of strength s(m), with δ the
/// [`sponsored_discount`](StandardResponse::sponsored_discount) and neg(v)
/// the negative messages v heard before (λ the
/// [`negative_weight`](StandardResponse::negative_weight)); p = 0 for a
/// negative or neutral message (it exposes, and is remembered, but does not
/// persuade). It is computed as `w × f × susceptibility(v) × (1 − λ)^neg(v)`
/// with `f = credibility(u) × s(m) × (1 − δ)^[m sponsored]` (or 0), so that
/// with δ = λ = 0 and the standard messages (positive, strength 1) it is
/// `w × credibility × susceptibility`, bit for bit. Without a negative
/// weight it gives the kernel its [`shortcut`](Response::shortcut).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct StandardResponse {
    /// δ: the share of persuasion a sponsored message loses, in [0, 1].
    pub sponsored_discount: f64,
    /// λ: each negative message heard multiplies later persuasion by
    /// `1 − λ`, in [0, 1] (1: one negative message blocks adoption).
    pub negative_weight: f64,
}

impl StandardResponse {
    /// f: what the persuasion of a message owes to the sender and the
    /// message, the same for all its receivers.
    #[inline]
    fn factor<M: Message>(&self, message: &M, credibility: f64) -> f64 {
        if message.valence().polarity() != Polarity::Positive {
            return 0.0;
        }
        let f = credibility * message.strength();
        if self.sponsored_discount > 0.0 && message.sponsorship() == Sponsorship::Sponsored {
            f * (1.0 - self.sponsored_discount)
        } else {
            f
        }
    }
}

impl<M: Message> Response<M> for StandardResponse {
    #[inline]
    fn persuasion(&self, r: &Reception<'_, M>) -> f64 {
        let p = r.weight * self.factor(r.message, r.credibility) * r.susceptibility();
        if self.negative_weight > 0.0 && r.history.negative > 0 {
            let k = r.history.negative.min(i32::MAX as u32) as i32;
            p * (1.0 - self.negative_weight).powi(k)
        } else {
            p
        }
    }

    fn needs_history(&self) -> bool {
        self.negative_weight > 0.0
    }

    #[inline]
    fn shortcut(&self, d: &Dispatch<'_, M>) -> Option<f64> {
        (self.negative_weight == 0.0).then(|| self.factor(d.message, d.credibility))
    }
}

/// A node that has just adopted, as [`OnAdopt`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Adoption<'a, M> {
    /// The network.
    pub network: &'a Network,
    /// The adopting node.
    pub node: u32,
    /// The step of adoption (0 for seeds).
    pub step: u32,
    /// The sender of the delivery it is attributed to (`None` for seeds and
    /// from outside).
    pub sender: Option<u32>,
    /// The channel of that delivery (`None` for seeds).
    pub channel: Option<ChannelId>,
    /// The message of that delivery (`None` for seeds).
    pub message: Option<&'a M>,
}

/// What happens when a node adopts: the adopter's own state for the rest
/// of the run (its experience of the product, what it will say ...), of the
/// memory type `X` that the campaign's [`Voice`] reads.
///
/// One required method. The memory is kept per node
/// (`size_of::<X>()` bytes per node, allocated once per working state) and
/// handed to the voice whenever the adopter speaks.
pub trait OnAdopt<M, X> {
    /// The adopter's memory, drawn from `rng` if needed.
    fn adopt<R: Rng + ?Sized>(&self, adoption: &Adoption<'_, M>, rng: &mut R) -> X;
}

/// An adopter's experience of the product, the memory of
/// [`ProductExperience`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    /// Product experience is not modelled: the adopter passes on what
    /// persuaded it.
    #[default]
    Untested,
    /// A good experience: it talks positively.
    Satisfied,
    /// A bad experience: it talks negatively.
    Dissatisfied,
}

/// A memory that says which way its adopter talks, read by
/// [`StandardVoice`].
pub trait Opinion {
    /// The polarity of the adopter's own talk; `None` to pass on the
    /// message that persuaded it.
    fn opinion(&self) -> Option<Polarity>;
}

impl Opinion for Satisfaction {
    fn opinion(&self) -> Option<Polarity> {
        match self {
            Satisfaction::Untested => None,
            Satisfaction::Satisfied => Some(Polarity::Positive),
            Satisfaction::Dissatisfied => Some(Polarity::Negative),
        }
    }
}

impl Opinion for () {
    fn opinion(&self) -> Option<Polarity> {
        None
    }
}

/// The built-in [`OnAdopt`]: with a product quality q, every adopter
/// (seeds included) is [satisfied](Satisfaction::Satisfied) with
/// probability q, else dissatisfied (one draw when 0 < q < 1); without
/// one, adopters stay [untested](Satisfaction::Untested) and nothing is
/// drawn.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ProductExperience {
    /// The product quality q, in [0, 1]; `None`: not modelled.
    pub quality: Option<f64>,
}

impl<M> OnAdopt<M, Satisfaction> for ProductExperience {
    #[inline]
    fn adopt<R: Rng + ?Sized>(&self, _adoption: &Adoption<'_, M>, rng: &mut R) -> Satisfaction {
        match self.quality {
            None => Satisfaction::Untested,
            Some(q) if q >= 1.0 || (q > 0.0 && bernoulli(rng, q)) => Satisfaction::Satisfied,
            Some(_) => Satisfaction::Dissatisfied,
        }
    }
}

/// A sender about to speak through one channel, as [`Voice`] sees it.
#[derive(Clone, Copy)]
pub struct Speaker<'a, M, X> {
    /// The network.
    pub network: &'a Network,
    /// The sender's node, `None` from outside the network.
    pub sender: Option<u32>,
    /// The channel's index in the campaign.
    pub channel: ChannelId,
    /// Whether the channel costs money per message
    /// ([`Channel::cost_per_message`](crate::Channel::cost_per_message) > 0).
    pub paid: bool,
    /// The step.
    pub step: u32,
    /// Whether it speaks as an adopter (under [`Sender::Adopters`] or
    /// [`Sender::AdoptersOfRole`]) rather than as a fixed sender of the
    /// campaign.
    ///
    /// [`Sender::Adopters`]: super::Sender::Adopters
    /// [`Sender::AdoptersOfRole`]: super::Sender::AdoptersOfRole
    pub as_adopter: bool,
    /// The run's state, read by [`memory`](Speaker::memory) and
    /// [`heard`](Speaker::heard) only when asked (a sender that stays
    /// silent costs no lookup).
    pub(crate) state: &'a CampaignState<M, X>,
    /// The sender's index among the talkers when it speaks as an adopter.
    pub(crate) talker: usize,
}

impl<M: fmt::Debug, X: fmt::Debug> fmt::Debug for Speaker<'_, M, X> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Speaker")
            .field("sender", &self.sender)
            .field("channel", &self.channel)
            .field("paid", &self.paid)
            .field("step", &self.step)
            .field("as_adopter", &self.as_adopter)
            .field("memory", &self.memory())
            .field("heard", &self.heard())
            .finish_non_exhaustive()
    }
}

impl<'a, M, X> Speaker<'a, M, X> {
    /// Its memory ([`Voice::Memory`]) if it has adopted.
    #[inline]
    pub fn memory(&self) -> Option<&'a X> {
        let u = self.sender? as usize;
        if self.as_adopter || self.state.is_adopted(u as u32) {
            self.state.memory.get(u)
        } else {
            None
        }
    }

    /// The message that persuaded it, for an adopter speaking as one that
    /// was persuaded by a delivery (not a seed, nor a node another model
    /// of a composition adopted).
    #[inline]
    pub fn heard(&self) -> Option<&'a M> {
        if self.as_adopter {
            self.state.heard.get(self.talker)?.as_ref()
        } else {
            None
        }
    }
}

/// What a sender says: the message it composes for one send. The kernel
/// then applies [`Message::relay`] once for the hop of this send, so
/// receivers see the hop counted.
///
/// One required method; [`activity`](Voice::activity), the probability
/// that the sender speaks at all this step, is provided. The voice names
/// the message type of the campaign and the per-node
/// [`Memory`](Voice::Memory) it reads, which the campaign's [`OnAdopt`]
/// hook writes when a node adopts.
pub trait Voice {
    /// The message type it speaks.
    type Message: Message + fmt::Debug;
    /// The per-node memory of adopters it reads (written by the
    /// [`OnAdopt`] hook).
    type Memory: Clone + Default + fmt::Debug;

    /// The message of this send (before the hop's relay).
    fn compose(&self, speaker: &Speaker<'_, Self::Message, Self::Memory>) -> Self::Message;

    /// The probability that the sender speaks through this channel this
    /// step (not asked for senders from outside, who always speak).
    /// Default: the sender's profile activity.
    fn activity(&self, speaker: &Speaker<'_, Self::Message, Self::Memory>) -> f64 {
        speaker
            .sender
            .map_or(1.0, |u| speaker.network.profile(u).activity())
    }

    /// Whether the campaign reports its deliveries by valence
    /// (`deliveries:positive`, `deliveries:negative`, `net_sentiment`).
    /// Default: `true`.
    fn valenced(&self) -> bool {
        true
    }
}

/// The built-in voice.
///
/// * A fixed sender (and a sender from outside) says the campaign's
///   message: positive, strength 1, from itself.
/// * An adopter with an [opinion](Opinion) (from product experience) says
///   it: positive when satisfied, negative when dissatisfied, strength 1,
///   from itself; a dissatisfied adopter speaks with probability
///   `min(1, complaint_factor × activity)`.
/// * An adopter without one passes on the message that persuaded it (a seed
///   says the campaign's message).
///
/// A fresh message is [sponsored](Sponsorship::Sponsored) when it comes
/// from outside, through a paid channel, or from an actor whose talk is
/// paid for ([`Network::sponsorship`]: businesses, paid leaders); organic
/// otherwise. Its strength falls by
/// `decay_per_hop` with every hop ([`WomMessage::with_decay_per_hop`]).
///
/// It reads any memory `X` that says the adopter's [`Opinion`]
/// ([`Satisfaction`] by default; `()` for none).
#[derive(Debug, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct StandardVoice<X = Satisfaction> {
    /// The product the messages are about.
    pub product: ProductId,
    /// The share of strength lost per hop, in [0, 1].
    pub decay_per_hop: f64,
    /// How much more often a dissatisfied adopter talks, >= 0.
    pub complaint_factor: f64,
    /// Whether deliveries are reported by valence.
    pub valenced: bool,
    #[serde(skip)]
    memory: PhantomData<fn() -> X>,
}

impl<X> Clone for StandardVoice<X> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<X> Copy for StandardVoice<X> {}

impl<X> PartialEq for StandardVoice<X> {
    fn eq(&self, other: &Self) -> bool {
        (
            self.product,
            self.decay_per_hop,
            self.complaint_factor,
            self.valenced,
        ) == (
            other.product,
            other.decay_per_hop,
            other.complaint_factor,
            other.valenced,
        )
    }
}

impl<X> Default for StandardVoice<X> {
    /// Product 0, no decay, complaint factor 1, no valence report.
    fn default() -> Self {
        StandardVoice {
            product: ProductId(0),
            decay_per_hop: 0.0,
            complaint_factor: 1.0,
            valenced: false,
            memory: PhantomData,
        }
    }
}

/// Whether a fresh message of `sender` through a channel that is `paid` or
/// not is sponsored.
#[inline]
pub(crate) fn sponsorship(network: &Network, sender: Option<u32>, paid: bool) -> Sponsorship {
    let sponsored = match sender {
        None => true,
        Some(u) => paid || network.sponsorship(u) == Sponsorship::Sponsored,
    };
    if sponsored {
        Sponsorship::Sponsored
    } else {
        Sponsorship::Organic
    }
}

impl<X> StandardVoice<X> {
    /// The same settings, reading memory of type `Y`.
    pub fn reading<Y>(self) -> StandardVoice<Y> {
        StandardVoice {
            product: self.product,
            decay_per_hop: self.decay_per_hop,
            complaint_factor: self.complaint_factor,
            valenced: self.valenced,
            memory: PhantomData,
        }
    }

    #[inline]
    fn fresh(&self, s: &Speaker<'_, WomMessage, X>, valence: Valence) -> WomMessage {
        let origin = s.sender.unwrap_or(crate::channel::OUTSIDE);
        let m = WomMessage::new(self.product, valence, origin)
            .with_sponsorship(sponsorship(s.network, s.sender, s.paid));
        if self.decay_per_hop > 0.0 {
            // In [0, 1]: checked with the options, or clamped here for a
            // voice built by hand.
            m.with_checked_decay(self.decay_per_hop.clamp(0.0, 1.0))
        } else {
            m
        }
    }
}

impl<X: Opinion + Clone + Default + fmt::Debug> Voice for StandardVoice<X> {
    type Message = WomMessage;
    type Memory = X;

    #[inline]
    fn compose(&self, s: &Speaker<'_, WomMessage, X>) -> WomMessage {
        if s.as_adopter {
            match s.memory().and_then(Opinion::opinion) {
                Some(Polarity::Positive) => return self.fresh(s, Valence::positive()),
                Some(Polarity::Negative) => return self.fresh(s, Valence::negative()),
                Some(Polarity::Neutral) => return self.fresh(s, Valence::neutral()),
                None => {
                    if let Some(m) = s.heard() {
                        return *m;
                    }
                }
            }
        }
        self.fresh(s, Valence::positive())
    }

    #[inline]
    fn activity(&self, s: &Speaker<'_, WomMessage, X>) -> f64 {
        let base = s.sender.map_or(1.0, |u| s.network.profile(u).activity());
        // A complaint factor of 1 leaves every activity (in [0, 1]) as it is.
        if self.complaint_factor != 1.0
            && s.as_adopter
            && s.memory().and_then(Opinion::opinion) == Some(Polarity::Negative)
        {
            (base * self.complaint_factor).min(1.0)
        } else {
            base
        }
    }

    fn valenced(&self) -> bool {
        self.valenced
    }
}
