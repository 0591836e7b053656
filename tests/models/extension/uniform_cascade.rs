//! An independent cascade with a uniform p, written the way a downstream
//! crate would: only wom's public API and its kernel helpers
//! (`wom::propagation::kernel`). Shared by `tests/extension.rs`, the
//! `propagation` bench and the `mc_throughput` example, which compare it
//! with the built-in `IndependentCascade`.

use rand::Rng;
use wom::Network;
use wom::propagation::kernel::{EpochMarks, GeometricSkip};
use wom::propagation::{Event, Model, Observer, StepOutcome, exposed_and_adopted};

/// Each new adopter gets one chance to convince each out-neighbour, with
/// the same probability p on every arc.
#[derive(Debug, Clone, Copy)]
pub struct UniformCascade {
    trials: GeometricSkip,
}

impl UniformCascade {
    /// The cascade with probability `p` per arc.
    pub fn new(p: f64) -> wom::Result<Self> {
        Ok(UniformCascade {
            trials: GeometricSkip::new(p)?,
        })
    }
}

/// Its working memory, reused by every run.
#[derive(Debug, Clone)]
pub struct UniformCascadeState {
    active: EpochMarks,
    frontier: Vec<u32>,
    next: Vec<u32>,
    gap: u64,
}

impl Model for UniformCascade {
    type State = UniformCascadeState;

    fn name(&self) -> &str {
        "uniform_cascade"
    }

    fn new_state(&self, network: &Network) -> UniformCascadeState {
        UniformCascadeState {
            active: EpochMarks::new(network.node_count()),
            frontier: Vec::new(),
            next: Vec::new(),
            gap: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut UniformCascadeState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        state.active.next_epoch();
        state.frontier.clear();
        state.next.clear();
        for &s in seeds {
            state.active.mark(s as usize);
            state.frontier.push(s);
            exposed_and_adopted(observer, &Event::seed(s));
        }
        state.gap = self.trials.sample(rng);
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut UniformCascadeState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        let UniformCascadeState {
            active,
            frontier,
            next,
            gap,
        } = state;
        // The epoch read once, kept in a register through the loop.
        let mut active = active.view();
        // One sequence of trials over the arcs of the whole frontier.
        for &u in frontier.iter() {
            let arcs = network.forward().neighbors(u);
            self.trials.walk(gap, arcs.len() as u64, rng, |i, _| {
                let v = arcs[i as usize].node;
                if !active.test_and_mark(v as usize) {
                    next.push(v);
                    exposed_and_adopted(observer, &Event::tie(v, u, step));
                }
            });
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
