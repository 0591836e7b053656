//! Composition over one adoption record: `Together` against hand-computed
//! runs and a closed form, a property test over random compositions
//! (KPI adopters = distinct adopters), and the engine's guard against a
//! model that reports a node twice.

use std::collections::HashSet;

use proptest::prelude::*;
use rand::Rng;
use wom::Network;
use wom::ensemble::{Ensemble, EnsembleOptions, RunBudget};
use wom::kpi::KpiSpec;
use wom::propagation::bass::{Bass, BassOptions, BassState};
use wom::propagation::lt::{LinearThreshold, LtState, LtWeights};
use wom::propagation::{
    Event, IcProbabilities, IcState, IndependentCascade, Joint, Model, Observer, Recorder,
    Simulation, StepOutcome, Together, exposed_and_adopted,
};

/// The path 0 -> 1 -> ... -> n-1 with the given trusts.
fn path(trust: &[f64]) -> Network {
    let arcs = trust
        .iter()
        .enumerate()
        .map(|(i, &t)| (i as u32, i as u32 + 1, t));
    Network::from_arcs(trust.len() + 1, arcs).unwrap()
}

/// (node, step, channel, sender) of every adoption, in order.
fn links(rec: &Recorder) -> Vec<(u32, u32, u16, Option<u32>)> {
    rec.cascade()
        .iter()
        .map(|e| (e.node, e.step, e.channel.0, e.sender))
        .collect()
}

#[test]
fn a_cascade_and_word_of_mouth_take_turns_on_a_path() {
    // The cascade passes only the arcs of trust 1 (0->1, 2->3), Bass's
    // word of mouth (q = 1, no advertising) every arc, a step after the
    // adopter: each wins the nodes the other cannot reach first.
    let net = path(&[1.0, 0.0, 1.0, 0.0]);
    let ic = IndependentCascade::new(&net, IcProbabilities::Trust).unwrap();
    let wom = Bass::new(&net, BassOptions { p: 0.0, q: 1.0 }).unwrap();
    let both = Together::new(&ic, &wom);
    assert_eq!(
        both.channel_names(),
        ["independent_cascade:tie", "bass:tie", "bass:advertising"]
    );
    assert_eq!(both.name(), "independent_cascade+bass");
    let mut sim = Simulation::new(&net, &both);
    let mut rec = Recorder::new();
    let out = sim.run(&[0], 3, 0, &mut rec).unwrap();
    // Step 1: the cascade wins 1 (Bass, stepping after it, must not).
    // Step 2: 1 -> 2 has p = 0; Bass wins 2 from its adopted neighbour 1.
    // Step 3: the cascade goes on from 2 (handed over by Bass) and wins 3.
    // Step 4: Bass wins 4. Step 5: nothing left; both finish.
    assert_eq!(
        links(&rec),
        [
            (0, 0, 0, None),
            (1, 1, 0, Some(0)),
            (2, 2, 1, Some(1)),
            (3, 3, 0, Some(2)),
            (4, 4, 1, Some(3)),
        ]
    );
    assert_eq!((out.adopted, out.exposed, out.steps), (5, 5, 5));
    assert!(out.finished);
    assert_eq!(out.repeated_adoptions, 0);

    // Bass first: it wins every node a step after its neighbour; the
    // cascade only ever meets nodes it has been handed.
    let other = Together::new(&wom, &ic);
    let out = Simulation::new(&net, &other)
        .run(&[0], 3, 0, &mut rec)
        .unwrap();
    assert_eq!(
        links(&rec),
        [
            (0, 0, 0, None),
            (1, 1, 0, Some(0)),
            (2, 2, 0, Some(1)),
            (3, 3, 0, Some(2)),
            (4, 4, 0, Some(3)),
        ]
    );
    assert_eq!((out.adopted, out.steps), (5, 5));
}

