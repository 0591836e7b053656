//! Rumor spreading with ignorants, spreaders and stiflers (Maki & Thompson
//! 1973; Daley & Kendall 1965).
//!
//! Every node is an *ignorant* (has not heard), a *spreader* (heard and
//! tells) or a *stifler* (heard and stopped telling). A spreader contacts
//! someone: an ignorant contacted becomes a spreader; a spreader who
//! contacts someone who already knows (a spreader or a stifler) loses
//! interest and becomes a stifler. The rumour dies out when no spreader is
//! left, and on a large well-mixed population a fraction θ ≈ 0.2032 never
//! hears it, θ the root in (0, 1) of θ = e^{-2(1 - θ)}. See [`Rumor`].
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::rumor::{Rumor, RumorOptions};
//! use wom::propagation::{Recorder, Simulation};
//!
//! // A directed ring of 5: each spreader has exactly one person to tell.
//! let net = Network::from_arcs(5, (0..5).map(|i| (i, (i + 1) % 5, 1.0)))?;
//! let rumor = Rumor::new(&net, RumorOptions::default())?;
//! let mut sim = Simulation::new(&net, &rumor);
//! let mut rec = Recorder::new();
//! let outcome = sim.run(&[0], 1, 0, &mut rec)?;
//! // The rumour goes round once; the last teller meets a stifler.
//! assert_eq!(outcome.adopted, 5);
//! assert_eq!(sim.state().spreader_count(), 0);
//! assert_eq!(rec.cascade()[4].sender, Some(3));
//! # Ok::<(), wom::Error>(())
//! ```

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::network::Network;
use crate::propagation::Event;
use crate::propagation::kernel::{EpochMarks, exponential};
use crate::propagation::{FromOptions, Model, Observer, StepOutcome, exposed_and_adopted};
use crate::rng::below;

/// How spreaders take turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RumorUpdate {
    /// Discrete time. Each step, every node that is a spreader when the step
    /// begins makes one contact, one after another in a fixed order, and
    /// each contact takes effect at once: a node turned spreader in this
    /// step does not make its own contact until the next step, but a later
    /// caller in the same step already finds it informed. The order: the
    /// seeds as given; then the previous step's order, each caller who is
    /// still a spreader followed by the ignorant it told, if any.
    #[default]
    Sweep,
    /// Continuous time (Gillespie): every spreader makes contacts at rate 1,
    /// so the next contact comes after an exponential time of rate S (S
    /// spreaders) and is made by a spreader chosen uniformly. This is the
    /// process of Maki & Thompson's classic analysis. Step t of the engine
    /// carries out the contacts whose times fall in (t - 1, t].
    Continuous,
}

/// Whom a spreader can contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RumorContacts {
    /// One of its out-neighbours, uniformly (each arc equally likely:
    /// parallel arcs weigh more, a self-loop is a contact with oneself, who
    /// already knows). A spreader with no out-arc has nobody to tell and
    /// becomes a stifler at its first turn.
    #[default]
    Network,
    /// Anyone else in the population, uniformly, ignoring the arcs: the
    /// well-mixed population of the classic model (the complete graph,
    /// without storing its n(n - 1) arcs).
    CompleteMixing,
}

/// What happens when a spreader contacts someone who already knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stifling {
    /// Maki & Thompson (1973): only the caller becomes a stifler.
    #[default]
    MakiThompson,
    /// Daley & Kendall (1965): the caller becomes a stifler, and so does a
    /// spreader it contacts (both learn the rumour is known).
    DaleyKendall,
}

/// Parameters of the rumor model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RumorOptions {
    /// Turn-taking: discrete sweeps (default) or continuous time.
    pub update: RumorUpdate,
    /// Over the network's arcs (default) or in a well-mixed population.
    pub contacts: RumorContacts,
    /// Maki–Thompson (default) or Daley–Kendall stifling.
    pub stifling: Stifling,
}

