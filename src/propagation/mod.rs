//! Propagation: the model trait, the engine that runs any model, and
//! the observers that watch a run.
//!
//! A [`Model`] is a rule for how adoption spreads (independent cascade,
//! linear threshold, Bass, rumor, SIR ...). It is a value prepared once for
//! a [`Network`] (per-arc probabilities turned into the integers its kernel
//! compares against) and then run many times. Its per-run working memory,
//! [`Model::State`], is allocated once and reset, not reallocated, between
//! runs (visited marks are epoch-stamped). The building blocks of the
//! built-in kernels (geometric skips, integer thresholds, epoch marks) are
//! public in [`kernel`], for fast models written in other crates.
//!
//! The engine, [`Simulation`], runs a model step by step (discrete time)
//! or to completion from given seeds. A run is a pure function of
//! (model, network, seeds, master seed, run index): its generator is
//! [`stream_rng`](crate::rng::stream_rng)`(master_seed, run_index)`, xoshiro256++ seeded by
//! SplitMix64, so the result is bit-identical on every platform and whatever
//! the thread that runs it.
//!
//! The built-in models, each with its equations, parameters, complexity
//! and references in its own docs (and in `docs/models.md`):
//!
//! | model | what it describes |
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
//! Models that implement [`Joint`] compose: [`Together`] runs several of
//! them in one run over one adoption record, each adoption attributed to
//! the model and channel that caused it (see [`combine`]). Whatever the
//! model, the engine lets each node adopt at most once per run.
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

pub mod combine;
pub mod engine;
pub mod kernel;
pub mod models;
pub mod observe;

pub use combine::{Joint, Together, TogetherState};
pub use engine::{DEFAULT_MAX_STEPS, RunOutcome, Simulation};
pub use kernel::THRESHOLD_SCALE;
pub use models::{
    Bass, Campaign, CompetitiveCascade, ContinuousSir, IcProbabilities, IcState,
    IndependentCascade, LinearThreshold, LtOptions, Rumor, Sir, Sis, ValenceCascade,
};
pub use models::{bass, competition, composite, epidemic, ic, lt, rumor, valence};
pub use observe::{CascadeLink, Counter, Event, Observer, Recorder, exposed_and_adopted};

use std::fmt;

use rand::Rng;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Result;
use crate::network::Network;

/// What a step of a model leaves: whether the model has more to do.
///
/// Returned by [`Model::step`] and [`Simulation::step`]. (Not to be
/// confused with [`ensemble::Progress`](crate::ensemble::Progress), the
/// progress callback of long ensembles.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepOutcome {
    /// Something may still change: call [`Model::step`] again.
    Active,
    /// Nothing will change any more.
    Finished,
}

/// A propagation rule, prepared for one network.
///
/// Four required methods and the [`State`](Model::State) type:
/// [`name`](Model::name) for results, [`new_state`](Model::new_state)
/// sizes the per-run memory once, [`start`](Model::start) places the
/// seeds, [`step`](Model::step) advances one unit of time; everything else
/// is provided.
/// Models report adoptions and exposures to the observer they are given;
/// the engine counts them. Implement it in your own crate to add a rule; the
/// engine and the observers then work with it unchanged.
///
/// Conventions for implementers:
/// * draw every random number from the `rng` given, in an order that
///   depends only on the inputs, so that runs are reproducible;
/// * report each seed as adopted at step 0 with no sender, then each
///   adoption exactly once, at the step it happens (steps count from 1);
///   the engine enforces it: a second report of a node panics in debug
///   builds and is dropped in release builds (see [`Simulation`]);
/// * keep allocation out of `start` and `step`: size the state in
///   [`new_state`](Model::new_state) and reset it in `start`.
pub trait Model {
    /// Per-run working memory, created once and reused by every run.
    type State;

