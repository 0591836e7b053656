//! Composition: several channels and rules acting in one run, with every
//! adoption attributed to the channel and the sender's role that caused it.
//!
//! A [`Campaign`] is a list of channels, each with a [`Sender`] rule saying
//! who uses it: advertising by the business (or from outside the graph),
//! posts by opinion leaders, private messages between adopters ... All run
//! together, step by step.

use std::collections::HashSet;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::actor::roles;
use crate::channel::{BuiltinChannel, Channel, Delivery, Scope};
use crate::error::{Error, Result};
use crate::message::ChannelId;
use crate::network::NetworkId;
use crate::network::{Network, RoleId};
use crate::propagation::kernel::EpochMarks;
use crate::propagation::{Event, FromOptions, Model, Observer, StepOutcome};
use crate::rng::{below, bernoulli};

/// The sender index handed to [`Channel::deliver`] for messages from
/// outside the network ([`Sender::Outside`], or [`Sender::Business`] when
/// the network has no business node). It is not a node, so an off-graph
/// channel used this way must not look the sender up; the built-in
/// [`Advertising`](crate::channel::Advertising) only compares it with the
/// receivers.
pub const OUTSIDE: u32 = u32::MAX;

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
}

impl CampaignChannel {
    /// A built-in `channel` used by `senders`.
    pub fn new(channel: impl Into<BuiltinChannel>, senders: Sender) -> Self {
        CampaignChannel {
            channel: channel.into(),
            senders,
            label: None,
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
        }
    }

    /// The same channel, named `label` in results.
    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// The parameters of a [`Campaign`], as a document.
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
}

impl<C> CampaignOptions<C> {
    /// The checks that need no network: between 1 and 65,536 channels, a
    /// horizon of at least one step.
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
        Ok(())
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
/// in one run.
///
/// # The model
/// At each step t = 1, 2, ..., `horizon`, every channel in list order is
/// used by its [`Sender`]s (fixed senders each with probability their
/// activity; adopters during their talk window, each with probability
/// their activity, per channel). A message from sender u reaches receivers
/// through the channel ([`Channel::deliver`]), each delivery d with weight
/// w_d (tie trust × channel persuasion). A delivery *exposes* its receiver
/// v (the first one is reported), and *persuades* it, if it has not
/// adopted, with probability
///
/// ```text
/// p_d = w_d × credibility(u) × susceptibility(v)      (credibility 1 from outside)
/// ```
///
/// independently of everything else. So a not-yet-adopted node that
/// receives deliveries d_1 .. d_k in step t adopts at the end of the step
/// with probability `1 - Π (1 - p_d)`.
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
/// **End**: after step `horizon`; earlier when every node adopted, or when
/// there is no fixed sender and no adopter is still in its talk window.
///
/// Channel names are the channels' labels, else [`Channel::name`] with
/// `_2`, `_3` ... appended to repeats (`["post", "post"]` becomes
/// `["post", "post_2"]`). Seeds adopt
/// with no sender through channel 0 and are counted apart, not per channel.
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
/// let options = CampaignOptions {
///     channels: vec![
///         // No business node: advertising comes from outside the graph.
///         CampaignChannel::new(Advertising::new(0.1, 1.0)?, Sender::Business),
///         CampaignChannel::new(PrivateMessage::new(1.0, RecipientChoice::Uniform)?, Sender::Adopters),
///     ],
///     horizon: 10,
///     talk_periods: Some(2),
/// };
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
pub struct Campaign<C = BuiltinChannel> {
    options: CampaignOptions<C>,
    network: NetworkId,
    names: Vec<String>,
    plans: Vec<Plan>,
    /// Whether some channel has fixed senders (or is sent from outside).
    always_on: bool,
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
        Ok(Campaign {
            network: network.id(),
            options,
            names,
            plans,
            always_on,
        })
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
}

/// An adopter in its talk window.
#[derive(Debug, Clone, Copy)]
struct Talker {
    node: u32,
    /// The last step it talks.
    until: u32,
}

/// Working memory of a campaign run; after (or during) a run it gives the
/// attribution of adoptions to channels and roles.
#[derive(Debug, Clone)]
pub struct CampaignState {
    adopted_marks: EpochMarks,
    exposed_marks: EpochMarks,
    /// Nodes persuaded in the current step, with their attribution.
    pending: EpochMarks<Pending>,
    touched: Vec<u32>,
    talkers: Vec<Talker>,
    inbox: Vec<Delivery>,
    adopted: usize,
    exposed: usize,
    seeds: usize,
    by_channel: Vec<usize>,
    by_role: Vec<usize>,
    from_outside: usize,
    /// Messages sent (one per `send`) and deliveries made, per channel.
    messages: Vec<u64>,
    deliveries: Vec<u64>,
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

impl CampaignState {
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
    /// [`ChannelId`]: one per receiver of each message.
    pub fn deliveries_by_channel(&self) -> &[u64] {
        &self.deliveries
    }

