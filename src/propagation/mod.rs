//! Propagation: the strategy trait, the engine that runs any strategy, and
//! the observers that watch a run.
//!
//! A [`Strategy`] is a rule for how adoption spreads (independent cascade,
//! linear threshold, Bass, rumor, SIR ...). It is a value prepared once for
//! a [`Network`] (per-arc probabilities turned into the integers its kernel
//! compares against) and then run many times. Its per-run working memory,
//! [`Strategy::State`], is allocated once and reset, not reallocated, between
//! runs (visited marks are epoch-stamped).
//!
//! The engine, [`Simulation`], runs a strategy step by step (discrete time)
//! or to completion from given seeds. A run is a pure function of
//! (strategy, network, seeds, master seed, run index): its generator is
//! [`stream_rng`]`(master_seed, run_index)`, xoshiro256++ seeded by
//! SplitMix64, so the result is bit-identical on every platform and whatever
//! the thread that runs it.
//!
//! The built-in strategies, each with its equations, parameters, complexity
//! and references in its own docs (and in `docs/models.md`):
//!
//! | strategy | model |
//! |---|---|
//! | [`IndependentCascade`] | independent cascade: uniform p, weighted cascade, trust, trust × actors |
//! | [`LinearThreshold`] | linear threshold with weights from ties and random or fixed thresholds |
//! | [`Bass`] | Bass diffusion on a network: advertising p, WOM q per adopted neighbour |
//! | [`Rumor`] | Maki–Thompson (or Daley–Kendall) rumor: ignorant, spreader, stifler |
//! | [`Sir`], [`Sis`], [`ContinuousSir`] | epidemic baselines, discrete and event-driven |
//! | [`ValenceCascade`] | positive and negative WOM from product experience |
//! | [`CompetitiveCascade`] | two brands competing for the same consumers |
//! | [`Campaign`] | several channels and sender rules in one run, with attribution |
//!
//! [`Observer`]s watch a run through no-op provided hooks: a step begins, a
//! node is exposed, a node adopts (with the sender and the channel), a node
//! leaves the active state, a step ends. `()` observes nothing at no cost;
//! tuples combine observers; [`Recorder`] keeps one run's counts, curve and
//! cascade.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::{IndependentCascade, Recorder, Simulation};
//!
//! // A path 0 -> 1 -> 2 with certain transmission.
//! let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)])?;
//! let ic = IndependentCascade::uniform(&net, 1.0)?;
//! let mut sim = Simulation::new(&net, &ic);
//! let mut rec = Recorder::new();
//! let outcome = sim.run(&[0], 42, 0, &mut rec)?;
//! assert_eq!(outcome.adopted, 3);
//! // Step 3 finds nothing more to activate and ends the run.
//! assert_eq!(rec.new_adoptions_per_step(), &[1, 1, 1, 0]);
//! assert_eq!(outcome.steps, 3);
//! assert_eq!(rec.cascade()[2].sender, Some(1));
//! # Ok::<(), wom::Error>(())
//! ```

pub mod bass;
pub mod competition;
pub mod composite;
pub mod epidemic;
mod ic;
pub mod lt;
mod observe;
pub mod rumor;
pub mod valence;

pub use bass::Bass;
pub use competition::CompetitiveCascade;
pub use composite::Campaign;
pub use epidemic::{ContinuousSir, Sir, Sis};
pub use ic::{IcProbabilities, IcState, IndependentCascade};
pub use lt::LinearThreshold;
pub use observe::{CascadeLink, Counter, Event, Observer, Recorder, exposed_and_adopted};
pub use rumor::Rumor;
pub use valence::ValenceCascade;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::network::Network;
use crate::rng::{WomRng, stream_rng};

/// Whether a strategy has more to do after a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Progress {
    /// Something may still change: call [`Strategy::step`] again.
    Active,
    /// Nothing will change any more.
    Finished,
}

/// A propagation rule, prepared for one network.
///
/// Two required methods besides the state: [`start`](Strategy::start)
/// places the seeds, [`step`](Strategy::step) advances one unit of time.
/// Strategies report adoptions and exposures to the observer they are given;
/// the engine counts them. Implement it in your own crate to add a rule; the
/// engine and the observers then work with it unchanged.
///
/// Conventions for implementers:
/// * draw every random number from the `rng` given, in an order that
///   depends only on the inputs, so that runs are reproducible;
/// * report each seed as adopted at step 0 with no sender, then each
///   adoption exactly once, at the step it happens (steps count from 1);
/// * keep allocation out of `start` and `step`: size the state in
///   [`new_state`](Strategy::new_state) and reset it in `start`.
pub trait Strategy {
    /// Per-run working memory, created once and reused by every run.
    type State;

    /// A short name, for results.
    fn name(&self) -> &str;

    /// Fresh working memory for runs on `network`.
    fn new_state(&self, network: &Network) -> Self::State;

