//! Linear threshold (Granovetter 1978; Kempe, Kleinberg & Tardos 2003).
//!
//! Every arc `u -> v` carries a weight w(u, v) >= 0 with, for every node v,
//! Σ_u w(u, v) <= 1 over the arcs into v. Every node draws a threshold
//! θ_v, uniform in [0, 1], once per run (or is given one). A node becomes
//! active when the total weight of its active in-neighbours reaches its
//! threshold:
//!
//! ```text
//! v activates at step t + 1  <=>  Σ_{u active by step t} w(u, v) >= θ_v
//! ```
//!
//! See [`LinearThreshold`] for how weights come from ties ([`LtWeights`]),
//! how thresholds are set ([`LtThresholds`]) and how the kernel works.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::propagation::lt::{LinearThreshold, LtOptions, LtThresholds, LtWeights};
//! use wom::propagation::{Recorder, Simulation};
//!
//! // 0 and 1 both talk to 2 over ties of trust 0.3; 2 needs 0.5.
//! let net = Network::from_arcs(3, [(0, 2, 0.3), (1, 2, 0.3)])?;
//! let lt = LinearThreshold::new(
//!     &net,
//!     LtOptions {
//!         weights: LtWeights::Trust,
//!         thresholds: LtThresholds::Fixed(vec![1.0, 1.0, 0.5]),
//!     },
//! )?;
//! let mut sim = Simulation::new(&net, &lt);
//! let mut rec = Recorder::new();
//! // One talker is not enough ...
//! assert_eq!(sim.run(&[0], 7, 0, &mut rec)?.adopted, 1);
//! assert_eq!(rec.exposed(), 2);
//! // ... two are: 0.3 + 0.3 >= 0.5, and 1's weight tipped it over.
//! assert_eq!(sim.run(&[0, 1], 7, 0, &mut rec)?.adopted, 3);
//! assert_eq!(rec.cascade()[2].sender, Some(1));
//! # Ok::<(), wom::Error>(())
//! ```

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, check_probability};
use crate::network::NetworkId;
use crate::network::{Csr, Network};
use crate::propagation::Event;
use crate::propagation::kernel::{EpochMarks, two_draws31};
use crate::propagation::{
    FromOptions, Joint, Model, Observer, StepOutcome, THRESHOLD_SCALE, exposed_and_adopted,
};

/// The integer weight that stands for 1: 2^31 (see
/// [`THRESHOLD_SCALE`]).
const ONE: u32 = 1 << 31;

/// How a linear threshold model sets the weight w(u, v) of each arc from
/// the tie's trust t(u, v).
///
/// Sums run over every arc into v, parallel arcs and a self-loop included
/// (a self-loop's weight takes its share but can never help v itself,
/// since it only counts once v is active). indeg(v) counts those arcs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum LtWeights {
    /// The trust itself, scaled down only where it would break the rule:
    /// with T(v) = Σ_u t(u, v),
    /// w(u, v) = t(u, v) when T(v) <= 1, and w(u, v) = t(u, v) / T(v) when
    /// T(v) > 1 (then the weights into v sum to exactly 1). A node whose
    /// ties are weak keeps a total below 1: it may never be persuaded even
    /// by all its friends together.
    Trust,
    /// The trust as a share of all trust into v: w(u, v) = t(u, v) / T(v),
    /// so the weights into v sum to exactly 1, or are all 0 when every
    /// tie into v has trust 0.
    Normalized,
    /// Every in-neighbour counts the same: w(u, v) = 1 / indeg(v), trust
    /// ignored (the usual setting of Kempe et al. 2003).
    Uniform,
}

