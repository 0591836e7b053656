//! The names a scenario document may use: models, roles and channel
//! kinds, the built-in ones and those other crates register.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::channels::{BUILTIN_KINDS, ChannelEntry, ChannelFromOptions};
use super::{Runner, field_at, ignored_field, invalid};
use crate::actor::{
    Actor, BuiltinActor, BusinessOrganization, OpinionLeader, Profile, Sponsorship,
};
use crate::error::{Error, Result};
use crate::kpi::KpiReport;
use crate::propagation::FromOptions;

/// The model key that names [`CompetitiveCascade`](crate::propagation::CompetitiveCascade)
/// in documents; it is no [`FromOptions`] model (brand B's seeds are a seed
/// rule), so the scenario runs it itself, but no other model may take it.
pub(super) const COMPETITION: &str = "competition";

/// The roles every network may have, assigned by their own parts of a
/// document (`roles.opinion_leaders`, `roles.business`) or held by every
/// node from the start (`consumer`): no registered role may take them.
const BUILTIN_ROLES: [&str; 3] = ["consumer", "opinion_leader", "business"];

/// Checks a model's options as a document writes them, at `path`
/// (`$.model.<key>`), and returns them as the model reads them (every
/// default filled in).
type CheckModel = fn(&Value, &str) -> Result<Value>;
/// Builds the model from checked options on the runner's network and runs
/// its ensemble: the KPI report and the channel names.
type RunModel = fn(&Value, &Runner<'_>) -> Result<(KpiReport, Vec<String>)>;
/// Reads a role's actor at `path` (`$.roles.assign[i].actor`): the actor
/// as written back (defaults filled in) and what freezing keeps of it.
type ReadRole = fn(&Value, &str) -> Result<(Value, RoleActor)>;

/// What the registry keeps of one model type: monomorphized functions, so
/// that the registry itself holds no type parameters.
#[derive(Clone, Copy)]
pub(super) struct ModelEntry {
    pub(super) check: CheckModel,
    pub(super) run: RunModel,
}

#[derive(Clone, Copy)]
struct RoleEntry {
    read: ReadRole,
}

/// The names a scenario document may use for models, roles and channel
/// kinds, with what each stands for.
///
/// [`Registry::builtin`] (also [`Default`]) knows every built-in model
/// (`independent_cascade`, `linear_threshold`, `bass`, `rumor`, `sir`,
/// `sis`, `continuous_sir`, `valence`, `campaign`, and `competition`) and
/// the built-in roles (`consumer`, `opinion_leader`, `business`) and channel
/// kinds (`private_message`, `comment`, `post`, `forum`, `advertising`). Another
/// crate adds its own:
///
/// * [`model::<M>()`](Registry::model) names a [`FromOptions`] model `M`
///   by its [`KEY`](FromOptions::KEY): a document writes
///   `"model": {"<KEY>": <M::Options>}`, checked by
///   [`check_options`](FromOptions::check_options) when it is read, built by
///   [`from_options`](FromOptions::from_options) when it runs, with errors
///   at their JSON path (`$.model.<KEY>.<field>`) exactly as for a
///   built-in; its results document echoes the key and the options (every
///   default filled in), and `wom plot` draws it under the model's
///   [`name`](crate::propagation::Model::name);
/// * [`role::<A>()`](Registry::role) names an [`Actor`] type `A` by the
///   role of `A::default()`: a document assigns it to the most central
///   consumers under `roles.assign`, with the actor's fields as written
///   (`"actor": {...}`, deserialized as `A`);
/// * [`channel::<C>()`](Registry::channel) names a [`ChannelFromOptions`]
///   channel `C` by its [`KIND`](ChannelFromOptions::KIND): a campaign in a
///   document uses it beside the built-in channels, as
///   `{"kind": "<KIND>", ...options}`, with errors at
///   `$.model.campaign.channels[i].channel.<field>`.
///
/// A name taken twice is an error, so a downstream model cannot shadow a
/// built-in one. Scenarios read and run through a registry with
/// [`Scenario::from_json_with`](super::Scenario::from_json_with) and
/// [`Scenario::run_with`](super::Scenario::run_with); the functions
/// without `_with` use the built-in registry. The command line is
/// [`wom::cli::run`](https://docs.rs/wom/latest/wom/cli/fn.run.html)
/// (feature `cli`) with a registry.
///
/// A registry holds only function pointers and names: it is cheap, `Send`
/// and `Sync`, and built once per program.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::{FromOptions, IcProbabilities, IndependentCascade, Model};
/// use wom::scenario::{Registry, Scenario};
///
/// /// A downstream model: an independent cascade under another name.
/// struct Whisper(IndependentCascade);
///
/// impl Model for Whisper {
///     type State = <IndependentCascade as Model>::State;
///     fn name(&self) -> &str { "whisper" }
///     fn new_state(&self, n: &Network) -> Self::State { self.0.new_state(n) }
///     fn start<R: rand::Rng + ?Sized, O: wom::propagation::Observer + ?Sized>(
///         &self, n: &Network, s: &mut Self::State, seeds: &[u32], rng: &mut R, o: &mut O,
///     ) { self.0.start(n, s, seeds, rng, o) }
///     fn step<R: rand::Rng + ?Sized, O: wom::propagation::Observer + ?Sized>(
///         &self, n: &Network, s: &mut Self::State, step: u32, rng: &mut R, o: &mut O,
///     ) -> wom::propagation::StepOutcome { self.0.step(n, s, step, rng, o) }
/// }
///
/// impl FromOptions for Whisper {
///     type Options = IcProbabilities;
///     const KEY: &'static str = "whisper";
///     fn check_options(o: &IcProbabilities) -> wom::Result<()> {
///         IndependentCascade::check_options(o)
///     }
///     fn from_options(n: &Network, o: IcProbabilities) -> wom::Result<Self> {
///         Ok(Whisper(IndependentCascade::from_options(n, o)?))
///     }
/// }
///
/// let registry = Registry::builtin().model::<Whisper>()?;
/// let doc = r#"{
///     "graph": {"generate": {"generator": {"model": "gnp", "n": 100, "p": 0.05}, "seed": 3}},
///     "seeding": {"seeds": {"random": {"count": 3}}},
///     "model": {"whisper": {"kind": "uniform", "p": 0.2}},
///     "ensemble": {"budget": {"runs": 50}}
/// }"#;
/// let results = Scenario::from_json_with(&registry, doc)?.run_with(&registry, None)?;
/// assert_eq!(results.report.model, "whisper");
///
/// // Without the registration, the name is unknown, at its path.
/// let err = Scenario::from_json(doc).unwrap_err();
/// assert!(err.to_string().contains("$.model: unknown model `whisper`"), "{err}");
/// // A name is registered once.
/// assert!(registry.model::<Whisper>().is_err());
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Clone)]
pub struct Registry {
    models: BTreeMap<&'static str, ModelEntry>,
    roles: BTreeMap<String, RoleEntry>,
    channels: BTreeMap<&'static str, ChannelEntry>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("models", &self.model_keys().collect::<Vec<_>>())
            .field("roles", &self.role_names().collect::<Vec<_>>())
            .field("channels", &self.channel_kinds().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Registry {
    /// [`Registry::builtin`].
    fn default() -> Self {
        Registry::builtin()
    }
}

impl Registry {
    /// Every built-in model and role, and nothing else.
    pub fn builtin() -> Registry {
        builtin_ref().clone()
    }

    /// Registers the downstream model `M` under [`M::KEY`](FromOptions::KEY).
    ///
    /// Its options are read from a document as
    /// [`M::Options`](FromOptions::Options) (serde), then checked with
    /// [`M::check_options`](FromOptions::check_options); a field that the
    /// options do not read is refused, as for built-ins. When the scenario
    /// runs, [`M::from_options`](FromOptions::from_options) builds the model
    /// on the scenario's network and an
    /// [`Ensemble`](crate::ensemble::Ensemble) runs it with the KPIs of the
    /// document: the results document is the same as a built-in's.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the key is already registered (a
    /// built-in's or another model's), or is not a snake_case name
    /// (lowercase ASCII letters, digits and `_`, starting with a letter).
    pub fn model<M>(mut self) -> Result<Registry>
    where
        M: FromOptions + Sync + 'static,
    {
        let key = M::KEY;
        check_name("model", key)?;
        if key == COMPETITION || self.models.contains_key(key) {
            return Err(taken("model", key, self.model_keys()));
        }
        self.models.insert(
            key,
            ModelEntry {
                check: check_model::<M>,
                run: run_model::<M>,
            },
        );
        Ok(self)
    }

    /// Registers the downstream role of actor type `A`, named by
    /// `A::default().role()`.
    ///
    /// A document assigns it under `roles.assign`:
    /// `{"role": "<name>", "selection": <LeaderSelection>, "actor": <A>}`.
    /// The `actor` object is deserialized as `A` (left out: `A::default()`)
    /// and must keep the role's name; the chosen consumers (the most
    /// central, as for opinion leaders) become actors with its
    /// [`role`](Actor::role), [`profile`](Actor::profile) and
    /// [`sponsorship`](Actor::sponsorship). Seed prices
    /// (`seeding.prices`), the KPI target (`kpis.target.role`) and campaign
    /// senders may then name the role like any other.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the name is a built-in role's or
    /// already registered, or is not a snake_case name.
    pub fn role<A>(mut self) -> Result<Registry>
    where
        A: Actor + Default + Serialize + DeserializeOwned + 'static,
    {
        let name = A::default().role().to_string();
        check_name("role", &name)?;
        if BUILTIN_ROLES.contains(&name.as_str()) || self.roles.contains_key(&name) {
            return Err(taken("role", &name, self.role_names()));
        }
        self.roles.insert(
            name,
            RoleEntry {
                read: read_role::<A>,
            },
        );
        Ok(self)
    }

    /// Registers the downstream channel type `C` under
    /// [`C::KIND`](ChannelFromOptions::KIND): a campaign in a document may
    /// then use `{"channel": {"kind": "<KIND>", ...options}, "senders":
    /// ...}` beside the built-in channels.
    ///
    /// The options (the channel object's fields besides `kind`) are read as
    /// [`C::Options`](ChannelFromOptions::Options) and checked with
    /// [`C::check_options`](ChannelFromOptions::check_options) when the
    /// document is read, with errors at
    /// `$.model.campaign.channels[i].channel.<field>`; a field the options
    /// do not read is refused. When the scenario runs,
    /// [`C::from_options`](ChannelFromOptions::from_options) builds the
    /// channel on the scenario's network, and the campaign sends through it
    /// behind an [`ErasedChannel`](crate::communication::erased::ErasedChannel).
    /// Results echo the channel object with every default filled in, and
    /// attribute adoptions to its label (default: the channel's
    /// [`name`](crate::Channel::name)).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the kind is a built-in channel's
    /// (`advertising`, `comment`, `forum`, `post`, `private_message`) or
    /// already registered, or is not a snake_case name.
    ///
    /// # Example
    /// A story: seen by mutual followers, the step after it is posted.
    /// ```
    /// use rand::Rng;
    /// use serde::{Deserialize, Serialize};
    /// use wom::scenario::{ChannelFromOptions, Registry, Scenario};
    /// use wom::{Channel, Delivery, Message, Network, Outgoing};
    ///
    /// #[derive(Debug)]
    /// struct Story { persuasion: f64 }
    ///
    /// impl Channel for Story {
    ///     fn name(&self) -> &str { "story" }
    ///     fn deliver<M: Message, R: Rng + ?Sized, F: FnMut(Delivery)>(
    ///         &self, net: &Network, out: &Outgoing<'_, M>, _rng: &mut R, mut deliver: F,
    ///     ) {
    ///         for arc in net.forward().neighbors(out.sender) {
    ///             if net.forward().neighbors(arc.node).iter().any(|b| b.node == out.sender) {
    ///                 deliver(Delivery::new(arc.node, self.persuasion).after(1));
    ///             }
    ///         }
    ///     }
    /// }
    ///
    /// #[derive(Serialize, Deserialize)]
    /// #[serde(deny_unknown_fields)]
    /// struct StoryOptions { persuasion: f64 }
    ///
    /// impl ChannelFromOptions for Story {
    ///     type Options = StoryOptions;
    ///     const KIND: &'static str = "story";
    ///     fn check_options(o: &StoryOptions) -> wom::Result<()> {
    ///         if (0.0..=1.0).contains(&o.persuasion) { Ok(()) }
    ///         else {
    ///             Err(wom::Error::InvalidParameter {
    ///                 name: wom::FieldPath::field("persuasion"),
    ///                 value: o.persuasion.to_string(),
    ///                 reason: "must be in [0, 1]".to_string(),
    ///             })
    ///         }
    ///     }
    ///     fn from_options(_: &Network, o: StoryOptions) -> wom::Result<Story> {
    ///         Ok(Story { persuasion: o.persuasion })
    ///     }
    /// }
    ///
    /// let registry = Registry::builtin().channel::<Story>()?;
    /// let doc = |persuasion: f64| format!(r#"{{
    ///     "graph": {{"generate": {{"generator": {{"model": "gnp", "n": 200, "p": 0.05}}, "seed": 3}}}},
    ///     "seeding": {{"seeds": {{"random": {{"count": 5}}}}}},
    ///     "model": {{"campaign": {{"channels": [
    ///         {{"channel": {{"kind": "story", "persuasion": {persuasion}}}, "senders": "adopters"}},
    ///         {{"channel": {{"kind": "post", "persuasion": 0.1}}, "senders": "adopters"}}
    ///     ], "horizon": 10}}}},
    ///     "ensemble": {{"budget": {{"runs": 20}}}}
    /// }}"#);
    /// let results = Scenario::from_json_with(&registry, &doc(0.5))?.run_with(&registry, None)?;
    /// assert_eq!(results.channels, ["story", "post"]);
    ///
    /// // Its options are checked at their path ...
    /// let err = Scenario::from_json_with(&registry, &doc(2.0)).unwrap_err();
    /// assert!(err.to_string().contains("$.model.campaign.channels[0].channel.persuasion"), "{err}");
    /// // ... and without the registration, the kind is unknown.
    /// let err = Scenario::from_json(&doc(0.5)).unwrap_err();
    /// assert!(err.to_string().contains("$.model.campaign.channels[0].channel.kind"), "{err}");
    /// # Ok::<(), wom::Error>(())
    /// ```
    pub fn channel<C: ChannelFromOptions>(mut self) -> Result<Registry> {
        let kind = C::KIND;
        check_name("channel", kind)?;
        if BUILTIN_KINDS.contains(&kind) || self.channels.contains_key(kind) {
            return Err(taken("channel", kind, self.channel_kinds()));
        }
        self.channels.insert(kind, ChannelEntry::of::<C>());
        Ok(self)
    }

    /// The channel kinds a document's campaign may name: the built-in
    /// ones, then the registered ones, each in alphabetical order.
    pub fn channel_kinds(&self) -> impl Iterator<Item = &str> {
        BUILTIN_KINDS
            .into_iter()
            .chain(self.channels.keys().copied())
    }

    /// Whether a document's campaign may name the channel `kind`.
    pub fn has_channel(&self, kind: &str) -> bool {
        BUILTIN_KINDS.contains(&kind) || self.channels.contains_key(kind)
    }

    /// The entry of the registered channel `kind`, or the document error at
    /// `<path>.kind` (`path`: the channel object) listing the kinds.
    pub(super) fn channel_entry(&self, kind: &str, path: &str) -> Result<ChannelEntry> {
        self.channels.get(kind).copied().ok_or_else(|| {
            invalid(
                format!("{path}.kind"),
                format!(
                    "unknown channel kind `{kind}`; the channel kinds are {}",
                    listing(self.channel_kinds())
                ),
            )
        })
    }

    /// The model keys a document may name, in alphabetical order
    /// (`competition` included).
    pub fn model_keys(&self) -> impl Iterator<Item = &str> {
        let mut keys: Vec<&str> = self.models.keys().copied().collect();
        keys.push(COMPETITION);
        keys.sort_unstable();
        keys.into_iter()
    }

    /// The role names a network built from a document may have: the
    /// built-in roles, then the registered ones in alphabetical order.
    pub fn role_names(&self) -> impl Iterator<Item = &str> {
        BUILTIN_ROLES
            .into_iter()
            .chain(self.roles.keys().map(String::as_str))
    }

    /// Whether a document may name the model `key`.
    pub fn has_model(&self, key: &str) -> bool {
        key == COMPETITION || self.models.contains_key(key)
    }

    /// The entry of model `key`, or the document error at `$.model` that
    /// lists the registered keys.
    pub(super) fn model_entry(&self, key: &str) -> Result<ModelEntry> {
        self.models.get(key).copied().ok_or_else(|| {
            invalid(
                "$.model",
                format!(
                    "unknown model `{key}`; the registered models are {}",
                    listing(self.model_keys())
                ),
            )
        })
    }

    /// Reads the actor of a `roles.assign` entry for role `name`: the
    /// actor written back and what freezing keeps.
    pub(super) fn read_role(
        &self,
        name: &str,
        actor: Option<&Value>,
        path: &str,
    ) -> Result<(Value, RoleActor)> {
        let Some(entry) = self.roles.get(name) else {
            let reason = if BUILTIN_ROLES.contains(&name) {
                format!(
                    "`{name}` is a built-in role: assign it with `roles.opinion_leaders` or \
                     `roles.business`"
                )
            } else {
                format!(
                    "unknown role `{name}`; the registered roles are {}",
                    listing(self.roles.keys().map(String::as_str))
                )
            };
            return Err(invalid(format!("{path}.role"), reason));
        };
        let default = Value::Object(serde_json::Map::new());
        (entry.read)(actor.unwrap_or(&default), &format!("{path}.actor"))
    }
}

/// The built-in registry, built once.
pub(super) fn builtin_ref() -> &'static Registry {
    static BUILTIN: OnceLock<Registry> = OnceLock::new();
    BUILTIN.get_or_init(|| {
        let empty = Registry {
            models: BTreeMap::new(),
            roles: BTreeMap::new(),
            channels: BTreeMap::new(),
        };
        super::ModelSpec::register_table(empty).unwrap_or_else(|e| {
            // The table's keys are distinct snake_case names (a unit test
            // checks): this cannot happen.
            unreachable!("the built-in model table is inconsistent: {e}")
        })
    })
}

fn listing<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    }
}

