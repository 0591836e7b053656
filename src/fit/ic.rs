//! The transmission probability of an independent cascade, estimated from
//! timed cascades over a known network.
//!
//! # The likelihood
//! In wom's [`IndependentCascade`](crate::propagation::IndependentCascade)
//! a node activated at step t tries each out-arc once, at step t + 1. So in
//! a cascade observed as node → activation step (seeds at step 0, the
//! cascade run to its end), every arc `u -> v` out of an active u is one of:
//!
//! * a **candidate** of v when `t_v = t_u + 1`: at least one of v's
//!   candidates succeeded, probability `1 - Π (1 - p_a)` over them;
//! * a **failure** when v never activated or `t_v > t_u + 1`:
//!   probability `1 - p_a`;
//! * not tried when `t_v <= t_u` (v was already active).
//!
//! Seeds (step 0) are not explained. A node active at t > 0 with no
//! candidate cannot be explained by the model: by default that is an
//! error naming the cascade and the node ([`Unexplained::Error`]); with
//! [`Unexplained::AsSeed`] it is treated as a seed and counted in the
//! fit's report.
//!
//! # Uniform p
//! With one p on every arc, `ℓ(p) = Σ_v ln(1 - (1 - p)^{k_v}) + F ln(1 - p)`
//! (k_v the candidates of activated node v, F the failures) is concave,
//! so the maximum is the root of the score, found by bisection. The
//! reported interval is the **profile-likelihood** (likelihood-ratio)
//! interval `{p : 2(ℓ(p̂) - ℓ(p)) <= χ²₁(level)}`, which stays inside
//! [0, 1] and is accurate at small counts; the standard error is the Wald
//! one, `1 / sqrt(-ℓ''(p̂))`, which means little when p̂ is 0 or 1 (no
//! success or no failure): read the interval then.
//!
//! # Per arc: EM
//! Saito, Nakano & Kimura (2008): with `P_v = 1 - Π_{a ∈ B_v} (1 - κ_a)`
//! over the candidates B_v of each activation, iterate
//! `κ_a ← (Σ_{activations with a ∈ B_v} κ_a / P_v) / (S⁺_a + S⁻_a)`,
//! S⁺_a the activations where a was a candidate and S⁻_a its failures.
//! An arc never tried (no active source in any cascade) is
//! **unidentified**: its estimate is `None`, not 0. Each arc's interval is
//! the likelihood-ratio interval of a binomial with the EM's expected
//! successes over its trials: exact when each of its successes had a
//! single candidate, narrower than the truth otherwise (it leaves out the
//! uncertainty of which candidate succeeded).
//!
//! # Reference
//! K. Saito, R. Nakano, M. Kimura, "Prediction of information diffusion
//! probabilities for independent cascade model", KES 2008, LNAI 5179,
//! 67–75.
//!
//! # Example
//! ```
//! use wom::Network;
//! use wom::fit::ic::{fit_ic_uniform, IcFitOptions, TimedCascade};
//!
//! // 0 -> 1 -> 2 and 0 -> 2: 0 reached 1 at step 1, then 1 reached 2.
//! let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0), (0, 2, 1.0)])?;
//! let cascade = TimedCascade::new("c", vec![(0, 0), (1, 1), (2, 2)])?;
//! let fit = fit_ic_uniform(&net, &[cascade], &IcFitOptions::default())?;
//! // Two successes (0 -> 1, 1 -> 2), one failure (0 -> 2 at step 1).
//! assert!((fit.p.estimate - 2.0 / 3.0).abs() < 1e-12);
//! assert!(fit.p.covers(2.0 / 3.0) && fit.p.low > 0.0);
//! # Ok::<(), wom::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dist::chi_square_1_quantile;
use super::{Parameter, check_level};
use crate::error::{Error, Result};
use crate::network::Network;
use crate::observed::ObservedCascade;
use crate::propagation::Event;

/// Marks a node that is not active in a cascade.
const INACTIVE: u32 = u32::MAX;

/// A cascade over a known network: each active node (an index into the
/// network) with the step it became active at, seeds at step 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedCascade {
    /// The cascade's name, used in errors.
    pub name: String,
    /// `(node, step)` for each active node, each node once.
    pub activations: Vec<(u32, u32)>,
}

