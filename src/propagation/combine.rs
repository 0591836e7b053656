//! Composition: several models in one run over one adoption record.
//!
//! Two strategies stepped side by side, each with its own state, do not
//! know of each other's adopters: a node one of them has won can be won
//! again by the other, and counted twice. A model that implements
//! [`Joint`] can be told of the adopters of the other models of a
//! composition ([`Joint::adopt_external`]); [`Together`] runs two such
//! models in one run so that every node adopts once, through the model and
//! channel that won it first, and nests (`Together<A, Together<B, C>>`)
//! for more.
//!
//! # Semantics
//! * **Start.** Each component's [`start`](Model::start) places the seeds
//!   in its own state; the seeds are reported once (by the first
//!   component).
//! * **Synchronous steps, A then B.** Step t runs A's step t, then B's
//!   step t. Each adoption is handed to the other component as it is
//!   reported: A's adopters of step t reach B before B's step t (B never
//!   adopts them, and they act on B's rule from step t + 1, as B's own
//!   adopters of step t would); B's adopters of step t reach A after A's
//!   step t (from A's step t + 1, likewise). Within a step A has the first
//!   claim on a node. The random numbers are A's draws then B's, every
//!   step: runs are reproducible.
//! * **Finishing.** Each component is stepped at every step of the run,
//!   also after it has said [`StepOutcome::Finished`], since adopters
//!   handed over by the other can start it again (a finished cascade gets
//!   a new frontier). The composition finishes at the first step where
//!   both components say `Finished` and B adopted nobody (so A has nothing
//!   new to act on).
//! * **Attribution.** [`channel_names`](Model::channel_names) are A's then
//!   B's, each qualified by its component's label (the model's name unless
//!   set with [`Together::with_labels`]): `"independent_cascade:tie"`,
//!   `"bass:advertising"`. Events of B's channel k carry
//!   `ChannelId(k + A's channel count)`, so KPIs by channel attribute
//!   every adoption to the model and channel that caused it. Quantities
//!   are concatenated (qualified the same way) and spends summed.
//! * **Exposure.** A node is reported exposed once, by the first component
//!   that exposes it.
//!
//! The engine ([`Simulation`](super::Simulation)) checks the result: each
//! node adopts at most once per run (a second report panics in debug
//! builds and is dropped in release builds).
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::bass::{Bass, BassOptions};
//! use wom::propagation::{IndependentCascade, Model, Recorder, Simulation, Together};
//!
//! // A path 0 -> 1 -> 2 -> 3: a sure cascade from 0, and advertising
//! // that reaches everyone at step 1.
//! let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)])?;
//! let ic = IndependentCascade::uniform(&net, 1.0)?;
//! let ads = Bass::new(&net, BassOptions { p: 1.0, q: 0.0 })?;
//! let both = Together::new(&ic, &ads);
//! assert_eq!(
//!     both.channel_names(),
//!     ["independent_cascade:tie", "bass:tie", "bass:advertising"]
//! );
//! let mut rec = Recorder::new();
//! let out = Simulation::new(&net, &both).run(&[0], 1, 0, &mut rec)?;
//! // Step 1: the cascade wins 1 first, advertising the rest: 4 adopters,
//! // each once.
//! assert_eq!((out.adopted, out.repeated_adoptions), (4, 0));
//! let channels: Vec<u16> = rec.cascade().iter().map(|e| e.channel.0).collect();
//! assert_eq!(channels, [0, 0, 2, 2]);
//! # Ok::<(), wom::Error>(())
//! ```

use rand::Rng;

use super::kernel::EpochMarks;
use super::{Event, Model, Observer, StepOutcome};
use crate::error::Result;
use crate::message::ChannelId;
use crate::network::Network;

