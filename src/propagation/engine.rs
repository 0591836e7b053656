//! The engine: runs a [`Model`] on a network, step by step or to the end,
//! one reusable working state per thread, and keeps the adoption record:
//! each node adopts at most once per run.

use serde::{Deserialize, Serialize};

use super::kernel::EpochMarks;
use super::observe::{Counter, Event, Observer};
use super::{Model, StepOutcome};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::rng::{WomRng, stream_rng};

/// What one run produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Nodes that adopted, seeds included.
    pub adopted: usize,
    /// Nodes that were exposed (became aware), seeds included.
    pub exposed: usize,
    /// Steps taken until the model finished or the step limit.
    pub steps: u32,
    /// Whether the model finished on its own (`false`: the step limit
    /// stopped it).
    pub finished: bool,
    /// Adoption reports of a node that had adopted already in this run,
    /// which the engine dropped (see [`Simulation`]): 0 for every correct
    /// model. Only release builds get this far; debug builds panic at the
    /// first one. Left out of JSON when 0.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub repeated_adoptions: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The engine: runs a model on a network, reusing one working state.
///
/// Create one per thread; each run re-seeds its own generator from
/// `(master_seed, run_index)`, so the order of runs does not matter.
///
/// # One adoption record
/// The engine keeps the run's adoption record and enforces its rule:
/// **each node adopts at most once per run**. Every adoption a model
/// reports passes through the engine first (one epoch-mark test per
/// adoption, O(1)): the first report of a node is counted and passed on to
/// the observer; a second report of the same node is a bug of the model
/// (two strategies stepped over one node without sharing a record, say).
/// In debug builds (and tests) it panics, naming the node, the model and
/// the step; in release builds it is dropped, so the observer (KPIs,
/// recorders, ensembles) never counts a node twice, and counted in
/// [`RunOutcome::repeated_adoptions`]. A model that tests a per-node mark
/// itself before every report (the built-in cascade, threshold and Bass
/// kernels) says so with [`Model::ADOPTS_ONCE`]; release builds then skip
/// the engine's second test of the same fact, which would cost those
/// kernels 5 to 10% of their instructions, and debug builds keep it.
/// Exposures are passed on as the model reports them. Models that share
/// one record on purpose are composed with [`Together`](super::Together).
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::{IndependentCascade, Simulation};
///
/// let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
/// let ic = IndependentCascade::uniform(&net, 1.0)?;
/// let out = Simulation::new(&net, &ic).run(&[0], 42, 0, &mut ())?;
/// assert_eq!((out.adopted, out.repeated_adoptions), (3, 0));
/// # Ok::<(), wom::Error>(())
/// ```
#[derive(Debug)]
pub struct Simulation<'a, S: Model> {
    network: &'a Network,
    model: S,
    pub(crate) state: S::State,
    /// The seeds while they are checked, then the run's adopters.
    seen: EpochMarks,
    max_steps: u32,
    rng: WomRng,
    step: u32,
    status: StepOutcome,
    counter: Counter,
    repeated: usize,
}

/// The step limit of a [`Simulation`] unless set otherwise: a million.
///
/// A limit, not a length: diffusions on social networks end by themselves
/// in tens or hundreds of steps, and the limit only stops runs that never
/// end (an SIS above its epidemic threshold, a model that keeps talking),
/// late enough that no run which would end is cut short in practice. Such
/// a run costs time in proportion to the limit but no more memory than
/// [`MAX_CURVE_POINTS`](crate::ensemble::MAX_CURVE_POINTS) points per
/// curve; set `max_steps` to what the study's time scale means (50 weekly
/// steps is a year).
pub const DEFAULT_MAX_STEPS: u32 = 1_000_000;

impl<'a, S: Model> Simulation<'a, S> {
    /// An engine for `model` on `network`, with its working state.
    pub fn new(network: &'a Network, model: S) -> Self {
        let state = model.new_state(network);
        Simulation {
            network,
            model,
            state,
            seen: EpochMarks::new(network.node_count()),
            max_steps: DEFAULT_MAX_STEPS,
            rng: stream_rng(0, 0),
            step: 0,
            status: StepOutcome::Finished,
            counter: Counter::default(),
            repeated: 0,
        }
    }

    /// Stops runs after `max_steps` steps (default [`DEFAULT_MAX_STEPS`]);
    /// models that never finish on their own (SIS) need it.
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// The model.
    pub fn model(&self) -> &S {
        &self.model
    }

    /// The model's working state (between or after runs).
    pub fn state(&self) -> &S::State {
        &self.state
    }

    /// Checks seeds: every one a node of the network, none repeated.
    fn check_seeds(&mut self, seeds: &[u32]) -> Result<()> {
        self.seen.next_epoch();
        let n = self.network.node_count();
        for &s in seeds {
            if s as usize >= n {
                return Err(Error::UnknownNode {
                    id: format!("seed index {s} (network has {n} nodes)"),
                });
            }
            if self.seen.test_and_mark(s as usize) {
                return Err(Error::param("seeds", s, "a seed is listed twice"));
            }
        }
        Ok(())
    }

