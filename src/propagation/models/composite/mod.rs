//! Composition: several channels and rules acting in one run, with every
//! adoption attributed to the channel and the sender's role that caused it.
//!
//! A [`Campaign`] is a list of channels, each with a [`Sender`] rule saying
//! who uses it: advertising by the business (or from outside the graph),
//! posts by opinion leaders, private messages between adopters ... All run
//! together, step by step.

mod behaviour;

pub use behaviour::{
    Adoption, Dispatch, History, OnAdopt, Opinion, ProductExperience, Reception, Response,
    Satisfaction, Speaker, StandardResponse, StandardVoice, Voice,
};

use std::collections::HashSet;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::actor::roles;
use crate::channel::{BuiltinChannel, Channel, Delivery, Outgoing, Scope};
use crate::error::{Error, Result, check_probability};
use crate::message::{ChannelId, Hop, Message, Polarity};
use crate::network::NetworkId;
use crate::network::{Network, RoleId};
use crate::propagation::kernel::EpochMarks;
use crate::propagation::{Event, FromOptions, Joint, Model, Observer, StepOutcome};
use crate::rng::{below, bernoulli};

/// The sender index handed to channels for messages from outside the
/// network ([`Sender::Outside`], or [`Sender::Business`] when the network
/// has no business node); the same as [`crate::channel::OUTSIDE`].
pub use crate::channel::OUTSIDE;

/// Who uses a channel of a campaign.
///
/// Fixed senders (every rule but the two adopter rules) talk every step of
/// the campaign, each with probability its profile's
/// [`activity`](crate::Profile::activity), whether or not they adopted;
/// adopter senders talk only during their talk window (see
/// [`CampaignOptions::talk_periods`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sender {
    /// Outside the graph (mass media): one message per step, with no
    /// sender node and credibility 1. Only for off-graph channels
    /// ([`Scope::OffGraph`]).
    Outside,
    /// Every node whose role is [`roles::BUSINESS`]. If the network has
    /// none, an off-graph channel is sent from [outside](Sender::Outside)
    /// instead and any other channel is not sent at all.
    Business,
    /// Every node whose role is [`roles::OPINION_LEADER`] (paid or organic
    /// campaign talk, whether or not the leader adopted).
    OpinionLeaders,
    /// Every node of the named role (none if no node has it).
    Role(String),
    /// Every adopter, seeds included, during its talk window.
    Adopters,
    /// Every adopter of the named role during its talk window.
    AdoptersOfRole(String),
}

/// One channel of a campaign and who uses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignChannel<C = BuiltinChannel> {
    /// The medium.
    pub channel: C,
    /// Who sends through it.
    pub senders: Sender,
    /// The channel's name in results (`"leader_posts"`); default: the
    /// medium's [`Channel::name`], with `_2`, `_3` ... on repeats. Labels
    /// must be non-empty and unique.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The most spent on this channel in one run (currency units, at the
    /// medium's [`Channel::cost_per_message`]): once its messages have
    /// cost that much, the channel falls silent for the rest of the run.
    /// `None`: no limit. Meaningful for paid channels only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
}

impl CampaignChannel {
    /// A built-in `channel` used by `senders`.
    pub fn new(channel: impl Into<BuiltinChannel>, senders: Sender) -> Self {
        CampaignChannel {
            channel: channel.into(),
            senders,
            label: None,
            budget: None,
        }
    }
}

impl<C> CampaignChannel<C> {
    /// A channel of any type (a downstream crate's own) used by `senders`.
    pub fn custom(channel: C, senders: Sender) -> Self {
        CampaignChannel {
            channel,
            senders,
            label: None,
            budget: None,
        }
    }

    /// The same channel, named `label` in results.
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// The same channel, spending at most `budget` per run.
    #[must_use]
    pub fn with_budget(mut self, budget: f64) -> Self {
        self.budget = Some(budget);
        self
    }
}

/// Positive and negative WOM from product experience, as a campaign
/// option (after Goldenberg, Libai, Moldovan & Muller 2007, "The NPV of
/// bad news"; the same rules as [`ValenceCascade`](crate::propagation::ValenceCascade)
/// with [`NegativeEffect::Reduce`](crate::propagation::valence::NegativeEffect::Reduce)).
///
/// Every adopter, seeds included, is satisfied with probability `quality`
/// when it adopts. Satisfied adopters talk positively; dissatisfied ones
/// talk negatively, with probability `min(1, complaint_factor ×
/// activity)`; each negative message a node hears before adopting
/// multiplies its later persuasion by `1 − negative_weight`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExperienceOptions {
    /// The probability that an adopter is satisfied, in [0, 1].
    pub quality: f64,
    /// How much more often the dissatisfied talk, >= 0 (default 2:
    /// unhappy customers tell more people; Anderson, "Customer satisfaction
    /// and word of mouth", Journal of Service Research 1(1), 1998).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint_factor: Option<f64>,
    /// λ in [0, 1] (default 1: one negative message heard blocks
    /// adoption, as in the reference model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_weight: Option<f64>,
}

impl ExperienceOptions {
    /// Product experience of this quality, with the default complaint
    /// factor (2) and negative weight (1).
    pub fn new(quality: f64) -> Self {
        ExperienceOptions {
            quality,
            complaint_factor: None,
            negative_weight: None,
        }
    }

    /// The complaint factor in force.
    pub fn complaint_factor(&self) -> f64 {
        self.complaint_factor.unwrap_or(2.0)
    }

    /// The negative weight λ in force.
    pub fn negative_weight(&self) -> f64 {
        self.negative_weight.unwrap_or(1.0)
    }

    fn check(&self) -> Result<()> {
        check_probability("experience.quality", self.quality, None)?;
        let f = self.complaint_factor();
        if !(f.is_finite() && f >= 0.0) {
            return Err(Error::param(
                "experience.complaint_factor",
                f,
                "must be a finite number >= 0",
            ));
        }
        check_probability("experience.negative_weight", self.negative_weight(), None)?;
        Ok(())
    }
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// The parameters of a [`Campaign`], as a document.
///
/// The first three fields are required; the rest default to the plain
/// campaign (messages that do not decay, no discount of sponsored talk, no
/// product experience). Build it in code with [`CampaignOptions::new`] and
/// the `with_` methods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignOptions<C = BuiltinChannel> {
    /// The channels, in processing order; a channel's index is its
    /// [`ChannelId`].
    pub channels: Vec<CampaignChannel<C>>,
    /// How many steps the campaign runs (>= 1); the run ends after step
    /// `horizon`, or earlier when nothing more can happen.
    pub horizon: u32,
    /// How many steps an adopter talks after adopting: `Some(k)` for the k
    /// steps after its adoption step (`Some(0)`: adopters never talk),
    /// `None` until the end of the campaign.
    #[serde(default)]
    pub talk_periods: Option<u32>,
    /// The share of a message's strength lost per hop, in [0, 1] (read by
    /// the standard voice).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub decay_per_hop: f64,
    /// δ: the share of persuasion a sponsored message loses, in [0, 1]
    /// (read by the standard response).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sponsored_discount: f64,
    /// Positive and negative WOM from product experience; `None`: adopters
    /// pass on what persuaded them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experience: Option<ExperienceOptions>,
}