#[test]
fn within_a_step_the_first_model_has_the_first_claim() {
    // Advertising (p = 1) reaches every unadopted node at step 1; the sure
    // cascade, stepping first, still wins node 1.
    let net = path(&[1.0, 1.0, 1.0]);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let ads = Bass::new(&net, BassOptions { p: 1.0, q: 0.0 }).unwrap();
    let mut rec = Recorder::new();
    let both = Together::new(&ic, &ads);
    let out = Simulation::new(&net, &both)
        .run(&[0], 1, 0, &mut rec)
        .unwrap();
    let mut got = links(&rec);
    got[2..].sort();
    assert_eq!(
        got,
        [
            (0, 0, 0, None),
            (1, 1, 0, Some(0)),
            (2, 1, 2, None),
            (3, 1, 2, None)
        ]
    );
    // Step 2: the cascade meets only adopters and stops; so does Bass.
    assert_eq!((out.adopted, out.steps, out.repeated_adoptions), (4, 2, 0));

    let other = Together::new(&ads, &ic);
    let out = Simulation::new(&net, &other)
        .run(&[0], 1, 0, &mut rec)
        .unwrap();
    assert!(rec.cascade()[1..].iter().all(|e| e.channel.0 == 1));
    assert_eq!((out.adopted, out.steps), (4, 2));
}

#[test]
fn a_finished_model_is_woken_by_the_other_s_adopters() {
    // LT with fixed thresholds of 1 on node 2 and weights from trust: 1
    // alone does not tip 2 (weight 0.5) but 1 and 3 do. The cascade is
    // done after step 1; the threshold model, handed 1 and 3, goes on.
    let net = Network::from_arcs(
        5,
        [
            (0, 1, 1.0),
            (0, 3, 1.0),
            (1, 2, 0.5),
            (3, 2, 0.5),
            (2, 4, 1.0),
        ],
    )
    .unwrap();
    let ic = IndependentCascade::with_probabilities(&net, |u, _, _| if u == 0 { 1.0 } else { 0.0 })
        .unwrap();
    let lt = LinearThreshold::new(
        &net,
        wom::propagation::LtOptions {
            weights: LtWeights::Trust,
            thresholds: wom::propagation::lt::LtThresholds::Fixed(vec![1.0; 5]),
        },
    )
    .unwrap();
    let mut rec = Recorder::new();
    let both = Together::new(&ic, &lt);
    let out = Simulation::new(&net, &both)
        .run(&[0], 1, 0, &mut rec)
        .unwrap();
    // Step 1: the cascade wins 1 and 3 (handed to LT before its step 1,
    // so their weight counts from step 2). Step 2: LT activates 2.
    // Step 3: LT activates 4. Step 4: nothing new.
    let mut got = links(&rec);
    got[1..3].sort();
    assert_eq!(
        got,
        [
            (0, 0, 0, None),
            (1, 1, 0, Some(0)),
            (3, 1, 0, Some(0)),
            (2, 2, 1, Some(3)),
            (4, 3, 1, Some(2)),
        ]
    );
    assert_eq!((out.adopted, out.steps), (5, 4));
    assert!(out.finished);
}

#[test]
fn a_cascade_with_a_copy_of_itself_is_a_cascade_of_two_chances() {
    // Two independent cascades of p over one record give every arc two
    // independent chances: p' = 1 - (1 - p)^2, so on a path node k adopts
    // with probability p'^k; the first copy wins an arc with probability
    // p, the second with (1 - p) p.
    let n = 6;
    let p = 0.4;
    let net = path(&vec![1.0; n - 1]);
    let ic = IndependentCascade::uniform(&net, p).unwrap();
    let two = Together::new(&ic, &ic).with_labels("first", "second");
    assert_eq!(two.channel_names(), ["first:tie", "second:tie"]);
    let q = 1.0 - (1.0 - p) * (1.0 - p);
    let mean: f64 = (0..n).map(|k| q.powi(k as i32)).sum();
    let by_first = p / q * (mean - 1.0);
    let by_second = (1.0 - p) * p / q * (mean - 1.0);
    let runs = 40_000;
    let report = Ensemble::new(&net, &two, &[0])
        .options(EnsembleOptions {
            budget: RunBudget::Runs(runs),
            master_seed: 5,
            ..Default::default()
        })
        .kpis(&KpiSpec::default())
        .unwrap();
    for (name, want) in [
        ("adoption", mean),
        ("adoptions:channel:first:tie", by_first),
        ("adoptions:channel:second:tie", by_second),
    ] {
        let e = report.kpi(name).unwrap();
        let se = e.std_error();
        assert!(
            (e.mean - want).abs() < 5.0 * se,
            "{name}: {} vs {want} (se {se})",
            e.mean
        );
    }
}