/// A model that can share one adoption record with other models of a
/// composition ([`Together`]).
///
/// One required method, [`adopt_external`](Joint::adopt_external):
/// another model of the composition adopted `node` at `step`. The model
/// must treat `node` as adopted from then on (never adopt it, nor report
/// it, again) and as one of its own adopters of that step in its rule
/// (it influences others as the model's own adopter of `step` would).
///
/// Contract with the composition, which implementers may rely on:
/// * `adopt_external` is called between the model's calls to
///   [`start`](Model::start) and [`step`](Model::step), never during one,
///   with a `step` that is either the model's next step (the other model
///   ran first in this step) or its last one (the other model ran after
///   it); a model tells them apart by remembering the last step it ran;
/// * it may be called for a node the model knows as adopted (then it does
///   nothing);
/// * [`step`](Model::step) is called again after the model said
///   [`StepOutcome::Finished`]: with nothing handed over since, such a step
///   must change nothing.
///
/// The built-ins' semantics are in their implementations:
/// [`IndependentCascade`](super::IndependentCascade) (the node gets its one
/// chance to activate each out-neighbour at the next step),
/// [`LinearThreshold`](super::LinearThreshold) (its weight counts toward
/// the out-neighbours' thresholds from the next step) and
/// [`Bass`](super::Bass) (it counts as an adopted in-neighbour from the next
/// step).
///
/// # Example
/// A cascade told that node 1 adopted elsewhere at step 1 goes on from
/// it at step 2:
/// ```
/// use wom::Network;
/// use wom::propagation::{IndependentCascade, Joint, Model, StepOutcome};
///
/// let net = Network::from_arcs(3, [(0, 1, 0.0), (1, 2, 1.0)])?;
/// let ic = IndependentCascade::with_probabilities(&net, |_, _, t| f64::from(t))?;
/// let mut state = ic.new_state(&net);
/// let mut rng = wom::rng::stream_rng(1, 0);
/// ic.start(&net, &mut state, &[0], &mut rng, &mut ());
/// ic.step(&net, &mut state, 1, &mut rng, &mut ()); // 0 -> 1 fails
/// ic.adopt_external(&net, &mut state, 1, 1);
/// assert!(state.is_active(1) && !state.is_active(2));
/// assert_eq!(ic.step(&net, &mut state, 2, &mut rng, &mut ()), StepOutcome::Active);
/// assert!(state.is_active(2));
/// # Ok::<(), wom::Error>(())
/// ```
pub trait Joint: Model {
    /// Another model of the composition adopted `node` at `step`: treat it
    /// as adopted, and as an adopter of this model of that step.
    fn adopt_external(&self, network: &Network, state: &mut Self::State, node: u32, step: u32);

    /// The name a composition gives one of this model's channels or
    /// quantities, `name`, when it calls the model `label`. Default:
    /// `"label:name"`; a composition ([`Together`]) keeps its components'
    /// names as they are.
    fn qualified_name(&self, label: &str, name: &str) -> String {
        format!("{label}:{name}")
    }
}

/// Models behind references compose as themselves.
impl<S: Joint + ?Sized> Joint for &S {
    fn adopt_external(&self, network: &Network, state: &mut Self::State, node: u32, step: u32) {
        (**self).adopt_external(network, state, node, step)
    }
    fn qualified_name(&self, label: &str, name: &str) -> String {
        (**self).qualified_name(label, name)
    }
}

/// Two models in one run over one adoption record: A's step, then B's,
/// at every step, each handing its adopters to the other (see the
/// [module docs](self) for the exact semantics and attribution).
///
/// Nest it for more than two models: `Together<A, Together<B, C>>` runs A,
/// B, C in that order, with channels A's, then B's, then C's.
///
/// Complexity: the components' own costs, plus O(1) per adoption (the
/// hand-over) and per exposure (one mark); 4 bytes per node of state
/// besides the components'.
///
/// # Example
/// Three models, nested:
/// ```
/// use wom::Network;
/// use wom::propagation::bass::{Bass, BassOptions};
/// use wom::propagation::lt::{LinearThreshold, LtWeights};
/// use wom::propagation::{IndependentCascade, Model, Simulation, Together};
///
/// let net = Network::from_arcs(4, [(0, 1, 0.5), (1, 2, 0.5), (2, 3, 0.5), (3, 0, 0.5)])?;
/// let ic = IndependentCascade::uniform(&net, 0.3)?;
/// let lt = LinearThreshold::random(&net, LtWeights::Uniform);
/// let bass = Bass::new(&net, BassOptions { p: 0.05, q: 0.2 })?;
/// let all = Together::new(&ic, Together::new(&lt, &bass)).with_labels("wom", "rest");
/// assert_eq!(all.name(), "independent_cascade+linear_threshold+bass");
/// assert_eq!(all.channel_names()[..2], ["wom:tie", "linear_threshold:tie"]);
/// let out = Simulation::new(&net, &all).run(&[0], 7, 0, &mut ())?;
/// assert_eq!(out.repeated_adoptions, 0);
/// assert!(out.adopted >= 1 && out.adopted <= 4);
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Together<A, B> {
    first: A,
    second: B,
    name: String,
    labels: [String; 2],
    /// A's channel count: B's channel k is `k + offset`.
    offset: u16,
    /// A's quantity count.
    first_quantities: usize,
}