/// The ignorant–spreader–stifler rumor model (Maki & Thompson 1973, with
/// the Daley & Kendall 1965 variant).
///
/// # Model
/// Seeds start as spreaders, everyone else as ignorant. A spreader u
/// contacts one node v (a uniform out-neighbour, or anyone else under
/// [`RumorContacts::CompleteMixing`]):
///
/// ```text
/// v ignorant             ->  v becomes a spreader   (u stays a spreader)
/// v spreader or stifler  ->  u becomes a stifler    (Daley–Kendall: a
///                                                    spreader v too)
/// ```
///
/// Turns are taken as set by [`RumorUpdate`]. The run ends when no spreader
/// is left. Becoming a spreader is reported as exposure and adoption (the
/// node heard the rumour and passes it on), with the caller as sender,
/// channel 0 (`"tie"`); becoming a stifler is reported through
/// [`Observer::deactivated`]. So `adopted` counts everyone who heard the
/// rumour and `n - adopted` the ignorants left.
///
/// Classic result: in a well-mixed population of N with one initial
/// spreader, the fraction never hearing the rumour tends to θ = 0.2032...,
/// the root in (0, 1) of θ = e^{-2(1 - θ)} (Maki & Thompson 1973; Sudbury
/// 1985 proves convergence in probability). In that setting, with
/// Maki–Thompson stifling, each contact changes S by +1 with probability
/// I / (N - 1) (and I by -1) and by -1 otherwise, whichever spreader makes
/// it: the chain of (I, S) at contacts, hence the distribution of the final
/// I, is the same under both updates, and S + 2I - (N - 1) H_I (H the
/// harmonic numbers, I ignorants, S spreaders) is a martingale, which gives
/// E[2 I_∞ - (N - 1) H_{I_∞}] = 1 + 2(N - 1) - (N - 1) H_{N-1} exactly from
/// one initial spreader (the test suite checks this identity).
///
/// # Complexity
/// O(1) per contact (one draw for the contact; the continuous update one
/// more for the caller and one for the waiting time). A run makes at most
/// 2n - 1 contacts (each either informs an ignorant or stifles a spreader),
/// so it costs O(s + contacts) = O(n). Memory: one `u32` and one byte per
/// node (one more `u32` under the continuous update) and two lists of
/// spreaders; no allocation per run.
///
/// # References
/// D. P. Maki, M. Thompson, *Mathematical Models and Applications*,
/// Prentice-Hall (1973); D. J. Daley, D. G. Kendall, "Stochastic rumours",
/// *IMA J. Applied Mathematics* 1, 42–55 (1965); A. Sudbury, "The
/// proportion of the population never hearing a rumour", *J. Applied
/// Probability* 22, 443–446 (1985).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rumor {
    options: RumorOptions,
}

/// Node status in `RumorState::status` (meaningful when the node's mark is
/// the current epoch; otherwise the node is ignorant).
const SPREADER: u8 = 1;
const STIFLER: u8 = 2;

/// Working memory of a rumor run.
#[derive(Debug, Clone)]
pub struct RumorState {
    /// Nodes informed in this run; `status` is meaningful for them.
    informed_marks: EpochMarks,
    status: Vec<u8>,
    /// Spreaders. Sweep: this step's callers (entries may have been stifled
    /// by a Daley–Kendall contact); continuous: exactly the spreaders, in
    /// positions `pos`.
    spreaders: Vec<u32>,
    next: Vec<u32>,
    pos: Vec<u32>,
    /// Continuous time of the next contact.
    next_time: f64,
    spreading: usize,
    stifled: usize,
    informed: usize,
}

impl RumorState {
    /// Spreaders now.
    pub fn spreader_count(&self) -> usize {
        self.spreading
    }

    /// Stiflers now.
    pub fn stifler_count(&self) -> usize {
        self.stifled
    }

    /// Nodes that have heard the rumour (spreaders and stiflers, seeds
    /// included).
    pub fn informed_count(&self) -> usize {
        self.informed
    }

    /// Whether `v` has heard the rumour in the current run.
    pub fn is_informed(&self, v: u32) -> bool {
        self.informed_marks.is_marked(v as usize)
    }

    /// Whether `v` is a spreader now.
    pub fn is_spreader(&self, v: u32) -> bool {
        self.is_informed(v) && self.status[v as usize] == SPREADER
    }

    #[inline]
    fn status_of(&self, v: u32) -> u8 {
        if self.informed_marks.is_marked(v as usize) {
            self.status[v as usize]
        } else {
            0
        }
    }
}

impl Rumor {
    /// The rumor model with the given options, checked against `network`;
    /// nothing to prepare.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for
    /// complete mixing on a network of fewer than 2 nodes (nobody to tell).
    pub fn new(network: &Network, options: RumorOptions) -> Result<Self> {
        if options.contacts == RumorContacts::CompleteMixing && network.node_count() < 2 {
            return Err(crate::Error::param(
                "contacts",
                "complete_mixing",
                "needs at least 2 nodes",
            ));
        }
        Ok(Rumor { options })
    }

    /// The options.
    pub fn options(&self) -> RumorOptions {
        self.options
    }

    /// Whom `u` contacts, or `None` when it has nobody to tell.
    #[inline]
    fn contact<R: Rng + ?Sized>(&self, network: &Network, u: u32, rng: &mut R) -> Option<u32> {
        match self.options.contacts {
            RumorContacts::Network => {
                let arcs = network.forward().neighbors(u);
                if arcs.is_empty() {
                    None
                } else {
                    Some(arcs[below(rng, arcs.len() as u64) as usize].node)
                }
            }
            RumorContacts::CompleteMixing => {
                let n = network.node_count() as u64;
                if n < 2 {
                    return None;
                }
                let v = below(rng, n - 1) as u32;
                Some(if v >= u { v + 1 } else { v })
            }
        }
    }

