//! Epidemic-style baselines: SIR and SIS in discrete time, SIR in
//! continuous time (event-driven).
//!
//! Nodes are susceptible (S), infected (I: adopted and talking) or
//! recovered (R: adopted and silent). Infection passes along arcs `u -> v`
//! (v hears u). In word-of-mouth terms, an infected node is an enthusiast
//! who talks about the product for a while and then stops.
//!
//! * [`Sir`]: discrete time, per-step transmission probability β per arc and
//!   recovery probability γ per step;
//! * [`Sis`]: the same, but a recovered node is susceptible again;
//! * [`ContinuousSir`]: continuous time, transmission at rate τ along each
//!   arc from an infected to a susceptible node and recovery at rate γ,
//!   simulated event by event (exactly, no time step).
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::epidemic::{ContinuousSir, ContinuousSirOptions, Sir, EpidemicOptions};
//! use wom::propagation::Simulation;
//!
//! // A star: the hub 0 tells 1, 2 and 3.
//! let net = Network::from_arcs(4, [(0, 1, 1.0), (0, 2, 1.0), (0, 3, 1.0)])?;
//! // gamma = 1: every infected node transmits for exactly one step, which
//! // is the independent cascade with p = beta.
//! let sir = Sir::new(&net, EpidemicOptions { beta: 1.0, gamma: 1.0 })?;
//! assert_eq!(Simulation::new(&net, &sir).run(&[0], 1, 0, &mut ())?.adopted, 4);
//!
//! let csir = ContinuousSir::new(&net, ContinuousSirOptions { tau: 1.0, gamma: 1.0, step_length: 1.0 })?;
//! let size = csir.final_size(&net, &[0], 1, 0)?;
//! assert!((1..=4).contains(&size));
//! # Ok::<(), wom::Error>(())
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::message::ChannelId;
use crate::network::Network;
use crate::propagation::Event;
use crate::propagation::kernel::{EpochMarks, GeometricSkip, exponential};
use crate::propagation::{
    FromOptions, Model, Observer, Simulation, StepOutcome, exposed_and_adopted,
};

/// Node status (meaningful when the node's mark is the current epoch;
/// otherwise the node is susceptible and has never been infected).
const SUSCEPTIBLE: u8 = 0;
const INFECTED: u8 = 1;
const RECOVERED: u8 = 2;

/// Parameters of the discrete-time epidemics [`Sir`] and [`Sis`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EpidemicOptions {
    /// Probability, in [0, 1], that an infected node infects a susceptible
    /// out-neighbour during one step (per arc, independently).
    pub beta: f64,
    /// Probability, in [0, 1], that an infected node recovers at the end of
    /// a step.
    pub gamma: f64,
}

impl EpidemicOptions {
    /// beta and gamma in [0, 1].
    fn check(&self) -> Result<()> {
        check_probability("beta", self.beta, None)?;
        check_probability("gamma", self.gamma, None)?;
        Ok(())
    }
}

/// Discrete-time SIR (susceptible, infected, recovered).
///
/// # Model
/// Seeds are infected at step 0. Each step t = 1, 2, ...:
/// 1. **transmission**: every node infected when the step begins tries each
///    arc `u -> v` to a susceptible v, succeeding with probability β,
///    independently; a v reached by several succeeds once (its sender is the
///    first in processing order: infected nodes in list order, each one's
///    arcs in storage order). Newly infected nodes do not transmit before
///    step t + 1;
/// 2. **recovery**: then every node infected when the step began recovers
///    with probability γ, independently (a node infected at step t can
///    recover at step t + 1 at the earliest).
///
/// So an infected node transmits during a geometric number D >= 1 of steps,
/// P(D = k) = (1 - γ)^{k-1} γ, and infects a given susceptible out-neighbour
/// with probability T = β / (1 - (1 - β)(1 - γ)) in all. With γ = 1 every
/// node transmits during exactly one step: the model is the independent
/// cascade with p = β. The run ends when nobody is infected.
///
/// Infection is reported as exposure and adoption (sender: the infecting
/// node, channel 0, `"tie"`), recovery through
/// [`Observer::deactivated`]. `adopted` at the end is the final size.
/// The infected list after a step holds the step's new infections (in
/// infection order) followed by those who did not recover (in list order).
///
/// # Kernel and complexity
/// As the independent cascade with a uniform probability: the gap to the
/// next successful arc across the arcs of all infected nodes is drawn as a
/// geometric variable (and likewise the gap to the next recovery across the
/// infected), so a step costs O(I + successes + recoveries) random draws
/// and O(I + arcs of infected nodes) time for I infected. No allocation per
/// run.
///
/// # References
/// W. O. Kermack, A. G. McKendrick, "A contribution to the mathematical
/// theory of epidemics", *Proc. R. Soc. A* 115 (1927); I. Z. Kiss, J. C.
/// Miller, P. L. Simon, *Mathematics of Epidemics on Networks*, Springer
/// (2017), chapter 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sir {
    options: EpidemicOptions,
    kernel: Discrete,
}