/// Any of the built-ins, for compositions chosen at random.
#[derive(Debug, Clone)]
enum Any {
    Ic(IndependentCascade),
    Lt(LinearThreshold),
    Bass(Bass),
}

#[derive(Debug)]
enum AnyState {
    Ic(IcState),
    Lt(LtState),
    Bass(BassState),
}

impl Model for Any {
    type State = AnyState;
    fn name(&self) -> &str {
        match self {
            Any::Ic(m) => m.name(),
            Any::Lt(m) => m.name(),
            Any::Bass(m) => m.name(),
        }
    }
    fn new_state(&self, network: &Network) -> AnyState {
        match self {
            Any::Ic(m) => AnyState::Ic(m.new_state(network)),
            Any::Lt(m) => AnyState::Lt(m.new_state(network)),
            Any::Bass(m) => AnyState::Bass(m.new_state(network)),
        }
    }
    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut AnyState,
        seeds: &[u32],
        rng: &mut R,
        observer: &mut O,
    ) {
        match (self, state) {
            (Any::Ic(m), AnyState::Ic(s)) => m.start(network, s, seeds, rng, observer),
            (Any::Lt(m), AnyState::Lt(s)) => m.start(network, s, seeds, rng, observer),
            (Any::Bass(m), AnyState::Bass(s)) => m.start(network, s, seeds, rng, observer),
            _ => unreachable!("a state of another model"),
        }
    }
    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        network: &Network,
        state: &mut AnyState,
        step: u32,
        rng: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        match (self, state) {
            (Any::Ic(m), AnyState::Ic(s)) => m.step(network, s, step, rng, observer),
            (Any::Lt(m), AnyState::Lt(s)) => m.step(network, s, step, rng, observer),
            (Any::Bass(m), AnyState::Bass(s)) => m.step(network, s, step, rng, observer),
            _ => unreachable!("a state of another model"),
        }
    }
    fn channel_names(&self) -> Vec<String> {
        match self {
            Any::Ic(m) => m.channel_names(),
            Any::Lt(m) => m.channel_names(),
            Any::Bass(m) => m.channel_names(),
        }
    }
}

impl Joint for Any {
    fn adopt_external(&self, network: &Network, state: &mut AnyState, node: u32, step: u32) {
        match (self, state) {
            (Any::Ic(m), AnyState::Ic(s)) => m.adopt_external(network, s, node, step),
            (Any::Lt(m), AnyState::Lt(s)) => m.adopt_external(network, s, node, step),
            (Any::Bass(m), AnyState::Bass(s)) => m.adopt_external(network, s, node, step),
            _ => unreachable!("a state of another model"),
        }
    }
}

/// How to build one component: kind and parameters.
#[derive(Debug, Clone, Copy)]
enum Spec {
    IcUniform(f64),
    IcTrust,
    LtUniform,
    LtTrust,
    Bass(f64, f64),
}

impl Spec {
    fn build(self, net: &Network) -> Any {
        match self {
            Spec::IcUniform(p) => Any::Ic(IndependentCascade::uniform(net, p).unwrap()),
            Spec::IcTrust => Any::Ic(IndependentCascade::new(net, IcProbabilities::Trust).unwrap()),
            Spec::LtUniform => Any::Lt(LinearThreshold::random(net, LtWeights::Uniform)),
            Spec::LtTrust => Any::Lt(LinearThreshold::random(net, LtWeights::Trust)),
            Spec::Bass(p, q) => Any::Bass(Bass::new(net, BassOptions { p, q }).unwrap()),
        }
    }
}

