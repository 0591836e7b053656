//! Bass diffusion on a network: the mean adoption curve on a complete graph
//! against the discrete-time mean-field recursion and the continuous Bass
//! curve, exact one-step probabilities and attribution, reproducibility.

use crate::common;
use common::{complete, mean_se};
use wom::Relation;
use wom::propagation::bass::{ADVERTISING_CHANNEL, Bass, BassOptions, TIE_CHANNEL};
use wom::propagation::{Event, Model, Observer, Recorder, Simulation};
use wom::{Error, Network};

/// The continuous Bass curve F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}).
fn bass_curve(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + (q / p) * e)
}

/// The exact one-step map of the expected adoption fraction on the
/// complete graph of N nodes with per-neighbour influence q/N, and its
/// first two derivatives:
///
/// g(F) = F + (1 - F) h(F),  h(F) = 1 - (1 - p) e^{-λ F},  λ = -N ln(1 - q/N),
///
/// since (1 - q/N)^{N F} = e^{-λ F}. Given F_t, the N(1 - F_t) unadopted
/// nodes adopt independently with probability h(F_t) each, so
/// E[F_{t+1} | F_t] = g(F_t) exactly, for every N.
struct Map {
    p: f64,
    lambda: f64,
}

impl Map {
    fn new(p: f64, q: f64, n: f64) -> Self {
        Map {
            p,
            lambda: -n * (-q / n).ln_1p(),
        }
    }
    fn h(&self, f: f64) -> f64 {
        1.0 - (1.0 - self.p) * (-self.lambda * f).exp()
    }
    fn g(&self, f: f64) -> f64 {
        f + (1.0 - f) * self.h(f)
    }
    /// g'(F) = (1 - p) e^{-λF} (1 + λ(1 - F)) > 0, decreasing in F.
    fn g1(&self, f: f64) -> f64 {
        (1.0 - self.p) * (-self.lambda * f).exp() * (1.0 + self.lambda * (1.0 - f))
    }
    /// g''(F) = -(1 - p) λ e^{-λF} (2 + λ(1 - F)) < 0: g is concave.
    fn g2(&self, f: f64) -> f64 {
        -(1.0 - self.p) * self.lambda * (-self.lambda * f).exp() * (2.0 + self.lambda * (1.0 - f))
    }
}

