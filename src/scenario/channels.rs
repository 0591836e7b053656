//! The channels a scenario document's campaign may name: the built-in
//! kinds, and the kinds other crates register ([`Registry::channel`]).

use std::fmt;
use std::sync::Arc;

use serde::de::{DeserializeOwned, Error as _};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::{Registry, field_at, invalid};
use crate::channel::{BuiltinChannel, Channel, Delivery, Outgoing, PrivateMessage, Scope};
use crate::communication::erased::ErasedChannel;
use crate::error::Result;
use crate::message::Message;
use crate::network::Network;
use crate::propagation::composite::{CampaignChannel, CampaignOptions};
use crate::propagation::{Campaign, FromOptions};

/// The `kind`s of the built-in channels, as [`BuiltinChannel`] reads them:
/// no registered channel may take them.
pub(super) const BUILTIN_KINDS: [&str; 5] =
    ["advertising", "comment", "forum", "post", "private_message"];

/// A channel type that scenario documents can name, by its
/// [`KIND`](ChannelFromOptions::KIND), in a campaign's channel list:
/// `{"channel": {"kind": "<KIND>", ...options}, "senders": ...}`.
///
/// The options are the channel object's other fields, read as
/// [`Options`](ChannelFromOptions::Options) (serde): a struct, so that they
/// sit beside `kind` (a channel without options has an empty struct,
/// `struct NoOptions {}`), with no field of its own named `kind`. Register
/// the type with [`Registry::channel`]; see there for an example.
pub trait ChannelFromOptions: Channel + Send + Sync + fmt::Debug + Sized + 'static {
    /// The options, as documents write them beside `kind`.
    type Options: Serialize + DeserializeOwned;

    /// The channel's `kind` in documents (snake_case, e.g. `"story"`).
    const KIND: &'static str;

    /// Checks the options that need no network (ranges, counts).
    /// Default: every value is accepted.
    ///
    /// # Errors
    /// The first value out of range, as the crate's parameter errors
    /// ([`Error::InvalidParameter`](crate::Error::InvalidParameter) whose
    /// `name` is the field): a document shows it at
    /// `$.model.campaign.channels[i].channel.<field>`.
    fn check_options(options: &Self::Options) -> Result<()> {
        let _ = options;
        Ok(())
    }

    /// Builds the channel for `network`.
    ///
    /// # Errors
    /// Those of [`check_options`](ChannelFromOptions::check_options), then
    /// the values the network makes invalid.
    fn from_options(network: &Network, options: Self::Options) -> Result<Self>;
}

/// Checks a registered channel's options as a document writes them, at
/// `path` (`$.model.campaign.channels[i].channel`), and returns them with
/// every default filled in.
pub(super) type CheckChannel = fn(&Map<String, Value>, &str) -> Result<Map<String, Value>>;
/// Builds a registered channel from checked options on a network.
type BuildChannel = fn(&Network, &Map<String, Value>) -> Result<Arc<dyn ErasedChannel>>;

/// What the registry keeps of one channel type.
#[derive(Clone, Copy)]
pub(super) struct ChannelEntry {
    pub(super) check: CheckChannel,
    build: BuildChannel,
}

impl ChannelEntry {
    /// The entry of channel type `C`.
    pub(super) fn of<C: ChannelFromOptions>() -> Self {
        ChannelEntry {
            check: check_channel::<C>,
            build: build_channel::<C>,
        }
    }
}

fn check_channel<C: ChannelFromOptions>(
    options: &Map<String, Value>,
    path: &str,
) -> Result<Map<String, Value>> {
    let value = Value::Object(options.clone());
    let (parsed, echo) = super::registry::read_echo::<C::Options>(&value, path)?;
    C::check_options(&parsed).map_err(field_at(path))?;
    match echo {
        Value::Object(map) if !map.contains_key("kind") => Ok(map),
        _ => Err(invalid(
            path,
            format!(
                "the options of channel kind `{}` must be a struct with no field `kind` \
                 (they sit beside `kind` in the channel object)",
                C::KIND
            ),
        )),
    }
}

fn build_channel<C: ChannelFromOptions>(
    network: &Network,
    options: &Map<String, Value>,
) -> Result<Arc<dyn ErasedChannel>> {
    let (parsed, _) =
        super::registry::read_echo::<C::Options>(&Value::Object(options.clone()), "$")?;
    C::check_options(&parsed).map_err(field_at("$"))?;
    let channel = C::from_options(network, parsed).map_err(field_at("$"))?;
    Ok(Arc::new(channel))
}