impl<C> CampaignOptions<C> {
    /// A plain campaign of these channels over `horizon` steps, adopters
    /// talking until its end.
    pub fn new(channels: Vec<CampaignChannel<C>>, horizon: u32) -> Self {
        CampaignOptions {
            channels,
            horizon,
            talk_periods: None,
            decay_per_hop: 0.0,
            sponsored_discount: 0.0,
            experience: None,
        }
    }

    /// Adopters talk for `k` steps after adopting.
    #[must_use]
    pub fn with_talk_periods(mut self, k: u32) -> Self {
        self.talk_periods = Some(k);
        self
    }

    /// Messages lose this share of strength per hop.
    #[must_use]
    pub fn with_decay_per_hop(mut self, decay: f64) -> Self {
        self.decay_per_hop = decay;
        self
    }

    /// Sponsored messages lose this share of persuasion.
    #[must_use]
    pub fn with_sponsored_discount(mut self, discount: f64) -> Self {
        self.sponsored_discount = discount;
        self
    }

    /// Positive and negative WOM from product experience.
    #[must_use]
    pub fn with_experience(mut self, experience: ExperienceOptions) -> Self {
        self.experience = Some(experience);
        self
    }

    /// The checks that need no network: between 1 and 65,536 channels, a
    /// horizon of at least one step, shares and factors in range.
    fn check(&self) -> Result<()> {
        let k = self.channels.len();
        if k == 0 || k > usize::from(u16::MAX) + 1 {
            return Err(Error::param(
                "channels",
                k,
                "a campaign needs between 1 and 65536 channels",
            ));
        }
        if self.horizon == 0 {
            return Err(Error::param(
                "horizon",
                0,
                "a campaign lasts at least one step",
            ));
        }
        for (i, c) in self.channels.iter().enumerate() {
            if let Some(b) = c.budget {
                crate::seeding::check_amount(&format!("channels[{i}].budget"), b)?;
            }
        }
        check_probability("decay_per_hop", self.decay_per_hop, None)?;
        check_probability("sponsored_discount", self.sponsored_discount, None)?;
        if let Some(e) = &self.experience {
            e.check()?;
        }
        Ok(())
    }

    /// The standard voice these options describe.
    fn voice(&self) -> StandardVoice {
        let mut voice = StandardVoice::default();
        voice.decay_per_hop = self.decay_per_hop;
        voice.complaint_factor = self.experience.map_or(1.0, |e| e.complaint_factor());
        voice.valenced = self.experience.is_some();
        voice
    }

    /// The standard response these options describe.
    fn response(&self) -> StandardResponse {
        StandardResponse {
            sponsored_discount: self.sponsored_discount,
            negative_weight: self.experience.map_or(0.0, |e| e.negative_weight()),
        }
    }

    /// The standard on-adopt hook these options describe.
    fn on_adopt(&self) -> ProductExperience {
        ProductExperience {
            quality: self.experience.map(|e| e.quality),
        }
    }
}

/// Who sends through one channel, resolved against the network.
#[derive(Debug, Clone)]
enum Plan {
    /// One message per step with no sender node.
    Outside,
    /// These nodes, every step (each with its activity).
    Nodes(Vec<u32>),
    /// The talking adopters, of one role or of any (`None`).
    Adopters(Option<RoleId>),
    /// Nobody (a role that no node has).
    Nobody,
}