/// How a linear threshold model sets each node's threshold θ_v.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "thresholds", rename_all = "snake_case")]
pub enum LtThresholds {
    /// θ_v uniform in [0, 1], drawn afresh in every run, independently for
    /// every node: the model of Kempe et al. (2003), whose expected spread
    /// is that of a live-edge graph (see [`LinearThreshold`]).
    Random,
    /// θ_v given for each node, indexed by the network's internal index
    /// (one per node, each in [0, 1]); the run is then deterministic.
    /// A threshold of 0 makes a node adopt as soon as an active neighbour
    /// sends it a positive weight (not spontaneously); a threshold of 1
    /// makes it wait for in-weight 1.
    Fixed(Vec<f64>),
}

/// The parameters of a [`LinearThreshold`] model, as a document:
/// `{"weights": {"kind": "uniform"}}` (thresholds random) or with
/// `"thresholds": {"kind": "fixed", "thresholds": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LtOptions {
    /// The arc weights.
    pub weights: LtWeights,
    /// The thresholds (default: uniform random in every run).
    #[serde(default = "random_thresholds")]
    pub thresholds: LtThresholds,
}

fn random_thresholds() -> LtThresholds {
    LtThresholds::Random
}

impl LtOptions {
    /// Random thresholds (Kempe et al. 2003) with the given weights.
    pub fn random(weights: LtWeights) -> Self {
        LtOptions {
            weights,
            thresholds: LtThresholds::Random,
        }
    }
}

/// The linear threshold model.
///
/// Each arc `u -> v` (v hears u) has a weight w(u, v) from its tie (see
/// [`LtWeights`]), with Σ_u w(u, v) <= 1 into every node v, and each node
/// a threshold θ_v in [0, 1] (see [`LtThresholds`]). Seeds are active at
/// step 0. At step t + 1 the nodes activated at step t add their weight to
/// each out-neighbour, and an inactive node v activates when
///
/// ```text
/// Σ_{u active by step t} w(u, v) >= θ_v .
/// ```
///
/// The run ends when a step activates nobody. A node is *exposed* (aware)
/// the first time an active in-neighbour sends it a positive weight; it
/// *adopts* with that step's last contributing neighbour as sender, the one
/// whose weight took the total over the threshold, through channel
/// `ChannelId(0)` (`"tie"`).
///
/// With random thresholds the final active set has the distribution of the
/// set reachable from the seeds in a random *live-edge* graph where each
/// node v keeps at most one of its in-arcs, arc (u, v) with probability
/// w(u, v) and none with probability 1 - Σ_u w(u, v) (Kempe et al. 2003,
/// Theorem 2.5); the tests check the expected spread against that exactly.
///
/// # Parameters
/// * `weights` - see [`LtWeights`]: `Trust`, `Normalized` or `Uniform`;
/// * `thresholds` - see [`LtThresholds`]: `Random` or `Fixed` per node.
///
/// # Integer kernel
/// Weights are prepared once, as integers W(u, v) on the scale 2^31 (see
/// [`THRESHOLD_SCALE`]), stored beside each arc's target in a copy of the
/// forward CSR (8 bytes per arc). They are rounded by *cumulative
/// rounding*: going through the arcs into v in storage order, with C_k the
/// exact running sum of the first k weights times 2^31,
/// W_k = round(C_k) - round(C_{k-1}), and the last positive arc closes the
/// sum at R(v) = round(2^31 Σ_u w(u, v)) (exactly 2^31 for `Normalized`,
/// `Uniform`, and `Trust` with T(v) >= 1). So each W(u, v) is less than
/// one unit from 2^31 w(u, v), i.e. the weight a kernel uses is within
/// 2^-31 of w(u, v) (up to floating-point error in the running sums), a
/// zero weight stays 0, and the integer weights into v sum to exactly
/// R(v) <= 2^31: a node whose active in-neighbours hold weight 1 holds
/// exactly 2^31. (Flooring each weight instead would keep the sums below
/// 2^31 too, but could leave a node of total weight 1 short of it.)
///
/// A random threshold is a 31-bit draw k, uniform in {0, ..., 2^31 - 1},
/// standing for θ_v = (k + 1) / 2^31, and v activates when its integer
/// total A(v) >= k + 1, i.e. A(v) > k. So P(activate | A) = A / 2^31
/// exactly: weight 0 never activates a node and weight 1 (A = 2^31)
/// always does, as with θ uniform in [0, 1] and the rule Σ w >= θ. A fixed
/// threshold θ becomes K = max(1, ceil(2^31 θ)) and v activates when
/// A(v) >= K, the same rule Σ w >= θ on the integer weights.
///
/// Each node's threshold is drawn lazily, the first time a positive weight
/// reaches it in a run, not for all n nodes up front: a run costs draws
/// only for the nodes it touches. Draws are therefore made in the order in
/// which nodes are first touched (frontier order, then arc storage order),
/// which depends only on the inputs, so runs are reproducible; one 64-bit
/// output serves two draws. The node keeps, instead of an accumulator and a
/// threshold, the weight it still needs, K - A(v), under an epoch stamp, so
/// nothing is cleared between runs.
///
/// # Complexity
/// Preparation: O(n + m) time; kept, a copy of the forward CSR with the
/// integer weights (8 bytes per arc and 4 per node) and, for fixed
/// thresholds, 4 bytes per node; 32 bytes per node while preparing. Per run:
/// O(s + m_r) time, where m_r counts the arcs out of active nodes, at most
/// one random draw per touched node, and no allocation once the frontier
/// vectors have grown (8 bytes per node of state, epoch-stamped).
///
/// # References
/// M. Granovetter, "Threshold models of collective behavior", *American
/// Journal of Sociology* 83 (1978); D. Kempe, J. Kleinberg, É. Tardos,
/// "Maximizing the spread of influence through a social network", KDD 2003.
#[derive(Debug, Clone)]
pub struct LinearThreshold {
    weights: LtWeights,
    thresholds: LtThresholds,
    arcs: Csr<u32>,
    network: NetworkId,
    /// Integer fixed thresholds K(v); `None` for random thresholds.
    fixed: Option<Vec<u32>>,
}

