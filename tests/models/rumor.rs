//! Maki–Thompson rumor: the fraction who never hear the rumour on a large
//! well-mixed population and on a complete graph, an exact martingale
//! identity, update-order semantics and Daley–Kendall stifling.

use wom::Network;
use wom::propagation::rumor::{Rumor, RumorContacts, RumorOptions, RumorUpdate, Stifling};
use wom::propagation::{Event, Model, Observer, Recorder, Simulation};

/// Mean, standard error of the mean, and (biased) variance.
fn moments(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let ss = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
    (m, (ss / (n - 1.0) / n).sqrt(), ss / n)
}

/// The root in (0, 1) of θ = e^{-2(1 - θ)}, by Newton's method from 0.2
/// (the other root is θ = 1).
fn theta() -> f64 {
    let mut t: f64 = 0.2;
    for _ in 0..50 {
        let e = (-2.0 * (1.0 - t)).exp();
        t -= (t - e) / (1.0 - 2.0 * e);
    }
    t
}

/// The harmonic number H_k = 1 + 1/2 + ... + 1/k.
fn harmonic(k: u64) -> f64 {
    (1..=k).rev().map(|i| 1.0 / i as f64).sum()
}

#[test]
fn theta_is_0_2032() {
    let t = theta();
    assert!((t - (-2.0 * (1.0 - t)).exp()).abs() < 1e-15);
    assert!((t - 0.2032).abs() < 5e-5, "{t}");
}

/// Runs `runs` rumours from one spreader (node 0) and returns the number of
/// ignorants left at the end of each.
fn ignorants_left(net: &Network, options: RumorOptions, runs: u64, master: u64) -> Vec<u64> {
    let rumor = Rumor::new(net, options).unwrap();
    let mut sim = Simulation::new(net, &rumor);
    (0..runs)
        .map(|run| {
            let out = sim.run(&[0], master, run, &mut ()).unwrap();
            assert!(out.finished);
            assert_eq!(sim.state().spreader_count(), 0);
            assert_eq!(sim.state().stifler_count(), out.adopted);
            (net.node_count() - out.adopted) as u64
        })
        .collect()
}

/// Checks a sample of final ignorant counts I (population N, one initial
/// spreader) against two predictions.
///
/// # An exact identity
/// Each contact is made by some spreader to one of the N - 1 others chosen
/// uniformly. Given I ignorants it informs one with probability I/(N - 1)
/// (S += 1, I -= 1) and otherwise stifles the caller (S -= 1), whichever
/// spreader calls. Hence Z = S + 2I - (N - 1) H_I is a martingale:
/// E[ΔZ] = (2I/(N-1) - 1) - 2I/(N-1) + (I/(N-1))(N-1)/I = 0, and as a run
/// makes at most 2N contacts, optional stopping at S = 0 gives, exactly,
///
///   E[2 I_∞ - (N - 1) H_{I_∞}] = 1 + 2(N - 1) - (N - 1) H_{N-1}.
///
/// The sample mean of the left side is checked within 4 standard errors:
/// no finite-size term, for any N and either update order.
///
/// # θ, with a finite-size term
/// Divide by N - 1, write y = I_∞/(N - 1) and H_k = ln k + γ + ε_k with
/// 0 < ε_k < 1/(2k): with ψ(y) = 2y - ln y,
///
///   E[ψ(y)] = 2 + δ,   δ = 1/(N - 1) - ε_{N-1} + E[ε_{I_∞}],
///
/// so 0 < δ < 1/(N - 1) + 1/(2 I_min). θ solves ψ(θ) = 2. ψ is convex
/// (ψ'' = 1/y²), so by Taylor's theorem
/// ψ(E y) = E ψ(y) - ½ E[ψ''(ξ)(y - E y)²] lies within ½ Var(y)/y_min² below
/// 2 + δ, and by the mean value theorem, with |ψ'| = 1/y - 2 >= 1/y_hi - 2
/// between θ and E y,
///
///   |E y - θ| <= (δ_max + ½ Var(y)/y_min²) / (1/y_hi - 2) =: F_N,
///
/// O(1/N) since Var(y) = O(1/N). Finally x = I_∞/N = y (N - 1)/N moves the
/// mean by E y / N more. Var, y_min and y_hi are taken from the sample
/// (y_hi with a 4-standard-error margin). The test: |mean x - θ| <= 4 SE +
/// F_N + (θ + F_N)/N.
fn check(ignorants: &[u64], n: u64, what: &str) {
    let nm1 = (n - 1) as f64;
    // The exact identity.
    let lhs: Vec<f64> = ignorants
        .iter()
        .map(|&i| (2.0 * i as f64 - nm1 * harmonic(i)) / nm1)
        .collect();
    let target = (1.0 + 2.0 * nm1 - nm1 * harmonic(n - 1)) / nm1;
    let (mean, se, _) = moments(&lhs);
    assert!(
        (mean - target).abs() <= 4.0 * se,
        "{what}: martingale identity: mean {mean}, exact {target}, se {se}"
    );

    // θ with the finite-size term.
    let th = theta();
    let x: Vec<f64> = ignorants.iter().map(|&i| i as f64 / n as f64).collect();
    let y: Vec<f64> = ignorants.iter().map(|&i| i as f64 / nm1).collect();
    let (mean_x, se_x, _) = moments(&x);
    let (mean_y, se_y, var_y) = moments(&y);
    let i_min = *ignorants.iter().min().unwrap();
    assert!(i_min > 0);
    let y_min = i_min as f64 / nm1;
    let y_hi = th.max(mean_y) + 4.0 * se_y;
    assert!(y_hi < 0.5, "ψ must be decreasing there");
    let delta_max = 1.0 / nm1 + 0.5 / i_min as f64;
    let f_n = (delta_max + 0.5 * var_y / (y_min * y_min)) / (1.0 / y_hi - 2.0);
    let tol = 4.0 * se_x + f_n + (th + f_n) / n as f64;
    assert!(
        (mean_x - th).abs() <= tol,
        "{what}: mean ignorant fraction {mean_x}, θ = {th}, tolerance {tol} (se {se_x}, F_N {f_n})"
    );
    // The finite-size term is small: the test resolves θ to a few 1e-3.
    assert!(tol < 0.006, "{what}: tolerance {tol}");
}