    /// Carries out one contact by spreader `u`. Returns the new spreader,
    /// if any.
    #[inline]
    fn act<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut RumorState,
        u: u32,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> Act {
        let Some(v) = self.contact(network, u, rng) else {
            stifle(state, u, step, observer);
            return Act::CallerStifled { other: None };
        };
        match state.status_of(v) {
            0 => {
                state.informed_marks.mark(v as usize);
                state.status[v as usize] = SPREADER;
                state.spreading += 1;
                state.informed += 1;
                exposed_and_adopted(observer, &Event::tie(v, u, step));
                Act::Told(v)
            }
            s => {
                stifle(state, u, step, observer);
                let other =
                    (s == SPREADER && v != u && self.options.stifling == Stifling::DaleyKendall)
                        .then(|| {
                            stifle(state, v, step, observer);
                            v
                        });
                Act::CallerStifled { other }
            }
        }
    }
}

/// The outcome of one contact.
enum Act {
    /// The contacted ignorant became a spreader.
    Told(u32),
    /// The caller became a stifler, and with it `other` (Daley–Kendall).
    CallerStifled { other: Option<u32> },
}

#[inline]
fn stifle<O: Observer + ?Sized>(state: &mut RumorState, u: u32, step: u32, observer: &mut O) {
    state.status[u as usize] = STIFLER;
    state.spreading -= 1;
    state.stifled += 1;
    observer.deactivated(u, step);
}

impl FromOptions for Rumor {
    type Options = RumorOptions;
    const KEY: &'static str = "rumor";

    fn from_options(network: &Network, options: RumorOptions) -> Result<Self> {
        Rumor::new(network, options)
    }
}

impl Model for Rumor {
    type State = RumorState;

    fn name(&self) -> &str {
        "rumor"
    }

    fn new_state(&self, network: &Network) -> RumorState {
        let n = network.node_count();
        let continuous = self.options.update == RumorUpdate::Continuous;
        RumorState {
            informed_marks: EpochMarks::new(n),
            status: vec![0; n],
            spreaders: Vec::new(),
            next: Vec::new(),
            pos: vec![0; if continuous { n } else { 0 }],
            next_time: 0.0,
            spreading: 0,
            stifled: 0,
            informed: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut RumorState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.informed_marks.next_epoch();
        state.spreaders.clear();
        state.next.clear();
        state.spreading = 0;
        state.stifled = 0;
        state.informed = 0;
        let continuous = self.options.update == RumorUpdate::Continuous;
        for &s in seeds {
            state.informed_marks.mark(s as usize);
            state.status[s as usize] = SPREADER;
            if continuous {
                state.pos[s as usize] = state.spreaders.len() as u32;
            }
            state.spreaders.push(s);
            state.spreading += 1;
            state.informed += 1;
            exposed_and_adopted(observer, &Event::seed(s));
        }
        state.next_time = if continuous && state.spreading > 0 {
            exponential(rng, state.spreading as f64)
        } else {
            f64::INFINITY
        };
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut RumorState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        match self.options.update {
            RumorUpdate::Sweep => {
                let callers = std::mem::take(&mut state.spreaders);
                state.next.clear();
                for &u in &callers {
                    // A Daley–Kendall contact may have stifled u already.
                    if state.status[u as usize] != SPREADER {
                        continue;
                    }
                    match self.act(network, state, u, step, rng, observer) {
                        Act::Told(v) => {
                            state.next.push(u);
                            state.next.push(v);
                        }
                        Act::CallerStifled { .. } => {}
                    }
                }
                state.spreaders = std::mem::replace(&mut state.next, callers);
                // Entries stifled after they were listed are skipped next
                // step; drop them now so the list is exact.
                let RumorState {
                    spreaders, status, ..
                } = state;
                spreaders.retain(|&v| status[v as usize] == SPREADER);
            }
            RumorUpdate::Continuous => {
                let horizon = f64::from(step);
                while state.spreading > 0 && state.next_time <= horizon {
                    let k = below(rng, state.spreaders.len() as u64) as usize;
                    let u = state.spreaders[k];
                    match self.act(network, state, u, step, rng, observer) {
                        Act::Told(v) => {
                            state.pos[v as usize] = state.spreaders.len() as u32;
                            state.spreaders.push(v);
                        }
                        Act::CallerStifled { other } => {
                            remove_spreader(state, u);
                            if let Some(v) = other {
                                remove_spreader(state, v);
                            }
                        }
                    }
                    if state.spreading > 0 {
                        state.next_time += exponential(rng, state.spreading as f64);
                    }
                }
            }
        }
        if state.spreading == 0 {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}

/// Removes `v` from the continuous update's spreader list (swap with the
/// last).
#[inline]
fn remove_spreader(state: &mut RumorState, v: u32) {
    let i = state.pos[v as usize] as usize;
    let moved = *state.spreaders.last().expect("v is listed");
    state.spreaders[i] = moved;
    state.pos[moved as usize] = i as u32;
    state.spreaders.pop();
}