    /// Resets `state` and places the seeds: reports each as adopted (step 0,
    /// no sender). Seeds are valid node indices without repeats (the engine
    /// checks).
    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    );

    /// Advances one step (`step` counts from 1) and says whether anything
    /// may still change.
    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> Progress;

    /// Checks that the strategy may run on `network`: one prepared for a
    /// particular network (per-arc values, tables sized by it) records its
    /// [`NetworkId`](crate::network::NetworkId) and refuses any other.
    /// Called by [`Simulation::start`]. Default: any network.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the strategy was prepared for
    /// another network.
    fn check_network(&self, network: &Network) -> Result<()> {
        let _ = network;
        Ok(())
    }

    /// Checks seeds beyond what the engine checks (valid, distinct nodes):
    /// a strategy with its own seeding constraints rejects seeds it cannot
    /// use here, instead of ignoring them. Called by
    /// [`Simulation::start`] before [`start`](Strategy::start). Default:
    /// every seed is accepted.
    ///
    /// # Errors
    /// Whatever the strategy finds wrong with the seeds.
    fn check_seeds(&self, network: &Network, seeds: &[u32]) -> Result<()> {
        let _ = (network, seeds);
        Ok(())
    }

    /// Names of the channels this strategy attributes adoptions to, indexed
    /// by [`ChannelId`](crate::ChannelId). Default: one channel, `"tie"`.
    fn channel_names(&self) -> Vec<String> {
        vec!["tie".to_string()]
    }

    /// Names of the quantities only this strategy knows about a run
    /// (talkers by valence, each brand's messages ...), in the order
    /// [`quantities`](Strategy::quantities) writes them. Ensembles report
    /// each as a KPI. Default: none.
    fn quantity_names(&self) -> Vec<String> {
        Vec::new()
    }

    /// Writes the current run's values of the
    /// [`quantity_names`](Strategy::quantity_names) into `out`, whose length
    /// is theirs. `f64::NAN` marks a value undefined in this run (a share
    /// when nothing was shared); ensembles leave it out of the estimate and
    /// count the runs that defined it. Default: writes nothing.
    fn quantities(&self, state: &Self::State, out: &mut [f64]) {
        let _ = (state, out);
    }

    /// What the current run has cost the business through paid channels
    /// (currency units; seeding fees are not the strategy's to know).
    /// Default: 0.
    fn spend(&self, state: &Self::State) -> f64 {
        let _ = state;
        0.0
    }
}

/// Strategies behind references run as themselves.
impl<S: Strategy + ?Sized> Strategy for &S {
    type State = S::State;
    fn name(&self) -> &str {
        (**self).name()
    }
    fn new_state(&self, network: &Network) -> Self::State {
        (**self).new_state(network)
    }
    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        (**self).start(network, state, seeds, rng, observer)
    }
    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut Self::State,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> Progress {
        (**self).step(network, state, step, rng, observer)
    }
    fn check_network(&self, network: &Network) -> Result<()> {
        (**self).check_network(network)
    }
    fn check_seeds(&self, network: &Network, seeds: &[u32]) -> Result<()> {
        (**self).check_seeds(network, seeds)
    }
    fn channel_names(&self) -> Vec<String> {
        (**self).channel_names()
    }
    fn quantity_names(&self) -> Vec<String> {
        (**self).quantity_names()
    }
    fn quantities(&self, state: &Self::State, out: &mut [f64]) {
        (**self).quantities(state, out)
    }
    fn spend(&self, state: &Self::State) -> f64 {
        (**self).spend(state)
    }
}

/// What one run produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RunOutcome {
    /// Nodes that adopted, seeds included.
    pub adopted: usize,
    /// Nodes that were exposed (became aware), seeds included.
    pub exposed: usize,
    /// Steps taken until the strategy finished or the step limit.
    pub steps: u32,
    /// Whether the strategy finished on its own (`false`: the step limit
    /// stopped it).
    pub finished: bool,
}

/// The engine: runs a strategy on a network, reusing one working state.
///
/// Create one per thread; each run re-seeds its own generator from
/// `(master_seed, run_index)`, so the order of runs does not matter.
#[derive(Debug)]
pub struct Simulation<'a, S: Strategy> {
    network: &'a Network,
    strategy: S,
    state: S::State,
    seen: Vec<u32>,
    epoch: u32,
    max_steps: u32,
    rng: WomRng,
    step: u32,
    progress: Progress,
    counter: Counter,
}

/// The step limit of a [`Simulation`] unless set otherwise.
pub const DEFAULT_MAX_STEPS: u32 = 1_000_000;

impl<'a, S: Strategy> Simulation<'a, S> {
    /// An engine for `strategy` on `network`, with its working state.
    pub fn new(network: &'a Network, strategy: S) -> Self {
        let state = strategy.new_state(network);
        Simulation {
            network,
            strategy,
            state,
            seen: vec![0; network.node_count()],
            epoch: 0,
            max_steps: DEFAULT_MAX_STEPS,
            rng: stream_rng(0, 0),
            step: 0,
            progress: Progress::Finished,
            counter: Counter::default(),
        }
    }