/// Working memory of a linear threshold run.
#[derive(Debug, Clone)]
pub struct LtState {
    /// Nodes touched in this run, each with the integer weight it still
    /// needs to activate (0: active).
    need: EpochMarks<u32>,
    frontier: Vec<u32>,
    next: Vec<u32>,
    /// The unused second half of the last 64-bit draw.
    spare: Option<u32>,
    /// The last step run (0 after the start).
    stepped: u32,
}

impl LtState {
    /// Whether `v` is active in the current run.
    pub fn is_active(&self, v: u32) -> bool {
        self.need.get(v as usize) == Some(&0)
    }

    /// Whether `v` has been reached by a positive weight (or is a seed) in
    /// the current run.
    pub fn is_exposed(&self, v: u32) -> bool {
        self.need.is_marked(v as usize)
    }
}

impl LinearThreshold {
    /// A linear threshold model on `network` with the given weights and
    /// thresholds, prepared for its kernel: O(n + m) time.
    ///
    /// # Errors
    /// For [`LtThresholds::Fixed`]: [`Error::InvalidParameter`] when the
    /// number of thresholds is not the number of nodes,
    /// [`Error::InvalidWeight`] for a threshold that is not finite and
    /// [`Error::ProbabilityOutOfRange`] for one outside [0, 1] (both naming
    /// the node).
    pub fn new(network: &Network, options: LtOptions) -> Result<Self> {
        let LtOptions {
            weights,
            thresholds,
        } = options;
        let fixed = match &thresholds {
            LtThresholds::Random => None,
            LtThresholds::Fixed(theta) => {
                let n = network.node_count();
                if theta.len() != n {
                    return Err(Error::param(
                        "thresholds",
                        format!("{} values", theta.len()),
                        format!("one threshold per node is needed ({n} nodes)"),
                    ));
                }
                let mut fixed = Vec::with_capacity(n);
                for (v, &t) in theta.iter().enumerate() {
                    let t = check_probability(&format!("threshold of node {v}"), t, None)?;
                    fixed.push(((t * THRESHOLD_SCALE).ceil() as u32).max(1));
                }
                Some(fixed)
            }
        };
        Ok(LinearThreshold {
            network: network.id(),
            weights,
            thresholds,
            arcs: integer_weights(network, weights),
            fixed,
        })
    }