/// Simulated adoption fractions after steps 0..=t_max of `runs` runs from
/// no seeds: `fractions[t][run]`.
fn simulate(n: u32, p: f64, q: f64, runs: u64, t_max: usize, master: u64) -> Vec<Vec<f64>> {
    let net = complete(n);
    let bass = Bass::new(
        &net,
        BassOptions {
            p,
            q: q / f64::from(n),
        },
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let mut rec = Recorder::new();
    let mut fractions = vec![Vec::with_capacity(runs as usize); t_max + 1];
    for run in 0..runs {
        let out = sim.run(&[], master, run, &mut rec).unwrap();
        assert!(out.finished);
        assert_eq!(out.adopted, n as usize);
        let curve = rec.adoption_curve();
        for (t, column) in fractions.iter_mut().enumerate() {
            // A run that finished before t stays at N.
            let a = curve.get(t).copied().unwrap_or(n as usize);
            column.push(a as f64 / f64::from(n));
        }
    }
    fractions
}

/// The mean adoption curve on a complete graph against the discrete-time
/// mean-field recursion, with the finite-N bias derived below.
///
/// # The finite-N term
/// E[F_{t+1} | F_t] = g(F_t) exactly (see [`Map`]), but g is concave, so
/// m_t = E[F_t] lags the recursion r_{t+1} = g(r_t), r_0 = 0: by Taylor's
/// theorem around m_t,
///
///   m_{t+1} = E[g(F_t)] = g(m_t) + ½ E[g''(ξ)(F_t - m_t)²],
///
/// so with b_t = m_t - r_t, to leading order in 1/N,
///
///   b_{t+1} = g'(r_t) b_t + ½ g''(r_t) V_t,
///
/// where V_t = Var(F_t) follows the linear-noise (delta-method) recursion
///
///   V_{t+1} = g'(r_t)² V_t + (1 - r_t) h(r_t)(1 - h(r_t)) / N
///
/// (the law of total variance: the variance of g(F_t), plus the binomial
/// variance of the N(1 - F_t) independent decisions). V_t = O(1/N), hence
/// b_t = O(1/N), negative. The terms left out are O(N^{-2}) (third moments
/// of F_t, errors of order V_t · b_t). So the test compares the simulated
/// mean with r_t + b_t and allows 4 standard errors of the simulated mean
/// plus half of |b_t| for those neglected terms; with N = 1000 and
/// 400 runs, |b_t| reaches about 0.004 against a standard error of about
/// 0.002, so the correction is visible and is itself checked.
///
/// # The discretisation error
/// The recursion is a discrete-time process; Bass's F(t) solves
/// dF/dt = (1 - F)(p + qF). With e_t = |r_t - F(t)|,
///
///   e_{t+1} <= |g(r_t) - g(F(t))| + |g(F(t)) - F(t + 1)|
///           <= L_t e_t + τ_t,
///
/// τ_t = |F(t + 1) - g(F(t))| the local truncation error, computed exactly
/// from the closed form of F, and L_t = sup g' on the segment between r_t
/// and F(t), which is g'(max(0, F(t) - E_t)) because g' is positive and
/// decreasing; E_{t+1} = L_t E_t + τ_t, E_0 = 0, then bounds e_t by
/// induction. τ_t has two parts: the forward-Euler error of a unit step,
/// ½ F''(ξ) with |F''| = |f'(F) f(F)| <= (p + q) (p + q)²/(4q), where
/// f(F) = (1 - F)(p + qF); and the difference of the per-step hazard
/// 1 - (1 - p)e^{-λF} from the rate p + qF, times 1 - F, which is at most
/// (1 - F) |q - (1 - p)λ| F plus (1 - F) λ²F²/2, so at most
/// |q - (1 - p)λ|/4 + 2λ²/27. For p = 0.01, q = 0.3 the sum is below
/// 0.0199; the test checks every τ_t against it. The recursion lags
/// the continuous curve by up to about 0.10 (adoption within a unit step
/// does not feed back until the next step), and E_t stays below 0.12.
#[test]
fn mean_curve_follows_the_recursion_and_the_bass_curve() {
    let (p, q) = (0.01, 0.3);
    let n = 1000u32;
    let runs = 400u64;
    let t_max = 30; // r_30 = 0.995: a few nodes are left, the variance is still resolved
    let sim = simulate(n, p, q, runs, t_max, 2024);
    let map = Map::new(p, q, f64::from(n));

    // The discretisation bound (independent of the simulation).
    let analytic_tau = 0.5 * (p + q) * (p + q) * (p + q) / (4.0 * q)
        + (q - (1.0 - p) * map.lambda).abs() / 4.0
        + 2.0 * map.lambda * map.lambda / 27.0;
    assert!(analytic_tau < 0.0199, "{analytic_tau}");
    let mut r = 0.0;
    let mut e_bound: f64 = 0.0;
    let mut worst_gap: f64 = 0.0;
    let mut recursion = vec![0.0];
    for t in 0..t_max {
        let f_t = bass_curve(p, q, t as f64);
        let f_next = bass_curve(p, q, (t + 1) as f64);
        let tau = (f_next - map.g(f_t)).abs();
        assert!(tau <= analytic_tau, "t = {t}: tau {tau} > {analytic_tau}");
        let lipschitz = map.g1((f_t - e_bound).max(0.0));
        e_bound = lipschitz * e_bound + tau;
        r = map.g(r);
        recursion.push(r);
        let gap = (r - f_next).abs();
        worst_gap = worst_gap.max(gap);
        assert!(
            gap <= e_bound,
            "t = {}: |recursion - F| = {gap} > bound {e_bound}",
            t + 1
        );
        assert!(e_bound < 0.12, "the bound is too loose to mean anything");
    }
    assert!(worst_gap > 0.05, "discrete time lags: {worst_gap}");

    // The simulation against the recursion plus its finite-N bias.
    let nf = f64::from(n);
    let (mut bias, mut var) = (0.0, 0.0);
    let mut e_bound: f64 = 0.0;
    for t in 0..t_max {
        let rt = recursion[t];
        bias = map.g1(rt) * bias + 0.5 * map.g2(rt) * var;
        var = map.g1(rt).powi(2) * var + (1.0 - rt) * map.h(rt) * (1.0 - map.h(rt)) / nf;
        let (mean, se) = mean_se(&sim[t + 1]);
        // Floor the sample standard error at the linear-noise prediction.
        let se = se.max((var / runs as f64).sqrt());
        let predicted = recursion[t + 1] + bias;
        let tol = 4.0 * se + 0.5 * bias.abs();
        assert!(
            (mean - predicted).abs() <= tol,
            "t = {}: simulated {mean}, recursion {} + bias {bias}, tolerance {tol}",
            t + 1,
            recursion[t + 1]
        );
        // And so against the continuous Bass curve, with every term.
        let f_t = bass_curve(p, q, t as f64);
        e_bound = map.g1((f_t - e_bound).max(0.0)) * e_bound
            + (bass_curve(p, q, (t + 1) as f64) - map.g(f_t)).abs();
        let to_bass = (mean - bass_curve(p, q, (t + 1) as f64)).abs();
        assert!(to_bass <= 4.0 * se + 1.5 * bias.abs() + e_bound);
    }
}

/// The finite-N bias shrinks like 1/N: at N = 250 it is four times larger
/// than at N = 1000, and the same prediction holds.
#[test]
fn finite_size_bias_scales_as_one_over_n() {
    let (p, q) = (0.01, 0.3);
    let n = 250u32;
    let runs = 1500u64;
    let t_max = 24;
    let sim = simulate(n, p, q, runs, t_max, 77);
    let map = Map::new(p, q, f64::from(n));
    let nf = f64::from(n);
    let (mut r, mut bias, mut var) = (0.0, 0.0, 0.0);
    let mut largest: f64 = 0.0;
    let mut observed_at_largest = 0.0;
    for t in 0..t_max {
        bias = map.g1(r) * bias + 0.5 * map.g2(r) * var;
        var = map.g1(r).powi(2) * var + (1.0 - r) * map.h(r) * (1.0 - map.h(r)) / nf;
        r = map.g(r);
        let (mean, se) = mean_se(&sim[t + 1]);
        let se = se.max((var / runs as f64).sqrt());
        let tol = 4.0 * se + 0.5 * bias.abs();
        assert!(
            (mean - (r + bias)).abs() <= tol,
            "t = {}: simulated {mean}, recursion {r} + bias {bias}, tolerance {tol}",
            t + 1
        );
        if bias.abs() > largest {
            largest = bias.abs();
            observed_at_largest = mean - r;
        }
    }
    // Here the bias is about 0.015, several standard errors (about 0.002):
    // the uncorrected recursion is measurably off.
    assert!(largest > 0.01, "{largest}");
    assert!(observed_at_largest < -0.005, "{observed_at_largest}");
}

/// An observer that tallies channels and checks senders.
#[derive(Default)]
struct Attribution {
    advertising: usize,
    tie: usize,
    seeds: usize,
    senders: Vec<u32>,
}

impl Observer for Attribution {
    fn adopted(&mut self, e: &Event) {
        if e.step == 0 {
            self.seeds += 1;
            assert_eq!((e.sender, e.channel), (None, TIE_CHANNEL));
        } else if e.channel == ADVERTISING_CHANNEL {
            assert_eq!(e.sender, None);
            self.advertising += 1;
        } else {
            assert_eq!(e.channel, TIE_CHANNEL);
            self.tie += 1;
            self.senders
                .push(e.sender.expect("word of mouth has a sender"));
        }
    }
}

/// One step from a fixed state, exactly: node 0 hears the a = 3 seeds 1, 2,
/// 3 (node 2 over two parallel arcs, so a = 4 arcs) and adopts at step 1
/// through advertising with probability p and through word of mouth with
/// probability (1 - p)(1 - (1 - q)^4); the sender is node 2 with
/// probability 2/4. Each is a binomial proportion over the runs, checked
/// within 4 standard errors.
#[test]
fn one_step_probabilities_and_attribution_are_exact() {
    let net = Network::from_arcs(4, [(1, 0, 1.0), (2, 0, 1.0), (2, 0, 0.5), (3, 0, 1.0)]).unwrap();
    let (p, q) = (0.2, 0.15);
    let bass = Bass::new(&net, BassOptions { p, q }).unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let runs = 40_000u64;
    let mut obs = Attribution::default();
    for run in 0..runs {
        sim.start(&[1, 2, 3], 5, run, &mut obs).unwrap();
        sim.step(&mut obs);
    }
    assert_eq!(obs.seeds, 3 * runs as usize);
    let r = runs as f64;
    let p_tie = (1.0 - p) * (1.0 - (1.0 - q).powi(4));
    let within = |count: usize, prob: f64, trials: f64| {
        let se = (prob * (1.0 - prob) / trials).sqrt();
        (count as f64 / trials - prob).abs() <= 4.0 * se
    };
    assert!(within(obs.advertising, p, r), "{}", obs.advertising);
    assert!(within(obs.tie, p_tie, r), "{}", obs.tie);
    let from_2 = obs.senders.iter().filter(|&&s| s == 2).count();
    assert!(obs.senders.iter().all(|s| [1, 2, 3].contains(s)));
    assert!(
        within(from_2, 0.5, obs.tie as f64),
        "{from_2} of {}",
        obs.tie
    );
}

/// Word of mouth only: every adoption has an adopted in-neighbour, adopted
/// at an earlier step, as its sender; the run stops when nobody unadopted
/// hears an adopter, even though some nodes never adopt.
#[test]
fn word_of_mouth_senders_adopted_earlier() {
    // 0 -> 1 -> 2 -> 3, and 4 isolated.
    let net = Network::from_arcs(5, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]).unwrap();
    let bass = Bass::new(&net, BassOptions { p: 0.0, q: 0.5 }).unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let mut rec = Recorder::new();
    for run in 0..200 {
        let out = sim.run(&[0], 9, run, &mut rec).unwrap();
        assert!(out.finished);
        assert_eq!(out.adopted, 4, "the chain adopts in the end; 4 never");
        let cascade = rec.cascade();
        for link in &cascade[1..] {
            let s = link.sender.unwrap();
            assert_eq!(s + 1, link.node);
            assert!(sim.state().adoption_step(s).unwrap() < link.step);
        }
        assert!(!sim.state().is_adopted(4));
    }
    // Nothing to spread with p = q = 0: the run ends at once.
    let still = Bass::new(&net, BassOptions { p: 0.0, q: 0.0 }).unwrap();
    let out = Simulation::new(&net, &still)
        .run(&[0], 1, 0, &mut ())
        .unwrap();
    assert_eq!((out.adopted, out.steps, out.finished), (1, 1, true));
}