/// Discrete-time SIS (susceptible, infected, susceptible again).
///
/// # Model
/// As [`Sir`] (transmission, then recovery, in each step), except that a
/// node recovering at step t is susceptible again from step t + 1 (it cannot
/// be re-infected during step t, in which it was still infected). The run
/// ends only when nobody is infected (extinction); above the epidemic
/// threshold that takes a time growing exponentially with the network's
/// size, so set the engine's step limit
/// ([`Simulation::with_max_steps`]).
///
/// On a complete graph of N nodes, given I infected when a step begins, the
/// expected number after it is exactly
/// φ(I) = (1 - γ) I + (N - I)(1 - (1 - β)^I); with β = b / N the infected
/// fraction settles, for large N, near the endemic level i* > 0 solving
/// γ i = (1 - i)(1 - e^{-b i}) when b > γ (to first order in b - γ,
/// i* ≈ (1 - γ / b) / (1 + b / 2)).
///
/// # Reporting
/// A node is reported as exposed and adopted only the **first** time it is
/// infected in a run (the observer's contract: once per node), with its
/// first infector as sender. Every recovery is reported through
/// [`Observer::deactivated`], so a node can be deactivated several times.
/// [`DiscreteEpidemicState::infected_count`] gives the prevalence,
/// [`DiscreteEpidemicState::infections`] every infection including
/// re-infections.
///
/// # Complexity and references
/// As [`Sir`]. SIS: Kiss, Miller & Simon (2017), chapter 1; R.
/// Pastor-Satorras, A. Vespignani, "Epidemic spreading in scale-free
/// networks", *Phys. Rev. Lett.* 86, 3200 (2001).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sis {
    options: EpidemicOptions,
    kernel: Discrete,
}

/// What the discrete kernel needs: skips over the trials of transmission
/// (β) and of recovery (γ).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Discrete {
    transmit: GeometricSkip,
    recover: GeometricSkip,
}

impl Discrete {
    fn new(options: EpidemicOptions) -> Result<Self> {
        Ok(Discrete {
            transmit: GeometricSkip::for_parameter("beta", options.beta)?,
            recover: GeometricSkip::for_parameter("gamma", options.gamma)?,
        })
    }
}

impl Sir {
    /// Discrete-time SIR with transmission probability `beta` per arc and
    /// step and recovery probability `gamma` per step. Nothing depends on
    /// `network`: one value runs on any.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`] when beta or gamma is outside
    /// [0, 1], [`Error::InvalidWeight`] when one is NaN or infinite.
    /// Also when `gamma` is 0: nobody would ever recover and the run would
    /// go on to the step limit; with certain lifelong infectiousness use
    /// [`ContinuousSir`] or, for one chance per arc,
    /// [`IndependentCascade`](crate::propagation::IndependentCascade).
    pub fn new(network: &Network, options: EpidemicOptions) -> Result<Self> {
        let _ = network;
        Self::check_options(&options)?;
        Ok(Sir {
            options,
            kernel: Discrete::new(options)?,
        })
    }

    /// The parameters.
    pub fn options(&self) -> EpidemicOptions {
        self.options
    }

    /// The final size (nodes ever infected, seeds included) of run
    /// `run_index` under `master_seed`: a convenience that allocates a
    /// [`Simulation`]; reuse one for many runs.
    ///
    /// # Errors
    /// As [`Simulation::start`] (bad seeds).
    pub fn final_size(
        &self,
        network: &Network,
        seeds: &[u32],
        master_seed: u64,
        run_index: u64,
    ) -> Result<usize> {
        Ok(Simulation::new(network, self)
            .run(seeds, master_seed, run_index, &mut ())?
            .adopted)
    }
}

