//! Value stability of the models beyond the independent cascade and the
//! linear threshold (pinned in `tests/exact.rs`): Bass, Rumor (both update
//! orders), discrete SIR and SIS, continuous-time SIR, the valence cascade,
//! the competitive cascade and a campaign.
//!
//! Each model runs on one fixed generated graph (G(n, p), 200 nodes,
//! generator seed [`GRAPH_SEED`]) from fixed seeds, runs 0..5 under the
//! master seed [`MASTER`]. For each run the test pins the adopted and
//! exposed counts, the steps, whether the run finished, and an FNV-1a
//! fingerprint of every event reported (adoptions and exposures with their
//! sender, channel and step, deactivations with their step, in order); for
//! run 0 it also pins the first [`FIRST`] adoptions as
//! `(node, sender, channel, step)`, readable in a failure message.
//!
//! The pinned values depend on the generator, on the order and number of
//! draws and on the kernels' rules. Changing any of them is a
//! value-breaking change: record it as such in the CHANGELOG, together with
//! the new values, and update the constants here.
//!
//! Each model is also run on one reused [`Simulation`] for runs 0..5 in
//! reverse order and on a fresh simulation per run: the per-run results
//! must be the same, so a run depends on nothing but (model, network,
//! seeds, master seed, run index): the state is fully reset between runs.

use wom::Network;
use wom::Relation;
use wom::channel::{Advertising, BuiltinChannel, Post, PrivateMessage, RecipientChoice};
use wom::generate::{Gnp, gnp};
use wom::propagation::bass::{Bass, BassOptions};
use wom::propagation::competition::{
    BrandProbabilities, CompetitionOptions, CompetitiveCascade, TieRule,
};
use wom::propagation::composite::{Campaign, CampaignChannel, CampaignOptions, Sender};
use wom::propagation::epidemic::{ContinuousSir, ContinuousSirOptions, EpidemicOptions, Sir, Sis};
use wom::propagation::rumor::{Rumor, RumorOptions, RumorUpdate};
use wom::propagation::valence::{ValenceCascade, ValenceOptions};
use wom::propagation::{Event, Model, Observer, Simulation};

/// The generator seed of the pinned graph.
const GRAPH_SEED: u64 = 0x0057_AB1E;

/// The master seed of the pinned runs.
const MASTER: u64 = 0x5EED_57AB;

/// The pinned runs: 0..RUNS.
const RUNS: u64 = 5;

/// The seed nodes (the competitive cascade splits them between its brands).
const SEEDS: [u32; 3] = [0, 17, 42];

/// A step limit, for SIS (which never finishes on its own) and as a guard.
const MAX_STEPS: u32 = 60;

/// Adoptions of run 0 pinned one by one.
const FIRST: usize = 10;

/// An adoption as `(node, sender, channel, step)`.
type Link = (u32, Option<u32>, u16, u32);

/// What one run is pinned by: `(adopted, exposed, steps, finished,
/// fingerprint)`.
type RunPin = (usize, usize, u32, bool, u64);

/// A model's pins: those of runs 0..RUNS and the first adoptions of run 0.
type Pins = (Vec<RunPin>, Vec<Link>);

/// The pinned graph: directed G(200, 0.02), about 4 out-arcs per node.
fn pinned_network() -> Network {
    gnp(
        &Gnp {
            n: 200,
            p: 0.02,
            direction: Relation::Follow,
        },
        GRAPH_SEED,
    )
    .unwrap()
    .freeze()
    .unwrap()
}

/// Records a run's events: an FNV-1a hash of all of them and the first
/// adoptions.
#[derive(Debug, Clone, Default)]
struct Fingerprint {
    hash: u64,
    first: Vec<Link>,
}

impl Fingerprint {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Self {
        Fingerprint {
            hash: Self::OFFSET,
            first: Vec::new(),
        }
    }

    fn word(&mut self, x: u64) {
        for b in x.to_le_bytes() {
            self.hash ^= u64::from(b);
            self.hash = self.hash.wrapping_mul(Self::PRIME);
        }
    }