/// With p = 1 everyone adopts at step 1 through advertising; with q = 0
/// advertising is the only channel, and the number adopting at step 1 is
/// Binomial(n, p).
#[test]
fn advertising_alone() {
    let n = 2000u32;
    let net = Network::from_arcs(n as usize, (1..n).map(|v| (0, v, 1.0))).unwrap();
    let all = Bass::new(&net, BassOptions { p: 1.0, q: 0.7 }).unwrap();
    let mut rec = Recorder::new();
    let out = Simulation::new(&net, &all)
        .run(&[], 1, 0, &mut rec)
        .unwrap();
    assert_eq!((out.adopted, out.steps), (n as usize, 1));
    assert!(
        rec.cascade()
            .iter()
            .all(|l| l.channel == ADVERTISING_CHANNEL)
    );

    let p = 0.03;
    let ads = Bass::new(&net, BassOptions { p, q: 0.0 }).unwrap();
    let mut sim = Simulation::new(&net, &ads);
    let runs = 300u64;
    let mut first = Vec::new();
    let mut obs = Attribution::default();
    for run in 0..runs {
        sim.start(&[], 3, run, &mut obs).unwrap();
        sim.step(&mut obs);
        first.push(sim.outcome().adopted as f64);
        while sim.step(&mut obs) == wom::propagation::StepOutcome::Active {}
        assert_eq!(sim.outcome().adopted, n as usize);
    }
    assert_eq!(obs.tie, 0);
    assert_eq!(obs.advertising, n as usize * runs as usize);
    let (mean, _) = mean_se(&first);
    let nf = f64::from(n);
    let se = (nf * p * (1.0 - p) / runs as f64).sqrt();
    assert!((mean - nf * p).abs() <= 4.0 * se, "{mean}");
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let net = complete(60);
    let bass = Bass::new(&net, BassOptions { p: 0.02, q: 0.01 }).unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let mut a = Recorder::new();
    let mut b = Recorder::new();
    sim.run(&[0], 11, 4, &mut a).unwrap();
    sim.run(&[0], 11, 4, &mut b).unwrap();
    assert_eq!(a, b);
    sim.run(&[0], 12, 4, &mut b).unwrap();
    assert_ne!(a.cascade(), b.cascade());
}