/// Maki & Thompson's classic setting: a well-mixed population, one initial
/// spreader, N = 20,000. Both update orders give the same chain of (I, S)
/// at contacts, so both must pass.
#[test]
fn well_mixed_population_leaves_about_a_fifth_ignorant() {
    let n = 20_000u64;
    let net = Network::from_arcs(n as usize, []).unwrap();
    for update in [RumorUpdate::Continuous, RumorUpdate::Sweep] {
        let options = RumorOptions {
            update,
            contacts: RumorContacts::CompleteMixing,
            stifling: Stifling::MakiThompson,
        };
        let left = ignorants_left(&net, options, 300, 31);
        check(&left, n, &format!("{update:?}"));
    }
}

/// The same on an explicit complete graph (N = 1000, 999,000 arcs), over
/// the network's arcs: a uniform out-neighbour is a uniform other node. In
/// fact node u's arcs are stored in the order 0, 1, ..., n - 1 without u,
/// and complete mixing maps a draw k < n - 1 to k, or k + 1 from k = u on:
/// the same node, so both give identical runs.
#[test]
fn complete_graph_leaves_about_a_fifth_ignorant() {
    let n = 1000u32;
    let arcs = (0..n).flat_map(|u| (0..n).filter(move |&v| v != u).map(move |v| (u, v, 1.0)));
    let net = Network::from_arcs(n as usize, arcs).unwrap();
    let left = ignorants_left(&net, RumorOptions::default(), 1500, 8);
    check(&left, u64::from(n), "complete graph");
    let mixing = RumorOptions {
        contacts: RumorContacts::CompleteMixing,
        ..RumorOptions::default()
    };
    assert_eq!(ignorants_left(&net, mixing, 1500, 8), left);
}

/// Counts deactivations.
#[derive(Default)]
struct Stifled(Vec<(u32, u32)>);

impl Observer for Stifled {
    fn deactivated(&mut self, node: u32, step: u32) {
        self.0.push((node, step));
    }
    fn adopted(&mut self, e: &Event) {
        assert!(e.step == 0 || e.sender.is_some());
    }
}

/// Maki–Thompson against Daley–Kendall on 0 -> 1 -> 2 with spreaders 0 and
/// 1, in a sweep: 0 calls 1, a spreader. Maki–Thompson stifles 0 only, and
/// 1 then tells 2; Daley–Kendall stifles both, and 2 never hears.
#[test]
fn stifling_rules_differ_as_documented() {
    let net = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 1.0)]).unwrap();
    let mt = Rumor::new(&net, RumorOptions::default()).unwrap();
    let mut obs = Stifled::default();
    let out = Simulation::new(&net, &mt)
        .run(&[0, 1], 1, 0, &mut obs)
        .unwrap();
    assert_eq!(out.adopted, 3);
    // Step 1: 0 stifled; step 2: 1 calls 2, a spreader -> 1 stifled; 2 has
    // nobody to tell -> stifled too.
    assert_eq!(obs.0, vec![(0, 1), (1, 2), (2, 2)]);

    let dk = Rumor::new(
        &net,
        RumorOptions {
            stifling: Stifling::DaleyKendall,
            ..RumorOptions::default()
        },
    )
    .unwrap();
    let mut obs = Stifled::default();
    let out = Simulation::new(&net, &dk)
        .run(&[0, 1], 1, 0, &mut obs)
        .unwrap();
    assert_eq!((out.adopted, out.steps), (2, 1));
    assert_eq!(obs.0, vec![(0, 1), (1, 1)]);
}

