//! Channels: how a message travels from a sender to its receivers.
//!
//! WOM marketing distinguishes individual communication (a private message to
//! one chosen person; a comment seen by a post's author and the people
//! following the thread), group communication (a post to all followers, each
//! noticing it with some attention probability; a message to every member of
//! a group or forum) and communication outside the graph (advertising that
//! reaches a share of the whole population regardless of ties).
//!
//! A [`Channel`] answers three questions about a message on its way
//! ([`Outgoing`]: the sender, the step, the message): **who receives** it
//! ([`Channel::deliver`] calls back once per delivery), **how strongly**
//! each delivery carries persuasion ([`Delivery::weight`], for the
//! built-ins the tie's trust times the channel's persuasion) and **when**
//! ([`Delivery::delay`]: at once, or some steps later).
//!
//! Channels that travel over ties work **per arc**: in a multigraph, a
//! receiver tied to the sender by two parallel arcs is two ties, and a post
//! reaches it through each (each noticed or not on its own); a private
//! message picks one tie. Read edge lists with
//! [`Duplicates::Merge`](crate::io::Duplicates::Merge) or `Drop` for one tie
//! per pair.
//! The five built-ins are [`PrivateMessage`], [`Comment`], [`Post`],
//! [`Forum`] and [`Advertising`]; [`BuiltinChannel`] is the enum of them, for
//! mixing channels with static dispatch.
//!
//! `Channel` is used as a generic bound (it has a generic method, so it is
//! not a trait object): kernels are monomorphized for the channels they use.
//! While a channel delivers, it holds the run's generator; a model that
//! needs random numbers to decide what a delivery does collects the
//! deliveries into a reused buffer first and decides after (as
//! [`Campaign`](crate::propagation::Campaign) does), which also lets it treat
//! the deliveries of one step together.
//! A downstream crate's channel implements two required methods, `name` and
//! `deliver`.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Result, check_probability};
use crate::message::{ChannelId, Message, ProductId, Valence, WomMessage};
use crate::network::Network;
use crate::propagation::kernel::GeometricSkip;
use crate::rng::{below, bernoulli, uniform_f64};

/// The sender index of a message from outside the network (advertising by
/// a business that has no node, mass media): it is not a node, so a channel
/// must not look it up; an off-graph channel only compares it with its
/// receivers.
pub const OUTSIDE: u32 = u32::MAX;

/// One receiver reached by a channel.
///
/// A delivery carries the message of the [`Outgoing`] it was made for:
/// the kernel hands the receiver that message (see
/// [`Reception`](crate::propagation::composite::Reception)). A channel may
/// hold a delivery back: [`after`](Delivery::after) makes the receiver see
/// it `delay` steps later (a story seen the day after it is posted).
///
/// Build one with [`Delivery::new`]; the struct is non-exhaustive so that
/// fields can be added without breaking channels written elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The receiving node's index in the [`Network`].
    pub recipient: u32,
    /// How strongly this delivery carries persuasion, in [0, 1]: the trust
    /// of the tie it travels over (1 off the graph and between strangers in
    /// a group) times the channel's persuasion.
    pub weight: f64,
    /// Steps between sending and receiving: 0 (the default) for the step
    /// of sending, k for k steps later.
    pub delay: u32,
}

impl Delivery {
    /// A delivery to `recipient` with `weight`, received the step it is
    /// sent.
    pub const fn new(recipient: u32, weight: f64) -> Self {
        Delivery {
            recipient,
            weight,
            delay: 0,
        }
    }

    /// The same delivery, received `steps` steps after it is sent.
    #[must_use]
    pub const fn after(mut self, steps: u32) -> Self {
        self.delay = steps;
        self
    }
}

/// A message on its way: who sends it, when, through which of the
/// campaign's channels, and what it says. Channels read it to decide whom
/// the message reaches (a story only while it is fresh, a sponsored post
/// only to those who opted in ...).
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a, M> {
    /// The sender's node index, or [`OUTSIDE`] for a message from outside
    /// the network.
    pub sender: u32,
    /// The step at which it is sent (1 for the first step of a run).
    pub step: u32,
    /// The channel's index in the campaign.
    pub channel: ChannelId,
    /// What is said: the message every delivery of this send carries.
    pub message: &'a M,
}

