//! Independent cascade (Goldenberg, Libai & Muller 2001; Kempe, Kleinberg &
//! Tardos 2003).

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Result, check_probability};
use crate::network::NetworkId;
use crate::network::{Csr, Network};
use crate::propagation::Event;
use crate::propagation::kernel::{EpochMarks, GeometricSkip, threshold_trials, threshold31};
use crate::propagation::{FromOptions, Joint, Model, Observer, StepOutcome, exposed_and_adopted};

/// How an independent cascade sets the activation probability p(u, v) of
/// each arc.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum IcProbabilities {
    /// The same p on every arc.
    Uniform {
        /// The probability, in [0, 1].
        p: f64,
    },
    /// The weighted cascade: p(u, v) = 1 / indeg(v), counting parallel arcs.
    WeightedCascade,
    /// p(u, v) = trust of the tie.
    Trust,
    /// p(u, v) = trust(u, v) × credibility(u) × susceptibility(v): a
    /// believable sender over a strong tie to a persuadable receiver.
    TrustAndActors,
}

/// The independent cascade model.
///
/// Each node that becomes active at step t gets one chance, at step t + 1,
/// to activate each inactive out-neighbour v, succeeding with probability
/// p(u, v) independently of everything else. The run ends when a step
/// activates nobody. Equivalently (Kempe et al. 2003), each arc is *live*
/// with probability p(u, v), independently, and the final active set is the
/// set reachable from the seeds over live arcs.
///
/// The kernel runs on the frozen CSR. With a uniform p it draws, instead of
/// one number per arc, the gap to the next successful arc, a geometric
/// variable `floor(ln U / ln(1 - p))`, across the arcs of the whole frontier,
/// so a step costs O(successes) random draws. Otherwise each arc's
/// probability is stored beside its target as a 31-bit integer threshold
/// (see [`THRESHOLD_SCALE`](crate::propagation::THRESHOLD_SCALE)), a draw is compared
/// with it before the target's visited mark is read, and one 64-bit output
/// serves two arcs.
///
/// Complexity per run: O(s + m_r) time, where m_r is the number of arcs out
/// of active nodes, and no allocation (an epoch-stamped mark per node, two
/// frontier vectors). Memory: the prepared arcs take 8 bytes per arc (none
/// for uniform p, which reads the network's own arrays).
///
/// Reference: J. Goldenberg, B. Libai, E. Muller, "Talk of the network: a
/// complex systems look at the underlying process of word-of-mouth",
/// Marketing Letters 12 (2001); D. Kempe, J. Kleinberg, É. Tardos,
/// "Maximizing the spread of influence through a social network", KDD 2003.
#[derive(Debug, Clone)]
pub struct IndependentCascade {
    /// `None` when built from the caller's per-arc function.
    probabilities: Option<IcProbabilities>,
    network: NetworkId,
    kernel: Kernel,
}

#[derive(Debug, Clone)]
enum Kernel {
    /// Trials skipped geometrically over the frontier's arcs.
    Uniform(GeometricSkip),
    /// Per-arc 31-bit thresholds beside the targets.
    PerArc(Csr<u32>),
}

/// Working memory of an independent cascade run.
#[derive(Debug, Clone)]
pub struct IcState {
    active: EpochMarks,
    frontier: Vec<u32>,
    next: Vec<u32>,
    /// Failures still to come before the next success (uniform p).
    gap: u64,
    /// The last step run (0 after the start).
    stepped: u32,
}

impl IcState {
    /// Whether `v` is active in the current run.
    pub fn is_active(&self, v: u32) -> bool {
        self.active.is_marked(v as usize)
    }
}

impl IndependentCascade {
    /// An independent cascade on `network` with the given probabilities,
    /// prepared for its kernel: O(m) time.
    ///
    /// # Errors
    /// [`Error::ProbabilityOutOfRange`](crate::Error::ProbabilityOutOfRange) /
    /// [`Error::InvalidWeight`](crate::Error::InvalidWeight) for a uniform p
    /// outside [0, 1].
    pub fn new(network: &Network, probabilities: IcProbabilities) -> Result<Self> {
        Self::check_options(&probabilities)?;
        let kernel = match probabilities {
            IcProbabilities::Uniform { p } => Kernel::Uniform(GeometricSkip::new(p)?),
            IcProbabilities::WeightedCascade => {
                let indeg = in_degrees(network);
                Kernel::PerArc(
                    network
                        .forward()
                        .map(|_, v, _| threshold31(1.0 / f64::from(indeg[v as usize]))),
                )
            }
            IcProbabilities::Trust => {
                Kernel::PerArc(network.forward().map(|_, _, t| threshold31(f64::from(t))))
            }
            IcProbabilities::TrustAndActors => Kernel::PerArc(network.forward().map(|u, v, t| {
                let p = f64::from(t)
                    * network.profile(u).credibility()
                    * network.profile(v).susceptibility();
                threshold31(p)
            })),
        };
        Ok(IndependentCascade {
            network: network.id(),
            probabilities: Some(probabilities),
            kernel,
        })
    }