impl Sis {
    /// Discrete-time SIS with transmission probability `beta` per arc and
    /// step and recovery probability `gamma` per step. Nothing depends on
    /// `network`: one value runs on any.
    ///
    /// # Errors
    /// As [`Sir::new`], but gamma may be 0 (nobody recovers).
    pub fn new(network: &Network, options: EpidemicOptions) -> Result<Self> {
        let _ = network;
        Self::check_options(&options)?;
        Ok(Sis {
            options,
            kernel: Discrete::new(options)?,
        })
    }

    /// The parameters.
    pub fn options(&self) -> EpidemicOptions {
        self.options
    }
}

/// Working memory of a discrete-time SIR or SIS run.
#[derive(Debug, Clone)]
pub struct DiscreteEpidemicState {
    /// Nodes infected at least once in this run.
    ever_infected: EpochMarks,
    status: Vec<u8>,
    infected: Vec<u32>,
    next: Vec<u32>,
    skip_transmit: u64,
    skip_recover: u64,
    ever: usize,
    infections: usize,
    recovered: usize,
}

impl DiscreteEpidemicState {
    fn new(n: usize) -> Self {
        DiscreteEpidemicState {
            ever_infected: EpochMarks::new(n),
            status: vec![SUSCEPTIBLE; n],
            infected: Vec::new(),
            next: Vec::new(),
            skip_transmit: 0,
            skip_recover: 0,
            ever: 0,
            infections: 0,
            recovered: 0,
        }
    }

    /// Nodes infected now (the prevalence).
    pub fn infected_count(&self) -> usize {
        self.infected.len()
    }

    /// The nodes infected now.
    pub fn infected(&self) -> &[u32] {
        &self.infected
    }

    /// Nodes infected at least once in this run, seeds included.
    pub fn ever_infected(&self) -> usize {
        self.ever
    }

    /// Infections in this run, seeds and re-infections (SIS) included.
    pub fn infections(&self) -> usize {
        self.infections
    }

    /// Recoveries in this run (SIS: counting repeats).
    pub fn recoveries(&self) -> usize {
        self.recovered
    }

    /// Whether `v` is infected now.
    pub fn is_infected(&self, v: u32) -> bool {
        self.was_infected(v) && self.status[v as usize] == INFECTED
    }

    /// Whether `v` has been infected in this run (and may have recovered).
    pub fn was_infected(&self, v: u32) -> bool {
        self.ever_infected.is_marked(v as usize)
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &mut self,
        kernel: &Discrete,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        self.ever_infected.next_epoch();
        self.infected.clear();
        self.next.clear();
        self.ever = 0;
        self.infections = 0;
        self.recovered = 0;
        for &s in seeds {
            self.ever_infected.mark(s as usize);
            self.status[s as usize] = INFECTED;
            self.infected.push(s);
            self.ever += 1;
            self.infections += 1;
            exposed_and_adopted(observer, &Event::seed(s));
        }
        self.skip_transmit = kernel.transmit.sample(rng);
        self.skip_recover = kernel.recover.sample(rng);
    }