fn taken<'a>(kind: &str, name: &str, names: impl Iterator<Item = &'a str>) -> Error {
    Error::param(
        kind,
        name,
        format!("is already registered (taken: {})", listing(names)),
    )
}

/// Document keys are snake_case, so that a key reads the same in every
/// document and results document.
fn check_name(kind: &str, name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(Error::param(
            kind,
            format!("{name:?}"),
            "a name in documents is snake_case: a lowercase letter, then lowercase letters, \
             digits and `_`",
        ))
    }
}

/// Deserializes `value` as `T`, naming the path of a field that does not
/// fit below `path`.
fn read_at<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let inner = e.path().to_string();
        let reason = e.into_inner().to_string();
        let here = if inner == "." || inner.is_empty() {
            path.to_string()
        } else {
            format!("{path}.{inner}")
        };
        invalid(here, reason)
    })
}

/// `T` read at `path`, written back, and the first field of `value` the
/// echo lacks refused: a field the type does not read is an error, not
/// silently dropped.
pub(super) fn read_echo<T: DeserializeOwned + Serialize>(
    value: &Value,
    path: &str,
) -> Result<(T, Value)> {
    let parsed: T = read_at(value, path)?;
    let echo = serde_json::to_value(&parsed).map_err(|e| invalid(path, e.to_string()))?;
    if let Some(p) = ignored_field(value, &echo, path) {
        return Err(invalid(
            p,
            "unknown field: no part of the scenario reads it",
        ));
    }
    Ok((parsed, echo))
}