/// Working memory of a [`Together`] run: each component's state, and the
/// nodes exposed so far.
#[derive(Debug, Clone)]
pub struct TogetherState<SA, SB> {
    first: SA,
    second: SB,
    exposed: EpochMarks,
}

impl<SA, SB> TogetherState<SA, SB> {
    /// The first component's state.
    pub fn first(&self) -> &SA {
        &self.first
    }

    /// The second component's state.
    pub fn second(&self) -> &SB {
        &self.second
    }

    /// Whether `node` has been exposed in the current run (by any
    /// component).
    pub fn is_exposed(&self, node: u32) -> bool {
        self.exposed.is_marked(node as usize)
    }
}

impl<A: Joint, B: Joint> Together<A, B> {
    /// `first` and `second` in one run, `first` stepping first; each is
    /// labelled by its [`name`](Model::name) in channel and quantity
    /// names. O(channels) time.
    pub fn new(first: A, second: B) -> Self {
        let name = format!("{}+{}", first.name(), second.name());
        let labels = [first.name().to_string(), second.name().to_string()];
        // Channel ids are 16-bit: a model with more channels than that has
        // no id for the rest anyway.
        let offset = u16::try_from(first.channel_names().len()).unwrap_or(u16::MAX);
        let first_quantities = first.quantity_names().len();
        Together {
            first,
            second,
            name,
            labels,
            offset,
            first_quantities,
        }
    }

    /// The composition with its components labelled `first` and `second`
    /// in channel and quantity names (`"first:tie"`), e.g. to tell two
    /// copies of one model apart. A component that is itself a
    /// composition keeps its own components' labels.
    #[must_use]
    pub fn with_labels(mut self, first: &str, second: &str) -> Self {
        self.labels = [first.to_string(), second.to_string()];
        self
    }

    /// The first component.
    pub fn first(&self) -> &A {
        &self.first
    }

    /// The second component.
    pub fn second(&self) -> &B {
        &self.second
    }

    /// The offset of the second component's channels: its channel k is
    /// `ChannelId(k + offset)` in the composition's events.
    pub fn channel_offset(&self) -> u16 {
        self.offset
    }
}

/// Passes one component's events on, after handing its adoptions to the
/// other component and dropping repeated exposures.
struct Relay<'r, O: ?Sized, M: Joint> {
    out: &'r mut O,
    other: &'r M,
    other_state: &'r mut M::State,
    network: &'r Network,
    exposed: &'r mut EpochMarks,
    offset: u16,
    adopted: bool,
}

impl<O: ?Sized, M: Joint> Relay<'_, O, M> {
    #[inline]
    fn shifted(&self, event: &Event) -> Event {
        Event {
            channel: ChannelId(event.channel.0.saturating_add(self.offset)),
            ..*event
        }
    }
}

impl<O: Observer + ?Sized, M: Joint> Observer for Relay<'_, O, M> {
    fn step_begins(&mut self, step: u32) {
        self.out.step_begins(step);
    }
    fn exposed(&mut self, event: &Event) {
        let i = event.node as usize;
        if i < self.exposed.len() && self.exposed.test_and_mark(i) {
            return;
        }
        let e = self.shifted(event);
        self.out.exposed(&e);
    }
    fn adopted(&mut self, event: &Event) {
        let i = event.node as usize;
        if i < self.exposed.len() {
            self.exposed.mark(i);
            self.other
                .adopt_external(self.network, self.other_state, event.node, event.step);
        }
        self.adopted = true;
        let e = self.shifted(event);
        self.out.adopted(&e);
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        self.out.deactivated(node, step);
    }
    fn step_ends(&mut self, step: u32) {
        self.out.step_ends(step);
    }
}

/// Marks the seeds exposed and passes them on.
struct Seeding<'r, O: ?Sized> {
    out: &'r mut O,
    exposed: &'r mut EpochMarks,
}