    /// Shorthand for [`new`](Self::new) with random thresholds, uniform in
    /// [0, 1] per node and run (Kempe et al. 2003), which have no value to
    /// refuse.
    pub fn random(network: &Network, weights: LtWeights) -> Self {
        LinearThreshold::new(network, LtOptions::random(weights))
            .expect("random thresholds have no value to refuse")
    }

    /// The weight setting.
    pub fn weights(&self) -> LtWeights {
        self.weights
    }

    /// The threshold setting.
    pub fn thresholds(&self) -> &LtThresholds {
        &self.thresholds
    }

    /// The prepared integer weights, beside the forward arcs (same order):
    /// W(u, v) ≈ 2^31 w(u, v); see the type's docs for the rounding.
    pub fn integer_weights(&self) -> &Csr<u32> {
        &self.arcs
    }
}

/// The integer weights of every forward arc, by cumulative rounding per
/// target (see [`LinearThreshold`]).
fn integer_weights(network: &Network, weights: LtWeights) -> Csr<u32> {
    let n = network.node_count();
    let fwd = network.forward();
    // Per target: total trust, in-degree, number of arcs of positive weight.
    let mut total = vec![0f64; n];
    let mut indeg = vec![0u32; n];
    let mut positive = vec![0u32; n];
    for a in fwd.arcs() {
        let v = a.node as usize;
        total[v] += f64::from(a.value);
        indeg[v] += 1;
        if a.value > 0.0 || weights == LtWeights::Uniform {
            positive[v] += 1;
        }
    }
    let scale = THRESHOLD_SCALE;
    // Each arc's exact weight times 2^31, and each node's rounded total.
    let exact = |v: usize, t: f32| -> f64 {
        let t = f64::from(t);
        match weights {
            LtWeights::Uniform => scale / f64::from(indeg[v]),
            LtWeights::Normalized => t / total[v] * scale,
            LtWeights::Trust if total[v] > 1.0 => t / total[v] * scale,
            LtWeights::Trust => t * scale,
        }
    };
    let rounded_total = |v: usize| -> u32 {
        match weights {
            LtWeights::Trust if total[v] < 1.0 => (total[v] * scale).round() as u32,
            _ => ONE,
        }
    };
    // Running sums per target: exact (scaled) and rounded.
    let mut running = vec![0f64; n];
    let mut done = vec![0u32; n];
    let mut prev = vec![0u32; n];
    fwd.map(|_, v, t| {
        let v = v as usize;
        let x = exact(v, t);
        // Zero trust (or 0 / 0 under `Normalized`) is no weight at all.
        if x.is_nan() || x <= 0.0 {
            return 0;
        }
        running[v] += x;
        done[v] += 1;
        let cap = rounded_total(v);
        let r = if done[v] == positive[v] {
            cap
        } else {
            (running[v].round() as u32).min(cap)
        };
        let w = r - prev[v];
        prev[v] = r;
        w
    })
}

impl FromOptions for LinearThreshold {
    type Options = LtOptions;
    const KEY: &'static str = "linear_threshold";

    fn from_options(network: &Network, options: LtOptions) -> Result<Self> {
        LinearThreshold::new(network, options)
    }
}

impl Model for LinearThreshold {
    type State = LtState;
    /// Every report follows a test of the node's own mark.
    const ADOPTS_ONCE: bool = true;

    fn check_network(&self, network: &Network) -> crate::Result<()> {
        self.network.check(network, "this linear threshold")
    }

    fn name(&self) -> &str {
        "linear_threshold"
    }