fn check_model<M: FromOptions>(options: &Value, path: &str) -> Result<Value> {
    let (parsed, echo) = read_echo::<M::Options>(options, path)?;
    M::check_options(&parsed).map_err(field_at(path))?;
    Ok(echo)
}

fn run_model<M: FromOptions + Sync>(
    options: &Value,
    run: &Runner<'_>,
) -> Result<(KpiReport, Vec<String>)> {
    let path = format!("$.model.{}", M::KEY);
    let options: M::Options = read_at(options, &path)?;
    run.build::<M>(&options)
}

fn read_role<A: Actor + Default + Serialize + DeserializeOwned>(
    value: &Value,
    path: &str,
) -> Result<(Value, RoleActor)> {
    let (actor, echo) = read_echo::<A>(value, path)?;
    let expected = A::default().role().to_string();
    if actor.role() != expected {
        return Err(invalid(
            path,
            format!(
                "this actor's role is `{}`, not the registered `{expected}`",
                actor.role()
            ),
        ));
    }
    Ok((
        echo,
        RoleActor {
            role: expected,
            profile: actor.profile(),
            sponsorship: actor.sponsorship(),
        },
    ))
}

/// What a network built from a document keeps of a registered role's
/// actor: its name, profile and sponsorship.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RoleActor {
    role: String,
    profile: Profile,
    sponsorship: Sponsorship,
}

/// The actors of a network built from a document that assigns registered
/// roles: a built-in actor, or what a registered role's actor keeps.
#[derive(Debug, Clone)]
pub(super) enum DocumentActor {
    Builtin(BuiltinActor),
    Registered(RoleActor),
}

impl Actor for DocumentActor {
    fn role(&self) -> &str {
        match self {
            DocumentActor::Builtin(a) => a.role(),
            DocumentActor::Registered(a) => &a.role,
        }
    }
    fn profile(&self) -> Profile {
        match self {
            DocumentActor::Builtin(a) => a.profile(),
            DocumentActor::Registered(a) => a.profile,
        }
    }
    fn sponsorship(&self) -> Sponsorship {
        match self {
            DocumentActor::Builtin(a) => a.sponsorship(),
            DocumentActor::Registered(a) => a.sponsorship,
        }
    }
}

impl From<OpinionLeader> for DocumentActor {
    fn from(a: OpinionLeader) -> Self {
        DocumentActor::Builtin(a.into())
    }
}

impl From<BusinessOrganization> for DocumentActor {
    fn from(a: BusinessOrganization) -> Self {
        DocumentActor::Builtin(a.into())
    }
}