impl<'a, M> Outgoing<'a, M> {
    /// `message` sent by `sender` through channel 0 at step 1.
    pub fn new(sender: u32, message: &'a M) -> Self {
        Outgoing {
            sender,
            step: 1,
            channel: ChannelId(0),
            message,
        }
    }

    /// The sender's node, `None` from outside the network.
    pub fn sender_node(&self) -> Option<u32> {
        (self.sender != OUTSIDE).then_some(self.sender)
    }
}

/// Where a channel sits among the kinds of WOM communication: individual,
/// group, or outside the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One sender to one person or a small specified audience.
    Individual,
    /// One sender to many: followers or group members.
    Group,
    /// Outside the social graph: advertising and mass media.
    OffGraph,
}

/// A medium through which a sender's message reaches receivers.
///
/// # Example: a channel of your own
/// A story for close friends: only mutual ties see it, the step after it
/// is posted, and only while it is fresh (sent by its author, not passed
/// on).
/// ```
/// use rand::Rng;
/// use wom::{Channel, Delivery, Message, Network, Outgoing};
///
/// #[derive(Debug)]
/// struct Story;
///
/// impl Channel for Story {
///     fn name(&self) -> &str { "story" }
///     fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
///         &self, network: &Network, out: &Outgoing<'_, M>, _rng: &mut R, mut deliver: F,
///     ) {
///         if out.message.hops() > 0 {
///             return; // stories are not passed on
///         }
///         for arc in network.forward().neighbors(out.sender) {
///             let back = network.forward().neighbors(arc.node).iter().any(|b| b.node == out.sender);
///             if back {
///                 deliver(Delivery::new(arc.node, f64::from(arc.value)).after(1));
///             }
///         }
///     }
/// }
///
/// let net = Network::from_arcs(3, [(0, 1, 0.9), (1, 0, 0.9), (0, 2, 0.5)]).unwrap();
/// let got = Story.receivers(&net, 0, &mut wom::rng::stream_rng(1, 0));
/// assert_eq!(got, [Delivery::new(1, 0.9f32.into()).after(1)]);
/// ```
pub trait Channel {
    /// Whether [`deliver`](Channel::deliver) may hold a delivery to a
    /// later step ([`Delivery::after`]). Default: `true`. A channel that
    /// never does may say `false`, and a campaign then takes each of its
    /// deliveries as arriving at once without looking at its delay (one
    /// test less per delivery; debug builds check that the delay is 0).
    const MAY_DELAY: bool = true;

    /// The channel's name, used to attribute adoptions to it.
    fn name(&self) -> &str;

    /// Calls `deliver` once for each delivery of the message `out`: once
    /// per receiver, except that a receiver tied to the sender by parallel
    /// arcs may be reached once per arc (see the [module docs](self)). The
    /// sender never receives its own message. The channel may read the
    /// step and the message, and may hold a delivery to a later step
    /// ([`Delivery::after`]).
    ///
    /// # Panics
    /// If `out.sender` is neither a node index of `network` (`<
    /// node_count()`) nor [`OUTSIDE`] (for off-graph channels). Indices are
    /// internal; turn external ids into them with [`Network::index_of`],
    /// which validates.
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        deliver: F,
    );

    /// Where the channel sits in the typology. Default: individual.
    /// Campaigns read it: only an off-graph channel may be sent from
    /// outside the network.
    fn scope(&self) -> Scope {
        Scope::Individual
    }

    /// What one message through this channel costs the business (currency
    /// units). Default 0 (organic talk is free). Campaigns read it for
    /// their spend, and the standard voice marks messages through a paid
    /// channel as sponsored.
    fn cost_per_message(&self) -> f64 {
        0.0
    }

    /// The receivers of one message of `sender` at step 1 (the built-in
    /// positive message; a convenience for tests and inspection: kernels
    /// use [`deliver`](Channel::deliver)).
    fn receivers<R: Rng + ?Sized>(
        &self,
        network: &Network,
        sender: u32,
        rng: &mut R,
    ) -> Vec<Delivery> {
        let message = WomMessage::new(ProductId(0), Valence::positive(), sender);
        let mut out = Vec::new();
        self.deliver(network, &Outgoing::new(sender, &message), rng, |d| {
            out.push(d)
        });
        out
    }
}