    fn new_state(&self, network: &Network) -> LtState {
        LtState {
            need: EpochMarks::new(network.node_count()),
            frontier: Vec::new(),
            next: Vec::new(),
            spare: None,
            stepped: 0,
        }
    }

    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut LtState,
        seeds: &[u32],
        _rng: &mut R,
        observer: &mut O,
    ) {
        state.need.next_epoch();
        state.frontier.clear();
        state.next.clear();
        state.spare = None;
        state.stepped = 0;
        for &s in seeds {
            state.need.set(s as usize, 0);
            state.frontier.push(s);
            exposed_and_adopted(observer, &Event::seed(s));
        }
    }

    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _network: &Network,
        state: &mut LtState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        state.stepped = step;
        if let Some(fixed) = &self.fixed {
            spread(&self.arcs, state, step, observer, |v| fixed[v as usize]);
        } else {
            // k + 1 for a uniform 31-bit k: the weight a fresh node needs.
            let mut spare = state.spare.take();
            spread(&self.arcs, state, step, observer, |_| {
                let k = match spare.take() {
                    Some(k) => k,
                    None => {
                        let (a, b) = two_draws31(rng);
                        spare = Some(b);
                        a
                    }
                };
                k + 1
            });
            state.spare = spare;
        }
        std::mem::swap(&mut state.frontier, &mut state.next);
        state.next.clear();
        if state.frontier.is_empty() {
            StepOutcome::Finished
        } else {
            StepOutcome::Active
        }
    }
}

/// In a composition, a node another model adopted at step t is active
/// here as if its threshold had been reached at step t: it never adopts
/// again, and its weight w(v, x) counts toward each out-neighbour x's
/// threshold from step t + 1 on (pushed at this model's step t + 1, after
/// the weights of the nodes it activated itself at step t). A threshold
/// already drawn for the node is forgotten; one not drawn yet is never
/// drawn, so the draws left for the others shift. A model that had
/// finished goes on from there.
impl Joint for LinearThreshold {
    fn adopt_external(&self, _network: &Network, state: &mut LtState, node: u32, step: u32) {
        let i = node as usize;
        if state.need.get(i) == Some(&0) {
            return;
        }
        state.need.set(i, 0);
        if state.stepped >= step {
            state.frontier.push(node);
        } else {
            state.next.push(node);
        }
    }
}