impl<O: Observer + ?Sized> Observer for Seeding<'_, O> {
    fn exposed(&mut self, event: &Event) {
        let i = event.node as usize;
        if i < self.exposed.len() && self.exposed.test_and_mark(i) {
            return;
        }
        self.out.exposed(event);
    }
    fn adopted(&mut self, event: &Event) {
        let i = event.node as usize;
        if i < self.exposed.len() {
            self.exposed.mark(i);
        }
        self.out.adopted(event);
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        self.out.deactivated(node, step);
    }
}

impl<A: Joint, B: Joint> Model for Together<A, B> {
    type State = TogetherState<A::State, B::State>;

    /// The components' names joined by `+`.
    fn name(&self) -> &str {
        &self.name
    }

    fn new_state(&self, network: &Network) -> Self::State {
        TogetherState {
            first: self.first.new_state(network),
            second: self.second.new_state(network),
            exposed: EpochMarks::new(network.node_count()),
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.exposed.next_epoch();
        let mut seeding = Seeding {
            out: observer,
            exposed: &mut state.exposed,
        };
        self.first
            .start(network, &mut state.first, seeds, rng, &mut seeding);
        // The same seeds: reported once, by the first component.
        self.second
            .start(network, &mut state.second, seeds, rng, &mut ());
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let TogetherState {
            first,
            second,
            exposed,
        } = state;
        let mut relay = Relay {
            out: &mut *observer,
            other: &self.second,
            other_state: &mut *second,
            network,
            exposed: &mut *exposed,
            offset: 0,
            adopted: false,
        };
        let a = self.first.step(network, first, step, rng, &mut relay);
        let mut relay = Relay {
            out: &mut *observer,
            other: &self.first,
            other_state: &mut *first,
            network,
            exposed: &mut *exposed,
            offset: self.offset,
            adopted: false,
        };
        let b = self.second.step(network, second, step, rng, &mut relay);
        // B's adopters of this step reached A after its step: A has them
        // still to act on.
        if a == StepOutcome::Finished && b == StepOutcome::Finished && !relay.adopted {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }

    /// Both components' checks.
    fn check_network(&self, network: &Network) -> Result<()> {
        self.first.check_network(network)?;
        self.second.check_network(network)
    }

    /// Both components' checks.
    fn check_seeds(&self, network: &Network, seeds: &[u32]) -> Result<()> {
        self.first.check_seeds(network, seeds)?;
        self.second.check_seeds(network, seeds)
    }

    /// The first component's channels, then the second's, each qualified
    /// by its label ([`Joint::qualified_name`]).
    fn channel_names(&self) -> Vec<String> {
        qualified(
            &self.first,
            &self.labels[0],
            self.first.channel_names(),
            &self.second,
            &self.labels[1],
            self.second.channel_names(),
        )
    }

    /// The first component's quantities, then the second's, each qualified
    /// by its label.
    fn quantity_names(&self) -> Vec<String> {
        qualified(
            &self.first,
            &self.labels[0],
            self.first.quantity_names(),
            &self.second,
            &self.labels[1],
            self.second.quantity_names(),
        )
    }

    fn quantities(&self, state: &Self::State, out: &mut [f64]) {
        let (a, b) = out.split_at_mut(self.first_quantities.min(out.len()));
        self.first.quantities(&state.first, a);
        self.second.quantities(&state.second, b);
    }

    /// The sum of both components' spends.
    fn spend(&self, state: &Self::State) -> f64 {
        self.first.spend(&state.first) + self.second.spend(&state.second)
    }
}

fn qualified<A: Joint, B: Joint>(
    first: &A,
    first_label: &str,
    first_names: Vec<String>,
    second: &B,
    second_label: &str,
    second_names: Vec<String>,
) -> Vec<String> {
    let a = first_names
        .iter()
        .map(|n| first.qualified_name(first_label, n));
    let b = second_names
        .iter()
        .map(|n| second.qualified_name(second_label, n));
    a.chain(b).collect()
}

/// A composition hands an outside adopter to both components; it names
/// its channels and quantities as its components do.
impl<A: Joint, B: Joint> Joint for Together<A, B> {
    fn adopt_external(&self, network: &Network, state: &mut Self::State, node: u32, step: u32) {
        let i = node as usize;
        if i < state.exposed.len() {
            state.exposed.mark(i);
        }
        self.first
            .adopt_external(network, &mut state.first, node, step);
        self.second
            .adopt_external(network, &mut state.second, node, step);
    }

    fn qualified_name(&self, _label: &str, name: &str) -> String {
        name.to_string()
    }
}