#[test]
fn parameters_are_validated() {
    let net = complete(3);
    for (p, q) in [(-0.1, 0.1), (0.1, 1.5)] {
        assert!(matches!(
            Bass::new(&net, BassOptions { p, q }),
            Err(Error::ProbabilityOutOfRange { .. })
        ));
    }
    assert!(
        Bass::new(
            &net,
            BassOptions {
                p: f64::NAN,
                q: 0.1
            }
        )
        .is_err()
    );
    let bass = Bass::new(&net, BassOptions { p: 0.1, q: 0.2 }).unwrap();
    assert_eq!(bass.name(), "bass");
    let json = serde_json::to_string(&bass.options()).unwrap();
    let back: BassOptions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, bass.options());
}

/// Sender attribution with both channels on: on a directed random graph
/// with p > 0 and q > 0 (so that many nodes adopt through advertising in
/// the same step as word-of-mouth adopters next to them), every adoption
/// through the tie channel names a sender s with an arc s -> receiver that
/// adopted at a strictly earlier step than the receiver (the update is
/// synchronous: a node adopting at step t is not yet a sender at step t),
/// and every advertising adoption names none. Each step's new adopters are
/// also checked against the adoption steps kept in the state.
#[test]
fn tie_senders_adopted_at_an_earlier_step_with_advertising() {
    use std::collections::HashSet;
    use wom::generate::{Gnp, gnp};

    let net = gnp(
        &Gnp {
            n: 300,
            p: 0.03,
            direction: Relation::Follow,
        },
        21,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let arcs: HashSet<(u32, u32)> = net.forward().iter().map(|(u, v, _)| (u, v)).collect();
    let bass = Bass::new(&net, BassOptions { p: 0.05, q: 0.1 }).unwrap();
    let mut sim = Simulation::new(&net, &bass);
    let mut rec = Recorder::new();
    let (mut tie, mut same_step_neighbours) = (0usize, 0usize);
    for run in 0..200 {
        let out = sim.run(&[0, 1], 0xBA55, run, &mut rec).unwrap();
        assert!(out.finished);
        assert_eq!(out.adopted, net.node_count());
        let st = sim.state();
        for link in rec.cascade() {
            assert_eq!(st.adoption_step(link.node), Some(link.step));
            if link.step == 0 {
                assert_eq!((link.sender, link.channel), (None, TIE_CHANNEL));
                continue;
            }
            if link.channel == ADVERTISING_CHANNEL {
                assert_eq!(link.sender, None);
                continue;
            }
            assert_eq!(link.channel, TIE_CHANNEL);
            let s = link.sender.expect("a tie adoption has a sender");
            assert!(
                arcs.contains(&(s, link.node)),
                "{s} -> {} is no arc",
                link.node
            );
            let at = st.adoption_step(s).unwrap();
            assert!(
                at < link.step,
                "run {run}: {} adopted at step {} from {s}, adopted at step {at}",
                link.node,
                link.step
            );
            tie += 1;
            // The mutant's window: an in-neighbour adopting in the same step.
            same_step_neighbours += net
                .reverse()
                .neighbors(link.node)
                .iter()
                .filter(|a| st.adoption_step(a.node) == Some(link.step))
                .count();
        }
    }
    // The check had something to bite on.
    assert!(tie > 10_000, "{tie} tie adoptions");
    assert!(same_step_neighbours > 1_000, "{same_step_neighbours}");
}