/// One step: the frontier pushes its weights into its out-neighbours;
/// those that reach their thresholds go to `next`.
#[inline]
fn spread<O: Observer + ?Sized>(
    arcs: &Csr<u32>,
    state: &mut LtState,
    step: u32,
    observer: &mut O,
    mut need: impl FnMut(u32) -> u32,
) {
    let LtState {
        need: needs,
        frontier,
        next,
        ..
    } = state;
    let mut needs = needs.view();
    for &u in frontier.iter() {
        for a in arcs.neighbors(u) {
            let w = a.value;
            if w == 0 {
                continue;
            }
            let v = a.node;
            let e = Event::tie(v, u, step);
            let (was, left) = needs.entry(v as usize, || need(v));
            if !was {
                observer.exposed(&e);
            } else if *left == 0 {
                continue;
            }
            if w >= *left {
                *left = 0;
                next.push(v);
                observer.adopted(&e);
            } else {
                *left -= w;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::propagation::{Recorder, Simulation};
    use crate::rng::{below, stream_rng};

    /// A random multigraph with self-loops, parallel arcs and zero trusts.
    fn random_network(seed: u64) -> Network {
        let mut rng = stream_rng(seed, 0);
        let n = 40u32;
        let arcs: Vec<(u32, u32, f64)> = (0..400)
            .map(|_| {
                let u = below(&mut rng, u64::from(n)) as u32;
                let v = below(&mut rng, 12) as u32; // dense in-lists on 0..12
                let t = match below(&mut rng, 4) {
                    0 => 0.0,
                    1 => 1.0 / 3.0,
                    _ => crate::rng::uniform_f64(&mut rng) * 0.2,
                };
                (u, v, t)
            })
            .collect();
        Network::from_arcs(n as usize, arcs).unwrap()
    }

    #[test]
    fn integer_weights_round_each_arc_and_keep_each_total() {
        for seed in 0..20 {
            let net = random_network(seed);
            let n = net.node_count();
            let mut trust = vec![0f64; n];
            let mut indeg = vec![0f64; n];
            for (_, v, t) in net.forward().iter() {
                trust[v as usize] += f64::from(t);
                indeg[v as usize] += 1.0;
            }
            for weights in [LtWeights::Trust, LtWeights::Normalized, LtWeights::Uniform] {
                let lt = LinearThreshold::random(&net, weights);
                let mut sums = vec![0u64; n];
                for ((_, v, t), (_, v2, w)) in net.forward().iter().zip(lt.integer_weights().iter())
                {
                    assert_eq!(v, v2);
                    let (s, t) = (trust[v as usize], f64::from(t));
                    let exact = match weights {
                        LtWeights::Uniform => 1.0 / indeg[v as usize],
                        LtWeights::Trust if s <= 1.0 => t,
                        _ => t / s,
                    } * THRESHOLD_SCALE;
                    assert!((f64::from(w) - exact).abs() <= 1.0 + 1e-6, "{w} vs {exact}");
                    if weights != LtWeights::Uniform && t == 0.0 {
                        assert_eq!(w, 0);
                    }
                    sums[v as usize] += u64::from(w);
                }
                for v in 0..n {
                    let want = match weights {
                        _ if indeg[v] == 0.0 => 0,
                        LtWeights::Trust if trust[v] < 1.0 => {
                            (trust[v] * THRESHOLD_SCALE).round() as u64
                        }
                        LtWeights::Normalized if trust[v] == 0.0 => 0,
                        _ => u64::from(ONE),
                    };
                    assert_eq!(sums[v], want, "{weights:?}, node {v}");
                }
            }
        }
    }

    #[test]
    fn options_serialize_as_tagged_documents() {
        let w = serde_json::to_string(&LtWeights::Normalized).unwrap();
        assert_eq!(w, r#"{"kind":"normalized"}"#);
        let back: LtWeights = serde_json::from_str(r#"{"kind":"uniform"}"#).unwrap();
        assert_eq!(back, LtWeights::Uniform);
        let r = serde_json::to_string(&LtThresholds::Random).unwrap();
        assert_eq!(r, r#"{"kind":"random"}"#);
        let f = LtThresholds::Fixed(vec![0.5, 0.25]);
        let text = serde_json::to_string(&f).unwrap();
        assert_eq!(text, r#"{"kind":"fixed","thresholds":[0.5,0.25]}"#);
        assert_eq!(serde_json::from_str::<LtThresholds>(&text).unwrap(), f);
        assert!(serde_json::from_str::<LtWeights>(r#"{"kind":"bogus"}"#).is_err());
    }

    #[test]
    fn runs_are_unaffected_by_the_epoch_wrapping() {
        let net = random_network(3);
        let lt = LinearThreshold::random(&net, LtWeights::Normalized);
        let seeds = [0, 5, 17];
        let record = |sim: &mut Simulation<'_, &LinearThreshold>, i| {
            let mut rec = Recorder::new();
            sim.run(&seeds, 9, i, &mut rec).unwrap();
            rec.cascade().to_vec()
        };
        let mut fresh = Simulation::new(&net, &lt);
        let want: Vec<_> = (0..6).map(|i| record(&mut fresh, i)).collect();
        let mut old = Simulation::new(&net, &lt);
        // Stale stamps that would collide with the epochs after the wrap.
        old.state.need.force(u32::MAX - 2, 1);
        let got: Vec<_> = (0..6).map(|i| record(&mut old, i)).collect();
        assert_eq!(got, want);
    }
}