/// How a private message picks its one recipient among the sender's
/// followers (out-neighbours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecipientChoice {
    /// Every tie out of the sender equally likely (every follower, when no
    /// two arcs join the same pair).
    #[default]
    Uniform,
    /// In proportion to the trust of the tie (stronger ties are messaged
    /// more); uniform over ties when every trust is 0.
    ByTrust,
}

/// Checks a persuasion or share parameter.
fn param(name: &str, value: f64) -> Result<f64> {
    check_probability(name, value, None)
}

/// A private (in-site) message: one sender to one chosen recipient among
/// the people who hear it (its out-neighbours).
///
/// Weight: trust of the tie × persuasion. Cost per call: O(1) for
/// [`RecipientChoice::Uniform`], O(out-degree) for `ByTrust`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PrivateMessageFields")]
pub struct PrivateMessage {
    persuasion: f64,
    choice: RecipientChoice,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivateMessageFields {
    persuasion: f64,
    #[serde(default)]
    choice: RecipientChoice,
}

impl TryFrom<PrivateMessageFields> for PrivateMessage {
    type Error = crate::Error;
    fn try_from(f: PrivateMessageFields) -> Result<Self> {
        PrivateMessage::new(f.persuasion, f.choice)
    }
}

impl PrivateMessage {
    /// How strongly the channel carries persuasion, in [0, 1]: every
    /// delivery's weight is multiplied by it.
    pub fn persuasion(&self) -> f64 {
        self.persuasion
    }

    /// A private-message channel.
    ///
    /// # Errors
    /// When `persuasion` is outside [0, 1].
    pub fn new(persuasion: f64, choice: RecipientChoice) -> Result<Self> {
        Ok(PrivateMessage {
            persuasion: param("persuasion", persuasion)?,
            choice,
        })
    }
}

impl Default for PrivateMessage {
    /// Full persuasion, uniform choice.
    fn default() -> Self {
        PrivateMessage {
            persuasion: 1.0,
            choice: RecipientChoice::Uniform,
        }
    }
}

impl Channel for PrivateMessage {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        "private_message"
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        let arcs = network.forward().neighbors(sender);
        // Self-loops are not recipients.
        let candidates = arcs.iter().filter(|a| a.node != sender).count() as u64;
        if candidates == 0 {
            return;
        }
        let pick = match self.choice {
            RecipientChoice::Uniform => below(rng, candidates),
            RecipientChoice::ByTrust => {
                let total: f64 = arcs
                    .iter()
                    .filter(|a| a.node != sender)
                    .map(|a| f64::from(a.value))
                    .sum();
                if total > 0.0 {
                    let mut x = uniform_f64(rng) * total;
                    let mut chosen = candidates - 1;
                    for (i, a) in arcs.iter().filter(|a| a.node != sender).enumerate() {
                        let w = f64::from(a.value);
                        if x < w {
                            chosen = i as u64;
                            break;
                        }
                        x -= w;
                    }
                    chosen
                } else {
                    below(rng, candidates)
                }
            }
        };
        if let Some(a) = arcs.iter().filter(|a| a.node != sender).nth(pick as usize) {
            deliver(Delivery::new(a.node, f64::from(a.value) * self.persuasion));
        }
    }
}

/// A comment: the sender replies under a post by someone it follows (an
/// in-neighbour, chosen uniformly). The post's author sees it, and so do up
/// to `thread_audience` of the author's other followers who follow the
/// thread (chosen uniformly without replacement, the sender excluded).
///
/// Weight: persuasion, times the trust of the sender→author tie when the
/// author hears the sender (that arc exists; the first such arc counts);
/// thread followers, who need not know the sender, persuasion alone. Cost
/// per call: O(in-degree + out-degree of the sender + out-degree of the
/// author); builds the network's reverse view on first use.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CommentFields")]
pub struct Comment {
    persuasion: f64,
    thread_audience: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommentFields {
    persuasion: f64,
    thread_audience: u32,
}

impl TryFrom<CommentFields> for Comment {
    type Error = crate::Error;
    fn try_from(f: CommentFields) -> Result<Self> {
        Comment::new(f.persuasion, f.thread_audience)
    }
}

impl Comment {
    /// How strongly the channel carries persuasion, in [0, 1]: every
    /// delivery's weight is multiplied by it.
    pub fn persuasion(&self) -> f64 {
        self.persuasion
    }