/// A campaign: several channels, each used by its senders, acting together
/// in one run; messages flow from senders through channels to receivers,
/// who respond.
///
/// # The model
/// At each step t = 1, 2, ..., `horizon`, deliveries held back to step t
/// arrive first (in the order they were sent), then every channel in list
/// order is used by its [`Sender`]s (fixed senders each with probability
/// their activity; adopters during their talk window, each with probability
/// their activity, per channel). A sender u **composes** a message m
/// ([`Voice`]: the campaign's positive message, or the adopter's own
/// opinion, or what persuaded it) and the kernel **relays** it once for the
/// hop ([`Message::relay`]: hops + 1, strength × (1 − decay)). The channel
/// turns the message into **deliveries** ([`Channel::deliver`] with an
/// [`Outgoing`] holding the step and the message), each delivery d with
/// weight w_d (tie trust × channel persuasion) and a delay (0: this step).
/// A delivery *exposes* its receiver v (the first one is reported), and
/// *persuades* it, if it has not adopted, with the probability its
/// **response** gives ([`Response`]); the standard response is
///
/// ```text
/// p_d = w_d × credibility(u) × susceptibility(v) × s(m) × (1 − δ)^[m sponsored] × (1 − λ)^neg(v)
/// ```
///
/// for a positive message (credibility 1 from outside; s(m) the message's
/// strength; δ the `sponsored_discount`; neg(v) the negative messages v
/// heard before, λ the experience's negative weight), and 0 for a negative
/// or neutral one. Each delivery is decided independently of everything
/// else, so a not-yet-adopted node that receives deliveries d_1 .. d_k in
/// step t adopts at the end of the step with probability `1 - Π (1 - p_d)`.
/// With the defaults (no decay, δ = λ = 0, no product experience) every
/// message is positive with strength 1 and p_d = w_d × credibility(u) ×
/// susceptibility(v).
///
/// A fresh message is **sponsored** when it comes from outside, through a
/// paid channel, from a business, or from an actor whose talk is paid for
/// ([`Actor::sponsorship`](crate::Actor::sponsorship)).
///
/// **Product experience** ([`ExperienceOptions`]): every adopter, seeds
/// included, is satisfied with probability q when it adopts ([`OnAdopt`]);
/// as an adopter it then says its own opinion, positive when satisfied,
/// negative when not, and a dissatisfied adopter talks with probability
/// `min(1, complaint_factor × activity)`. Without it, adopters pass on the
/// message that persuaded them.
///
/// **Updates are synchronous**: deliveries of step t see the adopters of
/// steps < t only; a node persuaded in step t adopts at the end of it and
/// talks from step t + 1. **Attribution rule**: a node persuaded by several
/// deliveries in the same step is attributed to one of them chosen
/// uniformly at random (reservoir sampling), so no channel gains from being
/// processed first. The adoption event carries that delivery's channel
/// and sender; [`CampaignState`] counts adoptions per channel, per sender
/// role ([`Network::role`] of the sender) and from outside.
///
/// **Talk window**: seeds adopt at step 0; an adopter of step t talks at
/// steps t + 1 ..= t + k under `talk_periods = Some(k)`, until the horizon
/// under `None`, and is reported [deactivated](Observer::deactivated) at
/// the end of its last talking step when that step is reached (not under
/// `None`, nor when the horizon or everyone having adopted ends the run
/// first). With activity 1 and `Some(1)` the
/// adopter rules behave like the independent cascade's single chance.
///
/// **End**: after step `horizon` (deliveries still held are dropped);
/// earlier when every node adopted, or when there is no fixed sender, no
/// adopter is still in its talk window and no delivery is held.
///
/// Channel names are the channels' labels, else [`Channel::name`] with
/// `_2`, `_3` ... appended to repeats (`["post", "post"]` becomes
/// `["post", "post_2"]`). Seeds adopt
/// with no sender through channel 0 and are counted apart, not per channel.
///
/// # Your own rules
/// The three decision points are type parameters with the standard rules as
/// defaults: [`with_voice`](Campaign::with_voice) (what senders say),
/// [`with_response`](Campaign::with_response) (how receivers respond) and
/// [`with_on_adopt`](Campaign::with_on_adopt) (what adoption does, with a
/// per-node memory of your type). Channels are the first type parameter.
///
/// # Complexity
/// Per step O(Σ delivery costs + fixed senders + talking adopters), with
/// one draw per sender-channel activity (none when the activity is 0 or 1),
/// the channel's own draws, one per delivery to a node that has not
/// adopted (none when p_d is 0 or 1) and one per extra persuasion of an
/// already persuaded node. No allocation per run once the scratch buffers
/// have grown to their largest size (deliveries of one message, nodes
/// persuaded in one step, talkers).
///
/// # Example
/// ```
/// use wom::channel::{Advertising, PrivateMessage, RecipientChoice};
/// use wom::propagation::{Simulation, Model};
/// use wom::propagation::composite::{Campaign, CampaignChannel, CampaignOptions, Sender};
/// use wom::Network;
///
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let options = CampaignOptions::new(
///     vec![
///         // No business node: advertising comes from outside the graph.
///         CampaignChannel::new(Advertising::new(0.1, 1.0)?, Sender::Business),
///         CampaignChannel::new(PrivateMessage::new(1.0, RecipientChoice::Uniform)?, Sender::Adopters),
///     ],
///     10,
/// )
/// .with_talk_periods(2);
/// let campaign = Campaign::new(&net, options)?;
/// assert_eq!(campaign.channel_names(), ["advertising", "private_message"]);
/// let mut sim = Simulation::new(&net, &campaign);
/// let outcome = sim.run(&[0], 3, 0, &mut ())?;
/// let state = sim.state();
/// let attributed: usize = state.adoptions_by_channel().iter().sum();
/// assert_eq!(attributed + state.seeds(), outcome.adopted);
/// # Ok::<(), wom::Error>(())
/// ```
///
/// # References
/// F. M. Bass, "A new product growth for model consumer durables",
/// Management Science 15(5), 1969 (external influence of advertising);
/// E. Katz, P. F. Lazarsfeld, *Personal Influence*, 1955 (the two-step flow
/// through opinion leaders); J. Goldenberg, B. Libai, E. Muller, "Talk of
/// the network", Marketing Letters 12(3), 2001.
#[derive(Debug, Clone)]
pub struct Campaign<
    C = BuiltinChannel,
    V = StandardVoice,
    R = StandardResponse,
    A = ProductExperience,
> {
    options: CampaignOptions<C>,
    network: NetworkId,
    names: Vec<String>,
    plans: Vec<Plan>,
    /// Whether some channel has fixed senders (or is sent from outside).
    always_on: bool,
    /// Whether each channel costs money per message.
    paid: Vec<bool>,
    /// The most messages each channel may send in a run (its budget over
    /// its cost per message), `u64::MAX` for no limit.
    caps: Vec<u64>,
    /// Whether some channel has a budget.
    capped: bool,
    voice: V,
    response: R,
    on_adopt: A,
}

/// The channels' names: each label, else the medium's name with `_2`, `_3`
/// ... appended to repeats, never colliding with a label or a name already
/// taken.
fn channel_names<C: Channel>(channels: &[CampaignChannel<C>]) -> Result<Vec<String>> {
    let mut taken = HashSet::new();
    for (i, c) in channels.iter().enumerate() {
        if let Some(label) = &c.label
            && (label.is_empty() || !taken.insert(label.clone()))
        {
            return Err(Error::param(
                &format!("channels[{i}].label"),
                format!("{label:?}"),
                "channel labels must be non-empty and unique",
            ));
        }
    }
    Ok(channels
        .iter()
        .map(|c| match &c.label {
            Some(label) => label.clone(),
            None => {
                let name = c.channel.name();
                let mut candidate = name.to_string();
                let mut k = 2;
                while taken.contains(&candidate) {
                    candidate = format!("{name}_{k}");
                    k += 1;
                }
                taken.insert(candidate.clone());
                candidate
            }
        })
        .collect())
}

/// The id of a role that the network has; a name no node has is a typo,
/// not an empty audience, and is refused.
fn known_role(network: &Network, name: &str) -> Result<RoleId> {
    network.role_id(name).ok_or_else(|| {
        Error::param(
            "senders",
            name,
            format!(
                "no node has this role; the network's roles are {:?}",
                network.role_names()
            ),
        )
    })
}

/// The nodes of a role, in index order.
fn nodes_of(network: &Network, role: Option<RoleId>) -> Vec<u32> {
    match role {
        Some(r) => (0..network.node_count() as u32)
            .filter(|&u| network.role(u) == r)
            .collect(),
        None => Vec::new(),
    }
}

impl<C: Channel> Campaign<C> {
    /// A campaign on `network`: resolves each channel's senders (O(n) per
    /// channel with fixed senders) and the channel names.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when there is no channel or more than
    /// 65,536, when `horizon` is 0, or when [`Sender::Outside`] is given
    /// for a channel that is not off-graph.
    pub fn new(network: &Network, options: CampaignOptions<C>) -> Result<Self> {
        options.check()?;
        let k = options.channels.len();
        let mut plans = Vec::with_capacity(k);
        for (i, cc) in options.channels.iter().enumerate() {
            let off_graph = cc.channel.scope() == Scope::OffGraph;
            let plan = match &cc.senders {
                Sender::Outside => {
                    if !off_graph {
                        return Err(Error::param(
                            "senders",
                            format!("outside (channel {i}, {})", cc.channel.name()),
                            "only an off-graph channel can be sent from outside the network",
                        ));
                    }
                    Plan::Outside
                }
                Sender::Business => {
                    let nodes = nodes_of(network, network.role_id(roles::BUSINESS));
                    if nodes.is_empty() && off_graph {
                        Plan::Outside
                    } else {
                        Plan::Nodes(nodes)
                    }
                }
                Sender::OpinionLeaders => {
                    Plan::Nodes(nodes_of(network, network.role_id(roles::OPINION_LEADER)))
                }
                Sender::Role(name) => {
                    Plan::Nodes(nodes_of(network, Some(known_role(network, name)?)))
                }
                Sender::Adopters => Plan::Adopters(None),
                Sender::AdoptersOfRole(name) => Plan::Adopters(Some(known_role(network, name)?)),
            };
            let plan = match plan {
                Plan::Nodes(v) if v.is_empty() => Plan::Nobody,
                p => p,
            };
            plans.push(plan);
        }
        let always_on = plans
            .iter()
            .any(|p| matches!(p, Plan::Outside | Plan::Nodes(_)));
        let names = channel_names(&options.channels)?;
        let caps: Vec<u64> = options
            .channels
            .iter()
            .map(|c| {
                let cost = c.channel.cost_per_message();
                match c.budget {
                    // The same tolerance as a seeding budget's.
                    Some(b) if cost > 0.0 => (b * (1.0 + 1e-12) / cost).floor() as u64,
                    _ => u64::MAX,
                }
            })
            .collect();
        let capped = caps.iter().any(|&c| c != u64::MAX);
        Ok(Campaign {
            capped,
            network: network.id(),
            paid: options
                .channels
                .iter()
                .map(|c| c.channel.cost_per_message() > 0.0)
                .collect(),
            caps,
            voice: options.voice(),
            response: options.response(),
            on_adopt: options.on_adopt(),
            options,
            names,
            plans,
            always_on,
        })
    }
}

/// What [`Campaign::with_voice`] and the others refuse: options that only
/// the standard rule reads, set to something else than their default.
fn refuse_unread(what: &str, fields: &[(&str, bool)]) -> Result<()> {
    match fields.iter().find(|(_, set)| *set) {
        Some((name, _)) => Err(Error::param(
            name,
            "set",
            format!(
                "only the standard {what} reads this option, and a custom {what} replaces it: \
                 leave it at its default or build the custom {what} from it"
            ),
        )),
        None => Ok(()),
    }
}

impl<C: Channel, V, R, A> Campaign<C, V, R, A> {
    /// The same campaign with its three rules mapped by `f`.
    fn map_rules<V2, R2, A2>(
        self,
        f: impl FnOnce(V, R, A) -> (V2, R2, A2),
    ) -> Campaign<C, V2, R2, A2> {
        let (voice, response, on_adopt) = f(self.voice, self.response, self.on_adopt);
        Campaign {
            options: self.options,
            network: self.network,
            names: self.names,
            plans: self.plans,
            always_on: self.always_on,
            paid: self.paid,
            caps: self.caps,
            capped: self.capped,
            voice,
            response,
            on_adopt,
        }
    }

    /// The same campaign with senders composing their messages by `voice`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the options set what only the
    /// standard voice reads (`decay_per_hop`, the experience's
    /// `complaint_factor`), which `voice` would silently ignore.
    pub fn with_voice<V2>(self, voice: V2) -> Result<Campaign<C, V2, R, A>> {
        let o = &self.options;
        refuse_unread(
            "voice",
            &[
                ("decay_per_hop", o.decay_per_hop != 0.0),
                (
                    "experience.complaint_factor",
                    o.experience.is_some_and(|e| e.complaint_factor.is_some()),
                ),
            ],
        )?;
        Ok(self.map_rules(|_, r, a| (voice, r, a)))
    }

    /// The same campaign with receivers responding by `response`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the options set what only the
    /// standard response reads (`sponsored_discount`, the experience's
    /// `negative_weight`).
    pub fn with_response<R2>(self, response: R2) -> Result<Campaign<C, V, R2, A>> {
        let o = &self.options;
        refuse_unread(
            "response",
            &[
                ("sponsored_discount", o.sponsored_discount != 0.0),
                (
                    "experience.negative_weight",
                    o.experience.is_some_and(|e| e.negative_weight.is_some()),
                ),
            ],
        )?;
        Ok(self.map_rules(|v, _, a| (v, response, a)))
    }

    /// The same campaign with adoption handled by `on_adopt`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the options set `experience`
    /// (whose quality only the standard hook reads).
    pub fn with_on_adopt<A2>(self, on_adopt: A2) -> Result<Campaign<C, V, R, A2>> {
        refuse_unread(
            "on-adopt hook",
            &[("experience", self.options.experience.is_some())],
        )?;
        Ok(self.map_rules(|v, r, _| (v, r, on_adopt)))
    }

    /// The voice: what senders say.
    pub fn voice(&self) -> &V {
        &self.voice
    }

    /// The response: how receivers respond.
    pub fn response(&self) -> &R {
        &self.response
    }

    /// The on-adopt hook.
    pub fn on_adopt(&self) -> &A {
        &self.on_adopt
    }

    /// The options this campaign was built with.
    pub fn options(&self) -> &CampaignOptions<C> {
        &self.options
    }

    /// The fixed senders of channel `c` (empty for adopter rules, outside
    /// senders and unknown channels): who will use it every step.
    pub fn fixed_senders(&self, c: ChannelId) -> &[u32] {
        match self.plans.get(usize::from(c.0)) {
            Some(Plan::Nodes(v)) => v,
            _ => &[],
        }
    }

    /// Whether channel `c` is sent from outside the network (no sender).
    pub fn is_from_outside(&self, c: ChannelId) -> bool {
        matches!(self.plans.get(usize::from(c.0)), Some(Plan::Outside))
    }
}

/// A node's chance of persuasion in the current step.
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    /// Persuading deliveries so far in the step.
    count: u32,
    /// The attributed delivery's sender ([`OUTSIDE`] for none) and channel.
    sender: u32,
    channel: u16,
    /// Where its message is kept in [`CampaignState::persuading`].
    slot: u32,
}