    fn event(&mut self, kind: u64, e: &Event) {
        self.word(kind);
        self.word(u64::from(e.node));
        self.word(e.sender.map_or(u64::MAX, u64::from));
        self.word(u64::from(e.channel.0));
        self.word(u64::from(e.step));
    }
}

impl Observer for Fingerprint {
    fn exposed(&mut self, e: &Event) {
        self.event(1, e);
    }
    fn adopted(&mut self, e: &Event) {
        self.event(2, e);
        if self.first.len() < FIRST {
            self.first.push((e.node, e.sender, e.channel.0, e.step));
        }
    }
    fn deactivated(&mut self, node: u32, step: u32) {
        self.word(3);
        self.word(u64::from(node));
        self.word(u64::from(step));
    }
}

/// Runs `run` of `sim` from `seeds`: its pin and its first adoptions.
fn pin_run<S: Model>(sim: &mut Simulation<'_, S>, seeds: &[u32], run: u64) -> (RunPin, Vec<Link>) {
    let mut fp = Fingerprint::new();
    let out = sim.run(seeds, MASTER, run, &mut fp).unwrap();
    (
        (out.adopted, out.exposed, out.steps, out.finished, fp.hash),
        fp.first,
    )
}

/// The pins of runs 0..RUNS and the first adoptions of run 0, after
/// checking that a reused simulation running them in reverse order, and a
/// fresh simulation per run, give the same results.
fn pinned<S: Model + Clone>(name: &str, net: &Network, s: S, seeds: &[u32]) -> Pins {
    let mut sim = Simulation::new(net, s.clone()).with_max_steps(MAX_STEPS);
    let forward: Vec<(RunPin, Vec<Link>)> =
        (0..RUNS).map(|run| pin_run(&mut sim, seeds, run)).collect();
    let mut backward: Vec<(RunPin, Vec<Link>)> = (0..RUNS)
        .rev()
        .map(|run| pin_run(&mut sim, seeds, run))
        .collect();
    backward.reverse();
    assert_eq!(
        forward, backward,
        "{name}: reused simulation, reverse order"
    );
    let fresh: Vec<(RunPin, Vec<Link>)> = (0..RUNS)
        .map(|run| {
            let mut sim = Simulation::new(net, s.clone()).with_max_steps(MAX_STEPS);
            pin_run(&mut sim, seeds, run)
        })
        .collect();
    assert_eq!(forward, fresh, "{name}: fresh simulation per run");
    // The runs differ from one another: the fingerprint sees the run index.
    let mut hashes: Vec<u64> = forward.iter().map(|(p, _)| p.4).collect();
    hashes.sort_unstable();
    hashes.dedup();
    assert!(hashes.len() >= 4, "{name}: runs barely differ");
    let first = forward[0].1.clone();
    (forward.into_iter().map(|(p, _)| p).collect(), first)
}