impl TimedCascade {
    /// A cascade from its activations.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when a node is listed twice.
    pub fn new(name: impl Into<String>, activations: Vec<(u32, u32)>) -> Result<Self> {
        let name = name.into();
        let mut nodes: Vec<u32> = activations.iter().map(|&(v, _)| v).collect();
        nodes.sort_unstable();
        if let Some(w) = nodes.windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::param(
                &format!("cascade {name:?}"),
                w[0],
                "the node is listed twice",
            ));
        }
        Ok(TimedCascade { name, activations })
    }

    /// The cascade of a simulated run, from the adoption events a
    /// [`Recorder`](crate::propagation::Recorder) kept
    /// ([`cascade`](crate::propagation::Recorder::cascade)).
    pub fn from_events(name: impl Into<String>, events: &[Event]) -> Self {
        let mut seen = std::collections::HashSet::new();
        TimedCascade {
            name: name.into(),
            activations: events
                .iter()
                .filter(|e| seen.insert(e.node))
                .map(|e| (e.node, e.step))
                .collect(),
        }
    }

    /// An observed cascade over `network`: ids looked up in the network,
    /// times turned into steps `round((time - first time) / time_step)`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the cascade and the id when an id
    /// is not a node of the network, or when `time_step` is not positive.
    pub fn from_observed(
        cascade: &ObservedCascade,
        network: &Network,
        time_step: f64,
    ) -> Result<Self> {
        if !(time_step.is_finite() && time_step > 0.0) {
            return Err(Error::param("time_step", time_step, "must be > 0"));
        }
        let first = cascade
            .nodes()
            .iter()
            .map(|n| n.time)
            .fold(f64::INFINITY, f64::min);
        let mut activations = Vec::with_capacity(cascade.node_count());
        for node in cascade.nodes() {
            let v = network.index_of(&node.id).map_err(|_| {
                Error::param(
                    &format!("cascade {:?}", cascade.name()),
                    &node.id,
                    "this node is not in the network",
                )
            })?;
            let step = ((node.time - first) / time_step).round();
            if !(step >= 0.0 && step < f64::from(u32::MAX)) {
                return Err(Error::param(
                    &format!("cascade {:?}, node {}", cascade.name(), node.id),
                    node.time,
                    "the time gives no step",
                ));
            }
            activations.push((v, step as u32));
        }
        TimedCascade::new(cascade.name(), activations)
    }
}

/// What to do with a node active at a step > 0 none of whose in-neighbours
/// was active the step before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unexplained {
    /// An error naming the cascade and the node.
    #[default]
    Error,
    /// Treat it as a seed (not explained, its own out-arcs tried), and
    /// count it in the fit's `unexplained`.
    AsSeed,
}

/// How to fit: see [`fit_ic_uniform`] and [`fit_ic_arcs`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IcFitOptions {
    /// Confidence level of the intervals, in (0, 1). Default 0.95.
    pub level: f64,
    /// What to do with an activation the model cannot explain. Default
    /// [`Unexplained::Error`].
    pub unexplained: Unexplained,
    /// Most EM iterations of [`fit_ic_arcs`]. Default 10,000.
    pub max_iterations: u32,
    /// EM stops when no arc's estimate moves by more than this. Default
    /// 1e-10.
    pub tolerance: f64,
}

impl Default for IcFitOptions {
    fn default() -> Self {
        IcFitOptions {
            level: 0.95,
            unexplained: Unexplained::Error,
            max_iterations: 10_000,
            tolerance: 1e-10,
        }
    }
}

/// What the cascades held, as the likelihood saw them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IcCounts {
    /// Cascades.
    pub cascades: usize,
    /// Seeds (step 0), not explained.
    pub seeds: usize,
    /// Activations explained (step > 0 with a candidate).
    pub activations: usize,
    /// Candidate arcs over all activations.
    pub candidate_arcs: u64,
    /// Failed attempts.
    pub failures: u64,
    /// Activations no in-neighbour explains, treated as seeds under
    /// [`Unexplained::AsSeed`]: `(cascade, node)`.
    pub unexplained: Vec<(String, u32)>,
}

/// The fit of one p for every arc.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IcUniformFit {
    /// p, with its Wald standard error and profile-likelihood interval.
    pub p: Parameter,
    /// The log-likelihood at p̂.
    pub log_likelihood: f64,
    /// The intervals' confidence level.
    pub level: f64,
    /// What the cascades held.
    pub counts: IcCounts,
}

/// One arc's estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArcEstimate {
    /// The arc's source (a node index).
    pub from: u32,
    /// The arc's target.
    pub to: u32,
    /// The estimate; `None` when the arc was never tried (unidentified).
    pub p: Option<f64>,
    /// The interval's ends (see the [module documentation](self)); `None`
    /// when unidentified.
    pub interval: Option<(f64, f64)>,
    /// Activations where the arc was a candidate.
    pub candidate: u32,
    /// Its failed attempts.
    pub failed: u32,
}