    /// One step of the discrete kernel; `SIS`: recovered nodes become
    /// susceptible again.
    fn step<const SIS: bool, R: Rng + ?Sized, O: Observer + ?Sized>(
        &mut self,
        kernel: &Discrete,
        network: &Network,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let DiscreteEpidemicState {
            ever_infected,
            status,
            infected,
            next,
            skip_transmit,
            skip_recover,
            ever,
            infections,
            recovered,
        } = self;
        next.clear();
        let mut ever_infected = ever_infected.view();
        // Transmission: trials over the concatenated arcs of the infected.
        for &u in infected.iter() {
            let arcs = network.forward().neighbors(u);
            kernel
                .transmit
                .walk(skip_transmit, arcs.len() as u64, rng, |i, _| {
                    let v = arcs[i as usize].node;
                    let k = v as usize;
                    let was = ever_infected.test_and_mark(k);
                    if !was || (SIS && status[k] == SUSCEPTIBLE) {
                        status[k] = INFECTED;
                        next.push(v);
                        *infections += 1;
                        if !was {
                            *ever += 1;
                            exposed_and_adopted(observer, &Event::tie(v, u, step));
                        }
                    }
                });
        }
        // Recovery of those infected when the step began: trials over the
        // list; `from` is the first entry not yet copied to `next`.
        let mut from = 0usize;
        kernel
            .recover
            .walk(skip_recover, infected.len() as u64, rng, |hit, _| {
                let hit = hit as usize;
                next.extend_from_slice(&infected[from..hit]);
                let u = infected[hit];
                status[u as usize] = if SIS { SUSCEPTIBLE } else { RECOVERED };
                *recovered += 1;
                observer.deactivated(u, step);
                from = hit + 1;
            });
        next.extend_from_slice(&infected[from..]);
        std::mem::swap(infected, next);
        if infected.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}

impl FromOptions for Sir {
    type Options = EpidemicOptions;
    const KEY: &'static str = "sir";

    fn check_options(options: &EpidemicOptions) -> Result<()> {
        options.check()?;
        if options.gamma == 0.0 {
            return Err(Error::param(
                "gamma",
                0,
                "discrete SIR needs gamma > 0, or no run would ever end",
            ));
        }
        Ok(())
    }

    fn from_options(network: &Network, options: EpidemicOptions) -> Result<Self> {
        Sir::new(network, options)
    }
}

impl Model for Sir {
    type State = DiscreteEpidemicState;

    fn name(&self) -> &str {
        "sir"
    }

    fn new_state(&self, network: &Network) -> DiscreteEpidemicState {
        DiscreteEpidemicState::new(network.node_count())
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut DiscreteEpidemicState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.start(&self.kernel, seeds, rng, observer);
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut DiscreteEpidemicState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.step::<false, R, O>(&self.kernel, network, step, rng, observer)
    }
}

impl FromOptions for Sis {
    type Options = EpidemicOptions;
    const KEY: &'static str = "sis";

    fn check_options(options: &EpidemicOptions) -> Result<()> {
        options.check()
    }

    fn from_options(network: &Network, options: EpidemicOptions) -> Result<Self> {
        Sis::new(network, options)
    }
}

impl Model for Sis {
    type State = DiscreteEpidemicState;

    fn name(&self) -> &str {
        "sis"
    }

    fn new_state(&self, network: &Network) -> DiscreteEpidemicState {
        DiscreteEpidemicState::new(network.node_count())
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut DiscreteEpidemicState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.start(&self.kernel, seeds, rng, observer);
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut DiscreteEpidemicState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.step::<true, R, O>(&self.kernel, network, step, rng, observer)
    }
}

/// Parameters of [`ContinuousSir`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinuousSirOptions {
    /// Transmission rate τ >= 0 along each arc from an infected to a
    /// susceptible node, per unit of time.
    pub tau: f64,
    /// Recovery rate γ >= 0 of an infected node (mean infectious time 1/γ;
    /// γ = 0: never recovers).
    pub gamma: f64,
    /// Length of the time window one engine step covers, > 0 (default 1).
    #[serde(default = "one")]
    pub step_length: f64,
}

fn one() -> f64 {
    1.0
}