/// In a sweep, a node told at step t calls only from step t + 1, and a
/// spreader with no out-arc becomes a stifler at its first turn.
#[test]
fn sweep_is_one_call_per_spreader_per_step() {
    // Directed path 0 -> 1 -> 2 -> 3: one new spreader per step.
    let net = Network::from_arcs(4, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)]).unwrap();
    let rumor = Rumor::new(&net, RumorOptions::default()).unwrap();
    let mut sim = Simulation::new(&net, &rumor);
    let mut rec = Recorder::new();
    let out = sim.run(&[0], 3, 0, &mut rec).unwrap();
    assert_eq!(rec.new_adoptions_per_step(), &[1, 1, 1, 1, 0]);
    assert_eq!((out.adopted, out.steps), (4, 4));
    let senders: Vec<_> = rec.cascade().iter().map(|l| l.sender).collect();
    assert_eq!(senders, [None, Some(0), Some(1), Some(2)]);
}

#[test]
fn continuous_time_steps_are_unit_windows() {
    // On a large well-mixed population the early spreaders double about
    // every ln 2 units of time: after step 1 a few are informed, far fewer
    // than after step 10.
    let n = 5000usize;
    let net = Network::from_arcs(n, []).unwrap();
    let rumor = Rumor::new(
        &net,
        RumorOptions {
            update: RumorUpdate::Continuous,
            contacts: RumorContacts::CompleteMixing,
            ..RumorOptions::default()
        },
    )
    .unwrap();
    let mut sim = Simulation::new(&net, &rumor);
    let mut rec = Recorder::new();
    let (mut at1, mut at10) = (0.0, 0.0);
    let runs = 200;
    for run in 0..runs {
        sim.run(&[0], 4, run, &mut rec).unwrap();
        let curve = rec.adoption_curve();
        at1 += curve[1.min(curve.len() - 1)] as f64;
        at10 += curve[10.min(curve.len() - 1)] as f64;
    }
    // Early on almost every call reaches an ignorant, so the informed count
    // is a Yule process: at t = 1 it is geometric with mean e and variance
    // e² - e. Stifling shifts the mean by the expected number of calls that
    // find someone informed, at most e² · e / N < 0.005 here. By t = 10 the
    // rumour has reached most of the population.
    let (at1, at10) = (at1 / runs as f64, at10 / runs as f64);
    let e = std::f64::consts::E;
    let se = ((e * e - e) / runs as f64).sqrt();
    assert!((at1 - e).abs() <= 4.0 * se + 0.005, "{at1}");
    assert!(at10 > 0.5 * n as f64, "{at10}");
}

#[test]
fn reproducible_and_validated() {
    let net = Network::from_arcs(500, []).unwrap();
    let options = RumorOptions {
        update: RumorUpdate::Continuous,
        contacts: RumorContacts::CompleteMixing,
        stifling: Stifling::MakiThompson,
    };
    let rumor = Rumor::new(&net, options).unwrap();
    assert_eq!(rumor.name(), "rumor");
    let mut sim = Simulation::new(&net, &rumor);
    let mut a = Recorder::new();
    let mut b = Recorder::new();
    sim.run(&[3], 9, 1, &mut a).unwrap();
    sim.run(&[3], 9, 1, &mut b).unwrap();
    assert_eq!(a, b);
    sim.run(&[3], 10, 1, &mut b).unwrap();
    assert_ne!(a.cascade(), b.cascade());

    let one = Network::from_arcs(1, []).unwrap();
    assert!(matches!(
        Rumor::new(&one, options),
        Err(wom::Error::InvalidParameter { .. })
    ));
    let json = serde_json::to_string(&options).unwrap();
    assert_eq!(
        json,
        r#"{"update":"continuous","contacts":"complete_mixing","stifling":"maki_thompson"}"#
    );
    let back: RumorOptions = serde_json::from_str(&json).unwrap();
    assert_eq!(back, options);
    let default: RumorOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(default, RumorOptions::default());
}
