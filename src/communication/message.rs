//! Messages: what travels over the ties and channels.
//!
//! A WOM message is about a product or brand, carries a [`Valence`]
//! (positive, negative or neutral, with a strength), has an origin, is
//! sponsored or organic, came through a channel, has made some hops, and was
//! sent at some time. Its persuasive strength may fall with every hop
//! ([`WomMessage::decay_per_hop`]).
//!
//! The [`Message`] trait has one required method, [`Message::valence`]; a
//! downstream crate's message type (say, one that also carries a discount
//! code) implements it and overrides the provided methods it cares about.

use serde::{Deserialize, Serialize};

use crate::actor::Sponsorship;
use crate::error::{Result, check_probability};

/// The direction of an opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Polarity {
    /// Recommends the product.
    Positive,
    /// Warns against the product.
    Negative,
    /// Mentions the product without a judgement (awareness only).
    Neutral,
}

/// A polarity with a strength in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ValenceFields")]
pub struct Valence {
    polarity: Polarity,
    strength: f64,
}

#[derive(Deserialize)]
struct ValenceFields {
    polarity: Polarity,
    strength: f64,
}

impl TryFrom<ValenceFields> for Valence {
    type Error = crate::Error;
    fn try_from(f: ValenceFields) -> Result<Self> {
        Valence::new(f.polarity, f.strength)
    }
}

impl Valence {
    /// A valence with the given polarity and strength.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange) or
    /// [`Error::InvalidWeight`](crate::Error::InvalidWeight) when `strength`
    /// is outside [0, 1] or not finite.
    pub fn new(polarity: Polarity, strength: f64) -> Result<Self> {
        Ok(Valence {
            polarity,
            strength: check_probability("strength", strength, None)?,
        })
    }

    /// A fully positive valence (strength 1).
    pub const fn positive() -> Self {
        Valence {
            polarity: Polarity::Positive,
            strength: 1.0,
        }
    }

    /// A fully negative valence (strength 1).
    pub const fn negative() -> Self {
        Valence {
            polarity: Polarity::Negative,
            strength: 1.0,
        }
    }

    /// A neutral mention (strength 1: fully informative, no judgement).
    pub const fn neutral() -> Self {
        Valence {
            polarity: Polarity::Neutral,
            strength: 1.0,
        }
    }

    /// The direction.
    #[inline]
    pub fn polarity(&self) -> Polarity {
        self.polarity
    }

    /// The strength in [0, 1].
    #[inline]
    pub fn strength(&self) -> f64 {
        self.strength
    }

    /// The signed score: +strength, -strength or 0 for neutral.
    #[inline]
    pub fn score(&self) -> f64 {
        match self.polarity {
            Polarity::Positive => self.strength,
            Polarity::Negative => -self.strength,
            Polarity::Neutral => 0.0,
        }
    }

    /// The same polarity with the strength multiplied by `factor` (clamped to
    /// [0, 1]; `factor` itself comes from validated parameters).
    #[inline]
    fn scaled(self, factor: f64) -> Self {
        Valence {
            polarity: self.polarity,
            strength: (self.strength * factor).clamp(0.0, 1.0),
        }
    }
}

/// A compact product or brand identifier; names live with the campaign.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct ProductId(pub u32);

/// A compact channel identifier: the index of a channel in a campaign.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
pub struct ChannelId(pub u16);

/// One passing-on of a message: who relays it, through which channel, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    /// The relaying node's index in the [`Network`](crate::Network).
    pub sender: u32,
    /// The channel it goes through.
    pub channel: ChannelId,
    /// The step at which it is sent.
    pub time: u32,
}

/// What travels over ties and channels.
///
/// One required method, [`valence`](Message::valence); the rest have
/// defaults. [`relay`](Message::relay) makes the copy a receiver passes on;
/// its default is an unchanged clone.
pub trait Message: Clone {
    /// The opinion the message carries.
    fn valence(&self) -> Valence;

    /// Persuasive strength in [0, 1]. Default: the valence's strength.
    fn strength(&self) -> f64 {
        self.valence().strength()
    }

    /// Paid or organic. Default: organic.
    fn sponsorship(&self) -> Sponsorship {
        Sponsorship::Organic
    }

    /// Hops made since the origin. Default: 0.
    fn hops(&self) -> u32 {
        0
    }

    /// The copy that is passed on at `hop`. Default: an unchanged clone.
    fn relay(&self, hop: Hop) -> Self {
        let _ = hop;
        self.clone()
    }
}