    /// Stops runs after `max_steps` steps (default [`DEFAULT_MAX_STEPS`]);
    /// strategies that never finish on their own (SIS) need it.
    pub fn with_max_steps(mut self, max_steps: u32) -> Self {
        self.max_steps = max_steps;
        self
    }

    /// The strategy.
    pub fn strategy(&self) -> &S {
        &self.strategy
    }

    /// The strategy's working state (between or after runs).
    pub fn state(&self) -> &S::State {
        &self.state
    }

    /// Checks seeds: every one a node of the network, none repeated.
    fn check_seeds(&mut self, seeds: &[u32]) -> Result<()> {
        advance_epoch(&mut self.epoch, || {
            self.seen.iter_mut().for_each(|s| *s = 0)
        });
        let n = self.network.node_count();
        for &s in seeds {
            let Some(mark) = self.seen.get_mut(s as usize) else {
                return Err(Error::UnknownNode {
                    id: format!("seed index {s} (network has {n} nodes)"),
                });
            };
            if *mark == self.epoch {
                return Err(Error::param("seeds", s, "a seed is listed twice"));
            }
            *mark = self.epoch;
        }
        Ok(())
    }

    /// Starts run `run_index` under `master_seed` from `seeds` (internal
    /// indices; see [`Network::index_of`]): resets the state, seeds the
    /// generator and places the seeds. Then call [`step`](Self::step).
    ///
    /// # Errors
    /// [`Error::UnknownNode`] for a seed that is not a node,
    /// [`Error::InvalidParameter`] for a seed listed twice, for a strategy
    /// prepared for another network, and whatever the strategy's
    /// [`check_seeds`](Strategy::check_seeds) rejects.
    pub fn start<O: Observer + ?Sized>(
        &mut self,
        seeds: &[u32],
        master_seed: u64,
        run_index: u64,
        observer: &mut O,
    ) -> Result<()> {
        self.strategy.check_network(self.network)?;
        self.check_seeds(seeds)?;
        self.strategy.check_seeds(self.network, seeds)?;
        self.rng = stream_rng(master_seed, run_index);
        self.counter = Counter::default();
        self.step = 0;
        observer.step_begins(0);
        let mut both = (&mut self.counter, observer);
        self.strategy.start(
            self.network,
            &mut self.state,
            seeds,
            &mut self.rng,
            &mut both,
        );
        both.1.step_ends(0);
        self.progress = Progress::Active;
        Ok(())
    }

    /// Advances one step; returns whether the run may go on. After the
    /// strategy finished or the step limit, does nothing and returns
    /// [`Progress::Finished`].
    pub fn step<O: Observer + ?Sized>(&mut self, observer: &mut O) -> Progress {
        if self.progress == Progress::Finished || self.step >= self.max_steps {
            return Progress::Finished;
        }
        self.step += 1;
        observer.step_begins(self.step);
        let mut both = (&mut self.counter, &mut *observer);
        self.progress = self.strategy.step(
            self.network,
            &mut self.state,
            self.step,
            &mut self.rng,
            &mut both,
        );
        observer.step_ends(self.step);
        if self.step >= self.max_steps {
            return Progress::Finished;
        }
        self.progress
    }

    /// What the current run has produced so far.
    pub fn outcome(&self) -> RunOutcome {
        RunOutcome {
            adopted: self.counter.adopted,
            exposed: self.counter.exposed,
            steps: self.step,
            finished: self.progress == Progress::Finished,
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
        while self.step(observer) == Progress::Active {}
        Ok(self.outcome())
    }
}

/// Starts a new run's epoch of epoch-stamped marks: a mark equal to the
/// epoch means "set in this run", so marks need no clearing between runs.
/// When the counter wraps to 0 (every 2^32 runs) `reset` clears the marks
/// and the epoch restarts at 1, so an old stamp can never match.
#[inline]
pub(crate) fn advance_epoch(epoch: &mut u32, reset: impl FnOnce()) {
    *epoch = epoch.wrapping_add(1);
    if *epoch == 0 {
        reset();
        *epoch = 1;
    }
}

/// The scale of the integer thresholds kernels compare random draws
/// against: probabilities are stored as `round(p * 2^31)`, and an event of
/// probability `p` happens when a uniform 31-bit draw is below it. `p = 0`
/// never happens, `p = 1` always does, and any other `p` is off by at most
/// 2^-32.
pub const THRESHOLD_SCALE: f64 = 2_147_483_648.0;

/// The integer threshold of probability `p` (validated in [0, 1]).
#[inline]
pub(crate) fn threshold31(p: f64) -> u32 {
    (p * THRESHOLD_SCALE).round() as u32
}

/// Two uniform 31-bit draws from one 64-bit output.
#[inline]
pub(crate) fn two_draws31<R: Rng + ?Sized>(rng: &mut R) -> (u32, u32) {
    let x = rng.next_u64();
    ((x >> 33) as u32, ((x >> 1) as u32) & 0x7FFF_FFFF)
}