    /// Whether `v` has adopted in the current run.
    pub fn is_adopted(&self, v: u32) -> bool {
        self.adopted_marks.is_marked(v as usize)
    }

    /// Whether `v` has been exposed in the current run.
    pub fn is_exposed(&self, v: u32) -> bool {
        self.exposed_marks.is_marked(v as usize)
    }

    /// The run's attribution with names, for results documents (allocates).
    pub fn attribution<C: Channel>(
        &self,
        campaign: &Campaign<C>,
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

    /// A delivery persuaded `v`: it becomes a candidate for the step, or
    /// takes over the attribution with probability 1 / count.
    fn persuaded<R: Rng + ?Sized>(&mut self, v: u32, sender: u32, channel: u16, rng: &mut R) {
        let (was, p) = self.pending.entry(v as usize, || Pending {
            count: 1,
            sender,
            channel,
        });
        if !was {
            self.touched.push(v);
        } else {
            p.count = p.count.saturating_add(1);
            if below(rng, u64::from(p.count)) == 0 {
                p.sender = sender;
                p.channel = channel;
            }
        }
    }
}

/// `true` with probability `p`, drawing only when 0 < p < 1.
#[inline]
fn happens<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    p >= 1.0 || (p > 0.0 && bernoulli(rng, p))
}

impl<C: Channel> Campaign<C> {
    /// `sender` (or [`OUTSIDE`]) sends one message through channel `c`.
    #[allow(clippy::too_many_arguments)]
    fn send<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState,
        c: usize,
        sender: u32,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) {
        let (credibility, from) = if sender == OUTSIDE {
            (1.0, None)
        } else {
            (network.profile(sender).credibility(), Some(sender))
        };
        let channel = ChannelId(c as u16);
        state.inbox.clear();
        let inbox = &mut state.inbox;
        self.options.channels[c]
            .channel
            .deliver(network, sender, rng, |d| inbox.push(d));
        state.messages[c] += 1;
        state.deliveries[c] += state.inbox.len() as u64;
        for k in 0..state.inbox.len() {
            let d = state.inbox[k];
            let v = d.recipient;
            state.expose(&Event::new(v, from, channel, step), observer);
            if state.adopted_marks.is_marked(v as usize) {
                continue;
            }
            let p = d.weight * credibility * network.profile(v).susceptibility();
            if happens(rng, p) {
                state.persuaded(v, sender, c as u16, rng);
            }
        }
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

impl<C: Channel> Model for Campaign<C> {
    type State = CampaignState;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this campaign")
    }

    fn name(&self) -> &str {
        "campaign"
    }

    fn channel_names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// `messages:<channel>` and `deliveries:<channel>` for each channel.
    fn quantity_names(&self) -> Vec<String> {
        let kinds = ["messages", "deliveries"];
        kinds
            .iter()
            .flat_map(|k| self.names.iter().map(move |c| format!("{k}:{c}")))
            .collect()
    }

    fn quantities(&self, state: &CampaignState, out: &mut [f64]) {
        let counts = state.messages.iter().chain(&state.deliveries);
        for (o, &c) in out.iter_mut().zip(counts) {
            *o = c as f64;
        }
    }

    /// Σ over channels of messages sent × the channel's cost per message.
    fn spend(&self, state: &CampaignState) -> f64 {
        self.options
            .channels
            .iter()
            .zip(&state.messages)
            .map(|(c, &m)| m as f64 * c.channel.cost_per_message())
            .sum()
    }

    fn new_state(&self, network: &Network) -> CampaignState {
        let n = network.node_count();
        CampaignState {
            adopted_marks: EpochMarks::new(n),
            exposed_marks: EpochMarks::new(n),
            pending: EpochMarks::new(n),
            touched: Vec::new(),
            talkers: Vec::new(),
            inbox: Vec::new(),
            adopted: 0,
            exposed: 0,
            seeds: 0,
            by_channel: vec![0; self.names.len()],
            by_role: vec![0; network.role_names().len()],
            from_outside: 0,
            messages: vec![0; self.names.len()],
            deliveries: vec![0; self.names.len()],
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut CampaignState,
        seeds: &[u32],
        _rng: &mut R,
        observer: &mut O,
    ) {
        state.adopted_marks.next_epoch();
        state.exposed_marks.next_epoch();
        state.touched.clear();
        state.talkers.clear();
        state.adopted = 0;
        state.exposed = 0;
        state.seeds = seeds.len();
        state.by_channel.iter_mut().for_each(|c| *c = 0);
        state.by_role.iter_mut().for_each(|c| *c = 0);
        state.from_outside = 0;
        state.messages.iter_mut().for_each(|c| *c = 0);
        state.deliveries.iter_mut().for_each(|c| *c = 0);
        let until = self.talk_until(0);
        for &s in seeds {
            let e = Event::seed(s);
            state.expose(&e, observer);
            state.adopted_marks.mark(s as usize);
            state.adopted += 1;
            observer.adopted(&e);
            if let Some(until) = until {
                state.talkers.push(Talker { node: s, until });
            }
        }
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut CampaignState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        if step > self.options.horizon {
            return StepOutcome::Finished;
        }
        state.pending.next_epoch();
        // Talkers at the start of the step; this step's adopters are added
        // after all channels have been used.
        let talking = state.talkers.len();
        for (c, plan) in self.plans.iter().enumerate() {
            match plan {
                Plan::Outside => self.send(network, state, c, OUTSIDE, step, rng, observer),
                Plan::Nodes(nodes) => {
                    for &u in nodes {
                        if happens(rng, network.profile(u).activity()) {
                            self.send(network, state, c, u, step, rng, observer);
                        }
                    }
                }
                Plan::Adopters(role) => {
                    for t in 0..talking {
                        let u = state.talkers[t].node;
                        if role.is_none_or(|r| network.role(u) == r)
                            && happens(rng, network.profile(u).activity())
                        {
                            self.send(network, state, c, u, step, rng, observer);
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
            observer.adopted(&Event::new(v, sender, ChannelId(p.channel), step));
            if let Some(until) = until {
                state.talkers.push(Talker { node: v, until });
            }
        }
        state.touched.clear();
        // Talkers whose window ends with this step stop talking.
        let mut kept = 0;
        for t in 0..state.talkers.len() {
            let talker = state.talkers[t];
            if talker.until <= step {
                observer.deactivated(talker.node, step);
            } else {
                state.talkers[kept] = talker;
                kept += 1;
            }
        }
        state.talkers.truncate(kept);
        let done = step >= self.options.horizon
            || state.adopted == network.node_count()
            || (!self.always_on && state.talkers.is_empty());
        if done {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}