/// The channel of a campaign in a scenario document: a built-in one, or
/// one of a kind another crate registered ([`Registry::channel`]).
///
/// Its JSON is the channel object of the document: a built-in channel's
/// is [`BuiltinChannel`]'s (`{"kind": "post", "persuasion": 0.2}`), a
/// registered one's is `{"kind": "<KIND>", ...options}`. Any `kind` that
/// is not a built-in one is read as [`Registered`](DocChannel::Registered);
/// whether a channel of that kind exists is the [`Registry`]'s to say, when
/// the scenario is checked or run. The registered channel itself is built
/// when the campaign is, on the scenario's network (by
/// [`from_options`](FromOptions::from_options) of `Campaign<DocChannel>`);
/// until then it reaches nobody.
///
/// As a [`Channel`], a built-in channel delivers exactly as itself (the
/// same random numbers, the same deliveries), and a registered one through
/// its [`ErasedChannel`] face.
#[derive(Debug, Clone, PartialEq)]
pub enum DocChannel {
    /// A built-in channel.
    Builtin(BuiltinChannel),
    /// A channel of a registered kind.
    Registered(RegisteredChannel),
}

impl DocChannel {
    /// A channel of the registered kind `C`, built on `network`: what a
    /// document naming `C::KIND` with these options holds when its
    /// campaign runs.
    ///
    /// # Errors
    /// Those of [`C::check_options`](ChannelFromOptions::check_options)
    /// and [`C::from_options`](ChannelFromOptions::from_options); options
    /// that do not serialize as a struct without a `kind` field.
    pub fn registered<C: ChannelFromOptions>(
        network: &Network,
        options: C::Options,
    ) -> Result<DocChannel> {
        let value = serde_json::to_value(&options).map_err(|e| invalid("$", e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(invalid(
                "$",
                format!("the options of channel kind `{}` must be a struct", C::KIND),
            ));
        };
        let checked = check_channel::<C>(&map, "$")?;
        let channel = C::from_options(network, options)?;
        Ok(DocChannel::Registered(RegisteredChannel {
            kind: C::KIND.to_string(),
            options: checked,
            entry: Some(ChannelEntry::of::<C>()),
            channel: Some(Arc::new(channel)),
        }))
    }

    /// The channel's `kind` in documents.
    pub fn kind(&self) -> &str {
        match self {
            DocChannel::Builtin(c) => c.name(),
            DocChannel::Registered(r) => &r.kind,
        }
    }
}

impl From<BuiltinChannel> for DocChannel {
    fn from(c: BuiltinChannel) -> Self {
        DocChannel::Builtin(c)
    }
}

impl From<CampaignOptions> for CampaignOptions<DocChannel> {
    /// The same campaign of built-in channels, as a document holds it.
    fn from(o: CampaignOptions) -> Self {
        let channels = o
            .channels
            .into_iter()
            .map(|c| CampaignChannel {
                channel: DocChannel::Builtin(c.channel),
                senders: c.senders,
                label: c.label,
                budget: c.budget,
            })
            .collect();
        CampaignOptions {
            channels,
            horizon: o.horizon,
            talk_periods: o.talk_periods,
            decay_per_hop: o.decay_per_hop,
            sponsored_discount: o.sponsored_discount,
            experience: o.experience,
        }
    }
}

/// A channel of a registered kind, as a document holds it: its kind, its
/// options and, once the campaign is built on a network, the channel.
#[derive(Clone)]
pub struct RegisteredChannel {
    kind: String,
    options: Map<String, Value>,
    /// Set by the registry that checked the document.
    entry: Option<ChannelEntry>,
    /// Set when the campaign is built.
    channel: Option<Arc<dyn ErasedChannel>>,
}

impl RegisteredChannel {
    /// The channel's `kind` ([`ChannelFromOptions::KIND`]).
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// Its options, the channel object's fields besides `kind`: as written
    /// until the scenario is read through a registry, which writes them
    /// back with every default filled in.
    pub fn options(&self) -> &Map<String, Value> {
        &self.options
    }

    /// The channel, once its campaign is built on a network.
    pub fn channel(&self) -> Option<&Arc<dyn ErasedChannel>> {
        self.channel.as_ref()
    }

    /// Checks the options with `entry` at `path`, writing them back with
    /// their defaults, and keeps the entry for building.
    pub(super) fn resolve(&mut self, entry: ChannelEntry, path: &str) -> Result<()> {
        self.options = (entry.check)(&self.options, path)?;
        self.entry = Some(entry);
        Ok(())
    }
}

impl fmt::Debug for RegisteredChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisteredChannel")
            .field("kind", &self.kind)
            .field("options", &self.options)
            .field("channel", &self.channel)
            .finish()
    }
}

impl PartialEq for RegisteredChannel {
    /// The same kind and options (built or not).
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.options == other.options
    }
}