    /// A comment channel whose threads are followed by up to
    /// `thread_audience` people besides the author.
    ///
    /// # Errors
    /// When `persuasion` is outside [0, 1].
    pub fn new(persuasion: f64, thread_audience: u32) -> Result<Self> {
        Ok(Comment {
            persuasion: param("persuasion", persuasion)?,
            thread_audience,
        })
    }
}

impl Channel for Comment {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        "comment"
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        let followed = network.reverse().neighbors(sender);
        let authors = followed.iter().filter(|a| a.node != sender).count() as u64;
        if authors == 0 {
            return;
        }
        let k = below(rng, authors) as usize;
        let Some(post) = followed.iter().filter(|a| a.node != sender).nth(k) else {
            return;
        };
        let author = post.node;
        // The author hears the sender through the sender -> author arc, if
        // there is one; otherwise the sender is a stranger to the author.
        let trust = network
            .forward()
            .neighbors(sender)
            .iter()
            .find(|a| a.node == author)
            .map_or(1.0, |a| f64::from(a.value));
        deliver(Delivery::new(author, trust * self.persuasion));
        // Selection sampling (Knuth, TAOCP vol. 2, Algorithm S): each of the
        // author's eligible followers is kept with probability
        // (still needed) / (still available), which picks a uniform subset of
        // the wanted size in one pass without allocating.
        let eligible = |v: u32| v != sender && v != author;
        let thread = network.forward().neighbors(author);
        let mut available = thread.iter().filter(|a| eligible(a.node)).count() as u64;
        let mut needed = u64::from(self.thread_audience).min(available);
        for a in thread.iter().filter(|a| eligible(a.node)) {
            if needed == 0 {
                break;
            }
            if below(rng, available) < needed {
                deliver(Delivery::new(a.node, self.persuasion));
                needed -= 1;
            }
            available -= 1;
        }
    }
}

/// A post (broadcast): one sender to all its followers (out-neighbours);
/// each notices it independently with probability equal to the sender's
/// audience [`attention`](crate::Profile::attention) (an opinion leader's
/// audience is more attentive than a consumer's).
///
/// Weight: trust of the tie × persuasion. Cost per call: O(out-degree).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PostFields")]
pub struct Post {
    persuasion: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PostFields {
    persuasion: f64,
}

impl TryFrom<PostFields> for Post {
    type Error = crate::Error;
    fn try_from(f: PostFields) -> Result<Self> {
        Post::new(f.persuasion)
    }
}

impl Post {
    /// How strongly the channel carries persuasion, in [0, 1]: every
    /// delivery's weight is multiplied by it.
    pub fn persuasion(&self) -> f64 {
        self.persuasion
    }

    /// A post channel.
    ///
    /// # Errors
    /// When `persuasion` is outside [0, 1].
    pub fn new(persuasion: f64) -> Result<Self> {
        Ok(Post {
            persuasion: param("persuasion", persuasion)?,
        })
    }
}

impl Channel for Post {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        "post"
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        let attention = network.profile(sender).attention();
        for a in network.forward().neighbors(sender) {
            if a.node != sender && bernoulli(rng, attention) {
                deliver(Delivery::new(a.node, f64::from(a.value) * self.persuasion));
            }
        }
    }
}