/// Continuous-time SIR, simulated event by event.
///
/// # Model
/// An infected node u recovers at rate γ, and while infected transmits along
/// each arc `u -> v` at rate τ; a susceptible v is infected at the first
/// transmission it receives. Seeds are infected at time 0. In each
/// infectious period D ~ Exp(γ) an arc transmits (at least once) with
/// probability T = τ / (τ + γ), the *transmissibility*; transmissions along
/// arcs from the same node are correlated (they share D), those into one
/// node are independent.
///
/// # Algorithm
/// The event-driven method of Kiss, Miller & Simon (2017, chapter 1 and
/// appendix A.1.2, "fast_SIR"), exact in continuous time: when u is
/// infected at time t it draws its recovery time t + D, D ~ Exp(γ), and for
/// each susceptible out-neighbour v a delay X ~ Exp(τ); if X < D, the
/// transmission at t + X is queued when it is earlier than any already
/// queued for v. A priority queue yields events in time order; a
/// transmission to a node infected meanwhile is dropped.
///
/// # Time and steps
/// Engine step t carries out the events with times in
/// ((t - 1)·L, t·L], L = `step_length`; adoptions are reported with that
/// step, recoveries through [`Observer::deactivated`]. The run ends when no
/// event is pending. `adopted` is the final size (also
/// [`final_size`](Self::final_size)); exact event times are kept in the
/// state ([`ContinuousSirState::infection_time`]).
///
/// # Complexity
/// O((n_I + m_I) log(m_I)) per run for n_I infected nodes with m_I out-arcs
/// in all: at most one queued transmission per arc and one recovery per
/// node. The queue and the node arrays are reused across runs.
///
/// # Reference
/// I. Z. Kiss, J. C. Miller, P. L. Simon, *Mathematics of Epidemics on
/// Networks: From Exact to Approximate Models*, Springer (2017), ch. 1 and
/// appendix A; D. T. Gillespie, "Exact stochastic simulation of coupled
/// chemical reactions", *J. Phys. Chem.* 81, 2340 (1977). Final size on
/// configuration-model networks: M. E. J. Newman, "Spread of epidemic
/// disease on networks", *Phys. Rev. E* 66, 016128 (2002); E. Kenah, J. M.
/// Robins, *Phys. Rev. E* 76, 036113 (2007).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ContinuousSir {
    options: ContinuousSirOptions,
}

/// Marks a recovery in the queue's sender slot.
const RECOVERY: u32 = u32::MAX;

/// A queued event: (time as ordered bits, node, sender or `RECOVERY`),
/// earliest first. Times are finite and >= 0, whose bit patterns order as
/// the numbers do.
type Queued = Reverse<(u64, u32, u32)>;

/// Working memory of a continuous-time SIR run.
#[derive(Debug, Clone)]
pub struct ContinuousSirState {
    /// Nodes touched in this run (infected, or with a transmission queued).
    touched: EpochMarks,
    status: Vec<u8>,
    /// Earliest queued infection time of a susceptible node; the infection
    /// time once infected.
    time: Vec<f64>,
    queue: BinaryHeap<Queued>,
    infected: usize,
    recovered: usize,
}

impl ContinuousSirState {
    /// Nodes infected now.
    pub fn infected_count(&self) -> usize {
        self.infected
    }

    /// Nodes recovered so far.
    pub fn recovered_count(&self) -> usize {
        self.recovered
    }

    /// Nodes ever infected (infected or recovered), seeds included; at the
    /// end of a run, the final size.
    pub fn ever_infected(&self) -> usize {
        self.infected + self.recovered
    }

    /// The time at which `v` was infected in this run.
    pub fn infection_time(&self, v: u32) -> Option<f64> {
        let i = v as usize;
        (self.touched.is_marked(i) && self.status[i] != SUSCEPTIBLE).then(|| self.time[i])
    }

    #[inline]
    fn status_of(&self, v: u32) -> u8 {
        if self.touched.is_marked(v as usize) {
            self.status[v as usize]
        } else {
            SUSCEPTIBLE
        }
    }
}

/// Checks a rate: finite and >= 0.
fn check_rate(name: &str, value: f64) -> Result<f64> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(Error::param(name, value, "a rate must be finite and >= 0"))
    }
}

impl ContinuousSir {
    /// Continuous-time SIR with transmission rate `tau` per arc and recovery
    /// rate `gamma`. Nothing depends on `network`: one value runs on any.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when tau or gamma is negative, NaN or
    /// infinite, or `step_length` is not finite and > 0.
    pub fn new(network: &Network, options: ContinuousSirOptions) -> Result<Self> {
        let _ = network;
        Self::check_options(&options)?;
        Ok(ContinuousSir { options })
    }

    /// The parameters.
    pub fn options(&self) -> ContinuousSirOptions {
        self.options
    }

    /// The transmissibility T = τ / (τ + γ): the probability that an arc out
    /// of an infected node transmits before the node recovers (1 when γ = 0
    /// and τ > 0; 0 when τ = 0).
    pub fn transmissibility(&self) -> f64 {
        let ContinuousSirOptions { tau, gamma, .. } = self.options;
        if tau == 0.0 { 0.0 } else { tau / (tau + gamma) }
    }