    /// Shorthand for [`new`](Self::new) with
    /// [`IcProbabilities::Uniform`]: the same p on every arc.
    ///
    /// # Errors
    /// When `p` is outside [0, 1] or not finite.
    pub fn uniform(network: &Network, p: f64) -> Result<Self> {
        IndependentCascade::new(network, IcProbabilities::Uniform { p })
    }

    /// Shorthand for [`new`](Self::new) with
    /// [`IcProbabilities::WeightedCascade`], p(u, v) = 1 / indeg(v), which
    /// has no value to refuse.
    pub fn weighted_cascade(network: &Network) -> Self {
        IndependentCascade::new(network, IcProbabilities::WeightedCascade)
            .expect("the weighted cascade has no parameter to refuse")
    }

    /// Per-arc probabilities computed by `p(source, target, trust)`.
    ///
    /// # Errors
    /// When a returned probability is outside [0, 1] or not finite; the
    /// error names the arc.
    pub fn with_probabilities(
        network: &Network,
        mut p: impl FnMut(u32, u32, f32) -> f64,
    ) -> Result<Self> {
        let mut bad = None;
        let arcs = network.forward().map(|u, v, t| {
            let x = p(u, v, t);
            if (0.0..=1.0).contains(&x) {
                return threshold31(x);
            }
            // Only a bad value pays for naming its arc.
            if bad.is_none() {
                bad = check_probability(&format!("p({u}, {v})"), x, None).err();
            }
            0
        });
        if let Some(e) = bad {
            return Err(e);
        }
        Ok(IndependentCascade {
            network: network.id(),
            probabilities: None,
            kernel: Kernel::PerArc(arcs),
        })
    }

    /// The probability setting this cascade was built with; `None` for
    /// one built by [`with_probabilities`](Self::with_probabilities) from
    /// the caller's own function, which no setting describes.
    pub fn probabilities(&self) -> Option<IcProbabilities> {
        self.probabilities
    }
}

/// In-degrees, counting parallel arcs.
fn in_degrees(network: &Network) -> Vec<u32> {
    let mut indeg = vec![0u32; network.node_count()];
    for a in network.forward().arcs() {
        indeg[a.node as usize] += 1;
    }
    indeg
}

impl FromOptions for IndependentCascade {
    type Options = IcProbabilities;
    const KEY: &'static str = "independent_cascade";

    fn check_options(probabilities: &IcProbabilities) -> Result<()> {
        if let IcProbabilities::Uniform { p } = *probabilities {
            check_probability("p", p, None)?;
        }
        Ok(())
    }

    fn from_options(network: &Network, probabilities: IcProbabilities) -> Result<Self> {
        IndependentCascade::new(network, probabilities)
    }
}

impl Model for IndependentCascade {
    type State = IcState;
    /// Every report follows a test of the node's own mark.
    const ADOPTS_ONCE: bool = true;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this independent cascade")
    }

    fn name(&self) -> &str {
        "independent_cascade"
    }

    fn new_state(&self, network: &Network) -> IcState {
        IcState {
            active: EpochMarks::new(network.node_count()),
            frontier: Vec::new(),
            next: Vec::new(),
            gap: 0,
            stepped: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut IcState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.active.next_epoch();
        state.frontier.clear();
        state.next.clear();
        state.stepped = 0;
        for &s in seeds {
            state.active.mark(s as usize);
            state.frontier.push(s);
            exposed_and_adopted(observer, &Event::seed(s));
        }
        state.gap = match &self.kernel {
            Kernel::Uniform(skip) => skip.sample(rng),
            Kernel::PerArc(_) => 0,
        };
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut IcState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.stepped = step;
        let IcState {
            active,
            frontier,
            next,
            gap,
            ..
        } = state;
        let mut active = active.view();
        let mut activate = |v: u32, u: u32| {
            if !active.test_and_mark(v as usize) {
                next.push(v);
                exposed_and_adopted(observer, &Event::tie(v, u, step));
            }
        };
        match &self.kernel {
            Kernel::Uniform(skip) => {
                // Trials over the concatenated arcs of the frontier.
                for &u in frontier.iter() {
                    let arcs = network.forward().neighbors(u);
                    skip.walk(gap, arcs.len() as u64, rng, |i, _| {
                        activate(arcs[i as usize].node, u)
                    });
                }
            }
            Kernel::PerArc(csr) => {
                for &u in frontier.iter() {
                    threshold_trials(csr.neighbors(u), rng, |&t| t, |v| activate(v, u));
                }
            }
        }
        std::mem::swap(frontier, next);
        next.clear();
        if frontier.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}

/// In a composition, a node another model adopted at step t is active
/// here as if this cascade had activated it at step t: it is never
/// activated again, and it gets its one chance to activate each inactive
/// out-neighbour at step t + 1 (after this cascade's own step t if that has
/// not run yet, in the next step otherwise), after the nodes the cascade
/// activated itself when both are in the frontier. A cascade that had
/// finished goes on from there.
impl Joint for IndependentCascade {
    fn adopt_external(&self, _network: &Network, state: &mut IcState, node: u32, step: u32) {
        if state.active.test_and_mark(node as usize) {
            return;
        }
        if state.stepped >= step {
            state.frontier.push(node);
        } else {
            state.next.push(node);
        }
    }
}