fn spec_strategy() -> impl Strategy<Value = Spec> {
    let prob = prop_oneof![Just(0.0), Just(1.0), 0.0..1.0];
    prop_oneof![
        prob.clone().prop_map(Spec::IcUniform),
        Just(Spec::IcTrust),
        Just(Spec::LtUniform),
        Just(Spec::LtTrust),
        (prob.clone(), prob).prop_map(|(p, q)| Spec::Bass(p * 0.3, q)),
    ]
}

/// The shape of a composition of two or three components.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Two,
    /// Together<Together<x, y>, z>
    Left,
    /// Together<x, Together<y, z>>
    Right,
}

/// A random multigraph with self-loops, and one to three distinct seeds.
fn case_strategy() -> impl Strategy<Value = (usize, Vec<(u32, u32, f64)>, Vec<u32>)> {
    (2usize..12).prop_flat_map(|n| {
        let arc =
            (0..n as u32, 0..n as u32, 0u32..=4).prop_map(|(u, v, t)| (u, v, f64::from(t) / 4.0));
        (
            Just(n),
            prop::collection::vec(arc, 0..40),
            prop::collection::hash_set(0..n as u32, 1..=3.min(n)).prop_map(|s| {
                let mut s: Vec<u32> = s.into_iter().collect();
                s.sort_unstable();
                s
            }),
        )
    })
}

/// Every node an observer is told of, and how often.
#[derive(Default)]
struct Tally {
    exposed: Vec<u32>,
    adopted: Vec<Event>,
}

impl Observer for Tally {
    fn step_begins(&mut self, step: u32) {
        if step == 0 {
            self.exposed.clear();
            self.adopted.clear();
        }
    }
    fn exposed(&mut self, e: &Event) {
        self.exposed.push(e.node);
    }
    fn adopted(&mut self, e: &Event) {
        self.adopted.push(*e);
    }
}

/// The checks of one composition on one network: per run, each node
/// adopts once, is exposed once, before or as it adopts; the engine drops
/// nothing; KPI adopters are the distinct adopters, and the adoptions by
/// channel add up to the adopters that are not seeds.
fn check<M: Model + Sync>(net: &Network, model: &M, seeds: &[u32]) -> Result<(), TestCaseError> {
    let runs = 6u64;
    let master = 17;
    let channels = model.channel_names().len();
    let mut sim = Simulation::new(net, model).with_max_steps(500);
    let mut tally = Tally::default();
    let mut distinct = Vec::new();
    for run in 0..runs {
        let out = sim.run(seeds, master, run, &mut tally).unwrap();
        prop_assert_eq!(out.repeated_adoptions, 0);
        let adopters: HashSet<u32> = tally.adopted.iter().map(|e| e.node).collect();
        let exposed: HashSet<u32> = tally.exposed.iter().copied().collect();
        prop_assert_eq!(adopters.len(), tally.adopted.len(), "a node adopted twice");
        prop_assert_eq!(exposed.len(), tally.exposed.len(), "a node exposed twice");
        prop_assert!(adopters.is_subset(&exposed));
        prop_assert_eq!(out.adopted, adopters.len());
        prop_assert_eq!(out.exposed, exposed.len());
        for s in seeds {
            prop_assert!(adopters.contains(s));
        }
        for e in &tally.adopted {
            prop_assert!(usize::from(e.channel.0) < channels);
            prop_assert!(e.step <= out.steps);
        }
        distinct.push(adopters.len());
    }
    let report = Ensemble::new(net, model, seeds)
        .options(EnsembleOptions {
            budget: RunBudget::Runs(runs),
            master_seed: master,
            threads: Some(1),
            max_steps: 500,
            keep_runs: true,
            ..Default::default()
        })
        .kpis(&KpiSpec::default())
        .unwrap();
    let names: Vec<&str> = report.kpis.iter().map(|k| k.name.as_str()).collect();
    let adoption = names.iter().position(|&n| n == "adoption").unwrap();
    let by_channel: Vec<usize> = (0..names.len())
        .filter(|&i| names[i].starts_with("adoptions:channel:"))
        .collect();
    prop_assert_eq!(by_channel.len(), channels);
    for (values, &want) in report.per_run.as_ref().unwrap().iter().zip(&distinct) {
        prop_assert_eq!(values[adoption], Some(want as f64));
        let attributed: f64 = by_channel.iter().map(|&i| values[i].unwrap()).sum();
        prop_assert_eq!(attributed, (want - seeds.len()) as f64);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, rng_seed: proptest::test_runner::RngSeed::Fixed(9), ..ProptestConfig::default() })]

    #[test]
    fn kpi_adopters_are_the_distinct_adopters_of_any_composition(
        (n, arcs, seeds) in case_strategy(),
        specs in prop::collection::vec(spec_strategy(), 3),
        shape in prop_oneof![Just(Shape::Two), Just(Shape::Left), Just(Shape::Right)],
    ) {
        let net = Network::from_arcs(n, arcs).unwrap();
        let [x, y, z] = [0, 1, 2].map(|i| specs[i].build(&net));
        match shape {
            Shape::Two => check(&net, &Together::new(x, y), &seeds)?,
            Shape::Left => check(&net, &Together::new(Together::new(x, y), z), &seeds)?,
            Shape::Right => check(&net, &Together::new(x, Together::new(y, z)), &seeds)?,
        }
    }
}

