//! The engine's own checks: seeds, the network a model was prepared
//! for, the step limit, and reuse of one engine across runs.

use wom::propagation::lt::{LinearThreshold, LtWeights};
use wom::propagation::{Bass, IndependentCascade, Recorder, Simulation, bass::BassOptions};
use wom::{Error, Network};

fn path(n: u32) -> Network {
    Network::from_arcs(n as usize, (0..n - 1).map(|i| (i, i + 1, 1.0))).unwrap()
}

#[test]
fn a_strategy_prepared_for_one_network_refuses_another() {
    let a = path(3);
    let b = Network::from_arcs(10, [(0, 2, 1.0)]).unwrap();
    let wc = IndependentCascade::weighted_cascade(&a);
    let err = Simulation::new(&b, &wc)
        .run(&[0], 1, 0, &mut ())
        .unwrap_err();
    assert!(matches!(err, Error::InvalidParameter { .. }), "{err}");
    assert!(err.to_string().contains("prepared for network"), "{err}");
    let lt = LinearThreshold::random(&a, LtWeights::Uniform);
    assert!(Simulation::new(&b, &lt).run(&[0], 1, 0, &mut ()).is_err());
    let bass = Bass::new(&a, BassOptions { p: 0.1, q: 0.2 }).unwrap();
    assert!(Simulation::new(&b, &bass).run(&[0], 1, 0, &mut ()).is_err());
    // A clone of the network is the same network.
    let a2 = a.clone();
    assert_eq!(
        Simulation::new(&a2, &wc)
            .run(&[0], 1, 0, &mut ())
            .unwrap()
            .adopted,
        3
    );
}

#[test]
fn seeds_are_checked() {
    let net = path(4);
    let ic = IndependentCascade::uniform(&net, 0.5).unwrap();
    let mut sim = Simulation::new(&net, &ic);
    assert!(matches!(
        sim.run(&[4], 1, 0, &mut ()),
        Err(Error::UnknownNode { .. })
    ));
    assert!(matches!(
        sim.run(&[1, 1], 1, 0, &mut ()),
        Err(Error::InvalidParameter { .. })
    ));
    // No seeds: nothing happens, and that is not an error.
    let out = sim.run(&[], 1, 0, &mut ()).unwrap();
    assert_eq!((out.adopted, out.exposed), (0, 0));
}

#[test]
fn the_step_limit_stops_a_run_and_says_so() {
    let net = path(10);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let mut sim = Simulation::new(&net, &ic).with_max_steps(3);
    let out = sim.run(&[0], 1, 0, &mut ()).unwrap();
    assert_eq!((out.adopted, out.steps, out.finished), (4, 3, false));
}

#[test]
fn runs_do_not_depend_on_the_runs_before_them() {
    let net = wom::generate::gnp(
        &wom::generate::Gnp {
            n: 300,
            p: 0.02,
            direction: wom::Relation::Follow,
        },
        5,
    )
    .unwrap()
    .freeze()
    .unwrap();
    let ic = IndependentCascade::weighted_cascade(&net);
    let mut reused = Simulation::new(&net, &ic);
    let mut rec = Recorder::new();
    let forward: Vec<_> = (0..20)
        .map(|r| {
            reused.run(&[0, 1, 2], 9, r, &mut rec).unwrap();
            rec.cascade().to_vec()
        })
        .collect();
    for r in (0..20).rev() {
        let mut fresh = Simulation::new(&net, &ic);
        fresh.run(&[0, 1, 2], 9, r, &mut rec).unwrap();
        assert_eq!(rec.cascade(), &forward[r as usize][..]);
    }
}

#[test]
fn parameters_that_would_never_end_a_run_are_refused_or_finish() {
    use wom::propagation::Sir;
    use wom::propagation::epidemic::EpidemicOptions;
    let anywhere = Network::from_arcs(1, []).unwrap(); // the model reads no network
    let err = Sir::new(
        &anywhere,
        EpidemicOptions {
            beta: 0.5,
            gamma: 0.0,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("gamma"), "{err}");
    // A WOM influence below the 2^-31 resolution cannot persuade anyone, so
    // the run ends once advertising is impossible too (p = 0).
    let net = path(5);
    let bass = Bass::new(&net, BassOptions { p: 0.0, q: 1e-12 }).unwrap();
    let out = Simulation::new(&net, &bass)
        .run(&[0], 1, 0, &mut ())
        .unwrap();
    assert!(out.finished, "{out:?}");
    assert_eq!(out.adopted, 1);
}

#[test]
fn misspelt_option_fields_are_errors_not_defaults() {
    use wom::propagation::IcProbabilities;
    use wom::propagation::competition::CompetitionOptions;
    assert!(serde_json::from_str::<IcProbabilities>(r#"{"kind":"uniform","p":0.1}"#).is_ok());
    assert!(
        serde_json::from_str::<IcProbabilities>(r#"{"kind":"uniform","p":0.1,"q":1}"#).is_err()
    );
    let e = serde_json::from_str::<CompetitionOptions>(
        r#"{"probabilities":{"kind":"uniform","a":0.1,"b":0.1},"tie_rul":"proportional"}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("tie_rul"), "{e}");
}

#[test]
fn network_ids_follow_content() {
    let a = path(3);
    let same = path(3);
    assert_eq!(a.id(), same.id());
    let other_trust = Network::from_arcs(3, [(0, 1, 1.0), (1, 2, 0.5)]).unwrap();
    assert_ne!(a.id(), other_trust.id());
    // A model prepared on one freeze runs on an identical one.
    let wc = IndependentCascade::weighted_cascade(&a);
    assert!(Simulation::new(&same, &wc).run(&[0], 1, 0, &mut ()).is_ok());
    // But not where the trust differs, since its probabilities came from it.
    let trust = IndependentCascade::new(&a, wom::propagation::IcProbabilities::Trust).unwrap();
    assert!(
        Simulation::new(&other_trust, &trust)
            .run(&[0], 1, 0, &mut ())
            .is_err()
    );
}

#[test]
fn a_cascade_reports_the_probabilities_it_was_built_with() {
    use wom::propagation::IcProbabilities;
    let net = path(4);
    // Built from the caller's own function: no setting describes it, and
    // it is not `Trust` (which would read p = 1 off these ties).
    let half = IndependentCascade::with_probabilities(&net, |_, _, _| 0.5).unwrap();
    assert_eq!(half.probabilities(), None);
    let trust = IndependentCascade::new(&net, IcProbabilities::Trust).unwrap();
    assert_eq!(trust.probabilities(), Some(IcProbabilities::Trust));
    let uniform = IndependentCascade::uniform(&net, 0.25).unwrap();
    assert_eq!(
        uniform.probabilities(),
        Some(IcProbabilities::Uniform { p: 0.25 })
    );
    assert_eq!(
        IndependentCascade::weighted_cascade(&net).probabilities(),
        Some(IcProbabilities::WeightedCascade)
    );
    // Serialized as a document: `null` for the custom function.
    assert_eq!(
        serde_json::to_string(&half.probabilities()).unwrap(),
        "null"
    );
    // The two differ in what they do, as the report now says: with trust
    // 1 on every tie the whole path adopts, with p = 1/2 it does not always.
    let mut sim = Simulation::new(&net, &half);
    let full = (0..64)
        .filter(|&run| sim.run(&[0], 3, run, &mut ()).unwrap().adopted == 4)
        .count();
    assert!(full < 64, "{full}");
    let mut sim = Simulation::new(&net, &trust);
    assert_eq!(sim.run(&[0], 3, 0, &mut ()).unwrap().adopted, 4);
}