/// Every pinned model's results, by name.
fn observed() -> Vec<(&'static str, Pins)> {
    let net = pinned_network();
    let seeds = &SEEDS[..];
    let bass = Bass::new(&net, BassOptions { p: 0.01, q: 0.08 }).unwrap();
    let sweep = Rumor::new(
        &net,
        RumorOptions {
            update: RumorUpdate::Sweep,
            ..RumorOptions::default()
        },
    )
    .unwrap();
    let continuous = Rumor::new(
        &net,
        RumorOptions {
            update: RumorUpdate::Continuous,
            ..RumorOptions::default()
        },
    )
    .unwrap();
    let sir = Sir::new(
        &net,
        EpidemicOptions {
            beta: 0.3,
            gamma: 0.4,
        },
    )
    .unwrap();
    let sis = Sis::new(
        &net,
        EpidemicOptions {
            beta: 0.15,
            gamma: 0.3,
        },
    )
    .unwrap();
    let csir = ContinuousSir::new(
        &net,
        ContinuousSirOptions {
            tau: 0.5,
            gamma: 1.0,
            step_length: 0.5,
        },
    )
    .unwrap();
    let valence = ValenceCascade::new(&net, ValenceOptions::new(0.7, 0.4, 0.3)).unwrap();
    let competition = CompetitiveCascade::new(
        &net,
        CompetitionOptions {
            probabilities: BrandProbabilities::Uniform { a: 0.3, b: 0.25 },
            tie_rule: TieRule::UniformBrand,
        },
        &SEEDS[..2],
        &SEEDS[2..],
    )
    .unwrap();
    let ch = |c: BuiltinChannel, senders| CampaignChannel::new(c, senders);
    let campaign = Campaign::new(
        &net,
        CampaignOptions::new(
            vec![
                // No business node: advertising from outside the graph.
                ch(
                    Advertising::new(0.05, 0.3).unwrap().into(),
                    Sender::Business,
                ),
                ch(
                    PrivateMessage::new(0.5, RecipientChoice::Uniform)
                        .unwrap()
                        .into(),
                    Sender::Adopters,
                ),
                ch(Post::new(0.1).unwrap().into(), Sender::Adopters),
            ],
            15,
        )
        .with_talk_periods(3),
    )
    .unwrap();
    let competition_seeds = competition.seeds().to_vec();
    vec![
        ("bass", pinned("bass", &net, &bass, seeds)),
        ("rumor sweep", pinned("rumor sweep", &net, &sweep, seeds)),
        (
            "rumor continuous",
            pinned("rumor continuous", &net, &continuous, seeds),
        ),
        ("sir", pinned("sir", &net, &sir, seeds)),
        ("sis", pinned("sis", &net, &sis, seeds)),
        (
            "continuous sir",
            pinned("continuous sir", &net, &csir, seeds),
        ),
        ("valence", pinned("valence", &net, &valence, seeds)),
        (
            "competition",
            pinned("competition", &net, &competition, &competition_seeds),
        ),
        ("campaign", pinned("campaign", &net, &campaign, seeds)),
    ]
}