/// An adopter in its talk window (the message that persuaded it is at the
/// same index of [`CampaignState::heard`], kept apart so that the list the
/// step loops over stays 8 bytes per talker).
#[derive(Debug, Clone, Copy)]
struct Talker {
    node: u32,
    /// The last step it talks.
    until: u32,
}

/// One send as its receivers' loop sees it.
#[derive(Debug, Clone, Copy)]
struct Sent {
    /// The channel's index.
    channel: usize,
    /// The sender ([`OUTSIDE`] for none) and its credibility.
    sender: u32,
    credibility: f64,
    step: u32,
    /// Whether the response keeps the history.
    track: bool,
    /// The response's [`Response::shortcut`] for this send, if it gave one.
    shortcut: Option<f64>,
}

/// A delivery held back to a later step.
#[derive(Debug, Clone)]
struct Held<M> {
    due: u32,
    sender: u32,
    channel: u16,
    delivery: Delivery,
    message: M,
}

/// Working memory of a campaign run; after (or during) a run it gives the
/// attribution of adoptions to channels and roles, the messages and
/// deliveries per channel and valence, and each adopter's memory.
///
/// `M` is the message type of the campaign's voice, `X` the memory of its
/// on-adopt hook.
#[derive(Debug, Clone)]
pub struct CampaignState<M = crate::message::WomMessage, X = Satisfaction> {
    adopted_marks: EpochMarks,
    exposed_marks: EpochMarks,
    /// Nodes persuaded in the current step, with their attribution.
    pending: EpochMarks<Pending>,
    /// The messages of the attributed deliveries of the step.
    persuading: Vec<M>,
    touched: Vec<u32>,
    /// Adopters in the order they started talking; those before `first`
    /// have stopped.
    talkers: Vec<Talker>,
    /// The message that persuaded each talker (none for seeds and nodes
    /// handed over by another model).
    heard: Vec<Option<M>>,
    /// The first talker still in its window.
    first: usize,
    /// Whether talk windows end in the order talkers were added (always,
    /// unless another model hands over an adopter of an earlier step): then
    /// the talkers who stop are a prefix, and none is moved.
    in_order: bool,
    /// The deliveries of one send that arrive at once: recipient and
    /// weight.
    inbox: Vec<(u32, f64)>,
    /// The deliveries of one send held to a later step.
    later: Vec<Delivery>,
    held: Vec<Held<M>>,
    history: EpochMarks<History>,
    memory: Vec<X>,
    adopted: usize,
    exposed: usize,
    seeds: usize,
    by_channel: Vec<usize>,
    by_role: Vec<usize>,
    from_outside: usize,
    /// Messages sent (one per `send`) and deliveries made, per channel.
    messages: Vec<u64>,
    deliveries: Vec<u64>,
    /// Deliveries of positive and of negative messages.
    positive: u64,
    negative: u64,
    /// The last step run, and the nodes another model of a composition
    /// adopted before this model's step of the same number (they talk from
    /// the next step, as this model's own adopters of that step).
    last_step: u32,
    joined: Vec<u32>,
}

