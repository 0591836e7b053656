//! Observers of a run: hooks with no-op defaults, `()` and tuples, a
//! counter and a recorder.

use serde::{Deserialize, Serialize};

use crate::message::ChannelId;

/// One exposure or adoption: who, because of whom, through which channel,
/// when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// The node exposed or adopting.
    pub node: u32,
    /// The node whose message caused it; `None` for seeds and for influence
    /// from outside the graph (advertising).
    pub sender: Option<u32>,
    /// The channel it came through (an index into the model's
    /// [`channel_names`](super::Model::channel_names)).
    pub channel: ChannelId,
    /// The step (0 for seeds).
    pub step: u32,
}

impl Event {
    /// A seed's event: `node` adopted at step 0 with no sender, through
    /// channel 0 (the convention every built-in model follows).
    #[inline]
    pub fn seed(node: u32) -> Event {
        Event {
            node,
            sender: None,
            channel: ChannelId(0),
            step: 0,
        }
    }
}

/// Reports a node that hears of the product and adopts in the same event:
/// [`exposed`](Observer::exposed), then [`adopted`](Observer::adopted), in
/// the order the observer convention asks for.
///
/// ```
/// use wom::propagation::{Counter, Event, exposed_and_adopted};
/// let mut counter = Counter::default();
/// exposed_and_adopted(&mut counter, &Event::seed(7));
/// assert_eq!((counter.exposed, counter.adopted), (1, 1));
/// ```
#[inline]
pub fn exposed_and_adopted<O: Observer + ?Sized>(observer: &mut O, event: &Event) {
    observer.exposed(event);
    observer.adopted(event);
}

/// Watches a run. Every hook has a no-op default, so an observer implements
/// only what it needs, and `()` observes nothing at no cost. A pair or
/// triple of observers is an observer that calls each in turn.
///
/// Models call [`adopted`](Observer::adopted) once per adopting node,
/// and [`exposed`](Observer::exposed) once per node, the first time it hears
/// of the product (an adopting node is exposed first).
pub trait Observer {
    /// A step begins (0 is the seeding step).
    fn step_begins(&mut self, step: u32) {
        let _ = step;
    }
    /// A node hears of the product for the first time.
    fn exposed(&mut self, event: &Event) {
        let _ = event;
    }
    /// A node adopts.
    fn adopted(&mut self, event: &Event) {
        let _ = event;
    }
    /// A node leaves the active state: recovers (SIR), becomes a stifler
    /// (rumor), stops talking.
    fn deactivated(&mut self, node: u32, step: u32) {
        let _ = (node, step);
    }
    /// A step ends.
    fn step_ends(&mut self, step: u32) {
        let _ = step;
    }
}

impl Observer for () {}

impl<O: Observer + ?Sized> Observer for &mut O {
    fn step_begins(&mut self, step: u32) {
        (**self).step_begins(step)
    }
    fn exposed(&mut self, event: &Event) {
        (**self).exposed(event)
    }
    fn adopted(&mut self, event: &Event) {
        (**self).adopted(event)
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        (**self).deactivated(node, step)
    }
    fn step_ends(&mut self, step: u32) {
        (**self).step_ends(step)
    }
}

impl<A: Observer, B: Observer + ?Sized> Observer for (A, B) {
    fn step_begins(&mut self, step: u32) {
        self.0.step_begins(step);
        self.1.step_begins(step);
    }
    fn exposed(&mut self, event: &Event) {
        self.0.exposed(event);
        self.1.exposed(event);
    }
    fn adopted(&mut self, event: &Event) {
        self.0.adopted(event);
        self.1.adopted(event);
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        self.0.deactivated(node, step);
        self.1.deactivated(node, step);
    }
    fn step_ends(&mut self, step: u32) {
        self.0.step_ends(step);
        self.1.step_ends(step);
    }
}

impl<A: Observer, B: Observer, C: Observer> Observer for (A, B, C) {
    fn step_begins(&mut self, step: u32) {
        self.0.step_begins(step);
        self.1.step_begins(step);
        self.2.step_begins(step);
    }
    fn exposed(&mut self, event: &Event) {
        self.0.exposed(event);
        self.1.exposed(event);
        self.2.exposed(event);
    }
    fn adopted(&mut self, event: &Event) {
        self.0.adopted(event);
        self.1.adopted(event);
        self.2.adopted(event);
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        self.0.deactivated(node, step);
        self.1.deactivated(node, step);
        self.2.deactivated(node, step);
    }
    fn step_ends(&mut self, step: u32) {
        self.0.step_ends(step);
        self.1.step_ends(step);
        self.2.step_ends(step);
    }
}

/// Counts adoptions and exposures: what the engine itself keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counter {
    /// Adoptions so far.
    pub adopted: usize,
    /// Exposures so far.
    pub exposed: usize,
}

impl Observer for Counter {
    #[inline]
    fn exposed(&mut self, _: &Event) {
        self.exposed += 1;
    }
    #[inline]
    fn adopted(&mut self, _: &Event) {
        self.adopted += 1;
    }
}

/// One link of a cascade: `node` adopted because of `sender` (or a seed or
/// outside influence when `None`), through `channel`, at `step`.
pub type CascadeLink = Event;

/// Records one run: adopted and exposed counts, new adoptions per step, and
/// the cascade (who adopted because of whom, through which channel, at which
/// step). Reusable: [`clear`](Recorder::clear) keeps the allocations, and
/// the engine's start clears it through [`step_begins`](Observer::step_begins)
/// at step 0.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recorder {
    adopted: usize,
    exposed: usize,
    per_step: Vec<usize>,
    cascade: Vec<CascadeLink>,
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Recorder::default()
    }

    /// Forgets the run, keeping the allocations.
    pub fn clear(&mut self) {
        self.adopted = 0;
        self.exposed = 0;
        self.per_step.clear();
        self.cascade.clear();
    }

    /// Nodes that adopted, seeds included.
    pub fn adopted(&self) -> usize {
        self.adopted
    }

    /// Nodes exposed, seeds included.
    pub fn exposed(&self) -> usize {
        self.exposed
    }

    /// New adoptions at each step, step 0 (the seeds) first.
    pub fn new_adoptions_per_step(&self) -> &[usize] {
        &self.per_step
    }

    /// Cumulative adoptions after each step.
    pub fn adoption_curve(&self) -> Vec<usize> {
        self.per_step
            .iter()
            .scan(0, |total, &n| {
                *total += n;
                Some(*total)
            })
            .collect()
    }

    /// Every adoption in the order it happened.
    pub fn cascade(&self) -> &[CascadeLink] {
        &self.cascade
    }
}

impl Observer for Recorder {
    fn step_begins(&mut self, step: u32) {
        if step == 0 {
            self.clear();
        }
        let needed = step as usize + 1;
        if self.per_step.len() < needed {
            self.per_step.resize(needed, 0);
        }
    }
    fn exposed(&mut self, _: &Event) {
        self.exposed += 1;
    }
    fn adopted(&mut self, event: &Event) {
        self.adopted += 1;
        let i = event.step as usize;
        if self.per_step.len() <= i {
            self.per_step.resize(i + 1, 0);
        }
        self.per_step[i] += 1;
        self.cascade.push(*event);
    }
}