impl Serialize for DocChannel {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            DocChannel::Builtin(c) => c.serialize(s),
            DocChannel::Registered(r) => {
                let mut map = s.serialize_map(Some(r.options.len() + 1))?;
                map.serialize_entry("kind", &r.kind)?;
                for (k, v) in &r.options {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for DocChannel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<DocChannel, D::Error> {
        let value = Value::deserialize(d)?;
        let registered = match &value {
            Value::Object(map) => match map.get("kind") {
                Some(Value::String(kind)) if !BUILTIN_KINDS.contains(&kind.as_str()) => {
                    let mut options = map.clone();
                    options.remove("kind");
                    Some(RegisteredChannel {
                        kind: kind.clone(),
                        options,
                        entry: None,
                        channel: None,
                    })
                }
                _ => None,
            },
            _ => None,
        };
        match registered {
            Some(r) => Ok(DocChannel::Registered(r)),
            // A built-in kind, or no kind at all: serde's own word on it.
            None => BuiltinChannel::deserialize(value)
                .map(DocChannel::Builtin)
                .map_err(D::Error::custom),
        }
    }
}

impl Channel for DocChannel {
    /// A built-in channel's name; a registered channel's
    /// [`Channel::name`] once built, its kind before.
    fn name(&self) -> &str {
        match self {
            DocChannel::Builtin(c) => c.name(),
            DocChannel::Registered(r) => r
                .channel
                .as_deref()
                .map_or(r.kind.as_str(), |c| c.channel_name()),
        }
    }
    fn scope(&self) -> Scope {
        match self {
            DocChannel::Builtin(c) => c.scope(),
            DocChannel::Registered(r) => r
                .channel
                .as_deref()
                .map_or(Scope::Individual, |c| c.channel_scope()),
        }
    }
    fn cost_per_message(&self) -> f64 {
        match self {
            DocChannel::Builtin(c) => c.cost_per_message(),
            DocChannel::Registered(r) => r
                .channel
                .as_deref()
                .map_or(0.0, |c| c.channel_cost_per_message()),
        }
    }
    fn deliver<M: Message, R: rand::Rng + ?Sized, F: FnMut(Delivery)>(
        &self,
        network: &Network,
        out: &Outgoing<'_, M>,
        rng: &mut R,
        deliver: F,
    ) {
        match self {
            DocChannel::Builtin(c) => c.deliver(network, out, rng, deliver),
            DocChannel::Registered(r) => {
                if let Some(c) = r.channel.as_deref() {
                    c.deliver(network, out, rng, deliver);
                }
            }
        }
    }
}

/// The campaign of a scenario document: built-in and registered channels.
///
/// Its registered channels are built here, on `network`, by the registry
/// entry that checked the document ([`Scenario::run_with`](super::Scenario::run_with)
/// checks it again through its registry first); a registered channel
/// that no registry checked is refused at its `kind`.
impl FromOptions for Campaign<DocChannel> {
    type Options = CampaignOptions<DocChannel>;
    const KEY: &'static str = <Campaign as FromOptions>::KEY;

    fn check_options(options: &CampaignOptions<DocChannel>) -> Result<()> {
        // The campaign's own checks read no channel: run them on the same
        // options with a built-in stand-in for each registered channel.
        let stand_in = CampaignOptions {
            channels: options
                .channels
                .iter()
                .map(|c| CampaignChannel {
                    channel: match &c.channel {
                        DocChannel::Builtin(b) => *b,
                        DocChannel::Registered(_) => PrivateMessage::default().into(),
                    },
                    senders: c.senders.clone(),
                    label: c.label.clone(),
                    budget: c.budget,
                })
                .collect(),
            horizon: options.horizon,
            talk_periods: options.talk_periods,
            decay_per_hop: options.decay_per_hop,
            sponsored_discount: options.sponsored_discount,
            experience: options.experience,
        };
        <Campaign as FromOptions>::check_options(&stand_in)
    }

    fn from_options(network: &Network, mut options: CampaignOptions<DocChannel>) -> Result<Self> {
        Self::check_options(&options)?;
        build_registered(network, &mut options)?;
        Campaign::new(network, options)
    }
}

/// Builds, on `network`, the registered channels of `options` that are not
/// built yet, each by the registry entry that checked it; errors name
/// `$.channels[i].channel` within the campaign.
pub(super) fn build_registered(
    network: &Network,
    options: &mut CampaignOptions<DocChannel>,
) -> Result<()> {
    for (i, c) in options.channels.iter_mut().enumerate() {
        let DocChannel::Registered(r) = &mut c.channel else {
            continue;
        };
        if r.channel.is_some() {
            continue;
        }
        let path = format!("$.channels[{i}].channel");
        let Some(entry) = r.entry else {
            return Err(invalid(
                format!("{path}.kind"),
                format!(
                    "channel kind `{}` was read through no registry that has it",
                    r.kind
                ),
            ));
        };
        r.channel = Some((entry.build)(network, &r.options).map_err(field_at(&path))?);
    }
    Ok(())
}

impl Registry {
    /// Checks the registered channels of a campaign at `path`
    /// (`$.model.campaign`): each kind must be registered; its options are
    /// written back with every default filled in.
    pub(super) fn resolve_channels(
        &self,
        options: &mut CampaignOptions<DocChannel>,
        path: &str,
    ) -> Result<()> {
        for (i, c) in options.channels.iter_mut().enumerate() {
            if let DocChannel::Registered(r) = &mut c.channel {
                let here = format!("{path}.channels[{i}].channel");
                let entry = self.channel_entry(&r.kind, &here)?;
                r.resolve(entry, &here)?;
            }
        }
        Ok(())
    }
}