    /// Whether the model vouches that it reports each node's adoption at
    /// most once per run, because it tests a per-node mark of its own
    /// before every report (as the built-in independent cascade, linear
    /// threshold and Bass kernels do). The engine then skips its own test
    /// of each adoption in release builds (debug builds and tests make it
    /// anyway, and panic at a repeat): see [`Simulation`]. Default: `false`,
    /// every adoption is tested. A composition ([`Together`]) leaves it
    /// `false`.
    const ADOPTS_ONCE: bool = false;

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
    ) -> StepOutcome;

    /// Checks that the model may run on `network`: one prepared for a
    /// particular network (per-arc values, tables sized by it) records its
    /// [`NetworkId`](crate::network::NetworkId) and refuses any other.
    /// Called by [`Simulation::start`]. Default: any network.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when
    /// the model was prepared for another network.
    fn check_network(&self, network: &Network) -> Result<()> {
        let _ = network;
        Ok(())
    }

    /// Checks seeds beyond what the engine checks (valid, distinct nodes):
    /// a model with its own seeding constraints rejects seeds it cannot
    /// use here, instead of ignoring them. Called by
    /// [`Simulation::start`] before [`start`](Model::start). Default:
    /// every seed is accepted.
    ///
    /// # Errors
    /// Whatever the model finds wrong with the seeds.
    fn check_seeds(&self, network: &Network, seeds: &[u32]) -> Result<()> {
        let _ = (network, seeds);
        Ok(())
    }

    /// Names of the channels this model attributes adoptions to, indexed
    /// by [`ChannelId`](crate::ChannelId). Default: one channel, `"tie"`.
    fn channel_names(&self) -> Vec<String> {
        vec!["tie".to_string()]
    }

    /// Names of the quantities only this model knows about a run
    /// (talkers by valence, each brand's messages ...), in the order
    /// [`quantities`](Model::quantities) writes them. KPI ensembles report
    /// each as a KPI and as a curve over the steps
    /// ([`Curves::quantities`](crate::kpi::Curves::quantities)). Default:
    /// none.
    fn quantity_names(&self) -> Vec<String> {
        Vec::new()
    }

    /// Writes the current run's values of the
    /// [`quantity_names`](Model::quantity_names) into `out`, whose length
    /// is theirs. `f64::NAN` marks a value undefined in this run (a share
    /// when nothing was shared); ensembles leave it out of the estimate and
    /// count the runs that defined it. KPI ensembles call it after the
    /// start and after every step, so keep it cheap: count as the run
    /// goes rather than scan the nodes. Default: writes nothing.
    fn quantities(&self, state: &Self::State, out: &mut [f64]) {
        let _ = (state, out);
    }

    /// What the current run has cost the business through paid channels
    /// (currency units; seeding fees are not the model's to know).
    /// Default: 0.
    fn spend(&self, state: &Self::State) -> f64 {
        let _ = state;
        0.0
    }
}

/// A model built from its options: the one shape of every built-in model
/// but [`CompetitiveCascade`] (whose brand B seeds are chosen by the
/// seeding, not written as options), and the bound that scenario documents
/// and registries of models rely on.
///
/// `from_options` is the model's validating constructor (each built-in's
/// `new(&Network, Options)`); [`check_options`](FromOptions::check_options)
/// holds the checks that need no network, so that a document is refused
/// when it is read, before any network is built. `from_options` runs
/// them too: the rules live in one place.
///
/// # Example
/// ```
/// use wom::Network;
/// use wom::propagation::bass::BassOptions;
/// use wom::propagation::{Bass, FromOptions};
///
/// let net = Network::from_arcs(2, [(0, 1, 1.0)])?;
/// let options: BassOptions = serde_json::from_str(r#"{"p": 0.01, "q": 0.3}"#).unwrap();
/// let bass = Bass::from_options(&net, options)?;
/// assert_eq!(Bass::KEY, "bass");
/// assert!(Bass::check_options(&BassOptions { p: 1.5, q: 0.3 }).is_err());
/// # let _ = bass;
/// # Ok::<(), wom::Error>(())
/// ```
pub trait FromOptions: Model + Sized {
    /// The options, as scenario documents write them.
    type Options: Clone + fmt::Debug + PartialEq + Serialize + DeserializeOwned;

    /// The name of the model in documents and results (snake_case, e.g.
    /// `"bass"`).
    const KEY: &'static str;

    /// Checks the options that need no network (ranges, counts).
    /// Default: every value is accepted.
    ///
    /// # Errors
    /// The first value out of range, as the crate's parameter errors
    /// (naming the field).
    fn check_options(options: &Self::Options) -> Result<()> {
        let _ = options;
        Ok(())
    }

    /// Validates the options and prepares the model for `network`.
    ///
    /// # Errors
    /// Those of [`check_options`](FromOptions::check_options), then the
    /// values the network makes invalid.
    fn from_options(network: &Network, options: Self::Options) -> Result<Self>;
}

/// Models behind references run as themselves.
impl<S: Model + ?Sized> Model for &S {
    type State = S::State;
    const ADOPTS_ONCE: bool = S::ADOPTS_ONCE;
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
    ) -> StepOutcome {
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