/// The per-arc fit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IcArcFit {
    /// Every arc of the network, in the order of its forward arrays.
    pub arcs: Vec<ArcEstimate>,
    /// Arcs tried at least once.
    pub identified: usize,
    /// Arcs never tried: no estimate.
    pub unidentified: usize,
    /// EM iterations.
    pub iterations: u32,
    /// Whether EM met its tolerance within its iterations.
    pub converged: bool,
    /// The log-likelihood at the estimate.
    pub log_likelihood: f64,
    /// The intervals' confidence level.
    pub level: f64,
    /// What the cascades held.
    pub counts: IcCounts,
}

/// The cascades reduced to what the likelihood needs.
struct Trials {
    /// For each explained activation, its candidate arcs (forward arc
    /// indices), concatenated; `groups[i]..groups[i + 1]`.
    candidates: Vec<u32>,
    groups: Vec<usize>,
    /// Failed attempts per arc.
    failures: Vec<u32>,
    counts: IcCounts,
}

fn collect(
    network: &Network,
    cascades: &[TimedCascade],
    unexplained: Unexplained,
) -> Result<Trials> {
    let n = network.node_count();
    let forward = network.forward();
    let offsets = forward.offsets();
    let arcs = forward.arcs();
    let mut time = vec![INACTIVE; n];
    let mut failures = vec![0u32; arcs.len()];
    let mut per_node: Vec<Vec<u32>> = Vec::new();
    let mut trials = Trials {
        candidates: Vec::new(),
        groups: vec![0],
        failures: Vec::new(),
        counts: IcCounts {
            cascades: cascades.len(),
            ..IcCounts::default()
        },
    };
    let name_of = |v: u32| {
        network
            .id_of(v)
            .map_or(format!("#{v}"), ToString::to_string)
    };
    for cascade in cascades {
        for &(v, step) in &cascade.activations {
            if v as usize >= n {
                return Err(Error::param(
                    &format!("cascade {:?}", cascade.name),
                    v,
                    format!("no such node: the network has {n} nodes"),
                ));
            }
            if time[v as usize] != INACTIVE {
                return Err(Error::param(
                    &format!("cascade {:?}", cascade.name),
                    name_of(v),
                    "the node is listed twice",
                ));
            }
            if step == INACTIVE {
                return Err(Error::param(
                    &format!("cascade {:?}, node {}", cascade.name, name_of(v)),
                    step,
                    "step out of range",
                ));
            }
            time[v as usize] = step;
        }
        // Candidates of each activated node, from its active in-neighbours.
        per_node.clear();
        per_node.resize(cascade.activations.len(), Vec::new());
        let slot: std::collections::HashMap<u32, usize> = cascade
            .activations
            .iter()
            .enumerate()
            .map(|(i, &(v, _))| (v, i))
            .collect();
        for &(u, tu) in &cascade.activations {
            let u = u as usize;
            for k in offsets[u] as usize..offsets[u + 1] as usize {
                let v = arcs[k].node as usize;
                let tv = time[v];
                if tv == INACTIVE || tv > tu + 1 {
                    failures[k] += 1;
                } else if tv == tu + 1 {
                    per_node[slot[&(v as u32)]].push(k as u32);
                }
            }
        }
        for (i, &(v, step)) in cascade.activations.iter().enumerate() {
            if step == 0 {
                trials.counts.seeds += 1;
            } else if per_node[i].is_empty() {
                match unexplained {
                    Unexplained::Error => {
                        return Err(Error::param(
                            &format!("cascade {:?}, node {}", cascade.name, name_of(v)),
                            format!("step {step}"),
                            format!(
                                "none of its in-neighbours was active at step {}: the \
                                 independent cascade cannot explain this activation (treat \
                                 such nodes as seeds with unexplained = as_seed)",
                                step - 1
                            ),
                        ));
                    }
                    Unexplained::AsSeed => {
                        trials.counts.unexplained.push((cascade.name.clone(), v));
                    }
                }
            } else {
                trials.counts.activations += 1;
                trials.counts.candidate_arcs += per_node[i].len() as u64;
                trials.candidates.extend_from_slice(&per_node[i]);
                trials.groups.push(trials.candidates.len());
            }
        }
        for &(v, _) in &cascade.activations {
            time[v as usize] = INACTIVE;
        }
    }
    trials.counts.failures = failures.iter().map(|&f| u64::from(f)).sum();
    trials.failures = failures;
    Ok(trials)
}