/// A name and a number of adoptions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NamedCount {
    /// A channel's or a role's name.
    pub name: String,
    /// Adoptions attributed to it.
    pub adoptions: usize,
}

/// The attribution of one campaign run, as a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Attribution {
    /// Adopters, seeds included.
    pub adopted: usize,
    /// Exposed nodes, seeds included.
    pub exposed: usize,
    /// Seeds (adopted at step 0, attributed to no channel).
    pub seeds: usize,
    /// Adoptions per channel, in the campaign's channel order.
    pub by_channel: Vec<NamedCount>,
    /// Adoptions per sender role, in the network's role order.
    pub by_role: Vec<NamedCount>,
    /// Adoptions caused from outside the network (no sender node).
    pub from_outside: usize,
}

impl<M, X> CampaignState<M, X> {
    /// Adopters so far, seeds included.
    pub fn adopted(&self) -> usize {
        self.adopted
    }

    /// Exposed nodes so far, seeds included.
    pub fn exposed(&self) -> usize {
        self.exposed
    }

    /// Seeds of the run.
    pub fn seeds(&self) -> usize {
        self.seeds
    }

    /// Adoptions per channel, indexed by [`ChannelId`]; seeds excluded, so
    /// they sum to `adopted() - seeds()`.
    pub fn adoptions_by_channel(&self) -> &[usize] {
        &self.by_channel
    }

    /// Adoptions per sender role, indexed by [`RoleId`] (see
    /// [`Network::role_names`]); adoptions from outside and seeds excluded.
    pub fn adoptions_by_role(&self) -> &[usize] {
        &self.by_role
    }

    /// Adoptions caused from outside the network (no sender node).
    pub fn adoptions_from_outside(&self) -> usize {
        self.from_outside
    }

    /// Messages sent through each channel, indexed by [`ChannelId`]: one
    /// per sender per step (a post, an advertising burst, a private message
    /// round), however many it reaches.
    pub fn messages_by_channel(&self) -> &[u64] {
        &self.messages
    }

    /// Deliveries (impressions) through each channel, indexed by
    /// [`ChannelId`]: one per receiver of each message, counted when it
    /// arrives.
    pub fn deliveries_by_channel(&self) -> &[u64] {
        &self.deliveries
    }

    /// Deliveries of positive and of negative messages so far.
    pub fn deliveries_by_valence(&self) -> (u64, u64) {
        (self.positive, self.negative)
    }

    /// Net sentiment of the deliveries so far: (positive − negative) /
    /// (positive + negative); `None` before any valenced delivery.
    pub fn net_sentiment(&self) -> Option<f64> {
        let total = self.positive + self.negative;
        (total > 0).then(|| (self.positive as f64 - self.negative as f64) / total as f64)
    }

    /// Whether `v` has adopted in the current run.
    pub fn is_adopted(&self, v: u32) -> bool {
        self.adopted_marks.is_marked(v as usize)
    }

    /// Whether `v` has been exposed in the current run.
    pub fn is_exposed(&self, v: u32) -> bool {
        self.exposed_marks.is_marked(v as usize)
    }

    /// The memory of adopter `v` ([`Voice::Memory`]); `None` if `v` has
    /// not adopted in the current run.
    pub fn memory(&self, v: u32) -> Option<&X> {
        if self.is_adopted(v) {
            self.memory.get(v as usize)
        } else {
            None
        }
    }

    /// What `v` has heard so far in the current run (counts stay 0 unless
    /// the response keeps the history).
    pub fn history(&self, v: u32) -> History {
        self.history.get(v as usize).copied().unwrap_or_default()
    }

    /// The run's attribution with names, for results documents (allocates).
    pub fn attribution<C: Channel, V, R, A>(
        &self,
        campaign: &Campaign<C, V, R, A>,
        network: &Network,
    ) -> Attribution {
        Attribution {
            adopted: self.adopted,
            exposed: self.exposed,
            seeds: self.seeds,
            by_channel: campaign
                .names
                .iter()
                .zip(&self.by_channel)
                .map(|(name, &adoptions)| NamedCount {
                    name: name.clone(),
                    adoptions,
                })
                .collect(),
            by_role: network
                .role_names()
                .iter()
                .zip(&self.by_role)
                .map(|(name, &adoptions)| NamedCount {
                    name: name.clone(),
                    adoptions,
                })
                .collect(),
            from_outside: self.from_outside,
        }
    }