/// The built-in WOM message.
///
/// # Example
/// ```
/// use wom::{Message, WomMessage, Valence, ProductId, ChannelId, Hop};
///
/// let m = WomMessage::new(ProductId(0), Valence::positive(), 17)
///     .with_decay_per_hop(0.2).unwrap();
/// let passed = m.relay(Hop { sender: 4, channel: ChannelId(1), time: 3 });
/// assert_eq!(passed.hops(), 1);
/// assert!((passed.strength() - 0.8).abs() < 1e-12);
/// assert_eq!(passed.origin, 17);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WomMessageFields")]
pub struct WomMessage {
    /// The product or brand it is about.
    pub product: ProductId,
    /// Its opinion and current strength.
    pub valence: Valence,
    /// The node that first said it.
    pub origin: u32,
    /// Paid or organic.
    pub sponsorship: Sponsorship,
    /// The channel of the last hop.
    pub channel: ChannelId,
    /// Hops made since the origin.
    pub hops: u32,
    /// The step of the last hop.
    pub time: u32,
    decay_per_hop: f64,
}

/// The unvalidated form a [`WomMessage`] is deserialized from.
#[derive(Deserialize)]
struct WomMessageFields {
    product: ProductId,
    valence: Valence,
    origin: u32,
    sponsorship: Sponsorship,
    channel: ChannelId,
    hops: u32,
    time: u32,
    decay_per_hop: f64,
}

impl TryFrom<WomMessageFields> for WomMessage {
    type Error = crate::Error;
    fn try_from(f: WomMessageFields) -> Result<Self> {
        let m = WomMessage {
            channel: f.channel,
            hops: f.hops,
            time: f.time,
            ..WomMessage::new(f.product, f.valence, f.origin).with_sponsorship(f.sponsorship)
        };
        m.with_decay_per_hop(f.decay_per_hop)
    }
}

impl WomMessage {
    /// An organic message from `origin` at time 0 with no decay.
    #[inline]
    pub fn new(product: ProductId, valence: Valence, origin: u32) -> Self {
        WomMessage {
            product,
            valence,
            origin,
            sponsorship: Sponsorship::Organic,
            channel: ChannelId(0),
            hops: 0,
            time: 0,
            decay_per_hop: 0.0,
        }
    }

    /// Marks the message as paid or organic.
    #[inline]
    pub fn with_sponsorship(mut self, sponsorship: Sponsorship) -> Self {
        self.sponsorship = sponsorship;
        self
    }

    /// The share of strength lost at each hop: strength after `h` hops is
    /// `s0 (1 - d)^h`.
    ///
    /// # Errors
    /// When `decay` is not in [0, 1].
    pub fn with_decay_per_hop(mut self, decay: f64) -> Result<Self> {
        self.decay_per_hop = check_probability("decay_per_hop", decay, None)?;
        Ok(self)
    }

    /// [`with_decay_per_hop`](WomMessage::with_decay_per_hop) for a decay
    /// already checked to be in [0, 1] (a campaign's options).
    #[inline]
    pub(crate) fn with_checked_decay(mut self, decay: f64) -> Self {
        debug_assert!((0.0..=1.0).contains(&decay));
        self.decay_per_hop = decay;
        self
    }

    /// The share of strength lost at each hop.
    pub fn decay_per_hop(&self) -> f64 {
        self.decay_per_hop
    }
}

impl Message for WomMessage {
    #[inline]
    fn valence(&self) -> Valence {
        self.valence
    }
    #[inline]
    fn sponsorship(&self) -> Sponsorship {
        self.sponsorship
    }
    #[inline]
    fn hops(&self) -> u32 {
        self.hops
    }
    #[inline]
    fn relay(&self, hop: Hop) -> Self {
        WomMessage {
            valence: self.valence.scaled(1.0 - self.decay_per_hop),
            channel: hop.channel,
            hops: self.hops.saturating_add(1),
            time: hop.time,
            ..*self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn strength_decays_geometrically() {
        let mut m = WomMessage::new(ProductId(1), Valence::negative(), 0)
            .with_decay_per_hop(0.5)
            .unwrap();
        for t in 1..=3 {
            m = m.relay(Hop {
                sender: t,
                channel: ChannelId(2),
                time: t,
            });
        }
        assert_eq!(m.hops(), 3);
        assert_relative_eq!(m.strength(), 0.125);
        assert_relative_eq!(m.valence().score(), -0.125);
        assert_eq!(m.valence().polarity(), Polarity::Negative);
        assert_eq!(m.channel, ChannelId(2));
    }

    #[test]
    fn invalid_strength_and_decay_are_errors() {
        assert!(Valence::new(Polarity::Positive, 1.01).is_err());
        assert!(
            WomMessage::new(ProductId(0), Valence::neutral(), 0)
                .with_decay_per_hop(-0.1)
                .is_err()
        );
        assert!(
            serde_json::from_str::<Valence>(r#"{"polarity":"positive","strength":2}"#).is_err()
        );
        let m = WomMessage::new(ProductId(3), Valence::positive(), 9)
            .with_decay_per_hop(0.25)
            .unwrap();
        let text = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<WomMessage>(&text).unwrap(), m);
        let bad = text.replace("0.25", "-3.0");
        let e = serde_json::from_str::<WomMessage>(&bad).unwrap_err();
        assert!(e.to_string().contains("decay_per_hop"), "{e}");
    }
}