/// A broken model: reports its seeds, then each seed again at step 1.
#[derive(Debug)]
struct Stutter;

impl Model for Stutter {
    type State = Vec<u32>;
    fn name(&self) -> &str {
        "stutter"
    }
    fn new_state(&self, _: &Network) -> Vec<u32> {
        Vec::new()
    }
    fn start<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _: &Network,
        state: &mut Vec<u32>,
        seeds: &[u32],
        _: &mut R,
        observer: &mut O,
    ) {
        state.clear();
        state.extend_from_slice(seeds);
        for &s in seeds {
            exposed_and_adopted(observer, &Event::seed(s));
        }
    }
    fn step<R: Rng + ?Sized, O: Observer + ?Sized>(
        &self,
        _: &Network,
        state: &mut Vec<u32>,
        step: u32,
        _: &mut R,
        observer: &mut O,
    ) -> StepOutcome {
        for &s in state.iter() {
            observer.adopted(&Event::tie(s, s, step));
        }
        StepOutcome::Finished
    }
}

/// Tests run with debug assertions (the test profile keeps them on even
/// at opt-level 3): the second report panics, naming what it is.
#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "model `stutter` reported node 2 as adopted at step 1")]
fn a_node_reported_twice_panics_in_debug_builds() {
    let net = path(&[1.0, 1.0]);
    let _ = Simulation::new(&net, &Stutter).run(&[2], 1, 0, &mut ());
}

/// Release builds (`cargo test --release`) drop the repeat and count it.
#[cfg(not(debug_assertions))]
#[test]
fn a_node_reported_twice_is_dropped_and_counted_in_release_builds() {
    let net = path(&[1.0, 1.0]);
    let mut rec = Recorder::new();
    let out = Simulation::new(&net, &Stutter)
        .run(&[2, 0], 1, 0, &mut rec)
        .unwrap();
    assert_eq!((out.adopted, out.repeated_adoptions), (2, 2));
    assert_eq!(rec.adopted(), 2);
    assert_eq!(rec.cascade().len(), 2);
    let report = Ensemble::new(&net, &Stutter, &[2])
        .options(EnsembleOptions {
            budget: RunBudget::Runs(3),
            keep_runs: true,
            ..Default::default()
        })
        .kpis(&KpiSpec::default())
        .unwrap();
    assert_eq!(report.kpi("adoption").unwrap().mean, 1.0);
    let run = Ensemble::new(&net, &Stutter, &[2])
        .options(EnsembleOptions {
            budget: RunBudget::Runs(3),
            keep_runs: true,
            ..Default::default()
        })
        .run()
        .unwrap();
    assert!(
        run.per_run
            .unwrap()
            .iter()
            .all(|o| o.repeated_adoptions == 1)
    );
}