    fn expose<O: Observer + ?Sized>(&mut self, event: &Event, observer: &mut O) {
        if !self.exposed_marks.test_and_mark(event.node as usize) {
            self.exposed += 1;
            observer.exposed(event);
        }
    }
}

impl<M, X> CampaignState<M, X> {
    /// `node` talks until step `until`, having heard `heard`.
    fn add_talker(&mut self, node: u32, until: u32, heard: Option<M>) {
        if self.talkers.last().is_some_and(|t| t.until > until) {
            self.in_order = false;
        }
        self.talkers.push(Talker { node, until });
        self.heard.push(heard);
    }

    /// Whether no adopter is in its talk window.
    fn nobody_talks(&self) -> bool {
        self.first == self.talkers.len()
    }

    /// The talkers whose window ends with `step` stop talking, reported in
    /// the order they were added.
    fn stop_talkers<O: Observer + ?Sized>(&mut self, step: u32, observer: &mut O) {
        let len = self.talkers.len();
        let mut t = self.first;
        while t < len && self.talkers[t].until <= step {
            observer.deactivated(self.talkers[t].node, step);
            t += 1;
        }
        self.first = t;
        if !self.in_order {
            let mut kept = t;
            for t in t..len {
                if self.talkers[t].until <= step {
                    observer.deactivated(self.talkers[t].node, step);
                } else {
                    if kept != t {
                        self.talkers[kept] = self.talkers[t];
                        self.heard.swap(kept, t);
                    }
                    kept += 1;
                }
            }
            self.talkers.truncate(kept);
            self.heard.truncate(kept);
        }
        // Reclaim the stopped talkers' room once they are the larger part.
        if self.first == self.talkers.len() {
            self.talkers.clear();
            self.heard.clear();
            self.first = 0;
        } else if self.first >= 1024 && 2 * self.first >= self.talkers.len() {
            self.talkers.drain(..self.first);
            self.heard.drain(..self.first);
            self.first = 0;
        }
    }
}

impl<M: Clone, X> CampaignState<M, X> {
    /// A delivery of `message` persuaded `v`: it becomes a candidate for
    /// the step, or takes over the attribution with probability 1 / count.
    #[inline(always)]
    fn persuaded<R: Rng + ?Sized>(
        &mut self,
        v: u32,
        sender: u32,
        channel: u16,
        message: &M,
        rng: &mut R,
    ) {
        let slot = self.persuading.len() as u32;
        let (was, p) = self.pending.entry(v as usize, || Pending {
            count: 1,
            sender,
            channel,
            slot,
        });
        if !was {
            self.touched.push(v);
            self.persuading.push(message.clone());
        } else {
            p.count = p.count.saturating_add(1);
            if below(rng, u64::from(p.count)) == 0 {
                p.sender = sender;
                p.channel = channel;
                let slot = p.slot as usize;
                self.persuading[slot] = message.clone();
            }
        }
    }
}

/// `true` with probability `p`, drawing only when 0 < p < 1.
#[inline]
fn happens<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    p >= 1.0 || (p > 0.0 && bernoulli(rng, p))
}