/// `ln(1 - (1 - p)^k)` without cancellation.
fn ln_success(p: f64, k: f64) -> f64 {
    (-(k * (-p).ln_1p()).exp_m1()).ln()
}

/// The uniform log-likelihood from counts: `n_k` activations with k
/// candidates, `failures` failures.
struct Uniform {
    groups: BTreeMap<u64, u64>,
    failures: f64,
}

impl Uniform {
    fn ll(&self, p: f64) -> f64 {
        let mut ll = if self.failures > 0.0 {
            self.failures * (-p).ln_1p()
        } else {
            0.0
        };
        for (&k, &n) in &self.groups {
            ll += n as f64 * ln_success(p, k as f64);
        }
        ll
    }

    /// ℓ'(p), decreasing on (0, 1).
    fn score(&self, p: f64) -> f64 {
        let u = 1.0 - p;
        let mut s = -self.failures / u;
        for (&k, &n) in &self.groups {
            let k = k as f64;
            let g = -(k * (-p).ln_1p()).exp_m1();
            s += n as f64 * k * u.powf(k - 1.0) / g;
        }
        s
    }

    /// -ℓ''(p).
    fn information(&self, p: f64) -> f64 {
        let u = 1.0 - p;
        let mut info = self.failures / (u * u);
        for (&k, &n) in &self.groups {
            let k = k as f64;
            let g = -(k * (-p).ln_1p()).exp_m1();
            let g1 = k * u.powf(k - 1.0);
            let g2 = if k >= 2.0 {
                -k * (k - 1.0) * u.powf(k - 2.0)
            } else {
                0.0
            };
            info -= n as f64 * (g2 * g - g1 * g1) / (g * g);
        }
        info
    }
}

