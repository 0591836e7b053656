//! The engine: runs a [`Model`] on a network, step by step or to the end,
//! one reusable working state per thread.

use serde::{Deserialize, Serialize};

use super::kernel::EpochMarks;
use super::observe::{Counter, Observer};
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
}

/// The engine: runs a model on a network, reusing one working state.
///
/// Create one per thread; each run re-seeds its own generator from
/// `(master_seed, run_index)`, so the order of runs does not matter.
#[derive(Debug)]
pub struct Simulation<'a, S: Model> {
    network: &'a Network,
    model: S,
    pub(crate) state: S::State,
    seen: EpochMarks,
    max_steps: u32,
    rng: WomRng,
    step: u32,
    status: StepOutcome,
    counter: Counter,
}

/// The step limit of a [`Simulation`] unless set otherwise.
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
        self.step = 0;
        observer.step_begins(0);
        let mut both = (&mut self.counter, observer);
        self.model.start(
            self.network,
            &mut self.state,
            seeds,
            &mut self.rng,
            &mut both,
        );
        both.1.step_ends(0);
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
        let mut both = (&mut self.counter, &mut *observer);
        self.status = self.model.step(
            self.network,
            &mut self.state,
            self.step,
            &mut self.rng,
            &mut both,
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