    /// The final size (nodes ever infected, seeds included) of run
    /// `run_index` under `master_seed`: a convenience that allocates a
    /// [`Simulation`]; reuse one for many runs.
    ///
    /// # Errors
    /// As [`Simulation::start`] (bad seeds).
    pub fn final_size(
        &self,
        network: &Network,
        seeds: &[u32],
        master_seed: u64,
        run_index: u64,
    ) -> Result<usize> {
        Ok(Simulation::new(network, self)
            .run(seeds, master_seed, run_index, &mut ())?
            .adopted)
    }

    /// Infects `u` at time `t`: reports it, queues its recovery and its
    /// transmissions.
    #[allow(clippy::too_many_arguments)]
    fn infect<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut ContinuousSirState,
        u: u32,
        t: f64,
        sender: Option<u32>,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) {
        let i = u as usize;
        state.touched.mark(i);
        state.status[i] = INFECTED;
        state.time[i] = t;
        state.infected += 1;
        exposed_and_adopted(observer, &Event::new(u, sender, ChannelId(0), step));
        let ContinuousSirOptions { tau, gamma, .. } = self.options;
        let d = if gamma > 0.0 {
            exponential(rng, gamma)
        } else {
            f64::INFINITY
        };
        let recovery = t + d;
        if recovery.is_finite() {
            state.queue.push(Reverse((recovery.to_bits(), u, RECOVERY)));
        }
        if tau == 0.0 {
            return;
        }
        for arc in network.forward().neighbors(u) {
            let v = arc.node;
            if state.status_of(v) != SUSCEPTIBLE {
                continue;
            }
            let x = exponential(rng, tau);
            if x >= d {
                continue;
            }
            let at = t + x;
            let k = v as usize;
            if !state.touched.test_and_mark(k) {
                state.status[k] = SUSCEPTIBLE;
                state.time[k] = f64::INFINITY;
            }
            if at < state.time[k] {
                state.time[k] = at;
                state.queue.push(Reverse((at.to_bits(), v, u)));
            }
        }
    }
}

impl FromOptions for ContinuousSir {
    type Options = ContinuousSirOptions;
    const KEY: &'static str = "continuous_sir";

    fn check_options(options: &ContinuousSirOptions) -> Result<()> {
        check_rate("tau", options.tau)?;
        check_rate("gamma", options.gamma)?;
        if !(options.step_length.is_finite() && options.step_length > 0.0) {
            return Err(Error::param(
                "step_length",
                options.step_length,
                "must be finite and > 0",
            ));
        }
        Ok(())
    }

    fn from_options(network: &Network, options: ContinuousSirOptions) -> Result<Self> {
        ContinuousSir::new(network, options)
    }
}

impl Model for ContinuousSir {
    type State = ContinuousSirState;

    fn name(&self) -> &str {
        "continuous_sir"
    }

    fn new_state(&self, network: &Network) -> ContinuousSirState {
        let n = network.node_count();
        ContinuousSirState {
            touched: EpochMarks::new(n),
            status: vec![SUSCEPTIBLE; n],
            time: vec![f64::INFINITY; n],
            queue: BinaryHeap::new(),
            infected: 0,
            recovered: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut ContinuousSirState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.touched.next_epoch();
        state.queue.clear();
        state.infected = 0;
        state.recovered = 0;
        // Mark every seed first, so no seed queues a transmission to another.
        for &s in seeds {
            let i = s as usize;
            state.touched.mark(i);
            state.status[i] = INFECTED;
        }
        for &s in seeds {
            self.infect(network, state, s, 0.0, None, 0, rng, observer);
        }
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut ContinuousSirState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let horizon = f64::from(step) * self.options.step_length;
        while let Some(&Reverse((bits, v, who))) = state.queue.peek() {
            let t = f64::from_bits(bits);
            if t > horizon {
                break;
            }
            state.queue.pop();
            if who == RECOVERY {
                state.status[v as usize] = RECOVERED;
                state.infected -= 1;
                state.recovered += 1;
                observer.deactivated(v, step);
            } else if state.status_of(v) == SUSCEPTIBLE {
                self.infect(network, state, v, t, Some(who), step, rng, observer);
            }
        }
        if state.queue.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}