impl<C, V, R, A> Campaign<C, V, R, A>
where
    C: Channel,
    V: Voice,
    A: OnAdopt<V::Message, V::Memory>,
    R: Response<V::Message>,
{
    /// One delivery of `message` of the send `sent` arrives at `v` with
    /// `weight` (counted by the caller).
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn receive<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        sent: Sent,
        v: u32,
        weight: f64,
        message: &V::Message,
        rng: &mut G,
        observer: &mut O,
    ) {
        let Sent {
            channel: c,
            sender,
            credibility,
            step,
            track,
            shortcut,
        } = sent;
        let from = (sender != OUTSIDE).then_some(sender);
        let channel = ChannelId(c as u16);
        // The event is built only for a first exposure.
        if !state.exposed_marks.test_and_mark(v as usize) {
            state.exposed += 1;
            observer.exposed(&Event::new(v, from, channel, step));
        }
        if state.adopted_marks.is_marked(v as usize) {
            return;
        }
        let p = match shortcut {
            Some(f) => weight * f * network.profile(v).susceptibility(),
            None => {
                let history = if track {
                    state.history.get(v as usize).copied().unwrap_or_default()
                } else {
                    History::default()
                };
                self.response.persuasion(&Reception {
                    network,
                    sender: from,
                    credibility,
                    receiver: v,
                    weight,
                    channel,
                    message,
                    step,
                    history,
                })
            }
        };
        if track {
            state
                .history
                .entry(v as usize, History::default)
                .1
                .record(message);
        }
        if happens(rng, p) {
            state.persuaded(v, sender, c as u16, message, rng);
        }
    }

    /// The sender's credibility: its profile's, 1 from outside.
    #[inline]
    fn credibility(network: &Network, sender: u32) -> f64 {
        if sender == OUTSIDE {
            1.0
        } else {
            network.profile(sender).credibility()
        }
    }

    /// `sender` (or [`OUTSIDE`]) may send one message through channel `c`
    /// (with probability the voice's activity); `talker` is its index
    /// among the talkers when it speaks as an adopter. Inlined into the
    /// step's loops, so that a sender who stays silent costs no call.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn send<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        c: usize,
        sender: u32,
        talker: Option<usize>,
        step: u32,
        rng: &mut G,
        observer: &mut O,
    ) {
        let from = (sender != OUTSIDE).then_some(sender);
        let channel = ChannelId(c as u16);
        let speaker = Speaker {
            network,
            sender: from,
            channel,
            paid: self.paid[c],
            step,
            as_adopter: talker.is_some(),
            state,
            talker: talker.unwrap_or(usize::MAX),
        };
        if from.is_some() && !happens(rng, self.voice.activity(&speaker)) {
            return;
        }
        let message = self.voice.compose(&speaker).relay(Hop {
            sender,
            channel,
            time: step,
        });
        self.carry(network, state, c, sender, message, step, rng, observer);
    }

    /// The deliveries of this send's inbox arrive (see [`Self::receive`]).
    #[inline(always)]
    fn receive_all<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        sent: Sent,
        message: &V::Message,
        rng: &mut G,
        observer: &mut O,
    ) {
        for k in 0..state.inbox.len() {
            let (v, weight) = state.inbox[k];
            self.receive(network, state, sent, v, weight, message, rng, observer);
        }
    }

    /// The channel carries `message` of `sender` to its receivers.
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn carry<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        c: usize,
        sender: u32,
        message: V::Message,
        step: u32,
        rng: &mut G,
        observer: &mut O,
    ) {
        // A channel whose budget is spent falls silent.
        if self.capped && state.messages[c] >= self.caps[c] {
            return;
        }
        let channel = ChannelId(c as u16);
        let cc = &self.options.channels[c];
        let polarity = message.valence().polarity();
        state.inbox.clear();
        state.later.clear();
        let (inbox, later) = (&mut state.inbox, &mut state.later);
        let out = Outgoing {
            sender,
            step,
            channel,
            message: &message,
        };
        cc.channel.deliver(network, &out, rng, |d| {
            if C::MAY_DELAY && d.delay != 0 {
                later.push(d)
            } else {
                debug_assert_eq!(d.delay, 0, "a channel that may not delay held a delivery");
                inbox.push((d.recipient, d.weight))
            }
        });
        state.messages[c] += 1;
        // Deliveries held to a later step (none past the horizon); they
        // draw nothing and report nothing now.
        for k in 0..if C::MAY_DELAY { state.later.len() } else { 0 } {
            let d = state.later[k];
            if let Some(due) = step.checked_add(d.delay)
                && due <= self.options.horizon
            {
                state.held.push(Held {
                    due,
                    sender,
                    channel: c as u16,
                    delivery: d,
                    message: message.clone(),
                });
            }
        }
        let credibility = Self::credibility(network, sender);
        let track = self.response.needs_history();
        let now = state.inbox.len();
        let shortcut = self.response.shortcut(&Dispatch {
            network,
            sender: (sender != OUTSIDE).then_some(sender),
            credibility,
            channel,
            message: &message,
            step,
        });
        let sent = Sent {
            channel: c,
            sender,
            credibility,
            step,
            track,
            shortcut,
        };
        // One loop per case, so that neither the shortcut nor the history
        // is tested per delivery.
        let mut receive_all =
            |sent| self.receive_all(network, state, sent, &message, rng, observer);
        match (shortcut, track) {
            (Some(f), false) => receive_all(Sent {
                track: false,
                shortcut: Some(f),
                ..sent
            }),
            (Some(f), true) => receive_all(Sent {
                track: true,
                shortcut: Some(f),
                ..sent
            }),
            (None, _) => receive_all(Sent {
                shortcut: None,
                ..sent
            }),
        }
        state.deliveries[c] += now as u64;
        Self::count_valence(state, polarity, now as u64);
    }

    #[inline]
    fn count_valence(state: &mut CampaignState<V::Message, V::Memory>, p: Polarity, n: u64) {
        match p {
            Polarity::Positive => state.positive += n,
            Polarity::Negative => state.negative += n,
            Polarity::Neutral => {}
        }
    }

    /// The deliveries held back to `step` arrive, in the order sent; the
    /// rest stay held.
    fn arrive<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        step: u32,
        rng: &mut G,
        observer: &mut O,
    ) {
        if state.held.is_empty() {
            return;
        }
        let mut held = std::mem::take(&mut state.held);
        let track = self.response.needs_history();
        let mut kept = 0;
        for i in 0..held.len() {
            if held[i].due == step {
                let h = &held[i];
                let c = usize::from(h.channel);
                state.deliveries[c] += 1;
                Self::count_valence(state, h.message.valence().polarity(), 1);
                let sent = Sent {
                    channel: c,
                    sender: h.sender,
                    credibility: Self::credibility(network, h.sender),
                    step,
                    track,
                    shortcut: None,
                };
                let (v, weight) = (h.delivery.recipient, h.delivery.weight);
                self.receive(network, state, sent, v, weight, &h.message, rng, observer);
            } else {
                held.swap(kept, i);
                kept += 1;
            }
        }
        held.truncate(kept);
        // Deliveries held during this step's arrivals (none: arrivals do
        // not send) would be in `state.held`; keep both.
        held.append(&mut state.held);
        state.held = held;
    }

    /// `v` adopts at `step`, attributed to `pending` (none for seeds).
    fn adopt<G: Rng + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState<V::Message, V::Memory>,
        v: u32,
        step: u32,
        attributed: Option<(u32, u16, usize)>,
        rng: &mut G,
    ) -> Option<V::Message> {
        let heard = attributed.map(|(_, _, slot)| state.persuading[slot].clone());
        let memory = self.on_adopt.adopt(
            &Adoption {
                network,
                node: v,
                step,
                sender: attributed.and_then(|(s, _, _)| (s != OUTSIDE).then_some(s)),
                channel: attributed.map(|(_, c, _)| ChannelId(c)),
                message: heard.as_ref(),
            },
            rng,
        );
        state.memory[v as usize] = memory;
        heard
    }

    fn talk_until(&self, step: u32) -> Option<u32> {
        match self.options.talk_periods {
            Some(0) => None,
            Some(k) => Some(step.saturating_add(k)),
            None => Some(u32::MAX),
        }
    }
}

/// The campaign of built-in channels, as scenario documents write it.
impl FromOptions for Campaign {
    type Options = CampaignOptions;
    const KEY: &'static str = "campaign";

    fn check_options(options: &CampaignOptions) -> Result<()> {
        options.check()
    }

    fn from_options(network: &Network, options: CampaignOptions) -> Result<Self> {
        Campaign::new(network, options)
    }
}