#[test]
fn the_engine_lets_each_seed_adopt_once_and_reports_no_repeat_by_default() {
    let net = path(&[1.0, 1.0, 1.0]);
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let out = Simulation::new(&net, &ic)
        .run(&[0, 2], 1, 0, &mut ())
        .unwrap();
    assert_eq!((out.adopted, out.repeated_adoptions), (4, 0));
    // A results document of a correct run does not mention repeats.
    let json = serde_json::to_string(&out).unwrap();
    assert!(!json.contains("repeated"), "{json}");
    let back: wom::propagation::RunOutcome = serde_json::from_str(&json).unwrap();
    assert_eq!(back, out);
}

// ------------------------------------------------- a campaign in a composition

#[test]
fn a_campaign_and_a_cascade_share_one_adoption_record() {
    use wom::channel::Post;
    use wom::propagation::composite::{Campaign, CampaignChannel, CampaignOptions, Sender};
    // Path 0 -> 1 -> 2 -> 3, seed 0: a sure cascade and a campaign of sure
    // posts by adopters reach the same nodes at the same steps; whichever
    // runs first in a step adopts each node, the other never does, and the
    // other's adopters still talk (or transmit) from the next step.
    // Everyone active, attentive, credible and susceptible.
    let mut g: wom::SocialGraph = wom::SocialGraph::new();
    let full = wom::Profile::new(1.0, 1.0, 1.0, 1.0).unwrap();
    let nodes: Vec<_> = (0..4u64)
        .map(|i| {
            g.add_actor(i, wom::Consumer { profile: full }.into())
                .unwrap()
        })
        .collect();
    for w in nodes.windows(2) {
        g.add_tie(w[0], w[1], wom::SocialTie::follow(1.0)).unwrap();
    }
    let net = g.freeze().unwrap();
    let ic = IndependentCascade::uniform(&net, 1.0).unwrap();
    let posts = CampaignOptions::new(
        vec![CampaignChannel::new(
            Post::new(1.0).unwrap(),
            Sender::Adopters,
        )],
        10,
    )
    .with_talk_periods(1);
    let campaign = Campaign::new(&net, posts).unwrap();
    let check = |events: &[wom::propagation::Event], channel: u16, what: &str| {
        let got: Vec<(u32, u32, u16)> = events
            .iter()
            .map(|e| (e.node, e.step, e.channel.0))
            .collect();
        assert_eq!(
            got,
            [(0, 0, 0), (1, 1, channel), (2, 2, channel), (3, 3, channel)],
            "{what}"
        );
    };
    let both = Together::new(&ic, &campaign);
    assert_eq!(
        both.channel_names(),
        ["independent_cascade:tie", "campaign:post"]
    );
    let mut rec = Recorder::new();
    let out = Simulation::new(&net, &both)
        .run(&[0], 5, 0, &mut rec)
        .unwrap();
    assert_eq!((out.adopted, out.repeated_adoptions), (4, 0));
    check(rec.cascade(), 0, "cascade first");
    let both = Together::new(&campaign, &ic);
    let mut rec = Recorder::new();
    let mut sim = Simulation::new(&net, &both);
    let out = sim.run(&[0], 5, 0, &mut rec).unwrap();
    assert_eq!((out.adopted, out.repeated_adoptions), (4, 0));
    check(rec.cascade(), 0, "campaign first");
    assert_eq!(sim.state().first().adopted(), 4);
}
