//! How a message travels: the [`Channel`] a sender speaks through (private
//! message, comment, post, forum, advertising, or a medium of your own) and
//! the [`Message`] it carries (product, valence, sponsorship, hops).
//!
//! Both sit between the modelling layer ([`social`](crate::social)) and the
//! propagation models ([`propagation`](crate::propagation)): a model asks a
//! channel for the deliveries of one sender and decides, for each, whether
//! the receiver is persuaded.

pub mod channel;
pub mod erased;
pub mod message;

pub use channel::{BuiltinChannel, Channel, Delivery, OUTSIDE, Outgoing};
pub use erased::{ErasedChannel, MessageSnapshot};
pub use message::{ChannelId, Hop, Message, Polarity, ProductId, Valence, WomMessage};