/// Bisection for the last bit on `[lo, hi]` where `inside(lo) != inside(hi)`.
fn bisect(mut lo: f64, mut hi: f64, mut inside_lo: impl FnMut(f64) -> bool) -> f64 {
    for _ in 0..300 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if inside_lo(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The likelihood-ratio interval of a concave log-likelihood `ll` on
/// [0, 1] with its maximum at `hat`.
fn lr_interval(hat: f64, level: f64, ll: impl Fn(f64) -> f64) -> (f64, f64) {
    let cut = ll(hat) - chi_square_1_quantile(level) / 2.0;
    let within = |p: f64| {
        let v = ll(p);
        v.is_finite() && v >= cut
    };
    let low = if hat <= 0.0 || within(0.0) {
        0.0
    } else {
        bisect(0.0, hat, |p| !within(p))
    };
    let high = if hat >= 1.0 || within(1.0) {
        1.0
    } else {
        bisect(hat, 1.0, within)
    };
    (low, high)
}

/// Fits one transmission probability p for every arc by maximum
/// likelihood (see the [module documentation](self)).
///
/// # Arguments
/// * `network` - the network the cascades ran on.
/// * `cascades` - cascades run to their end, node indices into `network`.
/// * `options` - confidence level and what to do with unexplained
///   activations.
///
/// # Returns
/// p̂ with its Wald standard error and profile-likelihood interval, and
/// what the cascades held. With no explained activation p̂ = 0; with no
/// failure p̂ = 1.
///
/// # Errors
/// [`Error::InvalidParameter`] for a node not in the network, a node
/// listed twice in a cascade, an unexplained activation under
/// [`Unexplained::Error`] (naming the cascade and the node), no cascade or
/// no attempt at all, a level outside (0, 1).
pub fn fit_ic_uniform(
    network: &Network,
    cascades: &[TimedCascade],
    options: &IcFitOptions,
) -> Result<IcUniformFit> {
    check_level(options.level)?;
    let trials = collect(network, cascades, options.unexplained)?;
    let mut groups = BTreeMap::new();
    for w in trials.groups.windows(2) {
        *groups.entry((w[1] - w[0]) as u64).or_insert(0u64) += 1;
    }
    let model = Uniform {
        groups,
        failures: trials.counts.failures as f64,
    };
    if model.groups.is_empty() && model.failures == 0.0 {
        return Err(Error::param(
            "cascades",
            format!("{} cascades", cascades.len()),
            "no arc was ever tried: the cascades say nothing about p",
        ));
    }
    let hat = if model.groups.is_empty() {
        0.0
    } else if model.failures == 0.0 {
        1.0
    } else {
        bisect(0.0, 1.0, |p| model.score(p) > 0.0)
    };
    let (low, high) = lr_interval(hat, options.level, |p| model.ll(p));
    let info = model.information(hat.clamp(1e-300, 1.0 - 1e-16));
    Ok(IcUniformFit {
        p: Parameter {
            name: "p".to_string(),
            estimate: hat,
            std_error: 1.0 / info.sqrt(),
            low,
            high,
        },
        log_likelihood: model.ll(hat),
        level: options.level,
        counts: trials.counts,
    })
}

/// Fits a transmission probability per arc by the EM algorithm of Saito,
/// Nakano & Kimura (2008) (see the [module documentation](self)), started
/// from the uniform estimate.
///
/// # Returns
/// One [`ArcEstimate`] per arc of the network; arcs never tried have no
/// estimate.
///
/// # Errors
/// As [`fit_ic_uniform`]; also [`Error::InvalidParameter`] for a
/// tolerance that is not positive.
pub fn fit_ic_arcs(
    network: &Network,
    cascades: &[TimedCascade],
    options: &IcFitOptions,
) -> Result<IcArcFit> {
    if !(options.tolerance.is_finite() && options.tolerance > 0.0) {
        return Err(Error::param("tolerance", options.tolerance, "must be > 0"));
    }
    let uniform = fit_ic_uniform(network, cascades, options)?;
    let trials = collect(network, cascades, options.unexplained)?;
    let m = trials.failures.len();
    let mut candidate = vec![0u32; m];
    for &a in &trials.candidates {
        candidate[a as usize] += 1;
    }
    let tried: Vec<bool> = (0..m)
        .map(|a| candidate[a] + trials.failures[a] > 0)
        .collect();
    let start = uniform.p.estimate.clamp(0.01, 0.99);
    let mut kappa: Vec<f64> = (0..m).map(|a| if tried[a] { start } else { 0.0 }).collect();
    let mut credit = vec![0.0; m];
    let mut iterations = 0;
    let mut converged = false;
    while iterations < options.max_iterations {
        iterations += 1;
        credit.iter_mut().for_each(|c| *c = 0.0);
        for w in trials.groups.windows(2) {
            let group = &trials.candidates[w[0]..w[1]];
            let fail: f64 = group.iter().map(|&a| 1.0 - kappa[a as usize]).product();
            let success = 1.0 - fail;
            if success > 0.0 {
                for &a in group {
                    credit[a as usize] += kappa[a as usize] / success;
                }
            }
        }
        let mut moved: f64 = 0.0;
        for a in 0..m {
            if tried[a] {
                let next = credit[a] / f64::from(candidate[a] + trials.failures[a]);
                moved = moved.max((next - kappa[a]).abs());
                kappa[a] = next;
            }
        }
        if moved <= options.tolerance {
            converged = true;
            break;
        }
    }
    // The expected successes through each arc at the estimate.
    credit.iter_mut().for_each(|c| *c = 0.0);
    let mut log_likelihood = 0.0;
    for w in trials.groups.windows(2) {
        let group = &trials.candidates[w[0]..w[1]];
        let success = 1.0
            - group
                .iter()
                .map(|&a| 1.0 - kappa[a as usize])
                .product::<f64>();
        log_likelihood += success.ln();
        if success > 0.0 {
            for &a in group {
                credit[a as usize] += kappa[a as usize] / success;
            }
        }
    }
    for (&failed, &k) in trials.failures.iter().zip(&kappa) {
        if failed > 0 {
            log_likelihood += f64::from(failed) * (-k).ln_1p();
        }
    }
    let forward = network.forward();
    let mut arcs = Vec::with_capacity(m);
    for (u, v, _) in forward.iter() {
        let a = arcs.len();
        let (p, interval) = if tried[a] {
            let n = f64::from(candidate[a] + trials.failures[a]);
            let s = credit[a].min(n);
            let ll = |p: f64| {
                let mut v = 0.0;
                if s > 0.0 {
                    v += s * p.ln();
                }
                if n - s > 0.0 {
                    v += (n - s) * (-p).ln_1p();
                }
                v
            };
            (
                Some(kappa[a]),
                Some(lr_interval(kappa[a], options.level, ll)),
            )
        } else {
            (None, None)
        };
        arcs.push(ArcEstimate {
            from: u,
            to: v,
            p,
            interval,
            candidate: candidate[a],
            failed: trials.failures[a],
        });
    }
    let identified = tried.iter().filter(|&&t| t).count();
    Ok(IcArcFit {
        arcs,
        identified,
        unidentified: m - identified,
        iterations,
        converged,
        log_likelihood,
        level: options.level,
        counts: trials.counts,
    })
}