impl<C, V, R, A> Model for Campaign<C, V, R, A>
where
    C: Channel,
    V: Voice,
    A: OnAdopt<V::Message, V::Memory>,
    R: Response<V::Message>,
{
    type State = CampaignState<V::Message, V::Memory>;

    /// Seeds are distinct, a node is persuaded only while it has not
    /// adopted, and the step's persuaded nodes are distinct.
    const ADOPTS_ONCE: bool = true;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this campaign")
    }

    fn name(&self) -> &str {
        "campaign"
    }

    fn channel_names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// `messages:<channel>` and `deliveries:<channel>` for each channel;
    /// then, when the voice is [valenced](Voice::valenced),
    /// `deliveries:positive`, `deliveries:negative` and `net_sentiment`.
    fn quantity_names(&self) -> Vec<String> {
        let kinds = ["messages", "deliveries"];
        let mut names: Vec<String> = kinds
            .iter()
            .flat_map(|k| self.names.iter().map(move |c| format!("{k}:{c}")))
            .collect();
        if self.voice.valenced() {
            names.extend(
                [
                    "deliveries:positive",
                    "deliveries:negative",
                    "net_sentiment",
                ]
                .map(String::from),
            );
        }
        names
    }

    fn quantities(&self, state: &Self::State, out: &mut [f64]) {
        let counts = state.messages.iter().chain(&state.deliveries);
        let k = 2 * self.names.len();
        for (o, &c) in out.iter_mut().zip(counts) {
            *o = c as f64;
        }
        if self.voice.valenced()
            && let Some(rest) = out.get_mut(k..k + 3)
        {
            rest[0] = state.positive as f64;
            rest[1] = state.negative as f64;
            rest[2] = state.net_sentiment().unwrap_or(f64::NAN);
        }
    }

    /// Σ over channels of messages sent × the channel's cost per message.
    fn spend(&self, state: &Self::State) -> f64 {
        self.options
            .channels
            .iter()
            .zip(&state.messages)
            .map(|(c, &m)| m as f64 * c.channel.cost_per_message())
            .sum()
    }

    fn new_state(&self, network: &Network) -> Self::State {
        let n = network.node_count();
        CampaignState {
            adopted_marks: EpochMarks::new(n),
            exposed_marks: EpochMarks::new(n),
            pending: EpochMarks::new(n),
            persuading: Vec::new(),
            touched: Vec::new(),
            talkers: Vec::new(),
            heard: Vec::new(),
            first: 0,
            in_order: true,
            inbox: Vec::new(),
            later: Vec::new(),
            held: Vec::new(),
            history: EpochMarks::new(if self.response.needs_history() { n } else { 0 }),
            memory: vec![V::Memory::default(); n],
            adopted: 0,
            exposed: 0,
            seeds: 0,
            by_channel: vec![0; self.names.len()],
            by_role: vec![0; network.role_names().len()],
            from_outside: 0,
            messages: vec![0; self.names.len()],
            deliveries: vec![0; self.names.len()],
            positive: 0,
            negative: 0,
            last_step: 0,
            joined: Vec::new(),
        }
    }

    fn start<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        seeds: &[u32],
        rng: &mut G,
        observer: &mut O,
    ) {
        state.adopted_marks.next_epoch();
        state.exposed_marks.next_epoch();
        state.history.next_epoch();
        state.touched.clear();
        state.talkers.clear();
        state.heard.clear();
        state.first = 0;
        state.in_order = true;
        state.held.clear();
        state.adopted = 0;
        state.exposed = 0;
        state.seeds = seeds.len();
        state.by_channel.iter_mut().for_each(|c| *c = 0);
        state.by_role.iter_mut().for_each(|c| *c = 0);
        state.from_outside = 0;
        state.messages.iter_mut().for_each(|c| *c = 0);
        state.deliveries.iter_mut().for_each(|c| *c = 0);
        state.positive = 0;
        state.negative = 0;
        state.last_step = 0;
        state.joined.clear();
        let until = self.talk_until(0);
        for &s in seeds {
            let e = Event::seed(s);
            state.expose(&e, observer);
            state.adopted_marks.mark(s as usize);
            state.adopted += 1;
            self.adopt(network, state, s, 0, None, rng);
            observer.adopted(&e);
            if let Some(until) = until {
                state.add_talker(s, until, None);
            }
        }
    }

    fn step<G: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        step: u32,
        rng: &mut G,
        observer: &mut O,
    ) -> StepOutcome {
        if step > self.options.horizon {
            return StepOutcome::Finished;
        }
        state.pending.next_epoch();
        state.persuading.clear();
        self.arrive(network, state, step, rng, observer);
        // Talkers at the start of the step; this step's adopters are added
        // after all channels have been used.
        let talking = state.talkers.len();
        for (c, plan) in self.plans.iter().enumerate() {
            match plan {
                Plan::Outside => self.send(network, state, c, OUTSIDE, None, step, rng, observer),
                Plan::Nodes(nodes) => {
                    for &u in nodes {
                        self.send(network, state, c, u, None, step, rng, observer);
                    }
                }
                Plan::Adopters(role) => {
                    for t in state.first..talking {
                        let u = state.talkers[t].node;
                        if role.is_none_or(|r| network.role(u) == r) {
                            self.send(network, state, c, u, Some(t), step, rng, observer);
                        }
                    }
                }
                Plan::Nobody => {}
            }
        }
        // Adoptions of the step, in the order nodes were first persuaded.
        let until = self.talk_until(step);
        for t in 0..state.touched.len() {
            let v = state.touched[t];
            let Some(&p) = state.pending.get(v as usize) else {
                continue; // not reached: every touched node is pending
            };
            state.adopted_marks.mark(v as usize);
            state.adopted += 1;
            state.by_channel[usize::from(p.channel)] += 1;
            let sender = if p.sender == OUTSIDE {
                state.from_outside += 1;
                None
            } else {
                state.by_role[usize::from(network.role(p.sender).0)] += 1;
                Some(p.sender)
            };
            let heard = self.adopt(
                network,
                state,
                v,
                step,
                Some((p.sender, p.channel, p.slot as usize)),
                rng,
            );
            observer.adopted(&Event::new(v, sender, ChannelId(p.channel), step));
            if let Some(until) = until {
                state.add_talker(v, until, heard);
            }
        }
        state.touched.clear();
        // Adopters handed over by another model before this step.
        for j in 0..state.joined.len() {
            if let Some(until) = until {
                let node = state.joined[j];
                state.add_talker(node, until, None);
            }
        }
        state.joined.clear();
        state.last_step = step;
        state.stop_talkers(step, observer);
        let done = step >= self.options.horizon
            || state.adopted == network.node_count()
            || (!self.always_on && state.nobody_talks() && state.held.is_empty());
        if done {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}

/// In a composition ([`Together`](crate::propagation::Together)), a node
/// another model adopted at step t is this campaign's adopter of step t:
/// it is never persuaded again, counts among the campaign's adopters, and
/// talks as an adopter from step t + 1 during its talk window, with no
/// message heard (it says the campaign's message) and the default memory
/// (the on-adopt hook, which may draw, is not run for it).
impl<C, V, R, A> Joint for Campaign<C, V, R, A>
where
    C: Channel,
    V: Voice,
    A: OnAdopt<V::Message, V::Memory>,
    R: Response<V::Message>,
{
    fn adopt_external(&self, network: &Network, state: &mut Self::State, node: u32, step: u32) {
        let _ = network;
        let i = node as usize;
        if state.adopted_marks.is_marked(i) {
            return;
        }
        state.adopted_marks.mark(i);
        if !state.exposed_marks.test_and_mark(i) {
            state.exposed += 1;
        }
        state.adopted += 1;
        state.memory[i] = V::Memory::default();
        if state.last_step >= step {
            if let Some(until) = self.talk_until(step) {
                state.add_talker(node, until, None);
            }
        } else {
            state.joined.push(node);
        }
    }
}