    /// Starts run `run_index` under `master_seed` from `seeds` (internal
    /// indices; see [`Network::index_of`]): resets the state, seeds the
    /// generator and places the seeds. Then call [`step`](Self::step).
    ///
    /// # Errors
    /// [`Error::UnknownNode`] for a seed that is not a node,
    /// [`Error::InvalidParameter`] for a seed listed twice, for a model
    /// prepared for another network, and whatever the model's
    /// [`check_seeds`](Model::check_seeds) rejects.
    pub fn start<O: Observer + ?Sized>(
        &mut self,
        seeds: &[u32],
        master_seed: u64,
        run_index: u64,
        observer: &mut O,
    ) -> Result<()> {
        self.model.check_network(self.network)?;
        self.check_seeds(seeds)?;
        self.model.check_seeds(self.network, seeds)?;
        self.rng = stream_rng(master_seed, run_index);
        self.counter = Counter::default();
        self.repeated = 0;
        self.step = 0;
        // The marks held the seeds while they were checked; from now on
        // they hold the run's adopters.
        self.seen.next_epoch();
        observer.step_begins(0);
        let mut guard = Guard {
            adopters: &mut self.seen,
            counter: &mut self.counter,
            repeated: &mut self.repeated,
            model: &self.model,
            observer: &mut *observer,
        };
        self.model.start(
            self.network,
            &mut self.state,
            seeds,
            &mut self.rng,
            &mut guard,
        );
        observer.step_ends(0);
        self.status = StepOutcome::Active;
        Ok(())
    }

    /// Advances one step; returns whether the run may go on. After the
    /// model finished or the step limit, does nothing and returns
    /// [`StepOutcome::Finished`].
    pub fn step<O: Observer + ?Sized>(&mut self, observer: &mut O) -> StepOutcome {
        if self.status == StepOutcome::Finished || self.step >= self.max_steps {
            return StepOutcome::Finished;
        }
        self.step += 1;
        observer.step_begins(self.step);
        let mut guard = Guard {
            adopters: &mut self.seen,
            counter: &mut self.counter,
            repeated: &mut self.repeated,
            model: &self.model,
            observer: &mut *observer,
        };
        self.status = self.model.step(
            self.network,
            &mut self.state,
            self.step,
            &mut self.rng,
            &mut guard,
        );
        observer.step_ends(self.step);
        if self.step >= self.max_steps {
            return StepOutcome::Finished;
        }
        self.status
    }

    /// What the current run has produced so far.
    pub fn outcome(&self) -> RunOutcome {
        RunOutcome {
            adopted: self.counter.adopted,
            exposed: self.counter.exposed,
            steps: self.step,
            finished: self.status == StepOutcome::Finished,
            repeated_adoptions: self.repeated,
        }
    }

    /// Runs `run_index` under `master_seed` from `seeds` to completion (or
    /// the step limit).
    ///
    /// # Errors
    /// As [`start`](Self::start).
    pub fn run<O: Observer + ?Sized>(
        &mut self,
        seeds: &[u32],
        master_seed: u64,
        run_index: u64,
        observer: &mut O,
    ) -> Result<RunOutcome> {
        self.start(seeds, master_seed, run_index, observer)?;
        while self.step(observer) == StepOutcome::Active {}
        Ok(self.outcome())
    }
}

/// What the engine puts between a model and the caller's observer: counts
/// exposures and adoptions, and lets each node adopt once.
struct Guard<'g, S: ?Sized, O: ?Sized> {
    adopters: &'g mut EpochMarks,
    counter: &'g mut Counter,
    repeated: &'g mut usize,
    /// For the message of a repeated adoption only.
    model: &'g S,
    observer: &'g mut O,
}

impl<S: Model + ?Sized, O: Observer + ?Sized> Guard<'_, S, O> {
    /// Whether adoptions are tested: always in debug builds; in release
    /// builds unless the model vouches for its reports
    /// ([`Model::ADOPTS_ONCE`]).
    const TESTS: bool = cfg!(debug_assertions) || !S::ADOPTS_ONCE;

    /// A node reported as adopted a second time: drops the report. Takes
    /// the event's fields by value, so that a model's event need not be
    /// written to memory for the rare call.
    #[cold]
    #[inline(never)]
    fn repeated(&mut self, node: u32, step: u32, channel: u16) {
        *self.repeated += 1;
        debug_assert!(
            false,
            "model `{}` reported node {node} as adopted at step {step} (channel {channel}), \
             but it had adopted already in this run: each node adopts at most once",
            self.model.name(),
        );
        let _ = (node, step, channel);
    }
}

impl<S: Model + ?Sized, O: Observer + ?Sized> Observer for Guard<'_, S, O> {
    #[inline]
    fn step_begins(&mut self, step: u32) {
        self.observer.step_begins(step);
    }
    #[inline]
    fn exposed(&mut self, event: &Event) {
        self.counter.exposed += 1;
        self.observer.exposed(event);
    }
    #[inline]
    fn adopted(&mut self, event: &Event) {
        let i = event.node as usize;
        // A node outside the network has no mark; it is passed on as the
        // model reports it.
        if Self::TESTS && i < self.adopters.len() && self.adopters.test_and_mark(i) {
            self.repeated(event.node, event.step, event.channel.0);
            return;
        }
        self.counter.adopted += 1;
        self.observer.adopted(event);
    }
    #[inline]
    fn deactivated(&mut self, node: u32, step: u32) {
        self.observer.deactivated(node, step);
    }
    #[inline]
    fn step_ends(&mut self, step: u32) {
        self.observer.step_ends(step);
    }
}