/// Pinned outputs (see the module docs). They depend on the generator, on
/// the order and number of draws and on the kernels' rules: changing any of
/// them is a value-breaking change, to be recorded as such in the CHANGELOG
/// together with the new values.
#[test]
fn value_stability() {
    let got = observed();
    // Printed in the form of `want` below, to update it.
    for (name, (runs, first)) in &got {
        println!("(\"{name}\", vec!{runs:?}, vec!{first:?}),");
    }
    let want: Vec<(&str, Vec<RunPin>, Vec<Link>)> = vec![
        (
            "bass",
            vec![
                (197, 197, 60, false, 10517878205981496598),
                (195, 195, 60, false, 15220487432503355238),
                (199, 199, 60, false, 1341792441560456246),
                (194, 194, 60, false, 1437951837211327973),
                (198, 198, 60, false, 6917234428599323701),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (128, None, 1, 2),
                (159, None, 1, 2),
                (161, None, 1, 2),
                (181, None, 1, 2),
                (70, Some(17), 0, 2),
                (21, None, 1, 3),
                (30, None, 1, 3),
            ],
        ),
        (
            "rumor sweep",
            vec![
                (127, 127, 14, true, 2416580981524856061),
                (125, 125, 15, true, 8766661756566722522),
                (137, 137, 16, true, 4550104253866977653),
                (132, 132, 20, true, 16814315488746931508),
                (123, 123, 17, true, 12199670259750500557),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (195, Some(0), 0, 1),
                (70, Some(17), 0, 1),
                (67, Some(42), 0, 1),
                (131, Some(0), 0, 2),
                (24, Some(195), 0, 2),
                (12, Some(17), 0, 2),
                (160, Some(70), 0, 2),
            ],
        ),
        (
            "rumor continuous",
            vec![
                (132, 132, 18, true, 6939379932014167098),
                (137, 137, 17, true, 16430479744327543673),
                (144, 144, 19, true, 4412533190107701340),
                (135, 135, 22, true, 13533611060998157253),
                (127, 127, 17, true, 15421736614681136773),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (67, Some(42), 0, 1),
                (93, Some(0), 0, 1),
                (15, Some(67), 0, 2),
                (70, Some(17), 0, 2),
                (133, Some(93), 0, 2),
                (20, Some(15), 0, 2),
                (27, Some(0), 0, 2),
            ],
        ),
        (
            "sir",
            vec![
                (173, 173, 27, true, 8558401249607562663),
                (174, 174, 22, true, 13852919863252003703),
                (168, 168, 25, true, 17902466758766064730),
                (159, 159, 17, true, 8522151225579137628),
                (170, 170, 25, true, 7945867226501079355),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (195, Some(0), 0, 1),
                (12, Some(17), 0, 1),
                (146, Some(42), 0, 1),
                (50, Some(195), 0, 2),
                (105, Some(195), 0, 2),
                (45, Some(12), 0, 2),
                (72, Some(12), 0, 2),
            ],
        ),
        (
            "sis",
            vec![
                (193, 193, 60, false, 1084006929916377571),
                (193, 193, 60, false, 666927721561233773),
                (193, 193, 60, false, 12906261059726012873),
                (193, 193, 60, false, 8073141302137387187),
                (188, 188, 60, false, 11722919045536657970),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (27, Some(0), 0, 2),
                (131, Some(0), 0, 2),
                (6, Some(131), 0, 3),
                (156, Some(6), 0, 4),
                (98, Some(6), 0, 5),
                (29, Some(98), 0, 6),
                (85, Some(98), 0, 6),
            ],
        ),
        (
            "continuous sir",
            vec![
                (70, 70, 25, true, 13021259685597800720),
                (124, 124, 25, true, 10792993911483831911),
                (5, 5, 7, true, 16648063627348496405),
                (84, 84, 16, true, 16033305313748472832),
                (84, 84, 16, true, 14929656668012321108),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (12, Some(17), 0, 1),
                (157, Some(12), 0, 1),
                (93, Some(12), 0, 1),
                (99, Some(157), 0, 1),
                (26, Some(0), 0, 1),
                (114, Some(12), 0, 1),
                (67, Some(42), 0, 1),
            ],
        ),
        (
            "valence",
            vec![
                (78, 95, 17, true, 4965919836987517300),
                (77, 93, 12, true, 9580700242695425241),
                (4, 5, 2, true, 740328335378857777),
                (71, 84, 11, true, 15206363401749034300),
                (40, 52, 13, true, 74732897417502688),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (146, Some(42), 0, 1),
                (11, Some(146), 0, 2),
                (60, Some(146), 0, 2),
                (80, Some(60), 0, 3),
                (85, Some(60), 0, 3),
                (197, Some(60), 0, 3),
                (36, Some(197), 0, 4),
            ],
        ),
        (
            "competition",
            vec![
                (81, 81, 10, true, 4173572397583930662),
                (107, 107, 14, true, 554359823262142662),
                (9, 9, 4, true, 9998970556373902662),
                (112, 112, 13, true, 12760514216383109189),
                (26, 26, 10, true, 12143311983373081797),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 1, 0),
                (195, Some(0), 0, 1),
                (12, Some(17), 0, 1),
                (24, Some(195), 0, 2),
                (50, Some(195), 0, 2),
                (56, Some(195), 0, 2),
                (105, Some(195), 0, 2),
                (114, Some(12), 0, 2),
            ],
        ),
        (
            "campaign",
            vec![
                (31, 124, 15, true, 12200689572416040701),
                (30, 131, 15, true, 9737189448548612895),
                (27, 118, 15, true, 15254105876000975445),
                (33, 127, 15, true, 13629538415759249322),
                (38, 135, 15, true, 3755942246342225668),
            ],
            vec![
                (0, None, 0, 0),
                (17, None, 0, 0),
                (42, None, 0, 0),
                (94, None, 0, 1),
                (113, None, 0, 1),
                (159, None, 0, 1),
                (195, None, 0, 1),
                (1, None, 0, 2),
                (38, None, 0, 2),
                (40, None, 0, 2),
            ],
        ),
    ];
    assert_eq!(got.len(), want.len());
    for ((name, got), (want_name, runs, first)) in got.iter().zip(&want) {
        assert_eq!(name, want_name);
        assert_eq!(
            (&got.0, &got.1),
            (runs, first),
            "{name}: a value-breaking change (CHANGELOG)"
        );
    }
}
