//! Channels behind a pointer: [`ErasedChannel`], the object-safe face of
//! every [`Channel`].
//!
//! [`Channel::deliver`] is generic over the message, the generator and the
//! callback, which lets kernels inline a channel into their loops but keeps
//! `dyn Channel` from existing. A program that chooses its channels at run
//! time (a scenario document naming a registered channel kind) holds them
//! as `Arc<dyn ErasedChannel>` instead: every `Channel + Send + Sync +
//! Debug + 'static` type is one, and `dyn ErasedChannel` is a [`Channel`]
//! again, so it goes wherever a channel goes.
//!
//! Through the pointer, the message travels as a [`MessageSnapshot`]: its
//! valence, strength, sponsorship and hop count, copied. A channel reads
//! the message to decide whom it reaches (not what it says, which the
//! kernel hands the receiver itself), so the snapshot is all it can see of
//! any message type. The generator is passed as `&mut dyn Rng` and the
//! callback as `&mut dyn FnMut(Delivery)`: a channel draws the same numbers
//! in the same order either way, so a run through the pointer gives the
//! same deliveries as a run of the channel itself, at the cost of one
//! indirect call per number drawn and per delivery.

use std::fmt;

use rand::Rng;

use crate::actor::Sponsorship;
use crate::channel::{Channel, Delivery, Outgoing, Scope};
use crate::message::{Message, Valence};
use crate::network::Network;

/// What a channel behind a pointer sees of a message: a copy of the four
/// things [`Message`] says about any message (valence, strength,
/// sponsorship, hops).
///
/// # Example
/// ```
/// use wom::communication::erased::MessageSnapshot;
/// use wom::{Message, ProductId, Valence, WomMessage};
///
/// let m = WomMessage::new(ProductId(0), Valence::negative(), 3);
/// let seen = MessageSnapshot::of(&m);
/// assert_eq!(seen.valence(), m.valence());
/// assert_eq!(seen.hops(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MessageSnapshot {
    valence: Valence,
    strength: f64,
    sponsorship: Sponsorship,
    hops: u32,
}

impl MessageSnapshot {
    /// The snapshot of `message`, read through its [`Message`] methods.
    pub fn of<M: Message>(message: &M) -> Self {
        MessageSnapshot {
            valence: message.valence(),
            strength: message.strength(),
            sponsorship: message.sponsorship(),
            hops: message.hops(),
        }
    }
}

impl Message for MessageSnapshot {
    fn valence(&self) -> Valence {
        self.valence
    }
    fn strength(&self) -> f64 {
        self.strength
    }
    fn sponsorship(&self) -> Sponsorship {
        self.sponsorship
    }
    fn hops(&self) -> u32 {
        self.hops
    }
}

/// The object-safe face of a [`Channel`]: implemented for every `C:
/// Channel + Send + Sync + Debug + 'static`, so that `Arc<dyn
/// ErasedChannel>` holds a channel whose type is chosen at run time.
///
/// `dyn ErasedChannel` implements [`Channel`] (its
/// [`deliver`](Channel::deliver) snapshots the message and forwards), and
/// each method here is the channel's own: the same name, scope, cost and
/// deliveries, drawing the same random numbers.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use wom::channel::{Channel, Post};
/// use wom::communication::erased::ErasedChannel;
/// use wom::rng::stream_rng;
/// use wom::Network;
///
/// let net = Network::from_arcs(3, [(0, 1, 0.5), (0, 2, 1.0)])?;
/// let post = Post::new(0.4)?;
/// let erased: Arc<dyn ErasedChannel> = Arc::new(post);
/// assert_eq!(erased.channel_name(), "post");
/// // The same deliveries from the same generator.
/// assert_eq!(
///     erased.receivers(&net, 0, &mut stream_rng(7, 0)),
///     post.receivers(&net, 0, &mut stream_rng(7, 0)),
/// );
/// # Ok::<(), wom::Error>(())
/// ```
pub trait ErasedChannel: Send + Sync + fmt::Debug {
    /// [`Channel::name`].
    fn channel_name(&self) -> &str;

    /// [`Channel::scope`].
    fn channel_scope(&self) -> Scope;

    /// [`Channel::cost_per_message`].
    fn channel_cost_per_message(&self) -> f64;

    /// [`Channel::deliver`] with the message as a [`MessageSnapshot`], the
    /// generator and the callback behind pointers.
    ///
    /// # Panics
    /// As [`Channel::deliver`]: if `out.sender` is neither a node of
    /// `network` nor [`OUTSIDE`](crate::channel::OUTSIDE).
    fn deliver_dyn(
        &self,
        network: &Network,
        out: &Outgoing<'_, MessageSnapshot>,
        rng: &mut dyn Rng,
        deliver: &mut dyn FnMut(Delivery),
    );
}

impl<C> ErasedChannel for C
where
    C: Channel + Send + Sync + fmt::Debug + 'static,
{
    fn channel_name(&self) -> &str {
        Channel::name(self)
    }
    fn channel_scope(&self) -> Scope {
        Channel::scope(self)
    }
    fn channel_cost_per_message(&self) -> f64 {
        Channel::cost_per_message(self)
    }
    fn deliver_dyn(
        &self,
        network: &Network,
        out: &Outgoing<'_, MessageSnapshot>,
        rng: &mut dyn Rng,
        deliver: &mut dyn FnMut(Delivery),
    ) {
        Channel::deliver(self, network, out, rng, deliver);
    }
}

impl Channel for dyn ErasedChannel {
    fn name(&self) -> &str {
        self.channel_name()
    }
    fn scope(&self) -> Scope {
        self.channel_scope()
    }
    fn cost_per_message(&self) -> f64 {
        self.channel_cost_per_message()
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let message = MessageSnapshot::of(out.message);
        let seen = Outgoing {
            sender: out.sender,
            step: out.step,
            channel: out.channel,
            message: &message,
        };
        // `R` may be unsized: the reference to it is a sized generator.
        let mut rng: &mut R = rng;
        self.deliver_dyn(network, &seen, &mut rng, &mut deliver);
    }
}