/// A group, forum or community message: the sender posts in one of its
/// groups (chosen uniformly) and every other member receives it, whether or
/// not they know the sender.
///
/// Weight: persuasion (members are not tied to the sender). Cost per call:
/// O(size of the group). A sender in no group reaches nobody.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ForumFields")]
pub struct Forum {
    persuasion: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ForumFields {
    persuasion: f64,
}

impl TryFrom<ForumFields> for Forum {
    type Error = crate::Error;
    fn try_from(f: ForumFields) -> Result<Self> {
        Forum::new(f.persuasion)
    }
}

impl Forum {
    /// How strongly the channel carries persuasion, in [0, 1]: every
    /// delivery's weight is multiplied by it.
    pub fn persuasion(&self) -> f64 {
        self.persuasion
    }

    /// A forum channel.
    ///
    /// # Errors
    /// When `persuasion` is outside [0, 1].
    pub fn new(persuasion: f64) -> Result<Self> {
        Ok(Forum {
            persuasion: param("persuasion", persuasion)?,
        })
    }
}

impl Channel for Forum {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        "forum"
    }
    fn scope(&self) -> Scope {
        Scope::Group
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        let groups = network.groups_of(sender);
        if groups.is_empty() {
            return;
        }
        let g = groups[below(rng, groups.len() as u64) as usize].node;
        for m in network.group_members(g) {
            if m.node != sender {
                deliver(Delivery::new(m.node, self.persuasion));
            }
        }
    }
}

/// Advertising or mass media, outside the graph: each person other than the
/// sender is reached independently with probability `share` (the external
/// influence p of the Bass model when used every period).
///
/// Receivers are drawn by geometric skipping (Batagelj & Brandes 2005), so a
/// call costs O(1 + share × n), not O(n). Weight: persuasion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AdvertisingFields")]
pub struct Advertising {
    share: f64,
    persuasion: f64,
    cost_per_message: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvertisingFields {
    share: f64,
    persuasion: f64,
    #[serde(default)]
    cost_per_message: f64,
}

impl TryFrom<AdvertisingFields> for Advertising {
    type Error = crate::Error;
    fn try_from(f: AdvertisingFields) -> Result<Self> {
        Advertising::new(f.share, f.persuasion)?.with_cost_per_message(f.cost_per_message)
    }
}

impl Advertising {
    /// How strongly the channel carries persuasion, in [0, 1]: every
    /// delivery's weight is multiplied by it.
    pub fn persuasion(&self) -> f64 {
        self.persuasion
    }

    /// An advertising channel reaching `share` of the population per message.
    ///
    /// # Errors
    /// When `share` or `persuasion` is outside [0, 1].
    pub fn new(share: f64, persuasion: f64) -> Result<Self> {
        Ok(Advertising {
            share: param("share", share)?,
            persuasion: param("persuasion", persuasion)?,
            cost_per_message: 0.0,
        })
    }

    /// Sets what one message (one burst of advertising) costs.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when the
    /// cost is negative or not finite.
    pub fn with_cost_per_message(mut self, cost: f64) -> Result<Self> {
        if !cost.is_finite() || cost < 0.0 {
            return Err(crate::Error::param(
                "cost_per_message",
                cost,
                "must be a finite number >= 0",
            ));
        }
        self.cost_per_message = cost;
        Ok(self)
    }

    /// The share of the population reached per message.
    pub fn share(&self) -> f64 {
        self.share
    }
}

impl Channel for Advertising {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        "advertising"
    }
    fn scope(&self) -> Scope {
        Scope::OffGraph
    }
    fn cost_per_message(&self) -> f64 {
        self.cost_per_message
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        mut deliver: F,
    ) {
        let sender = out.sender;
        let n = network.node_count() as u64;
        if self.share <= 0.0 || n == 0 {
            return;
        }
        // The share was checked when the channel was built.
        let Ok(reach) = GeometricSkip::new(self.share) else {
            return;
        };
        let mut gap = reach.sample(rng);
        reach.walk(&mut gap, n, rng, |v, _| {
            if v as u32 != sender {
                deliver(Delivery::new(v as u32, self.persuasion));
            }
        });
    }
}

/// The built-in channels in one enum, for mixing them in one campaign with
/// static dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BuiltinChannel {
    /// See [`PrivateMessage`].
    PrivateMessage(PrivateMessage),
    /// See [`Comment`].
    Comment(Comment),
    /// See [`Post`].
    Post(Post),
    /// See [`Forum`].
    Forum(Forum),
    /// See [`Advertising`].
    Advertising(Advertising),
}

macro_rules! dispatch {
    ($self:ident, $c:ident => $e:expr) => {
        match $self {
            BuiltinChannel::PrivateMessage($c) => $e,
            BuiltinChannel::Comment($c) => $e,
            BuiltinChannel::Post($c) => $e,
            BuiltinChannel::Forum($c) => $e,
            BuiltinChannel::Advertising($c) => $e,
        }
    };
}

impl BuiltinChannel {
    /// The channel's persuasion, in [0, 1].
    pub fn persuasion(&self) -> f64 {
        dispatch!(self, c => c.persuasion())
    }
}

impl Channel for BuiltinChannel {
    const MAY_DELAY: bool = false;

    fn name(&self) -> &str {
        dispatch!(self, c => c.name())
    }
    fn scope(&self) -> Scope {
        dispatch!(self, c => c.scope())
    }
    fn cost_per_message(&self) -> f64 {
        dispatch!(self, c => c.cost_per_message())
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        deliver: F,
    ) {
        dispatch!(self, c => c.deliver(network, out, rng, deliver))
    }
}

impl From<PrivateMessage> for BuiltinChannel {
    fn from(c: PrivateMessage) -> Self {
        BuiltinChannel::PrivateMessage(c)
    }
}
impl From<Comment> for BuiltinChannel {
    fn from(c: Comment) -> Self {
        BuiltinChannel::Comment(c)
    }
}
impl From<Post> for BuiltinChannel {
    fn from(c: Post) -> Self {
        BuiltinChannel::Post(c)
    }
}
impl From<Forum> for BuiltinChannel {
    fn from(c: Forum) -> Self {
        BuiltinChannel::Forum(c)
    }
}
impl From<Advertising> for BuiltinChannel {
    fn from(c: Advertising) -> Self {
        BuiltinChannel::Advertising(c)
    }
}

/// The built-in channels and one channel type of your own, in one enum:
/// a campaign's channel list holds one type, and this lets a study mix
/// its own medium (a story, a newsletter ...) with the built-ins without
/// writing the dispatch.
///
/// # Example
/// ```
/// use wom::channel::{Mixed, Post};
/// use wom::propagation::composite::{CampaignChannel, Sender};
/// # #[derive(Debug)] struct Story;
/// # impl wom::Channel for Story {
/// #     fn name(&self) -> &str { "story" }
/// #     fn deliver<M: wom::Message, R: rand::Rng + ?Sized, F: FnMut(wom::Delivery)>(
/// #         &self, _: &wom::Network, _: &wom::Outgoing<'_, M>, _: &mut R, _: F) {}
/// # }
/// let channels = vec![
///     CampaignChannel::custom(Mixed::from(Post::new(0.2)?), Sender::OpinionLeaders),
///     CampaignChannel::custom(Mixed::Own(Story), Sender::Adopters),
/// ];
/// # let _ = channels;
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Mixed<C> {
    /// A built-in channel.
    Builtin(BuiltinChannel),
    /// A channel of your own.
    Own(C),
}

impl<C: Channel> Channel for Mixed<C> {
    const MAY_DELAY: bool = C::MAY_DELAY;

    fn name(&self) -> &str {
        match self {
            Mixed::Builtin(c) => c.name(),
            Mixed::Own(c) => c.name(),
        }
    }
    fn scope(&self) -> Scope {
        match self {
            Mixed::Builtin(c) => c.scope(),
            Mixed::Own(c) => c.scope(),
        }
    }
    fn cost_per_message(&self) -> f64 {
        match self {
            Mixed::Builtin(c) => c.cost_per_message(),
            Mixed::Own(c) => c.cost_per_message(),
        }
    }
    fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        deliver: F,
    ) {
        match self {
            Mixed::Builtin(c) => c.deliver(network, out, rng, deliver),
            Mixed::Own(c) => c.deliver(network, out, rng, deliver),
        }
    }
}

impl<C, B: Into<BuiltinChannel>> From<B> for Mixed<C> {
    fn from(c: B) -> Self {
        Mixed::Builtin(c.into())
    }
}
